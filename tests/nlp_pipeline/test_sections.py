"""clinlabel_sections: section headers, medSpaCy-format user rules, span._.section."""

import json

import pytest
import spacy

import nlp_pipeline.sections  # noqa: F401  (registers the factory)
import nlp_pipeline.sentences  # noqa: F401
from corpora.doc import SPAN_KEY, register_extensions
from corpora.errors import CTX_RULES_INVALID, CTX_RULES_NOT_FOUND, ContextError

NOTE = (
    "HISTORY OF PRESENT ILLNESS: , She has cough.,PAST MEDICAL HISTORY:, Asthma and hypertension."
    ",FAMILY HISTORY:, Mother with diabetes.,MISCELLANEOUS/EATING HISTORY:, Likes sweets."
    ",REVIEW OF SYSTEMS: , Negative.,PHYSICAL EXAMINATION:, Lungs clear.,ASSESSMENT AND PLAN:, Bronchitis."
)


@pytest.fixture(scope="module")
def nlp():
    register_extensions()
    nlp = spacy.blank("en")
    nlp.add_pipe("clinlabel_sentences")
    nlp.add_pipe("clinlabel_sections")
    return nlp


def with_targets(nlp, text, words):
    doc = nlp.make_doc(text)
    doc.spans[SPAN_KEY] = [doc.char_span(text.index(w), text.index(w) + len(w), label="X") for w in words]
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return doc


def test_mtsamples_sections_and_targets(nlp):
    doc = with_targets(nlp, NOTE, ["cough", "Asthma", "diabetes", "sweets", "clear", "Bronchitis"])
    labels = [s.label_ for s in doc.spans["sections"]]
    assert labels == ["history_of_present_illness", "past_medical_history", "family_history", "other",
                      "review_of_systems", "physical_exam", "observation_and_plan"]
    got = {s.text: s._.section for s in doc.spans[SPAN_KEY]}
    assert got == {"cough": "history_of_present_illness", "Asthma": "past_medical_history",
                   "diabetes": "family_history", "sweets": "other", "clear": "physical_exam",
                   "Bronchitis": "observation_and_plan"}
    heads = doc.spans["section_headers"]
    assert len(heads) == 7 and heads[0].text.startswith("HISTORY OF PRESENT ILLNESS:")
    assert all("HISTORY" not in s.text for s in doc.spans[SPAN_KEY])


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Family History:\nNo cancer.", ["family_history"]),
        ("Past medical history: none", ["past_medical_history"]),
        ("We will consult cardiology about his history: nothing else.", []),  # not at a heading position
        ("Allergies\nPenicillin", ["allergies"]),  # medSpaCy literal without colon, alone on its line
        ("Allergies to penicillin.", []),
        ("PSH: appendectomy", ["past_surgical_history"]),  # clinlabel overrides medSpaCy's social_history
    ],
)
def test_heading_positions(nlp, text, expected):
    doc = nlp(text)
    assert [s.label_ for s in doc.spans["sections"]] == expected


def test_user_rule_file_in_medspacy_format(tmp_path):
    rules = {"section_rules": [
        {"literal": "Pertinent Negatives:", "category": "pertinent_negatives"},
        {"literal": "regex heading", "category": "regex_section", "pattern": r"ZZ\s+NOTES:"},
        {"literal": "token heading", "category": "token_section",
         "pattern": [{"LOWER": "xx"}, {"LOWER": "section"}, {"ORTH": ":"}]},
        {"literal": "Family History:", "category": "relatives"},  # user rules win over defaults
    ]}
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(rules))
    nlp = spacy.blank("en")
    nlp.add_pipe("clinlabel_sentences")
    nlp.add_pipe("clinlabel_sections", config={"rules": str(path)})
    doc = nlp("PERTINENT NEGATIVES: no fever.\nZZ NOTES: odd.\nXX section: more.\nFamily History: none.")
    assert [s.label_ for s in doc.spans["sections"]] == [
        "pertinent_negatives", "regex_section", "token_section", "relatives"]
    # the user rules survive to_disk / from_disk
    nlp.to_disk(tmp_path / "model")
    path.unlink()
    nlp2 = spacy.blank("en")
    nlp2.add_pipe("clinlabel_sections")
    nlp2.from_disk(tmp_path / "model")
    doc = nlp2("PERTINENT NEGATIVES: none")
    assert doc.spans["sections"][0].label_ == "pertinent_negatives"


def test_default_rule_files_load_in_medspacy():
    """The shipped files are medSpaCy's formats: medSpaCy's own readers accept them."""
    from importlib import resources

    from medspacy.context import ConTextRule
    from medspacy.section_detection import SectionRule

    base = resources.files("nlp_pipeline.resources")
    for name in ("medspacy_section_rules.json", "clinlabel_section_rules.json"):
        rules = SectionRule.from_json(str(base.joinpath(name)))
        assert len(rules) > 100
    for name in ("medspacy_context_rules.json", "clinlabel_context_rules.json"):
        rules = ConTextRule.from_json(str(base.joinpath(name)))
        assert len(rules) > 40


def test_bad_rule_files(tmp_path):
    with pytest.raises(ContextError) as err:
        spacy.blank("en").add_pipe("clinlabel_sections", config={"rules": str(tmp_path / "missing.json")})
    assert err.value.code == CTX_RULES_NOT_FOUND and "missing.json" in str(err.value)
    bad = tmp_path / "bad.json"
    bad.write_text('{"section_rules": [\n {"literal": "A:", "category": "a"},\n {"literal": "B:", "categry": "b"}\n]}')
    with pytest.raises(ContextError) as err:
        spacy.blank("en").add_pipe("clinlabel_sections", config={"rules": str(bad)})
    assert err.value.code == CTX_RULES_INVALID
    assert err.value.line == 3 and "categry" in str(err.value)
    broken = tmp_path / "broken.json"
    broken.write_text('{"section_rules": [\n {"literal": "A:",}\n]}')
    with pytest.raises(ContextError) as err:
        spacy.blank("en").add_pipe("clinlabel_sections", config={"rules": str(broken)})
    assert err.value.line == 2


def test_add_rules_at_run_time():
    nlp = spacy.blank("en")
    sectionizer = nlp.add_pipe("clinlabel_sections")
    sectionizer.add([{"literal": "Wound check:", "category": "wound_check"}])
    doc = nlp("Wound check: clean and dry.")
    assert [s.label_ for s in doc.spans["sections"]] == ["wound_check"]
