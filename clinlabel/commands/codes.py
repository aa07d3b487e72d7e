"""``clinlabel codes``: ICD-10-CM suggestions with evidence for coders."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .._app import app
from ..options import CorpusOptions, corpus_options


@app.command()
@corpus_options
def codes(
    input: Path = typer.Argument(..., help="Notes in any supported format."),
    output: Path = typer.Option(..., "-o", "--output", help="JSONL: each input record plus `codes`."),
    ontology: str = typer.Option("icd10cm", "--ontology", help="Code system to suggest from."),
    setting: str = typer.Option("outpatient", "--setting", help="outpatient (default) or inpatient; a note's meta.setting overrides."),
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted run."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing OUT."),
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Log and skip malformed input lines."),
    workers: int = typer.Option(1, "--workers", help="Worker processes."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar on stderr."),
    z_codes: bool = typer.Option(True, "--z-codes/--no-z-codes", help="Add history, family-history, status, screening and long-term-drug Z codes."),
    corpus: CorpusOptions = None,
) -> None:
    """Suggest ICD-10-CM codes, each with its status (confirmed, negated, uncertain, historical, family) and evidence."""
    from ..workflows.codes import suggest_codes

    summary = suggest_codes(input, output, ontology=ontology, setting=setting, fmt=corpus.fmt,
                            reader_options=corpus.reader_options(), resume=resume, overwrite=overwrite,
                            skip_invalid=skip_invalid, workers=workers, progress=progress, z_codes=z_codes)
    typer.echo(f"wrote {summary.written} records with codes to {output} in {summary.seconds:.1f}s", err=True)
