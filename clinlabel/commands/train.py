"""``clinlabel train``: weak labels from a preset's LFs, then the transformer end model.

The application layer wires the weak-supervision stage (``labeling_functions``) to the end
model (``nlp_pipeline.end_model``), which only sees plain records.  The corpus's own
annotations are stripped before weak labelling, so training uses weak labels only; gold
annotations enter only through ``--gold FILE --gold-docs N`` (the first N documents).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional

import typer

from corpora.errors import MODEL_CONFIG, ConfigError

from .._app import app

logger = logging.getLogger(__name__)

#: Record keys that carry annotations; the weak-only training path drops them.
ANNOTATION_KEYS = ("spans", "relations", "codes", "answer", "weak_labels", "_task_hash")

def strip_annotations(record: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``record`` without its annotations (spans, relations, codes, weak labels, ...)."""
    return {k: v for k, v in record.items() if k not in ANNOTATION_KEYS}


def map_gold_labels(records: Iterable[Mapping[str, Any]], preset: str | None) -> list[dict[str, Any]]:
    """Gold records with their span labels mapped onto the preset's entity types (the preset's ``label_map``)."""
    from labeling_functions.presets import get_preset

    mapping = dict(get_preset(preset).label_map) if preset else {}
    out = []
    for rec in records:
        rec = dict(rec)
        rec["spans"] = [dict(s, label=mapping.get(s.get("label"), s.get("label"))) for s in rec.get("spans") or []]
        out.append(rec)
    return out


def weak_training_records(
    records: Iterable[Mapping[str, Any]],
    *,
    preset: str | None = None,
    lfs: str | None = None,
    label_model: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """The weak-only training data: annotations stripped, then the preset's LFs + label model."""
    from labeling_functions import weak_label_records

    stripped = []
    for i, rec in enumerate(records):
        if limit is not None and i >= limit:
            break
        stripped.append(strip_annotations(rec))
    kwargs: dict[str, Any] = {"preset": preset, "lfs": lfs}
    if label_model is not None:
        kwargs["label_model"] = label_model
    return list(weak_label_records(stripped, **kwargs))


def build_config(config_file: Path | None, **flags: Any):
    """The end-model config: the file (if any) overridden by the flags that were given."""
    from nlp_pipeline.end_model import EndModelConfig

    base = EndModelConfig.from_file(config_file) if config_file else EndModelConfig()
    try:
        return base.replace(**flags)
    except ConfigError:
        raise
    except (TypeError, ValueError) as exc:
        raise ConfigError(str(exc), "fix the flag (see `clinlabel train --help`)", code=MODEL_CONFIG) from exc


def run_train(
    corpus: Path,
    output: Path,
    *,
    preset: str | None = None,
    lfs: str | None = None,
    label_model: str | None = None,
    gold: Path | None = None,
    gold_docs: int = 0,
    fmt: str | None = None,
    gold_fmt: str | None = None,
    limit: int | None = None,
    overwrite: bool = False,
    config: Any = None,
    skip_invalid: bool = False,
) -> Path:
    """Library form of ``clinlabel train`` (read, weak-label, train, refine, save)."""
    from corpora.formats import read_corpus
    from nlp_pipeline.end_model import EndModelConfig, train_end_model

    if preset is None and lfs is None:
        raise ConfigError("no labelling functions chosen", "pass --preset bc5cdr|ncbi_disease or --lfs MODULE",
                          code=MODEL_CONFIG)
    config = config or EndModelConfig()
    weak = weak_training_records(read_corpus(corpus, fmt, skip_invalid=skip_invalid), preset=preset, lfs=lfs, label_model=label_model,
                                 limit=limit)
    gold_records = None
    if gold is not None:
        gold_records = map_gold_labels(read_corpus(gold, gold_fmt, skip_invalid=skip_invalid), preset)
        if gold_docs:
            gold_records = gold_records[:gold_docs]
        logger.info("refining on the first %d gold documents of %s", len(gold_records), gold)
    return train_end_model(weak, config, output_dir=output, gold_records=gold_records, gold_docs=gold_docs,
                           overwrite=overwrite)


@app.command("train")
def train(
    corpus: Path = typer.Option(..., "--corpus", help="Unlabelled training notes (any readable format; annotations are ignored)."),
    output: Path = typer.Option(..., "-o", "--output", help="Model folder to write."),
    preset: Optional[str] = typer.Option(None, "--preset", help="Weak-supervision preset: bc5cdr, ncbi_disease."),
    lfs: Optional[str] = typer.Option(None, "--lfs", help="Module path of your labelling functions."),
    label_model: Optional[str] = typer.Option(None, "--label-model", help="Aggregator of the LF votes (default: the preset's)."),
    gold: Optional[Path] = typer.Option(None, "--gold", help="Gold corpus for refinement after weak training."),
    gold_docs: int = typer.Option(0, "--gold-docs", min=0, help="Use the first N gold documents (0 = all)."),
    fmt: Optional[str] = typer.Option(None, "--from", help="Corpus format when it cannot be inferred."),
    gold_fmt: Optional[str] = typer.Option(None, "--gold-from", help="Gold corpus format when it cannot be inferred."),
    backbone: Optional[Path] = typer.Option(None, "--backbone", help="Local Hugging Face model folder (default: bundled all-MiniLM-L6-v2)."),
    config_file: Optional[Path] = typer.Option(None, "--config", help="End-model config (.toml/.json); flags override it."),
    epochs: Optional[int] = typer.Option(None, "--epochs", help="Epochs on the weak labels."),
    gold_epochs: Optional[int] = typer.Option(None, "--gold-epochs", help="Epochs on the gold documents."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Random seed."),
    max_length: Optional[int] = typer.Option(None, "--max-length", help="Word pieces per window."),
    batch_size: Optional[int] = typer.Option(None, "--batch-size", help="Windows per batch."),
    learning_rate: Optional[float] = typer.Option(None, "--learning-rate", help="Learning rate of weak training."),
    label_mode: Optional[str] = typer.Option(None, "--label-mode", help="soft (cross-entropy on probabilities) or threshold."),
    self_training_rounds: Optional[int] = typer.Option(None, "--self-training-rounds", help="BOND-style self-training rounds."),
    num_threads: Optional[int] = typer.Option(None, "--threads", help="Torch CPU threads."),
    max_steps: Optional[int] = typer.Option(None, "--max-steps", help="Cap optimiser steps per phase (quick runs)."),
    limit: Optional[int] = typer.Option(None, "--limit", help="Train on the first N corpus documents only."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing model folder."),
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Skip (and log) bad or duplicate input documents instead of stopping."),
    progress: Optional[bool] = typer.Option(None, "--progress/--no-progress", help="Progress bars on stderr."),
) -> None:
    """Train the end model on weak labels (the corpus's own annotations are ignored), optionally refine on gold."""
    cfg = build_config(
        config_file, backbone=str(backbone) if backbone else None, epochs=epochs, gold_epochs=gold_epochs, seed=seed,
        max_length=max_length, batch_size=batch_size, learning_rate=learning_rate, label_mode=label_mode,
        self_training_rounds=self_training_rounds, num_threads=num_threads, max_steps=max_steps, progress=progress,
    )
    path = run_train(corpus, output, preset=preset, lfs=lfs, label_model=label_model, gold=gold, gold_docs=gold_docs,
                     fmt=fmt, gold_fmt=gold_fmt, limit=limit, overwrite=overwrite, config=cfg,
                     skip_invalid=skip_invalid)
    typer.echo(f"model saved to {path}", err=True)
