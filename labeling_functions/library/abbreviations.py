"""Abbreviation LF: ``long form (SF)`` defines SF; the long form's type propagates to every SF in the doc.

Long forms are found with the Schwartz & Hearst (2003) algorithm (the short form's characters
appear in order in the preceding words, the first one at a word start).  The long form is typed
by the lexicons and the morphology LFs; when it has a type, the LF votes the long form and
every occurrence of the short form in the document.
"""

from __future__ import annotations

import re

from ..api import span_lf
from .patterns import DISEASE_HEADS, _chemical_like, _disease_like


def _long_form_start(doc, sf: str, lp: int) -> int | None:
    """Token index where the long form ending before token ``lp`` (the "(") starts, or None."""
    s = sf.lower()
    si = len(s) - 1
    max_words = min(len(s) + 5, 2 * len(s))
    first = max(0, lp - max_words)
    text_tokens = [t.lower_ for t in doc[first:lp]]
    long = " ".join(text_tokens)
    li = len(long) - 1
    while si >= 0:
        c = s[si]
        if not c.isalnum():
            si -= 1
            continue
        while li >= 0 and (long[li] != c or (si == 0 and li > 0 and long[li - 1].isalnum())):
            li -= 1
        if li < 0:
            return None
        si -= 1
        li -= 1
    start_char = li + 1
    pos = 0
    for k, t in enumerate(text_tokens):
        if pos <= start_char < pos + len(t) + 1:
            return first + k
        pos += len(t) + 1
    return None


def short_parentheses(doc):
    """``(i, j)`` token indices of every ``(`` ... ``)`` after the first token that encloses 1-4 tokens."""
    n = len(doc)
    for i, tok in enumerate(doc):
        if tok.text != "(" or i == 0:
            continue
        j = i + 1
        while j < n and doc[j].text != ")" and j - i <= 4:
            j += 1
        if j >= n or doc[j].text != ")" or j == i + 1:
            continue
        yield i, j


def find_abbreviations(doc) -> list[tuple[int, int, int, int]]:
    """``(long_start, long_end, sf_start, sf_end)`` token ranges of ``long form ( SF )`` definitions."""
    out = []
    for i, j in short_parentheses(doc):
        sf = doc[i + 1 : j].text
        if not (2 <= len(sf) <= 10) or not re.search(r"[A-Za-z]", sf) or not sf[0].isalnum():
            continue
        if not any(c.isupper() for c in sf):
            continue
        start = _long_form_start(doc, sf, i)
        if start is None or start >= i:
            continue
        out.append((start, i, i + 1, j))
    return out


_NOT_ENTITY_HEADS = frozenset({"virus", "viruses", "gene", "genes", "protein", "proteins", "receptor", "receptors",
                               "cell", "cells", "antigen", "antibody", "antibodies", "factor", "enzyme", "kinase",
                               "score", "scale", "test", "trial", "study", "group", "unit", "index", "rate", "level",
                               "therapy", "therapies", "treatment", "treatments", "volume", "output", "pressure",
                               "prone", "resistant", "satisfaction", "questionnaire", "inventory", "ratio", "control",
                               "controls"})


def _plain_word(doc, tok) -> bool:
    """An ordinary word, not a part of a systematic chemical name (``vinyl``, ``gamma-``, ``N(6)-``)."""
    if not re.fullmatch(r"[A-Za-z]+", tok.text) or _chemical_like(tok):
        return False
    if tok.lower_.endswith("yl") or tok.lower_ in {"alpha", "beta", "gamma", "delta", "cis", "trans"}:
        return False
    return not ((tok.i > 0 and doc[tok.i - 1].text == "-") or (tok.i + 1 < len(doc) and doc[tok.i + 1].text == "-"))


def _type_long_form(doc, start: int, end: int, dict_matches) -> str | None:
    for s, e, label in dict_matches:
        if e == end and start <= s < end:  # a lexicon term ends where the long form ends
            if label == "Chemical" and any(_plain_word(doc, t) for t in doc[start:s]):
                # "serum creatinine (SCr)", "mammalian target of rapamycin (mTOR)": a measurement or
                # protein named after a chemical, not the chemical (systematic prefixes such as
                # "N(6)-cyclopentyl adenosine", "gamma-vinyl GABA" still count)
                return None
            return label
    last = doc[end - 1]
    if any(t.text in {"(", ")"} for t in doc[start:end]):  # "therapy (ATT)-associated ... (ATT-ALF)": no long form
        return None
    if last.lower_ in DISEASE_HEADS or _disease_like(last):
        return "Disease"
    if last.lower_ in _NOT_ENTITY_HEADS:
        return None
    # a disease word inside the long form types it ("chronic hepatitis C", "polyposis coli") unless the last word
    # is an ordinary noun of its own ("antituberculosis therapy", "stroke volume": _NOT_ENTITY_HEADS above)
    if any(t.lower_ in DISEASE_HEADS or _disease_like(t) for t in doc[start:end]) and not _chemical_like(last):
        return "Disease"
    if _chemical_like(last):
        return "Chemical"
    return None


#: words of substances that may end a long form the morphology LFs do not recognise
_SUBSTANCE_WORDS = frozenset("""
acid acids ether ethers ester esters oxide oxides alcohol alcohols salt salts extract extracts oil oils citrate
sulfate sulphate chloride acetate hydrochloride toxin toxins venom
""".split())


def non_chemical_sfs(doc, dict_matches=()) -> set[str]:
    """Short forms defined in ``doc`` by a long form that is clearly not a chemical.

    ``cardiac output (CO)``, ``nerve growth factor (NGF)``, ``combined androgen blockade (CAB)``,
    ``mass spectrometry (MS)``: the long form is untyped, ends in a plain word (not a drug-like word,
    not a substance word, not a lexicon term) and has no drug-like word in it.
    """
    out: set[str] = set()
    chem_ends = {e for s, e, label in dict_matches if label == "Chemical"}
    for ls, le, ss, se in find_abbreviations(doc):
        sf = doc[ss:se].text
        last = doc[le - 1]
        if any(t.text in {"(", ")"} for t in doc[ls:le]) or le in chem_ends:
            continue
        if _type_long_form(doc, ls, le, dict_matches) is not None:
            continue
        low = last.lower_
        if not (low.isalpha() and len(low) >= 4) or low in _SUBSTANCE_WORDS or low in _CLASS_WORDS \
                or _chemical_like(last):
            continue
        if le - ls == 1 and low not in _NOT_ENTITY_HEADS:  # "Midazolan (MZ)", "sirolmus (Srl)": maybe a drug
            continue
        if not last.text.islower() and not (le - ls > 1 and doc[ls].text[0].isupper() and last.text.istitle()):
            continue  # "Tincture of Crataegus": a name; "Cardiac Output": a title-case long form is fine
        if any(_chemical_like(t) or t.lower_ in _SUBSTANCE_WORDS or t.lower_ in _CLASS_WORDS or _disease_like(t)
               or t.lower_ in DISEASE_HEADS for t in doc[ls:le]):
            continue
        if low.endswith(("ine", "ide", "ate", "ol", "one", "in", "ane", "ene", "yl", "ium")) \
                and low not in _NOT_ENTITY_HEADS and not low.endswith(("tion", "ation")):
            continue  # "chloroacetaldehyde"-like or unknown -in/-ine words may be substances
        out.add(sf)
    return out


#: class and source words: a long form ending in one names substances ("SSRI", "BZDs", "DCE")
_CLASS_WORDS = frozenset("""
drug drugs inhibitor inhibitors agonist agonists antagonist antagonists blocker blockers agent agents medication
medications compound compounds derivative derivatives analogue analogues analog analogs seed seeds root roots leaf
leaves bark fruit fruits flower flowers tincture symptom symptoms sign signs
""".split())


@span_lf(labels=["Chemical", "Disease"])
def abbreviation_definition(doc, *, core_dict, drug_dict):
    """``long form (SF)``: the typed long form's label goes to every occurrence of SF in the doc.

    The long form is typed by the preset's typed dictionaries (resources ``core_dict`` and
    ``drug_dict``: term matchers) or, failing them, by its head word's morphology."""
    defs = find_abbreviations(doc)
    if not defs:
        return
    dict_matches = list(core_dict(doc)) + list(drug_dict(doc))
    by_sf: dict[str, str] = {}
    for ls, le, ss, se in defs:
        label = _type_long_form(doc, ls, le, dict_matches)
        if label is not None:
            by_sf.setdefault(doc[ss:se].text, label)
    for sf, label in by_sf.items():
        for start, end in short_form_spans(doc, sf):
            yield start, end, label


def short_form_spans(doc, sf: str):
    """``(start, end)`` token ranges of every occurrence of the short form ``sf`` (or its plural ``sfs``) in ``doc``."""
    for m in re.finditer(r"(?<![\w-])" + re.escape(sf) + r"s?(?![\w-])", doc.text):
        span = doc.char_span(m.start(), m.end())
        if span is not None:
            yield span.start, span.end
