"""De-identification on the one streaming runner (:func:`corpora.runner.run_streaming`).

``clinlabel deid`` and ``clinlabel annotate --deid`` share everything here: the per-note step
(:func:`deidentify_note`), the report side file (``deid_report``, one line per note, PHI by
design, created 0600), the errors file (``OUT.errors.jsonl``, same naming and format as every
run), ``--resume`` and ``--workers``.

A note that fails de-identification is never written in clear: its errors-file entry holds its
id, the code ``CL-DEID001``, the exception type and where in the code it failed; never the note
text nor the exception message (either could quote PHI), whatever ``show_text`` says.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

from corpora.errors import DEID_NOTE_FAILED, DEID_OUTPUT, DeidError
from corpora.runner import Processed, RunConfig, note_error, run_streaming, side_path_for

from .config import DeidConfig
from .deidentifier import Deidentifier

#: the report's name among a run's side files, and its default path beside OUT
DEID_REPORT = "deid_report"
DEID_REPORT_SUFFIX = ".deid-report.jsonl"


def default_report_path(out: str | Path) -> Path:
    """``out.jsonl`` -> ``out.deid-report.jsonl`` (where ``annotate --deid`` puts the report)."""
    return side_path_for(out, DEID_REPORT_SUFFIX)


def deid_error(record: Mapping[str, Any], err: BaseException) -> dict[str, Any]:
    """The errors-file entry of a note that failed de-identification (no text, no message)."""
    return note_error(record, err, code=DEID_NOTE_FAILED, show_text=False, trust_message=False,
                      what="de-identification failed; the note was not written")


def deidentify_note(deid: Deidentifier, record: dict[str, Any]) -> tuple[dict[str, Any] | None, Processed]:
    """De-identify one note: ``(new record, Processed with the report)`` or ``(None, Processed with the error)``."""
    try:
        new, report = deid.deidentify_record(record)
    except Exception as err:  # noqa: BLE001 - a failing note must never stop the run or leak
        return None, Processed(error=deid_error(record, err))
    counts: dict[str, int] = {}
    for span in report["spans"]:
        counts[span["label"]] = counts.get(span["label"], 0) + 1
    return new, Processed(side={DEID_REPORT: [report]}, counts=counts)


@dataclass
class DeidProcessorFactory:
    """Picklable recipe of the ``clinlabel deid`` processor: builds the de-identifier once per process."""

    config: DeidConfig = field(default_factory=DeidConfig)

    def __call__(self) -> Callable[[dict[str, Any]], Processed]:
        deid = Deidentifier(self.config)

        def process(record: dict[str, Any]) -> Processed:
            new, result = deidentify_note(deid, record)
            if new is not None:
                result.line = json.dumps(new, ensure_ascii=False)
            return result

        return process


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

    @classmethod
    def from_summary(cls, summary) -> "DeidStats":
        return cls(notes=summary.written, failed=summary.failed, phi_spans=sum(summary.counts.values()),
                   per_label=dict(summary.counts), seconds=summary.seconds)


def check_paths(in_path: str | Path, out_path: str | Path, report_path: str | Path) -> None:
    """OUT and REPORT must differ from the input and from each other (before anything is written)."""
    in_path, out_path, report_path = Path(in_path), Path(out_path), Path(report_path)
    for p in (out_path, report_path):
        if p.resolve() == in_path.resolve():
            raise DeidError(f"output {str(p)!r} is the input file", "write OUT and REPORT to new files",
                            file=p, code=DEID_OUTPUT)
    if out_path.resolve() == report_path.resolve():
        raise DeidError(f"OUT and REPORT are the same file {str(out_path)!r}", "give --report a different path",
                        file=report_path, code=DEID_OUTPUT)


def deidentify_records(
    records: Iterable[dict[str, Any]],
    deid: Deidentifier,
    *,
    on_error: Callable[[str | None, Exception], None] | None = None,
) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Yield (de-identified record, report record) in memory; failing notes go to ``on_error`` only."""
    from corpora.record import record_id

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
    report_path: str | Path | None = None,
    config: DeidConfig | None = None,
    *,
    fmt: str | None = None,
    reader_options: dict[str, Any] | None = None,
    skip_invalid: bool = False,
    progress: bool = False,
    run: RunConfig | None = None,
) -> DeidStats:
    """De-identify the corpus at ``in_path`` into OUT, REPORT and (if a note fails) OUT.errors.jsonl.

    The Python face of ``clinlabel deid``, on the same runner: ``run`` sets resume, workers,
    strict... (default: overwrite OUT, one process).  ``report_path`` defaults to
    ``OUT.deid-report.jsonl``.  A bad input path or format fails before anything is written; a
    bad record fails with a located error when it is reached, keeping every note already written.
    """
    from corpora.formats import read_corpus

    report_path = Path(report_path) if report_path is not None else default_report_path(out_path)
    check_paths(in_path, out_path, report_path)
    options = {k: v for k, v in (reader_options or {}).items() if v is not None}
    records = read_corpus(in_path, fmt=fmt, skip_invalid=skip_invalid, **options)  # checks path and format now
    run = run or RunConfig(overwrite=True, progress=progress)
    summary = run_streaming(records, out_path, DeidProcessorFactory(config or DeidConfig()), run,
                            description="deid", side_files={DEID_REPORT: report_path})
    return DeidStats.from_summary(summary)
