#!/usr/bin/env bash
# The Python client (bindings/python): installed with pip into a virtual environment under .build (Debian's
# python3 refuses system-wide pip installs, PEP 668), tested with pytest against the debug binary that `swift build`
# already made. pytest comes from the system when present, else from PyPI; PySpark, pandas and pyarrow from PyPI. Fails when pytest fails or collects no
# tests (its exit status 5), so a broken test discovery cannot pass silently.
set -euo pipefail
cd "$(dirname "$0")/.."
binary="$PWD/.build/debug/phiscrub"
[ -x "$binary" ] || { echo "python-tests: $binary is not built (run swift build first)" >&2; exit 2; }
venv=.build/ci-python
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv --system-site-packages "$venv"
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check ./bindings/python
"$venv/bin/python" -c "import pytest" 2>/dev/null || "$venv/bin/python" -m pip install -q --disable-pip-version-check pytest
# The official MCP SDK drives `phiscrub mcp --proxy` as a real host would (Tests/python/test_mcp_sdk.py, skipped
# when it cannot be installed).
"$venv/bin/python" -c "import mcp" 2>/dev/null || "$venv/bin/python" -m pip install -q --disable-pip-version-check mcp \
  || echo "python-tests: the mcp package did not install; its test is skipped" >&2
# PySpark (with pandas and pyarrow for Arrow) for phiscrub.spark's tests in local mode; Java comes from .ci/deps.sh.
# PySpark 4.x does not support pandas 3 yet.
"$venv/bin/python" -c "import pyspark, pyarrow, pandas" 2>/dev/null ||
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "pyspark>=3.5,<5" "pandas>=2,<3" "pyarrow>=14"
status=0
# The client's tests (with phiscrub.spark's; PHISCRUB_REQUIRE_SPARK: a missing PySpark fails them instead of
# skipping them), then (a run of its own: each folder has its own conftest) the end-to-end tests of serve --http
# (Presidio API) and phiscrub mcp in Tests/python.
for suite in bindings/python/tests Tests/python; do
  status=0
  PHISCRUB_REQUIRE_SPARK=1 PHISCRUB_BIN="$binary" "$venv/bin/python" -m pytest -q -p no:cacheprovider "$suite" || status=$?
  if [ "$status" -eq 5 ]; then
    echo "python-tests: pytest collected no tests in $suite" >&2
    exit 1
  fi
  [ "$status" -eq 0 ] || exit "$status"
done
