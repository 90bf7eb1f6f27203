#!/usr/bin/env bash
# Scores phiscrub and Presidio's pattern recognizers on the same labelled text with the same scorer
# (`phiscrub eval`), and prints overlap precision and recall per entity side by side.
#
# Usage: bash corpora/compare-presidio.sh
# Environment:
#   PRESIDIO_PY=python3     a Python with presidio-analyzer installed (pip install presidio-analyzer);
#                           no spaCy model is needed (see corpora/presidio_baseline.py)
#   PHISCRUB=...            the phiscrub binary (default: build and use .build/release/phiscrub)
#   SYNTH=...               the Presidio-format set (default ../shared/corpora/presidio-synth/synth_dataset_v2.dev.json)
#   CORPORA="logs llm clinical"   which of corpora/eval/*.txt to include
set -euo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd -- "$SCRIPT_DIR/.." && pwd -P)"
PRESIDIO_PY="${PRESIDIO_PY:-python3}"
SYNTH="${SYNTH:-$REPO_ROOT/../shared/corpora/presidio-synth/synth_dataset_v2.dev.json}"
CORPORA="${CORPORA:-logs llm clinical}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

"$PRESIDIO_PY" -c 'import presidio_analyzer' 2>/dev/null || {
    echo "compare-presidio: $PRESIDIO_PY cannot import presidio_analyzer; pip install presidio-analyzer" >&2; exit 2; }
if [[ -z "${PHISCRUB:-}" ]]; then
    (cd "$REPO_ROOT" && swift build -c release -j 2 >/dev/null)
    PHISCRUB="$REPO_ROOT/.build/release/phiscrub"
fi

run_pair() {  # name, eval arguments for the corpus, baseline arguments
    local name="$1" corpus_args="$2" baseline_args="$3"
    "$PRESIDIO_PY" "$SCRIPT_DIR/presidio_baseline.py" $baseline_args --out "$WORK/$name.presidio.jsonl" 2>/dev/null
    "$PHISCRUB" eval $corpus_args --json > "$WORK/$name.phiscrub.json"
    "$PHISCRUB" eval $corpus_args --predictions "$WORK/$name.presidio.jsonl" --json > "$WORK/$name.presidio.json"
    echo "$name"
}

names=()
for c in $CORPORA; do
    names+=("$(run_pair "$c" "$SCRIPT_DIR/eval/$c.txt" "--text $SCRIPT_DIR/eval/$c.txt")")
done
if [[ -f "$SYNTH" ]]; then
    names+=("$(run_pair synth "--presidio $SYNTH" "--presidio-json $SYNTH")")
else
    echo "compare-presidio: $SYNTH not found; skipping the Presidio synthetic set" >&2
fi

"$PRESIDIO_PY" - "$WORK" "${names[@]}" <<'PY'
import json, sys
work, names = sys.argv[1], sys.argv[2:]
for name in names:
    ours = json.load(open(f"{work}/{name}.phiscrub.json"))["reports"][0]
    theirs = json.load(open(f"{work}/{name}.presidio.json"))["reports"][0]
    o = {e["entity"]: e for e in ours["overlap"]["entities"]}
    t = {e["entity"]: e for e in theirs["overlap"]["entities"]}
    print(f"== {ours['corpus']} (overlap matching; P = precision, R = recall; '-' = no findings of that type)")
    print(f"{'entity':12} {'gold':>5} | {'phiscrub P':>10} {'R':>6} | {'presidio P':>10} {'R':>6}")
    def cell(e):
        if e is None:
            return f"{'-':>10} {'-':>6}"
        p = f"{e['precision']:.3f}" if e["predicted"] else "-"
        r = f"{e['recall']:.3f}" if e["gold"] else "-"
        return f"{p:>10} {r:>6}"
    for ent in sorted(set(o) | set(t)):
        gold = (o.get(ent) or t.get(ent))["gold"]
        print(f"{ent:12} {gold:5d} | {cell(o.get(ent))} | {cell(t.get(ent))}")
    a, b = ours["overlap"]["overall"], theirs["overlap"]["overall"]
    print(f"{'ALL':12} {a['gold']:5d} | {a['precision']:10.3f} {a['recall']:6.3f} | {b['precision']:10.3f} {b['recall']:6.3f}")
    print()
PY
