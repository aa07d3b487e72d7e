"""Matchable terms from terminology titles.

Titles are written for coders ("Type 2 diabetes mellitus without complications"); notes say
"type 2 diabetes".  :func:`variants` derives the index-like forms a clinician writes, each with a
*rank* (lower is a closer paraphrase).  When several codes share a normalised term, the term goes
to the code with the lowest :func:`term_rank` -- a billable "unspecified" code beats the category
whose title it repeats, a title beats an inclusion term, and a head-phrase beats nothing.
"""

from __future__ import annotations

import re

#: Ranks of term kinds (lower = closer to what the code means).
KIND_RANK = {
    "preferred": 0,
    "description": 0,
    "fsn": 0,
    "synonym": 1,
    "inclusion": 1,
    "stripped": 1,
    "inverted": 2,
    "rewrite": 2,
    "abbreviation": 2,
    "head_without": 4,
    "head": 5,
}

_PAREN = re.compile(r"\s*\(([^()]*)\)")
_BRACKET = re.compile(r"\s*\[[^\[\]]*\]")
_STRIP_SUFFIX = [
    re.compile(r",?\s+NOS$", re.I),
    re.compile(r",\s*unspecified(?:\s+(?:organism|site|type|part|cause|whether \w+|as to [\w\s]+))?$", re.I),
    re.compile(r",?\s+without (?:mention of )?complications?$", re.I),
    re.compile(r",\s*uncomplicated$", re.I),
    re.compile(r",?\s+not elsewhere classified$", re.I),
    re.compile(r",\s*(?:site|organism|type|cause|part|side) not specified$", re.I),
    re.compile(r"\s+\((?:disorder|finding|disease)\)$", re.I),
]
_STRIP_PREFIX = re.compile(r"^unspecified\s+", re.I)
_HEAD = re.compile(r"^(.{4,}?)\s+(?:with|due to|in|associated with|following|complicating)\s+.+$", re.I)
_HEAD_WITHOUT = re.compile(r"^(.{4,}?)\s+without\s+.+$", re.I)
_REWRITES = [
    (re.compile(r"\bdiabetes mellitus\b", re.I), "diabetes"),
    (re.compile(r"^malignant neoplasm of (?:the )?(?:unspecified )?(?:part of )?([\w\s]+?)$", re.I), r"\1 cancer"),
    (re.compile(r"^malignant neoplasm of (?:the )?([\w\s]+?)$", re.I), r"cancer of \1"),
    (re.compile(r"\bmalignant neoplasm\b", re.I), "cancer"),
    (re.compile(r"\bneoplasm\b", re.I), "tumor"),
    (re.compile(r"\bmyocardial infarction\b", re.I), "heart attack"),
    (re.compile(r"\bcerebral infarction\b", re.I), "stroke"),
    (re.compile(r"\bkidney (failure|disease|insufficiency|injury)\b", re.I), r"renal \1"),
]
#: Generic words that, on their own, name no condition and would only add noise to a matcher.
GENERIC = frozenset(
    """other others unspecified specified disease diseases disorder disorders condition conditions
    problem problems abnormal abnormality finding findings complication complications status use
    history encounter contact exposure examination observation screening type site part
    syndrome organism unknown left right bilateral acute chronic mild moderate severe
    multiple single primary secondary recurrent initial subsequent sequela cause effect
    injury lesion mass failure deficiency fit wound pregnancy change place growth activity
    female male child drop difficulty fluid bone seed state""".split()
)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" ,;:")


def variants(text: str) -> list[tuple[str, str]]:
    """Index-like forms of ``text`` as ``(form, kind)``; ``text`` itself is not included."""
    out: dict[str, str] = {}

    def add(form: str, kind: str) -> None:
        form = _clean(form)
        if form and form.lower() != text.lower() and form not in out:
            out[form] = kind

    base = _clean(_BRACKET.sub("", text))
    if base != text:
        add(base, "stripped")
    forms = [base]
    parens = _PAREN.findall(base)
    if parens:
        no_paren = _clean(_PAREN.sub("", base))
        add(no_paren, "stripped")
        forms.append(no_paren)
        if len(parens) == 1:
            kept = _clean(_PAREN.sub(lambda m: " " + m.group(1), base))
            add(kept, "stripped")
            forms.append(kept)
    # strip "unspecified", "NOS", "without complications" (repeatedly: "X, unspecified, NOS")
    stripped_forms = []
    for form in forms:
        cur = form
        for _ in range(3):
            new = _STRIP_PREFIX.sub("", cur)
            for pat in _STRIP_SUFFIX:
                new = pat.sub("", new)
            new = _clean(new)
            if new == cur:
                break
            cur = new
        if cur != form:
            add(cur, "stripped")
        stripped_forms.append(cur)
    for form in stripped_forms:
        # "Asthma, mild intermittent" -> "mild intermittent asthma"
        if form.count(",") == 1:
            head, tail = (p.strip() for p in form.split(","))
            if 0 < len(tail.split()) <= 3 and len(head.split()) <= 4 and not re.search(r"\b(with|without|due|in|of)\b", tail, re.I):
                add(f"{tail} {head}", "inverted")
        for pat, rep in _REWRITES:
            if pat.search(form):
                add(pat.sub(rep, form), "rewrite")
        # head phrases: only of two words or more ("Bones in pharynx" must not give "bones")
        m = _HEAD_WITHOUT.match(form)
        if m and "," not in m.group(1) and " " in m.group(1):
            add(m.group(1), "head_without")
        m = _HEAD.match(form)
        if m and "," not in m.group(1) and " " in m.group(1):
            add(m.group(1), "head")
    # rewrites of the head forms too ("type 2 diabetes mellitus" -> "type 2 diabetes")
    for form, kind in list(out.items()):
        for pat, rep in _REWRITES[:1]:
            if pat.search(form):
                add(pat.sub(rep, form), kind if KIND_RANK[kind] > KIND_RANK["rewrite"] else "rewrite")
    return list(out.items())


def term_rank(kind: str, billable: bool) -> float:
    """Rank of a term for choosing its code: lower wins (see module doc)."""
    return KIND_RANK.get(kind, 3) + (0.0 if billable else 1.5)


def is_matchable(key: str, min_length: int = 3) -> bool:
    """Whether a normalised term key is specific enough to tag in free text."""
    if len(key) < min_length:
        return False
    words = key.split()
    if all(w in GENERIC or w.isdigit() or len(w) < 2 for w in words):
        return False
    if words[0] in ("other", "unspecified", "encounter", "personal", "family"):
        return False
    return True
