"""De-identification classes that must generalise (issue 18): general frames, not one generator's strings.

Each case is a sentence written for this test (not taken from either synthetic generator) with the
identifier that must be fully covered; the false-positive cases are clinical wording that must stay.
The last tests run a small batch of the independent generator's held-out seed and check recall per
type against floors measured on it (with a margin), and that the two generators share no templates.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from nlp_pipeline.deid import DeidConfig, Deidentifier

BENCH = Path(__file__).resolve().parents[3] / "benchmarks"


@pytest.fixture(scope="module")
def deid() -> Deidentifier:
    return Deidentifier(DeidConfig())


def _left(text: str, value: str, spans: list[dict]) -> str:
    """The characters of ``value`` (in ``text``) that no span covers."""
    start = text.index(value)
    chars = set(range(start, start + len(value)))
    for s in spans:
        chars -= set(range(s["start"], s["end"]))
    return "".join(text[i] for i in sorted(chars)).strip()


# (class, sentence, identifier that must be fully covered)
MUST_FIND = [
    # a name in a contact frame, known to no list, capitalised or not
    ("contact", "Please phone Oyelaran about the biopsy result.", "Oyelaran"),
    ("contact", "Left a voicemail for kwabena asking him to call back.", "kwabena"),
    ("contact", "Spoke with Thandiwe Mokoena by phone this afternoon.", "Thandiwe Mokoena"),
    ("contact", "Per Radomir, the patient fell twice this week.", "Radomir"),
    ("contact", "Message from Siobhan: the pharmacy called.", "Siobhan"),
    ("contact", "Results were discussed at length with Aigerim and Dauren.", "Dauren"),
    ("contact", "Call Zdenka back on her cell after 5.", "Zdenka"),
    ("contact", "ok to talk to ngozi about her care", "ngozi"),
    # a name in a relation frame
    ("relation", "Her grandson Teodor drives her to dialysis.", "Teodor"),
    ("relation", "His wife, Nurgul, is at the bedside.", "Nurgul"),
    ("relation", "Lives with her partner Oluwaseun in an apartment.", "Oluwaseun"),
    ("relation", "my daughter yaretzi will bring the med list", "yaretzi"),
    ("relation", "Niece: Bogdana, phone on file.", "Bogdana"),
    ("relation", "- Wanjiru Kamau (niece) is the emergency contact.", "Wanjiru Kamau"),
    ("relation", "Dariusz Wróbel, brother-in-law, holds the keys.", "Dariusz Wróbel"),
    ("relation", "Anselm is his health care proxy.", "Anselm"),
    # lower-case names in letter and message fields, before credentials
    ("field", "From: mirela dobre\nSubject: refill", "mirela dobre"),
    ("field", "cc: tomasz wieczorek\n", "tomasz wieczorek"),
    ("field", "oksana lysenko, RN\nCharge nurse", "oksana lysenko"),
    ("field", "Dear Ms. Achterberg,\nThank you for the referral.", "Achterberg"),
    # surname first without a label
    ("surname_first", "KOWALCZYK Zofia was seen today for follow-up.", "KOWALCZYK Zofia"),
    ("surname_first", "Re: Nakamura, Haruki   DOB on file", "Nakamura, Haruki"),
    ("surname_first", "Takács, Benedek arrived late to the visit.", "Takács, Benedek"),
    # ages of 90 and over in any frame
    ("age", "Her mother is still alive at 96.", "96"),
    ("age", "He was diagnosed with CLL at age 93.", "93"),
    ("age", "A ninety-two year old man with falls.", "ninety-two"),
    ("age", "She is 101 and lives alone.", "101"),
    ("age", "Grandfather died at 104, of old age.", "104"),
    ("age", "He turned 90 last week.", "90"),
    ("age", "| Age | 97 |", "97"),
    ("age", "a woman of one hundred and two", "one hundred and two"),
    # any token group after an identifier label, up to the end of the field
    ("id_group", "Member no. QXT 4471 2093\nPlan: PPO", "QXT 4471 2093"),
    ("id_group", "Acct: HH-2291 77, billing on hold", "HH-2291 77"),
    ("id_group", "Serial no. KLM 883104 Z was logged.", "KLM 883104 Z"),
    ("id_group", "Med rec #  AB 1122 3344\n", "AB 1122 3344"),
    ("id_group", "License no. R 221 904 verified.", "R 221 904"),
    ("id_group", "Voiceprint ID ZZTQ 8XK1 on file.", "ZZTQ 8XK1"),
    ("id_group", "Insurance: Medicare 2KT7-RP4-XJ38", "2KT7-RP4-XJ38"),
    ("id_group", "Social sec # 318.44.9021", "318.44.9021"),
    # places, addresses, facilities in general frames
    ("place", "She grew up in Willowmere before moving east.", "Willowmere"),
    ("place", "Mail to 12 birch rd, Fallowfield 04123.", "Fallowfield"),
    ("place", "Mail to 12 birch rd, Fallowfield 04123.", "12 birch rd"),
    ("place", "Resident of Harrow county since 1990.", "Harrow county"),
    ("place", "Address: Rural Route 9 Box 221", "Rural Route 9 Box 221"),
    ("place", "Lives near Millbrook Falls with her son.", "Millbrook Falls"),
    ("facility", "Transferred from Brightwater Skilled Nursing on 2 L.", "Brightwater Skilled Nursing"),
    ("facility", "Follows at Saint Odile Wound Center weekly.", "Saint Odile Wound Center"),
    # person slots (issue 18, second pass): a word closed by "back", "at <phone>", "(relation)", ", cell",
    # "the results", a greeting or the end of a person field is a name even when it is an English word
    ("slot", "Please ring back later; call rose at 555-0142 about the refill.", "rose"),
    ("slot", "Action: call dawn back re: the pharmacy.", "dawn"),
    ("slot", "Tell hunter the results are normal.", "hunter"),
    ("slot", "Call back sky on her cell after noon.", "sky"),
    ("slot", "- niece: river, cell 555-211-3040", "river"),
    ("slot", "Spoke with brook (daughter) who agrees with the plan.", "brook"),
    ("slot", "hello it's storm, my mother needs a refill", "storm"),
    ("slot", "| Emergency contact | may okafor |", "may okafor"),
    ("slot", "Reviewed with Ines Bauer and willow.", "willow"),
    ("slot", "Accompanied by her grandson reed and her niece Odile.", "reed"),
    ("slot", "Patient: sage, 94 y/o\n", "sage"),
    ("slot", "- June T. Mbeki, neighbor, has a key", "June T. Mbeki"),
    ("slot", "- Ronan Mac an Bhaird (nephew)  555-0187", "Ronan Mac an Bhaird"),
    # surname first or English-word names before a person verb at the start of a sentence or field
    ("person_start", "Tolerated the procedure. Honey, Malik seen in follow-up.", "Honey, Malik"),
    ("person_start", "Notes: Ní Bhriain Saoirse was seen today.", "Ní Bhriain Saoirse"),
    ("person_start", "Wound is clean. VŨ Linh presents with cough.", "VŨ Linh"),
    ("person_start", "Re: Baker, Tomasz   DOB on file", "Baker, Tomasz"),
    ("person_start", "Name: Tuesday Okonjo\nMRN: 4471", "Tuesday Okonjo"),
    # facility names whose proper word is an English word, before a kind of facility
    ("facility", "Discharged to Larkspur Sleep Lab for a study.", "Larkspur Sleep Lab"),
    ("facility", "Follows at the Meadows Dialysis Unit.", "Meadows Dialysis Unit"),
    ("facility", "Records faxed to Lower Quay district Wound Center.", "Lower Quay district Wound Center"),
    ("facility", "Transferred from uMlazi Care Home on room air.", "uMlazi Care Home"),
    # places with dashes, slashes, parentheses; codes of capitals; ages across a line; dates after procedures
    ("place", "Mail to 4 Elm Rd, Sainte-Foy–Sillery 04412.", "Sainte-Foy–Sillery"),
    ("place", "Hometown: Rapperswil-Jona\n", "Rapperswil-Jona"),
    ("place", "12 Hill St, Kolín (okres Kolín) 28002", "Kolín (okres Kolín)"),
    ("id_group", "VIN WBAPKHJSRTLMNXCVB on the tow slip.", "WBAPKHJSRTLMNXCVB"),
    ("age", "Acct HR 2231 0912\nStill driving at 93.", "93"),
    ("date", "Biopsy 3/17: benign.", "3/17"),
    # dates in many formats
    ("date", "Last seen april 3 2019 with the same complaint.", "april 3 2019"),
    ("date", "Admitted Tuesday, March 4, 2020 via the ED.", "Tuesday, March 4, 2020"),
    ("date", "Dx made 11Feb2021.", "11Feb2021"),
    ("date", "Sent: 20200917\nSubject:", "20200917"),
]


@pytest.mark.parametrize("cls,text,value", MUST_FIND, ids=[f"{c[0]}-{i}" for i, c in enumerate(MUST_FIND)])
def test_general_frames_are_found(deid, cls, text, value):
    spans = deid.find(text)
    assert not _left(text, value, spans), f"{cls}: {value!r} left in {text!r}; spans {spans}"


def test_an_identifier_group_stops_at_the_end_of_the_field(deid):
    text = "Pump SN Q 319 512 replaced today."
    spans = deid.find(text)
    assert not _left(text, "Q 319 512", spans)
    assert _left(text, "replaced today", spans) == "replaced today"


# clinical wording that must not be redacted (classes of MTSamples false positives)
MUST_KEEP = [
    ("eponym", "A Kitner dissector was used to sweep the tissue.", "Kitner"),
    ("eponym", "The Kahn facelift dissecting scissors were used.", "Kahn"),
    ("eponym", "at the level of the foramen of Munro", "Munro"),
    ("eponym", "exposed with a Richardson and Army-Navy retractors", "Richardson"),
    ("isotope", "Tc-99m sestamibi stress test without defects.", "Tc-99m"),
    ("isotope", "ultrasound-guided I-125 seed implantation", "I-125"),
    ("specimen", "Specimen #2 labeled left pelvic node.", "2"),
    ("specimen", "The end plates of C5 and C6 were prepared.", "C5"),
    ("department", "Transferred to Postanesthesia Care Unit in stable condition.", "Postanesthesia Care Unit"),
    ("department", "He was seen in the Pediatric Urology Clinic.", "Pediatric Urology Clinic"),
    ("department", "Continue diuresis as per Nephrology.", "Nephrology"),
    ("drug", "She was switched to Augmentin, which caused diarrhea.", "Augmentin"),
    ("drug", "He received aspirin per nasogastric tube.", "nasogastric"),
    ("vitals", "HR 92, RR 18, BP 136/80.", "RR 18"),
    ("vitals", "Heart rate is 96 and regular.", "96"),
    ("vitals", "sinus tachycardia with a rate in the low 100s", "100"),
    ("scale", "Pupils 3/3 decreasing to 2/2 on exposure to light.", "2/2"),
    ("scale", "Motor exam is 5/5 throughout.", "5/5"),
    ("scale", "Pain ranges from 3/10 to 6/10 in intensity.", "3/10"),
    ("word", "It was identified at its distal edge.", "distal"),
    ("word", "Mother deceased. Father alive and well.", "Father"),
    ("word", "Contact precautions were maintained.", "precautions"),
    ("word", "She called EMS from home.", "EMS"),
    ("word", "Angiography in the early 1990s was normal.", "1990s"),
    ("word", "A 2000-calorie meal plan was provided.", "2000-calorie"),
    ("word", 'She named the months as "December, November, September."', "November"),
    # person slots must not take clinical wording (issue 18, second pass)
    ("slot_word", "The patient was given opportunity to ask questions regarding the procedure.", "questions"),
    ("slot_word", "She signed the informed consent form regarding the filler.", "consent"),
    ("slot_word", "He fell and his girlfriend heard a loud noise.", "heard"),
    ("slot_word", "Parents are well.  A maternal great-grandmother had a DVT.", "maternal"),
    ("slot_word", "His sister is Epstein-Barr virus positive.", "virus"),
    ("slot_word", "Let your doctor know if the angina does not go away.", "know"),
    ("slot_word", "Medication taken by mouth\n", "mouth"),
    ("slot_word", "Her mother died. His wife smokes.", "smokes"),
    ("slot_word", "Call the pharmacy back at 555-0100.", "pharmacy"),
    ("slot_word", "Physical Therapy evaluated the patient. Chest Pain presents as pressure.", "Pain"),
    ("department", "He was admitted to the Transitional Care Unit for rehabilitation.", "Transitional"),
    ("department", "He completed a Comprehensive Independent Medical Evaluation.", "Comprehensive"),
    ("department", "The month was June.  Hospital course was unremarkable.", "Hospital"),
]


@pytest.mark.parametrize("cls,text,word", MUST_KEEP, ids=[f"{c[0]}-{i}" for i, c in enumerate(MUST_KEEP)])
def test_clinical_wording_is_kept(deid, cls, text, word):
    spans = deid.find(text)
    assert _left(text, word, spans) == word, f"{cls}: {word!r} redacted in {text!r}; spans {spans}"


# ------------------------------------------------------------------ the independent generator
def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


#: recall floors per type on the first 40 notes of the held-out seed of benchmarks/deid_synth2.py.
#: Measured there after the last rule change: NAME 0.993 (306 planted), every other type 1.000 (46-161
#: planted each).  Floors leave a margin of two to four misses per type, so a class that regresses fails
#: the test while a harmless change does not.
RECALL_FLOORS = {t: 0.96 for t in (
    "ADDRESS", "LOCATION", "ZIP", "FACILITY", "AGE", "FAX", "EMAIL", "SSN", "MRN", "HEALTH_PLAN", "ACCOUNT",
    "LICENSE", "VEHICLE", "DEVICE", "URL", "IP", "BIOMETRIC", "ID")} | {"NAME": 0.975, "DATE": 0.98, "PHONE": 0.98}


def test_recall_per_type_on_a_held_out_batch_of_the_independent_generator(deid):
    synth2 = _load("deid_synth2")
    notes = synth2.generate(40, synth2.HELD_OUT_SEED)
    found, total = {}, {}
    for rec in notes:
        spans = deid.find(rec["text"])
        for sp in rec["planted"]:
            total[sp["label"]] = total.get(sp["label"], 0) + 1
            value = sp["text"][4:] if sp["text"].lower().startswith("the ") else sp["text"]
            start = sp["end"] - len(value)
            chars = set(range(start, sp["end"]))
            for s in spans:
                chars -= set(range(s["start"], s["end"]))
            if not "".join(rec["text"][i] for i in chars).strip():
                found[sp["label"]] = found.get(sp["label"], 0) + 1
    assert set(total) == set(synth2.TYPES)  # every Safe Harbor type a text can hold is planted
    recall = {t: found.get(t, 0) / total[t] for t in total}
    low = {t: round(r, 3) for t, r in recall.items() if r < RECALL_FLOORS[t]}
    assert not low, f"recall below the floor: {low} (floors {RECALL_FLOORS})"


def test_the_generators_share_no_templates_or_word_lists():
    synth, synth2 = _load("deid_synth"), _load("deid_synth2")
    assert not set(synth.LOCALES) & set(synth2.NAME_LOCALES + synth2.TOWN_LOCALES)
    source = (BENCH / "deid_synth.py").read_text(encoding="utf-8")
    shared = [s for s in synth2.FILLER if s in source]
    assert not shared
    gen = synth2.Generator2(5)
    for kind in synth2.Generator2.KINDS:
        frame = gen.sentence(kind)
        assert frame.split("{")[0] not in source or len(frame.split("{")[0]) < 12, frame
