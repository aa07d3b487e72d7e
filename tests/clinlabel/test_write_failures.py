"""Every write failure of a streaming run is one located line and exit code 2, and nothing already
written is lost: disk full (ENOSPC: /dev/full and a full tmpfs), a read-only file system (EROFS),
no permission (EACCES), the file-size limit (EFBIG, RLIMIT_FSIZE) and a failed fsync (EIO)."""

from __future__ import annotations

import errno
import json
import os
import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from clinlabel.cli import main

ROOT = Path(__file__).resolve().parents[2]
TOKENS_ONLY = '[pipeline]\nsentences = false\nsections = false\nontology = ""\ncontext = false\ncodes = false\n'
LOCATED = re.compile(r"^error: (?P<file>[^:]+): (?P<what>[^;]+); (?P<fix>.+) \[(?P<code>CL-[A-Z]+\d+)\]$", re.M)


@pytest.fixture()
def tokens_only(tmp_path) -> Path:
    path = tmp_path / "tokens_only.toml"
    path.write_text(TOKENS_ONLY)
    return path


def _notes(path: Path, n: int, size: int = 600) -> list[str]:
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"text": f"Note {i}: " + "chest pain resolved. " * (size // 21), "meta": {"id": f"w{i}"}})
                     + "\n")
    return [f"w{i}" for i in range(n)]


def _complete_ids(path: Path) -> list[str]:
    """Ids of the complete lines; at most the last line may be torn."""
    data = path.read_bytes()
    lines = data.split(b"\n")
    ids = [json.loads(line)["meta"]["id"] for line in lines[:-1]]
    if lines[-1]:
        with pytest.raises(ValueError):
            json.loads(lines[-1])  # a torn tail, never a complete record without its newline
    return ids


def _located(err: str, code: str = "CL-RUN001") -> re.Match:
    m = LOCATED.search(err)
    assert m is not None, f"not one located line: {err!r}"
    assert m["code"] == code, err
    assert "Traceback" not in err
    return m


def _annotate(src, out, cfg, *extra) -> list[str]:
    return ["annotate", str(src), "-o", str(out), "--config", str(cfg), "--no-progress", *extra]


# --------------------------------------------------------------------------- ENOSPC


def test_disk_full_on_dev_full_is_a_located_error(tmp_path, tokens_only, capsys):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    src = tmp_path / "in.jsonl"
    _notes(src, 5)
    out = tmp_path / "out.jsonl"
    out.symlink_to("/dev/full")  # every write: ENOSPC
    assert main(_annotate(src, out, tokens_only)) == 2
    m = _located(capsys.readouterr().err)
    assert m["file"] == str(out) and "no space left on the device (ENOSPC)" in m["what"]
    assert "free space" in m["fix"]


@pytest.fixture()
def tmpfs(tmp_path):
    """A 64 KiB tmpfs (needs root, as in CI); skipped where mounting is not allowed."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k,mode=0755", "tmpfs", str(mnt)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def _remount(mnt: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(mnt)], check=True, capture_output=True)


def test_full_disk_keeps_every_line_written_and_resume_finishes(tmp_path, tokens_only, tmpfs, capsys):
    src = tmp_path / "in.jsonl"
    ids = _notes(src, 60, size=2000)  # about 60 * 14 KB of output: the 64 KiB disk fills up after a few notes
    out = tmpfs / "out.jsonl"
    assert main(_annotate(src, out, tokens_only)) == 2
    m = _located(capsys.readouterr().err)
    assert m["file"] == str(out) and "ENOSPC" in m["what"] and "--resume" in m["fix"]
    written = _complete_ids(out)
    assert 0 < len(written) < len(ids) and written == ids[: len(written)]
    _remount(tmpfs, "size=16m")  # space is freed
    assert main(_annotate(src, out, tokens_only, "--resume")) == 0
    assert _complete_ids(out) == ids  # every note exactly once, in order


def test_read_only_file_system_is_a_located_error(tmp_path, tokens_only, tmpfs, capsys):
    src = tmp_path / "in.jsonl"
    ids = _notes(src, 3, size=100)
    out = tmpfs / "out.jsonl"
    assert main(_annotate(src, out, tokens_only)) == 0
    before = out.read_bytes()
    _remount(tmpfs, "ro")
    assert main(_annotate(src, tmpfs / "other.jsonl", tokens_only)) == 2
    m = _located(capsys.readouterr().err)
    assert m["file"].startswith(str(tmpfs / "other.jsonl")) and "read-only (EROFS)" in m["what"]
    assert "writable" in m["fix"]
    # resuming a finished run on a read-only disk: nothing to do, nothing lost
    assert main(_annotate(src, out, tokens_only, "--resume")) == 2  # OUT cannot be opened for appending
    assert "EROFS" in capsys.readouterr().err
    assert out.read_bytes() == before and _complete_ids(out) == ids


# --------------------------------------------------------------------------- EACCES, EFBIG (subprocesses)


def _cli(args: list[str], *, preexec=None, env_extra=None, cwd=None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "clinlabel", *args], capture_output=True, text=True, timeout=300,
                          preexec_fn=preexec, env=env, cwd=cwd)


def _without_root_file_override():
    """In the child: drop the capabilities that let root ignore file modes (bounding set, before exec)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2, 3):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER
        if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "cannot drop capabilities")


def test_permission_denied_is_a_located_error(tmp_path, tokens_only):
    src = tmp_path / "in.jsonl"
    _notes(src, 2, size=100)
    locked = tmp_path / "locked"
    locked.mkdir()
    os.chmod(locked, 0o555)  # nobody may create files in it
    out = locked / "out.jsonl"
    # root ignores file modes: its run drops that power first (where the container lets it)
    preexec = _without_root_file_override if os.geteuid() == 0 else None
    try:
        run = _cli(_annotate(src, out, tokens_only), preexec=preexec)
    except subprocess.SubprocessError as exc:
        pytest.skip(f"cannot run without root's file override here: {exc}")
    finally:
        os.chmod(locked, 0o755)
    assert run.returncode == 2, run.stderr[-2000:]
    m = _located(run.stderr)
    assert m["file"].startswith(str(out)) and "permission denied (EACCES)" in m["what"]  # OUT or its sidecar
    assert not out.exists()


def test_file_size_limit_is_a_located_error_and_resume_finishes(tmp_path, tokens_only):
    src = tmp_path / "in.jsonl"
    ids = _notes(src, 40, size=2000)
    out = tmp_path / "out.jsonl"
    limit = 60_000

    def small_files():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    run = _cli(_annotate(src, out, tokens_only), preexec=small_files)
    assert run.returncode == 2, run.stderr[-2000:]
    m = _located(run.stderr)
    assert m["file"] == str(out) and "(EFBIG)" in m["what"] and "ulimit" in m["fix"] and "--resume" in m["fix"]
    assert out.stat().st_size <= limit
    written = _complete_ids(out)
    assert 0 < len(written) < len(ids) and written == ids[: len(written)]
    resumed = _cli(_annotate(src, out, tokens_only, "--resume"))
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert _complete_ids(out) == ids


# --------------------------------------------------------------------------- fsync


def test_failed_fsync_is_a_located_error(tmp_path, tokens_only, capsys, monkeypatch):
    import corpora.runner

    def failing_fsync(fd):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(corpora.runner.os, "fsync", failing_fsync)
    src = tmp_path / "in.jsonl"
    ids = _notes(src, 3, size=100)
    out = tmp_path / "out.jsonl"
    assert main(_annotate(src, out, tokens_only)) == 2
    m = _located(capsys.readouterr().err)
    assert m["file"] == str(out) and "sync the output to disk" in m["what"] and "(EIO)" in m["what"]
    assert _complete_ids(out) == ids  # the lines themselves were written


def test_an_os_error_elsewhere_is_still_one_located_line(tmp_path, capsys, monkeypatch):
    from clinlabel.commands import annotate as annotate_cmd  # noqa: F401 - registers the command
    import clinlabel.workflows.annotate as wf

    def unreadable(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "in.jsonl"))

    monkeypatch.setattr(wf, "run_job", unreadable)
    src = tmp_path / "in.jsonl"
    _notes(src, 1)
    assert main(["annotate", str(src), "-o", str(tmp_path / "o.jsonl"), "--no-progress"]) == 2
    m = _located(capsys.readouterr().err, code="CL-RUN006")
    assert m["file"] == str(src) and "(EACCES)" in m["what"]
