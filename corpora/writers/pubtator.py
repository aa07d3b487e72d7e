"""PubTator writer (the inverse of :mod:`corpora.readers.pubtator`).

Title and abstract come from ``meta.passages`` when they describe the text as title + " " +
abstract; otherwise the whole text is the title and the abstract is empty.  PubTator cannot
hold line breaks or tabs in a text, so these are written as spaces (same length, offsets
unchanged; logged once).  Mentions: one line per span (``kb_id`` and ``composite_mentions`` in
columns 6 and 7).  Relations: ``PMID  label  head_kb_id  child_kb_id`` (from the relation's
``head_kb_id`` / ``child_kb_id``, else the ``kb_id`` of its spans; relations without concept
ids cannot be written in PubTator and are skipped with a warning).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterable

from ..record import record_id
from ._common import logger, out_file

_BREAKS = re.compile(r"[\t\r\n]")
_BAD_ID = re.compile(r"[|\s]")


def _split(record: dict[str, Any]) -> tuple[str, str]:
    text = record["text"]
    passages = (record.get("meta") or {}).get("passages") or []
    if len(passages) == 2:
        t, a = passages
        if t.get("start") == 0 and a.get("start") == t.get("end", -1) + 1 and a.get("end") == len(text) and text[t["end"]] == " ":
            return text[: t["end"]], text[a["start"]:]
    return text, ""


def write_pubtator(records: Iterable[dict[str, Any]], path: str | Path, **_: Any) -> int:
    path = out_file(path)
    n = 0
    warned = False
    skipped: dict[str, int] = {}
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for n, record in enumerate(records, start=1):
            pmid = record_id(record) or str(n)
            if _BAD_ID.search(pmid):
                safe = _BAD_ID.sub("_", pmid)
                logger.warning("note id %r cannot be a PubTator PMID (it holds '|' or whitespace); written as %r", pmid, safe)
                pmid = safe
            if _BREAKS.search(record["text"]) and not warned:
                logger.warning("PubTator cannot hold line breaks or tabs: written as spaces (note %s and maybe others)", pmid)
                warned = True
            title, abstract = _split(record)
            text = record["text"]
            lines = [f"{pmid}|t|{_BREAKS.sub(' ', title)}", f"{pmid}|a|{_BREAKS.sub(' ', abstract)}"]
            for span in record.get("spans") or []:
                cols = [pmid, str(span["start"]), str(span["end"]), _BREAKS.sub(" ", text[span["start"]:span["end"]]),
                        str(span.get("label", ""))]
                kb = span.get("kb_id")
                composite = span.get("composite_mentions")
                if kb is not None or composite:
                    cols.append("" if kb is None else str(kb))
                if composite:
                    cols.append("|".join(composite))
                cols.extend(span.get("pubtator_extra") or [])
                lines.append("\t".join(cols))
            for rel in record.get("relations") or []:
                head = rel.get("head_kb_id") or (rel.get("head_span") or {}).get("kb_id")
                child = rel.get("child_kb_id") or (rel.get("child_span") or {}).get("kb_id")
                if not head or not child:
                    skipped[pmid] = skipped.get(pmid, 0) + 1
                    continue
                lines.append("\t".join([pmid, str(rel.get("label", "")), str(head), str(child), *(rel.get("pubtator_extra") or [])]))
            fh.write("\n".join(lines) + "\n\n")
            fh.flush()
    if skipped:
        logger.warning("%d relations in %d notes (first: %s) join spans without kb_id; PubTator relations join "
                       "concept ids, so they were left out", sum(skipped.values()), len(skipped), next(iter(skipped)))
    return n
