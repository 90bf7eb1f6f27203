#!/usr/bin/env bash
# The Node client (bindings/node, no dependencies) with node's own test runner, against the debug binary that
# `swift build` already made. Fails when a test fails (node --test exits non-zero).
set -euo pipefail
cd "$(dirname "$0")/.."
binary="$PWD/.build/debug/phiscrub"
[ -x "$binary" ] || { echo "node-tests: $binary is not built (run swift build first)" >&2; exit 2; }
PHISCRUB_BIN="$binary" node --test bindings/node/test/client.test.js
