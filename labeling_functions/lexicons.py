"""Lexicon resources and a fast token-aligned term matcher (pyahocorasick).

General lexicons ship inside the package (``labeling_functions/resources``, loaded with
``importlib.resources``) or come from installed packages:

* The drug names of the ``drug-named-entity-recognition`` package (MIT; DrugBank open data,
  NHS, MeSH and Wikipedia names).
* ICD-10-CM descriptions (US public domain) from ``ontologies`` when it is installed, else from
  ``simple-icd-10-cm``.
* A small disease lexicon written by hand (``disease_terms.txt``).

A corpus's own dictionaries load in its preset: AutoNER's BC5CDR ``dict_core`` (Apache-2.0,
``AUTONER_LICENSE.txt``) in ``labeling_functions.presets._pubmed``.  AutoNER's ``dict_full`` is
deliberately NOT shipped: it holds 97% of the distinct gold mentions of the BC5CDR training *and*
development sets, i.e. it was harvested from the corpus annotations, and using it would leak hand
labels.

Every loader is cached per process.
"""

from __future__ import annotations

import functools
import logging
import re
from importlib.resources import files
from typing import Iterable, Iterator, Mapping

logger = logging.getLogger(__name__)

_RES = "labeling_functions.resources"


def read_resource_lines(name: str) -> list[str]:
    text = (files(_RES) / name).read_text(encoding="utf-8")
    return [line.rstrip("\n") for line in text.splitlines() if line.strip() and not line.startswith("#")]


def normalise(term: str) -> str:
    """Lower-case and close up AutoNER's tokenised spacing (``( R)-alpha - x`` -> ``(r)-alpha-x``)."""
    term = term.strip().lower()
    term = re.sub(r"\s*([-/(),'])\s*", r"\1", term)
    term = re.sub(r"\s+", " ", term)
    return term


class TermMatcher:
    """Case-insensitive dictionary matcher whose matches start and end on token boundaries.

    Matching runs on the doc text with spacing closed up around punctuation (so ``5-FU``,
    ``5 - FU`` and ``5-fu`` all match), then maps back to tokens.  Overlaps resolve to the longest
    leftmost match.
    """

    def __init__(self, terms: Mapping[str, str] | Iterable[tuple[str, str]], *, min_len: int = 2,
                 case_sensitive_upto: int = 0) -> None:
        import ahocorasick

        items = terms.items() if isinstance(terms, Mapping) else terms
        self.automaton = ahocorasick.Automaton()
        self.size = 0
        #: every spelling of a short (case-sensitive) key, e.g. both "Dex" and "dex"
        self._spellings: dict[str, set[str]] = {}
        #: short terms (<= this many chars) must match case exactly (abbreviations like "PD")
        self.case_sensitive_upto = case_sensitive_upto
        for term, label in items:
            key = normalise(term)
            if len(key) < min_len:
                continue
            if key in self.automaton:
                prev = self.automaton.get(key)
                if prev[0] == label and len(key) <= case_sensitive_upto:
                    self._spellings.setdefault(key, {prev[1].replace(" ", "")}).add(term.strip().replace(" ", ""))
                continue  # keep the first type given for an ambiguous term
            self.automaton.add_word(key, (label, term.strip()))
            self.size += 1
        if self.size:
            self.automaton.make_automaton()

    def __len__(self) -> int:
        return self.size

    @staticmethod
    def _compact(doc) -> tuple[str, list[int], list[int]]:
        """Doc text, lower-cased, tokens joined by one space except around punctuation."""
        parts: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        pos = 0
        prev_glue = True
        for tok in doc:
            text = tok.text.lower()
            glue = bool(re.fullmatch(r"[-/(),']", text))
            if parts and not glue and not prev_glue and not tok.is_space:
                parts.append(" ")
                pos += 1
            starts.append(pos)
            if tok.is_space:
                text = ""
            parts.append(text)
            pos += len(text)
            ends.append(pos)
            prev_glue = glue
        return "".join(parts), starts, ends

    def matches(self, doc) -> list[tuple[int, int, str]]:
        """``(start_token, end_token, label)`` of the longest leftmost matches."""
        if not self.size or not len(doc):
            return []
        text, starts, ends = self._compact(doc)
        start_tok = {s: i for i, s in enumerate(starts) if not doc[i].is_space}
        end_tok = {e: i + 1 for i, e in enumerate(ends) if not doc[i].is_space}
        found = []
        for end_char, (label, original) in self.automaton.iter(text):
            end = end_char + 1
            key_len = len(normalise(original))
            start = end - key_len
            if start not in start_tok or end not in end_tok:
                continue
            s, e = start_tok[start], end_tok[end]
            if e <= s:
                continue
            if key_len <= self.case_sensitive_upto:
                surface = doc[s:e].text.replace(" ", "")
                if surface != original.replace(" ", "") and surface not in self._spellings.get(normalise(original), ()):
                    continue
            found.append((s, e, label))
        found.sort(key=lambda m: (m[0], -(m[1] - m[0])))
        out, last = [], -1
        for s, e, label in found:
            if s >= last:
                out.append((s, e, label))
                last = e
        return out

    def __call__(self, doc, label: str | None = None) -> Iterator[tuple[int, int, str]]:
        for s, e, lab in self.matches(doc):
            if label is None or lab == label:
                yield s, e, lab


# --- loaders ---------------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def disease_terms() -> tuple[str, ...]:
    """The shipped disease lexicon (``disease_terms.txt``): frequent disease, sign and symptom names."""
    return tuple(read_resource_lines("disease_terms.txt"))


def read_gz_resource_lines(name: str) -> list[str] | None:
    import gzip

    res = files(_RES) / name
    if not res.is_file():
        return None
    with gzip.open(res.open("rb"), "rt", encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f if line.strip() and not line.startswith("#")]


@functools.lru_cache(maxsize=None)
def drug_names(from_package: bool = False) -> frozenset[str]:
    """Lower-cased drug names and synonyms from ``drug-named-entity-recognition``.

    Read from the shipped extract ``drug_names.txt.gz`` (``python -m labeling_functions.build_lexicons``)
    unless ``from_package``.
    """
    if not from_package:
        lines = read_gz_resource_lines("drug_names.txt.gz")
        if lines is not None:
            return frozenset(lines)
    try:
        from drug_named_entity_recognition import drugs_finder
    except Exception as exc:  # pragma: no cover - package is a pinned dependency
        logger.warning("drug-named-entity-recognition unavailable (%s); drug list LF is empty", exc)
        return frozenset()
    names = set(drugs_finder.drug_variant_to_canonical)
    return frozenset(n for n in names if len(n) >= 4 and not n.isdigit())


_ICD_SKIP = re.compile(
    r"\b(unspecified|other|encounter|sequela|subsequent|initial|without|with|due to|in diseases|"
    r"classified|elsewhere|not elsewhere|status|history|personal|family|screening|examination)\b",
    re.I,
)


@functools.lru_cache(maxsize=None)
def icd10cm_disease_terms(max_words: int = 4, from_package: bool = False) -> frozenset[str]:
    """Short ICD-10-CM disease descriptions (chapters A-N, Q, R except injuries/external causes).

    Read from the shipped extract ``icd10cm_disease_terms.txt.gz`` unless ``from_package``; that
    extract is built with ``ontologies.load("icd10cm")`` when the ontologies package provides it,
    else with ``simple-icd-10-cm``.
    """
    if not from_package and max_words == 4:
        lines = read_gz_resource_lines("icd10cm_disease_terms.txt.gz")
        if lines is not None:
            return frozenset(lines)
    descriptions: list[tuple[str, str]] = []
    try:
        import ontologies  # type: ignore

        onto = ontologies.load("icd10cm")
        # (key, term, code, kind): titles, synonyms and inclusion terms, each key once
        descriptions = [(str(code).replace(".", ""), str(term)) for _key, term, code, _kind in onto.match_terms()]
    except Exception as exc:
        logger.debug("ontologies.load('icd10cm') unavailable (%s); using simple-icd-10-cm", exc)
        descriptions = []
    if not descriptions:
        try:
            import simple_icd_10_cm as cm
        except Exception:  # pragma: no cover
            return frozenset()
        for code in cm.get_all_codes(with_dots=False):
            try:
                descriptions.append((code, cm.get_description(code)))
            except Exception:
                continue
    out: set[str] = set()
    for code, desc in descriptions:
        if not code or code[0] not in "ABCDEFGHIJKLMNQR":
            continue
        desc = re.sub(r"\s*\[[^\]]*\]", "", desc).strip()
        desc = re.sub(r"\s+nos$", "", desc, flags=re.I)
        if _ICD_SKIP.search(desc) or "," in desc or "(" in desc or re.search(r"\d", desc):
            continue
        if re.search(r"\b(left|right|bilateral|unilateral|care|investigation|nos)\b", desc, re.I):
            continue
        if len(desc.split()) <= max_words and len(desc) >= 5:
            out.add(desc.lower())
    return frozenset(out)
