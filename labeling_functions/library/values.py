"""Values as clinical text writes them: numbers with units, comparisons, ranges, multiples of a limit.

:func:`find_values` runs a few compiled regular expressions over the document text (once per
``Doc``) and returns token spans::

    "HbA1c 7.0-10.0%", "age >= 18 years", "18 years or older", "between 18 and 65 years",
    "ALT < 2.5 x ULN", "less than 3 times the upper limit of normal", "BP 130/80 mmHg",
    "creatinine clearance of at least 60 mL/min", "greater than three (3) months"

A bare number is not a value here (it may be a list number, a date part or a dose); callers that
know a measurement precedes it use :func:`number_after` instead.  :func:`qualitative_values`
finds "positive", "negative", "normal", "elevated", ... next to a given span.
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

from .terms import char_spans_to_tokens, doc_text, per_doc

NUMBER_WORDS = ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
                "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety "
                "hundred").split()
_NUMW = "|".join(NUMBER_WORDS)
NUM = rf"(?:\d+(?:[.,]\d+)*(?:\s?/\s?\d+(?:\.\d+)?)?|(?:{_NUMW})(?:[- ](?:{_NUMW}))?(?:\s*\(\d+\))?)"
#: units written after a number (longest first inside the alternation where it matters)
UNITS = (
    r"(?:mg|g|ug|µg|mcg|ng|pg|mmol|µmol|umol|nmol|pmol|meq|mEq|iu|IU|u|U|mu|mU|miu|mIU|mui|cells|copies|"
    r"ml|mL|l|L|dl|dL)\s?/\s?(?:dl|dL|l|L|ml|mL|mm3|mm\^3|µl|uL|ul|µL|kg|24\s?h(?:ours?)?|day|d|min|g|mol|hpf)"
    r"(?:\s?/\s?1[.,]73\s?m(?:2|²|\^2))?"
    r"|x\s?10\s?(?:\^|e)?\s?\d+\s?/\s?(?:l|L|µl|ul|uL|mm3)|(?:10\^?\d+|10e\d+)\s?/\s?(?:l|L)"
    r"|kg\s?/\s?m(?:2|²|\^2)|kilograms? per (?:square )?met(?:er|re)s?(?: squared| square)?"
    r"|mm\s?hg|mmHg|cm\s?h2o|cmH2O|bpm|beats?(?: per |/)min(?:ute)?|breaths?(?: per |/)min(?:ute)?"
    r"|/\s?(?:min|mm3|µl|ul|uL|hpf)|per (?:minute|min|hour|day|week)"
    r"|mg|mcg|µg|ug|ng|pg|g|kg|lbs?|pounds?|ml|mL|cc|dl|l|L|cm|mm|µm|m|km|inch(?:es)?|feet|ft"
    r"|%|percent|per ?cent|°\s?[cCfF]|degrees?(?: [cCfF]| celsius| fahrenheit)?|points?|units?|iu|IU"
    r"|mmol/mol|mosm/kg|msec|ms|seconds?|sec|s|mins?|minutes?|hours?|hrs?|h|days?|d|weeks?|wks?|months?|mos?"
    r"|years?(?: old| of age)?|yrs?(?: old)?|y/o|yo|y\b"
)
#: comparisons written in words or symbols
COMPARATOR = (
    r"(?:(?:greater|more|higher|larger|longer|less|lower|smaller|shorter|fewer)\s+than\s+or\s+equals?\s+to"
    r"|(?:greater|more|higher|larger|longer|less|lower|smaller|shorter|fewer)\s+than"
    r"|(?:equal|equals)\s+to\s+or\s+(?:greater|more|higher|less|lower)\s+than"
    r"|at\s+least|at\s+most|no\s+(?:more|less|greater|fewer)\s+than|not\s+(?:more|less|greater|exceeding)(?:\s+than)?"
    r"|up\s+to|above|below|over|under|exceeding|exceeds?|equal\s+to|minimum(?:\s+of)?|maximum(?:\s+of)?"
    r"|<\s?/\s?=|>\s?/\s?=|<=|>=|=<|=>|≤|≥|≦|≧|<|>|=|⩽|⩾|±|\+/-)"
)
#: a multiple of a reference limit ("x ULN", "times the upper limit of normal")
LIMIT = (
    r"(?:\s*(?:x|×|X|times|fold|-fold)\s*(?:the\s+|of\s+(?:the\s+)?)?)?"
    r"(?:(?:institutional\s+)?(?:upper|lower)\s+(?:limits?\s+of\s+(?:the\s+)?normal(?:\s+(?:range|value))?|normal\s+limits?)"
    r"|ULN|UNL|LLN|IULN|N\b|reference\s+range|normal\s+range|normal\s+values?)"
)
TAIL = (r"(?:\s+or\s+(?:more|greater|higher|above|over|older|less|lower|below|under|younger)"
        r"|\s+and\s+(?:above|over|older|below|under|younger)|\s+or\s+older)")

_VALUE = re.compile(
    rf"(?<![\w.])between\s+(?:(?:{COMPARATOR})\s*)?{NUM}(?:\s*(?:{UNITS})(?![\w]))?\s+and\s+(?:(?:{COMPARATOR})\s*)?{NUM}"
    rf"(?:\s*(?:{UNITS})(?![\w]))?"
    rf"|(?:(?<![\w.])|(?=[<>=≤≥⩽⩾±]))(?:(?:{COMPARATOR})\s*)*"
    rf"(?:between\s+)?{NUM}"
    rf"(?:\s*(?:{UNITS})(?![\w]))?"
    rf"(?:\s*(?:-|–|to|through)\s*(?:(?:{COMPARATOR})\s*)?{NUM}(?:\s*(?:{UNITS})(?![\w]))?)?"
    rf"(?:{LIMIT})?(?:{TAIL})?",
    re.I,
)
_HAS_UNIT = re.compile(rf"\d\s*(?:{UNITS})(?![\w])|(?:{LIMIT})", re.I)
_COUNTED = re.compile(r"[ \t]+(?!(?:and|or|to|x|times|fold|uln|the|in|on|at|if|for|per|of)\b)[A-Za-z]{2,}", re.I)
_HAS_NUMBER = re.compile(rf"\d|\b(?:{_NUMW})\b", re.I)
_STARTS_COMPARATOR = re.compile(rf"^(?:{COMPARATOR})", re.I)
_RANGE = re.compile(rf"^(?:between\s+)?{NUM}\s*(?:-|–|to|and|through)\s*{NUM}|^between\s", re.I)
_ROMAN = re.compile(r"(?<![\w-])(?:(?:class|grade|stage|type|functional\s+class)\s+)?"
                    r"(?:IV|III|II|I|V)(?:\s*(?:-|–|/|to|or|,|and)\s*(?:IV|III|II|I|V)){0,3}(?![\w-])")


def value_char_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of values in ``text`` (number with a unit, a comparison, a range or a limit)."""
    out = []
    for m in _VALUE.finditer(text):
        s = m.group(0).rstrip(" ,;")
        if not s or not _HAS_NUMBER.search(s):
            continue
        if _STARTS_COMPARATOR.match(s) or _HAS_UNIT.search(s) or _RANGE.match(s):
            if re.fullmatch(r"[<>=≤≥±]+", s.strip()):
                continue
            end = m.start() + len(s)
            if not _HAS_UNIT.search(s) and _COUNTED.match(text, end):
                continue  # "at least two episodes", "> 3 lesions": a count of things, not a value
            out.append((m.start(), end))
    return out


@per_doc
def find_values(doc, label: str = "Value") -> list[tuple[int, int, str]]:
    """Value token spans of ``doc`` (see the module doc); cached for the last Doc."""
    text = doc_text(doc)
    out = []
    for s, e in char_spans_to_tokens(doc, value_char_spans(text)):
        # a value whose number sat inside a glued token ("ALT<2.5") loses it: no value is left
        if _HAS_NUMBER.search(doc[s:e].text):
            out.append((s, e, label))
    return out


def roman_classes(doc, after: Iterable[tuple[int, int, str]], label: str = "Value",
                  window: int = 3) -> list[tuple[int, int, str]]:
    """Roman numeral classes ("III", "II-IV", "class III/IV") within ``window`` tokens after a span."""
    text = doc_text(doc)
    out = []
    for s, e, _ in after:
        if e >= len(doc):
            continue
        lo = doc[e].idx
        hi = doc[min(len(doc), e + window + 4) - 1].idx + len(doc[min(len(doc), e + window + 4) - 1])
        m = _ROMAN.search(text, lo, hi)
        if m is None:
            continue
        toks = char_spans_to_tokens(doc, [(m.start(), m.end())])
        if toks and toks[0][0] - e <= window:
            out.append((toks[0][0], toks[0][1], label))
    return out


_NUMBER_TOKEN = re.compile(rf"^(?:{NUM})$|^\d+(?:\.\d+)?%?$", re.I)
_LINKS = frozenset({"of", "is", "was", "were", "are", ":", "=", "at", "level", "levels", "value", "values", "result",
                    "in", "on", "reading", "measured"})


def number_after(doc, spans: Iterable[tuple[int, int, str]], label: str = "Value", max_gap: int = 2,
                 values: Sequence[tuple[int, int, str]] = ()) -> list[tuple[int, int, str]]:
    """A number (with its unit, if a value span starts there) right after each span: "Hemoglobin 12.3",
    "temperature of 101.2"; up to ``max_gap`` linking tokens ("of", "was", ":") in between."""
    starts = {s: (s, e) for s, e, _ in values}
    out = []
    n = len(doc)
    for _, e, _ in spans:
        i, gap = e, 0
        while i < n and gap <= max_gap and (doc[i].lower_ in _LINKS or doc[i].is_space):
            i += 1
            gap += 1
        if i >= n:
            continue
        if i in starts:
            out.append((*starts[i], label))
        elif _NUMBER_TOKEN.match(doc[i].text) and not (i + 1 < n and doc[i + 1].text in {".", ")"} and doc[i].text.isdigit()
                                                        and gap == 0 and i + 2 < n and doc[i + 2].is_title):
            out.append((i, i + 1, label))
    return out


def qualitative_values(doc, spans: Iterable[tuple[int, int, str]], words: Iterable[str], label: str = "Value",
                       *, before: bool = True, after: bool = True, max_gap: int = 1) -> list[tuple[int, int, str]]:
    """Result words ("positive", "negative", "abnormal", ...) directly before or after ``spans``
    (``max_gap`` tokens such as "for", "is" may sit between a span and a word after it)."""
    words = frozenset(w.lower() for w in words)
    out = []
    n = len(doc)
    for s, e, _ in spans:
        if before and s > 0 and doc[s - 1].lower_ in words:
            out.append((s - 1, s, label))
        if after:
            i = e
            for _ in range(max_gap + 1):
                if i >= n:
                    break
                if doc[i].lower_ in words:
                    out.append((i, i + 1, label))
                    break
                if doc[i].lower_ not in {"is", "was", "are", "were", "for", "test", "result", "results", ":"}:
                    break
                i += 1
    return out


__all__ = ["COMPARATOR", "NUM", "UNITS", "find_values", "number_after", "qualitative_values", "roman_classes",
           "value_char_spans"]
