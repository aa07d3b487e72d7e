"""JSONL in and out for the review commands.

Tasks go in and out through ``corpora.formats`` (``read_corpus`` / ``write_corpus``).  Answer files
are read here instead: a Prodigy ``db-out`` file repeats each note (and its ``meta.id``) once per
annotator, which the corpus reader rightly rejects as duplicate ids.  Same contract otherwise: one
JSON object per line, blank lines skipped, a bad line raises a ``ClinlabelError`` naming file and line.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterator

from corpora.errors import IO_JSON, IO_NOT_FOUND, IO_RECORD, corpus_error


def read_jsonl(path: str | os.PathLike[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line_number, object)`` for each non-blank line of ``path``."""
    p = Path(path)
    if not p.exists():
        raise corpus_error(IO_NOT_FOUND, f"no such file {p}", "check the path", file=p)
    with p.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise corpus_error(IO_JSON, f"malformed JSON ({exc.msg} at column {exc.colno})",
                                   "write one JSON object per line", file=p, line=lineno) from exc
            if not isinstance(obj, dict):
                raise corpus_error(IO_RECORD, f"expected a JSON object, got {type(obj).__name__}",
                                   "write one JSON object per line", file=p, line=lineno)
            yield lineno, obj
