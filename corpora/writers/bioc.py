"""BioC XML writer (the inverse of :mod:`corpora.readers.bioc`), streamed document by document.

Passages come from ``meta.passages`` (``type``, ``start``, ``end``) when present, else one
passage of type ``text`` holding the whole note; offsets are document offsets.  Each span is an
annotation (``type`` = label, ``kb_id`` under the infon ``id_key``, default ``identifier``;
``infons`` copied), placed in the passage holding its start.  Spans sharing a ``brat_id`` /
``bioc_id`` with ``fragments`` become one annotation with several locations; a span with
``composite_mentions`` is written as a BC5CDR ``CompositeMention`` followed by its
``IndividualMention`` annotations (text only).  Concept relations (``head_kb_id`` /
``child_kb_id``) are written with infons as in BC5CDR; others with ``<node refid role>``.
The closing ``</collection>`` is written even if the input fails part-way.
"""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path
from typing import Any, Iterable
from xml.sax.saxutils import escape, quoteattr

from ..record import record_id
from ._common import logger, out_file


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _esc(text: str) -> str:
    """XML text: ``\r`` as ``&#13;`` (parsers would drop it) and XML-illegal controls as spaces."""
    return escape(_CONTROL.sub(" ", text), {"\r": "&#13;"})


def _infon(key: str, value: Any) -> str:
    return f"<infon key={quoteattr(str(key))}>{escape(str(value))}</infon>"


def _passages(record: dict[str, Any]) -> list[dict[str, Any]]:
    text = record["text"]
    passages = (record.get("meta") or {}).get("passages") or []
    ok = passages and all(
        isinstance(p, dict) and isinstance(p.get("start"), int) and isinstance(p.get("end"), int)
        and 0 <= p["start"] <= p["end"] <= len(text) for p in passages
    )
    return passages if ok else [{"type": "text", "start": 0, "end": len(text)}]


def _document(record: dict[str, Any], n: int, id_key: str) -> str:
    text = record["text"]
    rid = record_id(record) or str(n)
    out = [f"<document>\n<id>{escape(rid)}</id>"]
    for k, v in ((record.get("meta") or {}).get("infons") or {}).items():
        out.append(_infon(k, v))
    passages = _passages(record)
    spans = record.get("spans") or []
    by_passage: list[list[dict[str, Any]]] = [[] for _ in passages]
    for span in spans:
        idx = next((i for i, p in enumerate(passages) if p["start"] <= span["start"] <= p["end"]), len(passages) - 1)
        by_passage[idx].append(span)
    ann_ids: dict[tuple, str] = {}
    next_id = 0
    groups_done: set[tuple] = set()
    for p, pspans in zip(passages, by_passage):
        out.append("<passage>")
        if p.get("type") is not None:
            out.append(_infon("type", p["type"]))
        for k, v in (p.get("infons") or {}).items():
            out.append(_infon(k, v))
        out.append(f"<offset>{p['start']}</offset>")
        out.append(f"<text>{_esc(text[p['start']:p['end']])}</text>")
        for span in pspans:
            group_key = span.get("bioc_id") or span.get("brat_id")
            frags = span.get("fragments")
            if frags and group_key is not None:
                gk = ("group", group_key)
                if gk in groups_done:
                    continue
                groups_done.add(gk)
                locs = [(int(s), int(e)) for s, e in frags]
            else:
                locs = [(span["start"], span["end"])]
            aid = str(next_id)
            next_id += 1
            ann_ids.setdefault((span["start"], span["end"], span.get("label")), aid)
            out.append(f"<annotation id={quoteattr(aid)}>")
            out.append(_infon("type", span.get("label", "")))
            composite = span.get("composite_mentions")
            if composite:
                out.append(_infon("CompositeRole", "CompositeMention"))
            if span.get("kb_id") is not None:
                out.append(_infon(id_key, span["kb_id"]))
            for k, v in (span.get("infons") or {}).items():
                out.append(_infon(k, v))
            for s, e in locs:
                out.append(f"<location offset='{s}' length='{e - s}' />")
            out.append(f"<text>{_esc(' '.join(text[s:e] for s, e in locs))}</text>\n</annotation>")
            if composite:
                parts = str(span.get("kb_id") or "").split("|")
                for j, mention in enumerate(composite):
                    out.append(f"<annotation id={quoteattr(str(next_id))}>")
                    next_id += 1
                    out.append(_infon("type", span.get("label", "")))
                    out.append(_infon("CompositeRole", "IndividualMention"))
                    if len(parts) == len(composite):
                        out.append(_infon(id_key, parts[j]))
                    out.append(f"<text>{_esc(mention)}</text>\n</annotation>")
        out.append("</passage>")
    for r, rel in enumerate(record.get("relations") or []):
        out.append(f"<relation id='R{r}'>")
        head, child = rel.get("head_span") or {}, rel.get("child_span") or {}
        if rel.get("head_kb_id") is not None and rel.get("child_kb_id") is not None:
            hk, ck = head.get("label") or "head", child.get("label") or "child"
            if hk == ck:
                hk, ck = "head", "child"
            out.append(_infon("relation", rel.get("label", "")))
            out.append(_infon(hk, rel["head_kb_id"]))
            out.append(_infon(ck, rel["child_kb_id"]))
        else:
            out.append(_infon("type", rel.get("label", "")))
            for span, role in ((head, rel.get("head_role") or "head"), (child, rel.get("child_role") or "child")):
                ref = ann_ids.get((span.get("start"), span.get("end"), span.get("label")))
                if ref is None:
                    logger.warning("note %s: relation %r names a span that is not in the note; node left out", rid, rel.get("label"))
                    continue
                out.append(f"<node refid={quoteattr(ref)} role={quoteattr(str(role))}/>")
        for k, v in (rel.get("infons") or {}).items():
            out.append(_infon(k, v))
        out.append("</relation>")
    out.append("</document>\n")
    return "\n".join(out)


def write_bioc(
    records: Iterable[dict[str, Any]],
    path: str | Path,
    *,
    id_key: str = "identifier",
    source: str = "clinlabel",
    **_: Any,
) -> int:
    path = out_file(path)
    n = 0
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("<?xml version='1.0' encoding='UTF-8'?><!DOCTYPE collection SYSTEM 'BioC.dtd'>\n<collection>\n")
        fh.write(f"<source>{escape(source)}</source>\n<date>{_dt.date.today().isoformat()}</date>\n<key>clinlabel.key</key>\n")
        try:
            for n, record in enumerate(records, start=1):
                fh.write(_document(record, n, id_key))
                fh.flush()
        finally:
            fh.write("</collection>\n")
    return n
