#!/usr/bin/env python3
"""Held-out probe generator for phiscrub.

Usage: generate.py [SEED [OUT]]   (default seed 7, OUT cases.jsonl beside this script)

Needs Faker from PyPI (MIT licence; measured with Faker 40.63.0): see README.md here.

Every case: {"kind", "category", "text", "spans": [[start, end, label], ...],
             "span_meta": [{...}, ...]}   (span_meta aligned with spans)
Offsets are Python code-point offsets into "text". Texts never contain a raw
newline (JSON-shaped texts escape theirs).  All data is fictional (Faker +
hand-made word lists; phones 555-01xx, emails at example.com/.org).
"""
import json
import os
import random
import re
import sys

from faker import Faker

SEED = int(sys.argv[1]) if len(sys.argv) > 1 else 7
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases.jsonl")
R = random.Random(SEED)

# ----------------------------------------------------------------- names ----
LOCALES = ["en_US", "es_ES", "es_MX", "de_DE", "fr_FR", "it_IT", "pl_PL",
           "vi_VN", "zh_CN", "ko_KR", "hi_IN", "ar_AA", "sv_SE", "fi_FI",
           "nl_NL", "pt_BR", "ru_RU"]
FK = {}
for i, loc in enumerate(LOCALES + ["en_IN"]):
    f = Faker(loc)
    f.seed_instance(SEED * 1000 + i)
    FK[loc] = f
EN = FK["en_US"]

VI_GIVEN = ["Anh", "Linh", "Hương", "Tuấn", "Minh", "Thảo", "Phương", "Dũng",
            "Huy", "Trang", "Lan", "Khoa", "Ngọc", "Bảo", "Quân", "Hạnh"]
KO_LAST = ["Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon",
           "Jang", "Lim", "Han", "Shin", "Seo", "Kwon", "Hwang", "Ahn"]
KO_FIRST = ["Min-jun", "Seo-yeon", "Ji-ho", "Ha-eun", "Do-yun", "Soo-ah",
            "Jae-won", "Yuna", "Hyun-woo", "Eun-ji", "Sung-min", "Ji-woo",
            "Dong-hyun", "Mi-rae", "Tae-yang", "Hye-jin"]
AR_FIRST = ["Mohammed", "Ahmad", "Youssef", "Omar", "Khalid", "Fatima",
            "Aisha", "Layla", "Mariam", "Hassan", "Nour", "Rania", "Tariq",
            "Samir", "Huda", "Zainab", "Karim", "Salma"]
AR_LAST = ["Al-Rashid", "Haddad", "Nasser", "El-Amin", "Mansour", "Khoury",
           "Saleh", "Al-Farsi", "Aziz", "Hamdan", "Qasim", "Bitar", "Darwish",
           "Abu-Zeid", "Othman", "Shaheen"]
COMMON_WORD_NAMES = [("Will", "Baker"), ("April", "May"), ("Faith", "Hope"),
                     ("Rose", "Hill"), ("June", "Summers"), ("Hope", "Price"),
                     ("Mark", "Hunter"), ("Dawn", "Rivers"), ("Amber", "Stone"),
                     ("Joy", "Long"), ("Robin", "Wood"), ("Penny", "Cash"),
                     ("Summer", "Fields"), ("Crystal", "Banks"), ("Grant", "Hall"),
                     ("Holly", "Green"), ("Sunny", "Day"), ("Bill", "Lake"),
                     ("Frank", "Street"), ("Pat", "Brown"), ("Chance", "Miller"),
                     ("Art", "Painter"), ("Ivy", "Church"), ("Sterling", "Silver"),
                     ("Hunter", "Cook"), ("Grace", "Young"), ("Autumn", "Wells"),
                     ("Rich", "Gold"), ("Drew", "Swift"), ("Cliff", "Rock")]
PARTICLES = ["van der", "van", "de la", "de", "del", "von", "di", "da",
             "dos", "du", "le", "van den", "ten"]

PARTICLE_BY_LOC = {"en_US": ["van der", "de la", "von", "di", "Mac"],
                   "es_ES": ["de la", "del", "de"], "es_MX": ["de la", "del", "de los"],
                   "de_DE": ["von", "von der", "zu"], "fr_FR": ["de", "du", "le", "de la"],
                   "it_IT": ["di", "da", "de", "del"], "nl_NL": ["van der", "van", "van den", "ten", "de"],
                   "pt_BR": ["da", "dos", "de", "das"]}
CYR = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
               ["a", "b", "v", "g", "d", "e", "yo", "zh", "z", "i", "y", "k",
                "l", "m", "n", "o", "p", "r", "s", "t", "u", "f", "kh", "ts",
                "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"]))


def translit(s):
    out = []
    for ch in s:
        lo = ch.lower()
        if lo in CYR:
            t = CYR[lo]
            out.append(t.capitalize() if ch != lo else t)
        else:
            out.append(ch)
    return "".join(out)


def clean_tok(s):
    return s.strip().rstrip(".")


def base_name(loc):
    """-> (first, last, script) for locale; script 'latin' or native."""
    f = FK[loc]
    if loc == "vi_VN":
        last = f.last_name()
        mid = f.middle_name() if hasattr(f, "middle_name") else ""
        return (f"{mid} {R.choice(VI_GIVEN)}".strip(), last, "latin")
    if loc == "zh_CN":
        if R.random() < 0.3:
            return (f.first_name(), f.last_name(), "han")
        return (f.first_romanized_name(), f.last_romanized_name(), "latin")
    if loc == "ko_KR":
        if R.random() < 0.3:
            return (f.first_name(), f.last_name(), "hangul")
        return (R.choice(KO_FIRST), R.choice(KO_LAST), "latin")
    if loc == "hi_IN":
        if R.random() < 0.3:
            return (f.first_name(), f.last_name(), "devanagari")
        g = FK["en_IN"]
        return (g.first_name(), g.last_name(), "latin")
    if loc == "ar_AA":
        if R.random() < 0.3:
            return (f.first_name(), f.last_name(), "arabic")
        return (R.choice(AR_FIRST), R.choice(AR_LAST), "latin")
    if loc == "ru_RU":
        fi, la = f.first_name(), f.last_name()
        if R.random() < 0.3:
            return (fi, la, "cyrillic")
        return (translit(fi), translit(la), "latin")
    return (clean_tok(f.first_name()), clean_tok(f.last_name()), "latin")


def pick_locale():
    return "en_US" if R.random() < 0.25 else R.choice(LOCALES[1:])


STYLE_W = [("plain", 40), ("middle_initial", 10), ("hyphenated", 8),
           ("particle", 8), ("apostrophe", 5), ("last_first", 8),
           ("common_word", 8), ("lowercase", 8), ("caps", 3)]


def make_name(style=None, loc=None, allow=None):
    """-> (text, meta)."""
    if style is None:
        pool = [(s, w) for s, w in STYLE_W if allow is None or s in allow]
        style = R.choices([s for s, _ in pool], [w for _, w in pool])[0]
    if style == "common_word":
        fi, la = R.choice(COMMON_WORD_NAMES)
        return f"{fi} {la}", {"style": style, "locale": "en_US", "script": "latin"}
    loc = loc or pick_locale()
    fi, la, script = base_name(loc)
    if script != "latin" and style not in ("plain",):
        style = "plain"
    if style == "plain" or style == "lowercase" or style == "caps":
        if script in ("han", "hangul"):
            t = la + fi
        elif loc == "vi_VN":
            t = f"{la} {fi}"
        else:
            t = f"{fi} {la}"
        if style == "lowercase":
            t = t.lower()
        if style == "caps":
            t = t.upper()
    elif style == "middle_initial":
        t = f"{fi} {R.choice('ABCDEFGHJKLMNPRSTW')}. {la}"
    elif style == "hyphenated":
        la2, sc2 = "", ""
        while sc2 != "latin":
            _, la2, sc2 = base_name(loc if loc not in ("zh_CN", "ko_KR") else "en_US")
        t = f"{fi} {la}-{la2}" if "-" not in la else f"{fi} {la}"
    elif style == "particle":
        if loc not in PARTICLE_BY_LOC:
            loc = R.choice(sorted(PARTICLE_BY_LOC))
            fi, la, script = base_name(loc)
        t = f"{fi} {R.choice(PARTICLE_BY_LOC[loc])} {la}"
    elif style == "apostrophe":
        t = f"{fi} {R.choice(['O', 'D', 'O', 'N'])}'{EN.last_name()}"
        loc = "en_US/irish"
    elif style == "last_first":
        mi = f" {R.choice('ABCDEJKLMRST')}." if R.random() < 0.3 else ""
        t = f"{la}, {fi}{mi}"
    else:
        raise ValueError(style)
    return t, {"style": style, "locale": loc, "script": script}


def first_only():
    loc = pick_locale()
    fi, la, script = base_name(loc)
    return fi, {"style": "first_only", "locale": loc, "script": script}


def last_only():
    loc = pick_locale()
    fi, la, script = base_name(loc)
    return la, {"style": "last_only", "locale": loc, "script": script}


# ------------------------------------------------------------- addresses ----
SUFFIXES = ["Street", "St", "Avenue", "Ave", "Road", "Rd", "Drive", "Dr",
            "Lane", "Ln", "Court", "Ct", "Boulevard", "Blvd", "Way", "Place",
            "Pl", "Terrace", "Ter", "Circle", "Cir", "Parkway", "Pkwy",
            "Highway", "Hwy", "Trail", "Loop", "Lock", "Locks", "Gateway",
            "Gtwy", "Keys", "Kys", "Village", "Vlg", "Crossing", "Xing", "Pike",
            "Trace", "Row", "Pass", "Run", "Bend", "Cove", "Glen", "Heights",
            "Hollow", "Landing", "Manor", "Meadows", "Plaza", "Point", "Ridge",
            "Spur", "Turnpike", "Vista", "Walk", "Alley", "Causeway", "Junction",
            "Knoll", "Mews", "Orchard", "Oval", "Path", "Summit", "Square",
            "Station", "Crest", "Bluff", "Brook", "Harbor", "Isle", "Pines",
            "Springs", "Stravenue", "Overpass", "Fork", "Ford", "Cape"]
STREET_WORDS = ["Oak", "Willow", "Maple", "Cedar", "Lakeview", "Sunset", "Mill",
                "Church", "Elm", "Pine", "Hillcrest", "Riverside", "Meadowbrook",
                "Highland", "Cherry", "Magnolia", "Foxglove", "Harbor",
                "Juniper", "Old Mill", "Stone Ridge", "Deer Creek", "Quail Run",
                "Red Fox", "Silver Lake", "Martin Luther King Jr", "Main",
                "Broad", "Market", "Washington", "Lincoln", "Jefferson"]
ORDINALS = ["1st", "2nd", "3rd", "4th", "5th", "12th", "21st", "42nd", "103rd"]
DIRS = ["N", "S", "E", "W", "NE", "NW", "SE", "SW", "North", "West"]
UNITS = ["Apt {n}", "Apt. {n}", "Suite {n}", "Ste {n}", "# {n}", "#{n}",
         "Unit {n}", "Bldg {a}", "Fl {d}", "Rm {n}", "Lot {d}", "Apt {n}{a}"]
REAL_CITIES = [("Fresno", "CA"), ("San Luis Obispo", "CA"), ("St. Louis", "MO"),
               ("Winston-Salem", "NC"), ("Coeur d'Alene", "ID"),
               ("Port St. Lucie", "FL"), ("Springfield", "IL"), ("Tulsa", "OK"),
               ("Boise", "ID"), ("Ann Arbor", "MI"), ("Santa Fe", "NM"),
               ("Chattanooga", "TN"), ("Bangor", "ME"), ("Duluth", "MN"),
               ("Eau Claire", "WI"), ("Bend", "OR"), ("Provo", "UT"),
               ("Savannah", "GA"), ("Hoboken", "NJ"), ("Yonkers", "NY"),
               ("Fort Collins", "CO"), ("Lake Havasu City", "AZ"),
               ("Sioux Falls", "SD"), ("Baton Rouge", "LA"), ("Mobile", "AL"),
               ("Independence", "MO"), ("Paradise", "NV"), ("Marietta", "GA"),
               ("Troy", "NY"), ("Athens", "GA"), ("Hope", "AR"), ("Normal", "IL"),
               ("Kalamazoo", "MI"), ("Wilkes-Barre", "PA"), ("La Crosse", "WI"),
               ("El Paso", "TX"), ("McAllen", "TX"), ("Pawtucket", "RI")]
STATES = ["AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI",
          "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN",
          "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH",
          "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
          "WV", "WI", "WY"]


def city_state():
    if R.random() < 0.5:
        return R.choice(REAL_CITIES)
    return EN.city(), R.choice(STATES)


def zipcode():
    z = f"{R.randint(1001, 99950):05d}"
    if R.random() < 0.25:
        z += f"-{R.randint(1, 9999):04d}"
    return z


def street_line(unit_p=0.35):
    num = str(R.randint(1, 99999)) if R.random() < 0.9 else f"{R.randint(1, 999)}{R.choice('AB')}"
    parts = [num]
    if R.random() < 0.15:
        parts.append(R.choice(DIRS))
    r = R.random()
    if r < 0.35:
        parts.append(R.choice(STREET_WORDS))
    elif r < 0.45:
        parts.append(R.choice(ORDINALS))
    elif r < 0.75:
        parts.append(EN.last_name())
    else:
        parts.append(EN.first_name())
    parts.append(R.choice(SUFFIXES))
    s = " ".join(parts)
    if R.random() < unit_p:
        u = R.choice(UNITS).format(n=R.randint(1, 2400), a=R.choice("ABCDEF"),
                                   d=R.randint(1, 30))
        s += R.choice([", ", " "]) + u
    return s


def po_box():
    return R.choice(["PO Box", "P.O. Box", "P. O. Box", "Post Office Box",
                     "POB"]) + f" {R.randint(1, 99999)}"


# ------------------------------------------------------------ other PHI ----
MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]


def dob():
    y, m, d = R.randint(1931, 2019), R.randint(1, 12), R.randint(1, 28)
    return R.choice([f"{y}-{m:02d}-{d:02d}", f"{m:02d}/{d:02d}/{y}",
                     f"{m}/{d}/{y % 100:02d}", f"{MONTHS[m-1]} {d}, {y}",
                     f"{d} {MONTHS[m-1][:3]} {y}", f"{m}/{d}/{y}"])


def svc_date():
    y, m, d = R.randint(2021, 2025), R.randint(1, 12), R.randint(1, 28)
    return R.choice([f"{y}-{m:02d}-{d:02d}", f"{m:02d}/{d:02d}/{y}"])


def phone():
    a = R.choice(["415", "212", "312", "617", "206", "503", "720", "919"])
    n = f"01{R.randint(0, 99):02d}"
    return R.choice([f"{a}-555-{n}", f"({a}) 555-{n}", f"{a}5550{n[1:]}",
                     f"{a}.555.{n}", f"+1 {a} 555 {n}", f"+1-{a}-555-{n}"])


def ssn():
    a = R.randint(100, 665)
    g, s = R.randint(1, 99), R.randint(1, 9999)
    return R.choice([f"{a:03d}-{g:02d}-{s:04d}"] * 3 + [f"{a:03d}{g:02d}{s:04d}",
                    f"{a:03d} {g:02d} {s:04d}"])


def mrn():
    return R.choice([f"{R.randint(100000, 99999999)}", f"MRN{R.randint(100000, 9999999)}",
                     f"A{R.randint(1000000, 9999999)}", f"00{R.randint(10000, 999999)}"])


def member():
    return R.choice([f"W{R.randint(100000000, 999999999)}",
                     f"MBR-{R.randint(10000000, 99999999)}",
                     f"{R.choice('XYZ')}{R.choice('KQT')}{R.randint(1000000, 9999999)}01"])


def email(nm=None):
    if nm is None:
        fi, la, sc = base_name("en_US")
    else:
        bits = re.findall(r"[A-Za-z]+", nm)
        fi, la = (bits + ["pat", "x"])[:2] if bits else ("pat", "x")
    return f"{fi.lower()}.{la.lower()}{R.choice(['', str(R.randint(1, 99))])}@{R.choice(['example.com', 'example.org', 'mail.example.com'])}"


# ------------------------------------------------------- case building ----
class Case:
    def __init__(self, kind, category):
        self.kind, self.category = kind, category
        self.parts = []  # (text, label|None, meta)

    def t(self, s):
        self.parts.append((s, None, None)); return self

    def s(self, s, label, **meta):
        self.parts.append((s, label, meta)); return self

    def name(self, **kw):
        t, m = make_name(**kw)
        return self.s(t, "NAME", **m)

    def tail(self, sep=", "):
        c, st = city_state()
        self.t(sep).s(c, "CITY").t(f", {st} ").s(zipcode(), "ZIP")
        return self

    def address(self, unit_p=0.35, po=0.08):
        if R.random() < po:
            self.s(po_box(), "STREET", style="pobox")
        else:
            self.s(street_line(unit_p), "STREET", style="street")
        return self.tail(R.choice([", ", ", ", " "]))

    def flat(self):
        text, spans, meta = "", [], []
        for s, lab, m in self.parts:
            if lab:
                spans.append([len(text), len(text) + len(s), lab])
                meta.append(m or {})
            text += s
        return text, spans, meta


def fill(case, template, ctx=None):
    """Template with {PLACEHOLDERS}; appended to case."""
    ctx = ctx or {}
    for tok in re.split(r"(\{[A-Z0-9_]+\})", template):
        if not (tok.startswith("{") and tok.endswith("}")):
            if tok:
                case.t(tok)
            continue
        k = tok[1:-1]
        if k in ctx:
            v = ctx[k]
            if isinstance(v, tuple):
                case.s(v[0], v[1], **(v[2] if len(v) > 2 else {}))
            else:
                case.t(v)
        elif k == "N":
            case.name(allow=[s for s, _ in STYLE_W if s not in ("lowercase", "caps")])
        elif k == "NANY":
            case.name()
        elif k == "NL":
            t, m = make_name(style=R.choice(["plain", "plain", "middle_initial", "particle", "hyphenated"]))
            case.s(t.lower(), "NAME", **dict(m, style="lowercase"))
        elif k == "NCW":
            case.name(style="common_word")
        elif k == "NLF":
            case.name(style="last_first")
        elif k == "F":
            t, m = first_only(); case.s(t, "NAME", **m)
        elif k == "L":
            t, m = last_only(); case.s(t, "NAME", **m)
        elif k == "ADDR":
            case.address()
        elif k == "STREET":
            case.s(street_line(), "STREET", style="street")
        elif k == "CITY":
            case.s(city_state()[0], "CITY")
        elif k == "CITYST":
            c, st = city_state(); case.s(c, "CITY").t(f", {st}")
        elif k == "DOB":
            case.t(dob())
        elif k == "KDOB":
            case.s(dob(), "KEYED", key="dob")
        elif k == "KSSN":
            case.s(ssn(), "KEYED", key="ssn")
        elif k == "KMRN":
            case.s(mrn(), "KEYED", key="mrn")
        elif k == "KPHONE":
            case.s(phone(), "KEYED", key="phone")
        elif k == "PHONE":
            case.t(phone())
        elif k == "EMAIL":
            case.t(email())
        elif k == "AGE":
            case.t(str(R.randint(19, 88)))
        elif k == "SEX":
            case.t(R.choice("FM"))
        elif k == "DAY":
            case.t(R.choice(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]))
        elif k == "MONTH":
            case.t(R.choice(MONTHS))
        else:
            raise KeyError(k)
    return case


# ---------------------------------------------------------------- prose ----
PROSE = [
    ("letter", "Draft a letter to {N} at {ADDR} about her lab results."),
    ("letter", "Write a short letter to {N}, {ADDR}, confirming the {MONTH} appointment."),
    ("stated", "My name is {N} and I need to reschedule my physical."),
    ("stated", "Hi, my name is {NANY}, can you help me read my bloodwork?"),
    ("stated", "I'm {N}, the caregiver for my father."),
    ("stated", "This is {N} from the front desk, please update the chart."),
    ("summary", "Can you summarise the visit for {N}, DOB {KDOB}?"),
    ("summary", "Summarize today's visit for {N} (DOB: {KDOB}) in plain English."),
    ("summary", "Make a discharge summary for patient {N}, born {DOB}."),
    ("lower_cue", "her name is {NL} and she is allergic to penicillin"),
    ("lower_cue", "his name is {NL}, he's 67"),
    ("lower_cue", "can u check on my mom {NL} she's in room 4"),
    ("lower_cue", "my name is {NL} and i have a question about my refill"),
    ("lower_cue", "patient name: {NL}"),
    ("call", "I can call {N} at {PHONE} after 3pm."),
    ("call", "Please call {N} on {PHONE} to confirm."),
    ("call", "Text {F} at {PHONE} when the results are in."),
    ("dear", "Dear {N}, your results are ready."),
    ("dear", "Dear {N},"),
    ("dear", "Dear Mr. {L}, thank you for your patience."),
    ("dear", "Dear Dr. {L}, I am writing to refer a patient."),
    ("hi", "Hi {F}, just checking in about Thursday."),
    ("hi", "Hi {N}, your prescription is ready for pickup."),
    ("hi", "Hello {F} - can you send over the intake form?"),
    ("signoff", "Thanks, {N}"),
    ("signoff", "Best regards, {N}"),
    ("signoff", "Thanks so much for your help! Cheers, {F}"),
    ("signoff", "Sincerely, {N}, RN"),
    ("signoff", "Warmly, {N}"),
    ("lastfirst", "Please pull the chart for {NLF}, seen last {DAY}."),
    ("lastfirst", "Patient {NLF} needs a prior auth for Ozempic."),
    ("common_word", "My name is {NCW} and I need a new inhaler."),
    ("common_word", "Dear {NCW}, your appointment is confirmed."),
    ("common_word", "Please ask {NCW} to sign the consent form."),
    ("common_word", "Thanks, {NCW}"),
    ("third_person", "Schedule a follow-up for {N} next {DAY}."),
    ("third_person", "{N} missed her appointment on {DAY}, can you draft a reminder?"),
    ("third_person", "Forward this to {N} and cc {N}."),
    ("third_person", "Send the discharge papers to {N}'s daughter, {N}."),
    ("third_person", "Remind {N} to fast before the lipid panel."),
    ("third_person", "Ask {N} whether the metformin is helping."),
    ("email", "Please email {N} ({EMAIL}) the results."),
    ("ssn", "The SSN for {N} is {KSSN}, please update billing."),
]


def gen_prose(n):
    out = []
    for i in range(n):
        cat, tpl = PROSE[i % len(PROSE)] if i < len(PROSE) * 2 else R.choice(PROSE)
        out.append(fill(Case("prose", cat), tpl))
    return out


# ------------------------------------------------------------ JSON emit ----
class Rich:
    """A JSON string value made of parts (text, label, meta)."""
    def __init__(self, parts):
        self.parts = parts


def rich_from_case(case):
    return Rich(list(case.parts))


def K(label, text, **meta):
    return Rich([(text, label, meta)])


def emit_json(obj, compact=False):
    sep_item, sep_kv = (",", ":") if compact else (", ", ": ")
    buf, spans, metas = [], [], []
    pos = [0]

    def put(s):
        buf.append(s); pos[0] += len(s)

    def esc(s):
        return json.dumps(s, ensure_ascii=False)[1:-1]

    def rec(v):
        if isinstance(v, Rich):
            put('"')
            for s, lab, m in v.parts:
                e = esc(s)
                if lab:
                    spans.append([pos[0], pos[0] + len(e), lab]); metas.append(m or {})
                put(e)
            put('"')
        elif isinstance(v, tuple):  # (number, label, meta) bare number
            num, lab, m = v
            spans.append([pos[0], pos[0] + len(str(num)), lab]); metas.append(m or {})
            put(str(num))
        elif isinstance(v, dict):
            put("{")
            for j, (k, x) in enumerate(v.items()):
                if j: put(sep_item)
                put(json.dumps(k, ensure_ascii=False)); put(sep_kv); rec(x)
            put("}")
        elif isinstance(v, list):
            put("[")
            for j, x in enumerate(v):
                if j: put(sep_item)
                rec(x)
            put("]")
        else:
            put(json.dumps(v, ensure_ascii=False))
    rec(obj)
    text = "".join(buf)
    json.loads(text)
    return text, spans, metas


# ----------------------------------------------------------------- chat ----
CHAT_USER = PROSE + [
    ("multiline_signoff", "Can you move my appointment to {DAY}?\nThanks,\n{N}"),
    ("multiline_signoff", "See attached.\n\nBest,\n{N}\n{PHONE}"),
    ("multiline_addr", "Ship to:\n{N}\n{STREET}\n{CITYST} {ZIPV}"),
]
CHAT_ASSIST = [
    ("assistant_echo", "Sure - here is a draft letter for {N}:\n\nDear {N},\nYour test results are normal."),
    ("assistant_echo", "I've noted that {N} prefers morning appointments."),
    ("assistant_echo", "Okay, {F}. I can help you with that."),
    ("assistant_echo", "Here's the summary for {NLF}: stable, continue lisinopril."),
]


def chat_content(cat_tpl):
    cat, tpl = cat_tpl
    c = Case("chat", cat)
    if "{ZIPV}" in tpl:
        a, b = tpl.split("{ZIPV}")
        fill(c, a); c.s(zipcode(), "ZIP"); fill(c, b)
    else:
        fill(c, tpl)
    return c


def gen_chat(n):
    out = []
    shapes = ["role_content", "messages", "speaker_text", "sharegpt", "messages_compact"]
    for i in range(n):
        shape = shapes[i % len(shapes)]
        if shape in ("role_content",):
            src = CHAT_ASSIST if R.random() < 0.2 else CHAT_USER
            c = chat_content(R.choice(src))
            role = "assistant" if src is CHAT_ASSIST else "user"
            obj = {"role": role, "content": rich_from_case(c)}
            cat = c.category
        elif shape.startswith("messages"):
            c1 = chat_content(R.choice(CHAT_USER))
            msgs = [{"role": "system", "content": "You are a helpful clinical assistant."},
                    {"role": "user", "content": rich_from_case(c1)}]
            if R.random() < 0.6:
                c2 = chat_content(R.choice(CHAT_ASSIST))
                msgs.append({"role": "assistant", "content": rich_from_case(c2)})
            obj = {"messages": msgs}
            if R.random() < 0.3:
                obj = {"id": f"conv-{R.randint(1000, 9999)}", "messages": msgs}
            cat = c1.category
        elif shape == "speaker_text":
            c = chat_content(R.choice(CHAT_USER))
            obj = {"speaker": R.choice(["patient", "caller", "nurse"]), "text": rich_from_case(c),
                   "ts": f"00:{R.randint(0, 59):02d}:{R.randint(0, 59):02d}"}
            cat = c.category
        else:
            c = chat_content(R.choice(CHAT_USER))
            obj = {"conversations": [{"from": "human", "value": rich_from_case(c)},
                                     {"from": "gpt", "value": "Sure, I can help with that."}]}
            cat = c.category
        text, spans, metas = emit_json(obj, compact=shape.endswith("compact"))
        out.append({"kind": "chat", "category": f"{shape}:{cat}", "text": text,
                    "spans": spans, "span_meta": metas})
    return out


# -------------------------------------------------------------- clinical ----
CLIN = [
    ("pt_line", "Pt {N}, {AGE}{SEX}, seen at Eastside Clinic for follow-up of HTN."),
    ("pt_line", "Pt {N} {AGE}yo {SEX} presents with 3 days of productive cough."),
    ("pt_line", "{AGE} y/o {SEX}, name {N}, presents with chest pain."),
    ("patient_label", "Patient: {NLF}"),
    ("patient_label", "Patient: {N}   MRN: {KMRN}"),
    ("patient_label", "PATIENT NAME: {NCAPSLF}"),
    ("patient_label", "Name: {N}  DOB: {KDOB}"),
    ("referred", "Referred by Dr. {N} for evaluation of palpitations."),
    ("referred", "PCP: Dr. {L}"),
    ("referred", "Seen with attending Dr. {N}; plan discussed."),
    ("referred", "Seen by {N}, RN, for vitals."),
    ("family", "Mother: {N}"),
    ("family", "Emergency contact: {N} (daughter), {PHONE}"),
    ("family", "Accompanied by husband {N}."),
    ("family", "Father {N} has a history of MI at 52."),
    ("address", "Address: {ADDR}"),
    ("address", "Home address on file: {ADDR}."),
    ("lives_in", "Lives in {CITY} with her husband; retired teacher."),
    ("lives_in", "Lives alone in {CITY}, independent with ADLs."),
    ("moved", "Moved to {CITY} from {CITY} in 2019 for work."),
    ("moved", "Recently relocated from {CITYST} to be closer to family."),
    ("hpi", "HPI: Mrs. {L} is a {AGE}-year-old woman with T2DM."),
    ("hpi", "Mr. {L} reports improvement on atorvastatin."),
    ("hpi", "{N} is a pleasant {AGE} year old man seen today for knee pain."),
    ("signature", "Electronically signed by {N}, MD on {DAY}."),
    ("signature", "Dictated by: {N}, PA-C"),
]


def gen_clinical(n):
    out = []
    for i in range(n):
        cat, tpl = CLIN[i % len(CLIN)] if i < len(CLIN) * 3 else R.choice(CLIN)
        c = Case("clinical", cat)
        if "{NCAPSLF}" in tpl:
            t, m = make_name(style="last_first")
            c.t(tpl.split("{NCAPSLF}")[0]).s(t.upper(), "NAME", **dict(m, style="caps_last_first"))
        else:
            fill(c, tpl)
        out.append(c)
    return out


# ------------------------------------------------------------------- logs ----
KEY_BASES = {"ssn": ssn, "patient_ssn": ssn, "dob": dob, "birth_date": dob,
             "phone": phone, "mobile": phone, "callback": phone, "fax": phone,
             "mrn": mrn, "member": member, "patient": None, "name": None,
             "first_name": None, "last_name": None, "street": street_line,
             "city": lambda: city_state()[0], "zip": zipcode, "email": email,
             "service_date": svc_date, "patient_name": None}


def keycase(k, style):
    w = k.split("_")
    if style == "camel":
        return w[0] + "".join(x.capitalize() for x in w[1:])
    if style == "kebab":
        return "-".join(w)
    return k


def key_value(base):
    if base in ("patient", "name", "patient_name"):
        t, _ = make_name(allow=["plain", "plain", "middle_initial", "hyphenated", "particle", "apostrophe", "common_word"])
        return t
    if base == "first_name":
        return first_only()[0]
    if base == "last_name":
        return last_only()[0]
    return KEY_BASES[base]()


SERVICES = ["intake-svc", "billing-worker", "auth-gateway", "sched-api",
            "notify-svc", "ehr-sync", "claims-etl", "portal-web"]
LEVELS = ["INFO", "WARN", "ERROR", "DEBUG", "TRACE", "FATAL", "NOTICE"]


def ts():
    y, mo, d = 2024, R.randint(1, 12), R.randint(1, 28)
    h, mi, s = R.randint(0, 23), R.randint(0, 59), R.randint(0, 59)
    return R.choice([f"{y}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}.{R.randint(0, 999):03d}Z",
                     f"{y}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}:{s:02d}",
                     f"{MONTHS[mo-1][:3]} {d:2d} {h:02d}:{mi:02d}:{s:02d}"])


def log_prefix(c):
    c.t(f"{ts()} {R.choice(LEVELS)} {R.choice(SERVICES)} ")


def gen_logs(n):
    out = []
    forms = ["kv", "kv", "colon", "jsonlog", "query", "header", "freetext", "addr"]
    for i in range(n):
        form = forms[i % len(forms)]
        style = R.choice(["snake", "snake", "camel", "kebab"])
        c = Case("log", f"{form}:{style}")
        log_prefix(c)
        keys = R.sample(list(KEY_BASES), R.randint(1, 3))
        if form == "kv":
            c.t(R.choice(["patient lookup ", "record updated ", "validation failed ", "cache miss "]))
            for j, k in enumerate(keys):
                v = key_value(k)
                q = '"' if (" " in v or R.random() < 0.2) else ""
                c.t(f"{' ' if j else ''}{keycase(k, style)}={q}").s(v, "KEYED", key=k, style=style).t(q)
            c.t(f" req_id={R.randint(10**7, 10**8)} took={R.randint(2, 900)}ms")
        elif form == "colon":
            c.t(R.choice(["lookup failed for ", "sync record ", "eligibility check "]))
            for j, k in enumerate(keys):
                c.t(f"{', ' if j else ''}{keycase(k, style)}: ").s(key_value(k), "KEYED", key=k, style=style)
        elif form == "jsonlog":
            obj = {"event": R.choice(["patient.update", "appt.create", "claim.submit"])}
            for k in keys:
                v = key_value(k)
                if k == "zip" and R.random() < 0.3 and "-" not in v and v[0] != "0":
                    obj[keycase(k, style)] = (int(v), "KEYED", {"key": k, "style": style})
                else:
                    obj[keycase(k, style)] = K("KEYED", v, key=k, style=style)
            if R.random() < 0.3:
                obj["address"] = Rich(_addr_parts())
            obj["status"] = R.choice([200, 400, 409, 500])
            jt, js, jm = emit_json(obj, compact=R.random() < 0.5)
            c.t(R.choice(["payload=", "body ", "event "]))
            off = len(c.flat()[0])
            text = c.flat()[0] + jt
            out.append({"kind": "log", "category": f"{form}:{style}", "text": text,
                        "spans": [[a + off, b + off, l] for a, b, l in js], "span_meta": jm})
            continue
        elif form == "query":
            c.t(R.choice(["GET", "POST", "GET"]) + " /api/v2/" + R.choice(["lookup", "patients/search", "eligibility"]) + "?")
            for j, k in enumerate(keys):
                v = key_value(k)
                enc = R.choice(["%20", "+"])
                v = v.replace(" ", enc).replace(",", "%2C").replace("/", "%2F").replace("#", "%23")
                c.t(("&" if j else "") + keycase(k, style) + "=").s(v, "KEYED", key=k, style=style)
            c.t(f"&page=1 {R.choice([200, 404])} {R.randint(3, 400)}ms")
        elif form == "header":
            hk = R.choice([("X-Patient-Name", "patient_name"), ("X-Patient-DOB", "dob"),
                           ("X-Member-Id", "member"), ("X-Patient-MRN", "mrn"),
                           ("X-Callback", "callback")])
            c.t("request headers: Content-Type: application/json; " + hk[0] + ": ").s(key_value(hk[1]), "KEYED", key=hk[1], style="header").t("; Accept: */*")
        elif form == "freetext":
            fill(c, R.choice(["sent reminder to {N} for appt on {DAY}",
                              "appointment cancelled by {N} via portal",
                              "failed to match {N} to an existing record",
                              "merged duplicate chart for {NLF}",
                              "fax delivered to Dr. {N}"]))
        elif form == "addr":
            q = R.choice(["'", "\"", ""])
            c.t(R.choice(["address normalization input=", "geocode ok addr=", "USPS validate: "]) + q)
            for s, l, m in _addr_parts():
                c.s(s, l, **(m or {})) if l else c.t(s)
            c.t(q + f" score={R.random():.2f}")
        out.append(c)
    return out


def _addr_parts():
    c = Case("x", "x")
    c.address()
    return list(c.parts)


# -------------------------------------------------------------- addresses ----
ADDR_PROSE = [
    ("prose", "Please ship it to {ADDR}."),
    ("prose", "She lives at {ADDR} with her son."),
    ("prose", "Mail the form to {ADDR} by Friday."),
    ("prose", "New address: {ADDR}"),
    ("prose", "Update my address to {ADDR}, thanks"),
    ("prose", "I moved! Now at {ADDR}."),
    ("pobox", "Send statements to {POBOX}."),
]


def gen_addresses(n):
    out = []
    for i in range(n):
        r = i % 5
        if r < 3:
            cat, tpl = R.choice(ADDR_PROSE)
            c = Case("address", cat)
            if "{POBOX}" in tpl:
                a, b = tpl.split("{POBOX}")
                c.t(a).s(po_box(), "STREET", style="pobox").tail(", ").t(b)
            else:
                fill(c, tpl)
            out.append(c)
        elif r == 3:
            obj = {"patient_id": f"p_{R.randint(1000, 9999)}", "address": Rich(_addr_parts())}
            t, s, m = emit_json(obj, compact=R.random() < 0.5)
            out.append({"kind": "address", "category": "json_flat", "text": t, "spans": s, "span_meta": m})
        else:
            c, st = city_state()
            z = zipcode()
            line2 = R.random() < 0.3
            addr = {"street": K("STREET", street_line(0.0 if line2 else 0.3), style="street")}
            if line2:
                addr["line2"] = K("STREET", R.choice(["Apt", "Suite", "Unit"]) + f" {R.randint(1, 900)}", style="unit")
            addr["city"] = K("CITY", c)
            addr["state"] = st
            addr["zip"] = K("ZIP", z) if (R.random() < 0.7 or "-" in z or z[0] == "0") else (int(z), "ZIP", {})
            obj = {"type": "home", "address": addr}
            t, s, m = emit_json(obj, compact=R.random() < 0.5)
            out.append({"kind": "address", "category": "json_nested", "text": t, "spans": s, "span_meta": m})
    return out


# ------------------------------------------------------------------ clean ----
DRUGS = ["metformin", "lisinopril", "atorvastatin", "Ozempic", "Eliquis",
         "amoxicillin", "ibuprofen", "acetaminophen", "Jardiance", "sertraline",
         "levothyroxine", "prednisone", "Humira", "albuterol", "warfarin"]
STATES_FULL = ["California", "Georgia", "Virginia", "Washington", "Nevada",
               "Florida", "Texas", "New York", "Carolina", "Montana", "Indiana",
               "Maryland", "Delaware", "Louisiana", "Arizona"]
COUNTRIES = ["Jordan", "Chad", "Canada", "Mexico", "Germany", "France",
             "Brazil", "Georgia", "Israel", "Kenya", "Chile", "Peru", "India"]
CAMEL = ["PatientRecordService", "HttpClientFactory", "getPatientById",
         "useEffect", "AppointmentScheduler", "ClaimSubmissionWorker",
         "MedicationListView", "DischargeSummaryBuilder", "PhoneNumberValidator",
         "AddressNormalizer", "BirthDateParser", "FirstNameField",
         "NSURLSession", "JSONDecoder", "UserDefaults", "SwiftUI",
         "KafkaConsumer", "RetryPolicy", "DateFormatter"]
CLEAN_CHAT = [
    "What is the usual starting dose of {DRUG} for adults?",
    "Can {DRUG} be taken together with {DRUG}?",
    "Is it safe to take {DRUG} on an empty stomach?",
    "What are common side effects of {DRUG}?",
    "How long does {DRUG} stay in your system?",
    "Can you explain what an A1C of 7.2 means?",
    "Schedule a team meeting for {WEEKDAY} at 10am.",
    "Move the staff sync from {WEEKDAY} to {WEEKDAY} afternoon.",
    "The clinic is closed every {WEEKDAY} in {MONTH}.",
    "Flu shots start in {MONTH} and run through {MONTH}.",
    "May I ask how the prior authorization process works?",
    "Will the new policy apply to telehealth visits?",
    "Mark the task as done once the build is green.",
    "Grant read access to the reporting role only.",
    "Why does {CAMEL} throw a nil error when the list is empty?",
    "Refactor {CAMEL} so it uses async/await.",
    "Rename {CAMEL} to something clearer and update the tests.",
    "Add a unit test for {CAMEL} covering the empty case.",
    "The {SERVICE} pod keeps restarting, how do I read the {LEVEL} logs?",
    "Set the log level for {SERVICE} to {LEVEL} in staging.",
    "Our {SERVICE} deployment failed health checks after the upgrade.",
    "Which states require a separate license, for example {STATE} or {STATE}?",
    "Do telehealth rules differ between {STATE} and {STATE}?",
    "How does the health system in {COUNTRY} compare to {COUNTRY}?",
    "What vaccines are recommended before travel to {COUNTRY}?",
    "Summarize the guidelines for hypertension in older adults.",
    "Write a Python function that parses ISO 8601 dates.",
    "How do I configure a cron job to run every {WEEKDAY}?",
    "What's the difference between type 1 and type 2 diabetes?",
    "Can you make this paragraph sound more professional?",
    "Explain HIPAA's minimum necessary standard in two sentences.",
    "Give me a checklist for a new patient intake workflow.",
    "Is there a generic version of {DRUG} available?",
    "How should {DRUG} be stored, at room temperature or in the fridge?",
    "Translate 'take one tablet twice daily' into Spanish.",
    "Patience is key when titrating {DRUG}; go slow.",
    "Hope you had a good weekend! Can we review the Q3 metrics?",
    "The April release notes mention a fix for the calendar view.",
    "Rose colored glasses aside, the numbers look fine.",
    "Dr. appointments on {WEEKDAY} are booked solid in {MONTH}.",
    "Ask the doctor whether {DRUG} interacts with grapefruit.",
    "The Main Street branch of the library has a blood drive in {MONTH}.",
    "Use {CAMEL} and {CAMEL} together for the new intake screen.",
    "Virginia Mason and Mayo Clinic both publish patient guides.",
    "Reply with OK if the {SERVICE} dashboard loads.",
    "Dear team, the {SERVICE} rollout finished on {WEEKDAY}.",
    "Hi all, reminder that {MONTH} timesheets are due {WEEKDAY}.",
    "Thanks, team! Best regards, the scheduling desk",
    "Patient is stable, afebrile; continue {DRUG} and recheck in {MONTH}.",
    "What fields does the intake form need: name, date of birth, address, phone?",
    "Call me when the {SERVICE} build is green.",
    "Is Lyme disease common in Virginia in June?",
    "Sign the note as the attending and route it to billing.",
    "Parkinson's and Alzheimer's screening: which comes first?",
    "My mother has Crohn's disease; what diet helps?",
]
CLEAN_LOG = [
    "{TS} {LEVEL} {SERVICE} request completed status=200 duration_ms={NUM}",
    "{TS} {LEVEL} {SERVICE} cache warmup finished entries={NUM} evicted={NUM}",
    "{TS} {LEVEL} {SERVICE} retrying job attempt={SMALL} backoff={SMALL}s",
    "{TS} {LEVEL} {SERVICE} {CAMEL} initialized in {NUM}ms",
    "{TS} {LEVEL} {SERVICE} GET /api/v2/health 200 {SMALL}ms",
    "{TS} {LEVEL} {SERVICE} connection pool size={SMALL} idle={SMALL}",
    "{TS} {LEVEL} {SERVICE} feature flag new_scheduler=true region=us-west-2",
    "{TS} {LEVEL} {SERVICE} {\"event\":\"batch.done\",\"count\":{NUM},\"status\":\"ok\"}",
    "{TS} {LEVEL} {SERVICE} shutting down gracefully signal=SIGTERM",
    "{TS} {LEVEL} {SERVICE} config reloaded version=v{SMALL}.{SMALL}.{SMALL}",
    "{TS} {LEVEL} {SERVICE} kafka consumer lag={NUM} partition={SMALL} topic=appointments",
    "{TS} {LEVEL} {SERVICE} TLS handshake ok cipher=TLS_AES_128_GCM_SHA256",
    "{TS} {LEVEL} {SERVICE} scheduled report for {WEEKDAY} queued",
    "{TS} {LEVEL} {SERVICE} migration 0042_add_index applied in {NUM}ms",
    "{TS} {LEVEL} {SERVICE} rate limit exceeded route=/v1/search limit={NUM}/min",
    "{TS} {LEVEL} {SERVICE} heap_used_mb={NUM} gc_pause_ms={SMALL}",
    "{TS} {LEVEL} {SERVICE} validation failed field=last_name reason=required",
    "{TS} {LEVEL} {SERVICE} schema check missing=[\"dob\",\"ssn\",\"zip\"] count={SMALL}",
    "{TS} {LEVEL} {SERVICE} redaction applied fields=name,address,phone rule_version={SMALL}",
    "{TS} {LEVEL} {SERVICE} patient_id=null mrn=null reason=anonymous_session",
]


def clean_fill(tpl, kind):
    def rep(m):
        k = m.group(1)
        return {"DRUG": lambda: R.choice(DRUGS), "WEEKDAY": lambda: R.choice(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]),
                "MONTH": lambda: R.choice(MONTHS), "CAMEL": lambda: R.choice(CAMEL),
                "SERVICE": lambda: R.choice(SERVICES), "LEVEL": lambda: R.choice(LEVELS),
                "STATE": lambda: R.choice(STATES_FULL), "COUNTRY": lambda: R.choice(COUNTRIES),
                "TS": ts, "NUM": lambda: str(R.randint(10, 99999)), "SMALL": lambda: str(R.randint(1, 64))}[k]()
    return re.sub(r"\{([A-Z]+)\}", rep, tpl)


def gen_clean(n_chat, n_log):
    out = []
    for i in range(n_chat):
        tpl = CLEAN_CHAT[i % len(CLEAN_CHAT)]
        t = clean_fill(tpl, "chat")
        if i % 4 == 3:  # some in chat-JSON shape
            t = json.dumps({"role": "user", "content": t}, ensure_ascii=False)
            cat = "CLEAN"
            out.append({"kind": "clean_chat_json", "category": cat, "text": t, "spans": [], "span_meta": []})
        else:
            out.append({"kind": "clean_chat", "category": "CLEAN", "text": t, "spans": [], "span_meta": []})
    for i in range(n_log):
        t = clean_fill(CLEAN_LOG[i % len(CLEAN_LOG)], "log")
        out.append({"kind": "clean_log", "category": "CLEAN", "text": t, "spans": [], "span_meta": []})
    return out


# ------------------------------------------------------------------- main ----
def as_dict(c):
    if isinstance(c, dict):
        return c
    text, spans, meta = c.flat()
    text = text.replace("\n", " ")
    return {"kind": c.kind, "category": c.category, "text": text, "spans": spans, "span_meta": meta}


def main():
    cases = []
    cases += gen_prose(240)
    cases += gen_chat(220)
    cases += gen_clinical(200)
    cases += gen_logs(220)
    cases += gen_addresses(200)
    cases += gen_clean(270, 140)
    cases = [as_dict(c) for c in cases]
    for i, c in enumerate(cases):
        c["id"] = i
        assert "\n" not in c["text"] and "\r" not in c["text"], c
        for a, b, lab in c["spans"]:
            assert lab in ("NAME", "STREET", "CITY", "ZIP", "KEYED"), lab
            assert 0 <= a < b <= len(c["text"])
    with open(OUT, "w", encoding="utf-8") as f:
        for c in cases:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    from collections import Counter
    print(f"wrote {len(cases)} cases to {OUT}")
    print(" kinds:", dict(Counter(c["kind"] for c in cases)))
    print(" labels:", dict(Counter(s[2] for c in cases for s in c["spans"])))


if __name__ == "__main__":
    main()
