"""The clinical preset from the command line: annotate a notes CSV, lf analyze, train's weak labels."""

from __future__ import annotations

import csv
import json

from clinlabel.cli import main

NOTES = [
    ("n1", "HISTORY: 58-year-old woman with congestive heart failure and type 2 diabetes mellitus, no chest pain. "
           "Status post cholecystectomy 5 years ago.\nMEDICATIONS: Lasix 40 mg daily, metformin.\n"
           "LABS: Hemoglobin 11.2, potassium 3.9, EKG normal."),
    ("n2", "ASSESSMENT: Community-acquired pneumonia. Chest x-ray shows a right lower lobe infiltrate. "
           "Start azithromycin 500 mg. Temperature 101.2."),
]


def test_annotate_notes_csv_with_the_clinical_preset(tmp_path):
    notes = tmp_path / "notes.csv"
    with open(notes, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["note_id", "transcription"])
        w.writerows(NOTES)
    out = tmp_path / "out.jsonl"
    assert main(["--quiet", "annotate", str(notes), "--text-col", "transcription", "--id-col", "note_id",
                 "-o", str(out), "--preset", "clinical", "--no-progress"]) == 0
    recs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["meta"]["id"] for r in recs] == ["n1", "n2"]
    labels = {s["label"] for r in recs for s in r["spans"]}
    assert {"Condition", "Drug", "Procedure", "Measurement", "Value"} <= labels
    spans = {(s["text"], s["label"]): s for s in recs[0]["spans"]}
    assert spans[("chest pain", "Condition")]["negated"] is True
    assert spans[("congestive heart failure", "Condition")]["section"]
    assert any(r["label"] == "Has_value" for r in recs[0]["relations"])


def test_lf_analyze_with_the_clinical_preset(tmp_path, capsys):
    notes = tmp_path / "notes.jsonl"
    text = NOTES[1][1]
    gold = [{"start": text.index("pneumonia"), "end": text.index("pneumonia") + 9, "label": "Condition"}]
    notes.write_text(json.dumps({"text": text, "meta": {"id": "n2"}, "spans": gold}) + "\n", encoding="utf-8")
    report = tmp_path / "report.html"
    assert main(["--quiet", "lf", "analyze", str(notes), "--preset", "clinical", "--gold", str(notes),
                 "--report", str(report)]) == 0
    out = capsys.readouterr().out
    assert "icd10cm_condition" in out and "rxnorm_fda_drugs" in out
    assert report.is_file()


def test_train_weak_labels_with_the_clinical_preset():
    from clinlabel.commands.train import weak_training_records

    recs = weak_training_records([{"text": t, "meta": {"id": i}} for i, t in NOTES], preset="clinical")
    assert {s["label"] for r in recs for s in r["spans"]} >= {"Condition", "Drug", "Measurement"}
    wl = recs[0]["weak_labels"]
    assert wl["labels"][:3] == ["O", "B-Condition", "I-Condition"] and len(wl["probs"]) == len(recs[0]["tokens"])
