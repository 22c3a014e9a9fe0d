#!/usr/bin/env bash
# Run casepath's checks: bootstrap (system packages, .venv, project), ruff, then pytest.
# Usage: bash scripts/test.sh [PYTEST ARGS...]    e.g. bash scripts/test.sh -k deploy -x
# Exits non-zero if ruff or pytest fails (pytest's 5, "no tests collected", is a failure too).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

t0=$(date +%s)
bash scripts/bootstrap.sh
t1=$(date +%s)

echo "==> ruff check ..."
ruff_rc=0
.venv/bin/ruff check . || ruff_rc=$?
t2=$(date +%s)

# Keep going after a lint failure so one run reports both lint and test results.
echo "==> pytest ..."
pytest_rc=0
.venv/bin/python -m pytest -q -p no:cacheprovider "$@" || pytest_rc=$?
t3=$(date +%s)

echo "==> timings: bootstrap $((t1 - t0))s, ruff $((t2 - t1))s, pytest $((t3 - t2))s, total $((t3 - t0))s"
echo "==> ruff exit $ruff_rc, pytest exit $pytest_rc"
[ "$pytest_rc" -ne 0 ] && exit "$pytest_rc"
exit "$ruff_rc"
