"""DuckDB reference for `greenops bench ingest --format focus-parquet`: the work of greenops' FOCUS
adapter (jobs/src/ingest/focus.rs) on a FOCUS Parquet file, called from duckdb_ingest.py.

* Columns are matched by name ignoring case, with the adapter's aliases for older names.
* Each canonical column the file has is cast to greenops' type: money through its decimal text
  (DOUBLE → VARCHAR → DECIMAL(38,24), as greenops parses floats), quantities DECIMAL(38,18),
  timestamps TIMESTAMPTZ; Tags re-serialised with normalised keys (x_RawTags as written).
* ContractedCost and ListCost fall back to each other, then to BilledCost; x_InstanceType,
  x_vCPUs and x_MemoryGB come from SkuPriceDetails.
* Enumerations are passed through (greenops also normalises their spelling).
"""

from duckdb_common import CANONICAL, MONEY, QUANTITY, copy_partitioned, new_run_id, quote_ident, quote_lit, \
    select_canonical

ALIASES = [
    ("Provider", "ProviderName"), ("ServiceProviderName", "ProviderName"), ("Publisher", "PublisherName"),
    ("InvoiceIssuer", "InvoiceIssuerName"), ("UsageQuantity", "ConsumedQuantity"),
    ("UsageUnit", "ConsumedUnit"), ("AmortizedCost", "EffectiveCost"), ("ChargeType", "ChargeCategory"),
    ("Region", "RegionId"),
]


def resolve(header):
    """Canonical column → the file's column (case-insensitive, then aliases)."""
    lower = {h.lower(): h for h in reversed(header)}
    out = {name: lower[name.lower()] for name, _ in CANONICAL if name.lower() in lower}
    for alias, canonical in ALIASES:
        if canonical not in out and alias.lower() in lower:
            out[canonical] = lower[alias.lower()]
    return out


def ingest(con, source, out):
    """FOCUS Parquet → canonical, partitioned; returns (columns read, rows written)."""
    reader = f"read_parquet({quote_lit(source)})"
    header = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()]
    con.execute(f"CREATE VIEW raw AS SELECT *, row_number() OVER () AS __row FROM {reader}")
    resolved = resolve(header)
    exprs = {}
    for name, sql_type in CANONICAL:
        source_col = resolved.get(name)
        if source_col is None:
            continue
        text = f"CAST({quote_ident(source_col)} AS VARCHAR)"
        if sql_type == MONEY:
            exprs[name] = f"money({text})"
        elif sql_type == QUANTITY:
            exprs[name] = f"qty({text})"
        elif sql_type == "TIMESTAMPTZ":
            exprs[name] = f"CAST({quote_ident(source_col)} AS TIMESTAMPTZ)"
        elif sql_type == "DOUBLE":
            exprs[name] = f"measurement({text})"
        elif name == "Tags":
            exprs["Tags"] = f"json_tags({text})"
            exprs["x_RawTags"] = f"raw_tags({text})"
        else:
            exprs[name] = f"txt({text})"
    exprs.setdefault("ChargeCategory", "'Usage'")
    billed = exprs["BilledCost"]
    list_cost, contracted = exprs.get("ListCost", "NULL"), exprs.get("ContractedCost", "NULL")
    exprs["ContractedCost"] = f"coalesce({contracted}, {list_cost}, {billed})"
    exprs["ListCost"] = f"coalesce({list_cost}, {contracted}, {billed})"
    if "SkuPriceDetails" in resolved:
        details = f"txt(CAST({quote_ident(resolved['SkuPriceDetails'])} AS VARCHAR))"
        exprs.setdefault("x_InstanceType", f"json_extract_string({details}, '$.InstanceType')")
        exprs.setdefault("x_vCPUs", f"measurement(json_extract_string({details}, '$.CoreCount'))")
        exprs.setdefault("x_MemoryGB", f"measurement(json_extract_string({details}, '$.MemorySize'))")
    lower = {h.lower() for h in header}
    if lower & {"serviceprovidername", "hostprovidername", "contractapplied"}:
        version = "1.3"
    elif "InvoiceId" in resolved or "PricingCurrency" in resolved:
        version = "1.2"
    else:
        version = "1.1" if "ServiceSubcategory" in resolved or "SkuMeter" in resolved else "1.0"
    invoice = exprs.get("InvoiceId")
    exprs.update({
        "x_SourceKind": quote_lit(f"focus-{version}"),
        "x_SourceFile": quote_lit(source),
        "x_SourceRow": "__row",
        "x_IngestRunId": quote_lit(new_run_id()),
        "x_BillingStatus": f"CASE WHEN {invoice} IS NULL THEN 'Unknown' ELSE 'Final' END" if invoice
        else "'Unknown'",
    })
    select = select_canonical(exprs)
    select.append(f"{exprs['BillingAccountId']} AS billing_account")
    select.append(f"strftime({exprs['BillingPeriodStart']}, '%Y-%m') AS billing_period")
    return len(header), copy_partitioned(con, f"SELECT {', '.join(select)} FROM raw", out)
