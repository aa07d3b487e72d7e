"""clinlabel_sentences: clinical sentence boundaries."""

import pytest
import spacy

import nlp_pipeline.sentences  # noqa: F401  (registers the factory)
from nlp_pipeline.sentences import sentence_starts


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("clinlabel_sentences")
    return nlp


def sents(nlp, text):
    return [s.text.strip(" ,") for s in nlp(text).sents]


@pytest.mark.parametrize(
    "text, expected",
    [
        # titles and initials do not end a sentence
        ("She was seen by Dr. Smith today. He agreed.", ["She was seen by Dr. Smith today.", "He agreed."]),
        ("Seen by John A. Brown in clinic. Stable.", ["Seen by John A. Brown in clinic.", "Stable."]),
        # dosing abbreviations inside a sentence
        ("Take Tylenol 650 mg p.o. q.4h. p.r.n. pain. Return in a week.",
         ["Take Tylenol 650 mg p.o. q.4h. p.r.n. pain.", "Return in a week."]),
        ("Doxycycline 100 mg b.i.d. for five days. Follow up.", ["Doxycycline 100 mg b.i.d. for five days.", "Follow up."]),
        # ... but a capitalised word after them starts a new one
        ("Motrin 600 mg p.o. t.i.d. Colace 100 mg daily.", ["Motrin 600 mg p.o. t.i.d.", "Colace 100 mg daily."]),
        # decimals and vitals
        ("Temp 98.6, BP 120/80, HR 72. No distress.", ["Temp 98.6, BP 120/80, HR 72.", "No distress."]),
        ("Vitals: Temp. 98.6 and pulse 80. Lungs clear.", ["Vitals: Temp. 98.6 and pulse 80.", "Lungs clear."]),
    ],
)
def test_abbreviations_and_numbers(nlp, text, expected):
    assert sents(nlp, text) == expected


def test_headings_are_their_own_sentence(nlp):
    text = "PAST MEDICAL HISTORY: Hypertension. FAMILY HISTORY: Mother with diabetes."
    assert sents(nlp, text) == ["PAST MEDICAL HISTORY:", "Hypertension.", "FAMILY HISTORY:", "Mother with diabetes."]


def test_mtsamples_comma_artefact(nlp):
    text = ("She has asthma.,MEDICATIONS: , Her only medication is Allegra.,ALLERGIES: , None.,"
            "HEENT:  Throat clear.,Neck:  Supple.")
    got = sents(nlp, text)
    assert "Her only medication is Allegra." in got
    assert "None." in got
    starts = sentence_starts(text)
    for word in ("MEDICATIONS", "Her only", "ALLERGIES", "None", "Neck"):
        assert text.index(word) in starts, word


def test_numbered_lists(nlp):
    text = "PLAN:,1.  Try Zyrtec instead of Allegra.,2.  Nasonex samples given.  Recheck in 2 weeks."
    got = sents(nlp, text)
    # spaCy's tokenizer glues "PLAN:,1" into one token, so the item number stays with its text
    assert any(s.endswith("1.  Try Zyrtec instead of Allegra.") for s in got)
    assert any(s.startswith("2.  Nasonex") for s in got)
    assert "Recheck in 2 weeks." in got
    # "biopsy 2) Large" is a list item too
    text = "DIAGNOSIS: 1) Severe esophagitis s/p biopsy 2) Large hiatal hernia 3) Normal duodenum"
    got = sents(nlp, text)
    assert "2) Large hiatal hernia" in got and "3) Normal duodenum" in got


def test_line_broken_template_and_wrapped_prose(nlp):
    text = "Blood pressure: 120/80\nPulse: 72\nThe patient has a history of\nhypertension and diabetes\n\nPlan as above"
    got = [s.strip() for s in sents(nlp, text)]
    assert got == ["Blood pressure: 120/80", "Pulse: 72",
                   "The patient has a history of\nhypertension and diabetes", "Plan as above"]


def test_bullets_start_sentences(nlp):
    text = "Findings:\n- mild effusion\n- no pneumothorax\n* stable cardiomegaly"
    got = [s.strip() for s in sents(nlp, text)]
    assert got == ["Findings:", "- mild effusion", "- no pneumothorax", "* stable cardiomegaly"]


def test_every_token_has_a_sentence_flag(nlp):
    doc = nlp("One.  Two three.\n\nFour")
    assert doc.has_annotation("SENT_START")
    assert all(t.is_sent_start is not None for t in doc)
    assert doc[0].is_sent_start
    assert nlp("").text == ""


def test_serialisation_round_trip(nlp, tmp_path):
    nlp.to_disk(tmp_path / "m")
    nlp2 = spacy.load(tmp_path / "m")
    assert [s.text for s in nlp2("Dr. Smith saw her. Fine.").sents] == ["Dr. Smith saw her.", "Fine."]


def test_initial_before_pronoun_ends_sentence(nlp):
    assert sents(nlp, "He saw Dr. X. He was given Vicodin.") == ["He saw Dr. X.", "He was given Vicodin."]


def test_glued_token_stays_with_its_sentence(nlp):
    # spaCy keeps "ALLERGIES.,SOCIAL" as one token; it must stay with "HE HAS NO" (the negation)
    got = sents(nlp, "ALLERGIES:, HE HAS NO ALLERGIES.,SOCIAL HISTORY:, He is a smoker.")
    assert any(s.startswith("HE HAS NO ALLERGIES") for s in got)


@pytest.mark.parametrize(
    "text, expected",
    [
        # a line ending in a function word continues on the next line ...
        ("Patients with diabetes and\nhypertension are excluded", ["Patients with diabetes and\nhypertension are excluded"]),
        # ... unless the next line is a lettered list item
        ("Exclusion criteria are\na) pregnancy\nb) renal failure",
         ["Exclusion criteria are", "a) pregnancy", "b) renal failure"]),
    ],
)
def test_line_ending_in_a_function_word(nlp, text, expected):
    assert [s.text.strip() for s in nlp(text).sents] == expected
