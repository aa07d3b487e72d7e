"""brat standoff writer: ``<id>.txt`` + ``<id>.ann`` per note in a folder.

The inverse of :mod:`corpora.readers.brat` (see its conventions).  Spans sharing a ``brat_id``
(discontinuous fragments) become one ``T`` line; spans without ``brat_id`` get new ``T``
numbers.  ``attributes`` (and assertion booleans that are true and not already an attribute)
become ``A`` lines, ``notes`` ``#`` lines, ``brat_norms`` (or a bare ``kb_id``) ``N`` lines.
Relations become ``R`` lines between the spans named by ``head_span`` / ``child_span`` (by
``brat_id``, else by start, end and label); ``brat_equivs`` ``*`` lines and ``brat_lines`` are
written back as they were.  Line breaks inside an annotated text are written as spaces so that
each annotation stays on one line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterable

from ..record import ASSERTIONS, record_id
from ._common import NameKeeper, logger, out_dir

_BREAKS = re.compile(r"[\t\r\n]")


def _next_number(used: Iterable[str], prefix: str) -> int:
    nums = [int(u[len(prefix):]) for u in used if u and u.startswith(prefix) and u[len(prefix):].isdigit()]
    return max(nums, default=0) + 1


def ann_lines(record: dict[str, Any]) -> list[str]:
    """The ``.ann`` lines of one record."""
    text = record["text"]
    spans = record.get("spans") or []
    lines: list[str] = []
    t_next = _next_number((s.get("brat_id") for s in spans), "T")
    groups: dict[str, list[dict[str, Any]]] = {}
    order: list[str] = []
    by_offsets: dict[tuple, str] = {}
    for span in spans:
        bid = span.get("brat_id")
        if not isinstance(bid, str) or not bid.startswith("T") or (bid in groups and not span.get("fragments")):
            bid = f"T{t_next}"
            t_next += 1
        if bid not in groups:
            groups[bid] = []
            order.append(bid)
        groups[bid].append(span)
        by_offsets.setdefault((span["start"], span["end"], span.get("label")), bid)
    a_next, n_next, note_next = 1, 1, 1
    tail: list[str] = []
    for bid in order:
        group = groups[bid]
        first = group[0]
        frags = first.get("fragments") if len(group) > 1 or first.get("fragments") else None
        frags = [(int(s), int(e)) for s, e in frags] if frags else [(first["start"], first["end"])]
        offsets = ";".join(f"{s} {e}" for s, e in frags)
        covered = _BREAKS.sub(" ", " ".join(text[s:e] for s, e in frags))
        lines.append(f"{bid}\t{first.get('label', '')} {offsets}\t{covered}")
        attrs = dict(first.get("attributes") or {})
        lower = {k.lower() for k in attrs}
        for name in ASSERTIONS:
            if first.get(name) is True and name not in lower:
                attrs[name] = True
        for name, value in attrs.items():
            tail.append(f"A{a_next}\t{name} {bid}" + ("" if value is True else f" {value}"))
            a_next += 1
        norms = first.get("brat_norms")
        if not norms and first.get("kb_id") not in (None, ""):
            norms = [[str(first["kb_id"]), covered]]
        for ref, ntext in norms or []:
            tail.append(f"N{n_next}\tReference {bid} {ref}\t{ntext}")
            n_next += 1
        for note in first.get("notes") or []:
            tail.append(f"#{note_next}\tAnnotatorNotes {bid}\t{_BREAKS.sub(' ', str(note))}")
            note_next += 1
    relations = record.get("relations") or []
    r_next = _next_number((r.get("brat_id") for r in relations), "R")
    seen_r: set[str] = set()
    for rel in relations:
        ends = []
        for key in ("head_span", "child_span"):
            ref = rel.get(key) or {}
            bid = ref.get("brat_id") if ref.get("brat_id") in groups else by_offsets.get((ref.get("start"), ref.get("end"), ref.get("label")))
            ends.append(bid)
        if None in ends:
            logger.warning("note %s: relation %r names a span that is not in the note; left out", record_id(record), rel.get("label"))
            continue
        rid = rel.get("brat_id")
        if not isinstance(rid, str) or not rid.startswith("R") or rid in seen_r:
            rid = f"R{r_next}"
            r_next += 1
        seen_r.add(rid)
        lines.append(f"{rid}\t{rel.get('label', '')} {rel.get('head_role') or 'Arg1'}:{ends[0]} {rel.get('child_role') or 'Arg2'}:{ends[1]}\t")
        for name, value in (rel.get("attributes") or {}).items():
            tail.append(f"A{a_next}\t{name} {rid}" + ("" if value is True else f" {value}"))
            a_next += 1
        for note in rel.get("notes") or []:
            tail.append(f"#{note_next}\tAnnotatorNotes {rid}\t{_BREAKS.sub(' ', str(note))}")
            note_next += 1
    for eq in record.get("brat_equivs") or []:
        lines.append("*\t" + " ".join([str(eq.get("label", "Equiv")), *map(str, eq.get("ids") or [])]))
    lines.extend(tail)
    lines.extend(record.get("brat_lines") or [])
    return lines


def write_brat(records: Iterable[dict[str, Any]], path: str | Path, **_: Any) -> int:
    folder = out_dir(path)
    names = NameKeeper(folder)
    n = 0
    for n, record in enumerate(records, start=1):
        name = names.name(record, n)
        (folder / f"{name}.txt").write_bytes(record["text"].encode("utf-8"))
        lines = ann_lines(record)
        (folder / f"{name}.ann").write_bytes(("\n".join(lines) + ("\n" if lines else "")).encode("utf-8"))
    return n
