#!/usr/bin/env bash
# The release tarball (scripts/release.sh) installs into an empty prefix and runs there without the Swift
# toolchain: no libswift*/Foundation in ldd, no toolchain path in RUNPATH, and every check below runs under
# env -i with PATH=/usr/bin:/bin and an empty LD_LIBRARY_PATH, from an empty directory, with the rule packs found
# in <prefix>/share/phiscrub/rules (a pack added there must show up). Also: --version names this commit, the man
# pages and completions are in the tarball. The C ABI: lib/libphiscrub.so.1 (SONAME, only phiscrub_* exported, no
# toolchain library in ldd) and include/phiscrub.h; a C program built against them runs under the same conditions
# and finds the rule packs next to the library.
# The static release build is the slow part (about 10 min on 2 cores from nothing; seconds when .build/release-static
# is current). PHISCRUB_RELEASE_TEST=0 skips this test; TARBALL=path tests a given tarball without building.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
if [ "${PHISCRUB_RELEASE_TEST:-1}" = 0 ]; then echo "skip: release tarball test (PHISCRUB_RELEASE_TEST=0)"; exit 0; fi
tarball=${TARBALL:-}
if [ -z "$tarball" ]; then
  start=$(date +%s)
  tarball=$(bash scripts/release.sh 2> /tmp/phiscrub-release-build.log | tail -1) \
    || { tail -40 /tmp/phiscrub-release-build.log >&2; echo "FAIL: scripts/release.sh" >&2; exit 1; }
  echo "built $tarball in $(( $(date +%s) - start )) s"
fi
work=$(mktemp -d /tmp/phiscrub-release-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL (release): $*" >&2; exit 1; }
mkdir -p "$work/prefix" "$work/empty" "$work/home"
tar -xzf "$tarball" -C "$work/prefix" --strip-components=1
exe=$work/prefix/bin/phiscrub
[ -x "$exe" ] || fail "no bin/phiscrub in $tarball"

# Linked libraries: only the system's, nothing of the toolchain.
ldd "$exe" > "$work/ldd.txt" || fail "ldd failed"
if grep -E 'libswift|libFoundation|libdispatch|libBlocksRuntime|/opt/swift|not found' "$work/ldd.txt"; then
  fail "the binary needs the Swift toolchain's libraries"
fi
if readelf -d "$exe" | grep -E 'RPATH|RUNPATH' | grep -E 'swift|/opt'; then fail "RUNPATH points into the toolchain"; fi
needed=$(readelf -d "$exe" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | sort | tr '\n' ' ')

# Every run from here: no toolchain on PATH, no library path, an empty working directory, a scratch HOME.
run() { (cd "$work/empty" && env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH= HOME="$work/home" "$@"); }

version=$(run "$exe" --version) || fail "--version failed"
# Built here: this commit. A given TARBALL: any commit hash.
commit=$(git -C "$repo" rev-parse HEAD 2>/dev/null || echo unknown)
if [ -n "${TARBALL:-}" ]; then
  [[ $version =~ ^phiscrub\ [0-9.]+\ \(commit\ [0-9a-f]{40}\)$ ]] || fail "--version says '$version'"
else
  [[ $version == "phiscrub "*" (commit $commit)" ]] || fail "--version says '$version', want commit $commit"
fi
run "$exe" rules test > /dev/null || fail "rules test failed in the prefix"
out=$(printf 'Patient Jane Roe, SSN 402-19-8877, call (617) 555-0142\n' | run "$exe") || fail "the filter failed"
[ "$out" = "Patient [NAME], SSN [SSN], call [PHONE]" ] || fail "filter output: $out"
printf '{"ssn":"402198877","n":1}\n' | run "$exe" --format auto | grep -qx '{"ssn":"\[SSN\]","n":1}' || fail "--format auto"
# Batch with gzip and zstd (the C libraries from Debian at run time).
mkdir -p "$work/in"
printf 'SSN 402-19-8877\n' | gzip -c > "$work/in/a.log.gz"
if command -v zstd >/dev/null; then printf 'SSN 402-19-8877\n' | zstd -q -c > "$work/in/b.log.zst"; fi
run "$exe" batch "$work/in" --out "$work/out" --quiet || fail "batch failed"
[ "$(gzip -dc "$work/out/a.log.gz")" = "SSN [SSN]" ] || fail "batch .gz output"
# The rule packs come from <prefix>/share/phiscrub/rules: a pack added there is loaded (by the binary here, by the
# library below).
add_test_pack() {
  cat > "$work/prefix/share/phiscrub/rules/zz-release-test.yaml" <<'YAML'
pack: release-test
rules:
  - id: release-test-ticket
    entity: TICKET
    category: other_unique
    pattern: 'TICKET-[0-9]{6}'
    max_length: 13
    confidence: 0.9
    examples:
      match: ['ref ⟦TICKET-123456⟧']
      nomatch: ['TICKET-12']
YAML
}
add_test_pack
run "$exe" rules list | grep -q release-test-ticket || fail "rules are not read from <prefix>/share/phiscrub/rules"
rm "$work/prefix/share/phiscrub/rules/zz-release-test.yaml"
# The C ABI: the library and header, its SONAME and symbols, no toolchain library; a C program linked against the
# prefix redacts, and the library reads its rule packs from <prefix>/share/phiscrub/rules (next to ../lib).
clib=$work/prefix/lib/libphiscrub.so.1
[ -f "$clib" ] && [ -L "$work/prefix/lib/libphiscrub.so" ] && [ -s "$work/prefix/include/phiscrub.h" ] \
  || fail "no lib/libphiscrub.so.1, lib/libphiscrub.so or include/phiscrub.h"
ldd "$clib" > "$work/ldd-lib.txt" || fail "ldd of the library failed"
if grep -E 'libswift|libFoundation|libdispatch|libBlocksRuntime|/opt/swift|not found' "$work/ldd-lib.txt"; then
  fail "the library needs the Swift toolchain's libraries"
fi
if readelf -d "$clib" | grep -E 'RPATH|RUNPATH' | grep -E 'swift|/opt'; then fail "the library's RUNPATH points into the toolchain"; fi
readelf -d "$clib" | grep -q 'SONAME.*\[libphiscrub.so.1\]' || fail "the library's SONAME is not libphiscrub.so.1"
extra=$(nm -D --defined-only "$clib" | awk '$2 ~ /^[TWVDBRGSi]$/ {print $3}' | grep -v '^phiscrub_' || true)
[ -z "$extra" ] || fail "the library exports more than phiscrub_*: $(echo $extra | head -c 500)"
cat > "$work/capp.c" <<'C'
#include <stdio.h>
#include <string.h>
#include "phiscrub.h"
int main(int argc, char **argv) {
    char err[1024];
    phiscrub_engine *e;
    if (phiscrub_abi_version() != PHISCRUB_ABI_VERSION) return 3;
    if (phiscrub_engine_new(argc > 1 ? argv[1] : NULL, &e, err, sizeof err) != PHISCRUB_OK) { fprintf(stderr, "%s\n", err); return 1; }
    const char *note = "Patient SSN 402-19-8877, call (617) 555-0142";
    phiscrub_result *r;
    if (phiscrub_call(e, PHISCRUB_OP_REDACT, note, strlen(note), NULL, &r, err, sizeof err) != PHISCRUB_OK) { fprintf(stderr, "%s\n", err); return 1; }
    const char *text; size_t len;
    phiscrub_result_get(r, PHISCRUB_PART_TEXT, &text, &len);
    printf("%.*s\n", (int)len, text);
    phiscrub_result_free(r);
    phiscrub_engine_free(e);
    return 0;
}
C
cc -std=c11 -Wall -Werror -I "$work/prefix/include" "$work/capp.c" -o "$work/capp" -L "$work/prefix/lib" -lphiscrub \
  -Wl,-rpath,'$ORIGIN/prefix/lib' || fail "a C program does not build against include/ and lib/"
out=$(run "$work/capp") || fail "the C program failed"
[ "$out" = "Patient SSN [SSN], call [PHONE]" ] || fail "C program output: $out"
add_test_pack
run "$work/capp" '{"action": "TICKET=mask"}' > /dev/null || fail "the library does not read <prefix>/share/phiscrub/rules"
rm "$work/prefix/share/phiscrub/rules/zz-release-test.yaml"
libsize=$(du -h "$clib" | cut -f1)
# Man pages and completions.
[ -s "$work/prefix/share/man/man1/phiscrub.1.gz" ] || fail "no man page"
gzip -dc "$work/prefix/share/man/man1/phiscrub.1.gz" | grep -q '^\.Sh' || fail "phiscrub.1 is not an mdoc page"
ls "$work/prefix/share/man/man1/" | grep -q 'phiscrub.batch.1.gz' || fail "no page for phiscrub batch"
if command -v man >/dev/null; then
  MANWIDTH=80 man -l "$work/prefix/share/man/man1/phiscrub.batch.1.gz" 2>/dev/null | grep -q -- '--as-text' \
    || fail "man cannot render phiscrub.batch.1"
fi
bash -n "$work/prefix/share/bash-completion/completions/phiscrub" || fail "bash completion does not parse"
grep -q batch "$work/prefix/share/bash-completion/completions/phiscrub" || fail "bash completion lacks batch"
[ -s "$work/prefix/share/zsh/site-functions/_phiscrub" ] && [ -s "$work/prefix/share/fish/vendor_completions.d/phiscrub.fish" ] \
  || fail "zsh or fish completion missing"
echo "ok: release tarball $(basename "$tarball") ($(du -h "$tarball" | cut -f1)): $version; runs from an empty prefix without the toolchain; needs $needed; lib/libphiscrub.so.1 $libsize, C program ok"
