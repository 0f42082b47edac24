#!/usr/bin/env bash
# The fleet case of the benchmark (docs/FLEET.md): boots N servers for each size, times plan and
# apply across them over real ssh, and writes a table. As root, after Tests/run.sh has built the
# tests and the static release binary once. Usage: sudo Tests/fleet-bench.sh [SIZES] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
export RUNBOOK_FLEET_BENCH_SIZES="${1:-5,10,20,40}" RUNBOOK_FLEET_BENCH_RUNS="${2:-5}"
export RUNBOOK_FLEET_BENCH_RESULTS="${RUNBOOK_FLEET_BENCH_RESULTS:-/tmp/runbook-fleet-bench.md}"
swift test --skip-build --filter FleetBenchmark 2>&1 | grep -E "^fleet bench|error|Executed" || true
cat "$RUNBOOK_FLEET_BENCH_RESULTS"
