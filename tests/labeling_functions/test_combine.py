"""Gold-informed aggregation and the span-level label model, on synthetic data with known answers.

* A bad LF that majority vote trusts (two copies of it outvote nothing, they add false spans) is
  revealed by gold documents: the learnt combination drops its spans and beats LF-only.
* Snorkel's LabelModel over candidate spans beats majority vote when a family of correlated LFs
  (near copies of one noisy rule) would outvote the accurate ones.
"""

from __future__ import annotations

import json
import random

import numpy as np
import pytest

from labeling_functions.candidates import (
    candidate_matrix, candidate_spans, collapse, make_span_label_model, merge_correlated, select_spans,
)
from labeling_functions.combine import Combiner, DocInput, fit_combiner

WORDS = ["the", "patient", "had", "a", "history", "of", "and", "was", "given", "after", "with", "."]
ENTS = ["asthma", "anemia", "gout", "sepsis", "lupus"]
TRAPS = ["history", "patient"]  # the bad LF tags these as Disease


def _doc(rng: random.Random):
    words, gold = [], set()
    for _ in range(rng.randint(8, 14)):
        if rng.random() < 0.25:
            gold.add((len(words), len(words) + 1, "Disease"))
            words.append(rng.choice(ENTS))
        else:
            words.append(rng.choice(WORDS))
    good = [(s, e, "Disease") for s, e, _ in gold if rng.random() < 0.9]
    bad = [(i, i + 1, "Disease") for i, w in enumerate(words) if w in TRAPS]
    bad += [(s, e, "Disease") for s, e, _ in gold if rng.random() < 0.5]
    votes = {"good": good, "bad_a": bad, "noise": [(s, e, "Disease") for s, e, _ in gold if rng.random() < 0.3]}
    return DocInput(words, votes), gold


def _f1(combiner, docs, golds):
    pred = {(i, s, e, combiner.labels[c - 1]) for i, d in enumerate(docs) for s, e, c, _ in combiner.spans(d)}
    gold = {(i, *g) for i, gs in enumerate(golds) for g in gs}
    tp = len(pred & gold)
    return 2 * tp / (len(pred) + len(gold))


def test_gold_reveals_a_bad_lf_and_the_combination_learns_from_it():
    rng = random.Random(0)
    train = [_doc(rng) for _ in range(60)]
    test = [_doc(rng) for _ in range(200)]
    names, labels = ["good", "bad_a", "noise"], ["Disease"]
    combiner = fit_combiner([d for d, _ in train], [g for _, g in train], names, labels, folds=4,
                            word_options=(False,))
    assert combiner.mode == "learned", combiner.report
    lf_only = Combiner(names, labels, mode="lf")
    learned_f1, lf_f1 = _f1(combiner, *zip(*test)), _f1(lf_only, *zip(*test))
    assert learned_f1 > lf_f1 + 0.1, (learned_f1, lf_f1)
    # the weight of "bad_a voted exactly this span" is far below the good LF's
    names_ = combiner.space.dense_names
    w = combiner.weights[0]
    assert w[names_.index("exact:bad_a")] < w[names_.index("exact:good")] - 1.0
    # JSON round trip predicts the same
    again = Combiner.from_dict(json.loads(json.dumps(combiner.to_dict())))
    assert [again.spans(d) for d, _ in test[:20]] == [combiner.spans(d) for d, _ in test[:20]]


def test_without_a_useful_signal_the_combination_falls_back_to_the_lfs():
    """Gold that agrees with the LFs everywhere: nothing to learn, the LF output is kept."""
    rng = random.Random(1)
    docs = []
    for _ in range(12):
        d, _ = _doc(rng)
        gold = {(s, e, lab) for s, e, lab in d.votes["good"]}
        docs.append((DocInput(d.words, {"good": d.votes["good"]}), gold))
    combiner = fit_combiner([d for d, _ in docs], [g for _, g in docs], ["good"], ["Disease"], folds=3,
                            word_options=(False,))
    assert combiner.mode == "lf", combiner.report
    assert combiner.report["cv_f1_lf"] == 1.0


def test_candidates_votes_and_selection():
    votes = {"a": [(1, 3, "Disease")], "b": [(2, 3, "Disease")], "neg": [(0, 1, "O")], "c": [(1, 3, "Chemical")]}
    labels = ["Chemical", "Disease"]
    cands = candidate_spans(votes, labels, 5, variants=True)
    assert (1, 3) in cands and (2, 3) in cands and (0, 3) in cands and (1, 4) in cands
    L = candidate_matrix([(1, 3), (2, 3), (0, 1)], votes, ["a", "b", "neg", "c"], labels, 5)
    # exact -> its class (an O span: O); overlap with other boundaries -> O; untouched -> abstain
    assert L.tolist() == [[2, 0, -1, 1], [0, 2, -1, 0], [-1, -1, 0, -1]]
    probs = np.array([[0.2, 0.0, 0.8], [0.3, 0.0, 0.7], [1.0, 0.0, 0.0]])
    assert select_spans([(1, 3), (2, 3), (0, 1)], probs) == [(1, 3, 2, pytest.approx(0.8))]


def _correlated_matrix(n=6000, seed=0):
    """Binary task (0 = O, 1 = entity) over candidates; 2 accurate independent LFs and a family of 4
    near-identical copies of one noisy rule (they fire together and err together)."""
    rng = np.random.default_rng(seed)
    y = rng.choice(2, size=n, p=[0.5, 0.5])
    L = np.full((n, 6), -1, dtype=np.int16)
    for j, acc in ((0, 0.9), (1, 0.85)):
        fire = rng.random(n) < 0.7
        right = rng.random(n) < acc
        L[fire, j] = np.where(right[fire], y[fire], 1 - y[fire])
    fire = rng.random(n) < 0.9
    right = rng.random(n) < 0.6
    noisy = np.where(right, y, 1 - y)
    for j in range(2, 6):
        copy = noisy.copy()
        flip = rng.random(n) < 0.01
        copy[flip] = 1 - copy[flip]
        L[fire, j] = copy[fire]
    return L, y


def test_span_level_snorkel_beats_majority_vote_with_correlated_lfs():
    L, y = _correlated_matrix()
    groups = merge_correlated(L)
    assert sorted(map(sorted, groups)) == [[0], [1], [2, 3, 4, 5]]
    assert collapse(L, groups).shape[1] == 3
    snorkel = make_span_label_model("span_snorkel", 2, 6, n_epochs=100).fit([L])
    majority = make_span_label_model("span_majority", 2, 6)
    covered = (L >= 1).any(axis=1)
    mv_plain = np.zeros(len(L), dtype=int)  # majority vote over all six columns, the copies counted four times
    counts = np.stack([(L == c).sum(axis=1) for c in (0, 1)], axis=1)
    mv_plain = counts.argmax(axis=1)
    sn = snorkel.predict_proba(L).argmax(axis=1)
    acc_sn = (sn[covered] == y[covered]).mean()
    acc_mv = (mv_plain[covered] == y[covered]).mean()
    assert acc_sn > acc_mv + 0.05, (acc_sn, acc_mv)
    # the span-level majority model merges the copies too; snorkel still learns the accuracies
    acc_smv = (majority.fit([L]).predict_proba(L).argmax(axis=1)[covered] == y[covered]).mean()
    assert acc_sn >= acc_smv - 0.01
    again = make_span_label_model("span_snorkel", 2, 6)
    again.load_params(json.loads(json.dumps(snorkel.to_dict()))["params"])
    assert np.allclose(again.predict_proba(L[:100]), snorkel.predict_proba(L[:100]))


def test_weak_labeler_with_a_span_level_label_model():
    import spacy

    from labeling_functions.api import LFSet, span_lf
    from labeling_functions.weak import WeakLabeler

    @span_lf(labels=["Disease"])
    def short(doc):
        return [(t.i, t.i + 1) for t in doc if t.lower_ == "asthma"]

    @span_lf(labels=["Disease"])
    def long_(doc):
        return [(t.i - 1, t.i + 1) for t in doc if t.lower_ == "asthma" and t.i > 0]

    @span_lf(labels=["Disease"])
    def after_severe(doc):
        return [(t.i, t.i + 1) for t in doc if t.lower_ == "asthma" and t.i > 0 and doc[t.i - 1].lower_ == "severe"]

    nlp = spacy.blank("en")
    docs = [nlp.make_doc(f"the patient had severe asthma and {w} asthma .") for w in ("mild", "acute", "no")]
    lfs = [short, long_, after_severe]
    labeler = WeakLabeler(LFSet(lfs), label_model="span_snorkel")
    labeler.fit(docs)
    spans, bio, _ = labeler.label(docs[0])
    assert [(s, e, lab) for s, e, lab, _, _ in spans] and all(lab == "Disease" for _, _, lab, _, _ in spans)
    assert np.allclose(bio.sum(axis=1), 1.0)
    state = json.loads(json.dumps(labeler.state()))
    again = WeakLabeler(LFSet(lfs), label_model="span_snorkel")
    again.load_state(state)
    got = again.label(docs[0])[0]
    assert [(s, e, lab, src) for s, e, lab, _, src in got] == [(s, e, lab, src) for s, e, lab, _, src in spans]
    assert [x[3] for x in got] == pytest.approx([x[3] for x in spans])


def test_word_features_handle_a_gold_document_without_any_candidate():
    """A document no LF votes on has no candidate rows: with word features its (empty) matrix must
    still have the full width, or stacking the folds fails (Chia: short criteria files)."""
    rng = random.Random(2)
    docs = [_doc(rng) for _ in range(20)]
    docs += [(DocInput(["the", "patient", "."], {"good": [], "bad_a": [], "noise": []}), set())] * 3
    combiner = fit_combiner([d for d, _ in docs], [g for _, g in docs], ["good", "bad_a", "noise"], ["Disease"],
                            folds=4, word_options=(True,))
    from labeling_functions.combine import FeatureSpace

    space = FeatureSpace(["good", "bad_a", "noise"], ["Disease"], words=True)
    empty = docs[-1][0]
    space_width = space.featurize(empty, space.prepare(empty)).shape
    assert space_width == (0, space.size)
    assert combiner.mode in ("learned", "lf")


def test_cross_fitted_refinement_predicts_each_gold_document_with_a_model_that_never_saw_it(tmp_path):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "nlp_pipeline" / "end_model"))
    from end_model_support import TINY, build_tiny_backbone, make_weak_record

    from labeling_functions.gold import cross_fitted_refinement
    from nlp_pipeline.end_model import EndModelConfig, load_end_model, train_end_model

    backbone = build_tiny_backbone(tmp_path / "bert")
    rng = random.Random(4)
    weak = [make_weak_record(i, rng) for i in range(8)]
    model_dir = train_end_model(weak, EndModelConfig(backbone=str(backbone), **{**TINY, "epochs": 2, "gold_epochs": 1}),
                                output_dir=tmp_path / "weak")
    gold = []
    for i in range(6):
        r = make_weak_record(100 + i, rng)
        toks = r["tokens"]
        spans = [{"start": toks[k]["start"], "end": toks[k]["end"], "label": t[2:]}
                 for k, t in enumerate(r["_gold_tags"]) if t.startswith("B-")]
        gold.append({"text": r["text"], "meta": r["meta"], "spans": spans})
    words = [r["text"].split(" ") for r in gold]
    probs = cross_fitted_refinement(model_dir, gold, words, ["Chemical", "Disease"], work_dir=tmp_path / "cf", folds=3,
                                    final_dir=tmp_path / "final")
    assert [p.shape for p in probs] == [(len(w), 5) for w in words]
    assert all(np.allclose(p.sum(axis=1), 1.0) for p in probs)
    counts = sorted(load_end_model(tmp_path / "cf" / f"fold{f}").info["gold_docs"] for f in range(3))
    assert counts == [4, 4, 4]  # each fold model was refined on the other two folds' documents only
    assert load_end_model(tmp_path / "final").info["gold_docs"] == 6


@pytest.mark.parametrize("guard,mode", [(None, "learned"), (0.0, "learned"), (1.01, "lf")])
def test_the_bootstrap_guard_decides_between_the_learnt_combination_and_the_best_rule(guard, mode):
    """The guard is a parameter (benchmarks score what it turned down): an unreachable share keeps
    the best rule although the learnt combination wins in cross-validation."""
    rng = random.Random(0)
    train = [_doc(rng) for _ in range(60)]
    combiner = fit_combiner([d for d, _ in train], [g for _, g in train], ["good", "bad_a", "noise"], ["Disease"],
                            folds=4, word_options=(False,), min_bootstrap_wins=guard)
    assert combiner.mode == mode, combiner.report
    assert combiner.report["cv_f1_learned"] > combiner.report["cv_f1_lf"]
    assert ("101%" in combiner.report["chosen"]) is (guard == 1.01)


def test_the_combiner_input_cache_holds_note_text_and_is_private(tmp_path):
    import os
    import stat

    from labeling_functions.api import LFSet, span_lf
    from labeling_functions.gold import doc_inputs
    from labeling_functions.weak import WeakLabeler

    @span_lf(labels=["Disease"])
    def asthma(doc):
        return [(t.i, t.i + 1) for t in doc if t.lower_ == "asthma"]

    labeler = WeakLabeler(LFSet([asthma]), label_model="majority")
    records = [{"text": "Jane Roe has asthma ."}, {"text": "no asthma today ."}]
    cache = tmp_path / "inputs.json"
    cache.write_text("{}", encoding="utf-8")
    os.chmod(cache, 0o644)  # an old, wider file is replaced, not reused with its mode
    inputs, lf_names, labels = doc_inputs(records, labeler=labeler, cache=cache)
    assert stat.S_IMODE(os.stat(cache).st_mode) == 0o600
    assert "Jane" in cache.read_text(encoding="utf-8")  # why it must be private
    again, _, _ = doc_inputs(records, labeler=labeler, cache=cache)
    assert [d.words for d in again] == [d.words for d in inputs]
    assert [dict(d.votes) for d in again] == [{k: list(v) for k, v in d.votes.items()} for d in inputs]
