"""Per-note processing shared by every engine (in-process, worker processes, Spark).

:class:`AnnotateProcessorFactory` is a JSON-friendly, picklable recipe; calling it builds the
pipeline (and the de-identifier) once and returns a :class:`NoteProcessor` for that process.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from corpora.doc import doc_to_record, record_to_doc
from corpora.record import set_hashes
from corpora.runner import Processed

from .pipeline import PipelineConfig, build_pipeline

DEID_REPORT_SUFFIX = ".deid-report.jsonl"
#: notes per batch when the pipeline runs a model (windows of several notes share forward passes)
MODEL_BATCH_NOTES = 32


@dataclass
class AnnotateProcessorFactory:
    pipeline: PipelineConfig = field(default_factory=PipelineConfig)
    deid_enabled: bool = False
    deid_mode: str = "tag"

    def __call__(self) -> "NoteProcessor":
        nlp = build_pipeline(self.pipeline)
        deidentifier = None
        if self.deid_enabled:
            from nlp_pipeline.deid import DeidConfig, Deidentifier

            deidentifier = Deidentifier(DeidConfig(mode=self.deid_mode))
        return NoteProcessor(nlp, self.pipeline, deidentifier)

    @property
    def batch_size(self) -> int:
        """Notes per batch of the processors it builds (see :class:`NoteProcessor`)."""
        return MODEL_BATCH_NOTES if self.pipeline.model and self.pipeline.finds_targets else 1

    def to_dict(self) -> dict[str, Any]:
        return {"pipeline": self.pipeline.to_dict(), "deid_enabled": self.deid_enabled, "deid_mode": self.deid_mode}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "AnnotateProcessorFactory":
        return cls(PipelineConfig.from_dict(data["pipeline"]), bool(data["deid_enabled"]), str(data["deid_mode"]))


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

    def many(self, records: list[dict[str, Any]]) -> list[Processed]:
        """Process a batch; if the batch raises, each note is processed alone (so only the bad
        note fails, as with one note at a time)."""
        try:
            sides, prepared = [], []
            for record in records:
                record, side = self._deid(record)
                sides.append(side)
                prepared.append(self._prepare(record))
            docs = [record_to_doc(r, self.nlp) for r in prepared]
            for _, proc in self.nlp.pipeline:
                docs = list(proc.pipe(docs)) if hasattr(proc, "pipe") else [proc(d) for d in docs]
            return [Processed(record=None, line=json.dumps(self._finish(d), ensure_ascii=False), side=side)
                    for d, side in zip(docs, sides)]
        except Exception:  # noqa: BLE001 - fall back to one note at a time to isolate the failure
            from corpora.runner import _safe_process

            return [_safe_process(self, r) for r in records]

    def _deid(self, record: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
        side: dict[str, list[dict[str, Any]]] = {}
        if self.deidentifier is not None:
            try:
                record, report = self.deidentifier.deidentify_record(record)
            except Exception as exc:  # noqa: BLE001 - the message could quote the note: keep only its type
                from corpora.errors import DEID_NOTE_FAILED, DeidError

                raise DeidError(f"de-identification failed ({type(exc).__name__}); the note was not written",
                                "check the note's text; nothing of it reached any output", code=DEID_NOTE_FAILED) from None
            side[DEID_REPORT_SUFFIX] = [report]
        return record, side

    def __call__(self, record: dict[str, Any]) -> Processed:
        record, side = self._deid(record)
        out = self.annotate_record(record)
        return Processed(record=None, line=json.dumps(out, ensure_ascii=False), side=side)

    def _prepare(self, record: dict[str, Any]) -> dict[str, Any]:
        record = dict(record)
        if not self.config.keep_spans and record.get("spans"):
            # the input's own spans are not targets here: keep them aside, untouched
            record["input_spans"] = record.pop("spans")
            if record.get("relations"):
                # and the relations between them (a preset may add relations of its own)
                record["input_relations"] = record.pop("relations")
        return record

    def annotate_record(self, record: dict[str, Any]) -> dict[str, Any]:
        doc = record_to_doc(self._prepare(record), self.nlp)
        for _, proc in self.nlp.pipeline:
            doc = proc(doc)
        return self._finish(doc)

    @staticmethod
    def _finish(doc) -> dict[str, Any]:
        out = doc_to_record(doc, with_tokens=True, copy_values=False)  # serialised at once, Doc dropped
        out.pop("_input_hash", None)
        out.pop("_task_hash", None)
        return set_hashes(out)
