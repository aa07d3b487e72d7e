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

from corpora.errors import DEID_NOTE_FAILED, DEID_OUTPUT, DeidError
from corpora.formats import read_corpus
from corpora.record import record_id

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
    reader_options: dict[str, Any] | None = None,
    skip_invalid: bool = False,
    progress: bool = False,
    deidentifier: Deidentifier | None = None,
) -> DeidStats:
    """De-identify the corpus at ``in_path``; write OUT, REPORT and (if any note fails) OUT.errors.jsonl.

    The input is read with :func:`corpora.formats.read_corpus` (any supported format;
    ``reader_options`` such as ``text_col``/``id_col`` go to the reader).  A bad input path or
    format fails before anything is written; a bad record fails with a located error when it is
    reached, keeping every note already written.
    """
    import time

    in_path, out_path, report_path = Path(in_path), Path(out_path), Path(report_path)
    err_path = errors_path(out_path)
    for p in (out_path, report_path):
        if p.resolve() == in_path.resolve():
            raise DeidError(f"output {str(p)!r} is the input file", "write OUT and REPORT to new files",
                            file=p, code=DEID_OUTPUT)
    if out_path.resolve() == report_path.resolve():
        raise DeidError(f"OUT and REPORT are the same file {str(out_path)!r}", "give --report a different path",
                        file=report_path, code=DEID_OUTPUT)
    options = {k: v for k, v in (reader_options or {}).items() if v is not None}
    records = read_corpus(in_path, fmt=fmt, skip_invalid=skip_invalid, **options)  # checks path and format now
    for p in (out_path, report_path):
        if p.parent and not p.parent.exists():
            p.parent.mkdir(parents=True, exist_ok=True)
    if err_path.exists():
        err_path.unlink()  # stale errors of an earlier run would mislead
    deid = deidentifier or Deidentifier(config or DeidConfig())
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
