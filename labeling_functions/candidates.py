"""Span-level (candidate) weak supervision: candidate spans as the data points of a label model.

A token-independent label model over span votes that rarely conflict is majority vote in
disguise (``../shared/FINDINGS.md``).  Here the data points are *candidate spans* instead of
tokens: every span some LF emits (plus extra spans, e.g. the end model's or the token-level
decoding's, and boundary variants).  On each candidate, LF ``j``

* votes class ``c`` (``1..K``) when it emits exactly that span with label ``c``,
* votes ``O`` (0) when it emits a span (of any label, or an ``O`` span) that overlaps the
  candidate with other boundaries -- it says "the mention is elsewhere", or "not an entity",
* abstains (``ABSTAIN = -1``) when none of its spans touches the candidate.

So LFs that disagree about boundaries now conflict, and a label model (Snorkel's
``LabelModel``, Dawid-Skene) has something to learn.  Strongly correlated LFs (near copies:
an LF and its guideline variant) are merged into one column before fitting, so a family of
copies counts once (``merge_correlated``).  Decoding keeps the non-overlapping candidates whose
most probable class is an entity, most probable first.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from .api import ABSTAIN, OUTSIDE
from .label_model import SPAN_MODELS, label_model_from_dict, make_label_model

logger = logging.getLogger(__name__)

Votes = Mapping[str, Sequence[tuple[int, int, str]]]

#: candidates longer than this many tokens are dropped (no mention in our corpora is longer)
MAX_CANDIDATE_TOKENS = 16


def candidate_spans(votes: Votes, labels: Sequence[str], n_tokens: int, *,
                    extra: Iterable[tuple[int, int]] = (), variants: bool = False) -> list[tuple[int, int]]:
    """Distinct ``(start, end)`` candidate spans: every entity span an LF emits, ``extra`` spans and,
    with ``variants``, each base span shrunk or grown by one token at either end."""
    known = set(labels)
    base = {(s, e) for spans in votes.values() for s, e, lab in spans if lab in known and s < e}
    base |= {(int(s), int(e)) for s, e in extra if s < e}
    out = set(base)
    if variants:
        for s, e in base:
            if e - s >= 2:
                out.add((s + 1, e))
                out.add((s, e - 1))
            if s > 0:
                out.add((s - 1, e))
            if e < n_tokens:
                out.add((s, e + 1))
    return sorted(x for x in out if 0 <= x[0] < x[1] <= n_tokens and x[1] - x[0] <= MAX_CANDIDATE_TOKENS)


def candidate_matrix(cands: Sequence[tuple[int, int]], votes: Votes, lf_names: Sequence[str],
                     labels: Sequence[str], n_tokens: int) -> np.ndarray:
    """``L[i, j]``: LF ``j``'s vote on candidate ``i`` (class index, ``0`` = O, ``-1`` = abstain)."""
    index = {OUTSIDE: 0, **{label: k + 1 for k, label in enumerate(labels)}}
    L = np.full((len(cands), len(lf_names)), ABSTAIN, dtype=np.int16)
    if not cands:
        return L
    starts = np.array([s for s, _ in cands])
    ends = np.array([e for _, e in cands])
    row = {c: i for i, c in enumerate(cands)}
    for j, name in enumerate(lf_names):
        spans = [(s, e, index[lab]) for s, e, lab in votes.get(name, ()) if lab in index and s < e]
        if not spans:
            continue
        for s, e, _ in spans:  # any overlap with other boundaries: "not this span"
            hit = (starts < e) & (ends > s)
            L[hit & (L[:, j] == ABSTAIN), j] = 0
        for s, e, k in spans:  # an exact span: its label (an entity label beats an O span)
            i = row.get((s, e))
            if i is not None and (k > 0 or L[i, j] <= 0):
                L[i, j] = k
    return L


def merge_correlated(L: np.ndarray, threshold: float = 0.95) -> list[list[int]]:
    """Groups of LF columns that (nearly) copy each other: where either votes, both vote the same
    class in at least ``threshold`` of the rows.  A label model that assumes conditionally
    independent LFs over-counts such a family; each group becomes one column."""
    m = L.shape[1]
    groups: list[list[int]] = []
    assigned = [-1] * m
    active = L != ABSTAIN
    for a in range(m):
        if assigned[a] >= 0:
            continue
        assigned[a] = len(groups)
        group = [a]
        for b in range(a + 1, m):
            if assigned[b] >= 0:
                continue
            either = active[:, a] | active[:, b]
            n = int(either.sum())
            if n == 0 or not active[:, a].any() or not active[:, b].any():
                continue
            same = int(((L[:, a] == L[:, b]) & either).sum())
            if same / n >= threshold:
                assigned[b] = assigned[a]
                group.append(b)
        groups.append(group)
    return groups


def collapse(L: np.ndarray, groups: Sequence[Sequence[int]]) -> np.ndarray:
    """One column per group: the group's most frequent non-abstain vote (ties: the first LF's)."""
    out = np.full((L.shape[0], len(groups)), ABSTAIN, dtype=np.int16)
    for g, cols in enumerate(groups):
        if len(cols) == 1:
            out[:, g] = L[:, cols[0]]
            continue
        sub = L[:, cols]
        for i in range(L.shape[0]):
            vals = sub[i][sub[i] != ABSTAIN]
            if len(vals):
                counts = np.bincount(vals.astype(np.int64))
                best = np.flatnonzero(counts == counts.max())
                out[i, g] = vals[0] if vals[0] in best else int(best[0])
    return out


def select_spans(cands: Sequence[tuple[int, int]], probs: np.ndarray, *,
                 threshold: float | None = None) -> list[tuple[int, int, int, float]]:
    """Non-overlapping ``(start, end, class, score)``, best first.

    A candidate is kept when its best entity class beats ``O`` (``threshold=None``) or reaches
    ``threshold``; among overlapping kept candidates the most probable wins (longer on ties).
    """
    if not len(cands):
        return []
    ent = probs[:, 1:]
    cls = ent.argmax(axis=1) + 1
    score = ent.max(axis=1)
    keep = score >= threshold if threshold is not None else score > probs[:, 0]
    order = sorted(np.flatnonzero(keep), key=lambda i: (-score[i], -(cands[i][1] - cands[i][0]), cands[i][0]))
    taken = np.zeros(max(e for _, e in cands) + 1, dtype=bool)
    out = []
    for i in order:
        s, e = cands[i]
        if taken[s:e].any():
            continue
        taken[s:e] = True
        out.append((s, e, int(cls[i]), float(score[i])))
    return sorted(out)


@dataclass
class DocCandidates:
    """One document's candidates and their label matrix."""

    spans: list[tuple[int, int]]
    L: np.ndarray


def doc_candidates(votes: Votes, lf_names: Sequence[str], labels: Sequence[str], n_tokens: int, *,
                   extra: Iterable[tuple[int, int]] = (), variants: bool = False) -> DocCandidates:
    spans = candidate_spans(votes, labels, n_tokens, extra=extra, variants=variants)
    return DocCandidates(spans, candidate_matrix(spans, votes, lf_names, labels, n_tokens))


class SpanLabelModel:
    """A label model over candidate spans: ``fit(list of candidate matrices)``, ``predict_doc``.

    ``base`` is a token-agnostic label model name of :mod:`labeling_functions.label_model`
    (``majority``, ``snorkel``, ``dawid_skene``); correlated LF families are merged first.
    Saved as JSON (``to_dict``) like every label model.
    """

    def __init__(self, cardinality: int, n_lfs: int, *, base: str = "snorkel", seed: int = 0,
                 correlation_threshold: float = 0.95, **kwargs: Any) -> None:
        self.k = cardinality
        self.m = n_lfs
        self.base = base
        self.seed = seed
        self.correlation_threshold = correlation_threshold
        self.kwargs = kwargs
        self.groups: list[list[int]] = [[j] for j in range(n_lfs)]
        self.model = make_label_model(base, cardinality, n_lfs, seed=seed, **kwargs)
        self.fitted = base == "majority"
        if self.fitted:
            self.model.fitted = True

    @property
    def name(self) -> str:
        return f"span_{self.base}"

    def fit(self, matrices: Sequence[np.ndarray]) -> "SpanLabelModel":
        L = np.concatenate([np.asarray(x) for x in matrices], axis=0) if len(matrices) else np.zeros((0, self.m))
        self.groups = merge_correlated(L, self.correlation_threshold) if len(L) else [[j] for j in range(self.m)]
        base = self.base
        if base == "snorkel" and len(self.groups) < 3:  # Snorkel's LabelModel needs 3 independent LFs
            logger.info("fewer than 3 independent LF columns: majority vote instead of Snorkel")
            base = "majority"
        self.model = make_label_model(base, self.k, len(self.groups), seed=self.seed,
                                      **(self.kwargs if base == self.base else {}))
        if base != "majority":
            self.model.fit([_entity_rows(collapse(L, self.groups))])
        self.model.fitted = True
        self.fitted = True
        return self

    def predict_proba(self, L: np.ndarray) -> np.ndarray:
        """Class probabilities per candidate; a candidate no LF votes an entity on is O."""
        C = collapse(np.asarray(L), self.groups)
        out = np.zeros((C.shape[0], self.k))
        out[:, 0] = 1.0
        voted = (C >= 1).any(axis=1)
        if voted.any():
            out[voted] = self.model._predict_covered(C[voted])
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"label_model": self.name, "cardinality": self.k, "n_lfs": self.m, "seed": self.seed,
                "params": {"groups": self.groups, "base": self.model.to_dict(),
                           "correlation_threshold": self.correlation_threshold}}

    def load_params(self, params: Mapping[str, Any]) -> None:
        self.groups = [list(map(int, g)) for g in params["groups"]]
        self.correlation_threshold = float(params.get("correlation_threshold", self.correlation_threshold))
        self.model = label_model_from_dict(params["base"])
        self.fitted = True


def _entity_rows(L: np.ndarray) -> np.ndarray:
    return L[(L >= 1).any(axis=1)] if len(L) else L




def make_span_label_model(name: str, cardinality: int, n_lfs: int, **kwargs: Any) -> SpanLabelModel:
    return SpanLabelModel(cardinality, n_lfs, base=name[len("span_"):], **kwargs)


__all__ = ["candidate_spans", "candidate_matrix", "merge_correlated", "collapse", "select_spans",
           "doc_candidates", "DocCandidates", "SpanLabelModel", "SPAN_MODELS", "make_span_label_model"]
