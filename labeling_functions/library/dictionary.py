"""Dictionary and ontology labelling functions (votes from term matchers injected as resources).

A dictionary resource is a term matcher: ``matcher(doc, label)`` yields ``(start, end, label)``
token ranges (:class:`labeling_functions.lexicons.TermMatcher`).  :func:`dictionary_spans` is the
body of every dictionary LF: a preset writes its own variant in one line, with its guideline's
filter (``keep``) and trimming rule (``trim``)::

    @span_lf(labels=["Disease"])
    def icd10cm_terms_strict(doc, *, icd_dict):
        return dictionary_spans(doc, icd_dict, "Disease", keep=my_filter, trim=my_left_modifier)
"""

from __future__ import annotations

from typing import Callable

from ..api import span_lf

#: ``keep(doc, start, end)``: whether a match is a mention in this context
Keep = Callable[..., bool]
#: ``trim(doc, i)``: whether token ``i`` at the left edge of a match is left out of the mention
Trim = Callable[..., bool]


def dictionary_spans(doc, matcher, label: str | None, *, keep: Keep | None = None,
                     trim: Trim | None = None) -> list[tuple[int, int]]:
    """``(start, end)`` of the ``label`` matches of ``matcher`` that ``keep`` accepts, with the
    left tokens ``trim`` rejects dropped (the last token always stays)."""
    out = []
    for s, e, _ in matcher(doc, label):
        if keep is not None and not keep(doc, s, e):
            continue
        if trim is not None:
            while s < e - 1 and trim(doc, s):
                s += 1
        out.append((s, e))
    return out


@span_lf(labels=["Chemical"])
def drug_list(doc, *, drug_dict):
    """Drug names and synonyms (``drug_dict``: e.g. the drug-named-entity-recognition names)."""
    return dictionary_spans(doc, drug_dict, "Chemical")


@span_lf(labels=["Disease"])
def icd10cm_terms(doc, *, icd_dict):
    """Short ICD-10-CM disease descriptions (ontology LF)."""
    return dictionary_spans(doc, icd_dict, "Disease")


@span_lf(labels=["Disease"])
def disease_lexicon(doc, *, disease_dict):
    """A small shipped lexicon of frequent disease words (signs, symptoms, toxicities)."""
    return dictionary_spans(doc, disease_dict, "Disease")
