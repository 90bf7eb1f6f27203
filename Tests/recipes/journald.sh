#!/usr/bin/env bash
# docs/recipes/journald.md: `journalctl -o cat | phiscrub` and `journalctl -o json | phiscrub --format jsonl`, on
# fixtures of those shapes (Tests/recipes/fixtures, from make_fixtures.py): journald need not run in CI. When a
# journal is readable here, the real journalctl's -o json output goes through too and must keep its shape.
source "$(dirname "$0")/lib.sh"
fx=$repo/Tests/recipes/fixtures
# -o cat: plain lines, byte-exact outside the values.
"$bin" < "$fx/journal.cat" > "$work/cat.out" || fail "-o cat pipe exited $?"
[ "$(lines "$work/cat.out")" -eq "$(lines "$fx/journal.cat")" ] || fail "-o cat: line count changed"
no_phi "$work/cat.out"
grep -qx 'req 0: ok in 291 ms' "$work/cat.out" || fail "-o cat: a clean line changed"
# -o json: every record stays JSON with the same fields; only MESSAGE changes. Fed in odd-sized pieces as a pipe.
python3 -c 'import sys,os
d=open(sys.argv[1],"rb").read()
for i in range(0,len(d),4093): os.write(1,d[i:i+4093])' "$fx/journal.json" \
  | "$bin" --format jsonl > "$work/json.out" || fail "-o json pipe exited $?"
python3 "$repo/Tests/recipes/check_jsonl.py" "$fx/journal.json" "$work/json.out" MESSAGE >/dev/null || fail "-o json shape"
# --format auto gives the same bytes for pure JSON Lines.
"$bin" --format auto < "$fx/journal.json" | cmp -s - "$work/json.out" || fail "--format auto differs from jsonl"
real=""
if command -v journalctl >/dev/null && journalctl -q -n 1 -o json >/dev/null 2>&1 \
   && [ -n "$(journalctl -q -n 1 -o json 2>/dev/null)" ]; then
  journalctl -q -n 200 -o json > "$work/real.json" 2>/dev/null || true
  # Records whose MESSAGE is not UTF-8 come as byte arrays: only strings are rewritten (see the recipe).
  "$bin" --format jsonl < "$work/real.json" > "$work/real.out" || fail "real journalctl -o json: exit $?"
  python3 - "$work/real.json" "$work/real.out" <<'PY' || fail "real journalctl -o json: shape changed"
import json, sys
a = open(sys.argv[1]).read().splitlines(); b = open(sys.argv[2]).read().splitlines()
assert len(a) == len(b)
for x, y in zip(a, b):
    assert set(json.loads(x)) == set(json.loads(y))
PY
  real=", and $(lines "$work/real.json") records of this machine's journal"
fi
echo "ok: journald -o cat and -o json shapes (400 records each)$real: same lines and fields, no PHI"
