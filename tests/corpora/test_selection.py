"""--limit / --sample / --seed through read_corpus: reproducible, in input order, streaming."""

from __future__ import annotations

import json

import pytest

from corpora.errors import ClinlabelError
from corpora.formats import read_corpus
from corpora.selection import select_records


@pytest.fixture()
def corpus(tmp_path):
    path = tmp_path / "notes.jsonl"
    path.write_text("".join(json.dumps({"text": f"note {i}", "meta": {"id": str(i)}}) + "\n" for i in range(50)),
                    encoding="utf-8")
    return path


def ids(records):
    return [r["meta"]["id"] for r in records]


def test_limit_keeps_the_first_notes(corpus):
    assert ids(read_corpus(corpus, limit=3)) == ["0", "1", "2"]
    assert ids(read_corpus(corpus, limit=0)) == []


@pytest.mark.parametrize("seed", [0, 7])
def test_sample_is_reproducible_in_input_order_and_depends_on_the_seed(corpus, seed):
    first = ids(read_corpus(corpus, sample=10, seed=seed))
    assert first == ids(read_corpus(corpus, sample=10, seed=seed))
    assert len(set(first)) == 10 and first == sorted(first, key=int)
    other = ids(read_corpus(corpus, sample=10, seed=seed + 1))
    assert other != first


def test_sample_after_limit_and_larger_than_the_corpus(corpus):
    got = ids(read_corpus(corpus, limit=5, sample=3, seed=1))
    assert len(got) == 3 and set(got) <= {"0", "1", "2", "3", "4"}
    assert ids(read_corpus(corpus, sample=500)) == [str(i) for i in range(50)]


def test_sample_reads_twice_and_holds_no_records():
    opened = []

    def opener():
        opened.append(1)
        return ({"text": "x", "meta": {"id": str(i)}} for i in range(100_000))

    it = select_records(opener, sample=3, seed=2)
    assert opened == []  # lazy: nothing read until the first record is asked for
    got = ids(it)
    assert len(got) == 3 and len(opened) == 2


@pytest.mark.parametrize("kwargs", [{"limit": -1}, {"sample": 0}, {"sample": "3"}, {"sample": 2, "seed": -2}, {"limit": True}])
def test_bad_values_are_refused_at_once(corpus, kwargs):
    with pytest.raises(ClinlabelError) as info:
        read_corpus(corpus, **kwargs)
    assert info.value.code == "CL-IO101"
