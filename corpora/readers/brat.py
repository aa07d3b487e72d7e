"""brat standoff: a folder of ``NAME.txt`` + ``NAME.ann`` pairs (one note each, id = ``NAME``;
sub-folders are read too, their documents get ids ``sub/NAME``).

Conventions (the brat writer follows the same ones, so brat → record → brat is stable):

* ``T`` (text-bound) → one span per fragment, each with ``brat_id`` (e.g. ``"T3"``).  A
  discontinuous annotation ``T3  Value 751 763;770 771  greater than 1`` gives two spans that
  share ``brat_id`` and both carry ``fragments: [[751, 763], [770, 771]]`` (the full list);
  spans are in .ann order.  Offsets index the .txt exactly as stored (``\\r\\n`` counts as two
  characters, as in brat).
* The text after the offsets must match the .txt at those offsets; brat writes a line break
  inside an annotated text as a real line break, so continuation lines are joined back and the
  comparison collapses runs of whitespace.  Anything else is a located error ``FILE.ann:LINE:``.
* ``R`` → a Prodigy relation ``{"label", "head_span", "child_span", "brat_id",
  "head_role", "child_role"}``; the span dicts are the first fragment of each argument (with
  its ``brat_id``).
* ``A`` / ``M`` attributes → ``attributes: {name: value or true}`` on every span of the
  target (or on the relation).  A binary attribute whose lower-cased name is an assertion
  (``Negated`` …) also sets that boolean on the span.
* ``#`` AnnotatorNotes → ``notes`` (a list of strings) on the target's spans / relation.
* ``N`` normalisations → ``kb_id`` (first one) and ``brat_norms: [[ref, text], ...]``.
* ``*`` equivalences (``*  OR T1 T2``) → record key ``brat_equivs: [{"label", "ids"}]``;
  ``E`` events and anything else pointing elsewhere are kept verbatim in ``brat_lines``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

from ..errors import IO_NOT_FOUND, IO_OFFSETS, IO_PARSE, ClinlabelError, corpus_error
from ..record import ASSERTIONS
from ._common import (IdTracker, PathLike, empty_error, logger, mismatch, read_text_file, require_dir, shown,
                      skip_or_raise)
from .pubtator import span_ref

_ID = re.compile(r"^([TREAMN#]\d+|\*)\t")
_WS = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _WS.sub(" ", text).strip()


def read_brat(path: PathLike, *, skip_invalid: bool = False, show_text: bool = False,
              **_: Any) -> Iterator[dict[str, Any]]:
    """One record per ``.txt`` file of the folder (sorted), with the spans of its ``.ann``."""
    folder = require_dir(path)
    # brat projects are trees: documents in sub-folders get ids like "sub/NAME"
    txts = sorted((p for p in folder.rglob("*.txt") if p.is_file()), key=lambda p: p.relative_to(folder).as_posix())
    if not txts:
        anns = list(folder.rglob("*.ann"))
        if anns:
            raise corpus_error(IO_NOT_FOUND, f"{anns[0].name} has no {anns[0].stem}.txt beside it",
                               "brat keeps each note's text in NAME.txt next to NAME.ann", file=folder)
        raise empty_error(folder, "no .txt files", "give a brat folder of NAME.txt + NAME.ann files")
    ids = IdTracker()
    for txt in txts:
        try:
            record = read_brat_pair(txt, txt.with_suffix(".ann"), doc_id=txt.relative_to(folder).with_suffix("").as_posix(),
                                    show_text=show_text)
            ids.check(record, txt, None)
        except ClinlabelError as err:
            skip_or_raise(err, skip_invalid)
            continue
        yield record


def _entries(ann: Path, show_text: bool = False) -> list[tuple[int, str, list[str], list[tuple[int, str]]]]:
    """(line, id, tab fields, continuation lines) per annotation line of ``ann``."""
    out: list[tuple[int, str, list[str], list[tuple[int, str]]]] = []
    for n, line in enumerate(read_text_file(ann).split("\n"), start=1):
        line = line.rstrip("\r")
        m = _ID.match(line)
        if m:
            out.append((n, m.group(1), line.split("\t"), []))
        elif not line.strip():
            continue
        elif out and out[-1][1].startswith("T") and len(out[-1][2]) >= 3:
            out[-1][3].append((n, line))  # maybe the rest of an annotated text with a line break
        else:
            raise corpus_error(
                IO_PARSE, f"cannot read this line {shown(line, show_text)}",
                "brat lines start with an id (T1, R1, A1, E1, N1, #1 or *) and a tab", file=ann, line=n,
            )
    return out


def read_brat_pair(txt: Path, ann: Path, doc_id: str | None = None, *, show_text: bool = False) -> dict[str, Any]:
    """The record of one brat document (``ann`` may be missing: no annotations); id = ``doc_id`` or the stem."""
    text = read_text_file(txt)
    record: dict[str, Any] = {"text": text, "meta": {"id": doc_id or txt.stem}}
    spans: list[dict[str, Any]] = []
    by_t: dict[str, list[dict[str, Any]]] = {}
    relations: list[dict[str, Any]] = []
    by_r: dict[str, dict[str, Any]] = {}
    equivs: list[dict[str, Any]] = []
    extra_lines: list[str] = []
    entries = _entries(ann, show_text) if ann.exists() else []
    for n, bid, fields, conts in entries:
        if bid[0] == "T":
            group = _text_bound(n, bid, fields, conts, text, ann, show_text)
            by_t[bid] = group
            spans.extend(group)
    for n, bid, fields, _ in entries:
        kind = bid[0]
        if kind == "T":
            continue
        if len(fields) < 2:
            raise corpus_error(IO_PARSE, f"{bid} has no tab-separated content", "write ID<TAB>content", file=ann, line=n)
        parts = fields[1].split()
        if kind == "R":
            if len(parts) < 3:
                raise corpus_error(IO_PARSE, f"relation {bid} needs a type and two arguments, got {fields[1]!r}",
                                   "write R1<TAB>Type Arg1:T1 Arg2:T2", file=ann, line=n)
            args = [p.split(":", 1) for p in parts[1:3]]
            if any(len(a) != 2 for a in args):
                raise corpus_error(IO_PARSE, f"relation {bid} arguments must be ROLE:ID, got {fields[1]!r}",
                                   "write R1<TAB>Type Arg1:T1 Arg2:T2", file=ann, line=n)
            if not all(a[1] in by_t for a in args):
                if all(a[1] in by_t or a[1][:1] in "ER" for a in args):
                    extra_lines.append("\t".join(fields))
                    continue
                missing = next(a[1] for a in args if a[1] not in by_t)
                raise corpus_error(IO_PARSE, f"relation {bid} points at {missing}, which is not defined",
                                   "define the annotation or drop the relation", file=ann, line=n)
            rel = {
                "label": parts[0],
                "head_span": _ref(by_t[args[0][1]][0]),
                "child_span": _ref(by_t[args[1][1]][0]),
                "brat_id": bid,
                "head_role": args[0][0],
                "child_role": args[1][0],
            }
            relations.append(rel)
            by_r[bid] = rel
        elif kind == "*":
            equivs.append({"label": parts[0], "ids": parts[1:]})
        elif kind in "AM":
            name, target, value = parts[0], parts[1] if len(parts) > 1 else "", parts[2] if len(parts) > 2 else True
            if target in by_t:
                for span in by_t[target]:
                    span.setdefault("attributes", {})[name] = value
                    if value is True and name.lower() in ASSERTIONS:
                        span[name.lower()] = True
            elif target in by_r:
                by_r[target].setdefault("attributes", {})[name] = value
            else:
                extra_lines.append("\t".join(fields))
        elif kind == "#":
            target = parts[1] if len(parts) > 1 else ""
            note = "\t".join(fields[2:])
            if target in by_t:
                for span in by_t[target]:
                    span.setdefault("notes", []).append(note)
            elif target in by_r:
                by_r[target].setdefault("notes", []).append(note)
            else:
                extra_lines.append("\t".join(fields))
        elif kind == "N" and len(parts) >= 3 and parts[1] in by_t:
            for span in by_t[parts[1]]:
                span.setdefault("brat_norms", []).append([parts[2], "\t".join(fields[2:])])
                span.setdefault("kb_id", parts[2])
        else:
            extra_lines.append("\t".join(fields))
    record["spans"] = spans
    if relations:
        record["relations"] = relations
    if equivs:
        record["brat_equivs"] = equivs
    if extra_lines:
        record["brat_lines"] = extra_lines
    return record


def _ref(span: dict[str, Any]) -> dict[str, Any]:
    ref = span_ref(span)
    ref["brat_id"] = span["brat_id"]
    return ref


def _text_bound(
    n: int, bid: str, fields: list[str], conts: list[tuple[int, str]], text: str, ann: Path, show_text: bool = False
) -> list[dict[str, Any]]:
    if len(fields) < 3:
        raise corpus_error(IO_PARSE, f"text-bound annotation {bid} needs 3 tab-separated fields",
                           "write T1<TAB>Label START END<TAB>text", file=ann, line=n)
    label, _, offsets = fields[1].partition(" ")
    frags: list[tuple[int, int]] = []
    for frag in offsets.split(";"):
        bits = frag.split()
        try:
            start, end = int(bits[0]), int(bits[1])
            if len(bits) != 2:
                raise ValueError
        except (ValueError, IndexError):
            raise corpus_error(IO_PARSE, f"{bid}: offsets {offsets!r} are not START END[;START END...]",
                               "write T1<TAB>Label START END<TAB>text", file=ann, line=n) from None
        if not (0 <= start <= end <= len(text)):
            raise corpus_error(IO_OFFSETS, f"{bid}: offsets {start}-{end} fall outside {ann.stem}.txt (length {len(text)})",
                               "fix the offsets in the .ann file, or use the .txt it was annotated on", file=ann, line=n)
        frags.append((start, end))
    ann_text = "\t".join(fields[2:])
    found = _norm(" ".join(text[s:e] for s, e in frags))
    used = 0
    candidate = ann_text
    while _norm(candidate) != found and used < len(conts):
        candidate += "\n" + conts[used][1]
        used += 1
    if _norm(candidate) == found:
        ann_text = candidate
    else:
        used = 0
    for cn, stray in conts[used:]:
        logger.warning("%s:%d: ignored a line that is no brat annotation (%d characters)", ann, cn, len(stray))
    if _norm(ann_text) != found:
        raise corpus_error(
            IO_OFFSETS, f"{bid} ({len(ann_text)} characters) does not match {ann.stem}.txt at {offsets}"
                        + mismatch(ann_text, found, show_text),
            "fix the offsets in the .ann file, or use the .txt it was annotated on", file=ann, line=n,
        )
    group = []
    for s, e in frags:
        span: dict[str, Any] = {"start": s, "end": e, "label": label, "text": text[s:e], "brat_id": bid}
        if len(frags) > 1:
            span["fragments"] = [[a, b] for a, b in frags]
        group.append(span)
    return group
