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


def _csv(tmp_path):
    notes = tmp_path / "notes.csv"
    with open(notes, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["note_id", "transcription"])
        w.writerows(NOTES)
    return notes


def test_the_default_pipeline_labels_what_a_clinician_would(tmp_path):
    """No preset: the clinical labels with sections, assertions and, for Condition, ICD-10-CM codes;
    no soft labels (they are training data, written with --preset / --lfs / --soft-labels)."""
    out = tmp_path / "out.jsonl"
    assert main(["--quiet", "annotate", str(_csv(tmp_path)), "--text-col", "transcription", "--id-col", "note_id",
                 "-o", str(out), "--no-progress"]) == 0
    recs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    labels = {s["label"] for r in recs for s in r["spans"]}
    assert {"Condition", "Drug", "Procedure", "Measurement"} <= labels
    spans = {(s["text"], s["label"]): s for s in recs[0]["spans"]}
    assert spans[("chest pain", "Condition")]["negated"] is True
    assert spans[("congestive heart failure", "Condition")]["code"].startswith("I50")
    codes = {c["code"]: c for c in recs[0]["codes"]}
    assert any(c.startswith("I50") for c in codes) and any(c.startswith("E11") for c in codes)
    assert all(ev["start"] < ev["end"] for c in recs[0]["codes"] for ev in c["evidence"])
    assert "weak_labels" not in recs[0]
    assert all("negated" in s for r in recs for s in r["spans"] if s["label"] == "Condition")


def test_user_lfs_are_added_to_the_clinical_ones(tmp_path, monkeypatch):
    pkg = tmp_path / "mylfs_default"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "lfs.py").write_text(
        "from labeling_functions import span_lf\n\n"
        "@span_lf(labels=['Finding'])\n"
        "def infiltrate(doc):\n"
        "    return [(t.i, t.i + 1) for t in doc if t.lower_ == 'infiltrate']\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    out, alone = tmp_path / "out.jsonl", tmp_path / "alone.jsonl"
    notes = _csv(tmp_path)
    common = ["--quiet", "annotate", str(notes), "--text-col", "transcription", "--id-col", "note_id", "--no-progress",
              "--lfs", "mylfs_default.lfs"]
    assert main([*common, "-o", str(out)]) == 0
    assert main([*common, "--no-default-lfs", "-o", str(alone)]) == 0
    both = {s["label"] for line in out.read_text().splitlines() for s in json.loads(line)["spans"]}
    only = {s["label"] for line in alone.read_text().splitlines() for s in json.loads(line)["spans"]}
    assert {"Finding", "Condition", "Drug"} <= both
    assert only == {"Finding"}
