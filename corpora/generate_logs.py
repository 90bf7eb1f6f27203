#!/usr/bin/env python3
"""Seeded generator of a synthetic, log-like workload for phiscrub.

Everything this script writes is invented. Values that look like PHI are drawn
from fictional or reserved ranges (555-01xx phone numbers, example.* e-mail
domains, documentation IP ranges, invented names) or are random numbers that
merely have a valid structure (SSNs, NPIs, DEA numbers, MBIs, card numbers and
VINs with correct check digits). Nothing is read from outside the script.

    generate_logs.py --size 1G --seed 7 --phi-rate 0.02 --out /tmp/big.log
    generate_logs.py --size 64K --seed 1 --out corpora/sample-app.log
    generate_logs.py --size 100M --seed 3 --out - | phiscrub > /dev/null

The same --seed, --size and --phi-rate always give byte-identical output (only
random.Random(seed) is used; no clock, no environment, no hash ordering).
Sizes take K, M or G suffixes (binary: 1K = 1024 bytes); output ends at a line
boundary just past the requested size (overshoot is at most one record).

--truth FILE additionally writes one JSON object per PHI value inserted
({"line": N, "kind": "...", "value": "..."}, 1-based line numbers), which does
not change the main output.
"""

from __future__ import annotations

import argparse
import calendar
import json
import random
import sys
import time
from urllib.parse import quote

# ---------------------------------------------------------------------------
# Vocabularies (all invented or generic)
# ---------------------------------------------------------------------------

FIRST_NAMES = [
    "Avelin", "Brisca", "Corwenna", "Dalvor", "Elowyn", "Fennick", "Garrow",
    "Hesper", "Ilsabet", "Jorvan", "Kestrel", "Lunetta", "Marrick", "Nerissa",
    "Orwen", "Pellam", "Quilla", "Rosmund", "Sabrel", "Tamsin", "Ulvar",
    "Vesnaya", "Wrenna", "Yarrow", "Zephrine", "Thaddon", "Mirelle", "Caspian",
]
LAST_NAMES = [
    "Quorne", "Varnum", "Ashgrove", "Bellweather", "Crannick", "Dunmorrow",
    "Everhale", "Fallowby", "Grimsditch", "Hollowell", "Ironwick", "Jessamor",
    "Kettleby", "Larkspur", "Mossbridge", "Nettlefield", "Orchardson",
    "Pemberwick", "Quillfeather", "Rookwood", "Saltmarsh", "Thistlewood",
    "Underbough", "Wexcombe", "Yarnold", "Zellicoe",
]
STREET_NAMES = [
    "Elm", "Quillan", "Birchnock", "Harrowgate", "Maple", "Larkmoor", "Cobble",
    "Fernvale", "Oakridge", "Wimbrel", "Saltbox", "Juniper", "Tallow", "Brindle",
]
STREET_TYPES = ["Street", "Ave", "Avenue", "Road", "Rd", "Blvd", "Lane", "Drive", "St"]
AREA_CODES = ["212", "415", "617", "312", "206", "303", "512", "646", "718", "213", "404", "503"]
EMAIL_DOMAINS = ["example.com", "example.org", "example.net", "mail.example.com", "clinic.example.org"]
URL_HOSTS = ["portal.example.org", "ehr.example.net", "records.example.com", "intake.example.org"]

SERVICES = [
    "api-gateway", "ehr-sync", "scheduler", "billing", "auth", "agent-runtime",
    "tool-router", "claims", "pharmacy", "notifier", "search", "ingest",
]
LOGGERS = [
    "app.handlers.orders", "app.db.pool", "agent.runtime", "agent.tools.ehr",
    "billing.invoice", "urllib3.connectionpool", "celery.worker", "app.cache",
    "scheduler.jobs", "claims.coder",
]
HOSTS = ["ip-10-0-3-17", "ehr-gw-2", "web-01", "web-02", "worker-7", "db-primary", "agent-node-3"]
PROGRAMS = ["nginx", "sshd", "cron", "systemd", "phi-agent", "dockerd", "kubelet", "postfix/smtpd"]
LEVELS_ISO = ["INFO"] * 10 + ["DEBUG"] * 4 + ["WARN"] * 2 + ["ERROR"]
LEVELS_PY = ["INFO"] * 10 + ["DEBUG"] * 4 + ["WARNING"] * 2 + ["ERROR"]
HTTP_METHODS = ["GET"] * 6 + ["POST"] * 3 + ["PUT", "DELETE", "PATCH"]
HTTP_STATUS = ["200"] * 14 + ["201", "204", "301", "304", "400", "401", "403", "404", "404", "429", "500", "502", "503"]
HTTP_PATHS = [
    "/api/v2/orders/{n}", "/api/v2/orders/{n}/items", "/healthz", "/metrics",
    "/static/js/app.{h}.js", "/api/v1/claims/{n}/status", "/api/v1/appointments?page={k}",
    "/v1/chat/completions", "/api/v1/tools/ehr_lookup", "/login", "/api/v2/inventory/sku-{n}",
    "/assets/img/logo.{h}.png", "/api/v1/formulary/search?q=metformin&limit={k}",
]
USER_AGENTS = [
    "curl/8.4.0", "python-requests/2.31.0", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36",
    "kube-probe/1.29", "Go-http-client/2.0", "okhttp/4.12.0", "agent-runtime/3.14.2",
]
ICD10 = ["E11.9", "I10", "J45.909", "M54.5", "K21.9", "F41.1", "E78.5", "N39.0", "J06.9", "R51.9", "Z00.00", "E03.9"]
CPT = ["99213", "99214", "99203", "80053", "85025", "93000", "36415", "71046", "90471", "99395"]
DRUGS = ["metformin", "lisinopril", "atorvastatin", "amlodipine", "levothyroxine", "omeprazole", "sertraline", "albuterol"]
DOSES = ["5 mg", "10 mg", "20 mg", "25 mg", "40 mg", "50 mg", "100 mg", "500 mg", "1000 mg", "90 mcg"]
TOOLS = ["ehr_lookup", "schedule_appointment", "search_formulary", "create_claim", "send_message", "get_lab_results"]
PACKAGES = ["openssl", "libpcre2", "numpy", "requests", "grpcio", "protobuf", "uvicorn", "pydantic"]
EXCEPTIONS = [
    "KeyError: 'encounter'", "TimeoutError: upstream did not answer within 30s",
    "ValueError: invalid literal for int() with base 10: 'n/a'",
    "ConnectionResetError: [Errno 104] Connection reset by peer",
    "RuntimeError: circuit breaker open for tool-router",
]
JAVA_EXC = [
    "java.lang.IllegalStateException: pool exhausted (max=64)",
    "java.net.SocketTimeoutException: Read timed out",
    "java.lang.NullPointerException: Cannot invoke \"Order.total()\" because \"order\" is null",
]
PY_FRAMES = [
    ('/srv/app/handlers/orders.py', 'handle', 'order = repo.get(order_id)'),
    ('/srv/app/agent/tools.py', 'call_tool', 'result = await tool.run(**arguments)'),
    ('/srv/app/clients/ehr.py', 'fetch', 'resp.raise_for_status()'),
    ('/usr/lib/python3.11/asyncio/tasks.py', 'wait_for', 'return fut.result()'),
    ('/srv/app/db/pool.py', 'acquire', 'conn = self._queue.get(timeout=self.timeout)'),
]
JAVA_FRAMES = [
    "com.example.ehr.client.RecordClient.fetch(RecordClient.java:{k})",
    "com.example.ehr.sync.SyncJob.run(SyncJob.java:{k})",
    "java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1136)",
    "io.netty.channel.nio.NioEventLoop.run(NioEventLoop.java:{k})",
]
PROMPT_USER = [
    "Can you summarize the last three lab results for this encounter?",
    "Reschedule the follow-up to next Tuesday afternoon if a slot is free.",
    "What is the usual starting dose of {drug}?",
    "Draft a reminder message about the appointment, keep it under 300 characters.",
    "Which claims from batch {n} were rejected and why?",
    "Check whether {icd} and CPT {cpt} are a valid pairing for billing.",
]
PROMPT_ASSISTANT = [
    "I looked up the encounter; the latest HbA1c was 6.9% and the lipid panel is pending.",
    "The follow-up is moved to Tuesday 14:30; a confirmation was queued (job {hex}).",
    "A common starting dose of {drug} is {dose} once daily; adjust per renal function.",
    "Batch {n} had {k} rejections, mostly missing modifier 25 on {cpt}.",
    "{icd} with CPT {cpt} is accepted by the payer rules engine v{ver}.",
]
# Expected lines of one line_stack() record: Python (p=0.6): header + "Traceback" +
# 2-4 frames of 2 lines + exception = 9 on average; Java (p=0.4): header + 2-5 "at"
# lines = 4.5 on average.
STACK_AVG_LINES = 0.6 * (2 + 2 * 3 + 1) + 0.4 * (1 + 3.5)
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# Alphabets for identifiers
MBI_ALPHA = "ACDEFGHJKMNPQRTUVWXY"          # CMS: no S, L, O, I, B, Z
MBI_ALNUM = "0123456789" + MBI_ALPHA
VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"  # no I, O, Q
VIN_YEAR = "ABCDEFGHJKLMNPRSTVWXY123456789"     # no U, Z, 0
VIN_TRANSLIT = {
    **{str(d): d for d in range(10)},
    "A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6, "G": 7, "H": 8,
    "J": 1, "K": 2, "L": 3, "M": 4, "N": 5, "P": 7, "R": 9,
    "S": 2, "T": 3, "U": 4, "V": 5, "W": 6, "X": 7, "Y": 8, "Z": 9,
}
VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
HEX = "0123456789abcdef"
compact_json = json.JSONEncoder(separators=(",", ":")).encode


# ---------------------------------------------------------------------------
# Check digits
# ---------------------------------------------------------------------------

def luhn_check_digit(payload: str) -> str:
    """Digit that makes payload + digit pass the Luhn test."""
    total = 0
    # Walk from the right; the digit to be appended sits at position 0 (not doubled),
    # so the rightmost payload digit is doubled.
    for i, ch in enumerate(reversed(payload)):
        d = ord(ch) - 48
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    return luhn_check_digit(number[:-1]) == number[-1]


def npi_check_digit(first9: str) -> str:
    """NPI check digit: Luhn over the prefix 80840 followed by the first 9 digits."""
    return luhn_check_digit("80840" + first9)


def dea_check_digit(six: str) -> str:
    d = [ord(c) - 48 for c in six]
    return str((d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5])) % 10)


def vin_check_digit(vin17: str) -> str:
    total = sum(VIN_TRANSLIT[c] * w for c, w in zip(vin17, VIN_WEIGHTS))
    r = total % 11
    return "X" if r == 10 else str(r)


# ---------------------------------------------------------------------------
# Generator
# ---------------------------------------------------------------------------

class Gen:
    def __init__(self, seed: int, phi_rate: float) -> None:
        self.rng = random.Random(seed)
        self.R = self.rng.random
        self.phi_rate = phi_rate
        # 2026-11-26 00:00:00 UTC plus a seed-dependent offset within the day.
        self.t_ms = calendar.timegm((2026, 11, 26, 0, 0, 0, 0, 0, 0)) * 1000 + int(self.R() * 86_400_000)
        self._sec = -1
        self._ts_date = self._ts_hms = self._ts_sys = self._ts_clf = ""
        self.truth: list[tuple[int, str, str]] | None = None
        self.line_no = 0  # lines emitted before the record being built
        self.ri, self.pick = self._make_helpers(self.R)

        ri = self.ri
        # Pools of non-PHI identifiers; picking from a pool is much cheaper than
        # building a fresh one per line and scanning cost does not depend on uniqueness.
        self.uuids = [self._uuid() for _ in range(4096)]
        self.hex16 = ["".join(HEX[ri(16)] for _ in range(16)) for _ in range(4096)]
        self.hex32 = ["".join(HEX[ri(16)] for _ in range(32)) for _ in range(2048)]
        self.hex8 = ["".join(HEX[ri(16)] for _ in range(8)) for _ in range(2048)]
        self.doc_ips = [self._doc_ipv4() for _ in range(512)]

        normal = [
            (self.line_iso, 24), (self.line_py, 14), (self.line_syslog, 10),
            (self.line_tool_call, 9), (self.line_tool_result, 8), (self.line_prompt, 7),
            (self.line_stack, 3), (self.line_access, 17), (self.line_metrics, 8),
        ]
        self.normal_table = [f for f, w in normal for _ in range(w)]
        # --phi-rate is a fraction of output lines. PHI records are one line each, but
        # a normal record averages slightly more (stack traces span several lines), so
        # the per-record probability is raised to keep the line fraction on target.
        total_w = sum(w for _, w in normal)
        stack_w = dict((f.__name__, w) for f, w in normal)["line_stack"]
        avg_normal_lines = ((total_w - stack_w) + stack_w * STACK_AVG_LINES) / total_w
        r = phi_rate
        self.phi_record_p = 0.0 if r <= 0 else 1.0 if r >= 1 else r * avg_normal_lines / (1 - r + r * avg_normal_lines)
        # PHI records are spaced by jittered systematic sampling rather than an independent
        # coin per record: every record adds phi_record_p to an accumulator and a PHI record
        # is due when it passes a threshold drawn from [0.5, 1.5). The mean rate is the same,
        # but even a 64 KiB sample carries close to its share of PHI lines.
        self.phi_acc = self.R() * self.phi_record_p
        self.phi_threshold = 0.5 + self.R()
        phi_hosts = [
            (self.phi_iso, 22), (self.phi_py, 14), (self.phi_syslog, 8),
            (self.phi_tool_call, 16), (self.phi_tool_result, 12), (self.phi_prompt, 20),
            (self.phi_access, 8),
        ]
        self.phi_host_table = [f for f, w in phi_hosts for _ in range(w)]
        kinds = [
            ("ssn", 10), ("phone", 12), ("dob", 10), ("mrn", 10), ("npi", 5), ("dea", 4),
            ("mbi", 4), ("card", 6), ("vin", 3), ("email", 10), ("url", 5), ("ipv4", 4),
            ("ipv6", 2), ("zip", 5), ("address", 6), ("age", 3), ("name", 12), ("mac", 1),
        ]
        self.kind_table = [k for k, w in kinds for _ in range(w)]

    # -- small helpers -----------------------------------------------------
    # ri(n): uniform int in [0, n); pick(seq): uniform element. Plain closures over
    # rng.random (installed in __init__) are markedly cheaper than bound methods.
    @staticmethod
    def _make_helpers(R):
        def ri(n: int) -> int:
            return int(R() * n)

        def pick(seq):
            return seq[int(R() * len(seq))]

        return ri, pick

    def _uuid(self) -> str:
        h = "%032x" % self.rng.getrandbits(128)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[self.ri(4)]}{h[17:20]}-{h[20:]}"

    def _doc_ipv4(self) -> str:
        net = ("192.0.2", "198.51.100", "203.0.113")[self.ri(3)]
        return f"{net}.{1 + self.ri(254)}"

    def tick(self) -> None:
        """Advance the clock 0-4 ms and refresh the cached per-second strings."""
        self.t_ms += int(self.R() * 5)
        sec = self.t_ms // 1000
        if sec != self._sec:
            self._sec = sec
            tm = time.gmtime(sec)
            self._ts_date = f"{tm.tm_year:04d}-{tm.tm_mon:02d}-{tm.tm_mday:02d}"
            self._ts_hms = f"{tm.tm_hour:02d}:{tm.tm_min:02d}:{tm.tm_sec:02d}"
            self._ts_sys = f"{MONTHS[tm.tm_mon - 1]} {tm.tm_mday:2d} {self._ts_hms}"
            self._ts_clf = f"{tm.tm_mday:02d}/{MONTHS[tm.tm_mon - 1]}/{tm.tm_year}:{self._ts_hms} +0000"

    def ts_iso(self) -> str:
        return f"{self._ts_date}T{self._ts_hms}.{self.t_ms % 1000:03d}Z"

    def ts_py(self) -> str:
        return f"{self._ts_date} {self._ts_hms},{self.t_ms % 1000:03d}"

    # -- non-PHI message bodies -------------------------------------------
    def app_message(self) -> str:
        ri, pick = self.ri, self.pick
        k = ri(16)
        if k == 0:
            return f"request {pick(self.hex16)} completed in {ri(900) + 1}ms status={pick(HTTP_STATUS)} bytes={ri(90000)}"
        if k == 1:
            return f"order ORD-2026-{ri(1000000):06d} total ${ri(2000)}.{ri(100):02d} items={ri(12) + 1} customer_tier={pick(('gold', 'silver', 'basic'))}"
        if k == 2:
            return f"claim {pick(self.uuids)} coded ICD-10 {pick(ICD10)} CPT {pick(CPT)} units={ri(4) + 1} amount=${ri(900)}.{ri(100):02d}"
        if k == 3:
            return f"medication order {pick(self.hex8)}: {pick(DRUGS)} {pick(DOSES)} every {pick(('6', '8', '12', '24'))}h for {ri(30) + 1} days"
        if k == 4:
            return f"upgrading {pick(PACKAGES)} from {ri(4)}.{ri(20)}.{ri(10)} to {ri(4)}.{ri(20)}.{ri(10)} (build {ri(99999):05d})"
        if k == 5:
            return f"consumer lag partition={ri(32)} offset={ri(10**9)} epoch_ms={self.t_ms - ri(5000)} lag={ri(400)}ms"
        if k == 6:
            return f"trace_id={pick(self.hex32)} span_id={pick(self.hex16)} parent={pick(self.hex16)} sampled=1"
        if k == 7:
            return f"worker {ri(64)} heartbeat seq={ri(10**7)} queue_depth={ri(500)} patient_count={ri(40)}"
        if k == 8:
            return f"GC pause {ri(120)}.{ri(1000):03d}ms heap={ri(4096)}MiB old_gen={ri(100)}%"
        if k == 9:
            return f"retrying upstream {pick(SERVICES)}.svc.cluster.local:{8000 + ri(100)} attempt {ri(5) + 1}/5 backoff={ri(2000)}ms"
        if k == 10:
            return f"connected to postgres at {pick(self.doc_ips)}:5432 pool_size={pick(('8', '16', '32'))} ssl=on"
        if k == 11:
            return f"cache {pick(('hit', 'miss'))} key=inventory:sku-{ri(100000)} ttl={ri(3600)}s ratio=0.{ri(100):02d}"
        if k == 12:
            return f"session {pick(self.uuids)} tokens_in={ri(8000)} tokens_out={ri(2000)} model=clinical-assist-{ri(4)}.{ri(10)} latency_ms={ri(5000)}"
        if k == 13:
            return f"scheduled job nightly-rollup id={ri(100000)} next_run_epoch={self.t_ms // 1000 + 86400} jitter={ri(60)}s"
        if k == 14:
            return f"rate limit bucket api:{pick(self.hex8)} remaining={ri(1000)}/1000 reset_in={ri(60)}s"
        return f"lab panel {pick(('CMP', 'CBC', 'A1C', 'TSH'))} result {ri(200)}.{ri(10)} ref 70-99 flagged={pick(('false', 'true'))} order={pick(self.hex8)}"

    # -- normal line builders ---------------------------------------------
    def line_iso(self) -> str:
        return f"{self.ts_iso()} {self.pick(LEVELS_ISO)} [{self.pick(SERVICES)}] {self.app_message()}\n"

    def line_py(self) -> str:
        return f"{self.ts_py()} {self.pick(LEVELS_PY)} {self.pick(LOGGERS)} - {self.app_message()}\n"

    def line_syslog(self) -> str:
        ri, pick = self.ri, self.pick
        prog = pick(PROGRAMS)
        k = ri(4)
        if k == 0:
            msg = f"Accepted publickey for deploy from {pick(self.doc_ips)} port {1024 + ri(60000)} ssh2: ED25519 SHA256:{pick(self.hex32)[:22]}"
        elif k == 1:
            msg = f"Started session {ri(100000)} of user deploy."
        elif k == 2:
            msg = f"container {pick(self.hex16)}{pick(self.hex16)[:4]} exited with code {pick(('0', '1', '137', '143'))} after {ri(100000)}s"
        else:
            msg = self.app_message()
        return f"{self._ts_sys} {pick(HOSTS)} {prog}[{100 + ri(60000)}]: {msg}\n"

    def line_access(self) -> str:
        ri, pick = self.ri, self.pick
        path = pick(HTTP_PATHS).format(n=ri(10**7), h=pick(self.hex8), k=ri(50))
        return (f'{pick(self.doc_ips)} - - [{self._ts_clf}] "{pick(HTTP_METHODS)} {path} HTTP/1.1" '
                f'{pick(HTTP_STATUS)} {ri(200000)} "-" "{pick(USER_AGENTS)}" {ri(3)}.{ri(1000):03d}\n')

    def line_metrics(self) -> str:
        ri, pick = self.ri, self.pick
        return (f'{self.ts_iso()} DEBUG [metrics] http_request_duration_seconds{{service="{pick(SERVICES)}",code="{pick(HTTP_STATUS)}"}} '
                f'p50=0.{ri(1000):03d} p99={ri(3)}.{ri(1000):03d} count={ri(10**6)} ts={self.t_ms}\n')

    def _json_line(self, obj: dict) -> str:
        return compact_json(obj) + "\n"

    def line_tool_call(self) -> str:
        ri, pick = self.ri, self.pick
        tool = pick(TOOLS)
        if tool == "ehr_lookup":
            args = {"encounter_id": pick(self.uuids), "fields": ["labs", "meds"], "limit": ri(20) + 1}
        elif tool == "schedule_appointment":
            args = {"clinic": f"clinic-{ri(40)}", "slot_epoch_ms": self.t_ms + ri(10**9), "duration_min": pick((15, 30, 45))}
        elif tool == "search_formulary":
            args = {"query": pick(DRUGS), "strength": pick(DOSES), "plan": f"PLAN-{ri(9999):04d}"}
        elif tool == "create_claim":
            args = {"icd10": [pick(ICD10), pick(ICD10)], "cpt": pick(CPT), "amount": f"{ri(900)}.{ri(100):02d}"}
        elif tool == "send_message":
            args = {"template": "appointment_reminder_v3", "channel": pick(("sms", "email", "portal")), "request_id": pick(self.hex16)}
        else:
            args = {"order_id": pick(self.hex8), "panel": pick(("CMP", "CBC", "A1C")), "since_ms": self.t_ms - ri(10**10)}
        return self._json_line({"ts": self.ts_iso(), "type": "tool_call", "call_id": f"call_{pick(self.hex16)}",
                                "tool": tool, "arguments": compact_json(args)})

    def line_tool_result(self) -> str:
        ri, pick = self.ri, self.pick
        k = ri(4)
        if k == 0:
            content = {"status": "ok", "results": ri(20), "elapsed_ms": ri(2000)}
        elif k == 1:
            content = {"status": "ok", "labs": [{"code": "4548-4", "value": f"{ri(5) + 5}.{ri(10)}", "unit": "%"}]}
        elif k == 2:
            content = {"status": "error", "error": "upstream timeout", "retry_after_s": ri(30)}
        else:
            content = {"status": "ok", "claim_id": pick(self.uuids), "icd10": pick(ICD10), "cpt": pick(CPT)}
        return self._json_line({"ts": self.ts_iso(), "type": "tool_result", "call_id": f"call_{pick(self.hex16)}",
                                "tool": pick(TOOLS), "content": compact_json(content)})

    def _fill(self, template: str) -> str:
        ri, pick = self.ri, self.pick
        return template.format(drug=pick(DRUGS), dose=pick(DOSES), n=ri(100000), icd=pick(ICD10),
                               cpt=pick(CPT), hex=pick(self.hex8), k=ri(30), ver=f"{ri(4)}.{ri(20)}.{ri(10)}")

    def line_prompt(self) -> str:
        if self.R() < 0.5:
            return "user: " + self._fill(self.pick(PROMPT_USER)) + "\n"
        return "assistant: " + self._fill(self.pick(PROMPT_ASSISTANT)) + "\n"

    def line_stack(self) -> str:
        ri, pick = self.ri, self.pick
        if self.R() < 0.6:
            out = [f"{self.ts_py()} ERROR {pick(LOGGERS)} - unhandled exception in task {pick(self.hex8)}\n",
                   "Traceback (most recent call last):\n"]
            for _ in range(2 + ri(3)):
                path, fn, code = pick(PY_FRAMES)
                out.append(f'  File "{path}", line {ri(900) + 1}, in {fn}\n    {code}\n')
            out.append(pick(EXCEPTIONS) + "\n")
            return "".join(out)
        out = [f"{self.ts_iso()} ERROR [{pick(SERVICES)}] {pick(JAVA_EXC)}\n"]
        for _ in range(2 + ri(4)):
            out.append("\tat " + pick(JAVA_FRAMES).format(k=ri(900) + 1) + "\n")
        return "".join(out)

    # -- PHI values ---------------------------------------------------------
    # Each returns (raw value, phrase with natural context, json key).
    def _name(self) -> tuple[str, str]:
        return self.pick(FIRST_NAMES), self.pick(LAST_NAMES)

    def phi_value(self, kind: str) -> tuple[str, str, str]:
        ri, pick, R = self.ri, self.pick, self.R
        if kind == "ssn":
            area = 1 + ri(898)
            if area >= 666:
                area += 1            # 001-665, 667-899
            v = f"{area:03d}-{1 + ri(99):02d}-{1 + ri(9999):04d}"
            k = ri(5)
            if k == 3:
                v = v.replace("-", " ")
            elif k == 4:
                v = v.replace("-", "")
            ctx = pick(("SSN {}", "SSN: {}", "social security number {}", "ssn={}", "SS# {}"))
            return v, ctx.format(v), "ssn"
        if kind == "phone":
            a = pick(AREA_CODES)
            x = f"{ri(100):02d}"
            v = pick((f"({a}) 555-01{x}", f"{a}-555-01{x}", f"{a}.555.01{x}", f"+1 {a} 555 01{x}",
                      f"+1-{a}-555-01{x}", f"{a} 555 01{x}"))
            ctx = pick(("phone {}", "call me at {}", "cell: {}", "contact number {}", "tel {}", "reachable at {}"))
            return v, ctx.format(v), "phone"
        if kind == "dob":
            y, m, d = 1930 + ri(75), 1 + ri(12), 1 + ri(28)
            k = ri(4)
            if k == 0:
                v = f"{m:02d}/{d:02d}/{y}"
                return v, f"DOB: {v}", "dob"
            if k == 1:
                v = f"{y}-{m:02d}-{d:02d}"
                return v, f"date of birth {v}", "date_of_birth"
            if k == 2:
                v = f"{m}/{d}/{y}"
                return v, f"D.O.B. {v}", "dob"
            v = f"{y}-{m:02d}-{d:02d}"
            return v, f"born {v}", "birth_date"
        if kind == "mrn":
            v = f"{ri(10**8):08d}" if R() < 0.7 else f"MR{ri(10**7):07d}"
            ctx = pick(("MRN: {}", "MRN {}", "medical record number {}", "mrn={}", "MRN#{}"))
            return v, ctx.format(v), "mrn"
        if kind == "npi":
            first9 = str(1 + ri(2)) + f"{ri(10**8):08d}"
            v = first9 + npi_check_digit(first9)
            return v, pick(("NPI {}", "NPI: {}", "npi={}", "prescriber NPI {}")).format(v), "npi"
        if kind == "dea":
            six = f"{ri(10**6):06d}"
            v = pick("ABFGM") + pick("ABCDEFGHJKLMNPRSTW") + six + dea_check_digit(six)
            return v, pick(("DEA {}", "DEA# {}", "DEA number {}", "dea={}")).format(v), "dea"
        if kind == "mbi":
            c = [str(1 + ri(9)), pick(MBI_ALPHA), pick(MBI_ALNUM), str(ri(10)), pick(MBI_ALPHA), pick(MBI_ALNUM),
                 str(ri(10)), pick(MBI_ALPHA), pick(MBI_ALPHA), str(ri(10)), str(ri(10))]
            s = "".join(c)
            v = f"{s[:4]}-{s[4:7]}-{s[7:]}" if R() < 0.5 else s
            return v, pick(("MBI {}", "Medicare MBI: {}", "mbi={}", "Medicare ID {}")).format(v), "mbi"
        if kind == "card":
            k = ri(4)
            if k == 0:
                body = "4111" + f"{ri(10**11):011d}"
            elif k == 1:
                body = "5555" + f"{ri(10**11):011d}"
            elif k == 2:
                body = "6011" + f"{ri(10**11):011d}"
            else:
                body = pick(("34", "37")) + f"{ri(10**12):012d}"
            n = body + luhn_check_digit(body)
            style = ri(3)
            if len(n) == 16 and style == 0:
                v = " ".join(n[i:i + 4] for i in range(0, 16, 4))
            elif len(n) == 16 and style == 1:
                v = "-".join(n[i:i + 4] for i in range(0, 16, 4))
            elif len(n) == 15 and style == 0:
                v = f"{n[:4]} {n[4:10]} {n[10:]}"
            else:
                v = n
            return v, pick(("card {}", "card number {}", "paid with {}", "cc={}", "credit card {}")).format(v), "card_number"
        if kind == "vin":
            head = "".join(pick(VIN_CHARS) for _ in range(8))
            tail = pick(VIN_YEAR) + "".join(pick(VIN_CHARS) for _ in range(2)) + f"{ri(10**5):05d}"
            v17 = head + "0" + tail
            v = head + vin_check_digit(v17) + tail
            return v, pick(("VIN {}", "vehicle VIN: {}", "vin={}")).format(v), "vin"
        if kind == "email":
            f, l = self._name()
            local = pick((f"{f}.{l}", f"{f[0]}{l}", f"{f}{ri(100)}", f"{l}.{f}")).lower()
            v = f"{local}@{pick(EMAIL_DOMAINS)}"
            return v, pick(("email {}", "e-mail: {}", "reply to {}", "contact {}", "<{}>")).format(v), "email"
        if kind == "url":
            v = pick((f"https://{pick(URL_HOSTS)}/patients/{ri(10**8):08d}/chart",
                      f"https://{pick(URL_HOSTS)}/patient/{pick(self.uuids)}/records?tab=labs",
                      f"https://{pick(URL_HOSTS)}/api/v1/patients/{ri(10**8):08d}"))
            return v, pick(("see {}", "record at {}", "link: {}", "url={}")).format(v), "callback_url"
        if kind == "ipv4":
            v = self._doc_ipv4()
            return v, pick(("client ip {}", "patient device ip {}", "remote_addr={}", "login from {}")).format(v), "client_ip"
        if kind == "ipv6":
            g = [f"{ri(65536):x}" for _ in range(4)]
            v = pick((f"2001:db8:{g[0]}:{g[1]}::{g[2]}", f"2001:db8::{g[0]}:{g[1]}",
                      f"2001:db8:{g[0]}:{g[1]}:{g[2]}:{g[3]}:{ri(65536):x}:{ri(65536):x}"))
            return v, pick(("client ipv6 {}", "patient device ip {}", "remote_addr={}")).format(v), "client_ip"
        if kind == "zip":
            v = f"{ri(100000):05d}" if R() < 0.8 else f"{ri(100000):05d}-{ri(10000):04d}"
            return v, pick(("ZIP {}", "zip code {}", "ZIP: {}", "postal code {}")).format(v), "zip"
        if kind == "address":
            v = f"{1 + ri(9998)} {pick(STREET_NAMES)} {pick(STREET_TYPES)}"
            return v, pick(("lives at {}", "address: {}", "home address {}", "ship to {}")).format(v), "address"
        if kind == "age":
            a = 90 + ri(18)
            v = f"{a}-year-old"
            return v, pick(("{} female", "{} male", "a {} patient", "{} with CHF")).format(v), "age_note"
        if kind == "mac":
            v = ":".join(f"{ri(256):02x}" for _ in range(6))
            return v, pick(("bedside monitor mac {}", "device mac={}", "infusion pump MAC {}")).format(v), "device_mac"
        # name
        f, l = self._name()
        k = ri(5)
        if k == 0:
            return f"{f} {l}", f"Patient: {f} {l}", "patient_name"
        if k == 1:
            return l, f"Dr. {l}", "provider"
        if k == 2:
            return l, f"{pick(('Mr.', 'Mrs.', 'Ms.'))} {l}", "patient_name"
        if k == 3:
            return f"{f} {l}", f"Name: {f} {l}", "patient_name"
        return f"{f} {l}", f"patient {f} {l}", "patient_name"

    def _phi_values(self, max_values: int = 2) -> list[tuple[str, str, str, str]]:
        n = 1 if max_values == 1 or self.R() < 0.7 else 2
        out = []
        for _ in range(n):
            kind = self.pick(self.kind_table)
            raw, phrase, key = self.phi_value(kind)
            out.append((kind, raw, phrase, key))
        if self.truth is not None:
            for kind, raw, _, _ in out:
                self.truth.append((self.line_no + 1, kind, raw))
        return out

    @staticmethod
    def _json_fields(vals) -> list[tuple[str, str]]:
        """(key, value) pairs for JSON records; a repeated key gets a _2 suffix."""
        out: list[tuple[str, str]] = []
        seen = set()
        for _, raw, phrase, key in vals:
            if key in seen:
                key += "_2"
            seen.add(key)
            # Titles stay with a bare surname so the value keeps its context.
            value = phrase if phrase.startswith(("Dr. ", "Mr. ", "Mrs. ", "Ms. ")) else raw
            out.append((key, value))
        return out

    def _phi_sentence(self, vals) -> str:
        pick = self.pick
        if len(vals) == 1:
            p = vals[0][2]
            return pick((
                f"intake updated: {p}",
                f"verification failed for {p}, escalating to queue {self.ri(20)}",
                f"matched record with {p} (confidence 0.{self.ri(100):02d})",
                f"note appended by agent: {p}",
                f"lookup request {pick(self.hex8)} {p} took {self.ri(900)}ms",
            ))
        a, b = vals[0][2], vals[1][2]
        return pick((
            f"intake updated: {a}, {b}",
            f"verification failed for {a} / {b}, escalating",
            f"merged duplicate chart: {a} and {b}",
            f"agent note: {a}; {b}",
        ))

    # -- PHI line builders ------------------------------------------------
    def phi_iso(self) -> str:
        return f"{self.ts_iso()} {self.pick(LEVELS_ISO)} [{self.pick(SERVICES)}] {self._phi_sentence(self._phi_values())}\n"

    def phi_py(self) -> str:
        return f"{self.ts_py()} {self.pick(LEVELS_PY)} {self.pick(LOGGERS)} - {self._phi_sentence(self._phi_values())}\n"

    def phi_syslog(self) -> str:
        return (f"{self._ts_sys} {self.pick(HOSTS)} {self.pick(PROGRAMS)}[{100 + self.ri(60000)}]: "
                f"{self._phi_sentence(self._phi_values())}\n")

    def phi_tool_call(self) -> str:
        vals = self._phi_values()
        args = {"request_id": self.pick(self.hex16)}
        for key, value in self._json_fields(vals):
            args[key] = value
        return self._json_line({"ts": self.ts_iso(), "type": "tool_call", "call_id": f"call_{self.pick(self.hex16)}",
                                "tool": self.pick(("ehr_lookup", "ehr_lookup", "send_message", "schedule_appointment")),
                                "arguments": compact_json(args)})

    def phi_tool_result(self) -> str:
        vals = self._phi_values()
        if self.R() < 0.5:
            content = {"status": "ok", "record": dict(self._json_fields(vals))}
        else:
            content = {"status": "ok", "summary": "Found chart: " + "; ".join(p for _, _, p, _ in vals)}
        return self._json_line({"ts": self.ts_iso(), "type": "tool_result", "call_id": f"call_{self.pick(self.hex16)}",
                                "tool": "ehr_lookup", "content": compact_json(content)})

    def phi_prompt(self) -> str:
        vals = self._phi_values()
        ps = [p for _, _, p, _ in vals]
        if self.R() < 0.6:
            body = self.pick((
                "Please update the chart, {}.",
                "Hi, this is about my refill; {}.",
                "Can you check the claim for {}?",
                "Book a follow-up, {}, thanks.",
            )).format(", ".join(ps))
            return f"user: {body}\n"
        body = self.pick((
            "I found the record ({}) and queued the update.",
            "Confirmed: {}. The appointment is on the schedule.",
            "The claim for {} is pending review.",
        )).format(", ".join(ps))
        return f"assistant: {body}\n"

    def phi_access(self) -> str:
        kind, raw, phrase, key = self._phi_values(max_values=1)[0]
        ri, pick = self.ri, self.pick
        if kind == "url":
            # The patient URL arrives as the referer of an ordinary request.
            return (f'{pick(self.doc_ips)} - - [{self._ts_clf}] "GET /api/v1/session/refresh HTTP/1.1" '
                    f'200 {ri(9000)} "{raw}" "{pick(USER_AGENTS)}" 0.{ri(1000):03d}\n')
        if kind == "ipv4":
            return (f'{raw} - - [{self._ts_clf}] "GET /api/v1/patient/{ri(10**8):08d}/summary HTTP/1.1" '
                    f'200 {ri(90000)} "-" "{pick(USER_AGENTS)}" 0.{ri(1000):03d}\n')
        target = f"/api/v1/lookup?{key}={quote(raw, safe='')}"
        return (f'{pick(self.doc_ips)} - - [{self._ts_clf}] "{pick(("GET", "POST"))} {target} HTTP/1.1" '
                f'{pick(HTTP_STATUS)} {ri(90000)} "-" "{pick(USER_AGENTS)}" 0.{ri(1000):03d}\n')

    # -- driver -------------------------------------------------------------
    def record(self) -> str:
        self.tick()
        if self.phi_record_p >= 1.0:
            return self.pick(self.phi_host_table)()
        self.phi_acc += self.phi_record_p
        if self.phi_acc >= self.phi_threshold:
            self.phi_acc -= self.phi_threshold
            self.phi_threshold = 0.5 + self.R()
            return self.pick(self.phi_host_table)()
        return self.pick(self.normal_table)()


def parse_size(text: str) -> int:
    t = text.strip().upper().removesuffix("IB").removesuffix("B")
    mult = 1
    if t and t[-1] in "KMG":
        mult = {"K": 1024, "M": 1024 ** 2, "G": 1024 ** 3}[t[-1]]
        t = t[:-1]
    try:
        value = float(t)
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad size {text!r}: use e.g. 64K, 100M, 1G") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("size must be positive")
    return int(value * mult)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Generate a synthetic log workload with sparse fictional PHI.")
    ap.add_argument("--size", type=parse_size, default=parse_size("100M"), help="target size: 64K, 100M, 1G (binary units)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--phi-rate", type=float, default=0.02, help="fraction of records carrying PHI (default 0.02)")
    ap.add_argument("--out", default="-", help="output file, '-' for stdout")
    ap.add_argument("--truth", help="optional JSON Lines file listing each inserted PHI value with its line number")
    args = ap.parse_args(argv)
    if not 0.0 <= args.phi_rate <= 1.0:
        ap.error("--phi-rate must be between 0 and 1")

    gen = Gen(args.seed, args.phi_rate)
    if args.truth:
        gen.truth = []
    target = args.size
    out = sys.stdout.buffer if args.out == "-" else open(args.out, "wb")
    written = 0
    batch: list[str] = []
    batch_len = 0
    record = gen.record
    append = batch.append
    want_lines = gen.truth is not None
    try:
        while written + batch_len < target:
            s = record()
            append(s)
            batch_len += len(s)
            if want_lines:
                gen.line_no += s.count("\n")
            if batch_len >= 4 << 20:
                out.write("".join(batch).encode("ascii"))
                written += batch_len
                batch.clear()
                batch_len = 0
        if batch:
            out.write("".join(batch).encode("ascii"))
            written += batch_len
        out.flush()
    except BrokenPipeError:
        return 0
    finally:
        if out is not sys.stdout.buffer:
            out.close()
    if args.truth:
        with open(args.truth, "w", encoding="ascii") as tf:
            for line, kind, value in gen.truth:
                tf.write(json.dumps({"line": line, "kind": kind, "value": value}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
