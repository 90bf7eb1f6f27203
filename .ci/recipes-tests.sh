#!/usr/bin/env bash
# The recipes of docs/recipes/, each run by its test in Tests/recipes/ against the binary built by .ci/run
# (PHISCRUB_BIN overrides), with the real programs from Debian where they install (rsyslog, logrotate,
# systemd-analyze); a test prints "skip: <why>" only when its program cannot be installed. Seconds each.
set -uo pipefail
cd "$(dirname "$0")/.."
export PHISCRUB_BIN=${PHISCRUB_BIN:-$PWD/.build/debug/phiscrub}
failed=0
for t in Tests/recipes/*.sh; do
  [ "$(basename "$t")" = lib.sh ] && continue
  start=$(date +%s)
  if out=$(timeout 120 bash "$t" 2>&1); then
    # The test's verdict line (a child killed at cleanup may write its own line to stderr after it).
    echo "$out" | grep -E '^(ok|skip): ' | tail -1 | sed "s/\$/ [$(( $(date +%s) - start )) s]/"
  else
    echo "$out" >&2
    echo "FAILED: $t" >&2
    failed=1
  fi
done
exit $failed
