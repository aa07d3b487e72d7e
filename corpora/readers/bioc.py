"""BioC XML, streamed: one ``<document>`` in memory at a time.

The file is fed to :class:`xml.etree.ElementTree.XMLPullParser` line by line, so each document
is turned into a record (and dropped from the tree) as soon as its end tag is read, and errors
name the line they are on.  The parser is ``defusedxml``'s: an ``<!ENTITY>`` declaration (the
"billion laughs" expansion bomb, or an external entity that reads a local file or a URL) is
refused with a located error, and nothing is ever fetched (BioC's ``<!DOCTYPE collection SYSTEM
"BioC.dtd">`` is allowed and not loaded).  Records follow the PubTator reader's conventions (see
:mod:`corpora.readers.pubtator`), so a BC5CDR document gives the same record in both formats:

* passages are placed at their published ``offset`` in the document text; a gap between
  passages is filled with spaces (title at 0, abstract at len(title)+1 gives title + " " +
  abstract).  If a passage's offset lies *before* the end of the previous one (passage-relative
  offsets), it is appended after one space and its annotations are shifted with it;
  ``meta.passages`` then holds ``bioc_offset`` (the published one) beside ``start``.
* an annotation is a span: ``label`` = infon ``type``, ``kb_id`` = infon ``identifier`` (or
  ``MESH`` / ``MeSH``); other infons go to the span's ``infons``.  BC5CDR composite mentions:
  the ``CompositeMention`` is the span, the following ``IndividualMention`` annotations add their
  text to its ``composite_mentions`` (as PubTator's 7th column does).  Another annotation with
  several locations gives one span per location sharing ``bioc_id`` with the full
  ``fragments`` list ``[[start, end], ...]`` on each.
* a relation with ``<node refid role>`` children joins the annotations it names (first node =
  head, second = child; roles in ``head_role`` / ``child_role``).  A relation with only infons
  (BC5CDR: ``relation=CID, Chemical=D…, Disease=D…``) joins concepts as in PubTator.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from pathlib import Path
from typing import Any, Iterator

from ..errors import IO_OFFSETS, IO_PARSE, ClinlabelError, corpus_error
from ._common import IdTracker, PathLike, decode_line, empty_error, mismatch, require_file, shown, skip_or_raise
from .pubtator import concept_relation, span_ref

ID_KEYS = ("identifier", "Identifier", "MESH", "MeSH")
_WS = re.compile(r"\s+")


def _infons(elem: ET.Element) -> dict[str, str]:
    return {i.get("key", ""): (i.text or "") for i in elem.findall("infon")}


def _safe_pull_parser() -> ET.XMLPullParser:
    """A pull parser that refuses entity declarations and external entities (never expands or fetches)."""
    safe = DefusedXMLParser(target=ET.TreeBuilder(), forbid_dtd=False, forbid_entities=True, forbid_external=True)
    return ET.XMLPullParser(events=("start", "end"), _parser=safe)


def read_bioc(path: PathLike, *, skip_invalid: bool = False, show_text: bool = False,
              **_: Any) -> Iterator[dict[str, Any]]:
    """Records of a BioC XML collection, one ``<document>`` at a time."""
    path = require_file(path)
    ids = IdTracker()
    parser = _safe_pull_parser()
    collection: ET.Element | None = None
    check_utf8 = True
    count = 0
    doc_line = 1
    n = 0
    with open(path, "rb") as fh:
        for n, raw in enumerate(fh, start=1):
            if n == 1:
                m = re.search(rb"encoding=['\"]([^'\"]+)['\"]", raw)
                check_utf8 = m is None or m.group(1).lower().replace(b"_", b"-") in (b"utf-8", b"utf8")
            if check_utf8:
                decode_line(raw, path, n)
            try:
                parser.feed(raw)
                events = list(parser.read_events())
            except ET.ParseError as err:
                line = err.position[0] if getattr(err, "position", None) else n
                raise corpus_error(IO_PARSE, f"malformed XML: {err.msg if hasattr(err, 'msg') else err}",
                                   "fix the XML (every tag closed, & written as &amp;)",
                                   file=path, line=line) from None
            except DefusedXmlException as err:
                raise corpus_error(IO_PARSE, f"the XML declares an entity or refers to an external one ({type(err).__name__}); "
                                   "entity expansion is off (an entity can blow a small file up into gigabytes of text, "
                                   "or read another file or a URL)",
                                   "remove the <!ENTITY ...> declarations (BioC needs none) and write &amp; &lt; &gt; "
                                   "for special characters", file=path, line=n) from None
            for event, elem in events:
                if event == "start":
                    if elem.tag == "collection" and collection is None:
                        collection = elem
                    elif elem.tag == "document":
                        doc_line = n
                    continue
                if elem.tag != "document":
                    continue
                try:
                    try:
                        record = _document(elem, path, doc_line, n, show_text)
                    except (ValueError, TypeError) as err:  # e.g. a sentence offset that is no integer
                        raise corpus_error(IO_PARSE, f"cannot read this document: {err}",
                                           "check the offsets and structure of the <document>",
                                           file=path, line=doc_line) from None
                    ids.check(record, path, doc_line)
                except ClinlabelError as err:
                    skip_or_raise(err, skip_invalid)
                    record = None
                if collection is not None:
                    collection.remove(elem)
                if record is not None:
                    count += 1
                    yield record
    try:
        parser.close()
    except ET.ParseError as err:
        if n == 0:
            raise empty_error(path, "nothing (empty file)", "give a BioC XML file with <collection><document>…") from None
        raise corpus_error(IO_PARSE, f"malformed or truncated XML: {err}",
                           "check that the file is complete and ends with </collection>",
                           file=path, line=n) from None
    if collection is None:
        raise corpus_error(IO_PARSE, "no <collection> element", "give a BioC XML file (<collection><document>…)", file=path, line=1)
    if count == 0:
        raise empty_error(path, "no <document> elements", "give a BioC collection with at least one document")


def _document(doc: ET.Element, path: Path, line: int, end_line: int, show_text: bool = False) -> dict[str, Any]:
    doc_id = (doc.findtext("id") or "").strip()
    if not doc_id:
        raise corpus_error(IO_PARSE, "<document> without an <id>", "give every document an <id>", file=path, line=line)
    text = ""
    passages: list[dict[str, Any]] = []
    spans: list[dict[str, Any]] = []
    by_ann_id: dict[str, dict[str, Any]] = {}
    relations_xml: list[ET.Element] = list(doc.findall("relation"))
    where = f"document {doc_id} (ending at line {end_line})"
    for passage in doc.findall("passage"):
        infons = _infons(passage)
        ptype = infons.pop("type", None)
        try:
            offset = int(passage.findtext("offset", "0"))
        except ValueError:
            raise corpus_error(IO_PARSE, f"passage offset {passage.findtext('offset')!r} in {where} is not an integer",
                               "write <offset> as an integer", file=path, line=line) from None
        pieces = [(offset, passage.findtext("text"))]
        if passage.find("text") is None:
            pieces = []
            for sent in passage.findall("sentence"):
                pieces.append((int(sent.findtext("offset", "0")), sent.findtext("text") or ""))
        start_pos = None
        shift = 0
        for off, ptext in pieces:
            if ptext is None:
                continue
            if off >= len(text):
                text += " " * (off - len(text))
                pos = off
            else:
                pos = len(text) + (1 if text else 0)
                text += " " * (pos - len(text))
            shift = pos - off
            text += ptext
            if start_pos is None:
                start_pos = pos
        pinfo: dict[str, Any] = {"type": ptype, "start": start_pos if start_pos is not None else len(text), "end": len(text)}
        if shift:
            pinfo["bioc_offset"] = offset
        if infons:
            pinfo["infons"] = infons
        passages.append(pinfo)
        annotations = list(passage.findall("annotation")) + [a for s in passage.findall("sentence") for a in s.findall("annotation")]
        for ann in annotations:
            _annotation(ann, text, shift, spans, by_ann_id, path, line, where, show_text)
        relations_xml.extend(passage.findall("relation"))
    for span in spans:
        if span.get("composite_mentions") == []:
            del span["composite_mentions"]
    relations = [_relation(rel, spans, by_ann_id, path, line, where) for rel in relations_xml]
    meta: dict[str, Any] = {"id": doc_id, "passages": passages}
    dinfons = _infons(doc)
    if dinfons:
        meta["infons"] = dinfons
    record: dict[str, Any] = {"text": text, "meta": meta, "spans": spans}
    if relations:
        record["relations"] = relations
    return record


def _annotation(ann, text, shift, spans, by_ann_id, path, line, where, show_text=False) -> None:
    infons = _infons(ann)
    label = infons.pop("type", "")
    kb_id = None
    for key in ID_KEYS:
        if key in infons:
            kb_id = infons.pop(key)
            break
    role = infons.pop("CompositeRole", None)
    ann_text = ann.findtext("text") or ""
    ann_id = ann.get("id")
    locs = []
    for loc in ann.findall("location"):
        try:
            s = int(loc.get("offset", "")) + shift
            e = s + int(loc.get("length", ""))
        except ValueError:
            raise corpus_error(IO_PARSE, f"annotation {ann_id} in {where}: location without integer offset/length",
                               "write <location offset='N' length='M'/>", file=path, line=line) from None
        if not (0 <= s <= e <= len(text)):
            raise corpus_error(IO_OFFSETS, f"annotation {ann_id} {shown(ann_text, show_text)} in {where}: location {s}-{e} "
                               f"is outside the text (length {len(text)})",
                               "offsets are document offsets (the passage offset is already in them)", file=path, line=line)
        locs.append((s, e))
    if role == "IndividualMention":
        parent = next((sp for sp in reversed(spans) if "composite_mentions" in sp), None)
        if parent is not None:
            parent["composite_mentions"].append(ann_text)
            return
    found = " ".join(text[s:e] for s, e in locs)
    has_text = ann.find("text") is not None
    if locs and has_text and _WS.sub(" ", found).strip() != _WS.sub(" ", ann_text).strip():
        raise corpus_error(
            IO_OFFSETS, f"annotation {ann_id} ({len(ann_text)} characters) does not match the text at {locs} in {where}"
                        + mismatch(ann_text, found, show_text),
            "fix the location offsets (document offsets) or the annotation text", file=path, line=line,
        )
    group = []
    for s, e in locs:
        span: dict[str, Any] = {"start": s, "end": e, "label": label, "text": text[s:e]}
        if kb_id is not None:
            span["kb_id"] = kb_id
        if infons:
            span["infons"] = dict(infons)
        if len(locs) > 1:
            span["bioc_id"] = ann_id
            span["fragments"] = [list(x) for x in locs]
        if role == "CompositeMention":
            span["composite_mentions"] = []
        group.append(span)
        spans.append(span)
    if ann_id is not None and group:
        by_ann_id[ann_id] = group[0]


def _relation(rel, spans, by_ann_id, path, line, where) -> dict[str, Any]:
    infons = _infons(rel)
    nodes = rel.findall("node")
    if nodes:
        label = infons.pop("type", None) or infons.pop("relation", None) or ""
        refs = []
        for node in nodes[:2]:
            target = by_ann_id.get(node.get("refid", ""))
            if target is None:
                raise corpus_error(IO_PARSE, f"relation {rel.get('id')} in {where} names annotation {node.get('refid')!r}, which does not exist",
                                   "point <node refid> at an annotation id of the same document", file=path, line=line)
            refs.append((target, node.get("role", "")))
        out: dict[str, Any] = {"label": label, "head_span": span_ref(refs[0][0]), "child_span": span_ref(refs[-1][0]),
                               "head_role": refs[0][1], "child_role": refs[-1][1]}
        if infons:
            out["infons"] = infons
        return out
    label = infons.pop("relation", None) or infons.pop("type", None) or ""
    if len(infons) < 2:
        raise corpus_error(IO_PARSE, f"relation {rel.get('id')} in {where} has neither <node>s nor two concept infons",
                           "give <node refid=… role=…/> children or infons naming the two concepts", file=path, line=line)
    (_, head), (_, child), *rest = infons.items()
    extra = {"infons": dict(rest)} if rest else {}
    return concept_relation(label, head, child, spans, **extra)
