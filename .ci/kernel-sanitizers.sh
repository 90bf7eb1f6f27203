#!/usr/bin/env bash
# The person-name detector's C code (Sources/CScanKernels/names.c) built on its own with AddressSanitizer and
# UndefinedBehaviorSanitizer and run on seeded random lines (Tests/kernels/names_fuzz.c) with the default dictionary:
# the Swift build does not instrument C, so out-of-bounds reads on hostile input would go unseen there. Built twice,
# with the AVX2 scan and with the baseline one only, which must find the same spans. A few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
cc="${PHISCRUB_KERNEL_CC:-$(command -v clang || echo /opt/swift/usr/bin/clang)}"
[ -x "$cc" ] || cc="$(command -v gcc)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
build() {
  "$cc" -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -mavx2 "$@" \
    -I Sources/CScanKernels/include -I Sources/CScanKernels \
    Tests/kernels/names_fuzz.c Sources/CScanKernels/names.c Sources/CScanKernels/kernels.c
}
build -o "$work/names_fuzz"
build -DPHS_NAMES_BASELINE_ONLY -o "$work/names_fuzz_baseline"
lines="${PHISCRUB_FUZZ_LINES:-40000}"
avx2=$(ASAN_OPTIONS=detect_leaks=1 "$work/names_fuzz" rules/names/person-names.tsv "$lines")
baseline=$(ASAN_OPTIONS=detect_leaks=1 "$work/names_fuzz_baseline" rules/names/person-names.tsv "$lines")
echo "$avx2"
# The two scans (32-byte AVX2 chunks, two SSE2 halves) must find the same spans: only the speed may differ.
[ "$avx2" = "$baseline" ] || { echo "FAIL: the baseline scan differs: $baseline" >&2; exit 1; }
echo "names_fuzz: the baseline (SSE2) scan finds the same spans"
