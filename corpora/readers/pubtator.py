"""PubTator: ``PMID|t|title``, ``PMID|a|abstract``, tab-separated mentions and relations.

Record conventions (shared with the BioC reader, so that both give the same records):

* ``text`` = title + ``" "`` + abstract (just the title when the abstract is empty), so the
  published offsets index ``text`` unchanged; ``meta.id`` = PMID; ``meta.passages`` lists the
  title and abstract as ``{"type", "start", "end"}``.
* a mention ``PMID  start  end  text  type  id`` (its text must match the text at the offsets,
  whitespace aside) is a span with ``label`` = type and
  ``kb_id`` = id (``"-1"`` and composite ids like ``"D014786|D006311"`` kept as published); the
  optional 7th column of composite mentions (``"Ocular toxicity|auditory toxicity"``) becomes
  ``composite_mentions`` (a list of strings).  A mention without an id has no ``kb_id``.
* a relation ``PMID  CID  id1  id2`` becomes a Prodigy relation ``{"label": "CID",
  "head_span", "child_span", "head_kb_id": id1, "child_kb_id": id2}``.  PubTator relations join
  concepts, not mentions, so ``head_span`` / ``child_span`` are the *first mention in document
  order* carrying that id (an exact ``kb_id`` match first, else a composite mention listing it);
  ``null`` when no mention carries it.  The span dicts hold ``start``, ``end``, ``label`` and
  ``kb_id``.  Token indices ``head`` / ``child`` are absent until the record has tokens.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

from ..errors import IO_OFFSETS, IO_PARSE, ClinlabelError, corpus_error
from ._common import IdTracker, PathLike, empty_error, iter_lines, mismatch, require_file, shown, skip_or_raise


_WS = re.compile(r"\s+")


def span_ref(span: dict[str, Any] | None) -> dict[str, Any] | None:
    """The short span dict used as a relation's ``head_span`` / ``child_span``."""
    if span is None:
        return None
    ref = {"start": span["start"], "end": span["end"], "label": span["label"]}
    if span.get("kb_id") is not None:
        ref["kb_id"] = span["kb_id"]
    return ref


def find_concept(spans: list[dict[str, Any]], concept: str) -> dict[str, Any] | None:
    """The first span (in offset order) whose ``kb_id`` is ``concept``, else one listing it."""
    ordered = sorted(spans, key=lambda s: (s["start"], s["end"]))
    for span in ordered:
        if span.get("kb_id") == concept:
            return span
    for span in ordered:
        kb = span.get("kb_id")
        if isinstance(kb, str) and concept in kb.split("|"):
            return span
    return None


def concept_relation(label: str, head: str, child: str, spans: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "label": label,
        "head_span": span_ref(find_concept(spans, head)),
        "child_span": span_ref(find_concept(spans, child)),
        "head_kb_id": head,
        "child_kb_id": child,
        **extra,
    }


def build_text(title: str, abstract: str) -> tuple[str, list[dict[str, Any]]]:
    passages = [{"type": "title", "start": 0, "end": len(title)}]
    if abstract:
        text = f"{title} {abstract}"
        passages.append({"type": "abstract", "start": len(title) + 1, "end": len(text)})
    else:
        text = title
    return text, passages


class _Doc:
    def __init__(self, pmid: str, line: int) -> None:
        self.pmid, self.line = pmid, line
        self.title: str | None = None
        self.abstract: str | None = None
        self.mentions: list[tuple[int, list[str]]] = []
        self.relations: list[tuple[int, list[str]]] = []


def read_pubtator(path: PathLike, *, skip_invalid: bool = False, show_text: bool = False,
                  **_: Any) -> Iterator[dict[str, Any]]:
    """Records of a PubTator file, one document at a time (see the module docstring)."""
    path = require_file(path)
    ids = IdTracker()
    count = 0
    doc: _Doc | None = None
    bad_doc: str | None = None  # pmid of a document being skipped after an error

    def finish(d: _Doc) -> dict[str, Any] | None:
        try:
            record = _to_record(d, path, show_text)
            ids.check(record, path, d.line)
            return record
        except ClinlabelError as err:
            skip_or_raise(err, skip_invalid)
            return None

    for n, line in iter_lines(path):
        line = line.rstrip("\r\n")
        blank = not line.strip()
        pmid = _pmid_of_new_doc(line)
        if doc is not None and (blank or (pmid is not None and pmid != doc.pmid)):
            # a blank line (or, leniently, the next document's title) ends a document
            record = finish(doc)
            doc = None
            if record is not None:
                count += 1
                yield record
        if blank:
            bad_doc = None
            continue
        if bad_doc is not None:
            if line.startswith(bad_doc + "\t") or line.startswith(bad_doc + "|"):
                continue  # rest of a skipped document
            bad_doc = None
        try:
            doc = _parse_line(line, n, path, doc, show_text)
        except ClinlabelError as err:
            skip_or_raise(err, skip_invalid)
            bad_doc = doc.pmid if doc is not None else line.split("|", 1)[0].split("\t", 1)[0]
            doc = None
    if doc is not None:
        record = finish(doc)
        if record is not None:
            count += 1
            yield record
    if count == 0:
        raise empty_error(path, "no PubTator documents", "give lines like PMID|t|title, PMID|a|abstract, then mentions")


def _pmid_of_new_doc(line: str) -> str | None:
    head, sep, rest = line.partition("|")
    if sep and rest[:2] in ("t|", "a|") and "\t" not in head:
        return head
    return None


def _parse_line(line: str, n: int, path: Path, doc: _Doc | None, show_text: bool = False) -> _Doc:
    head, sep, rest = line.partition("|")
    if sep and rest[:2] in ("t|", "a|") and "\t" not in head:
        pmid, kind, value = head, rest[0], rest[2:]
        if doc is None:
            doc = _Doc(pmid, n)
        if kind == "t":
            doc.title = value
        else:
            doc.abstract = value
        return doc
    fields = line.split("\t")
    if doc is None:
        raise corpus_error(
            IO_PARSE, f"annotation line {shown(line, show_text)} before any PMID|t| title line",
            "start each document with PMID|t|title and PMID|a|abstract lines", file=path, line=n,
        )
    if fields[0] != doc.pmid:
        raise corpus_error(
            IO_PARSE, f"line belongs to PMID {fields[0]!r} inside document {doc.pmid}",
            "separate documents with an empty line", file=path, line=n,
        )
    if len(fields) >= 5 and fields[1].isdigit() and fields[2].isdigit():
        doc.mentions.append((n, fields))
    elif len(fields) >= 4 and not fields[1].isdigit():
        doc.relations.append((n, fields))
    else:
        raise corpus_error(
            IO_PARSE, f"cannot read this line ({len(fields)} tab-separated fields) {shown(line, show_text)}",
            "write mentions as PMID<TAB>start<TAB>end<TAB>text<TAB>type<TAB>id and relations as PMID<TAB>type<TAB>id1<TAB>id2",
            file=path, line=n,
        )
    return doc


def _to_record(d: _Doc, path: Path, show_text: bool = False) -> dict[str, Any]:
    if d.title is None:
        raise corpus_error(IO_PARSE, f"document {d.pmid} has no title line",
                           f"add a line {d.pmid}|t|<title>", file=path, line=d.line)
    text, passages = build_text(d.title, d.abstract or "")
    spans = []
    for n, f in d.mentions:
        start, end = int(f[1]), int(f[2])
        if not (0 <= start <= end <= len(text)) or _WS.sub(" ", text[start:end]).strip() != _WS.sub(" ", f[3]).strip():
            what = f"mention at {start}-{end} ({len(f[3])} characters) does not match the text there"
            if 0 <= start <= end <= len(text):
                what += mismatch(f[3], text[start:end], show_text)
            raise corpus_error(
                IO_OFFSETS, what,
                "offsets count characters in title + ' ' + abstract; fix the offsets or the mention text",
                file=path, line=n,
            )
        # the span's text is the text at its offsets (a mention column with stray trailing
        # spaces, as once in the NCBI disease corpus, is accepted: whitespace is not compared)
        span: dict[str, Any] = {"start": start, "end": end, "label": f[4], "text": text[start:end]}
        if len(f) >= 6 and f[5] != "":
            span["kb_id"] = f[5]
        if len(f) >= 7 and f[6] != "":
            span["composite_mentions"] = f[6].split("|")
        if len(f) > 7:
            span["pubtator_extra"] = f[7:]
        spans.append(span)
    relations = []
    for n, f in d.relations:
        extra = {"pubtator_extra": f[4:]} if len(f) > 4 else {}
        relations.append(concept_relation(f[1], f[2], f[3], spans, **extra))
    record: dict[str, Any] = {"text": text, "meta": {"id": d.pmid, "passages": passages}, "spans": spans}
    if relations:
        record["relations"] = relations
    return record
