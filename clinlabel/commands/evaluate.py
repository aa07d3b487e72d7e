"""``clinlabel evaluate PRED GOLD --task spans|assertion|codes``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import typer

from corpora.errors import IO_TASK, ClinlabelError, corpus_error

from .._app import app
from ..options import CorpusOptions, corpus_options

TASKS = ("spans", "assertion", "codes")
CODES_EVALUATOR = "nlp_pipeline.codes_eval:evaluate_codes"


def _codes_evaluator():
    import importlib

    module, _, name = CODES_EVALUATOR.partition(":")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as err:
        raise ClinlabelError(
            f"--task codes needs {CODES_EVALUATOR}, which is not available ({type(err).__name__}: {err})",
            "install the code-suggestion part of clinlabel, or evaluate --task spans / assertion",
            code=IO_TASK,
        ) from None


def evaluate_files(
    pred: str | Path,
    gold: str | Path,
    task: str = "spans",
    *,
    labels: list[str] | None = None,
    pred_fmt: str | None = None,
    gold_fmt: str | None = None,
    reader_options: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Read PRED and GOLD (any supported format) and evaluate ``task``; return the result dict.

    ``reader_options`` (CSV columns, ``limit``/``sample``/``seed``) apply to GOLD: the selection
    picks the gold notes scored, and predictions are paired with them by ``meta.id``.
    """
    from corpora.evaluation import evaluate_assertions, evaluate_spans
    from corpora.formats import read_corpus

    if task not in TASKS:
        raise corpus_error(IO_TASK, f"unknown task {task!r}", f"use --task with one of: {', '.join(TASKS)}")
    evaluator = _codes_evaluator() if task == "codes" else None
    options = dict(reader_options or {})
    gold_records = read_corpus(gold, gold_fmt, **options)
    pred_records = read_corpus(pred, pred_fmt, **{k: v for k, v in options.items() if k in ("text_col", "id_col")})
    if task == "spans":
        return evaluate_spans(pred_records, gold_records, labels=labels)
    if task == "assertion":
        return evaluate_assertions(pred_records, gold_records, labels=labels)
    return evaluator(list(pred_records), list(gold_records))


@app.command()
@corpus_options
def evaluate(
    pred: Path = typer.Argument(..., help="Predicted records (JSONL or any supported format)."),
    gold: Path = typer.Argument(..., help="Gold records (JSONL, PubTator, BioC, brat, ...), paired by meta.id."),
    task: str = typer.Option("spans", "--task", help="spans (strict P/R/F1), assertion (per attribute) or codes."),
    labels: Optional[str] = typer.Option(None, "--labels", help="Comma-separated labels to evaluate (default: all)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of a table."),
    pred_fmt: Optional[str] = typer.Option(None, "--pred-from", help="Format of PRED (default: --from, else inferred)."),
    gold_fmt: Optional[str] = typer.Option(None, "--gold-from", help="Format of GOLD (default: --from, else inferred)."),
    corpus: CorpusOptions = None,
) -> None:
    """Score predictions against gold: strict spans, assertion attributes, or codes."""
    wanted = [x.strip() for x in labels.split(",") if x.strip()] if labels else None
    result = evaluate_files(pred, gold, task, labels=wanted, pred_fmt=pred_fmt or corpus.fmt,
                            gold_fmt=gold_fmt or corpus.fmt, reader_options=corpus.reader_options())
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
    else:
        from corpora.evaluation import format_report

        typer.echo(format_report(result))
