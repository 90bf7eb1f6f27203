#!/usr/bin/env python3
"""Seeded generator of the places / context-numbers evaluation corpus (synthetic; no real PHI).

Writes `places.txt` and `places.gold.jsonl` in the format of `generate_eval.py` (UTF-8 byte offsets, end
exclusive; hard negatives as {"start", "end", "negative"}):

    generate_places_eval.py --seed 1 --out corpora/eval              # the committed corpus
    generate_places_eval.py --seed 2 --out /tmp/heldout --size 64K   # a fresh draw the rules were not tuned on

What it holds (issue 12 items 2 and 4):
- positives: street lines with many USPS suffixes and unit designators, PO boxes, `City, ST ZIP` tails after a
  street and alone, cities after residence cues with a state, ZIPs under ZIP-named keys, international phones
  in UK, DE, FR, PL, JP, CN and IN groupings (with and without +), undelimited NANP phones after call/text/sms
  verbs, SSNs under key names, dates in every format the README lists for `shift`, with their labels;
- international street lines (name first, house number last, letters outside ASCII) after address cues, before a
  unit, and alone on a contact card's line with a building number first, with the postcode after the card's country
  (a card street whose name carries no street type, `Brandvoort 154`, is missed on purpose: without the type,
  `2 Tablets Daily 3` would be a street; seeds 2 and 3 draw some, seed 1 none);
- a city after a street line and "in" (`moved to 1200 Lockhart Gateway in Dover.`), house numbers with a leading
  zero (`0441 Cobble Ln`), a `City, ST ZIP` line after an escaped line break in a JSON string, NANP phones with an
  extension or 001 in front (`617-555-0142x12`, `001-617-555-0142`; the extension is part of the value);
- hard negatives: state names and codes and countries on their own (`state`, `country`), weekdays after `from`
  (`weekday`), log lines full of numbers (timestamps, durations, counts, ports, builds, versions, epoch ms),
  technical words that are also street suffixes after a number ("3 Cloud Run services", `tech`); state codes are `st`.

The state in an address is not PHI: it is left out of the gold spans and listed as a `state` negative, so a tool
that masks it loses precision. Labelling: the street line with its unit is ADDRESS, a PO box is ADDRESS, the city
is CITY, the ZIP is ZIP.

All values are invented: street and city names from invented vocabularies, NANP phones in 555-0100..0199,
UK phones in Ofcom's drama ranges (07700 900xxx, 020 7946 0xxx), other countries' numbers random digits in
their national shapes, SSNs random numbers with a valid structure. Only random.Random(seed) is used.
"""

from __future__ import annotations

import argparse
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate_eval as ge  # noqa: E402  (Values, Doc, size parsing, the negative makers)

STREET_WORDS = ["Quillan", "Birchnock", "Harrowgate", "Larkmoor", "Cobble", "Fernvale", "Wimbrel", "Saltbox",
                "Tallow", "Brindle", "Lockhart", "Fenwick", "Tanager", "Marrowby", "Old Mill", "Juniper Hollow",
                "Kestrel", "Pellam", "Orwen", "Vesnay", "Thistledown", "Cardew", "Ellery", "Amberwick", "North Quarry",
                "Oakhurst", "Gallow", "Penrose", "Whitlow", "Sable Creek"]
# Spellings from USPS Pub. 28 Appendix C1: primary names and abbreviations, the clear-cut and the everyday-word ones.
SUFFIXES = ["Street", "St", "Avenue", "Ave", "Road", "Rd", "Boulevard", "Blvd", "Lane", "Ln", "Drive", "Dr", "Court",
            "Ct", "Place", "Pl", "Terrace", "Way", "Circle", "Cir", "Parkway", "Pkwy", "Highway", "Hwy", "Lock", "Locks",
            "Gateway", "Keys", "Village", "Vlg", "Crossing", "Xing", "Loop", "Run", "Row", "Walk", "Trail", "Trl",
            "Square", "Plaza", "Alley", "Bend", "Bluff", "Brook", "Cove", "Creek", "Crest", "Estates", "Falls", "Ferry",
            "Glen", "Green", "Grove", "Harbor", "Heights", "Hollow", "Knoll", "Landing", "Meadows", "Mews", "Orchard",
            "Pass", "Path", "Pike", "Point", "Ridge", "Shoals", "Spur", "Summit", "Trace", "Turnpike", "Tpke", "View",
            "Vista", "Manor", "Park", "Expy", "Fwy", "Cswy", "Pt", "Rdg", "Hts", "Jct", "Sq", "Mdws"]
UNITS = ["Apt {n}", "Apt. {n}{l}", "Suite {n}", "Ste {n}", "Unit {l}", "# {n}", "#{n}", "Bldg {n}", "Fl {n}",
         "Rm {n}", "Apartment {n}", "Lot {n}", "Trlr {n}", "Dept {n}"]
CITIES = ["Marlow Falls", "Eastbrook", "Port Ellery", "Quennelton", "Harwick", "Brindlemoor", "Saltmarsh",
          "Fenwick Springs", "Larkhaven", "Oster Bay", "New Carrow", "Dellwood", "Ambervale", "Coldridge", "Winterhope",
          "Fairhollow", "St. Aubin", "Mount Varrel", "Grand Tallis", "Springfield", "Dover", "Greenville", "Riverton"]
STATE_CODES = ["AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
               "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC",
               "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
               "PR", "GU", "VI"]
STATE_NAMES = ["Alabama", "Alaska", "Arizona", "California", "Colorado", "Delaware", "Florida", "Georgia", "Idaho",
               "Illinois", "Iowa", "Kansas", "Maine", "Maryland", "Michigan", "Minnesota", "Missouri", "Montana",
               "Nevada", "New Hampshire", "New Jersey", "New Mexico", "New York", "North Carolina", "Ohio", "Oklahoma",
               "Oregon", "Pennsylvania", "Rhode Island", "South Dakota", "Texas", "Utah", "Vermont", "Virginia",
               "Washington", "West Virginia", "Wisconsin", "Wyoming", "Puerto Rico"]
COUNTRIES = ["Canada", "France", "Germany", "Poland", "Japan", "India", "Mexico", "Norway", "Brazil", "Kenya"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MON3 = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
RELATIVES = ["my wife", "my husband", "my daughter", "my son", "my mother", "her brother", "the pharmacy", "him", "me"]
# Cities of the gazetteer the rules use (public places, not a person's data), for "lives in <City>" without a state.
BIG_CITIES = ["Chicago", "Denver", "San Antonio", "Fort Worth", "Toronto", "Seattle", "Omaha", "Tucson", "Mumbai"]
TECH = ["Cloud Run", "API Gateway", "Key Vault", "Trace Viewer", "Build Loop", "Test Run", "Load Path", "Union Station"]
# Street names written name first, number last, as in much of Europe: invented words, some with letters outside
# ASCII, some with the street type glued on (-vej, -gata, -straße, -laan, -tie) and some with it apart (út, tee).
INTL_STREETS = ["Vesterbyntie", "Høllagata", "Kornblumweg", "Rákhegy út", "Sørhaugvej", "Lindomstraße", "Ulmenlaan",
                "Pärnaküla tee", "Brekkustígur", "Ostrava Nová", "Quellenstrasse", "Fjällvägen", "Marisol", "Tylná",
                "Brandvoort", "Ølstedgade", "Kastanjelaan", "Mäntytie", "Żurawia", "Siedlungsweg"]
INTL_CITIES = ["Vollerby", "HARSTOLM", "Sørvikå", "Pärnaküla", "Ulmbach", "Brekkuhóll"]
INTL_COUNTRIES = ["Norway", "Finland", "Germany", "Denmark", "Netherlands", "Estonia", "Iceland", "Czech Republic",
                  "Sweden", "Poland", "SWITZERLAND"]

ge.NEGATIVE_KINDS |= {"st", "state", "country", "weekday", "duration", "count", "tech", "tz", "port"}


class PlaceValues(ge.Values):
    """Value makers for places, phones that need context and labelled dates."""

    def _num(self) -> str:
        return self.pick([str(self.ri(1, 99)), str(self.ri(100, 999)), str(self.ri(1000, 9999)), str(self.ri(10000, 29999)),
                          f"{self.ri(1, 999)}{self.pick('ABCD')}"])

    def street(self) -> str:
        pre = self.pick(["", "", "", "N ", "S. ", "E ", "West ", "NW "])
        name = self.pick(STREET_WORDS) if self.ri(0, 6) else f"{self.ri(1, 99)}{self.pick(['st', 'nd', 'rd', 'th'])}"
        if name[0].isdigit():
            n = int(name[:-2])
            name = f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"
        post = self.pick(["", "", "", "", " NW", " SE"])
        s = f"{self._num()} {pre}{name} {self.pick(SUFFIXES)}{post}"
        return s.upper() if self.ri(0, 19) == 0 else s

    def street_zero(self) -> str:
        """A house number written with a leading zero (as generated test data, Faker's among them, writes them)."""
        return f"0{self.ri(1, 9999)} {self.pick(STREET_WORDS)} {self.pick(SUFFIXES)}"

    def phone_ext(self) -> str:
        """A NANP number with an extension, or with 001 in front (the extension is part of the value)."""
        a, e, s = self._nanp()
        return self.pick([f"{a}-{e}-{s}x{self.ri(1, 99999)}", f"({a}) {e}-{s} ext. {self.ri(1, 9999)}",
                          f"{a}.{e}.{s}x{self.ri(10, 999)}", f"001-{a}-{e}-{s}", f"001-{a}-{e}-{s}x{self.ri(1, 9999)}"])

    def street_lower(self) -> str:
        return f"{self.ri(1, 9999)} {self.pick(STREET_WORDS).lower()} {self.pick(SUFFIXES).lower()}"

    def unit(self) -> str:
        return self.pick(UNITS).format(n=self.ri(1, 999), l=self.pick("ABCDEFGH"))

    def street_unit(self) -> str:
        return f"{self.street()}{self.pick([', ', ' '])}{self.unit()}"

    def po_box(self) -> str:
        return f"{self.pick(['P.O. Box', 'PO Box', 'P O Box', 'Post Office Box', 'POB'])} {self.ri(1, 99999)}"

    def city(self) -> str: return self.pick(CITIES)
    def big_city(self) -> str: return self.pick(BIG_CITIES)
    def st(self) -> str: return self.pick(STATE_CODES)
    def state(self) -> str: return self.pick(STATE_NAMES)
    def country(self) -> str: return self.pick(COUNTRIES)
    def weekday(self) -> str: return self.pick(WEEKDAYS)

    def zip(self) -> str:
        z = f"{self.ri(1001, 99950):05d}"
        return self.pick([z, z, f"{z}-{self.ri(1, 9999):04d}"])

    def zip5(self) -> str: return f"{self.ri(1001, 99950):05d}"

    # phones in national groupings, with and without +
    def intl(self) -> str:
        d = lambda k: "".join(str(self.ri(0, 9)) for _ in range(k))  # noqa: E731
        return self.pick([
            f"+44 7700 900{d(3)}", f"07700 900{d(3)}", f"+44 20 7946 0{d(3)}", f"+447700900{d(3)}",
            f"+49 30 {self.ri(1, 9)}{d(7)}", f"+49 151 {self.ri(1, 9)}{d(7)}", f"+49 (0)89 {d(4)} {d(4)}",
            f"+33 6 {d(2)} {d(2)} {d(2)} {d(2)}", f"+33 1 {d(2)} {d(2)} {d(2)} {d(2)}", f"06 {d(2)} {d(2)} {d(2)} {d(2)}",
            f"+48 601 {d(3)} {d(3)}", f"+48 22 {d(3)} {d(2)} {d(2)}",
            f"+81 90-{d(4)}-{d(4)}", f"090-{d(4)}-{d(4)}", f"+81 3-{d(4)}-{d(4)}",
            f"+86 138 {d(4)} {d(4)}", f"+86 139{d(8)}", f"138 {d(4)} {d(4)}",
            f"+91 98765 {d(5)}", f"+91 {self.ri(6, 9)}{d(4)} {d(5)}", f"0091 {self.ri(6, 9)}{d(4)} {d(5)}",
        ])

    def intl_noplus_worded(self) -> str:
        d = lambda k: "".join(str(self.ri(0, 9)) for _ in range(k))  # noqa: E731
        return self.pick([f"030 {self.ri(1, 9)}{d(7)}", f"0151 {self.ri(1, 9)}{d(7)}", f"601 {d(3)} {d(3)}",
                          f"98765 {d(5)}", f"0044 7700 900{d(3)}", f"0033 6 {d(2)} {d(2)} {d(2)} {d(2)}"])

    def relative(self) -> str: return self.pick(RELATIVES)
    def tech(self) -> str: return self.pick(TECH)

    # dates in every README shift format
    def date_any(self) -> str:
        y, m, d = self._date(1931, 2024)
        mon = ge.MONTHS[m - 1]
        sfx = "th" if 10 <= d <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(d % 10, "th")
        return self.pick([f"{m:02d}/{d:02d}/{y}", f"{d:02d}.{m:02d}.{y}", f"{mon} {d}, {y}", f"{d}-{MON3[m - 1]}-{y}",
                          f"{d:02d}-{MON3[m - 1].upper()}-{y}", f"{'Sept' if m == 9 else MON3[m - 1]}. {d}{sfx}, {y}",
                          f"{y}-{m:02d}-{d:02d}", f"{d} {mon} {y}", f"{d}{sfx} {mon} {y}"])

    def date_iso(self) -> str:
        y, m, d = self._date(2015, 2025)
        return f"{y}-{m:02d}-{d:02d}"

    # international address lines
    def intl_street(self) -> str:
        return f"{self.pick(INTL_STREETS)} {self.ri(1, 299)}"

    def intl_street_house(self) -> str:
        return f"{self.ri(1, 99999)} {self.intl_street()}"

    def intl_unit(self) -> str:
        return self.pick([f"Apt. {self.ri(100, 999)}", f"Suite {self.ri(100, 999)}"])

    def intl_street_unit(self) -> str:
        return f"{self.intl_street_house()} {self.intl_unit()}"

    def street_name(self) -> str:
        """A street's name and suffix without a house number (after a British address's flat)."""
        return f"{self.pick(STREET_WORDS)} {self.pick(['Forks', 'Crescent', 'Road', 'Lane', 'Mews', 'Drive'])}"

    def flat(self) -> str: return f"{self.pick(['Flat', 'Studio'])} {self.ri(1, 99)}{self.pick(['', '', 'a', 'B'])}"
    def apartment(self) -> str: return f"{self.pick(['Apartment', 'Apt'])} {self.ri(1, 99)}{self.pick(['', '', 'a', 'B'])}"

    def uk_postcode(self) -> str:
        """A British postcode's shape (outward code, space, inward code), letters and digits drawn at random."""
        letters = "ABDEFGHJLNPRSTUWXYZ"
        outward = self.pick([f"{self.pick(letters)}{self.ri(1, 9)}", f"{self.pick(letters)}{self.pick(letters)}{self.ri(1, 99)}",
                             f"{self.pick(letters)}{self.pick(letters)}{self.ri(1, 9)}{self.pick(letters)}"])
        return f"{outward} {self.ri(0, 9)}{self.pick(letters)}{self.pick(letters)}"

    def town_named(self) -> str:
        """A town whose second word is a given name that is an English word too (East Mark, New Hope)."""
        return f"{self.pick(['East', 'West', 'North', 'South', 'New', 'Port', 'Lake'])} {self.pick(['Mark', 'Hope', 'Grace', 'Crystal', 'Will', 'Faith', 'Rose'])}"

    def trunk_phone(self) -> str:
        """A national number with its trunk 0 (German-style groupings; the area codes are made up)."""
        return self.pick([f"0{self.ri(2000, 9999)} {self.ri(10000, 999999)}", f"(0{self.ri(2000, 9999)}) {self.ri(10000, 99999)}",
                          f"0{self.ri(100000000, 999999999)}", f"0{self.ri(20, 99)} {self.ri(1000, 9999)} {self.ri(1000, 9999)}"])

    def mrn_glued(self) -> str: return f"{self.pick(['MRN', 'mrn', 'MRN'])}{self.pick(['-', '_'])}{self.ri(1000000, 9999999)}"

    def date_dashed(self) -> str: return f"{self.ri(1, 12)}-{self.ri(1, 28)}-{self.ri(1950, 2024)}"

    def intl_city(self) -> str: return self.pick(INTL_CITIES)
    def intl_country(self) -> str: return self.pick(INTL_COUNTRIES)
    def postcode(self) -> str: return f"{self.ri(10001, 99950)}"
    def card_prefix(self) -> str: return self.pick(["", "", ">", "> ", " ", "    "])

    # negatives
    def duration(self) -> str: return self.pick([f"{self.ri(1, 99999)} ms", f"{self.ri(1, 600)}s", f"{self.ri(1, 48)} hours"])
    def count(self) -> str: return str(self.ri(10000, 99999))
    def tz(self) -> str: return self.pick(["+0000", "+0100", "-0500", "+0530"])
    def port(self) -> str: return str(self.pick([443, 5432, 6379, 8080, 9090, 50051, 27017]))


PLACES_TEMPLATES = [
    # street lines and tails
    "user: please send the forms to {ADDRESS:street}, {CITY:city}, {st} {ZIP:zip}. Thanks!\n",
    "user: my new address is {ADDRESS:street_unit}, {CITY:city}, {state} {ZIP:zip}\n",
    "Patient lives at {ADDRESS:street} with her husband; no stairs at home.\n",
    "user: i live at {ADDRESS:street_lower} if the pharmacy can deliver\n",
    "user: can you ship it to {ADDRESS:street_lower} instead\n",
    "SOCIAL HISTORY: Resides at {ADDRESS:street_unit}, {CITY:city}, {st}. Retired teacher.\n\n",
    "assistant: I've updated the mailing address to {ADDRESS:po_box}, {CITY:city}, {st} {ZIP:zip}.\n",
    'tool[ehr_lookup]: {{"address":"{ADDRESS:street}","city":"{CITY:city}","state":"{st}","zip_code":"{ZIP:zip}"}}\n',
    "Billing: {CITY:city}, {st} {ZIP:zip}\n",
    "Return to sender: {ADDRESS:street} {CITY:city} {st} {ZIP:zip5}\n",
    "Pharmacy: {ADDRESS:street}, {CITY:city}, {st} {ZIP:zip}, phone {PHONE:phone}.\n\n",
    "user: she lives in {CITY:city}, {st} with my aunt\n",
    "Pt moved to {CITY:city}, {state} last spring and transferred care.\n\n",
    "user: I'm from {CITY:city}, {state}, can you find a clinic near me?\n",
    "user: my mom lives in {CITY:big_city} now and needs a cardiologist\n",
    "Pt grew up in {CITY:big_city}; moved here in {date_year}.\n\n",
    "{ts} INFO [intake-api] address verified zip={ZIP:zip} request={uuid}\n",
    "postal_code={ZIP:zip5}; country=US\n",
    "Mail checks to {ADDRESS:po_box}.\n",
    # a city after a street line and "in"; a house number with a leading zero; a city after an escaped line break
    # (with a comma after it or not)
    "user: the clinic moved to {ADDRESS:street} in {CITY:city}.\n",
    "assistant: Noted, the office at {ADDRESS:street_unit} in {CITY:city} is closed on {weekday}.\n",
    "Ship to: {ADDRESS:street_zero}, {CITY:city}, {st} {ZIP:zip5}\n",
    'tool[crm]: {{"mailing":"{ADDRESS:street}\\n{CITY:city}, {st} {ZIP:zip5}"}}\n',
    'tool[crm]: {{"ship_to":"{ADDRESS:street_unit}\\n{CITY:city} {st} {ZIP:zip5}"}}\n',
    # phones with an extension or 001 in front
    "Desk: {PHONE:phone_ext}\n",
    "user: you can reach the office at {PHONE:phone_ext} during the day\n",
    # phones that need context or an international shape
    "user: I can call {relative} at {PHONE:phone_bare} tomorrow\n",
    "user: text {PHONE:phone_bare} when the refill is ready\n",
    "{ts} WARN [notify] sms to {PHONE:phone_bare} failed: carrier timeout after {duration}\n",
    "Callback {PHONE:phone_bare} (cell).\n\n",
    "user: please reach me at {PHONE:phone_bare}\n",
    "user: my mobile abroad is {PHONE:intl}\n",
    "user: call me on {PHONE:intl} after six\n",
    "Daughter in Europe: {PHONE:intl}.\n\n",
    "user: text {relative} at {PHONE:intl_noplus_worded}\n",
    'tool[contacts]: {{"phone":"{PHONE:intl}","mobile":"{PHONE:intl}"}}\n',
    "{ts} INFO [notify] sms queued to {PHONE:intl} id={hex16}\n",
    "patient_phone={PHONE:phone_bare} member_ssn={SSN:ssn_bare}\n",
    "user: my social is {SSN:ssn_bare}\n",
    # dates with labels
    "DOB: {DATE:date_any}\n",
    "Admitted: {DATE:date_any}. Discharged: {DATE:date_any}.\n\n",
    "Patient born {DATE:date_any}; lives alone.\n\n",
    "{ts} INFO [claims-svc] claim {uuid} service_date={DATE:date_iso} cpt={cpt}\n",
    "Date of service: {DATE:date_any}\n",
    "Seen in clinic on {DATE:date_any} for follow-up.\n\n",
    # international street lines: after an address cue, before a unit on their line, and alone on a contact card's
    # line (building number first); the city on the line after the unit (rule city-card-line); the postcode after
    # the country at the card's end.
    "user: my mother lives at {ADDRESS:intl_street_house}, near the station\n",
    "user: please send the new card to {ADDRESS:intl_street}.\n",
    "Address: {ADDRESS:intl_street_house}\n",
    "user: the office is at {ADDRESS:intl_street_unit}\n",
    "{card_prefix}{ADDRESS:intl_street_house}\n{card_prefix}{ADDRESS:intl_unit}\n"
    "{card_prefix}{CITY:intl_city}\n{card_prefix}{intl_country} {ZIP:postcode}\n\n",
    # a field's label alone on its line, the value on the next (forms, contact cards); negatives: a label with no
    # value of its shape after it
    "Personal Info:\nPhone:\n{PHONE:phone}\n\nAddress:\n{ADDRESS:street}\n\n",
    "Emergency contact\r\nMobile:\r\n{PHONE:intl}\r\nSSN:\r\n{SSN:ssn_bare}\r\n\n",
    "Phone:\npending\nStatus:\n{count}\n\n",
    # (nineteenth-twentieth sessions) a city after a street line and a comma that ends the sentence; a town whose
    # second word is a given name; British addresses (the town before the postcode, the street after the flat);
    # trunk-0 phones after call or a phone label; a record number with its label glued on; a dashed date after "seen on"
    "user: she lives at {ADDRESS:street}, {CITY:city}.\n",
    'tool[crm]: {{"content":"Context: patient lives in {CITY:town_named}. Be concise."}}\n',
    "user: forward my mail to {ADDRESS:street}, {CITY:city}, {ZIP:uk_postcode}\n",
    "user: my flat is {flat}, {ADDRESS:street_name}, {CITY:city}, {ZIP:uk_postcode}\n",
    "Deliver to {ADDRESS:apartment}, {ADDRESS:street_name}, {CITY:city}, {ZIP:uk_postcode}\n",
    "user: call {PHONE:trunk_phone} tomorrow, she is in Hamburg\n",
    "Telefon: {PHONE:trunk_phone}\n",
    "Context: record {MRN:mrn_glued}, follow-up pending.\n",
    "user: she was seen on {DATE:date_dashed} for the claim that was denied\n",
    # negatives: states and countries alone, weekdays, numbers in logs, technical suffix words
    "user: we moved from {country} to {state} years ago; I love {state}.\n",
    "assistant: Coverage differs between {state} and {state}; {st} requires a referral.\n",
    "user: from {weekday} on I can come in the mornings\n",
    "user: the {tech} team moved to {country} last year\n",
    "user: i live at {n} minutes from the road, not far\n",
    "user: what are the top {n} Central Park sights? we have {n} Apple Park meetings first\n",
    "assistant: Chapter {n} Bankruptcy Court rules apply; see Section {n} Main Street Station notes.\n",
    "{ts} INFO [{svc}] processed {count} rows in {duration}, retry {n}, port {port}\n",
    "{ts_py} INFO app.jobs - batch {n} of {n} took {duration} (build {build}, version {version})\n",
    "{ts} INFO [deploy] rolled out {n} {tech} services in {duration}\n",
    "{ts} INFO [ui] rendered {n} {tech} in Chrome; cache {n}\n",
    "{ts} DEBUG [{svc}] step {n} {tech} finished, epoch_ms={epoch}\n",
    "{ts_sys} {host} {prog}[{pid}]: session opened, tz {tz}, {count} bytes\n",
    "{ts} INFO [{svc}] listening on 0.0.0.0:{port} pid {pid} workers {n}\n",
    "{n} items in {n} batches\n",
    "{n} Angry Men was on at {n}\n",
    "user: sales in {intl_country} reached {count} units\n",
    "user: the meeting is at Gate {n} after lunch\n",
    "user: is {drug} {dose} ok to take on {weekday}?\n",
]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--size", default="64K", help="approximate size (K, M suffixes)")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "eval"))
    args = ap.parse_args(argv)
    values = PlaceValues(random.Random(args.seed * 1000 + 7))
    doc = ge.generate(PLACES_TEMPLATES, values, ge.parse_size(args.size))
    ge.write_corpus(doc, args.out, "places")
    return 0


if __name__ == "__main__":
    sys.exit(main())
