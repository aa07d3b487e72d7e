"""Replacement values: tags (``[NAME]``) or consistent realistic surrogates.

Surrogates are deterministic functions of (seed, label, normalised real value): the same real
name gives the same fake name in every note, every run and every worker process, with no shared
state.  Dates move by one offset per patient (a hash of seed and patient id), so intervals between
a patient's dates hold.  Fake names, streets and cities come from Faker's ``en_US`` lists.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import string
from typing import Any

from .rules import MONTH_FULL

_MONTH_ABBR = {m[:3].lower(): i + 1 for i, m in enumerate(MONTH_FULL)}
_MONTH_ABBR["sept"] = 9


def stable_hash(*parts: Any) -> int:
    data = "\x1f".join(str(p) for p in parts).encode("utf-8")
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")


def tag(label: str) -> str:
    return f"[{label}]"


class Surrogates:
    """Consistent fake values for one seed."""

    def __init__(self, seed: int, *, first_names: frozenset[str] = frozenset()) -> None:
        self.seed = seed
        self._first_names = first_names
        self._faker = None

    @property
    def faker(self):
        if self._faker is None:
            from faker import Faker

            self._faker = Faker("en_US")
        return self._faker

    def _seeded(self, *parts: Any):
        fk = self.faker
        fk.seed_instance(stable_hash(self.seed, *parts))
        return fk

    # ----------------------------------------------------------------- public
    def shift_days(self, patient: str, lo: int, hi: int) -> int:
        """Backwards shift in days (between -hi and -lo) for one patient."""
        return -(lo + stable_hash(self.seed, "shift", patient) % (hi - lo + 1))

    def replace(self, label: str, value: str, *, shift: int) -> str:
        fn = getattr(self, f"_{label.lower()}", None)
        if fn is None:
            return self._shape(label, value)
        return fn(value, shift)

    # ----------------------------------------------------------------- per label
    def _name(self, value: str, shift: int) -> str:
        def repl(m: re.Match[str]) -> str:
            word = m.group(0)
            key = word.lower()
            if len(word) == 1:
                letter = string.ascii_uppercase[stable_hash(self.seed, "initial", key) % 26]
                return letter if word.isupper() else letter.lower()
            fk = self._seeded("name", key)
            fake = fk.first_name() if word.capitalize() in self._first_names else fk.last_name()
            if fake.lower() == key:
                fake = self._seeded("name2", key).last_name()
            if word.isupper():
                return fake.upper()
            if word.islower():
                return fake.lower()
            return fake

        return re.sub(r"[^\W\d_](?:[^\W\d_]|['\-])*[^\W\d_]|[^\W\d_]", repl, value)

    def _date(self, value: str, shift: int) -> str:
        shifted = shift_date(value, shift)
        return shifted if shifted is not None else tag("DATE")

    def _age(self, value: str, shift: int) -> str:
        return "90+"

    def _address(self, value: str, shift: int) -> str:
        if re.search(r"(?i)box", value):
            return "P.O. Box " + self._digits(value, "pobox")[-4:].lstrip("0").rjust(3, "1")
        return self._seeded("address", _norm(value)).street_address()

    def _location(self, value: str, shift: int) -> str:
        fk = self._seeded("location", _norm(value))
        m = re.search(r"\s+(County|Parish|Borough|Township|Twp)$", value)
        if m:
            return fk.last_name() + m.group(0)
        city = fk.city()
        return city.upper() if value.isupper() else city

    def _facility(self, value: str, shift: int) -> str:
        fk = self._seeded("facility", _norm(value))
        m = re.search(r"(?:Hospital|Medical Center|Medical Centre|Health Center|Clinic|Infirmary|Hospice|"
                      r"Nursing Home|Rehabilitation Center|Cancer Center|Urgent Care|Surgery Center|Pharmacy|"
                      r"Laboratory|Memorial|General|Regional|Medical Group|Health System)(?:\s+\w+)*$", value)
        suffix = m.group(0) if m else "Hospital"
        return f"{fk.last_name()} {suffix}"

    def _zip(self, value: str, shift: int) -> str:
        z = self._seeded("zip", value).zipcode()
        return z + ("-" + self._digits(value, "zip4")[:4] if "-" in value else "")

    def _email(self, value: str, shift: int) -> str:
        fk = self._seeded("email", value.lower())
        return f"{fk.first_name().lower()}.{fk.last_name().lower()}@example.org"

    def _url(self, value: str, shift: int) -> str:
        h = stable_hash(self.seed, "url", value.lower())
        return f"https://www.example.org/{h % 10**8:08d}"

    def _ip(self, value: str, shift: int) -> str:
        fk = self._seeded("ip", value)
        return fk.ipv6() if ":" in value else fk.ipv4_private()

    def _shape(self, label: str, value: str) -> str:
        """Format-preserving replacement: digits -> digits, letters -> letters."""
        h = stable_hash(self.seed, label, value)
        rng = _Lcg(h)
        out = []
        for ch in value:
            if ch.isdigit():
                out.append(str(rng.next() % 10))
            elif ch.isalpha() and ch.isascii():
                letter = string.ascii_uppercase[rng.next() % 26]
                out.append(letter if ch.isupper() else letter.lower())
            else:
                out.append(ch)
        fake = "".join(out)
        if fake == value:
            return tag(label)
        return fake

    def _digits(self, value: str, salt: str) -> str:
        rng = _Lcg(stable_hash(self.seed, salt, value))
        return "".join(str(rng.next() % 10) for _ in range(8))


class _Lcg:
    def __init__(self, seed: int) -> None:
        self.state = seed & 0xFFFFFFFFFFFF or 1

    def next(self) -> int:
        self.state = (self.state * 25214903917 + 11) & 0xFFFFFFFFFFFF
        return self.state >> 17


def _norm(value: str) -> str:
    return re.sub(r"\W+", " ", value.lower()).strip()


# ------------------------------------------------------------------------------ date shifting
_MONTH_WORD = r"[A-Za-z]{3,9}\.?"


def _month_number(word: str) -> int | None:
    w = word.rstrip(".").lower()
    if w[:4] == "sept":
        return 9
    return _MONTH_ABBR.get(w[:3]) if (w[:3] in _MONTH_ABBR and (len(w) == 3 or MONTH_FULL[_MONTH_ABBR[w[:3]] - 1].lower().startswith(w))) else None


def _fmt_month(original: str, month: int) -> str:
    full = MONTH_FULL[month - 1]
    bare = original.rstrip(".")
    is_full = bare.capitalize() in MONTH_FULL or (len(bare) > 3 and bare.lower() != "sept")
    name = full if is_full else full[:3]
    if bare.isupper():
        name = name.upper()
    return name + ("." if original.endswith(".") and len(name) == 3 else "")


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def shift_date(value: str, days: int) -> str | None:
    """Shift the date written in ``value`` by ``days``, keeping its format; None if unparseable."""
    v = value
    # ISO y-m-d (optional time)
    m = re.fullmatch(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(T.*)?", v)
    if m:
        d = _mk(int(m.group(1)), int(m.group(3)), int(m.group(4)))
        if d is None:
            return None
        d += dt.timedelta(days=days)
        return f"{d.year}{m.group(2)}{_pad(d.month, m.group(3))}{m.group(2)}{_pad(d.day, m.group(4))}{m.group(5) or ''}"
    # m/d/y, d/m/y
    m = re.fullmatch(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{2}|\d{4})", v)
    if m:
        a, b, y = int(m.group(1)), int(m.group(3)), m.group(4)
        year = int(y) if len(y) == 4 else (2000 + int(y) if int(y) < 50 else 1900 + int(y))
        dmy = a > 12
        d = _mk(year, b, a) if dmy else _mk(year, a, b)
        if d is None:
            return None
        d += dt.timedelta(days=days)
        yy = str(d.year) if len(y) == 4 else f"{d.year % 100:02d}"
        first, second = (d.day, d.month) if dmy else (d.month, d.day)
        return f"{_pad(first, m.group(1))}{m.group(2)}{_pad(second, m.group(3))}{m.group(2)}{yy}"
    # m/yyyy, yyyy-mm
    m = re.fullmatch(r"(\d{1,2})([/\-])(\d{4})", v)
    if m:
        d = _mk(int(m.group(3)), int(m.group(1)), 15)
        if d is None:
            return None
        d += dt.timedelta(days=days)
        return f"{_pad(d.month, m.group(1))}{m.group(2)}{d.year}"
    m = re.fullmatch(r"(\d{4})([/\-])(\d{2})", v)
    if m:
        d = _mk(int(m.group(1)), int(m.group(3)), 15)
        if d is None:
            return None
        d += dt.timedelta(days=days)
        return f"{d.year}{m.group(2)}{d.month:02d}"
    # m/d (no year): use a leap year so Feb 29 parses
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})", v)
    if m:
        a, b = int(m.group(1)), int(m.group(2))
        d = _mk(2000, a, b) or _mk(2000, b, a)
        if d is None:
            return None
        d += dt.timedelta(days=days)
        return f"{d.month}/{d.day}"
    # Month d(st)?(, yyyy)?
    m = re.fullmatch(r"(" + _MONTH_WORD + r"),?([\s\-]*)(the\s+)?(\d{1,2})([a-zA-Z]{2})?(?:((?:,|\s|,\s+|-)\s*)('?)(\d{4}|\d{2}))?", v)
    if m and _month_number(m.group(1)):
        year_s = m.group(8)
        year = _year(year_s) if year_s else 2000
        d = _mk(year, _month_number(m.group(1)), int(m.group(4)))
        if d is None:
            return None
        d += dt.timedelta(days=days)
        out = f"{_fmt_month(m.group(1), d.month)}{',' if ',' in v[:len(m.group(1)) + 1] else ''}{m.group(2)}{m.group(3) or ''}"
        out += _ordinal(d.day) if m.group(5) else str(d.day)
        if year_s:
            out += m.group(6) + m.group(7) + (str(d.year) if len(year_s) == 4 else f"{d.year % 100:02d}")
        return out
    # d(st)? (of)? Month (yyyy)?
    m = re.fullmatch(r"(\d{1,2})([a-zA-Z]{2})?((?:\s+of)?[\s\-.]*)(" + _MONTH_WORD + r")(?:([\s\-.,]*)('?)(\d{4}|\d{2}))?", v)
    if m and _month_number(m.group(4)):
        year_s = m.group(7)
        year = _year(year_s) if year_s else 2000
        d = _mk(year, _month_number(m.group(4)), int(m.group(1)))
        if d is None:
            return None
        d += dt.timedelta(days=days)
        out = (_ordinal(d.day) if m.group(2) else _pad(d.day, m.group(1))) + m.group(3) + _fmt_month(m.group(4), d.month)
        if year_s:
            out += m.group(5) + m.group(6) + (str(d.year) if len(year_s) == 4 else f"{d.year % 100:02d}")
        return out
    # Month yyyy
    m = re.fullmatch(r"(" + _MONTH_WORD + r")(,?[\s\-]*(?:of\s+)?)('?)(\d{4}|\d{2})", v)
    if m and _month_number(m.group(1)):
        d = _mk(_year(m.group(4)), _month_number(m.group(1)), 15)
        if d is None:
            return None
        d += dt.timedelta(days=days)
        return f"{_fmt_month(m.group(1), d.month)}{m.group(2)}{m.group(3)}{d.year if len(m.group(4)) == 4 else f'{d.year % 100:02d}'}"
    # Month alone
    if _month_number(v) and re.fullmatch(_MONTH_WORD, v):
        d = _mk(2001, _month_number(v), 15) + dt.timedelta(days=days)
        return _fmt_month(v, d.month)
    # ordinal day alone ("the 4th")
    m = re.fullmatch(r"(\d{1,2})(st|nd|rd|th)(.*)", v)
    if m:
        day = (int(m.group(1)) - 1 + days) % 28 + 1
        return _ordinal(day) + m.group(3)
    return None


def _year(s: str) -> int:
    y = int(s)
    return y if len(s) == 4 else (2000 + y if y < 50 else 1900 + y)


def _pad(n: int, original: str) -> str:
    return f"{n:02d}" if len(original) == 2 else str(n)


def _mk(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None
