"""``clinlabel lf analyze``: coverage, overlaps, conflicts and accuracy of labelling functions."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Optional

import typer

from .._app import app
from ..options import CorpusOptions, corpus_options

logger = logging.getLogger(__name__)

lf_app = typer.Typer(help="Labelling functions: analysis.", no_args_is_help=True)
app.add_typer(lf_app, name="lf")


def _gold_map(path: Path, fmt: Optional[str]) -> dict[str, list[dict]]:
    from corpora.formats import read_corpus

    gold: dict[str, list[dict]] = {}
    for rec in read_corpus(path, fmt):
        gold[str(rec["meta"]["id"])] = list(rec.get("spans") or [])
    return gold


def _label_map(map_labels: Optional[str]) -> dict[str, str]:
    from corpora.errors import LF_CONFIG, LFError

    out: dict[str, str] = {}
    for pair in (map_labels or "").split(","):
        if not pair.strip():
            continue
        if "=" not in pair:
            raise LFError(f"--map-labels entry {pair!r} is not OLD=NEW", "write e.g. --map-labels A=Disease,B=Disease",
                          code=LF_CONFIG)
        old, new = pair.split("=", 1)
        out[old.strip()] = new.strip()
    return out


@lf_app.command("analyze")
@corpus_options
def analyze_cmd(
    input: Path = typer.Argument(..., help="Notes (JSONL, PubTator, BioC, brat, CSV, txt folder)."),
    lfs: Optional[str] = typer.Option(None, "--lfs", help="Module path of your labelling functions (mypkg.lfs)."),
    preset: Optional[str] = typer.Option(None, "--preset", help="LF preset: clinical, bc5cdr, ncbi_disease."),
    gold: Optional[Path] = typer.Option(None, "--gold", help="Gold spans (same meta.id as IN); only the notes it names are scored."),
    report: Optional[Path] = typer.Option(None, "--report", help="Write an HTML report here (quotes note text; created 0600)."),
    examples: int = typer.Option(3, "--examples", min=0, help="Example votes per LF in the report (per verdict with --gold)."),
    map_labels: Optional[str] = typer.Option(
        None, "--map-labels", help="Rename gold labels, e.g. 'SpecificDisease=Disease' (added to the preset's label map)."),
    config_file: Optional[Path] = typer.Option(None, "--config", help="The annotate config (TOML/JSON) whose pipeline to analyse."),
    default_lfs: Optional[bool] = typer.Option(
        None, "--default-lfs/--no-default-lfs",
        help="As in annotate: --lfs adds to the clinical LFs unless --no-default-lfs."),
    corpus: CorpusOptions = None,
) -> None:
    """Coverage, overlaps, conflicts (and accuracy with --gold) per LF, as `clinlabel annotate` runs them.

    The notes go through annotate's own pipeline (sentences, sections, assertions; --config gives
    the same [pipeline] settings as annotate), so an LF that uses sections is measured as it votes
    in a real run.
    """
    from corpora.errors import LF_GOLD, LFError
    from labeling_functions.analysis import analyze, scoring_note, summary_frame, write_report
    from labeling_functions.presets import get_preset

    from .annotate import _config

    cfg = _config(config_file, pipeline__preset=preset, pipeline__lfs=lfs, pipeline__default_lfs=default_lfs,
                  input__format=corpus.fmt,
                  input__text_col=corpus.text_col, input__id_col=corpus.id_col)
    label_map = dict(get_preset(cfg.pipeline.preset).label_map) if cfg.pipeline.preset else {}
    label_map.update(_label_map(map_labels))
    import dataclasses

    corpus = dataclasses.replace(corpus, text_col=cfg.input.text_col, id_col=cfg.input.id_col)
    records = corpus.read(input, fmt=cfg.input.format, skip_invalid=cfg.input.skip_invalid)
    records = list(records)
    gold_map = _gold_map(gold, None) if gold else None
    if gold_map is not None:
        missing = [str(r["meta"]["id"]) for r in records if str(r["meta"]["id"]) not in gold_map]
        if missing and len(missing) == len(records):
            raise LFError(f"no note of {input} has gold in {gold} (first id {missing[0]!r})",
                          "give a gold file with the same meta.id values as the input", file=gold, code=LF_GOLD)
    result = analyze(records, config=cfg.pipeline, gold=gold_map, gold_label_map=label_map, examples=examples)
    frame = summary_frame(result)
    typer.echo(frame.to_string(float_format=lambda x: f"{x:.3f}"))
    typer.echo(scoring_note(result), err=True)
    if report:
        write_report(result, report, title=f"LF analysis of {input.name}")
        typer.echo(f"report written to {report} (it quotes note text: owner-only permissions)", err=True)


@lf_app.command("relations")
def relations_cmd(
    input: Path = typer.Argument(..., help="Notes whose spans carry Chemical/Disease mentions (PubTator, BioC, JSONL)."),
    output: Path = typer.Option(..., "-o", "--output", help="Prodigy JSONL with CID relations added."),
    label_model: str = typer.Option("majority", "--label-model", help="majority or snorkel (fit on IN's candidates)."),
    fmt: Optional[str] = typer.Option(None, "--from", help="Input format when it cannot be inferred."),
) -> None:
    """Weak chemical-induced-disease relations: relation LFs vote on (chemical, disease) concept pairs."""
    from corpora.errors import LF_CONFIG, LFError
    from corpora.formats import read_corpus, write_corpus
    from labeling_functions.presets.bc5cdr import weak_relations

    if label_model not in ("majority", "snorkel"):
        raise LFError(f"unknown relation label model {label_model!r}", "use --label-model majority or snorkel",
                      code=LF_CONFIG)
    records = list(read_corpus(input, fmt))
    out = list(weak_relations(records, label_model=label_model))
    n = write_corpus(out, output, "prodigy")
    typer.echo(f"{n} records, {sum(len(r['relations']) for r in out)} CID relations -> {output}", err=True)
