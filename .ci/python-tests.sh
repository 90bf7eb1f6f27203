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
# PySpark (with pandas and pyarrow for Arrow) for phiscrub.spark's tests in local mode; Java comes from .ci/deps.sh.
# PySpark 4.x does not support pandas 3 yet.
"$venv/bin/python" -c "import pyspark, pyarrow, pandas" 2>/dev/null ||
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "pyspark>=3.5,<5" "pandas>=2,<3" "pyarrow>=14"
status=0
# PHISCRUB_REQUIRE_SPARK: a missing PySpark fails the Spark tests instead of skipping them.
PHISCRUB_REQUIRE_SPARK=1 PHISCRUB_BIN="$binary" "$venv/bin/python" -m pytest -q -p no:cacheprovider bindings/python/tests || status=$?
if [ "$status" -eq 5 ]; then
  echo "python-tests: pytest collected no tests" >&2
  exit 1
fi
exit "$status"
