#!/usr/bin/env python3
"""Reference ingest for `greenops bench ingest`: the work of `greenops ingest aws-cur FILE`, done
with DuckDB, so the two can be compared on the same input.

Usage: duckdb_ingest.py FILE.csv.gz OUT_DIR

* Reads the legacy AWS CUR CSV (gzip) with every column as VARCHAR.
* Projects it onto greenops' canonical cost table (FOCUS 1.2 columns plus the x_ extensions, in the
  same order, with the same mapping as jobs/src/ingest/aws_cur/mod.rs): money as DECIMAL(38,24),
  quantities as DECIMAL(38,18), timestamps as TIMESTAMPTZ (UTC), account ids as text, tags as JSON.
* Writes Parquet (zstd) to OUT_DIR, hive-partitioned by payer account and billing month
  (billing_account=…/billing_period=YYYY-MM; greenops adds a provider=aws level above).
* Prints `rows: N`.

Differences from greenops, by design of a reference rather than a port:
* Casts are TRY_CAST: a malformed value becomes NULL instead of failing the run with its row.
* E-notation money (`4.4450735368910374e-05`): recent DuckDB casts such text to DECIMAL exactly;
  older releases cannot, so a value whose direct cast fails is cast through DOUBLE (exact to ~17
  significant digits, binary noise in the digits beyond).
* Tag JSON is assembled with string functions (no lambdas, which changed syntax across releases).
"""

import shutil
import sys
import time
import uuid
from pathlib import Path

import duckdb

SERVICE_CATEGORIES = Path(__file__).resolve().parent.parent / "jobs" / "data" / "aws_service_categories.csv"

MACROS = """
CREATE MACRO txt(x) AS NULLIF(trim(x), '');
CREATE MACRO money(x) AS coalesce(TRY_CAST(txt(x) AS DECIMAL(38,24)),
                                  TRY_CAST(TRY_CAST(txt(x) AS DOUBLE) AS DECIMAL(38,24)));
CREATE MACRO qty(x) AS coalesce(TRY_CAST(txt(x) AS DECIMAL(38,18)),
                                TRY_CAST(TRY_CAST(txt(x) AS DOUBLE) AS DECIMAL(38,18)));
CREATE MACRO ts(x) AS CAST(txt(x) AS TIMESTAMPTZ);
CREATE MACRO measurement(x) AS
    TRY_CAST(NULLIF(regexp_extract(replace(trim(x), ',', ''), '^[0-9.]*', 0), '') AS DOUBLE);
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


def tags_json(pairs):
    """A JSON object of the non-empty tag columns (NULL when none), keys in sorted order."""
    if not pairs:
        return "NULL"
    parts = [f"CASE WHEN txt({col}) IS NOT NULL THEN {quote_lit(to_json_key(key))} || ':' || "
             f"CAST(to_json({col}) AS VARCHAR) END" for key, col in pairs]
    return f"NULLIF('{{' || concat_ws(',', {', '.join(parts)}) || '}}', '{{}}')"


def to_json_key(key):
    return '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


def projection(header, source, run_id, with_categories):
    def col(name):
        return quote_ident(name) if name in header else "NULL"

    def t(name):
        return f"txt({col(name)})"

    def m(name):
        return f"money({col(name)})"

    def m0(name):
        return f"coalesce(money({col(name)}), 0)"

    lt = t("lineItem/LineItemType")
    unblended = m("lineItem/UnblendedCost")
    billed = (f"coalesce({m('lineItem/NetUnblendedCost')}, {unblended})"
              if "lineItem/NetUnblendedCost" in header else unblended)
    ri_arn, sp_arn = t("reservation/ReservationARN"), t("savingsPlan/SavingsPlanARN")
    usage_like = f"{lt} IN ('Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage')"
    term = t("pricing/term")

    tag_cols = sorted(h for h in header if h.startswith("resourceTags/"))
    raw_keys = [(h[len("resourceTags/"):], quote_ident(h)) for h in tag_cols]
    normalized = {}
    for key, c in sorted(raw_keys):
        normalized.setdefault(normalize_tag_key(key), c)  # first raw key in sorted order wins

    category = "coalesce(svc.ServiceCategory, 'Other')" if with_categories else "'Other'"
    currency = t("lineItem/CurrencyCode") if "lineItem/CurrencyCode" in header else "'USD'"
    exprs = {
        "AvailabilityZone": t("lineItem/AvailabilityZone"),
        "BilledCost": billed,
        "BillingAccountId": t("bill/PayerAccountId"),
        "BillingAccountName": t("bill/PayerAccountName"),
        "BillingCurrency": currency,
        "BillingPeriodEnd": f"ts({col('bill/BillingPeriodEndDate')})",
        "BillingPeriodStart": f"ts({col('bill/BillingPeriodStartDate')})",
        "ChargeCategory": f"""CASE
            WHEN {lt} = 'Tax' THEN 'Tax'
            WHEN {lt} IN ('Credit', 'Refund') THEN 'Credit'
            WHEN {lt} IN ('Fee', 'RIFee', 'SavingsPlanUpfrontFee', 'SavingsPlanRecurringFee') THEN 'Purchase'
            WHEN {lt} IN ('Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage', 'SavingsPlanNegation',
                          'BundledDiscount', 'Discount', 'EdpDiscount', 'PrivateRateDiscount', 'SppDiscount')
                THEN 'Usage'
            ELSE 'Adjustment' END""",
        "ChargeClass": f"CASE WHEN {lt} = 'Refund' THEN 'Correction' END",
        "ChargeDescription": t("lineItem/LineItemDescription"),
        "ChargeFrequency": f"""CASE
            WHEN {lt} IN ('RIFee', 'SavingsPlanRecurringFee') THEN 'Recurring'
            WHEN {lt} IN ('Fee', 'SavingsPlanUpfrontFee', 'Tax', 'Credit', 'Refund') THEN 'One-Time'
            ELSE 'Usage-Based' END""",
        "ChargePeriodEnd": f"ts({col('lineItem/UsageEndDate')})",
        "ChargePeriodStart": f"ts({col('lineItem/UsageStartDate')})",
        "CommitmentDiscountCategory": f"CASE WHEN {sp_arn} IS NOT NULL THEN 'Spend' "
                                      f"WHEN {ri_arn} IS NOT NULL THEN 'Usage' END",
        "CommitmentDiscountId": f"coalesce({sp_arn}, {ri_arn})",
        "CommitmentDiscountStatus": f"CASE WHEN {lt} IN ('DiscountedUsage', 'SavingsPlanCoveredUsage') "
                                    f"THEN 'Used' END",
        "CommitmentDiscountType": f"CASE WHEN {sp_arn} IS NOT NULL THEN 'Savings Plan' "
                                  f"WHEN {ri_arn} IS NOT NULL THEN 'Reserved Instance' END",
        "ConsumedQuantity": f"CASE WHEN {usage_like} THEN qty({col('lineItem/UsageAmount')}) END",
        "ConsumedUnit": t("pricing/unit"),
        "ContractedCost": f"CASE WHEN {lt} = 'SavingsPlanNegation' THEN 0 ELSE {unblended} END",
        "ContractedUnitPrice": m("lineItem/UnblendedRate"),
        "EffectiveCost": f"""CASE
            WHEN {lt} = 'SavingsPlanCoveredUsage' THEN {m0('savingsPlan/SavingsPlanEffectiveCost')}
            WHEN {lt} = 'SavingsPlanRecurringFee'
                THEN {m0('savingsPlan/TotalCommitmentToDate')} - {m0('savingsPlan/UsedCommitment')}
            WHEN {lt} IN ('SavingsPlanNegation', 'SavingsPlanUpfrontFee') THEN 0
            WHEN {lt} = 'DiscountedUsage' THEN {m0('reservation/EffectiveCost')}
            WHEN {lt} = 'RIFee' THEN {m0('reservation/UnusedAmortizedUpfrontFeeForBillingPeriod')}
                + {m0('reservation/UnusedRecurringFee')}
            WHEN {lt} = 'Fee' AND {ri_arn} IS NOT NULL THEN 0
            ELSE {billed} END""",
        "InvoiceId": t("bill/InvoiceId"),
        "InvoiceIssuerName": f"coalesce({t('bill/InvoicingEntity')}, 'AWS')",
        "ListCost": f"coalesce({m('pricing/publicOnDemandCost')}, "
                    f"CASE WHEN {lt} = 'SavingsPlanNegation' THEN 0 ELSE {unblended} END)",
        "ListUnitPrice": m("pricing/publicOnDemandRate"),
        "PricingCategory": f"""CASE
            WHEN {lt} = 'Tax' THEN NULL
            WHEN {lt} IN ('DiscountedUsage', 'SavingsPlanCoveredUsage') OR {term} = 'Reserved' THEN 'Committed'
            WHEN {term} = 'Spot' THEN 'Dynamic'
            ELSE 'Standard' END""",
        "PricingQuantity": f"qty({col('lineItem/UsageAmount')})",
        "PricingUnit": t("pricing/unit"),
        "ProviderName": "'AWS'",
        "PublisherName": f"coalesce({t('lineItem/LegalEntity')}, {t('bill/BillingEntity')}, 'AWS')",
        "RegionId": f"coalesce({t('product/regionCode')}, {t('product/region')})",
        "RegionName": t("product/location"),
        "ResourceId": t("lineItem/ResourceId"),
        "ServiceCategory": category,
        "ServiceName": f"coalesce({t('product/ProductName')}, {t('lineItem/ProductCode')})",
        "SkuId": t("product/sku"),
        "SkuPriceId": f"coalesce({t('pricing/RateCode')}, {t('pricing/RateId')})",
        "SubAccountId": t("lineItem/UsageAccountId"),
        "SubAccountName": t("lineItem/UsageAccountName"),
        "Tags": tags_json(sorted(normalized.items())),
        "x_SourceKind": "'aws-cur-legacy'",
        "x_SourceFile": quote_lit(source),
        "x_SourceRow": "__row",
        "x_IngestRunId": quote_lit(run_id),
        "x_BillingStatus": f"CASE WHEN {t('bill/InvoiceId')} IS NULL THEN 'Estimated' ELSE 'Final' END",
        "x_ChargeType": lt,
        "x_ServiceCode": t("lineItem/ProductCode"),
        "x_UsageType": t("lineItem/UsageType"),
        "x_Operation": t("lineItem/Operation"),
        "x_InstanceType": t("product/instanceType"),
        "x_vCPUs": f"measurement({col('product/vcpu')})",
        "x_MemoryGB": f"measurement({col('product/memory')})",
        "x_RawTags": tags_json(sorted(raw_keys)),
    }
    # every column cast to its canonical type; the ones a legacy CUR does not fill are typed NULLs
    select = [f"CAST({exprs.get(name, 'NULL')} AS {sql_type}) AS {name}" for name, sql_type in CANONICAL]
    select.append(f"{t('bill/PayerAccountId')} AS billing_account")
    select.append(f"left({t('bill/BillingPeriodStartDate')}, 7) AS billing_period")
    join = (f"LEFT JOIN svc ON svc.product_code = {quote_ident('lineItem/ProductCode')}"
            if with_categories else "")
    return f"SELECT {', '.join(select)} FROM raw {join}"


def main(argv):
    if len(argv) != 3:
        print(next(l for l in __doc__.splitlines() if l.startswith("Usage:")), file=sys.stderr)
        return 2
    source, out = argv[1], argv[2]
    started = time.monotonic()
    shutil.rmtree(out, ignore_errors=True)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(MACROS)
    reader = (f"read_csv({quote_lit(source)}, header = true, all_varchar = true, compression = 'gzip', "
              f"delim = ',', quote = '\"', escape = '\"')")
    header = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()]
    # the 1-based source row (x_SourceRow), numbered in file order before the join
    con.execute(f"CREATE VIEW raw AS SELECT *, row_number() OVER () AS __row FROM {reader}")
    with_categories = SERVICE_CATEGORIES.is_file()
    if with_categories:
        con.execute(f"CREATE TABLE svc AS SELECT * FROM read_csv({quote_lit(str(SERVICE_CATEGORIES))}, "
                    f"header = true, all_varchar = true)")
    run_id = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + uuid.uuid4().hex[-8:]
    sql = projection(set(header), source, run_id, with_categories)
    copied = con.execute(f"COPY ({sql}) TO {quote_lit(out)} "
                         f"(FORMAT parquet, PARTITION_BY (billing_account, billing_period), COMPRESSION zstd)")
    result = copied.fetchone()
    rows = result[0] if result else None
    if rows is None:
        rows = con.execute(f"SELECT count(*) FROM read_parquet({quote_lit(out + '/**/*.parquet')})").fetchone()[0]
    print(f"duckdb {duckdb.__version__}: {len(header)} columns in, {time.monotonic() - started:.1f} s")
    print(f"rows: {rows}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
