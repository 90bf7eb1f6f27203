"""phiscrub in process, over its C ABI (``libPHIScrubC.so`` and ``phiscrub.h``) with ctypes: no child process, no
compile step at install.

The same operations, results and typed errors as :class:`phiscrub.Client` (which speaks to ``phiscrub serve
--stdio``), on the same service core: RBAC, operators and, with a configuration, the audit log apply exactly as
there. One :class:`Engine` may be called from many threads at once; ctypes releases the GIL during each call, so
requests run in parallel on all cores::

    from phiscrub.native import Engine

    with Engine() as ph:
        clean = ph.redact("SSN 365-94-0475, phone (312) 555-0134")
        print(clean.text)      # SSN [SSN], phone [PHONE]
        print(clean.findings)  # entity, byte offsets, rule, confidence; never the values

The library is found by :func:`find_library`: ``$PHISCRUB_LIB``, else ``libPHIScrubC.so`` (``swift build`` puts it
and ``phiscrub`` in ``.build/<config>/``) or ``libphiscrub.so.1`` (its SONAME, as the release tarball installs it)
next to the ``phiscrub`` executable (``$PHISCRUB_BIN`` or ``PATH``) or in ``../lib`` of its directory (an installed
prefix), else ``libphiscrub.so.1`` where the dynamic loader finds it (``ldconfig``).
"""

from __future__ import annotations

import ctypes
import json
import json as _json  # clean_column has a parameter named json
import os
import shutil
import threading
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

from .client import (
    Finding,
    MiddlewareResult,
    PhiscrubError,
    RecordFinding,
    RecordsResult,
    ScanResult,
    ServiceClosedError,
    ServiceError,
    TextResult,
)

__all__ = ["ABI_VERSION", "ColumnResult", "Engine", "LIBRARY_NAME", "SONAME", "find_library"]

#: The ``PHISCRUB_ABI_VERSION`` of the header this module was written against; the loaded library must match.
ABI_VERSION = 1
#: The file name SwiftPM gives the ``PHIScrubC`` dynamic library product.
LIBRARY_NAME = "libPHIScrubC.so"
#: The library's SONAME: the name it is installed under (``lib/libphiscrub.so.1`` in the release tarball).
SONAME = "libphiscrub.so.1"

# phiscrub_op values (phiscrub.h), by the wire's op names.
_OPS = {
    "scan": 1,
    "redact": 2,
    "transform": 3,
    "reveal": 4,
    "prompt": 5,
    "toolCall": 6,
    "toolOutput": 7,
    "memoryWrite": 8,
    "endSession": 9,
}
_PART_TEXT, _PART_FINDINGS, _PART_ANSWER = 1, 2, 3
_OK, _NO_VALUE = 0, 4
_ERR_CAP = 1024

Text = Union[str, bytes]


def find_library(path: Optional[str] = None, binary: Optional[str] = None) -> str:
    """The path of the C ABI's library: ``path`` when given, else ``$PHISCRUB_LIB``, else ``libPHIScrubC.so`` or
    ``libphiscrub.so.1`` next to the ``phiscrub`` executable (``binary``, else ``$PHISCRUB_BIN``, else ``phiscrub`` on
    ``PATH``) or in ``../lib`` of its directory, else ``libphiscrub.so.1`` when the dynamic loader knows it (then that
    name, which ``ctypes.CDLL`` resolves as the loader does)."""
    if path:
        return path
    env = os.environ.get("PHISCRUB_LIB")
    if env:
        return env
    tried = []
    binary = binary or os.environ.get("PHISCRUB_BIN") or shutil.which("phiscrub")
    if binary:
        here = os.path.dirname(os.path.realpath(binary))
        lib = os.path.join(here, os.pardir, "lib")
        for candidate in (
            os.path.join(here, LIBRARY_NAME),
            os.path.join(here, SONAME),
            os.path.join(lib, SONAME),
            os.path.join(lib, LIBRARY_NAME),
        ):
            tried.append(candidate)
            if os.path.isfile(candidate):
                return os.path.normpath(candidate)
    import ctypes.util

    if ctypes.util.find_library("phiscrub"):
        return SONAME
    raise PhiscrubError(
        f"{LIBRARY_NAME} (or {SONAME}) not found: set PHISCRUB_LIB to its path, or PHISCRUB_BIN to a phiscrub built "
        "next to it"
        + (f" (looked at {', '.join(tried)})" if tried else "")
    )


_libraries: Dict[str, ctypes.CDLL] = {}
_column_libraries: set = set()  # paths of loaded libraries with phiscrub_call_texts
_libraries_lock = threading.Lock()


def _load(path: str) -> ctypes.CDLL:
    """Loads the library once per path and declares the signatures of phiscrub.h."""
    with _libraries_lock:
        lib = _libraries.get(path)
        if lib is not None:
            return lib
        try:
            lib = ctypes.CDLL(path)
        except OSError as e:
            raise PhiscrubError(f"cannot load {path}: {e}") from None
        c_size_p = ctypes.POINTER(ctypes.c_size_t)
        lib.phiscrub_abi_version.restype = ctypes.c_uint32
        lib.phiscrub_abi_version.argtypes = []
        lib.phiscrub_status_name.restype = ctypes.c_char_p
        lib.phiscrub_status_name.argtypes = [ctypes.c_int]
        lib.phiscrub_engine_new.restype = ctypes.c_int
        lib.phiscrub_engine_new.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p), ctypes.c_char_p, ctypes.c_size_t]
        lib.phiscrub_engine_free.restype = None
        lib.phiscrub_engine_free.argtypes = [ctypes.c_void_p]
        lib.phiscrub_call.restype = ctypes.c_int
        lib.phiscrub_call.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p,
                                      ctypes.POINTER(ctypes.c_void_p), ctypes.c_char_p, ctypes.c_size_t]
        lib.phiscrub_call_json.restype = ctypes.c_int
        lib.phiscrub_call_json.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t,
                                           ctypes.POINTER(ctypes.c_void_p), ctypes.c_char_p, ctypes.c_size_t]
        lib.phiscrub_result_free.restype = None
        lib.phiscrub_result_free.argtypes = [ctypes.c_void_p]
        lib.phiscrub_result_get.restype = ctypes.c_int
        lib.phiscrub_result_get.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(ctypes.c_void_p), c_size_p]
        lib.phiscrub_result_allowed.restype = ctypes.c_int
        lib.phiscrub_result_allowed.argtypes = [ctypes.c_void_p]
        lib.phiscrub_result_withheld.restype = ctypes.c_size_t
        lib.phiscrub_result_withheld.argtypes = [ctypes.c_void_p]
        lib.phiscrub_result_finding_count.restype = ctypes.c_size_t
        lib.phiscrub_result_finding_count.argtypes = [ctypes.c_void_p]
        try:
            # Added to ABI version 1 after its first release (phiscrub.h): optional, looked up by name.
            call_texts, result_texts = lib.phiscrub_call_texts, lib.phiscrub_result_texts
        except AttributeError:
            pass
        else:
            call_texts.restype = ctypes.c_int
            call_texts.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p,
                                   ctypes.c_size_t, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p), ctypes.c_char_p,
                                   ctypes.c_size_t]
            result_texts.restype = ctypes.c_int
            result_texts.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p), c_size_p,
                                     ctypes.POINTER(ctypes.c_void_p), c_size_p]
            _column_libraries.add(path)
        version = lib.phiscrub_abi_version()
        if version != ABI_VERSION:
            raise PhiscrubError(f"{path} has ABI version {version}; this module needs {ABI_VERSION}")
        _libraries[path] = lib
        return lib


class _Scratch:
    """The ctypes objects one thread reuses for every call (made once per thread: building them costs more than a
    ctypes call)."""

    __slots__ = ("err", "result", "result_ref", "data", "data_ref", "size", "size_ref")

    def __init__(self) -> None:
        self.err = ctypes.create_string_buffer(_ERR_CAP)
        self.result = ctypes.c_void_p()
        self.result_ref = ctypes.byref(self.result)
        self.data = ctypes.c_void_p()
        self.data_ref = ctypes.byref(self.data)
        self.size = ctypes.c_size_t()
        self.size_ref = ctypes.byref(self.size)


class _Answer:
    """One result handle: its parts read on demand, freed by ``close`` (always called, in a finally)."""

    __slots__ = ("_lib", "_handle", "_scratch")

    def __init__(self, lib: ctypes.CDLL, handle: Optional[int], scratch: _Scratch):
        self._lib = lib
        self._handle = handle
        self._scratch = scratch

    def part(self, which: int) -> Optional[bytes]:
        s = self._scratch
        status = self._lib.phiscrub_result_get(self._handle, which, s.data_ref, s.size_ref)
        if status == _NO_VALUE:
            return None
        if status != _OK:
            raise ServiceError("internal", f"phiscrub_result_get failed ({status})")
        size = s.size.value
        return ctypes.string_at(s.data.value, size) if size else b""

    def findings(self) -> List[Finding]:
        raw = self.part(_PART_FINDINGS)
        if not raw or raw == b"[]":
            return []
        return [
            Finding(f["entity"], f["start"], f["end"], f["rule"], float(f["confidence"]))
            for f in json.loads(raw)
        ]

    def withheld(self) -> int:
        return int(self._lib.phiscrub_result_withheld(self._handle))

    def answer(self) -> Dict[str, Any]:
        return json.loads(self.part(_PART_ANSWER) or b"{}")

    def close(self) -> None:
        self._lib.phiscrub_result_free(self._handle)


class Engine:
    """A phiscrub engine in this process: rules, operators, keys and, with ``config``, the compliance middleware
    (roles, audit log). Thread-safe; use as a context manager or call ``close()``.

    Options are those of ``phiscrub serve`` (README.md, "Calling phiscrub from C and Python"), by keyword:
    ``config="phiscrub.yaml"``, ``rules=[...]``, ``no_default_rules``, ``names=[...]``, ``candidates=True``,
    ``allow_partial_rules``, ``min_confidence``, ``action=["SSN=token"]``, ``context``, ``subject``, ``mask_keep``,
    ``keyring``, ``key_max_age_days``, ``on_expired_key``, ``no_audit``, and ``role`` (the role of every request
    that names none; needs ``config``). ``library`` is the path of ``libPHIScrubC.so`` (default:
    :func:`find_library`). Keys come from the process environment (``PHISCRUB_KEY``, ``PHISCRUB_KEYS``,
    ``PHISCRUB_KEYRING``) as for the command.

    Text may be ``str`` or ``bytes``. Offsets in findings are UTF-8 byte offsets (``Finding.char_span`` maps them
    to ``str`` indices). Output text is ``str``: for ``bytes`` input, bytes that are not UTF-8 come back as lone
    surrogates (``text.encode("utf-8", "surrogateescape")`` gives the exact bytes), so nothing is lost.

    Errors: :class:`phiscrub.ServiceError` with the codes of ``serve --stdio`` (``invalid_option``, ``keys``,
    ``forbidden``, ...) and of the C ABI (``engine_options``, ``rules``, ``config``, ``invalid_utf8``); its message
    never contains request text. :class:`phiscrub.ServiceClosedError` after ``close()``.
    """

    def __init__(self, library: Optional[str] = None, **options: Any):
        path = find_library(library)
        self._lib = _load(path)
        #: Whether the library has ``phiscrub_call_texts`` (:meth:`clean_column`); libraries built before it lack it.
        self.has_columns = path in _column_libraries
        opts = {k: v for k, v in options.items() if v is not None}
        encoded = json.dumps(opts).encode("utf-8") if opts else None
        handle = ctypes.c_void_p()
        err = ctypes.create_string_buffer(_ERR_CAP)
        status = self._lib.phiscrub_engine_new(encoded, ctypes.byref(handle), err, _ERR_CAP)
        if status != _OK:
            raise self._error(status, err)
        self._handle: Optional[int] = handle.value
        self._lock = threading.Condition(threading.Lock())
        self._calls = 0  # calls running; close() waits for them before it frees the engine
        self._local = threading.local()

    # -- lifecycle ---------------------------------------------------------------------------------------------

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        """Frees the engine once the calls running on other threads have returned. Later calls raise
        ``ServiceClosedError``. Safe to call more than once."""
        with self._lock:
            handle, self._handle = self._handle, None
            while self._calls:
                self._lock.wait()
        if handle is not None:
            self._lib.phiscrub_engine_free(handle)

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    # -- requests ----------------------------------------------------------------------------------------------

    def _error(self, status: int, err: Any) -> ServiceError:
        name = (self._lib.phiscrub_status_name(status) or b"unknown").decode("ascii", "replace")
        return ServiceError(name, err.value.decode("utf-8", "replace"))

    def _scratch(self) -> _Scratch:
        try:
            return self._local.scratch
        except AttributeError:
            scratch = self._local.scratch = _Scratch()
            return scratch

    def _enter(self) -> int:
        with self._lock:
            if self._handle is None:
                raise ServiceClosedError("the engine is closed")
            self._calls += 1
            return self._handle

    def _leave(self) -> None:
        with self._lock:
            self._calls -= 1
            if not self._calls:
                self._lock.notify_all()

    def _call(self, op: str, text: Optional[Text], options: Mapping[str, Any]) -> _Answer:
        code = _OPS.get(op)
        if code is None:
            raise ServiceError("unknown_op", "unknown op; expected one of " + ", ".join(_OPS))
        data = b"" if text is None else (text if isinstance(text, bytes) else text.encode("utf-8"))
        opts = {k: v for k, v in options.items() if v is not None}
        encoded = json.dumps(opts, ensure_ascii=False, separators=(",", ":")).encode("utf-8") if opts else None
        scratch = self._scratch()
        handle = self._enter()
        try:
            status = self._lib.phiscrub_call(handle, code, data, len(data), encoded, scratch.result_ref, scratch.err,
                                             _ERR_CAP)
        finally:
            self._leave()
        if status != _OK:
            raise self._error(status, scratch.err)
        return _Answer(self._lib, scratch.result.value, scratch)

    @staticmethod
    def _decode(raw: Optional[bytes], text: Optional[Text]) -> Optional[str]:
        if raw is None:
            return None
        return raw.decode("utf-8", "surrogateescape" if isinstance(text, bytes) else "replace")

    def call(self, op: str, text: Optional[Text] = None, **options: Any) -> Dict[str, Any]:
        """One request; its answer as ``serve --stdio`` writes it (a dict). Raises ``ServiceError`` for an error."""
        a = self._call(op, text, options)
        try:
            return a.answer()
        finally:
            a.close()

    def _text(self, op: str, text: Text, options: Mapping[str, Any]) -> TextResult:
        a = self._call(op, text, options)
        try:
            return TextResult(self._decode(a.part(_PART_TEXT), text) or "", a.findings(), a.withheld())
        finally:
            a.close()

    def scan(self, text: Text, *, min_confidence: Optional[float] = None) -> ScanResult:
        """Findings in ``text``."""
        a = self._call("scan", text, {"min_confidence": min_confidence})
        try:
            return ScanResult(a.findings(), a.withheld())
        finally:
            a.close()

    def redact(self, text: Text, *, min_confidence: Optional[float] = None) -> TextResult:
        """``text`` with every finding replaced by its typed token (``[SSN]``)."""
        return self._text("redact", text, {"min_confidence": min_confidence})

    def transform(
        self,
        text: Text,
        *,
        operator: Optional[str] = None,
        operators: Optional[Mapping[str, str]] = None,
        min_confidence: Optional[float] = None,
        context: Optional[str] = None,
        subject: Optional[str] = None,
        mask_keep: Optional[int] = None,
        view_role: Optional[str] = None,
    ) -> TextResult:
        """``text`` with each finding replaced by an operator (redact, mask, token, encrypt, shift, generalize,
        keep, redact-length): ``operator`` for all entities, ``operators`` per entity (``{"SSN": "token"}``), or as ``view_role``
        of the configuration may see each entity."""
        return self._text("transform", text, {
            "operator": operator, "operators": dict(operators) if operators else None,
            "min_confidence": min_confidence, "context": context, "subject": subject, "mask_keep": mask_keep,
            "view_role": view_role,
        })

    def redact_many(self, texts: Sequence[Text], *, op: str = "redact", **options: Any) -> List[TextResult]:
        """Redacts (or ``op``s) each of ``texts``, in order, on this thread (run several threads for parallelism)."""
        return [self._text(op, t, options) for t in texts]

    def clean_texts(
        self,
        texts: Sequence[str],
        *,
        op: str = "transform",
        json: Optional[bool] = None,  # noqa: A002 (the wire's option name)
        key: Optional[str] = None,
        findings: bool = True,
        fingerprints: Optional[bool] = None,
        **options: Any,
    ) -> RecordsResult:
        """Cleans many texts in one request, each on its own, as :meth:`phiscrub.Client.clean_texts` does
        (``json=True`` for JSON texts, ``key=`` for string values under that key)."""
        opts = {k: v for k, v in dict(options, json=json, key=key, findings=None if findings else False,
                                       fingerprints=fingerprints).items() if v is not None}
        request: Dict[str, Any] = {"op": op, "texts": list(texts)}
        if opts:
            request["options"] = opts
        line = _json_dumps(request)
        scratch = self._scratch()
        handle = self._enter()
        try:
            status = self._lib.phiscrub_call_json(handle, line, len(line), scratch.result_ref, scratch.err, _ERR_CAP)
        finally:
            self._leave()
        if status != _OK:
            raise self._error(status, scratch.err)
        ans = _Answer(self._lib, scratch.result.value, scratch)
        try:
            a = ans.answer()
        finally:
            ans.close()
        return RecordsResult(
            texts=list(a.get("texts", ())),
            findings=[
                RecordFinding(int(f.get("record", 0)), f["entity"], int(f["start"]), int(f["end"]), f["rule"],
                              float(f["confidence"]), f.get("fingerprint"))
                for f in a.get("findings", ())
            ],
            counts=dict(a.get("counts", {})),
            invalid=list(a.get("invalid", ())),
            withheld=int(a.get("withheld", 0)),
        )

    def clean_column(
        self,
        column: Any,
        *,
        op: str = "transform",
        json: Optional[bool] = None,  # noqa: A002 (the wire's option name)
        key: Optional[str] = None,
        findings: bool = True,
        fingerprints: Optional[bool] = None,
        **options: Any,
    ) -> "ColumnResult":
        """Cleans every value of a pyarrow string column (``pa.string()`` or ``pa.large_string()``, or a chunked
        array of one chunk) in one call, as :meth:`clean_texts` cleans texts, without converting values to Python
        objects or JSON: the column's buffers go to ``phiscrub_call_texts`` and the output comes back as a column of
        the same type. Nulls stay null (they are cleaned as empty texts and never reported as invalid). Needs
        pyarrow and a library with ``phiscrub_call_texts`` (:attr:`has_columns`)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if not self.has_columns:
            raise PhiscrubError("this libphiscrub has no phiscrub_call_texts (built before it was added): "
                                "use clean_texts, or a newer library")
        if isinstance(column, pa.ChunkedArray):
            column = column.combine_chunks()
        kind = column.type
        if kind not in (pa.string(), pa.large_string()):
            raise TypeError(f"clean_column needs a string column, not {kind}")
        nulls = column.null_count
        values = pc.fill_null(column, "") if nulls else column
        if values.type != pa.large_string():
            values = values.cast(pa.large_string())
        n = len(values)
        _, offsets_buf, data_buf = values.buffers()
        offsets_address = offsets_buf.address + 8 * values.offset
        data_address = data_buf.address if data_buf is not None else None
        data_len = data_buf.size if data_buf is not None else 0
        code = _OPS.get(op)
        if code is None:
            raise ServiceError("unknown_op", "unknown op; expected one of " + ", ".join(_OPS))
        opts = {k: v for k, v in dict(options, json=json, key=key, findings=None if findings else False,
                                       fingerprints=fingerprints).items() if v is not None}
        encoded = _json_dumps(opts) if opts else None
        scratch = self._scratch()
        handle = self._enter()
        try:
            status = self._lib.phiscrub_call_texts(handle, code, data_address, data_len, offsets_address, n, encoded,
                                                   scratch.result_ref, scratch.err, _ERR_CAP)
        finally:
            self._leave()
        if status != _OK:
            raise self._error(status, scratch.err)
        result = scratch.result.value
        try:
            out = None
            if op != "scan":
                data = ctypes.c_void_p()
                size = ctypes.c_size_t()
                offs = ctypes.c_void_p()
                count = ctypes.c_size_t()
                status = self._lib.phiscrub_result_texts(result, ctypes.byref(data), ctypes.byref(size),
                                                         ctypes.byref(offs), ctypes.byref(count))
                if status != _OK or count.value != n:
                    raise ServiceError("internal", f"phiscrub_result_texts failed ({status}, {count.value} of {n} texts)")
                out_offsets = pa.py_buffer(ctypes.string_at(offs.value, 8 * (n + 1)))
                out_data = pa.py_buffer(ctypes.string_at(data.value, size.value) if size.value else b"")
                out = pa.LargeStringArray.from_buffers(n, out_offsets, out_data)
                if kind != pa.large_string():
                    out = out.cast(kind)
                if nulls:
                    out = pc.if_else(pc.is_valid(column), out, pa.scalar(None, kind))
            raw = self._lib.phiscrub_result_get(result, _PART_ANSWER, scratch.data_ref, scratch.size_ref)
            if raw != _OK:
                raise ServiceError("internal", f"phiscrub_result_get failed ({raw})")
            a = _json.loads(ctypes.string_at(scratch.data.value, scratch.size.value))
        finally:
            self._lib.phiscrub_result_free(result)
        invalid = list(a.get("invalid", ()))
        found = [
            RecordFinding(int(f.get("record", 0)), f["entity"], int(f["start"]), int(f["end"]), f["rule"],
                          float(f["confidence"]), f.get("fingerprint"))
            for f in a.get("findings", ())
        ]
        if nulls:
            valid = column.is_valid().to_pylist()
            invalid = [i for i in invalid if valid[i]]
        return ColumnResult(out, found, dict(a.get("counts", {})), invalid, int(a.get("withheld", 0)))

    # Compliance middleware (the engine needs config=).

    def _middleware(self, op: str, text: Optional[Text], options: Mapping[str, Any]) -> MiddlewareResult:
        a = self._call(op, text, options)
        try:
            answer = a.answer()
            raw = a.part(_PART_TEXT)
        finally:
            a.close()
        return MiddlewareResult(
            allowed=bool(answer.get("allowed")),
            text=self._decode(raw, text),
            reason=answer.get("reason"),
            counts=dict(answer.get("counts", {})),
            alerts=list(answer.get("alerts", [])),
        )

    def prompt(self, text: Text, *, role: Optional[str] = None, provider: str, agent: Optional[str] = None,
               user: Optional[str] = None) -> MiddlewareResult:
        """A prompt on its way to ``provider``: checked and transformed for ``role`` (default: the engine's),
        audited."""
        return self._middleware("prompt", text, {"role": role, "provider": provider, "agent": agent, "user": user})

    def tool_call(self, text: Text, *, role: Optional[str] = None, tool: str, region: Optional[str] = None,
                  agent: Optional[str] = None, user: Optional[str] = None) -> MiddlewareResult:
        """Before a tool runs: may ``role`` call ``tool`` with this input, and what of it may the tool see."""
        return self._middleware("toolCall", text, {"role": role, "tool": tool, "region": region, "agent": agent,
                                                   "user": user})

    def tool_output(self, text: Text, *, role: Optional[str] = None, tool: str, agent: Optional[str] = None,
                    user: Optional[str] = None) -> MiddlewareResult:
        """A tool's output, transformed for ``role`` before the model sees it."""
        return self._middleware("toolOutput", text, {"role": role, "tool": tool, "agent": agent, "user": user})

    def memory_write(self, text: Text, *, role: Optional[str] = None, region: str, agent: Optional[str] = None,
                     user: Optional[str] = None) -> MiddlewareResult:
        """Agent memory or history about to be stored in ``region``."""
        return self._middleware("memoryWrite", text, {"role": role, "region": region, "agent": agent, "user": user})

    def end_session(self, *, role: Optional[str] = None, agent: Optional[str] = None, user: Optional[str] = None) -> None:
        """Forgets the session usage of (role, agent, user)."""
        self._call("endSession", None, {"role": role, "agent": agent, "user": user}).close()

    def reveal(self, text: Text, *, role: Optional[str] = None, context: Optional[str] = None,
               agent: Optional[str] = None, user: Optional[str] = None) -> MiddlewareResult:
        """``[ENC:...]`` tokens made in ``context`` (default ``tool_output``) decrypted for ``role`` (needs
        read_phi; audited), each value as the role may see it. A role that may not raises ``ServiceError`` with
        code ``forbidden``."""
        a = self._call("reveal", text, {"role": role, "context": context, "agent": agent, "user": user})
        try:
            answer = a.answer()
            raw = a.part(_PART_TEXT)
        finally:
            a.close()
        return MiddlewareResult(allowed=True, text=self._decode(raw, text) or "", counts=dict(answer.get("counts", {})))


@dataclass
class ColumnResult:
    """The answer to :meth:`Engine.clean_column`: the cleaned column (a pyarrow array of the input's type, nulls
    kept; None for ``scan``), the findings with ``record`` the row (or, with ``findings=False``, only ``counts`` per
    entity), the rows that were not JSON (``json=True``: cleaned as text) and how many strings or lines were
    withheld."""

    column: Any
    findings: List[RecordFinding]
    counts: Dict[str, int]
    invalid: List[int]
    withheld: int = 0


def _json_dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
