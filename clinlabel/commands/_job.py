"""The run option group shared by the streaming commands (``annotate``, ``codes``, ``deid``; the
corpus options are :mod:`clinlabel.options`'s) and the one function that turns a config file plus
flags into the job's :class:`clinlabel.config.JobConfig`."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer

from corpora.errors import PIPE_CONFIG_FILE, ClinlabelError, PipelineError

from ..config import JobConfig
from ..options import CorpusOptions

# [input] (format, columns, --limit/--sample/--seed: the corpus option group, clinlabel/options.py)
SKIP_INVALID = typer.Option(None, "--skip-invalid/--no-skip-invalid", help="Log and skip malformed input records.")
# [run]
RESUME = typer.Option(None, "--resume/--no-resume", help="Continue an interrupted run into OUT.")
OVERWRITE = typer.Option(None, "--overwrite/--no-overwrite", help="Replace an existing OUT.")
STRICT = typer.Option(None, "--strict/--no-strict", help="Stop at the first note that fails.")
WORKERS = typer.Option(None, "--workers", help="Worker processes (a dead one is replaced and its notes re-run).")
MAX_RETRIES = typer.Option(None, "--max-retries",
                           help="Times a note is re-run after its worker died (default 2), then it goes to the errors file.")
SHOW_TEXT = typer.Option(None, "--show-text/--no-show-text",
                         help="Quote note text in error messages (refused with de-identification).")
PROGRESS = typer.Option(None, "--progress/--no-progress", help="Progress bar on stderr.")
CONFIG = typer.Option(None, "--config", help="TOML/JSON job config (tables input, pipeline, run, deid); flags override it.")

def run_flags(corpus: CorpusOptions, *, skip_invalid, resume, overwrite, strict, workers, max_retries, show_text,
              progress) -> dict[str, Any]:
    """The shared flags (the corpus option group and the run options) as ``section__option`` overrides."""
    return dict(input__format=corpus.fmt, input__text_col=corpus.text_col, input__id_col=corpus.id_col,
                input__limit=corpus.limit, input__sample=corpus.sample, input__seed=corpus.seed,
                input__skip_invalid=skip_invalid,
                run__resume=resume, run__overwrite=overwrite, run__strict=strict, run__workers=workers,
                run__max_retries=max_retries, run__show_text=show_text, run__progress=progress)


def job_config(config_file: Optional[Path], command: str, **flags: Any) -> JobConfig:
    """The config file (if any) with the given flags applied; a bad value is a located error."""
    base = JobConfig.from_file(config_file) if config_file else JobConfig()
    try:
        return base.override(**flags)
    except ClinlabelError as exc:
        raise PipelineError(exc.what, f"{exc.fix} (see `clinlabel {command} --help`)", code=exc.code,
                            file=config_file) from None
    except (TypeError, ValueError) as exc:
        raise PipelineError(str(exc), f"fix the flag (see `clinlabel {command} --help`)", code=PIPE_CONFIG_FILE,
                            file=config_file) from None


def report_run(summary, output: Path, what: str = "records") -> None:
    msg = f"wrote {summary.written} {what} to {output} in {summary.seconds:.1f}s"
    if summary.skipped_done:
        msg += f" ({summary.skipped_done} already done)"
    if summary.worker_deaths:
        msg += f"; {summary.worker_deaths} worker processes died and were replaced ({summary.retried} notes re-run)"
    if summary.failed:
        msg += f"; {summary.failed} notes failed, see {summary.errors_path}"
    typer.echo(msg, err=True)
