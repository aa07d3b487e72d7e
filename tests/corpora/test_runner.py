"""The streaming runner: order, flushing, resume after a torn write, error file, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpora.errors import ClinlabelError, CorpusError, IO_JSON, corpus_error
from corpora.runner import Processed, RunConfig, errors_path_for, run_streaming


def _records(n: int, bad_at: int | None = None):
    for i in range(n):
        if bad_at is not None and i == bad_at:
            raise corpus_error(IO_JSON, "malformed JSON", "fix the line", file="in.jsonl", line=i + 1)
        yield {"text": f"note {i}", "meta": {"id": f"n{i}"}}


class Upper:
    """A processor: upper-cases the text; fails on ids listed in ``fail``."""

    def __init__(self, fail=()):
        self.fail = set(fail)

    def __call__(self, record):
        if record["meta"]["id"] in self.fail:
            raise RuntimeError("boom")
        return Processed(record={**record, "text": record["text"].upper()})


def _factory(fail=()):
    return lambda: Upper(fail)


def _ids(path: Path) -> list[str]:
    return [json.loads(line)["meta"]["id"] for line in path.read_text().splitlines()]


@pytest.mark.parametrize("workers", [1, 2])
def test_writes_one_record_per_note_in_input_order(tmp_path, workers):
    out = tmp_path / "out.jsonl"
    summary = run_streaming(_records(40), out, _factory(), RunConfig(workers=workers, progress=False, chunk_size=3))
    assert summary.written == 40
    assert _ids(out) == [f"n{i}" for i in range(40)]
    assert json.loads(out.read_text().splitlines()[5])["text"] == "NOTE 5"


@pytest.mark.parametrize("workers", [1, 2])
def test_failed_note_goes_to_errors_file_without_its_text(tmp_path, workers):
    out = tmp_path / "out.jsonl"
    summary = run_streaming(_records(10), out, _factory({"n3"}), RunConfig(workers=workers, progress=False))
    assert summary.failed == 1 and summary.written == 9
    errors = [json.loads(line) for line in errors_path_for(out).read_text().splitlines()]
    assert errors == [{"meta": {"id": "n3"}, "error": errors[0]["error"]}]
    assert "boom" in errors[0]["error"]["message"]
    assert "note 3" not in errors_path_for(out).read_text()


def test_strict_stops_at_failing_note_keeping_earlier_output(tmp_path):
    out = tmp_path / "out.jsonl"
    with pytest.raises(ClinlabelError, match="n3"):
        run_streaming(_records(10), out, _factory({"n3"}), RunConfig(strict=True, progress=False))
    assert _ids(out) == ["n0", "n1", "n2"]


@pytest.mark.parametrize("workers", [1, 2])
def test_malformed_input_stops_after_writing_everything_before(tmp_path, workers):
    out = tmp_path / "out.jsonl"
    with pytest.raises(CorpusError) as info:
        run_streaming(_records(10, bad_at=6), out, _factory(), RunConfig(workers=workers, progress=False))
    assert "in.jsonl:7:" in str(info.value)
    assert _ids(out) == [f"n{i}" for i in range(6)]


def test_resume_cuts_torn_line_and_completes_exactly_once(tmp_path):
    out = tmp_path / "out.jsonl"
    run_streaming(_records(5), out, _factory(), RunConfig(progress=False))
    with open(out, "a") as fh:  # a run killed mid-write leaves half a line
        fh.write('{"text": "NOTE 5", "meta": {"id": "n')
    summary = run_streaming(_records(12), out, _factory(), RunConfig(resume=True, progress=False))
    assert summary.skipped_done == 5 and summary.written == 7
    assert _ids(out) == [f"n{i}" for i in range(12)]


def test_resume_does_not_redo_failed_notes(tmp_path):
    out = tmp_path / "out.jsonl"
    run_streaming(_records(4), out, _factory({"n1"}), RunConfig(progress=False))
    summary = run_streaming(_records(6), out, _factory(), RunConfig(resume=True, progress=False))
    assert summary.written == 2
    assert _ids(out) == ["n0", "n2", "n3", "n4", "n5"]


def test_refuses_to_overwrite_finished_work(tmp_path):
    out = tmp_path / "out.jsonl"
    run_streaming(_records(3), out, _factory(), RunConfig(progress=False))
    before = out.read_bytes()
    with pytest.raises(CorpusError, match="--resume"):
        run_streaming(_records(3), out, _factory(), RunConfig(progress=False))
    assert out.read_bytes() == before
    run_streaming(_records(2), out, _factory(), RunConfig(overwrite=True, progress=False))
    assert _ids(out) == ["n0", "n1"]


def test_side_files_are_kept_in_step_on_resume(tmp_path):
    out = tmp_path / "out.jsonl"

    def with_report():
        def proc(record):
            return Processed(record=record, side={".report.jsonl": [{"meta": record["meta"], "n": 1}]})

        return proc

    run_streaming(_records(3), out, with_report, RunConfig(progress=False, side_suffixes=(".report.jsonl",)))
    report = tmp_path / "out.report.jsonl"
    with open(report, "a") as fh:  # killed after the report line, before the record line
        fh.write(json.dumps({"meta": {"id": "n3"}, "n": 1}) + "\n")
    run_streaming(_records(5), out, with_report, RunConfig(resume=True, progress=False, side_suffixes=(".report.jsonl",)))
    assert _ids(report) == [f"n{i}" for i in range(5)]


@pytest.mark.parametrize("bad", [{"workers": 0}, {"chunk_size": 0}, {"resume": True, "overwrite": True}])
def test_run_config_is_validated(bad):
    with pytest.raises(ValueError):
        RunConfig(**bad)


def test_errors_pickle_with_code_and_location():
    import pickle

    err = corpus_error(IO_JSON, "bad", "fix it", file="a.jsonl", line=2)
    again = pickle.loads(pickle.dumps(err))
    assert (again.code, again.file, again.line, str(again)) == (err.code, err.file, err.line, str(err))


@pytest.mark.parametrize("cpus,workers,expected", [(2, 2, "1"), (4, 2, "2"), (2, 1, "2"), (1, 3, "1")])
def test_workers_share_the_cores_for_threaded_maths(monkeypatch, cpus, workers, expected):
    import os

    from corpora import runner

    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        monkeypatch.setenv(name, "x")  # recorded, so the values set below are undone after the test
        monkeypatch.delenv(name)
    monkeypatch.setattr(os, "cpu_count", lambda: cpus)
    calls = []
    fake_torch = type("FakeTorch", (), {"set_num_threads": staticmethod(calls.append)})
    monkeypatch.setitem(__import__("sys").modules, "torch", fake_torch)  # torch imported before the fork
    runner._share_cores(workers)
    assert os.environ["OMP_NUM_THREADS"] == expected
    assert os.environ["MKL_NUM_THREADS"] == expected
    assert calls == [int(expected)]


def test_a_thread_count_the_user_set_is_left_alone(monkeypatch):
    import os

    from corpora import runner

    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    monkeypatch.setenv("MKL_NUM_THREADS", "x")
    monkeypatch.delenv("MKL_NUM_THREADS")
    runner._share_cores(2)
    assert os.environ["OMP_NUM_THREADS"] == "3"
    assert "MKL_NUM_THREADS" not in os.environ

