#!/usr/bin/env python3
"""How many of the PHI values generate_logs.py planted are still in the filter's output.

    python3 corpora/generate_logs.py --size 2M --seed 3 --out /tmp/a.log --truth /tmp/a.truth.jsonl
    phiscrub /tmp/a.log -o /tmp/a.out
    python3 corpora/check_logs.py /tmp/a.truth.jsonl /tmp/a.out [--max-left-share 0.005]

A value counts as left when its output line still holds it as written or percent-encoded (access-log query strings
carry it encoded; the truth file holds the decoded value). Prints the number left per kind and the lines holding
them (values are the generator's fictional ones); exits 1 when the share left is over --max-left-share.
"""
import argparse
import json
import sys
from urllib.parse import quote


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("truth")
    ap.add_argument("output")
    ap.add_argument("--max-left-share", type=float, default=1.0)
    ap.add_argument("--show", type=int, default=10, help="lines to print (default 10)")
    args = ap.parse_args(argv)
    lines = open(args.output, encoding="utf-8", errors="replace").read().split("\n")
    total, left, shown = 0, {}, 0
    for record in open(args.truth, encoding="utf-8"):
        t = json.loads(record)
        total += 1
        line = lines[t["line"] - 1] if t["line"] - 1 < len(lines) else ""
        value = t["value"]
        if value in line or quote(value, safe="") in line:
            left[t["kind"]] = left.get(t["kind"], 0) + 1
            if shown < args.show:
                print(f"  line {t['line']} ({t['kind']}): {line[:200]}")
                shown += 1
    n = sum(left.values())
    share = n / total if total else 0.0
    print(f"{total} planted values, {n} left in clear ({share:.4f}): {json.dumps(left, sort_keys=True)}")
    return 1 if share > args.max_left_share else 0


if __name__ == "__main__":
    sys.exit(main())
