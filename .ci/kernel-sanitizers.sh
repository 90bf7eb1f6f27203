#!/usr/bin/env bash
# The person-name detector's C code (Sources/CScanKernels/names.c) built on its own with AddressSanitizer and
# UndefinedBehaviorSanitizer and run on seeded random lines (Tests/kernels/names_fuzz.c) with the default dictionary:
# the Swift build does not instrument C, so out-of-bounds reads on hostile input would go unseen there. Each line is
# searched with the AVX2 scan and with the baseline one, which must find the same spans. A few seconds. The feature
# pass follows (below).
set -euo pipefail
cd "$(dirname "$0")/.."
cc="${PHISCRUB_KERNEL_CC:-$(command -v clang || echo /opt/swift/usr/bin/clang)}"
[ -x "$cc" ] || cc="$(command -v gcc)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$cc" -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -mavx2 \
  -I Sources/CScanKernels/include -I Sources/CScanKernels \
  Tests/kernels/names_fuzz.c Sources/CScanKernels/names.c Sources/CScanKernels/kernels.c -o "$work/names_fuzz"
lines="${PHISCRUB_FUZZ_LINES:-40000}"
ASAN_OPTIONS=detect_leaks=1 "$work/names_fuzz" rules/names/person-names.tsv "$lines"

# The feature pass (features.c) the same way: seeded blocks, fast pass with AVX-512BW, AVX2 and neither against the reference
# pass (Tests/kernels/features_fuzz.c).
"$cc" -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -mavx2 \
  -I Sources/CScanKernels/include -I Sources/CScanKernels \
  Tests/kernels/features_fuzz.c Sources/CScanKernels/features.c Sources/CScanKernels/features_reference.c \
  Sources/CScanKernels/kernels.c -o "$work/features_fuzz"
ASAN_OPTIONS=detect_leaks=1 "$work/features_fuzz" "${PHISCRUB_FUZZ_BLOCKS:-2000}"

# The line normaliser's escape finder (Sources/CICUShim/escapes.c) the same way: vector loops against the byte loop,
# and every escape found reads as a character (Tests/kernels/escapes_fuzz.c).
"$cc" -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
  -I Sources/CICUShim -I Sources/CICUShim/include Tests/kernels/escapes_fuzz.c -o "$work/escapes_fuzz"
ASAN_OPTIONS=detect_leaks=1 "$work/escapes_fuzz" "${PHISCRUB_FUZZ_ESCAPE_LINES:-200000}"
