"""The per-note processor: a note that fails de-identification never reaches any file in clear."""

from __future__ import annotations

import json

from corpora.runner import RunConfig, errors_path_for, run_streaming
from nlp_pipeline.pipeline import PipelineConfig, build_pipeline
from nlp_pipeline.processing import NoteProcessor


class ExplodingDeidentifier:
    def deidentify_record(self, record):
        raise RuntimeError(f"cannot parse {record['text']}")  # a message that quotes the note


def test_failed_deid_writes_only_the_id(tmp_path):
    nlp = build_pipeline(PipelineConfig(sections=False, ontology="", context=False, codes=False))
    processor = NoteProcessor(nlp, PipelineConfig(), ExplodingDeidentifier())
    out = tmp_path / "out.jsonl"
    records = [{"text": "Jane Roe, SSN 123-45-6789", "meta": {"id": "n1"}}]
    summary = run_streaming(records, out, lambda: processor, RunConfig(progress=False))
    assert summary.failed == 1 and out.read_text() == ""
    error_text = errors_path_for(out).read_text()
    assert "Jane" not in error_text and "123-45-6789" not in error_text
    error = json.loads(error_text)
    assert error["meta"] == {"id": "n1"} and error["error"]["code"] == "CL-DEID001"
