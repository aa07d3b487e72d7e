"""spaCy ``DocBin`` writer (``.spacy``).

Each Doc is built with :func:`corpora.doc.record_to_doc` (tokens from the record when it has
them, else ``spacy.blank(lang)``'s tokenizer; every span in ``doc.spans["clinlabel"]``).  The
spans of the chosen labels (``ents``: a list or ``"A,B"``; default all) also go to ``doc.ents``,
trimmed of whitespace tokens at their edges and made non-overlapping (``spacy.util.filter_spans``:
longest first, then earliest), so ``python -m spacy train`` with an ``ner`` pipeline learns from
the file as it is; the spans left out of ``doc.ents`` are counted and logged, and stay in
``doc.spans``.  The whole record minus its text is stored as JSON in
``doc.user_data["clinlabel_record"]`` so that every key survives (msgpack would turn lists into
tuples).  A DocBin is serialised in one piece, so this writer holds the Docs of one file in
memory; on an error part-way it still writes the Docs it has.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Iterable, Sequence

from ..readers.docbin import RECORD_KEY
from ._common import blank_nlp, out_file

logger = logging.getLogger(__name__)


def set_ents(doc, span_key: str, labels: set[str] | None) -> int:
    """Put the non-overlapping spans of ``labels`` (all if ``None``) from ``doc.spans[span_key]`` in ``doc.ents``.

    Returns how many spans of those labels could not be entities (overlaps, whitespace only).
    """
    from spacy.util import filter_spans

    chosen = []
    wanted = 0
    for span in doc.spans[span_key] if span_key in doc.spans else []:
        if labels is not None and span.label_ not in labels:
            continue
        wanted += 1
        start, end = span.start, span.end
        while start < end and doc[start].is_space:
            start += 1
        while end > start and doc[end - 1].is_space:
            end -= 1
        if start < end:
            chosen.append(type(span)(doc, start, end, label=span.label, kb_id=span.kb_id))
    ents = filter_spans(chosen)
    doc.set_ents(ents, default="outside")
    return wanted - len(ents)


def write_docbin(records: Iterable[dict[str, Any]], path: str | Path, *, lang: str = "en",
                 ents: Sequence[str] | str | None = None, **_: Any) -> int:
    from spacy.tokens import DocBin

    from ..doc import SPAN_KEY, record_to_doc

    path = out_file(path)
    nlp = blank_nlp(lang)
    labels = {x.strip() for x in ents.split(",") if x.strip()} if isinstance(ents, str) else \
        (set(ents) if ents is not None else None)
    docbin = DocBin(store_user_data=True)
    n = left_out = 0
    try:
        for record in records:
            doc = record_to_doc(record, nlp)
            left_out += set_ents(doc, SPAN_KEY, labels)
            rest = {k: v for k, v in record.items() if k != "text"}
            doc.user_data = {RECORD_KEY: json.dumps(rest, ensure_ascii=False)}
            docbin.add(doc)
            n += 1
    finally:
        docbin.to_disk(path)
    if left_out:
        logger.info("%d spans overlap a longer one (or are whitespace only): kept in doc.spans, not in doc.ents",
                    left_out)
    return n
