"""Independent oracle: per-currency BilledCost totals and row counts computed directly from
billing export files with Python's csv/gzip and exact decimal arithmetic (no greenops code).

usage: source_totals.py focus|aws-cur FILE... → JSON {currency: {"rows": n, "billed": "x"}}

Parquet files (AWS CUR Athena naming) are read with DuckDB; DOUBLE costs are taken through
their shortest round-trip text (repr), the rule greenops documents for DOUBLE → decimal.
"""
import csv
import gzip
import json
import sys
from decimal import Decimal

NULLS = {"", "NULL"}


def rows_of(path):
    with open(path, "rb") as f:
        magic = f.read(4)
    if magic == b"PAR1":
        import duckdb

        con = duckdb.connect()
        cur = con.execute("SELECT * FROM read_parquet(?)", [path])
        names = [d[0] for d in cur.description]
        for rec in cur.fetchall():
            yield {n: (None if v is None else (repr(v) if isinstance(v, float) else str(v))) for n, v in zip(names, rec)}
        return
    opener = gzip.open if magic[:2] == b"\x1f\x8b" else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as f:
        yield from csv.DictReader(f)


def billed_and_currency(kind, row):
    if kind in ("azure", "gcp", "oci"):
        # provider rules live next to this file: tests/oracle/<kind>_totals.py
        import importlib

        return importlib.import_module(f"{kind}_totals").billed_and_currency(row)
    if kind == "focus":
        return row["BilledCost"], row["BillingCurrency"]
    if "lineItem/UnblendedCost" in row:
        net = row.get("lineItem/NetUnblendedCost")
        cost = net if net not in (None, "") else row["lineItem/UnblendedCost"]
        return cost, row.get("lineItem/CurrencyCode") or "USD"
    net = row.get("line_item_net_unblended_cost")
    cost = net if net not in (None, "") else row["line_item_unblended_cost"]
    return cost, row.get("line_item_currency_code") or "USD"


def main():
    kind, files = sys.argv[1], sys.argv[2:]
    totals = {}
    for path in files:
        for row in rows_of(path):
            cost, currency = billed_and_currency(kind, row)
            t = totals.setdefault(currency, {"rows": 0, "billed": Decimal(0)})
            t["rows"] += 1
            if cost is not None and cost.strip() not in NULLS:
                t["billed"] += Decimal(cost.strip())
    print(json.dumps({c: {"rows": t["rows"], "billed": format(t["billed"], "f")} for c, t in sorted(totals.items())}))


if __name__ == "__main__":
    main()
