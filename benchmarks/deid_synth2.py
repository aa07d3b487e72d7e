"""A second, independent synthetic note generator for de-identification (issue 18).

It shares no templates, word lists, locales or filler text with ``benchmarks/deid_synth.py``:
other document structures (referral letters, phone messages, discharge summaries, lists of
contacts, portal messages, pipe tables, nursing notes), Faker locales for names of many origins
that the first generator does not use, identifiers with letters, spaces and dashes, ages of 90 and
over in words and digits and in any frame, dates in many formats, names surname first, lower
case, alone, as nicknames; hand-written clinical filler with eponyms, instruments, isotopes,
specimen parts, department names and scales between the identifiers.

Every planted identifier carries its Safe Harbor type (the labels of ``nlp_pipeline.deid``):
NAME, ADDRESS, LOCATION, ZIP, FACILITY, DATE, AGE (90 and over), PHONE, FAX, EMAIL, SSN, MRN,
HEALTH_PLAN, ACCOUNT, LICENSE, VEHICLE, DEVICE, URL, IP, BIOMETRIC, ID.  Full-face photographs
cannot occur in text.

Seed protocol (docs/deid.md): development seeds are 100-199; the held-out seed is
:data:`HELD_OUT_SEED` and its notes and misses are only looked at for the final figures
(``deid_eval.py --generator synth2`` prints aggregate tables for it, misses only with
``--show-misses``, which is not used on the held-out seed).

    python benchmarks/deid_synth2.py --n 3 --seed 101          # print notes with their spans
    python benchmarks/deid_synth2.py --n 300 --seed 101 -o synth2.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import re
import string
import sys
from typing import Any, Callable

from faker import Faker

DEV_SEEDS = range(100, 200)
HELD_OUT_SEED = 58_913_477  # looked at for final figures only

TYPES = ("NAME", "ADDRESS", "LOCATION", "ZIP", "FACILITY", "DATE", "AGE", "PHONE", "FAX", "EMAIL", "SSN",
         "MRN", "HEALTH_PLAN", "ACCOUNT", "LICENSE", "VEHICLE", "DEVICE", "URL", "IP", "BIOMETRIC", "ID")

#: name locales (none of them is used by deid_synth.py); zh_CN/ja_JP give romanized names
NAME_LOCALES = ["en_IN", "vi_VN", "tr_TR", "sv_SE", "fi_FI", "cs_CZ", "hu_HU", "ro_RO", "yo_NG", "zu_ZA",
                "id_ID", "ga_IE", "da_DK", "no_NO", "hr_HR", "es_CO", "es_AR", "fr_CA", "de_AT", "en_NZ",
                "pt_PT", "az_AZ", "zh_CN", "ja_JP", "tw_GH", "en_CA", "en_AU"]
#: locales whose city() gives real town names
TOWN_LOCALES = ["sv_SE", "fi_FI", "cs_CZ", "da_DK", "de_AT", "de_CH", "es_CO", "es_AR", "pt_PT", "en_IN",
                "id_ID", "zu_ZA", "hr_HR"]
#: invented North American town names from parts (own lists)
TOWN_HEAD = ["Ash", "Birch", "Cedar", "Elk", "Fox", "Glen", "Hazel", "Iron", "Juniper", "Kettle", "Laurel",
             "Maple", "North", "Oak", "Pine", "Quarry", "Red", "Silver", "Stone", "Thorn", "Willow", "Wolf",
             "Amber", "Brook", "Clay", "Deer", "Eagle", "Falcon", "Granite", "Heron", "Lynx", "Otter"]
TOWN_TAIL = ["ford", "field", "brook", "ville", "wood", "haven", "ridge", " Falls", " Springs", " Hollow",
             " Junction", "ton", "burg", " Crossing", " Bluff", " Harbor", "dale", "mont", " Mills", " Creek"]
NEIGHBORHOOD = ["Eastgate", "the Flats", "Riverside Terrace", "Old Mill district", "Southpoint",
                "Hillcrest", "the Heights", "Lower Westend"]
US_STATES = ["Vermont", "Oregon", "Ohio", "Iowa", "Utah", "Georgia", "Kansas", "Nevada", "Maine", "Texas"]
US_ABBR = ["VT", "OR", "OH", "IA", "UT", "GA", "KS", "NV", "ME", "TX", "NM", "WY", "SD", "ND", "KY"]
NICKNAMES = ["Bubba", "Sonny", "Dee", "Jojo", "Mimi", "Tink", "Red", "Skip", "Bud", "Lulu", "Cookie",
             "Boo", "Pip", "Gigi", "Toto", "Kiki", "Dutch", "Ace", "Birdie", "Sunny"]
STREET_KINDS = ["St", "Street", "Ave", "Avenue", "Rd", "Road", "Dr", "Drive", "Ln", "Ct", "Blvd", "Way", "Pl",
                "Terrace", "Circle", "Pkwy", "Hwy", "Trail", "Loop", "Row"]
FACILITY_KINDS = ["Behavioral Health", "Skilled Nursing", "Hospice House", "Dialysis Unit", "Family Health",
                  "Community Hospital", "Medical Pavilion", "Women's Center", "Care Home", "Urgent Care",
                  "Orthopedic Institute", "VA Medical Center", "Surgical Suites", "Health Partners",
                  "Pediatric Associates", "Wound Center", "Infusion Center", "Sleep Lab"]
AGE_WORDS = {90: "ninety", 91: "ninety-one", 92: "ninety-two", 93: "ninety three", 94: "ninety-four",
             95: "Ninety-five", 96: "ninety-six", 97: "ninety seven", 98: "ninety-eight", 99: "ninety-nine",
             100: "one hundred", 101: "a hundred and one", 102: "one hundred two"}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
ROLES = ["daughter", "son", "wife", "husband", "partner", "niece", "grandson", "sister", "neighbor",
         "brother-in-law", "stepmother", "friend", "caregiver", "aunt", "cousin", "fiancee", "godson"]

#: hand-written clinical filler; eponyms, instruments, isotopes, specimen labels, departments, scales
FILLER = [
    "Babinski sign is absent bilaterally.", "Murphy sign negative.", "A Foley catheter was placed under sterile technique.",
    "The Kocher clamp was applied and the vessel ligated with 3-0 Vicryl.", "Metzenbaum scissors were used to develop the plane.",
    "Hemostasis was obtained with the Bovie.", "A 12 mm Hasson trocar was introduced.", "Allis clamps were placed on the cuff.",
    "Tc-99m sestamibi stress test showed no reversible defect.", "He received I-131 ablation in the past.",
    "F-18 FDG PET shows mild uptake, SUV 3.4.", "Ga-68 dotatate scan is pending.",
    "Specimen A: right colon, 24 cm. Specimen B: additional margin.", "Block 2B contains the tumor.",
    "Cassette 1C shows the closest margin at 0.3 cm.", "Seen by Cardiology and Nephrology consult services.",
    "Radiology reviewed the films with Neurosurgery.", "Transferred from the Emergency Department to the ICU.",
    "Physical Therapy will follow.", "NYHA class III symptoms.", "GCS 15, pupils equal and reactive.",
    "Strength 4/5 in the left deltoid.", "Grade 2/6 systolic murmur at the apex.", "BP 142/88, HR 96, RR 18, SpO2 94% on 2 L.",
    "WBC 11.2, Hgb 9.8, platelets 212.", "INR 2.3 on warfarin 5 mg daily.", "Creatinine 1.4, up from 1.1.",
    "Metoprolol 25 mg PO BID was resumed.", "Apgar scores were 8 and 9.", "Gleason score 3+4=7 in 2 of 12 cores.",
    "Mallampati class II airway.", "Allen test normal on the right.", "Romberg negative, gait steady.",
    "Kernig and Brudzinski signs are negative.", "McMurray test positive on the medial side.",
    "Lachman is 1+ with a firm endpoint.", "He has had a Whipple procedure.", "Nissen fundoplication in the past.",
    "Hx of Hashimoto thyroiditis and Raynaud phenomenon.", "Bell palsy resolved.", "Rule out Guillain-Barre syndrome.",
    "Denies chest pain, dyspnea or orthopnea.", "Abdomen soft, nontender, bowel sounds present.",
    "No lymphadenopathy in the cervical chain.", "EKG: sinus rhythm, rate 72, QTc 440 ms.",
    "Echo: EF 35-40%, moderate MR.", "CT head without contrast negative for bleed.", "MRI L4-L5 shows a disc bulge.",
    "Plan: continue current regimen and recheck BMP in 1 week.", "Fall precautions, PT/OT evaluation.",
    "DNR/DNI per prior discussion.", "Wound VAC at 125 mmHg continuous.", "Tolerating a regular diet.",
    "Swan-Ganz catheter removed.", "Jackson-Pratt drain with 30 mL serosanguinous output.", "Mayo stand was brought in.",
    "A Deaver retractor was used to elevate the liver.", "Weitlaner retractor placed.", "Steri-Strips applied.",
    "Pathology: 3 of 14 lymph nodes positive.", "Lot and expiration recorded on the MAR.", "Room 4 was cleaned.",
    "The patient is alert and oriented x3.", "Pain 6/10, improved with oxycodone 5 mg.", "Hemoglobin A1c 8.1%.",
    "Cr clearance 38 mL/min.", "Received 2 units PRBC.", "Chest x-ray with small left effusion.",
    "She uses a walker at baseline.", "Morse fall score 55.", "Braden score 14.",
    "He smokes 1 ppd for 40 years.", "Social work and Case Management involved.", "Pharmacy verified the dose.",
    "Oncology to see in clinic.", "Palliative Care consulted for goals of care.", "Lasix 40 mg IV given x1.",
]

Slot = tuple[str, str]  # (label, value)


class Note:
    """A note built from text and planted identifiers; records the gold spans."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.spans: list[dict[str, Any]] = []
        self.pos = 0

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.pos += len(text)

    def put(self, label: str, value: str) -> None:
        if not value:
            return
        self.spans.append({"start": self.pos, "end": self.pos + len(value), "label": label, "text": value})
        self.add(value)

    def fill(self, template: str, values: dict[str, Slot]) -> None:
        """``template`` has ``{key}`` slots; ``values[key]`` is (label, value)."""
        for piece in re.split(r"(\{\w+\})", template):
            if piece.startswith("{") and piece.endswith("}"):
                self.put(*values[piece[1:-1]])
            else:
                self.add(piece)

    @property
    def text(self) -> str:
        return "".join(self.parts)


class Generator2:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.fk = {loc: Faker(loc) for loc in sorted(set(NAME_LOCALES + TOWN_LOCALES))}
        for i, loc in enumerate(sorted(self.fk)):
            self.fk[loc].seed_instance(seed * 7919 + i)
        self.plain = self.fk["en_CA"]

    # ------------------------------------------------------------------ small helpers
    def pick(self, seq):
        return self.rng.choice(seq)

    def digits(self, n: int) -> str:
        return "".join(self.pick(string.digits) for _ in range(n))

    def letters(self, n: int) -> str:
        return "".join(self.pick("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(n))

    def mixed(self, n: int) -> str:
        return "".join(self.pick("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(n))

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    # ------------------------------------------------------------------ people
    def person(self) -> tuple[str, str]:
        loc = self.pick(NAME_LOCALES)
        f = self.fk[loc]
        if loc in ("zh_CN", "ja_JP"):
            given, family = f.first_romanized_name(), f.last_romanized_name()
        else:
            given, family = f.first_name(), f.last_name()
        return given.strip(), family.strip()

    def name(self, form: str | None = None) -> str:
        given, family = self.person()
        form = form or self.pick(["full", "full", "surname_first", "caps_surname_first", "given", "lower",
                                  "middle", "nick", "caps", "lower_given", "surname_first_nocomma"])
        mid = self.pick("ABCDEFGHJKLMNPRSTVW")
        return {
            "full": f"{given} {family}",
            "surname_first": f"{family}, {given}",
            "caps_surname_first": f"{family.upper()} {given}",
            "surname_first_nocomma": f"{family} {given}",
            "given": given,
            "lower": f"{given} {family}".lower(),
            "lower_given": given.lower(),
            "middle": f"{given} {mid}. {family}",
            "nick": self.pick(NICKNAMES),
            "caps": f"{given} {family}".upper(),
            "family": family,
        }[form]

    # ------------------------------------------------------------------ places
    def town(self) -> str:
        r = self.rng.random()
        if r < 0.4:
            return self.fk[self.pick(TOWN_LOCALES)].city()
        if r < 0.8:
            return self.pick(TOWN_HEAD) + self.pick(TOWN_TAIL)
        return self.pick(NEIGHBORHOOD)

    def county(self) -> str:
        return f"{self.person()[1]} {self.pick(['County', 'Parish', 'Borough', 'county'])}"

    def street(self) -> str:
        f = self.fk[self.pick(["en_NZ", "en_CA", "en_AU", "ga_IE"])]
        num = str(self.rng.randint(1, 29999))
        kind = self.pick(STREET_KINDS)
        core = self.pick([f.last_name(), self.pick(TOWN_HEAD), f"{self.rng.randint(2, 99)}th",
                          f"{self.pick(['N', 'S', 'E', 'W', 'NE'])} {f.last_name()}"])
        unit = self.pick(["", "", f" Apt {self.rng.randint(1, 40)}{self.pick(['', 'B', 'C'])}", f" Unit {self.digits(3)}",
                          f" #{self.digits(3)}", f", Suite {self.digits(3)}", f" Flat {self.rng.randint(1, 9)}"])
        return self.pick([
            f"{num} {core} {kind}{unit}", f"{num} {core} {kind}.{unit}", f"{num} {core} {kind}".lower(),
            f"Rural Route {self.rng.randint(1, 9)} Box {self.digits(3)}", f"{num} County Road {self.rng.randint(1, 400)}",
            f"N{self.digits(4)} Highway {self.rng.randint(1, 99)}", f"HC {self.digits(2)} Box {self.digits(3)}",
        ])

    def zipcode(self) -> str:
        return self.pick([self.digits(5), f"{self.digits(5)}-{self.digits(4)}"])

    def facility(self) -> str:
        head = self.pick([self.person()[1], self.pick(TOWN_HEAD) + self.pick(["brook", "view", "crest", "wood"]),
                          f"Saint {self.person()[0]}", self.town()])
        return f"{head} {self.pick(FACILITY_KINDS)}"

    # ------------------------------------------------------------------ dates, ages
    def date(self, with_year: bool | None = None) -> str:
        y, m, d = self.rng.randint(1931, 2027), self.rng.randint(1, 12), self.rng.randint(1, 28)
        mon = MONTHS[m - 1]
        suf = "th" if 10 <= d <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(d % 10, "th")
        yearful = [f"{d}-{mon[:3]}-{y}", f"{mon[:3].upper()} {d:02d} {y}", f"{d:02d}{mon[:3]}{y}", f"{y}/{m:02d}/{d:02d}",
                   f"{y}{m:02d}{d:02d}", f"{m}.{d}.{y % 100:02d}", f"{mon} the {d}{suf}, {y}", f"{WEEKDAYS[d % 7]}, {mon} {d}, {y}",
                   f"{d}/{m}/{y}", f"{mon[:3]}-{d:02d}-{y}", f"{d} {mon}, {y}", f"{m:02d}-{d:02d}-{y % 100:02d}",
                   f"{mon.lower()} {d} {y}", f"{y}.{m:02d}.{d:02d}"]
        yearless = [f"{d}-{mon[:3]}", f"{mon} {d}{suf}", f"the {d}{suf} of {mon}", f"{mon[:3]} {d}", f"{m}/{d}",
                    f"{WEEKDAYS[d % 7]} {mon} {d}", f"{mon}", f"{mon.lower()} {d}", f"{mon} {y}", f"{mon[:3]} '{y % 100:02d}"]
        if with_year is None:
            with_year = self.chance(0.65)
        return self.pick(yearful if with_year else yearless)

    def age90(self) -> str:
        n = self.rng.randint(90, 112)
        if n in AGE_WORDS and self.chance(0.4):
            return AGE_WORDS[n]
        return str(n)

    # ------------------------------------------------------------------ numbers and codes
    def phone(self) -> str:
        a = self.pick("23456789") + self.digits(2)
        b = self.pick("23456789") + self.digits(2)
        c = self.digits(4)
        return self.pick([f"{a} {b} {c}", f"({a}){b}-{c}", f"{a}/{b}-{c}", f"+1.{a}.{b}.{c}", f"{a}-{b}-{c} x{self.digits(2)}",
                          f"{a}.{b}.{c}", f"1 ({a}) {b} {c}", f"{b}-{c}", f"{a}-{b}-{c}", f"+44 20 {self.digits(4)} {self.digits(4)}"])

    def email(self) -> str:
        g, f = self.person()
        clean = lambda s: re.sub(r"[^a-z]", "", s.lower()) or "pt"
        dom = self.pick(["proton.me", "fastmail.fm", "web.de", "icloud.com", "gmx.net", "clinic-mail.org", "hotmail.co.uk"])
        return self.pick([f"{clean(g)}{self.digits(2)}@{dom}", f"{clean(f)}.{clean(g)[:1]}@{dom}", f"{clean(g)}_{clean(f)}@{dom}",
                          f"{clean(f)}{self.digits(4)}@{dom}".upper()])

    def ssn(self) -> str:
        a, b, c = f"{self.rng.randint(1, 665):03d}", self.digits(2), self.digits(4)
        return self.pick([f"{a}-{b}-{c}", f"{a} {b} {c}", f"{a}{b}{c}", f"{a}.{b}.{c}"])

    def code(self) -> str:
        """identifiers with letters, spaces and dashes"""
        return self.pick([f"{self.letters(2)} {self.digits(4)} {self.digits(4)}", f"{self.digits(4)}-{self.digits(4)}-{self.letters(1)}",
                          f"{self.letters(1)} {self.digits(3)} {self.digits(3)}", f"{self.digits(2)}-{self.digits(2)}-{self.digits(2)}",
                          f"{self.letters(3)}-{self.digits(6)}", f"{self.digits(3)} {self.digits(3)} {self.digits(3)}",
                          f"{self.letters(1)}{self.digits(2)}-{self.letters(2)}-{self.digits(3)}", self.digits(8),
                          f"{self.mixed(4)} {self.mixed(4)}", f"{self.letters(2)}{self.digits(6)}"])

    def mbi(self) -> str:
        return f"{self.rng.randint(1, 9)}{self.letters(1)}{self.mixed(1)}{self.digits(1)}-{self.letters(1)}{self.mixed(1)}{self.digits(1)}-{self.letters(2)}{self.digits(2)}"

    def plate(self) -> str:
        return self.pick([f"{self.rng.randint(1, 9)}{self.letters(3)}{self.digits(3)}", f"{self.letters(3)} {self.digits(4)}",
                          f"{self.letters(2)}-{self.digits(4)}", f"{self.digits(3)} {self.letters(3)}"])

    def vin(self) -> str:
        return "".join(self.pick("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(17))

    def url(self) -> str:
        w = re.sub(r"[^a-z]", "", self.person()[1].lower()) or "site"
        return self.pick([f"https://{w}.carepages.net/u/{self.digits(6)}", f"http://www.{w}-family.info", f"{w}.blog/about",
                          f"https://instagram.com/{w}{self.digits(2)}", f"ftp://{w}.example.org/files", f"www.{w}.me"])

    def ip(self) -> str:
        return self.pick([f"10.{self.rng.randint(0, 255)}.{self.rng.randint(0, 255)}.{self.rng.randint(1, 254)}",
                          f"{self.rng.randint(11, 223)}.{self.rng.randint(0, 255)}.{self.rng.randint(0, 255)}.{self.rng.randint(1, 254)}",
                          self.fk["en_CA"].ipv6()])

    # ------------------------------------------------------------------ slots
    def slot(self, kind: str) -> Slot:
        """(label, value) for a slot kind."""
        makers: dict[str, Callable[[], Slot]] = {
            "name": lambda: ("NAME", self.name()),
            "full": lambda: ("NAME", self.name(self.pick(["full", "middle", "caps", "lower"]))),
            "given": lambda: ("NAME", self.name(self.pick(["given", "given", "lower_given", "nick"]))),
            "family": lambda: ("NAME", self.name("family")),
            "surfirst": lambda: ("NAME", self.name(self.pick(["surname_first", "caps_surname_first", "surname_first_nocomma"]))),
            "street": lambda: ("ADDRESS", self.street()),
            "town": lambda: ("LOCATION", self.town()),
            "county": lambda: ("LOCATION", self.county()),
            "zip": lambda: ("ZIP", self.zipcode()),
            "facility": lambda: ("FACILITY", self.facility()),
            "date": lambda: ("DATE", self.date()),
            "daymonth": lambda: ("DATE", self.date(with_year=False)),
            "age": lambda: ("AGE", self.age90()),
            "phone": lambda: ("PHONE", self.phone()),
            "fax": lambda: ("FAX", self.phone()),
            "email": lambda: ("EMAIL", self.email()),
            "ssn": lambda: ("SSN", self.ssn()),
            "mrn": lambda: ("MRN", self.code()),
            "plan": lambda: ("HEALTH_PLAN", self.pick([self.mbi(), self.code(), f"{self.letters(3)}{self.digits(9)} {self.digits(2)}"])),
            "account": lambda: ("ACCOUNT", self.code()),
            "license": lambda: ("LICENSE", self.pick([self.code(), f"{self.letters(2)}{self.digits(7)}", f"{self.letters(1)}{self.digits(3)}-{self.digits(4)}-{self.digits(4)}"])),
            "plate": lambda: ("VEHICLE", self.plate()),
            "vin": lambda: ("VEHICLE", self.vin()),
            "device": lambda: ("DEVICE", self.pick([self.code(), f"{self.letters(3)} {self.digits(6)} {self.letters(1)}"])),
            "url": lambda: ("URL", self.url()),
            "ip": lambda: ("IP", self.ip()),
            "bio": lambda: ("BIOMETRIC", self.pick([self.code(), f"{self.letters(3)}-{self.digits(2)} {self.digits(4)}"])),
            "other": lambda: ("ID", self.code()),
        }
        return makers[kind]()

    def emit(self, note: Note, template: str) -> None:
        """Fill ``{kind}`` / ``{kind_2}`` slots of ``template`` with fresh values."""
        keys = re.findall(r"\{(\w+)\}", template)
        values = {k: self.slot(k.split("_")[0]) for k in keys}
        note.fill(template, values)

    def filler(self, note: Note, k: int | None = None) -> None:
        for _ in range(self.rng.randint(1, 3) if k is None else k):
            note.add(self.pick(FILLER) + " ")

    # ------------------------------------------------------------------ sentence banks by type
    def sentence(self, kind: str) -> str:
        """One sentence planting identifiers of ``kind``; frames written for this generator."""
        role = self.pick(ROLES)
        banks = {
            "name": [
                "Please call {given} at {phone} to confirm the time.", "Contact {full} if there are any changes.",
                f"Spoke with {{given}} ({role}) who agrees with the plan.", f"His {role} {{given}} was updated by phone.",
                f"Her {role}, {{full}}, will pick her up.", "Tell {given} the results are normal.",
                "Voicemail left for {name} re: lab results.", "Message from {given}: she will bring the med list.",
                f"{{given}} ({role}) has the keys.", f"Lives with {role} {{given}}.", "Call back {given} on her cell.",
                "Discussed goals of care with {full} and {given_2}.", "Pt's son {given} called twice today.",
                "Per {given}, he has been more confused.", "{surfirst} seen in follow-up.",
                "Consent signed by {surfirst}.", "Attn: {name}", "Re: {surfirst}", "Handed off to {full}, charge RN.",
                "Reviewed with attending {family} this morning.", "{given} is her health care proxy.",
                "Patient asks that we contact {given} only.", "ok to speak with {given} about care.",
                f"Accompanied today by her {role} {{given}} and grandson {{given_2}}.",
            ],
            "street": ["Home address: {street}, {town}, {zip}.", "She moved to {street} last month.",
                       "Mail records to {street}, {town} {zip}.", "Found at {street} by EMS.",
                       "Address on file {street}"],
            "town": ["She grew up in {town} and worked at the mill.", "Returned yesterday from {town}.",
                     "Drives in from {town} for dialysis.", "Resident of {county}.", "Lives near {town}, out by the lake.",
                     "Hiked near {town} before the rash began.", "EMS from {county} brought him in."],
            "zip": ["Zip: {zip}", "ZIP code {zip} is outside the service area.", "{town}, VT {zip}"],
            "facility": ["Transferred from {facility} on oxygen.", "Follows at {facility} for wound care.",
                         "Records faxed to {facility}.", "Discharged to {facility} for rehab."],
            "date": ["Last seen {date} with the same complaint.", "Return visit {daymonth}.", "Dx made {date}.",
                     "CT dated {date} reviewed.", "Symptoms started around {daymonth}.", "Born {date}.",
                     "Next infusion due {daymonth}.", "Biopsy {date}: benign.", "Admitted {date}, discharged {daymonth}."],
            "age": ["He is {age}.", "Still alive at {age} and sharp.", "She lived alone until age {age}.",
                    "Mother died at age {age}.", "A {age} year old woman, accompanied by her son.",
                    "Pleasant {age}-year-old retired teacher.", "Father alive at {age}, healthy.",
                    "Age {age}, lives in assisted living.", "He turned {age} in the spring.", "{age} yo F, fall at home.",
                    "Married at 20, widowed at {age}."],
            "phone": ["Best number: {phone}.", "cell {phone}, home {phone_2}", "Reach her at {phone} after 4 pm.",
                      "Callback # {phone}"],
            "fax": ["Fax results to {fax}.", "F {fax}", "Please fax the signed form to {fax}, attention billing."],
            "email": ["Portal message from {email}.", "Prefers email: {email}", "Send the summary to {email} please."],
            "ssn": ["SSN {ssn}", "Social sec # {ssn} verified at registration.", "soc sec no {ssn}"],
            "mrn": ["MRN {mrn}", "Med rec # {mrn}", "Unit no: {mrn}", "Hospital # {mrn}, room 4"],
            "plan": ["Medicare ID {plan}", "Insurance member no. {plan}", "BCBS id {plan}", "Medicaid # {plan}, pending"],
            "account": ["Acct no. {account}", "Billing account {account} on hold.", "Guarantor acct: {account}"],
            "license": ["DEA {license}", "Driver lic. {license}", "State license no. {license}", "NPI {license}"],
            "vehicle": ["Plate {plate}, gray sedan.", "VIN {vin} per police report.", "His truck, plate no. {plate}, was towed."],
            "device": ["Pacemaker serial no. {device}", "Pump SN {device} replaced.", "Implant lot {device} logged.",
                       "ICD model/serial {device}"],
            "url": ["Her blog {url} describes the rash.", "See {url}.", "GoFundMe at {url} for the surgery."],
            "ip": ["Video visit from IP {ip}.", "Portal login, address {ip}."],
            "bio": ["Fingerprint template {bio} enrolled.", "Voiceprint ID {bio}", "Palm vein scan id {bio} on file."],
            "other": ["Trial subject no. {other}", "Requisition # {other}", "Employee ID {other}", "Claim number {other}",
                      "Case no. {other}"],
        }
        return self.pick(banks[kind])

    # ------------------------------------------------------------------ structures
    def letter(self, note: Note) -> None:
        self.emit(note, "{facility}\n{street}\n{town}, " + self.pick(US_ABBR) + " {zip}\nTel {phone}   Fax {fax}\n\n")
        self.emit(note, "{date}\n\n")
        self.emit(note, "Dear Dr. {family},\n\n")
        self.emit(note, "Re: {surfirst}   DOB {date}   MRN {mrn}\n\n")
        self.emit(note, "Thank you for referring this pleasant {age}-year-old. ")
        self.filler(note)
        self.emit(note, self.sentence("name") + " ")
        self.filler(note)
        self.emit(note, "\n\nWith kind regards,\n\n{full}, MD\n")
        self.emit(note, "cc: {full_2}\n")

    def phone_message(self, note: Note) -> None:
        self.emit(note, "PHONE MESSAGE  {daymonth}  taken by {given}\n")
        self.emit(note, "Caller: {name} (" + self.pick(ROLES) + ")\n")
        self.emit(note, "Callback: {phone}\n")
        self.emit(note, "Message: " + self.sentence("name") + "\n")
        self.filler(note, 1)
        self.emit(note, "\nAction: call {given} back re: " + self.pick(["refill", "MRI results", "appointment"]) + ".\n")

    def discharge(self, note: Note) -> None:
        self.emit(note, "DISCHARGE SUMMARY\nName: {surfirst}\nMR #: {mrn}\nAdmit: {date}  Discharge: {date_2}\n")
        self.emit(note, "Attending: {full}\nPCP: {family}\n\nHOSPITAL COURSE: ")
        self.filler(note)
        self.emit(note, self.sentence("age") + " ")
        self.filler(note)
        self.emit(note, "\n\nDISPOSITION: " + self.sentence("facility") + "\n")
        self.emit(note, "FOLLOW-UP: " + self.sentence("date") + "\n")

    def contacts(self, note: Note) -> None:
        note.add("CONTACTS\n")
        for _ in range(self.rng.randint(2, 4)):
            role = self.pick(ROLES)
            self.emit(note, self.pick([
                "- {name} (" + role + ")  {phone}\n", "- " + role + ": {given}, cell {phone}\n",
                "* {surfirst} - " + role + " - {email}\n", "- {full}, " + role + ", lives in {town}, {phone}\n",
            ]))

    def table(self, note: Note) -> None:
        note.add("| field | value |\n|---|---|\n")
        rows = [("Patient", "{surfirst}"), ("DOB", "{date}"), ("Age", "{age}"), ("MRN", "{mrn}"),
                ("Acct", "{account}"), ("Insurance ID", "{plan}"), ("SSN", "{ssn}"), ("Address", "{street}"),
                ("City", "{town}"), ("Zip", "{zip}"), ("Phone", "{phone}"), ("Emergency contact", "{name}"),
                ("Email", "{email}")]
        for k, v in self.rng.sample(rows, self.rng.randint(4, 8)):
            self.emit(note, f"| {k} | {v} |\n")
        note.add("\n")

    def referral(self, note: Note) -> None:
        self.emit(note, "REFERRAL\nTo: {facility}\nFrom: {full}\nPatient: {name}, {age} y/o\n")
        self.emit(note, "Reason: ")
        self.filler(note, 2)
        self.emit(note, "\nInsurance: Medicare {plan}\n")
        self.emit(note, "Notes: " + self.sentence("name") + "\n")

    def portal(self, note: Note) -> None:
        self.emit(note, "From: {email}\nSent: {date}\nSubject: question\n\n")
        self.emit(note, "hi its {given}, " + self.pick(["my mom", "my dad", "grandma"]) + " is doing ok. ")
        self.emit(note, "you can reach me at {phone} or my " + self.pick(ROLES) + " {given_2}. thanks\n")

    def nursing(self, note: Note) -> None:
        self.emit(note, "Nursing note {date}\n")
        self.filler(note)
        self.emit(note, self.sentence("name") + " ")
        self.filler(note)
        note.add("\n")

    STRUCTURES = ("letter", "phone_message", "discharge", "contacts", "table", "referral", "portal", "nursing")
    KINDS = ("name", "street", "town", "zip", "facility", "date", "age", "phone", "fax", "email", "ssn", "mrn",
             "plan", "account", "license", "vehicle", "device", "url", "ip", "bio", "other")

    def note(self, idx: int) -> dict[str, Any]:
        note = Note()
        structs = self.rng.sample(self.STRUCTURES, self.rng.randint(2, 3))
        kinds = list(self.KINDS) + [self.pick(self.KINDS) for _ in range(self.rng.randint(2, 8))]
        self.rng.shuffle(kinds)
        # the structures, then a free-text section that holds one sentence of every kind
        for s in structs:
            getattr(self, s)(note)
            note.add("\n")
        note.add(self.pick(["ASSESSMENT/PLAN:\n", "Notes:\n", "Social history and plan\n", "ADDITIONAL INFORMATION\n"]))
        for k in kinds:
            if self.chance(0.5):
                self.filler(note, 1)
            sent = self.sentence(k)
            self.emit(note, sent)
            # a field ("MRN 12 34") ends its line; a sentence may be followed by another
            note.add(self.pick([" ", " ", "\n"]) if sent.rstrip()[-1:] in ".!?" else "\n")
        self.filler(note, 1)
        return {"text": note.text, "meta": {"id": f"synth2-{idx}", "patient_id": f"p2-{idx}"},
                "planted": [s for s in note.spans if s["text"].strip()]}


def generate(n: int, seed: int) -> list[dict[str, Any]]:
    gen = Generator2(seed)
    return [gen.note(i) for i in range(n)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=3)
    ap.add_argument("--seed", type=int, default=101)
    ap.add_argument("-o", "--out")
    args = ap.parse_args(argv)
    if args.seed == HELD_OUT_SEED and not args.out:
        print("refusing to print the held-out seed (see the seed protocol); use -o for a file", file=sys.stderr)
        return 2
    notes = generate(args.n, args.seed)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            for rec in notes:
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        return 0
    for rec in notes:
        print(rec["text"])
        for s in rec["planted"]:
            print("   ", s["label"], repr(s["text"]))
        print("-" * 60)
    return 0


if __name__ == "__main__":
    sys.exit(main())
