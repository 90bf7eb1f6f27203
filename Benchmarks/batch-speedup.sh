#!/usr/bin/env bash
# Wall-clock speed-up of `phiscrub batch` with 2 jobs over 1, on a folder of many generated transcripts.
#   bash Benchmarks/batch-speedup.sh [FILES] [ROUNDS]     (defaults: 1500 files, 3 rounds; EXTRA="--sync file" to compare)
# Generates the corpus once (corpora/generate_transcripts.py, seed 23) under /tmp, builds release unless
# SKIP_BUILD=1, then alternates --jobs 1 and --jobs 2 into fresh output folders and prints each run and the
# median speed-up. Also prints user+sys CPU seconds: on a shared machine the wall clock depends on the load.
set -euo pipefail
cd "$(dirname "$0")/.."
files=${1:-1500}
rounds=${2:-3}
corpus=/tmp/phiscrub-batch-bench-$files
[ "${SKIP_BUILD:-0}" = 1 ] || swift build -c release -j 2 >/dev/null
bin=.build/release/phiscrub
if [ ! -d "$corpus" ]; then
  python3 corpora/generate_transcripts.py --out "$corpus" --files "$files" --seed 23 --truth "$corpus.truth.json"
fi
echo "corpus: $corpus ($(du -sm "$corpus" | cut -f1) MB, $files files); load: $(cut -d' ' -f1-3 /proc/loadavg)"
# How much CPU two busy loops get in one second right now (2.0 on an idle 2-core machine).
probe=$( { /usr/bin/time -f "%U %S" bash -c "timeout 1 sh -c 'while :; do :; done' & timeout 1 sh -c 'while :; do :; done' & wait"; } 2>&1 | tail -1)
echo "cores free now (two busy loops for 1 s got): $(echo "$probe" | awk '{print $1 + $2}') CPU-seconds"
declare -a t1 t2
for r in $(seq "$rounds"); do
  for j in 1 2; do
    out=/tmp/phiscrub-batch-bench-out-$j
    rm -rf "$out"
    line=$( { /usr/bin/time -f "%e %U %S" "$bin" batch "$corpus" --out "$out" --jobs "$j" --quiet ${EXTRA:-}; } 2>&1 | tail -1)
    read -r wall user sys <<<"$line"
    echo "round $r jobs=$j wall=${wall}s cpu=$(echo "$user + $sys" | bc)s"
    if [ "$j" = 1 ]; then t1+=("$wall"); else t2+=("$wall"); fi
  done
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
m1=$(median "${t1[@]}"); m2=$(median "${t2[@]}")
echo "median wall: jobs=1 ${m1}s, jobs=2 ${m2}s, speed-up $(echo "scale=2; $m1 / $m2" | bc)x"
python3 corpora/check_transcripts.py "$corpus" /tmp/phiscrub-batch-bench-out-2 "$corpus.truth.json"
