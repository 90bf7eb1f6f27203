#!/usr/bin/env python3
"""Writes N megabytes of generated transcripts as JSON Lines only (corpora/generate_transcripts.py's conversations:
fictional values, seeded), in FILES files, for Benchmarks/spark-vs-batch.sh.

    python3 Benchmarks/spark_corpus.py --out /tmp/tx --mb 200 --files 16 --seed 23
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "corpora"))
from generate_transcripts import TranscriptGen  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--mb", type=int, default=200)
    ap.add_argument("--files", type=int, default=16)
    ap.add_argument("--seed", type=int, default=23)
    a = ap.parse_args()
    t = TranscriptGen(a.seed)
    os.makedirs(a.out, exist_ok=True)
    per_file = a.mb * 1_000_000 // a.files
    for i in range(a.files):
        with open(os.path.join(a.out, f"part-{i:03d}.jsonl"), "w", encoding="utf-8") as f:
            size = 0
            while size < per_file:
                t.planted = []
                line = t.dump(t.conversation()) + "\n"
                f.write(line)
                size += len(line.encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
