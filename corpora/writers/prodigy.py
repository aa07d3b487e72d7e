"""Prodigy JSONL writer: one record per line, flushed as it is written (``ensure_ascii=False``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable

from ..record import set_hashes
from ._common import out_file


def write_prodigy(
    records: Iterable[dict[str, Any]],
    path: str | Path,
    *,
    append: bool = False,
    hashes: bool = False,
    **_: Any,
) -> int:
    """Write ``records`` to ``path`` as JSONL; return how many were written.

    Each line is flushed at once, so if ``records`` raises part-way (a bad input line) every
    record before it is already on disk.  ``hashes`` adds Prodigy's ``_input_hash`` /
    ``_task_hash`` where missing.
    """
    path = out_file(path)
    n = 0
    with open(path, "a" if append else "w", encoding="utf-8", newline="\n") as fh:
        for record in records:
            if hashes:
                set_hashes(record)
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            fh.flush()
            n += 1
    return n
