"""The Python client against the built `phiscrub serve --stdio` (synthetic values only: 555-01xx phones,
SSNs generated to pass the SSA rules, example.* domains)."""

import json
import threading

import pytest

from phiscrub import (
    Client,
    Finding,
    MiddlewareResult,
    ScanResult,
    ServiceClosedError,
    ServiceError,
    TextResult,
)

NOTE = "SSN 365-94-0475, phone (312) 555-0134"


@pytest.fixture(params=[60, None], ids=["background-reader", "caller-reads"])
def client(binary, clean_env, request):
    # With a timeout every answer comes through the background reader; without one, a call that is the only
    # request outstanding reads its own answer on the calling thread. Every test using this fixture runs both ways.
    with Client(binary, env=clean_env, timeout=request.param) as c:
        yield c


def test_redact_returns_text_and_findings_without_values(client):
    r = client.redact(NOTE)
    assert isinstance(r, TextResult)
    assert r.text == "SSN [SSN], phone [PHONE]"
    assert [f.entity for f in r.findings] == ["SSN", "PHONE"]
    ssn = r.findings[0]
    assert isinstance(ssn, Finding) and (ssn.start, ssn.end) == (4, 15) and ssn.rule and 0 < ssn.confidence <= 1
    assert "365-94-0475" not in repr(r.findings)


def test_scan_offsets_map_to_python_indices(client):
    text = "Ünïcödé first, then SSN 365-94-0475"
    r = client.scan(text)
    assert isinstance(r, ScanResult)
    (f,) = r.findings
    start, end = f.char_span(text)
    assert text[start:end] == "365-94-0475"
    assert f.start != start  # byte offsets, not characters


def test_transform_operators_per_request(client):
    assert client.transform(NOTE, operators={"SSN": "mask"}).text == "SSN ***-**-0475, phone [PHONE]"
    assert client.transform(NOTE, operator="mask", mask_keep=2).text == "SSN ***-**-**75, phone (***) ***-**34"
    assert client.transform(NOTE).text == "SSN [SSN], phone [PHONE]"


def test_min_confidence(client):
    assert client.redact(NOTE, min_confidence=0.99).text == NOTE


def test_errors_are_typed_exceptions_and_the_service_goes_on(client):
    with pytest.raises(ServiceError) as e:
        client.call("frobnicate", "x")
    assert e.value.code == "unknown_op"
    with pytest.raises(ServiceError) as e:
        client.transform(NOTE, operators={"NOT_AN_ENTITY": "mask"})
    assert e.value.code == "invalid_option" and "365" not in str(e.value)
    with pytest.raises(ServiceError) as e:
        client.transform(NOTE, operator="token")
    assert e.value.code == "keys"
    assert client.redact(NOTE).text == "SSN [SSN], phone [PHONE]"


def test_tokens_with_a_key_are_stable(binary, keyed_env):
    with Client(binary, env=keyed_env) as c:
        a = c.transform(NOTE, operators={"SSN": "token"}).text
        b = c.transform("again 365-94-0475", operators={"SSN": "token"}).text
    assert a.startswith("SSN [SSN:tok:") and a.split(",")[0][4:] == b[6:]


def test_a_several_megabyte_request(client):
    text = "row 365-94-0475 ok\n" * 200_000 + "tail (312) 555-0199"  # about 3.8 MB
    r = client.redact(text)
    assert len(r.findings) == 200_001
    assert "365-94-0475" not in r.text and r.text.endswith("tail [PHONE]")


def test_many_threads_share_one_client(client):
    errors = []

    def work(k):
        try:
            for i in range(150):
                r = client.redact(f"thread {k} call (312) 555-01{i % 100:02d} #{i}")
                assert r.text == f"thread {k} call [PHONE] #{i}", r.text
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_redact_many_keeps_input_order(client):
    texts = [f"item {i} SSN 365-94-0475" for i in range(500)]
    out = client.redact_many(texts, in_flight=64)
    assert [r.text for r in out] == [f"item {i} SSN [SSN]" for i in range(500)]


def test_raw_protocol_malformed_line_then_valid(binary, clean_env):
    import subprocess

    p = subprocess.run(
        [binary, "serve", "--stdio"],
        input=b'not json\n{"id": 1, "op": "redact", "text": "SSN 365-94-0475"}',  # no newline at the end
        capture_output=True,
        env=clean_env,
        timeout=60,
    )
    assert p.returncode == 0
    answers = [json.loads(line) for line in p.stdout.splitlines()]
    assert len(answers) == 2
    assert {a["id"] for a in answers} == {None, 1}
    assert next(a for a in answers if a["id"] == 1)["text"] == "SSN [SSN]"


def test_a_service_that_cannot_start_raises(binary, clean_env):
    with pytest.raises(ServiceClosedError) as e:
        with Client(binary, args=["--rules", "/nonexistent/pack.yaml"], env=clean_env, timeout=60) as c:
            c.redact("x")
    assert "exit status 2" in str(e.value)


def test_closed_client_refuses_requests(binary, clean_env):
    c = Client(binary, env=clean_env)
    assert c.close() == 0
    with pytest.raises(ServiceClosedError):
        c.redact("x")


def test_prompt_and_tool_output_through_the_middleware(binary, keyed_env, config):
    with Client(binary, args=["--config", str(config)], env=keyed_env, timeout=60) as c:
        out = c.tool_output("Lab for " + NOTE, role="clinician", tool="ehr_lookup", agent="care", user="dr-a")
        assert isinstance(out, MiddlewareResult) and out.allowed
        assert out.text.startswith("Lab for SSN [SSN], phone (***) ***-0134")
        assert out.counts == {"SSN": 1, "PHONE": 1}
        p = c.prompt("Summarise: " + NOTE, role="clinician", provider="primary-llm", agent="care", user="dr-a")
        assert p.allowed and "365-94-0475" not in p.text
        denied = c.prompt(NOTE, role="intruder", provider="primary-llm")
        assert not denied.allowed and denied.text is None and denied.reason
        c.end_session(role="clinician", agent="care", user="dr-a")
    audit = "".join(f.read_text() for f in sorted((config.parent / "phiscrub-audit").glob("*")) if f.is_file())
    assert "model_invocation" in audit and "365-94-0475" not in audit


def test_reveal_for_a_role_with_read_phi(binary, keyed_env, config):
    with Client(binary, args=["--config", str(config)], env=keyed_env, timeout=60) as c:
        enc = c.transform(NOTE, operators={"SSN": "encrypt", "PHONE": "encrypt"}, context="tool_output").text
        assert "[ENC:SSN:" in enc and "365-94-0475" not in enc
        shown = c.reveal(enc, role="clinician")
        assert "[ENC:" not in shown.text and "365-94-0475" not in shown.text and "0134" in shown.text
        with pytest.raises(ServiceError) as e:
            c.reveal(enc, role="billing")
        assert e.value.code == "forbidden"
    audit = "".join(f.read_text() for f in sorted((config.parent / "phiscrub-audit").glob("*")) if f.is_file())
    assert '"event":"reveal"' in audit and "access_denied" in audit and "365-94-0475" not in audit


def test_the_agent_loop_example_runs_and_leaks_nothing(binary, clean_env):
    import pathlib
    import subprocess
    import sys

    example = pathlib.Path(__file__).resolve().parents[1] / "examples" / "agent_loop.py"
    env = dict(clean_env, PHISCRUB_BIN=binary)
    p = subprocess.run([sys.executable, str(example)], capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 0, p.stderr
    assert "model -> Summary: Visit [DATE] for [NAME], SSN [SSN], callback [PHONE], [EMAIL]" in p.stdout
    for value in ("365-94-0475", "555-0134", "jroe@example.com", "Jane Roe"):
        assert value not in p.stdout


def test_text_that_cannot_be_encoded_raises_and_the_client_goes_on(client):
    with pytest.raises(ValueError):
        client.redact("lone surrogate \ud800")
    assert client.redact(NOTE).text == "SSN [SSN], phone [PHONE]"


def test_texts_with_quotes_controls_and_non_ascii_round_trip(client):
    for text in ['say "hi"', "back\\slash", "tab\tnew\nline\r", "\x00\x1f\x7f", "é 中 😀", "", "plain"]:
        assert client.redact(text).text == text
    assert client.redact('"SSN" 365-94-0475\n').text == '"SSN" [SSN]\n'


def test_calls_futures_and_threads_mixed_without_a_timeout(binary, clean_env):
    # Calls that read their own answers, futures the background reader answers, and calls that find someone
    # else reading, all at once on one client: every answer reaches its request.
    with Client(binary, env=clean_env) as c:
        futures = [c.submit("redact", f"call (312) 555-01{k:02d} #{k}") for k in range(20)]
        errors = []

        def work(k):
            try:
                for i in range(40):
                    assert c.redact(f"SSN 365-94-0475 t{k} i{i}").text == f"SSN [SSN] t{k} i{i}"
                    if i % 10 == 0:
                        assert c.submit("scan", "phone (312) 555-0134").result(timeout=60)["findings"]
            except Exception as e:  # pragma: no cover - reported below
                errors.append(e)

        threads = [threading.Thread(target=work, args=(k,)) for k in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not errors and not any(t.is_alive() for t in threads)
        for k, f in enumerate(futures):
            assert f.result(timeout=60)["text"] == f"call [PHONE] #{k}"
        big = "x" * 3_000_000 + " SSN 365-94-0475"
        assert c.redact(big).text.endswith(" SSN [SSN]")


def test_a_service_killed_while_the_caller_reads_fails_the_call(binary, clean_env):
    with Client(binary, env=clean_env) as c:
        assert c.redact(NOTE).text == "SSN [SSN], phone [PHONE]"
        killer = threading.Timer(0.3, c._proc.kill)
        killer.start()
        with pytest.raises(ServiceClosedError):
            c.redact("SSN 365-94-0475 " * 2_000_000)  # 32 MB: still being written or scanned when it is killed
        killer.join()
        with pytest.raises(ServiceClosedError):
            c.redact(NOTE)


def test_redact_many_in_groups_keeps_order_options_and_large_texts(client):
    texts = [f'#{k} "q" SSN 365-94-0475\t' if k % 3 else f"#{k} plain (312) 555-0134" for k in range(203)]
    texts[100] = "y" * 1_500_000 + " SSN 365-94-0475"  # more than a group's byte budget on its own
    out = client.redact_many(texts, in_flight=64)
    assert len(out) == len(texts)
    for k, r in enumerate(out):
        if k == 100:
            assert r.text.endswith(" SSN [SSN]") and len(r.findings) == 1
        elif k % 3:
            assert r.text == f'#{k} "q" SSN [SSN]\t'
        else:
            assert r.text == f"#{k} plain [PHONE]"
    masked = client.redact_many(["SSN 365-94-0475"] * 5, in_flight=2, op="transform", operator="mask")
    assert all("0475" in r.text and "365-94" not in r.text for r in masked)
