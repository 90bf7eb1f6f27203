#!/usr/bin/env bash
# Compare phiscrub's end-to-end redaction speed with ripgrep searching for the same
# 20 PHI patterns (Benchmarks/patterns-20.txt) and with `cat` as the I/O floor.
#
# Usage: bash Benchmarks/compare-ripgrep.sh [INPUT_FILE]
#
#   INPUT_FILE       defaults to /tmp/phiscrub-bench-$SIZE.log, generated with
#                    corpora/generate_logs.py if it does not exist yet
# Environment:
#   SIZE=1G          size of the generated default input (K/M/G suffix), e.g. SIZE=200M
#   SEED=42          generator seed for the default input
#   RUNS=3           runs per tool; the median wall time is reported
#   CPU=0            the one core everything is pinned to (taskset -c $CPU)
#   PHISCRUB_ARGS=   extra arguments appended to the phiscrub command line
#   SKIP_PHISCRUB=1  measure only ripgrep and cat (no Swift build)
#   SKIP_BUILD=1     reuse the existing release binary instead of running swift build
#   RG_ALL=0         leave out the second ripgrep row (--count-matches)
#
# What is measured, each single core, page cache warm:
#   ripgrep   rg -c -f Benchmarks/patterns-20.txt FILE     (counts matching lines; the reference)
#   rg-all    rg --count-matches -f ... FILE               (finds every match, as a redactor must)
#   phiscrub  phiscrub --jobs 1 $PHISCRUB_ARGS < FILE > /dev/null   (default rules, full redaction)
#   phiscrub-j2  the same with --jobs 2, not pinned (on machines with 2+ cores; TWO_JOBS=0 skips it)
#   cat       cat FILE > /dev/null                         (floor)
# `rg -c` only has to decide whether each line matches any pattern, while phiscrub has to
# find every match of every rule, validate it and rewrite the output, so the ratio is an
# upper bound on what a redactor can reach; rg-all (every match) is the closer comparison.
set -euo pipefail

die() { printf 'compare-ripgrep: %s\n' "$*" >&2; exit 2; }

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd -- "$SCRIPT_DIR/.." && pwd -P)"
PATTERNS="$SCRIPT_DIR/patterns-20.txt"
GENERATOR="$REPO_ROOT/corpora/generate_logs.py"

SIZE="${SIZE:-1G}"
SEED="${SEED:-42}"
RUNS="${RUNS:-3}"
CPU="${CPU:-0}"
SKIP_PHISCRUB="${SKIP_PHISCRUB:-0}"
SKIP_BUILD="${SKIP_BUILD:-0}"
RG_ALL="${RG_ALL:-1}"

[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer (got '$RUNS')"

# ---- tools ---------------------------------------------------------------------------
command -v python3 >/dev/null || die "python3 not found (needed for the generator and arithmetic)"
command -v rg >/dev/null || die "ripgrep (rg) not found: apt-get install -y ripgrep"
command -v taskset >/dev/null || die "taskset not found: apt-get install -y util-linux"
[[ -x /usr/bin/time ]] || die "/usr/bin/time not found (GNU time measures peak RSS): apt-get install -y time"
/usr/bin/time -f %M true 2>/dev/null >/dev/null || die "/usr/bin/time does not accept -f (need GNU time: apt-get install -y time)"
taskset -c "$CPU" true 2>/dev/null || die "cannot pin to CPU $CPU with taskset (set CPU=...)"
[[ -f "$PATTERNS" ]] || die "missing $PATTERNS"

# ---- input ---------------------------------------------------------------------------
if [[ $# -ge 1 ]]; then
    FILE="$1"
    [[ -f "$FILE" ]] || die "input file not found: $FILE"
else
    FILE="/tmp/phiscrub-bench-$SIZE.log"
    if [[ ! -f "$FILE" ]]; then
        echo "generating $FILE (size $SIZE, seed $SEED) ..." >&2
        python3 "$GENERATOR" --size "$SIZE" --seed "$SEED" --out "$FILE.partial"
        mv -f "$FILE.partial" "$FILE"
    fi
fi
BYTES=$(stat -c %s "$FILE")
[[ "$BYTES" -gt 0 ]] || die "input file is empty: $FILE"

# ---- phiscrub binary -----------------------------------------------------------------
PHISCRUB_BIN=""
EXTRA_ARGS=()
if [[ "$SKIP_PHISCRUB" != 1 ]]; then
    command -v swift >/dev/null || die "swift not found (set SKIP_PHISCRUB=1 to measure only rg and cat)"
    if [[ "$SKIP_BUILD" != 1 ]]; then
        echo "building phiscrub (release) in $REPO_ROOT ..." >&2
        (cd "$REPO_ROOT" && swift build -c release --product phiscrub >&2)
    fi
    BIN_DIR="$(cd "$REPO_ROOT" && swift build -c release --show-bin-path)"
    PHISCRUB_BIN="$BIN_DIR/phiscrub"
    [[ -x "$PHISCRUB_BIN" ]] || die "release binary not found at $PHISCRUB_BIN"
    if [[ -n "${PHISCRUB_ARGS:-}" ]]; then
        read -r -a EXTRA_ARGS <<<"$PHISCRUB_ARGS"
    fi
fi

# ---- measurement ---------------------------------------------------------------------
WORK="$(mktemp -d "${TMPDIR:-/tmp}/phiscrub-compare.XXXXXX")"
trap 'rm -rf -- "$WORK"' EXIT

# Warm the page cache so every tool reads from memory.
cat -- "$FILE" >/dev/null

now_ns() { date +%s%N; }

# run_once NAME OK_CODES CMD...   (stdin/stdout of CMD are set by the caller's redirections)
# Appends "<seconds> <peak RSS KiB>" to $WORK/NAME.runs. Pinned to $CPU unless UNPINNED=1 is set for the call.
run_once() {
    local name="$1" ok="$2"; shift 2
    local t0 t1 rc=0 pin=(taskset -c "$CPU")
    [[ "${UNPINNED:-0}" == 1 ]] && pin=()
    t0=$(now_ns)
    /usr/bin/time -f %M -o "$WORK/$name.rss" ${pin[@]+"${pin[@]}"} "$@" || rc=$?
    t1=$(now_ns)
    if [[ " $ok " != *" $rc "* ]]; then
        die "$name exited with status $rc: $*"
    fi
    printf '%s %s %s\n' "$(( t1 - t0 ))" "$(tail -n 1 "$WORK/$name.rss")" "$rc" >>"$WORK/$name.runs"
}

measure_rg() {
    local i
    for (( i = 1; i <= RUNS; i++ )); do
        # rg exits 1 when no line matches; that is not an error here.
        run_once ripgrep "0 1" rg --no-config -c -f "$PATTERNS" -- "$FILE" >"$WORK/rg.count"
    done
}
measure_rg_all() {
    local i
    for (( i = 1; i <= RUNS; i++ )); do
        run_once rg-all "0 1" rg --no-config --count-matches -f "$PATTERNS" -- "$FILE" >"$WORK/rg-all.count"
    done
}
measure_phiscrub() {
    local i
    for (( i = 1; i <= RUNS; i++ )); do
        # 0 = ok; 1 is accepted in case the default command reports "findings" by status.
        run_once phiscrub "0 1" "$PHISCRUB_BIN" --jobs 1 ${EXTRA_ARGS[@]+"${EXTRA_ARGS[@]}"} <"$FILE" >/dev/null
    done
}
measure_phiscrub_two_jobs() {
    local i
    for (( i = 1; i <= RUNS; i++ )); do
        UNPINNED=1 run_once phiscrub-j2 "0 1" "$PHISCRUB_BIN" --jobs 2 ${EXTRA_ARGS[@]+"${EXTRA_ARGS[@]}"} <"$FILE" >/dev/null
    done
}
measure_cat() {
    local i
    for (( i = 1; i <= RUNS; i++ )); do
        run_once cat "0" cat -- "$FILE" >/dev/null
    done
}

echo "input: $FILE ($BYTES bytes), $RUNS runs each, pinned to CPU $CPU" >&2
echo "measuring ripgrep ..." >&2; measure_rg
TOOLS=(ripgrep)
if [[ "$RG_ALL" == 1 ]]; then
    echo "measuring ripgrep --count-matches ..." >&2; measure_rg_all
    TOOLS+=(rg-all)
fi
if [[ -n "$PHISCRUB_BIN" ]]; then
    echo "measuring phiscrub ..." >&2; measure_phiscrub
    TOOLS+=(phiscrub)
    if [[ "$(nproc)" -ge 2 && "${TWO_JOBS:-1}" == 1 ]]; then
        echo "measuring phiscrub --jobs 2 (two cores, not pinned) ..." >&2; measure_phiscrub_two_jobs
        TOOLS+=(phiscrub-j2)
    fi
fi
echo "measuring cat ..." >&2; measure_cat
TOOLS+=(cat)

RG_LINES="$(cat "$WORK/rg.count" 2>/dev/null || true)"
RG_MATCHES="$(cat "$WORK/rg-all.count" 2>/dev/null || true)"

python3 - "$WORK" "$BYTES" "$RUNS" "${RG_LINES:-0}" "${RG_MATCHES:--}" "${TOOLS[@]}" <<'PY'
import statistics, sys
work, nbytes, runs, rg_lines, rg_matches, tools = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6:]
rows = {}
for t in tools:
    recs = [l.split() for l in open(f"{work}/{t}.runs") if l.strip()]
    secs = [int(r[0]) / 1e9 for r in recs]
    rss = max(int(r[1]) for r in recs)          # KiB, as GNU time reports it
    codes = sorted({r[2] for r in recs})
    rows[t] = (statistics.median(secs), min(secs), max(secs), rss, codes)
rg_s = rows["ripgrep"][0]
print(f"input {nbytes} bytes ({nbytes / 1e6:.1f} MB); median of {runs} runs, single core; "
      f"MB = 10^6 bytes; 'vs rg' = throughput / ripgrep throughput")
print(f"ripgrep -c counted {rg_lines.strip() or 0} matching lines"
      + (f"; --count-matches counted {rg_matches.strip()} matches" if rg_matches.strip() not in ("", "-") else ""))
hdr = f"{'tool':<11} {'median s':>9} {'min s':>8} {'max s':>8} {'MB/s':>9} {'vs rg':>7} {'peak RSS MiB':>13}"
print(hdr)
print("-" * len(hdr))
for t in tools:
    med, lo, hi, rss, codes = rows[t]
    mbps = nbytes / 1e6 / med if med > 0 else float("inf")
    ratio = rg_s / med if med > 0 else float("inf")
    note = "" if codes == ["0"] else f"  (exit status {','.join(codes)})"
    print(f"{t:<11} {med:>9.3f} {lo:>8.3f} {hi:>8.3f} {mbps:>9.1f} {ratio:>7.2f} {rss / 1024:>13.1f}{note}")
if "phiscrub" in rows and "phiscrub-j2" in rows:
    print(f"phiscrub --jobs 2 / --jobs 1 (median times): {rows['phiscrub'][0] / rows['phiscrub-j2'][0]:.2f}x")
PY
