"""``python -m spacy train`` with a blank NER config learns from clinlabel's DocBin as it is."""

from __future__ import annotations

import subprocess
import sys

import pytest

from corpora.formats import write_corpus

pytestmark = pytest.mark.slow  # ~35 s wall on the shared 2-core machine (spaCy start-up twice)


def _records(n=40):
    out = []
    for i in range(n):
        drug = ["aspirin", "lithium", "heparin", "warfarin"][i % 4]
        disease = ["fever", "nausea", "asthma", "gout"][i % 4]
        text = f"The patient took {drug} and developed {disease} .\n\nNo other complaints ."
        s, d = text.index(drug), text.index(disease)
        out.append({"text": text, "meta": {"id": str(i)},
                    "spans": [{"start": s, "end": s + len(drug), "label": "Chemical"},
                              {"start": d, "end": d + len(disease), "label": "Disease"},
                              {"start": s, "end": d + len(disease), "label": "Episode"}]})  # overlaps both
    return out


def test_spacy_train_learns_entities_from_our_docbin(tmp_path):
    import spacy

    data = tmp_path / "train.spacy"
    write_corpus(_records(), data, "docbin", ents="Chemical,Disease")
    cfg = tmp_path / "ner.cfg"
    subprocess.run([sys.executable, "-m", "spacy", "init", "config", str(cfg), "--lang", "en", "--pipeline", "ner",
                    "--optimize", "efficiency", "--force"], check=True, capture_output=True)
    run = subprocess.run([sys.executable, "-m", "spacy", "train", str(cfg), "--paths.train", str(data),
                          "--paths.dev", str(data), "--training.max_steps", "60", "--training.eval_frequency", "30",
                          "--output", str(tmp_path / "out")], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    nlp = spacy.load(tmp_path / "out" / "model-last")
    assert set(nlp.get_pipe("ner").labels) == {"Chemical", "Disease"}
    doc = nlp("The patient took heparin and developed asthma .")
    assert ("heparin", "Chemical") in [(e.text, e.label_) for e in doc.ents]
