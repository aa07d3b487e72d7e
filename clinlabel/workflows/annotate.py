"""``clinlabel annotate``: read any corpus, (de-identify), run the pipeline, stream Prodigy JSONL."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from corpora.errors import PIPE_ENGINE, PipelineError
from corpora.runner import RunSummary
from nlp_pipeline.deid.stream import DEID_REPORT, default_report_path
from nlp_pipeline.processing import AnnotateProcessorFactory

from ..config import JobConfig
from .run import count_hint, run_job  # noqa: F401 - count_hint kept for callers of the old name

logger = logging.getLogger(__name__)


def annotate(in_path: str | Path, out_path: str | Path, config: JobConfig,
             *, deid_report: str | Path | None = None) -> RunSummary:
    """Run the whole annotate job with ``config``; see :func:`corpora.runner.run_streaming`.

    With ``config.deid.enabled`` each note is de-identified first (same step, report and errors
    file as ``clinlabel deid``); the report goes to ``deid_report`` or ``OUT.deid-report.jsonl``.
    """
    factory = AnnotateProcessorFactory(config.pipeline, config.deid if config.deid.enabled else None)
    if config.run.engine == "spark":
        return _annotate_spark(in_path, out_path, config, factory)
    side = {DEID_REPORT: deid_report or default_report_path(out_path)} if config.deid.enabled else None
    return run_job(in_path, out_path, config, factory, description="annotate", side_files=side)


def _annotate_spark(in_path, out_path, config: JobConfig, factory: AnnotateProcessorFactory) -> RunSummary:
    from nlp_pipeline.engines.spark import run_spark
    from nlp_pipeline.startup import lean_spacy

    if config.deid.enabled:
        # the report is a side file; on Spark it would need a second output: keep it simple and safe
        raise PipelineError("--deid is not supported with --engine spark yet",
                            "run `clinlabel deid` first and annotate its output on Spark", code=PIPE_ENGINE)
    if config.run.resume:
        raise PipelineError("--resume is not supported with --engine spark (Spark retries failed tasks itself)",
                            "rerun with --overwrite, or use --engine local", code=PIPE_ENGINE)
    lean_spacy()
    start = time.perf_counter()
    counts = run_spark(str(in_path), str(out_path), factory.to_dict(), master=config.run.spark_master,
                       input_format=config.input.format, overwrite=config.run.overwrite)
    return RunSummary(written=counts["written"], failed=counts["failed"], seconds=time.perf_counter() - start,
                      out=str(out_path), errors_path=str(out_path).rstrip("/") + ".errors")
