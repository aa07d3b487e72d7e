"""``clinlabel deid``: de-identify a corpus on the same runner as ``annotate``."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from corpora.runner import RunSummary
from nlp_pipeline.deid.stream import DEID_REPORT, DeidProcessorFactory, check_paths, default_report_path

from ..config import JobConfig
from .run import local_only, run_job


def deidentify(in_path: str | Path, out_path: str | Path, config: JobConfig | None = None,
               *, report: str | Path | None = None) -> RunSummary:
    """Write the de-identified notes to OUT, the audit report to ``report`` (default
    ``OUT.deid-report.jsonl``) and failed notes' ids to ``OUT.errors.jsonl``."""
    config = config or JobConfig()
    config = replace(config, deid=replace(config.deid, enabled=True))  # validated again: no show_text
    local_only(config, "deid")
    report = Path(report) if report is not None else default_report_path(out_path)
    check_paths(in_path, out_path, report)
    return run_job(in_path, out_path, config, DeidProcessorFactory(config.deid), description="deid",
                   side_files={DEID_REPORT: report})
