"""`clinlabel codes` on short notes through the whole default pipeline, and its evaluation."""

from __future__ import annotations

import json

import pytest

from clinlabel.cli import main
from nlp_pipeline.codes_eval import evaluate_codes

NOTES = [
    {"text": "CLINICAL HISTORY: Fever and cough.\nIMPRESSION: Right lower lobe pneumonia.",
     "meta": {"id": "r1"}},
    {"text": "CLINICAL HISTORY: Fever.\nIMPRESSION: No evidence of pneumonia.", "meta": {"id": "r2"}},
    {"text": "FAMILY HISTORY: Father with colon cancer.\nASSESSMENT: Hypertension.", "meta": {"id": "c1"}},
    {"text": "HPI: Cough.\nIMPRESSION: Possible pneumonia.", "meta": {"id": "c2"}},
    {"text": "HPI: Cough.\nIMPRESSION: Possible pneumonia.", "meta": {"id": "c3", "setting": "inpatient"}},
]


@pytest.fixture(scope="module")
def coded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("codes")
    src, out = tmp / "notes.jsonl", tmp / "coded.jsonl"
    src.write_text("".join(json.dumps(n) + "\n" for n in NOTES))
    assert main(["codes", str(src), "-o", str(out), "--no-progress"]) == 0
    return {r["meta"]["id"]: r for r in map(json.loads, out.read_text().splitlines())}


def confirmed(record):
    return {c["code"] for c in record["codes"] if c["status"] == "confirmed"}


def test_output_is_the_input_record_plus_codes(coded):
    for note in NOTES:
        record = coded[note["meta"]["id"]]
        assert {k: v for k, v in record.items() if k != "codes"} == note


def test_confirmed_pneumonia_takes_its_integral_symptoms(coded):
    assert confirmed(coded["r1"]) == {"J18.9"}


def test_negated_diagnosis_is_listed_but_not_confirmed(coded):
    statuses = {c["code"]: c["status"] for c in coded["r2"]["codes"]}
    assert statuses.get("J18.9") == "negated" and confirmed(coded["r2"]) == {"R50.9"}


def test_family_history_is_not_the_patients(coded):
    statuses = {c["code"]: c["status"] for c in coded["c1"]["codes"]}
    assert "family" in {statuses.get(c) for c in statuses if c.startswith("C18")}
    # the patient's own code, and the family-history code a coder adds (Z80.0, not C18)
    assert confirmed(coded["c1"]) == {"I10", "Z80.0"}


def test_outpatient_codes_the_symptom_inpatient_the_diagnosis(coded):
    assert confirmed(coded["c2"]) == {"R05.9"}
    assert "J18.9" in confirmed(coded["c3"])


def test_evidence_offsets_point_at_the_exact_words(coded):
    for record in coded.values():
        for code in record["codes"]:
            for ev in code["evidence"]:
                assert record["text"][ev["start"]:ev["end"]] == ev["text"]


def test_codes_evaluation_matches_a_hand_count():
    pred = [{"meta": {"id": "a"}, "codes": [{"code": "J18.9", "status": "confirmed"}, {"code": "R05.9", "status": "confirmed"},
                                            {"code": "I10", "status": "negated"}]},
            {"meta": {"id": "b"}, "codes": [{"code": "E11.65", "status": "confirmed"}]}]
    gold = [{"meta": {"id": "a"}, "codes": [{"code": "J18.9"}, {"code": "I10"}]},
            {"meta": {"id": "b"}, "codes": [{"code": "E11.9"}]}]
    result = evaluate_codes(pred, gold)
    # codes: tp J18.9; fp R05.9, E11.65; fn I10, E11.9 -> P 1/3, R 1/3
    assert (result["code"]["tp"], result["code"]["fp"], result["code"]["fn"]) == (1, 2, 2)
    assert result["code"]["f1"] == pytest.approx(1 / 3, abs=1e-4)
    # categories: tp J18, E11; fp R05; fn I10 -> P 2/3, R 2/3
    assert (result["category"]["tp"], result["category"]["fp"], result["category"]["fn"]) == (2, 1, 1)


def test_risks_explained_before_a_procedure_are_not_coded():
    from nlp_pipeline.processing import AnnotateProcessorFactory

    processor = AnnotateProcessorFactory()()
    out = processor.annotate_record({"text": "Risks of bleeding, infection, pain and hernia were discussed. "
                                             "Assessment: inguinal hernia.", "meta": {"id": "r"}})
    hernias = [s for s in out["spans"] if s["text"].endswith("hernia")]
    assert hernias[0]["hypothetical"] and not hernias[-1]["hypothetical"]
    assert not any(c["code"] == "R52" and c["status"] == "confirmed" for c in out["codes"])


@pytest.mark.parametrize("command", [["codes"], ["annotate"]])
def test_no_z_codes_flag(tmp_path, command):
    src = tmp_path / "n.jsonl"
    src.write_text(json.dumps({"text": "FAMILY HISTORY: Mother with breast cancer.", "meta": {"id": "f"}}) + "\n")
    got = {}
    for flag in ([], ["--no-z-codes"]):
        out = tmp_path / f"out{len(flag)}.jsonl"
        assert main([*command, str(src), "-o", str(out), "--no-progress", *flag]) == 0
        got[bool(flag)] = {c["code"] for c in json.loads(out.read_text())["codes"]}
    assert "Z80.3" in got[False] and not any(c.startswith("Z") for c in got[True])
    assert "C50.919" in got[True]  # the mention itself is still listed (status family)
