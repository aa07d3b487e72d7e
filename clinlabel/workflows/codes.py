"""``clinlabel codes``: the annotate pipeline, keeping the input record and adding ``codes``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpora.runner import Processed, RunConfig, RunSummary, run_streaming
from nlp_pipeline.pipeline import PipelineConfig
from nlp_pipeline.processing import AnnotateProcessorFactory


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


def suggest_codes(in_path: str | Path, out_path: str | Path, *, ontology: str = "icd10cm", setting: str = "outpatient",
                  fmt: str | None = None, text_col: str | None = None, id_col: str | None = None,
                  reader_options: dict[str, Any] | None = None,
                  resume: bool = False, overwrite: bool = False, skip_invalid: bool = False, workers: int = 1,
                  progress: bool = True, z_codes: bool = True) -> RunSummary:
    from corpora.formats import read_corpus
    from nlp_pipeline.startup import lean_spacy

    lean_spacy()

    # the coder's path: the ICD-10-CM matcher finds the mentions (no clinical LFs to run)
    pipeline = PipelineConfig(ontology=ontology, setting=setting, codes=True, z_codes=z_codes, default_lfs=False)
    options = {k: v for k, v in {"text_col": text_col, "id_col": id_col, **(reader_options or {})}.items() if v is not None}
    records = read_corpus(in_path, fmt, skip_invalid=skip_invalid, **options)
    factory = CodesProcessorFactory(pipeline)
    run = RunConfig(resume=resume, overwrite=overwrite, workers=workers, progress=progress)
    return run_streaming(records, out_path, factory, run, description="codes")
