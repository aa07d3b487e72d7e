import random
import subprocess
import sys

import pytest
import spacy

from end_model_support import make_weak_record
from corpora.doc import SPAN_KEY, doc_to_record, record_to_doc
from corpora.errors import ModelError
from nlp_pipeline.end_model import load_end_model
from nlp_pipeline.end_model import component  # noqa: F401  (registers the factory)


def test_factory_module_imports_cheaply():
    # spaCy (through thinc) may import torch itself; the factory module must add no heavy library
    code = ("import sys, spacy; before = set(sys.modules); import nlp_pipeline.end_model.component; "
            "new = set(sys.modules) - before; "
            "print(sorted({m.split('.')[0] for m in new} & {'torch', 'transformers', 'datasets', 'pandas', 'tokenizers'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_component_writes_the_same_spans_as_predict(trained_model_dir, tmp_path):
    nlp = spacy.blank("en")
    nlp.add_pipe("clinlabel_end_model", config={"model_dir": str(trained_model_dir), "batch_size": 2})
    records = [make_weak_record(200 + i, random.Random(i)) for i in range(5)]
    expected = load_end_model(trained_model_dir).predict(records)
    docs = list(nlp.pipe(record_to_doc({"text": r["text"], "meta": r["meta"]}, nlp) for r in records))
    for doc, exp in zip(docs, expected):
        got = doc_to_record(doc)["spans"]
        assert [(s["start"], s["end"], s["label"]) for s in got] == \
               [(s["start"], s["end"], s["label"]) for s in exp["spans"]]
        assert all(s["source"] == "clinlabel_end_model" and s["score"] > 0 for s in got)
    # to_disk copies the model; the reloaded pipeline predicts the same spans
    nlp.to_disk(tmp_path / "pipe")
    nlp2 = spacy.load(tmp_path / "pipe")
    doc = nlp2(nlp2.make_doc(records[0]["text"]))
    assert [(s.start_char, s.end_char, s.label_) for s in doc.spans[SPAN_KEY]] == \
           [(s["start"], s["end"], s["label"]) for s in expected[0]["spans"]]


def test_bad_model_dir_fails_when_the_pipeline_is_built(tmp_path):
    nlp = spacy.blank("en")
    with pytest.raises(ModelError) as info:
        nlp.add_pipe("clinlabel_end_model", config={"model_dir": str(tmp_path / "missing")})
    assert str(tmp_path / "missing") in str(info.value)


def test_model_votes_hook(trained_model_dir):
    from nlp_pipeline.end_model import model_span_votes

    voter = model_span_votes(trained_model_dir, min_score=0.0)
    nlp = spacy.blank("en")
    rec = make_weak_record(300, random.Random(1))
    doc = nlp.make_doc(rec["text"])
    votes = voter(doc)
    spans = load_end_model(trained_model_dir).predict([{"text": rec["text"], "meta": rec["meta"]}])[0]["spans"]
    assert votes == [(s["token_start"], s["token_end"] + 1, s["label"]) for s in spans]
    assert model_span_votes(trained_model_dir, min_score=1.0)(doc) == []
    assert voter.many([doc, doc]) == [votes, votes]
