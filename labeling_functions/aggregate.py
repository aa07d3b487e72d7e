"""From per-token class probabilities back to spans and BIO soft labels; span-level scoring."""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

from .api import ABSTAIN
from .matrix import TokenMatrix


def start_fraction(tm: TokenMatrix, k: int) -> np.ndarray:
    """``b[i, c]``: share of the LFs voting class c on token i whose span starts at i (NaN if none vote c)."""
    n = tm.n_tokens
    out = np.full((n, k), np.nan)
    for c in range(1, k):
        votes = tm.L == c
        cnt = votes.sum(axis=1)
        has = cnt > 0
        out[has, c] = (tm.starts & votes).sum(axis=1)[has] / cnt[has]
    return out


def boundary_split(tm: TokenMatrix, k: int) -> np.ndarray:
    """``split[i, c]``: among the LFs that vote c on both token i-1 and token i, most start a new span at i.

    Where no LF covers both tokens with c, the tokens join (adjacent mentions of one type are
    rare; a modifier voted by one LF and a head voted by others form one mention).
    """
    n = tm.n_tokens
    out = np.zeros((n, k), dtype=bool)
    if n < 2:
        return out
    for c in range(1, k):
        both = (tm.L[1:] == c) & (tm.L[:-1] == c)
        cnt = both.sum(axis=1)
        starts = (both & tm.starts[1:]).sum(axis=1)
        out[1:, c] = (cnt > 0) & (starts * 2 > cnt)
    return out


def decode(probs: np.ndarray, tm: TokenMatrix, *, threshold: float = 0.0) -> list[tuple[int, int, int, float]]:
    """Spans ``(start, end, class, score)``: runs of one argmax class, split where LFs see a boundary.

    ``score`` is the mean probability of the class over the span's tokens.
    """
    n, k = probs.shape
    if n == 0:
        return []
    best = probs.argmax(axis=1)
    splits = boundary_split(tm, k)
    # each token's best class, its probability and boundary flag as Python lists (no numpy scalar per token)
    rows = np.arange(n)
    best_c = best.tolist()
    best_p = probs[rows, best].tolist()
    best_split = splits[rows, best].tolist()
    spans: list[tuple[int, int, int, float]] = []
    cur = None
    for i in range(n):
        c = best_c[i]
        if c == 0 or best_p[i] < threshold:
            if cur:
                spans.append(cur)
            cur = None
            continue
        split = best_split[i]
        if cur is not None and cur[2] == c and not split:
            cur = (cur[0], i + 1, c, cur[3])
        else:
            if cur:
                spans.append(cur)
            cur = (i, i + 1, c, 0.0)
    if cur:
        spans.append(cur)
    return [(s, e, c, float(probs[s:e, c].mean())) for s, e, c, _ in spans]


def bio_probs(probs: np.ndarray, tm: TokenMatrix, spans: Sequence[tuple[int, int, int, float]]) -> np.ndarray:
    """IO probabilities -> BIO probabilities ``[n, 1 + 2K]`` (O, B-1, I-1, B-2, I-2, ...); rows sum to 1.

    The mass of class c on token i splits between B-c and I-c by the share of votes starting a
    span there; where nobody votes c, it is B when the decoded span starts at i (or none covers i).
    """
    n, k = probs.shape
    out = np.zeros((n, 1 + 2 * (k - 1)))
    out[:, 0] = probs[:, 0]
    b = start_fraction(tm, k)
    for c in range(1, k):
        frac = b[:, c].copy()
        unvoted = np.isnan(frac)
        if unvoted.any():
            fill = np.ones(n)  # B, unless inside (not at the start of) a decoded span of class c
            for s, e, cc, _ in spans:
                if cc == c:
                    fill[s + 1:e] = 0.0
            frac[unvoted] = fill[unvoted]
        out[:, 2 * c - 1] = probs[:, c] * frac
        out[:, 2 * c] = probs[:, c] * (1.0 - frac)
    out /= out.sum(axis=1, keepdims=True)
    return out


def bio_labels(labels: Sequence[str]) -> list[str]:
    out = ["O"]
    for label in labels:
        out += [f"B-{label}", f"I-{label}"]
    return out


def span_prf(pred: Iterable[tuple], gold: Iterable[tuple]) -> dict[str, float]:
    """Strict span P/R/F1 over sets of hashable span tuples (e.g. ``(doc, start, end, label)``)."""
    p, g = set(pred), set(gold)
    tp = len(p & g)
    prec = tp / len(p) if p else 0.0
    rec = tp / len(g) if g else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"p": prec, "r": rec, "f1": f1, "tp": tp, "pred": len(p), "gold": len(g)}


def span_prf_by_label(pred: Iterable[tuple], gold: Iterable[tuple], labels: Sequence[str]) -> dict[str, dict[str, float]]:
    """Per-label and overall strict span scores; the label is the last element of each tuple."""
    pred, gold = list(pred), list(gold)
    out = {"overall": span_prf(pred, gold)}
    for label in labels:
        out[label] = span_prf([x for x in pred if x[-1] == label], [x for x in gold if x[-1] == label])
    return out


__all__ = ["ABSTAIN", "decode", "bio_probs", "bio_labels", "span_prf", "span_prf_by_label", "start_fraction"]
