"""Prodigy JSONL: one task (record) per line.

Streaming: one line in memory at a time.  Errors are raised lazily, when the bad line is reached,
so a consumer has already written every record before it.  ``.jsonl.gz`` is read through
gzip.  A ``.json`` file holding one JSON
array (Prodigy's ``db-out`` can write those) is also accepted; it is loaded whole.
"""

from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path
from typing import Any, Iterator

from ..errors import IO_JSON, IO_PARSE, ClinlabelError, corpus_error
from ..record import validate_record
from ._common import IdTracker, PathLike, decode_line, empty_error, require_file, skip_or_raise


def _finish(record: Any, path: Path, line: int, ids: IdTracker, show_text: bool = False) -> dict[str, Any]:
    record = validate_record(record, file=str(path), line=line, show_text=show_text)
    meta = record["meta"]
    if meta.get("id") is None or meta.get("id") == "":
        meta["id"] = f"{path.stem}:{line}"
    elif not isinstance(meta["id"], str):
        meta["id"] = str(meta["id"])
    ids.check(record, path, line)
    return record


def read_prodigy(path: PathLike, *, skip_invalid: bool = False, show_text: bool = False,
                 **_: Any) -> Iterator[dict[str, Any]]:
    """Records of a Prodigy JSONL file, validated, with ``meta.id`` set.

    A record without ``meta.id`` gets ``"<file stem>:<line>"``; a duplicate id, malformed JSON,
    missing ``text`` or non-UTF-8 bytes raise a located :class:`CorpusError` (or, with
    ``skip_invalid``, are logged and skipped).
    """
    path = require_file(path)
    ids = IdTracker()
    state = {"count": 0, "skipped": 0}
    try:
        yield from _read_lines(path, ids, skip_invalid, state, show_text)
    except (gzip.BadGzipFile, EOFError, zlib.error) as err:
        raise corpus_error(IO_PARSE, f"cannot read the gzip file ({err})",
                           "give a complete .gz file, or an uncompressed .jsonl", file=path) from None
    count, skipped = state["count"], state["skipped"]
    if count == 0:
        raise empty_error(path, "no records" if not skipped else f"no valid records ({skipped} skipped)",
                          "give a JSONL file with one {\"text\": ...} object per line")


def _read_lines(path: Path, ids: IdTracker, skip_invalid: bool, state: dict[str, int],
                show_text: bool = False) -> Iterator[dict[str, Any]]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as fh:
        first = _peek_nonspace(fh)
        if first == b"[":
            for record in _read_json_array(path, ids, skip_invalid, show_text):
                state["count"] += 1
                yield record
            return
        fh.seek(0)
        for n, raw in enumerate(fh, start=1):
            try:
                line = decode_line(raw, path, n)
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as err:
                    raise corpus_error(
                        IO_JSON, f"malformed JSON at column {err.colno}: {err.msg}",
                        "write one complete JSON object per line (check quotes, commas and braces)",
                        file=path, line=n,
                    ) from None
                record = _finish(obj, path, n, ids, show_text)
            except ClinlabelError as err:
                state["skipped"] += 1
                skip_or_raise(err, skip_invalid)
                continue
            state["count"] += 1
            yield record


def _peek_nonspace(fh) -> bytes:
    while True:
        ch = fh.read(1)
        if not ch or not ch.isspace():
            return ch


def _read_json_array(path: Path, ids: IdTracker, skip_invalid: bool, show_text: bool = False) -> Iterator[dict[str, Any]]:
    from ._common import read_text_file

    text = read_text_file(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise corpus_error(IO_JSON, f"malformed JSON at column {err.colno}: {err.msg}",
                           "fix the JSON array, or write JSONL (one object per line)",
                           file=path, line=err.lineno) from None
    count = 0
    for i, obj in enumerate(data, start=1):
        try:
            record = _finish(obj, path, i, ids, show_text)
        except ClinlabelError as err:
            skip_or_raise(err, skip_invalid)
            continue
        count += 1
        yield record
    if count == 0:
        raise empty_error(path)
