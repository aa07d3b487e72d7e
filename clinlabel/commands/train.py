"""``clinlabel train``: weak labels from a preset's LFs, then the transformer end model.

The application layer wires the weak-supervision stage (``labeling_functions``) to the end
model (``nlp_pipeline.end_model``), which only sees plain records.  The corpus's own
annotations are stripped before weak labelling, so training uses weak labels only; gold
annotations enter only through ``--gold FILE --gold-docs N`` (the first N documents).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional

import typer

from corpora.errors import MODEL_CONFIG, ConfigError

from .._app import app
from ..options import CorpusOptions, corpus_options

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
    reader_options: dict[str, Any] | None = None,
    refine: bool = False,
    refine_folds: int = 3,
    echo=None,
) -> Path:
    """Library form of ``clinlabel train``: read, weak-label, train the end model, then choose the
    combination of LFs and end model (on the gold documents by cross-validation when given) and
    save it as ``combiner.json`` beside the model.  ``refine`` instead refines the end model on the
    gold documents and outputs the model's own spans (the behaviour before issue 16).

    With gold and ``refine_folds`` >= 2 (the default, 3) the end model is refined on the gold
    documents too, cross-fitted: the combination is fitted on probabilities of models refined on the
    other folds (each gold document is predicted by a model that never saw it), and the model saved
    in ``output`` is the one refined on every gold document (BC5CDR dev: 0.876 against 0.863 without
    refinement and 0.861 for the LFs alone; docs/end_model.md)."""
    from corpora.formats import read_corpus
    from nlp_pipeline.end_model import EndModelConfig, train_end_model

    if preset is None and lfs is None:
        raise ConfigError("no labelling functions chosen", "pass --preset clinical|bc5cdr|ncbi_disease or --lfs MODULE",
                          code=MODEL_CONFIG)
    config = config or EndModelConfig()
    weak = weak_training_records(read_corpus(corpus, fmt, skip_invalid=skip_invalid, **(reader_options or {})),
                                 preset=preset, lfs=lfs, label_model=label_model,
                                 limit=limit)
    gold_records = None
    if gold is not None:
        gold_records = map_gold_labels(read_corpus(gold, gold_fmt, skip_invalid=skip_invalid), preset)
        if gold_docs:
            gold_records = gold_records[:gold_docs]
        logger.info("refining on the first %d gold documents of %s", len(gold_records), gold)
    held = held_back(weak) if not gold_records else []
    train_weak = weak[:len(weak) - len(held)]
    if gold_records and not refine:
        train_weak = without_gold(train_weak, gold_records)
    path = train_end_model(train_weak, config, output_dir=output, gold_records=gold_records if refine else None,
                           gold_docs=gold_docs, overwrite=overwrite)
    fitted = None
    if gold_records and not refine and refine_folds >= 2 and len(gold_records) >= 2:
        fitted = cross_fit_gold(Path(path), gold_records, preset=preset, lfs=lfs, folds=refine_folds, echo=echo)
    write_combination(path, preset=preset, lfs=lfs, gold_records=gold_records, held=held, weak=weak,
                      refined=refine and bool(gold_records), echo=echo, inputs=fitted)
    return path


def cross_fit_gold(model_dir: Path, gold_records, *, preset: str | None, lfs: str | None, folds: int, echo=None):
    """Cross-fitted refinement (:func:`labeling_functions.gold.cross_fitted_refinement`): the combiner's
    inputs on the gold documents carry out-of-fold probabilities of gold-refined models, and the
    weakly trained model in ``model_dir`` is replaced by the one refined on every gold document.
    Returns ``(inputs, lf_names, labels)`` for :func:`write_combination`."""
    import shutil
    import tempfile

    import numpy as np

    from labeling_functions.gold import cross_fitted_refinement, doc_inputs

    say = echo or (lambda msg: typer.echo(msg, err=True))
    inputs, lf_names, labels = doc_inputs(gold_records, preset=preset, lfs=lfs)
    folds = max(2, min(folds, len(gold_records)))  # as cross_fitted_refinement uses them
    say(f"refining the end model on the gold documents, cross-fitted ({folds} folds + 1 on all of them)")
    work = Path(tempfile.mkdtemp(prefix=".refine-", dir=model_dir.parent))
    try:
        oof = cross_fitted_refinement(model_dir, gold_records, [d.words for d in inputs], labels, work_dir=work,
                                      folds=folds, final_dir=work / "final")
        for d, p in zip(inputs, oof):
            d.model_probs = np.asarray(p, dtype=float)
        # the model refined on every gold document replaces the weak one (the swap keeps a whole folder)
        import json

        from nlp_pipeline.end_model.model import CONFIG_FILE

        weak_meta = json.loads((model_dir / CONFIG_FILE).read_text(encoding="utf-8"))
        final_meta_path = work / "final" / CONFIG_FILE
        meta = json.loads(final_meta_path.read_text(encoding="utf-8"))
        # the record says what the saved model is: weakly trained on weak_docs, then refined on gold
        meta.update(weak_docs=weak_meta.get("weak_docs"), train_span_rate=weak_meta.get("train_span_rate"),
                    init_model=None, refinement={"cross_fitted_folds": folds, "gold_docs": len(gold_records)})
        final_meta_path.write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
        os.replace(model_dir, work / "weak")
        os.replace(work / "final", model_dir)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return inputs, lf_names, labels


def without_gold(weak: list[dict[str, Any]], gold_records: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The weak training documents minus those that are also gold documents (same id, or the same
    text when ids are missing): the combination is validated on the gold documents, so the end
    model must not have been trained on their text (NCBI-disease: gold taken from the training file)."""
    from corpora.record import record_id

    ids = {record_id(g) for g in gold_records} - {None}
    texts = {g.get("text") for g in gold_records}
    kept = [r for r in weak if not ((record_id(r) is not None and record_id(r) in ids) or r.get("text") in texts)]
    if len(kept) < len(weak):
        logger.info("%d gold documents are also in the training corpus: left out of the end model's training",
                    len(weak) - len(kept))
    return kept


def held_back(weak: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Without gold, the last 5% of the weak documents (at most 25; none under 40 documents) are
    held back from training to report the end model's agreement with the LFs on unseen text."""
    k = min(25, len(weak) // 20) if len(weak) >= 40 else 0
    return weak[len(weak) - k:] if k else []


def span_rate(records: Iterable[Mapping[str, Any]]) -> float | None:
    """Spans per 1000 tokens of labelled records (weak labels or gold)."""
    spans = tokens = 0
    for rec in records:
        spans += len(rec.get("spans") or [])
        tokens += len(rec.get("tokens") or []) or len(str(rec.get("text", "")).split())
    return round(1000.0 * spans / tokens, 2) if tokens else None


def write_combination(model_dir: Path, *, preset: str | None, lfs: str | None, gold_records, held, weak,
                      refined: bool = False, echo=None, inputs=None) -> dict[str, Any]:
    """Choose the combination of LFs and end model, print its validation score, write ``combiner.json``."""
    import json

    from labeling_functions.combine import DEFAULT_NO_GOLD_MODE, Combiner, fit_combiner
    from labeling_functions.combined import COMBINER_FILE
    from labeling_functions.gold import doc_inputs, gold_token_spans
    from nlp_pipeline.end_model import load_end_model

    say = echo or (lambda msg: typer.echo(msg, err=True))
    if gold_records and not refined:
        if inputs is None:
            inputs, lf_names, labels = doc_inputs(gold_records, preset=preset, lfs=lfs, model=load_end_model(model_dir))
        else:  # cross-fitted: out-of-fold probabilities of gold-refined models
            inputs, lf_names, labels = inputs
        gold = [gold_token_spans(r, d.tokens) for r, d in zip(gold_records, inputs)]
        combiner = fit_combiner(inputs, gold, lf_names, labels)
        rep = combiner.report
        rules = ", ".join(f"{r['mode']}{'' if r['union_threshold'] is None else ' ' + str(r['union_threshold'])} "
                          f"{r['f1']:.3f}" for r in rep.get("rules", []))
        learned = f"; learnt combination ({rep['folds']}-fold CV) {rep['cv_f1_learned']:.3f}" if "cv_f1_learned" in rep else ""
        say(f"validation on {len(gold_records)} gold documents (strict span F1; the end model never saw them): "
            f"{rules}{learned}; chosen: {rep['chosen']}")
    else:
        from labeling_functions.weak import WeakLabeler

        labeler = WeakLabeler.from_config(preset=preset, lfs=lfs, label_model="majority")
        combiner = Combiner(labeler.span_lf_names, labeler.labels, mode="model" if refined else DEFAULT_NO_GOLD_MODE)
        if held:
            inputs, _, _ = doc_inputs(held, labeler=labeler, model=load_end_model(model_dir))
            lf = Combiner(combiner.lf_names, combiner.labels, mode="lf")
            only = Combiner(combiner.lf_names, combiner.labels, mode="model")
            agree = _agreement([set(only.spans(d)) for d in inputs], [set(lf.spans(d)) for d in inputs])
            combiner.report = {"held_back_docs": len(held), "model_agreement_with_lfs_f1": round(agree, 4)}
            say(f"no gold: the end model agrees with the LFs on {len(held)} held-back documents at span F1 "
                f"{agree:.3f}; output: {combiner.mode} (the measured default without gold)")
    data = {"combiner": combiner.to_dict(), "lfs": {"preset": preset, "lfs": lfs},
            "train_span_rate": span_rate(weak)}
    (Path(model_dir) / COMBINER_FILE).write_text(json.dumps(data) + "\n", encoding="utf-8")
    return data


def _agreement(pred: list[set], ref: list[set]) -> float:
    p = {(i, s, e, c) for i, x in enumerate(pred) for s, e, c, _ in x}
    r = {(i, s, e, c) for i, x in enumerate(ref) for s, e, c, _ in x}
    tp = len(p & r)
    return 2 * tp / (len(p) + len(r)) if p or r else 1.0


@app.command("train")
@corpus_options
def train(
    corpus: Path = typer.Option(..., "--corpus", help="Unlabelled training notes (any readable format; annotations are ignored)."),
    output: Path = typer.Option(..., "-o", "--output", help="Model folder to write."),
    preset: Optional[str] = typer.Option(None, "--preset", help="Weak-supervision preset: clinical, bc5cdr, ncbi_disease."),
    lfs: Optional[str] = typer.Option(None, "--lfs", help="Module path of your labelling functions."),
    label_model: Optional[str] = typer.Option(None, "--label-model", help="Aggregator of the LF votes (default: the preset's)."),
    gold: Optional[Path] = typer.Option(None, "--gold", help="Gold corpus for refinement after weak training."),
    gold_docs: int = typer.Option(0, "--gold-docs", min=0, help="Use the first N gold documents (0 = all)."),
    gold_fmt: Optional[str] = typer.Option(None, "--gold-from", help="Gold corpus format when it cannot be inferred."),
    backbone: Optional[Path] = typer.Option(None, "--backbone", help="Local Hugging Face model folder (default: bundled all-MiniLM-L6-v2)."),
    config_file: Optional[Path] = typer.Option(None, "--config", help="End-model config (.toml/.json); flags override it."),
    epochs: Optional[int] = typer.Option(None, "--epochs", help="Epochs on the weak labels."),
    gold_epochs: Optional[int] = typer.Option(None, "--gold-epochs", help="Epochs on the gold documents."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Random seed (training, and --sample)."),
    max_length: Optional[int] = typer.Option(None, "--max-length", help="Word pieces per window."),
    batch_size: Optional[int] = typer.Option(None, "--batch-size", help="Windows per batch."),
    learning_rate: Optional[float] = typer.Option(None, "--learning-rate", help="Learning rate of weak training."),
    label_mode: Optional[str] = typer.Option(None, "--label-mode", help="soft (cross-entropy on probabilities) or threshold."),
    self_training_rounds: Optional[int] = typer.Option(None, "--self-training-rounds", help="BOND-style self-training rounds."),
    num_threads: Optional[int] = typer.Option(None, "--threads", help="Torch CPU threads."),
    max_steps: Optional[int] = typer.Option(None, "--max-steps", help="Cap optimiser steps per phase (quick runs)."),
    num_layers: Optional[int] = typer.Option(None, "--num-layers", help="Keep only the backbone's first N layers "
                                             "(a faster, smaller model; docs/end_model.md)."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing model folder."),
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Skip (and log) bad or duplicate input documents instead of stopping."),
    progress: Optional[bool] = typer.Option(None, "--progress/--no-progress", help="Progress bars on stderr."),
    refine: bool = typer.Option(False, "--refine", help="Refine the end model on the gold documents and output its spans alone, "
                                "instead of choosing the LF + model combination on them."),
    refine_folds: int = typer.Option(3, "--refine-folds", min=0,
                                     help="With --gold: refine the end model on the gold documents, cross-fitted over K "
                                          "folds, before choosing the combination (0: no refinement)."),
    corpus_opts: CorpusOptions = None,
) -> None:
    """Train the end model on weak labels (the corpus's own annotations are ignored), optionally refine on gold."""
    cfg = build_config(
        config_file, backbone=str(backbone) if backbone else None, epochs=epochs, gold_epochs=gold_epochs, seed=seed,
        max_length=max_length, batch_size=batch_size, learning_rate=learning_rate, label_mode=label_mode,
        self_training_rounds=self_training_rounds, num_threads=num_threads, max_steps=max_steps, progress=progress,
        num_layers=num_layers,
    )
    path = run_train(corpus, output, preset=preset, lfs=lfs, label_model=label_model, gold=gold, gold_docs=gold_docs,
                     fmt=corpus_opts.fmt, gold_fmt=gold_fmt, overwrite=overwrite, config=cfg,
                     skip_invalid=skip_invalid, reader_options=corpus_opts.reader_options(), refine=refine,
                     refine_folds=refine_folds)
    typer.echo(f"model saved to {path}", err=True)
