"""``clinlabel deid IN -o OUT --report REPORT [--mode tag|surrogate]``: PHI de-identification."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Optional

import typer

from clinlabel._app import app
from clinlabel.options import CorpusOptions, corpus_options

log = logging.getLogger(__name__)


@app.command("deid")
@corpus_options
def deid_command(
    in_path: Path = typer.Argument(..., metavar="IN", help="Input corpus (Prodigy JSONL, or any format read_corpus knows)."),
    out: Path = typer.Option(..., "--out", "-o", help="De-identified records (JSONL), written as it goes."),
    report: Path = typer.Option(..., "--report", help="Audit JSONL: meta.id + PHI spans in the ORIGINAL text."),
    mode: str = typer.Option("tag", "--mode", help="tag: [NAME], [DATE] ...; surrogate: consistent fake values."),
    seed: int = typer.Option(13, "--seed", help="Seed of surrogates, date shifts and --sample (same seed = same fakes)."),
    patient_field: str = typer.Option("patient_id", "--patient-field",
                                      help="meta key of the patient id: one date shift per patient."),
    presidio: bool = typer.Option(False, "--presidio/--no-presidio",
                                  help="Also run Presidio's pattern recognizers (slower start-up)."),
    config: Optional[Path] = typer.Option(None, "--config", help="JSON file of DeidConfig settings (flags override)."),
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Log and skip invalid input records instead of stopping."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar on stderr."),
    corpus: CorpusOptions = None,
) -> None:
    """Replace every HIPAA Safe Harbor identifier in the notes of IN; write OUT and REPORT.

    A note that fails is never written in clear: only its id goes to OUT.errors.jsonl.
    """
    from nlp_pipeline.deid import DeidConfig, deidentify_corpus

    settings: dict = {}
    if config is not None:
        from corpora.errors import DEID_CONFIG, ConfigError

        try:
            settings = json.loads(config.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ConfigError(f"cannot read de-identification config: {exc}",
                              "give a JSON object of DeidConfig settings", file=config, code=DEID_CONFIG) from None
        if not isinstance(settings, dict):
            raise ConfigError("de-identification config must be a JSON object", "write {\"mode\": \"surrogate\", ...}",
                              file=config, code=DEID_CONFIG)
    settings.update({"mode": mode, "seed": seed, "patient_field": patient_field, "use_presidio": presidio})
    cfg = DeidConfig.from_dict(settings)
    stats = deidentify_corpus(in_path, out, report, cfg, fmt=corpus.fmt, progress=progress, skip_invalid=skip_invalid,
                              reader_options=corpus.reader_options())
    log.info("de-identified %d notes (%d PHI spans, %d failed) in %.1f s", stats.notes, stats.phi_spans,
             stats.failed, stats.seconds)
    typer.echo(json.dumps(stats.to_dict()), err=True)
    if stats.failed:
        typer.echo(f"{stats.failed} note(s) failed de-identification; their ids are in "
                   f"{out.name[:-len('.jsonl')] if out.name.endswith('.jsonl') else out.name}.errors.jsonl", err=True)
