"""The streaming runner: order, resume after a torn write, errors file, bad input, dead workers."""

from __future__ import annotations

import json
import os
import signal
import stat
import sys
from pathlib import Path

import pytest

from corpora.errors import IO_JSON, ClinlabelError, CorpusError, corpus_error
from corpora.runner import Processed, RunConfig, errors_path_for, run_streaming

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="worker tests fork (Linux)")


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
            raise RuntimeError(f"boom on {record['text']}")  # a message that quotes the note
        return Processed(record={**record, "text": record["text"].upper()})


def _factory(fail=()):
    return lambda: Upper(fail)


def _ids(path: Path) -> list[str]:
    return [json.loads(line)["meta"]["id"] for line in path.read_text().splitlines()]


@pytest.fixture()
def deadline():
    """Fail a test that runs longer than ``seconds`` instead of hanging CI (SIGALRM in the main thread)."""

    def expired(signum, frame):
        raise TimeoutError("the run did not end in time: the runner hangs")

    previous = signal.signal(signal.SIGALRM, expired)

    def arm(seconds: float) -> None:
        signal.setitimer(signal.ITIMER_REAL, seconds)

    yield arm
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, previous)


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
    assert errors[0]["error"]["type"] == "RuntimeError"
    assert "test_runner.py" in errors[0]["error"]["message"]  # where it failed, not what the note says
    assert "note 3" not in errors_path_for(out).read_text() and "boom" not in errors_path_for(out).read_text()


def test_show_text_puts_the_exception_message_in_the_errors_file(tmp_path):
    out = tmp_path / "out.jsonl"
    run_streaming(_records(5), out, _factory({"n3"}), RunConfig(progress=False, show_text=True))
    assert "boom on note 3" in errors_path_for(out).read_text()


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


@pytest.mark.parametrize("target", ["out", "errors", "report"])
def test_resume_stops_at_a_corrupt_line_that_is_not_the_last(tmp_path, target):
    out = tmp_path / "out.jsonl"
    report = tmp_path / "out.report.jsonl"

    def with_report():
        def proc(record):
            if record["meta"]["id"] == "n1":
                raise RuntimeError("fails")
            return Processed(record=record, side={"report": [{"meta": record["meta"]}]})

        return proc

    run_streaming(_records(6), out, with_report, RunConfig(progress=False), side_files={"report": report})
    path = {"out": out, "errors": errors_path_for(out), "report": report}[target]
    if target == "errors":  # one failure so far: add a second line so the corrupt one is not the last
        with open(path, "a") as fh:
            fh.write(json.dumps({"meta": {"id": "n9"}, "error": {}}) + "\n")
    lines = path.read_text().splitlines(keepends=True)
    lines[0] = '{"text": "NOTE 0", "me\n'  # damaged in the middle of the file, not a torn tail
    path.write_text("".join(lines))
    before = {p: p.read_bytes() for p in (out, errors_path_for(out), report)}
    with pytest.raises(CorpusError) as info:
        run_streaming(_records(8), out, with_report, RunConfig(resume=True, progress=False), side_files={"report": report})
    message = str(info.value)
    assert f"{path}:1: line 1" in message and "sed -i '1d'" in message and "[CL-RUN002]" in message
    assert {p: p.read_bytes() for p in before} == before  # nothing cut, nothing lost


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
    report = tmp_path / "elsewhere" / "report.jsonl"

    def with_report():
        def proc(record):
            return Processed(record=record, side={"report": [{"meta": record["meta"], "n": 1}]})

        return proc

    run_streaming(_records(3), out, with_report, RunConfig(progress=False), side_files={"report": report})
    with open(report, "a") as fh:  # killed after the report line, before the record line
        fh.write(json.dumps({"meta": {"id": "n3"}, "n": 1}) + "\n")
    run_streaming(_records(5), out, with_report, RunConfig(resume=True, progress=False), side_files={"report": report})
    assert _ids(report) == [f"n{i}" for i in range(5)]


def test_outputs_are_created_private(tmp_path):
    out = tmp_path / "out.jsonl"
    report = tmp_path / "report.jsonl"
    out.write_text("")  # an empty, world-readable file left by `touch`: replaced, not reused
    os.chmod(out, 0o644)

    def proc_factory():
        def proc(record):
            if record["meta"]["id"] == "n2":
                raise RuntimeError("x")
            return Processed(record=record, side={"report": [{"meta": record["meta"]}]})

        return proc

    old_umask = os.umask(0o000)  # even with a permissive umask
    try:
        run_streaming(_records(4), out, proc_factory, RunConfig(progress=False), side_files={"report": report})
    finally:
        os.umask(old_umask)
    for path in (out, report, errors_path_for(out)):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_counts_are_summed(tmp_path):
    def counting():
        return lambda record: Processed(record=record, counts={"NAME": 2, "DATE": 1})

    summary = run_streaming(_records(3), tmp_path / "o.jsonl", counting, RunConfig(progress=False))
    assert summary.counts == {"NAME": 6, "DATE": 3}


@pytest.mark.parametrize("bad", [{"workers": 0}, {"chunk_size": 0}, {"resume": True, "overwrite": True},
                                 {"engine": "dask"}, {"max_retries": -1}, {"workers": "2"}, {"strict": "yes"}])
def test_run_config_is_validated(bad):
    with pytest.raises(ValueError) as info:
        RunConfig(**bad)
    assert isinstance(info.value, ClinlabelError) and info.value.code == "CL-RUN004"


def test_errors_pickle_with_code_and_location():
    import pickle

    err = corpus_error(IO_JSON, "bad", "fix it", file="a.jsonl", line=2)
    again = pickle.loads(pickle.dumps(err))
    assert (again.code, again.file, again.line, str(again)) == (err.code, err.file, err.line, str(err))


# --------------------------------------------------------------------------- dead workers


class KillOnce:
    """Kills its own worker process (SIGKILL, as the OOM killer does) on the notes in ``kill``:
    once per note when ``marker_dir`` is given, else on every attempt."""

    def __init__(self, kill, marker_dir=None):
        self.kill, self.marker_dir = set(kill), marker_dir

    def __call__(self, record):
        rid = record["meta"]["id"]
        if rid in self.kill:
            marker = None if self.marker_dir is None else Path(self.marker_dir) / rid
            if marker is None or not marker.exists():
                if marker is not None:
                    marker.touch()
                os.kill(os.getpid(), signal.SIGKILL)
        return Processed(record=record)


@linux_only
def test_a_killed_worker_is_replaced_and_its_note_rerun(tmp_path, deadline, caplog):
    deadline(60)
    out = tmp_path / "out.jsonl"
    summary = run_streaming(_records(60), out, lambda: KillOnce({"n7", "n33"}, tmp_path),
                            RunConfig(workers=2, chunk_size=4, progress=False))
    assert _ids(out) == [f"n{i}" for i in range(60)]  # every note exactly once, in input order
    assert summary.worker_deaths == 2 and summary.retried == 2 and summary.failed == 0
    assert not errors_path_for(out).exists()
    assert "SIGKILL" in caplog.text and "attempt 2 of 3" in caplog.text


@linux_only
def test_a_note_that_kills_every_worker_goes_to_the_errors_file(tmp_path, deadline):
    deadline(60)
    out = tmp_path / "out.jsonl"
    summary = run_streaming(_records(20), out, lambda: KillOnce({"n5"}), RunConfig(workers=2, progress=False))
    assert _ids(out) == [f"n{i}" for i in range(20) if i != 5]
    (entry,) = [json.loads(line) for line in errors_path_for(out).read_text().splitlines()]
    assert entry["meta"] == {"id": "n5"} and entry["error"]["code"] == "CL-RUN005"
    assert "SIGKILL" in entry["error"]["message"] and "3 attempts" in entry["error"]["message"]
    assert summary.worker_deaths == 3 and summary.failed == 1
    assert summary.seconds < 30  # each death is noticed at once, not after a timeout
    # --resume treats it as done (it is in the errors file)
    again = run_streaming(_records(20), out, _factory(), RunConfig(resume=True, workers=2, progress=False))
    assert again.written == 0 and again.skipped_done == 20


@linux_only
def test_workers_that_keep_dying_stop_the_run_with_the_notes_not_done(tmp_path, deadline):
    deadline(60)
    out = tmp_path / "out.jsonl"
    every = {f"n{i}" for i in range(3, 40)}
    with pytest.raises(CorpusError) as info:
        run_streaming(_records(40), out, lambda: KillOnce(every), RunConfig(workers=2, max_retries=1, progress=False))
    message = str(info.value)
    assert message.startswith(f"{out}: worker processes keep dying") and "[CL-RUN003]" in message
    assert "Notes not done: n" in message and "--resume" in message
    assert _ids(out) == ["n0", "n1", "n2"]  # everything finished in order is written
    summary = run_streaming(_records(40), out, _factory(), RunConfig(resume=True, workers=2, progress=False))
    assert _ids(out)[:3] == ["n0", "n1", "n2"] and summary.skipped_done >= 3
    failed = errors_path_for(out).read_text().splitlines() if errors_path_for(out).exists() else []
    assert sorted(_ids(out) + [json.loads(x)["meta"]["id"] for x in failed]) == sorted(f"n{i}" for i in range(40))


@linux_only
def test_a_worker_that_cannot_build_its_pipeline_stops_the_run(tmp_path, deadline):
    deadline(60)

    def broken():
        raise corpus_error(IO_JSON, "the pipeline config is bad", "fix it")

    with pytest.raises(ClinlabelError, match="the pipeline config is bad"):
        run_streaming(_records(10), tmp_path / "out.jsonl", broken, RunConfig(workers=2, progress=False))


class BatchingKiller(KillOnce):
    """A processor that batches notes (``many``), as a pipeline with a model does."""

    batch_size = 4

    def many(self, records):
        return [self(r) for r in records]


class BatchingFactory:
    batch_size = 4

    def __init__(self, kill=()):
        self.kill = kill

    def __call__(self):
        return BatchingKiller(self.kill)


@linux_only
@pytest.mark.parametrize("workers", [1, 2])
def test_batching_processors_keep_order(tmp_path, deadline, workers):
    deadline(60)
    out = tmp_path / "out.jsonl"
    summary = run_streaming(_records(23), out, BatchingFactory(), RunConfig(workers=workers, progress=False))
    assert _ids(out) == [f"n{i}" for i in range(23)] and summary.written == 23


@linux_only
def test_a_note_that_kills_its_worker_inside_a_batch_is_found_exactly(tmp_path, deadline):
    deadline(60)
    out = tmp_path / "out.jsonl"
    summary = run_streaming(_records(20), out, BatchingFactory({"n6"}), RunConfig(workers=2, progress=False))
    assert _ids(out) == [f"n{i}" for i in range(20) if i != 6]  # its batch-mates re-ran alone and passed
    (entry,) = [json.loads(line) for line in errors_path_for(out).read_text().splitlines()]
    assert entry["meta"] == {"id": "n6"} and entry["error"]["code"] == "CL-RUN005"
    assert summary.failed == 1
