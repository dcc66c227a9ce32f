#!/usr/bin/env python3
"""Reference ingest for `greenops bench ingest`: the work of `greenops ingest ADAPTER FILE`, done
with DuckDB, so the two can be compared on the same input.

Usage: duckdb_ingest.py [--format cur-csv|cur-parquet|focus-parquet|azure-csv] FILE OUT_DIR

* cur-csv (default): reads the legacy AWS CUR CSV (gzip) with every column as VARCHAR.
  cur-parquet: reads the Athena-style CUR Parquet (`line_item_unblended_cost`, …), every column
  cast to VARCHAR first (greenops parses doubles through their shortest decimal text too), and
  resolves each legacy name to its snake_case column.
* Projects it onto greenops' canonical cost table (FOCUS 1.2 columns plus the x_ extensions, in the
  same order, with the same mapping as jobs/src/ingest/aws_cur/mod.rs): money as DECIMAL(38,24),
  quantities as DECIMAL(38,18), timestamps as TIMESTAMPTZ (UTC), account ids as text, tags as JSON.
* focus-parquet: bench/duckdb_focus.py; azure-csv: bench/duckdb_azure.py (same idea, those
  adapters' mappings).
* Writes Parquet (zstd) to OUT_DIR, hive-partitioned by billing account and billing month
  (billing_account=…/billing_period=YYYY-MM; greenops adds a provider=… level above).
* Prints `rows: N`.

Differences from greenops, by design of a reference rather than a port:
* Casts are TRY_CAST: a malformed value becomes NULL instead of failing the run with its row.
* E-notation money (`4.4450735368910374e-05`): recent DuckDB casts such text to DECIMAL exactly;
  older releases cannot, so a value whose direct cast fails is cast through DOUBLE (exact to ~17
  significant digits, binary noise in the digits beyond).
* Tag JSON is assembled with string functions.
* No data-quality checks, no ledger, no atomic commit of partitions.
"""

import shutil
import sys
import time
from pathlib import Path

from duckdb_common import (connect, copy_partitioned, new_run_id, normalize_tag_key, quote_ident, quote_lit,
                           select_canonical, tags_json)

SERVICE_CATEGORIES = Path(__file__).resolve().parent.parent / "jobs" / "data" / "aws_service_categories.csv"
FORMATS = ("cur-csv", "cur-parquet", "focus-parquet", "azure-csv")


def athena_key(legacy):
    """`lineItem/UnblendedCost` → `line_item_unblended_cost` (jobs/src/ingest/aws_cur/naming.rs)."""
    category, _, name = legacy.partition("/")

    def snake(s):
        out = []
        for i, ch in enumerate(s):
            if ch.isascii() and ch.isupper():
                out.append(("_" if i > 0 else "") + ch.lower())
            elif ch.isascii() and ch.isalnum():
                out.append(ch)
            else:
                out.append("_")
        return "".join(out)

    return f"{snake(category)}_{snake(name)}" if name else snake(category)


def projection(header, source, run_id, with_categories):
    """The SELECT over view `raw` (legacy or Athena-style names, every column VARCHAR)."""
    athena = not any(h.startswith("lineItem/") for h in header)
    columns = {athena_key(h) if not athena else h.lower(): h for h in header}

    def resolved(name):
        return columns.get(athena_key(name)) if name not in header else name

    def col(name):
        found = resolved(name)
        return quote_ident(found) if found else "NULL"

    def t(name):
        return f"txt({col(name)})"

    def m(name):
        return f"money({col(name)})"

    def m0(name):
        return f"coalesce(money({col(name)}), 0)"

    lt = t("lineItem/LineItemType")
    unblended = m("lineItem/UnblendedCost")
    billed = (f"coalesce({m('lineItem/NetUnblendedCost')}, {unblended})"
              if resolved("lineItem/NetUnblendedCost") else unblended)
    ri_arn, sp_arn = t("reservation/ReservationARN"), t("savingsPlan/SavingsPlanARN")
    usage_like = f"{lt} IN ('Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage')"
    term = t("pricing/term")

    tag_prefix = "resource_tags_" if athena else "resourceTags/"
    tag_cols = sorted(h for h in header if h.startswith(tag_prefix))
    raw_keys = [(h[len(tag_prefix):], quote_ident(h)) for h in tag_cols]
    normalized = {}
    for key, c in sorted(raw_keys):
        normalized.setdefault(normalize_tag_key(key), c)  # first raw key in sorted order wins

    category = "coalesce(svc.ServiceCategory, 'Other')" if with_categories else "'Other'"
    currency = t("lineItem/CurrencyCode") if resolved("lineItem/CurrencyCode") else "'USD'"
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
        "x_SourceKind": "'aws-cur-athena'" if athena else "'aws-cur-legacy'",
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
    select = select_canonical(exprs)
    select.append(f"{t('bill/PayerAccountId')} AS billing_account")
    select.append(f"left({t('bill/BillingPeriodStartDate')}, 7) AS billing_period")
    join = (f"LEFT JOIN svc ON svc.product_code = {col('lineItem/ProductCode')}"
            if with_categories else "")
    return f"SELECT {', '.join(select)} FROM raw {join}"


def cur(con, source, out, parquet):
    """The legacy CUR (CSV.gz, or Athena-style Parquet) → canonical, partitioned; returns (columns
    read, rows written)."""
    if parquet:
        reader = f"(SELECT CAST(COLUMNS(*) AS VARCHAR) FROM read_parquet({quote_lit(source)}))"
    else:
        reader = (f"read_csv({quote_lit(source)}, header = true, all_varchar = true, compression = 'gzip', "
                  f"delim = ',', quote = '\"', escape = '\"')")
    header = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()]
    # the 1-based source row (x_SourceRow), numbered in file order before the join
    con.execute(f"CREATE VIEW raw AS SELECT *, row_number() OVER () AS __row FROM {reader}")
    with_categories = SERVICE_CATEGORIES.is_file()
    if with_categories:
        con.execute(f"CREATE TABLE svc AS SELECT * FROM read_csv({quote_lit(str(SERVICE_CATEGORIES))}, "
                    f"header = true, all_varchar = true)")
    sql = projection(set(header), source, new_run_id(), with_categories)
    return len(header), copy_partitioned(con, sql, out)


def main(argv):
    args = argv[1:]
    fmt = "cur-csv"
    if len(args) >= 2 and args[0] == "--format":
        fmt, args = args[1], args[2:]
    if len(args) != 2 or fmt not in FORMATS:
        print(next(l for l in __doc__.splitlines() if l.startswith("Usage:")), file=sys.stderr)
        return 2
    source, out = args
    started = time.monotonic()
    shutil.rmtree(out, ignore_errors=True)
    con = connect()
    if fmt in ("cur-csv", "cur-parquet"):
        columns, rows = cur(con, source, out, parquet=fmt == "cur-parquet")
    elif fmt == "focus-parquet":
        import duckdb_focus
        columns, rows = duckdb_focus.ingest(con, source, out)
    else:
        import duckdb_azure
        columns, rows = duckdb_azure.ingest(con, source, out)
    import duckdb
    print(f"duckdb {duckdb.__version__} ({fmt}): {columns} columns in, {time.monotonic() - started:.1f} s")
    print(f"rows: {rows}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
