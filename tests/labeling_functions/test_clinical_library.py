"""General LF building blocks used by the clinical preset: span editors, term lists, value and
temporal grammars, morphology, section items, clinical relation LFs."""

from __future__ import annotations

import os

import pytest
import spacy

from corpora.tokenizer import biomedical_nlp
from labeling_functions.library import editors
from labeling_functions.library.clinical_relations import (
    HAS_TEMPORAL_LFS,
    HAS_VALUE_LFS,
    candidates,
    relate,
)
from labeling_functions.library.temporal import find_temporal
from labeling_functions.library.terms import TermList, char_spans_to_tokens, head_phrases
from labeling_functions.library.values import find_values, number_after


@pytest.fixture(scope="module")
def nlp():
    return biomedical_nlp()


def texts(doc, spans):
    return [doc[s:e].text for s, e, *_ in spans]


# --- span editors ------------------------------------------------------------------------------


def test_editors_extend_trim_keep_chain():
    doc = spacy.blank("en")("the severe chronic kidney disease , noted")
    spans = [(3, 5, "C")]  # kidney disease
    grown = editors.chain(doc, spans, editors.extend_left(lambda t: t.lower_ in {"chronic", "severe"}, max_tokens=1))
    assert texts(doc, grown) == ["chronic kidney disease"]
    grown = editors.extend_left(lambda t: t.is_alpha, stop=lambda t: t.lower_ == "the")(doc, spans)
    assert texts(doc, grown) == ["severe chronic kidney disease"]
    assert texts(doc, editors.trim(lambda t: t.is_punct)(doc, [(3, 6, "C")])) == ["kidney disease"]
    assert editors.keep(lambda span: len(span) > 1)(doc, [(3, 4, "C"), (3, 5, "C")]) == [(3, 5, "C")]
    assert editors.drop(lambda span: span.text == "kidney")(doc, [(3, 4, "C"), (3, 5, "C")]) == [(3, 5, "C")]
    assert editors.relabel("X")(doc, spans) == [(3, 5, "X")]
    assert editors.extend_right(lambda t: t.is_punct)(doc, spans) == [(3, 6, "C")]


def test_coordinated_left_adds_elided_conjuncts():
    doc = spacy.blank("en")("cardiac , renal or hepatic disease")
    adj = lambda t: t.lower_ in {"cardiac", "renal", "hepatic"}  # noqa: E731
    out = editors.coordinated_left(adj)(doc, [(4, 6, "C")])
    assert sorted(texts(doc, out)) == ["cardiac", "hepatic disease", "renal"]
    assert editors.coordinated_left(adj)(doc, [(5, 6, "C")]) == [(5, 6, "C")]  # no modifier: nothing added


def test_whole_words_and_overlap_resolution(nlp):
    doc = nlp.make_doc("non-melanoma skin cancer and anti-TNF agents")
    start = [t.text for t in doc].index("melanoma")
    assert texts(doc, editors.whole_words(doc, [(start, start + 3, "C")])) == ["non-melanoma skin cancer"]
    votes = {"a": [(0, 2, "Condition")], "b": [(1, 2, "Measurement")], "c": [(0, 1, "Condition")], "d": [(1, 2, "O")]}
    out = editors.resolve_labels(votes)
    assert out["a"] == [(0, 2, "Condition")] and out["b"] == [] and out["c"] == [(0, 1, "Condition")]
    assert out["d"] == [(1, 2, "O")]
    # a loser whose left part is taken keeps its right part
    out = editors.resolve_labels({"p": [(0, 2, "Procedure")], "c": [(1, 3, "Condition")]}, tiers={"p": 1})
    assert out["p"] == [(0, 2, "Procedure")] and out["c"] == [(2, 3, "Condition")]


@pytest.mark.parametrize("seed", ["0", "1", "2", "3"])
def test_resolve_labels_ties_go_to_the_first_lf_whatever_the_hash_seed(seed):
    """Same span, same tier and priority, two labels: the LF listed first wins in every process (it
    once depended on set order, so a note's label changed from run to run)."""
    import subprocess
    import sys

    code = ("from labeling_functions.library import editors\n"
            "v = {'icd': [(0, 2, 'Condition')], 'words': [(0, 2, 'Observation')]}\n"
            "print(editors.resolve_labels(v, names=['words', 'icd'])['words'], "
            "editors.resolve_labels(v)['icd'])")
    env = {**os.environ, "PYTHONHASHSEED": seed}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    assert out.split() == ["[(0,", "2,", "'Observation')]", "[(0,", "2,", "'Condition')]"]


# --- term lists --------------------------------------------------------------------------------


def test_term_list_normalises_and_respects_case_rules(nlp):
    terms = TermList([("heart failure", "Condition"), ("Today", "Drug", "capital"), ("MS", "Condition", "upper")])
    doc = nlp.make_doc("Heart Failures today. Today MS ms")
    assert [(doc[s:e].text, lab) for s, e, lab in terms.find(doc)] == [
        ("Heart Failures", "Condition"), ("Today", "Drug"), ("MS", "Condition")]
    assert terms.label_of("heart failures") == "Condition" and terms.label_of("heart") is None


def test_head_phrases_and_char_spans(nlp):
    doc = nlp.make_doc("acute kidney injuries")
    assert texts(doc, head_phrases(doc, ["injury"], "C", modifier=lambda t: t.is_alpha)) == ["acute kidney injuries"]
    assert char_spans_to_tokens(doc, [(0, 12), (1, 12)]) == [(0, 2), (1, 2)][:1] + [(1, 2)]


# --- values and times --------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("Age >= 18 years", [">= 18 years"]),
    ("18 years or older", ["18 years or older"]),
    ("between 18 and 65 years", ["between 18 and 65 years"]),
    ("HbA1c 7.0-10.0%", ["7.0-10.0%"]),
    ("ALT <2.5 x ULN", ["<2.5 x ULN"]),
    ("ALT<2.5 x ULN", []),                  # the number is glued to the test's name: no partial value
    ("less than 3 times the upper limit of normal", ["less than 3 times the upper limit of normal"]),
    ("BP 130/80 mmHg", ["130/80 mmHg"]),
    ("eGFR < 30 ml/min/1.73m2", ["< 30 ml/min/1.73m2"]),
    ("greater than three (3) months", ["greater than three (3) months"]),
    ("at least two episodes", []),          # a count of things, not a value
    ("in 2004 she had 3 children", []),     # bare numbers
])
def test_values(nlp, text, expected):
    doc = nlp.make_doc(text)
    assert texts(doc, find_values(doc)) == expected


def test_number_after_a_measurement(nlp):
    doc = nlp.make_doc("Hemoglobin 12.3 and temperature of 101.2 today")
    assert texts(doc, number_after(doc, [(0, 1, "M"), (3, 4, "M")])) == ["12.3", "101.2"]


@pytest.mark.parametrize("text, expected", [
    ("stable dose for 30 days prior to study entry", ["for 30 days prior to study entry"]),
    ("another malignancy within 5 years prior to study entry", ["within 5 years prior to study entry"]),
    ("a serum pregnancy test at screening.", ["at screening"]),
    ("surgery in the past 2 years", ["in the past 2 years"]),
    ("3 months after RYGB", ["3 months after RYGB"]),
    ("since the radiation therapy", ["since the radiation therapy"]),
    ("within approximately 28 days prior to randomization", ["within approximately 28 days prior to randomization"]),
    ("previous stroke", ["previous"]),
    ("he gained 3 pounds", []),
    # a line break before a new item ends an expression; a wrapped line (lower case) does not
    ("within 6 months\nHistory of stroke", ["within 6 months"]),
    ("pain at tested sites\nOngoing study", []),
    ("surgery within the\npast 2 years", ["within the\npast 2 years"]),
])
def test_temporal(nlp, text, expected):
    doc = nlp.make_doc(text)
    anchors = ("study entry", "screening", "randomization", "study")
    assert texts(doc, find_temporal(doc, anchors=anchors, adjectives=("previous",))) == expected


def test_morphology_finders(nlp):
    from labeling_functions.library import conditions, drugs, procedures

    doc = nlp.make_doc("pancreatitis after cholecystectomy; lisinopril 10 mg; diagnosis; program")
    assert texts(doc, conditions.morphology(doc)) == ["pancreatitis"]
    assert texts(doc, procedures.morphology(doc)) == ["cholecystectomy"]
    assert texts(doc, drugs.stem_words(doc)) == ["lisinopril"]
    assert texts(doc, drugs.dose_context(doc, max_tokens=1)) == ["lisinopril"]


def test_list_item_heads_in_a_section():
    from labeling_functions.library.sections import list_item_heads
    from nlp_pipeline.pipeline import PipelineConfig, build_pipeline

    nlp = build_pipeline(PipelineConfig(preset=None, ontology="", context=False, codes=False))
    doc = nlp("ALLERGIES: Penicillin, sulfa.\nMEDICATIONS: Lasix 40 mg daily, Coumadin.\nPLAN: Rest.")
    assert texts(doc, list_item_heads(doc, ("medications",), "Drug", max_tokens=2)) == ["Lasix", "Coumadin"]


# --- relations ---------------------------------------------------------------------------------


def _rel_texts(doc, rels):
    return {(doc[r["head_span"]["token_start"]:r["head_span"]["token_end"] + 1].text,
             doc[r["child_span"]["token_start"]:r["child_span"]["token_end"] + 1].text, r["label"]) for r in rels}


def _mentions(doc, items):
    """Token spans of the given (text, label) mentions, first occurrence each."""
    out = []
    for text, label in items:
        span = doc.char_span(doc.text.index(text), doc.text.index(text) + len(text))
        out.append((span.start, span.end, label))
    return out


@pytest.mark.parametrize("text, mentions, expected", [
    ("HbA1c > 7.5% and creatinine < 2 mg/dL",
     [("HbA1c", "Measurement"), ("> 7.5%", "Value"), ("creatinine", "Measurement"), ("< 2 mg/dL", "Value")],
     {("HbA1c", "> 7.5%", "Has_value"), ("creatinine", "< 2 mg/dL", "Has_value")}),
    ("AST, ALT < 2.5 x ULN",
     [("AST", "Measurement"), ("ALT", "Measurement"), ("< 2.5 x ULN", "Value")],
     {("AST", "< 2.5 x ULN", "Has_value"), ("ALT", "< 2.5 x ULN", "Has_value")}),
    ("negative pregnancy test", [("negative", "Value"), ("pregnancy test", "Measurement")],
     {("pregnancy test", "negative", "Has_value")}),
    ("stroke within 6 months; previous surgery",
     [("stroke", "Condition"), ("within 6 months", "Temporal"), ("previous", "Temporal"), ("surgery", "Procedure")],
     {("stroke", "within 6 months", "Has_temporal"), ("surgery", "previous", "Has_temporal")}),
    ("cardiomyopathy with or without previous infarction",
     [("cardiomyopathy", "Condition"), ("previous", "Temporal"), ("infarction", "Condition")],
     {("infarction", "previous", "Has_temporal")}),
    ("asthma. HbA1c 7%", [("asthma", "Condition"), ("HbA1c", "Measurement"), ("7%", "Value")],
     {("HbA1c", "7%", "Has_value")}),  # never across a sentence end
])
def test_relations(nlp, text, mentions, expected):
    doc = nlp.make_doc(text)
    rels = relate(doc, _mentions(doc, mentions))
    assert _rel_texts(doc, rels) == expected
    for r in rels:
        assert r["head"] == r["head_span"]["token_end"] and r["source"]


def test_relation_candidates_and_lfs(nlp):
    doc = nlp.make_doc("platelets 90 and weight 70 kg")
    cands = candidates(doc, [(0, 1, "Measurement"), (1, 2, "Value"), (3, 4, "Measurement"), (4, 6, "Value")])
    assert {(c.head, c.child) for c in cands} == {((0, 1, "Measurement"), (1, 2, "Value")),
                                                  ((0, 1, "Measurement"), (4, 6, "Value")),
                                                  ((3, 4, "Measurement"), (1, 2, "Value")),
                                                  ((3, 4, "Measurement"), (4, 6, "Value"))}
    far = next(c for c in cands if c.head == (0, 1, "Measurement") and c.child == (4, 6, "Value"))
    votes = {lf.name: lf(far) for lf in HAS_VALUE_LFS}
    assert votes["value_not_across_value"] == 0 and votes["value_nearest_measurement"] == 0
    assert all(lf(far) == -1 for lf in HAS_TEMPORAL_LFS)  # other relation type: abstain


def test_the_worked_example_in_docs_clinical_runs(nlp):
    """The user LF module example of docs/clinical.md works as written."""
    import re
    from pathlib import Path

    doc_md = (Path(__file__).resolve().parents[2] / "docs" / "clinical.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", doc_md, re.S).group(1)
    namespace: dict = {}
    exec(compile(code, "docs/clinical.md", "exec"), namespace)  # noqa: S102 - our own documentation
    lf = namespace["vaccines"]
    doc = nlp.make_doc("She received a live attenuated influenza vaccine and Tdap; MMR was deferred.")
    assert texts(doc, lf(doc)) == ["live attenuated influenza vaccine", "Tdap", "MMR"]
