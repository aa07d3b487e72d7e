"""Shared pytest fixtures: the repo's small test data, the shared corpora (by path) and a blank nlp."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEST_DATA = ROOT / "tests" / "data"
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def test_data() -> Path:
    """``tests/data`` (small fixtures shipped in the repo; sources in tests/data/README.md)."""
    return TEST_DATA


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` (public corpora beside the project); skips if that folder is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data folder {SHARED_DATA} is absent")
    return SHARED_DATA


@pytest.fixture(scope="session")
def nlp():
    """A blank English pipeline (tokenizer only); no model download."""
    import spacy

    return spacy.blank("en")
