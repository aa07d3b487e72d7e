"""The record: one note in Prodigy's task format, as a plain ``dict``.

clinlabel keeps records as dicts so that keys it does not know (from Prodigy, from a user's own
tooling) survive every round trip.  This module holds the few helpers that give the dict its
shape: building, validating, hashing and span helpers.  See ``docs/CONTRACTS.md``.
"""

from __future__ import annotations

import json
from typing import Any, Mapping

from murmurhash.mrmr import hash as _murmur

from .errors import IO_MISSING_TEXT, IO_OFFSETS, IO_RECORD, corpus_error

#: The span group (``doc.spans[SPAN_KEY]``) that holds target / output spans.
SPAN_KEY = "clinlabel"

#: The five assertion attributes every output span carries as booleans.
ASSERTIONS: tuple[str, ...] = ("negated", "historical", "hypothetical", "family", "uncertain")

#: Record keys with a meaning in clinlabel.
RECORD_KEYS: tuple[str, ...] = (
    "text", "meta", "tokens", "spans", "relations", "answer", "_input_hash", "_task_hash", "codes",
)

INPUT_HASH_KEYS = ("text", "image", "html", "input")
TASK_HASH_KEYS = ("spans", "label", "options", "relations", "codes")


def new_record(text: str, id: str | int, **meta: Any) -> dict[str, Any]:
    """A fresh record with ``text`` and ``meta.id`` (plus any other meta fields)."""
    return {"text": text, "meta": {"id": str(id), **meta}}


def record_id(record: Mapping[str, Any]) -> str | None:
    meta = record.get("meta")
    if isinstance(meta, Mapping) and meta.get("id") is not None:
        return str(meta["id"])
    return None


def _hash(prefix: str, values: Any) -> int:
    return _murmur(prefix + json.dumps(values, sort_keys=True, ensure_ascii=False, default=str))


def set_hashes(record: dict[str, Any], *, overwrite: bool = False) -> dict[str, Any]:
    """Set Prodigy's ``_input_hash`` (from the input text) and ``_task_hash`` (input + task keys).

    Like Prodigy, hashes are signed 32-bit MurmurHash3 values of the JSON of the relevant keys.
    Existing hashes are kept unless ``overwrite``.
    """
    if overwrite or "_input_hash" not in record:
        record["_input_hash"] = _hash("", {k: record[k] for k in INPUT_HASH_KEYS if k in record})
    if overwrite or "_task_hash" not in record:
        task = {k: record[k] for k in TASK_HASH_KEYS if k in record}
        record["_task_hash"] = _hash(str(record["_input_hash"]), task)
    return record



def validate_record(
    record: Any,
    *,
    file: str | None = None,
    line: int | None = None,
    check_offsets: bool = True,
    show_text: bool = False,
) -> dict[str, Any]:
    """Check the shape of ``record``; raise a located :class:`CorpusError` if it is wrong.

    Returns the record (with ``meta`` created if it was absent).  ``meta.id`` is not invented
    here: readers assign ids (file name, line number) because only they know a stable one.
    """
    if not isinstance(record, dict):
        raise corpus_error(
            IO_RECORD, f"expected a JSON object per line, got {type(record).__name__}",
            "write one JSON object ({\"text\": ..., \"meta\": {\"id\": ...}}) per line",
            file=file, line=line,
        )
    text = record.get("text")
    if not isinstance(text, str):
        got = "no \"text\" key" if "text" not in record else f"\"text\" is {type(text).__name__}"
        raise corpus_error(
            IO_MISSING_TEXT, f"record has {got}",
            "every record needs the note as a string under \"text\"", file=file, line=line,
        )
    meta = record.setdefault("meta", {})
    if not isinstance(meta, dict):
        raise corpus_error(
            IO_RECORD, f"\"meta\" must be an object, got {type(meta).__name__}",
            "write meta as {\"id\": ..., ...}", file=file, line=line,
        )
    spans = record.get("spans")
    if spans is not None:
        if not isinstance(spans, list):
            raise corpus_error(IO_RECORD, "\"spans\" must be a list", "write spans as a list of objects",
                               file=file, line=line)
        for i, span in enumerate(spans):
            _check_span(span, text, i, file=file, line=line, check_offsets=check_offsets, show_text=show_text)
    return record


def shown(value: str, show_text: bool) -> str:
    """A piece of note text for a message: its length, quoted too only with ``show_text``
    (``--show-text``): messages reach logs and errors files, which must not hold note text."""
    return f"({len(value)} characters: {value!r})" if show_text else f"({len(value)} characters)"


def mismatch(claimed: str, found: str, show_text: bool) -> str:
    """What an annotation says and what the note has there, for a message: only with ``show_text``."""
    return f" (it says {claimed!r}, the note has {found!r})" if show_text else ""


def _check_span(span: Any, text: str, i: int, *, file, line, check_offsets: bool, show_text: bool = False) -> None:
    if not isinstance(span, dict):
        raise corpus_error(IO_RECORD, f"span {i} is not an object", "write each span as {\"start\", \"end\", \"label\"}",
                           file=file, line=line)
    start, end = span.get("start"), span.get("end")
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
        raise corpus_error(
            IO_RECORD, f"span {i} needs integer \"start\" and \"end\", got {start!r} and {end!r}",
            "give character offsets as integers", file=file, line=line,
        )
    if not (0 <= start <= end <= len(text)):
        raise corpus_error(
            IO_OFFSETS, f"span {i} offsets {start}-{end} fall outside the text (length {len(text)})",
            "fix the offsets or the text so that 0 <= start <= end <= len(text)", file=file, line=line,
        )
    if check_offsets and isinstance(span.get("text"), str) and text[start:end] != span["text"]:
        raise corpus_error(
            IO_OFFSETS,
            f"span {i}'s \"text\" ({len(span['text'])} characters) differs from the note's text at {start}-{end}"
            + mismatch(span["text"], text[start:end], show_text),
            "correct the span's offsets (character offsets into \"text\", end exclusive) or drop its \"text\"",
            file=file, line=line,
        )
