"""`phiscrub mcp`: the MCP server's tools, and `phiscrub mcp --proxy` around a fake MCP server whose results are
full of fictional PHI: nothing of it reaches the host, every call is audited, and the audit log verifies."""

import json
import pathlib
import subprocess
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent
FAKE = [sys.executable, str(HERE / "fake_mcp_server.py")]
VALUES = ["Jane Roe", "365-94-0475", "555-0134", "jane.roe@example.com", "03/14/1961", "00123456", "iVBORw0KGgo",
          "JVBERi0xLjQK"]


class Host:
    """Drives an MCP server over stdio, one request at a time; keeps every line it received."""

    def __init__(self, argv, env):
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        self.next_id = 0
        self.received = []

    def notify(self, method, params=None):
        msg = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            msg["params"] = params
        self.p.stdin.write((json.dumps(msg) + "\n").encode())
        self.p.stdin.flush()

    def request(self, method, params=None):
        self.next_id += 1
        msg = {"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params or {}}
        self.p.stdin.write((json.dumps(msg) + "\n").encode())
        self.p.stdin.flush()
        while True:
            line = self.p.stdout.readline()
            assert line, "the server ended: " + self.p.stderr.read().decode()
            self.received.append(line.decode())
            answer = json.loads(line)
            if answer.get("id") == self.next_id:
                return answer

    def initialize(self):
        r = self.request("initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                        "clientInfo": {"name": "test-host", "version": "1"}})
        self.notify("notifications/initialized")
        return r

    def close(self):
        self.p.stdin.close()
        rest = self.p.stdout.read().decode()
        self.received.append(rest)
        err = self.p.stderr.read().decode()
        status = self.p.wait(timeout=30)
        return status, err


def test_mcp_server_tools(binary, clean_env):
    h = Host([binary, "mcp"], clean_env)
    init = h.initialize()
    assert init["result"]["protocolVersion"] == "2025-06-18"
    assert init["result"]["capabilities"]["tools"] is not None
    tools = {t["name"]: t for t in h.request("tools/list")["result"]["tools"]}
    assert set(tools) == {"scan", "redact", "reveal"}
    assert all(t["inputSchema"]["type"] == "object" for t in tools.values())
    text = "Patient Jane Roe, SSN 365-94-0475, phone (312) 555-0134"
    r = h.request("tools/call", {"name": "redact", "arguments": {"text": text}})["result"]
    assert r["isError"] is False and r["content"][0]["text"] == "Patient [NAME], SSN [SSN], phone [PHONE]"
    r = h.request("tools/call", {"name": "redact", "arguments": {"text": text, "operator": "mask"}})["result"]
    assert "365-94-0475" not in r["content"][0]["text"] and "0475" in r["content"][0]["text"]
    r = h.request("tools/call", {"name": "scan", "arguments": {"text": text}})["result"]
    findings = r["structuredContent"]["findings"]
    assert {f["entity"] for f in findings} == {"NAME", "SSN", "PHONE"}
    assert all(v not in json.dumps(r) for v in VALUES)
    r = h.request("tools/call", {"name": "reveal", "arguments": {"text": "x"}})["result"]
    assert r["isError"] is True
    assert h.request("tools/call", {"name": "nope", "arguments": {"text": "x"}})["error"]["code"] == -32602
    assert h.request("nope/method")["error"]["code"] == -32601
    assert h.request("ping")["result"] == {}
    status, _ = h.close()
    assert status == 0


def test_proxy_without_config_redacts_everything(binary, clean_env):
    h = Host([binary, "mcp", "--proxy", "--", *FAKE], clean_env)
    assert h.initialize()["result"]["serverInfo"]["name"] == "fake-ehr"
    tools = h.request("tools/list")["result"]["tools"]
    assert [t["name"] for t in tools] == ["ehr_lookup", "kb_search"]
    r = h.request("tools/call", {"name": "ehr_lookup", "arguments": {"patient": "42"}})["result"]
    assert "[SSN]" in r["content"][0]["text"] and "[NAME]" in r["content"][0]["text"]
    assert r["content"][1] == {"type": "text", "text": "[WITHHELD: image content cannot be scanned for PHI]"}
    assert r["content"][2]["resource"]["uri"] == "ehr://patients/42"
    assert r["structuredContent"]["ssn"] == "[SSN]"
    r = h.request("resources/read", {"uri": "ehr://patients/42"})["result"]
    assert "[SSN]" in r["contents"][0]["text"] and "blob" not in r["contents"][1]
    r = h.request("resources/list")["result"]
    assert r["resources"][0]["uri"] == "ehr://patients/42" and "365-94-0475" not in r["resources"][0]["name"]
    r = h.request("prompts/get", {"name": "x"})["result"]
    assert "[SSN]" in r["messages"][0]["content"]["text"]
    r = h.request("fail")
    assert r["error"]["code"] == -32000 and "[SSN]" in r["error"]["message"]
    status, err = h.close()
    assert status == 0
    everything = "".join(h.received) + err
    for v in VALUES:
        assert v not in everything, v
    assert "debug: returning" in err  # the server's standard error, redacted


def make_config(binary, tmp_path):
    subprocess.run([binary, "init"], cwd=tmp_path, check=True, capture_output=True)
    path = tmp_path / "phiscrub.yaml"
    text = path.read_text()
    text = text.replace("key_source: keyring", "key_source: env").replace("os_append_only: true", "os_append_only: false")
    path.write_text(text)
    return path


def test_proxy_with_role_is_audited_and_the_log_verifies(binary, keyed_env, tmp_path):
    cfg = make_config(binary, tmp_path)
    h = Host([binary, "mcp", "--proxy", "--config", str(cfg), "--role", "clinician", "--", *FAKE], keyed_env)
    h.initialize()
    r = h.request("tools/call", {"name": "ehr_lookup", "arguments": {"patient": "42"}})["result"]
    text = r["content"][0]["text"]
    # The clinician may see names and dates (the example configuration), never the SSN.
    assert "365-94-0475" not in text and "jane.roe@example.com" not in text
    assert "365-94-0475" not in json.dumps(r["structuredContent"])
    # A tool the role may not call never reaches the server.
    denied = h.request("tools/call", {"name": "kb_search", "arguments": {"q": "x"}})["result"]
    assert denied["isError"] is True and "not made" in denied["content"][0]["text"]
    r = h.request("resources/read", {"uri": "ehr://patients/42"})["result"]
    assert "365-94-0475" not in json.dumps(r)
    status, err = h.close()
    assert status == 0
    everything = "".join(h.received) + err
    for v in ["365-94-0475", "jane.roe@example.com", "iVBORw0KGgo", "JVBERi0xLjQK", "00123456"]:
        assert v not in everything, v
    v = subprocess.run([binary, "audit", "verify", "--config", str(cfg), "--format", "json"], env=keyed_env,
                       capture_output=True, cwd=tmp_path)
    assert v.returncode == 0, v.stdout.decode() + v.stderr.decode()
    records = []
    for seg in sorted((tmp_path).rglob("*.jsonl")):
        records += [json.loads(x) for x in seg.read_text().splitlines() if x.strip()]
    calls = [r for r in records if r.get("resource") == "ehr_lookup"]
    assert len(calls) >= 2  # the call (checked) and its output (transformed)
    denials = [r for r in records if r.get("resource") == "kb_search"]
    assert denials
    for rec in records:
        assert "365-94-0475" not in json.dumps(rec)


def test_proxy_reports_the_servers_exit_status(binary, clean_env):
    p = subprocess.run([binary, "mcp", "--proxy", "--", sys.executable, "-c", "import sys; sys.exit(3)"],
                       env=clean_env, capture_output=True, timeout=60, input=b"")
    assert p.returncode == 3


def test_mcp_arguments_are_checked(binary, clean_env):
    p = subprocess.run([binary, "mcp", "--proxy"], env=clean_env, capture_output=True, timeout=60)
    assert p.returncode != 0 and b"--proxy needs" in p.stderr


def test_mcp_server_reveal_for_a_role(binary, keyed_env, tmp_path):
    cfg = make_config(binary, tmp_path)
    text = "Patient phone (312) 555-0134, SSN 365-94-0475"
    h = Host([binary, "mcp", "--config", str(cfg), "--role", "clinician"], keyed_env)
    h.initialize()
    enc = h.request("tools/call", {"name": "redact", "arguments": {"text": text, "operator": "encrypt",
                                                                  "context": "tool_output"}})["result"]
    encrypted = enc["content"][0]["text"]
    assert "[ENC:PHONE:" in encrypted and "555-0134" not in encrypted
    r = h.request("tools/call", {"name": "reveal", "arguments": {"text": encrypted}})["result"]
    shown = r["content"][0]["text"]
    assert r["isError"] is False and "[ENC:" not in shown
    assert "0134" in shown and "365-94-0475" not in shown  # the clinician's view: phone masked, SSN redacted
    assert h.close()[0] == 0
    billing = Host([binary, "mcp", "--config", str(cfg), "--role", "billing"], keyed_env)
    billing.initialize()
    r = billing.request("tools/call", {"name": "reveal", "arguments": {"text": encrypted}})["result"]
    assert r["isError"] is True and "forbidden" in r["content"][0]["text"]
    assert billing.close()[0] == 0
    v = subprocess.run([binary, "audit", "verify", "--config", str(cfg)], env=keyed_env, capture_output=True, cwd=tmp_path)
    assert v.returncode == 0, v.stdout.decode() + v.stderr.decode()
