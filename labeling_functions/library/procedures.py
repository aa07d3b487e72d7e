"""Procedure finders from general medical word formation.

* :data:`PROCEDURE_SUFFIXES`: "-ectomy" (removal), "-otomy" (incision), "-ostomy" (opening),
  "-plasty" (repair), "-scopy" (looking in), "-graphy"/"-gram" (imaging), "-pexy" (fixation),
  "-rrhaphy" (suture), "-centesis" (puncture), "-tripsy" (crushing), "-desis" (fusion).
* :func:`morphology` finds such words; :func:`anatomy_operation` finds an operation noun after
  a body part ("hip replacement", "valve repair", "liver transplantation").
"""

from __future__ import annotations

from typing import Callable, Iterable

from .terms import doc_keys, suffix_tokens

PROCEDURE_SUFFIXES = (
    "ectomy", "ectomies", "otomy", "otomies", "ostomy", "ostomies", "plasty", "plasties", "scopy", "scopies",
    "graphy", "graphies", "gram", "grams", "pexy", "rrhaphy", "centesis", "tripsy", "desis", "lysis",
)
#: words with a procedure suffix that are not procedures (or not in clinical use as one)
NOT_PROCEDURES = frozenset(
    """program programs programme diagram diagrams telegram instagram kilogram kilograms milligram milligrams
    microgram micrograms nanogram nanograms picogram picograms hologram anagram histogram histograms
    analysis paralysis hemolysis glycolysis lipolysis proteolysis catalysis autolysis electrolysis hydrolysis
    photography geography biography bibliography demography choreography calligraphy pornography topography
    philosophy""".split()
)


def morphology(doc, label: str = "Procedure", *, min_length: int = 6, exclude: Iterable[str] = ()) -> list[tuple[int, int, str]]:
    """Single words formed as a procedure ("cholecystectomy", "colonoscopy", "angiography")."""
    return suffix_tokens(doc, PROCEDURE_SUFFIXES, label, min_length=min_length,
                         exclude=NOT_PROCEDURES | frozenset(w.lower() for w in exclude))


def anatomy_operation(doc, operations: Iterable[str], is_anatomy: Callable[[object, int], int], label: str = "Procedure",
                      *, max_gap: int = 0) -> list[tuple[int, int, str]]:
    """An operation noun ("replacement", "repair") right after a body part.

    ``is_anatomy(doc, i)`` returns how many tokens of a body part end just before token ``i`` (0: none)."""
    from ontologies.normalize import norm_token

    ops = frozenset(norm_token(o) for o in operations)
    dk = doc_keys(doc)
    out = []
    for i, k in enumerate(dk.keys):
        if k in ops and i > 0:
            n = is_anatomy(doc, i)
            if n:
                out.append((i - n, i + 1, label))
    return out



def morphology_word(phrase: str) -> bool:
    """Whether the last word of ``phrase`` is formed like this module's words."""
    words = phrase.lower().split()
    return bool(words) and len(words[-1]) >= 6 and words[-1].endswith(PROCEDURE_SUFFIXES) and words[-1] not in NOT_PROCEDURES


__all__ = ["morphology_word", "NOT_PROCEDURES", "PROCEDURE_SUFFIXES", "anatomy_operation", "morphology"]
