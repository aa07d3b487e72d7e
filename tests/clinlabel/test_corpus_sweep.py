"""Every note of every corpus in ../shared/data through `clinlabel annotate`, with the default
pipeline and each preset (a new preset in PRESET_MODULES joins by itself): zero errors-file
entries.  The sweep itself lives in benchmarks/corpus_sweep.py (it prints the timings)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from labeling_functions.presets import PRESET_MODULES

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("corpus_sweep", ROOT / "benchmarks" / "corpus_sweep.py")
sweep = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sweep)

#: input records a reader skips on purpose (the NCBI training file holds one abstract twice)
EXPECTED_SKIPS = {"ncbi_disease": ["duplicate meta.id '8528200'"]}


@pytest.mark.slow
@pytest.mark.parametrize("pipeline", ["default", *PRESET_MODULES])
@pytest.mark.parametrize("corpus", list(sweep.CORPORA))
def test_every_note_of_every_corpus_is_annotated(shared_data, tmp_path, corpus, pipeline):
    row = sweep.sweep_one(corpus, pipeline, tmp_path, workers=2)
    assert row["failed"] == 0, row["reasons"].most_common(5)
    expected = EXPECTED_SKIPS.get(corpus, [])
    assert len(row["skipped"]) == len(expected) and all(e in m for e, m in zip(expected, row["skipped"])), row["skipped"]
    assert row["notes"] > 0
