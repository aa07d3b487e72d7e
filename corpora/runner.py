"""The one streaming, loss-free runner behind ``clinlabel annotate``, ``codes`` and ``deid``.

Guarantees:

* one output line per input note, in input order, written as each note finishes (one ``write``
  per line, synced to disk at the end);
* ``resume=True`` keeps every complete line already in OUT, cuts a torn *last* line back, skips
  the notes already done and ends with exactly one record per input note.  A line that is not
  the last and is not a complete record stops the run with its line number and the fix: good
  work after it is never dropped silently;
* a note whose processing raises goes to ``OUT.errors.jsonl`` (its id, an error code, the
  exception type and a message that names no note text) and the run goes on, unless ``strict``;
* a malformed input line (a :class:`ClinlabelError` raised by the reader) stops the run *after*
  everything before it is safely written; the error is then re-raised for the CLI to report;
* ``workers > 1`` runs notes in worker processes that each get the pipeline once.  A worker that
  dies (SIGKILL from the out-of-memory killer, a crash in native code) is noticed at once (its
  process sentinel), its unfinished notes go to a new worker; a note whose worker dies on every
  one of ``1 + max_retries`` attempts goes to the errors file with the reason and the run goes
  on; when workers keep dying with no note finishing the run stops with a located error naming
  the notes not done and how to resume.  Order and the one-record-per-note guarantee hold;
* any failure to write (disk full, read-only file system, permission, file-size limit, a failed
  ``fsync``) is a located :class:`ClinlabelError` (``FILE: what; fix [CL-RUN001]``, exit code 2),
  and every line written before it is kept (``--resume`` continues from there);
* OUT, the errors file and side files (reports) are created with mode 0600: they hold PHI.

The runner knows nothing about spaCy: it takes records in and a *processor* (a callable made once
per process by a picklable factory) that turns one record into a :class:`Processed` result.
"""

from __future__ import annotations

import errno
import json
import logging
import multiprocessing as mp
import os
import signal
import stat
import sys
import time
import traceback
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import wait as _wait_ready
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

from .errors import (
    IO_OUTPUT,
    IO_RESUME,
    PIPE_NOTE_FAILED,
    RUN_CONFIG,
    RUN_NOTE_KILLED,
    RUN_RESUME_CORRUPT,
    RUN_WORKERS,
    RUN_WRITE,
    ClinlabelError,
    ConfigError,
    CorpusError,
    PipelineError,
    corpus_error,
)
from .record import record_id

logger = logging.getLogger(__name__)

ERRORS_SUFFIX = ".errors.jsonl"
ENGINES = ("local", "spark")
#: mode of every file the runner creates (OUT, errors file, reports): they hold PHI
FILE_MODE = 0o600


@dataclass
class Processed:
    """What a processor returns for one note."""

    record: dict[str, Any] | None = None
    #: the record already serialised (one JSON line, no newline): workers serialise, the parent writes
    line: str | None = None
    #: lines for side files, by side-file name (e.g. {"deid_report": [{...}]}); see ``side_files``
    side: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    error: dict[str, Any] | None = None
    #: counters summed over the run into :attr:`RunSummary.counts` (e.g. PHI spans per label)
    counts: dict[str, int] = field(default_factory=dict)


Processor = Callable[[dict[str, Any]], Processed]
ProcessorFactory = Callable[[], Processor]


def _run_config_error(what: str, fix: str) -> ConfigError:
    return ConfigError(what, fix, code=RUN_CONFIG)


@dataclass
class RunConfig:
    """Options of a streaming run: the ``[run]`` table of a config file and the run flags.

    One object for every command (``annotate``, ``codes``, ``deid``) and every engine; invalid
    values raise :class:`ConfigError` (a ``ValueError``) naming the value and the fix.
    """

    resume: bool = False
    overwrite: bool = False
    strict: bool = False
    workers: int = 1
    #: notes sent to a worker at a time
    chunk_size: int = 8
    progress: bool = True
    #: ``local`` (this machine, ``workers`` processes) or ``spark``
    engine: str = "local"
    #: Spark master for ``engine = "spark"`` outside spark-submit (e.g. ``"local[2]"``, ``"local[2,3]"``)
    spark_master: str | None = None
    #: times a note is re-run after its worker process died (then it goes to the errors file)
    max_retries: int = 2
    #: quote note text in error messages (never allowed with de-identification)
    show_text: bool = False

    def __post_init__(self) -> None:
        for name in ("resume", "overwrite", "strict", "progress", "show_text"):
            if not isinstance(getattr(self, name), bool):
                raise _run_config_error(f"run option {name} must be true or false, got {getattr(self, name)!r}",
                                        f"set {name} to true or false")
        for name, low, flag in (("workers", 1, "--workers 1 or more"), ("chunk_size", 1, "chunk_size = 1 or more"),
                                ("max_retries", 0, "--max-retries 0 or more")):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < low:
                raise _run_config_error(f"{name} must be an integer >= {low}, got {value!r}", f"use {flag}")
        if self.engine not in ENGINES:
            raise _run_config_error(f"engine must be one of {', '.join(ENGINES)}, got {self.engine!r}",
                                    "use --engine local or --engine spark")
        if self.spark_master is not None and (not isinstance(self.spark_master, str) or not self.spark_master):
            raise _run_config_error(f"spark_master must be a Spark master URL, got {self.spark_master!r}",
                                    "write e.g. spark_master = \"local[2]\" or leave it out")
        if self.resume and self.overwrite:
            raise _run_config_error("resume and overwrite exclude each other", "choose one of --resume / --overwrite")


@dataclass
class RunSummary:
    written: int = 0
    skipped_done: int = 0
    failed: int = 0
    seconds: float = 0.0
    out: str = ""
    errors_path: str = ""
    #: worker processes that died during the run, and notes re-run because of it
    worker_deaths: int = 0
    retried: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def errors_path_for(out: str | os.PathLike[str]) -> Path:
    """``out.jsonl`` -> ``out.errors.jsonl`` (any other name gets ``.errors.jsonl`` appended)."""
    return side_path_for(out, ERRORS_SUFFIX)


def side_path_for(out: str | os.PathLike[str], suffix: str) -> Path:
    out = Path(out)
    stem = out.name[: -len(".jsonl")] if out.name.endswith(".jsonl") else out.name
    return out.with_name(stem + suffix)


# --------------------------------------------------------------------------- errors-file entries


def code_location(err: BaseException) -> str:
    """``file.py:LINE in function`` of the innermost frame of ``err``'s traceback (names no data)."""
    frames = traceback.extract_tb(err.__traceback__) if err.__traceback__ is not None else []
    if not frames:
        return "unknown location"
    frame = frames[-1]
    parts = Path(frame.filename).parts
    short = "/".join(parts[-2:]) if len(parts) >= 2 else frame.filename
    return f"{short}:{frame.lineno} in {frame.name}"


def note_error(
    record: Mapping[str, Any],
    err: BaseException,
    *,
    code: str | None = None,
    what: str | None = None,
    show_text: bool = False,
    trust_message: bool = True,
) -> dict[str, Any]:
    """The errors-file line for a failed note: its id, a code, the exception type and a message.

    The message of a :class:`ClinlabelError` is clinlabel's own (offsets and lengths, no note
    text).  Any other exception's message may quote the note, so it is replaced by the exception
    type and the code location unless ``show_text``.  ``trust_message=False`` (de-identification)
    withholds every message, clinlabel's own included.
    """
    if isinstance(err, ClinlabelError) and trust_message:
        message = err.message
        code = code or err.code
    elif show_text and trust_message:
        message = f"{type(err).__name__}: {err} (at {code_location(err)})"
    else:
        message = f"{type(err).__name__} at {code_location(err)}; its message is withheld (it may quote the note)"
        if trust_message:
            message += "; rerun this note with --show-text to see it"
    if what:
        message = f"{what}: {message}"
    return {
        "meta": {"id": record_id(record) if isinstance(record, Mapping) else None},
        "error": {"code": code or PIPE_NOTE_FAILED, "type": type(err).__name__, "message": message[:2000]},
    }


def _safe_process(processor: Processor, record: dict[str, Any], show_text: bool = False) -> Processed:
    try:
        return processor(record)
    except Exception as err:  # noqa: BLE001 - one bad note must not stop the batch
        if show_text:
            logger.debug("note %s failed", record_id(record), exc_info=True)
        return Processed(error=note_error(record, err, show_text=show_text))


def _safe_many(processor: Any, records: list[dict[str, Any]], show_text: bool = False) -> list[Processed]:
    """A batch through ``processor.many`` (one result per record, in order); should the batch
    itself raise, each note is processed alone, so only a bad note fails."""
    try:
        results = list(processor.many(records))
        if len(results) == len(records):
            return results
    except Exception:  # noqa: BLE001
        pass
    return [_safe_process(processor, r, show_text) for r in records]


def _batched(items: Iterator[tuple[str, Any]], size: int) -> Iterator[tuple[str, Any]]:
    """Group consecutive records into ``("batch", [records])`` items of at most ``size``."""
    buf: list[dict[str, Any]] = []
    for kind, payload in items:
        if kind != "record":
            if buf:
                yield ("batch", buf)
                buf = []
            yield (kind, payload)
            continue
        buf.append(payload)
        if len(buf) >= size:
            yield ("batch", buf)
            buf = []
    if buf:
        yield ("batch", buf)


def _factory_batch_size(factory: Any) -> int:
    size = getattr(factory, "batch_size", 1)
    return size if isinstance(size, int) and size > 1 else 1


def _batch_size(processor: Any) -> int:
    """Processors that batch notes (a model in the pipeline) say so with ``batch_size`` and ``many``."""
    size = getattr(processor, "batch_size", 1)
    return size if isinstance(size, int) and size > 1 and callable(getattr(processor, "many", None)) else 1


# --------------------------------------------------------------------------- writing, every failure located

_WRITE_REASONS: dict[int, tuple[str, str]] = {
    errno.ENOSPC: ("no space left on the device", "free space on that disk, or write to another one"),
    errno.EDQUOT: ("the disk quota is exceeded", "free space within your quota, or write somewhere else"),
    errno.EROFS: ("the file system is read-only", "write to a folder on a writable file system (-o PATH)"),
    errno.EACCES: ("permission denied", "write to a folder you may write to, or fix its permissions"),
    errno.EPERM: ("operation not permitted", "write to a folder you may write to, or fix its permissions"),
    errno.EFBIG: ("the file reached the largest size allowed (the file-size limit `ulimit -f`, or the file system's)",
                  "raise the limit (ulimit -f unlimited) or split the input into smaller runs"),
    errno.EIO: ("the disk reported an input/output error", "check the disk and the kernel log (dmesg)"),
    errno.ENOENT: ("its folder does not exist", "create the folder or give another path"),
    errno.ENOTDIR: ("a part of the path is not a folder", "give a path whose folders exist"),
    errno.EISDIR: ("it is a folder", "give a file path ending in .jsonl"),
}


def write_error(path: str | os.PathLike[str], exc: OSError, action: str, *, kept: int | None = None) -> CorpusError:
    """A located error for an ``OSError`` raised while ``action`` on ``path``.

    ``kept`` is the number of records already safely in OUT: when given, the fix says that
    ``--resume`` continues from them.
    """
    name = errno.errorcode.get(exc.errno or 0, "unknown error")
    reason, fix = _WRITE_REASONS.get(exc.errno or 0, (exc.strerror or str(exc), "check the path and the disk"))
    what = f"cannot {action}: {reason} ({name})"
    if kept is not None:
        fix += (f"; then run the same command again with --resume: the {kept} notes already done are kept "
                "(a torn last line is cut)")
    return CorpusError(what, fix, file=path, code=RUN_WRITE)


def open_private(path: str | os.PathLike[str], *, fresh: bool) -> int:
    """An append-only descriptor on ``path``; a new file is created with mode 0600 (never chmod after).

    ``fresh`` replaces an existing regular file by a new one (so an old, wider mode is not
    inherited); a device or pipe (``/dev/stdout``) is opened as it is.
    """
    path = Path(path)
    if fresh:
        try:
            if stat.S_ISREG(os.stat(path).st_mode):
                os.unlink(path)
        except FileNotFoundError:
            pass
    return os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), FILE_MODE)


def open_private_text(path: str | os.PathLike[str]):
    """A new text file (UTF-8) at ``path`` for writing note text: mode 0600, an old file replaced."""
    return os.fdopen(open_private(path, fresh=True), "w", encoding="utf-8")


class _Sink:
    """One output file of the run, opened on first use; every ``OSError`` becomes a located error."""

    def __init__(self, path: Path, label: str, *, fresh: bool, kept: Callable[[], int]) -> None:
        self.path, self.label, self.fresh, self.kept = path, label, fresh, kept
        self.fd: int | None = None

    def open(self) -> None:
        if self.fd is None:
            try:
                self.fd = open_private(self.path, fresh=self.fresh)
            except OSError as exc:
                raise write_error(self.path, exc, f"open the {self.label} for writing", kept=self._kept()) from None

    def _kept(self) -> int | None:
        n = self.kept()
        return n if n else None

    def write(self, data: bytes) -> None:
        self.open()
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(self.fd, view):]
        except OSError as exc:
            raise write_error(self.path, exc, f"write to the {self.label}", kept=self._kept()) from None

    def close(self, *, sync: bool) -> None:
        """Sync (regular files only) and close; a failure is a located error, the descriptor is closed."""
        fd, self.fd = self.fd, None
        if fd is None:
            return
        try:
            if sync and stat.S_ISREG(os.fstat(fd).st_mode):
                os.fsync(fd)
        except OSError as exc:
            raise write_error(self.path, exc, f"sync the {self.label} to disk (lines written since the last sync may "
                              "not be on disk)", kept=self._kept()) from None
        finally:
            os.close(fd)


# --------------------------------------------------------------------------- resume support


def _scan_lines(path: Path) -> Iterator[tuple[int, int, bytes, str | None]]:
    """``(line number, byte offset, raw line, meta.id)`` of each complete record line of ``path``.

    Stops at a torn *last* line (no newline at the end of the file, or not valid JSON); a line
    that is not a complete record but is followed by more lines raises ``CL-RUN002`` with its
    line number: cutting there would drop the good lines after it.
    """
    offset = 0
    bad: tuple[int, int, int] | None = None
    with open(path, "rb") as fh:
        for n, raw in enumerate(fh, start=1):
            if bad is not None:
                line, at, size = bad
                raise corpus_error(
                    RUN_RESUME_CORRUPT,
                    f"line {line} (bytes {at}-{at + size}) is not a complete JSON record, and more lines follow it; "
                    "resuming from there would drop them",
                    f"repair or delete line {line} (e.g. sed -i '{line}d' {path}; its note is redone), "
                    "or start again with --overwrite",
                    file=path, line=line,
                )
            if not raw.strip():
                offset += len(raw)
                continue
            try:
                obj = json.loads(raw) if raw.endswith(b"\n") else None
            except ValueError:
                obj = None
            if obj is None:
                bad = (n, offset, len(raw))
                continue
            rid = record_id(obj) if isinstance(obj, dict) else None
            if rid is None:
                raise corpus_error(
                    IO_RESUME, f"line {n} (byte {offset}) has no meta.id",
                    "resume only outputs written by clinlabel, or start again with --overwrite", file=path, line=n,
                )
            yield n, offset, raw, rid
            offset += len(raw)


def _scan_complete_lines(path: Path) -> tuple[list[str], int]:
    """Ids of the complete record lines of ``path`` and the byte length of that complete prefix."""
    ids: list[str] = []
    good = 0
    for _, offset, raw, rid in _scan_lines(path):
        ids.append(rid)
        good = offset + len(raw)
    return ids, good


def _cut_torn_tail(path: Path, good: int, label: str) -> None:
    size = path.stat().st_size
    if good == size:
        return
    # only the torn last line is cut: _scan_lines raised if anything but blank lines followed it
    logger.warning("%s: cutting a torn last line (%d bytes at byte %d) of the %s before resuming",
                   path, size - good, good, label)
    try:
        os.truncate(path, good)
    except OSError as exc:
        raise write_error(path, exc, f"cut the torn last line of the {label}") from None


def _filter_side_file(path: Path, keep: set[str]) -> None:
    """Keep only the first complete line of each id in ``keep`` (rewritten atomically, mode 0600)."""
    if not path.exists():
        return
    tmp = path.with_name(path.name + ".tmp")
    seen: set[str] = set()
    try:
        fd = open_private(tmp, fresh=True)
        with os.fdopen(fd, "wb") as dst:
            for _, _, raw, rid in _scan_lines(path):
                if rid in keep and rid not in seen:
                    seen.add(rid)
                    dst.write(raw)
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        raise write_error(path, exc, "rewrite the report for --resume") from None


# --------------------------------------------------------------------------- worker processes

def _portable(err: BaseException) -> ClinlabelError:
    """``err`` as an error that survives pickling between processes (no note text involved)."""
    if isinstance(err, ClinlabelError):
        return err
    return PipelineError(f"a worker process could not build the pipeline: {type(err).__name__}: {err}",
                         "run with --workers 1 to see the full error", code=PIPE_NOTE_FAILED)


def _share_cores(workers: int) -> None:
    """Give each of ``workers`` processes its share of the cores for multi-threaded maths (torch,
    BLAS): N workers that each start one thread per core oversubscribe the machine.  A thread
    count the user set (``OMP_NUM_THREADS``) is left alone."""
    threads = str(max(1, (os.cpu_count() or 1) // max(1, workers)))
    if "OMP_NUM_THREADS" in os.environ:
        return
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ.setdefault(name, threads)
    torch = sys.modules.get("torch")  # already imported before the fork: set it directly (never import it here)
    if torch is not None:
        torch.set_num_threads(int(threads))


def _worker_main(factory: ProcessorFactory, conn, parent_pid: int, show_text: bool, inherited: list,
                 workers: int = 1) -> None:
    """A worker process: build the processor once, then answer batches of ``(seq, record)``.

    Each result goes back as soon as its note is done (a model batch: as soon as the batch is
    done), so the parent always knows which notes a worker was on when it died.  The worker
    leaves when the parent closes the pipe, sends ``None`` or dies (checked every second).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the parent stops the workers
    for other in inherited:  # other workers' pipes, copied by fork: closing them lets EOF reach everyone
        try:
            other.close()
        except OSError:
            pass
    _share_cores(workers)
    try:
        processor = factory()
    except BaseException as err:  # noqa: BLE001 - reported to the parent, which stops the run
        try:
            conn.send(("init_error", _portable(err)))
        except Exception:  # noqa: BLE001
            pass
        return
    try:
        while True:
            if not conn.poll(1.0):
                if os.getppid() != parent_pid:
                    return
                continue
            message = conn.recv()
            if message is None:
                return
            batch, together = message
            if together and len(batch) > 1:
                for (seq, _), result in zip(batch, _safe_many(processor, [r for _, r in batch], show_text)):
                    conn.send((seq, result))
                continue
            for seq, record in batch:
                conn.send((seq, _safe_process(processor, record, show_text)))
    except (EOFError, OSError):
        return


@dataclass
class _Worker:
    proc: Any
    conn: Any
    inflight: deque = field(default_factory=deque)


def _death_reason(exitcode: int | None) -> str:
    if exitcode is None:
        return "stopped answering"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        hint = " (what the kernel's out-of-memory killer sends)" if -exitcode == signal.SIGKILL else ""
        return f"was killed by {name}{hint}"
    return f"exited with code {exitcode}"


class _Pool:
    """Worker processes with one pipe each, so that a dead worker blocks nothing and is seen at once."""

    def __init__(self, factory: ProcessorFactory, config: RunConfig, summary: RunSummary, out: Path,
                 batch_size: int = 1) -> None:
        self.factory, self.config, self.summary, self.out = factory, config, summary, out
        #: > 1: the processors batch notes (``many``); a batch is one message
        self.batch_size = batch_size
        #: notes that were on a worker when it died: sent alone from then on, so a note that kills
        #: workers is found exactly even inside a model batch
        self.alone: set[int] = set()
        self.ctx = mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
        self.workers: list[_Worker] = []
        self.pending: deque[tuple[int, dict[str, Any]]] = deque()
        self.done: dict[int, tuple[str, Any]] = {}
        self.attempts: dict[int, int] = {}
        self.deaths_since_progress = 0
        self.killed_in_a_row = 0

    def spawn(self) -> None:
        parent_end, child_end = self.ctx.Pipe(duplex=True)
        forked = self.ctx.get_start_method() == "fork"
        inherited = [w.conn for w in self.workers] + [parent_end] if forked else []
        proc = self.ctx.Process(
            target=_worker_main,
            args=(self.factory, child_end, os.getpid(), self.config.show_text, inherited, self.config.workers),
            daemon=True, name="clinlabel-worker",
        )
        proc.start()
        child_end.close()
        self.workers.append(_Worker(proc, parent_end))

    def dispatch(self) -> None:
        together = self.batch_size > 1
        size = self.batch_size if together else self.config.chunk_size
        for w in self.workers:
            if w.inflight or not self.pending:
                continue
            if self.pending[0][0] in self.alone:
                batch = [self.pending.popleft()]
            else:
                batch = []
                while self.pending and len(batch) < size and self.pending[0][0] not in self.alone:
                    batch.append(self.pending.popleft())
            w.inflight.extend(batch)
            try:
                w.conn.send((batch, together))
            except OSError:
                pass  # the worker is dead: its sentinel says so and its batch is re-queued

    def drain(self, w: _Worker) -> bool:
        """Collect ``w``'s finished notes; False when its pipe is closed (the worker is gone)."""
        try:
            while w.conn.poll():
                msg = w.conn.recv()
                if msg[0] == "init_error":
                    raise msg[1]
                seq, result = msg
                if w.inflight and w.inflight[0][0] == seq:
                    w.inflight.popleft()
                self.attempts.pop(seq, None)
                self.alone.discard(seq)
                self.done[seq] = ("done", result)
                self.deaths_since_progress = 0
                self.killed_in_a_row = 0
        except (EOFError, OSError):
            return False
        return True

    def bury(self, w: _Worker) -> None:
        """``w`` died: give its unfinished notes to a new worker (or to the errors file)."""
        w.proc.join(timeout=5)
        reason = _death_reason(w.proc.exitcode)
        if w.proc.is_alive():  # its pipe broke but it runs on: it will never answer again
            w.proc.kill()
            w.proc.join(timeout=5)
        self.workers.remove(w)
        w.conn.close()
        self.summary.worker_deaths += 1
        self.deaths_since_progress += 1
        requeue = list(w.inflight)
        self.alone.update(seq for seq, _ in requeue)
        if requeue:
            seq, record = requeue[0]  # results come back in order: the first unanswered note was running
            tries = self.attempts[seq] = self.attempts.get(seq, 0) + 1
            rid = record_id(record)
            if tries > self.config.max_retries:
                logger.error("worker %s %s on note %s on each of its %d attempts; the note goes to the errors file",
                             w.proc.pid, reason, rid, tries)
                what = (f"the worker process {reason} while processing this note, on each of {tries} attempts "
                        "(a note that needs more memory than the machine has, or a crash in native code)")
                self.done[seq] = ("done", Processed(error={
                    "meta": {"id": rid},
                    "error": {"code": RUN_NOTE_KILLED, "type": "WorkerDied",
                              "message": f"{what}; run it alone with --workers 1 and more memory, or leave it out"}}))
                requeue = requeue[1:]
                self.alone.discard(seq)
                self.deaths_since_progress = 0
                self.killed_in_a_row += 1
            else:
                self.summary.retried += 1
                logger.warning("worker %s %s while processing note %s; running it again in a new worker "
                               "(attempt %d of %d)", w.proc.pid, reason, rid, tries + 1, self.config.max_retries + 1)
        else:
            logger.warning("worker %s %s while idle; starting a new one", w.proc.pid, reason)
        self.pending.extendleft(reversed(requeue))
        limit = self.config.workers * (self.config.max_retries + 1) + 1
        if self.deaths_since_progress > limit or self.killed_in_a_row > self.config.workers:
            raise self.stopped(reason)
        self.spawn()

    def stopped(self, reason: str) -> CorpusError:
        waiting = sorted([*self.pending, *(x for w in self.workers for x in w.inflight)], key=lambda x: x[0])
        ids = [str(record_id(r)) for _, r in waiting[:5]]
        named = ", ".join(ids) + (" ..." if len(waiting) > 5 else "")
        return corpus_error(
            RUN_WORKERS,
            f"worker processes keep dying ({self.summary.worker_deaths} so far; the last {reason}) and no note "
            f"finishes; the run stopped. Notes not done: {named or 'none read yet'}, and every later note of the input",
            "give the run more memory or fewer --workers (or find the note that kills them with --workers 1), "
            "then run the same command again with --resume: every note already done is kept",
            file=self.out,
        )

    def close(self) -> None:
        for w in self.workers:
            try:
                w.conn.send(None)
            except OSError:
                pass
        deadline = time.monotonic() + 5
        for w in self.workers:
            w.proc.join(timeout=max(0.0, deadline - time.monotonic()))
        self.kill()

    def kill(self) -> None:
        for w in self.workers:
            if w.proc.is_alive():
                w.proc.kill()
            w.proc.join(timeout=5)
            w.conn.close()
        self.workers = []

    def results(self, items: Iterator[tuple[str, Any]]) -> Iterator[tuple[str, Any]]:
        window = max(16, self.config.workers * self.config.chunk_size * 4)
        next_seq = next_out = 0
        raise_at: int | None = None
        raise_err: BaseException | None = None
        exhausted = False
        try:
            for _ in range(self.config.workers):
                self.spawn()
            while True:
                while not exhausted and raise_at is None and next_seq - next_out < window:
                    try:
                        kind, payload = next(items)
                    except StopIteration:
                        exhausted = True
                        break
                    if kind == "raise":
                        raise_at, raise_err = next_seq, payload
                        break
                    self.pending.append((next_seq, payload))
                    next_seq += 1
                while next_out in self.done:
                    yield self.done.pop(next_out)
                    next_out += 1
                if next_out == next_seq and (exhausted or raise_at is not None):
                    if raise_err is not None:
                        yield ("raise", raise_err)
                    return
                self.dispatch()
                ready = set(_wait_ready([w.conn for w in self.workers] + [w.proc.sentinel for w in self.workers],
                                        timeout=5))
                for w in list(self.workers):
                    if w.conn in ready or w.proc.sentinel in ready:
                        alive = self.drain(w)
                        if not alive or w.proc.sentinel in ready or not w.proc.is_alive():
                            try:
                                self.bury(w)
                            except CorpusError as err:
                                while next_out in self.done:  # everything finished in order is still written
                                    yield self.done.pop(next_out)
                                    next_out += 1
                                yield ("raise", err)
                                return
            # unreachable
        finally:
            self.close()


def _tag_items(records: Iterable[dict[str, Any]], done: set[str], summary: RunSummary) -> Iterator[tuple[str, Any]]:
    """Turn the record stream into tagged items; a reader error becomes one last ("raise", err)."""
    iterator = iter(records)
    while True:
        try:
            record = next(iterator)
        except StopIteration:
            return
        except ClinlabelError as err:
            yield ("raise", err)
            return
        rid = record_id(record)
        if rid is not None and rid in done:
            summary.skipped_done += 1
            continue
        yield ("record", record)


def _results(
    items: Iterator[tuple[str, Any]], factory: ProcessorFactory, config: RunConfig, summary: RunSummary, out: Path
) -> Iterator[tuple[str, Any]]:
    if config.workers > 1:
        # the factory says whether its processors batch (building one here would cost a pipeline)
        yield from _Pool(factory, config, summary, out, _factory_batch_size(factory)).results(items)
        return
    processor = factory()
    size = _batch_size(processor)
    if size > 1:
        items = _batched(items, size)
    for kind, payload in items:
        if kind == "raise":
            yield (kind, payload)
            return
        if kind == "batch":
            for result in _safe_many(processor, payload, config.show_text):
                yield ("done", result)
            continue
        yield ("done", _safe_process(processor, payload, config.show_text))


# --------------------------------------------------------------------------- the run


def run_streaming(
    records: Iterable[dict[str, Any]],
    out: str | os.PathLike[str],
    processor_factory: ProcessorFactory,
    config: RunConfig | None = None,
    *,
    total: int | None = None,
    description: str = "annotate",
    side_files: Mapping[str, str | os.PathLike[str]] | None = None,
) -> RunSummary:
    """Process ``records`` into ``out`` (JSONL) under the guarantees in the module docstring.

    ``side_files`` maps a name used in :attr:`Processed.side` to the path of a side file (e.g. a
    de-identification report); side lines are written before the note's record, and on resume
    a side file keeps only the lines of notes already in OUT or the errors file.
    """
    config = config or RunConfig()
    out = Path(out)
    err_path = errors_path_for(out)
    side_paths = {name: Path(p) for name, p in (side_files or {}).items()}
    summary = RunSummary(out=str(out), errors_path=str(err_path))
    if out.is_dir():
        raise corpus_error(IO_OUTPUT, f"output {out} is a folder", "give a file path ending in .jsonl", file=out)
    all_paths = [out, err_path, *side_paths.values()]
    if len({p.resolve() for p in all_paths}) < len(all_paths):
        raise corpus_error(IO_OUTPUT, f"two outputs of the run are the same file ({', '.join(map(str, all_paths))})",
                           "give each output (OUT, its errors file, the report) a path of its own", file=out)
    try:
        for path in {out.parent, *(p.parent for p in side_paths.values())}:
            path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_error(exc.filename or out.parent, exc, "create the output folder") from None

    done: set[str] = set()
    resuming = config.resume and out.exists()
    if resuming:
        ids, good = _scan_complete_lines(out)
        err_ids, err_good = _scan_complete_lines(err_path) if err_path.exists() else ([], 0)
        _cut_torn_tail(out, good, "output")
        if err_path.exists():
            _cut_torn_tail(err_path, err_good, "errors file")
        done.update(ids)
        done.update(err_ids)
        for path in side_paths.values():
            _filter_side_file(path, done)
        logger.info("resuming %s: %d notes already done", out, len(done))
    elif out.exists() and out.stat().st_size > 0 and not config.overwrite and stat.S_ISREG(out.stat().st_mode):
        raise corpus_error(
            IO_OUTPUT, f"output {out} already exists and holds finished work",
            "add --resume to continue that run, or --overwrite to start again", file=out,
        )
    else:
        for path in [err_path, *side_paths.values()]:
            try:
                if os.path.lexists(path):  # (unlink on a read-only file system fails even for no file)
                    path.unlink()  # stale errors or reports of an earlier run would mislead
            except OSError as exc:
                raise write_error(path, exc, "remove the file of an earlier run") from None

    kept = lambda: len(done) + summary.written  # noqa: E731 - records safely in OUT, for the messages
    out_sink = _Sink(out, "output", fresh=not resuming, kept=kept)
    err_sink = _Sink(err_path, "errors file", fresh=False, kept=kept)
    side_sinks = {name: _Sink(p, f"{name.replace('_', ' ')} file", fresh=False, kept=kept)
                  for name, p in side_paths.items()}
    out_sink.open()  # a folder we cannot write to fails now, before any work

    start = time.perf_counter()
    items = _tag_items(records, done, summary)
    pending_error: ClinlabelError | None = None
    bar = _progress(total, description, config.progress, already=len(done))
    results = _results(items, processor_factory, config, summary, out)
    failure: BaseException | None = None
    try:
        for kind, payload in results:
            if kind == "raise":
                pending_error = payload
                break
            result: Processed = payload
            for name, lines in result.side.items():
                sink = side_sinks.get(name)
                if sink is None:
                    raise PipelineError(f"the processor wrote to a side file {name!r} the run does not know",
                                        f"pass side_files={{{name!r}: PATH}} to run_streaming", code=PIPE_NOTE_FAILED)
                sink.write(b"".join(json.dumps(line, ensure_ascii=False).encode("utf-8") + b"\n" for line in lines))
            for key, value in result.counts.items():
                summary.counts[key] = summary.counts.get(key, 0) + value
            if result.error is not None:
                summary.failed += 1
                if config.strict:
                    raise PipelineError(
                        f"note {result.error['meta']['id']!r} failed: {result.error['error']['message']}",
                        "fix the note or drop --strict to log failures to " + str(err_path) + " and go on",
                        code=result.error["error"].get("code", PIPE_NOTE_FAILED),
                    )
                err_sink.write(json.dumps(result.error, ensure_ascii=False).encode("utf-8") + b"\n")
                logger.warning("note %s failed: %s", result.error["meta"]["id"], result.error["error"]["message"])
            else:
                line = result.line if result.line is not None else json.dumps(result.record, ensure_ascii=False)
                out_sink.write(line.encode("utf-8") + b"\n")
                summary.written += 1
            if bar is not None:
                bar.update(1)
    except BaseException as exc:
        failure = exc
        raise
    finally:
        results.close()  # stops the worker processes
        if bar is not None:
            bar.close()
        close_error: ClinlabelError | None = None
        for sink in (out_sink, err_sink, *side_sinks.values()):
            try:
                sink.close(sync=True)
            except ClinlabelError as err:
                close_error = close_error or err
        if close_error is not None and failure is None:
            raise close_error
    summary.seconds = time.perf_counter() - start
    if pending_error is not None:
        raise pending_error
    return summary


def _progress(total: int | None, description: str, enabled: bool, already: int = 0):
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=None if total is None else max(total - already, 0), desc=description, unit="note",
                file=sys.stderr, dynamic_ncols=True, mininterval=0.5)
