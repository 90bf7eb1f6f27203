#!/usr/bin/env bash
# The regression guard: runs the guard benchmarks (redact and token over 1 MiB of the log workload, release
# build) and compares throughput and allocations per MiB with the baselines committed in Thresholds/.
# Exit status 0 when within tolerance (see hotPathTolerances in ScrubBenchmarks.swift), non-zero otherwise.
#
#   bash Benchmarks/check-regression.sh           # check
#   UPDATE=1 bash Benchmarks/check-regression.sh  # record new baselines (after an intended change; commit them)
set -euo pipefail
cd "$(dirname "$0")"
if [[ "${UPDATE:-0}" == 1 ]]; then
    swift package --allow-writing-to-package-directory benchmark thresholds update --filter 'guard-.*'
else
    swift package benchmark thresholds check --filter 'guard-.*'
fi
