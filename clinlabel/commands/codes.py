"""``clinlabel codes``: ICD-10-CM suggestions with evidence for coders."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .._app import app
from ..options import CorpusOptions, corpus_options
from . import _job as opt


@app.command()
@corpus_options
def codes(
    input: Path = typer.Argument(..., help="Notes in any supported format."),
    output: Path = typer.Option(..., "-o", "--output", help="JSONL: each input record plus `codes`."),
    ontology: Optional[str] = typer.Option(None, "--ontology", help="Code system to suggest from (default icd10cm)."),
    setting: Optional[str] = typer.Option(None, "--setting", help="outpatient (default) or inpatient; a note's meta.setting overrides."),
    skip_invalid: Optional[bool] = opt.SKIP_INVALID,
    resume: Optional[bool] = opt.RESUME,
    overwrite: Optional[bool] = opt.OVERWRITE,
    strict: Optional[bool] = opt.STRICT,
    workers: Optional[int] = opt.WORKERS,
    max_retries: Optional[int] = opt.MAX_RETRIES,
    show_text: Optional[bool] = opt.SHOW_TEXT,
    progress: Optional[bool] = opt.PROGRESS,
    config_file: Optional[Path] = opt.CONFIG,
    z_codes: Optional[bool] = typer.Option(None, "--z-codes/--no-z-codes", help="Add history, family-history, status, screening and long-term-drug Z codes (default on)."),
    corpus: CorpusOptions = None,
) -> None:
    """Suggest ICD-10-CM codes, each with its status (confirmed, negated, uncertain, historical, family) and evidence."""
    from ..workflows.codes import suggest_codes

    cfg = opt.job_config(
        config_file, "codes", pipeline__ontology=ontology, pipeline__setting=setting, pipeline__z_codes=z_codes,
        **opt.run_flags(corpus, skip_invalid=skip_invalid, resume=resume,
                        overwrite=overwrite, strict=strict, workers=workers, max_retries=max_retries,
                        show_text=show_text, progress=progress),
    )
    summary = suggest_codes(input, output, cfg)
    opt.report_run(summary, output, "records with codes")
