"""``clinlabel codes``: the annotate pipeline, keeping the input record and adding ``codes``."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from corpora.runner import Processed, RunSummary
from nlp_pipeline.pipeline import PipelineConfig
from nlp_pipeline.processing import AnnotateProcessorFactory

from ..config import JobConfig
from .run import local_only, run_job


@dataclass
class CodesProcessorFactory:
    pipeline: PipelineConfig

    def __call__(self):
        inner = AnnotateProcessorFactory(self.pipeline)()

        def process(record: dict[str, Any]) -> Processed:
            annotated = inner.annotate_record(record)
            out = dict(record)
            out["codes"] = annotated.get("codes") or []
            return Processed(record=out)

        return process


def suggest_codes(in_path: str | Path, out_path: str | Path, config: JobConfig | None = None) -> RunSummary:
    """ICD-10-CM suggestions for every note of ``in_path`` (``config.pipeline.codes`` is forced on)."""
    config = config or JobConfig()
    local_only(config, "codes")
    pipeline = replace(config.pipeline, codes=True, default_lfs=False)
    return run_job(in_path, out_path, config, CodesProcessorFactory(pipeline), description="codes")
