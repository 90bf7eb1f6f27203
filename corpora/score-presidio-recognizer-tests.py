#!/usr/bin/env python3
"""Scores phiscrub on the test cases of Presidio's own pattern recognizers.

Presidio's recognizer unit tests (presidio-analyzer/tests/test_*_recognizer.py in a checkout of
github.com/microsoft/presidio, which this script reads and the project does not ship) list texts with the spans
each recognizer must find (`expected_positions`). This script reads every `@pytest.mark.parametrize` table of the
given test files with Python's `ast` (nothing of Presidio is imported or run), feeds each text to `phiscrub scan`,
and counts a positive span as found when a finding overlaps it (any entity: the scorer asks whether the value
would be masked). Texts with no expected span are counted as clean when phiscrub reports nothing.

    python3 corpora/score-presidio-recognizer-tests.py PRESIDIO_CHECKOUT [--binary PATH] [-- extra phiscrub args]

e.g. `... /work/.mirror/microsoft+presidio/repo -- --candidates`. See README "Accuracy".
"""
import argparse
import ast
import glob
import json
import os
import subprocess
import sys

# The US and generic pattern recognizers (the ones a pattern engine can be compared on).
RECOGNIZERS = ["aba_routing", "credit_card", "date", "email", "iban", "ip", "phone", "url", "us_bank",
               "us_driver_license", "us_itin", "us_passport", "us_ssn"]


def cases(path):
    """(text, [(start, end)]) for every parametrized case with a `text` column."""
    tree = ast.parse(open(path, encoding="utf-8").read())
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "parametrize" and len(node.args) >= 2):
            continue
        try:
            names = ast.literal_eval(node.args[0])
            rows = ast.literal_eval(node.args[1])
        except (ValueError, SyntaxError):
            continue
        names = [n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)
        # The text column is `text` in most files and `iban` in the IBAN tests; the spans are `expected_positions`,
        # or `expected_res` in the credit card and IBAN tests.
        ti = next((names.index(n) for n in ("text", "iban") if n in names), None)
        if ti is None:
            continue
        pi = next((names.index(n) for n in ("expected_positions", "expected_res") if n in names), None)
        for row in rows:
            row = row if isinstance(row, (list, tuple)) else [row]
            if ti >= len(row) or not isinstance(row[ti], str):
                continue
            positions = list(row[pi]) if pi is not None and pi < len(row) and isinstance(row[pi], (list, tuple)) else []
            yield row[ti], positions


def spans(binary, extra, text):
    """Finding spans of `phiscrub scan` in `text`, as code point offsets."""
    line = text.replace("\n", " ").replace("\r", " ")
    out = subprocess.run([binary, "scan", *extra, "-"], input=(line + "\n").encode(), capture_output=True).stdout
    raw = line.encode()
    found = []
    for record in out.decode().splitlines():
        f = json.loads(record)
        start = len(raw[:f["offset"]].decode(errors="ignore"))
        found.append((start, start + len(raw[f["offset"]:f["offset"] + f["length"]].decode(errors="ignore"))))
    return found


def main():
    args = sys.argv[1:]
    extra = []
    if "--" in args:
        extra = args[args.index("--") + 1:]
        args = args[:args.index("--")]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("presidio", help="a checkout of github.com/microsoft/presidio")
    parser.add_argument("--binary", default=".build/release/phiscrub")
    opts = parser.parse_args(args)
    total = found_total = clean = clean_ok = 0
    for name in RECOGNIZERS:
        matches = glob.glob(os.path.join(opts.presidio, "presidio-analyzer", "tests", f"test_{name}_recognizer.py"))
        if not matches:
            print(f"{name:20s} (no test file)")
            continue
        positives = hits = 0
        for text, positions in cases(matches[0]):
            found = spans(opts.binary, extra, text)
            if not positions:
                clean += 1
                clean_ok += not found
            for s, e in positions:
                positives += 1
                hits += any(a < e and s < b for a, b in found)
        total += positives
        found_total += hits
        print(f"{name:20s} {hits}/{positives}")
    print(f"positives found: {found_total}/{total} = {found_total / max(1, total):.3f}; "
          f"texts without a span left clean: {clean_ok}/{clean}")


if __name__ == "__main__":
    main()
