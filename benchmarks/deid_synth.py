"""Synthetic clinical notes with planted identifiers of every HIPAA Safe Harbor type.

No real persons: names, streets, e-mails and numbers come from Faker (random combinations, several
locales, so many names are NOT in the census lists the detector uses); cities are half real US
place names (a place is not a person) and half Faker's invented ones; every number is random.
Clinical filler sentences are real de-identified MTSamples sentences (notes 1000 and up, apart from
the 200 notes used for the false-positive count), so the detector meets real clinical wording,
eponyms and numbers between the planted identifiers.

Each identifier type has many surface formats and several context templates (header field, mid
sentence, parenthesis, list, signature, no context at all), placed at random positions.  The
formats were written from the identifier definitions, not from the detector's rules; evaluate on a
held-out seed that was never used while tuning (``deid_eval.py --seed``).

    python benchmarks/deid_synth.py --n 5 --seed 1            # print notes with their spans
    python benchmarks/deid_synth.py --n 300 --seed 1 -o synth.jsonl
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import string
import sys
from pathlib import Path
from typing import Any, Callable

from faker import Faker

ROOT = Path(__file__).resolve().parents[1]
MTSAMPLES = ROOT.parent / "shared" / "data" / "mtsamples" / "mtsamples.csv"
CITIES = ROOT / "nlp_pipeline" / "deid" / "resources" / "us_cities.txt"

TYPES = ("NAME", "ADDRESS", "LOCATION", "ZIP", "FACILITY", "DATE", "AGE", "PHONE", "FAX", "EMAIL", "SSN",
         "MRN", "HEALTH_PLAN", "ACCOUNT", "LICENSE", "VEHICLE", "DEVICE", "URL", "IP", "BIOMETRIC", "ID")
LOCALES = ["en_US", "en_US", "en_US", "en_GB", "es_MX", "de_DE", "fr_FR", "it_IT", "en_IE", "pt_BR", "pl_PL", "nl_NL"]
STATES = ["AL", "AZ", "CA", "CO", "CT", "FL", "GA", "IL", "IN", "MA", "MD", "MI", "MN", "MO", "NC", "NJ", "NY",
          "OH", "OR", "PA", "TN", "TX", "VA", "WA", "WI"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def _filler_sentences(limit: int = 6000) -> list[str]:
    """Real clinical sentences (MTSamples notes from index 1000 on)."""
    if not MTSAMPLES.exists():
        return ["The patient tolerated the procedure well.", "Lungs are clear to auscultation bilaterally.",
                "No known drug allergies.", "Blood pressure 132/84, pulse 78.", "Strength is 5/5 in all extremities."]
    csv.field_size_limit(10**9)
    out: list[str] = []
    with MTSAMPLES.open(encoding="utf-8") as fh:
        for i, row in enumerate(csv.DictReader(fh)):
            if i < 1000:
                continue
            for sent in re.split(r"(?<=[.!?])\s+", row["transcription"] or ""):
                sent = re.sub(r"\s+", " ", sent).strip(" ,")
                if 25 <= len(sent) <= 220 and not re.search(r"[A-Z]{3,}:", sent):
                    out.append(sent)
            if len(out) >= limit:
                break
    return out


class Planter:
    """Builds one note piece by piece, recording the offsets of planted identifiers."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.spans: list[dict[str, Any]] = []
        self.pos = 0

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.pos += len(text)

    def plant(self, template: str, values: list[tuple[str, str]]) -> None:
        """template with {} slots filled by (label, value) in order."""
        chunks = template.split("{}")
        assert len(chunks) == len(values) + 1, template
        for chunk, (label, value) in zip(chunks, values):
            self.add(chunk)
            self.spans.append({"start": self.pos, "end": self.pos + len(value), "label": label, "text": value})
            self.add(value)
        self.add(chunks[-1])

    @property
    def text(self) -> str:
        return "".join(self.parts)


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.fakers = {loc: Faker(loc) for loc in sorted(set(LOCALES))}  # sorted: a set's order changes with PYTHONHASHSEED
        for i, fk in enumerate(self.fakers.values()):
            fk.seed_instance(seed * 1000 + i)
        self.us = self.fakers["en_US"]
        self.filler = _filler_sentences()
        self.cities = CITIES.read_text().split("\n")[:-1] if CITIES.exists() else ["Springfield"]

    # ---------------------------------------------------------------- value makers
    def _fk(self) -> Faker:
        return self.fakers[self.rng.choice(LOCALES)]

    def _digits(self, n: int) -> str:
        return "".join(self.rng.choice(string.digits) for _ in range(n))

    def _letters(self, n: int) -> str:
        return "".join(self.rng.choice(string.ascii_uppercase) for _ in range(n))

    def person(self) -> tuple[str, str]:
        fk = self._fk()
        first = fk.first_name()
        last = fk.last_name()
        return first, last

    def name_value(self) -> tuple[str, str]:
        """(template context with {} for the name, the name)"""
        first, last = self.person()
        mid = self.rng.choice(string.ascii_uppercase)
        fmt = self.rng.choice([
            f"{first} {last}", f"{last}, {first}", f"{first} {mid}. {last}", f"{last.upper()}, {first.upper()}",
            f"{first[0]}. {last}", f"{first} {last}", f"{last}, {first} {mid}.",
        ])
        return fmt, last

    def date_value(self) -> str:
        fk = self.us
        d = fk.date_between(start_date="-30y", end_date="+1y")
        m, day, y = d.month, d.day, d.year
        mon = MONTHS[m - 1]
        suf = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
        return self.rng.choice([
            f"{m}/{day}/{y}", f"{m:02d}/{day:02d}/{y}", f"{m:02d}/{day:02d}/{y % 100:02d}", f"{m}/{day}/{y % 100:02d}",
            f"{y}-{m:02d}-{day:02d}", f"{m}-{day}-{y}", f"{m:02d}-{day:02d}-{y}", f"{day:02d}.{m:02d}.{y}",
            f"{mon} {day}, {y}", f"{mon[:3]} {day}, {y}", f"{mon[:3]}. {day}, {y}", f"{mon} {day}{suf}, {y}",
            f"{day} {mon} {y}", f"{day}-{mon[:3]}-{y}", f"{day:02d}-{mon[:3].upper()}-{y % 100:02d}",
            f"{mon} {day}", f"{mon} {day}{suf}", f"{day}{suf} of {mon}", f"{mon[:3]} {day}", f"{m}/{day}",
            f"{mon} {y}", f"{m}/{y}", f"{mon.upper()} {day}, {y}", f"{day} {mon[:3]} {y}",
        ])

    def phone_value(self) -> str:
        a, b, c = self.rng.choice("2345689") + self._digits(2), self.rng.choice("2345679") + self._digits(2), self._digits(4)
        return self.rng.choice([
            f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"{a}.{b}.{c}", f"{a} {b} {c}", f"+1 {a} {b} {c}", f"1-{a}-{b}-{c}",
            f"({a}){b}-{c}", f"{b}-{c}", f"{a}-{b}-{c} ext. {self._digits(3)}", f"+1 ({a}) {b}-{c}", f"{a}{b}{c}",
        ])

    def make(self, label: str) -> tuple[str, list[tuple[str, str]]]:
        """(context template, [(label, value)]) for one planted identifier."""
        r, fk, us = self.rng, self._fk(), self.us
        if label == "NAME":
            first, last = self.person()
            name, _ = self.name_value()
            rel = r.choice(["wife", "husband", "daughter", "son", "sister", "brother", "mother", "friend", "neighbor"])
            cred = r.choice(["MD", "M.D.", "DO", "RN", "NP", "PA-C", "PhD"])
            return r.choice([
                ("Patient: {}\n", [("NAME", name)]), ("Patient Name: {}\n", [("NAME", name)]),
                ("Attending physician: {}\n", [("NAME", name)]), (f"Discussed with Dr. {{}} today.", [("NAME", last)]),
                ("Seen in consultation at the request of Dr. {}.", [("NAME", f"{first} {last}")]),
                (f"His {rel}, {{}}, is at the bedside.", [("NAME", first)]),
                (f"Her {rel} {{}} will drive her home.", [("NAME", f"{first} {last}")]),
                (f"{{}}, {cred}\n", [("NAME", f"{first} {last}")]), ("Electronically signed by: {}\n", [("NAME", name)]),
                (f"cc: {{}}, {cred}\n", [("NAME", f"{first[0]}. {last}")]), ("Mr. {} returns for follow-up.", [("NAME", last)]),
                ("Mrs. {} was counseled.", [("NAME", f"{first} {last}")]), ("Ms. {} denies chest pain.", [("NAME", last)]),
                ("{} was seen and examined today.", [("NAME", f"{first} {last}")]),
                ("Message left for {} to call back.", [("NAME", f"{first} {last}")]),
                ("Emergency contact: {} ({})\n", [("NAME", f"{first} {last}"), ("PHONE", self.phone_value())]),
                ("Dictated by: {}\n", [("NAME", f"{last}, {first}")]),
                ("PCP: Dr. {}\n", [("NAME", f"{first} {last}")]),
                ("The patient, {}, tolerated the procedure well.", [("NAME", f"{first} {last}")]),
                ("Spoke with {} (daughter) by phone.", [("NAME", first)]),
                ("Surgeon:  {}, M.D.\n", [("NAME", f"{first} {last}")]),
                ("Nurse {} assisted.", [("NAME", first)]),
                ("Referring physician: Dr. {}\n", [("NAME", last)]),
            ])
        if label == "DATE":
            v = self.date_value()
            return r.choice([
                ("DOB: {}\n", [("DATE", v)]), ("Date of admission: {}\n", [("DATE", v)]), ("She was admitted on {}.", [("DATE", v)]),
                ("Last colonoscopy {} was normal.", [("DATE", v)]), ("Follow up on {} in clinic.", [("DATE", v)]),
                ("Surgery ({}) was uncomplicated.", [("DATE", v)]), ("Date of service: {}\n", [("DATE", v)]),
                ("Labs from {}: hemoglobin 11.2.", [("DATE", v)]), ("Symptoms began {}.", [("DATE", v)]),
                ("Discharged {} to home.", [("DATE", v)]),
                ("Seen last {} for the same complaint.", [("DATE", r.choice(MONTHS))]),
                ("Her last period was on the {}.", [("DATE", r.choice(["3rd", "14th", "21st", "2nd", "28th"]))]),
                ("He fell on {} at home.", [("DATE", r.choice(["Christmas Eve", "Thanksgiving", "New Year's Day", "Easter", "Halloween", "July 4th"]))]),
                ("Pathology dated {} showed adenocarcinoma.", [("DATE", v)]),
            ])
        if label == "AGE":
            n = r.randint(90, 109)
            words = {90: "ninety", 91: "ninety-one", 92: "ninety-two", 93: "ninety-three", 95: "ninety-five", 98: "ninety-eight"}
            w = words.get(n, "ninety-four")
            return r.choice([
                ("This is a {}-year-old woman with dyspnea.", [("AGE", str(n))]), ("A {} year old male presents with falls.", [("AGE", str(n))]),
                ("Age: {}\n", [("AGE", str(n))]), ("The patient is {} years old.", [("AGE", str(n))]),
                ("{} y/o F with CHF.", [("AGE", str(n))]), ("{}yo M, nursing home resident.", [("AGE", str(n))]),
                ("She is aged {} and lives alone.", [("AGE", str(n))]), ("A {}-year-old gentleman.", [("AGE", w)]),
                ("at age {} she had a stroke.", [("AGE", str(n))]), ("HPI: {} yo female.", [("AGE", str(n))]),
            ])
        if label in ("PHONE", "FAX"):
            v = self.phone_value()
            if label == "FAX":
                return r.choice([("Fax: {}\n", [("FAX", v)]), ("Please fax records to {}.", [("FAX", v)]),
                                 ("F: {}\n", [("FAX", v)]), ("fax number {}.", [("FAX", v)])])
            return r.choice([("Phone: {}\n", [("PHONE", v)]), ("Call {} with questions.", [("PHONE", v)]),
                             ("Tel {}\n", [("PHONE", v)]), ("Reached at home ({}).", [("PHONE", v)]),
                             ("Cell: {}, home: {}\n", [("PHONE", v), ("PHONE", self.phone_value())]),
                             ("Pager {}.", [("PHONE", v)]), ("Contact number {}.", [("PHONE", v)])])
        if label == "EMAIL":
            first, last = self.person()
            dom = r.choice(["gmail.com", "yahoo.com", "hospital.org", "mail.example.net", "uni-klinik.de", "outlook.com"])
            clean = lambda s: re.sub(r"[^a-z]", "", s.lower()) or "x"
            v = r.choice([us.email(), f"{clean(first)}.{clean(last)}@{dom}", f"{clean(first)[0]}{clean(last)}{r.randint(1, 99)}@{dom}",
                          f"{clean(last).upper()}_{clean(first)}@{dom}"])
            return r.choice([("Email: {}\n", [("EMAIL", v)]), ("She prefers e-mail ({}).", [("EMAIL", v)]),
                             ("Results sent to {} per request.", [("EMAIL", v)])])
        if label == "SSN":
            a, b, c = f"{r.randint(1, 665):03d}", self._digits(2), self._digits(4)
            v = r.choice([f"{a}-{b}-{c}", f"{a} {b} {c}", f"{a}{b}{c}"])
            return r.choice([("SSN: {}\n", [("SSN", v)]), ("Social Security Number {}.", [("SSN", v)]),
                             ("SS# {}\n", [("SSN", v)]), ("His social security number is {}.", [("SSN", f"{a}-{b}-{c}")])])
        if label == "MRN":
            v = r.choice([self._digits(7), self._digits(8), f"{self._digits(2)}-{self._digits(3)}-{self._digits(2)}",
                          f"{self._letters(1)}{self._digits(7)}", f"00{self._digits(6)}", f"S{self._digits(2)}-{self._digits(5)}"])
            return r.choice([("MRN: {}\n", [("MRN", v)]), ("MR# {}\n", [("MRN", v)]), ("Medical record number {}.", [("MRN", v)]),
                             ("Accession #: {}\n", [("MRN", v)]), ("(MRN {})", [("MRN", v)]), ("Specimen {} received in formalin.", [("MRN", v)]),
                             ("Chart No. {}\n", [("MRN", v)]), ("Hospital number: {}\n", [("MRN", v)])])
        if label == "HEALTH_PLAN":
            v = r.choice([f"{self._letters(3)}{self._digits(9)}", f"{r.randint(1, 9)}{self._letters(2)}{r.randint(1, 9)}-{self._letters(2)}{r.randint(1, 9)}-{self._letters(2)}{self._digits(2)}",
                          self._digits(9), f"W{self._digits(9)}", f"{self._digits(3)}-{self._digits(2)}-{self._digits(4)}A"])
            return r.choice([("Member ID: {}\n", [("HEALTH_PLAN", v)]), ("Medicare #: {}\n", [("HEALTH_PLAN", v)]),
                             ("Policy number {}.", [("HEALTH_PLAN", v)]), ("Insurance ID {}\n", [("HEALTH_PLAN", v)]),
                             ("Subscriber ID: {}\n", [("HEALTH_PLAN", v)]), ("Medicaid number {} on file.", [("HEALTH_PLAN", v)]),
                             ("Group #: {}\n", [("HEALTH_PLAN", self._digits(5))])])
        if label == "ACCOUNT":
            v = r.choice([self._digits(9), f"{self._digits(4)}-{self._digits(4)}-{self._digits(4)}", f"E{self._digits(8)}", self._digits(6), f"{self._letters(2)}{self._digits(7)}"])
            return r.choice([("Acct #: {}\n", [("ACCOUNT", v)]), ("Account number {}.", [("ACCOUNT", v)]),
                             ("Billing account: {}\n", [("ACCOUNT", v)]), ("Encounter #: {}\n", [("ACCOUNT", v)]),
                             ("FIN {}\n", [("ACCOUNT", v)]), ("Visit number {} was closed.", [("ACCOUNT", v)])])
        if label == "LICENSE":
            return r.choice([
                ("DEA# {}\n", [("LICENSE", f"{self._letters(2)}{self._digits(7)}")]), ("NPI: {}\n", [("LICENSE", "1" + self._digits(9))]),
                ("Driver's license {} was verified.", [("LICENSE", f"{self._letters(1)}{self._digits(7)}")]),
                ("License #: {}\n", [("LICENSE", f"{r.choice(STATES)}-{self._digits(5)}")]),
                ("Death certificate no. {} was signed.", [("LICENSE", f"{r.randint(2000, 2025)}-{self._digits(6)}")]),
                ("Passport number {}.", [("LICENSE", self._digits(9))]), ("Medical license {}\n", [("LICENSE", f"{self._letters(1)}{self._digits(5)}")]),
            ])
        if label == "VEHICLE":
            vin = "".join(r.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(11)) + self._digits(6)
            return r.choice([
                ("License plate {} noted by EMS.", [("VEHICLE", f"{r.randint(1, 9)}{self._letters(3)}{self._digits(3)}")]),
                ("VIN {}\n", [("VEHICLE", vin)]), ("Vehicle VIN: {}", [("VEHICLE", vin)]),
                ("Plate number {}.", [("VEHICLE", f"{self._letters(3)}-{self._digits(4)}")]),
                ("He was struck by a car (plate {}).", [("VEHICLE", f"{self._letters(3)} {self._digits(3)}")]),
            ])
        if label == "DEVICE":
            return r.choice([
                ("Serial number: {}\n", [("DEVICE", f"SN-{self._digits(7)}")]), ("S/N {}\n", [("DEVICE", f"{self._digits(5)}-{self._letters(3)}")]),
                ("Pacemaker serial {} interrogated.", [("DEVICE", f"{self._letters(3)}{self._digits(6)}{self._letters(1)}")]),
                ("Device ID: {}\n", [("DEVICE", "00" + self._digits(12))]),
                ("UDI {}\n", [("DEVICE", f"(01){self._digits(14)}(17){self._digits(6)}")]),
                ("IMEI {}\n", [("DEVICE", f"{self._digits(2)}-{self._digits(6)}-{self._digits(6)}-{self._digits(1)}")]),
                ("Insulin pump serial #{}.", [("DEVICE", f"{self._letters(2)}{self._digits(7)}")]),
                ("Lot number {} used.", [("DEVICE", f"{self._letters(1)}{self._digits(5)}")]),
            ])
        if label == "URL":
            word = re.sub(r"[^a-z]", "", self.person()[1].lower()) or "care"
            v = r.choice([f"https://www.{word}health.org/patients/{self._digits(5)}", f"http://{word}.com", f"www.{word}-clinic.net",
                          f"{word}family.org/blog", f"https://portal.{word}.us/login?id={self._digits(6)}"])
            return r.choice([("See {} for details.", [("URL", v)]), ("Web: {}\n", [("URL", v)]), ("Patient's blog ({}) describes symptoms.", [("URL", v)])])
        if label == "IP":
            v = r.choice([f"{r.randint(1, 223)}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}", us.ipv6()])
            return r.choice([("Login from IP {}.", [("IP", v)]), ("IP address: {}\n", [("IP", v)]), ("Telehealth session ({}) dropped.", [("IP", v)])])
        if label == "BIOMETRIC":
            v = r.choice([f"FP-{self._digits(4)}-{self._digits(4)}", f"{self._letters(2)}{self._digits(6)}", f"{self._digits(3)}-{self._letters(2)}-{self._digits(3)}"])
            return r.choice([("Fingerprint ID: {}\n", [("BIOMETRIC", v)]), ("Retinal scan {} on file.", [("BIOMETRIC", v)]),
                             ("Voiceprint {} enrolled.", [("BIOMETRIC", v)]), ("Iris scan id {}\n", [("BIOMETRIC", v)])])
        if label == "ID":
            v = r.choice([f"STUDY-{r.randint(2000, 2025)}-{self._digits(4)}", f"{self._digits(2)}-{self._digits(4)}", self._digits(7), f"REF{self._digits(7)}", f"{self._letters(2)}{self._digits(5)}"])
            return r.choice([("Study ID: {}\n", [("ID", v)]), ("Case #: {}\n", [("ID", v)]), ("Order #{} placed.", [("ID", v)]),
                             ("Reference number {}.", [("ID", v)]), ("Badge {} scanned.", [("ID", v)]), ("Ticket {}\n", [("ID", v)])])
        if label == "ADDRESS":
            v = r.choice([us.street_address(), us.street_address(), f"{r.randint(1, 9999)} {r.choice(['N.', 'S.', 'E.', 'W.'])} {us.last_name()} {r.choice(['St.', 'Ave', 'Rd.', 'Blvd', 'Lane', 'Drive'])}",
                          f"P.O. Box {r.randint(10, 99999)}", f"{r.randint(1, 999)} {r.choice(['1st', '2nd', '5th', '42nd'])} Street"])
            city, st = self.city(), r.choice(STATES)
            return r.choice([
                ("Address: {}\n", [("ADDRESS", v)]),
                ("Lives at {}, {}.", [("ADDRESS", v), ("LOCATION", city)]),
                ("Lives at {}, {}, " + st + " {}.", [("ADDRESS", v), ("LOCATION", city), ("ZIP", us.zipcode())]),
                ("Home: {}\n", [("ADDRESS", v)]), ("Found down outside {}.", [("ADDRESS", v)]),
            ])
        if label == "LOCATION":
            city = self.city()
            return r.choice([
                ("She lives in {} with her husband.", [("LOCATION", city)]), ("Recently moved from {}.", [("LOCATION", city)]),
                ("Born in {}.", [("LOCATION", city)]), ("Traveled to {} last month.", [("LOCATION", city)]),
                ("{} County resident.", [("LOCATION", us.last_name())]), ("Works in {} as a teacher.", [("LOCATION", city)]),
                ("Transferred from {} by ambulance.", [("LOCATION", city)]),
                ("Hometown: {}, " + r.choice(STATES) + "\n", [("LOCATION", city)]),
            ])
        if label == "ZIP":
            z = r.choice([us.zipcode(), us.zipcode_plus4()])
            city = self.city()
            return r.choice([("{}, " + r.choice(STATES) + " {}\n", [("LOCATION", city), ("ZIP", z)]),
                             ("Zip code: {}\n", [("ZIP", z)]), ("ZIP {}\n", [("ZIP", z)])])
        if label == "FACILITY":
            ln, fn, city = us.last_name(), us.first_name(), self.city()
            v = r.choice([f"{ln} Memorial Hospital", f"St. {fn}'s Medical Center", f"{city} General Hospital", f"{ln} Clinic",
                          f"{ln} Nursing Home", f"University of {city} Medical Center", f"{ln} Rehabilitation Center", f"{city} Regional Medical Center",
                          f"Mount {ln} Hospital", f"{ln} Family Practice"])
            return r.choice([("Transferred from {} for higher level of care.", [("FACILITY", v)]), ("Facility: {}\n", [("FACILITY", v)]),
                             ("She was previously treated at {}.", [("FACILITY", v)]), ("Records requested from {}.", [("FACILITY", v)])])
        raise ValueError(label)

    def city(self) -> str:
        if self.rng.random() < 0.5:
            return self.rng.choice(self.cities)
        return self.us.city()

    # ---------------------------------------------------------------- notes
    def note(self, idx: int) -> dict[str, Any]:
        p = Planter()
        items = [self.make(t) for t in TYPES]
        items += [self.make(self.rng.choice(TYPES)) for _ in range(self.rng.randint(4, 12))]
        self.rng.shuffle(items)
        for template, values in items:
            for _ in range(self.rng.randint(0, 2)):
                p.add(self.rng.choice(self.filler) + " ")
            if self.rng.random() < 0.15 and not template.endswith("\n"):
                template = template[0].lower() + template[1:]  # lower-case sentence start / mid-line
            p.plant(template, values)
            p.add("\n" if template.endswith("\n") else " ")
        for _ in range(self.rng.randint(1, 3)):
            p.add(self.rng.choice(self.filler) + " ")
        text = p.text
        spans = [s for s in p.spans if s["text"]]
        return {"text": text, "meta": {"id": f"synth-{idx}", "patient_id": f"pt-{idx // 2}"}, "planted": spans}


def generate(n: int, seed: int) -> list[dict[str, Any]]:
    gen = Generator(seed)
    return [gen.note(i) for i in range(n)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--out", type=Path)
    args = ap.parse_args(argv)
    notes = generate(args.n, args.seed)
    if args.out:
        with args.out.open("w", encoding="utf-8") as fh:
            for rec in notes:
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    else:
        for rec in notes:
            print(rec["text"])
            for s in rec["planted"]:
                print("   ", s["label"], repr(s["text"]))
            print("-" * 60)
    return 0


if __name__ == "__main__":
    sys.exit(main())
