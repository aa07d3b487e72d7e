"""UIMA CAS XMI writer (``--to xmi``): a folder of ``<id>.xmi`` files and ``TypeSystem.xml``.

The layout INCEpTION's "UIMA CAS XMI" import reads; the mapping is in :mod:`corpora.xmi`.
Sentences and tokens (whitespace left out) come from the record's tokens, else
``spacy.blank("en")``; sentences end where CoNLL's do.  XMI keeps text, ``meta.id``, spans
(label, ``kb_id``/``code`` as identifier, assertion flags, score) and relations; other meta,
span keys and record keys are lost.  Files are written one by one (0600: they hold the note).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable

from ..record import ASSERTIONS, record_id
from ..xmi import DOCUMENT_META, NAMED_ENTITY, RELATION, SENTENCE, TOKEN, TYPESYSTEM_FILE, typesystem
from ._common import NameKeeper, out_dir
from .conll import _tokens, sentences


def _write_private(path: Path, data: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(data)


def record_cas(record: dict[str, Any], ts, *, lang: str = "en"):
    """A ``cassis.Cas`` for ``record`` over type system ``ts``."""
    from cassis import Cas

    text = record["text"]
    cas = Cas(typesystem=ts)
    cas.sofa_string = text
    rid = record_id(record) or ""
    Meta, Sentence, Token = ts.get_type(DOCUMENT_META), ts.get_type(SENTENCE), ts.get_type(TOKEN)
    NE, Rel = ts.get_type(NAMED_ENTITY), ts.get_type(RELATION)
    cas.add(Meta(begin=0, end=len(text), documentId=rid, documentTitle=rid, isLastSegment=False))
    tokens = _tokens(record, lang)
    for sent in sentences(tokens, text):
        cas.add(Sentence(begin=tokens[sent[0]]["start"], end=tokens[sent[-1]]["end"]))
        for i in sent:
            cas.add(Token(begin=tokens[i]["start"], end=tokens[i]["end"]))
    entities: dict[tuple, Any] = {}

    def entity(span: dict[str, Any]):
        key = (span["start"], span["end"], str(span.get("label", "")))
        if key not in entities:
            ident = span.get("kb_id") if span.get("kb_id") not in (None, "") else span.get("code")
            fs = NE(begin=span["start"], end=span["end"], value=key[2],
                    identifier=None if ident in (None, "") else str(ident))
            for name in ASSERTIONS:
                if isinstance(span.get(name), bool):
                    fs.set(name, span[name])
            if isinstance(span.get("score"), (int, float)) and not isinstance(span.get("score"), bool):
                fs.set("score", float(span["score"]))
            cas.add(fs)
            entities[key] = fs
        return entities[key]

    for span in record.get("spans") or []:
        entity(span)
    for rel in record.get("relations") or []:
        head, child = rel.get("head_span"), rel.get("child_span")
        if isinstance(head, dict) and isinstance(child, dict):
            gov, dep = entity(head), entity(child)
            cas.add(Rel(begin=dep.begin, end=dep.end, Governor=gov, Dependent=dep, label=str(rel.get("label", ""))))
    return cas


def write_xmi(records: Iterable[dict[str, Any]], path: str | Path, *, lang: str = "en", **_: Any) -> int:
    folder = out_dir(path)
    ts = typesystem()
    _write_private(folder / TYPESYSTEM_FILE, ts.to_xml())
    names = NameKeeper(folder)
    n = 0
    for record in records:
        name = names.name(record, n + 1)
        _write_private(folder / f"{name}.xmi", record_cas(record, ts, lang=lang).to_xmi())
        n += 1
    return n
