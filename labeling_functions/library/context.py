"""ConText for labelling functions: the assertions of candidate spans, asked from inside an LF.

In a pipeline, ConText (``clinlabel_context``) runs *after* the weak labels, on the aggregated
spans.  An LF that needs to know whether a candidate is negated, historical, hypothetical,
experienced by a relative or uncertain asks here::

    from labeling_functions.library.context import assertions

    @span_lf(labels=["FamilyCondition"])
    def relatives_conditions(doc, *, condition_terms):
        found = condition_terms(doc)
        return [(s, e, "FamilyCondition") for (s, e, _), attrs in zip(found, assertions(doc, found))
                if "family" in attrs]

The engine, its rules and its switches are those of ``clinlabel_context`` with its defaults; it
uses the Doc's sentences and sections when the pipeline set them (``annotate`` and ``lf analyze``
run sentences and sections before the LFs).  The candidates are evaluated on a scratch span group
that is removed afterwards; nothing the LF asks about reaches the output.
"""

from __future__ import annotations

from typing import Iterable, Sequence

#: the five assertion attributes, in the record's order
ATTRIBUTES = ("negated", "historical", "hypothetical", "family", "uncertain")
_SCRATCH = "_lf_context"
#: span ids of the scratch spans: far from the ids records give their own spans (1, 2, ...)
_ID_BASE = 1 << 40
_ENGINES: dict[int, object] = {}


def _engine(doc):
    """One ConText engine per vocabulary (its matchers hold the vocab's strings)."""
    key = id(doc.vocab)
    engine = _ENGINES.get(key)
    if engine is None:
        import spacy

        from corpora.tokenizer import customize_tokenizer
        from nlp_pipeline.context import ClinicalContext

        nlp = customize_tokenizer(spacy.blank("en", vocab=doc.vocab))
        engine = _ENGINES[key] = ClinicalContext(nlp, "lf_context", span_key=_SCRATCH,
                                                 use_sections="sections" in doc.spans, skip_labels=())
    engine.use_sections = "sections" in doc.spans
    return engine


def assertions(doc, spans: Iterable[Sequence]) -> list[frozenset[str]]:
    """The assertion attributes ConText gives each ``(start, end[, label])`` token span of ``doc``."""
    from spacy.tokens import Span

    from corpora.doc import register_extensions

    register_extensions()
    items = [tuple(s) for s in spans]
    if not items:
        return []
    scratch = [Span(doc, s[0], s[1], label=str(s[2]) if len(s) > 2 else "Condition", span_id=_ID_BASE + i)
               for i, s in enumerate(items)]
    doc.spans[_SCRATCH] = scratch
    try:
        _engine(doc)(doc)
        group = doc.spans[_SCRATCH]
        out = [frozenset(a for a in ATTRIBUTES if getattr(span._, a)) for span in group]
    finally:
        del doc.spans[_SCRATCH]
    return out


__all__ = ["ATTRIBUTES", "assertions"]
