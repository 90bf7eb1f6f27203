# Shared helpers of the recipe tests (sourced). Each test prints "ok: ..." or "skip: ..." and exits non-zero on
# failure. PHISCRUB_BIN is the binary under test (default: the debug build).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin=${PHISCRUB_BIN:-$repo/.build/debug/phiscrub}
[ -x "$bin" ] || { echo "FAIL: no phiscrub binary at $bin (swift build first)" >&2; exit 1; }
work=$(mktemp -d /tmp/phiscrub-recipe.XXXXXX)
started_pids=()
cleanup() {
  for p in "${started_pids[@]}"; do pkill -P "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL ($(basename "$0")): $*" >&2; exit 1; }
skip() { echo "skip ($(basename "$0")): $*"; exit 0; }
# wait_for SECONDS CMD...: polls CMD every 50 ms until it succeeds.
wait_for() {
  local deadline=$(( $(date +%s%N) / 1000000 + $1 * 1000 )); shift
  until "$@"; do
    [ $(( $(date +%s%N) / 1000000 )) -lt "$deadline" ] || return 1
    sleep 0.05
  done
}
# lines FILE: number of lines (0 when missing).
lines() { if [ -f "$1" ]; then wc -l < "$1" | tr -d ' '; else echo 0; fi; }
# no_phi FILE...: none of the planted fictional values is left.
no_phi() {
  if grep -E -n '402-19-8877|402198877|365-94-0475|555-01[0-9][0-9]|@example\.com|1961-03-14' "$@"; then
    fail "PHI left in $*"
  fi
}
# Installs Debian packages when missing (root or sudo); returns 1 when that is impossible.
ensure_pkgs() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" != 0 ]; then command -v sudo >/dev/null 2>&1 || return 1; sudo="sudo -n"; fi
  $sudo apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 \
    || { $sudo apt-get update -qq >/dev/null 2>&1 && $sudo apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; }
}
# at_least FILE N: FILE has at least N lines.
at_least() { [ "$(lines "$1")" -ge "$2" ]; }
# grows_to FILE N STALL: waits until FILE has N lines; fails only when it stops growing for STALL seconds (a slow
# host that is still writing is not a lost line; a stuck pipeline is caught as fast as a fixed deadline would).
grows_to() {
  local last=-1 now since
  since=$(date +%s)
  while now=$(lines "$1"); [ "$now" -lt "$2" ]; do
    if [ "$now" != "$last" ]; then last=$now; since=$(date +%s)
    elif [ $(( $(date +%s) - since )) -ge "$3" ]; then return 1; fi
    sleep 0.05
  done
}
