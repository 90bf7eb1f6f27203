"""`phiscrub serve --http`: Presidio's documented /analyze and /anonymize examples, a LiteLLM-style guardrail flow
(analyze, then anonymize with the results), the native API, tokens, limits, metrics, a Unix socket."""

import hashlib
import http.client
import json
import os
import socket
import stat
import subprocess

import pytest

from phiscrub_e2e import start_http

# Fictional data only: 555-01xx phones, example.com, an SSN with a valid shape that no one holds.
PROMPT = ("Patient Jane Roe (SSN 365-94-0475) called from (312) 555-0134 about the results; "
          "reply to jane.roe@example.com")
VALUES = ["Jane Roe", "365-94-0475", "555-0134", "jane.roe@example.com"]


@pytest.fixture
def server(binary, clean_env):
    s = start_http(binary, clean_env)
    yield s
    s.stop()


def post(port, path, body, headers=None, raw=False):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    conn.request("POST", path, data, {"Content-Type": "application/json", **(headers or {})})
    r = conn.getresponse()
    payload = r.read()
    conn.close()
    return r.status, (payload if raw else json.loads(payload))


def get(port, path, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers=headers or {})
    r = conn.getresponse()
    return r.status, r.read()


# Presidio's documented examples (docs/api-docs/api-docs.yml of the Presidio repository).

def test_analyze_minimal_request(server):
    status, results = post(server.port, "/analyze", {"text": "John Smith drivers license is AC432223", "language": "en"})
    assert status == 200
    assert isinstance(results, list)
    for r in results:
        assert set(r) >= {"entity_type", "start", "end", "score", "analysis_explanation"}
        assert isinstance(r["start"], int) and isinstance(r["end"], int) and isinstance(r["score"], float)
    person = [r for r in results if r["entity_type"] == "PERSON"]
    assert person and (person[0]["start"], person[0]["end"]) == (0, 10)


def test_analyze_batch_request(server):
    texts = ["John Smith drivers license is AC432223",
             "John Smith drivers license is AC432223 and the zip code is 12345"]
    status, results = post(server.port, "/analyze", {"text": texts, "language": "en"})
    assert status == 200
    assert isinstance(results, list) and len(results) == 2 and all(isinstance(x, list) for x in results)


def test_analyze_enhanced_request(server):
    body = {
        "text": "John Smith drivers license is AC432223 and the zip code is 12345",
        "language": "en",
        "return_decision_process": False,
        "correlation_id": "123e4567-e89b-12d3-a456-426614174000",
        "score_threshold": 0.6,
        "entities": ["US_DRIVER_LICENSE", "ZIP"],
        "trace": False,
        "ad_hoc_recognizers": [{
            "name": "Zip code Recognizer", "supported_language": "en",
            "patterns": [{"name": "zip code (weak)", "regex": "(\\b\\d{5}(?:\\-\\d{4})?\\b)", "score": 0.01}],
            "context": ["zip", "code"], "supported_entity": "ZIP",
        }],
    }
    status, results = post(server.port, "/analyze", body)
    assert status == 200
    assert all(r["entity_type"] in ("US_DRIVER_LICENSE", "ZIP", "LOCATION") for r in results)
    assert all(r["score"] >= 0.6 for r in results)


def test_analyze_decision_process(server):
    status, results = post(server.port, "/analyze", {"text": PROMPT, "language": "en", "return_decision_process": True})
    assert status == 200
    for r in results:
        e = r["analysis_explanation"]
        assert e["recognizer"] and e["pattern_name"] and e["score"] == r["score"]
        assert PROMPT[r["start"]:r["end"]] not in json.dumps(e)


def test_analyze_offsets_are_code_points(server):
    text = "Zoë née Roë — SSN 365-94-0475 😀 mail zoe@example.com"
    status, results = post(server.port, "/analyze", {"text": text, "language": "en"})
    assert status == 200
    found = {text[r["start"]:r["end"]] for r in results}
    assert "365-94-0475" in found and "zoe@example.com" in found


def test_anonymize_documented_examples(server):
    status, out = post(server.port, "/anonymize", {
        "text": "hello world, my name is Jane Doe. My number is: 034453334",
        "anonymizers": {"PERSON": {"type": "redact"},
                        "PHONE_NUMBER": {"type": "replace", "new_value": "ANONYMIZED"}},
        "analyzer_results": [{"start": 24, "end": 32, "score": 0.8, "entity_type": "PERSON"},
                             {"start": 48, "end": 57, "score": 0.95, "entity_type": "PHONE_NUMBER"}],
    })
    assert status == 200
    assert out["text"] == "hello world, my name is . My number is: ANONYMIZED"
    assert out["items"] == [
        {"start": 40, "end": 50, "entity_type": "PHONE_NUMBER", "text": "ANONYMIZED", "operator": "replace"},
        {"start": 24, "end": 24, "entity_type": "PERSON", "text": "", "operator": "redact"},
    ]
    status, out = post(server.port, "/anonymize", {
        "text": "hello world, my name is Jane Doe.",
        "anonymizers": {"DEFAULT": {"type": "replace", "new_value": "ANONYMIZED"}},
        "analyzer_results": [{"start": 24, "end": 32, "score": 0.8, "entity_type": "PERSON"}],
    })
    assert status == 200 and out["text"] == "hello world, my name is ANONYMIZED."


def test_anonymize_errors_have_presidio_shape(server):
    status, out = post(server.port, "/anonymize", b"{not json", raw=True)
    assert status == 400 and "error" in json.loads(out)
    status, out = post(server.port, "/anonymize", {"text": "abc", "analyzer_results": [
        {"start": 0, "end": 9, "score": 1, "entity_type": "X"}]})
    assert status == 422 and "error" in out


def litellm_style_guardrail(port, text, headers=None):
    """What LiteLLM's Presidio guardrail does with a message: analyze, then anonymize with the results."""
    status, results = post(port, "/analyze", {"text": text, "language": "en"}, headers)
    assert status == 200
    status, out = post(port, "/anonymize", {"text": text, "analyzer_results": results}, headers)
    assert status == 200
    return out["text"], results


def test_litellm_style_guardrail_flow(server):
    masked, results = litellm_style_guardrail(server.port, PROMPT)
    for v in VALUES:
        assert v not in masked
    assert "<US_SSN>" in masked and "<PHONE_NUMBER>" in masked and "<EMAIL_ADDRESS>" in masked and "<PERSON>" in masked
    assert {r["entity_type"] for r in results} >= {"PERSON", "US_SSN", "PHONE_NUMBER", "EMAIL_ADDRESS"}


def test_supported_entities_and_anonymizers(server):
    status, body = get(server.port, "/supportedentities?language=en")
    names = json.loads(body)
    assert status == 200 and {"PERSON", "US_SSN", "PHONE_NUMBER", "LOCATION", "DATE_TIME"} <= set(names)
    status, body = get(server.port, "/anonymizers")
    assert status == 200 and {"replace", "redact", "mask", "hash", "encrypt"} <= set(json.loads(body))


def test_native_api_keep_alive_and_errors(server):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    for i in range(3):
        conn.request("POST", "/v1", json.dumps({"id": i, "op": "redact", "text": PROMPT}))
        r = conn.getresponse()
        answer = json.loads(r.read())
        assert r.status == 200 and answer["id"] == i and answer["ok"] is True
        assert all(v not in answer["text"] for v in VALUES)
        assert all(set(f) == {"entity", "start", "end", "rule", "confidence"} for f in answer["findings"])
    conn.request("POST", "/v1", b"not json")
    r = conn.getresponse()
    assert r.status == 400 and json.loads(r.read())["error"]["code"] == "invalid_json"
    conn.request("POST", "/v1", json.dumps({"id": 9, "op": "prompt", "text": "x", "options": {"role": "r"}}))
    r = conn.getresponse()
    assert r.status == 501 and json.loads(r.read())["error"]["code"] == "not_configured"
    conn.close()


def test_metrics_and_health(server):
    post(server.port, "/v1", {"id": 1, "op": "scan", "text": PROMPT})
    status, body = get(server.port, "/health")
    assert status == 200
    status, body = get(server.port, "/metrics")
    text = body.decode()
    assert status == 200
    assert 'phiscrub_http_requests_total{route="v1",status="200"}' in text
    assert "phiscrub_http_request_duration_seconds_bucket" in text
    assert all(v not in text for v in VALUES)


def test_oversized_body_is_413(binary, clean_env):
    s = start_http(binary, clean_env, "--max-request-bytes", "2048")
    try:
        status, out = post(s.port, "/v1", {"id": 1, "op": "scan", "text": "a" * 5000})
        assert status == 413 and out["error"]["code"] == "too_large"
        status, out = post(s.port, "/analyze", {"text": "a" * 5000, "language": "en"})
        assert status == 413 and "error" in out
        status, out = post(s.port, "/v1", {"id": 2, "op": "scan", "text": "fine"})
        assert status == 200
    finally:
        s.stop()


CONFIG = """\
version: 1
roles:
  clinician:
    permissions: [read_phi, tool_call]
    allowed_tools: [ehr_lookup]
    phi_categories: {{allowed: [names]}}
  support:
    permissions: [tool_call]
    allowed_tools: [kb_search]
serve:
  http:
    tokens:
      - role: clinician
        sha256: {clinician}
      - role: support
        sha256: {support}
"""


def test_bearer_tokens_map_to_roles(binary, clean_env, tmp_path):
    clinician, support = "clinician-token-for-tests", "support-token-for-tests"
    cfg = tmp_path / "phiscrub.yaml"
    cfg.write_text(CONFIG.format(clinician=hashlib.sha256(clinician.encode()).hexdigest(),
                                 support=hashlib.sha256(support.encode()).hexdigest()))
    s = start_http(binary, clean_env, "--config", str(cfg))
    try:
        assert get(s.port, "/health")[0] == 200
        assert post(s.port, "/analyze", {"text": PROMPT, "language": "en"})[0] == 401
        assert get(s.port, "/metrics")[0] == 401
        auth = {"Authorization": f"Bearer {support}"}
        masked, _ = litellm_style_guardrail(s.port, PROMPT, auth)
        assert all(v not in masked for v in VALUES)
        # The token's role is the caller's role: the middleware sees "support", whatever the body says.
        status, out = post(s.port, "/v1", {"id": 1, "op": "toolOutput", "text": PROMPT,
                                           "options": {"tool": "kb_search"}}, auth)
        assert status == 200 and out["ok"] and "365-94-0475" not in out.get("text", "")
        status, out = post(s.port, "/v1", {"id": 2, "op": "scan", "text": "x", "options": {"role": "clinician"}}, auth)
        assert status == 403 and out["error"]["code"] == "forbidden"
    finally:
        s.stop()


def test_non_loopback_needs_tokens(binary, clean_env):
    r = subprocess.run([binary, "serve", "--http", "0.0.0.0:0"], env=clean_env, capture_output=True, timeout=60)
    assert r.returncode == 2 and b"loopback" in r.stderr


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=30)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)


def test_unix_socket(binary, clean_env, tmp_path):
    path = str(tmp_path / "phiscrub.sock")
    s = start_http(binary, clean_env, "--unix", path)
    try:
        conn = UnixHTTPConnection(path)
        conn.request("POST", "/v1", json.dumps({"id": 1, "op": "redact", "text": PROMPT}))
        r = conn.getresponse()
        assert r.status == 200 and "365-94-0475" not in json.loads(r.read())["text"]
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    finally:
        s.stop()
