#!/usr/bin/env python3
"""Score phiscrub on the probe's cases (generate.py's output).

Usage: score.py BIN [extra phiscrub args...]
Environment: PROBE_CASES (default cases.jsonl beside this script), PROBE_OUT (where the reports go; default the
cases' folder).

Mode "text": every case, one per line, `BIN -j 1 [args] --findings F`.
Mode "jsonl": the JSON-shaped cases only, `BIN -j 1 [args] --format jsonl`.
A span is FULLY MASKED when every letter/digit of it lies inside a finding
(findings carry absolute byte offsets; converted to code points per line).
As a cross-check, text mode rebuilds the expected output from the findings
(each merged finding -> a token) and counts lines where it differs from the
real output (should be 0: then the findings are exactly what was redacted).

Writes misses[.<tag>].txt, fps[.<tag>].txt, summary[.<tag>].txt in the probe dir.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.environ.get("PROBE_CASES", os.path.join(HERE, "cases.jsonl"))
PROBE = os.environ.get("PROBE_OUT", os.path.dirname(os.path.abspath(CASES)))
LABELS = ["NAME", "STREET", "CITY", "ZIP", "KEYED"]

BIN = sys.argv[1]
EXTRA = sys.argv[2:]
TAG = re.sub(r"[^A-Za-z0-9]+", "-", " ".join(EXTRA)).strip("-")
SUF = f".{TAG}" if TAG else ""
JOBS = [] if any(a in ("-j", "--jobs") or a.startswith("--jobs=") for a in EXTRA) else ["-j", "1"]

cases = [json.loads(l) for l in open(CASES, encoding="utf-8")]


def is_json_shaped(t):
    t = t.strip()
    if not (t.startswith("{") or t.startswith("[")):
        return False
    try:
        json.loads(t)
        return True
    except ValueError:
        return False


def run(texts, extra):
    """-> (output lines, per-line list of findings with cp offsets)."""
    with tempfile.TemporaryDirectory() as d:
        fpath = os.path.join(d, "findings.jsonl")
        data = ("\n".join(texts) + "\n").encode("utf-8")
        cmd = [BIN] + JOBS + extra + ["--findings", fpath]
        p = subprocess.run(cmd, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if p.returncode not in (0, 1):
            sys.stderr.write(p.stderr.decode("utf-8", "replace"))
            raise SystemExit(f"{cmd} exited {p.returncode}")
        out = p.stdout.decode("utf-8", "replace").split("\n")
        raw = [json.loads(l) for l in open(fpath, encoding="utf-8") if l.strip()]
    # byte start of each line
    starts, pos = [], 0
    enc = [t.encode("utf-8") for t in texts]
    for b in enc:
        starts.append(pos)
        pos += len(b) + 1
    per = [[] for _ in texts]
    import bisect
    for f in raw:
        off, ln = f["offset"], f["length"]
        i = bisect.bisect_right(starts, off) - 1
        if f.get("line") is not None and f["line"] - 1 != i:
            sys.stderr.write(f"warning: line mismatch {f['line']} vs {i + 1}\n")
        b0, b1 = off - starts[i], off - starts[i] + ln
        b = enc[i]
        c0 = len(b[:b0].decode("utf-8", "replace"))
        c1 = len(b[:min(b1, len(b))].decode("utf-8", "replace"))
        per[i].append({"start": c0, "end": c1, "entity": f.get("entity"), "rule": f.get("rule"),
                       "conf": f.get("confidence"), "value": texts[i][c0:c1]})
    return out[:len(texts)], per


def covered_set(findings):
    s = set()
    for f in findings:
        s.update(range(f["start"], f["end"]))
    return s


def reconstruct(text, findings):
    """text with merged finding ranges replaced by [X] (output cross-check)."""
    iv = sorted((f["start"], f["end"]) for f in findings)
    out, pos = [], 0
    for a, b in iv:
        if a < pos:
            pos = max(pos, b); continue
        out.append(text[pos:a]); out.append("[X]"); pos = b
    out.append(text[pos:])
    return re.sub(r"\[[A-Z_0-9]+\]", "[X]", "".join(out))


def window(r, sp, w=70):
    """the input around a span, and the same window as redacted (findings -> [ENTITY])."""
    text, fs = r["case"]["text"], r["findings"]
    a, b = max(0, sp[0] - w), min(len(text), sp[1] + w)
    for f in fs:  # widen to whole findings at the edges
        if f["start"] < a < f["end"]:
            a = f["start"]
        if f["start"] < b < f["end"]:
            b = f["end"]
    out, pos = [], a
    for f in sorted(fs, key=lambda f: (f["start"], -f["end"])):
        if f["end"] <= a or f["start"] >= b or f["start"] < pos:
            continue
        out.append(text[pos:f["start"]]); out.append(f"[{f['entity']}]"); pos = f["end"]
    out.append(text[pos:b])
    pre, post = ("…" if a > 0 else ""), ("…" if b < len(text) else "")
    return pre + text[a:b] + post, pre + "".join(out) + post


def judge(text, span, cov):
    a, b, _ = span
    need = [i for i in range(a, b) if text[i].isalnum()]
    got = sum(1 for i in need if i in cov)
    return "full" if got == len(need) else ("partial" if got else "none")


def score_mode(mode, idxs, extra):
    texts = [cases[i]["text"] for i in idxs]
    out, per = run(texts, extra)
    res = []
    disagree = 0
    for k, i in enumerate(idxs):
        c = cases[i]
        cov = covered_set(per[k])
        rec = {"case": c, "out": out[k] if k < len(out) else "", "findings": per[k], "spans": []}
        dm = None
        if mode == "text":
            exp = reconstruct(c["text"], per[k])
            if re.sub(r"\[[A-Z_0-9]+\]", "[X]", rec["out"]) != exp:
                disagree += 1
        for j, sp in enumerate(c["spans"]):
            v = judge(c["text"], sp, cov)
            meta = c.get("span_meta", [{}] * len(c["spans"]))[j]
            rec["spans"].append((sp, v, meta))
        res.append(rec)
    return res, disagree


def table(res, key):
    tot, full = Counter(), Counter()
    for r in res:
        for sp, v, meta in r["spans"]:
            k = key(r, sp)
            tot[k] += 1
            full[k] += v == "full"
    return tot, full


def fmt_table(title, tot, full, order=None):
    lines = [title]
    keys = order or sorted(tot)
    T = F = 0
    for k in keys:
        if tot[k]:
            lines.append(f"  {k:<22} {full[k]:>4}/{tot[k]:<4} {100 * full[k] / tot[k]:5.1f}%")
            T += tot[k]; F += full[k]
    if T:
        lines.append(f"  {'ALL':<22} {F:>4}/{T:<4} {100 * F / T:5.1f}%")
    return lines


def miss_group(r, sp, meta):
    c = r["case"]
    lab = sp[2]
    cat = c["category"]
    if c["kind"] == "chat":
        cat = cat.split(":", 1)[1]
    if c["kind"] == "log":
        cat = cat.split(":", 1)[0]
    bits = [lab, c["kind"], cat]
    if lab == "NAME":
        bits.append(f"style={meta.get('style')}")
    if lab == "KEYED":
        bits.append(f"key={meta.get('key')}")
    if lab == "STREET" and meta.get("style") == "pobox":
        bits.append("pobox")
    return " | ".join(bits)


def pattern_key(r, sp, v, meta):
    c = r["case"]; lab = sp[2]
    cat = c["category"].split(":")[-1] if c["kind"] == "chat" else c["category"].split(":")[0]
    if lab == "NAME":
        return f"NAME style={meta.get('style')}"
    if lab == "KEYED":
        return f"KEYED key={meta.get('key')} ({cat})"
    if lab == "STREET":
        return f"STREET {meta.get('style')} ({cat})"
    return f"{lab} ({cat})"


def write_misses(path, mode_results):
    with open(path, "w", encoding="utf-8") as fh:
        for mode, res in mode_results:
            groups = defaultdict(list)
            for r in res:
                for sp, v, meta in r["spans"]:
                    if v != "full":
                        groups[miss_group(r, sp, meta)].append((r, sp, v, meta))
            n = sum(len(g) for g in groups.values())
            fh.write(f"######## mode={mode}  misses={n}  groups={len(groups)}\n\n")
            # secondary breakdowns for NAME
            by_style, by_loc = Counter(), Counter()
            tot_style, tot_loc = Counter(), Counter()
            for r in res:
                for sp, v, meta in r["spans"]:
                    if sp[2] == "NAME":
                        st = meta.get("style"); lo = f"{meta.get('locale')}/{meta.get('script')}"
                        tot_style[st] += 1; tot_loc[lo] += 1
                        if v != "full":
                            by_style[st] += 1; by_loc[lo] += 1
            fh.write("NAME misses by style: " + ", ".join(f"{k} {by_style[k]}/{tot_style[k]}" for k, _ in tot_style.most_common()) + "\n")
            fh.write("NAME misses by locale/script: " + ", ".join(f"{k} {by_loc[k]}/{tot_loc[k]}" for k, _ in tot_loc.most_common()) + "\n\n")
            pats = defaultdict(list)
            for g, items in groups.items():
                for it in items:
                    pats[pattern_key(*it)].append(it)
            fh.write("---- PATTERNS (coarse, across kinds) ----\n")
            for g, items in sorted(pats.items(), key=lambda kv: -len(kv[1])):
                kinds = Counter(v for _, _, v, _ in items)
                where = Counter(r["case"]["kind"] for r, _, _, _ in items)
                fh.write(f"[{len(items)}] {g}  (none={kinds['none']} partial={kinds['partial']}; kinds {dict(where)})\n")
                for r, sp, v, meta in items[:3]:
                    t = r["case"]["text"]
                    wi, wo = window(r, sp, 50)
                    fh.write(f"     {t[sp[0]:sp[1]]!r} [{v}] -> {wo}\n")
            fh.write("\n---- DETAIL (label | kind | category | style/key) ----\n")
            for g, items in sorted(groups.items(), key=lambda kv: -len(kv[1])):
                kinds = Counter(v for _, _, v, _ in items)
                fh.write(f"=== [{len(items)}] {g}   (none={kinds['none']} partial={kinds['partial']})\n")
                for r, sp, v, meta in items[:8]:
                    t = r["case"]["text"]
                    fh.write(f"  - {v:7} {sp[2]}={t[sp[0]:sp[1]]!r}  meta={meta}\n")
                    wi, wo = window(r, sp)
                    fh.write(f"      in : {wi}\n")
                    fh.write(f"      out: {wo}\n")
                if len(items) > 8:
                    fh.write(f"  ... {len(items) - 8} more\n")
                fh.write("\n")


def write_fps(path, mode_results):
    with open(path, "w", encoding="utf-8") as fh:
        for mode, res in mode_results:
            clean = [r for r in res if r["case"]["category"] == "CLEAN"]
            changed = [r for r in clean if r["findings"] or r["out"] != r["case"]["text"]]
            groups = defaultdict(list)
            for r in changed:
                if not r["findings"]:
                    groups["(output differs, no finding)"].append((r, None))
                for f in r["findings"]:
                    groups[f"{f['entity']} via {f['rule']}"].append((r, f))
            fh.write(f"######## mode={mode}  clean={len(clean)} changed={len(changed)}\n\n")
            for g, items in sorted(groups.items(), key=lambda kv: -len(kv[1])):
                vals = Counter(f["value"] for _, f in items if f)
                fh.write(f"=== [{len(items)}] {g}   values: {dict(vals.most_common(12))}\n")
                for r, f in items[:6]:
                    fh.write(f"      in : {r['case']['text']}\n      out: {r['out']}\n")
                fh.write("\n")


def main():
    all_idx = list(range(len(cases)))
    json_idx = [i for i in all_idx if is_json_shaped(cases[i]["text"])]
    text_res, dis = score_mode("text", all_idx, EXTRA)
    jtext_res = [text_res[i] for i in json_idx]
    jl_res, _ = score_mode("jsonl", json_idx, EXTRA + ["--format", "jsonl"])

    S = [f"phiscrub probe: {BIN} {' '.join(JOBS + EXTRA)}  PHISCRUB_RULES_DIR={os.environ.get('PHISCRUB_RULES_DIR', '(unset)')}",
         f"cases={len(cases)} json-shaped={len(json_idx)}  text-mode lines where output != text with findings replaced by tokens: {dis}", ""]
    tot, full = table(text_res, lambda r, sp: sp[2])
    S += fmt_table("[text mode] recall per label (fully masked / total):", tot, full, LABELS)
    tot, full = table(text_res, lambda r, sp: r["case"]["kind"])
    S += fmt_table("[text mode] recall per kind:", tot, full)
    tot, full = table(text_res, lambda r, sp: f"{r['case']['kind']}/{sp[2]}")
    S += fmt_table("[text mode] recall per kind/label:", tot, full)
    S.append("")
    for mode, res in (("text", jtext_res), ("jsonl", jl_res)):
        tot, full = table(res, lambda r, sp: sp[2])
        S += fmt_table(f"[JSON-shaped cases, {mode} mode] recall per label:", tot, full, LABELS)
        tot, full = table(res, lambda r, sp: r["case"]["kind"])
        S += fmt_table(f"[JSON-shaped cases, {mode} mode] recall per kind:", tot, full)
    S.append("")
    for mode, res in (("text", text_res), ("jsonl", jl_res)):
        clean = [r for r in res if r["case"]["category"] == "CLEAN"]
        if not clean:
            continue
        byk = defaultdict(lambda: [0, 0])
        for r in clean:
            ch = bool(r["findings"]) or r["out"] != r["case"]["text"]
            byk[r["case"]["kind"]][0] += ch
            byk[r["case"]["kind"]][1] += 1
        ch = sum(v[0] for v in byk.values()); n = sum(v[1] for v in byk.values())
        S.append(f"[{mode} mode] clean cases changed: {ch}/{n}  unchanged fraction {100 * (n - ch) / n:.1f}%   "
                 + "  ".join(f"{k} {v[0]}/{v[1]}" for k, v in sorted(byk.items())))
    # partial vs none summary
    pv = Counter(v for r in text_res for sp, v, m in r["spans"])
    S.append(f"[text mode] span verdicts: {dict(pv)}")
    txt = "\n".join(S)
    print(txt)
    open(os.path.join(PROBE, f"summary{SUF}.txt"), "w").write(txt + "\n")
    write_misses(os.path.join(PROBE, f"misses{SUF}.txt"), [("text", text_res), ("jsonl", jl_res)])
    write_fps(os.path.join(PROBE, f"fps{SUF}.txt"), [("text", text_res), ("jsonl", jl_res)])
    print(f"wrote misses{SUF}.txt fps{SUF}.txt summary{SUF}.txt in {PROBE}")


if __name__ == "__main__":
    main()
