"""``clinlabel annotate`` and ``clinlabel demo``."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Optional

import typer

from .._app import app
from ..config import JobConfig
from ..options import CorpusOptions, corpus_options
from . import _job as opt

logger = logging.getLogger(__name__)


def _config(config_file: Optional[Path], **flags) -> JobConfig:
    """The annotate job config from ``--config`` and ``section__option`` flags (``lf analyze`` uses it too)."""
    return opt.job_config(config_file, "annotate", **flags)


@app.command()
@corpus_options
def annotate(
    input: Path = typer.Argument(..., help="Notes: JSONL, .txt folder, CSV, PubTator, BioC XML, brat folder or .spacy."),
    output: Path = typer.Option(..., "-o", "--output", help="Prodigy JSONL written as notes finish."),
    skip_invalid: Optional[bool] = opt.SKIP_INVALID,
    resume: Optional[bool] = opt.RESUME,
    overwrite: Optional[bool] = opt.OVERWRITE,
    strict: Optional[bool] = opt.STRICT,
    keep_spans: Optional[bool] = typer.Option(None, "--keep-spans/--no-keep-spans", help="The input's spans are the targets."),
    deid: Optional[bool] = typer.Option(None, "--deid/--no-deid", help="De-identify notes before the pipeline."),
    deid_mode: Optional[str] = typer.Option(None, "--deid-mode", help="tag or surrogate."),
    deid_seed: Optional[int] = typer.Option(None, "--deid-seed", help="Seed of surrogates and date shifts."),
    deid_patient_field: Optional[str] = typer.Option(None, "--deid-patient-field",
                                                     help="meta key of the patient id: one date shift per patient."),
    deid_presidio: Optional[bool] = typer.Option(None, "--deid-presidio/--no-deid-presidio",
                                                 help="Also run Presidio's pattern recognizers."),
    deid_report: Optional[Path] = typer.Option(None, "--deid-report", help="Report path (default OUT.deid-report.jsonl)."),
    preset: Optional[str] = typer.Option(
        None, "--preset", help="LF preset: clinical (the default's LFs, with soft labels), bc5cdr, ncbi_disease."),
    lfs: Optional[str] = typer.Option(
        None, "--lfs", help="Module path of your labelling functions (added to the clinical ones; see --no-default-lfs)."),
    default_lfs: Optional[bool] = typer.Option(
        None, "--default-lfs/--no-default-lfs",
        help="The clinical preset's LFs find targets unless --preset names others (default on); off: only --lfs, "
             "or the ICD-10-CM matcher alone."),
    soft_labels: Optional[bool] = typer.Option(
        None, "--soft-labels/--no-soft-labels",
        help="Write the label model's per-token probabilities (record key weak_labels); default: only with --preset/--lfs."),
    model: Optional[Path] = typer.Option(None, "--model", help="Trained clinlabel model directory."),
    ontology: Optional[str] = typer.Option(None, "--ontology", help="Ontology for concept matching (default icd10cm)."),
    setting: Optional[str] = typer.Option(None, "--setting", help="Coding setting: outpatient or inpatient."),
    codes: Optional[bool] = typer.Option(None, "--codes/--no-codes", help="Suggest ICD-10-CM codes."),
    z_codes: Optional[bool] = typer.Option(None, "--z-codes/--no-z-codes", help="Add history, family-history, status, screening and long-term-drug Z codes (default on)."),
    section_rules: Optional[Path] = typer.Option(None, "--section-rules", help="Extra section rules (medspaCy format)."),
    context_rules: Optional[Path] = typer.Option(None, "--context-rules", help="Extra ConTextRule JSON."),
    workers: Optional[int] = opt.WORKERS,
    max_retries: Optional[int] = opt.MAX_RETRIES,
    engine: Optional[str] = typer.Option(None, "--engine", help="local or spark."),
    show_text: Optional[bool] = opt.SHOW_TEXT,
    progress: Optional[bool] = opt.PROGRESS,
    config_file: Optional[Path] = opt.CONFIG,
    corpus: CorpusOptions = None,
) -> None:
    """Annotate notes: sentences, sections, concepts, assertions and codes, one JSONL record per note."""
    from ..workflows.annotate import annotate as run

    cfg = opt.job_config(
        config_file, "annotate",
        run__engine=engine,
        pipeline__keep_spans=keep_spans, pipeline__preset=preset, pipeline__lfs=lfs,
        pipeline__default_lfs=default_lfs, pipeline__soft_labels=soft_labels,
        pipeline__model=None if model is None else str(model), pipeline__ontology=ontology,
        pipeline__setting=setting, pipeline__codes=codes, pipeline__z_codes=z_codes,
        pipeline__section_rules=None if section_rules is None else str(section_rules),
        pipeline__context_rules=None if context_rules is None else str(context_rules),
        deid__enabled=deid, deid__mode=deid_mode, deid__seed=deid_seed, deid__patient_field=deid_patient_field,
        deid__use_presidio=deid_presidio,
        **opt.run_flags(corpus, skip_invalid=skip_invalid, resume=resume,
                        overwrite=overwrite, strict=strict, workers=workers, max_retries=max_retries,
                        show_text=show_text, progress=progress),
    )
    opt.report_run(run(input, output, cfg, deid_report=deid_report), output)


@app.command()
def demo(
    out: Path = typer.Option(Path("out/demo"), "--out", help="Folder for the demo's outputs."),
    workers: int = typer.Option(1, "--workers", help="Worker processes."),
) -> None:
    """Annotate the 50 bundled MTSamples notes and write Prodigy JSONL plus a one-page HTML summary."""
    from importlib.resources import as_file, files

    from ..report import write_summary_html
    from ..workflows.annotate import annotate as run

    out.mkdir(parents=True, exist_ok=True)
    jsonl = out / "annotations.jsonl"
    html_path = out / "summary.html"
    cfg = JobConfig().override(run__overwrite=True, run__workers=workers)
    with as_file(files("corpora.samples") / "mtsamples_50.jsonl") as sample:
        summary = run(sample, jsonl, cfg)
    figures = write_summary_html(jsonl, html_path, title="clinlabel demo: 50 MTSamples notes (CC0)")
    typer.echo(
        f"clinlabel demo: annotated {summary.written} notes in {summary.seconds:.1f}s: "
        f"{figures['spans']} spans, {sum(figures['statuses'].values())} code suggestions\n"
        f"  Prodigy JSONL: {jsonl.resolve()}\n  HTML summary:  {html_path.resolve()}"
    )


@app.command()
def summary(
    input: Path = typer.Argument(..., help="An annotate output (Prodigy JSONL)."),
    output: Path = typer.Option(..., "-o", "--output", help="HTML file to write."),
) -> None:
    """Write the one-page HTML summary of an annotated JSONL file."""
    from ..report import write_summary_html

    figures = write_summary_html(input, output)
    typer.echo(f"{figures['notes']} notes, {figures['spans']} spans -> {output}", err=True)
