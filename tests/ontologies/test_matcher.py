import pytest
import spacy

import ontologies.matcher  # noqa: F401  (registers the factory; the entry point does it once installed)
from corpora.doc import doc_to_record
from corpora.errors import OntologyError
from ontologies.matcher import OntologyMatcher, _resolve
from ontologies.term_index import TermIndex


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("clinlabel_ontology_matcher")
    nlp.initialize()
    return nlp


def _found(doc, key="clinlabel"):
    return [(s.text, s.kb_id_) for s in doc.spans[key]]


def test_finds_and_normalises(nlp):
    doc = nlp("Pt with CHF, Type 2 Diabetes and heart-failure. Chronic Obstructive Pulmonary Diseases; Crohn's disease.")
    assert _found(doc) == [
        ("CHF", "I50.9"), ("Type 2 Diabetes", "E11.9"), ("heart-failure", "I50.9"),
        ("Chronic Obstructive Pulmonary Diseases", "J44.9"), ("Crohn's disease", "K50.90"),
    ]


def test_span_attributes(nlp):
    doc = nlp("History of hypertension.")
    [span] = doc.spans["clinlabel"]
    assert span.label_ == "Condition" and span.kb_id_ == "I10"
    assert (span._.code, span._.system, span._.source) == ("I10", "ICD-10-CM", "clinlabel_ontology_matcher")
    assert span._.extra["preferred_term"] == "Essential (primary) hypertension"
    assert 0 < span._.score <= 1
    rec = doc_to_record(doc)
    assert rec["spans"][0]["code"] == "I10" and rec["spans"][0]["kb_id"] == "I10"


def test_longest_match_and_case_of_abbreviations(nlp):
    doc = nlp("Congestive heart failure. No MS. Morphine ms contin. Pulmonary embolism (PE) ruled out; pe exam.")
    found = _found(doc)
    assert ("Congestive heart failure", "I50.9") in found and ("heart failure", "I50.9") not in found
    assert ("PE", "I26.99") in found
    assert not any(t in ("ms", "pe") for t, _ in found)


def test_punctuation_stops_a_match(nlp):
    assert _found(nlp("The heart. Failure to reach him.")) == []


def test_existing_spans_are_kept(nlp):
    doc = nlp.make_doc("Severe pneumonia.")
    doc.spans["clinlabel"] = [doc[0:1]]
    doc = nlp.get_pipe("clinlabel_ontology_matcher")(doc)
    assert [s.text for s in doc.spans["clinlabel"]] == ["Severe", "pneumonia"]


@pytest.mark.parametrize(
    "mode,expected",
    [("keep", [(0, 2, 0), (1, 3, 1)]), ("longest", [(0, 2, 0)]), ("all", [(0, 2, 0), (0, 1, 2), (1, 3, 1)])],
)
def test_overlap_modes(mode, expected):
    found = [(0, 2, 0), (1, 3, 1), (0, 1, 2)]  # "a b" and "b c" cross, "a" nested in "a b"
    assert _resolve(found, mode) == expected


def test_overlap_keep_on_a_doc():
    nlp = spacy.blank("en")
    m = OntologyMatcher(nlp, ontology="icd10cm", overlap="all", span_key="x")
    m._index = TermIndex.build([("heart failure", "I50.9", "description", False),
                                ("congestive heart", "X1", "description", False),
                                ("failure", "X2", "description", False)], min_length=3)
    doc = m(nlp.make_doc("congestive heart failure"))
    assert sorted((s.text, s.kb_id_) for s in doc.spans["x"]) == [
        ("congestive heart", "X1"), ("failure", "X2"), ("heart failure", "I50.9")]
    m.overlap = "keep"
    doc = m(nlp.make_doc("congestive heart failure"))
    assert [s.text for s in doc.spans["x"]] == ["congestive heart", "heart failure"]


def test_to_disk_from_disk_round_trip(nlp, tmp_path, monkeypatch):
    nlp.to_disk(tmp_path / "pipe")
    files = {p.name for p in (tmp_path / "pipe" / "clinlabel_ontology_matcher" / "index").iterdir()}
    assert {"cfg.json", "keys.txt", "prefixes.txt", "codes.txt", "terms.txt", "kinds.txt", "exact.txt", "pref_codes.txt",
            "pref_terms.txt"} <= files

    def no_rebuild(*a, **k):
        raise AssertionError("the index must be loaded, not rebuilt")

    monkeypatch.setattr(TermIndex, "from_ontology", classmethod(no_rebuild))
    loaded = spacy.load(tmp_path / "pipe")
    text = "Pt with CHF and type 2 diabetes."
    doc, ref = loaded(text), nlp(text)
    assert _found(doc) == _found(ref) == [("CHF", "I50.9"), ("type 2 diabetes", "E11.9")]
    assert doc.spans["clinlabel"][0]._.extra["preferred_term"] == "Heart failure, unspecified"


def test_saved_index_with_other_settings_is_refused(nlp, tmp_path):
    nlp.to_disk(tmp_path / "pipe")
    with pytest.raises(OntologyError) as err:
        spacy.load(tmp_path / "pipe", config={"components": {"clinlabel_ontology_matcher": {"case_sensitive": True}}})
    assert err.value.code == "CL-ONT007"
    (tmp_path / "pipe" / "clinlabel_ontology_matcher" / "index" / "codes.txt").write_text("X", encoding="utf-8")
    with pytest.raises(OntologyError) as err:
        spacy.load(tmp_path / "pipe")
    assert err.value.code == "CL-ONT007"


def test_config_is_validated():
    nlp = spacy.blank("en")
    with pytest.raises(ValueError, match="overlap"):
        nlp.add_pipe("clinlabel_ontology_matcher", config={"overlap": "some"})
    with pytest.raises(ValueError, match="min_length"):
        nlp.add_pipe("clinlabel_ontology_matcher", config={"min_length": 0})


def test_other_ontology_and_case_sensitive(snomed_file):
    nlp = spacy.blank("en")
    nlp.add_pipe("clinlabel_ontology_matcher", config={"ontology": str(snomed_file), "label": "Disorder",
                                                         "span_key": "sct", "case_sensitive": True})
    doc = nlp("Known Congestive cardiac failure and Essential hypertension; essential Hypertension.")
    spans = doc.spans["sct"]
    assert [(s.text, s.kb_id_, s.label_) for s in spans] == [
        ("Congestive cardiac failure", "42343007", "Disorder"), ("Essential hypertension", "59621000", "Disorder")]
    assert spans[0]._.system == "SNOMED CT" and spans[0]._.extra["preferred_term"] == "Congestive heart failure"


def test_module_imports_cheaply():
    """spaCy imports factory modules on every spacy.blank(): importing this one loads nothing heavy."""
    import importlib
    import sys

    saved = {k: v for k, v in sys.modules.items() if k == "ontologies" or k.startswith("ontologies.")}
    for k in saved:
        del sys.modules[k]
    before = set(sys.modules)
    try:
        importlib.import_module("ontologies.matcher")
        new = set(sys.modules) - before
    finally:
        sys.modules.update(saved)
    assert new <= {"ontologies", "ontologies.matcher"}, sorted(new)


def test_term_index_round_trip(tmp_path):
    rows = [("Heart failure", "I50.9", "stripped", False), ("MI", "I21.9", "abbreviation", True),
            ("acute myocardial infarction of the heart", "I21.9", "description", False), ("x", "X", "description", False)]
    idx = TermIndex.build(rows, preferred={"I50.9": "Heart failure, unspecified", "I21.9": "Acute MI"})
    assert len(idx) == 3  # "x" is shorter than min_length
    idx.to_disk(tmp_path / "i")
    back = TermIndex.from_disk(tmp_path / "i")
    assert (back.keys, back.codes, back.terms, back.kinds, back.exact_case) == (
        idx.keys, idx.codes, idx.terms, idx.kinds, idx.exact_case)
    assert back.preferred == idx.preferred and back.ext == idx.ext
    keys = "acute myocardial infarction of the heart failure".split()
    assert back.match(keys) == idx.match(keys) == [(0, 6, 2), (5, 7, 0)]  # longest per start
    assert back.match(["mi", "|", "heart", "failure"]) == [(0, 1, 1), (2, 4, 0)]  # "|" ends a match
