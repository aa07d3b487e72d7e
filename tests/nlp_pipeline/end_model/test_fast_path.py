"""The fast model path: windows batched across notes and sorted by length give the same
probabilities as one note at a time; int8 quantisation does not drift from full precision beyond
a tolerance; annotate --model batches notes (1 and 2 workers give the same output); the
combined component (combiner.json) and the low-span-rate warning."""

import json
import logging
import random

import numpy as np
import pytest

from end_model_support import make_weak_record
from nlp_pipeline.end_model import load_end_model


def _records(n=12, seed=5):
    rng = random.Random(seed)
    recs = [make_weak_record(500 + i, rng) for i in range(n)]
    # notes of different lengths (some longer than one window)
    for i, r in enumerate(recs):
        if i % 3 == 0:
            r["text"] = " ".join([r["text"]] * 4)
    return [{"text": r["text"], "meta": r["meta"]} for r in recs]


def _words(records):
    from nlp_pipeline.end_model.data import record_tokens

    return [[t["text"] for t in record_tokens(r)] for r in records]


def test_batched_sorted_windows_match_one_note_at_a_time(trained_model_dir):
    model = load_end_model(trained_model_dir)
    words = _words(_records())
    together = model.word_probs(words, batch_size=4, progress=False)
    alone = [model.word_probs([w], progress=False)[0] for w in words]
    for a, b in zip(together, alone):
        assert np.allclose(a, b, atol=1e-5)


def test_int8_quantised_path_does_not_drift_from_full_precision(trained_model_dir):
    words = _words(_records(n=24, seed=9))
    full = load_end_model(trained_model_dir, quantize=False)
    int8 = load_end_model(trained_model_dir, quantize=True)
    assert type(int8.model.bert.encoder.layer[0].attention.self.query).__module__.startswith("torch.ao.nn.quantized")
    p_full = full.word_probs(words, progress=False)
    p_int8 = int8.word_probs(words, progress=False)
    drift = max(float(np.abs(a - b).max()) for a, b in zip(p_full, p_int8))
    assert drift < 0.05, drift
    spans_full = {(i, s) for i, p in enumerate(p_full) for s in full.decode(p) for s in [s[:3]]}
    spans_int8 = {(i, s) for i, p in enumerate(p_int8) for s in int8.decode(p) for s in [s[:3]]}
    assert spans_full, "the fixture model predicts spans"
    f1 = 2 * len(spans_full & spans_int8) / (len(spans_full) + len(spans_int8))
    assert f1 >= 0.98, f1


@pytest.mark.parametrize("workers", [1, 2])
def test_annotate_with_model_batches_notes_and_matches_predict(trained_model_dir, tmp_path, workers):
    from clinlabel.config import AnnotateConfig
    from clinlabel.workflows.annotate import annotate

    records = _records()
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records))
    out = tmp_path / f"out{workers}.jsonl"
    cfg = AnnotateConfig().override(run__workers=workers, run__progress=False, pipeline__model=str(trained_model_dir))
    summary = annotate(src, out, cfg)
    assert summary.written == len(records) and summary.failed == 0
    got = [json.loads(line) for line in out.read_text().splitlines()]
    assert [g["meta"]["id"] for g in got] == [r["meta"]["id"] for r in records]
    expected = load_end_model(trained_model_dir).predict(records)
    assert [[(s["start"], s["end"], s["label"]) for s in g["spans"]] for g in got] == \
           [[(s["start"], s["end"], s["label"]) for s in e["spans"]] for e in expected]


def test_a_failing_note_in_a_batch_fails_alone(trained_model_dir):
    from nlp_pipeline.pipeline import PipelineConfig
    from nlp_pipeline.processing import AnnotateProcessorFactory

    proc = AnnotateProcessorFactory(PipelineConfig(model=str(trained_model_dir)))()
    assert proc.batch_size > 1
    good = _records(n=3)
    results = proc.many([good[0], {"meta": {"id": "bad"}, "text": None}, good[1]])
    assert [r.error is None for r in results] == [True, False, True]


def test_combined_component_and_low_span_rate_warning(trained_model_dir, tmp_path, caplog):
    import shutil

    import spacy

    from corpora.doc import SPAN_KEY
    from labeling_functions.combine import Combiner
    from labeling_functions.weak import WeakLabeler

    folder = tmp_path / "m"
    shutil.copytree(trained_model_dir, folder)
    labeler = WeakLabeler.from_config(lfs="end_model_test_lfs", label_model="majority")
    comb = Combiner(labeler.span_lf_names, labeler.labels, mode="model")
    # a training span rate far above what the model predicts: the component must warn once
    (folder / "combiner.json").write_text(json.dumps({"combiner": comb.to_dict(), "lfs": {"preset": None,
                                                      "lfs": "end_model_test_lfs"}, "train_span_rate": 5000.0}))
    from nlp_pipeline.pipeline import PipelineConfig

    assert [c[1] for c in PipelineConfig(model=str(folder), context=False).component_plan()][-1] == "clinlabel_combined"
    import labeling_functions.combined  # noqa: F401  (registers the factory)

    nlp = spacy.blank("en")
    nlp.add_pipe("clinlabel_combined", config={"model_dir": str(folder)})
    texts = [r["text"] for r in _records(n=40)] * 20
    with caplog.at_level(logging.WARNING):
        docs = list(nlp.pipe(texts))
    assert any(s._.source == "clinlabel_combined" for d in docs for s in d.spans[SPAN_KEY])
    warnings = [r for r in caplog.records if "spans per 1000 tokens" in r.getMessage()]
    assert len(warnings) == 1
    # the model alone gives the same spans as the combined component in "model" mode
    expected = load_end_model(folder).predict([{"text": texts[0], "meta": {}}])[0]["spans"]
    assert [(s.start_char, s.end_char, s.label_) for s in docs[0].spans[SPAN_KEY]] == \
           [(s["start"], s["end"], s["label"]) for s in expected]


@pytest.mark.slow
def test_spark_engine_with_model_equals_local_engine(trained_model_dir, tmp_path):
    pytest.importorskip("pyspark")
    from clinlabel.cli import main

    records = _records()
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records))
    local = tmp_path / "local.jsonl"
    common = ["--model", str(trained_model_dir), "--no-progress"]
    assert main(["annotate", str(src), "-o", str(local), *common]) == 0
    cfg = tmp_path / "spark.toml"
    cfg.write_text('[run]\nengine = "spark"\nspark_master = "local[1]"\n')
    assert main(["annotate", str(src), "-o", str(tmp_path / "spark_out"), "--config", str(cfg), *common]) == 0
    lines = [x for p in sorted((tmp_path / "spark_out").glob("part-*")) for x in p.read_text().splitlines()]
    spark_records = [json.loads(x) for x in lines]
    local_records = [json.loads(x) for x in local.read_text().splitlines()]
    # each engine tags its records with its own run (lineage's meta.run_id): one id per run
    for records in (spark_records, local_records):
        assert len({r["meta"].pop("run_id") for r in records}) == 1
    assert spark_records == local_records


@pytest.mark.parametrize("rate,warns", [(5000.0, True), (None, False)])
def test_annotate_model_cli_warns_when_the_model_predicts_far_fewer_spans(trained_model_dir, tmp_path, rate, warns):
    """`clinlabel annotate --model` tells the user (on stderr) when the model predicts far fewer spans
    per token than its training labels had; a folder without a training rate stays quiet."""
    import os
    import shutil
    import subprocess
    import sys

    from nlp_pipeline.end_model.model import CONFIG_FILE

    folder = tmp_path / "m"
    shutil.copytree(trained_model_dir, folder)
    meta = json.loads((folder / CONFIG_FILE).read_text())
    meta["train_span_rate"] = rate
    (folder / CONFIG_FILE).write_text(json.dumps(meta))
    records = _records(n=40) * 10  # > 5,000 tokens
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({**r, "meta": {"id": f"n{i}"}}) + "\n" for i, r in enumerate(records)))
    # a fresh process: the CLI's own logging set-up must put the warning on stderr
    proc = subprocess.run([sys.executable, "-m", "clinlabel", "annotate", str(src), "--model", str(folder),
                           "-o", str(tmp_path / "out.jsonl"), "--no-progress"], capture_output=True, text=True,
                          env={**os.environ, "OMP_NUM_THREADS": "1"}, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert len((tmp_path / "out.jsonl").read_text().splitlines()) == len(records)
    assert ("spans per 1000 tokens, its training labels had 5000.0" in proc.stderr) is warns, proc.stderr
