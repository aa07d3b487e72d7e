"""Clinical relation LFs: ``Has_value`` (Measurement or Drug -> Value) and ``Has_temporal``
(Condition, Drug, Procedure or Measurement -> Temporal), as OMOP-style criteria and notes write them.

A candidate is one (head mention, child mention) pair of one sentence or line, at most
``MAX_GAP`` tokens apart.  Relation LFs vote ``1`` (related), ``0`` (not related) or
:data:`~labeling_functions.api.ABSTAIN`; the votes form a candidate matrix (rows = pairs, columns
= LFs) that a label model aggregates (majority vote by default: :func:`relation_probs` of
:mod:`labeling_functions.relations`).  Accepted pairs become Prodigy relations::

    {"head": 3, "child": 6, "label": "Has_value",
     "head_span": {"start": 10, "end": 16, "token_start": 2, "token_end": 3, "label": "Measurement"},
     "child_span": {...}, "score": 1.0, "source": ["value_right_after", ...]}

``head`` and ``child`` are the token indices of the last token of each span (as the CID relations do).

    relations = relate(doc, [(start, end, label), ...])      # token spans of the mentions
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import numpy as np

from ..api import ABSTAIN, LFSet, relation_lf

RELATED, NOT_RELATED = 1, 0
#: relation label -> (head labels, child label)
RELATION_TYPES: dict[str, tuple[frozenset[str], str]] = {
    "Has_value": (frozenset({"Measurement", "Drug"}), "Value"),
    "Has_temporal": (frozenset({"Condition", "Drug", "Procedure", "Measurement"}), "Temporal"),
}
MAX_GAP = 12
#: words that may stand between a measurement and its value ("creatinine of 2.0", "HbA1c: 7%", "BMI is 30")
VALUE_LINKS = frozenset(":= of is was were are be must should level levels value values ( ) - result results "
                        "at reading measured count concentration".split())
#: words that may stand between a mention and its time ("stroke within 6 months", "surgery in the past year")
TIME_LINKS = frozenset(", ( ) - that which who was were has have had been is are diagnosed occurring occurred "
                       "performed done started taken use used treatment therapy".split())
_BOUNDARY = frozenset({".", ";", "\n", "|"})


@dataclass
class Candidate:
    """One (head, child) pair; ``mentions`` are all mention spans of the document, in text order."""

    doc: Any
    head: tuple[int, int, str]
    child: tuple[int, int, str]
    label: str
    mentions: list[tuple[int, int, str]] = field(default_factory=list)

    @property
    def child_after(self) -> bool:
        return self.child[0] >= self.head[1]

    def between(self) -> tuple[int, int]:
        """Token range strictly between the two spans."""
        if self.child_after:
            return self.head[1], self.child[0]
        return self.child[1], self.head[0]

    def between_words(self) -> list[str]:
        a, b = self.between()
        return [self.doc[i].lower_ for i in range(a, b) if not self.doc[i].is_space]

    def gap(self) -> int:
        return len(self.between_words())

    def mentions_between(self, labels: Iterable[str]) -> list[tuple[int, int, str]]:
        """Mentions of ``labels`` between the two, except one in brackets right after the first
        (the head's own abbreviation: "acute coronary syndrome (ACS) within 3 months")."""
        a, b = self.between()
        labels = frozenset(labels)
        doc = self.doc
        return [m for m in self.mentions if m[2] in labels and a <= m[0] and m[1] <= b
                and not (m[0] == a + 1 and doc[a].text in "([" and m[1] < len(doc) and doc[m[1]].text in ")]")]

    def heads(self) -> frozenset[str]:
        return RELATION_TYPES[self.label][0]


def _crosses_boundary(doc, a: int, b: int) -> bool:
    for i in range(a, b):
        t = doc[i].text
        if t in _BOUNDARY or "\n" in t:
            return True
    return False


def candidates(doc, mentions: Sequence[tuple[int, int, str]], *, max_gap: int = MAX_GAP) -> list[Candidate]:
    """Every (head, child) pair of each relation type within ``max_gap`` tokens, not across a
    sentence end, a semicolon or a line break."""
    mentions = sorted(set(mentions))
    out = []
    for label, (heads, child_label) in RELATION_TYPES.items():
        children = [m for m in mentions if m[2] == child_label]
        for h in (m for m in mentions if m[2] in heads):
            for c in children:
                if c[0] < h[1] and h[0] < c[1]:
                    continue
                a, b = (h[1], c[0]) if c[0] >= h[1] else (c[1], h[0])
                if b - a > max_gap or _crosses_boundary(doc, a, b):
                    continue
                out.append(Candidate(doc, h, c, label, mentions))
    return out


# --- Has_value -------------------------------------------------------------------------------------


def _only(words: list[str], allowed: frozenset[str]) -> bool:
    return all(w in allowed for w in words)


@relation_lf(labels=["Has_value"])
def value_right_after(c: Candidate) -> int:
    """The value follows the measurement directly or after linking words ("HbA1c 7.5%", "creatinine of 2.0")."""
    if c.label != "Has_value" or not c.child_after:
        return ABSTAIN
    return RELATED if c.gap() <= 3 and _only(c.between_words(), VALUE_LINKS) else ABSTAIN


@relation_lf(labels=["Has_value"])
def value_right_before(c: Candidate) -> int:
    """A result word right before the test ("negative pregnancy test", "positive HBsAg")."""
    if c.label != "Has_value" or c.child_after:
        return ABSTAIN
    return RELATED if c.gap() == 0 else ABSTAIN


@relation_lf(labels=["Has_value"])
def value_nearest_measurement(c: Candidate) -> int:
    """The value belongs to the nearest measurement on its left; a farther one is not its measurement,
    unless only a list of measurements stands between ("AST, ALT < 2.5 x ULN")."""
    if c.label != "Has_value" or not c.child_after:
        return ABSTAIN
    between = c.mentions_between(c.heads())
    if not between:
        return RELATED
    words = c.between_words()
    others = {c.doc[i].lower_ for m in between for i in range(m[0], m[1])}
    if all(w in others or w in {",", "and", "or", "/", "and/or"} for w in words):
        return RELATED
    return NOT_RELATED


@relation_lf(labels=["Has_value"])
def value_not_across_value(c: Candidate) -> int:
    """Another value between the two: the value belongs to something else."""
    if c.label != "Has_value":
        return ABSTAIN
    return NOT_RELATED if c.mentions_between({"Value"}) else ABSTAIN


@relation_lf(labels=["Has_value"])
def value_far(c: Candidate) -> int:
    """More than six words apart (or a value before its measurement, not right before it): unrelated."""
    if c.label != "Has_value":
        return ABSTAIN
    if c.gap() > 6 or (not c.child_after and c.gap() > 0):
        return NOT_RELATED
    return ABSTAIN


# --- Has_temporal ----------------------------------------------------------------------------------


@relation_lf(labels=["Has_temporal"])
def time_right_after(c: Candidate) -> int:
    """The time follows the mention ("stroke within 6 months", "surgery in the past year")."""
    if c.label != "Has_temporal" or not c.child_after:
        return ABSTAIN
    return RELATED if c.gap() <= 2 and _only(c.between_words(), TIME_LINKS) else ABSTAIN


@relation_lf(labels=["Has_temporal"])
def time_word_before(c: Candidate) -> int:
    """A time word right before the mention ("previous stroke", "current smoker", "prior chemotherapy")."""
    if c.label != "Has_temporal" or c.child_after:
        return ABSTAIN
    return RELATED if c.gap() == 0 else ABSTAIN


@relation_lf(labels=["Has_temporal"])
def time_nearest_mention(c: Candidate) -> int:
    """A time after mentions belongs to the nearest one; a time before a mention to the next one."""
    if c.label != "Has_temporal":
        return ABSTAIN
    between = c.mentions_between(c.heads())
    return NOT_RELATED if between else RELATED


@relation_lf(labels=["Has_temporal"])
def time_not_across_time(c: Candidate) -> int:
    """Another time expression between the two: this one is not the mention's time."""
    if c.label != "Has_temporal":
        return ABSTAIN
    return NOT_RELATED if c.mentions_between({"Temporal"}) else ABSTAIN


@relation_lf(labels=["Has_temporal"])
def time_far(c: Candidate) -> int:
    """More than eight words apart, or a multi-word time expression before a mention that is not next
    to it: unrelated."""
    if c.label != "Has_temporal":
        return ABSTAIN
    if c.gap() > 8 or (not c.child_after and c.gap() > 1):
        return NOT_RELATED
    return ABSTAIN


@relation_lf(labels=["Has_temporal"])
def time_word_takes_next(c: Candidate) -> int:
    """A one-word time ("previous", "current") directly before a mention belongs to that mention, not to
    one before it ("cardiomyopathy with or without [previous] myocardial infarction")."""
    if c.label != "Has_temporal" or not c.child_after or c.child[1] - c.child[0] != 1:
        return ABSTAIN
    nxt = c.child[1]
    if any(m[0] == nxt and m[2] in c.heads() for m in c.mentions):
        return NOT_RELATED
    return ABSTAIN


HAS_VALUE_LFS = [value_right_after, value_right_before, value_nearest_measurement, value_not_across_value, value_far]
HAS_TEMPORAL_LFS = [time_right_after, time_word_before, time_nearest_mention, time_not_across_time, time_far,
                    time_word_takes_next]


def clinical_relation_lfset() -> LFSet:
    return LFSet(lfs=HAS_VALUE_LFS + HAS_TEMPORAL_LFS, labels=list(RELATION_TYPES))


def relation_matrix(cands: Sequence[Candidate], lfset: LFSet) -> np.ndarray:
    from ..relations import relation_matrix as _matrix

    return _matrix(cands, lfset)


def relate(doc, mentions: Sequence[tuple[int, int, str]], *, lfset: LFSet | None = None, model=None,
           threshold: float = 0.5) -> list[dict[str, Any]]:
    """Prodigy relations among ``mentions`` (token spans ``(start, end, label)``) of ``doc``.

    ``model``: a fitted relation label model (Snorkel) or None for majority vote; a pair is kept
    when its probability is above ``threshold`` (majority: more LFs say related than not)."""
    from ..relations import relation_probs

    lfset = lfset or clinical_relation_lfset()
    cands = candidates(doc, mentions)
    if not cands:
        return []
    L = relation_matrix(cands, lfset)
    probs = relation_probs(L, model)
    names = lfset.names
    out = []
    for cand, p, row in zip(cands, probs, L):
        if p <= threshold:
            continue
        out.append(_prodigy(doc, cand, float(p), [n for n, v in zip(names, row) if v == RELATED]))
    return out


def _span_dict(doc, span: tuple[int, int, str]) -> dict[str, Any]:
    s, e, label = span
    return {"start": doc[s].idx, "end": doc[e - 1].idx + len(doc[e - 1].text), "token_start": s,
            "token_end": e - 1, "label": label}


def _prodigy(doc, cand: Candidate, score: float, source: list[str]) -> dict[str, Any]:
    return {"head": cand.head[1] - 1, "child": cand.child[1] - 1, "label": cand.label,
            "head_span": _span_dict(doc, cand.head), "child_span": _span_dict(doc, cand.child),
            "score": round(score, 4), "source": source}


__all__ = ["Candidate", "HAS_TEMPORAL_LFS", "HAS_VALUE_LFS", "RELATION_TYPES", "candidates",
           "clinical_relation_lfset", "relate"]
