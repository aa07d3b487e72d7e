"""A floor under the clinical preset's figures on a slice of Chia (../shared/data/chia; skipped when absent).

The first 80 files of the tune half (sorted by name) go through ``annotate --preset clinical``'s
note processor; strict micro F1 over Condition, Drug, Procedure and Measurement, and the
relation F1 with gold entities, must stay above floors a little under today's figures (full
figures: ``benchmarks/clinical_eval.py``, ``benchmarks/clinical_relations_eval.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
N_FILES = 80
#: measured on this slice when the floors were set: micro strict 0.594, Has_value 0.774, Has_temporal 0.647
FLOOR_MICRO, FLOOR_HAS_VALUE, FLOOR_HAS_TEMPORAL = 0.57, 0.74, 0.61


@pytest.fixture(scope="module")
def chia_slice(shared_data):
    from corpora.formats import read_corpus
    from labeling_functions.presets.clinical import chia_split

    records = [r for r in read_corpus(shared_data / "chia", "brat") if chia_split(r["meta"]["id"]) == "tune"]
    return sorted(records, key=lambda r: r["meta"]["id"])[:N_FILES]


def test_entity_figures_on_a_chia_slice(chia_slice):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from clinical_eval import CORE, _spans, annotate, prf, score

    outs, _ = annotate(chia_slice)
    gold = {r["meta"]["id"]: _spans(r) for r in chia_slice}
    pred = {o["meta"]["id"]: _spans(o) for o in outs}
    counts = score(pred, gold, list(gold))
    import collections

    micro = collections.Counter()
    for label in CORE:
        micro.update(counts[label])
        assert counts[label]["tp"] > 0, label
    assert prf(micro)["f1"] >= FLOOR_MICRO, prf(micro)


def test_relation_figures_on_a_chia_slice(chia_slice):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from clinical_relations_eval import gold_relations, predict_with_gold_entities, score

    from corpora.tokenizer import biomedical_nlp

    nlp = biomedical_nlp()
    res = score([(predict_with_gold_entities(r, nlp), gold_relations(r)) for r in chia_slice])
    assert res["Has_value"][2] >= FLOOR_HAS_VALUE, res
    assert res["Has_temporal"][2] >= FLOOR_HAS_TEMPORAL, res
