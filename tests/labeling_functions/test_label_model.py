"""Label models: recover known LF accuracies on a synthetic matrix, beat majority vote, and
beat majority vote on the real WISER LF outputs (valid split)."""

import json
from pathlib import Path

import numpy as np
import pytest

from labeling_functions.aggregate import decode, span_prf
from labeling_functions.label_model import label_model_from_dict, make_label_model
from labeling_functions.matrix import token_matrix

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "wiser_weak_labels"


def _synthetic(n=20000, seed=0):
    """3 classes (0 = O), 6 conditionally independent LFs with known accuracies and coverages."""
    rng = np.random.default_rng(seed)
    y = rng.choice(3, size=n, p=[0.5, 0.3, 0.2])
    acc = np.array([0.95, 0.9, 0.8, 0.65, 0.55, 0.5])
    cov = np.array([0.5, 0.6, 0.7, 0.8, 0.9, 0.9])
    L = np.full((n, len(acc)), -1)
    for j in range(len(acc)):
        voted = rng.random(n) < cov[j]
        right = rng.random(n) < acc[j]
        wrong = (y + rng.integers(1, 3, size=n)) % 3
        L[voted, j] = np.where(right[voted], y[voted], wrong[voted])
    return L, y, acc


def test_dawid_skene_recovers_accuracies_and_beats_majority_vote():
    L, y, acc = _synthetic()
    # every row must count as "covered": give the synthetic O class a real vote (class 0 is voted)
    lm = make_label_model("dawid_skene", 3, L.shape[1]).fit([L])
    est = lm.lf_accuracies()
    assert np.abs(est - acc).max() < 0.05, est
    covered = (L >= 1).any(axis=1)
    mv = make_label_model("majority", 3, L.shape[1]).predict_proba(L).argmax(axis=1)
    ds = lm.predict_proba(L).argmax(axis=1)
    mv_acc, ds_acc = (mv[covered] == y[covered]).mean(), (ds[covered] == y[covered]).mean()
    assert ds_acc > mv_acc + 0.02, (ds_acc, mv_acc)
    # saved as JSON and reloaded, the model predicts the same
    again = label_model_from_dict(json.loads(json.dumps(lm.to_dict())))
    assert np.allclose(again.predict_proba(L[:500]), lm.predict_proba(L[:500]))


def test_snorkel_recovers_accuracy_order():
    L, y, acc = _synthetic(n=1000, seed=1)
    lm = make_label_model("snorkel", 3, L.shape[1], n_epochs=30).fit([L])
    covered = (L >= 1).any(axis=1)
    pred = lm.predict_proba(L).argmax(axis=1)
    mv = make_label_model("majority", 3, L.shape[1]).predict_proba(L).argmax(axis=1)
    assert (pred[covered] == y[covered]).mean() >= (mv[covered] == y[covered]).mean()


def test_uncovered_tokens_are_o():
    L = np.array([[-1, -1], [1, -1], [0, -1]])
    for name in ("majority", "dawid_skene"):
        lm = make_label_model(name, 2, 2).fit([L])
        p = lm.predict_proba(L)
        assert p[0].tolist() == [1.0, 0.0]
        assert np.allclose(p.sum(axis=1), 1)


@pytest.mark.skipif(not DATA.is_dir(), reason="../shared/data/wiser_weak_labels not present")
def test_label_model_beats_majority_vote_on_wiser_bc5cdr_valid():
    """All 30 WISER LFs on the BC5CDR valid split, B/I merged per type, uncovered tokens = abstain."""
    meta = json.loads((DATA / "BC5CDR" / "meta.json").read_text())
    docs = json.loads((DATA / "BC5CDR" / "valid.json").read_text())
    names, labels = meta["lf"], meta["entity_types"]
    mats, gold = [], set()
    for key, doc in docs.items():
        votes = {names[j]: [tuple(s) for s in doc["weak_labels"][j]] for j in range(len(names))}
        mats.append(token_matrix(votes, names, labels, len(doc["data"]["text"])))
        gold |= {(key, s, e, lab) for s, e, lab in doc["label"]}

    def score(model):
        pred = set()
        for key, tm in zip(docs, mats):
            for s, e, c, _ in decode(model.predict_doc(tm.L), tm):
                pred.add((key, s, e, labels[c - 1]))
        return span_prf(pred, gold)

    mv = score(make_label_model("majority", 3, len(names)))
    ds = score(make_label_model("dawid_skene", 3, len(names)).fit([m.L for m in mats]))
    assert mv["f1"] > 0.84  # FINDINGS.md: majority vote about 0.85 on this split
    assert ds["f1"] > mv["f1"], (ds, mv)
    assert ds["tp"] > mv["tp"]
