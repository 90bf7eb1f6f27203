#!/usr/bin/env python3
"""Seeded generator of phiscrub's labelled evaluation corpora (synthetic; no real PHI).

Writes three corpora, one per way the engine is used, each as a text file and its gold spans:

    logs      application and agent logs: ISO / Python / syslog lines, JSON tool-call records, stack traces
    llm       LLM prompts and tool outputs: chat turns, EHR lookup results as JSON, drug-interaction answers,
              e-mails to physicians
    clinical  clinical-note-like free text: history, medications, discharge summaries, signatures

    generate_eval.py --seed 1 --out corpora/eval            # the committed corpora
    generate_eval.py --seed 2 --out /tmp/heldout --size 64K # a fresh set the rules were not tuned on

Gold spans are JSON Lines next to the text (`<name>.gold.jsonl`), one object per PHI value:
`{"start": 123, "end": 134, "entity": "SSN"}` with byte offsets into `<name>.txt`, end exclusive. The
values themselves are not repeated in the gold file. Hard negatives follow as `{"start": .., "end": ..,
"negative": "uuid"}` (not PHI; a finding overlapping one is a false positive of that kind).

Every value that looks like PHI is invented: names from invented vocabularies, 555-01xx phones, example.*
domains, documentation IP ranges, and identifiers that are random numbers with a valid structure (SSN, NPI,
DEA, MBI, card, VIN check digits). Every corpus also holds hard negatives that a naive engine flags (log
timestamps, UUIDs, hex ids, versions and builds, order and tracking numbers, prices, ISBNs, ICD-10 and CPT
codes, dosages, lab values, phone-shaped numbers that fail NANP rules, SSN-shaped numbers in invalid ranges);
they are not in the gold file, so reporting one costs precision.

Only random.Random(seed) is used, so the same --seed and --size give byte-identical output.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate_logs import (  # noqa: E402  (shared vocabularies and check digits)
    AREA_CODES, CPT, DOSES, DRUGS, EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES, MBI_ALNUM, MBI_ALPHA, STREET_NAMES,
    URL_HOSTS, VIN_CHARS, VIN_YEAR, dea_check_digit, luhn_check_digit, npi_check_digit, vin_check_digit,
)

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
ICD10 = ["E11.9", "I10", "J45.909", "E78.5", "M54.5", "K21.9", "F41.1", "N18.3", "I48.91", "Z79.4", "R07.9"]
STREET_SUFFIX = ["Street", "St", "Avenue", "Ave", "Road", "Rd", "Blvd", "Lane", "Drive", "Court", "Way"]
SERVICES = ["intake-api", "ehr-gateway", "agent-runtime", "scheduler", "claims-svc", "notify", "tool-router"]
LOGGERS = ["app.tools.ehr", "app.agent.loop", "app.db.pool", "app.http.client", "app.auth"]
TOOLS = ["ehr_lookup", "schedule_appointment", "search_formulary", "create_claim", "send_message", "get_labs"]
HOSTS = ["web-01", "ehr-gw-2", "worker-7", "agent-node-3"]
PROGRAMS = ["nginx", "sshd", "phi-agent", "kubelet", "cron"]
LABS = [("glucose", "mg/dL", 70, 250), ("creatinine", "mg/dL", 0, 3), ("potassium", "mmol/L", 3, 6),
        ("hemoglobin", "g/dL", 8, 17), ("WBC", "K/uL", 3, 15), ("LDL", "mg/dL", 40, 220), ("TSH", "mIU/L", 0, 9)]
# Filler makers whose values are hard negatives; the gold file lists where they are (`"negative": kind`) so the
# evaluation can say which kinds of look-alikes were wrongly reported.
NEGATIVE_KINDS = {"ts", "ts_py", "ts_us", "ts_sys", "uuid", "hex16", "hex32", "version", "build", "order", "tracking",
                  "price", "isbn", "icd", "cpt", "dose", "lab", "bad_phone", "bad_ssn", "bad_card", "epoch", "age_young"}
PLACEHOLDER = re.compile(r"\{\{|\}\}|\{(?:([A-Z_]+):)?([a-z0-9_]+)\}")


class Values:
    """Value makers: PHI-like values (all invented) and hard negatives."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def ri(self, a: int, b: int) -> int:
        return self.rng.randint(a, b)

    def pick(self, seq):
        return self.rng.choice(seq)

    # -- PHI ---------------------------------------------------------------------------------------------------
    def first(self) -> str: return self.pick(FIRST_NAMES)
    def last(self) -> str: return self.pick(LAST_NAMES)
    def name(self) -> str: return f"{self.first()} {self.last()}"
    def name_mi(self) -> str: return f"{self.first()} {chr(65 + self.ri(0, 25))}. {self.last()}"

    def _ssn_parts(self):
        area = self.ri(1, 899)
        while area == 666:
            area = self.ri(1, 899)
        return f"{area:03d}", f"{self.ri(1, 99):02d}", f"{self.ri(1, 9999):04d}"

    def ssn(self) -> str: return "-".join(self._ssn_parts())
    def ssn_bare(self) -> str: return "".join(self._ssn_parts())
    def ssn_any(self) -> str:
        a, g, s = self._ssn_parts()
        return self.pick([f"{a}-{g}-{s}", f"{a}-{g}-{s}", f"{a} {g} {s}"])

    def _nanp(self):
        return self.pick(AREA_CODES), "555", f"01{self.ri(0, 99):02d}"

    def phone(self) -> str:
        a, e, s = self._nanp()
        return self.pick([f"({a}) {e}-{s}", f"{a}-{e}-{s}", f"{a}.{e}.{s}", f"+1 {a} {e} {s}", f"1-{a}-{e}-{s}",
                          f"+1-{a}-{e}-{s}", f"({a}){e}-{s}"])

    def phone_bare(self) -> str:
        a, e, s = self._nanp()
        return f"{a}{e}{s}"

    def _date(self, y0: int, y1: int):
        return self.ri(y0, y1), self.ri(1, 12), self.ri(1, 28)

    def dob(self) -> str:
        y, m, d = self._date(1931, 2008)
        return self.pick([f"{m:02d}/{d:02d}/{y}", f"{m}/{d}/{y}", f"{y}-{m:02d}-{d:02d}", f"{MONTHS[m - 1]} {d}, {y}",
                          f"{d} {MONTHS[m - 1][:3]} {y}", f"{MONTHS[m - 1][:3]} {d}, {y}"])

    def dob_iso(self) -> str:
        y, m, d = self._date(1931, 2008)
        return f"{y}-{m:02d}-{d:02d}"

    def date_recent(self) -> str:
        y, m, d = self._date(2019, 2025)
        return self.pick([f"{m:02d}/{d:02d}/{y}", f"{y}-{m:02d}-{d:02d}", f"{MONTHS[m - 1]} {d}, {y}"])

    def mrn(self) -> str:
        return self.pick([f"{self.ri(0, 99999999):08d}", f"MR{self.ri(0, 9999999):07d}", f"{self.ri(1000000, 9999999)}"])

    def npi(self) -> str:
        first9 = str(self.ri(1, 2)) + "".join(str(self.ri(0, 9)) for _ in range(8))
        return first9 + npi_check_digit(first9)

    def dea(self) -> str:
        six = "".join(str(self.ri(0, 9)) for _ in range(6))
        return self.pick("ABFGM") + self.pick(LAST_NAMES)[0] + six + dea_check_digit(six)

    def mbi(self) -> str:
        c = [str(self.ri(1, 9)), self.pick(MBI_ALPHA), self.pick(MBI_ALNUM), str(self.ri(0, 9)), self.pick(MBI_ALPHA),
             self.pick(MBI_ALNUM), str(self.ri(0, 9)), self.pick(MBI_ALPHA), self.pick(MBI_ALPHA), str(self.ri(0, 9)),
             str(self.ri(0, 9))]
        s = "".join(c)
        return self.pick([s, f"{s[:4]}-{s[4:7]}-{s[7:]}"])

    def card(self) -> str:
        kind = self.ri(0, 3)
        if kind == 0:
            body = "4" + "".join(str(self.ri(0, 9)) for _ in range(14))
        elif kind == 1:
            body = "5" + str(self.ri(1, 5)) + "".join(str(self.ri(0, 9)) for _ in range(13))
        elif kind == 2:
            body = "6011" + "".join(str(self.ri(0, 9)) for _ in range(11))
        else:
            body = self.pick(["34", "37"]) + "".join(str(self.ri(0, 9)) for _ in range(12))
            n = body + luhn_check_digit(body)
            return self.pick([n, f"{n[:4]} {n[4:10]} {n[10:]}", f"{n[:4]}-{n[4:10]}-{n[10:]}"])
        n = body + luhn_check_digit(body)
        sep = self.pick(["", " ", "-"])
        return sep.join([n[0:4], n[4:8], n[8:12], n[12:]]) if sep else n

    def vin(self) -> str:
        while True:
            chars = [self.pick(VIN_CHARS) for _ in range(17)]
            chars[9] = self.pick(VIN_YEAR)
            chars[8] = "0"
            chars[8] = vin_check_digit("".join(chars))
            return "".join(chars)

    def email(self) -> str:
        return f"{self.first().lower()}{self.pick(['.', '_', ''])}{self.last().lower()}@{self.pick(EMAIL_DOMAINS)}"

    def url(self) -> str:
        return self.pick([f"https://{self.pick(URL_HOSTS)}/patients/{self.ri(10000, 999999)}/chart",
                          f"https://{self.pick(URL_HOSTS)}/records?mrn={self.ri(1000000, 9999999)}",
                          f"http://{self.pick(URL_HOSTS)}/p/{self.first().lower()}-{self.last().lower()}"])

    def ipv4(self) -> str:
        return f"{self.pick(['192.0.2', '198.51.100', '203.0.113'])}.{self.ri(1, 254)}"

    def ipv6(self) -> str:
        return self.pick([f"2001:db8::{self.ri(1, 0xffff):x}", f"2001:db8:{self.ri(1, 0xffff):x}::{self.ri(1, 0xffff):x}",
                          "2001:db8:" + ":".join(f"{self.ri(0, 0xffff):x}" for _ in range(6))])

    def zip(self) -> str:
        z = f"{self.ri(1001, 99950):05d}"
        return self.pick([z, z, f"{z}-{self.ri(1, 9999):04d}"])

    def address(self) -> str:
        return f"{self.ri(1, 9999)} {self.pick(STREET_NAMES)} {self.pick(STREET_SUFFIX)}"

    def age(self) -> str: return str(self.ri(90, 104))
    def age_young(self) -> str: return str(self.ri(18, 89))
    def date_year(self) -> str: return str(self.ri(2015, 2025))
    def time(self) -> str: return f"{self.ri(7, 17)}:{self.pick(['00', '15', '30', '45'])}"
    def mac(self) -> str: return ":".join(f"{self.ri(0, 255):02X}" for _ in range(6))
    def plan(self) -> str: return f"{self.pick(['XJH', 'BCX', 'MEM', 'UHC'])}{self.ri(100000000, 999999999)}"
    def account(self) -> str: return f"{self.ri(10000000, 9999999999)}"
    def license(self) -> str: return f"{self.pick('DSFM')}{self.ri(1000000, 99999999)}"
    def serial(self) -> str: return f"SN-{self.ri(1000, 9999)}-{self.ri(10000, 99999)}"

    # -- hard negatives ----------------------------------------------------------------------------------------
    def ts(self) -> str:
        return f"2026-11-{self.ri(1, 28):02d}T{self.ri(0, 23):02d}:{self.ri(0, 59):02d}:{self.ri(0, 59):02d}.{self.ri(0, 999):03d}Z"

    def ts_py(self) -> str:
        return f"2026-11-{self.ri(1, 28):02d} {self.ri(0, 23):02d}:{self.ri(0, 59):02d}:{self.ri(0, 59):02d},{self.ri(0, 999):03d}"

    def ts_us(self) -> str:
        return f"{self.ri(1, 12):02d}/{self.ri(1, 28):02d}/2026 {self.ri(0, 23):02d}:{self.ri(0, 59):02d}:{self.ri(0, 59):02d}"

    def ts_sys(self) -> str:
        return f"{MONTHS[self.ri(0, 11)][:3]} {self.ri(1, 28):2d} {self.ri(0, 23):02d}:{self.ri(0, 59):02d}:{self.ri(0, 59):02d}"

    def uuid(self) -> str:
        h = "%032x" % self.rng.getrandbits(128)
        if self.ri(0, 3) == 0:  # digit-heavy: looks like a card or phone to a naive regex
            h = "".join(str(self.ri(0, 9)) for _ in range(20)) + h[20:]
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[self.ri(0, 3)]}{h[17:20]}-{h[20:]}"

    def hex16(self) -> str: return "%016x" % self.rng.getrandbits(64)
    def hex32(self) -> str: return "%032x" % self.rng.getrandbits(128)
    def version(self) -> str: return f"{self.ri(0, 12)}.{self.ri(0, 40)}.{self.ri(0, 99)}"
    def build(self) -> str: return self.pick([f"{self.ri(1, 9)}.{self.ri(0, 9)}.{self.ri(0, 9)}.{self.ri(1000, 99999)}",
                                              f"b{self.ri(100000, 9999999)}", f"{self.ri(2020, 2026)}.{self.ri(1, 12):02d}.{self.ri(1, 28):02d}-rc{self.ri(1, 9)}"])
    def order(self) -> str: return self.pick([f"ORD-{self.ri(2019, 2026)}-{self.ri(0, 999999):06d}", f"{self.ri(10**9, 10**12)}",
                                              f"#{self.ri(100000, 9999999)}"])

    def tracking(self) -> str:
        return self.pick([f"1Z{self.ri(100, 999)}{self.pick(['AA', 'EW', 'X4'])}{self.ri(10**9, 10**10 - 1)}{self.ri(1, 9)}",
                          f"9400{self.ri(10**17, 10**18 - 1)}", f"{self.ri(10**11, 10**12 - 1)}",
                          " ".join(f"{self.ri(0, 9999):04d}" for _ in range(5)) + f" {self.ri(10, 99)}"])

    def price(self) -> str: return self.pick([f"${self.ri(1, 9999)}.{self.ri(0, 99):02d}", f"${self.ri(1, 99)},{self.ri(0, 999):03d}.{self.ri(0, 99):02d}",
                                              f"USD {self.ri(1, 999)}.{self.ri(0, 99):02d}"])

    def isbn(self) -> str:
        body = "978" + "".join(str(self.ri(0, 9)) for _ in range(9))
        check = (10 - sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(body)) % 10) % 10
        n = body + str(check)
        return self.pick([n, f"{n[:3]}-{n[3]}-{n[4:7]}-{n[7:12]}-{n[12]}"])

    def icd(self) -> str: return self.pick(ICD10)
    def cpt(self) -> str: return self.pick(CPT)
    def dose(self) -> str: return self.pick(DOSES)
    def drug(self) -> str: return self.pick(DRUGS)

    def lab(self) -> str:
        name, unit, lo, hi = self.pick(LABS)
        return f"{name} {self.ri(lo, hi)}.{self.ri(0, 9)} {unit}"

    def bad_phone(self) -> str:
        a = self.pick(["017", "112", "099", "123"])
        return self.pick([f"({a}) 555-01{self.ri(0, 99):02d}", f"{a}-555-01{self.ri(0, 99):02d}",
                          f"{self.pick(AREA_CODES)}-{self.pick(['055', '155', '012'])}-{self.ri(0, 9999):04d}"])

    def bad_ssn(self) -> str:
        a = self.pick(["000", "666", f"{self.ri(900, 999)}"])
        return self.pick([f"{a}-{self.ri(1, 99):02d}-{self.ri(1, 9999):04d}", f"{self.ri(1, 899):03d}-00-{self.ri(1, 9999):04d}",
                          f"{self.ri(1, 899):03d}-{self.ri(1, 99):02d}-0000"])

    def bad_card(self) -> str:
        body = "4" + "".join(str(self.ri(0, 9)) for _ in range(14))
        good = luhn_check_digit(body)
        return body + str((int(good) + self.ri(1, 9)) % 10)

    def port(self) -> str: return str(self.pick([443, 5432, 6379, 8080, 9090, 50051]))
    def epoch(self) -> str: return str(self.ri(1_760_000_000_000, 1_770_000_000_000))
    def n(self) -> str: return str(self.ri(1, 999))
    def ms(self) -> str: return str(self.ri(1, 4000))
    def svc(self) -> str: return self.pick(SERVICES)
    def logger(self) -> str: return self.pick(LOGGERS)
    def tool(self) -> str: return self.pick(TOOLS)
    def host(self) -> str: return self.pick(HOSTS)
    def prog(self) -> str: return self.pick(PROGRAMS)
    def pid(self) -> str: return str(self.ri(100, 65000))
    def level(self) -> str: return self.pick(["INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"])
    def docip(self) -> str: return self.ipv4()


class Doc:
    """Text under construction with its gold spans (byte offsets)."""

    def __init__(self, values: Values) -> None:
        self.v = values
        self.parts: list[str] = []
        self.n = 0
        self.spans: list[tuple[int, int, str]] = []
        self.negatives: list[tuple[int, int, str]] = []

    def render(self, template: str) -> None:
        pos = 0
        for m in PLACEHOLDER.finditer(template):
            self._text(template[pos:m.start()])
            pos = m.end()
            if m.group(2) is None:  # {{ or }}: a literal brace
                self._text(m.group(0)[0])
                continue
            entity, maker = m.group(1), m.group(2)
            value = getattr(self.v, maker)()
            start = self.n
            self._text(value)
            if entity:
                self.spans.append((start, self.n, entity))
            elif maker in NEGATIVE_KINDS:
                self.negatives.append((start, self.n, maker))
            pos = m.end()
        self._text(template[pos:])

    def _text(self, s: str) -> None:
        self.parts.append(s)
        self.n += len(s.encode("utf-8"))


# Templates: {ENTITY:maker} is a gold PHI span; {maker} alone is filler (often a hard negative).
LOG_TEMPLATES = [
    # application lines
    "{ts} {level} [{svc}] request {hex16} completed in {ms}ms status=200 trace={hex32}\n",
    "{ts} {level} [{svc}] session {uuid} tokens_in={n} tokens_out={n} model=clinical-assist-{version}\n",
    "{ts} INFO [{svc}] upgrading libpcre2 from {version} to {version} (build {build})\n",
    "{ts} INFO [claims-svc] claim {uuid} coded ICD-10 {icd} CPT {cpt} amount={price}\n",
    "{ts} INFO [{svc}] order {order} total {price} shipped tracking {tracking}\n",
    "{ts} DEBUG [{svc}] consumer lag partition={n} offset={epoch} epoch_ms={epoch}\n",
    "{ts} INFO [formulary] {drug} {dose} twice daily; interaction check ok ({ms}ms)\n",
    "{ts} INFO [labs] result {lab} ref 70-99 order={hex16}\n",
    "{ts} WARN [intake-api] rejected phone {bad_phone}: invalid NANP area code\n",
    "{ts} WARN [intake-api] rejected ssn {bad_ssn}: invalid range\n",
    "{ts} WARN [billing] card {bad_card} failed checksum, request {uuid}\n",
    "{ts} INFO [catalog] isbn {isbn} price {price} stock={n}\n",
    "{ts} INFO [{svc}] connected to postgres at {docip}:{port} pool=16\n",
    "{ts_py} {level} {logger} - cache miss key=inventory:sku-{n} ttl={n}s\n",
    "{ts_py} INFO app.jobs - nightly-rollup finished at {ts_us} rows={n}\n",
    "{ts_sys} {host} sshd[{pid}]: Accepted publickey for deploy from {IP_ADDRESS:ipv4} port {n}\n",
    # with PHI
    "{ts} INFO [intake-api] patient lookup mrn={MRN:mrn} dob={DATE:dob_iso}\n",
    "{ts} WARN [intake-api] duplicate SSN {SSN:ssn_any} for MRN: {MRN:mrn}\n",
    "{ts} INFO [notify] sms queued to {PHONE:phone} for appointment {uuid}\n",
    "{ts} INFO [notify] email sent to {EMAIL:email} template=reminder id={hex16}\n",
    "{ts} ERROR [ehr-gateway] upstream 502 for {URL:url} from client {IP_ADDRESS:ipv4}\n",
    "{ts} INFO [auth] login ok user={EMAIL:email} ip={IP_ADDRESS:ipv6}\n",
    "{ts} INFO [billing] charge card {CREDIT_CARD:card} amount={price} order={order}\n",
    "{ts} INFO [pharmacy] rx {drug} {dose} prescriber NPI {NPI:npi} DEA {DEA:dea}\n",
    "{ts} INFO [claims-svc] medicare MBI {MBI:mbi} claim {uuid} CPT {cpt}\n",
    "{ts} INFO [fleet] courier vehicle VIN {VIN:vin} assigned\n",
    "{ts_py} INFO app.tools.ehr - fetched chart for Patient: {NAME:name} (MRN {MRN:mrn})\n",
    "{ts_py} WARN app.agent.loop - user pasted DOB: {DATE:dob} and phone {PHONE:phone}\n",
    "{ts_py} INFO app.http.client - GET {URL:url} 200 {ms}ms\n",
    "{ts_sys} {host} {prog}[{pid}]: connection from {IP_ADDRESS:ipv4} port {n}\n",
    '{{"ts":"{ts}","event":"tool_call","tool":"ehr_lookup","arguments":"{{\\"mrn\\":\\"{MRN:mrn}\\",\\"dob\\":\\"{DATE:dob_iso}\\"}}","call_id":"{uuid}"}}\n',
    '{{"ts":"{ts}","event":"tool_result","tool":"ehr_lookup","content":"{{\\"name\\":\\"{NAME:name}\\",\\"phone\\":\\"{PHONE:phone}\\",\\"zip\\":\\"{ZIP:zip}\\"}}","latency_ms":{ms}}}\n',
    '{{"ts":"{ts}","event":"tool_call","tool":"create_claim","arguments":"{{\\"member_id\\":\\"{HEALTH_PLAN:plan}\\",\\"icd10\\":\\"{icd}\\",\\"cpt\\":\\"{cpt}\\"}}","call_id":"{uuid}"}}\n',
    '{{"ts":"{ts}","event":"tool_call","tool":"send_message","arguments":"{{\\"to\\":\\"{EMAIL:email}\\",\\"body\\":\\"Your results are ready\\"}}","call_id":"{uuid}"}}\n',
    '{{"ts":"{ts}","event":"tool_result","tool":"get_labs","content":"{lab}; {lab}","order":"{order}","version":"{version}"}}\n',
    '{{"ts":"{ts}","level":"error","msg":"validation failed","ssn":"{SSN:ssn}","request_id":"{uuid}"}}\n',
    "Traceback (most recent call last):\n  File \"/srv/app/tools/ehr.py\", line {n}, in lookup\n    raise LookupError(f\"no chart for mrn {{mrn}}\")\nLookupError: no chart for MRN: {MRN:mrn}\n",
    # second batch, written before the engine was run on it
    "{ts} DEBUG [ehr-gateway] GET /api/v1/patients?ssn={SSN:ssn_bare}&dob={DATE:dob_iso} 200 {ms}ms\n",
    "{ts} WARN [intake-api] patient {NAME:name} (DOB {DATE:dob}) has no insurance on file\n",
    "{ts} INFO [notify] fax sent to {FAX:phone} pages={n} job={uuid}\n",
    "{ts} ERROR [claims-svc] NPI={NPI:npi} rejected: taxonomy mismatch for CPT {cpt} (ICD-10 {icd})\n",
    "{ts} DEBUG [db] query took {ms}ms rows={n} sql=\"SELECT * FROM patients WHERE mrn = $1\" plan={hex16}\n",
    "{ts} INFO [web] ua=\"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) Mobile/15E148\" build={build}\n",
    "{ts} INFO [auth] password reset for {EMAIL:email} requested from {IP_ADDRESS:ipv4}, token {hex32}\n",
    "{ts_py} ERROR app.tools.ehr - ValueError: invalid MRN '{MRN:mrn}' for member {HEALTH_PLAN:plan}\n",
    "{ts_sys} {host} phi-agent[{pid}]: redaction stats ssn=0 phone=0 version {version} uptime {epoch}\n",
    "java.lang.IllegalStateException: member not found\n\tat com.example.claims.Eligibility.check(Eligibility.java:{n})\n\tat com.example.claims.Router.route(Router.java:{n})\n",
]

LLM_TEMPLATES = [
    "user: Hi, I'm {NAME:name}, my date of birth is {DATE:dob} and my MRN is {MRN:mrn}. Can you check my refill?\n",
    "user: Please call me back at {PHONE:phone}, or email {EMAIL:email}.\n",
    "user: my ssn is {SSN:ssn_any} if you need it for the claim\n",
    "user: Is it safe to take {drug} {dose} with {drug} {dose}? I already take {dose} at night.\n",
    "assistant: {drug} {dose} and {drug} {dose} have no major interaction; monitor potassium and recheck {lab} in 2 weeks.\n",
    "assistant: The claim uses ICD-10 {icd} and CPT {cpt}; the allowed amount is {price}. Reference {order}.\n",
    "assistant: I found the guideline (ISBN {isbn}, version {version}); dosing is {dose} daily, max {dose}.\n",
    "assistant: I could not verify the number {bad_phone}; it is not a valid US phone number.\n",
    "assistant: The SSN you typed, {bad_ssn}, is not a valid Social Security number.\n",
    "tool[search_formulary]: {{\"drug\":\"{drug}\",\"strengths\":[\"{dose}\",\"{dose}\"],\"tier\":2,\"updated\":\"{ts}\"}}\n",
    'tool[ehr_lookup]: {{"patient":{{"name":"{NAME:name}","dob":"{DATE:dob_iso}","mrn":"{MRN:mrn}","phone":"{PHONE:phone}","address":"{ADDRESS:address}","zip":"{ZIP:zip}"}},"encounters":[{{"id":"{uuid}","icd10":"{icd}","cpt":"{cpt}"}}]}}\n',
    'tool[ehr_lookup]: {{"patient_id":"{MRN:mrn}","email":"{EMAIL:email}","insurance":{{"member_id":"{HEALTH_PLAN:plan}","mbi":"{MBI:mbi}"}},"last_visit":"{ts}"}}\n',
    'tool[get_labs]: {{"order":"{hex16}","results":[{{"test":"{lab}","flag":"H"}},{{"test":"{lab}","flag":""}}],"collected":"{ts}"}}\n',
    'tool[create_claim]: {{"claim_id":"{uuid}","provider_npi":"{NPI:npi}","amount":"{price}","status":"queued"}}\n',
    'tool[pharmacy]: {{"rx":"{drug} {dose}","prescriber":{{"npi":"{NPI:npi}","dea":"{DEA:dea}"}},"fill_id":"{order}"}}\n',
    'tool[payments]: {{"card":"{CREDIT_CARD:card}","amount":"{price}","tracking":"{tracking}"}}\n',
    "tool[web_fetch]: fetched {URL:url} in {ms}ms (build {build})\n",
    "system: Tool output follows. Session {uuid}, model clinical-assist-{version}, client ip {IP_ADDRESS:ipv4}.\n",
    "To: {EMAIL:email}\nSubject: Follow-up for {NAME:name}, DOB {DATE:dob}\n\nDear Dr. {NAME:last},\n\nYour patient {NAME:name} (MRN: {MRN:mrn}) was seen on {DATE:date_recent}. "
    "Please call {PHONE:phone} with questions. Labs: {lab}; {lab}.\n\nSincerely,\n{NAME:name}\n\n",
    "To: {EMAIL:email}\nSubject: Prior authorization {order}\n\nDr. {NAME:name}, the request for {drug} {dose} (CPT {cpt}, ICD-10 {icd}) was approved. Fax: {FAX:phone}\n\n",
    "user: I'm {AGE:age} years old and live at {ADDRESS:address}, zip code {ZIP:zip}. What does {icd} mean?\n",
    "user: my insurance member ID is {HEALTH_PLAN:plan} and my medicare number is {MBI:mbi}\n",
    "user: here's my card {CREDIT_CARD:card}, exp 09/28\n",
    "user: the car's VIN is {VIN:vin}, it was in the accident\n",
    # second batch, written before the engine was run on it
    "user: Text me on {PHONE:phone} after 5pm, my email is {EMAIL:email}\n",
    "user: I'm {AGE:age} and my doctor is Dr. {NAME:last}; can I still take {drug} {dose}?\n",
    "assistant: I've updated the record for {NAME:name} (born {DATE:dob}); the new MRN is {MRN:mrn}.\n",
    "user: Can you email my results to {EMAIL:email}? My insurance ID is {HEALTH_PLAN:plan}.\n",
    "user: call my wife at {PHONE:phone_bare} if I don't answer\n",
    'tool[scheduler]: {{"slot":"{ts}","provider":"Dr. {NAME:name}","room":"{n}","confirmation":"{order}"}}\n',
    "assistant: Your appointment is on {DATE:date_recent} at {time}. Bring your card ending in {n}.\n",
    "user: what's the interaction between {drug} and {drug}? price was {price}, order {order}\n",
]

CLINICAL_TEMPLATES = [
    "HISTORY OF PRESENT ILLNESS\nPatient: {NAME:name}    DOB: {DATE:dob}    MRN: {MRN:mrn}\n"
    "{NAME:first} is a {AGE:age}-year-old seen for {icd} follow-up. Prior A1c 7.{n} %; {lab}. No chest pain.\n\n",
    "HPI: {age_young}-year-old presents with cough x {n} days. Denies fever. {lab}, {lab}. Assessment: {icd}.\n\n",
    "MEDICATIONS\n- {drug} {dose} PO daily\n- {drug} {dose} PO BID\n- {drug} {dose} at bedtime (refills: {n})\n\n",
    "PLAN: Continue {drug} {dose}. Recheck {lab} in 3 months. Billing CPT {cpt}, {cpt}; ICD-10 {icd}, {icd}.\n\n",
    "DISCHARGE SUMMARY\nName: {NAME:name}\nAdmission date: {DATE:date_recent}\nDischarge date: {DATE:date_recent}\n"
    "Attending: {NAME:name}, MD\nCondition at discharge: stable. Follow up with Dr. {NAME:last} in 2 weeks.\n\n",
    "SOCIAL HISTORY: Lives at {ADDRESS:address}, ZIP {ZIP:zip}, with spouse. Contact phone {PHONE:phone}. "
    "Emergency contact: {NAME:name}, cell {PHONE:phone}.\n\n",
    "INSURANCE: Member ID: {HEALTH_PLAN:plan}. Medicare MBI {MBI:mbi}. SSN {SSN:ssn_any} on file.\n\n",
    "PROVIDER: {NAME:name_mi}, MD  NPI: {NPI:npi}  DEA: {DEA:dea}\n\n",
    "Device: pacemaker serial number {DEVICE_ID:serial}, interrogated {DATE:date_recent}; battery {n}%.\n\n",
    "Portal: {URL:url} ; patient email {EMAIL:email}\n\n",
    "Vitals: BP {n}/{n} mmHg, HR {n}, Temp 98.{n} F, SpO2 9{n}%. Weight {n} lb.\n\n",
    "Lab report {order} printed {ts_us}. Reference ranges version {version}.\n\n",
    "Note: outside records faxed to {bad_phone} bounced; number invalid. Old chart lists SSN {bad_ssn} (invalid, not used).\n\n",
    "Electronically signed by {NAME:name_mi}, MD on {ts_us}\n\n",
    "Dictated by {NAME:name}. Transcribed {ts_us}. Job {order}.\n\n",
    "Patient states born {DATE:dob}; age {AGE:age}. Daughter {NAME:name} at {PHONE:phone}.\n\n",
    # second batch, written before the engine was run on it
    "Pt is a {AGE:age} y/o female with {icd}. A1c {lab}.\n\n",
    "Seen in clinic on {DATE:date_recent} by {NAME:name}, NP.\n\n",
    "Referred by Dr. {NAME:name} ({PHONE:phone}).\n\n",
    "Next appointment: {DATE:date_recent} at {time} with Dr. {NAME:last}.\n\n",
    "Pharmacy: {ADDRESS:address}, phone {PHONE:phone}, fax {FAX:phone}.\n\n",
    "MRN {MRN:mrn} / Acct {ACCOUNT:account} / visit {order}\n\n",
    "Allergies: penicillin (rash). Immunizations: influenza {date_year}, Tdap {date_year}.\n\n",
]


def generate(templates: list[str], values: Values, size: int) -> Doc:
    doc = Doc(values)
    while doc.n < size:
        doc.render(values.pick(templates))
    return doc


def parse_size(text: str) -> int:
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    t = text.strip().upper()
    return int(t[:-1]) * mult[t[-1]] if t[-1] in mult else int(t)


def write_corpus(doc: Doc, out: str, name: str) -> None:
    """Writes `<name>.txt` and `<name>.gold.jsonl` (gold spans, then hard negatives) under `out`."""
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, f"{name}.txt"), "w", encoding="utf-8", newline="") as f:
        f.write("".join(doc.parts))
    with open(os.path.join(out, f"{name}.gold.jsonl"), "w", encoding="utf-8", newline="") as f:
        for s, e, entity in doc.spans:
            f.write(json.dumps({"start": s, "end": e, "entity": entity}) + "\n")
        for s, e, kind in doc.negatives:
            f.write(json.dumps({"start": s, "end": e, "negative": kind}) + "\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--size", default="200K", help="approximate size of each corpus (K, M suffixes)")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "eval"))
    ap.add_argument("--only", choices=["logs", "llm", "clinical"], help="write one corpus only")
    args = ap.parse_args(argv)
    size = parse_size(args.size)
    os.makedirs(args.out, exist_ok=True)
    for i, (name, templates) in enumerate([("logs", LOG_TEMPLATES), ("llm", LLM_TEMPLATES),
                                           ("clinical", CLINICAL_TEMPLATES)]):
        # One stream per corpus so regenerating one never changes another.
        values = Values(random.Random(args.seed * 1000 + i))
        doc = generate(templates, values, size)
        if args.only and args.only != name:
            continue
        write_corpus(doc, args.out, name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
