#!/usr/bin/env python3
"""Latency of `phiscrub serve --http` on loopback with keep-alive (README "Serving over HTTP").

    python3 Benchmarks/serve-http.py [--bin .build/release/phiscrub] [--n 5000] [--route v1|analyze|both]

Starts `phiscrub serve --http 127.0.0.1:0`, then sends the same 2 KB prompt as Benchmarks/serve-stdio.py (555-01xx
phone, an SSN that passes the SSA rules, example.com e-mail) one request at a time over one keep-alive connection
and reports p50/p90/p99/max of the round trip:
- `POST /v1` `redact` (the native API) and `POST /analyze` (Presidio's shape), from a bare socket loop (request
  bytes prepared once, the answer read by Content-Length): the floor HTTP on loopback allows from Python;
- the same through `http.client.HTTPConnection` (what a plain Python client pays on top).
"""

import argparse
import http.client
import json
import os
import pathlib
import re
import socket
import statistics
import subprocess
import sys
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
from bench_common import pct, prompt_2kb  # noqa: E402


def summary(name, lat):
    us = [x * 1e6 for x in lat]
    print(f"{name}: n={len(us)} p50={pct(us, 50):.0f} us p90={pct(us, 90):.0f} us p99={pct(us, 99):.0f} us "
          f"max={max(us):.0f} us mean={statistics.mean(us):.0f} us")


def start(binary):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PHISCRUB_")}
    p = subprocess.Popen([binary, "serve", "--http", "127.0.0.1:0"], stderr=subprocess.PIPE, env=env)
    line = p.stderr.readline().decode()
    m = re.search(r"127\.0\.0\.1:(\d+)", line)
    if not m:
        p.kill()
        raise SystemExit(f"serve --http did not start: {line!r}")
    return p, int(m.group(1))


class RawClient:
    """One keep-alive connection; a request is one sendall, the answer is read by Content-Length."""

    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port))
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def roundtrip(self, request):
        self.s.sendall(request)
        while b"\r\n\r\n" not in self.buf:
            self.buf += self.s.recv(65536)
        head, _, rest = self.buf.partition(b"\r\n\r\n")
        n = int(re.search(rb"(?i)content-length:\s*(\d+)", head).group(1))
        while len(rest) < n:
            rest += self.s.recv(65536)
        self.buf = rest[n:]
        return head, rest[:n]


def request_bytes(path, body):
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.environ.get("PHISCRUB_BIN", str(REPO / ".build/release/phiscrub")))
    ap.add_argument("--n", type=int, default=5000)
    a = ap.parse_args()
    text = prompt_2kb()
    print(f"prompt: {len(text.encode())} bytes; binary: {a.bin}; cores: {os.cpu_count()}")
    proc, port = start(a.bin)
    try:
        bodies = {
            "/v1": json.dumps({"id": 1, "op": "redact", "text": text}).encode(),
            "/analyze": json.dumps({"text": text, "language": "en"}).encode(),
        }
        raw = RawClient(port)
        for path, body in bodies.items():
            req = request_bytes(path, body)
            head, answer = raw.roundtrip(req)
            assert head.startswith(b"HTTP/1.1 200"), head
            assert b"365-94-0475" not in answer
            for _ in range(500):
                raw.roundtrip(req)
            lat = []
            for _ in range(a.n):
                t0 = time.perf_counter()
                raw.roundtrip(req)
                lat.append(time.perf_counter() - t0)
            summary(f"POST {path} raw socket, keep-alive", lat)
        conn = http.client.HTTPConnection("127.0.0.1", port)
        for path, body in bodies.items():
            headers = {"Content-Type": "application/json"}
            for _ in range(500):
                conn.request("POST", path, body, headers)
                conn.getresponse().read()
            lat = []
            for _ in range(a.n):
                t0 = time.perf_counter()
                conn.request("POST", path, body, headers)
                conn.getresponse().read()
                lat.append(time.perf_counter() - t0)
            summary(f"POST {path} http.client, keep-alive", lat)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
