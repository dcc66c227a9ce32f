#!/usr/bin/env python3
"""Practical-limit reference for `greenops bench ingest`: the raw conversion of the input to
Parquet with polars, no normalisation at all.

Usage: polars_convert.py FILE OUT_DIR

* CSV or CSV.gz (recognised by its first bytes): every column read as text
  (`scan_csv(infer_schema=False)`) and streamed to OUT_DIR/data.parquet (zstd).
* Parquet: a plain rewrite (`scan_parquet(...).sink_parquet(...)`, zstd), types unchanged.
* Prints `rows: N` (counted from the written file's metadata).

This is a floor, not the same work as greenops or the DuckDB reference: no typed parsing, no
projection onto canonical columns, no partitioning, no validation.
"""

import shutil
import sys
import time
from pathlib import Path

import polars as pl

PARQUET_MAGIC = b"PAR1"


def main(argv):
    if len(argv) != 3:
        print(next(l for l in __doc__.splitlines() if l.startswith("Usage:")), file=sys.stderr)
        return 2
    source, out = Path(argv[1]), Path(argv[2])
    started = time.monotonic()
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    target = out / "data.parquet"
    with open(source, "rb") as f:
        magic = f.read(4)
    if magic == PARQUET_MAGIC:
        kind = "Parquet rewrite"
        frame = pl.scan_parquet(source)
    else:
        kind = "CSV as text"
        frame = pl.scan_csv(source, infer_schema=False)
    frame.sink_parquet(target, compression="zstd")
    rows = pl.scan_parquet(target).select(pl.len()).collect().item()
    print(f"polars {pl.__version__}: {kind}, {time.monotonic() - started:.1f} s")
    print(f"rows: {rows}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
