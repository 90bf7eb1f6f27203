#!/usr/bin/env python3
"""check_jsonl.py IN OUT [KEY...]: OUT has IN's lines one for one, each parses with the same shape (keys, array
lengths, types); the values under each KEY (top-level or nested, dotted: patient.name) changed and no other value
but those did; none of the fictional PHI values is left. Exit 1 with the first problem."""
import json
import re
import sys

PHI = re.compile(r"402-19-8877|402198877|365-94-0475|555-01\d\d|55501\d\d|@example\.com\b(?!\.)|1961-03-14"
                 r"|Jane Roe|Ola Nygaard|Amir Haddad|Mei Lin|Tomas Novak")


def shape(v):
    if isinstance(v, dict):
        return {k: shape(x) for k, x in v.items()}
    if isinstance(v, list):
        return [shape(x) for x in v]
    return type(v).__name__


def flat(v, prefix=""):
    if isinstance(v, dict):
        for k, x in v.items():
            yield from flat(x, f"{prefix}{k}.")
    else:
        yield prefix[:-1], v


def main():
    src, dst, keys = sys.argv[1], sys.argv[2], set(sys.argv[3:])
    a = open(src, encoding="utf-8").read().splitlines()
    b = open(dst, encoding="utf-8").read().splitlines()
    if len(a) != len(b):
        sys.exit(f"{dst}: {len(b)} lines for {len(a)}")
    for n, (x, y) in enumerate(zip(a, b), 1):
        vx, vy = json.loads(x), json.loads(y)
        if shape(vx) != shape(vy):
            sys.exit(f"{dst}:{n}: shape changed")
        for (k, p), (_, q) in zip(flat(vx), flat(vy)):
            if k not in keys and p != q:
                sys.exit(f"{dst}:{n}: {k} changed ({p!r} -> {q!r})")
        for k, q in flat(vy):
            if isinstance(q, str) and PHI.search(q):
                sys.exit(f"{dst}:{n}: PHI left under {k}")
    print(f"{dst}: {len(b)} lines, same shapes, only {sorted(keys)} changed, no PHI")


main()
