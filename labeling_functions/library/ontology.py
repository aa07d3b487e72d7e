"""Ontology LFs' building block: the terms of a compiled ontology, each typed with a label.

:class:`OntologyTerms` matches every term of an ontology (the bundled ICD-10-CM, or a user's
SNOMED CT / UMLS build from ``clinlabel ontology build``) exactly as the concept matcher does
(same term index, same normalised keys), and types each match with a label from the concept's
*kind* (SNOMED CT semantic tag, UMLS semantic type), its *ancestors* (a hierarchy -> label map)
or its *code* (e.g. the ICD-10-CM chapter letter)::

    snomed = OntologyTerms("mysnomed", kind_labels={"disorder": "Condition", "procedure": "Procedure"})
    snomed.find(doc)   # [(start, end, "Condition", "22298006"), ...]

The term index is built once per process and ontology (about a second for ICD-10-CM) and shared
by every ``OntologyTerms`` of that ontology.
"""

from __future__ import annotations

import threading
from typing import Callable, Mapping

from .terms import doc_keys

_INDEXES: dict[str, object] = {}
_LOCK = threading.Lock()


def term_index(name: str):
    """The concept matcher's term index of ontology ``name`` (built once per process)."""
    with _LOCK:
        idx = _INDEXES.get(name)
        if idx is None:
            from ontologies import registry
            from ontologies.term_index import TermIndex

            idx = _INDEXES[name] = TermIndex.from_ontology(registry.load(name))
        return idx


class OntologyTerms:
    """Typed term matcher over a compiled ontology (see the module doc).

    ``kind_labels`` maps a concept kind to a label; ``ancestor_labels`` maps an ancestor code to a
    label (the nearest typed ancestor wins); ``code_label(code)`` decides from the code alone.
    The first of the three that gives a label types the concept; untyped concepts are not matched.
    ``term_ok(term, kind)`` may drop terms (``kind`` is the term kind: description, inclusion,
    abbreviation, stripped, head, ...).
    """

    def __init__(self, ontology: str, *, kind_labels: Mapping[str, str] | None = None,
                 ancestor_labels: Mapping[str, str] | None = None,
                 code_label: Callable[[str], str | None] | None = None,
                 term_ok: Callable[[str, str], bool] | None = None) -> None:
        self.ontology = ontology
        self.index = term_index(ontology)
        self.kind_labels = {k.lower(): v for k, v in (kind_labels or {}).items()}
        self.ancestor_labels = dict(ancestor_labels or {})
        self.code_label = code_label
        self.term_ok = term_ok
        self._labels: dict[str, str | None] = {}
        self._row_ok: dict[int, bool] = {}
        self._kinds: dict[str, str] | None = None
        self._ont = None
        self._last: tuple = (None, [])

    @property
    def labels(self) -> list[str]:
        out = list(dict.fromkeys([*self.kind_labels.values(), *self.ancestor_labels.values()]))
        return out

    def _concept_kinds(self) -> dict[str, str]:
        if self._kinds is None:
            from ontologies import registry

            self._ont = registry.load(self.ontology)
            self._kinds = {code: (kind or "").lower() for code, kind in self._ont.execute("SELECT code, kind FROM concepts")}
        return self._kinds

    def label_of(self, code: str) -> str | None:
        """The label of concept ``code`` (None: not typed, not matched)."""
        if code in self._labels:
            return self._labels[code]
        label = None
        if self.kind_labels:
            label = self.kind_labels.get(self._concept_kinds().get(code, ""))
        if label is None and self.ancestor_labels:
            self._concept_kinds()
            for anc in [code, *self._ont.ancestors(code)]:
                if anc in self.ancestor_labels:
                    label = self.ancestor_labels[anc]
                    break
        if label is None and self.code_label is not None:
            label = self.code_label(code)
        self._labels[code] = label
        return label

    def _ok(self, row: int) -> bool:
        ok = self._row_ok.get(row)
        if ok is None:
            ok = self._row_ok[row] = self.term_ok is None or bool(self.term_ok(self.index.terms[row], self.index.kinds[row]))
        return ok

    def find(self, doc) -> list[tuple[int, int, str, str]]:
        """Non-overlapping typed matches ``(start, end, label, code)``, longest first (cached for the last Doc)."""
        if self._last[0] is doc:
            return self._last[1]
        out = self._find(doc)
        self._last = (doc, out)
        return out

    def _find(self, doc) -> list[tuple[int, int, str, str]]:
        from .editors import non_overlapping

        dk = doc_keys(doc)
        if not dk.klist:
            return []
        index = self.index
        codes, terms, exact = index.codes, index.terms, index.exact_case
        found: dict[tuple[int, int, str], str] = {}
        toks = dk.toks
        for s, e, row in index.match(dk.klist, all_matches=True):
            start, end = toks[s], toks[e - 1] + 1
            if exact[row] == "1" and "".join(dk.texts[start:end]).rstrip("s") != terms[row].replace(" ", "").rstrip("s"):
                continue  # "MS", "PE", "ALL": only as written in capitals
            code = codes[row]
            label = self.label_of(code)
            if label is None or not self._ok(row):
                continue
            found.setdefault((start, end, label), code)
        kept = non_overlapping(list(found))
        return [(s, e, lab, found[(s, e, lab)]) for s, e, lab in kept]

    def __call__(self, doc, label: str | None = None) -> list[tuple[int, int, str]]:
        return [(s, e, lab) for s, e, lab, _ in self.find(doc) if label is None or lab == label]


__all__ = ["OntologyTerms", "term_index"]
