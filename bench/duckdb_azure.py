"""DuckDB reference for `greenops bench ingest --format azure-csv`: the work of greenops' Azure
adapter (jobs/src/ingest/azure/mapping.rs) on an EA/MCA cost-details CSV (actual cost), called from
duckdb_ingest.py.

* Columns are matched by their lower-case English name; costs and prices DECIMAL(38,24) (text,
  E-notation included), quantities DECIMAL(38,18); `Date` (M/D/YYYY or ISO) is the charge day,
  the billing period comes from BillingPeriodStartDate/EndDate (end + 1 day, exclusive).
* ListCost = PayGPrice × Quantity, ContractedCost = UnitPrice × Quantity (a 0 amount on a row
  that cost something is "no price": the cost is used; the product is taken at 14 + 10 decimals,
  DuckDB's DECIMAL cannot multiply two 24-decimal values); ChargeCategory, ChargeFrequency,
  PricingCategory and the commitment columns by the adapter's rules.
* ServiceName/Category/Subcategory by the FinOps toolkit's Services table (consumed service +
  ARM resource type, then type alone, then consumed service alone where its rows agree), falling
  back to MeterCategory and the focus_converters categories; RegionId/RegionName by the toolkit's
  Regions table; both tables are loaded from jobs/data like greenops compiles them in.
* Tags get their missing outer braces and normalised keys; x_InstanceType and x_vCPUs come from
  AdditionalInfo.
* Not reproduced: greenops' combination of actual and amortized datasets (one actual file here),
  manifests, and the "required value is empty" errors (TRY_CAST semantics instead).
"""

import csv
from pathlib import Path

from duckdb_common import copy_partitioned, new_run_id, quote_ident, quote_lit, select_canonical

DATA = Path(__file__).resolve().parent.parent / "jobs" / "data"

MACROS = r"""
CREATE MACRO fold(x) AS NULLIF(lower(regexp_replace(coalesce(x, ''), '[^A-Za-z0-9]', '', 'g')), '');
CREATE MACRO az_date(x) AS CAST(coalesce(try_strptime(txt(x), '%m/%d/%Y'),
                                         try_strptime(txt(x), '%m/%d/%Y %H:%M:%S'),
                                         try_strptime(txt(x), '%Y-%m-%d'),
                                         try_strptime(txt(x), '%Y-%m-%d %H:%M:%S')) AS TIMESTAMPTZ);
CREATE MACRO arm_type(id) AS (
    WITH p AS (SELECT list_filter(string_split(
                   regexp_extract(lower(trim(id)), '.*/providers/(.*)$', 1), '/'),
                   lambda s: s <> '') AS parts)
    SELECT CASE WHEN len(parts) >= 2 THEN array_to_string(list_concat(
               [parts[1], parts[2]], list_filter(parts[4:], lambda s, i: i % 2 = 1)), '/') END
    FROM p);
CREATE MACRO json_text(j, path) AS CASE WHEN json_valid(j) THEN json_extract_string(j, path) END;
"""


def services_tables(con):
    """The toolkit's Services.csv as the three lookups greenops builds (lookups.rs), plus the
    focus_converters fallback categories."""
    pairs, by_type, by_consumed = {}, {}, {}

    def agree(table, key, row):
        if key not in table:
            table[key] = list(row)
        else:
            table[key] = [a if a == b else None for a, b in zip(table[key], row)]

    with open(DATA / "azure_services.csv", newline="") as f:
        for r in csv.reader(f):
            if len(r) < 5 or r[0] == "ConsumedService":
                continue
            cs, rt = r[0].strip().lower(), r[1].strip().lower()
            row = [v.strip() or None for v in r[2:5]]
            pairs.setdefault((cs, rt), row)
            if rt:
                agree(by_type, rt, row)
            if cs:
                agree(by_consumed, cs, row)
    by_type = {k: v for k, v in by_type.items() if v[0] is not None}
    con.execute("CREATE TABLE svc_pair (cs VARCHAR, rt VARCHAR, name VARCHAR, category VARCHAR, sub VARCHAR)")
    con.executemany("INSERT INTO svc_pair VALUES (?, ?, ?, ?, ?)", [[*k, *v] for k, v in pairs.items()])
    for table, rows in (("svc_type", by_type), ("svc_consumed", by_consumed)):
        con.execute(f"CREATE TABLE {table} (k VARCHAR, name VARCHAR, category VARCHAR, sub VARCHAR)")
        con.executemany(f"INSERT INTO {table} VALUES (?, ?, ?, ?)", [[k, *v] for k, v in rows.items()])
    with open(DATA / "azure_service_categories.csv", newline="") as f:
        fallback = {r[0].strip().lower(): r[1].strip() for r in csv.reader(f) if len(r) >= 2}
    fallback.pop("consumedservice", None)
    con.execute("CREATE TABLE svc_fallback (k VARCHAR, category VARCHAR)")
    con.executemany("INSERT INTO svc_fallback VALUES (?, ?)", list(fallback.items()))


def regions_table(con):
    """Location spellings → (RegionId, RegionName): exact lower-case, then without spaces."""
    exact, squashed = {}, {}
    with open(DATA / "azure_regions.csv", newline="") as f:
        rows = [r for r in csv.reader(f) if len(r) >= 3][1:]
    for r in rows:
        exact.setdefault(r[0].strip().lower(), (r[1], r[2]))
    for r in sorted(rows, key=lambda r: " " in r[0]):
        squashed.setdefault("".join(r[0].lower().split()), (r[1], r[2]))
    for table, values in (("region_exact", exact), ("region_squashed", squashed)):
        con.execute(f"CREATE TABLE {table} (k VARCHAR, id VARCHAR, name VARCHAR)")
        con.executemany(f"INSERT INTO {table} VALUES (?, ?, ?)", [[k, *v] for k, v in values.items()])


def ingest(con, source, out):
    """EA/MCA actual cost CSV(.gz) → canonical, partitioned; returns (columns read, rows written)."""
    con.execute(MACROS)
    services_tables(con)
    regions_table(con)
    reader = (f"read_csv({quote_lit(source)}, header = true, all_varchar = true, "
              f"delim = ',', quote = '\"', escape = '\"')")
    header = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()]
    by_key = {h.lower(): h for h in reversed(header)}

    def t(*keys):
        found = [f"txt({quote_ident(by_key[k])})" for k in keys if k in by_key]
        return f"coalesce({', '.join(found)})" if found else "CAST(NULL AS VARCHAR)"

    # per-row inputs, named once in a view so the projection stays readable
    con.execute(f"""CREATE VIEW raw AS SELECT *,
        coalesce(money({t('costinbillingcurrency', 'cost', 'pretaxcost')}), 0) AS __cost,
        qty({t('quantity', 'usagequantity')}) AS __qty,
        {t('chargetype')} AS __ct, {t('pricingmodel')} AS __pm,
        {t('benefitid', 'reservationid')} AS __cid,
        date_trunc('day', az_date({t('date', 'usagedatetime', 'usagedate')})) AS __day,
        {t('resourceid', 'instanceid', 'instancename')} AS __rid,
        lower({t('consumedservice')}) AS __cs,
        {t('resourcelocation', 'location')} AS __loc,
        CASE WHEN {t('tags')} IS NULL OR starts_with({t('tags')}, '{{') THEN {t('tags')}
             ELSE '{{' || {t('tags')} || '}}' END AS __tags,
        row_number() OVER () AS __row
        FROM {reader}""")
    con.execute("""CREATE VIEW rows AS SELECT raw.*, arm_type(__rid) AS __rt,
        CASE WHEN fold(__ct) IS NULL OR fold(__ct) IN ('usage', 'unusedreservation', 'unusedsavingsplan')
             THEN true ELSE false END AS __usage_like,
        CASE WHEN __cid IS NULL THEN NULL
             WHEN fold(__pm) = 'reservation' THEN 'Reservation'
             WHEN fold(__pm) = 'savingsplan' THEN 'Savings Plan'
             WHEN lower(__cid) LIKE '%/microsoft.capacity/%' THEN 'Reservation'
             WHEN lower(__cid) LIKE '%/microsoft.billingbenefits/%' THEN 'Savings Plan' END AS __ctype
        FROM raw""")
    money_of = lambda k: f"money({t(k)})"
    priced = (lambda price: f"(CASE WHEN x.p = 0 AND __cost <> 0 THEN NULL ELSE x.p END)"
              .replace("x.p", f"CAST(CAST({price} AS DECIMAL(38,14)) * CAST(__qty AS DECIMAL(38,10)) "
                                f"AS DECIMAL(38,24))"))
    period_start = (f"coalesce(date_trunc('day', az_date({t('billingperiodstartdate')})), "
                    f"date_trunc('month', __day))")
    exprs = {
        "AvailabilityZone": t("availabilityzone"),
        "BilledCost": "__cost",
        "BillingAccountId": t("billingaccountid", "billingprofileid", "subscriptionid"),
        "BillingAccountName": t("billingaccountname"),
        "BillingCurrency": t("billingcurrencycode", "billingcurrency", "currency"),
        "BillingPeriodStart": period_start,
        "BillingPeriodEnd": f"coalesce(date_trunc('day', az_date({t('billingperiodenddate')})) + INTERVAL 1 DAY, "
                            f"{period_start} + INTERVAL 1 MONTH)",
        "ChargeCategory": """CASE WHEN __usage_like THEN 'Usage' WHEN fold(__ct) = 'purchase' THEN 'Purchase'
            WHEN fold(__ct) = 'tax' THEN 'Tax' WHEN fold(__ct) IN ('refund', 'credit') THEN 'Credit'
            ELSE 'Adjustment' END""",
        "ChargeClass": "CASE WHEN fold(__ct) = 'refund' THEN 'Correction' END",
        "ChargeDescription": t("productname", "product"),
        "ChargeFrequency": f"""CASE fold({t('frequency')}) WHEN 'onetime' THEN 'One-Time'
            WHEN 'recurring' THEN 'Recurring' WHEN 'usagebased' THEN 'Usage-Based'
            ELSE CASE WHEN __usage_like THEN 'Usage-Based' END END""",
        "ChargePeriodStart": "__day",
        "ChargePeriodEnd": "__day + INTERVAL 1 DAY",
        "CommitmentDiscountCategory": "CASE __ctype WHEN 'Reservation' THEN 'Usage' WHEN 'Savings Plan' THEN 'Spend' END",
        "CommitmentDiscountId": "__cid",
        "CommitmentDiscountName": t("benefitname", "reservationname"),
        "CommitmentDiscountStatus": """CASE WHEN fold(__ct) IN ('unusedreservation', 'unusedsavingsplan') THEN 'Unused'
            WHEN __cid IS NOT NULL AND fold(__ct) = 'usage' THEN 'Used' END""",
        "CommitmentDiscountType": "__ctype",
        "ConsumedQuantity": "CASE WHEN __ct IS NULL OR lower(__ct) = 'usage' THEN __qty END",
        "ConsumedUnit": t("unitofmeasure"),
        "ContractedCost": f"coalesce({priced(money_of('unitprice'))}, __cost)",
        "ContractedUnitPrice": money_of("unitprice"),
        "EffectiveCost": "__cost",
        "InvoiceId": t("invoiceid"),
        "InvoiceIssuerName": "'Microsoft'",
        "ListCost": f"coalesce({priced(money_of('paygprice'))}, __cost)",
        "ListUnitPrice": money_of("paygprice"),
        "PricingCategory": """CASE WHEN fold(__pm) = 'ondemand' THEN 'Standard'
            WHEN fold(__pm) IN ('reservation', 'savingsplan') THEN 'Committed' WHEN fold(__pm) = 'spot' THEN 'Dynamic'
            WHEN fold(__pm) IS NOT NULL THEN 'Other' WHEN NOT __usage_like THEN NULL
            WHEN __cid IS NOT NULL THEN 'Committed' ELSE 'Standard' END""",
        "PricingQuantity": "__qty",
        "PricingUnit": t("unitofmeasure"),
        "ProviderName": "'Microsoft'",
        "PublisherName": f"coalesce({t('publishername')}, 'Microsoft')",
        "RegionId": "coalesce(re.id, rs.id)",
        "RegionName": "coalesce(re.name, rs.name, trim(__loc))",
        "ResourceId": "lower(__rid)",
        "ResourceName": f"""coalesce({t('resourcename')}, CASE WHEN lower(__rid) LIKE '%/providers/%'
            THEN NULLIF(regexp_extract(rtrim(trim(__rid), '/'), '[^/]*$'), '') END)""",
        "ServiceName": f"coalesce(sp.name, st.name, sc.name, {t('metercategory')})",
        "ServiceCategory": "coalesce(sp.category, st.category, sc.category, sf.category, 'Other')",
        "ServiceSubcategory": "coalesce(sp.sub, st.sub, sc.sub)",
        "SkuId": t("productid", "meterid"),
        "SkuMeter": t("metername"),
        "SubAccountId": t("subscriptionid", "subscriptionguid"),
        "SubAccountName": t("subscriptionname"),
        "SubAccountType": f"CASE WHEN {t('subscriptionid', 'subscriptionguid')} IS NOT NULL THEN 'Subscription' END",
        "Tags": "json_tags(__tags)",
        "x_SourceKind": "'azure-ea-actual'" if "billingcurrencycode" in by_key else "'azure-mca-actual'",
        "x_SourceFile": quote_lit(source),
        "x_SourceRow": "__row",
        "x_IngestRunId": quote_lit(new_run_id()),
        "x_BillingStatus": f"CASE WHEN {t('invoiceid')} IS NULL THEN 'Estimated' ELSE 'Final' END"
        if "invoiceid" in by_key else "'Unknown'",
        "x_ChargeType": "__ct",
        "x_ServiceCode": t("consumedservice"),
        "x_UsageType": t("metername"),
        "x_InstanceType": f"coalesce(json_text({t('additionalinfo')}, '$.ServiceType'), "
                          f"json_text({t('additionalinfo')}, '$.VMSize'))",
        "x_vCPUs": f"measurement(json_text({t('additionalinfo')}, '$.VCPUs'))",
        "x_RawTags": "raw_tags(__tags)",
    }
    select = select_canonical(exprs)
    select.append(f"{exprs['BillingAccountId']} AS billing_account")
    select.append(f"strftime({period_start}, '%Y-%m') AS billing_period")
    sql = f"""SELECT {', '.join(select)} FROM rows
        LEFT JOIN svc_pair sp ON sp.cs = coalesce(__cs, '') AND sp.rt = __rt
        LEFT JOIN svc_type st ON st.k = __rt
        LEFT JOIN svc_consumed sc ON sc.k = __cs
        LEFT JOIN svc_fallback sf ON sf.k = __cs
        LEFT JOIN region_exact re ON re.k = lower(trim(__loc))
        LEFT JOIN region_squashed rs ON rs.k = replace(lower(trim(__loc)), ' ', '')"""
    return len(header), copy_partitioned(con, sql, out)
