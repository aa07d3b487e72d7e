"""Fixtures of the end-model tests (helpers live in end_model_support.py)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from end_model_support import TINY, build_tiny_backbone, make_weak_record


@pytest.fixture(scope="session")
def tiny_backbone(tmp_path_factory) -> Path:
    return build_tiny_backbone(tmp_path_factory.mktemp("tiny_bert"))


@pytest.fixture
def weak_records() -> list[dict]:
    rng = random.Random(7)
    return [make_weak_record(i, rng) for i in range(24)]


@pytest.fixture(scope="session")
def trained_model_dir(tiny_backbone, tmp_path_factory) -> Path:
    """A tiny model trained once on the synthetic weak records (shared by several tests)."""
    from nlp_pipeline.end_model import EndModelConfig, train_end_model

    rng = random.Random(7)
    records = [make_weak_record(i, rng) for i in range(24)]
    out = tmp_path_factory.mktemp("model") / "m"
    return train_end_model(records, EndModelConfig(backbone=str(tiny_backbone), **TINY), output_dir=out)
