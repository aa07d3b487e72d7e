"""Section context for LFs: which section each token is in, and the items of list sections.

The ``clinlabel_sections`` component (run before the LFs in ``clinlabel annotate``) writes
``doc.spans["sections"]`` (label = section category: ``medications``, ``allergies``,
``past_medical_history``, ``labs_and_studies``, ...).  Without it every token is in no section and
the section LFs abstain.
"""

from __future__ import annotations

from typing import Iterable

from .terms import doc_keys

SECTIONS_KEY = "sections"
_LAST: list = [None, None]


def token_sections(doc) -> list[str | None]:
    """The section category of every token (None outside any section); computed once per Doc."""
    if _LAST[0] is doc:
        return _LAST[1]
    out: list[str | None] = [None] * len(doc)
    if SECTIONS_KEY in doc.spans:
        for span in doc.spans[SECTIONS_KEY]:
            for i in range(span.start, span.end):
                out[i] = span.label_
    _LAST[0], _LAST[1] = doc, out
    return out


def in_sections(doc, spans: Iterable[tuple[int, int, str]], categories: Iterable[str]) -> list[tuple[int, int, str]]:
    """The spans that start in one of the section ``categories``."""
    cats = frozenset(categories)
    secs = token_sections(doc)
    return [sp for sp in spans if secs[sp[0]] in cats]


_ITEM_BREAK = frozenset({",", ";", "\n", "and", "or", "."})


def list_item_heads(doc, categories: Iterable[str], label: str, *, max_tokens: int = 3,
                    stop: Iterable[str] = ()) -> list[tuple[int, int, str]]:
    """The first words of each list item in the section ``categories``: "MEDICATIONS: Lasix 40 mg
    daily, aspirin, Vytorin." gives "Lasix", "aspirin", "Vytorin".  An item starts after the
    heading, a comma, a semicolon, a line break or a list number ("1." / "2)") and its head ends before a number,
    punctuation, a word in ``stop`` or after ``max_tokens`` words."""
    cats = frozenset(categories)
    secs = token_sections(doc)
    if not any(s in cats for s in secs):
        return []
    stop = frozenset(w.lower() for w in stop)
    dk = doc_keys(doc)
    low = dk.lower
    headers = {i for sp in (doc.spans["section_headers"] if "section_headers" in doc.spans else [])
               for i in range(sp.start, sp.end)}
    out = []
    n = len(doc)
    i = 0
    while i < n:
        if secs[i] not in cats or i in headers:
            i += 1
            continue
        prev = low[i - 1] if i else "\n"
        starts_item = i - 1 in headers or prev in _ITEM_BREAK or "\n" in prev or prev in {":", ")"}
        if not starts_item or not low[i][:1].isalpha() or low[i] in stop:
            i += 1
            continue
        j = i
        while j < n and j - i < max_tokens and secs[j] in cats and low[j][:1].isalpha() and low[j] not in stop \
                and low[j] not in _ITEM_BREAK and "\n" not in low[j]:
            j += 1
        if j > i:
            out.append((i, j, label))
        i = max(j, i + 1)
    return out


__all__ = ["SECTIONS_KEY", "in_sections", "list_item_heads", "token_sections"]
