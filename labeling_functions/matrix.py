"""The label matrix: integers with ``ABSTAIN = -1`` (Snorkel's convention).

Token-level tagging: one row per token, one column per LF.  Classes are ``0 = O`` and
``1..K`` = the entity labels (B/I merged per type, "IO"); an LF that emits no span over a token
abstains there (``-1``) -- uncovered tokens are *not* O votes (see FINDINGS.md: counting them as
O makes every sparse, precise LF look wrong).  Only LFs that explicitly vote ``"O"`` (negative
LFs) put a 0 in the matrix.  A parallel boolean matrix records where each vote *starts* a span,
so span boundaries survive aggregation.

Candidate spans/pairs: one row per candidate, one column per LF, the LF's class index or
``-1`` (see ``relations``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from .api import ABSTAIN, OUTSIDE


@dataclass
class TokenMatrix:
    """Label matrix of one document: ``L[i, j]`` = class voted by LF ``j`` on token ``i``."""

    L: np.ndarray  # int16 [n_tokens, n_lfs]
    starts: np.ndarray  # bool [n_tokens, n_lfs]: LF j's span starts at token i

    @property
    def n_tokens(self) -> int:
        return self.L.shape[0]


def token_matrix(
    votes: Mapping[str, Sequence[tuple[int, int, str]]],
    lf_names: Sequence[str],
    labels: Sequence[str],
    n_tokens: int,
) -> TokenMatrix:
    """Build one document's :class:`TokenMatrix` from span votes ``{lf: [(start, end, label)]}``.

    Where an LF's own spans overlap, the longer span wins each token.  Labels the label set does
    not know are ignored (the LF abstains there).
    """
    index = {OUTSIDE: 0, **{label: k + 1 for k, label in enumerate(labels)}}
    L = np.full((n_tokens, len(lf_names)), ABSTAIN, dtype=np.int16)
    S = np.zeros((n_tokens, len(lf_names)), dtype=bool)
    for j, name in enumerate(lf_names):
        spans = sorted(votes.get(name, ()), key=lambda s: (s[1] - s[0]))
        for start, end, label in spans:  # shorter first, longer overwrite
            k = index.get(label)
            if k is None or start >= end:
                continue
            L[start:end, j] = k
            S[start:end, j] = False
            S[start, j] = k != 0
    return TokenMatrix(L, S)


def stack(matrices: Sequence[TokenMatrix]) -> np.ndarray:
    if not matrices:
        return np.zeros((0, 0), dtype=np.int16)
    return np.concatenate([m.L for m in matrices], axis=0)


def coverage_mask(L: np.ndarray) -> np.ndarray:
    """Rows where at least one LF votes an entity label (class >= 1)."""
    return (L >= 1).any(axis=1)


def spans_to_token_labels(spans: Sequence[tuple[int, int, str]], labels: Sequence[str], n_tokens: int) -> np.ndarray:
    """Gold spans -> IO class per token (0 = O)."""
    index = {label: k + 1 for k, label in enumerate(labels)}
    y = np.zeros(n_tokens, dtype=np.int16)
    for start, end, label in spans:
        if label in index:
            y[start:end] = index[label]
    return y
