"""The streaming, loss-free runner behind ``clinlabel annotate``.

Guarantees:

* one output line per input note, in input order, written and flushed as each note finishes;
* ``resume=True`` keeps every complete line already in OUT, cuts a torn last line back, skips the
  notes already done and ends with exactly one record per input note;
* a note whose processing raises goes to ``OUT.errors.jsonl`` (its id and the reason only, never
  its text) and the run goes on, unless ``strict``;
* a malformed input line (a :class:`ClinlabelError` raised by the reader) stops the run *after*
  everything before it is safely written; the error is then re-raised for the CLI to report;
* ``workers > 1`` runs notes in worker processes that each build the pipeline once; order and
  the one-record-per-note guarantee hold.

The runner knows nothing about spaCy: it takes records in and a *processor* (a callable made once
per process by a picklable factory) that turns one record into a :class:`Processed` result.
"""

from __future__ import annotations

import json
import logging
import multiprocessing as mp
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

from .errors import (
    IO_OUTPUT,
    IO_RESUME,
    PIPE_NOTE_FAILED,
    ClinlabelError,
    PipelineError,
    corpus_error,
)
from .record import record_id

logger = logging.getLogger(__name__)

ERRORS_SUFFIX = ".errors.jsonl"


@dataclass
class Processed:
    """What a processor returns for one note."""

    record: dict[str, Any] | None = None
    #: the record already serialised (one JSON line, no newline): workers serialise, the parent writes
    line: str | None = None
    #: extra lines for side files, by suffix (e.g. {".deid-report.jsonl": [ {...} ]})
    side: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    error: dict[str, Any] | None = None


Processor = Callable[[dict[str, Any]], Processed]
ProcessorFactory = Callable[[], Processor]


@dataclass
class RunConfig:
    """Options of a streaming run (validated with ``ValueError``)."""

    resume: bool = False
    overwrite: bool = False
    strict: bool = False
    workers: int = 1
    chunk_size: int = 8
    progress: bool = True
    side_suffixes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.workers, int) or self.workers < 1:
            raise ValueError(f"workers must be an integer >= 1, got {self.workers!r}; use --workers 1 or more")
        if self.chunk_size < 1:
            raise ValueError(f"chunk_size must be >= 1, got {self.chunk_size!r}")
        if self.resume and self.overwrite:
            raise ValueError("resume and overwrite exclude each other; choose one of --resume / --overwrite")


@dataclass
class RunSummary:
    written: int = 0
    skipped_done: int = 0
    failed: int = 0
    seconds: float = 0.0
    out: str = ""
    errors_path: str = ""

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def errors_path_for(out: str | os.PathLike[str]) -> Path:
    out = Path(out)
    return out.with_name(out.name + ERRORS_SUFFIX) if not out.name.endswith(".jsonl") else out.with_name(
        out.name[: -len(".jsonl")] + ERRORS_SUFFIX
    )


def side_path_for(out: str | os.PathLike[str], suffix: str) -> Path:
    out = Path(out)
    stem = out.name[: -len(".jsonl")] if out.name.endswith(".jsonl") else out.name
    return out.with_name(stem + suffix)


# --------------------------------------------------------------------------- resume support


def _complete_lines(fh) -> Iterator[tuple[bytes, str | None]]:
    """``(raw line, meta.id)`` of each complete JSON line of a binary file, up to a torn one.

    A last line without its newline, or one that is not valid JSON (a torn write), is not
    complete; reading stops there.
    """
    for raw in fh:
        if not raw.endswith(b"\n"):
            return
        try:
            obj = json.loads(raw)
        except ValueError:
            return
        yield raw, record_id(obj) if isinstance(obj, dict) else None


def _scan_complete_lines(path: Path) -> tuple[list[str], int]:
    """Ids of the complete JSON lines of ``path`` and the byte length of that complete prefix."""
    ids: list[str] = []
    good = 0
    with open(path, "rb") as fh:
        for raw, rid in _complete_lines(fh):
            if rid is None:
                raise corpus_error(
                    IO_RESUME, f"line without meta.id in the output being resumed (byte {good})",
                    "resume only outputs written by clinlabel, or start again with --overwrite",
                    file=path, line=len(ids) + 1,
                )
            ids.append(rid)
            good += len(raw)
    return ids, good


def _truncate(path: Path, size: int) -> None:
    with open(path, "r+b") as fh:
        fh.truncate(size)


def _filter_side_file(path: Path, keep: set[str]) -> None:
    """Keep only complete lines of a side file whose id is in ``keep`` (rewritten atomically)."""
    if not path.exists():
        return
    tmp = path.with_name(path.name + ".tmp")
    seen: set[str] = set()
    with open(path, "rb") as src, open(tmp, "wb") as dst:
        for raw, rid in _complete_lines(src):
            if rid in keep and rid not in seen:
                seen.add(rid)
                dst.write(raw)
    os.replace(tmp, path)


# --------------------------------------------------------------------------- workers

_WORKER_PROCESSOR: Processor | None = None


def _worker_init(factory: ProcessorFactory) -> None:
    global _WORKER_PROCESSOR
    _WORKER_PROCESSOR = factory()


def _safe_process(processor: Processor, record: dict[str, Any]) -> Processed:
    try:
        return processor(record)
    except ClinlabelError as err:
        return Processed(error=_error_record(record, err))
    except Exception as err:  # noqa: BLE001 - one bad note must not stop the batch
        logger.debug("note %s failed", record_id(record), exc_info=True)
        return Processed(error=_error_record(record, err))


def _worker_run(item: tuple[str, Any]) -> tuple[str, Any]:
    kind, payload = item
    if kind not in ("record", "batch"):
        return item
    assert _WORKER_PROCESSOR is not None  # set by the initializer  # noqa: S101
    if kind == "batch":
        return ("done_many", _safe_many(_WORKER_PROCESSOR, payload))
    return ("done", _safe_process(_WORKER_PROCESSOR, payload))


def _safe_many(processor: Any, records: list[dict[str, Any]]) -> list[Processed]:
    """A batch through ``processor.many`` (one result per record, in order)."""
    return list(processor.many(records))


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


def _error_record(record: Mapping[str, Any], err: BaseException) -> dict[str, Any]:
    """The errors-file line for a failed note: its id and the reason, never its text."""
    code = getattr(err, "code", PIPE_NOTE_FAILED)
    return {
        "meta": {"id": record_id(record)},
        "error": {"code": code, "type": type(err).__name__, "message": str(err)[:2000]},
    }


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


# --------------------------------------------------------------------------- the run


def run_streaming(
    records: Iterable[dict[str, Any]],
    out: str | os.PathLike[str],
    processor_factory: ProcessorFactory,
    config: RunConfig | None = None,
    *,
    total: int | None = None,
    description: str = "annotate",
) -> RunSummary:
    """Process ``records`` into ``out`` (JSONL) under the guarantees in the module docstring."""
    config = config or RunConfig()
    out = Path(out)
    err_path = errors_path_for(out)
    side_paths = {suffix: side_path_for(out, suffix) for suffix in config.side_suffixes}
    summary = RunSummary(out=str(out), errors_path=str(err_path))
    if out.exists() and out.is_dir():
        raise corpus_error(IO_OUTPUT, f"output {out} is a directory", "give a file path ending in .jsonl", file=out)
    if not out.parent.exists():
        out.parent.mkdir(parents=True, exist_ok=True)

    done: set[str] = set()
    if config.resume and out.exists():
        ids, good = _scan_complete_lines(out)
        if good != out.stat().st_size:
            logger.warning("%s: cutting a torn last line (%d bytes) before resuming", out, out.stat().st_size - good)
            _truncate(out, good)
        done.update(ids)
        if err_path.exists():
            err_ids, err_good = _scan_complete_lines(err_path)
            if err_good != err_path.stat().st_size:
                _truncate(err_path, err_good)
            done.update(err_ids)
        for path in side_paths.values():
            _filter_side_file(path, done)
        mode = "a"
        logger.info("resuming %s: %d notes already done", out, len(done))
    else:
        if out.exists() and out.stat().st_size > 0 and not config.overwrite:
            raise corpus_error(
                IO_OUTPUT, f"output {out} already exists and holds finished work",
                "add --resume to continue that run, or --overwrite to start again", file=out,
            )
        mode = "w"
        if err_path.exists():
            err_path.unlink()
        for path in side_paths.values():
            if path.exists():
                path.unlink()

    start = time.perf_counter()
    items = _tag_items(records, done, summary)
    pending_error: ClinlabelError | None = None
    bar = _progress(total, description, config.progress, already=len(done))
    out_fh = open(out, mode, encoding="utf-8")
    err_fh = None
    side_fhs: dict[str, Any] = {}
    try:
        for kind, payload in _results(items, processor_factory, config):
            if kind == "raise":
                pending_error = payload
                break
            result: Processed = payload
            for suffix, lines in result.side.items():
                fh = side_fhs.get(suffix)
                if fh is None:
                    fh = side_fhs[suffix] = open(side_paths.get(suffix) or side_path_for(out, suffix), "a", encoding="utf-8")
                for line in lines:
                    fh.write(json.dumps(line, ensure_ascii=False) + "\n")
                fh.flush()
            if result.error is not None:
                summary.failed += 1
                if config.strict:
                    raise PipelineError(
                        f"note {result.error['meta']['id']!r} failed: {result.error['error']['message']}",
                        "fix the note or drop --strict to log failures to " + str(err_path) + " and go on",
                        code=PIPE_NOTE_FAILED,
                    )
                if err_fh is None:
                    err_fh = open(err_path, "a", encoding="utf-8")
                err_fh.write(json.dumps(result.error, ensure_ascii=False) + "\n")
                err_fh.flush()
                logger.warning("note %s failed: %s", result.error["meta"]["id"], result.error["error"]["message"])
            else:
                out_fh.write((result.line if result.line is not None else json.dumps(result.record, ensure_ascii=False)) + "\n")
                out_fh.flush()
                summary.written += 1
            if bar is not None:
                bar.update(1)
    finally:
        out_fh.flush()
        os.fsync(out_fh.fileno())
        out_fh.close()
        if err_fh is not None:
            err_fh.close()
        for fh in side_fhs.values():
            fh.close()
        if bar is not None:
            bar.close()
    summary.seconds = time.perf_counter() - start
    if pending_error is not None:
        raise pending_error
    return summary


def _results(
    items: Iterator[tuple[str, Any]], factory: ProcessorFactory, config: RunConfig
) -> Iterator[tuple[str, Any]]:
    processor = factory() if config.workers == 1 else None
    # workers: the factory says whether its processors batch (building one here would cost a pipeline)
    size = _batch_size(processor) if processor is not None else _factory_batch_size(factory)
    if size > 1:
        items = _batched(items, size)
    if config.workers == 1:
        for kind, payload in items:
            if kind == "raise":
                yield (kind, payload)
                return
            if kind == "batch":
                for result in _safe_many(processor, payload):
                    yield ("done", result)
                continue
            yield ("done", _safe_process(processor, payload))
        return
    ctx = mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    with ctx.Pool(config.workers, initializer=_worker_init, initargs=(factory,)) as pool:
        for kind, payload in pool.imap(_worker_run, items, chunksize=1 if size > 1 else config.chunk_size):
            if kind == "done_many":
                for result in payload:
                    yield ("done", result)
                continue
            yield (kind, payload)
            if kind == "raise":
                return


def _progress(total: int | None, description: str, enabled: bool, already: int = 0):
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=None if total is None else max(total - already, 0), desc=description, unit="note",
                file=sys.stderr, dynamic_ncols=True, mininterval=0.5)
