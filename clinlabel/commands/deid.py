"""``clinlabel deid IN -o OUT [--report REPORT] [--mode tag|surrogate]``: PHI de-identification."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Optional

import typer

from clinlabel._app import app
from clinlabel.options import CorpusOptions, corpus_options

from . import _job as opt

log = logging.getLogger(__name__)


@app.command("deid")
@corpus_options
def deid_command(
    in_path: Path = typer.Argument(..., metavar="IN", help="Input corpus (Prodigy JSONL, or any format read_corpus knows)."),
    out: Path = typer.Option(..., "--out", "-o", help="De-identified records (JSONL), written as it goes."),
    report: Optional[Path] = typer.Option(None, "--report",
                                          help="Audit JSONL: meta.id + PHI spans in the ORIGINAL text (default OUT.deid-report.jsonl)."),
    mode: Optional[str] = typer.Option(None, "--mode", help="tag: [NAME], [DATE] ...; surrogate: consistent fake values."),
    seed: Optional[int] = typer.Option(None, "--seed",
                                       help="Seed of surrogates, date shifts and --sample (same seed = same fakes)."),
    patient_field: Optional[str] = typer.Option(None, "--patient-field",
                                                help="meta key of the patient id: one date shift per patient."),
    presidio: Optional[bool] = typer.Option(None, "--presidio/--no-presidio",
                                            help="Also run Presidio's pattern recognizers (slower start-up)."),
    skip_invalid: Optional[bool] = opt.SKIP_INVALID,
    resume: Optional[bool] = opt.RESUME,
    overwrite: Optional[bool] = opt.OVERWRITE,
    strict: Optional[bool] = opt.STRICT,
    workers: Optional[int] = opt.WORKERS,
    max_retries: Optional[int] = opt.MAX_RETRIES,
    progress: Optional[bool] = opt.PROGRESS,
    config: Optional[Path] = typer.Option(None, "--config",
                                          help="TOML/JSON job config (tables input, run, deid) or a flat JSON object of "
                                               "DeidConfig settings; flags override it."),
    corpus: CorpusOptions = None,
) -> None:
    """Replace every HIPAA Safe Harbor identifier in the notes of IN; write OUT and REPORT.

    A note that fails is never written in clear: only its id goes to OUT.errors.jsonl.
    """
    from ..workflows.deid import deidentify

    cfg = opt.job_config(
        config, "deid", deid__enabled=True, deid__mode=mode, deid__seed=seed, deid__patient_field=patient_field,
        deid__use_presidio=presidio,
        **opt.run_flags(corpus, skip_invalid=skip_invalid, resume=resume,
                        overwrite=overwrite, strict=strict, workers=workers, max_retries=max_retries,
                        show_text=None, progress=progress),
    )
    summary = deidentify(in_path, out, cfg, report=report)
    from nlp_pipeline.deid.stream import DeidStats

    stats = DeidStats.from_summary(summary)
    log.info("de-identified %d notes (%d PHI spans, %d failed) in %.1f s", stats.notes, stats.phi_spans,
             stats.failed, stats.seconds)
    typer.echo(json.dumps(stats.to_dict()), err=True)
    if stats.failed:
        typer.echo(f"{stats.failed} note(s) failed de-identification; their ids are in {summary.errors_path}", err=True)
