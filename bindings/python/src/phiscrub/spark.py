"""phiscrub on Apache Spark: scrub DataFrames, and a job that cleans a folder or table like ``phiscrub batch``.

Library (PySpark 3.5+, pyarrow)::

    from phiscrub.spark import scrub, findings_table, EngineOptions

    clean = scrub(df)                                   # every string column, its name as the field context
    clean = scrub(df, json_columns=["record"])          # a column holding JSON texts (a JSON Lines record each)
    clean = scrub(df, operators={"SSN": "token"}, engine=EngineOptions(config="/mnt/phiscrub/phiscrub.yaml"),
                  role="analyst")                       # operators, roles, context, keys as for the CLI
    findings_table(clean).show()                        # column, entity, rule, offsets, fingerprint; never values

Job (the same module)::

    python -m phiscrub.spark IN --out OUT [--format auto|jsonl|parquet|text] [--config phiscrub.yaml] ...
    spark-submit --master spark://host:7077 "$(python -c 'import phiscrub.spark as m; print(m.__file__)')" IN --out OUT

Each Python worker process keeps one phiscrub engine in process (``phiscrub.native.Engine`` over libphiscrub, found
next to the ``phiscrub`` binary; made on first use, reused by every partition the worker runs) and hands it each
column of an Arrow batch as its buffers in one call (``phiscrub_call_texts``): no Python object per value, no JSON
coding of values. Without the library, the worker keeps one ``phiscrub serve --stdio`` instead and sends it
thousands of records per request. Either way records are cleaned exactly as ``phiscrub batch`` cleans them
(``options.json``/``options.key`` of the service). Keys come from the executors' environment (``PHISCRUB_KEY``,
``PHISCRUB_KEYS``, ``PHISCRUB_KEYRING``) or a keyring file mounted on every executor (``EngineOptions.keyring``, a
path): never from arguments. See docs/spark.md in the phiscrub repository.
"""

from __future__ import annotations

import argparse
import atexit
import collections
import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Deque, Dict, Iterator, List, Optional, Sequence, Tuple

if __package__ in (None, ""):
    # Run as a file (spark-submit .../phiscrub/spark.py): import the package, so that executors unpickle the
    # partition function from the installed module (one engine per worker process), not from a copy of __main__.
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from phiscrub.spark import main as _main  # noqa: E402

    sys.exit(_main())

from .client import Client, ServiceError, find_binary  # noqa: E402

__all__ = ["EngineOptions", "ScrubStats", "scrub", "findings_table", "stats_accumulator", "engine", "library_engine",
           "run_job", "main", "JobError", "FINDING_FIELDS", "REPORT_NAME"]

#: Fields of each element of the findings column (never the value).
FINDING_FIELDS = ("column", "entity", "rule", "start", "end", "confidence", "fingerprint")


@dataclass(frozen=True)
class EngineOptions:
    """How each worker makes its engine (the library in process, or ``phiscrub serve --stdio``): the CLI's rule, key
    and operator options.

    Paths (binary, rules, config, keyring) must exist on every executor (installed or mounted). ``binary`` defaults
    to ``$PHISCRUB_BIN``, else ``phiscrub`` on the executor's ``PATH``. ``actions`` are ``--action`` values
    (``"token"``, ``"DATE=shift"``); ``config`` gives the ``transform:`` operators and the roles (its audit log is
    not opened by the workers: the job audits per partition through the driver). ``jobs`` is the worker threads of
    a ``serve --stdio`` engine (one per task core, ``spark.task.cpus``); the library cleans on one thread per
    worker."""

    binary: Optional[str] = None
    rules: Tuple[str, ...] = ()
    no_default_rules: bool = False
    min_confidence: Optional[float] = None
    config: Optional[str] = None
    keyring: Optional[str] = None
    actions: Tuple[str, ...] = ()
    context: Optional[str] = None
    subject: Optional[str] = None
    mask_keep: Optional[int] = None
    jobs: int = 1
    #: ``auto``: the library (``libphiscrub``, in process) when found next to ``binary`` (or ``$PHISCRUB_LIB``), else
    #: ``phiscrub serve --stdio``; ``library``: the library or an error; ``serve``: always ``serve --stdio``.
    backend: str = "auto"
    #: The library's path on every executor (default: found as ``phiscrub.native.find_library`` finds it).
    library: Optional[str] = None

    def library_options(self) -> Dict[str, Any]:
        """The options of ``phiscrub_engine_new`` (phiscrub.h) that give the engine ``args()`` gives the service."""
        o: Dict[str, Any] = {}
        if self.rules:
            o["rules"] = list(self.rules)
        if self.no_default_rules:
            o["no_default_rules"] = True
        if self.min_confidence is not None:
            o["min_confidence"] = self.min_confidence
        if self.config:
            o["config"] = self.config
            o["no_audit"] = True
        if self.keyring:
            o["keyring"] = self.keyring
        if self.actions:
            o["action"] = list(self.actions)
        if self.context:
            o["context"] = self.context
        if self.subject:
            o["subject"] = self.subject
        if self.mask_keep is not None:
            o["mask_keep"] = self.mask_keep
        return o

    def args(self) -> List[str]:
        a: List[str] = ["-j", str(self.jobs)]
        for r in self.rules:
            a += ["--rules", r]
        if self.no_default_rules:
            a.append("--no-default-rules")
        if self.min_confidence is not None:
            a += ["--min-confidence", str(self.min_confidence)]
        if self.config:
            a += ["--config", self.config, "--no-audit"]
        if self.keyring:
            a += ["--keyring", self.keyring]
        for act in self.actions:
            a += ["--action", act]
        if self.context:
            a += ["--context", self.context]
        if self.subject:
            a += ["--subject", self.subject]
        if self.mask_keep is not None:
            a += ["--mask-keep", str(self.mask_keep)]
        return a


# -- one engine per worker process ------------------------------------------------------------------------------

_ENGINES: Dict[EngineOptions, Client] = {}
_FINGERPRINTS: Dict[EngineOptions, bool] = {}
_ENGINES_LOCK = threading.Lock()


def engine(options: EngineOptions = EngineOptions()) -> Client:
    """This process's engine for ``options``: started on first use, reused afterwards (by every partition a Python
    worker runs), restarted if it died, closed when the process exits."""
    with _ENGINES_LOCK:
        c = _ENGINES.get(options)
        if c is not None and (c._closed or c._proc.poll() is not None):
            c.close(timeout=5)
            c = None
        if c is None:
            c = Client(options.binary or find_binary(), args=options.args())
            _ENGINES[options] = c
            _FINGERPRINTS.pop(options, None)
        return c


_NATIVE: Dict[EngineOptions, Any] = {}  # EngineOptions -> phiscrub.native.Engine, or None: not found, use serve


def library_engine(options: EngineOptions = EngineOptions()):
    """This process's in-process engine (``phiscrub.native.Engine`` over libphiscrub) for ``options``, made on first
    use and shared by every partition the Python worker runs; None when ``options.backend`` is ``auto`` and no library
    with ``phiscrub_call_texts`` is found (then the worker uses ``serve --stdio``). ``backend="library"`` makes a
    missing library an error; an engine that cannot start (rules, configuration, keys) is always an error."""
    if options.backend not in ("auto", "library", "serve"):
        raise ValueError("EngineOptions.backend must be auto, library or serve")
    if options.backend == "serve":
        return None
    with _ENGINES_LOCK:
        if options in _NATIVE:
            return _NATIVE[options]
        from . import native
        from .client import PhiscrubError

        try:
            path = native.find_library(options.library, binary=options.binary)
        except PhiscrubError:
            if options.backend == "library":
                raise
            _NATIVE[options] = None
            return None
        eng = native.Engine(path, **options.library_options())
        if not eng.has_columns:
            eng.close()
            if options.backend == "library":
                raise ServiceError("invalid_option", f"{path} has no phiscrub_call_texts (a library older than this "
                                   "module): use backend='serve' or a newer library")
            _NATIVE[options] = None
            return None
        _NATIVE[options] = eng
        _FINGERPRINTS.pop(options, None)
        return eng


_CLEANING_THREAD = None


def _cleaning_thread():
    """This worker's one thread that runs the in-process engine's calls (made on first use): a task hands it
    batches and keeps reading and writing Arrow while it cleans."""
    global _CLEANING_THREAD
    from concurrent.futures import ThreadPoolExecutor

    with _ENGINES_LOCK:
        if _CLEANING_THREAD is None:
            _CLEANING_THREAD = ThreadPoolExecutor(1, thread_name_prefix="phiscrub-clean")
        return _CLEANING_THREAD


def _has_fingerprint_keys(options: EngineOptions, client) -> bool:
    with _ENGINES_LOCK:
        known = _FINGERPRINTS.get(options)
    if known is None:
        try:
            if isinstance(client, Client):
                client.submit_texts("scan", ["-"], fingerprints=True).result()
            else:
                import pyarrow as pa

                client.clean_column(pa.array(["-"]), op="scan", fingerprints=True)
            known = True
        except ServiceError as e:
            if e.code != "keys":
                raise
            known = False
        with _ENGINES_LOCK:
            _FINGERPRINTS[options] = known
    return known


@atexit.register
def _close_engines() -> None:
    with _ENGINES_LOCK:
        engines = list(_ENGINES.values()) + [e for e in _NATIVE.values() if e is not None]
        _ENGINES.clear()
        _NATIVE.clear()
    for c in engines:
        try:
            c.close(timeout=10) if isinstance(c, Client) else c.close()
        except Exception:
            pass


# -- the partition function -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    """Everything a partition needs (pickled to the executors; holds no keys)."""

    engine: EngineOptions
    columns: Tuple[Tuple[str, str], ...]  # (column, "key" | "json" | "text")
    request: Tuple[Tuple[str, Any], ...]  # per-request service options
    findings_column: Optional[str]
    fingerprints: Optional[bool]
    on_invalid: str  # "text" | "skip" | "fail" | "null"
    chunk_chars: int
    window: int
    stats: Any = None  # an Accumulator of {partition: ScrubStats dict}
    fault: Optional[Callable[[int, int], None]] = None  # tests: called with (partition, attempt) before any work


@dataclass
class ScrubStats:
    """What one partition did: counts only, never values."""

    records: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    findings: Dict[str, int] = field(default_factory=dict)
    withheld: int = 0
    invalid: int = 0
    dropped: int = 0

    def as_dict(self) -> Dict[str, Any]:
        return {"records": self.records, "bytes_in": self.bytes_in, "bytes_out": self.bytes_out,
                "findings": dict(self.findings), "withheld": self.withheld, "invalid": self.invalid,
                "dropped": self.dropped}


def _findings_type():
    import pyarrow as pa

    return pa.list_(pa.struct([
        ("column", pa.string()), ("entity", pa.string()), ("rule", pa.string()), ("start", pa.int64()),
        ("end", pa.int64()), ("confidence", pa.float64()), ("fingerprint", pa.string()),
    ]))


def _byte_length(arr) -> int:
    import pyarrow.compute as pc

    s = pc.sum(pc.binary_length(arr)).as_py()
    return int(s or 0)


def _submit(client: Client, plan: _Plan, batch, fingerprints: bool):
    """Sends every value to scrub in ``batch`` (chunked by size) and returns what ``_collect`` needs."""
    options = dict(plan.request)
    options["findings"] = None if plan.findings_column else False
    if plan.findings_column and fingerprints:
        options["fingerprints"] = True
    work = []
    for name, mode in plan.columns:
        i = batch.schema.get_field_index(name)
        values = batch.column(i).to_pylist()
        idx = [j for j, v in enumerate(values) if v is not None]
        chunks = []
        start = 0
        size = 0
        mode_opts = dict(options)
        if mode == "json":
            mode_opts["json"] = True
        elif mode == "key":
            mode_opts["key"] = name
        for k, j in enumerate(idx):
            size += len(values[j]) + 8
            if size >= plan.chunk_chars:
                chunks.append((start, k + 1, client.submit_texts("transform", [values[x] for x in idx[start:k + 1]], **mode_opts)))
                start, size = k + 1, 0
        if start < len(idx):
            chunks.append((start, len(idx), client.submit_texts("transform", [values[x] for x in idx[start:]], **mode_opts)))
        work.append((name, mode, i, values, idx, chunks))
    return batch, work


def _collect(plan: _Plan, submitted, stats: ScrubStats):
    import pyarrow as pa

    batch, work = submitted
    n = batch.num_rows
    columns = list(batch.columns)
    per_row: Optional[List[Optional[list]]] = [None] * n if plan.findings_column else None
    keep = [True] * n
    stats.records += n
    for name, mode, i, values, idx, chunks in work:
        out = list(values)
        for start, end, fut in chunks:
            a = fut.result()
            texts = a["texts"]
            for k in range(end - start):
                out[idx[start + k]] = texts[k]
            for k in a.get("invalid", ()):
                row = idx[start + k]
                stats.invalid += 1
                if plan.on_invalid == "fail":
                    raise ValueError(f"column {name}: a value is not JSON (row {row} of a batch); --on-invalid fail")
                if plan.on_invalid == "skip":
                    keep[row] = False
                elif plan.on_invalid == "null":
                    out[row] = None
            stats.withheld += int(a.get("withheld", 0))
            if "counts" in a:
                for e, c in a["counts"].items():
                    stats.findings[e] = stats.findings.get(e, 0) + int(c)
            for f in a.get("findings", ()):
                stats.findings[f["entity"]] = stats.findings.get(f["entity"], 0) + 1
                if per_row is not None:
                    row = idx[start + int(f["record"])]
                    lst = per_row[row]
                    if lst is None:
                        lst = per_row[row] = []
                    lst.append({"column": name, "entity": f["entity"], "rule": f["rule"], "start": int(f["start"]),
                                "end": int(f["end"]), "confidence": float(f["confidence"]),
                                "fingerprint": f.get("fingerprint")})
        original = batch.column(i)
        stats.bytes_in += _byte_length(original)
        new = pa.array(out, type=original.type)
        stats.bytes_out += _byte_length(new)
        columns[i] = new
    return _assemble(batch, columns, per_row, keep if not all(keep) else None, plan, stats)


def _assemble(batch, columns, per_row, keep, plan: _Plan, stats: ScrubStats):
    """The cleaned batch: ``columns`` under the batch's names, the findings column when asked for, and only the rows
    ``keep`` marks (None: every row), with ``stats`` counting the dropped ones."""
    import pyarrow as pa

    names = list(batch.schema.names)
    if per_row is not None:
        columns.append(pa.array([r if r is not None else [] for r in per_row], type=_findings_type()))
        names.append(plan.findings_column)
    result = pa.RecordBatch.from_arrays(columns, names=names)
    if keep is not None:
        dropped = keep.count(False)
        stats.dropped += dropped
        stats.records -= dropped
        result = result.filter(pa.array(keep))
    return result


def _clean_in_process(eng, plan: _Plan, batch, fingerprints: bool, stats: ScrubStats):
    """``batch`` cleaned by the in-process engine: each column's Arrow buffers in one ``phiscrub_call_texts`` call
    (no Python object per value, no JSON coding of values), the same options and answers as ``_submit``."""
    import pyarrow as pa

    options = dict(plan.request)
    options["findings"] = bool(plan.findings_column)  # else counts per entity only
    if plan.findings_column and fingerprints:
        options["fingerprints"] = True
    n = batch.num_rows
    columns = list(batch.columns)
    per_row: Optional[List[Optional[list]]] = [None] * n if plan.findings_column else None
    keep: Optional[List[bool]] = None
    stats.records += n
    for name, mode in plan.columns:
        i = batch.schema.get_field_index(name)
        mode_opts = dict(options)
        if mode == "json":
            mode_opts["json"] = True
        elif mode == "key":
            mode_opts["key"] = name
        original = batch.column(i)
        a = eng.clean_column(original, op="transform", **mode_opts)
        out = a.column
        if a.invalid:
            stats.invalid += len(a.invalid)
            if plan.on_invalid == "fail":
                raise ValueError(f"column {name}: a value is not JSON (row {a.invalid[0]} of a batch); --on-invalid fail")
            if plan.on_invalid == "skip":
                if keep is None:
                    keep = [True] * n
                for row in a.invalid:
                    keep[row] = False
            elif plan.on_invalid == "null":
                mask = [False] * n
                for row in a.invalid:
                    mask[row] = True
                import pyarrow.compute as pc

                out = pc.if_else(pa.array(mask), pa.scalar(None, out.type), out)
        stats.withheld += a.withheld
        for e, c in a.counts.items():
            stats.findings[e] = stats.findings.get(e, 0) + int(c)
        for f in a.findings:
            stats.findings[f.entity] = stats.findings.get(f.entity, 0) + 1
            if per_row is not None:
                lst = per_row[f.record]
                if lst is None:
                    lst = per_row[f.record] = []
                lst.append({"column": name, "entity": f.entity, "rule": f.rule, "start": f.start, "end": f.end,
                            "confidence": f.confidence, "fingerprint": f.fingerprint})
        stats.bytes_in += _byte_length(original)
        stats.bytes_out += _byte_length(out)
        columns[i] = out
    return _assemble(batch, columns, per_row, keep, plan, stats)


def _scrub_partition(plan: _Plan):
    def run(batches: Iterator[Any]) -> Iterator[Any]:
        from pyspark import TaskContext

        ctx = TaskContext.get()
        pid = ctx.partitionId() if ctx is not None else -1
        if plan.fault is not None:
            plan.fault(pid, ctx.attemptNumber() if ctx is not None else 0)
        client = library_engine(plan.engine) or engine(plan.engine)
        fingerprints = bool(plan.findings_column) and plan.fingerprints is not False and _has_fingerprint_keys(plan.engine, client)
        if plan.fingerprints and not fingerprints:
            raise ServiceError("keys", "fingerprints were asked for and the engine has no keys")
        stats = ScrubStats()
        if not isinstance(client, Client):
            window = plan.window
            if window <= 0:
                for batch in batches:
                    yield _clean_in_process(client, plan, batch, fingerprints, stats)
            else:
                # The engine cleans on the worker's cleaning thread (ctypes releases the GIL) while this thread
                # reads the next batches from the JVM and sends the cleaned ones back: up to `window` in flight.
                cleaner = _cleaning_thread()
                pending: Deque[Any] = collections.deque()
                try:
                    for batch in batches:
                        pending.append(cleaner.submit(_clean_in_process, client, plan, batch, fingerprints, stats))
                        while len(pending) > window:
                            yield pending.popleft().result()
                    while pending:
                        yield pending.popleft().result()
                finally:
                    for f in pending:
                        f.cancel()
                    for f in pending:
                        if not f.cancelled():
                            f.exception()  # wait: the stats and the engine are this task's until it returns
            if plan.stats is not None:
                plan.stats.add({pid: stats.as_dict()})
            return
        pending: Deque[Any] = collections.deque()
        for batch in batches:
            pending.append(_submit(client, plan, batch, fingerprints))
            while len(pending) > plan.window:
                yield _collect(plan, pending.popleft(), stats)
        while pending:
            yield _collect(plan, pending.popleft(), stats)
        if plan.stats is not None:
            plan.stats.add({pid: stats.as_dict()})

    return run


# -- DataFrame API ----------------------------------------------------------------------------------------------


def scrub(
    df,
    columns: Optional[Sequence[str]] = None,
    *,
    json_columns: Sequence[str] = (),
    text_columns: Sequence[str] = (),
    operator: Optional[str] = None,
    operators: Optional[Dict[str, str]] = None,
    role: Optional[str] = None,
    context: Optional[str] = None,
    subject: Optional[str] = None,
    mask_keep: Optional[int] = None,
    min_confidence: Optional[float] = None,
    engine: EngineOptions = EngineOptions(),
    findings_column: Optional[str] = "phiscrub_findings",
    fingerprints: Optional[bool] = None,
    on_invalid: str = "text",
    stats=None,
    chunk_chars: int = 1 << 21,
    window: int = 2,
    _fault: Optional[Callable[[int, int], None]] = None,
):
    """``df`` with its string columns cleaned, plus a findings column (``findings_column``; None for none).

    - ``columns``: the string columns to clean (default: every string column that is not in ``json_columns`` or
      ``text_columns``); each value is cleaned as ``phiscrub batch`` cleans a string under a JSON key of the
      column's name (``ssn``, ``patient_name``, ``dob`` give context; a value holding JSON is rewritten as JSON).
    - ``json_columns``: columns whose values are JSON texts (a JSON Lines record each): only their string values
      change, each with its own key as context. A value that is not JSON is, per ``on_invalid``: cleaned as text
      (``text``, default), set to null (``null``), its row dropped (``skip``), or the task fails (``fail``).
    - ``text_columns``: cleaned as the filter cleans lines, without field context.
    - ``operator``, ``operators`` (``{"SSN": "token"}``), ``role`` (a role of ``engine.config``: each entity as
      that role may see it), ``context``, ``subject``, ``mask_keep``, ``min_confidence``: per-request options,
      over the engine's defaults (``EngineOptions.actions`` / the config's ``transform:`` section).
    - The findings column is an array of structs (``FINDING_FIELDS``): column, entity, rule, UTF-8 byte offsets
      into the cleaned column's original value (for JSON, into the JSON text), confidence and a keyed fingerprint
      (the keys' fingerprint subkey, the same value gives the same fingerprint on every executor; null when the
      executors have no keys, ``fingerprints=True`` makes that an error). Never a value.
    - ``stats``: an accumulator from ``stats_accumulator(spark)``, which receives ``{partition index: counts}``.
    - ``window``: Arrow batches in flight per task (the engine cleans one while the task reads and writes others);
      0 cleans on the task's own thread. ``chunk_chars``: request size for ``serve --stdio``.

    Lazy, like any transformation: compute it once (``.cache()``) when both the data and the findings are used.
    """
    from pyspark.sql.types import ArrayType, DoubleType, LongType, StringType, StructField, StructType

    if on_invalid not in ("text", "skip", "fail", "null"):
        raise ValueError("on_invalid must be text, skip, fail or null")
    strings = [f.name for f in df.schema.fields if isinstance(f.dataType, StringType)]
    special = set(json_columns) | set(text_columns)
    for c in list(json_columns) + list(text_columns) + list(columns or ()):
        if c not in strings:
            raise ValueError(f"column {c!r} is not a string column of the DataFrame")
    plain = list(columns) if columns is not None else [c for c in strings if c not in special]
    cols = tuple([(c, "key") for c in plain if c not in special] + [(c, "json") for c in json_columns]
                 + [(c, "text") for c in text_columns])
    request = {"operator": operator, "operators": dict(operators) if operators else None, "view_role": role,
               "context": context, "subject": subject, "mask_keep": mask_keep, "min_confidence": min_confidence}
    plan = _Plan(engine=engine, columns=cols, request=tuple((k, v) for k, v in request.items() if v is not None),
                 findings_column=findings_column, fingerprints=fingerprints, on_invalid=on_invalid,
                 chunk_chars=chunk_chars, window=window, stats=stats, fault=_fault)
    schema = df.schema
    if findings_column:
        if findings_column in df.columns:
            raise ValueError(f"the DataFrame already has a column {findings_column!r}")
        schema = StructType(schema.fields + [StructField(findings_column, ArrayType(StructType([
            StructField("column", StringType()), StructField("entity", StringType()), StructField("rule", StringType()),
            StructField("start", LongType()), StructField("end", LongType()), StructField("confidence", DoubleType()),
            StructField("fingerprint", StringType()),
        ])), True)])
    return df.mapInArrow(_scrub_partition(plan), schema)


def findings_table(scrubbed, findings_column: str = "phiscrub_findings", keep: Sequence[str] = ()):
    """One row per finding of a ``scrub`` result: the ``keep`` columns (ids, partition columns) and the finding's
    fields. Never values."""
    from pyspark.sql import functions as F

    return (scrubbed.select(*keep, F.explode(findings_column).alias("f"))
            .select(*keep, *[F.col("f." + name).alias(name) for name in FINDING_FIELDS]))


def stats_accumulator(spark):
    """An accumulator for ``scrub(..., stats=)``: {partition index: counts}. A partition's counts are the same
    whichever attempt computed them, so a retried task cannot count twice."""
    from pyspark.accumulators import AccumulatorParam

    class _Param(AccumulatorParam):
        def zero(self, value):
            return {}

        def addInPlace(self, a, b):
            a.update(b)
            return a

    return spark.sparkContext.accumulator({}, _Param())


# -- the job ----------------------------------------------------------------------------------------------------

REPORT_NAME = "_phiscrub_report.jsonl"
_JSONL = ("*.jsonl", "*.ndjson", "*.jsonl.gz", "*.ndjson.gz")
_TEXT = ("*.txt", "*.log", "*.txt.gz", "*.log.gz")


class JobError(Exception):
    """A job that must stop with a clear message (exit 2)."""


def _hadoop(spark):
    jvm = spark.sparkContext._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    return jvm, conf


def _fs(spark, path: str):
    jvm, conf = _hadoop(spark)
    p = jvm.org.apache.hadoop.fs.Path(path)
    return p.getFileSystem(conf), p


def _list_files(spark, root: str) -> List[str]:
    """Data files under ``root`` as paths relative to it (names starting with _ or . are skipped, as Spark does)."""
    fs, p = _fs(spark, root)
    if not fs.exists(p):
        raise JobError(f"{root}: no such file or directory")
    base = fs.getFileStatus(p).getPath().toString().rstrip("/")
    out = []
    it = fs.listFiles(p, True)
    while it.hasNext():
        s = it.next().getPath().toString()
        rel = s[len(base):].lstrip("/") or s.rsplit("/", 1)[-1]  # the input itself is a file
        if any(part.startswith(("_", ".")) for part in rel.split("/")):
            continue
        out.append(rel)
    return sorted(out)


def _matches(name: str, patterns: Sequence[str]) -> bool:
    import fnmatch

    return any(fnmatch.fnmatch(name.lower(), pat) for pat in patterns)


def _detect_format(files: Sequence[str]) -> str:
    names = [f.rsplit("/", 1)[-1] for f in files]
    if any(_matches(n, ("*.parquet",)) for n in names):
        return "parquet"
    if any(_matches(n, _JSONL) for n in names):
        return "jsonl"
    if any(_matches(n, _TEXT) for n in names):
        return "text"
    raise JobError("no .jsonl, .ndjson, .parquet, .txt or .log files under the input (give --format)")


def _partition_columns(files: Sequence[str]) -> List[str]:
    """Hive-style partition columns (``day=2026-01-02/``) of the input layout."""
    cols: List[str] = []
    for f in files:
        dirs = f.split("/")[:-1]
        names = [d.split("=", 1)[0] for d in dirs if "=" in d]
        if len(names) == len(dirs) and names:
            return names
    return cols


def _read(spark, args, fmt: str, files: Sequence[str], partition_cols: Sequence[str]):
    reader = spark.read
    nested = any("/" in f for f in files)
    if nested and not partition_cols:
        reader = reader.option("recursiveFileLookup", "true")
    if fmt == "parquet":
        return reader.option("pathGlobFilter", "*.parquet").parquet(args.input)
    patterns = _JSONL if fmt == "jsonl" else _TEXT
    glob = "*.{" + ",".join(p[2:] for p in patterns) + "}"
    return reader.option("lineSep", "\n").option("pathGlobFilter", glob).text(args.input)


def _write(df, args, fmt: str, partition_cols: Sequence[str], gzip: bool):
    w = df.write.mode("overwrite")
    if partition_cols:
        w = w.partitionBy(*partition_cols)
    if fmt == "parquet":
        w.parquet(args.out)
    else:
        w = w.option("lineSep", "\n")
        if gzip:
            w = w.option("compression", "gzip")
        w.text(args.out)


def _check_paths(spark, args) -> None:
    fs_in, p_in = _fs(spark, args.input)
    fs_out, p_out = _fs(spark, args.out)
    a = fs_in.makeQualified(p_in).toString().rstrip("/") + "/"
    b = fs_out.makeQualified(p_out).toString().rstrip("/") + "/"
    if a.startswith(b) or b.startswith(a):
        raise JobError("--out must be outside the input (and the input outside --out)")
    if fs_out.exists(p_out):
        done = fs_out.exists(spark.sparkContext._jvm.org.apache.hadoop.fs.Path(p_out, REPORT_NAME))
        if done and not args.overwrite:
            raise JobError(f"{args.out}: a finished run's output is there ({REPORT_NAME}); give --overwrite to clean again")
        # The output folder is replaced: refuse one that holds anything but what a Spark job writes (part files,
        # key=value partition folders, _SUCCESS, _temporary, our report), so a mistyped --out deletes nothing else.
        if fs_out.getFileStatus(p_out).isFile():
            raise JobError(f"{args.out}: is a file")
        foreign = [st.getPath().getName() for st in fs_out.listStatus(p_out)
                   if not st.getPath().getName().startswith(("_", ".", "part-")) and "=" not in st.getPath().getName()]
        if foreign:
            raise JobError(f"{args.out}: holds files that are not a Spark job's output ({len(foreign)}, e.g. "
                           f"{_shown(foreign[0])}); choose an empty or new folder")


def _shown(name: str) -> str:
    """A file name as it may be shown: its extension only, since names can hold PHI."""
    return "*" + name[name.rfind("."):] if "." in name else "a file without extension"


def _write_text_file(spark, path: str, text: str) -> None:
    """Writes ``text`` to ``path`` through the Hadoop file system (local, HDFS, S3, ...): a temporary and a rename."""
    fs, p = _fs(spark, path)
    jvm = spark.sparkContext._jvm
    tmp = jvm.org.apache.hadoop.fs.Path(p.getParent(), "." + p.getName() + ".tmp")
    out = fs.create(tmp, True)
    try:
        out.write(bytearray(text.encode("utf-8")))
    finally:
        out.close()
    if fs.exists(p):
        fs.delete(p, False)
    if not fs.rename(tmp, p):
        raise JobError(f"{path}: cannot write the report")


def _audit(args, records: List[Dict[str, Any]]) -> str:
    """Appends the partition records to the configuration's audit log through ``phiscrub audit append-records``
    (one process for all of them). Keys come from this process's environment or --keyring, never arguments."""
    binary = args.binary or find_binary()
    cmd = [binary, "audit", "append-records", "--config", args.config]
    if args.keyring:
        cmd += ["--keyring", args.keyring]
    data = "".join(json.dumps(r, sort_keys=True) + "\n" for r in records)
    p = subprocess.run(cmd + ["-"], input=data.encode(), capture_output=True)
    if p.returncode != 0:
        message = p.stderr.decode("utf-8", "replace").strip()
        if "auditing is off" in message:
            return "not audited: auditing is off in the configuration"
        raise JobError(f"audit log: {message}")
    return p.stdout.decode("utf-8", "replace").strip()


def run_job(spark, args, fault: Optional[Callable[[int, int], None]] = None) -> Dict[str, Any]:
    """Cleans ``args.input`` into ``args.out`` (see ``main``) and returns the total record of the report."""
    started = time.time()
    _check_paths(spark, args)
    files = _list_files(spark, args.input)
    fmt = args.format if args.format != "auto" else _detect_format(files)
    if fmt == "parquet":
        data_files = [f for f in files if _matches(f.rsplit("/", 1)[-1], ("*.parquet",))]
    else:
        data_files = [f for f in files if _matches(f.rsplit("/", 1)[-1], _JSONL if fmt == "jsonl" else _TEXT)]
    if not data_files:
        raise JobError(f"no {fmt} files under {args.input}")
    partition_cols = _partition_columns(data_files)
    gzip = fmt != "parquet" and all(f.endswith(".gz") for f in data_files)
    # Several partitions per core, so the last ones do not leave cores idle (a split never cuts a record; a
    # gzipped file is one partition).
    min_partitions = args.min_partitions or 4 * spark.sparkContext.defaultParallelism
    previous = spark.conf.get("spark.sql.files.minPartitionNum", None)
    spark.conf.set("spark.sql.files.minPartitionNum", str(min_partitions))
    try:
        df = _read(spark, args, fmt, data_files, partition_cols)
        num_partitions = df.rdd.getNumPartitions()
        return _clean_and_report(spark, args, df, fmt, partition_cols, gzip, num_partitions, started, fault)
    finally:
        if previous is None:
            spark.conf.unset("spark.sql.files.minPartitionNum")
        else:
            spark.conf.set("spark.sql.files.minPartitionNum", previous)


def _clean_and_report(spark, args, df, fmt, partition_cols, gzip, num_partitions, started, fault):
    eng = EngineOptions(binary=args.binary, rules=tuple(args.rules), no_default_rules=args.no_default_rules,
                        min_confidence=args.min_confidence, config=args.config, keyring=args.keyring,
                        actions=tuple(args.action), context=args.context, subject=args.subject,
                        mask_keep=args.mask_keep, jobs=args.engine_jobs, backend=args.engine_backend,
                        library=args.library)
    stats = stats_accumulator(spark)
    if fmt == "parquet":
        from pyspark.sql.types import StringType

        json_cols = list(args.json_column)
        text_cols: List[str] = []
        # Partition values are kept as they are (they name the output folders).
        cols = list(args.column) or [f.name for f in df.schema.fields if isinstance(f.dataType, StringType)
                                     and f.name not in partition_cols and f.name not in json_cols]
    elif fmt == "jsonl":
        json_cols, text_cols, cols = ["value"], [], []
    else:
        json_cols, text_cols, cols = [], ["value"], []
    on_invalid = {"skip": "skip", "text": "text", "fail": "fail"}[args.on_invalid]
    clean = scrub(df, cols, json_columns=json_cols, text_columns=text_cols, role=args.role, engine=eng,
                  findings_column=None, on_invalid=on_invalid, stats=stats, _fault=fault)
    _write(clean, args, fmt, partition_cols, gzip)
    parts = dict(stats.value)
    missing = [p for p in range(num_partitions) if p not in parts]
    if missing:
        raise JobError(f"no counts from partitions {missing[:10]}; the output is written, the report is not")
    total = ScrubStats()
    records = []
    app = spark.sparkContext.applicationId
    for pid in sorted(parts):
        s = parts[pid]
        total.records += s["records"]
        total.bytes_in += s["bytes_in"]
        total.bytes_out += s["bytes_out"]
        total.withheld += s["withheld"]
        total.invalid += s["invalid"]
        total.dropped += s["dropped"]
        for e, c in s["findings"].items():
            total.findings[e] = total.findings.get(e, 0) + c
        records.append({"partition": pid, **s})
    audit_note = None
    if args.config:
        user = os.environ.get("USER", "")
        audit_note = _audit(args, [{
            "event": "scan", "agent": "phiscrub-spark", "user": user, **({"role": args.role} if args.role else {}),
            "resource": args.input, "action": "spark_clean", "phi": sum(r["findings"].values()) > 0,
            "outcome": "withheld" if r["withheld"] else "ok",
            "details": {"partition": r["partition"], "partitions": num_partitions, "output": args.out, "format": fmt,
                        "application": app, "records": r["records"], "bytes_in": r["bytes_in"],
                        "bytes_out": r["bytes_out"], "findings": sum(r["findings"].values()),
                        "by_entity": r["findings"], "withheld": r["withheld"], "invalid": r["invalid"],
                        "dropped": r["dropped"]},
        } for r in records])
    summary = {"total": True, "input": args.input, "output": args.out, "format": fmt,
               "partition_columns": list(partition_cols), "partitions": num_partitions,
               "seconds": round(time.time() - started, 3), **total.as_dict()}
    report = "".join(json.dumps(r, sort_keys=True) + "\n" for r in records) + json.dumps(summary, sort_keys=True) + "\n"
    # The report in the output folder marks a finished run; --report writes a copy elsewhere too.
    _write_text_file(spark, args.out.rstrip("/") + "/" + REPORT_NAME, report)
    if args.report:
        _write_text_file(spark, args.report, report)
    if audit_note:
        summary["audit"] = audit_note
    return summary


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m phiscrub.spark",
        description="Clean a folder or table of JSON Lines, Parquet or text on Spark, as phiscrub batch does, into "
                    "--out in the same format and partitioning, with a report and (with --config) one audit record "
                    "per partition.",
        epilog="Keys: PHISCRUB_KEY, PHISCRUB_KEYS or PHISCRUB_KEYRING in the executors' (and driver's) environment, "
               "or --keyring PATH of a keyring mounted on every node; never on the command line.")
    p.add_argument("input", help="input folder (or table path); partitions key=value are kept")
    p.add_argument("--out", required=True, help="output folder (written through Spark's output commit)")
    p.add_argument("--format", default="auto", choices=["auto", "jsonl", "parquet", "text"])
    p.add_argument("--report", help=f"also write the report here (it is always written to OUT/{REPORT_NAME})")
    p.add_argument("--overwrite", action="store_true", help="clean again over a finished run's output")
    p.add_argument("--on-invalid", default="skip", choices=["skip", "text", "fail"],
                   help="a JSON Lines record that is not JSON: drop it (reported), clean it as text, or fail the job")
    p.add_argument("--column", action="append", default=[], help="Parquet: a string column to clean (default all)")
    p.add_argument("--json-column", action="append", default=[], help="Parquet: a column holding JSON texts")
    p.add_argument("--action", action="append", default=[], help="operator, as for the CLI (repeatable)")
    p.add_argument("--config", help="phiscrub.yaml on every node: transform operators, roles, and the audit log")
    p.add_argument("--role", help="clean for this role of --config (each entity as the role may see it)")
    p.add_argument("--context")
    p.add_argument("--subject")
    p.add_argument("--mask-keep", type=int)
    p.add_argument("--rules", action="append", default=[], help="rule pack on every node (repeatable)")
    p.add_argument("--no-default-rules", action="store_true")
    p.add_argument("--min-confidence", type=float)
    p.add_argument("--keyring", help="path of a keyring file mounted on every node")
    p.add_argument("--binary", help="phiscrub on every node (default $PHISCRUB_BIN or PATH)")
    p.add_argument("--engine-jobs", type=int, default=1, help="threads of each worker's serve --stdio engine (spark.task.cpus)")
    p.add_argument("--engine-backend", default="auto", choices=["auto", "library", "serve"],
                   help="library: libphiscrub in each Python worker (found next to --binary or as $PHISCRUB_LIB); "
                        "serve: a phiscrub serve --stdio per worker; auto (default): the library when found")
    p.add_argument("--library", help="libphiscrub on every node (default $PHISCRUB_LIB, or next to the binary)")
    p.add_argument("--min-partitions", type=int, help="split the input into at least this many partitions "
                   "(default: 4 per core of the application)")
    p.add_argument("--master", help="Spark master when not run by spark-submit (e.g. local[2])")
    return p


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = _parser().parse_args(argv)
    from pyspark.sql import SparkSession

    # Local mode: the workers run this Python (with phiscrub installed), not whatever python3 is on PATH.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)

    builder = SparkSession.builder.appName("phiscrub")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    try:
        summary = run_job(spark, args)
    except JobError as e:
        print(f"phiscrub.spark: {e}", file=sys.stderr)
        spark.stop()
        return 2
    found = sum(summary["findings"].values())
    print(f"phiscrub.spark: {summary['records']} records in {summary['partitions']} partitions, {found} findings "
          f"({', '.join(f'{k} {v}' for k, v in sorted(summary['findings'].items()))}), "
          f"{summary['withheld']} withheld, {summary['invalid']} not JSON, {summary['seconds']} s"
          + (f"; {summary['audit']}" if summary.get("audit") else ""), file=sys.stderr)
    spark.stop()
    return 2 if summary["withheld"] else 0


if __name__ == "__main__":
    # python -m phiscrub.spark runs this file as __main__: run the imported module's main, so that executors unpickle
    # the partition function from phiscrub.spark (one engine per worker process), not from a copy of __main__.
    from phiscrub.spark import main as _main

    sys.exit(_main())
