"""Per-note processing shared by every engine (in-process, worker processes, Spark).

:class:`AnnotateProcessorFactory` is a JSON-friendly, picklable recipe; calling it builds the
pipeline (and the de-identifier) once and returns a :class:`NoteProcessor` for that process.

Long notes: spaCy refuses to tokenise a text longer than ``nlp.max_length`` (1,000,000
characters).  A longer note is tokenised in pieces of at most :data:`PIECE_CHARS` characters cut
at a paragraph break, else a sentence end, else a line break, else any whitespace (only a run of
that many characters without whitespace is cut hard), and the pieces are joined back into one
``Doc`` (``Doc.from_docs``), so every offset is an offset into the original text and the tokens
are the ones the whole text would give (spaCy splits on whitespace first).  The components then
run on the whole ``Doc``: they are linear rule-based passes, and the end model reads it in
windows of its own ``max_length`` word pieces.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc

from corpora.doc import doc_to_record, record_to_doc
from corpora.record import set_hashes
from corpora.runner import Processed

from .pipeline import PipelineConfig, build_pipeline

#: the longest piece of a long note tokenised at once (well below spaCy's default max_length)
PIECE_CHARS = 200_000
#: notes per batch when the pipeline runs a model (windows of several notes share forward passes)
MODEL_BATCH_NOTES = 32


@dataclass
class AnnotateProcessorFactory:
    pipeline: PipelineConfig = field(default_factory=PipelineConfig)
    #: de-identify each note first with these settings (``None``: no de-identification)
    deid: Any = None

    def __call__(self) -> "NoteProcessor":
        nlp = build_pipeline(self.pipeline)
        deidentifier = None
        if self.deid is not None:
            from nlp_pipeline.deid import Deidentifier

            deidentifier = Deidentifier(self.deid)
        return NoteProcessor(nlp, self.pipeline, deidentifier)

    @property
    def batch_size(self) -> int:
        """Notes per batch of the processors it builds (see :class:`NoteProcessor`)."""
        return MODEL_BATCH_NOTES if self.pipeline.model and self.pipeline.finds_targets else 1

    def to_dict(self) -> dict[str, Any]:
        return {"pipeline": self.pipeline.to_dict(), "deid": None if self.deid is None else self.deid.to_dict()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "AnnotateProcessorFactory":
        deid = data.get("deid")
        if deid is not None:
            from nlp_pipeline.deid import DeidConfig

            deid = DeidConfig.from_dict(deid)
        return cls(PipelineConfig.from_dict(data["pipeline"]), deid)


class NoteProcessor:
    """Turns one record into one output record (plus the de-identification report line).

    With a model in the pipeline, ``batch_size`` > 1 and the runner calls :meth:`many` on
    batches of notes: each component's ``pipe`` sees the whole batch (the model batches the
    windows of every note, sorted by length)."""

    def __init__(self, nlp, config: PipelineConfig, deidentifier=None) -> None:
        self.nlp = nlp
        self.config = config
        self.deidentifier = deidentifier
        self.batch_size = AnnotateProcessorFactory(config).batch_size

    def _deid(self, record: dict[str, Any]) -> tuple[dict[str, Any] | None, Processed]:
        """The record to annotate (de-identified first when asked) and its result so far; a note
        that fails de-identification comes back as ``None`` with its errors-file entry."""
        if self.deidentifier is None:
            return record, Processed()
        from nlp_pipeline.deid.stream import deidentify_note

        return deidentify_note(self.deidentifier, record)

    def many(self, records: list[dict[str, Any]]) -> list[Processed]:
        """Process a batch; if the batch raises, each note is processed alone (so only the bad
        note fails, as with one note at a time)."""
        try:
            results, slots, prepared = [], [], []
            for record in records:
                new, result = self._deid(record)
                results.append(result)
                if new is not None:
                    slots.append(len(results) - 1)
                    prepared.append(self._prepare(new))
            docs = [self._to_doc(r) for r in prepared]
            for _, proc in self.nlp.pipeline:
                docs = list(proc.pipe(docs)) if hasattr(proc, "pipe") else [proc(d) for d in docs]
            for i, doc in zip(slots, docs):
                results[i].line = json.dumps(self._finish(doc), ensure_ascii=False)
            return results
        except Exception:  # noqa: BLE001 - fall back to one note at a time to isolate the failure
            from corpora.runner import _safe_process

            return [_safe_process(self, r) for r in records]

    def __call__(self, record: dict[str, Any]) -> Processed:
        record, result = self._deid(record)
        if record is None:  # failed: only the id reaches the errors file
            return result
        result.line = json.dumps(self.annotate_record(record), ensure_ascii=False)
        return result

    def _prepare(self, record: dict[str, Any]) -> dict[str, Any]:
        record = dict(record)
        if not self.config.keep_spans and record.get("spans"):
            # the input's own spans are not targets here: keep them aside, untouched
            record["input_spans"] = record.pop("spans")
            if record.get("relations"):
                # and the relations between them (a preset may add relations of its own)
                record["input_relations"] = record.pop("relations")
        return record

    def _to_doc(self, record: dict[str, Any]):
        """The record's ``Doc``; a note longer than ``nlp.max_length`` is tokenised in pieces."""
        text = record.get("text")
        long_doc = None
        if isinstance(text, str) and len(text) > self.nlp.max_length and not record.get("tokens"):
            long_doc = make_long_doc(self.nlp, text)
        return record_to_doc(record, self.nlp, doc=long_doc)

    def annotate_record(self, record: dict[str, Any]) -> dict[str, Any]:
        doc = self._to_doc(self._prepare(record))
        for _, proc in self.nlp.pipeline:
            doc = proc(doc)
        return self._finish(doc)

    @staticmethod
    def _finish(doc) -> dict[str, Any]:
        out = doc_to_record(doc, with_tokens=True, copy_values=False)  # serialised at once, Doc dropped
        out.pop("_input_hash", None)
        out.pop("_task_hash", None)
        return set_hashes(out)


# --------------------------------------------------------------------------- long notes

# places to cut, best first; each ends where the next piece's first non-space character is
_CUTS = (
    re.compile(r"\n[ \t]*\n\s*"),  # paragraph break
    re.compile(r"[.!?][\"')\]]*\s+"),  # sentence end
    re.compile(r"\n\s*"),  # line break
    re.compile(r"\s+"),  # any whitespace
)


def piece_starts(text: str, limit: int = PIECE_CHARS) -> list[int]:
    """Start offsets of pieces of ``text`` no longer than ``limit``, cut at the best boundary.

    A piece ends after a whole whitespace run, so the next one starts at non-space text.  A cut
    of a kind is taken when it leaves the piece at least half full; otherwise the next kind is
    tried; a stretch of ``limit`` characters without whitespace is cut at ``limit``.
    """
    if limit < 2:
        raise ValueError(f"limit must be at least 2 characters, got {limit}")
    starts = [0]
    pos, n = 0, len(text)
    while n - pos > limit:
        end = pos + limit
        cut = None
        fallback = None
        for pattern in _CUTS:
            best = None
            for m in pattern.finditer(text, pos + 1, end):
                if m.end() == end and end < n and text[end].isspace():
                    continue  # the whitespace run goes on past the window
                best = m.end()
            if best is not None and best > pos:
                if best - pos >= limit // 2:
                    cut = best
                    break
                fallback = fallback or best
        cut = cut or fallback or end
        starts.append(cut)
        pos = cut
    return starts


def make_long_doc(nlp, text: str, limit: int | None = None) -> Doc:
    """Tokenise ``text`` (longer than ``nlp.max_length``) in pieces and join them into one ``Doc``."""
    limit = min(limit or PIECE_CHARS, nlp.max_length)
    starts = piece_starts(text, limit)
    bounds = list(zip(starts, starts[1:] + [len(text)]))
    docs = [nlp.make_doc(text[a:b]) for a, b in bounds]
    doc = Doc.from_docs(docs, ensure_whitespace=False)
    if doc.text != text:  # cannot happen when cuts follow whitespace; guard the offsets contract
        raise ValueError("joining the pieces of a long note changed its text")
    return doc
