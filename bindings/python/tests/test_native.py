"""phiscrub.native.Engine (ctypes over libPHIScrubC.so) against the library built next to the phiscrub binary
(synthetic values only: the SSN and 555-01xx phone of test_client.py, example.com addresses)."""

import os
import pathlib
import shutil
import subprocess
import sys
import threading

import pytest

from phiscrub import Client, Finding, MiddlewareResult, PhiscrubError, ScanResult, ServiceClosedError, ServiceError, TextResult
from phiscrub.native import LIBRARY_NAME, SONAME, Engine, find_library

from conftest import TEST_KEY

NOTE = "SSN 365-94-0475, phone (312) 555-0134"
SSN = "365-94-0475"


@pytest.fixture(scope="session")
def library(binary) -> str:
    path = os.path.join(os.path.dirname(os.path.realpath(binary)), LIBRARY_NAME)
    if not os.path.isfile(path):
        pytest.fail(f"{path} is not built: `swift build` builds it with the phiscrub binary")
    return path


@pytest.fixture
def no_keys(monkeypatch, tmp_path):
    """This process's environment without keys (the engine reads it as the command does)."""
    for k in list(os.environ):
        if k.startswith("PHISCRUB_") and k not in ("PHISCRUB_BIN", "PHISCRUB_LIB", "PHISCRUB_REQUIRE_SPARK"):
            monkeypatch.delenv(k)
    monkeypatch.setenv("PHISCRUB_KEYRING", str(tmp_path / "no-keyring.json"))


@pytest.fixture
def keyed(no_keys, monkeypatch):
    monkeypatch.delenv("PHISCRUB_KEYRING")
    monkeypatch.setenv("PHISCRUB_KEY", TEST_KEY)
    monkeypatch.setenv("HOME", "/nonexistent")


@pytest.fixture
def engine(library, no_keys):
    with Engine(library) as e:
        yield e


def test_redact_returns_text_and_findings_without_values(engine):
    r = engine.redact(NOTE)
    assert isinstance(r, TextResult)
    assert r.text == "SSN [SSN], phone [PHONE]"
    assert [f.entity for f in r.findings] == ["SSN", "PHONE"]
    ssn = r.findings[0]
    assert isinstance(ssn, Finding) and (ssn.start, ssn.end) == (4, 15) and ssn.rule and 0 < ssn.confidence <= 1
    assert SSN not in repr(r.findings)


def test_scan_offsets_are_utf8_bytes(engine):
    text = "Ünïcödé first, then SSN 365-94-0475"
    r = engine.scan(text)
    assert isinstance(r, ScanResult)
    (f,) = r.findings
    start, end = f.char_span(text)
    assert text[start:end] == SSN and f.start != start


def test_transform_operators_per_request(engine):
    assert engine.transform(NOTE, operators={"SSN": "mask"}).text == "SSN ***-**-0475, phone [PHONE]"
    assert engine.transform(NOTE, operator="mask", mask_keep=2).text == "SSN ***-**-**75, phone (***) ***-**34"
    assert engine.transform(NOTE).text == "SSN [SSN], phone [PHONE]"
    assert engine.redact(NOTE, min_confidence=0.99).text == NOTE


def test_same_answers_as_serve_stdio(engine, binary, clean_env):
    texts = [NOTE, "", "no phi here", "mail jane.doe@example.com\nline two (312) 555-0101\n", "Ünïcödé " + NOTE]
    with Client(binary, env=clean_env, timeout=60) as c:
        for t in texts:
            assert engine.redact(t) == c.redact(t)
            assert engine.scan(t) == c.scan(t)
            assert engine.transform(t, operator="mask") == c.transform(t, operator="mask")
            assert engine.call("redact", t) == dict(c.call("redact", t), id=None)


def test_errors_are_typed_and_the_engine_goes_on(engine):
    with pytest.raises(ServiceError) as e:
        engine.transform(NOTE, operator=SSN)
    assert e.value.code == "invalid_option" and SSN not in str(e.value)
    with pytest.raises(ServiceError) as e:
        engine.call("frobnicate", "x")
    assert e.value.code == "unknown_op"
    with pytest.raises(ServiceError) as e:
        engine.call("scan", NOTE, colour="blue")
    assert e.value.code == "invalid_option"
    with pytest.raises(ServiceError) as e:
        engine.transform(NOTE, operator="encrypt")
    assert e.value.code == "keys"
    with pytest.raises(ServiceError) as e:
        engine.tool_output(NOTE, role="clinician", tool="ehr_lookup")
    assert e.value.code == "not_configured"
    with pytest.raises(UnicodeEncodeError):
        engine.redact("lone \ud800 surrogate")
    assert engine.redact(NOTE).text == "SSN [SSN], phone [PHONE]"


def test_engine_options_errors(library, no_keys, tmp_path):
    cases = [
        ({"colour": "blue"}, "engine_options"),
        ({"candidates": "yes"}, "engine_options"),
        ({"min_confidence": 2}, "engine_options"),
        ({"role": "clinician"}, "engine_options"),
        ({"rules": str(tmp_path / "missing.yaml")}, "rules"),
        ({"config": str(tmp_path / "missing.yaml")}, "config"),
        ({"keyring": str(tmp_path / "missing.json")}, "keys"),
        ({"action": "shift"}, "engine_options"),
    ]
    for options, code in cases:
        with pytest.raises(ServiceError) as e:
            Engine(library, **options)
        assert e.value.code == code, (options, e.value)
    with Engine(library, candidates=True, action=["SSN=mask"]) as e:
        assert e.transform(NOTE).text == "SSN ***-**-0475, phone [PHONE]"


def test_bytes_pass_through_exactly(engine):
    raw = b"\xff\xfe bad \x00 SSN 365-94-0475 \xc3\x28 end"
    r = engine.redact(raw)
    assert r.text.encode("utf-8", "surrogateescape") == b"\xff\xfe bad \x00 SSN [SSN] \xc3\x28 end"
    assert (engine.scan(raw).findings[0].start, engine.scan(raw).findings[0].end) == (13, 24)


def test_large_text(engine):
    text = ("x" * 63 + "\n") * (5 << 14) + "SSN " + SSN + "\n"
    r = engine.redact(text)
    assert r.text.endswith("SSN [SSN]\n") and len(r.findings) == 1 and SSN not in r.text


def test_threads_share_one_engine(engine):
    errors = []

    def work(n: int) -> None:
        for i in range(200):
            text = f"thread {n} req {i}: SSN 365-94-0475 mail t{n}.r{i}@example.com ok"
            r = engine.redact(text)
            if r.text != f"thread {n} req {i}: SSN [SSN] mail [EMAIL] ok":
                errors.append((n, i, r.text))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_closed_engine_refuses_requests(library, no_keys):
    e = Engine(library)
    e.close()
    e.close()
    with pytest.raises(ServiceClosedError):
        e.redact("x")


def test_clean_texts(engine):
    r = engine.clean_texts(["a " + SSN, '{"ssn": "365-94-0475"}'], op="redact", json=True)
    assert r.texts == ["a [SSN]", '{"ssn": "[SSN]"}'] and r.invalid == [0]
    assert [(f.record, f.entity) for f in r.findings] == [(0, "SSN"), (1, "SSN")]


def test_clean_column_equals_clean_texts(engine):
    """A pyarrow column in one call (phiscrub_call_texts): the texts, findings, counts and invalid rows of
    clean_texts on the same values, for JSON, key and text cleaning; nulls stay null and are never invalid; sliced
    columns and both string types work."""
    pa = pytest.importorskip("pyarrow")
    values = ['{"ssn": "365-94-0475", "n": 4}', None, "a " + SSN, "", "é (312) 555-0134 mail a@example.com",
              '["' + SSN + '"]', None]
    column = pa.array(values)
    plain = [v or "" for v in values]
    valid = [v is not None for v in values]
    assert engine.has_columns
    for opts in ({"json": True}, {"key": "ssn"}, {}, {"json": True, "findings": False}, {"op": "redact"}):
        got = engine.clean_column(column, **opts)
        want = engine.clean_texts(plain, **opts)
        assert got.column.type == pa.string()
        assert got.column.to_pylist() == [t if ok else None for t, ok in zip(want.texts, valid)], opts
        assert got.findings == want.findings and got.counts == want.counts and got.withheld == want.withheld
        assert got.invalid == [i for i in want.invalid if valid[i]]
    assert engine.clean_column(column, json=True).invalid == [2, 4]
    # A slice (offsets not from 0) and a large_string column.
    got = engine.clean_column(column.slice(2, 3).cast(pa.large_string()), key="ssn")
    assert got.column.type == pa.large_string() and got.column.to_pylist() == ["a [SSN]", "", "é [PHONE] mail [EMAIL]"]
    assert [f.record for f in got.findings] == [0, 2, 2]
    # A scan has findings and no column; an empty column is fine.
    scan = engine.clean_column(column, op="scan", key="ssn")
    assert scan.column is None and {f.record for f in scan.findings} == {0, 2, 4, 5}
    assert engine.clean_column(pa.array([], type=pa.string())).column.to_pylist() == []
    assert SSN not in repr(scan) + repr(got)


def test_clean_column_errors(engine):
    pa = pytest.importorskip("pyarrow")
    with pytest.raises(TypeError):
        engine.clean_column(pa.array([1, 2]))
    with pytest.raises(ServiceError) as e:
        engine.clean_column(pa.array(["a"]), op="prompt")
    assert e.value.code == "invalid_argument"
    with pytest.raises(ServiceError) as e:
        engine.clean_column(pa.array(["a " + SSN]), op="redact", operator="mask")
    assert e.value.code == "invalid_option" and SSN not in str(e.value)
    with pytest.raises(ServiceError) as e:
        engine.clean_column(pa.array(["a " + SSN]), operator="token")  # no keys in this engine's environment
    assert e.value.code == "keys"


def test_find_library(library, monkeypatch, tmp_path):
    monkeypatch.setenv("PHISCRUB_LIB", library)
    assert find_library() == library
    assert find_library("/explicit/path.so") == "/explicit/path.so"
    monkeypatch.delenv("PHISCRUB_LIB")
    # Next to a given binary (phiscrub.spark's EngineOptions.binary), before $PHISCRUB_BIN and PATH.
    monkeypatch.setenv("PHISCRUB_BIN", str(tmp_path / "bin" / "phiscrub"))
    assert find_library(binary=os.path.join(os.path.dirname(library), "phiscrub")) == library
    monkeypatch.setenv("PHISCRUB_BIN", str(tmp_path / "bin" / "phiscrub"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(PhiscrubError) as e:
        find_library()
    assert "PHISCRUB_LIB" in str(e.value)


def test_find_library_installed_prefix(library, monkeypatch, tmp_path):
    """The release tarball's layout: bin/phiscrub and lib/libphiscrub.so.1 (the SONAME) in one prefix."""
    (tmp_path / "bin").mkdir()
    (tmp_path / "lib").mkdir()
    exe = tmp_path / "bin" / "phiscrub"
    exe.write_text("#!/bin/sh\nexit 2\n")
    exe.chmod(0o755)
    installed = tmp_path / "lib" / SONAME
    os.symlink(library, installed)
    monkeypatch.delenv("PHISCRUB_LIB", raising=False)
    monkeypatch.setenv("PHISCRUB_BIN", str(exe))
    assert find_library() == str(installed)
    with Engine(find_library()) as ph:
        assert ph.redact("SSN " + SSN).text == "SSN [SSN]"


def test_middleware_reveal_and_roles(library, keyed, config):
    with pytest.raises(ServiceError) as e:
        Engine(library, config=str(config), role="intruder")
    assert e.value.code == "config"
    with Engine(library, config=str(config)) as ph:
        out = ph.tool_output("Lab for " + NOTE, role="clinician", tool="ehr_lookup", agent="care", user="dr-a")
        assert isinstance(out, MiddlewareResult) and out.allowed
        assert out.text.startswith("Lab for SSN [SSN], phone (***) ***-0134")
        assert out.counts == {"SSN": 1, "PHONE": 1}
        p = ph.prompt("Summarise: " + NOTE, role="clinician", provider="primary-llm", agent="care", user="dr-a")
        assert p.allowed and SSN not in p.text
        denied = ph.prompt(NOTE, role="intruder", provider="primary-llm")
        assert not denied.allowed and denied.text is None and denied.reason
        ph.end_session(role="clinician", agent="care", user="dr-a")
        with pytest.raises(ServiceError) as e:
            ph.call("redact", NOTE, role="intruder")
        assert e.value.code == "forbidden"
        with pytest.raises(ServiceError) as e:
            ph.prompt(b"\xff" + NOTE.encode(), role="clinician", provider="primary-llm")
        assert e.value.code == "invalid_utf8"
        enc = ph.transform(NOTE, operators={"SSN": "encrypt", "PHONE": "encrypt"}, context="tool_output").text
        assert "[ENC:SSN:" in enc and SSN not in enc
        shown = ph.reveal(enc, role="clinician")
        assert "[ENC:" not in shown.text and SSN not in shown.text and "0134" in shown.text
        with pytest.raises(ServiceError) as e:
            ph.reveal(enc, role="billing")
        assert e.value.code == "forbidden"
    with Engine(library, config=str(config), role="clinician") as ph:
        assert ph.tool_output(NOTE, tool="ehr_lookup").allowed
    audit = "".join(f.read_text() for f in sorted((config.parent / "phiscrub-audit").glob("*")) if f.is_file())
    assert "model_invocation" in audit and '"event":"reveal"' in audit and "access_denied" in audit
    assert SSN not in audit


def _libasan() -> str:
    for cc in ("gcc", "cc"):
        if shutil.which(cc):
            path = subprocess.run([cc, "-print-file-name=libasan.so"], capture_output=True, text=True).stdout.strip()
            if path and os.path.isabs(path) and os.path.exists(path):
                return path
    return ""


ASAN_SCRIPT = r"""
import threading
from phiscrub.native import Engine
NOTE = "SSN 365-94-0475, phone (312) 555-0134"
with Engine() as e:
    errors = []
    def work(n):
        for i in range(100):
            t = f"t{n} r{i} " + NOTE
            r = e.redact(t)
            if r.text != f"t{n} r{i} SSN [SSN], phone [PHONE]" or len(r.findings) != 2:
                errors.append(r.text)
            e.scan(t.encode() + b"\xff")
            try:
                e.transform(t, operator="frobnicate")
            except Exception as ex:
                assert ex.code == "invalid_option"
    ts = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    [t.start() for t in ts]
    [t.join() for t in ts]
    assert not errors, errors[:3]
    big = ("y" * 99 + "\n") * 20000 + NOTE
    assert e.redact(big).text.endswith("SSN [SSN], phone [PHONE]")
print("asan-ok")
"""


def test_under_address_sanitizer(library, tmp_path):
    """The engine from Python with gcc's libasan preloaded: its allocator and its checked memcpy/strlen see every
    buffer the library hands out and ctypes reads (Python and the Swift code are not instrumented; leak detection
    is off because the interpreter keeps its objects at exit)."""
    libasan = _libasan()
    if not libasan:
        pytest.skip("no libasan (gcc) on this machine")
    src = str(pathlib.Path(__file__).resolve().parents[1] / "src")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PHISCRUB_")}
    env.update(
        LD_PRELOAD=libasan,
        ASAN_OPTIONS="detect_leaks=0:halt_on_error=1",
        PYTHONMALLOC="malloc",
        PHISCRUB_LIB=library,
        PHISCRUB_KEYRING=str(tmp_path / "no-keyring.json"),
        PYTHONPATH=src,
    )
    r = subprocess.run([sys.executable, "-c", ASAN_SCRIPT], env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0 and "asan-ok" in r.stdout, r.stderr[-4000:]
    assert "AddressSanitizer" not in r.stderr
