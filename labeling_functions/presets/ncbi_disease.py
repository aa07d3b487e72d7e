"""The ``ncbi_disease`` preset: disease mentions as the NCBI disease corpus annotates them.

The guideline's conventions belong to this module:

* a mention is the full disease name with its modifiers: inheritance, sex, population, extent
  ("X-linked", "familial", "isolated", "male breast cancer") and a trailing type
  ("mucopolysaccharidosis IVA", "type II");
* eponyms are mentions, also without their head once seen with it ("Lesch-Nyhan patients"),
  coordinated eponyms share one head ("Duchenne and Becker muscular dystrophy");
* disease abbreviations are mentions wherever they occur, gene contexts included ("the VHL gene"),
  as are gene-symbol deficiencies ("G6PD deficient");
* "death" and "infection" alone are never mentions;
* the corpus's four mention classes (SpecificDisease, DiseaseClass, CompositeMention, Modifier)
  are one entity type, ``Disease`` (:data:`LABEL_MAP`, as in the WISER / CHMM benchmarks).

The LFs are built from the general library (:mod:`labeling_functions.library`) and configured
with this guideline's word lists and filters; the dictionaries are shared with ``bc5cdr``
(:mod:`._pubmed`).
"""

from __future__ import annotations

import re

from ..api import OUTSIDE, span_lf
from ..library.abbreviations import find_abbreviations, short_parentheses
from ..library.diseases import EXTRA_HEAD_SUFFIXES, LATIN_QUALIFIERS
from ..library.dictionary import dictionary_spans
from ..library.patterns import (
    _ADJ_RE, _CAP_RE, DISEASE_HEADS, DISEASE_MODIFIERS, EPONYM_HEADS, NOT_MODIFIER, STOP, _alpha_word,
    _disease_like, _extend_left,
)
from . import Preset
from ._pubmed import DISEASE, RESOURCES, SHARED

#: modifiers NCBI keeps inside a disease mention (inheritance, population, extent)
NCBI_MODIFIERS = frozenset("""
x-linked x linked autosomal dominant recessive dominantly recessively inherited hereditary familial sporadic
isolated male female childhood juvenile late-infantile early-onset late-onset neonatal congenital solid
multiple idiopathic attenuated syndromic non-syndromic nonsyndromic sensorineural benign malignant invasive
metastatic skin thyroid iris
""".split())
#: modifiers that only make sense before a specific disease head ("male breast cancer", not "male disease")
_SPECIFIC_ONLY = frozenset({"male", "female", "isolated", "solid", "multiple", "skin", "iris", "thyroid", "benign",
                            "invasive", "childhood", "juvenile"})
_GENERIC_HEADS = frozenset({"disease", "diseases", "disorder", "disorders", "defect", "defects", "deficiency",
                            "deficiencies", "loss", "damage", "syndrome", "syndromes", "abnormality", "abnormalities"})
_NCBI_NOT = frozenset({"heterozygous", "progressive", "japanese", "jewish", "non-jewish", "human", "severe", "complete", "total",
                       "primary", "partial", "major", "adult", "putative"})
_ROMAN_RE = re.compile(r"^(?:[IVX]{1,4}|[IVX]{1,4}[A-Da-d]|[A-D])$")  # digits vote O (numbers_outside)
#: words with a disease suffix that are not diseases (verbs in -oses, cell division)
_NOT_DISEASE_WORDS = frozenset({"meioses", "meiosis", "exposes", "predisposes", "proposes", "supposes", "composes",
                                "imposes", "disposes", "purposes", "doses"})


#: further heads of multi-word disease names (general medical vocabulary)
_MORE_HEADS = frozenset({"degeneration", "degenerations", "polyps", "polyp", "malabsorption", "wasting", "delay",
                         "delays", "anomaly", "anomalies", "dystrophy", "dystrophies", "myopathy", "neoplasia",
                         "polyposis", "dysgenesis", "agenesis", "aplasia", "hypoplasia", "dysmorphism", "disomy",
                         "lethality"})


def _is_head(tok) -> bool:
    low = tok.lower_
    return (low in DISEASE_HEADS or low in EPONYM_HEADS or low in _MORE_HEADS or _disease_like(tok)
            or (len(low) > 7 and low.endswith(EXTRA_HEAD_SUFFIXES))) and low not in _NOT_DISEASE_WORDS


def _ncbi_modifier(tok, generic_head: bool = False) -> bool:
    low = tok.lower_
    if low in _NCBI_NOT or low in STOP or (generic_head and low in _SPECIFIC_ONLY):
        return False
    if low in NCBI_MODIFIERS or low in DISEASE_MODIFIERS:
        return True
    if low in NOT_MODIFIER:
        return False
    return bool(_ADJ_RE.match(low)) or _disease_like(tok) or low.endswith("-responsive")


#: second halves of hyphenated modifiers whose first half may be any word ("dopa-responsive", "late-infantile")
_HYPHEN_SECONDS = frozenset({"linked", "responsive", "infantile", "syndromic", "dependent", "sensitive"})


def _extend_left_ncbi(doc, head: int, *, limit: int = 5) -> int:
    generic = doc[head].lower_ in _GENERIC_HEADS
    start = head
    while start > 0 and head - start < limit:
        prev = doc[start - 1]
        if prev.lower_ in _HYPHEN_SECONDS and start >= 3 and doc[start - 2].text == "-" \
                and doc[start - 3].is_alpha and doc[start - 3].lower_ not in STOP:
            start -= 3  # "dopa-responsive dystonia", "late-infantile ...", "non-syndromic hearing loss"
        elif _ncbi_modifier(prev, generic) or (prev.text == "-" and start >= 2 and _ncbi_modifier(doc[start - 2], generic)):
            start -= 1
        elif prev.lower_ == "'s" and start >= 2 and _CAP_RE.match(doc[start - 2].text):
            start -= 2
            break
        else:
            break
    while start < head and doc[start].text == "-":
        start += 1
    return start


def _ncbi_type_suffix(doc, end: int) -> int:
    """Extend over a trailing type: ``mucopolysaccharidosis IVA``, ``disease type B``, ``type II``."""
    n = len(doc)
    if end < n and doc[end].lower_ == "type" and end + 1 < n and _ROMAN_RE.match(doc[end + 1].text):
        return end + 2
    if end < n and re.fullmatch(r"[IVX]{1,4}[A-Da-d]?", doc[end].text):
        return end + 1
    return end


#: generic heads that need a named thing before them ("C2 deficiency", not "inherited deficiency"): left to eponym_disease
_BARE_GENERIC = frozenset({"deficiency", "deficiencies", "defect", "defects", "damage", "loss"})
#: ... except after these words, where the pair is a disease mention in NCBI
_GENERIC_PAIRS = frozenset({("genetic", "defect"), ("enzyme", "deficiency"), ("enzyme", "deficiencie")})


@span_lf(labels=["Disease"])
def disease_head_phrase_ncbi(doc):
    """NCBI: the whole modified mention, ``X-linked retinoschisis``, ``male breast cancer``, ``mucopolysaccharidosis IVA``."""
    n = len(doc)
    for tok in doc:
        latin = tok.i + 1 < n and doc[tok.i + 1].lower_ in LATIN_QUALIFIERS and _alpha_word(tok)  # "diabetes insipidus"
        bare = tok.lower_ in _BARE_GENERIC
        if latin or _is_head(tok):
            if not latin and tok.i + 1 < n and _is_head(doc[tok.i + 1]):
                continue  # not the last head word
            start = _extend_left_ncbi(doc, tok.i)
            if bare and tok.i > 0 and (doc[tok.i - 1].lower_, tok.lower_.rstrip("s")) in _GENERIC_PAIRS:
                yield min(start, tok.i - 1), tok.i + 1  # "genetic defect", "enzyme deficiency"
                continue
            if bare and not (start < tok.i - 1 and doc[tok.i - 1].lower_ in DISEASE_MODIFIERS
                             and doc[tok.i - 1].lower_ not in NCBI_MODIFIERS
                             and any(t.lower_ in NCBI_MODIFIERS or t.lower_ in _HYPHEN_SECONDS
                                     for t in doc[start : tok.i - 1])):
                continue  # "non-syndromic hearing loss", but not a bare "inherited deficiency"/"hearing loss"
            end = _ncbi_type_suffix(doc, tok.i + 2 if latin else tok.i + 1)
            if start < tok.i or end > tok.i + 1:
                yield start, end


#: words NCBI does not annotate as a disease on their own
_NCBI_NOT_DISEASE = frozenset({"death", "deaths", "infection", "infections"})


@span_lf(labels=[OUTSIDE])
def not_disease_outside_ncbi(doc):
    """O votes (NCBI): ``death`` and ``infection`` without a disease modifier are not disease mentions."""
    for i, tok in enumerate(doc):
        if tok.lower_ in _NCBI_NOT_DISEASE and (i == 0 or not _ncbi_modifier(doc[i - 1])):
            yield i, i + 1


def _ncbi_keep(doc, s: int, e: int) -> bool:
    """False for one-word matches NCBI does not annotate alone (``death``, ``infection``)."""
    return e - s != 1 or doc[s].lower_ not in _NCBI_NOT_DISEASE


@span_lf(labels=["Disease"])
def dict_core_disease_ncbi(doc, *, core_dict):
    """AutoNER dict_core Disease terms, without the words NCBI does not annotate alone."""
    return dictionary_spans(doc, core_dict, "Disease", keep=_ncbi_keep)


@span_lf(labels=["Disease"])
def icd10cm_terms_ncbi(doc, *, icd_dict):
    """ICD-10-CM disease descriptions, without the words NCBI does not annotate alone."""
    return dictionary_spans(doc, icd_dict, "Disease", keep=_ncbi_keep)


@span_lf(labels=["Disease"])
def disease_lexicon_ncbi(doc, *, disease_dict):
    """The shipped disease lexicon, without the words NCBI does not annotate alone."""
    return dictionary_spans(doc, disease_dict, "Disease", keep=_ncbi_keep)


_SF_RE = re.compile(r"^[A-Z][A-Za-z0-9]{0,3}[A-Z0-9][A-Za-z0-9]{0,4}$")


def _disease_before(doc, lp: int) -> bool:
    """A disease word or eponym ends just before token ``lp`` ("choroideremia (TCD)", "von Hippel-Lindau (VHL)")."""
    if lp == 0:
        return False
    last = doc[lp - 1]
    low = last.lower_
    if low in DISEASE_HEADS or low in EPONYM_HEADS or _disease_like(last) or low in {"dystrophy", "coli"}:
        return True
    return False


@span_lf(labels=["Disease"])
def disease_abbreviation_ncbi(doc):
    """NCBI: a disease abbreviation ``<disease> (SF)`` / ``<eponym> (SF) disease`` labels SF everywhere in the doc.

    ``DMD/BMD`` defines both ``DMD`` and ``BMD``; occurrences before ``gene`` are kept (NCBI annotates them).
    """
    n = len(doc)
    sfs: set[str] = set()
    for i, j in short_parentheses(doc):
        parts = [p for p in re.split(r"\s*(?:/|,|\bor\b|\band\b)\s*", doc[i + 1 : j].text) if p]  # "(DMD, BMD)"
        if not parts or not all(_SF_RE.match(p) for p in parts):
            continue
        if len(parts) > 1 and not all(p.isalpha() and p.isupper() for p in parts):
            continue  # "(DMD, BMD)" names two diseases; "(C2 and C7)" names two proteins
        after = doc[j + 1] if j + 1 < n else None
        eponym_first = after is not None and after.lower_ in EPONYM_HEADS | {"syndrome", "disease"} \
            and _CAP_RE.match(doc[i - 1].text.split("-")[-1] or "x")
        if _disease_before(doc, i) or eponym_first:
            sfs.update(parts)
    if not sfs:
        return
    pattern = r"(?<![\w-])(" + "|".join(re.escape(s) for s in sorted(sfs, key=len, reverse=True)) + r")s?(?![\w])"
    for m in re.finditer(pattern, doc.text):
        span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if span is not None and span.text.rstrip("s") in sfs | {s.rstrip("s") for s in sfs}:
            yield _sf_left(doc, span.start), span.end


#: modifiers of a gene-context abbreviation, not of the disease ("inherited APC mutation", "sporadic APC")
_SF_NOT_MODIFIERS = frozenset({"inherited", "sporadic", "multiple", "congenital"})


def _sf_left(doc, start: int) -> int:
    """Extend an abbreviation over NCBI modifiers and a type before it: ``childhood cerebral ALD``, ``type II GD``."""
    while start > 0:
        prev = doc[start - 1]
        low = prev.lower_
        if low in _NCBI_NOT or low in STOP or low in NOT_MODIFIER or low in _SF_NOT_MODIFIERS:
            break
        if low in NCBI_MODIFIERS or low in DISEASE_MODIFIERS and prev.text.islower() and low != "type":
            start -= 1
        elif start >= 2 and _ROMAN_RE.match(prev.text) and doc[start - 2].lower_ == "type":
            start -= 2
        else:
            break
    return start


@span_lf(labels=["Disease"])
def eponym_short_ncbi(doc):
    """NCBI: an eponym seen with its head (``Lesch-Nyhan syndrome``) is a mention alone too (``Lesch-Nyhan patients``)."""
    names: set[tuple[str, ...]] = set()
    for tok in doc:
        if tok.lower_ not in EPONYM_HEADS:
            continue
        j = tok.i
        while j > 0 and (_CAP_RE.match(doc[j - 1].text) or doc[j - 1].text == "-" or doc[j - 1].lower_ in {"von", "van"}) \
                and doc[j - 1].lower_ not in STOP and tok.i - j < 4:
            j -= 1
        while j < tok.i and doc[j].text == "-":
            j += 1
        words = tuple(t.text for t in doc[j : tok.i])
        if not words or (len(words) == 1 and len(words[0]) < 4) or words[0].lower() in NOT_MODIFIER:
            continue
        if "-" in words or words[0] in {"von", "van"} or len(words) >= 2:
            names.add(words)
    if not names:
        return
    n = len(doc)
    for name in names:
        k = len(name)
        for i in range(n - k + 1):
            if tuple(t.text for t in doc[i : i + k]) == name:
                nxt = doc[i + k] if i + k < n else None
                if nxt is not None and (nxt.lower_ in EPONYM_HEADS or nxt.lower_ in DISEASE_HEADS or nxt.text == "("):
                    continue  # the full mention, voted by the eponym LFs
                yield i, i + k


_CONJ = frozenset({"and", "or", "and/or", "/", ","})


@span_lf(labels=["Disease"])
def coordinated_eponym_ncbi(doc):
    """NCBI: coordinated eponyms sharing a head are one mention: ``Duchenne and Becker muscular dystrophy``."""
    for tok in doc:
        low = tok.lower_
        if low not in EPONYM_HEADS and low not in DISEASE_HEADS:
            continue
        start = _extend_left(doc, tok.i, limit=3)
        e = start
        while e > 0 and (_CAP_RE.match(doc[e - 1].text) or doc[e - 1].text == "-") and doc[e - 1].lower_ not in STOP \
                and start - e < 3:
            e -= 1
        if e == start or e < 2 or doc[e - 1].lower_ not in _CONJ:
            continue
        f = e - 1
        g = f
        while g > 0 and (_CAP_RE.match(doc[g - 1].text) or doc[g - 1].text == "-") and doc[g - 1].lower_ not in STOP \
                and f - g < 3:
            g -= 1
        if g < f and doc[g].text != "-" and not (g == 0 or doc[g - 1].is_sent_end):
            yield g, tok.i + 1



_PAREN_HEADS = frozenset({"deficiency", "deficiencies", "disease", "diseases", "syndrome", "syndromes", "disorder",
                          "dystrophy", "tumor", "tumour", "tumors", "tumours", "cancer", "ataxia", "anemia", "anaemia"})


@span_lf(labels=["Disease"])
def parenthetical_mention_ncbi(doc):
    """NCBI: ``<long form> (SF) <head>`` is one mention: ``glucose-6-phosphate dehydrogenase (G6PD) deficiency``."""
    n = len(doc)
    for ls, le, ss, se in find_abbreviations(doc):
        close = se  # token index of ")"
        if close + 1 < n and doc[close].text == ")" and doc[close + 1].lower_ in _PAREN_HEADS:
            yield ls, close + 2


@span_lf(labels=[OUTSIDE])
def abbreviation_pair_outside_ncbi(doc):
    """O vote (NCBI): the slash between two abbreviations separates two mentions (``VCFS/DGS``, ``SCA3/MJD``)."""
    for i in range(1, len(doc) - 1):
        if doc[i].text == "/" and _SF_RE.match(doc[i - 1].text) and _SF_RE.match(doc[i + 1].text):
            yield i, i + 1


_SYMBOL_RE = re.compile(r"^[A-Z][A-Z0-9]{0,5}[0-9A-Z]$")


_HYPHENATED_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)+$", re.I)  # "glucose-6-phosphate" as one token
#: words before an enzyme name that are not part of it (species, tissue, locus, verbs)
_NOT_ENZYME_WORDS = frozenset({"cause", "causes", "locus", "gene", "genes", "feline", "canine", "murine", "bovine",
                               "fibroblast", "fibroblasts", "cell", "cells", "leukocyte", "leukocytes", "tissue"})


@span_lf(labels=["Disease"])
def deficiency_ncbi(doc):
    """NCBI: ``G6PD-deficient``, ``C5 deficient``, ``deficiency of (the) <enzyme/component ...>``."""
    n = len(doc)
    for i, tok in enumerate(doc):
        low = tok.lower_
        if low == "deficient" and i >= 1:
            j = i - 1
            if doc[j].text == "-" and j >= 1:
                j -= 1
            if _SYMBOL_RE.match(doc[j].text):
                yield j, i + 1
        elif low in {"deficiency", "deficiencies"} and i >= 1 and doc[i - 1].lower_.endswith(("ase", "ases")):
            j = i - 1  # "<enzyme> deficiency": "glucose-6-phosphate dehydrogenase deficiency"
            while j > 0 and i - j < 10:
                prev = doc[j - 1]
                w = prev.lower_
                if prev.text == "-" or _HYPHENATED_RE.match(prev.text) or (prev.is_digit and (j >= 2 and doc[j - 2].text == "-" or doc[j].text == "-")) or (
                        w == "very" and doc[j].text == "-") or (
                        prev.is_alpha and w not in STOP and w not in NOT_MODIFIER and w not in _NOT_ENZYME_WORDS and w not in NCBI_MODIFIERS
                        and w not in _NCBI_NOT and not w.endswith(("ed", "ing")) and (prev.is_lower or len(w) <= 5
                        or prev.i == 0 or doc[prev.i - 1].is_sent_end or doc[prev.i - 1].text == ".")):
                    j -= 1
                else:
                    break
            while j < i and doc[j].text == "-":
                j += 1
            yield _extend_left_ncbi(doc, j, limit=3), i + 1
        elif low in {"deficiency", "deficiencies"} and i + 2 < n and doc[i + 1].lower_ == "of":
            k = i + 2
            if doc[k].lower_ == "the":
                k += 1
            end = None
            for m in range(k, min(n, k + 6)):
                w = doc[m].lower_
                if w.endswith("ase") or w in {"complement", "enzyme"}:
                    end = m + 1
                    if not (m + 2 < n and doc[m + 1].lower_ == "of"):
                        break
                elif not (_alpha_word(doc[m]) or doc[m].text == "-") or (w in STOP and w != "of"):
                    break
            if end is not None:
                yield _extend_left_ncbi(doc, i, limit=2), end


_INITIALS_SF_RE = re.compile(r"^[A-Z]{2,5}$")
#: statistics, units and techniques written in capitals, never a disease
_NOT_DISEASE_SF = frozenset({"SD", "SE", "SEM", "EC", "CI", "OR", "HR", "RR", "DNA", "RNA", "PCR", "CT", "MRI", "MR",
                             "ECG", "EEG", "EMG", "IQ", "USA", "UK", "ID", "NS"})


def _initials_match(doc, i: int, sf: str) -> int | None:
    """End of the words from ``i`` whose initials spell ``sf`` (hyphen parts and ``'s`` skipped), or None."""
    n = len(doc)
    k = 0
    j = i
    while j < n and k < len(sf):
        t = doc[j]
        if t.text in {"-", "'s"}:
            j += 1
            continue
        if not t.is_alpha or t.text[0].upper() != sf[k] or (t.lower_ in STOP and t.lower_ != "von"):
            return None
        k += 1
        j += 1
    return j if k == len(sf) else None


@span_lf(labels=["Disease"])
def disease_initials_ncbi(doc):
    """NCBI: an all-capitals symbol spelled by the initials of a disease name in the same document is that disease.

    ``Huntington's disease`` ... ``the HD gene``; ``Duchenne muscular dystrophy`` ... ``DMD``;
    ``adenomatous polyposis coli`` ... ``APC mutations`` (NCBI annotates disease abbreviations in gene contexts).
    The name must end with a disease head or a Latin qualifier, or be followed by one (``von Hippel-Lindau disease``).
    """
    n = len(doc)
    cands = {t.text for t in doc if _INITIALS_SF_RE.match(t.text) and t.lower_ not in STOP
             and t.text not in _NOT_DISEASE_SF}
    if not cands:
        return
    defined: set[str] = set()
    for sf in cands:
        for i, tok in enumerate(doc):
            if tok.text[:1].upper() != sf[0] or tok.text == sf:
                continue
            end = _initials_match(doc, i, sf)
            if end is None or end - i < 2:
                continue
            last = doc[end - 1]
            nxt = doc[end] if end < n else None
            if _is_head(last) or last.lower_ in LATIN_QUALIFIERS or (
                    nxt is not None and nxt.lower_ in EPONYM_HEADS | _GENERIC_HEADS and any(
                        _CAP_RE.match(t.text) for t in doc[i:end])):
                defined.add(sf)
                break
    for tok in doc:
        if tok.text in defined:
            end = tok.i + 1
            yield tok.i, _ncbi_type_suffix(doc, end) if end < n and doc[end].lower_ == "type" else end  # "ADCA type I"


#: inheritance/onset prefixes NCBI keeps before any disease name (dictionary terms, eponyms, abbreviations)
_PREFIX_WORDS = frozenset({"familial", "hereditary", "congenital", "neonatal", "isolated", "autosomal", "dominant",
                           "recessive", "thyroid", "skin", "x-linked", "idiopathic", "sporadic"})
_ABBR_RE = re.compile(r"^[a-z]?[A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*$")  # vWD, GD, MPS


def _prefix_start(doc, j: int) -> int:
    """Extend left from token ``j`` over NCBI prefixes: ``X-linked``, ``type I``, ``congenital``, ``autosomal recessive``."""
    while j > 0:
        prev = doc[j - 1]
        if j >= 3 and prev.lower_ == "linked" and doc[j - 2].text == "-" and doc[j - 3].text in {"X", "x"}:
            j -= 3
        elif j >= 2 and _ROMAN_RE.match(prev.text) and doc[j - 2].lower_ == "type" and len(prev.text) <= 4:
            j -= 2
        elif prev.lower_ in _PREFIX_WORDS:
            j -= 1
        else:
            break
    return j


@span_lf(labels=["Disease"])
def disease_prefix_ncbi(doc, *, core_dict, icd_dict, disease_dict):
    """NCBI: inheritance/type prefixes before a known disease name are part of the mention.

    ``X-linked Emery-Dreifuss muscular dystrophy``, ``type I von Willebrand disease``, ``type IIA vWD``,
    ``congenital cataracts``, ``neonatal jaundice``, ``thyroid goiter``; yields only spans that gained a prefix.
    """
    cands: set[tuple[int, int]] = set()
    for matcher in (core_dict, icd_dict, disease_dict):
        cands.update(dictionary_spans(doc, matcher, "Disease", keep=_ncbi_keep))
    for tok in doc:
        low = tok.lower_
        if low in EPONYM_HEADS or low in DISEASE_HEADS:  # eponym chain before a head: "Emery-Dreifuss muscular dystrophy"
            j = _extend_left(doc, tok.i, limit=2)
            k = j
            while k > 0 and (_CAP_RE.match(doc[k - 1].text) or doc[k - 1].text == "-"
                             or doc[k - 1].lower_ in {"von", "van"}) and j - k < 5 and doc[k - 1].lower_ not in STOP:
                k -= 1
            while k < j and doc[k].text == "-":
                k += 1
            if k < j:
                cands.add((k, tok.i + 1))
        elif _ABBR_RE.match(tok.text) and tok.i >= 2 and _ROMAN_RE.match(doc[tok.i - 1].text) \
                and doc[tok.i - 2].lower_ == "type":
            cands.add((tok.i, tok.i + 1))  # "type IIA vWD"
    for s, e in cands:
        if e - s == 1 and doc[s].text.isupper() and not (s >= 1 and _ROMAN_RE.match(doc[s - 1].text)):
            continue  # "congenital DM": gene-context abbreviations keep their own LF's modifiers
        start = _prefix_start(doc, s)
        if start < s:
            yield start, e


_EPONYM_WORD_RE = re.compile(r"^(?:Mc|Mac)?[A-Z][a-z]{2,}s?$")


@span_lf(labels=["Disease"])
def eponym_extra_ncbi(doc):
    """NCBI: eponyms the shared LF misses, and their short forms.

    ``McLeod syndrome`` (and ``McLeod`` alone once seen with its head), ``Nijmegen breakage syndrome``
    (a name, one lower-case word, the head), ``fragile X`` once ``fragile X syndrome`` is in the document.
    """
    n = len(doc)
    names: set[tuple[str, ...]] = set()
    for tok in doc:
        if tok.lower_ not in {"syndrome", "disease"} or tok.i < 1:
            continue
        a, b = doc[max(tok.i - 2, 0)], doc[tok.i - 1]
        if b.text.startswith(("Mc", "Mac")) and _EPONYM_WORD_RE.match(b.text) and b.text[2:3].isupper():
            names.add((b.text,))
            yield tok.i - 1, tok.i + 1
        elif tok.i < 2:
            continue
        elif _EPONYM_WORD_RE.match(a.text) and b.is_lower and b.is_alpha and len(b.text) >= 4 \
                and a.lower_ not in STOP and a.lower_ not in NOT_MODIFIER and b.lower_ not in STOP \
                and b.lower_ not in NOT_MODIFIER and not b.lower_.endswith(("ed", "ing")):
            yield tok.i - 2, tok.i + 1  # "Nijmegen breakage syndrome"
        elif len(b.text) == 1 and b.text.isupper() and a.is_lower and a.lower_ in DISEASE_MODIFIERS:
            names.add((a.text, b.text))  # "fragile X syndrome"
    for name in names:
        k = len(name)
        for i in range(n - k + 1):
            if tuple(t.text for t in doc[i : i + k]) == name:
                nxt = doc[i + k] if i + k < n else None
                if nxt is None or (nxt.lower_ not in EPONYM_HEADS and nxt.lower_ not in DISEASE_HEADS):
                    yield i, i + k


# --- the preset ----------------------------------------------------------------------------------

NCBI_EXTRA = ("dict_core_disease_ncbi", "icd10cm_terms_ncbi", "disease_lexicon_ncbi", "disease_head_phrase_ncbi",
              "eponym_disease", "coordinated_disease", "disease_abbreviation_ncbi", "eponym_short_ncbi",
              "not_disease_outside_ncbi", "disease_of_organ", "disease_latin_qualifier",
              "coordinated_eponym_ncbi", "parenthetical_mention_ncbi",
              "abbreviation_pair_outside_ncbi", "deficiency_ncbi", "disease_initials_ncbi",
              "disease_prefix_ncbi", "eponym_extra_ncbi")

#: the corpus's mention classes, scored as one entity type
LABEL_MAP = {
    "SpecificDisease": "Disease",
    "DiseaseClass": "Disease",
    "CompositeMention": "Disease",
    "Modifier": "Disease",
}

PRESET = Preset(
    "ncbi_disease", ("Disease",), DISEASE + NCBI_EXTRA + SHARED,
    "NCBI disease corpus: disease mentions in PubMed abstracts",
    module=__name__, resources=RESOURCES, label_map=LABEL_MAP,
)
