"""The per-note processor: a note that fails de-identification never reaches any file in clear."""

from __future__ import annotations

import json
from pathlib import Path

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


# --------------------------------------------------------------------------- long notes

import random  # noqa: E402

import pytest  # noqa: E402

from nlp_pipeline.processing import AnnotateProcessorFactory, make_long_doc, piece_starts  # noqa: E402

SAMPLES = Path(__file__).resolve().parents[2] / "corpora" / "samples" / "mtsamples_50.jsonl"


def _sample_texts() -> list[str]:
    return [json.loads(line)["text"] for line in SAMPLES.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("seed", range(6))
def test_long_doc_has_the_tokens_of_the_whole_text(seed):
    nlp = build_pipeline(PipelineConfig(sentences=False, sections=False, ontology="", context=False, codes=False))
    rng = random.Random(seed)
    texts = _sample_texts()
    text = "\n\n".join(rng.sample(texts, 6)) + "  tail   \n"
    limit = rng.randint(300, 3000)
    long = make_long_doc(nlp, text, limit)
    assert long.text == text
    nlp.max_length = 10 ** 8
    whole = nlp.make_doc(text)
    assert [(t.idx, t.text, t.whitespace_) for t in long] == [(t.idx, t.text, t.whitespace_) for t in whole]


def test_pieces_prefer_paragraphs_then_sentences_and_respect_the_limit():
    text = "First para one. Two.\n\nSecond para here. And more words. " + "x" * 50 + " end."
    starts = piece_starts(text, 40)
    bounds = list(zip(starts, starts[1:] + [len(text)]))
    assert all(b - a <= 40 for a, b in bounds) and starts[0] == 0
    assert text[starts[1]:].startswith("Second para")  # the paragraph break first
    assert starts[2] == text.index("xxx")  # then the last sentence end that fits
    assert all(not text[s].isspace() for s in starts[1:])
    assert piece_starts("y" * 95, 40) == [0, 40, 80]  # no whitespace at all: cut hard


def test_a_note_longer_than_spacys_limit_gives_the_same_record():
    """The same note, once below spaCy's max_length and once far above it: identical records."""
    factory = AnnotateProcessorFactory(PipelineConfig())
    processor = factory()
    text = "\n\n".join(_sample_texts()[:8])
    record = {"text": text, "meta": {"id": "long"}}
    expected = processor.annotate_record(record)
    processor.nlp.max_length = 5_000  # the note is now "too long": it is tokenised in pieces
    assert len(text) > 3 * processor.nlp.max_length
    got = processor.annotate_record(record)
    assert got == expected
    assert any(s.get("code") for s in got["spans"]) and got.get("codes")


@pytest.mark.slow
def test_a_3_mb_note_is_annotated_with_original_offsets(tmp_path):
    from clinlabel.cli import main

    texts = _sample_texts()
    parts, size, i = [], 0, 0
    while size < 3_000_000:
        parts.append(texts[i % len(texts)])
        size += len(texts[i % len(texts)]) + 2
        i += 1
    text = "\n\n".join(parts)
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"text": text, "meta": {"id": "huge"}}) + "\n"
                   + json.dumps({"text": texts[0], "meta": {"id": "small"}}) + "\n")
    out = tmp_path / "out.jsonl"
    assert main(["annotate", str(src), "-o", str(out), "--no-progress"]) == 0
    assert not errors_path_for(out).exists()
    huge, small = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert huge["meta"]["id"] == "huge" and small["meta"]["id"] == "small" and huge["text"] == text
    assert len(huge["spans"]) > 1000 and huge["codes"]
    for span in huge["spans"]:
        assert text[span["start"]:span["end"]] == span["text"]
    last = huge["tokens"][-1]
    assert last["end"] == len(text.rstrip()) or last["end"] == len(text)
