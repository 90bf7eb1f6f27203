"""phiscrub.spark in local mode against `phiscrub batch` on generated transcripts (corpora/generate_transcripts.py:
fictional values only). One SparkSession for the module: local[2, 2] (two cores, a failed task is tried twice)."""

import gzip
import json
import os
import pathlib
import shutil
import subprocess
import sys
import types

import pytest

if os.environ.get("PHISCRUB_REQUIRE_SPARK") != "1":
    pytest.importorskip("pyspark")
    pytest.importorskip("pyarrow")
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from conftest import REPO, TEST_KEY  # noqa: E402
from phiscrub import spark as ps  # noqa: E402

GENERATOR = REPO / "corpora" / "generate_transcripts.py"


@pytest.fixture(scope="module")
def spark(binary, tmp_path_factory):
    from pyspark import cloudpickle
    from pyspark.sql import SparkSession

    # The fault injectors below live in this module, which the Python workers cannot import: send them by value.
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    # Keys and the binary come from the environment the executors (here: the local JVM and its Python workers)
    # start with, as on a cluster; set only while the JVM starts.
    saved = dict(os.environ)
    os.environ.update({"PHISCRUB_KEY": TEST_KEY, "PHISCRUB_BIN": binary, "PYSPARK_PYTHON": sys.executable,
                       "HOME": str(tmp_path_factory.mktemp("home"))})
    os.environ.pop("PHISCRUB_KEYRING", None)
    os.environ.pop("PHISCRUB_KEYS", None)
    try:
        session = (SparkSession.builder.master("local[2,2]").appName("phiscrub-tests")
                   .config("spark.ui.enabled", "false")
                   .config("spark.sql.shuffle.partitions", "2")
                   # Small Arrow batches: several requests per partition, in flight together.
                   .config("spark.sql.execution.arrow.maxRecordsPerBatch", "40")
                   .config("spark.sql.files.maxPartitionBytes", str(256 << 10))
                   .getOrCreate())
        session.sparkContext.setLogLevel("ERROR")
    finally:
        os.environ.clear()
        os.environ.update(saved)
    yield session
    session.stop()


@pytest.fixture(autouse=True)
def driver_env(monkeypatch, binary):
    """The driver's environment: the binary and the keys (the audit records are signed by the driver)."""
    monkeypatch.setenv("PHISCRUB_BIN", binary)
    monkeypatch.setenv("PHISCRUB_KEY", TEST_KEY)
    monkeypatch.delenv("PHISCRUB_KEYRING", raising=False)
    monkeypatch.delenv("PHISCRUB_KEYS", raising=False)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Generated transcripts (JSON Lines, JSON, logs, some gzipped, nested folders)."""
    root = tmp_path_factory.mktemp("corpus") / "tx"
    subprocess.run([sys.executable, str(GENERATOR), "--out", str(root), "--files", "36", "--seed", "11"], check=True)
    return root


def batch(binary, src, out, *extra, env=None):
    subprocess.run([binary, "batch", str(src), "--out", str(out), "--quiet", *extra], check=True,
                   env=env or _env(), capture_output=True)


def _env(**more):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PHISCRUB_")}
    env.update({"PHISCRUB_KEY": TEST_KEY, "HOME": "/nonexistent"})
    env.update(more)
    return env


def records(root, suffixes, by_dir=False):
    """Non-empty lines of the files under root with these suffixes (gzip read), sorted; per directory when by_dir."""
    out = {}
    for p in sorted(pathlib.Path(root).rglob("*")):
        rel = p.relative_to(root)
        if not p.is_file() or any(part.startswith(("_", ".")) for part in rel.parts):
            continue
        if not p.name.endswith(tuple(suffixes)):
            continue
        data = p.read_bytes()
        if p.name.endswith(".gz"):
            data = gzip.decompress(data)
        key = str(rel.parent) if by_dir else ""
        out.setdefault(key, []).extend(line for line in data.decode("utf-8").split("\n") if line)
    return {k: sorted(v) for k, v in out.items()} if by_dir else sorted(out.get("", []))


def shape(v):
    if isinstance(v, dict):
        return {k: shape(x) for k, x in v.items()}
    if isinstance(v, list):
        return [shape(x) for x in v]
    return type(v).__name__


def job_args(src, out, *extra):
    return ps._parser().parse_args([str(src), "--out", str(out), *extra])


@pytest.mark.parametrize("backend", ["library", "serve"])
def test_jsonl_job_output_is_batchs_output(spark, binary, corpus, tmp_path, backend):
    # library: libPHIScrubC.so in each Python worker (next to the binary); serve: phiscrub serve --stdio per worker.
    ps.run_job(spark, job_args(corpus, tmp_path / "spark", "--engine-backend", backend))
    batch(binary, corpus, tmp_path / "batch")
    ours = records(tmp_path / "spark", (".txt", ".txt.gz"))
    theirs = records(tmp_path / "batch", (".jsonl", ".jsonl.gz"))
    assert len(ours) > 300 and ours == theirs
    # JSON shapes kept: the same multiset of shapes as the input records.
    inputs = records(corpus, (".jsonl", ".jsonl.gz"))
    assert sorted(json.dumps(shape(json.loads(r)), sort_keys=True) for r in ours) == \
        sorted(json.dumps(shape(json.loads(r)), sort_keys=True) for r in inputs)
    # What batch would catch is gone: a scan of the output finds nothing the scan of batch's output does not.
    report = [json.loads(line) for line in (tmp_path / "spark" / ps.REPORT_NAME).read_text().splitlines()]
    total = report[-1]
    assert total["total"] and total["records"] == len(ours) and sum(total["findings"].values()) > 1000
    assert [r["partition"] for r in report[:-1]] == list(range(total["partitions"])) and total["partitions"] >= 2
    assert "365-94" not in (tmp_path / "spark" / ps.REPORT_NAME).read_text()


def _partitioned(corpus, root):
    """The corpus's JSON Lines files in a Hive-style layout: day=2026-01-0N/."""
    for i, p in enumerate(sorted(corpus.rglob("*.jsonl*"))):
        d = root / f"day=2026-01-0{i % 3 + 1}"
        d.mkdir(parents=True, exist_ok=True)
        shutil.copy(p, d / p.name)
    return root


def test_partitioned_job_keeps_partitions_and_audits_each_partition(spark, binary, corpus, config, tmp_path):
    src = _partitioned(corpus, tmp_path / "table")
    summary = ps.run_job(spark, job_args(src, tmp_path / "spark", "--config", str(config)))
    # The configuration's transform: operators apply to both (batch audits its files into the same log).
    batch(binary, src, tmp_path / "batch", "--config", str(config))
    ours = records(tmp_path / "spark", (".txt", ".txt.gz"), by_dir=True)
    theirs = records(tmp_path / "batch", (".jsonl", ".jsonl.gz"), by_dir=True)
    assert sorted(ours) == ["day=2026-01-01", "day=2026-01-02", "day=2026-01-03"] and ours == theirs
    assert summary["partition_columns"] == ["day"]
    # The audit log: one signed record per partition, and it verifies.
    env = _env()
    v = subprocess.run([binary, "audit", "verify", "--config", str(config)], env=env, capture_output=True, text=True)
    assert v.returncode == 0, v.stdout + v.stderr
    audit_dir = config.parent / "phiscrub-audit"
    recs = [json.loads(line) for f in sorted(pathlib.Path(audit_dir).glob("audit-*.jsonl"))
            for line in f.read_text().splitlines()]
    ours_audit = [r for r in recs if r.get("action") == "spark_clean"]
    assert len(ours_audit) == summary["partitions"]
    assert sorted(r["details"]["partition"] for r in ours_audit) == list(range(summary["partitions"]))
    by_entity = {}
    for r in ours_audit:
        for e, n in r["details"]["by_entity"].items():
            by_entity[e] = by_entity.get(e, 0) + n
    assert by_entity == summary["findings"] and all(r["sig"] for r in ours_audit)


def _fail_partition_1(partition, attempt):
    if partition == 1:
        raise RuntimeError("injected failure")


def _fail_partition_1_once(partition, attempt):
    if partition == 1 and attempt == 0:
        raise RuntimeError("injected failure, first attempt only")


def test_a_failed_job_leaves_no_output_and_a_rerun_gives_the_same_result(spark, corpus, tmp_path):
    src = _partitioned(corpus, tmp_path / "table")
    ps.run_job(spark, job_args(src, tmp_path / "clean"))
    expected = records(tmp_path / "clean", (".txt", ".txt.gz"), by_dir=True)
    out = tmp_path / "out"
    with pytest.raises(Exception):
        ps.run_job(spark, job_args(src, out), fault=_fail_partition_1)
    # Nothing under the final path looks like output: no part files outside Spark's _temporary, no report.
    leftovers = [p for p in out.rglob("*") if p.is_file() and "_temporary" not in p.parts] if out.exists() else []
    assert [p for p in leftovers if p.name.startswith("part-")] == [] and not (out / ps.REPORT_NAME).exists()
    # The same command again (the failed run's leftovers are replaced).
    ps.run_job(spark, job_args(src, out))
    assert records(out, (".txt", ".txt.gz"), by_dir=True) == expected
    # A task that fails once is retried by Spark; the output and the counts are those of a clean run.
    retried = ps.run_job(spark, job_args(src, tmp_path / "retried"), fault=_fail_partition_1_once)
    assert records(tmp_path / "retried", (".txt", ".txt.gz"), by_dir=True) == expected
    clean_total = json.loads((tmp_path / "clean" / ps.REPORT_NAME).read_text().splitlines()[-1])
    assert retried["findings"] == clean_total["findings"] and retried["records"] == clean_total["records"]
    # A finished run is not cleaned over without --overwrite.
    with pytest.raises(ps.JobError):
        ps.run_job(spark, job_args(src, out))


def _parquet_table(root, n=120, seed=17):
    """A partitioned Parquet table of generated rows: a JSON column (a conversation), free text, PHI-keyed fields."""
    sys.path.insert(0, str(REPO / "corpora"))
    try:
        from generate_transcripts import TranscriptGen
    finally:
        sys.path.pop(0)
    t = TranscriptGen(seed)
    rows = []
    for i in range(n):
        row = {"id": i, "day": f"2026-02-0{i % 2 + 1}", "conversation": t.dump(t.conversation()), "note": t.text(0.8)}
        row.update(t.fields(3))
        rows.append(row)
    keys = sorted({k for r in rows for k in r} - {"id", "day"})
    table = pa.table({"id": [r["id"] for r in rows], "day": [r["day"] for r in rows],
                      **{k: pa.array([r.get(k) for r in rows], type=pa.string()) for k in keys}})
    pq.write_to_dataset(table, root, partition_cols=["day"])
    return rows, keys


def test_parquet_job_matches_batch_per_value(spark, binary, tmp_path):
    src = tmp_path / "pq"
    rows, keys = _parquet_table(src)
    ps.run_job(spark, job_args(src, tmp_path / "spark", "--json-column", "conversation"))
    out = spark.read.parquet(str(tmp_path / "spark")).toPandas().sort_values("id")
    assert sorted(p.name for p in (tmp_path / "spark").iterdir() if p.is_dir()) == ["day=2026-02-01", "day=2026-02-02"]
    # Batch on the same values: the JSON column as a JSON Lines record, every other value as {"column": value}.
    lines, where = [], []
    for r in rows:
        lines.append(r["conversation"])
        where.append((r["id"], "conversation", None))
        for k in keys:
            if k != "conversation" and r.get(k) is not None:
                lines.append(json.dumps({k: r[k]}))
                where.append((r["id"], k, k))
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "values.jsonl").write_text("\n".join(lines) + "\n")
    batch(binary, tmp_path / "in", tmp_path / "batch")
    cleaned = (tmp_path / "batch" / "values.jsonl").read_text().splitlines()
    by_id = {int(r["id"]): r for r in out.to_dict("records")}
    changed = 0
    for (rid, col, key), line in zip(where, cleaned):
        expected = line if key is None else json.loads(line)[key]
        assert by_id[rid][col] == expected, (rid, col)
        changed += by_id[rid][col] != next(r for r in rows if r["id"] == rid)[col]
    assert changed > 100


def test_scrub_dataframe_findings_column_and_table(spark):
    from pyspark.sql import functions as F

    note = "Patient Jane Roe, SSN 365-94-0475, call (312) 555-0134"
    df = spark.createDataFrame(
        [(1, "402198877", note, '{"dob": "03/14/1961", "n": 4}', 7), (2, None, "nothing here", "[]", 8),
         (3, "402198877", "é SSN 365-94-0475", "not json 365-94-0475", 9)],
        "id long, ssn string, note string, payload string, n int").repartition(2)
    clean = ps.scrub(df, json_columns=["payload"], operators={"SSN": "token"}).cache()
    rows = {r["id"]: r for r in clean.collect()}
    assert rows[1]["ssn"].startswith("[SSN:tok:") and rows[1]["ssn"] == rows[3]["ssn"]  # same value, same token
    assert rows[1]["note"].startswith("Patient [NAME], SSN [SSN:tok:") and "[PHONE]" in rows[1]["note"]
    assert json.loads(rows[1]["payload"]) == {"dob": "[DATE]", "n": 4}
    assert rows[2]["ssn"] is None and rows[2]["note"] == "nothing here" and rows[2]["n"] == 8
    assert rows[3]["payload"].startswith("not json [SSN:tok:")  # not JSON: cleaned as text (on_invalid="text")
    f = ps.findings_table(clean, keep=["id"]).orderBy("id", "column", "start").collect()
    assert {(r["id"], r["column"], r["entity"]) for r in f} >= {(1, "ssn", "SSN"), (1, "note", "PHONE"), (1, "payload", "DATE")}
    # Offsets are UTF-8 bytes into the original value; fingerprints are keyed and the same for the same value.
    row3 = [r for r in f if r["id"] == 3 and r["column"] == "note"][0]
    assert "é SSN 365-94-0475".encode()[row3["start"]:row3["end"]] == b"365-94-0475"
    prints = {r["fingerprint"] for r in f if r["entity"] == "SSN" and r["column"] in ("ssn",)}
    assert len(prints) == 1 and next(iter(prints)).startswith("hmac-sha256:")
    assert "365-94-0475" not in str(f) and "402198877" not in str(f)
    # Counts only (no findings column) and operators from a role are available too.
    plain = ps.scrub(df.select("id", "note"), findings_column=None)
    assert plain.columns == ["id", "note"] and plain.filter(F.col("note").contains("365-94")).count() == 0


def test_one_engine_per_worker_process(spark):
    pids = spark.sparkContext.parallelize(range(8), 8).mapPartitions(
        lambda _: [(os.getpid(), ps.engine(ps.EngineOptions()).pid)]).collect()
    # Python workers are reused across tasks: one engine per worker process, whatever the partitions it ran.
    assert len(pids) == 8 and len({e for _, e in pids}) == len({w for w, _ in pids}) <= 3


def _library_engine_of_this_worker(_):
    e = ps.library_engine(ps.EngineOptions())
    return [(os.getpid(), None if e is None else id(e), None if e is None else e.has_columns,
             ps.library_engine(ps.EngineOptions(backend="serve")))]


def test_workers_use_the_library_in_process_one_engine_each(spark):
    """With the library next to the binary (as swift build and the release tarball put it), each Python worker
    cleans in process, with one engine shared by the partitions it runs; backend="serve" never uses it."""
    got = spark.sparkContext.parallelize(range(8), 8).mapPartitions(_library_engine_of_this_worker).collect()
    assert len(got) == 8 and all(e is not None and cols for _, e, cols, _ in got)
    assert all(serve is None for *_, serve in got)
    by_worker = {}
    for pid, e, _, _ in got:
        by_worker.setdefault(pid, set()).add(e)
    assert all(len(engines) == 1 for engines in by_worker.values())


@pytest.mark.parametrize("on_invalid", ["skip", "null", "text", "fail"])
def test_both_backends_treat_values_that_are_not_json_alike(spark, on_invalid):
    rows = [(1, '{"ssn": "365-94-0475", "n": 4}'), (2, "SSN 365-94-0475 not json"), (3, None), (4, ""),
            (5, '["call (312) 555-0134"]')]
    df = spark.createDataFrame(rows, "id long, payload string").repartition(2)
    out = {}
    # The library with batches in flight on the worker's cleaning thread (window 2) and on the task's thread (0).
    for backend, window in (("library", 2), ("library", 0), ("serve", 2)):
        stats = ps.stats_accumulator(spark)
        clean = ps.scrub(df, json_columns=["payload"], on_invalid=on_invalid, stats=stats, findings_column=None,
                         engine=ps.EngineOptions(backend=backend), window=window)
        if on_invalid == "fail":
            with pytest.raises(Exception) as e:
                clean.collect()
            assert "not JSON" in str(e.value) and "365-94" not in str(e.value)
            continue
        got = sorted((r["id"], r["payload"]) for r in clean.collect())
        counts = [dict(v) for v in stats.value.values()]
        out[backend, window] = (got, sum(c["invalid"] for c in counts), sum(c["dropped"] for c in counts))
    if on_invalid == "fail":
        return
    assert out["library", 2] == out["library", 0] == out["serve", 2]
    got, invalid, dropped = out["library", 2]
    assert invalid == 1 and dropped == (1 if on_invalid == "skip" else 0)
    assert "365-94-0475" not in str(got) and "555-0134" not in str(got)
    by_id = dict(got)
    assert by_id.get(3, "absent") is None and json.loads(by_id[1]) == {"ssn": "[SSN]", "n": 4}
    assert (2 not in by_id) if on_invalid == "skip" else \
        (by_id[2] is None if on_invalid == "null" else by_id[2] == "SSN [SSN] not json")


def test_an_engine_that_cannot_start_fails_the_job_and_writes_nothing(spark, corpus, tmp_path):
    """Fail closed: the library is found but its engine cannot start (a rule pack missing on the executors), or
    backend="library" and the library is not there: the tasks fail, nothing is written and no text passes
    unscrubbed (never a silent fall back to serve or to the raw values)."""
    out = tmp_path / "out"
    with pytest.raises(Exception) as e:
        ps.run_job(spark, job_args(corpus, out, "--rules", str(tmp_path / "missing-pack.yaml")))
    assert "missing-pack.yaml" in str(e.value)
    assert not out.exists() or not [p for p in out.rglob("part-*") if "_temporary" not in p.parts]
    with pytest.raises(Exception) as e:
        ps.run_job(spark, job_args(corpus, tmp_path / "out2", "--engine-backend", "library",
                                   "--library", str(tmp_path / "libphiscrub.so.1")))
    assert "libphiscrub.so.1" in str(e.value)
    assert not (tmp_path / "out2" / ps.REPORT_NAME).exists()


def test_keys_never_reach_arguments_or_the_report(spark, corpus, tmp_path):
    args = job_args(corpus, tmp_path / "out", "--action", "token")
    assert TEST_KEY not in " ".join(ps.EngineOptions(actions=("token",)).args())
    summary = ps.run_job(spark, args)
    text = (tmp_path / "out" / ps.REPORT_NAME).read_text()
    assert TEST_KEY not in text and summary["records"] > 0
    assert any("[SSN:tok:" in r for r in records(tmp_path / "out", (".txt", ".txt.gz")))


def test_an_out_folder_with_other_files_is_refused(spark, corpus, tmp_path):
    out = tmp_path / "notes"
    out.mkdir()
    (out / "Jane_Roe_365-94-0475.txt").write_text("keep me")
    with pytest.raises(ps.JobError) as e:
        ps.run_job(spark, job_args(corpus, out))
    assert "*.txt" in str(e.value) and "365" not in str(e.value) and (out / "Jane_Roe_365-94-0475.txt").exists()
    with pytest.raises(ps.JobError):
        ps.run_job(spark, job_args(corpus, corpus / "day-00"))


def test_spark_submit_of_the_module_file(spark, binary, corpus, tmp_path):
    """The job as a cluster runs it: spark-submit of the installed module file (its own JVM, local[2])."""
    submit = pathlib.Path(sys.executable).parent / "spark-submit"
    if not submit.exists():
        pytest.skip("no spark-submit next to this Python (PySpark from pip has one)")
    env = _env(PHISCRUB_BIN=binary, PYSPARK_PYTHON=sys.executable)
    r = subprocess.run([str(submit), "--master", "local[2]", "--conf", "spark.ui.enabled=false", ps.__file__,
                        str(corpus), "--out", str(tmp_path / "out")], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-3000:]
    # spark-submit merges the Python driver's standard error into its standard output.
    assert "phiscrub.spark:" in r.stdout + r.stderr and TEST_KEY not in r.stderr + r.stdout
    batch(binary, corpus, tmp_path / "batch")
    assert records(tmp_path / "out", (".txt", ".txt.gz")) == records(tmp_path / "batch", (".jsonl", ".jsonl.gz"))


def test_a_roles_view_is_the_filters_view(spark, binary, config):
    """role= shows each entity as the configuration's role may see it, exactly as `phiscrub --config --role`."""
    lines = ["Patient Jane Roe, SSN 365-94-0475, call (312) 555-0134", "MRN: 20458812 seen 03/14/2026"]
    df = spark.createDataFrame([(i, t) for i, t in enumerate(lines)], "id long, note string")
    clean = ps.scrub(df, text_columns=["note"], role="clinician", findings_column=None,
                     engine=ps.EngineOptions(config=str(config)))
    ours = [r["note"] for r in clean.orderBy("id").collect()]
    cli = subprocess.run([binary, "--config", str(config), "--role", "clinician"], input="\n".join(lines) + "\n",
                         env=_env(), capture_output=True, text=True, check=True).stdout.splitlines()
    assert ours == cli and ours[0] != lines[0] and "Jane Roe" in ours[0] and "365-94-0475" not in ours[0]


class _NoColumnLibraries(set):
    """Stands in for phiscrub.native's set of libraries with phiscrub_call_texts: none has it (an older library)."""

    def add(self, item):
        pass


def test_without_a_usable_library_auto_falls_back_to_serve_and_library_fails(monkeypatch, binary, tmp_path):
    from phiscrub import PhiscrubError, native

    monkeypatch.delenv("PHISCRUB_LIB", raising=False)
    # No library next to the binary (nor one the dynamic loader knows): auto uses serve --stdio, library is an error.
    lonely = tmp_path / "bin" / "phiscrub"  # only its place matters (find_library resolves links)
    lonely.parent.mkdir()
    lonely.write_text("#!/bin/sh\nexit 2\n")
    lonely.chmod(0o755)
    monkeypatch.setattr("ctypes.util.find_library", lambda name: None)
    assert ps.library_engine(ps.EngineOptions(binary=str(lonely))) is None
    with pytest.raises(PhiscrubError) as e:
        ps.library_engine(ps.EngineOptions(binary=str(lonely), backend="library"))
    assert "not found" in str(e.value)
    # A library built before phiscrub_call_texts: the same.
    monkeypatch.setattr(native, "_column_libraries", _NoColumnLibraries())
    assert ps.library_engine(ps.EngineOptions(binary=binary, context="older")) is None
    with pytest.raises(ps.ServiceError) as e:
        ps.library_engine(ps.EngineOptions(binary=binary, backend="library", context="older"))
    assert "phiscrub_call_texts" in str(e.value)
    # The serve engine those options fall back to cleans.
    r = ps.engine(ps.EngineOptions(binary=binary)).clean_texts(["SSN 365-94-0475"])
    assert r.texts == ["SSN [SSN]"]
