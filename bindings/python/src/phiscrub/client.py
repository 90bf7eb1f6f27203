"""A thin, typed client over ``phiscrub serve --stdio`` (JSON Lines on a child process's stdin/stdout).

Answers are read by whichever thread can take them soonest, so requests can be sent from many threads at once, any
size, without the pipes ever deadlocking (the service reads its input on its own thread):
- a blocking call that is the only request outstanding reads its answer itself, on the calling thread (no hand-off
  between threads: the latency of a prompt is the service's plus one pipe round trip);
- otherwise a background thread reads and hands each answer to the request waiting for its id. It reads whenever
  any request is outstanding and no calling thread is reading, so there is always a reader while a request is
  written, whatever its size.
"""

from __future__ import annotations

import _thread
import collections
import itertools
import json
import os
import shutil
import subprocess
import threading
from concurrent.futures import Future
from json.encoder import encode_basestring as _json_string  # the C encoder of one string (json.dumps' own)
from dataclasses import dataclass, field
from typing import Any, Deque, Dict, Iterable, List, Mapping, Optional, Sequence

__all__ = [
    "Client",
    "Finding",
    "MiddlewareResult",
    "PhiscrubError",
    "RecordFinding",
    "RecordsResult",
    "ScanResult",
    "ServiceClosedError",
    "ServiceError",
    "TextResult",
    "find_binary",
]


class PhiscrubError(Exception):
    """Base class of every error this client raises."""


class ServiceError(PhiscrubError):
    """The service answered a request with a typed error (``code`` as in docs/serve.md: ``invalid_option``,
    ``keys``, ``unknown_op``, ...). The message never contains request text."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class ServiceClosedError(PhiscrubError):
    """The service process is not running (closed, exited or failed to start); ``stderr`` holds its last words."""

    def __init__(self, message: str, stderr: str = ""):
        super().__init__(message + (f"\n{stderr.strip()}" if stderr.strip() else ""))
        self.stderr = stderr


@dataclass(frozen=True)
class Finding:
    """One PHI span: entity type, UTF-8 byte offsets into the request text (end exclusive), rule id, confidence.
    Never the value."""

    entity: str
    start: int
    end: int
    rule: str
    confidence: float

    def char_span(self, text: str) -> "tuple[int, int]":
        """The span as ``str`` indices into ``text`` (the request text), for slicing in Python."""
        data = text.encode("utf-8")
        return len(data[: self.start].decode("utf-8", "replace")), len(data[: self.end].decode("utf-8", "replace"))


@dataclass(frozen=True)
class ScanResult:
    """What ``scan`` found."""

    findings: List[Finding]
    withheld: int = 0


@dataclass(frozen=True)
class TextResult:
    """The output of ``redact`` / ``transform`` and what was replaced. ``withheld`` counts lines that could not be
    scanned completely and were replaced by ``[WITHHELD]`` (fail closed)."""

    text: str
    findings: List[Finding]
    withheld: int = 0

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class MiddlewareResult:
    """A compliance middleware decision (``prompt``, ``tool_call``, ``tool_output``, ``memory_write``): whether the
    call may go on, the text it may go on with (None when blocked), why not, findings per entity, alerts raised."""

    allowed: bool
    text: Optional[str]
    reason: Optional[str] = None
    counts: Dict[str, int] = field(default_factory=dict)
    alerts: List[str] = field(default_factory=list)


@dataclass(frozen=True)
class RecordFinding:
    """A finding of a request with several texts: which text (``record``, its index), entity, UTF-8 byte offsets into
    that text (end exclusive), rule id, confidence and, when asked for, a keyed fingerprint of the value (never the
    value)."""

    record: int
    entity: str
    start: int
    end: int
    rule: str
    confidence: float
    fingerprint: Optional[str] = None


@dataclass(frozen=True)
class RecordsResult:
    """The answer to ``clean_texts``: the output texts in order (empty for ``scan``), the findings (or, with
    ``findings=False``, only ``counts`` per entity), the indices of texts that were not JSON (``json=True``: they
    were cleaned as text) and how many strings or lines were withheld."""

    texts: List[str]
    findings: List[RecordFinding]
    counts: Dict[str, int]
    invalid: List[int]
    withheld: int = 0


#: Every byte that a JSON string may hold as it is: what is left after deleting these needs escaping (a quote, a
#: backslash, a control character). ``bytes.translate`` checks a text against it at C speed.
_PLAIN = bytes(b for b in range(256) if b >= 0x20 and b not in (0x22, 0x5C))


def _json_text(text: str) -> bytes:
    """``text`` as a JSON string literal in UTF-8. A text with nothing to escape (most prompts) is quoted as it is:
    one encode and one C pass over its bytes, against json's string encoder going character by character (a 2 KB
    prompt: about 2 against 15 us on a busy machine). Raises ``UnicodeEncodeError`` for a lone surrogate, as the
    encoder's ``.encode`` did."""
    data = text.encode("utf-8")
    if not data.translate(None, _PLAIN):
        return b'"' + data + b'"'
    return _json_string(text).encode("utf-8")


def find_binary() -> str:
    """The ``phiscrub`` executable: ``$PHISCRUB_BIN``, else ``phiscrub`` on ``PATH``."""
    env = os.environ.get("PHISCRUB_BIN")
    if env:
        return env
    found = shutil.which("phiscrub")
    if found:
        return found
    raise PhiscrubError("phiscrub executable not found: set PHISCRUB_BIN or put phiscrub on PATH")


class _Waiter:
    """What ``call`` waits on: a raw lock released by the reader thread, the cheapest hand-off between two threads
    in CPython (a Future adds a Condition and callbacks). Same ``set_result``/``set_exception``/``result`` as a
    Future."""

    __slots__ = ("_lock", "_value", "_error", "done")

    def __init__(self) -> None:
        self._lock = _thread.allocate_lock()
        self._lock.acquire()
        self._value: Any = None
        self._error: Optional[BaseException] = None
        self.done = False

    def set_result(self, value: Any) -> None:
        self._value = value
        self.done = True
        self._lock.release()

    def set_exception(self, error: BaseException) -> None:
        self._error = error
        self.done = True
        self._lock.release()

    def result(self, timeout: Optional[float] = None) -> Any:
        if not self._lock.acquire(timeout=-1 if timeout is None else timeout):
            raise TimeoutError("no answer from the phiscrub service within the timeout")
        self._lock.release()
        if self._error is not None:
            raise self._error
        return self._value


_new = object.__new__


def _finding(f: Mapping[str, Any]) -> Finding:
    # A frozen dataclass's __init__ sets each field through object.__setattr__; filling its __dict__ directly makes
    # the same object in a fifth of the time (three findings: 2 against 10 us on a busy machine).
    obj = _new(Finding)
    obj.__dict__.update(entity=f["entity"], start=int(f["start"]), end=int(f["end"]), rule=f["rule"],
                        confidence=float(f["confidence"]))
    return obj


def _findings(answer: Mapping[str, Any]) -> List[Finding]:
    return [_finding(f) for f in answer.get("findings", ())]


class Client:
    """A running ``phiscrub serve --stdio``. Thread-safe; use as a context manager or call ``close()``.

    ``args`` are extra command-line options of ``phiscrub serve`` (``["--config", "phiscrub.yaml"]``,
    ``["--action", "SSN=token"]``, ``["--keyring", path]``); ``env`` replaces the child's environment.
    ``timeout`` (seconds) bounds each blocking call; None waits as long as it takes.
    """

    def __init__(
        self,
        binary: Optional[str] = None,
        args: Sequence[str] = (),
        env: Optional[Mapping[str, str]] = None,
        timeout: Optional[float] = None,
    ):
        self._binary = binary or find_binary()
        self._timeout = timeout
        self._ids = itertools.count(1)
        self._pending: Dict[int, Any] = {}  # id -> Future or _Waiter
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._closed = False
        # Guarded by _lock: a thread is reading answers (the background reader or a call reading its own); the
        # background reader waits on _need_reader until some request is outstanding and nobody reads.
        self._reading = False
        self._eof = False
        self._need_reader = threading.Condition(self._lock)
        self._stderr_tail: Deque[str] = collections.deque(maxlen=50)
        try:
            self._proc = subprocess.Popen(
                [self._binary, "serve", "--stdio", *args],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=dict(env) if env is not None else None,
                bufsize=1 << 16,
            )
        except OSError as e:
            raise ServiceClosedError(f"cannot start {self._binary}: {e.strerror}") from None
        self._reader = threading.Thread(target=self._read_answers, name="phiscrub-reader", daemon=True)
        self._reader.start()
        self._stderr_reader = threading.Thread(target=self._read_stderr, name="phiscrub-stderr", daemon=True)
        self._stderr_reader.start()

    # -- lifecycle ---------------------------------------------------------------------------------------------

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self, timeout: Optional[float] = 30) -> int:
        """Ends the service: closes its input (it answers every request already sent), waits for it, and returns
        its exit status."""
        with self._lock:
            already = self._closed
            self._closed = True
            self._need_reader.notify()  # the background reader drains the output to its end
        if not already:
            with self._write_lock:
                try:
                    self._proc.stdin.close()
                except OSError:
                    pass
        try:
            status = self._proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            status = self._proc.wait()
        self._reader.join(timeout=5)
        self._stderr_reader.join(timeout=5)
        return status

    @property
    def pid(self) -> int:
        return self._proc.pid

    # -- requests ----------------------------------------------------------------------------------------------

    def submit(self, op: str, text: Optional[str] = None, **options: Any) -> "Future[Dict[str, Any]]":
        """Sends one request and returns a Future of its raw answer (a dict). Options with value None are left out.
        Errors (typed answers, a closed service) are set on the Future as exceptions."""
        return self._send(Future(), op, text, options)

    def _send(self, future: Any, op: str, text: Optional[str], options: Mapping[str, Any],
              texts: Optional[Sequence[str]] = None, lead: bool = False) -> Any:
        """Writes one request. ``lead``: the caller will try to read its answer itself (``_lead``) when it is the
        only request outstanding; otherwise the background reader is woken before anything is written."""
        opts = {k: v for k, v in options.items() if v is not None}
        lead = lead and self._timeout is None  # a reading call cannot time out: calls with a timeout never lead
        with self._lock:
            if self._closed:
                raise ServiceClosedError("the client is closed")
            rid = next(self._ids)
            self._pending[rid] = future
            if not self._reading and (not lead or len(self._pending) > 1):
                self._need_reader.notify()
        try:
            # The line is assembled from its parts: the text goes through `_json_text` alone (json.dumps of the whole
            # request takes about twice json's string encoder, which takes several times `_json_text`).
            parts = [b'{"id":', str(rid).encode(), b',"op":', _json_string(op).encode("utf-8")]
            if text is not None:
                parts += [b',"text":', _json_text(text)]
            if texts is not None:
                parts += [b',"texts":', json.dumps(texts if isinstance(texts, list) else list(texts),
                                                    ensure_ascii=False, separators=(",", ":")).encode("utf-8")]
            if opts:
                parts += [b',"options":', json.dumps(opts, ensure_ascii=False, separators=(",", ":")).encode("utf-8")]
            parts.append(b"}\n")
            line = b"".join(parts)
        except (TypeError, ValueError):  # UnicodeEncodeError (a lone surrogate) is a ValueError
            with self._lock:
                self._pending.pop(rid, None)
            raise
        try:
            with self._write_lock:
                self._proc.stdin.write(line)
                self._proc.stdin.flush()
        except (OSError, ValueError):
            with self._lock:
                self._pending.pop(rid, None)
            raise self._closed_error("the phiscrub service is not running") from None
        return future

    def call(self, op: str, text: Optional[str] = None, **options: Any) -> Dict[str, Any]:
        """Sends one request and waits for its raw answer; raises ``ServiceError`` for an error answer."""
        return self._wait(self._send(_Waiter(), op, text, options, lead=True))

    def _wait(self, waiter: _Waiter) -> Dict[str, Any]:
        if not waiter.done and self._timeout is None:
            self._lead(waiter)
        return waiter.result(timeout=self._timeout)

    def _lead(self, waiter: _Waiter) -> None:
        """Reads answers on the calling thread until ``waiter``'s has come, when this is the only request
        outstanding and no one else reads; then leaves the reading to the background reader if others wait."""
        with self._lock:
            if self._reading or len(self._pending) != 1:
                return
            self._reading = True
        try:
            while not waiter.done:
                if not self._read_one():
                    self._ended()
                    return
        finally:
            with self._lock:
                self._reading = False
                if self._pending or self._closed:
                    self._need_reader.notify()

    def scan(self, text: str, *, min_confidence: Optional[float] = None) -> ScanResult:
        """Findings in ``text``."""
        a = self.call("scan", text, min_confidence=min_confidence)
        return ScanResult(_findings(a), int(a.get("withheld", 0)))

    def redact(self, text: str, *, min_confidence: Optional[float] = None) -> TextResult:
        """``text`` with every finding replaced by its typed token (``[SSN]``)."""
        return self._text(self.call("redact", text, min_confidence=min_confidence))

    def transform(
        self,
        text: str,
        *,
        operator: Optional[str] = None,
        operators: Optional[Mapping[str, str]] = None,
        min_confidence: Optional[float] = None,
        context: Optional[str] = None,
        subject: Optional[str] = None,
        mask_keep: Optional[int] = None,
    ) -> TextResult:
        """``text`` with each finding replaced by an operator (redact, mask, token, encrypt, shift, generalize,
        keep, redact-length): ``operator`` for all entities, ``operators`` per entity (``{"SSN": "token"}``)."""
        a = self.call(
            "transform",
            text,
            operator=operator,
            operators=dict(operators) if operators else None,
            min_confidence=min_confidence,
            context=context,
            subject=subject,
            mask_keep=mask_keep,
        )
        return self._text(a)

    def submit_texts(self, op: str, texts: Sequence[str], **options: Any) -> "Future[Dict[str, Any]]":
        """Sends one request with several texts (the wire's ``texts``) and returns a Future of its raw answer."""
        return self._send(Future(), op, None, options, texts=texts)

    def clean_texts(
        self,
        texts: Sequence[str],
        *,
        op: str = "transform",
        json: Optional[bool] = None,
        key: Optional[str] = None,
        findings: bool = True,
        fingerprints: Optional[bool] = None,
        **options: Any,
    ) -> RecordsResult:
        """Cleans many texts in one request, each on its own, as ``phiscrub batch`` would: ``json=True`` for JSON
        texts (a JSON Lines record: only string values change, each scanned with its key as context), ``key="ssn"``
        for string values under that JSON key, neither for plain text. Other options as for ``transform``
        (``operator``, ``operators``, ``view_role``, ``context``, ...)."""
        a = self._wait(self._send(_Waiter(), op, None, dict(options, json=json, key=key,
                                                              findings=None if findings else False,
                                                              fingerprints=fingerprints),
                                  texts=texts, lead=True))
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

    def redact_many(self, texts: Iterable[str], *, in_flight: int = 32, op: str = "redact", **options: Any) -> List[TextResult]:
        """Redacts (or ``op``s) many texts with up to ``in_flight`` requests outstanding; results in input order.
        Requests go out in groups (up to a quarter of ``in_flight``, at most 1 MB), one write for each group."""
        results: List[TextResult] = []
        window: Deque[_Waiter] = collections.deque()
        step = max(1, min(16, in_flight // 4))
        chunk: List[str] = []
        size = 0

        def send() -> None:
            while window and len(window) + len(chunk) > in_flight:
                results.append(self._text(window.popleft().result(timeout=self._timeout)))
            window.extend(self._send_each(op, chunk, options))
            chunk.clear()

        for t in texts:
            chunk.append(t)
            size += len(t)
            if len(chunk) >= step or size >= 1 << 20:
                send()
                size = 0
        if chunk:
            send()
        while window:
            results.append(self._text(window.popleft().result(timeout=self._timeout)))
        return results

    def _send_each(self, op: str, texts: Sequence[str], options: Mapping[str, Any]) -> List[_Waiter]:
        """One request per text, all written in one system call; the background reader reads the answers."""
        opts = {k: v for k, v in options.items() if v is not None}
        middle = b',"op":' + _json_string(op).encode("utf-8") + b',"text":'
        tail = b"}\n"
        if opts:
            tail = b',"options":' + json.dumps(opts, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + tail
        bodies = [_json_text(t) for t in texts]  # raises (a lone surrogate) before anything is sent
        waiters = [_Waiter() for _ in texts]
        with self._lock:
            if self._closed:
                raise ServiceClosedError("the client is closed")
            ids = [next(self._ids) for _ in texts]
            for rid, w in zip(ids, waiters):
                self._pending[rid] = w
            if not self._reading:
                self._need_reader.notify()
        data = b"".join([b'{"id":' + str(rid).encode() + middle + body + tail for rid, body in zip(ids, bodies)])
        try:
            with self._write_lock:
                self._proc.stdin.write(data)
                self._proc.stdin.flush()
        except (OSError, ValueError):
            with self._lock:
                for rid in ids:
                    self._pending.pop(rid, None)
            raise self._closed_error("the phiscrub service is not running") from None
        return waiters

    # Compliance middleware (the service must run with --config phiscrub.yaml).

    def prompt(self, text: str, *, role: str, provider: str, agent: Optional[str] = None, user: Optional[str] = None) -> MiddlewareResult:
        """A prompt on its way to ``provider``: checked and transformed for ``role``, audited."""
        return self._middleware(self.call("prompt", text, role=role, provider=provider, agent=agent, user=user))

    def tool_call(self, text: str, *, role: str, tool: str, region: Optional[str] = None,
                  agent: Optional[str] = None, user: Optional[str] = None) -> MiddlewareResult:
        """Before a tool runs: may ``role`` call ``tool`` with this input, and what of it may the tool see."""
        return self._middleware(self.call("toolCall", text, role=role, tool=tool, region=region, agent=agent, user=user))

    def tool_output(self, text: str, *, role: str, tool: str, agent: Optional[str] = None, user: Optional[str] = None) -> MiddlewareResult:
        """A tool's output, transformed for ``role`` before the model sees it."""
        return self._middleware(self.call("toolOutput", text, role=role, tool=tool, agent=agent, user=user))

    def memory_write(self, text: str, *, role: str, region: str, agent: Optional[str] = None, user: Optional[str] = None) -> MiddlewareResult:
        """Agent memory or history about to be stored in ``region``."""
        return self._middleware(self.call("memoryWrite", text, role=role, region=region, agent=agent, user=user))

    def end_session(self, *, role: str, agent: Optional[str] = None, user: Optional[str] = None) -> None:
        """Forgets the session usage of (role, agent, user)."""
        self.call("endSession", None, role=role, agent=agent, user=user)

    def reveal(self, text: str, *, role: str, context: Optional[str] = None, agent: Optional[str] = None,
               user: Optional[str] = None) -> MiddlewareResult:
        """``[ENC:...]`` tokens made in ``context`` (default ``tool_output``) decrypted for ``role`` (needs read_phi;
        audited), each value shown as the role may see it; ``counts`` holds the values revealed per entity. A role
        that may not raises ``ServiceError`` with code ``forbidden``."""
        a = self.call("reveal", text, role=role, context=context, agent=agent, user=user)
        return MiddlewareResult(allowed=True, text=a.get("text", ""), counts=dict(a.get("counts", {})))

    # -- internals ---------------------------------------------------------------------------------------------

    @staticmethod
    def _text(a: Mapping[str, Any]) -> TextResult:
        return TextResult(a.get("text", ""), _findings(a), int(a.get("withheld", 0)))

    @staticmethod
    def _middleware(a: Mapping[str, Any]) -> MiddlewareResult:
        return MiddlewareResult(
            allowed=bool(a.get("allowed")),
            text=a.get("text"),
            reason=a.get("reason"),
            counts=dict(a.get("counts", {})),
            alerts=list(a.get("alerts", [])),
        )

    def _closed_error(self, message: str) -> ServiceClosedError:
        status = self._proc.poll()
        if status is not None:
            message += f" (exit status {status})"
        return ServiceClosedError(message, "\n".join(self._stderr_tail))

    def _read_one(self) -> bool:
        """Reads one answer line and hands it to its request; False at the end of the output."""
        try:
            line = self._proc.stdout.readline()
        except (OSError, ValueError):
            return False
        if not line:
            return False
        try:
            answer = json.loads(line)
        except ValueError:
            return True  # not an answer; the protocol never writes such lines
        rid = answer.get("id")
        with self._lock:
            future = self._pending.pop(rid, None) if isinstance(rid, int) else None
        if future is None:
            return True  # an answer to a line the service could not read an id from; nothing waits for it
        if answer.get("ok"):
            future.set_result(answer)
        else:
            err = answer.get("error") or {}
            future.set_exception(ServiceError(str(err.get("code", "internal")), str(err.get("message", ""))))
        return True

    def _read_answers(self) -> None:
        """The background reader: reads while some request is outstanding and no calling thread reads, and to the
        end of the output once the client is closing."""
        while True:
            with self._lock:
                while not self._eof and (self._reading or not (self._pending or self._closed)):
                    self._need_reader.wait()
                if self._eof:
                    return
                self._reading = True
            ended = False
            while not ended:
                ended = not self._read_one()
                with self._lock:
                    if not ended and not self._pending and not self._closed:
                        self._reading = False
                        break
            if ended:
                self._ended()
                return

    def _ended(self) -> None:
        """End of output: the service exited. Fail whatever still waits."""
        self._proc.wait()
        self._stderr_reader.join(timeout=5)
        with self._lock:
            self._eof = True
            self._closed = True
            self._reading = False
            pending, self._pending = self._pending, {}
            self._need_reader.notify_all()
        if pending:
            error = self._closed_error("the phiscrub service ended before answering")
            for future in pending.values():
                future.set_exception(error)

    def _read_stderr(self) -> None:
        try:
            for line in self._proc.stderr:
                self._stderr_tail.append(line.decode("utf-8", "replace").rstrip("\n"))
        except (OSError, ValueError):
            pass
