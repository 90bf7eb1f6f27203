#!/usr/bin/env bash
# The C ABI (Sources/PHIScrubC/include/phiscrub.h, libPHIScrubC.so from `swift build`): the header compiles as C99
# and C++ with every warning an error, the library exports exactly the functions it declares (at PHISCRUB_1) under
# the SONAME libphiscrub.so.1, installed in a scratch prefix it reads the default packs of PREFIX/share/phiscrub/rules
# (found next to itself with dladdr), and Tests/cabi/test_phiscrub.c, linked with -lphiscrub against that prefix,
# (every function, error paths, threads sharing one engine) passes under AddressSanitizer (with leak detection)
# and UndefinedBehaviorSanitizer, twice: without keys or configuration, then with a configuration from
# `phiscrub init` (RBAC, middleware, reveal, audit) and a test key.
#
# The test program is instrumented; the library is not (Swift code is not built with sanitizers here), but its
# allocations go through the ASan allocator, so overflows of buffers the library hands out, double frees and
# leaked results are caught. gcc's libasan works with the Swift runtime; PHISCRUB_CABI_CC picks another compiler
# (e.g. /opt/swift/usr/bin/clang).
set -euo pipefail
cd "$(dirname "$0")/.."
config="${PHISCRUB_CABI_BUILD:-debug}"
lib="$PWD/.build/$config/libPHIScrubC.so"
binary="$PWD/.build/$config/phiscrub"
header_dir="$PWD/Sources/PHIScrubC/include"
[ -f "$lib" ] || { echo "cabi-tests: $lib is not built (run swift build first)" >&2; exit 2; }
[ -x "$binary" ] || { echo "cabi-tests: $binary is not built (run swift build first)" >&2; exit 2; }
cc="${PHISCRUB_CABI_CC:-$(command -v gcc || command -v cc || echo /opt/swift/usr/bin/clang)}"
cxx="$(command -v g++ || command -v c++ || echo /opt/swift/usr/bin/clang++)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The header on its own, strict C99 and C++.
printf '#include "phiscrub.h"\nint main(void) { return phiscrub_abi_version() == PHISCRUB_ABI_VERSION ? 0 : 1; }\n' > "$work/h.c"
"$cc" -std=c99 -pedantic -Wall -Wextra -Werror -I "$header_dir" -c "$work/h.c" -o "$work/h.o"
cp "$work/h.c" "$work/h.cpp"
"$cxx" -std=c++11 -pedantic -Wall -Wextra -Werror -I "$header_dir" -c "$work/h.cpp" -o "$work/hpp.o"

# The library exports exactly the functions the header declares (nothing else: no Swift symbols, no C shims), at
# version PHISCRUB_1, and its SONAME is libphiscrub.so.1. (Global symbols only: the Swift metadata symbols nm lists
# in lower case are local, kept in the dynamic table for relocations, and cannot be bound from outside.)
declared=$(grep -E '^[a-z]' "$header_dir/phiscrub.h" | grep -oE 'phiscrub_[a-z_]+\(' | tr -d '(' | sort -u)
exported=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TWVDBRGSi]$/ {print $3}' | sed 's/@.*//' | sort -u)
missing=$(comm -23 <(echo "$declared") <(echo "$exported"))
extra=$(comm -13 <(echo "$declared") <(echo "$exported"))
[ -z "$missing" ] || { echo "cabi-tests: declared in phiscrub.h but not exported: $missing" >&2; exit 1; }
[ -z "$extra" ] || { echo "cabi-tests: exported but not in phiscrub.h: $(echo $extra | head -c 2000)" >&2; exit 1; }
unversioned=$(nm -D --defined-only "$lib" | awk '$3 ~ /^phiscrub_/ && $3 !~ /@@PHISCRUB_1$/ {print $3}')
[ -z "$unversioned" ] || { echo "cabi-tests: not at version PHISCRUB_1: $unversioned" >&2; exit 1; }
soname=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = "libphiscrub.so.1" ] || { echo "cabi-tests: SONAME is '$soname', not libphiscrub.so.1" >&2; exit 1; }
echo "cabi-tests: $(echo "$declared" | wc -l) functions declared, exactly those exported (PHISCRUB_1), SONAME $soname"

# Installed as in the release tarball: PREFIX/lib/libphiscrub.so.1 (the SONAME), libphiscrub.so for -lphiscrub,
# and the test program linked against that.
mkdir -p "$work/prefix/lib" "$work/prefix/share/phiscrub"
cp "$lib" "$work/prefix/lib/libphiscrub.so.1"
ln -s libphiscrub.so.1 "$work/prefix/lib/libphiscrub.so"
"$cc" -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
  -I "$header_dir" Tests/cabi/test_phiscrub.c -o "$work/test_phiscrub" \
  -L "$work/prefix/lib" -lphiscrub -Wl,-rpath,"$work/prefix/lib" -lpthread
readelf -d "$work/test_phiscrub" | grep -q 'NEEDED.*\[libphiscrub.so.1\]' \
  || { echo "cabi-tests: the test program does not need libphiscrub.so.1" >&2; exit 1; }

# The default packs are found next to the library (PREFIX/share/phiscrub/rules), before the source checkout: a
# broken copy there is the one that fails, named in the message; the real packs there work.
cp -r rules "$work/prefix/share/phiscrub/rules"
printf '#include <stdio.h>\n#include "phiscrub.h"\nint main(void) { char err[4096]; phiscrub_engine *e = NULL;\n'\
'  phiscrub_status s = phiscrub_engine_new(NULL, &e, err, sizeof err);\n'\
'  if (s == PHISCRUB_OK) { phiscrub_engine_free(e); puts("ok"); return 0; }\n'\
'  printf("%%s: %%s\\n", phiscrub_status_name(s), err); return 1; }\n' > "$work/prefix.c"
"$cc" -std=c11 -I "$header_dir" "$work/prefix.c" -o "$work/prefix-test" -L "$work/prefix/lib" -lphiscrub \
  -Wl,-rpath,"$work/prefix/lib"
env -u PHISCRUB_RULES_DIR PHISCRUB_KEYRING="$work/no-keyring.json" HOME=/nonexistent "$work/prefix-test" >/dev/null \
  || { echo "cabi-tests: the engine did not start with the packs next to the library" >&2; exit 1; }
printf 'rules: [\n' > "$work/prefix/share/phiscrub/rules/default.yaml"
if out=$(env -u PHISCRUB_RULES_DIR PHISCRUB_KEYRING="$work/no-keyring.json" HOME=/nonexistent "$work/prefix-test"); then
  echo "cabi-tests: a broken default.yaml next to the library was not read" >&2; exit 1
fi
case "$out" in
  rules:*"$work/prefix/share/phiscrub/rules/default.yaml"*) ;;
  *) echo "cabi-tests: expected a rules error naming the packs next to the library, got: $out" >&2; exit 1 ;;
esac
cp rules/default.yaml "$work/prefix/share/phiscrub/rules/default.yaml"
echo "cabi-tests: default packs found in PREFIX/share/phiscrub/rules next to the library"

export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"

# Without keys or configuration (a keyring path that does not exist, nothing from the machine).
env -u PHISCRUB_KEY -u PHISCRUB_KEYS -u PHISCRUB_RULES_DIR PHISCRUB_KEYRING="$work/no-keyring.json" HOME=/nonexistent \
  "$work/test_phiscrub"

# With the example configuration (keys from the environment, audit log in the work directory) and a test key (not
# a secret: random bytes generated for the tests only, as in bindings/python/tests/conftest.py).
(cd "$work" && "$binary" init >/dev/null)
sed -i 's/key_source: keyring/key_source: env/; s/os_append_only: true/os_append_only: false/' "$work/phiscrub.yaml"
env -u PHISCRUB_KEYS -u PHISCRUB_KEYRING -u PHISCRUB_RULES_DIR PHISCRUB_KEY="UIsa9vFQUSmyecYazQevgNVcNQpjuGV3cs3+2JKyfms=" \
  HOME=/nonexistent "$work/test_phiscrub" "$work/phiscrub.yaml"

# The audit log the configured run wrote verifies, and holds no value.
audit_key="UIsa9vFQUSmyecYazQevgNVcNQpjuGV3cs3+2JKyfms="
(cd "$work" && PHISCRUB_KEY="$audit_key" HOME=/nonexistent "$binary" audit verify --config phiscrub.yaml >/dev/null)
if grep -rq "365-94-0475" "$work/phiscrub-audit"; then
  echo "cabi-tests: a value reached the audit log" >&2
  exit 1
fi
echo "cabi-tests: ok"
