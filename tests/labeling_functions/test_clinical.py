"""The clinical preset: every label source finds its label in a small clinical fixture, the guideline's
boundaries hold, relations come out, and the preset runs in the annotate pipeline."""

from __future__ import annotations

import pytest
import spacy

from labeling_functions import get_preset
from labeling_functions.api import iter_votes
from labeling_functions.presets.clinical import CORE_LABELS, LABELS, chia_split

# (LF name, text, expected span text, expected label) -- one or more per label source
SOURCES = [
    ("icd10cm_condition", "History of type 2 diabetes mellitus and chronic kidney disease.", "type 2 diabetes mellitus", "Condition"),
    ("icd10cm_condition", "He had an ischemic stroke last year.", "ischemic stroke", "Condition"),
    ("symptom_ontology", "She reports dizziness and nausea.", "dizziness", "Condition"),
    ("guideline_words", "Pregnant or lactating women are excluded.", "Pregnant", "Condition"),
    ("guideline_words", "Life expectancy of less than 3 months.", "Life expectancy", "Observation"),
    ("condition_head_phrase", "Any psychiatric disorder requiring treatment.", "psychiatric disorder", "Condition"),
    ("condition_morphology", "Recurrent pancreatitis in the past year.", "Recurrent pancreatitis", "Condition"),
    ("rxnorm_fda_drugs", "Currently taking metformin and Lasix.", "metformin", "Drug"),
    ("rxnorm_fda_drugs", "Currently taking metformin and Lasix.", "Lasix", "Drug"),
    ("drug_name_list", "Treated with dexmedetomidine overnight.", "dexmedetomidine", "Drug"),
    ("drug_classes", "Use of systemic corticosteroids is not allowed.", "systemic corticosteroids", "Drug"),
    ("drug_class_phrase", "Patients on proton pump inhibitors are excluded.", "proton pump inhibitors", "Drug"),
    ("drug_stem", "She was started on zanubrutinib last week.", "zanubrutinib", "Drug"),
    ("drug_before_dose", "Continue Xylofram 40 mg daily.", "Xylofram", "Drug"),
    ("procedure_list", "Prior coronary artery bypass grafting.", "coronary artery bypass grafting", "Procedure"),
    ("procedure_morphology", "Status post cholecystectomy.", "cholecystectomy", "Procedure"),
    ("procedure_head_phrase", "Planned cardiac surgery.", "cardiac surgery", "Procedure"),
    ("body_part_operation", "Candidate for hip replacement.", "hip replacement", "Procedure"),
    ("measurement_list", "HbA1c above target.", "HbA1c", "Measurement"),
    ("measurement_head_phrase", "Low potassium level noted.", "potassium level", "Measurement"),
    ("measurement_before_value", "Karnofsky Performance Status > 60", "Karnofsky Performance Status", "Measurement"),
    ("named_instrument", "Score above 16 on the 17-item Hamilton Depression Rating Scale.", "17-item Hamilton Depression Rating Scale", "Measurement"),
    ("value_pattern", "Age >= 18 years; ALT < 2.5 x ULN.", ">= 18 years", "Value"),
    ("value_pattern", "Age >= 18 years; ALT < 2.5 x ULN.", "< 2.5 x ULN", "Value"),
    ("value_after_measurement", "Hemoglobin 12.3 on admission.", "12.3", "Value"),
    ("value_result_word", "A negative pregnancy test is required.", "negative", "Value"),
    ("value_roman_class", "Heart failure NYHA class III or IV.", "class III or IV", "Value"),
    ("temporal_pattern", "Myocardial infarction within 6 months prior to screening.", "within 6 months prior to screening", "Temporal"),
    ("temporal_adjective", "Current smoker.", "Current", "Temporal"),
    ("device_list", "Patients with a permanent pacemaker.", "permanent pacemaker", "Device"),
    ("clinical_abbreviation", "EKG and tsh were normal.", "EKG", "Procedure"),
    ("clinical_abbreviation", "EKG and tsh were normal.", "tsh", "Measurement"),
    ("defined_abbreviation", "Left ventricular ejection fraction (LVEF) below 40%; LVEF measured by echo.", "LVEF", "Measurement"),
]


@pytest.fixture(scope="module")
def clinical_nlp():
    """The annotate pipeline's front (tokenizer, sentences, sections) without a target finder."""
    from nlp_pipeline.pipeline import PipelineConfig, build_pipeline

    return build_pipeline(PipelineConfig(preset=None, ontology="", context=False, codes=False))


@pytest.fixture(scope="module")
def lfset():
    return get_preset("clinical").build()


def _votes(lfset, name, doc):
    lf = next(lf for lf in lfset.lfs if lf.name == name)
    return {(doc[s:e].text, label) for s, e, label in iter_votes(lf, doc, lf.func(doc, **lfset.kwargs_for(lf)))}


@pytest.mark.parametrize("name, text, span, label", SOURCES, ids=[f"{s[0]}-{s[2]}" for s in SOURCES])
def test_each_label_source_finds_its_label(lfset, clinical_nlp, name, text, span, label):
    doc = clinical_nlp(text)
    assert (span, label) in _votes(lfset, name, doc)


def test_every_label_has_a_source_in_the_fixture():
    assert {label for *_, label in SOURCES} == set(LABELS)


def test_medication_section_items_need_the_sections_component(lfset, clinical_nlp):
    text = "HISTORY: Doing well.\nMEDICATIONS: Vytorin 10 mg daily, Zebrazol, and aspirin.\nPLAN: Follow up."
    votes = _votes(lfset, "medication_section_items", clinical_nlp(text))
    assert {("Vytorin", "Drug"), ("Zebrazol", "Drug"), ("aspirin", "Drug")} <= votes
    assert not _votes(lfset, "medication_section_items", spacy.blank("en")(text))  # no sections: abstains


@pytest.mark.parametrize("text, expected", [
    # modifiers the guideline keeps inside, qualifiers and time words it leaves out
    ("Severe chronic kidney disease.", [("chronic kidney disease", "Condition")]),
    ("Known active hepatitis B infection.", [("hepatitis B infection", "Condition"), ("active", None)]),
    ("History of renal or hepatic impairment.", [("renal", "Condition"), ("hepatic impairment", "Condition"),
                                                 ("History", "Observation")]),
    ("Prior to study entry, serum creatinine > 2.0 mg/dL.", [("Prior to study entry", "Temporal"),
                                                             ("serum creatinine", "Measurement"),
                                                             ("> 2.0 mg/dL", "Value")]),
    # a longer mention of another label wins: the test, not the condition
    ("A negative pregnancy test.", [("pregnancy test", "Measurement"), ("negative", "Value")]),
    ("Left ventricular ejection fraction (LVEF) < 40%.", [("Left ventricular ejection fraction (LVEF)", "Measurement")]),
    # a drug class is a Drug, never a Condition, whatever an ontology term inside it says
    ("Prior therapy with SYK inhibitors or DPP-4 inhibitors.", [("SYK inhibitors", "Drug"), ("DPP-4 inhibitors", "Drug"),
                                                               ("SYK inhibitors", None), ("DPP-4 inhibitors", None)]),
    # a named instrument is one Measurement, the disease in its name is not a Condition
    ("Glasgow Coma Scale below 8 or Positive Test results.", [("Glasgow Coma Scale", "Measurement"), ("Coma", None),
                                                              ("Positive Test", None)]),
    # a word that is a bare ICD-10-CM term and a guideline word takes the guideline's label
    ("Social history: drug use and alcohol use.", [("drug use", "Observation"), ("alcohol use", "Observation")]),
])
def test_guideline_boundaries(clinical_nlp, text, expected):
    from labeling_functions.weak import WeakLabeler

    labeler = WeakLabeler.from_config(preset="clinical")
    doc = clinical_nlp(text)
    spans, _, _ = labeler.label(doc)
    found = {(doc[s:e].text, label) for s, e, label, _, _ in spans}
    for span, label in expected:
        if label is None:  # the span has no other label
            assert not any(t == span and lab not in {lab2 for sp2, lab2 in expected if sp2 == span and lab2}
                           for t, lab in found), found
        else:
            assert (span, label) in found, found


def test_votes_of_different_labels_never_overlap(lfset, clinical_nlp):
    from labeling_functions.api import apply_span_lfs

    doc = clinical_nlp("Negative serum pregnancy test at screening; alcohol abuse within 6 months; "
                       "oxygen saturation 92% on 2 L oxygen.")
    votes = apply_span_lfs(doc, lfset, write=False)
    owner = {}
    for spans in votes.values():
        for s, e, label in spans:
            for i in range(s, e):
                assert owner.setdefault(i, label) == label, (doc[i].text, owner[i], label)


def test_chia_split_is_deterministic_and_keeps_a_trial_together():
    assert chia_split("NCT00050349_inc") == chia_split("NCT00050349_exc") == chia_split("chia/NCT00050349_inc")
    halves = [chia_split(f"NCT{n:08d}_inc") for n in range(400)]
    assert 150 < halves.count("tune") < 250  # about half


def test_user_ontology_snomed_and_umls(tmp_path, monkeypatch, clinical_nlp, test_data):
    """A user's SNOMED CT / UMLS build (--ontology NAME): semantic tag / semantic type -> label."""
    from ontologies import registry
    from ontologies.snomed import build_snomed
    from ontologies.umls import build_umls

    monkeypatch.setenv("CLINLABEL_DATA_DIR", str(tmp_path))
    registry.register("mysct", build_snomed(test_data / "ontologies" / "snomed_rf2", tmp_path / "sct.sqlite"))
    registry.register("myumls", build_umls(test_data / "ontologies" / "umls_meta", tmp_path / "umls.sqlite"))
    lfset = get_preset("clinical").build()
    doc = clinical_nlp("Chronic congestive heart failure treated with Aspirin.")
    lfset.resources["ontology_name"] = "mysct"
    assert ("Chronic congestive heart failure", "Condition") in _votes(lfset, "user_ontology_concepts", doc)
    lfset = get_preset("clinical").build()
    lfset.resources["ontology_name"] = "myumls"
    votes = _votes(lfset, "user_ontology_concepts", doc)
    assert ("Aspirin", "Drug") in votes and any(label == "Condition" for _, label in votes)
    lfset = get_preset("clinical").build()
    assert not _votes(lfset, "user_ontology_concepts", doc)  # no --ontology: abstains


def test_annotate_pipeline_gives_every_core_label_with_assertions_and_relations():
    from nlp_pipeline.pipeline import PipelineConfig, build_pipeline
    from nlp_pipeline.processing import NoteProcessor

    text = ("HISTORY OF PRESENT ILLNESS: 64-year-old man with type 2 diabetes mellitus and no chest pain. "
            "He had a cholecystectomy 3 years ago.\nMEDICATIONS: Metformin 500 mg twice daily, lisinopril.\n"
            "LABS: Hemoglobin A1c 8.2%, creatinine 1.1 mg/dL.\nPLAN: Start atorvastatin. EKG in 6 months.")
    cfg = PipelineConfig(preset="clinical")
    out = NoteProcessor(build_pipeline(cfg), cfg).annotate_record({"text": text, "meta": {"id": "n1"}})
    spans = {(s["text"], s["label"]): s for s in out["spans"]}
    for label in CORE_LABELS:
        assert any(lab == label for _, lab in spans), (label, sorted(spans))
    assert spans[("chest pain", "Condition")]["negated"] is True
    assert spans[("type 2 diabetes mellitus", "Condition")]["negated"] is False
    assert ("Metformin", "Drug") in spans and ("cholecystectomy", "Procedure") in spans
    rels = {(out["text"][r["head_span"]["start"]:r["head_span"]["end"]],
             out["text"][r["child_span"]["start"]:r["child_span"]["end"]], r["label"]) for r in out["relations"]}
    assert ("Hemoglobin A1c", "8.2%", "Has_value") in rels
    assert ("creatinine", "1.1 mg/dL", "Has_value") in rels
    assert ("cholecystectomy", "3 years ago", "Has_temporal") in rels
    for r in out["relations"]:
        assert r["head"] == r["head_span"]["token_end"] and r["child"] == r["child_span"]["token_end"]


def test_input_relations_are_kept_aside():
    from nlp_pipeline.pipeline import PipelineConfig, build_pipeline
    from nlp_pipeline.processing import NoteProcessor

    rec = {"text": "HbA1c 7.5%.", "meta": {"id": "x"}, "spans": [{"start": 0, "end": 5, "label": "Measurement"}],
           "relations": [{"label": "Has_value", "head_span": {"start": 0, "end": 5}, "child_span": {"start": 6, "end": 10}}]}
    cfg = PipelineConfig(preset="clinical", context=False)
    out = NoteProcessor(build_pipeline(cfg), cfg).annotate_record(rec)
    assert out["input_relations"] == rec["relations"]
    assert all(r.get("source") for r in out["relations"])  # only the preset's own relations remain
