"""``clinlabel annotate``: read any corpus, (de-identify), run the pipeline, stream Prodigy JSONL."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from corpora.doc import doc_to_record, record_to_doc
from corpora.record import set_hashes
from corpora.runner import Processed, RunConfig, RunSummary, run_streaming
from nlp_pipeline.pipeline import PipelineConfig, build_pipeline

from ..config import AnnotateConfig

logger = logging.getLogger(__name__)

DEID_REPORT_SUFFIX = ".deid-report.jsonl"


@dataclass
class AnnotateProcessorFactory:
    """Picklable recipe for the per-process note processor (built once per process)."""

    pipeline: PipelineConfig
    deid_enabled: bool = False
    deid_mode: str = "tag"

    def __call__(self):
        nlp = build_pipeline(self.pipeline)
        deidentifier = None
        if self.deid_enabled:
            from nlp_pipeline.deid import DeidConfig, Deidentifier

            deidentifier = Deidentifier(DeidConfig(mode=self.deid_mode))
        return NoteProcessor(nlp, self.pipeline, deidentifier)


class NoteProcessor:
    """Turns one record into one output record (plus the de-identification report line)."""

    def __init__(self, nlp, config: PipelineConfig, deidentifier=None) -> None:
        self.nlp = nlp
        self.config = config
        self.deidentifier = deidentifier

    def __call__(self, record: dict[str, Any]) -> Processed:
        side: dict[str, list[dict[str, Any]]] = {}
        if self.deidentifier is not None:
            record, report = self.deidentifier.deidentify_record(record)
            side[DEID_REPORT_SUFFIX] = [report]
        return Processed(record=self.annotate_record(record), side=side)

    def annotate_record(self, record: dict[str, Any]) -> dict[str, Any]:
        record = dict(record)
        if not self.config.keep_spans and record.get("spans"):
            # the input's own spans are not targets here: keep them aside, untouched
            record["input_spans"] = record.pop("spans")
        doc = record_to_doc(record, self.nlp)
        for _, proc in self.nlp.pipeline:
            doc = proc(doc)
        out = doc_to_record(doc, with_tokens=True)
        out.pop("_input_hash", None)
        out.pop("_task_hash", None)
        return set_hashes(out)


def annotate_records(records: Iterable[dict[str, Any]], pipeline: PipelineConfig | None = None) -> Iterable[dict[str, Any]]:
    """Library use: annotate records in memory, one by one (no files)."""
    processor = AnnotateProcessorFactory(pipeline or PipelineConfig())()
    for record in records:
        yield processor.annotate_record(record)


def annotate(in_path: str | Path, out_path: str | Path, config: AnnotateConfig) -> RunSummary:
    """Run the whole annotate job with ``config``; see :func:`corpora.runner.run_streaming`."""
    from corpora.formats import read_corpus

    if config.run.engine == "spark":
        from nlp_pipeline.engines.spark import annotate_spark

        return annotate_spark(in_path, out_path, config)
    records = read_corpus(
        in_path,
        config.input.format,
        skip_invalid=config.input.skip_invalid,
        **{k: v for k, v in {"text_col": config.input.text_col, "id_col": config.input.id_col}.items() if v},
    )
    factory = AnnotateProcessorFactory(config.pipeline, config.deid.enabled, config.deid.mode)
    if config.run.workers == 1:
        # build the pipeline before the output is opened, so a bad config costs nothing
        built = factory()
        factory_once = _Prebuilt(built)
    else:
        factory_once = factory
    run_cfg = RunConfig(
        resume=config.run.resume,
        overwrite=config.run.overwrite,
        strict=config.run.strict,
        workers=config.run.workers,
        progress=config.run.progress,
        side_suffixes=(DEID_REPORT_SUFFIX,) if config.deid.enabled else (),
    )
    return run_streaming(records, out_path, factory_once, run_cfg, total=_count_hint(in_path))


@dataclass
class _Prebuilt:
    processor: Any

    def __call__(self):
        return self.processor


def _count_hint(path: str | Path) -> int | None:
    """Number of notes for the progress bar, when cheap to know (JSONL line count)."""
    path = Path(path)
    if path.is_file() and path.suffix == ".jsonl" and path.stat().st_size < 2_000_000_000:
        with open(path, "rb") as fh:
            return sum(1 for line in fh if line.strip())
    return None
