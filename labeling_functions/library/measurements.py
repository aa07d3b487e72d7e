"""Measurement finders: what is measured sits right before its value.

:func:`before_values` takes the value spans of a document and returns the noun phrase just before
each ("Karnofsky Performance Status > 60", "serum creatinine of 2.0 mg/dL", "HbA1c: 7.5%").
:data:`MEASUREMENT_HEADS` are nouns that name a measured quantity ("level", "count", "score").
"""

from __future__ import annotations

from typing import Iterable

from .terms import doc_keys

MEASUREMENT_HEADS = ("level", "levels", "count", "counts", "test", "tests", "testing", "score", "scores", "scale",
                     "index", "ratio", "clearance", "concentration", "titer", "titre", "saturation", "pressure",
                     "rate", "fraction", "volume", "time", "value", "values", "panel", "profile", "assay",
                     "measurement", "circumference", "questionnaire", "inventory")
#: words between a measurement and its value ("creatinine of 2.0", "HbA1c: 7%", "BMI is 30")
LINKS = frozenset({"of", "is", "was", "were", "are", ":", "=", "be", "must", "should", "level", "levels", "value",
                   "values", "a", "an", "the", "with", "result", "results"})
_STOP = frozenset(
    "and or but , . ; ( ) [ ] if when while who which that with without in on at for from to by as is are was were be "
    "been has have had not no than unless except including such patients patient subjects subject participants "
    "women men age aged years year old history any all other their his her its a an the this that these those "
    "i.e. e.g. etc. have has had having take takes taking received receive receiving require requires".split())


def before_values(doc, values: Iterable[tuple[int, int, str]], label: str = "Measurement", *, max_tokens: int = 4,
                  stop: Iterable[str] = ()) -> list[tuple[int, int, str]]:
    """The noun phrase (up to ``max_tokens`` words) right before each value span, linking words skipped."""
    stop = _STOP | frozenset(w.lower() for w in stop)
    dk = doc_keys(doc)
    low = dk.lower
    out = []
    for s, _, _ in values:
        i = s
        while i > 0 and low[i - 1] in LINKS and i > s - 3:
            i -= 1
        end = i
        j = end
        while j > 0 and end - j < max_tokens:
            w = low[j - 1]
            if w in stop or not any(c.isalpha() for c in w) and w not in {"-", "/"} or dk.keys[j - 1] == "|" \
                    or "\n" in w:
                break
            j -= 1
        while j < end and low[j] in {"-", "/"}:
            j += 1
        if j < end and any(c.isalpha() for c in low[end - 1]):
            out.append((j, end, label))
    return out


__all__ = ["LINKS", "MEASUREMENT_HEADS", "before_values"]
