"""doccano JSONL: ``{"text", "label": [[start, end, label], ...]}`` or, from relation projects,
``{"text", "entities": [{"id", "start_offset", "end_offset", "label"}], "relations": [{"from_id", "to_id", "type"}]}``.

One record per line, streamed.  ``meta`` is the line's ``meta`` object (as clinlabel's doccano
writer puts it) plus every other top-level key doccano exports (its ``id``, ``Comments``,
metadata columns); ``meta.id`` is ``meta.id``, else the line's ``id``, else ``<file stem>:<line>``.
Relations become Prodigy relations with ``head_span`` / ``child_span`` (``start``, ``end``,
``label``).  Bad lines raise ``FILE:LINE:`` errors naming offsets and lengths, never the text.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..errors import IO_MISSING_TEXT, IO_RECORD, ClinlabelError, corpus_error
from ._common import IdTracker, PathLike, check_offsets, empty_error, iter_json_lines, require_file, skip_or_raise

_SPECIAL = ("text", "label", "labels", "entities", "relations", "meta")


def _spans_from_label(value: Any, n_text: int, path, line) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise corpus_error(IO_RECORD, f"\"label\" is {type(value).__name__}, expected a list of [start, end, label]",
                           "write \"label\": [[start, end, \"LABEL\"], ...]", file=path, line=line)
    spans = []
    for i, item in enumerate(value):
        if not (isinstance(item, list) and len(item) == 3 and isinstance(item[2], str)):
            raise corpus_error(IO_RECORD, f"label {i} is not [start, end, \"LABEL\"]",
                               "write each label as a list of two integers and a string", file=path, line=line)
        check_offsets(item[0], item[1], n_text, f"label {i}", file=path, line=line)
        spans.append({"start": item[0], "end": item[1], "label": item[2]})
    return spans


def _entities(value: Any, n_text: int, path, line) -> tuple[list[dict[str, Any]], dict[Any, dict[str, Any]]]:
    if not isinstance(value, list):
        raise corpus_error(IO_RECORD, "\"entities\" is not a list", "write entities as a list of objects",
                           file=path, line=line)
    spans, by_id = [], {}
    for i, ent in enumerate(value):
        if not isinstance(ent, dict) or not isinstance(ent.get("label"), str):
            raise corpus_error(IO_RECORD, f"entity {i} is not an object with a string \"label\"",
                               "write {\"id\", \"start_offset\", \"end_offset\", \"label\"}", file=path, line=line)
        check_offsets(ent.get("start_offset"), ent.get("end_offset"), n_text, f"entity {i}", file=path, line=line)
        span = {"start": ent["start_offset"], "end": ent["end_offset"], "label": ent["label"]}
        spans.append(span)
        if "id" in ent:
            by_id[ent["id"]] = span
    return spans, by_id


def _relations(value: Any, by_id: dict[Any, dict[str, Any]], path, line) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise corpus_error(IO_RECORD, "\"relations\" is not a list", "write relations as a list of objects",
                           file=path, line=line)
    out = []
    for i, rel in enumerate(value):
        if not isinstance(rel, dict) or rel.get("from_id") not in by_id or rel.get("to_id") not in by_id:
            raise corpus_error(IO_RECORD, f"relation {i} does not name two entities of this line (from_id, to_id)",
                               "give from_id / to_id values that are entity ids of the same line", file=path, line=line)
        out.append({"head_span": dict(by_id[rel["from_id"]]), "child_span": dict(by_id[rel["to_id"]]),
                    "label": str(rel.get("type", ""))})
    return out


def doccano_record(obj: Any, path, line: int) -> dict[str, Any]:
    """One doccano line as a record (spans, relations, meta); located errors."""
    if not isinstance(obj, dict):
        raise corpus_error(IO_RECORD, f"expected a JSON object per line, got {type(obj).__name__}",
                           "write one {\"text\": ..., \"label\": [...]} object per line", file=path, line=line)
    text = obj.get("text")
    if not isinstance(text, str):
        raise corpus_error(IO_MISSING_TEXT, "line has no \"text\" string", "every line needs the note under \"text\"",
                           file=path, line=line)
    if "entities" in obj:
        spans, by_id = _entities(obj["entities"], len(text), path, line)
        relations = _relations(obj.get("relations") or [], by_id, path, line)
    else:
        label = obj.get("label", obj.get("labels", []))
        spans = _spans_from_label(label, len(text), path, line)
        relations = []
    meta = dict(obj["meta"]) if isinstance(obj.get("meta"), dict) else {}
    for key, value in obj.items():
        if key not in _SPECIAL:
            meta.setdefault("doccano_id" if key == "id" else key, value)
    rid = meta.get("id", obj.get("id"))
    meta["id"] = f"{path.stem}:{line}" if rid is None or rid == "" else str(rid)
    for span in spans:
        span["text"] = text[span["start"]:span["end"]]
    record: dict[str, Any] = {"text": text, "meta": meta, "spans": spans}
    if relations:
        record["relations"] = relations
    return record


def read_doccano(path: PathLike, *, skip_invalid: bool = False, **_: Any) -> Iterator[dict[str, Any]]:
    """Records of a doccano JSONL export (sequence labelling or relation project)."""
    path = require_file(path)
    ids = IdTracker()
    count = skipped = 0
    for n, obj in iter_json_lines(path):
        try:
            record = doccano_record(obj, path, n)
            ids.check(record, path, n)
        except ClinlabelError as err:
            skipped += 1
            skip_or_raise(err, skip_invalid)
            continue
        count += 1
        yield record
    if count == 0:
        raise empty_error(path, "no records" if not skipped else f"no valid records ({skipped} skipped)",
                          "give a doccano JSONL file with one {\"text\", \"label\"} object per line")
