"""docs/writing_lfs.md: the worked example runs as written, next to the clinical preset."""

from __future__ import annotations

import json
import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "writing_lfs.md"


def _example() -> str:
    text = DOC.read_text(encoding="utf-8")
    m = re.search(r"<!-- example: notes_lfs.py -->\n```python\n(.*?)```", text, re.S)
    assert m, "the worked example is missing from docs/writing_lfs.md"
    return m.group(1)


def test_the_worked_example_runs_next_to_the_clinical_preset(tmp_path, monkeypatch):
    from clinlabel.cli import main

    pkg = tmp_path / "docs_example_pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "notes_lfs.py").write_text(_example(), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    note = ("MEDICATIONS: Lisinopril 10 mg daily, Tdap given today.\n"
            "FAMILY HISTORY: Mother had breast cancer.\n"
            "ASSESSMENT: Hypertension, no chest pain.")
    notes = tmp_path / "notes.jsonl"
    notes.write_text(json.dumps({"text": note, "meta": {"id": "n1"}}) + "\n", encoding="utf-8")
    out, both = tmp_path / "out.jsonl", tmp_path / "both.jsonl"
    common = ["--quiet", "annotate", str(notes), "--lfs", "docs_example_pkg.notes_lfs", "--no-progress"]
    assert main([*common, "--no-default-lfs", "-o", str(out)]) == 0
    rec = json.loads(out.read_text(encoding="utf-8"))
    spans = {(s["text"], s["label"]) for s in rec["spans"]}
    assert spans == {("Tdap", "Drug"), ("Lisinopril", "Drug"), ("breast cancer", "FamilyCondition")}
    # next to the clinical preset: the labels add up where they do not compete
    assert main([*common, "-o", str(both)]) == 0
    rec = json.loads(both.read_text(encoding="utf-8"))
    labels = {s["label"] for s in rec["spans"]}
    assert {"Drug", "Condition"} <= labels
    assert any(s["label"] == "Drug" and "Tdap" in s["text"] for s in rec["spans"])


def test_every_module_the_page_names_exists():
    import importlib

    modules = set(re.findall(r"`(labeling_functions(?:\.\w+)+|ontologies\.\w+)`", DOC.read_text(encoding="utf-8")))
    assert len(modules) >= 8
    for name in modules:
        importlib.import_module(name)
