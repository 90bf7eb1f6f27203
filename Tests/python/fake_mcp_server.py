#!/usr/bin/env python3
"""A tiny MCP server (stdio, newline-delimited JSON-RPC, standard library only) whose answers are full of fictional
PHI: the wrapped server of the `phiscrub mcp --proxy` tests."""

import json
import sys

PHI_NOTE = ("Patient Jane Roe, DOB 03/14/1961, SSN 365-94-0475, phone (312) 555-0134, "
            "email jane.roe@example.com, MRN 00123456")


def send(msg):
    sys.stdout.write(json.dumps(msg) + "\n")
    sys.stdout.flush()


def result(id_, r):
    send({"jsonrpc": "2.0", "id": id_, "result": r})


for line in sys.stdin:
    if not line.strip():
        continue
    msg = json.loads(line)
    method, id_ = msg.get("method"), msg.get("id")
    params = msg.get("params") or {}
    if id_ is None:
        continue  # notifications
    if method == "initialize":
        result(id_, {"protocolVersion": params.get("protocolVersion", "2025-06-18"),
                     "capabilities": {"tools": {}, "resources": {}, "logging": {}},
                     "serverInfo": {"name": "fake-ehr", "version": "0.1"}})
    elif method == "tools/list":
        result(id_, {"tools": [
            {"name": "ehr_lookup", "description": "Look up a patient record",
             "inputSchema": {"type": "object", "properties": {"patient": {"type": "string"}}}},
            {"name": "kb_search", "description": "Search the knowledge base",
             "inputSchema": {"type": "object", "properties": {"q": {"type": "string"}}}},
        ]})
    elif method == "tools/call":
        # A log message and a line on standard error before the result, both with PHI.
        send({"jsonrpc": "2.0", "method": "notifications/message",
              "params": {"level": "info", "logger": "ehr", "data": f"looked up {PHI_NOTE}"}})
        sys.stderr.write(f"debug: returning {PHI_NOTE}\n")
        sys.stderr.flush()
        result(id_, {
            "content": [
                {"type": "text", "text": PHI_NOTE},
                {"type": "image", "data": "iVBORw0KGgo=", "mimeType": "image/png"},
                {"type": "resource", "resource": {"uri": "ehr://patients/42", "mimeType": "text/plain",
                                                  "text": "Call Jane Roe back at (312) 555-0134."}},
            ],
            "structuredContent": {"name": "Jane Roe", "ssn": "365-94-0475", "email": "jane.roe@example.com",
                                  "visits": [{"date": "03/14/1961", "note": "SSN 365-94-0475 on file"}]},
            "isError": False,
        })
    elif method == "resources/read":
        result(id_, {"contents": [
            {"uri": params.get("uri", "ehr://patients/42"), "mimeType": "text/plain", "text": PHI_NOTE},
            {"uri": "ehr://patients/42/scan", "mimeType": "application/pdf", "blob": "JVBERi0xLjQK"},
        ]})
    elif method == "resources/list":
        result(id_, {"resources": [{"uri": "ehr://patients/42", "name": "Chart of Jane Roe, SSN 365-94-0475",
                                    "mimeType": "text/plain"}]})
    elif method == "prompts/get":
        result(id_, {"messages": [{"role": "user", "content": {"type": "text", "text": PHI_NOTE}}]})
    elif method == "fail":
        send({"jsonrpc": "2.0", "id": id_, "error": {"code": -32000, "message": f"no record for {PHI_NOTE}"}})
    else:
        send({"jsonrpc": "2.0", "id": id_, "error": {"code": -32601, "message": "Method not found"}})
