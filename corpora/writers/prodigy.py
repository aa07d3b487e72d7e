"""Prodigy JSONL writer: one record per line, flushed as it is written (``ensure_ascii=False``)."""

from __future__ import annotations

import gzip
import json
from bisect import bisect_right
from pathlib import Path
from typing import Any, Iterable

from ..record import set_hashes
from ._common import blank_nlp, out_file


def add_tokens(record: dict[str, Any], lang: str = "en") -> dict[str, Any]:
    """Give ``record`` Prodigy's token fields, in place, and return it.

    ``tokens`` (from ``spacy.blank(lang)``'s tokenizer unless the record has them), then
    ``token_start`` / ``token_end`` (inclusive) on spans and on relation ``head_span`` /
    ``child_span`` where missing, and the relation's ``head`` / ``child`` = the *last* token of
    that span, as Prodigy's relations interface expects.  Spans keep their character offsets.
    """
    tokens = record.get("tokens")
    if not tokens:
        doc = blank_nlp(lang).make_doc(record["text"])
        tokens = [{"text": t.text, "start": t.idx, "end": t.idx + len(t.text), "id": t.i, "ws": bool(t.whitespace_)}
                  for t in doc]
        record["tokens"] = tokens
    starts = [t["start"] for t in tokens]

    def token_range(span: dict[str, Any]) -> tuple[int, int] | None:
        s, e = span.get("start"), span.get("end")
        if not isinstance(s, int) or not isinstance(e, int) or e <= s or not starts:
            return None
        return max(bisect_right(starts, s) - 1, 0), max(bisect_right(starts, e - 1) - 1, 0)

    for span in record.get("spans") or []:
        if "token_start" not in span:
            r = token_range(span)
            if r is not None:
                span["token_start"], span["token_end"] = r
    for rel in record.get("relations") or []:
        for key, idx in (("head_span", "head"), ("child_span", "child")):
            span = rel.get(key)
            if not isinstance(span, dict):
                continue
            if "token_start" not in span:
                r = token_range(span)
                if r is not None:
                    span["token_start"], span["token_end"] = r
            if idx not in rel and "token_end" in span:
                rel[idx] = span["token_end"]
    return record


def write_prodigy(
    records: Iterable[dict[str, Any]],
    path: str | Path,
    *,
    append: bool = False,
    hashes: bool = False,
    tokens: bool = False,
    lang: str = "en",
    **_: Any,
) -> int:
    """Write ``records`` to ``path`` as JSONL; return how many were written.

    Each line is flushed at once, so if ``records`` raises part-way (a bad input line) every
    record before it is already on disk (a ``.gz`` path is written through gzip, flushed per
    record as well).  ``hashes`` adds Prodigy's ``_input_hash`` /
    ``_task_hash`` where missing; ``tokens`` adds Prodigy's token fields (:func:`add_tokens`).
    """
    path = out_file(path)
    n = 0
    mode = "a" if append else "w"
    if path.name.endswith(".gz"):
        fh_cm = gzip.open(path, mode + "t", encoding="utf-8", newline="\n")
    else:
        fh_cm = open(path, mode, encoding="utf-8", newline="\n")
    with fh_cm as fh:
        for record in records:
            if tokens:
                add_tokens(record, lang)
            if hashes:
                set_hashes(record)
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            fh.flush()
            n += 1
    return n
