#!/usr/bin/env python3
"""Runs Presidio's pattern recognizers (no NER model) over a corpus and writes its findings in phiscrub's gold
format, so `phiscrub eval --predictions` scores Presidio exactly as it scores phiscrub.

    presidio_baseline.py --text corpora/eval/logs.txt --out /tmp/presidio-logs.jsonl
    presidio_baseline.py --presidio-json synth_dataset_v2.dev.json --out /tmp/presidio-synth.jsonl

Needs `pip install presidio-analyzer` (PyPI). Presidio's spaCy model (en_core_web_lg) is not downloaded: a
small NLP engine built on spaCy's blank English tokenizer stands in, with lower-cased tokens as lemmas so
Presidio's context words still work. Only recognizers that do not need NER run: the predefined pattern
recognizers (credit card, SSN, e-mail, IP, phone via `phonenumbers`, URL, date, IBAN, US driver's licence,
bank number, ITIN, passport, medical licence, ...). PERSON, LOCATION and NRP need the model and are absent,
so NAME and ADDRESS scores compare phiscrub with nothing.

Output lines: {"doc": i, "start": byte, "end": byte, "entity": "<Presidio entity>"} (UTF-8 byte offsets;
`phiscrub eval` maps Presidio's entity names to its own). Default threshold: Presidio's default (0).
"""

from __future__ import annotations

import argparse
import json
import sys

import spacy
import tldextract
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine


class TokenizerOnlyNlpEngine(NlpEngine):
    """spaCy's blank English tokenizer; no NER, lemmas are lower-cased tokens."""

    def __init__(self) -> None:
        self.nlp = spacy.blank("en")

    def load(self) -> None:
        pass

    def is_loaded(self) -> bool:
        return True

    def process_text(self, text: str, language: str) -> NlpArtifacts:
        doc = self.nlp(text)
        return NlpArtifacts(entities=[], tokens=doc, tokens_indices=[t.idx for t in doc],
                            lemmas=[t.text.lower() for t in doc], nlp_engine=self, language=language)

    def process_batch(self, texts, language, batch_size=1, n_process=1, **kwargs):
        for t in texts:
            yield t, self.process_text(t, language)

    def is_stopword(self, word: str, language: str) -> bool:
        return self.nlp.vocab[word].is_stop

    def is_punct(self, word: str, language: str) -> bool:
        return self.nlp.vocab[word].is_punct

    def get_supported_entities(self):
        return []

    def get_supported_languages(self):
        return ["en"]


def offline_tldextract() -> None:
    """Presidio's e-mail recognizer calls tldextract.extract, which fetches the public suffix list over the
    network; use the snapshot bundled with tldextract instead (offline and reproducible)."""
    extractor = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    tldextract.extract = extractor
    tldextract.tldextract.TLD_EXTRACTOR = extractor


def resolve(results):
    """Presidio's analyzer returns overlapping results of different types for one span (a 16-digit number is
    CREDIT_CARD and US_BANK_NUMBER); as its anonymizer does, keep the highest score (then the longest span) of
    overlapping results, so each byte is attributed to at most one entity."""
    kept = []
    for r in sorted(results, key=lambda r: (-r.score, -(r.end - r.start), r.start)):
        if all(r.end <= k.start or r.start >= k.end for k in kept):
            kept.append(r)
    return sorted(kept, key=lambda r: r.start)


def make_analyzer() -> AnalyzerEngine:
    offline_tldextract()
    engine = TokenizerOnlyNlpEngine()
    registry = RecognizerRegistry()
    registry.load_predefined_recognizers(nlp_engine=engine, languages=["en"])
    # The SpacyRecognizer reports the (absent) model's NER entities; drop it so only patterns remain.
    for r in list(registry.recognizers):
        if type(r).__name__ in ("SpacyRecognizer", "StanzaRecognizer", "TransformersRecognizer"):
            registry.remove_recognizer(r.name)
    return AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=["en"])


def byte_offsets(text: str):
    """Maps code point index -> UTF-8 byte offset (length+1 entries)."""
    out, b = [], 0
    for ch in text:
        out.append(b)
        b += len(ch.encode("utf-8"))
    out.append(b)
    return out


def analyze(analyzer: AnalyzerEngine, text: str, doc: int, out, threshold: float) -> int:
    pos = byte_offsets(text)
    n = 0
    for r in resolve(analyzer.analyze(text=text, language="en", score_threshold=threshold)):
        out.write(json.dumps({"doc": doc, "start": pos[r.start], "end": pos[r.end], "entity": r.entity_type}) + "\n")
        n += 1
    return n


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--text", help="a text corpus (analysed in pieces of whole lines, offsets kept)")
    src.add_argument("--presidio-json", help="a Presidio research-format JSON array")
    ap.add_argument("--out", required=True)
    ap.add_argument("--threshold", type=float, default=0.0, help="Presidio score_threshold")
    args = ap.parse_args(argv)
    analyzer = make_analyzer()
    with open(args.out, "w", encoding="utf-8") as out:
        if args.presidio_json:
            records = json.load(open(args.presidio_json, encoding="utf-8"))
            for i, rec in enumerate(records):
                analyze(analyzer, rec["full_text"], i, out, args.threshold)
        else:
            data = open(args.text, "rb").read()
            # Whole-line pieces of about 4 KB; findings shifted by each piece's byte offset.
            base = 0
            while base < len(data):
                end = data.find(b"\n", min(len(data), base + 4096))
                end = len(data) if end < 0 else end + 1
                piece = data[base:end].decode("utf-8")
                pos = byte_offsets(piece)
                for r in resolve(analyzer.analyze(text=piece, language="en", score_threshold=args.threshold)):
                    out.write(json.dumps({"doc": 0, "start": base + pos[r.start], "end": base + pos[r.end],
                                          "entity": r.entity_type}) + "\n")
                base = end
    return 0


if __name__ == "__main__":
    sys.exit(main())
