"""``clinlabel annotate``: read any corpus, (de-identify), run the pipeline, stream Prodigy JSONL."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpora.lineage import record_run
from corpora.runner import RunConfig, RunSummary, run_streaming
from nlp_pipeline.processing import DEID_REPORT_SUFFIX, AnnotateProcessorFactory

from ..config import AnnotateConfig

logger = logging.getLogger(__name__)


def annotate(in_path: str | Path, out_path: str | Path, config: AnnotateConfig) -> RunSummary:
    """Run the whole annotate job with ``config``; see :func:`corpora.runner.run_streaming`."""
    from corpora.formats import read_corpus
    from nlp_pipeline.startup import lean_spacy

    lean_spacy()
    factory = AnnotateProcessorFactory(config.pipeline, config.deid.enabled, config.deid.mode)
    run = record_run(in_path, out_path, config.to_dict(), label_model=_label_model(config))  # lineage sidecar
    if config.run.engine == "spark":
        return _annotate_spark(in_path, out_path, config, factory)
    records = read_corpus(in_path, config.input.format, skip_invalid=config.input.skip_invalid,
                          **config.input.reader_options())
    records = run.tag(records)  # meta.run_id
    if config.run.workers == 1 or sys.platform.startswith("linux"):
        # build the pipeline once, before the output is opened (a bad config costs nothing);
        # forked workers inherit it copy-on-write instead of each building their own
        factory_once = _Prebuilt(factory())
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
    total = _count_hint(in_path)
    for cap in (config.input.limit, config.input.sample):
        total = cap if total is None or cap is not None and cap < total else total
    return run_streaming(records, out_path, factory_once, run_cfg, total=total)


def _label_model(config: AnnotateConfig) -> str | None:
    """Name of the label model a preset / LF module run uses (None: no labelling functions)."""
    if not (config.pipeline.preset or config.pipeline.lfs):
        return None
    from labeling_functions.presets import get_preset
    from labeling_functions.weak import DEFAULT_LABEL_MODEL

    return get_preset(config.pipeline.preset).label_model if config.pipeline.preset else DEFAULT_LABEL_MODEL


@dataclass
class _Prebuilt:
    processor: Any

    def __call__(self):
        return self.processor

    @property
    def batch_size(self) -> int:
        return getattr(self.processor, "batch_size", 1)


def _count_hint(path: str | Path) -> int | None:
    """Number of notes for the progress bar, when cheap to know (JSONL line count)."""
    path = Path(path)
    if path.is_file() and path.suffix == ".jsonl" and path.stat().st_size < 2_000_000_000:
        with open(path, "rb") as fh:
            return sum(1 for line in fh if line.strip())
    return None


def _annotate_spark(in_path, out_path, config: AnnotateConfig, factory: AnnotateProcessorFactory) -> RunSummary:
    import time

    from nlp_pipeline.engines.spark import run_spark

    if config.deid.enabled:
        # the report is a side file; on Spark it would need a second output: keep it simple and safe
        from corpora.errors import PIPE_ENGINE, PipelineError

        raise PipelineError("--deid is not supported with --engine spark yet",
                            "run `clinlabel deid` first and annotate its output on Spark", code=PIPE_ENGINE)
    if config.input.limit is not None or config.input.sample is not None:
        from corpora.errors import PIPE_ENGINE, PipelineError

        raise PipelineError("--limit / --sample are not supported with --engine spark",
                            "select the notes first (clinlabel convert IN -o SUBSET.jsonl --sample N) and annotate "
                            "that on Spark", code=PIPE_ENGINE)
    start = time.perf_counter()
    counts = run_spark(str(in_path), str(out_path), factory.to_dict(), master=config.run.spark_master,
                       input_format=config.input.format, overwrite=config.run.overwrite)
    return RunSummary(written=counts["written"], failed=counts["failed"], seconds=time.perf_counter() - start,
                      out=str(out_path), errors_path=str(out_path).rstrip("/") + ".errors")
