"""doccano JSONL writer: ``{"text", "label": [[start, end, label]], "meta": {...}}`` per line.

Records with relations also get doccano's relation-project keys, ``entities``
(``id``, ``start_offset``, ``end_offset``, ``label``) and ``relations`` (``id``, ``from_id``,
``to_id``, ``type``), so either kind of doccano project imports the file.  doccano keeps
text, span offsets and labels, relations, and ``meta`` (as a metadata column); span scores,
assertions, codes and ``kb_id`` have no place there and are left out.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable

from ._common import out_file


def _key(span: dict[str, Any]) -> tuple:
    return span.get("start"), span.get("end"), span.get("label")


def doccano_line(record: dict[str, Any]) -> dict[str, Any]:
    spans = record.get("spans") or []
    out: dict[str, Any] = {"text": record["text"],
                           "label": [[s["start"], s["end"], str(s.get("label", ""))] for s in spans]}
    relations = record.get("relations") or []
    if relations:
        entities: list[dict[str, Any]] = []
        ids: dict[tuple, int] = {}

        def entity(span: dict[str, Any]) -> int:
            key = _key(span)
            if key not in ids:
                ids[key] = len(entities) + 1
                entities.append({"id": ids[key], "start_offset": span["start"], "end_offset": span["end"],
                                 "label": str(span.get("label", ""))})
            return ids[key]

        for span in spans:
            entity(span)
        rels = []
        for i, rel in enumerate(relations, start=1):
            head, child = rel.get("head_span"), rel.get("child_span")
            if isinstance(head, dict) and isinstance(child, dict):
                rels.append({"id": i, "from_id": entity(head), "to_id": entity(child), "type": str(rel.get("label", ""))})
        out["entities"], out["relations"] = entities, rels
    out["meta"] = record.get("meta") or {}
    return out


def write_doccano(records: Iterable[dict[str, Any]], path: str | Path, **_: Any) -> int:
    path = out_file(path)
    n = 0
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for record in records:
            fh.write(json.dumps(doccano_line(record), ensure_ascii=False) + "\n")
            fh.flush()
            n += 1
    return n
