#!/usr/bin/env python3
"""Reference for `greenops bench carbon`: the scan and grouping of `greenops carbon estimate`,
done with DuckDB over the same warehouse, so the data-engineering part can be compared.

Usage: duckdb_carbon.py WAREHOUSE

Reads ROOT/cost/**/*.parquet (hive partitions), keeps ChargeCategory = 'Usage', groups by
provider, account, billing period, charge day, service, region, usage type, unit, vCPU, instance
type and line item type, sums quantity and cost, and prints `rows: N` (the cost rows read).
Classification and estimation per group are not reproduced: they run on the (far fewer) groups.
"""

import sys
import time

import duckdb

root = sys.argv[1]
start = time.time()
con = duckdb.connect()
rows = con.sql(
    f"""
    SELECT count(*) FROM read_parquet('{root}/cost/**/*.parquet', hive_partitioning = true,
                                      hive_types_autocast = false)
    WHERE ChargeCategory = 'Usage'
    """
).fetchall()[0][0]
groups = con.sql(
    f"""
    SELECT provider, billing_account, billing_period, strftime(ChargePeriodStart, '%Y-%m-%d') AS day,
           ServiceName, x_ServiceCode, RegionId, x_UsageType,
           coalesce(nullif(PricingUnit, ''), ConsumedUnit) AS unit, x_vCPUs, x_InstanceType,
           x_ChargeType, sum(coalesce(ConsumedQuantity, PricingQuantity)::DOUBLE) AS quantity,
           sum(BilledCost::DOUBLE) AS cost
    FROM read_parquet('{root}/cost/**/*.parquet', hive_partitioning = true, hive_types_autocast = false)
    WHERE ChargeCategory = 'Usage'
    GROUP BY ALL ORDER BY ALL
    """
).fetchall()
print(f"groups: {len(groups)}")
print(f"elapsed: {time.time() - start:.3f}")
print(f"rows: {rows}")
