"""spaCy ``DocBin`` writer (``.spacy``).

Each Doc is built with :func:`corpora.doc.record_to_doc` (tokens from the record when it has
them, else ``spacy.blank(lang)``'s tokenizer; spans in ``doc.spans["clinlabel"]``), and the
whole record minus its text is stored as JSON in ``doc.user_data["clinlabel_record"]`` so that
every key survives (msgpack would turn lists into tuples).  A DocBin is serialised in one piece,
so this writer holds the Docs of one file in memory; on an error part-way it still writes the
Docs it has.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable

from ..readers.docbin import RECORD_KEY
from ._common import blank_nlp, out_file


def write_docbin(records: Iterable[dict[str, Any]], path: str | Path, *, lang: str = "en", **_: Any) -> int:
    from spacy.tokens import DocBin

    from ..doc import record_to_doc

    path = out_file(path)
    nlp = blank_nlp(lang)
    docbin = DocBin(store_user_data=True)
    n = 0
    try:
        for record in records:
            doc = record_to_doc(record, nlp)
            rest = {k: v for k, v in record.items() if k != "text"}
            doc.user_data = {RECORD_KEY: json.dumps(rest, ensure_ascii=False)}
            docbin.add(doc)
            n += 1
    finally:
        docbin.to_disk(path)
    return n
