#!/usr/bin/env python3
"""Checks a `phiscrub batch` output folder against its input and the generator's truth file.

    check_transcripts.py IN OUT TRUTH [--min-recall 0.97] [--min-unchanged 0.99]

For every file in the truth: the output exists; JSON outputs parse and have the input's shape (same
keys, array lengths and types, compared without descending into strings); PHI recall is the share of
planted values found in no decoded string of the output (strings that hold JSON are decoded and
searched recursively; text files are searched as text); "unchanged" is the share of input strings
(text: lines) containing no planted value that are identical in the output. Prints the figures and
exits 1 when a threshold is missed or a shape differs.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys


def read(path: str) -> str:
    with open(path, "rb") as f:
        raw = f.read()
    if path.endswith(".gz"):
        raw = gzip.decompress(raw)
    return raw.decode("utf-8", errors="surrogateescape")


def docs(path: str) -> list:
    text = read(path)
    if ".jsonl" in path:
        return [json.loads(l) for l in text.split("\n") if l.strip()]
    return [json.loads(text)]


def same_shape(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a.keys()) == list(b.keys()) and all(same_shape(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same_shape(x, y) for x, y in zip(a, b))
    if isinstance(a, str):
        return True
    return a == b


def strings(x, out: list) -> list:
    """Every string leaf; a string that is JSON is also opened up."""
    if isinstance(x, dict):
        for v in x.values():
            strings(v, out)
    elif isinstance(x, list):
        for v in x:
            strings(v, out)
    elif isinstance(x, str):
        out.append(x)
        s = x.lstrip()
        if s[:1] in ("{", "["):
            try:
                strings(json.loads(x), out)
            except ValueError:
                pass
    return out


def pairs(a, b, out: list) -> list:
    """(input string, output string) at the same place, not descending into strings."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in a:
            if k in b:
                pairs(a[k], b[k], out)
    elif isinstance(a, list) and isinstance(b, list):
        for x, y in zip(a, b):
            pairs(x, y, out)
    elif isinstance(a, str) and isinstance(b, str):
        out.append((a, b))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("inp")
    ap.add_argument("out")
    ap.add_argument("truth")
    ap.add_argument("--min-recall", type=float, default=0.97)
    ap.add_argument("--min-unchanged", type=float, default=0.99)
    ap.add_argument("--show-misses", type=int, default=0)
    a = ap.parse_args(argv)
    truth = json.load(open(a.truth))["files"]
    planted = gone = clean_total = clean_same = 0
    bad_shape: list[str] = []
    missing: list[str] = []
    misses: list[tuple[str, str]] = []
    changed: list[tuple[str, str]] = []
    for rel, values in sorted(truth.items()):
        src, dst = os.path.join(a.inp, rel), os.path.join(a.out, rel)
        if not os.path.exists(dst):
            missing.append(rel)
            continue
        if ".json" in rel:
            try:
                din, dout = docs(src), docs(dst)
            except ValueError:
                bad_shape.append(rel)
                continue
            if len(din) != len(dout) or not all(same_shape(x, y) for x, y in zip(din, dout)):
                bad_shape.append(rel)
            haystack = [s for d in dout for s in strings(d, [])]
            ps = [p for x, y in zip(din, dout) for p in pairs(x, y, [])]
        else:
            tin, tout = read(src), read(dst)
            haystack = [tout]
            ps = list(zip(tin.split("\n"), tout.split("\n")))
        for v in values:
            planted += 1
            if any(v in s for s in haystack):
                misses.append((rel, v))
            else:
                gone += 1
        for x, y in ps:
            dec = strings(x, []) if isinstance(x, str) else [x]
            if any(v in s for s in dec for v in values):
                continue
            clean_total += 1
            if x == y:
                clean_same += 1
            else:
                changed.append((x, y))
    recall = gone / planted if planted else 1.0
    unchanged = clean_same / clean_total if clean_total else 1.0
    print(f"files={len(truth)} missing={len(missing)} shape_mismatch={len(bad_shape)} "
          f"phi_planted={planted} phi_gone={gone} recall={recall:.4f} "
          f"clean_strings={clean_total} unchanged={clean_same} unchanged_ratio={unchanged:.4f}")
    for rel, v in misses[:a.show_misses]:
        print(f"  missed in {rel}: {v!r}")
    for x, y in changed[:a.show_misses]:
        print(f"  changed: {x[:160]!r}\n       -> {y[:160]!r}")
    ok = not missing and not bad_shape and recall >= a.min_recall and unchanged >= a.min_unchanged
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
