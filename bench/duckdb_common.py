"""What the DuckDB references share: greenops' canonical cost table (warehouse/src/schema.rs) with
DuckDB types, the parsing macros, tag-key normalisation, and the partitioned COPY to Parquet."""

import time
import uuid

MACROS = """
CREATE MACRO txt(x) AS NULLIF(trim(x), '');
CREATE MACRO money(x) AS coalesce(TRY_CAST(txt(x) AS DECIMAL(38,24)),
                                  TRY_CAST(TRY_CAST(txt(x) AS DOUBLE) AS DECIMAL(38,24)));
CREATE MACRO qty(x) AS coalesce(TRY_CAST(txt(x) AS DECIMAL(38,18)),
                                TRY_CAST(TRY_CAST(txt(x) AS DOUBLE) AS DECIMAL(38,18)));
CREATE MACRO ts(x) AS CAST(txt(x) AS TIMESTAMPTZ);
CREATE MACRO measurement(x) AS
    TRY_CAST(NULLIF(regexp_extract(replace(trim(x), ',', ''), '^[0-9.]*', 0), '') AS DOUBLE);
CREATE MACRO tag_key(k) AS replace(
    CASE WHEN starts_with(lower(trim(k)), 'user:') OR starts_with(lower(trim(k)), 'user_')
         THEN substr(lower(trim(k)), 6) ELSE lower(trim(k)) END, ' ', '_');
CREATE MACRO json_tags(j) AS
    CASE WHEN txt(j) IS NULL OR trim(j) = '{}' THEN NULL
         ELSE CAST(to_json(map_from_entries(list_sort(list_transform(
                  map_entries(json_transform(j, '"MAP(VARCHAR, VARCHAR)"')),
                  lambda e: {'key': tag_key(e.key), 'value': e.value})))) AS VARCHAR) END;
CREATE MACRO raw_tags(j) AS CASE WHEN txt(j) IS NULL OR trim(j) = '{}' THEN NULL ELSE trim(j) END;
"""

MONEY, QUANTITY = "DECIMAL(38,24)", "DECIMAL(38,18)"
# greenops' canonical cost table (warehouse/src/schema.rs), in storage order, with DuckDB types
CANONICAL = [
    ("AvailabilityZone", "VARCHAR"), ("BilledCost", MONEY), ("BillingAccountId", "VARCHAR"),
    ("BillingAccountName", "VARCHAR"), ("BillingAccountType", "VARCHAR"), ("BillingCurrency", "VARCHAR"),
    ("BillingPeriodEnd", "TIMESTAMPTZ"), ("BillingPeriodStart", "TIMESTAMPTZ"),
    ("CapacityReservationId", "VARCHAR"), ("CapacityReservationStatus", "VARCHAR"),
    ("ChargeCategory", "VARCHAR"), ("ChargeClass", "VARCHAR"), ("ChargeDescription", "VARCHAR"),
    ("ChargeFrequency", "VARCHAR"), ("ChargePeriodEnd", "TIMESTAMPTZ"), ("ChargePeriodStart", "TIMESTAMPTZ"),
    ("CommitmentDiscountCategory", "VARCHAR"), ("CommitmentDiscountId", "VARCHAR"),
    ("CommitmentDiscountName", "VARCHAR"), ("CommitmentDiscountQuantity", QUANTITY),
    ("CommitmentDiscountStatus", "VARCHAR"), ("CommitmentDiscountType", "VARCHAR"),
    ("CommitmentDiscountUnit", "VARCHAR"), ("ConsumedQuantity", QUANTITY), ("ConsumedUnit", "VARCHAR"),
    ("ContractedCost", MONEY), ("ContractedUnitPrice", MONEY), ("EffectiveCost", MONEY),
    ("InvoiceId", "VARCHAR"), ("InvoiceIssuerName", "VARCHAR"), ("ListCost", MONEY), ("ListUnitPrice", MONEY),
    ("PricingCategory", "VARCHAR"), ("PricingCurrency", "VARCHAR"),
    ("PricingCurrencyContractedUnitPrice", MONEY), ("PricingCurrencyEffectiveCost", MONEY),
    ("PricingCurrencyListUnitPrice", MONEY), ("PricingQuantity", QUANTITY), ("PricingUnit", "VARCHAR"),
    ("ProviderName", "VARCHAR"), ("PublisherName", "VARCHAR"), ("RegionId", "VARCHAR"), ("RegionName", "VARCHAR"),
    ("ResourceId", "VARCHAR"), ("ResourceName", "VARCHAR"), ("ResourceType", "VARCHAR"),
    ("ServiceCategory", "VARCHAR"), ("ServiceName", "VARCHAR"), ("ServiceSubcategory", "VARCHAR"),
    ("SkuId", "VARCHAR"), ("SkuMeter", "VARCHAR"), ("SkuPriceDetails", "VARCHAR"), ("SkuPriceId", "VARCHAR"),
    ("SubAccountId", "VARCHAR"), ("SubAccountName", "VARCHAR"), ("SubAccountType", "VARCHAR"),
    ("Tags", "VARCHAR"),
    ("x_SourceKind", "VARCHAR"), ("x_SourceFile", "VARCHAR"), ("x_SourceRow", "BIGINT"),
    ("x_IngestRunId", "VARCHAR"), ("x_BillingStatus", "VARCHAR"), ("x_ChargeType", "VARCHAR"),
    ("x_ServiceCode", "VARCHAR"), ("x_UsageType", "VARCHAR"), ("x_Operation", "VARCHAR"),
    ("x_InstanceType", "VARCHAR"), ("x_vCPUs", "DOUBLE"), ("x_MemoryGB", "DOUBLE"), ("x_RawTags", "VARCHAR"),
]


def quote_ident(name):
    return '"' + name.replace('"', '""') + '"'


def quote_lit(value):
    return "'" + str(value).replace("'", "''") + "'"


def normalize_tag_key(raw):
    """As greenops: trimmed, lower-case, `user:` / `user_` prefix dropped, whitespace as `_`."""
    k = raw.strip().lower()
    for prefix in ("user:", "user_"):
        if k.startswith(prefix):
            k = k[len(prefix):]
            break
    return "_".join(k.split())


def to_json_key(key):
    return '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


def tags_json(pairs):
    """A JSON object of the non-empty tag columns (NULL when none), keys in sorted order."""
    if not pairs:
        return "NULL"
    parts = [f"CASE WHEN txt({col}) IS NOT NULL THEN {quote_lit(to_json_key(key))} || ':' || "
             f"CAST(to_json({col}) AS VARCHAR) END" for key, col in pairs]
    return f"NULLIF('{{' || concat_ws(',', {', '.join(parts)}) || '}}', '{{}}')"


def select_canonical(exprs):
    """Every canonical column cast to its type (typed NULL where `exprs` has none)."""
    return [f"CAST({exprs.get(name, 'NULL')} AS {sql_type}) AS {name}" for name, sql_type in CANONICAL]


def new_run_id():
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + uuid.uuid4().hex[-8:]


def connect():
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(MACROS)
    return con


def copy_partitioned(con, sql, out):
    """COPY `sql` (with billing_account and billing_period columns) to hive-partitioned Parquet
    (zstd) under `out`; returns the rows written."""
    copied = con.execute(f"COPY ({sql}) TO {quote_lit(out)} "
                         f"(FORMAT parquet, PARTITION_BY (billing_account, billing_period), COMPRESSION zstd)")
    result = copied.fetchone()
    rows = result[0] if result else None
    if rows is None:
        rows = con.execute(f"SELECT count(*) FROM read_parquet({quote_lit(out + '/**/*.parquet')})").fetchone()[0]
    return rows
