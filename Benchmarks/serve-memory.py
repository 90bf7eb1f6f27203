#!/usr/bin/env python3
"""Peak memory of `phiscrub serve --stdio` under many large concurrent requests (issue 17: "memory stays bounded
under 64 concurrent 10 MB requests").

Submits N requests of SIZE bytes each at once through the Python client (they are all in flight together: the
service reads up to --max-in-flight of them before it pauses reading), waits for every answer, checks each one,
and reports the service's peak resident set (VmHWM from /proc) against the bytes in flight.

    PYTHONPATH=bindings/python/src python3 Benchmarks/serve-memory.py --bin .build/release/phiscrub \
        --requests 64 --size-mb 10 [--max-in-flight 64] [--jobs 2]

The text is synthetic (555-01xx phones, example.com addresses, SSNs with an invalid area), so no real PHI.
"""
import argparse
import os
import sys
import time

from phiscrub import Client


def make_text(size: int, seed: int) -> str:
    line = ("2026-11-26T15:20:46Z INFO ticket {n}: patient called from 617-555-01{p:02d}, mail jo{n}@example.com, "
            "ssn 900-12-{s:04d}; nothing else to see here\n")
    out, n = [], seed
    total = 0
    while total < size:
        chunk = line.format(n=n, p=n % 100, s=n % 10000)
        out.append(chunk)
        total += len(chunk)
        n += 1
    return "".join(out)[:size]


def vm_hwm_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for row in f:
            if row.startswith("VmHWM:"):
                return int(row.split()[1])
    return -1


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=".build/release/phiscrub")
    ap.add_argument("--requests", type=int, default=64)
    ap.add_argument("--size-mb", type=float, default=10)
    ap.add_argument("--max-in-flight", type=int, default=None)
    ap.add_argument("--jobs", type=int, default=None)
    a = ap.parse_args()
    size = int(a.size_mb * 1024 * 1024)
    args: list = []
    if a.max_in_flight:
        args += ["--max-in-flight", str(a.max_in_flight)]
    if a.jobs:
        args += ["--jobs", str(a.jobs)]
    texts = [make_text(size, i * 1000) for i in range(4)]
    with Client(binary=a.bin, args=args) as client:
        idle = vm_hwm_kib(client.pid)
        start = time.perf_counter()
        futures = [client.submit("redact", texts[i % len(texts)]) for i in range(a.requests)]
        answers = [f.result() for f in futures]
        elapsed = time.perf_counter() - start
        peak = vm_hwm_kib(client.pid)
    for answer in answers:
        text = answer["text"]
        assert "555-01" not in text and "@example.com" not in text, "PHI left in an answer"
        assert len(text) > size // 2
    in_flight = a.requests * size / 2**20
    print(f"{a.requests} requests x {a.size_mb:g} MB ({in_flight:.0f} MB submitted at once), "
          f"max-in-flight {a.max_in_flight or 'default'}: all answered and clean in {elapsed:.1f} s; "
          f"service peak RSS {peak / 1024:.0f} MiB (idle {idle / 1024:.0f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
