"""FHIR R4 (R4B models) NDJSON export (issue 11): every resource is validated with fhir.resources."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from corpora.errors import StandardsError
from corpora.standards.fhir import EXT_NEGATED, EXT_TEXT_SPAN, write_fhir

TEXT = ("HPI: Patient has type 2 diabetes. No hypertension. Mother had breast cancer. "
        "History of asthma. Rule out pneumonia. If chest pain recurs, return. On metformin.")
ICD = "http://hl7.org/fhir/sid/icd-10-cm"
SCT = "http://snomed.info/sct"


def span(s: str, label: str = "PROBLEM", **kw) -> dict:
    i = TEXT.index(s)
    return {"start": i, "end": i + len(s), "label": label, "text": s, **kw}


def record(id_="note-1", **meta) -> dict:
    return {
        "text": TEXT,
        "meta": {"id": id_, **meta},
        "spans": [
            span("type 2 diabetes", code="E11.9", system="ICD-10-CM", section="hpi", score=0.9),
            span("hypertension", code="38341003", system="SNOMEDCT_US", negated=True),
            span("breast cancer", code="254837009", system="SNOMED CT", family=True),
            span("asthma", code="J45.909", system="icd10cm", historical=True),
            span("pneumonia", code="J18.9", system="ICD-10-CM", uncertain=True),
            span("chest pain", code="R07.9", system="ICD-10-CM", hypothetical=True),
            span("metformin", "DRUG", code="6809", system="RxNorm"),
            span("Patient", "PERSON"),
        ],
    }


def bundles(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def validate_all(path: Path) -> list[dict]:
    """Validate every line as a Bundle and every entry as its own resource class."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        Bundle.model_validate_json(line)
        data = json.loads(line)
        for entry in data["entry"]:
            res = entry["resource"]
            get_fhir_model_class(res["resourceType"]).model_validate(res)
        out.append(data)
    return out


def resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def by_code(bundle: dict) -> dict[str, dict]:
    out = {}
    for e in bundle["entry"]:
        res = e["resource"]
        if res["resourceType"] == "Condition":
            out[res["code"]["coding"][0]["code"]] = res
        elif res["resourceType"] == "FamilyMemberHistory":
            out[res["condition"][0]["code"]["coding"][0]["code"]] = res
    return out


def status(res: dict, field: str) -> str:
    return res[field]["coding"][0]["code"]


def offsets(ext_holder: dict) -> tuple:
    (ext,) = [e for e in ext_holder["extension"] if e["url"] == EXT_TEXT_SPAN]
    sub = {e["url"]: next(v for k, v in e.items() if k.startswith("value")) for e in ext["extension"]}
    return sub["start"], sub["end"], sub.get("text"), sub.get("section")


@pytest.fixture
def exported(tmp_path):
    out = tmp_path / "out.ndjson"
    n = write_fhir([record("note-1"), record("note-2", patient_id="p42")], out, timestamp="2026-11-23T20:00:00",
                   revalidate=True)
    assert n == 2
    return validate_all(out)


def test_one_valid_bundle_per_note_per_line(exported):
    assert len(exported) == 2
    for data, note in zip(exported, ("note-1", "note-2")):
        assert data["resourceType"] == "Bundle" and data["type"] == "collection"
        assert data["identifier"]["value"] == note
        assert data["timestamp"].startswith("2026-11-23T20:00:00")
        (doc,) = resources(data, "DocumentReference")
        assert doc["status"] == "current" and doc["identifier"][0]["value"] == note
        att = doc["content"][0]["attachment"]
        assert att["contentType"].startswith("text/plain")
        assert base64.b64decode(att["data"]).decode("utf-8") == TEXT
        full_urls = [e["fullUrl"] for e in data["entry"]]
        assert len(set(full_urls)) == len(full_urls)


def test_patient_reference_or_placeholder(exported):
    first, second = exported
    (patient,) = resources(first, "Patient")
    url = next(e["fullUrl"] for e in first["entry"] if e["resource"] is not None and e["resource"]["resourceType"] == "Patient")
    assert all(r["subject"]["reference"] == url for r in resources(first, "Condition"))
    assert resources(second, "Patient") == []
    assert all(r["subject"]["reference"] == "Patient/p42" for r in resources(second, "Condition"))
    assert all(r["patient"]["reference"] == "Patient/p42" for r in resources(second, "FamilyMemberHistory"))


@pytest.mark.parametrize(
    "code, kind, system, verification, clinical",
    [
        ("E11.9", "Condition", ICD, "confirmed", "active"),
        ("38341003", "Condition", SCT, "refuted", None),  # negated: no clinical status
        ("J45.909", "Condition", ICD, "confirmed", "inactive"),  # historical
        ("J18.9", "Condition", ICD, "provisional", "active"),  # uncertain
        ("R07.9", "Condition", ICD, "unconfirmed", "active"),  # hypothetical
        ("254837009", "FamilyMemberHistory", SCT, None, None),  # family
    ],
)
def test_each_assertion_maps_to_fhir(exported, code, kind, system, verification, clinical):
    res = by_code(exported[0])[code]
    assert res["resourceType"] == kind
    if kind == "Condition":
        assert res["code"]["coding"][0]["system"] == system
        assert status(res, "verificationStatus") == verification
        assert res["verificationStatus"]["coding"][0]["system"] == "http://terminology.hl7.org/CodeSystem/condition-ver-status"
        if clinical is None:
            assert "clinicalStatus" not in res
        else:
            assert status(res, "clinicalStatus") == clinical
            assert res["clinicalStatus"]["coding"][0]["system"] == "http://terminology.hl7.org/CodeSystem/condition-clinical"
    else:
        assert res["status"] == "completed"
        assert res["relationship"]["coding"][0]["code"] == "FAMMEMB"
        assert res["condition"][0]["code"]["coding"][0]["system"] == system
        assert "modifierExtension" not in res["condition"][0]


def test_evidence_points_at_text_offsets(exported):
    data = exported[0]
    (doc_entry,) = [e for e in data["entry"] if e["resource"]["resourceType"] == "DocumentReference"]
    conditions = resources(data, "Condition")
    assert len(conditions) == 5  # RxNorm and uncoded spans are not Conditions
    for cond in conditions:
        (ev,) = cond["evidence"]
        start, end, text, _ = offsets(ev)
        assert TEXT[start:end] == text == ev["detail"][0]["display"]
        assert ev["detail"][0]["reference"] == doc_entry["fullUrl"]
    start, end, text, section = offsets(by_code(data)["E11.9"]["evidence"][0])
    assert (TEXT[start:end], section) == ("type 2 diabetes", "hpi")
    fmh = by_code(data)["254837009"]
    start, end, text, _ = offsets(fmh["condition"][0])
    assert TEXT[start:end] == "breast cancer"


def test_negated_family_history_carries_a_modifier_extension(tmp_path):
    rec = {"text": TEXT, "meta": {"id": "1"},
           "spans": [span("breast cancer", code="254837009", system="SNOMED CT", family=True, negated=True)]}
    out = tmp_path / "o.ndjson"
    write_fhir([rec], out)
    (data,) = validate_all(out)
    (fmh,) = resources(data, "FamilyMemberHistory")
    assert fmh["condition"][0]["modifierExtension"] == [{"url": EXT_NEGATED, "valueBoolean": True}]
    assert resources(data, "Condition") == []


def test_code_suggestions_become_conditions_without_duplicates(tmp_path):
    rec = record("7")
    d = TEXT.index("type 2 diabetes")
    h = TEXT.index("History of asthma")
    m = TEXT.index("Mother had breast cancer")
    rec["codes"] = [
        {"code": "E11.9", "system": "ICD-10-CM", "description": "Type 2 diabetes mellitus without complications",
         "status": "confirmed", "score": 0.8,
         "evidence": [{"start": d, "end": d + 15, "text": "type 2 diabetes", "section": "hpi"}]},
        {"code": "Z87.09", "system": "ICD-10-CM", "description": "Personal history of other diseases of the respiratory system",
         "status": "historical", "evidence": [{"start": h, "end": h + 17, "text": "History of asthma"}]},
        {"code": "Z80.3", "system": "ICD-10-CM", "description": "Family history of malignant neoplasm of breast",
         "status": "family", "evidence": [{"start": m, "end": m + 24}]},
        {"code": "I10", "system": "ICD-10-CM", "description": "Essential (primary) hypertension", "status": "negated",
         "evidence": []},
    ]
    out = tmp_path / "o.ndjson"
    write_fhir([rec], out)
    (data,) = validate_all(out)
    codes = [c["code"]["coding"][0]["code"] for c in resources(data, "Condition")]
    assert sorted(codes) == sorted(["E11.9", "Z87.09", "I10", "38341003", "J45.909", "J18.9", "R07.9"])
    found = by_code(data)
    assert found["E11.9"]["code"]["coding"][0]["display"] == "Type 2 diabetes mellitus without complications"
    assert status(found["Z87.09"], "clinicalStatus") == "inactive"
    assert status(found["I10"], "verificationStatus") == "refuted" and "evidence" not in found["I10"]
    assert found["Z80.3"]["resourceType"] == "FamilyMemberHistory"


def test_same_code_and_assertions_share_one_condition(tmp_path):
    text = "Diabetes. Also diabetes noted."
    spans = [{"start": 0, "end": 8, "label": "P", "code": "E11.9", "system": "ICD-10-CM"},
             {"start": 15, "end": 23, "label": "P", "code": "E11.9", "system": "ICD-10-CM"}]
    out = tmp_path / "o.ndjson"
    write_fhir([{"text": text, "meta": {"id": "1"}, "spans": spans}], out)
    (data,) = validate_all(out)
    (cond,) = resources(data, "Condition")
    assert [offsets(e)[:2] for e in cond["evidence"]] == [(0, 8), (15, 23)]


def test_validation_catches_a_missing_required_element(exported):
    data = exported[0]
    cond = json.loads(json.dumps(resources(data, "Condition")[0]))
    del cond["subject"]
    with pytest.raises(ValidationError):
        get_fhir_model_class("Condition").model_validate(cond)
    fmh = json.loads(json.dumps(resources(data, "FamilyMemberHistory")[0]))
    del fmh["relationship"]
    with pytest.raises(ValidationError):
        get_fhir_model_class("FamilyMemberHistory").model_validate(fmh)
    broken = json.loads(json.dumps(data))
    del broken["entry"][1]["resource"]["status"]  # DocumentReference.status is 1..1
    with pytest.raises(ValidationError):
        Bundle.model_validate(broken)


def test_ids_are_stable_across_runs(tmp_path):
    a, b = tmp_path / "a.ndjson", tmp_path / "b.ndjson"
    write_fhir([record()], a, timestamp="2026-01-01T00:00:00")
    write_fhir([record()], b, timestamp="2026-01-01T00:00:00")
    assert a.read_text() == b.read_text()


# --- bad input --------------------------------------------------------------------------------------


def test_code_without_system_is_located_and_earlier_bundles_stay(tmp_path):
    bad = record("2")
    del bad["spans"][0]["system"]
    out = tmp_path / "o.ndjson"
    with pytest.raises(StandardsError) as err:
        write_fhir([record("1"), bad], out, source="notes.jsonl")
    assert err.value.code == "CL-STD001"
    assert str(err.value).startswith("notes.jsonl:2: note '2': span 0 has code 'E11.9' but no \"system\"")
    assert len(validate_all(out)) == 1


def test_offsets_outside_text(tmp_path):
    rec = record("1")
    rec["codes"] = [{"code": "E11.9", "system": "ICD-10-CM", "evidence": [{"start": 5, "end": 10_000}]}]
    with pytest.raises(StandardsError) as err:
        write_fhir([rec], tmp_path / "o.ndjson", source="x.jsonl")
    assert err.value.code == "CL-STD002" and err.value.line == 1 and "codes[0].evidence[0]" in err.value.what


def test_plugin_path_resolves():
    from clinlabel.plugins import EXTRA_WRITERS, load

    assert load(EXTRA_WRITERS["fhir"]) is write_fhir
