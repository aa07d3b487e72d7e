"""``clinlabel annotate``: read any corpus, (de-identify), run the pipeline, stream Prodigy JSONL."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from corpora.errors import PIPE_ENGINE, PipelineError
from corpora.lineage import record_run, sidecar_path
from corpora.runner import RunSummary, write_error
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
    Writes the lineage sidecar ``OUT.lineage.json``; each record gets ``meta.run_id``.
    """
    from nlp_pipeline.startup import lean_spacy

    lean_spacy()
    factory = AnnotateProcessorFactory(config.pipeline, config.deid if config.deid.enabled else None)
    try:
        run = record_run(in_path, out_path, config.to_dict(), label_model=_label_model(config))  # lineage sidecar
    except OSError as exc:  # the first file written beside OUT: a read-only or full disk shows here
        raise write_error(sidecar_path(out_path), exc, "write the lineage sidecar beside the output") from None
    if config.run.engine == "spark":
        return _annotate_spark(in_path, out_path, config, factory, run.run_id)
    side = {DEID_REPORT: deid_report or default_report_path(out_path)} if config.deid.enabled else None
    return run_job(in_path, out_path, config, factory, description="annotate", side_files=side,
                   tag=run.tag)  # meta.run_id


def _label_model(config: JobConfig) -> str | None:
    """Name of the label model a preset / LF module run uses (None: no labelling functions)."""
    if not (config.pipeline.preset or config.pipeline.lfs):
        return None
    from labeling_functions.presets import get_preset
    from labeling_functions.weak import DEFAULT_LABEL_MODEL

    return get_preset(config.pipeline.preset).label_model if config.pipeline.preset else DEFAULT_LABEL_MODEL


def _annotate_spark(in_path, out_path, config: JobConfig, factory: AnnotateProcessorFactory,
                    run_id: str | None = None) -> RunSummary:
    from nlp_pipeline.engines.spark import run_spark

    if config.deid.enabled:
        # the report is a side file; on Spark it would need a second output: keep it simple and safe
        raise PipelineError("--deid is not supported with --engine spark yet",
                            "run `clinlabel deid` first and annotate its output on Spark", code=PIPE_ENGINE)
    if config.run.resume:
        raise PipelineError("--resume is not supported with --engine spark (Spark retries failed tasks itself)",
                            "rerun with --overwrite, or use --engine local", code=PIPE_ENGINE)
    if config.input.limit is not None or config.input.sample is not None:
        raise PipelineError("--limit / --sample are not supported with --engine spark",
                            "select the notes first (clinlabel convert IN -o SUBSET.jsonl --sample N) and annotate "
                            "that on Spark", code=PIPE_ENGINE)
    start = time.perf_counter()
    counts = run_spark(str(in_path), str(out_path), factory.to_dict(), master=config.run.spark_master,
                       input_format=config.input.format, overwrite=config.run.overwrite, run_id=run_id)
    return RunSummary(written=counts["written"], failed=counts["failed"], seconds=time.perf_counter() - start,
                      out=str(out_path), errors_path=str(out_path).rstrip("/") + ".errors")
