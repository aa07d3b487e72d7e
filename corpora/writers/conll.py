"""CoNLL / IOB2 writer: ``TOKEN TAG`` per line, a blank line per sentence, ``-DOCSTART-`` per note.

Tokens are the record's ``tokens`` (else ``spacy.blank("en")``'s), whitespace tokens left out.
A sentence ends at a line break, and after ``.``/``!``/``?`` when the next token starts with a
capital letter or a digit.  Tags are IOB2 from the spans; where spans overlap the longer one is
kept (the others are counted and logged), because one tag per token cannot hold both.  Each
note starts with ``-DOCSTART- -X- ID O`` (id with spaces %-escaped; ``docstart=False`` leaves the
line out).  CoNLL keeps tokens, span labels and their token extents, and the note id; the
original spacing, relations, assertions, scores, codes and other meta are lost.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import quote

from ..record import record_id
from ._common import blank_nlp, out_file

logger = logging.getLogger(__name__)

_ENDERS = {".", "!", "?"}


def _tokens(record: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    tokens = record.get("tokens")
    if tokens:
        return list(tokens)
    doc = blank_nlp(lang).make_doc(record["text"])
    return [{"text": t.text, "start": t.idx, "end": t.idx + len(t.text)} for t in doc]


def bio_tags(tokens: list[dict[str, Any]], spans: list[dict[str, Any]]) -> tuple[list[str], int]:
    """IOB2 tags of ``tokens`` from ``spans`` (longest first on overlaps) and how many spans were dropped."""
    tags = ["O"] * len(tokens)
    dropped = 0
    for span in sorted(spans, key=lambda s: (-(s["end"] - s["start"]), s["start"])):
        covered = [i for i, t in enumerate(tokens)
                   if t["start"] < span["end"] and t["end"] > span["start"] and str(t.get("text", "")).strip()]
        if not covered or any(tags[i] != "O" for i in covered):
            dropped += 1
            continue
        label = str(span.get("label", "")).replace(" ", "_") or "ENTITY"
        tags[covered[0]] = f"B-{label}"
        for i in covered[1:]:
            tags[i] = f"I-{label}"
    return tags, dropped


def sentences(tokens: list[dict[str, Any]], text: str) -> list[list[int]]:
    """Token indices per sentence (whitespace tokens left out; see the module doc for the rule)."""
    out: list[list[int]] = []
    cur: list[int] = []
    for i, tok in enumerate(tokens):
        word = str(tok.get("text", ""))
        if not word.strip():
            if "\n" in word and cur:
                out.append(cur)
                cur = []
            continue
        if cur and (word[:1].isupper() or word[:1].isdigit()) and str(tokens[cur[-1]].get("text")) in _ENDERS:
            out.append(cur)
            cur = []
        cur.append(i)
        # a line break right after the token (tokens without a whitespace token between them)
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if nxt is not None and str(nxt.get("text", "")).strip() and "\n" in text[tok["end"]:nxt["start"]]:
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return out


def write_conll(records: Iterable[dict[str, Any]], path: str | Path, *, docstart: bool = True, lang: str = "en",
                **_: Any) -> int:
    path = out_file(path)
    n = dropped = 0
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for record in records:
            tokens = _tokens(record, lang)
            tags, lost = bio_tags(tokens, record.get("spans") or [])
            dropped += lost
            lines: list[str] = []
            if docstart:
                rid = record_id(record) or f"note{n + 1}"
                lines += [f"-DOCSTART- -X- {quote(rid, safe='')} O", ""]
            for sent in sentences(tokens, record["text"]):
                lines += [f"{tokens[i]['text'].replace(' ', '_')} {tags[i]}" for i in sent]
                lines.append("")
            fh.write("\n".join(lines) + "\n")
            fh.flush()
            n += 1
    if dropped:
        logger.warning("%d overlapping or token-less spans could not be written as IOB2 tags", dropped)
    return n
