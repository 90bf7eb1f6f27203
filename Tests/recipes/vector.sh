#!/usr/bin/env bash
# docs/recipes/vector.md: Vector is not in Debian, so this checks the recipe's shape: the exec source's command is
# read from docs/recipes/files/vector.toml (python3's tomllib), run as Vector runs it (argv, stdout read line by
# line), fed an application log with JSON and text lines; every line must come out once, cleaned, JSON still JSON.
# With a `vector` binary on PATH, `vector validate` checks the whole file too.
source "$(dirname "$0")/lib.sh"
toml=$repo/docs/recipes/files/vector.toml
python3 -c 'import tomllib' 2>/dev/null || skip "python3 has no tomllib (needs 3.11)"
mkdir -p "$work/log"
: > "$work/log/app.log"
python3 - "$toml" "$bin" "$work/log" > "$work/argv" <<'PY'
import sys, tomllib
conf = tomllib.load(open(sys.argv[1], "rb"))
src = [s for s in conf["sources"].values() if s["type"] == "exec"]
assert len(src) == 1 and src[0]["mode"] == "streaming" and src[0]["streaming"]["respawn_on_exit"]
for arg in src[0]["command"]:
    print(arg.replace("/usr/local/bin/phiscrub", sys.argv[2]).replace("/var/log/app", sys.argv[3]), end="\0")
PY
mapfile -d '' argv < "$work/argv"
"${argv[@]}" > "$work/events.out" 2> "$work/events.err" &
started_pids+=($!)
sleep 0.3
for i in $(seq 0 99); do
  if (( i % 2 )); then
    printf '{"seq":%d,"level":"info","patient":{"ssn":"402198877","phone":"6175550142"},"msg":"refill for Jane Roe"}\n' "$i"
  else
    printf 'seq=%d text line: SSN 365-94-0475, mail j.roe@example.com\n' "$i"
  fi >> "$work/log/app.log"
done
wait_for 10 at_least "$work/events.out" 100 || fail "only $(lines "$work/events.out") of 100 events"
no_phi "$work/events.out"
python3 - "$work/events.out" <<'PY' || fail "events: bad shape"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 100, len(lines)
for i, line in enumerate(lines):
    if i % 2:
        e = json.loads(line)
        assert e["seq"] == i and e["patient"] == {"ssn": "[SSN]", "phone": "[PHONE]"}, e
    else:
        assert line == f"seq={i} text line: SSN [SSN], mail [EMAIL]", line
PY
if command -v vector >/dev/null; then
  vector validate --no-environment "$toml" >/dev/null || fail "vector validate rejects the recipe"
fi
echo "ok: vector exec source command: 100 lines (JSON and text) out once each, cleaned, JSON kept"
