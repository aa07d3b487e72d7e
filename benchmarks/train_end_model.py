"""Benchmark: weak labels -> end model -> (self-training) -> refinement on 100 gold documents.

Measures, on a development set, the strict span F1 of
  * the weak labels themselves (the preset's LFs + label model, the end model's teacher),
  * the end model trained on weak labels only (the corpus's annotations are stripped),
  * the same after one BOND-style self-training round,
  * the weak model refined on the FIRST N development documents (gold),
and the wall-clock time of each phase.  Because the first N development documents are used
for refinement, every figure is also given on the REMAINING development documents
(``dev_rest``), and the refined model is evaluated on those only.

The refined model starts from the weakly trained folder (``init_model``): this is the same
computation as ``clinlabel train ... --gold DEV --gold-docs N`` (same seed, same weak phase)
without training the weak phase twice.

Usage (from the project root):

    .venv/bin/python benchmarks/train_end_model.py --preset bc5cdr \\
        --corpus ../shared/data/bc5cdr/CDR_TrainingSet.PubTator.txt \\
        --dev ../shared/data/bc5cdr/CDR_DevelopmentSet.PubTator.txt --out build/bench/bc5cdr

Predictions are written as JSONL next to the models, so the figures can be re-checked with
``clinlabel evaluate PRED GOLD --task spans``.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def write_jsonl(path: Path, records) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--preset", required=True)
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--dev", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--gold-docs", type=int, default=100)
    ap.add_argument("--gold", type=Path, default=None,
                    help="take the N refinement documents from this gold corpus instead of the first N dev "
                         "documents; the whole dev set is then evaluated (NCBI: the dev set has only 100 abstracts)")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--gold-epochs", type=int, default=5)
    ap.add_argument("--self-training-rounds", type=int, default=1)
    ap.add_argument("--self-training-select", default=None, help="model (BOND) or agree (confidence selection)")
    ap.add_argument("--self-training-threshold", type=float, default=None)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--init-model", type=Path, default=None,
                    help="continue weak training from this model folder (e.g. one more epoch)")
    ap.add_argument("--learning-rate", type=float, default=None)
    ap.add_argument("--gold-learning-rate", type=float, default=None)
    ap.add_argument("--batch-size", type=int, default=None)
    ap.add_argument("--max-length", type=int, default=256)
    ap.add_argument("--backbone", default=None)
    ap.add_argument("--num-layers", type=int, default=None, help="keep only the backbone's first N layers")
    ap.add_argument("--limit", type=int, default=None, help="train on the first N corpus documents only")
    ap.add_argument("--dev-limit", type=int, default=None, help="use the first N dev documents only (smoke runs)")
    ap.add_argument("--eval-rest-only", action="store_true",
                    help="predict only the dev documents after the first --gold-docs (saves CPU)")
    ap.add_argument("--no-teacher", action="store_true", help="skip weak-labelling the dev set")
    ap.add_argument("--weak-cache", type=Path, default=None,
                    help="weak labels of the training corpus (JSONL): read when present, else written (default OUT/weak_train.jsonl)")
    ap.add_argument("--no-refine", action="store_true",
                    help="skip the refinement on gold (the gold documents still stay out of the evaluation)")
    ap.add_argument("--save-epochs", action="store_true",
                    help="save the weak model after every epoch (model_weak_epN) and score each on the dev set")
    args = ap.parse_args(argv)

    import torch

    from clinlabel.commands.train import map_gold_labels, weak_training_records
    from corpora.evaluation import evaluate_spans
    from corpora.formats import read_corpus
    from nlp_pipeline.end_model import EndModelConfig, load_end_model, train_end_model

    torch.set_num_threads(args.threads)
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    results: dict = {
        "preset": args.preset, "corpus": str(args.corpus), "dev": str(args.dev), "gold_docs": args.gold_docs,
        "hardware": {"cpus": __import__("os").cpu_count(), "torch_threads": args.threads,
                     "machine": platform.machine(), "python": platform.python_version()},
        "argv": sys.argv[1:], "f1": {}, "seconds": {},
    }

    def save() -> None:
        (out / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")

    dev = map_gold_labels(read_corpus(args.dev), args.preset)[:args.dev_limit]
    if args.gold is not None:
        gold = map_gold_labels(read_corpus(args.gold, skip_invalid=True), args.preset)[:args.gold_docs]
        dev_ids = {r["meta"]["id"] for r in dev}
        overlap = sorted(dev_ids & {r["meta"]["id"] for r in gold})
        if overlap:
            sys.exit(f"--gold shares documents with --dev ({overlap[:5]}): refinement documents must not be evaluated")
        dev_rest = dev
    else:
        gold = dev[:args.gold_docs]
        dev_rest = dev[args.gold_docs:]
    results["gold"] = str(args.gold or args.dev)
    write_jsonl(out / "dev_gold.jsonl", dev)
    write_jsonl(out / "dev_rest_gold.jsonl", dev_rest)
    from labeling_functions.presets import get_preset

    labels = list(get_preset(args.preset).labels)  # the preset's types (Chia's gold has more)

    def score(name: str, preds: list[dict]) -> None:
        ids_rest = {r["meta"]["id"] for r in dev_rest}
        write_jsonl(out / f"pred_{name}.jsonl", preds)
        full = evaluate_spans(preds, dev, labels=labels) if not args.eval_rest_only or name == "weak_labels" else None
        rest = evaluate_spans([p for p in preds if p["meta"]["id"] in ids_rest], dev_rest, labels=labels)
        results["f1"][name] = {
            "dev_all": None if full is None else {
                "p": full["micro"]["precision"], "r": full["micro"]["recall"], "f1": full["micro"]["f1"],
                **{k: v["f1"] for k, v in full["labels"].items()}},
            "dev_rest": {"p": rest["micro"]["precision"], "r": rest["micro"]["recall"], "f1": rest["micro"]["f1"],
                         **{k: v["f1"] for k, v in rest["labels"].items()}},
        }
        all_f1 = "-" if full is None else f"{full['micro']['f1']:.4f}"
        print(f"{name}: dev_all F1 {all_f1}  dev_rest F1 {rest['micro']['f1']:.4f}", flush=True)
        save()

    # 1. weak labels on the training corpus (annotations stripped), cached
    weak_path = args.weak_cache or out / "weak_train.jsonl"
    if weak_path.is_file():
        weak = read_jsonl(weak_path)
    else:
        t0 = time.perf_counter()
        weak = weak_training_records(read_corpus(args.corpus, skip_invalid=True), preset=args.preset, limit=args.limit)
        results["seconds"]["weak_label_train_corpus"] = round(time.perf_counter() - t0, 1)
        write_jsonl(weak_path, weak)
    if args.gold is not None:  # as `clinlabel train --gold`: gold documents are not trained on
        from clinlabel.commands.train import without_gold

        weak = without_gold(weak, gold)
    results["train_docs"] = len(weak)
    save()

    # 2. the teacher: weak labels on the dev set
    if not args.no_teacher:
        t0 = time.perf_counter()
        teacher = weak_training_records(dev, preset=args.preset)
        results["seconds"]["weak_label_dev"] = round(time.perf_counter() - t0, 1)
        score("weak_labels", [{"text": r["text"], "meta": r["meta"], "spans": r["spans"]} for r in teacher])

    base = dict(backbone=args.backbone, max_length=args.max_length, num_threads=args.threads,
                gold_epochs=args.gold_epochs, seed=13)
    base.update({k: v for k, v in (("learning_rate", args.learning_rate), ("gold_learning_rate", args.gold_learning_rate),
                                   ("batch_size", args.batch_size), ("num_layers", args.num_layers),
                                   ("self_training_select", args.self_training_select),
                                   ("self_training_threshold", args.self_training_threshold)) if v is not None})
    results["config"] = base

    def predict(model_dir: Path, name: str) -> None:
        t0 = time.perf_counter()
        model = load_end_model(model_dir)
        docs = dev_rest if args.eval_rest_only else dev
        preds = model.predict([{"text": r["text"], "meta": r["meta"]} for r in docs])
        results["seconds"][f"predict_dev_{name}"] = round(time.perf_counter() - t0, 1)
        score(name, preds)

    # 3. weak-only end model
    weak_dir = out / "model_weak"
    if not (weak_dir / "clinlabel_end_model.json").is_file():
        t0 = time.perf_counter()
        def checkpoint(phase, epoch, end_model):
            if args.save_epochs and phase == "weak" and epoch < args.epochs:
                end_model.save(out / f"model_weak_ep{epoch}", info={"epoch": epoch})
                results["seconds"][f"train_weak_ep{epoch}"] = round(time.perf_counter() - t0, 1)
                save()

        train_end_model(weak, EndModelConfig(epochs=args.epochs, **base), output_dir=weak_dir, overwrite=True,
                        init_model=args.init_model, on_epoch_end=checkpoint)
        results["seconds"]["train_weak"] = round(time.perf_counter() - t0, 1)
    if args.save_epochs:
        for epoch in range(1, args.epochs):
            if (out / f"model_weak_ep{epoch}").is_dir():
                predict(out / f"model_weak_ep{epoch}", f"end_model_weak_ep{epoch}")
    predict(weak_dir, "end_model_weak")
    best_dir = weak_dir

    # 4. self-training rounds from the weak model
    if args.self_training_rounds:
        st_dir = out / "model_weak_selftrain"
        t0 = time.perf_counter()
        train_end_model(weak, EndModelConfig(epochs=0, self_training_rounds=args.self_training_rounds, **base),
                        output_dir=st_dir, overwrite=True, init_model=weak_dir)
        results["seconds"]["self_training"] = round(time.perf_counter() - t0, 1)
        predict(st_dir, "end_model_weak_selftrain")
        best_dir = st_dir  # as `clinlabel train --self-training-rounds N --gold ...` does (no choice on dev)
        results["refined_from"] = best_dir.name
        save()

    # 5. refinement on N gold documents (the first N dev documents unless --gold); evaluated on dev_rest
    if args.gold_docs and not args.no_refine:
        ref_dir = out / f"model_refined_{args.gold_docs}"
        t0 = time.perf_counter()
        train_end_model([], EndModelConfig(epochs=0, **base), output_dir=ref_dir, overwrite=True,
                        init_model=best_dir, gold_records=gold, gold_docs=args.gold_docs)
        results["seconds"]["refine_gold"] = round(time.perf_counter() - t0, 1)
        predict(ref_dir, f"end_model_refined_{args.gold_docs}")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
