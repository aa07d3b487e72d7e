"""Helpers shared by the readers: located decoding, id bookkeeping, skip-or-raise."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Iterator

from ..errors import (
    IO_DUPLICATE_ID,
    IO_EMPTY,
    IO_ENCODING,
    IO_NOT_FOUND,
    ClinlabelError,
    corpus_error,
)
from ..record import mismatch, record_id, shown  # noqa: F401 - shown/mismatch: used by the readers

logger = logging.getLogger("corpora.readers")

PathLike = str | os.PathLike[str]


def require_file(path: PathLike) -> Path:
    path = Path(path)
    if not path.exists():
        raise corpus_error(
            IO_NOT_FOUND, f"no such file or folder: {path}",
            "check the path (it is read relative to the current directory)", file=path,
        )
    if path.is_dir():
        raise corpus_error(
            IO_NOT_FOUND, f"{path} is a folder, expected a file",
            "give the file itself, or --from txt / --from brat for a folder", file=path,
        )
    return path


def require_dir(path: PathLike) -> Path:
    path = Path(path)
    if not path.exists():
        raise corpus_error(IO_NOT_FOUND, f"no such folder: {path}", "check the path", file=path)
    if not path.is_dir():
        raise corpus_error(
            IO_NOT_FOUND, f"{path} is a file, expected a folder",
            "give the folder that holds the .txt (and .ann) files", file=path,
        )
    return path


def decode_line(raw: bytes, path: PathLike, line: int) -> str:
    """``raw`` as UTF-8 (a leading BOM is dropped), or a located encoding error."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise corpus_error(
            IO_ENCODING,
            f"byte 0x{raw[err.start]:02x} at column {err.start + 1} is not valid UTF-8",
            "save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8 IN > OUT)",
            file=path, line=line,
        ) from None
    if line == 1 and text.startswith("\ufeff"):
        text = text[1:]
    return text


def iter_lines(path: PathLike) -> Iterator[tuple[int, str]]:
    """(line number, decoded line with its line end) for each line of a UTF-8 file, streaming."""
    with open(path, "rb") as fh:
        for n, raw in enumerate(fh, start=1):
            yield n, decode_line(raw, path, n)


def read_text_file(path: PathLike) -> str:
    """A whole UTF-8 file as-is (``\\r\\n`` kept, so character offsets match the file)."""
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        col = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        raise corpus_error(
            IO_ENCODING, f"byte 0x{data[err.start]:02x} at column {col} is not valid UTF-8",
            "save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8 IN > OUT)", file=path, line=line,
        ) from None
    return text[1:] if text.startswith("\ufeff") else text


class IdTracker:
    """Remembers ``meta.id`` values (and where they were seen) to reject duplicates.

    Memory grows with the number of ids (a string and an int each), not with the notes' text.
    """

    def __init__(self) -> None:
        self.seen: dict[str, tuple[str, int | None]] = {}
        self._files = {}

    def check(self, record: dict[str, Any], file: PathLike, line: int | None) -> None:
        rid = record_id(record)
        if rid is None:
            return
        first = self.seen.get(rid)
        if first is not None:
            where = first[0] if first[1] is None else f"{first[0]}:{first[1]}"
            raise corpus_error(
                IO_DUPLICATE_ID, f"duplicate meta.id {rid!r} (first seen at {where})",
                "give every note its own id (or add --skip-invalid to skip the later copy)",
                file=file, line=line,
            )
        self.seen[rid] = (self._intern(file), line)

    def _intern(self, file: PathLike) -> str:
        # one string per file, shared by all its ids
        key = str(file)
        return self._files.setdefault(key, key)


def skip_or_raise(err: ClinlabelError, skip_invalid: bool) -> None:
    """With ``skip_invalid`` log ``err`` as a warning and return; else raise it."""
    if not skip_invalid:
        raise err
    logger.warning("skipped: %s [%s]", err.message, err.code)


def empty_error(path: PathLike, what: str = "no records", fix: str = "") -> ClinlabelError:
    return corpus_error(
        IO_EMPTY, f"{path} holds {what}",
        fix or "give a file with at least one note", file=path,
    )


def iter_json_lines(path: PathLike) -> Iterator[tuple[int, Any]]:
    """(line number, parsed JSON value) for each non-blank line of a JSONL file, streaming.

    Malformed JSON raises a located ``CL-IO004`` naming the column, never the line's content.
    """
    import json

    from ..errors import IO_JSON

    for n, line in iter_lines(path):
        if not line.strip():
            continue
        try:
            yield n, json.loads(line)
        except json.JSONDecodeError as err:
            raise corpus_error(
                IO_JSON, f"malformed JSON at column {err.colno}: {err.msg}",
                "write one complete JSON object per line (check quotes, commas and braces)", file=path, line=n,
            ) from None


def check_offsets(start: Any, end: Any, text_len: int, what: str, *, file: PathLike, line: int | None,
                  fix: str = "give integer character offsets with 0 <= start < end <= the text's length") -> None:
    """Raise a located ``CL-IO007`` when ``start``/``end`` are not valid offsets into a text of ``text_len``.

    The message names the offsets and the length, never the note's text.
    """
    from ..errors import IO_OFFSETS

    ok = (isinstance(start, int) and isinstance(end, int) and not isinstance(start, bool)
          and not isinstance(end, bool) and 0 <= start < end <= text_len)
    if not ok:
        raise corpus_error(IO_OFFSETS, f"{what} has offsets {start!r}-{end!r}, outside a text of length {text_len}",
                           fix, file=file, line=line)
