#!/usr/bin/env python3
"""Seeded generator of the names-and-fields evaluation corpus (synthetic; no real PHI).

Writes corpora/eval/names.txt and names.gold.jsonl in the format of generate_eval.py (byte offsets, end exclusive,
hard negatives as {"negative": kind}): person names in prose, chat (several JSON shapes), clinical sentences and log
lines; values under PHI-named keys (key=value, `key: value`, JSON, query strings); and clean sentences and log lines
that hold capitalised words, months, drugs and service names but no PHI.

Names come from three pools, so recall can be read per pool with `phiscrub eval`:
  - dictionary names: given names and surnames sampled (seeded) from rules/names/person-names.tsv, the detector's own
    public name lists (Census and Faker); such a pair is found with or without a cue;
  - invented names: the made-up vocabulary of generate_logs.py (Wrenna Everhale), found only after a cue or a label;
  - names with letters outside ASCII (Åsa, Søren, Hernández), from a short list written here.
Every other value is invented as in generate_eval.py (555-01xx phones, SSNs generated to pass SSA rules, example.*).

    generate_names_eval.py --seed 1 --out corpora/eval     # the committed corpus
    generate_names_eval.py --seed 7 --out /tmp/heldout     # a fresh one the cues were not tuned on
"""

from __future__ import annotations

import argparse
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate_eval import LAST_NAMES, Doc, Values, parse_size, write_corpus  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DICTIONARY = os.path.join(HERE, "..", "rules", "names", "person-names.tsv")

# Given names and surnames with letters outside ASCII (common in their countries; none refers to a record).
NON_ASCII_GIVEN = ["Åsa", "Søren", "Zoë", "José", "Björn", "Ingrid", "Jürgen", "Małgorzata", "Łukasz", "Siobhán",
                   "Renée", "Ólafur", "Dagný", "Mária", "Tomáš", "Çağla", "Thảo", "Nguyệt", "Gökhan", "Anaïs"]
NON_ASCII_SUR = ["Hernández", "Ström", "Nováková", "Wójcik", "Müller", "Sørensen", "Øvergaard", "Pérez", "Gonçalves",
                 "Lindqvist", "Kowalczyk", "Dvořák", "Jääskeläinen", "Núñez", "Fernández-Ruiz", "Þórsdóttir"]


def load_dictionary() -> tuple[list[str], list[str]]:
    given, sur = [], []
    with open(DICTIONARY, encoding="ascii") as f:
        for line in f:
            if line.startswith("#"):
                continue
            key, flags = line.rstrip("\n").split("\t")
            if len(key) < 3:
                continue
            if "g" in flags and "x" not in flags and "w" not in flags:
                given.append(key.capitalize())
            if "s" in flags and "w" not in flags and "x" not in flags:
                sur.append(key.capitalize())
    return given, sur


class NameValues(Values):
    """generate_eval's makers plus the three name pools and field values."""

    def __init__(self, rng: random.Random, given: list[str], sur: list[str]) -> None:
        super().__init__(rng)
        self.given, self.sur = given, sur

    def dgiven(self) -> str: return self.pick(self.given)
    def dname(self) -> str: return f"{self.pick(self.given)} {self.pick(self.sur)}"
    def dname_mi(self) -> str: return f"{self.pick(self.given)} {chr(65 + self.ri(0, 25))}. {self.pick(self.sur)}"
    def dlast_first(self) -> str: return f"{self.pick(self.sur)}, {self.pick(self.given)}"
    def dname_lower(self) -> str: return self.dname().lower()
    def uname(self) -> str: return f"{self.pick(NON_ASCII_GIVEN)} {self.pick(NON_ASCII_SUR)}"
    def ugiven(self) -> str: return self.pick(NON_ASCII_GIVEN)
    def iname(self) -> str: return self.name()
    def city(self) -> str: return self.pick(["Marblehead", "Fort Collins", "Bar Harbor", "Tromsø", "Salem", "Eau Claire"])
    def zip5(self) -> str: return f"{self.ri(1001, 99950):05d}"
    def month_word(self) -> str: return self.pick(["January", "March", "May", "June", "August", "Monday", "Friday"])
    # Shapes with no cue word before the name, or with a word a street could end in.
    def card_head(self) -> str:
        # Alone on its line a given name and a surname that is also an English word (Larkspur) are no name without a
        # cue or a middle initial (see ARCHITECTURE.md, "Detectors"): that pair is drawn only with an initial.
        if self.ri(0, 1):
            return f"{self.pick(self.given)} {self.pick([w for w in LAST_NAMES if w != 'Larkspur'])}"
        return f"{self.pick(self.given)} {chr(65 + self.ri(0, 25))} {self.last()}"
    def street_surname_name(self) -> str:
        return f"{self.pick(self.given)} {self.pick(['Hill', 'Lane', 'Dale', 'Ford', 'Brooks', 'Wells', 'Mills'])}"
    def particle_surname(self) -> str: return f"{self.pick(['van der', 'de la', 'van', 'ten', 'de'])} {self.last()}"
    def article_name(self) -> str: return f"{self.pick(self.given)} {self.pick(['al', 'el'])}-{self.last()}"
    def url_name(self) -> str: return f"{self.pick(self.given)}%20{self.last()}"
    def phone7(self) -> str: return f"555-01{self.ri(0, 99):02d}"
    def plate(self) -> str:
        letters = "".join(chr(65 + self.ri(0, 25)) for _ in range(3))
        return f"{self.ri(1, 9)}{letters}{self.ri(100, 999)}"
    def dob_compact(self) -> str: return f"{self.ri(1930, 2010)}{self.ri(1, 12):02d}{self.ri(1, 28):02d}"
    def product(self) -> str: return self.pick(["OrderService", "Kafka", "Redis", "PostgreSQL", "Lisinopril", "Metformin",
                                                "Parkinson Disease", "Mac OS X", "Google Chrome", "Jenkins"])


TEMPLATES = [
    # prose and prompts, with cues
    "My name is {NAME:dname} and I need to move my appointment.\n",
    "Please draft a letter to {NAME:dname} about the lab results.\n",
    "I can call {NAME:dname} at {PHONE:phone} tomorrow.\n",
    "Hi, I'm {NAME:iname}, calling about my refill.\n",
    "her name is {NAME:uname} and she was born in {date_year}.\n",
    "Dear {NAME:ugiven},\n\nyour results are ready.\n",
    "Mrs. {NAME:uname} called about the bill.\n",
    "the record for {NAME:iname} (born {DATE:dob}) was updated\n",
    "hey my name is {NAME:dname_lower} can you help\n",
    # prose without cues: dictionary names
    "{NAME:dname} asked whether the clinic opens on {month_word}.\n",
    "We saw {NAME:dname_mi} today; follow-up in two weeks.\n",
    "Discharged: {NAME:dlast_first}. Next visit in {n} days.\n",
    "Why is {NAME:dgiven} so tired after the new dose?\n",
    # chat transcripts in JSON shapes
    '{{"role": "user", "content": "this is {NAME:dname}, my ssn is {SSN:ssn}"}}\n',
    '{{"messages": [{{"role": "user", "content": [{{"type": "text", "text": "I am {NAME:uname} and my phone is {PHONE:phone}"}}]}}]}}\n',
    '{{"member": "{NAME:dname}", "plan": "gold", "zip": "{ZIP:zip5}"}}\n',
    # values under PHI-named keys
    "{ts} INFO [intake] update patient_ssn={SSN:ssn_bare} patient_phone={PHONE:phone_bare}\n",
    "{ts} INFO [scheduler] service_date={DATE:dob_iso} member_ssn: {SSN:ssn} status=ok\n",
    '{{"first_name": "{NAME:dgiven}", "last_name": "{NAME:uname}", "city": "{CITY:city}"}}\n',
    "GET /api/v1/lookup?ssn={SSN:ssn_bare}&callback={PHONE:phone_bare} HTTP/1.1\n",
    "X-Patient-MRN: {MRN:mrn}\n",
    "ship_to city={CITY:city} zip={ZIP:zip5} state=MA\n",
    # no cue: a contact card's head alone on its line, a possessive before a kinship noun
    "{NAME:card_head}\nLaboratory animal technician\n\n",
    ">{NAME:card_head}\n>Customer success manager\n",
    "It was settled between him and {NAME:first}'s kid; nobody argued.\n",
    # a street word as a surname after a cue; particles after a title; an Arabic article; a URL's encoded space
    "Dear {NAME:street_surname_name},\nthank you for your note.\n",
    "Seen today by Dr. {NAME:particle_surname} for the follow-up.\n",
    "Contact: {NAME:article_name} (billing)\n",
    "{ts} INFO [api] GET /v2/patients?name={NAME:url_name}&limit=5 200\n",
    # numbers that need their label: a local number, a licence plate, a compact date under a date-named key
    "{ts} INFO [dispatch] callback {PHONE:phone7} requested by the front desk\n",
    "Visitor parking: license plate {VEHICLE_ID:plate}, bay {n}.\n",
    "{ts} DEBUG [intake] patient dob={DATE:dob_compact} verified\n",
    # clean lines: capitalised words, months, drugs, services, no PHI
    "{ts} INFO [{svc}] {product} started in {ms}ms\n",
    "{ts} WARN [{svc}] retry {n}/5 for {product}; next on {month_word}\n",
    "Take {drug} {dose} daily and review in {month_word}.\n",
    "The Patient Portal is down for maintenance until Friday.\n",
    "Mark as read, then move it to the Archive folder.\n",
    "Connection Reset\nVisual Studio\nKind Regards\n",
    "{ts} INFO [rpc] call_id=call_{n} done in {ms}ms\n",
]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--size", default="96K")
    ap.add_argument("--out", default=os.path.join(HERE, "eval"))
    args = ap.parse_args(argv)
    given, sur = load_dictionary()
    values = NameValues(random.Random(args.seed * 1000 + 17), given, sur)
    doc = Doc(values)
    size = parse_size(args.size)
    while doc.n < size:
        doc.render(values.pick(TEMPLATES))
    write_corpus(doc, args.out, "names")
    return 0


if __name__ == "__main__":
    sys.exit(main())
