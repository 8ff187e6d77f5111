#!/usr/bin/env python3
"""A deterministic generator of realistic US customer records.

python3 bench/gen/generate.py --customers N --seed S --out DIR

writes, the same bytes for the same (N, seed):

  DIR/customers.tsv   customer_ref, record type, record as JSON (the form
                      custdb_record_from_json reads): each CustomerDraft
                      line is followed by the ContactDraft and
                      LocationDraft lines of the same customer.
  DIR/flat.tsv        one row per customer with its own name, phone and
                      email as typed and its first location, for loading
                      the same data into other databases.
  DIR/truth.csv       every planted duplicate pair (ref_a the original).
  DIR/negatives.csv   planted pairs that look alike but are different
                      customers.

bench/README.md describes what is planted and in what proportions.
"""

import argparse
import bisect
import itertools
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tables  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
NICKNAMES_CSV = REPO / "data" / "nicknames" / "names.csv"

# Shares of all customers.
DUPLICATE_SHARE = 0.05
NEGATIVE_SHARE = 0.01
COMPANY_SHARE = 0.15

# Duplicate kinds and their shares of the planted duplicates.
DUPLICATE_KINDS = [
    ("typo", 25),
    ("nickname", 18),
    ("swapped", 8),
    ("format", 20),
    ("company_suffix", 17),
    ("email_variant", 12),
]

# Which contact signals a duplicate shares with its original, besides its
# name (for kinds other than `format`, which shares all it can, and
# `email_variant`, which shares the email up to dots and a tag plus the
# phone or the address).
SHARED_SIGNALS = [
    (("phone",), 38),
    (("phone", "address"), 20),
    (("email",), 14),
    (("address",), 16),
    (("phone", "email"), 12),
]

NEGATIVE_KINDS = [("shared_phone", 60), ("same_name", 40)]

PHONE_FORMATS = [
    ("({a}) {e}-{l}", 35),
    ("{a}-{e}-{l}", 30),
    ("{a}.{e}.{l}", 10),
    ("{a}{e}{l}", 10),
    ("+1 {a} {e} {l}", 5),
    ("+1{a}{e}{l}", 5),
    ("1-{a}-{e}-{l}", 5),
]

# Neighbouring keys on a US keyboard, for typing slips.
KEYBOARD = {
    "q": "wa",
    "w": "qes",
    "e": "wrd",
    "r": "etf",
    "t": "ryg",
    "y": "tuh",
    "u": "yij",
    "i": "uok",
    "o": "ipl",
    "p": "ol",
    "a": "qsz",
    "s": "awdz",
    "d": "sefx",
    "f": "drgc",
    "g": "fthv",
    "h": "gyjb",
    "j": "hukn",
    "k": "jilm",
    "l": "kop",
    "z": "asx",
    "x": "zsdc",
    "c": "xdfv",
    "v": "cfgb",
    "b": "vghn",
    "n": "bhjm",
    "m": "njk",
}


class Weighted:
    """Picks items by weight with one random number and a binary search."""

    def __init__(self, items, weights):
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]

    def pick(self, rng):
        return self.items[
            bisect.bisect_right(self.cumulative, rng.random() * self.total)
        ]


def weighted(pairs):
    return Weighted([p[0] for p in pairs], [p[1] for p in pairs])


def ranked(top, rest, first_rest_weight, exponent):
    """The top entries as given, then the rest by a power-law decay."""
    items = [t[0] for t in top]
    weights = [t[1] for t in top]
    seen = set(items)
    rank = 0
    for name in rest:
        if name in seen:
            continue
        seen.add(name)
        items.append(name)
        weights.append(first_rest_weight * (1 + rank / 10) ** -exponent)
        rank += 1
    return items, weights


def build_surnames():
    items, weights = ranked(tables.SURNAMES_TOP, tables.SURNAMES_NEXT, 370, 0.55)
    table_weight = sum(weights)
    # The census tail: beyond the commonest thousand, about three people
    # in five have a surname shared by few others. Syllable combinations
    # stand in for them, with a Zipf-like decay; a fixed seed keeps the
    # list the same for every run.
    tail_rng = random.Random(20100401)
    seen = set(items)
    tail = []
    ends = list(dict.fromkeys(tables.TAIL_ENDS))
    for start in tables.TAIL_STARTS:
        for middle in tables.TAIL_MIDDLES:
            for end in ends:
                name = start + middle + end
                if name not in seen and len(name) >= 4:
                    seen.add(name)
                    tail.append(name)
    tail_rng.shuffle(tail)
    tail_weights = [1.0 / (rank + 1000) for rank in range(len(tail))]
    scale = table_weight * 1.5 / sum(tail_weights)
    items.extend(tail)
    weights.extend(w * scale for w in tail_weights)
    return Weighted(items, weights)


def load_nicknames():
    """Given name -> its nicknames, and nickname -> its given names, as read
    from the nickname list (lower case), in the order of the file."""
    nicknames = {}
    given_names = {}
    with open(NICKNAMES_CSV, encoding="utf-8") as f:
        next(f)
        for line in f:
            name, _, nickname = line.strip().split(",")
            nicknames.setdefault(name, []).append(nickname)
            given_names.setdefault(nickname, []).append(name)
    return nicknames, given_names


def phone_text(digits, fmt):
    return fmt.format(a=digits[0:3], e=digits[3:6], l=digits[6:10])


def fold_email(email):
    """The email as duplicate detection compares it, Gmail rules applied."""
    local, _, domain = email.lower().partition("@")
    if domain in ("gmail.com", "googlemail.com"):
        local = local.split("+", 1)[0].replace(".", "")
        domain = "gmail.com"
    return local + "@" + domain


def email_word(name):
    return "".join(c for c in name.lower() if c.isalnum())


def capitalize(word):
    # "mcdonald" stays as the tables spell it when it came from them.
    return word[:1].upper() + word[1:]


class Generator:
    def __init__(self, n, seed):
        self.n = n
        self.rng = random.Random(seed)
        self.surnames = build_surnames()
        male, male_w = ranked(tables.MALE_TOP, tables.MALE_NEXT, 3.0, 0.9)
        female, female_w = ranked(tables.FEMALE_TOP, tables.FEMALE_NEXT, 3.0, 0.9)
        self.male = Weighted(male, male_w)
        self.female = Weighted(female, female_w)
        self.common_first = [t[0] for t in tables.MALE_TOP[:20]] + [
            t[0] for t in tables.FEMALE_TOP[:20]
        ]
        self.common_last = [t[0] for t in tables.SURNAMES_TOP[:30]]
        self.nicknames, self.given_names = load_nicknames()
        self.cities = Weighted(
            list(range(len(tables.CITIES))), [c[4] for c in tables.CITIES]
        )
        self.street_names = tables.STREET_NAMES + tables.ORDINAL_STREETS
        self.suffixes = Weighted(
            [s[1] for s in tables.STREET_SUFFIXES],
            [s[0] for s in tables.STREET_SUFFIXES],
        )
        self.trades = weighted(tables.TRADES)
        self.company_suffixes = weighted(tables.COMPANY_SUFFIXES)
        self.providers = weighted(tables.EMAIL_PROVIDERS)
        self.phone_formats = weighted(PHONE_FORMATS)
        self.duplicate_kinds = weighted(DUPLICATE_KINDS)
        self.shared_signals = weighted(SHARED_SIGNALS)
        self.negative_kinds = weighted(NEGATIVE_KINDS)
        self.sources = weighted(
            [
                ("Manual", 60),
                ("Storefront", 15),
                ("Referral", 12),
                ("Import", 10),
                ("Other", 3),
            ]
        )
        # Membership only (never iterated), so their order cannot leak
        # into the output.
        self.used_phones = set()
        self.used_emails = set()
        self.used_addresses = set()
        self.used_companies = set()

    # ---- Values ----------------------------------------------------------

    def new_phone(self, city):
        area_codes = tables.CITIES[city][3]
        rng = self.rng
        while True:
            if rng.random() < 0.85:
                area = rng.choice(area_codes)
            else:
                area = rng.choice(tables.CITIES[self.cities.pick(rng)][3])
            exchange = rng.randint(200, 999)
            if exchange % 100 == 11 or exchange == 555:
                continue
            digits = "%s%03d%04d" % (area, exchange, rng.randint(0, 9999))
            if digits not in self.used_phones:
                self.used_phones.add(digits)
                return digits

    def first_name(self, female=None):
        rng = self.rng
        if female is None:
            female = rng.random() < 0.5
        name = (self.female if female else self.male).pick(rng)
        # Some people give the name they go by.
        if rng.random() < 0.06:
            nicks = self.nicknames.get(name.lower())
            if nicks:
                same_start = [x for x in nicks if x[0] == name[0].lower()]
                name = capitalize(rng.choice(same_start or nicks))
        return name

    def claim_email(self, email):
        key = fold_email(email)
        if key in self.used_emails:
            return False
        self.used_emails.add(key)
        return True

    def person_email(self, first, last, provider=None):
        rng = self.rng
        f, l = email_word(first), email_word(last or "")
        provider = provider or self.providers.pick(rng)
        while True:
            if not l:
                local = f + str(rng.randint(1, 9999))
            else:
                local = rng.choice(
                    [
                        f + "." + l,
                        f + l,
                        f[0] + l,
                        f + "_" + l,
                        f + l + str(rng.randint(1, 99)),
                        f + "." + l + str(rng.randint(1, 999)),
                        l + f[0],
                        f + str(rng.randint(50, 99)),
                    ]
                )
            email = local + "@" + provider
            if rng.random() < 0.04:
                email = capitalize(email)
            if self.claim_email(email):
                return email
            provider = self.providers.pick(rng)
            f = f + rng.choice("abcdefghjkmnprstw") if rng.random() < 0.3 else f

    def company_email(self, core, contact_first):
        rng = self.rng
        domain = "".join(email_word(w) for w in core.split())[:40] + ".com"
        for attempt in range(5):
            local = rng.choice(
                ["info", "office", "service", "billing", "contact", "admin"]
                + ([email_word(contact_first)] if contact_first else [])
            )
            if attempt:
                local += str(rng.randint(1, 99))
            email = local + "@" + domain
            if self.claim_email(email):
                return email
        return self.person_email(core.split()[0], "office")

    def new_address(self, city, label=None):
        rng = self.rng
        while True:
            number = str(int(10 ** rng.uniform(0.5, 4.2)))
            direction = rng.choice(tables.DIRECTIONS) if rng.random() < 0.12 else None
            street = rng.choice(self.street_names)
            suffix = self.suffixes.pick(rng)
            unit = None
            if rng.random() < 0.12:
                unit = (
                    rng.choice(tables.UNIT_DESIGNATORS),
                    str(rng.randint(1, 40)) + rng.choice(["", "", "", "A", "B"]),
                )
            city_row = tables.CITIES[city]
            zip5 = rng.choice(city_row[2]) + "%02d" % rng.randint(1, 99)
            key = (
                number,
                direction and direction[0],
                street,
                suffix[0],
                unit and unit[1],
                city,
            )
            if key in self.used_addresses:
                continue
            self.used_addresses.add(key)
            zip_text = zip5 + (
                "-%04d" % rng.randint(1, 9999) if rng.random() < 0.15 else ""
            )
            return {
                "number": number,
                "direction": direction,
                "direction_form": rng.choice([0, 1, 1]) if direction else 0,
                "street": street,
                "suffix": suffix,
                "suffix_form": rng.choice([0, 0, 1, 1, 2]) % len(suffix),
                "unit": unit,
                "unit_form": 0,
                "city": city,
                "zip": zip_text,
                "label": label,
            }

    def retype_address(self, address):
        """The same address typed another way: other abbreviations of the
        suffix, the direction and the unit designator."""
        a = dict(address)
        suffix = a["suffix"]
        if len(suffix) > 1:
            a["suffix_form"] = (
                a["suffix_form"] + self.rng.randint(1, len(suffix) - 1)
            ) % len(suffix)
        if a["direction"]:
            a["direction_form"] = (a["direction_form"] + 1) % 3
        if a["unit"]:
            a["unit_form"] = (a["unit_form"] + 1) % len(a["unit"][0])
        return a

    def company_name(self, surname):
        rng = self.rng
        while True:
            trade = self.trades.pick(rng)
            r = rng.random()
            if r < 0.45:
                core = surname + " " + trade
            elif r < 0.55:
                core = surname + " & " + self.surnames.pick(rng) + " " + trade
            elif r < 0.75:
                core = rng.choice(tables.BUSINESS_WORDS) + " " + trade
            elif r < 0.9:
                city = tables.CITIES[self.cities.pick(rng)][0]
                core = city + " " + trade
            else:
                core = (
                    rng.choice(tables.BUSINESS_WORDS)
                    + " "
                    + rng.choice(tables.STREET_NAMES)
                    + " "
                    + trade
                )
            key = core.lower()
            if key not in self.used_companies:
                self.used_companies.add(key)
                return core

    # ---- Customers -------------------------------------------------------

    def new_customer(self, kind=None, email=None, gmail=False, names=None):
        """A customer with fresh values. `email` True/False forces whether it
        has one; `gmail` makes it a Gmail address; `names` gives an
        individual's (first, last)."""
        rng = self.rng
        if kind is None:
            kind = "Company" if rng.random() < COMPANY_SHARE else "Individual"
        city = self.cities.pick(rng)
        c = {
            "kind": kind,
            "city": city,
            "phone": self.new_phone(city),
            "phone_format": self.phone_formats.pick(rng),
            "source": self.sources.pick(rng),
            "vip": rng.random() < 0.03,
            "contacts": [],
            "contact": None,
        }
        provider = "gmail.com" if gmail else None
        if email is None:
            email = rng.random() < (0.85 if kind == "Company" else 0.65)
        if kind == "Individual":
            if names:
                c["first"], c["last"] = names
            else:
                c["first"] = self.first_name()
                c["last"] = self.surnames.pick(rng) if rng.random() < 0.97 else ""
            c["email"] = (
                self.person_email(c["first"], c["last"], provider) if email else ""
            )
        else:
            core = self.company_name(self.surnames.pick(rng))
            c["core"] = core
            c["the"] = rng.random() < 0.04
            c["suffix"] = self.company_suffixes.pick(rng) if rng.random() < 0.45 else ""
            if rng.random() < 0.85:
                c["contact"] = {
                    "first": self.first_name(),
                    "last": self.surnames.pick(rng),
                }
            contact_first = c["contact"]["first"] if c["contact"] else ""
            if email:
                c["email"] = (
                    self.person_email(
                        contact_first or core.split()[0], core.split()[-1], provider
                    )
                    if gmail
                    else self.company_email(core, contact_first)
                )
            else:
                c["email"] = ""
            if c["contact"] and rng.random() < 0.5:
                ce = self.person_email(c["contact"]["first"], c["contact"]["last"])
                c["contact"]["email"] = ce
        c["locations"] = [self.new_address(city, self.first_label(kind))]
        if rng.random() < 0.2:
            c["locations"].append(self.second_address(c))
        r = rng.random()
        extra = 0 if r < 0.70 else (1 if r < 0.92 else 2)
        for _ in range(extra):
            c["contacts"].append(self.new_contact(c))
        return c

    def first_label(self, kind):
        rng = self.rng
        if kind == "Company":
            return rng.choice([None, "Main office", "Office", "Store", "Warehouse"])
        return rng.choice([None, None, "Home", "Home", "House"])

    def second_address(self, c):
        rng = self.rng
        city = c["city"] if rng.random() < 0.8 else self.cities.pick(rng)
        a = self.new_address(
            city, rng.choice(["Rental", "Cabin", "Unit 2", "Billing", None])
        )
        a["kind"] = (
            "Billing"
            if a["label"] == "Billing"
            else rng.choice(["Service", "Service", "Mailing"])
        )
        return a

    def new_contact(self, c):
        rng = self.rng
        last = c.get("last") or self.surnames.pick(rng)
        if c["kind"] == "Company" or rng.random() < 0.3:
            last = self.surnames.pick(rng)
        contact = {"first": self.first_name(), "last": last}
        if rng.random() < 0.8:
            contact["phone"] = self.new_phone(c["city"])
            contact["phone_format"] = self.phone_formats.pick(rng)
        if rng.random() < 0.45:
            contact["email"] = self.person_email(contact["first"], contact["last"])
        contact["channel"] = rng.choice(["Sms", "Sms", "Phone", "Email", None])
        return contact

    # ---- Planted variants ------------------------------------------------

    def typo(self, word):
        rng = self.rng
        lower = word.lower()
        for _ in range(20):
            # People get the first letter right far more often.
            i = 0
            if len(lower) > 1 and rng.random() >= 0.05:
                i = rng.randint(1, len(lower) - 1)
            op = rng.random()
            if op < 0.4 and lower[i] in KEYBOARD:
                out = lower[:i] + rng.choice(KEYBOARD[lower[i]]) + lower[i + 1 :]
            elif op < 0.65 and len(lower) > 3:
                out = lower[:i] + lower[i + 1 :]
            elif op < 0.85:
                extra = rng.choice(KEYBOARD.get(lower[i], lower[i]) + lower[i])
                out = lower[:i] + extra + lower[i:]
            elif i + 1 < len(lower):
                out = lower[:i] + lower[i + 1] + lower[i] + lower[i + 2 :]
            else:
                continue
            if out != lower and out.isalpha():
                # Keep the original's capitals where the letters still line up.
                if word[0].isupper():
                    out = out[0].upper() + out[1:]
                if lower.startswith("mc") and word[2:3].isupper() and len(out) > 2:
                    out = out[:2] + out[2].upper() + out[3:]
                return out
        return word + "e"

    def nickname_of(self, first):
        """Another form of a first name under the nickname list, or None."""
        rng = self.rng
        name = first.lower()
        if name in self.nicknames and (
            name not in self.given_names or rng.random() < 0.7
        ):
            nicks = self.nicknames[name]
            same_start = [x for x in nicks if x[0] == name[0]]
            pool = same_start if same_start and rng.random() < 0.8 else nicks
            return capitalize(rng.choice(pool))
        if name in self.given_names:
            return capitalize(rng.choice(self.given_names[name]))
        return None

    def compatible_first_names(self, a, b):
        a, b = a.lower(), b.lower()
        if a == b:
            return True
        forms_a = {a, *self.given_names.get(a, [])}
        forms_b = {b, *self.given_names.get(b, [])}
        return (
            bool(forms_a & forms_b)
            or b in self.nicknames.get(a, [])
            or a in self.nicknames.get(b, [])
        )

    def gmail_variant(self, email):
        rng = self.rng
        local, _, domain = email.partition("@")
        if "+" not in local and rng.random() < 0.5:
            tag = rng.choice(["home", "work", "hvac", "bills", "service", "house", "1"])
            return local + "+" + tag + "@" + domain
        if "." in local:
            return local.replace(".", "") + "@" + domain
        i = rng.randint(1, len(local) - 1)
        return local[:i] + "." + local[i:] + "@" + domain

    def duplicate(self, original, kind, signals):
        """A second record of the same customer, as another person at the
        office might have typed it."""
        rng = self.rng
        d = {
            "kind": original["kind"],
            "city": original["city"],
            "source": self.sources.pick(rng),
            "vip": False,
            "contacts": [],
            "contact": None,
            "phone_format": self.phone_formats.pick(rng),
        }
        for field in ("first", "last", "core", "the", "suffix"):
            if field in original:
                d[field] = original[field]
        if original["kind"] == "Company" and original["contact"] and rng.random() < 0.5:
            d["contact"] = {
                k: v for k, v in original["contact"].items() if k != "email"
            }

        if kind == "typo":
            if d["last"] and rng.random() < 0.6:
                d["last"] = self.typo(d["last"])
            else:
                d["first"] = self.typo(d["first"])
        elif kind == "nickname":
            d["first"] = self.nickname_of(d["first"])
        elif kind == "swapped":
            d["first"], d["last"] = d["last"], d["first"]
        elif kind == "company_suffix":
            self.vary_company_suffix(d)
        elif kind == "format":
            signals = ("phone", "email", "address")

        if kind == "email_variant":
            d["email"] = self.gmail_variant(original["email"])
            self.used_emails.add(d["email"].lower())
        elif "email" in signals and original["email"]:
            email = original["email"]
            if kind == "format":
                email = email.upper() if rng.random() < 0.3 else capitalize(email)
                if email == original["email"]:
                    email = email.swapcase()
            d["email"] = email
        elif rng.random() < 0.5:
            d["email"] = self.fresh_email_for(d)
        else:
            d["email"] = ""

        if "phone" in signals:
            d["phone"] = original["phone"]
            if kind == "format":
                while d["phone_format"] == original["phone_format"]:
                    d["phone_format"] = self.phone_formats.pick(rng)
        else:
            d["phone"] = self.new_phone(d["city"])

        first = original["locations"][0]
        if "address" in signals:
            shared = self.retype_address(first) if kind == "format" else dict(first)
            d["locations"] = [shared]
        else:
            d["locations"] = [self.new_address(d["city"], self.first_label(d["kind"]))]
        if rng.random() < 0.1:
            d["contacts"].append(self.new_contact(d))
        return d

    def fresh_email_for(self, c):
        if c["kind"] == "Individual":
            return self.person_email(c["first"], c["last"])
        contact_first = c["contact"]["first"] if c["contact"] else ""
        return self.company_email(
            c["core"] + " " + str(self.rng.randint(2, 99)), contact_first
        )

    def vary_company_suffix(self, d):
        rng = self.rng
        if d["the"]:
            d["the"] = False
        elif d["suffix"]:
            r = rng.random()
            if r < 0.55:
                d["suffix"] = ""
            elif r < 0.85:
                other = d["suffix"]
                while other.strip(" ,.").lower() == d["suffix"].strip(" ,.").lower():
                    other = self.company_suffixes.pick(rng)
                d["suffix"] = other
            else:
                d["the"] = True
        elif rng.random() < 0.75:
            d["suffix"] = self.company_suffixes.pick(rng)
        else:
            d["the"] = True

    def household_member(self, original):
        """Someone else at the same phone: a spouse, a child, a roommate."""
        rng = self.rng
        d = self.new_customer(kind="Individual")
        self.used_phones.discard(d["phone"])
        d["last"] = original["last"]
        while self.compatible_first_names(d["first"], original["first"]):
            d["first"] = self.first_name()
        d["phone"] = original["phone"]
        if d["email"]:
            self.used_emails.discard(fold_email(d["email"]))
            d["email"] = self.person_email(d["first"], d["last"])
        if rng.random() < 0.7:
            d["locations"][0] = dict(original["locations"][0])
            d["city"] = original["city"]
        return d

    def switchboard_neighbour(self, original):
        """Another business answering at the same number (a shared office)."""
        d = self.new_customer(kind="Company")
        d["phone"] = original["phone"]
        if self.rng.random() < 0.6:
            d["locations"][0] = dict(original["locations"][0])
            d["city"] = original["city"]
        return d

    def namesake(self, original):
        """Another person of the same name: nothing else in common."""
        names = (original["first"], original["last"])
        return self.new_customer(kind="Individual", names=names)

    # ---- Output ----------------------------------------------------------

    def company_display(self, c):
        name = ("The " if c["the"] else "") + c["core"]
        suffix = c["suffix"]
        if suffix:
            name += suffix if suffix.startswith(",") else " " + suffix
        return name

    def address_lines(self, a):
        parts = [a["number"]]
        if a["direction"]:
            parts.append(a["direction"][a["direction_form"]])
        parts.append(a["street"])
        parts.append(a["suffix"][a["suffix_form"]])
        line1 = " ".join(parts)
        line2 = ""
        if a["unit"]:
            designators, number = a["unit"]
            designator = designators[a["unit_form"] % len(designators)]
            line2 = designator + (number if designator == "#" else " " + number)
        return line1, line2

    def emit(self, ref, c, out_records, out_flat):
        draft = {"kind": c["kind"]}
        if c["kind"] == "Individual":
            draft["first_name"] = c["first"]
            if c["last"]:
                draft["last_name"] = c["last"]
            company = ""
        else:
            company = self.company_display(c)
            draft["company_name"] = company
        phone = phone_text(c["phone"], c["phone_format"])
        draft["phone"] = phone
        if c["email"]:
            draft["email"] = c["email"]
        if c["vip"]:
            draft["vip"] = True
        if c["source"] != "Manual":
            draft["source"] = c["source"]
        if c["contact"]:
            pc = {
                "first_name": c["contact"]["first"],
                "last_name": c["contact"]["last"],
            }
            if c["contact"].get("email"):
                pc["email"] = c["contact"]["email"]
            draft["primary_contact"] = pc
        out_records.append(
            "%s\tCustomerDraft\t%s\n" % (ref, json.dumps(draft, separators=(",", ":")))
        )

        for contact in c["contacts"]:
            cd = {"first_name": contact["first"], "last_name": contact["last"]}
            if contact.get("phone"):
                cd["phone"] = phone_text(contact["phone"], contact["phone_format"])
            if contact.get("email"):
                cd["email"] = contact["email"]
            if contact["channel"]:
                cd["preferred_channel"] = contact["channel"]
            out_records.append(
                "%s\tContactDraft\t%s\n" % (ref, json.dumps(cd, separators=(",", ":")))
            )

        first_location = None
        for a in c["locations"]:
            line1, line2 = self.address_lines(a)
            city_name, state = tables.CITIES[a["city"]][0:2]
            ld = {"kind": a.get("kind", "Service")}
            if a["label"]:
                ld["label"] = a["label"]
            ld["address_line1"] = line1
            if line2:
                ld["address_line2"] = line2
            ld["city"] = city_name
            ld["state"] = state
            ld["zip"] = a["zip"]
            out_records.append(
                "%s\tLocationDraft\t%s\n" % (ref, json.dumps(ld, separators=(",", ":")))
            )
            if first_location is None:
                first_location = (
                    line1 + (" " + line2 if line2 else ""),
                    city_name,
                    state,
                    a["zip"],
                )

        out_flat.append(
            "\t".join(
                (
                    ref,
                    c["kind"],
                    c.get("first", "") if c["kind"] == "Individual" else "",
                    c.get("last", "") if c["kind"] == "Individual" else "",
                    company,
                    phone,
                    c["email"],
                )
                + first_location
            )
            + "\n"
        )

    # ---- The plan --------------------------------------------------------

    def plan(self):
        """Which slots are the two sides of a planted pair, and of what kind.
        Pairs are spread uniformly; the original always comes first."""
        rng = self.rng
        n_duplicates = round(self.n * DUPLICATE_SHARE)
        n_negatives = round(self.n * NEGATIVE_SHARE)
        if 2 * (n_duplicates + n_negatives) > self.n:
            n_duplicates = n_negatives = 0
        slots = rng.sample(range(self.n), 2 * (n_duplicates + n_negatives))
        pairs = []
        roles = {}
        for k in range(n_duplicates + n_negatives):
            a, b = sorted(slots[2 * k : 2 * k + 2])
            if k < n_duplicates:
                kind = self.duplicate_kinds.pick(rng)
                signals = self.shared_signals.pick(rng)
                if kind == "email_variant":
                    signals = rng.choice(
                        [("phone",), ("address",), ("phone", "address")]
                    )
                pairs.append(("duplicate", kind, signals, a, b))
            else:
                kind = self.negative_kinds.pick(rng)
                pairs.append(("negative", kind, (), a, b))
            roles[a] = (k, 0)
            roles[b] = (k, 1)
        return pairs, roles

    def original_for(self, group, kind, signals):
        rng = self.rng
        if group == "duplicate":
            if kind == "email_variant":
                return self.new_customer(email=True, gmail=True)
            wants_email = True if ("email" in signals or kind == "format") else None
            if kind == "company_suffix":
                return self.new_customer(kind="Company", email=wants_email)
            if kind in ("typo", "nickname", "swapped"):
                while True:
                    c = self.new_customer(kind="Individual", email=wants_email)
                    if kind in ("swapped", "nickname") and not c["last"]:
                        continue
                    if kind == "nickname" and self.nickname_probe(c["first"]):
                        continue
                    return c
            return self.new_customer(email=wants_email)
        if kind == "same_name":
            names = (rng.choice(self.common_first), rng.choice(self.common_last))
            return self.new_customer(kind="Individual", names=names)
        if rng.random() < 0.75:
            c = self.new_customer(kind="Individual")
            if not c["last"]:
                c["last"] = self.surnames.pick(rng)
            return c
        return self.new_customer(kind="Company")

    def nickname_probe(self, first):
        """True when the name has no other form in the nickname list."""
        name = first.lower()
        return name not in self.nicknames and name not in self.given_names

    def second_for(self, group, kind, signals, original):
        if group == "duplicate":
            return self.duplicate(original, kind, signals)
        if kind == "same_name":
            return self.namesake(original)
        if original["kind"] == "Individual":
            return self.household_member(original)
        return self.switchboard_neighbour(original)

    def run(self, out_dir):
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        pairs, roles = self.plan()
        pending = {}
        records_file = open(out / "customers.tsv", "w", encoding="utf-8", newline="\n")
        flat_file = open(out / "flat.tsv", "w", encoding="utf-8", newline="\n")
        flat_file.write(
            "ref\tkind\tfirst_name\tlast_name\tcompany_name\tphone\temail\tstreet\tcity\tstate\tzip\n"
        )
        records, flat = [], []
        for slot in range(self.n):
            ref = "c%07d" % (slot + 1)
            role = roles.get(slot)
            if role is None:
                c = self.new_customer()
            else:
                group, kind, signals, _, _ = pairs[role[0]]
                if role[1] == 0:
                    c = self.original_for(group, kind, signals)
                    pending[role[0]] = c
                else:
                    c = self.second_for(group, kind, signals, pending.pop(role[0]))
            self.emit(ref, c, records, flat)
            if len(records) > 20000:
                records_file.writelines(records)
                flat_file.writelines(flat)
                records.clear()
                flat.clear()
        records_file.writelines(records)
        flat_file.writelines(flat)
        records_file.close()
        flat_file.close()

        with open(
            out / "truth.csv", "w", encoding="utf-8", newline="\n"
        ) as truth, open(
            out / "negatives.csv", "w", encoding="utf-8", newline="\n"
        ) as negatives:
            truth.write("ref_a,ref_b,kind\n")
            negatives.write("ref_a,ref_b,kind\n")
            for group, kind, _, a, b in sorted(pairs, key=lambda p: p[3]):
                line = "c%07d,c%07d,%s\n" % (a + 1, b + 1, kind)
                (truth if group == "duplicate" else negatives).write(line)
        return pairs


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    if args.customers < 1 or args.customers > 9_999_999:
        parser.error("--customers must be between 1 and 9999999")
    start = time.monotonic()
    pairs = Generator(args.customers, args.seed).run(args.out)
    elapsed = time.monotonic() - start
    duplicates = sum(1 for p in pairs if p[0] == "duplicate")
    print(
        "generated %d customers (%d planted duplicates, %d negatives) in %.1f s"
        % (args.customers, duplicates, len(pairs) - duplicates, elapsed),
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
