#!/usr/bin/env bash
# Throughput of the filter with and without auditing, single core, interleaved runs.
#   bash Benchmarks/audit-overhead.sh [input] [runs]
# All runs use -j 1 (one thread, the batch size is 256 KiB). Variants: plain (no --config); off (--config, audit.enabled: false); on (--config, one scan record per
# 256 KiB batch). The configuration is the example from `phiscrub init` without its transform: section, so every
# variant only redacts. Needs a release build (swift build -c release).
set -euo pipefail
cd "$(dirname "$0")/.."
input=${1:-/tmp/w200.log}
runs=${2:-3}
bin=.build/release/phiscrub
[ -f "$input" ] || python3 corpora/generate_logs.py --size 200M --seed 42 --out "$input"
work=$(mktemp -d)
trap 'chattr -R -a "$work" 2>/dev/null || true; rm -rf "$work"' EXIT
"$bin" init --output - | sed '/^# Per-entity operators/,$d' \
  | sed "s#    path: phiscrub-audit#    path: $work/audit#" > "$work/on.yaml"
sed 's/^  enabled: true/  enabled: false/' "$work/on.yaml" > "$work/off.yaml"
"$bin" keys init --keyring "$work/kr.json" > /dev/null
size=$(stat -c %s "$input")
declare -A results cpu
for ((i = 1; i <= runs; i++)); do
  for v in plain off on; do
    chattr -R -a "$work/audit" 2>/dev/null || true
    rm -rf "$work/audit"
    args=(-j 1)
    [ "$v" = plain ] || args+=(--config "$work/$v.yaml" --keyring "$work/kr.json")
    /usr/bin/time -f "%e %U %S" -o "$work/time" taskset -c 0 "$bin" "${args[@]}" < "$input" > /dev/null
    read -r wall user sys < "$work/time"
    results[$v]+="$(python3 -c "print(round($size / 1e6 / $wall, 1))") "
    cpu[$v]+="$(python3 -c "print(round($size / 1e6 / ($user + $sys), 1))") "
  done
done
for v in plain off on; do
  python3 - "$v" "${results[$v]}" "${cpu[$v]}" <<'PY'
import statistics, sys
v = sys.argv[1]
wall, cpu = (sorted(map(float, a.split())) for a in sys.argv[2:4])
print(f"{v:6} wall MB/s {wall} min {wall[0]} median {statistics.median(wall)} | "
      f"per CPU second {cpu} min {cpu[0]} median {statistics.median(cpu)}")
PY
done
[ -d "$work/audit" ] && echo "audit records in the last 'on' run: $(cat "$work"/audit/*.jsonl | wc -l)"
