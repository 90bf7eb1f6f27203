#!/usr/bin/env python3
"""Latency and throughput of `phiscrub serve --stdio` from Python (README "Serving agent hosts").

    python3 Benchmarks/serve-stdio.py [--bin .build/release/phiscrub] [--n 5000] [--total 20000] [--in-flight 64]

Measures, with a 2 KB synthetic prompt (log-like text with a few PHI values: 555-01xx phones, an SSN generated to
pass the SSA rules, example.com e-mail):
- latency: one `redact` request at a time, round trip from Python, p50/p90/p99/max, through the `phiscrub.Client`
  (reader thread and a Future per request) and through a bare loop (write a line, read a line, same thread: the
  floor the protocol allows from Python);
- throughput: `total` prompts with `in_flight` requests outstanding through the Client, prompts per second;
- the floor: the same line echoed by `cat` (no work at all), what any child-process protocol costs from Python.
"""

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bindings" / "python" / "src"))
from phiscrub import Client  # noqa: E402
from bench_common import pct, prompt_2kb  # noqa: E402


def summary(name, lat):
    us = [x * 1e6 for x in lat]
    print(f"{name}: n={len(us)} p50={pct(us, 50):.0f} us p90={pct(us, 90):.0f} us p99={pct(us, 99):.0f} us "
          f"max={max(us):.0f} us mean={statistics.mean(us):.0f} us")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.environ.get("PHISCRUB_BIN", str(REPO / ".build/release/phiscrub")))
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--total", type=int, default=20000)
    ap.add_argument("--in-flight", type=int, default=64)
    a = ap.parse_args()
    text = prompt_2kb()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PHISCRUB_")}
    print(f"prompt: {len(text.encode())} bytes; binary: {a.bin}; cores: {os.cpu_count()}")

    with Client(a.bin, env=env) as ph:
        expected = ph.redact(text)
        assert "365-94-0475" not in expected.text and len(expected.findings) == 3, expected
        for _ in range(500):
            ph.redact(text)
        lat = []
        for _ in range(a.n):
            t0 = time.perf_counter()
            ph.redact(text)
            lat.append(time.perf_counter() - t0)
        summary("client latency (1 in flight)", lat)

        texts = [text] * a.total
        t0 = time.perf_counter()
        out = ph.redact_many(texts, in_flight=a.in_flight)
        dt = time.perf_counter() - t0
        assert all(r.text == expected.text for r in out)
        print(f"client throughput ({a.in_flight} in flight): {a.total / dt:.0f} prompts/s ({dt:.2f} s for {a.total})")

    # The bare protocol: no reader thread, no Future; one request and its answer at a time. Then the same line
    # through `cat`, which does no work at all: the floor of a pipe round trip to a child process from Python.
    line = (json.dumps({"id": 1, "op": "redact", "text": text}) + "\n").encode()
    for name, cmd in (("bare protocol latency (1 in flight)", [a.bin, "serve", "--stdio"]),
                      ("floor: the same line echoed by `stdbuf -oL cat`", ["stdbuf", "-oL", "cat"])):
        p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        for _ in range(500):
            p.stdin.write(line)
            p.stdin.flush()
            p.stdout.readline()
        lat = []
        for _ in range(a.n):
            t0 = time.perf_counter()
            p.stdin.write(line)
            p.stdin.flush()
            p.stdout.readline()
            lat.append(time.perf_counter() - t0)
        p.stdin.close()
        p.wait()
        summary(name, lat)


if __name__ == "__main__":
    main()
