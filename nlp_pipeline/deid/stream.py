"""Stream a corpus through the de-identifier: OUT, REPORT and OUT.errors.jsonl written as it goes.

A note that fails de-identification is never written in clear: it goes to ``OUT.errors.jsonl``
with its id, the error code and the exception type only (no text, no exception message, since
either could quote PHI).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from corpora.errors import DEID_NOTE_FAILED, DEID_OUTPUT, IO_JSON, IO_NOT_FOUND, DeidError, corpus_error
from corpora.record import record_id, validate_record

from .config import DeidConfig
from .deidentifier import Deidentifier

log = logging.getLogger(__name__)


@dataclass
class DeidStats:
    notes: int = 0
    failed: int = 0
    phi_spans: int = 0
    per_label: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"notes": self.notes, "failed": self.failed, "phi_spans": self.phi_spans,
                "per_label": dict(sorted(self.per_label.items())), "seconds": round(self.seconds, 3)}


def errors_path(out: str | Path) -> Path:
    out = Path(out)
    return out.with_name(out.name + ".errors.jsonl") if not out.name.endswith(".jsonl") else \
        out.with_name(out.name[: -len(".jsonl")] + ".errors.jsonl")


def read_records(path: str | Path, fmt: str | None = None) -> Iterator[dict[str, Any]]:
    """Records of ``path``: ``corpora.formats.read_corpus`` when available, else Prodigy JSONL."""
    try:
        from corpora.formats import read_corpus  # type: ignore[import-not-found]
    except ImportError:  # the corpus readers are not there yet: read Prodigy JSONL ourselves
        yield from _read_jsonl(Path(path))
        return
    yield from read_corpus(path, fmt=fmt)


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    if not path.exists():
        raise corpus_error(IO_NOT_FOUND, f"input {str(path)!r} does not exist", "give the path of a JSONL corpus",
                           file=path)
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise corpus_error(IO_JSON, f"malformed JSON ({exc.msg} at column {exc.colno})",
                                   "write one JSON object per line", file=path, line=lineno) from None
            rec = validate_record(rec, file=str(path), line=lineno)
            if record_id(rec) is None:
                rec["meta"]["id"] = f"{path.stem}-{lineno}"
            yield rec


def deidentify_records(
    records: Iterable[dict[str, Any]],
    deid: Deidentifier,
    *,
    on_error: Callable[[str | None, Exception], None] | None = None,
) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Yield (de-identified record, report record); failing notes go to ``on_error`` only."""
    for rec in records:
        try:
            yield deid.deidentify_record(rec)
        except Exception as exc:  # noqa: BLE001 - a failing note must never stop the run or leak
            if on_error is None:
                raise
            on_error(record_id(rec) if isinstance(rec, dict) else None, exc)


def deidentify_corpus(
    in_path: str | Path,
    out_path: str | Path,
    report_path: str | Path,
    config: DeidConfig | None = None,
    *,
    fmt: str | None = None,
    progress: bool = False,
    deidentifier: Deidentifier | None = None,
) -> DeidStats:
    """De-identify the corpus at ``in_path``; write OUT, REPORT and (if any note fails) OUT.errors.jsonl."""
    import time

    deid = deidentifier or Deidentifier(config or DeidConfig())
    in_path, out_path, report_path = Path(in_path), Path(out_path), Path(report_path)
    err_path = errors_path(out_path)
    for p in (out_path, report_path):
        if p.resolve() == in_path.resolve():
            raise DeidError(f"output {str(p)!r} is the input file", "write OUT and REPORT to new files",
                            file=p, code=DEID_OUTPUT)
    if out_path.resolve() == report_path.resolve():
        raise DeidError(f"OUT and REPORT are the same file {str(out_path)!r}", "give --report a different path",
                        file=report_path, code=DEID_OUTPUT)
    for p in (out_path, report_path):
        if p.parent and not p.parent.exists():
            p.parent.mkdir(parents=True, exist_ok=True)
    if err_path.exists():
        err_path.unlink()  # stale errors of an earlier run would mislead
    stats = DeidStats()
    t0 = time.perf_counter()
    err_fh = None

    def on_error(rid: str | None, exc: Exception) -> None:
        nonlocal err_fh
        stats.failed += 1
        log.warning("note %s failed de-identification (%s); written to %s without text",
                    rid, type(exc).__name__, err_path)
        if err_fh is None:
            err_fh = err_path.open("w", encoding="utf-8")
        err_fh.write(json.dumps({"meta": {"id": rid}, "error": {
            "code": DEID_NOTE_FAILED, "type": type(exc).__name__,
            "what": "de-identification failed; the note was not written",
            "fix": "rerun with --verbose on this note alone, or report the note id"}}, ensure_ascii=False) + "\n")
        err_fh.flush()

    records = read_records(in_path, fmt=fmt)
    if progress:
        from tqdm import tqdm

        records = tqdm(records, desc="deid", unit="note")
    try:
        with out_path.open("w", encoding="utf-8") as out_fh, report_path.open("w", encoding="utf-8") as rep_fh:
            for new, report in deidentify_records(records, deid, on_error=on_error):
                out_fh.write(json.dumps(new, ensure_ascii=False) + "\n")
                rep_fh.write(json.dumps(report, ensure_ascii=False) + "\n")
                out_fh.flush()
                rep_fh.flush()
                stats.notes += 1
                stats.phi_spans += len(report["spans"])
                for s in report["spans"]:
                    stats.per_label[s["label"]] = stats.per_label.get(s["label"], 0) + 1
    finally:
        if err_fh is not None:
            err_fh.close()
        stats.seconds = time.perf_counter() - t0
    return stats
