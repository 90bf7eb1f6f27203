#!/usr/bin/env python3
"""phiscrub.spark in local mode against `phiscrub batch --jobs 2` on the same JSON Lines (Benchmarks/spark_corpus.py).

    python Benchmarks/spark_bench.py --corpus /tmp/phiscrub-spark-bench-200 --rounds 3 [--python .build/ci-python/bin/python]

Runs, in alternating order each round: `phiscrub batch --jobs 2`, `python -m phiscrub.spark --master local[2]` and
`--master local[1]`, each into a fresh output folder. Prints per run the wall time, the Spark job's own time (from
its report: without starting the JVM), and the CPU seconds of the whole process tree (sampled from /proc: JVM,
Python workers, engines); then the medians and the ratios. Checks once that Spark's records equal batch's. The
machine may be shared: compare medians, and the CPU seconds, which do not depend on the load.
"""

import argparse
import gzip
import hashlib
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import threading
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
TICK = os.sysconf("SC_CLK_TCK")


def tree_cpu(root_pid, done, result):
    """CPU seconds of root_pid and all its descendants (last value seen per process), sampled until done."""
    seen = {}
    names = {}
    while True:
        children = {}
        stats = {}
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                s = open(f"/proc/{d}/stat").read()
            except OSError:
                continue
            rest = s[s.rindex(")") + 2:].split()
            names[int(d)] = s[s.index("(") + 1:s.rindex(")")]
            children.setdefault(int(rest[1]), []).append(int(d))
            stats[int(d)] = (int(rest[11]) + int(rest[12]) + int(rest[13]) + int(rest[14])) / TICK
        todo = [root_pid]
        while todo:
            p = todo.pop()
            if p in stats:
                seen[p] = max(seen.get(p, 0), stats[p])
            todo += children.get(p, [])
        if done.is_set():
            break
        time.sleep(0.1)
    result.append(sum(seen.values()))
    by_name = {}
    for p, c in seen.items():
        name = "root" if p == root_pid else names.get(p, "?")  # the command run (for warm: the Spark driver)
        by_name[name] = by_name.get(name, 0) + c
    result.append(by_name)


def timed(cmd, env):
    done = threading.Event()
    cpu = []
    t0 = time.time()
    stdout = open(cmd[-1] + ".json", "w") if "--warm" in cmd else subprocess.DEVNULL
    p = subprocess.Popen(cmd, env=env, stdout=stdout, stderr=subprocess.PIPE)
    th = threading.Thread(target=tree_cpu, args=(p.pid, done, cpu))
    th.start()
    _, err = p.communicate()
    wall = time.time() - t0
    done.set()
    th.join()
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{err.decode()[-2000:]}")
    if os.environ.get("BENCH_BY_PROCESS"):
        print("  cpu by process:", {k: round(v, 2) for k, v in sorted(cpu[1].items(), key=lambda kv: -kv[1])}, flush=True)
    return wall, cpu[0]


def tree_cpu_now(root_pid):
    """CPU seconds so far of root_pid's live process tree (and what it reaped), and the same by process name."""
    done = threading.Event()
    done.set()
    out = []
    tree_cpu(root_pid, done, out)
    return out[0], out[1]


def warm(master, corpus, backend, out):
    """Runs the job twice in one SparkSession and prints the second run's time and CPU (JVM warm, Python workers
    and engines running): what a long job on a running cluster sees."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession
    from phiscrub import spark as ps

    spark = SparkSession.builder.master(master).config("spark.ui.enabled", "false").getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    times = []
    for i in range(2):
        shutil.rmtree(out, ignore_errors=True)
        (c0, n0), t0 = tree_cpu_now(os.getpid()), time.time()
        if backend == "floor":
            floor_job(spark, ps, corpus, out)
        else:
            ps.run_job(spark, ps._parser().parse_args([corpus, "--out", out, "--engine-backend", backend]))
        c1, n1 = tree_cpu_now(os.getpid())
        # The driver is "python" too: name the pyspark workers (which, with serve, have "phiscrub" children).
        by_name = {k: round(v - n0.get(k, 0), 2) for k, v in n1.items() if v - n0.get(k, 0) >= 0.05}
        times.append((time.time() - t0, c1 - c0, by_name))
    spark.stop()
    print(json.dumps({"first": times[0][0], "second": times[1][0], "cpu_second": times[1][1],
                      "cpu_second_by_name": times[1][2]}))


def floor_job(spark, ps, corpus, out):
    """Spark's own share of the job: the same files, partitions, reader and writer as `run_job` on JSON Lines, with
    the records passed through unchanged where the engine would clean them (no engine, no findings, no report)."""
    args = ps._parser().parse_args([corpus, "--out", out])
    data = [f for f in ps._list_files(spark, corpus) if ps._matches(f.rsplit("/", 1)[-1], ps._JSONL)]
    cols = ps._partition_columns(data)
    spark.conf.set("spark.sql.files.minPartitionNum", str(4 * spark.sparkContext.defaultParallelism))
    df = ps._read(spark, args, "jsonl", data, cols)
    ps._write(df.mapInArrow(lambda batches: batches, df.schema), args, "jsonl", cols, False)


def digest(root, suffixes):
    lines = []
    for p in pathlib.Path(root).rglob("*"):
        if p.is_file() and p.name.endswith(suffixes) and not p.name.startswith(("_", ".")):
            data = p.read_bytes()
            if p.name.endswith(".gz"):
                data = gzip.decompress(data)
            lines += [x for x in data.split(b"\n") if x]
    lines.sort()
    return len(lines), hashlib.sha256(b"\n".join(lines)).hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default="/tmp/phiscrub-spark-bench-200")
    ap.add_argument("--mb", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--python", default=str(REPO / ".build/ci-python/bin/python"))
    ap.add_argument("--binary", default=str(REPO / ".build/release/phiscrub"))
    ap.add_argument("--modes", default="batch2,local2,local1",
                    help="batch2, batch2nosync, local2, local1 (whole runs), warm2, warm1 (second job in one session); "
                         "floor2, floor1 (the same, Spark's read and write with the records passed through: Spark's "
                         "own share); "
                         "a Spark mode ending in 'serve' (warm2serve) runs the executors' engines as phiscrub serve "
                         "--stdio instead of the in-process library")
    ap.add_argument("--warm", nargs=4, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.warm:
        return warm(*a.warm)
    if not os.path.isdir(a.corpus):
        subprocess.run([sys.executable, str(REPO / "Benchmarks/spark_corpus.py"), "--out", a.corpus, "--mb", str(a.mb)],
                       check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PHISCRUB_")}
    env.update({"PHISCRUB_BIN": a.binary, "PHISCRUB_KEYRING": "/nonexistent", "PYSPARK_PYTHON": a.python})
    size = sum(p.stat().st_size for p in pathlib.Path(a.corpus).rglob("*.jsonl"))
    print(f"corpus {a.corpus}: {size / 1e6:.0f} MB; load {open('/proc/loadavg').read().split()[:3]}", flush=True)
    def backend(m):
        return "serve" if m.endswith("serve") else "auto"

    cmds = {
        "batch2": lambda out: [a.binary, "batch", a.corpus, "--out", out, "--jobs", "2", "--quiet"],
        # batch's default syncs its outputs (one syncfs a second), which waits on other processes' writes on a
        # shared disk; Spark's text output is not synced.
        "batch2nosync": lambda out: [a.binary, "batch", a.corpus, "--out", out, "--jobs", "2", "--quiet", "--sync", "none"],
    }
    modes = a.modes.split(",")
    for m in modes:
        n = m[5] if m.startswith(("local", "floor")) else m[4] if m.startswith("warm") else None
        if m.startswith("local"):
            cmds[m] = lambda out, n=n, m=m: [a.python, "-m", "phiscrub.spark", a.corpus, "--out", out, "--master",
                                             f"local[{n}]", "--engine-backend", backend(m)]
        elif m.startswith("warm"):
            cmds[m] = lambda out, n=n, m=m: [a.python, __file__, "--warm", f"local[{n}]", a.corpus, backend(m), out]
        elif m.startswith("floor"):
            cmds[m] = lambda out, n=n: [a.python, __file__, "--warm", f"local[{n}]", a.corpus, "floor", out]
    results = {m: {"wall": [], "job": [], "cpu": []} for m in modes}
    for r in range(a.rounds):
        order = modes[r % len(modes):] + modes[:r % len(modes)]
        for m in order:
            out = f"/tmp/phiscrub-spark-bench-out-{m}"
            shutil.rmtree(out, ignore_errors=True)
            wall, cpu = timed(cmds[m](out), env)
            job = wall
            if m.startswith(("warm", "floor")):
                w = json.loads(pathlib.Path(out + ".json").read_text())
                wall, job, cpu = w["second"], w["second"], w["cpu_second"]
                if os.environ.get("BENCH_BY_PROCESS"):
                    print("  second job's cpu by process:", w["cpu_second_by_name"], flush=True)
            elif not m.startswith("batch"):
                job = json.loads(pathlib.Path(out, "_phiscrub_report.jsonl").read_text().splitlines()[-1])["seconds"]
            results[m]["wall"].append(wall)
            results[m]["job"].append(job)
            results[m]["cpu"].append(cpu)
            print(f"round {r + 1} {m:7s} wall {wall:6.2f} s  job {job:6.2f} s  cpu {cpu:6.2f} s  "
                  f"load {open('/proc/loadavg').read().split()[0]}", flush=True)
    med = {m: {k: statistics.median(v) for k, v in results[m].items()} for m in modes}
    for m in modes:
        print(f"median {m:7s} wall {med[m]['wall']:6.2f} s  job {med[m]['job']:6.2f} s  cpu {med[m]['cpu']:6.2f} s")
    for tail in ("", "serve"):
        w2, w1, l2, l1 = "warm2" + tail, "warm1" + tail, "local2" + tail, "local1" + tail
        if "batch2" in med and w2 in med:
            print(f"{w2}: warm local[2] vs batch --jobs 2: {100 * med['batch2']['wall'] / med[w2]['wall']:.0f} %; "
                  f"CPU {med[w2]['cpu'] / med['batch2']['cpu']:.2f}x batch's")
        if w1 in med and w2 in med:
            print(f"{w2}: warm local[2] vs warm local[1]: {med[w1]['wall'] / med[w2]['wall']:.2f}x")
        if tail == "" and "floor1" in med and "floor2" in med:
            print(f"floor2: Spark alone, local[2] vs local[1]: {med['floor1']['wall'] / med['floor2']['wall']:.2f}x")
        if "batch2" in med and l2 in med:
            b = med["batch2"]["wall"]
            print(f"{l2}: local[2] vs batch --jobs 2: {100 * b / med[l2]['wall']:.0f} % (whole run), "
                  f"{100 * b / med[l2]['job']:.0f} % (job without JVM start); "
                  f"CPU {med[l2]['cpu'] / med['batch2']['cpu']:.2f}x batch's")
        if l1 in med and l2 in med:
            print(f"{l2}: local[2] vs local[1]: {med[l1]['wall'] / med[l2]['wall']:.2f}x (whole run), "
                  f"{med[l1]['job'] / med[l2]['job']:.2f}x (job)")
    if "batch2" in modes:
        theirs = digest("/tmp/phiscrub-spark-bench-out-batch2", (".jsonl",))
        for m in modes:
            if not m.startswith(("batch", "floor")):
                same = digest(f"/tmp/phiscrub-spark-bench-out-{m}", (".txt", ".txt.gz")) == theirs
                print(f"{m}: Spark's records equal batch's: {same}")


if __name__ == "__main__":
    main()
