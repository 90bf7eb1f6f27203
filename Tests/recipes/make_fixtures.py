#!/usr/bin/env python3
"""Writes the recipe tests' fixtures from a fixed seed (fictional values only: SSNs 402-19-8877 / 365-94-0475,
555-01xx phones, example.com mail): journal.json (the shape of `journalctl -o json`), journal.cat (`-o cat`) and
events.jsonl (JSON Lines for the Spark/Dask pipe recipe). Run: python3 Tests/recipes/make_fixtures.py"""
import json
import os
import random

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
rng = random.Random(16)
names = ["Jane Roe", "Ola Nygaard", "Amir Haddad", "Mei Lin", "Tomas Novak"]
units = ["app.service", "worker.service", "gateway.service"]


def message(i):
    kind = rng.randrange(5)
    if kind == 0:
        return f"req {i}: patient SSN 402-19-8877 looked up"
    if kind == 1:
        return f"req {i}: callback (617) 555-01{rng.randrange(100):02d} for {rng.choice(names)}"
    if kind == 2:
        return f"req {i}: mail j.roe{i}@example.com, DOB: 1961-03-14"
    if kind == 3:
        return f"req {i}: ok in {rng.randrange(900)} ms"
    return f"req {i}: member SSN 365-94-0475 verified"


os.makedirs(here, exist_ok=True)
with open(os.path.join(here, "journal.json"), "w") as js, open(os.path.join(here, "journal.cat"), "w") as cat:
    t = 1764720000000000
    for i in range(400):
        t += rng.randrange(1, 2_000_000)
        unit = rng.choice(units)
        msg = message(i)
        record = {
            "__CURSOR": f"s=0f3c;i={i + 1:x};b=7e1d;m={t:x};t={t:x};x={i:x}",
            "__REALTIME_TIMESTAMP": str(t),
            "__MONOTONIC_TIMESTAMP": str(t - 1764700000000000),
            "_BOOT_ID": "7e1d2c3b4a5968778695a4b3c2d1e0f1",
            "PRIORITY": str(rng.choice([3, 4, 6])),
            "SYSLOG_FACILITY": "3",
            "_HOSTNAME": "node-1.example.com" if i % 7 else "node-2",
            "SYSLOG_IDENTIFIER": unit.split(".")[0],
            "_PID": str(1000 + i % 13),
            "_SYSTEMD_UNIT": unit,
            "_TRANSPORT": "stdout",
            "MESSAGE": msg,
        }
        js.write(json.dumps(record, separators=(",", ":")) + "\n")
        cat.write(msg + "\n")

with open(os.path.join(here, "events.jsonl"), "w") as ev:
    for i in range(1000):
        ev.write(json.dumps({
            "id": i, "patient": {"name": rng.choice(names), "ssn": "402198877" if i % 2 else "365-94-0475",
                                 "dob": "1961-03-14", "phone": f"617555{rng.randrange(100, 200):04d}"},
            "note": f"follow-up {i}, call j.roe{i}@example.com", "amount": rng.randrange(10000) / 100,
        }) + "\n")
