#!/usr/bin/env python3
"""Seeded generator of synthetic agent transcripts for `phiscrub batch` (Python 3.11, standard library only).

Writes a folder of conversation files in the shapes agent platforms store:

- the chat-completions shape (`messages` with `role`/`content`, assistant `tool_calls` whose
  `function.arguments` is a JSON string, `role: tool` results whose `content` is a JSON string);
- the messages shape (content blocks `text`, `tool_use` with an `input` object, `tool_result` whose
  `content` is a JSON string or a list of text blocks);
- as `.jsonl` (one conversation per line), `.json` (one document), `.log` (agent log lines), some
  gzipped (`.gz`), in nested folders.

PHI values come from generate_logs.py's `Gen.phi_value` (fictional names, 555-01xx phones,
example.* domains, checksum-valid but random identifiers). They are planted in free text after the
labels that generator uses, under JSON keys (`ssn`, `dob`, `patient_name`, ...) in tool arguments
and tool results, and some SSNs are written with `\\u` escapes for their first digits
(`\\u0034\\u0030\\u0032-19-8877`). Everything else is non-PHI text full of numbers and ids that must
survive unchanged.

    generate_transcripts.py --out /tmp/tx --files 400 --seed 7 --truth /tmp/tx-truth.json

--truth writes {"files": {relative path: [planted values]}}; check_transcripts.py compares an
input folder, its cleaned copy and this truth. Same seed and arguments, same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate_logs import DRUGS, DOSES, CPT, PROMPT_ASSISTANT, PROMPT_USER, TOOLS, Gen  # noqa: E402

MODELS = ["clinical-assist-1.2", "clinical-assist-2.0", "triage-mini-0.9"]
SYSTEM = [
    "You are a clinical operations assistant. Use the tools to look up records; never guess identifiers.",
    "You help the billing team. Answer briefly and cite claim ids.",
    "You schedule appointments for clinic 12. Business hours are 08:00-17:00.",
]


class TranscriptGen:
    def __init__(self, seed: int) -> None:
        self.g = Gen(seed, 0.0)
        self.ri, self.pick, self.R = self.g.ri, self.g.pick, self.g.R
        self.planted: list[str] = []
        self.escape: list[str] = []

    # -- values ---------------------------------------------------------------
    def phi(self) -> tuple[str, str, str, str]:
        kind = self.pick(self.g.kind_table)
        raw, phrase, key = self.g.phi_value(kind)
        self.planted.append(raw)
        if kind == "ssn" and self.R() < 0.35:
            self.escape.append(raw)
        return kind, raw, phrase, key

    def filler(self) -> str:
        ri, pick = self.ri, self.pick
        k = ri(4)
        if k == 0:
            return self.g.app_message()
        if k == 1:
            return pick(PROMPT_USER).format(drug=pick(DRUGS), n=ri(9000), icd="E11.9", cpt=pick(CPT))
        if k == 2:
            return pick(PROMPT_ASSISTANT).format(hex=pick(self.g.hex8), drug=pick(DRUGS), dose=pick(DOSES),
                                                 n=ri(9000), k=ri(20), cpt=pick(CPT), icd="I10",
                                                 ver=f"{ri(4)}.{ri(10)}.{ri(10)}")
        return f"Step {ri(9) + 1} of the plan is done; {ri(40)} records checked in {ri(900)} ms."

    def text(self, phi_p: float = 0.5) -> str:
        parts = [self.filler()]
        if self.R() < phi_p:
            for _ in range(1 if self.R() < 0.7 else 2):
                parts.insert(self.ri(len(parts) + 1), self.phi()[2] + ".")
        return " ".join(parts)

    def fields(self, n: int) -> dict:
        out: dict = {}
        for _ in range(n):
            _, raw, phrase, key = self.phi()
            if key in out:
                key += "_2"
            out[key] = phrase if phrase.startswith(("Dr. ", "Mr. ", "Mrs. ", "Ms. ")) else raw
        return out

    def tool_args(self) -> dict:
        args = {"request_id": self.pick(self.g.uuids), "limit": self.ri(50) + 1}
        args.update(self.fields(1 + self.ri(3)) if self.R() < 0.7 else {"query": self.text(0.4)})
        return args

    def tool_result(self) -> dict:
        res = {"status": self.pick(("ok", "ok", "partial")), "took_ms": self.ri(900),
               "record": self.fields(1 + self.ri(4)), "note": self.filler()}
        if self.R() < 0.3:
            res["history"] = [self.filler() for _ in range(1 + self.ri(3))]
        return res

    # -- conversations ----------------------------------------------------------
    def chat(self) -> dict:
        ri, pick = self.ri, self.pick
        msgs: list[dict] = [{"role": "system", "content": pick(SYSTEM)}]
        for _ in range(1 + ri(3)):
            msgs.append({"role": "user", "content": self.text()})
            call = f"call_{pick(self.g.hex16)}"
            tool = pick(TOOLS)
            msgs.append({"role": "assistant", "content": None, "tool_calls": [
                {"id": call, "type": "function",
                 "function": {"name": tool, "arguments": json.dumps(self.tool_args())}}]})
            msgs.append({"role": "tool", "tool_call_id": call, "name": tool, "content": json.dumps(self.tool_result())})
            msgs.append({"role": "assistant", "content": self.text(0.3)})
        return {"id": f"conv-{pick(self.g.hex16)}", "model": pick(MODELS), "created": 1764115200 + ri(10**6),
                "messages": msgs, "usage": {"prompt_tokens": ri(8000), "completion_tokens": ri(2000)}}

    def blocks(self) -> dict:
        ri, pick = self.ri, self.pick
        msgs: list[dict] = []
        for _ in range(1 + ri(3)):
            msgs.append({"role": "user", "content": [{"type": "text", "text": self.text()}]})
            use = f"toolu_{pick(self.g.hex16)}"
            msgs.append({"role": "assistant", "content": [
                {"type": "text", "text": self.text(0.2)},
                {"type": "tool_use", "id": use, "name": pick(TOOLS), "input": self.tool_args()}]})
            result = (json.dumps(self.tool_result()) if self.R() < 0.6
                      else [{"type": "text", "text": self.text(0.7)}])
            msgs.append({"role": "user", "content": [{"type": "tool_result", "tool_use_id": use, "content": result}]})
            msgs.append({"role": "assistant", "content": [{"type": "text", "text": self.text(0.3)}]})
        return {"id": f"msg-{pick(self.g.hex16)}", "model": pick(MODELS), "system": pick(SYSTEM), "messages": msgs}

    def conversation(self) -> dict:
        return self.chat() if self.R() < 0.5 else self.blocks()

    def dump(self, obj, indent=None) -> str:
        s = json.dumps(obj, indent=indent, ensure_ascii=self.R() < 0.5)
        # Write the first three digits of some SSNs as \\u escapes (at whatever nesting level they sit).
        for v in self.escape:
            esc = "".join(f"\\u{ord(c):04x}" for c in v[:3]) + v[3:]
            s = s.replace(v, esc, 1)
        self.escape.clear()
        return s

    def log_line(self) -> str:
        g = self.g
        g.tick()
        body = self.text(0.3)
        return f"{g.ts_iso()} INFO [agent] {body}\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="folder to write (created)")
    ap.add_argument("--files", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--records", type=int, default=20, help="mean conversations per .jsonl file")
    ap.add_argument("--truth", help="write the planted values per file here (JSON)")
    a = ap.parse_args(argv)
    t = TranscriptGen(a.seed)
    truth: dict[str, list[str]] = {}
    for i in range(a.files):
        kind = t.pick(("jsonl",) * 6 + ("json",) * 3 + ("log",))
        gz = t.R() < 0.2
        folder = f"day-{i % 7:02d}" + (f"/agent-{i % 3}" if i % 2 else "")
        rel = f"{folder}/session-{i:05d}.{kind}" + (".gz" if gz else "")
        t.planted = []
        if kind == "jsonl":
            n = max(1, int(a.records * (0.5 + t.R())))
            data = "".join(t.dump(t.conversation()) + "\n" for _ in range(n))
        elif kind == "json":
            doc = t.conversation() if t.R() < 0.5 else {"export": "v2", "conversations": [t.conversation() for _ in range(1 + t.ri(4))]}
            data = t.dump(doc, indent=t.pick((None, 2))) + "\n"
        else:
            data = "".join(t.log_line() for _ in range(50 + t.ri(200)))
        truth[rel] = sorted(set(t.planted))
        path = os.path.join(a.out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        raw = data.encode("utf-8")
        if gz:
            raw = gzip.compress(raw, mtime=0)
        with open(path, "wb") as f:
            f.write(raw)
    if a.truth:
        with open(a.truth, "w") as f:
            json.dump({"files": truth}, f, indent=0, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
