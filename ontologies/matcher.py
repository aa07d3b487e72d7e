"""``clinlabel_ontology_matcher``: a spaCy component that tags ontology terms in text.

Usage::

    nlp = spacy.blank("en")
    nlp.add_pipe("clinlabel_ontology_matcher", config={"ontology": "icd10cm"})
    doc = nlp("Pt with CHF and type 2 diabetes.")
    [(s.text, s.kb_id_, s._.code, s._.extra["preferred_term"]) for s in doc.spans["clinlabel"]]
    # [('CHF', 'I50.9', 'I50.9', 'Heart failure, unspecified'),
    #  ('type 2 diabetes', 'E11.9', 'E11.9', 'Type 2 diabetes mellitus without complications')]

Each span gets ``label`` (config ``label``), ``kb_id_`` = code, and the clinlabel extensions
``span._.code``, ``span._.system`` (e.g. "ICD-10-CM"), ``span._.score`` (1.0 for a title,
synonym, inclusion term or abbreviation; 0.8-0.95 for a generated variant), ``span._.source`` =
``"clinlabel_ontology_matcher"`` and ``span._.extra = {"preferred_term": <title of the code>,
"matched_term": <term that matched>, "term_kind": <description|inclusion|abbreviation|...>}``.

Matching works on normalised tokens (case, accents, plurals; hyphens, slashes, commas and quotes
are skipped; ``. ; : ! ? ( ) [ ]`` and blank lines stop a match), with hash look-ups of token
n-grams, longest first (see :mod:`ontologies.term_index` for why not Aho-Corasick).  Overlaps: ``"keep"`` drops a match nested inside a
longer one but keeps partly overlapping matches; ``"longest"`` keeps a non-overlapping set,
longest first; ``"all"`` keeps every match.  ``min_length`` (characters of the normalised term)
does not apply to abbreviations that only match in capitals ("MI", "PE").

**Link mode.** With ``link_labels`` (e.g. ``["Condition"]``) the component adds no span: each
existing span in ``doc.spans[span_key]`` with one of those labels and no code yet gets the code of
the longest term match that lies inside it (``span._.code``, ``span._.system`` and the
``preferred_term`` / ``matched_term`` in ``span._.extra``).  The default annotate pipeline uses
it to give the clinical preset's Condition mentions their ICD-10-CM codes for code suggestion.

The index is built from the compiled ontology the first time it is needed (about a second for
ICD-10-CM) and saved with the pipeline (``nlp.to_disk``); ``spacy.load`` reads it back without
rebuilding.  This module imports nothing heavy: spaCy imports it on every ``spacy.blank()``.
"""


from itertools import compress
from pathlib import Path
from typing import Optional

from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokens import Doc, Span

SOURCE = "clinlabel_ontology_matcher"
#: Score of a match by term kind (others 1.0); same as ``ontologies.term_index.KIND_SCORE``.
_KIND_SCORE = {"head": 0.8, "head_without": 0.85, "stripped": 0.95, "inverted": 0.9, "rewrite": 0.9, "index": 0.9}
OVERLAP_MODES = ("keep", "longest", "all")
#: Tokens that end a match (a term never runs across them).
BLOCKERS = frozenset(".;:!?()[]{}|")


@Language.factory(
    "clinlabel_ontology_matcher",
    default_config={
        "ontology": "icd10cm",
        "span_key": "clinlabel",
        "label": "Condition",
        "case_sensitive": False,
        "normalize": True,
        "min_length": 3,
        "overlap": "keep",
        "abbreviations": True,
        "link_labels": [],
    },
)
def make_ontology_matcher(
    nlp: Language,
    name: str,
    *,
    ontology: str = "icd10cm",
    span_key: str = "clinlabel",
    label: str = "Condition",
    case_sensitive: bool = False,
    normalize: bool = True,
    min_length: int = 3,
    overlap: str = "keep",
    abbreviations: bool = True,
    link_labels: list[str] = [],  # noqa: B006 - spaCy config value, never mutated
) -> "OntologyMatcher":
    return OntologyMatcher(nlp, name, ontology=ontology, span_key=span_key, label=label,
                           case_sensitive=case_sensitive, normalize=normalize, min_length=min_length,
                           overlap=overlap, abbreviations=abbreviations, link_labels=link_labels)


class OntologyMatcher:
    """Finds ontology terms in a ``Doc`` and writes them to ``doc.spans[span_key]``."""

    def __init__(self, nlp: Optional[Language] = None, name: str = "clinlabel_ontology_matcher", *,
                 ontology: str = "icd10cm", span_key: str = "clinlabel", label: str = "Condition",
                 case_sensitive: bool = False, normalize: bool = True, min_length: int = 3,
                 overlap: str = "keep", abbreviations: bool = True, link_labels: Optional[list[str]] = None) -> None:
        if overlap not in OVERLAP_MODES:
            raise ValueError(f"overlap={overlap!r} is not one of {OVERLAP_MODES}; use 'keep' (default), 'longest' or 'all'")
        if not isinstance(min_length, int) or min_length < 1:
            raise ValueError(f"min_length={min_length!r} must be a positive integer (characters of a term), e.g. 3")
        if not span_key or not isinstance(span_key, str):
            raise ValueError(f"span_key={span_key!r} must be a non-empty string, e.g. 'clinlabel'")
        self.name = name
        self.ontology = ontology
        self.span_key = span_key
        self.label = label
        self.case_sensitive = case_sensitive
        self.normalize = normalize
        self.min_length = min_length
        self.overlap = overlap
        self.abbreviations = abbreviations
        self.link_labels = frozenset(link_labels or ())
        self._index = None
        self._keys: dict[str, str] = {}
        self._orth_keys: dict[int, str] = {}
        self._setters = None

    # -- index -----------------------------------------------------------------------------------
    @property
    def index(self):
        """The :class:`~ontologies.term_index.TermIndex` (built from the ontology on first use)."""
        if self._index is None:
            from . import registry
            from .term_index import TermIndex

            self._index = TermIndex.from_ontology(registry.load(self.ontology), case_sensitive=self.case_sensitive,
                                                  normalize=self.normalize, min_length=self.min_length,
                                                  abbreviations=self.abbreviations)
        return self._index

    def initialize(self, get_examples=None, *, nlp: Language | None = None) -> None:
        """Build the index now (``nlp.initialize()``), not on the first document."""
        _ = self.index

    def _key(self, text: str) -> str:
        key = self._keys.get(text)
        if key is None:
            from .normalize import norm_token

            if text in BLOCKERS or text.count("\n") >= 2:
                key = "|"
            else:
                key = norm_token(text, self.case_sensitive, self.normalize)
            if len(self._keys) < 500_000:
                self._keys[text] = key
        return key

    # -- matching --------------------------------------------------------------------------------
    def find(self, doc: Doc) -> list[tuple[int, int, int]]:
        """``(start_token, end_token, term_row)`` matches after the overlap policy, in text order."""
        index = self.index
        by_orth = self._orth_keys
        orths = doc.to_array(ORTH).tolist()
        ks = list(map(by_orth.get, orths))
        if None in ks:
            strings = doc.vocab.strings
            for i, k in enumerate(ks):
                if k is None:
                    ks[i] = by_orth[orths[i]] = self._key(strings[orths[i]])
        toks = list(compress(range(len(ks)), ks))  # tokens with a key (not "-", "'s", spaces)
        keys = list(filter(None, ks))
        terms, exact = index.terms, index.exact_case
        found = []
        for s, e, row in index.match(keys, all_matches=self.overlap == "all"):
            start, end = toks[s], toks[e - 1] + 1
            if exact[row] == "1" and doc[start:end].text.rstrip("s") != terms[row].rstrip("s"):
                continue  # "MS", "PE", "ALL": only as written in capitals
            found.append((start, end, row))
        if not found:
            return []
        return _resolve(found, self.overlap)

    def __call__(self, doc: Doc) -> Doc:
        if self._setters is None:
            from corpora.doc import register_extensions

            register_extensions()
            # the extensions' own setters, called directly (no Underscore object per value)
            self._setters = tuple(Span.get_extension(n)[3] for n in ("code", "system", "score", "source", "extra"))
        set_code, set_system, set_score, set_source, set_extra = self._setters
        if self.link_labels:
            return self._link(doc)
        matches = self.find(doc)
        index = self.index
        system = index.meta.get("system", "")
        codes, terms, kinds, preferred = index.codes, index.terms, index.kinds, index.preferred
        label = self.label
        new = []
        for s, e, row in matches:
            code, term, kind = codes[row], terms[row], kinds[row]
            span = Span(doc, s, e, label=label, kb_id=code)
            set_code(span, code)
            set_system(span, system)
            set_score(span, _KIND_SCORE.get(kind, 1.0))
            set_source(span, SOURCE)
            set_extra(span, {"preferred_term": preferred.get(code, term), "matched_term": term, "term_kind": kind})
            new.append(span)
        if self.span_key in doc.spans:
            doc.spans[self.span_key] = list(doc.spans[self.span_key]) + new
        else:
            doc.spans[self.span_key] = new
        return doc

    def _link(self, doc: Doc) -> Doc:
        """Link mode: existing spans of ``link_labels`` without a code get the code of the longest
        term match inside them (ties: the earlier match)."""
        targets = [s for s in doc.spans[self.span_key] if s.label_ in self.link_labels and not s._.code] \
            if self.span_key in doc.spans else []
        if not targets:
            return doc
        set_code, set_system, _, _, _ = self._setters
        index = self.index
        system = index.meta.get("system", "")
        codes, terms, kinds, preferred = index.codes, index.terms, index.kinds, index.preferred
        matches = self.find(doc)
        starts = [m[0] for m in matches]
        import bisect

        for span in targets:
            best = None
            for s, e, row in matches[bisect.bisect_left(starts, span.start):]:
                if s >= span.end:
                    break
                if e <= span.end and (best is None or e - s > best[1] - best[0]):
                    best = (s, e, row)
            if best is None:
                continue
            row = best[2]
            code = codes[row]
            set_code(span, code)
            set_system(span, system)
            extra = dict(span._.extra or {})
            extra.update({"preferred_term": preferred.get(code, terms[row]), "matched_term": terms[row],
                          "term_kind": kinds[row]})
            span._.extra = extra
        return doc

    def pipe(self, stream, batch_size: int = 128):
        for doc in stream:
            yield self(doc)

    # -- persistence -----------------------------------------------------------------------------
    def to_disk(self, path, *, exclude=tuple()) -> None:
        """Save the compiled term index (built now if needed) under ``path``."""
        self.index.to_disk(Path(path) / "index")

    def from_disk(self, path, *, exclude=tuple()) -> "OntologyMatcher":
        """Load a saved index; it must have been built with this component's settings."""
        from .errors import ONT_INDEX, ontology_error
        from .term_index import TermIndex

        index = TermIndex.from_disk(Path(path) / "index")
        mine = {"case_sensitive": self.case_sensitive, "normalize": self.normalize, "min_length": self.min_length}
        if index.settings != mine:
            raise ontology_error(ONT_INDEX, f"saved term index was built with {index.settings}, the component has {mine}",
                                 "use the saved settings in the config, or rebuild the pipeline", file=Path(path))
        self._index = index
        return self


def _resolve(found: list[tuple[int, int, int]], mode: str) -> list[tuple[int, int, int]]:
    found = sorted(set(found), key=lambda m: (m[0], -(m[1] - m[0])))
    if mode == "all":
        return found
    if mode == "longest":
        taken: list[tuple[int, int, int]] = []
        used: set[int] = set()
        for m in sorted(found, key=lambda m: (-(m[1] - m[0]), m[0])):
            if not any(i in used for i in range(m[0], m[1])):
                taken.append(m)
                used.update(range(m[0], m[1]))
        return sorted(taken)
    # keep: drop only matches nested inside a longer (or equal, earlier) match
    out: list[tuple[int, int, int]] = []
    max_end = -1
    for m in found:  # sorted by start, longest first
        if m[1] <= max_end:
            continue  # inside an earlier match that starts at or before it and ends at or after it
        out.append(m)
        max_end = m[1]
    return out
