"""Relation weak supervision: relation LFs vote on candidate pairs, a label model aggregates.

The general machinery: a relation LF (``@relation_lf``) takes one candidate (any object: a pair of
mentions with their document) and returns :data:`POSITIVE`, :data:`NEGATIVE` or :data:`ABSTAIN`;
:func:`relation_matrix` builds the candidate matrix (rows = candidates, columns = LFs),
:func:`fit_relation_model` fits Snorkel's ``LabelModel`` on it (cardinality 2; ``majority`` needs no
fitting) and :func:`relation_probs` gives P(positive) per candidate.  What a candidate is and how
accepted pairs are written belong to the preset that defines the relation: BioCreative V's
chemical-induced disease (CID) relation is in :mod:`labeling_functions.presets.bc5cdr`.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from .api import ABSTAIN, LFSet

__all__ = ["ABSTAIN", "POSITIVE", "NEGATIVE", "relation_matrix", "fit_relation_model", "relation_probs",
           "text_between", "sentence_nlp"]

#: the two classes of a binary relation
POSITIVE, NEGATIVE = 1, 0


def text_between(doc, a, b) -> str:
    """The lower-cased text between two spans of ``doc`` (in either order)."""
    lo, hi = (a, b) if a.start < b.start else (b, a)
    return doc[lo.end : hi.start].text.lower()


_SENT_NLP = None


def sentence_nlp():
    """A blank English pipeline with a sentencizer (built once per process)."""
    global _SENT_NLP
    if _SENT_NLP is None:
        import spacy

        _SENT_NLP = spacy.blank("en")
        _SENT_NLP.add_pipe("sentencizer")
    return _SENT_NLP


def relation_matrix(cands: Sequence, lfset: LFSet) -> np.ndarray:
    """The candidate matrix: one row per candidate, one column per relation LF of ``lfset`` (``ABSTAIN = -1``)."""
    lfs = lfset.of_kind("relation")
    L = np.full((len(cands), len(lfs)), ABSTAIN, dtype=np.int16)
    for i, c in enumerate(cands):
        for j, lf in enumerate(lfs):
            v = lf.func(c, **lfset.kwargs_for(lf))
            L[i, j] = ABSTAIN if v is None else int(v)
    return L


def fit_relation_model(L: np.ndarray, label_model: str = "snorkel", seed: int = 0):
    """Snorkel's ``LabelModel`` (cardinality 2) fit on ``L``; ``None`` for ``majority``."""
    from snorkel.labeling.model import LabelModel as _SnorkelLM

    if label_model == "majority":
        return None
    lm = _SnorkelLM(cardinality=2, verbose=False)
    lm.fit(L.astype(int), n_epochs=300, seed=seed, progress_bar=False)
    return lm


def relation_probs(L: np.ndarray, model) -> np.ndarray:
    """P(POSITIVE) per candidate; majority vote when ``model`` is None (ties and no votes -> 0.5 / 0)."""
    if model is None:
        pos = (L == POSITIVE).sum(axis=1)
        neg = (L == NEGATIVE).sum(axis=1)
        tot = pos + neg
        return np.where(tot > 0, np.where(pos > neg, 1.0, np.where(pos == neg, 0.5, 0.0)), 0.0)
    p = model.predict_proba(L.astype(int))[:, 1]
    p[(L == ABSTAIN).all(axis=1)] = 0.0
    return p
