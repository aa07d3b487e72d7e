import json

import numpy as np
import pytest
import spacy

from corpora.doc import doc_to_record
from corpora.errors import LF_PRESET, LFError
from labeling_functions import get_preset, weak_label_records
from labeling_functions.presets import PRESETS

TEXT = (
    "Lithium carbonate may cause congestive heart failure, and cocaine-induced seizures were seen "
    "in patients with hypertension (HT). HT was treated with haloperidol 5 mg."
)


@pytest.fixture(scope="module")
def bc5cdr_record():
    rec = {"text": TEXT, "meta": {"id": "t1"}, "spans": [{"start": 0, "end": 7, "label": "Gold"}]}
    return next(weak_label_records([rec], preset="bc5cdr"))


def test_presets_and_unknown_preset():
    assert PRESETS["bc5cdr"].labels == ("Chemical", "Disease")
    assert get_preset("ncbi_disease").labels == ("Disease",)
    with pytest.raises(LFError) as err:
        get_preset("nope")
    assert err.value.code == LF_PRESET and "bc5cdr" in str(err.value)


def test_weak_label_records_contract(bc5cdr_record):
    rec = bc5cdr_record
    spans = {(s["text"], s["label"]) for s in rec["spans"]}
    assert ("Gold" not in {s["label"] for s in rec["spans"]})  # input spans ignored
    for expected in [("Lithium carbonate", "Chemical"), ("congestive heart failure", "Disease"),
                     ("cocaine", "Chemical"), ("seizures", "Disease"), ("haloperidol", "Chemical"),
                     ("hypertension", "Disease"), ("HT", "Disease")]:
        assert expected in spans
    for s in rec["spans"]:
        assert TEXT[s["start"]:s["end"]] == s["text"]
        assert isinstance(s["source"], list) and s["source"] and 0 < s["score"] <= 1
    wl = rec["weak_labels"]
    assert wl["scheme"] == "BIO" and wl["labels"] == ["O", "B-Chemical", "I-Chemical", "B-Disease", "I-Disease"]
    probs = np.array(wl["probs"])
    assert probs.shape == (len(rec["tokens"]), 5)
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-6)
    # token 0 "Lithium" starts a Chemical, token 1 "carbonate" continues it
    assert probs[0].argmax() == 1 and probs[1].argmax() == 2
    assert [t["text"] for t in rec["tokens"][:2]] == ["Lithium", "carbonate"]
    json.dumps(rec)


def test_component_writes_spans_with_score_and_source(tmp_path):
    import labeling_functions.component  # noqa: F401  (registers the factory)

    nlp = spacy.blank("en")
    nlp.add_pipe("clinlabel_weak_labels", config={"preset": "ncbi_disease", "label_model": "dawid_skene"})
    comp = nlp.get_pipe("clinlabel_weak_labels")
    docs = [nlp.make_doc(t) for t in [TEXT, "Hepatitis and gastritis in patients with anemia."]]
    comp.fit(docs)
    doc = nlp(TEXT)
    rec = doc_to_record(doc)
    assert {s["label"] for s in rec["spans"]} == {"Disease"}
    assert any(s["text"] == "congestive heart failure" for s in rec["spans"])
    assert all(s["source"] and s["score"] is not None for s in rec["spans"])
    # parameters survive to_disk / from_disk as JSON
    nlp.to_disk(tmp_path / "p")
    saved = json.loads((tmp_path / "p" / "clinlabel_weak_labels" / "label_model.json").read_text())
    assert saved["label_model"] == "dawid_skene"
    nlp2 = spacy.load(tmp_path / "p") if False else spacy.blank("en")
    nlp2.add_pipe("clinlabel_weak_labels", config={"preset": "ncbi_disease", "label_model": "dawid_skene"})
    nlp2.get_pipe("clinlabel_weak_labels").from_disk(tmp_path / "p" / "clinlabel_weak_labels")
    rec2 = doc_to_record(nlp2(TEXT))
    assert [(s["start"], s["end"], s["score"]) for s in rec2["spans"]] == [(s["start"], s["end"], s["score"]) for s in rec["spans"]]


def test_weak_label_records_fits_a_label_model_on_the_records_first():
    texts = [TEXT, "Hepatitis after isoniazid.", "Gastritis and anemia after aspirin 100 mg."]
    recs = [{"text": t, "meta": {"id": str(i)}} for i, t in enumerate(texts)]
    out = list(weak_label_records(recs, preset="bc5cdr", label_model="dawid_skene", fit_docs=2))
    assert [r["meta"]["id"] for r in out] == ["0", "1", "2"]  # order kept across the fit sample
    assert ("aspirin", "Chemical") in {(s["text"], s["label"]) for s in out[2]["spans"]}
    assert all(np.allclose(np.array(r["weak_labels"]["probs"]).sum(axis=1), 1.0) for r in out)
