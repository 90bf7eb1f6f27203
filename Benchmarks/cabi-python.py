#!/usr/bin/env python3
"""Latency and throughput of a 2 KB prompt redact from Python: in process through the C ABI
(``phiscrub.native.Engine``, ctypes over libPHIScrubC.so) against ``phiscrub serve --stdio`` (``phiscrub.Client``),
in one run on the same prompt.

    swift build -c release -j 2 --product PHIScrubC && swift build -c release -j 2 --product phiscrub
    python3 Benchmarks/cabi-python.py [--bin .build/release/phiscrub] [--n 20000] [--total 40000] [--threads 2]

The library is the one next to ``--bin``. The prompt is Benchmarks/serve-stdio.py's (a 555-01xx phone, an SSN
generated to pass the SSA rules, an example.com address, padded to 2048 bytes). Latency: one call at a time,
p50/p90/p99/max of ``redact`` (text and findings decoded into Python objects). Throughput: ``total`` prompts over
``threads`` Python threads sharing one engine (ctypes releases the GIL during the call, so the scans run in
parallel; the Python around them does not).
"""

import argparse
import os
import pathlib
import statistics
import sys
import threading
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bindings" / "python" / "src"))
from phiscrub import Client  # noqa: E402
from phiscrub.native import LIBRARY_NAME, Engine  # noqa: E402
from bench_common import pct, prompt_2kb  # noqa: E402


def latency(name, call, n):
    for _ in range(1000):
        call()
    lat = []
    for _ in range(n):
        t0 = time.perf_counter()
        call()
        lat.append(time.perf_counter() - t0)
    us = [x * 1e6 for x in lat]
    print(f"{name}: n={n} p50={pct(us, 50):.1f} us p90={pct(us, 90):.1f} us p99={pct(us, 99):.1f} us "
          f"max={max(us):.0f} us mean={statistics.mean(us):.1f} us")


def throughput(name, call, total, threads):
    per = total // threads
    def work():
        for _ in range(per):
            call()
    ts = [threading.Thread(target=work) for _ in range(threads)]
    t0, c0 = time.perf_counter(), time.process_time()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    print(f"{name}, {threads} thread(s): {per * threads} prompts in {dt:.2f} s = {per * threads / dt:.0f} prompts/s; "
          f"{dc / (per * threads) * 1e6:.1f} us CPU per prompt, {dc / dt:.2f} cores busy")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.environ.get("PHISCRUB_BIN", str(REPO / ".build/release/phiscrub")))
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--total", type=int, default=40000)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    text = prompt_2kb()
    for k in [k for k in os.environ if k.startswith("PHISCRUB_")]:
        del os.environ[k]
    library = os.path.join(os.path.dirname(os.path.realpath(a.bin)), LIBRARY_NAME)
    print(f"prompt: {len(text.encode())} bytes; library: {library}; cores: {os.cpu_count()}")

    with Engine(library) as ph:
        expected = ph.redact(text)
        assert "365-94-0475" not in expected.text and len(expected.findings) == 3, expected
        latency("native (C ABI) latency", lambda: ph.redact(text), a.n)
        for t in range(1, a.threads + 1):
            throughput("native (C ABI) throughput", lambda: ph.redact(text), a.total, t)

    with Client(a.bin, env=dict(os.environ)) as c:
        assert c.redact(text) == expected
        latency("serve --stdio Client latency", lambda: c.redact(text), a.n // 4)
        t0 = time.perf_counter()
        out = c.redact_many([text] * a.total, in_flight=64)
        dt = time.perf_counter() - t0
        assert all(r.text == expected.text for r in out)
        print(f"serve --stdio Client throughput (64 in flight): {a.total} prompts in {dt:.2f} s = {a.total / dt:.0f} prompts/s")


if __name__ == "__main__":
    main()
