#!/usr/bin/env python3
"""docs/recipes/spark-dask-pipe.md without a cluster: the fixture's JSON Lines are cut into partitions; each goes
through (1) the command Spark's RDD.pipe runs, with pipe's protocol (elements written as lines to the command's
stdin, its stdout lines read back as the new elements) and (2) phiscrub_pipe.scrub_lines, the Dask
map_partitions helper. Both must give one cleaned line per input line, in order, with the same JSON shape.
Usage: spark_dask_pipe.py PHISCRUB_BIN REPO"""
import json
import os
import shlex
import subprocess
import sys

bin_, repo = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(repo, "docs", "recipes", "files"))
import phiscrub_pipe  # noqa: E402

records = open(os.path.join(repo, "Tests", "recipes", "fixtures", "events.jsonl"), encoding="utf-8").read().splitlines()
parts = [records[i::7] for i in range(7)]  # 7 partitions, like a repartition(7)

# (1) RDD.pipe("phiscrub --format jsonl"): Spark splits the command with shell rules and runs it per partition.
spark_command = shlex.split("phiscrub --format jsonl".replace("phiscrub", shlex.quote(bin_), 1))
spark_out = []
for part in parts:
    p = subprocess.Popen(spark_command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    out, _ = p.communicate("".join(x + "\n" for x in part).encode())
    assert p.returncode == 0, p.returncode
    spark_out.append(out.decode().splitlines())

# (2) Dask: bag.map_partitions(phiscrub_pipe.scrub_lines).
dask_out = [phiscrub_pipe.scrub_lines(part, [bin_, "--format", "jsonl"]) for part in parts]

for name, result in (("spark pipe", spark_out), ("dask map_partitions", dask_out)):
    for part, out in zip(parts, result):
        assert len(out) == len(part), f"{name}: {len(out)} lines for {len(part)}"
        for a, b in zip(part, out):
            x, y = json.loads(a), json.loads(b)
            assert x["id"] == y["id"] and x["amount"] == y["amount"] and set(x["patient"]) == set(y["patient"]), name
            assert y["patient"]["ssn"] == "[SSN]" and y["patient"]["dob"] == "[DATE]", (name, y)
            assert "@example.com" not in b and "402198877" not in b and "365-94-0475" not in b, (name, b)
assert spark_out == dask_out
print(f"ok: spark pipe and dask map_partitions: {len(records)} records in {len(parts)} partitions, one line each, cleaned")
