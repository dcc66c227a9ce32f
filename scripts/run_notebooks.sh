#!/usr/bin/env bash
# Executes every analyst notebook in notebooks/ against a fresh demo warehouse, then once more
# against an empty one (each section must skip with a note, not fail). Fails, naming the notebook
# and the cell, when any cell raises. Executed copies, the warehouse and the logs go to a temp
# folder (kept when something failed, or with GREENOPS_KEEP_NOTEBOOK_RUN=1), never into the repo.
# Usage: scripts/run_notebooks.sh   (after `cargo build` or `cargo test`; the binary is
# ${GREENOPS_BIN:-${CARGO_TARGET_DIR:-target}/debug/greenops}; Python tools from
# `.venv/bin/pip install -r tests/requirements.txt`)
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD

BIN="${GREENOPS_BIN:-${CARGO_TARGET_DIR:-target}/debug/greenops}"
case "$BIN" in /*) ;; *) BIN="$REPO/$BIN" ;; esac
if [ ! -x "$BIN" ]; then
    echo "no greenops binary at $BIN: run cargo build (or set GREENOPS_BIN / CARGO_TARGET_DIR)" >&2
    exit 1
fi
PY="$REPO/.venv/bin/python"
if ! "$PY" -c 'import duckdb, ipykernel, nbclient, nbformat' 2>/dev/null; then
    echo "the notebook tools are missing: .venv/bin/pip install -r tests/requirements.txt" >&2
    exit 1
fi

RUN=$(mktemp -d "${TMPDIR:-/tmp}/greenops-notebooks-XXXXXX")
KEEP="${GREENOPS_KEEP_NOTEBOOK_RUN:-0}"
trap 'if [ "$KEEP" = 1 ]; then echo "notebook run kept in $RUN"; else rm -rf "$RUN"; fi' EXIT
fail() { KEEP=1; echo "$*" >&2; exit 1; }

# The demo warehouse: the bundled samples ingested, carbon estimated, the monthly ESG dataset, and
# the pipeline's carbon, forecast and anomalies jobs for two months (run job by job, in order, so
# each job's upstream partitions are in the run ledger).
export GREENOPS_WAREHOUSE="$RUN/warehouse" GREENOPS_STATE="sqlite://$RUN/state.db"
greenops() {
    echo "\$ greenops $*" >> "$RUN/warehouse.log"
    "$BIN" "$@" >> "$RUN/warehouse.log" 2>&1 \
        || { local rc=$?; tail -n 30 "$RUN/warehouse.log" >&2; fail "greenops $* failed (exit $rc); log: $RUN/warehouse.log"; }
}
echo "building a demo warehouse in $GREENOPS_WAREHOUSE"
greenops demo
greenops carbon esg
for PARTITION in 2018-08 2018-12; do
    for JOB in ingest_focus ingest_aws ingest_azure ingest_gcp ingest_oci carbon forecast anomalies; do
        greenops run "$JOB" --partition "$PARTITION"
    done
done
for TABLE in cost data_quality carbon esg_monthly forecasts month_projections anomalies; do
    [ -d "$GREENOPS_WAREHOUSE/$TABLE" ] || fail "the demo warehouse has no $TABLE table; see $RUN/warehouse.log"
done

# A kernelspec named python3 that runs this venv's Python, found before any user-wide python3 spec.
"$PY" -m ipykernel install --prefix "$RUN/jupyter" --name python3 > "$RUN/kernelspec.log" 2>&1 \
    || fail "could not install the kernelspec: $(cat "$RUN/kernelspec.log")"
export JUPYTER_PATH="$RUN/jupyter/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"

"$PY" - "$REPO/notebooks" "$RUN" <<'PY' || fail "notebook run failed; executed copies in $RUN/executed"
import os, re, sys, time
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

src, run = Path(sys.argv[1]), Path(sys.argv[2])
ansi = re.compile(r"\x1b\[[0-9;]*m")
notebooks = sorted(src.glob("*.ipynb"))
if not notebooks:
    sys.exit(f"no notebooks in {src}")
failed, bad = [], 0

for path in notebooks:  # stored clean, so diffs stay small
    nb = nbformat.read(path, as_version=4)
    dirty = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count)]
    if dirty:
        failed.append(f"{path.name}: cells {dirty} are stored with outputs (clear them before committing)")

passes = [("demo", os.environ["GREENOPS_WAREHOUSE"]), ("empty", str(run / "empty-warehouse"))]
for name, warehouse in passes:
    os.environ["GREENOPS_WAREHOUSE"] = warehouse
    out = run / "executed" / name
    out.mkdir(parents=True, exist_ok=True)
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        # IPC sockets in the run folder: no TCP ports, no "running over TCP without encryption" noise
        km = KernelManager(kernel_name="python3", transport="ipc", ip=str(run / f"kernel-{name}-{path.stem}"))
        client = NotebookClient(nb, km=km, kernel_name="python3", timeout=120, startup_timeout=120,
                                resources={"metadata": {"path": str(src)}})
        started = time.monotonic()
        try:
            client.execute()
            status = "ok"
        except CellExecutionError as error:
            index = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"
                          and any(o.get("output_type") == "error" for o in c.get("outputs", []))), None)
            cell = nb.cells[index] if index is not None else None
            head = "\n    ".join(cell.source.splitlines()[:6]) if cell else "?"
            failed.append(f"{path.name} ({name} warehouse), cell {index} (0-based, markdown included) "
                          f"(execution {cell.execution_count if cell else '?'}):\n    {head}\n"
                          f"{ansi.sub('', str(error)).strip()[-3000:]}")
            status = "FAILED"
        except Exception as error:  # kernel died, timeout, ...
            failed.append(f"{path.name} ({name} warehouse): {type(error).__name__}: {ansi.sub('', str(error))[-3000:]}")
            status = "FAILED"
        finally:
            if km.has_kernel:  # a km we pass in is ours to stop
                km.shutdown_kernel(now=True)
        nbformat.write(nb, out / path.name)
        bad += status != "ok"
        print(f"  {path.name:<28} {name:<6} warehouse  {status}  {time.monotonic() - started:5.1f} s")

runs = len(passes) * len(notebooks)
if failed:
    print("\n" + "\n\n".join(failed), file=sys.stderr)
print(f"notebooks: {runs - bad} passed, {bad} failed")
sys.exit(1 if failed else 0)
PY
