"""``clinlabel convert --to omop-note-nlp|fhir`` and ``--from omop-note-nlp`` end to end (issue 11)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from fhir.resources.R4B.bundle import Bundle

from clinlabel.cli import main

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "data" / "standards"
EXAMPLE = DATA / "example_note.jsonl"


def test_convert_to_note_nlp_with_vocabulary_and_back(tmp_path, capsys):
    out = tmp_path / "note_nlp.csv"
    code = main(["convert", str(EXAMPLE), "-o", str(out), "--to", "omop-note-nlp",
                 "--omop-vocab", str(DATA / "omop_vocab"), "--no-progress"])
    assert code == 0, capsys.readouterr().err
    with out.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["lexical_variant"] for r in rows] == ["Type 2 diabetes mellitus", "chest pain", "asthma", "breast cancer"]
    assert {r["note_id"] for r in rows} == {"17"}
    assert (rows[0]["note_nlp_source_concept_id"], rows[0]["note_nlp_concept_id"]) == ("2000000001", "2000000101")
    assert (rows[1]["term_exists"], rows[2]["term_temporal"], rows[3]["term_exists"]) == ("N", "past", "N")
    back = tmp_path / "back.jsonl"
    assert main(["convert", str(out), "-o", str(back), "--from", "omop-note-nlp", "--no-progress"]) == 0
    (rec,) = [json.loads(line) for line in back.read_text(encoding="utf-8").splitlines()]
    orig = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert rec["meta"]["id"] == "note-17"
    got = [(s["start"], s["end"], s["label"], s.get("code"), s["negated"], s["historical"], s["family"]) for s in rec["spans"]]
    want = [(s["start"], s["end"], s["label"], s.get("code"), s.get("negated", False), s.get("historical", False),
             s.get("family", False)) for s in orig["spans"]]
    assert got == want
    assert {(c["code"], c["status"]) for c in rec["codes"]} == {(c["code"], c["status"]) for c in orig["codes"]}


def test_convert_to_fhir(tmp_path, capsys):
    out = tmp_path / "bundles.ndjson"
    assert main(["convert", str(EXAMPLE), "-o", str(out), "--to", "fhir", "--no-progress"]) == 0
    (line,) = out.read_text(encoding="utf-8").splitlines()
    bundle = Bundle.model_validate_json(line)
    kinds = sorted(e.resource.get_resource_type() for e in bundle.entry)
    assert kinds == ["Condition", "Condition", "Condition", "DocumentReference", "FamilyMemberHistory", "Patient"]


def test_convert_bad_input_exits_2_with_located_message(tmp_path, capsys):
    rec = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    del rec["spans"][1]["system"]
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    assert main(["convert", str(bad), "-o", str(tmp_path / "o.csv"), "--to", "omop-note-nlp", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:1: note 'note-17': span 1 has code '29857009' but no \"system\"" in err and "[CL-STD001]" in err
    assert main(["convert", str(EXAMPLE), "-o", str(tmp_path / "o.csv"), "--to", "omop-note-nlp",
                 "--omop-vocab", str(tmp_path), "--no-progress"]) == 2
    assert "CONCEPT.csv not found" in capsys.readouterr().err
