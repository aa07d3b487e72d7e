"""Temporal expressions of clinical text: windows, durations, anchors and time adjectives.

:func:`find_temporal` returns token spans such as::

    "within 6 months", "in the past 2 years", "within the last three months prior to screening",
    "for at least 3 months", "3 months after surgery", "prior to study entry", "at screening",
    "during the study", "at baseline", "6 weeks ago"

and, with ``adjectives``, single time words ("current", "previous", "ongoing") the caller lists.
An anchor ("prior to X", "since X") ends at punctuation, a conjunction or after ``max_anchor``
tokens; the words that may be an anchor's head are the caller's (``anchors``).
"""

from __future__ import annotations

import re
from typing import Iterable

from .terms import char_spans_to_tokens, doc_text
from .values import NUM

TIME_UNITS = (r"(?:years?|yrs?|months?|mos?|mths?|weeks?|wks?|days?|hours?|hrs?|h|minutes?|mins?|"
              r"decades?|nights?|cycles?|trimesters?)")
_NUMBER = rf"(?:{NUM}|a|an|one|several|few|a\s+few|many|the)"
_QUANT = (r"(?:(?:at\s+least|at\s+most|more\s+than|less\s+than|greater\s+than|longer\s+than|fewer\s+than|"
          r"no\s+more\s+than|no\s+less\s+than|up\s+to|approximately|about|around|minimum(?:\s+of)?|"
          r"maximum(?:\s+of)?|a\s+minimum\s+of|a\s+maximum\s+of|over|under|>=|<=|≥|≤|<|>|=)\s*)?")
DURATION = rf"{_QUANT}{_NUMBER}(?:\s*(?:-|–|to|or|and)\s*{NUM})?[\s-]*{TIME_UNITS}\b"
_WINDOW_LEAD = (r"(?:within|in|during|over|for|since|throughout|after|before|from)"
                r"(?:\s+(?:the|a|an|their|his|her))?(?:\s+(?:last|past|previous|prior|preceding|recent|next|following|"
                r"first|subsequent|coming|same|entire))?")
_RELATION = r"(?:prior\s+to|before|after|following|preceding|from|of|since|ago|post|pre|until|prior)"


def temporal_char_spans(text: str, anchors: Iterable[str] = (), *, max_anchor: int = 5) -> list[tuple[int, int]]:
    """Character spans of temporal expressions (see the module doc)."""
    anchor = _anchor_pattern(tuple(sorted(set(a.lower() for a in anchors))), max_anchor)
    lead, bare = _compiled(anchor)
    found = [(m.start(), m.end()) for m in lead.finditer(text)]
    # "3 months after surgery", "6 weeks ago": tried only around a relation word (a duration alone
    # starts almost anywhere, so the bare form is too slow to try at every word)
    for m in _RELATION_WORD.finditer(text):
        lo = max(0, m.start() - 45)
        for b in bare.finditer(text, lo, min(len(text), m.end() + 80)):
            if b.start() <= m.start() < b.end():
                found.append((b.start(), b.end()))
    out: list[tuple[int, int]] = []
    for s, e in sorted(set(found), key=lambda x: (x[0], -x[1])):
        seg = text[s:e]
        # a line break before a capital, a digit or a bullet starts a new item or field ("... at tested
        # sites\nOngoing treatment"): the expression ends there; a wrapped line (lower case) continues it
        brk = _NEW_LINE_ITEM.search(seg)
        if brk:  # matched again on the text up to the break (an anchor cut off leaves no expression)
            m = lead.match(text, s, s + brk.start()) or bare.match(text, s, s + brk.start())
            if m is None:
                continue
            seg = text[s:m.end()]
        seg = seg.rstrip(" ,;.")
        if seg and not (out and out[-1][0] <= s and s + len(seg) <= out[-1][1]):  # not inside the previous one
            out.append((s, s + len(seg)))
    return out


_NEW_LINE_ITEM = re.compile(r"[ \t]*\r?\n\s*(?![a-z(])")

_CACHE: dict[str, tuple[re.Pattern, re.Pattern]] = {}
_RELATION_WORD = re.compile(r"\b(?:prior\s+to|before|after|following|preceding|ago|post|since|from)\b", re.I)


def _anchor_pattern(anchors: tuple[str, ...], max_anchor: int) -> str:
    words = "|".join(re.escape(a) for a in sorted(anchors, key=len, reverse=True)) or r"(?!x)x"
    # an anchor: up to max_anchor-1 words, then a listed head word (and its trailing "visit", digits)
    return (rf"(?:(?:the|a|an|their|his|her|any|each)\s+)?(?:[\w/-]+\s+){{0,{max_anchor - 1}}}?"
            rf"(?:{words})(?:\s+(?:visit|period|phase|day|date|appointment))?(?:\s+\d+)?\b")


def _compiled(anchor: str) -> tuple[re.Pattern, re.Pattern]:
    pair = _CACHE.get(anchor)
    if pair is None:
        relation = rf"(?:\s+{_RELATION}(?:\s+{anchor})?)?"
        alternatives = [
            # within the last 6 months (prior to screening)
            rf"\b{_WINDOW_LEAD}\s+{DURATION}{relation}",
            # in the past year, during the previous month
            rf"\b(?:within|in|during|over|for)\s+(?:the\s+)?(?:last|past|previous|prior|preceding|recent|next|following)"
            rf"\s+(?:{TIME_UNITS}|year|month|week|day)\b{relation}",
            # last 12 months, past 3 months, recent 3 months
            rf"\b(?:last|past|previous|prior|preceding|recent|next)\s+{DURATION}{relation}",
            # prior to study entry, at screening, during the study, before surgery
            rf"\b(?:prior\s+to|before|after|following|since|until|at|during|throughout|on|upon|from)\s+{anchor}",
            # since / prior to + any noun phrase (completed by _anchor_end)
            r"\b(?:since|prior\s+to)(?=\s+\w)",
        ]
        lead = re.compile("|".join(f"(?:{a})" for a in alternatives), re.I)
        # 3 months after surgery, 6 weeks ago, 2 weeks prior to the study
        bare = re.compile(rf"\b{DURATION}\s+(?:prior\s+to|before|after|following|preceding|ago|post|since|from)"
                          rf"(?:\s+{anchor})?", re.I)
        pair = _CACHE[anchor] = (lead, bare)
    return pair


_OPEN_RELATIONS = frozenset({"prior", "to", "before", "after", "following", "since", "preceding", "post", "pre"})
_NP_STOP = frozenset(
    "and or but , . ; : ( ) [ ] / if when while who which that with without in on at for of from to by as is are was "
    "were be been has have had not no than unless except including such e.g. i.e. etc".split())


def _anchor_end(doc, start: int, end: int, max_anchor: int) -> int:
    """A window that ends in "prior to" / "after" / "since" takes the noun phrase that follows as its
    anchor ("3 months after RYGB"): up to ``max_anchor - 2`` tokens, stopping at punctuation,
    conjunctions and prepositions."""
    if doc[end - 1].lower_ not in _OPEN_RELATIONS:
        return end
    j = end
    limit = min(len(doc), end + max(1, max_anchor - 2))
    if j < len(doc) and doc[j].lower_ in {"the", "a", "an", "their", "his", "her", "any"}:
        j += 1
        limit = min(len(doc), limit + 1)
    k = j
    while k < limit and not doc[k].is_space and doc[k].lower_ not in _NP_STOP and not doc[k].is_punct:
        k += 1
    return k if k > j else end


def find_temporal(doc, *, anchors: Iterable[str] = (), adjectives: Iterable[str] = (),
                  label: str = "Temporal", max_anchor: int = 5) -> list[tuple[int, int, str]]:
    """Temporal token spans of ``doc``: windows, durations, anchored expressions, time adjectives."""
    text = doc_text(doc)
    spans = [(s, _anchor_end(doc, s, e, max_anchor), label)
             for s, e in char_spans_to_tokens(doc, temporal_char_spans(text, anchors, max_anchor=max_anchor))]
    adjectives = frozenset(a.lower() for a in adjectives)
    if adjectives:
        covered = {i for s, e, _ in spans for i in range(s, e)}
        for tok in doc:
            if tok.lower_ in adjectives and tok.i not in covered:
                spans.append((tok.i, tok.i + 1, label))
    return sorted(spans)


__all__ = ["DURATION", "TIME_UNITS", "find_temporal", "temporal_char_spans"]
