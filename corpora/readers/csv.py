"""CSV (e.g. an EHR export): one note per row.

The delimiter is sniffed from the header line (``,``, ``;``, TAB or ``|``; TAB for ``.tsv``).
``text_col`` names the note column (default ``text``); ``id_col`` the id column (default ``id``
when present, else ``"<file stem>:<line>"``).  Every other column goes to ``meta`` as a string.
Rows are read one at a time with the standard :mod:`csv` module (quoted fields may span lines).
"""

from __future__ import annotations

import csv
import sys
from typing import Any, Iterator

from ..errors import IO_COLUMN, IO_PARSE, ClinlabelError, corpus_error
from ._common import IdTracker, PathLike, decode_line, empty_error, require_file, skip_or_raise


class _Lines:
    """Decoded lines of a file for :func:`csv.reader`, remembering the current line number."""

    def __init__(self, fh, path) -> None:
        self.fh, self.path, self.n = fh, path, 0

    def __iter__(self):
        for raw in self.fh:
            self.n += 1
            yield decode_line(raw, self.path, self.n)


def _sniff_delimiter(path) -> str:
    """``\t`` for .tsv; else the most frequent of , ; TAB | in the header line (default ,)."""
    if str(path).lower().endswith(".tsv"):
        return "\t"
    with open(path, "rb") as fh:
        header = fh.readline().decode("utf-8", errors="replace")
    counts = {d: header.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(
    path: PathLike,
    *,
    text_col: str | None = None,
    id_col: str | None = None,
    delimiter: str | None = None,
    skip_invalid: bool = False,
    **_: Any,
) -> Iterator[dict[str, Any]]:
    path = require_file(path)
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    ids = IdTracker()
    count = 0
    if delimiter is None:
        delimiter = _sniff_delimiter(path)
    with open(path, "rb") as fh:
        lines = _Lines(fh, path)
        reader = csv.reader(lines, delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            raise empty_error(path, "no header row", "give a CSV file with a header row naming its columns") from None
        header = [h.strip() for h in header]
        text_name = text_col or "text"
        if text_name not in header:
            raise corpus_error(
                IO_COLUMN, f"no column {text_name!r} (columns: {', '.join(header)})",
                "name the note column with --text-col COLUMN", file=path, line=1,
            )
        if id_col is not None and id_col not in header:
            raise corpus_error(
                IO_COLUMN, f"no column {id_col!r} (columns: {', '.join(header)})",
                "name the id column with --id-col COLUMN, or leave it out to number the rows", file=path, line=1,
            )
        id_name = id_col if id_col is not None else ("id" if "id" in header else None)
        t_idx = header.index(text_name)
        i_idx = header.index(id_name) if id_name is not None else None
        start = lines.n + 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as err:
                err = corpus_error(IO_PARSE, f"malformed CSV: {err}", "check the quoting of this row",
                                   file=path, line=lines.n)
                skip_or_raise(err, skip_invalid)
                start = lines.n + 1
                continue
            line, start = start, lines.n + 1
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            try:
                if len(row) != len(header):
                    raise corpus_error(
                        IO_PARSE, f"row has {len(row)} fields, the header has {len(header)}",
                        "quote fields that contain the delimiter or line breaks", file=path, line=line,
                    )
                rid = row[i_idx] if i_idx is not None and row[i_idx] != "" else f"{path.stem}:{line}"
                meta: dict[str, Any] = {"id": rid}
                for j, (h, v) in enumerate(zip(header, row)):
                    if j not in (t_idx, i_idx):
                        meta["column_id" if h == "id" else h] = v
                record = {"text": row[t_idx], "meta": meta}
                ids.check(record, path, line)
            except ClinlabelError as err:
                skip_or_raise(err, skip_invalid)
                continue
            count += 1
            yield record
    if count == 0:
        raise empty_error(path, "no rows", "give a CSV file with a header row and at least one note")
