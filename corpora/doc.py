"""Lossless conversion between a record (Prodigy task dict) and a spaCy ``Doc``.

Spans go to ``doc.spans[SPAN_KEY]``; every other record field lives in registered extensions
(see ``docs/CONTRACTS.md``).  ``doc_to_record(record_to_doc(r, nlp))`` gives back ``r``'s fields,
unknown keys included.
"""

from __future__ import annotations

import copy
from typing import Any, Mapping

from spacy.attrs import IDX, ORTH, SPACY
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from .record import ASSERTIONS, SPAN_KEY

#: Span attributes stored as extensions, with their defaults.
SPAN_ATTRS: dict[str, Any] = {
    **{name: False for name in ASSERTIONS},
    "code": None,
    "system": None,
    "source": None,
    "score": None,
    "section": None,
    "assertion_evidence": None,
    "extra": None,
}
#: Record-level keys stored as doc extensions (name on the Doc, key in the record).
DOC_ATTRS: dict[str, str] = {"meta": "meta", "relations": "relations", "codes": "codes", "extra": "extra"}

_NATIVE_SPAN_KEYS = {"start", "end", "label", "text", "token_start", "token_end", "kb_id"}
_USERDATA_PREFIX = "clinlabel.span"


def _span_key(span: Span, name: str) -> tuple:
    return (_USERDATA_PREFIX, name, span.start_char, span.end_char, span.label_, span.kb_id_, span.id)


def _make_getter(name: str, default: Any):
    def getter(span: Span) -> Any:
        return span.doc.user_data.get(_span_key(span, name), default)

    return getter


def _make_setter(name: str):
    def setter(span: Span, value: Any) -> None:
        span.doc.user_data[_span_key(span, name)] = value

    return setter


def set_span_values(span: Span, values: Mapping[str, Any]) -> None:
    """``setattr(span._, name, value)`` for each item, with the storage key computed once (the
    extensions must be clinlabel's, as :func:`register_extensions` leaves them)."""
    user_data = span.doc.user_data
    base = (span.start_char, span.end_char, span.label_, span.kb_id_, span.id)
    for name, value in values.items():
        user_data[(_USERDATA_PREFIX, name, *base)] = value


def span_value(span: Span, name: str) -> Any:
    """``getattr(span._, name)`` for a clinlabel span extension, without building ``span._``."""
    return span.doc.user_data.get(_span_key(span, name), SPAN_ATTRS[name])


_TEXT_KEY = ("clinlabel.text",)


def doc_text(doc: Doc) -> str:
    """``doc.text``, cached on the Doc (spaCy rebuilds it from the tokens on every access)."""
    if isinstance(doc, Span):  # a span's own text, as span.text gives it
        return doc_text(doc.doc)[doc.start_char:doc.end_char]
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text


def register_extensions() -> None:
    """Register clinlabel's ``Span`` and ``Doc`` extensions (idempotent, no-op when present).

    Span extensions are keyed by (start_char, end_char, label, kb_id, span id), so spans that
    share offsets but differ in label or concept keep their own values.
    """
    for name, default in SPAN_ATTRS.items():
        # another library (e.g. medspaCy's read-only `section`) may own the name: take it back
        current = Span.get_extension(name) if Span.has_extension(name) else None
        if current is None or not getattr(current[2], "_clinlabel", False):
            getter = _make_getter(name, default)
            getter._clinlabel = True  # type: ignore[attr-defined]
            Span.set_extension(name, getter=getter, setter=_make_setter(name), force=True)
    for name in DOC_ATTRS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


def _doc_from_tokens(vocab: Vocab, text: str, tokens: list[dict[str, Any]]) -> Doc | None:
    """Build a Doc whose tokens are exactly ``tokens`` if they tile ``text``; else None."""
    words, spaces, pos = [], [], 0
    for tok in tokens:
        start, end = tok.get("start"), tok.get("end")
        if not isinstance(start, int) or not isinstance(end, int) or start < pos:
            return None
        gap = text[pos:start]
        if gap and not gap.isspace():
            return None
        if gap:
            # whitespace between tokens: spaCy models one space as `ws`, more as whitespace tokens
            if words and gap == " " and not spaces[-1]:
                spaces[-1] = True
            else:
                if words and gap[0] == " " and not spaces[-1]:
                    spaces[-1] = True
                    gap = gap[1:]
                if gap:
                    words.append(gap)
                    spaces.append(False)
        words.append(text[start:end])
        spaces.append(False)
        pos = end
    tail = text[pos:]
    if tail:
        if not tail.isspace():
            return None
        if words and tail[0] == " " and not spaces[-1]:
            spaces[-1] = True
            tail = tail[1:]
        if tail:
            words.append(tail)
            spaces.append(False)
    doc = Doc(vocab, words=words, spaces=spaces)
    return doc if doc.text == text else None


def make_doc(record: Mapping[str, Any], nlp: Language) -> Doc:
    """Tokenise a record's text: with its own ``tokens`` when present, else ``nlp``'s tokenizer."""
    text = record["text"]
    tokens = record.get("tokens")
    if tokens:
        doc = _doc_from_tokens(nlp.vocab, text, tokens)
        if doc is not None:
            return doc
    return nlp.make_doc(text)


def _char_span(doc: Doc, start: int, end: int, label: str, kb_id: str) -> tuple[Span, bool]:
    span = doc.char_span(start, end, label=label, kb_id=kb_id)
    if span is not None:
        return span, True
    span = doc.char_span(start, end, label=label, kb_id=kb_id, alignment_mode="expand")
    if span is None:  # empty or whitespace-only span
        tok = doc[:0] if len(doc) == 0 else None
        i = next((t.i for t in doc if t.idx >= start), len(doc))
        span = Span(doc, i, i, label=label, kb_id=kb_id) if tok is None else tok
    return span, False


def record_to_doc(record: Mapping[str, Any], nlp: Language, *, doc: Doc | None = None) -> Doc:
    """Convert a record to a ``Doc`` (tokenised with ``nlp``'s tokenizer, no pipes run).

    Spans whose offsets do not fall on token boundaries are kept with their exact offsets (they
    are expanded to whole tokens in the Doc and the original offsets are restored on the way out).
    """
    register_extensions()
    if doc is None:
        doc = make_doc(record, nlp)
    meta = dict(record.get("meta") or {})
    doc._.meta = meta
    doc._.relations = copy.deepcopy(record.get("relations")) if record.get("relations") is not None else None
    doc._.codes = copy.deepcopy(record.get("codes")) if record.get("codes") is not None else None
    doc._.extra = {
        k: copy.deepcopy(v)
        for k, v in record.items()
        if k not in ("text", "meta", "spans", "relations", "codes")
    }
    spans: list[Span] = []
    for i, sd in enumerate(record.get("spans") or []):
        start, end = sd["start"], sd["end"]
        label = str(sd.get("label", ""))
        kb_id = "" if sd.get("kb_id") is None else str(sd["kb_id"])
        span, exact = _char_span(doc, start, end, label, kb_id)
        # a distinct id per span keeps extension values apart even for identical offsets/labels
        span.id = i + 1
        extra = {k: copy.deepcopy(v) for k, v in sd.items() if k not in _NATIVE_SPAN_KEYS and k not in SPAN_ATTRS}
        if not exact:
            extra["__char_offsets"] = [start, end]
        if "kb_id" in sd and sd["kb_id"] is None:
            extra["__kb_id_none"] = True
        for name in SPAN_ATTRS:
            if name == "extra":
                continue
            if name in sd:
                setattr(span._, name, copy.deepcopy(sd[name]))
        present = [k for k in sd if k in SPAN_ATTRS or k in _NATIVE_SPAN_KEYS]
        extra["__keys"] = present
        span._.extra = extra
        spans.append(span)
    doc.spans[SPAN_KEY] = spans
    return doc


def span_to_dict(span: Span, *, text: str | None = None, copy_values: bool = True) -> dict[str, Any]:
    """One span as a record span dict (the inverse of what ``record_to_doc`` stores).

    ``copy_values=False`` hands over the extension values themselves (no deep copy): for a record
    that is serialised at once and a Doc that is then dropped."""
    register_extensions()
    return _span_dict(span, span.doc.text if text is None else text, span.doc.user_data, copy_values)


#: the span extensions written to a record, with their defaults (``extra`` is merged in apart)
_WRITTEN_ATTRS = tuple((name, default) for name, default in SPAN_ATTRS.items() if name != "extra")


def _span_dict(span: Span, doc_text: str, user_data: dict, copy_values: bool) -> dict[str, Any]:
    """:func:`span_to_dict` once the extensions are known to be clinlabel's: the extension values are
    read from ``user_data`` under the keys their getters use (``_span_key``), without building
    ``span._`` for each attribute."""
    sc, ec, label, kb_id, sid = span.start_char, span.end_char, span.label_, span.kb_id_, span.id
    extra = user_data.get((_USERDATA_PREFIX, "extra", sc, ec, label, kb_id, sid))
    extra = dict(extra) if extra else {}
    offsets = extra.pop("__char_offsets", None)
    kb_none = extra.pop("__kb_id_none", False)
    keys = extra.pop("__keys", None)
    start, end = (offsets if offsets else (sc, ec))
    out: dict[str, Any] = {"start": start, "end": end, "label": label, "text": doc_text[start:end]}
    if span.end > span.start:
        out["token_start"] = span.start
        out["token_end"] = span.end - 1
    if kb_id or kb_none:
        out["kb_id"] = None if kb_none else kb_id
    for name, default in _WRITTEN_ATTRS:
        # written when the input had the key or a component set it (even to its default)
        key = (_USERDATA_PREFIX, name, sc, ec, label, kb_id, sid)
        if key in user_data:
            value = user_data[key]
        elif keys is not None and name in keys:
            value = default
        else:
            continue
        out[name] = copy.deepcopy(value) if copy_values else value
    out.update(extra)
    return out


def doc_to_record(doc: Doc, *, span_key: str = SPAN_KEY, with_tokens: bool = True,
                  copy_values: bool = True) -> dict[str, Any]:
    """Convert a ``Doc`` back to a record (spans from ``doc.spans[span_key]``).

    Values are deep-copied so the record and the Doc never share a list; ``copy_values=False``
    skips that for a record that is written out at once (the streaming runner's case: the soft
    labels alone made deep copies a third of a clinical note's time)."""
    register_extensions()
    dup = copy.deepcopy if copy_values else _same
    text = doc_text(doc)
    record: dict[str, Any] = {"text": text}
    extra = dict(doc._.extra or {})
    record["meta"] = dict(doc._.meta or {})
    for key, value in extra.items():
        if key == "tokens":
            continue
        record[key] = dup(value)
    if with_tokens:
        record["tokens"] = tokens_of(doc)
    elif "tokens" in extra:
        record["tokens"] = dup(extra["tokens"])
    spans = doc.spans[span_key] if span_key in doc.spans else []
    if all(s.id for s in spans):  # only input spans: keep the input's order
        ordered = sorted(spans, key=lambda s: s.id)
    else:
        ordered = sorted(spans, key=lambda s: (s.start_char, s.end_char, s.id))
    user_data = doc.user_data
    record["spans"] = [_span_dict(s, text, user_data, copy_values) for s in ordered]
    if doc._.relations is not None:
        record["relations"] = dup(doc._.relations)
    if doc._.codes is not None:
        record["codes"] = dup(doc._.codes)
    return record


def _same(value: Any) -> Any:
    return value


def tokens_of(doc: Doc) -> list[dict[str, Any]]:
    """Prodigy's ``tokens`` list for a Doc."""
    if not len(doc):
        return []
    strings = doc.vocab.strings
    out = []
    for i, (orth, idx, ws) in enumerate(doc.to_array([ORTH, IDX, SPACY]).tolist()):
        text = strings[orth]
        out.append({"text": text, "start": idx, "end": idx + len(text), "id": i, "ws": bool(ws)})
    return out
