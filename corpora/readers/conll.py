"""CoNLL / IOB2: one token per line (token first, tag last), a blank line between sentences.

``-DOCSTART-`` lines start a new document; a file without them gives one record per sentence
(as most NER training sets are laid out).  The text is rebuilt from the tokens: tokens joined
by one space, sentences by a line break, so offsets index that text (the original spacing is
not in a CoNLL file).  Tags are ``O``, ``B-TYPE``, ``I-TYPE`` (``E-``/``S-`` of IOBES and IOB1's
``I-`` after ``O`` also start an entity; counted and logged).  clinlabel's writer puts the note
id in the DOCSTART line (``-DOCSTART- -X- ID O``); other files get ``<file stem>:<line>``.
Middle columns (POS, chunk) go to each token's ``conll`` field.  Malformed lines raise
``FILE:LINE:`` errors naming the column count or the tag, never the token.
"""

from __future__ import annotations

import logging
from typing import Any, Iterator
from urllib.parse import unquote

from ..errors import IO_CONLL, ClinlabelError, corpus_error
from ._common import IdTracker, PathLike, empty_error, iter_lines, require_file, skip_or_raise

logger = logging.getLogger(__name__)

DOCSTART = "-DOCSTART-"


def _tag(tag: str, path, line: int) -> tuple[str, str | None]:
    """(prefix, type) of a tag: ("O", None), ("B", "X"), ("I", "X"); E-/S- map to I/B."""
    if tag == "O":
        return "O", None
    prefix, sep, typ = tag.partition("-")
    if not sep or prefix not in ("B", "I", "E", "S") or not typ:
        raise corpus_error(IO_CONLL, f"tag {tag[:40]!r} is not O, B-TYPE or I-TYPE",
                           "write IOB2 tags in the last column (e.g. B-Disease, I-Disease, O)", file=path, line=line)
    return ("B" if prefix == "S" else "I" if prefix == "E" else prefix), typ


class _Doc:
    def __init__(self, rid: str | None, line: int) -> None:
        self.rid, self.line = rid, line
        self.sentences: list[list[tuple[str, str, list[str], int]]] = []
        self.current: list[tuple[str, str, list[str], int]] = []

    def end_sentence(self) -> None:
        if self.current:
            self.sentences.append(self.current)
            self.current = []

    def record(self, path) -> dict[str, Any]:
        self.end_sentence()
        parts: list[str] = []
        tokens: list[dict[str, Any]] = []
        spans: list[dict[str, Any]] = []
        pos = 0
        open_span: dict[str, Any] | None = None
        repaired = 0
        for si, sentence in enumerate(self.sentences):
            if si:
                parts.append("\n")
                pos += 1
                if tokens:
                    tokens[-1]["ws"] = False
            for ti, (word, tag, middle, line) in enumerate(sentence):
                if ti:
                    parts.append(" ")
                    pos += 1
                start, end = pos, pos + len(word)
                tok = {"text": word, "start": start, "end": end, "id": len(tokens), "ws": ti < len(sentence) - 1}
                if middle:
                    tok["conll"] = middle
                tokens.append(tok)
                parts.append(word)
                pos = end
                prefix, typ = _tag(tag, path, line)
                continues = (prefix == "I" and open_span is not None and open_span["label"] == typ and ti > 0)
                if prefix == "O":
                    open_span = None
                elif continues:
                    open_span["end"], open_span["token_end"] = end, tok["id"]
                else:
                    if prefix == "I":
                        repaired += 1
                    open_span = {"start": start, "end": end, "label": typ, "token_start": tok["id"], "token_end": tok["id"]}
                    spans.append(open_span)
            open_span = None
        if repaired:
            logger.info("%s: %d entities began with I- (IOB1 / broken IOB2); read as B-", path, repaired)
        text = "".join(parts)
        for span in spans:
            span["text"] = text[span["start"]:span["end"]]
        rid = self.rid if self.rid is not None else f"{path.stem}:{self.line}"
        return {"text": text, "meta": {"id": rid}, "tokens": tokens, "spans": spans}


def read_conll(path: PathLike, *, skip_invalid: bool = False, **_: Any) -> Iterator[dict[str, Any]]:
    """Records of a CoNLL / IOB2 file (streamed: one document in memory at a time)."""
    path = require_file(path)
    ids = IdTracker()
    count = 0
    has_docstart: bool | None = None
    doc: _Doc | None = None
    bad: ClinlabelError | None = None

    def finish(d: _Doc | None):
        nonlocal count
        if d is None or not (d.sentences or d.current):
            return None
        record = d.record(path)
        ids.check(record, path, d.line)
        count += 1
        return record

    for n, raw in iter_lines(path):
        line = raw.rstrip("\r\n")
        try:
            if has_docstart is None and line.strip():
                has_docstart = line.split()[0] == DOCSTART
            cols = line.split()
            if cols and cols[0] == DOCSTART:
                record = None if bad else finish(doc)
                bad = None
                doc = _Doc(unquote(cols[2]) if len(cols) >= 4 and cols[2] != "-X-" else None, n)
                if record is not None:
                    yield record
                continue
            if not cols:
                if doc is not None:
                    if has_docstart:
                        doc.end_sentence()
                    else:
                        record = None if bad else finish(doc)
                        bad, doc = None, None
                        if record is not None:
                            yield record
                continue
            if bad is not None:
                continue  # the rest of a skipped document
            if len(cols) < 2:
                raise corpus_error(IO_CONLL, f"line has {len(cols)} column, expected TOKEN [...] TAG",
                                   "put the tag in the last column, separated by a space or tab", file=path, line=n)
            _tag(cols[-1], path, n)
            if doc is None:
                doc = _Doc(None, n)
            doc.current.append((cols[0], cols[-1], cols[1:-1], n))
        except ClinlabelError as err:
            skip_or_raise(err, skip_invalid)
            bad = err
            if not has_docstart:
                doc = None
    record = None if bad else finish(doc)
    if record is not None:
        yield record
    if count == 0:
        raise empty_error(path, "no sentences", "give a CoNLL file: one `TOKEN TAG` per line, a blank line per sentence")
