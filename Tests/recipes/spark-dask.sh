#!/usr/bin/env bash
# docs/recipes/spark-dask-pipe.md: Spark's RDD.pipe protocol and the Dask helper, per partition (no cluster).
source "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "no python3"
python3 "$repo/Tests/recipes/spark_dask_pipe.py" "$bin" "$repo"
