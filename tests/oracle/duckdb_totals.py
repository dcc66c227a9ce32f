"""What an analyst sees: DuckDB reading ROOT/cost/**/*.parquet with hive partitioning.

usage: duckdb_totals.py ROOT → JSON {"currencies": {cur: {"rows", "billed", "effective"}},
                                     "partitions": [[provider, account, period, rows]...],
                                     "files": n}
"""
import json
import sys

import duckdb

root = sys.argv[1].rstrip("/")
con = duckdb.connect()
glob = f"{root}/cost/**/*.parquet"
files = con.execute("SELECT count(*) FROM glob(?)", [glob]).fetchone()[0]
out = {"files": files, "currencies": {}, "partitions": []}
if files:
    src = f"read_parquet('{glob}', hive_partitioning=true)"
    for cur, rows, billed, effective in con.execute(
        f"SELECT BillingCurrency, count(*), sum(BilledCost)::VARCHAR, sum(EffectiveCost)::VARCHAR FROM {src} GROUP BY 1 ORDER BY 1"
    ).fetchall():
        out["currencies"][cur] = {"rows": rows, "billed": billed, "effective": effective}
    out["partitions"] = [
        list(r)
        for r in con.execute(
            f"SELECT provider, billing_account::VARCHAR, billing_period::VARCHAR, count(*) FROM {src} GROUP BY ALL ORDER BY ALL"
        ).fetchall()
    ]
    out["types"] = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT BilledCost, ChargePeriodStart FROM {src})").fetchall())
print(json.dumps(out))
