"""spaCy ``DocBin`` (``.spacy``) files.

Files written by clinlabel's DocBin writer carry the whole record (minus its text) as JSON in
``doc.user_data["clinlabel_record"]`` (msgpack would turn lists into tuples), so they come back
unchanged.  Other ``.spacy`` files (e.g. from ``spacy convert``) give a record per Doc with the
spans of ``doc.spans["clinlabel"]`` if present, else ``doc.ents``; ``meta.id`` is
``"<file stem>:<n>"`` (n from 1) unless ``user_data`` holds an ``id``.
"""

from __future__ import annotations

import json
from typing import Any, Iterator

from ..errors import IO_PARSE, ClinlabelError, corpus_error
from ._common import IdTracker, PathLike, empty_error, require_file, skip_or_raise

RECORD_KEY = "clinlabel_record"


def read_docbin(path: PathLike, *, skip_invalid: bool = False, **_: Any) -> Iterator[dict[str, Any]]:
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    from ..doc import SPAN_KEY

    path = require_file(path)
    try:
        docbin = DocBin(store_user_data=True).from_bytes(path.read_bytes())
    except Exception as err:  # noqa: BLE001 - srsly/msgpack raise many kinds
        raise corpus_error(IO_PARSE, f"not a spaCy DocBin file ({type(err).__name__}: {err})",
                           "give a .spacy file written by DocBin.to_disk, or name the format with --from",
                           file=path) from None
    ids = IdTracker()
    count = 0
    for i, doc in enumerate(docbin.get_docs(Vocab()), start=1):
        try:
            payload = doc.user_data.get(RECORD_KEY)
            if payload is not None:
                record = {"text": doc.text, **json.loads(payload)}
            else:
                spans = doc.spans[SPAN_KEY] if SPAN_KEY in doc.spans else doc.ents
                out_spans = []
                for span in spans:
                    sd: dict[str, Any] = {"start": span.start_char, "end": span.end_char, "label": span.label_,
                                          "text": span.text, "token_start": span.start, "token_end": span.end - 1}
                    if span.kb_id_:
                        sd["kb_id"] = span.kb_id_
                    out_spans.append(sd)
                rid = doc.user_data.get("id") or f"{path.stem}:{i}"
                record = {"text": doc.text, "meta": {"id": str(rid)}, "spans": out_spans}
            ids.check(record, path, i)
        except ClinlabelError as err:
            skip_or_raise(err, skip_invalid)
            continue
        count += 1
        yield record
    if count == 0:
        raise empty_error(path, "no documents", "give a DocBin with at least one Doc")
