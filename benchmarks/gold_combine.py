"""Gold-informed aggregation on a development set: LF-only vs the combination chosen on N gold documents.

    .venv/bin/python benchmarks/gold_combine.py --preset bc5cdr \\
        --dev ../shared/data/bc5cdr/CDR_DevelopmentSet.PubTator.txt [--model MODEL_DIR] [--gold-docs 100]
    .venv/bin/python benchmarks/gold_combine.py --preset ncbi_disease \\
        --dev ../shared/data/ncbi_disease/NCBIdevelopset_corpus.txt \\
        --gold ../shared/data/ncbi_disease/NCBItrainset_corpus.txt [--model MODEL_DIR]
    .venv/bin/python benchmarks/gold_combine.py --preset clinical --dev ../shared/data/chia --chia-split

Gold documents: the first N documents of ``--gold`` (default: of ``--dev``, which are then left out
of the evaluation).  The combiner (``labeling_functions.combine.fit_combiner``) is chosen by
cross-validation on the gold documents only; every figure is strict span P/R/F1 on the evaluated
documents, scored at the character level with ``corpora.evaluation.evaluate_spans``.  ``--model``
adds the end model's word probabilities as features (the weakly trained model: it never saw the
gold documents, so the cross-validation on them stays honest) and scores the end model alone.
LF votes and model probabilities are cached under ``--cache`` (default build/combine_cache).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--preset", required=True)
    ap.add_argument("--lfs", default=None)
    ap.add_argument("--dev", type=Path, required=True)
    ap.add_argument("--dev-from", default=None, help="format of --dev/--gold when it cannot be inferred")
    ap.add_argument("--gold", type=Path, default=None)
    ap.add_argument("--gold-docs", type=int, default=100)
    ap.add_argument("--model", type=Path, default=None)
    ap.add_argument("--cache", type=Path, default=ROOT / "build" / "combine_cache")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--union-thresholds", default="0.8,0.9,0.95")
    ap.add_argument("--chia-split", action="store_true",
                    help="Chia: gold = the first N files of the clinical preset's 'tune' half (chia_split), "
                         "evaluated = the 'check' half")
    ap.add_argument("--refine-folds", type=int, default=0,
                    help="with --model: cross-fitted refinement on the gold documents (K folds) -- the combiner "
                         "sees out-of-fold probabilities of gold-refined models, the evaluated documents those of "
                         "the model refined on all gold documents")
    ap.add_argument("--gold-epochs", type=int, default=None, help="refinement epochs (default: the model's config)")
    ap.add_argument("--save-model", type=Path, default=None,
                    help="with --model: write a model folder (the end model used on the evaluated documents + the "
                         "fitted combiner.json) that `clinlabel annotate --model` runs")
    ap.add_argument("--span-models", action="store_true",
                    help="also score the span-level label models (fit without labels on the evaluated documents)")
    args = ap.parse_args(argv)

    from clinlabel.commands.train import map_gold_labels
    from corpora.formats import read_corpus
    from labeling_functions.combine import Combiner, fit_combiner
    from labeling_functions.gold import doc_inputs, gold_token_spans, spans_to_records

    dev = map_gold_labels(read_corpus(args.dev, args.dev_from, skip_invalid=True), args.preset)
    if args.chia_split:
        try:
            from labeling_functions.presets.clinical import chia_split
        except ImportError:
            sys.exit("--chia-split needs the clinical preset (labeling_functions/presets/clinical.py): not on this branch yet")
        dev = sorted(dev, key=lambda r: r["meta"]["id"])
        gold_recs = [r for r in dev if chia_split(r["meta"]["id"]) == "tune"][:args.gold_docs]
        evaluated = [r for r in dev if chia_split(r["meta"]["id"]) == "check"]
    elif args.gold is not None:
        gold_recs = map_gold_labels(read_corpus(args.gold, args.dev_from, skip_invalid=True), args.preset)[:args.gold_docs]
        dev_ids = {r["meta"]["id"] for r in dev}
        if dev_ids & {r["meta"]["id"] for r in gold_recs}:
            sys.exit("--gold shares documents with --dev")
        evaluated = dev
    else:
        gold_recs, evaluated = dev[:args.gold_docs], dev[args.gold_docs:]

    t0 = time.perf_counter()
    key = hashlib.sha1(json.dumps([args.preset, args.lfs, str(args.model), str(args.dev), str(args.gold),
                                   args.gold_docs]).encode()).hexdigest()[:12]
    gold_in, lf_names, labels = doc_inputs(gold_recs, preset=args.preset, lfs=args.lfs, model=args.model,
                                           cache=args.cache / f"{key}_gold.json")
    eval_in, _, _ = doc_inputs(evaluated, preset=args.preset, lfs=args.lfs, model=args.model,
                               cache=args.cache / f"{key}_eval.json")
    if args.refine_folds and args.model:
        import numpy as np

        from labeling_functions.gold import cross_fitted_refinement, model_probs_for
        from nlp_pipeline.end_model import load_end_model

        work = args.cache / f"{key}_refine{args.refine_folds}_e{args.gold_epochs}"
        oof_file = work / "oof.json"
        if not oof_file.is_file():
            t1 = time.perf_counter()
            oof = cross_fitted_refinement(args.model, gold_recs, [d.words for d in gold_in], labels, work_dir=work,
                                          folds=args.refine_folds, gold_epochs=args.gold_epochs,
                                          final_dir=work / "final")
            final = load_end_model(work / "final")
            eval_probs = model_probs_for(final, [d.words for d in eval_in], labels)
            oof_file.write_text(json.dumps({"gold": [np.round(p, 4).tolist() for p in oof],
                                            "eval": [np.round(p, 4).tolist() for p in eval_probs],
                                            "seconds": round(time.perf_counter() - t1, 1)}), encoding="utf-8")
        data = json.loads(oof_file.read_text(encoding="utf-8"))
        for d, p in zip(gold_in, data["gold"]):
            d.model_probs = np.asarray(p, dtype=float)
        for d, p in zip(eval_in, data["eval"]):
            d.model_probs = np.asarray(p, dtype=float)
        refine_seconds = data["seconds"]
        print(f"cross-fitted refinement ({args.refine_folds} folds): {data['seconds']} s", flush=True)
    else:
        refine_seconds = None
    prep_s = time.perf_counter() - t0
    gold_spans = [gold_token_spans(r, d.tokens) for r, d in zip(gold_recs, gold_in)]

    results: dict = {"preset": args.preset, "gold_docs": len(gold_recs), "eval_docs": len(evaluated),
                     "model": str(args.model) if args.model else None, "prepare_seconds": round(prep_s, 1), "f1": {},
                     "refine_folds": args.refine_folds, "refine_seconds": refine_seconds}

    def score(name: str, combiner: Combiner) -> None:
        from corpora.evaluation import evaluate_spans

        preds = spans_to_records(evaluated, eval_in, combiner)
        res = evaluate_spans(preds, evaluated, labels=labels)
        m = res["micro"]
        results["f1"][name] = {"p": round(m["precision"], 4), "r": round(m["recall"], 4), "f1": round(m["f1"], 4),
                               **{k: round(v["f1"], 4) for k, v in res["labels"].items()}}
        core = ""
        if args.preset == "clinical":  # the clinical preset's headline: micro over its four core types
            from labeling_functions.presets.clinical import CORE_LABELS

            m4 = evaluate_spans(preds, evaluated, labels=list(CORE_LABELS))["micro"]
            results["f1"][name]["micro4"] = round(m4["f1"], 4)
            core = f" micro4 {m4['f1']:.4f}"
        print(f"{name:40s} P {m['precision']:.4f} R {m['recall']:.4f} F1 {m['f1']:.4f}{core}  "
              + ", ".join(f"{k} {v['f1']:.3f}" for k, v in res["labels"].items()), flush=True)

    score("lf_only (majority vote)", Combiner(lf_names, labels, mode="lf"))
    if args.model:
        score("end model alone", Combiner(lf_names, labels, mode="model"))
        score("end model alone, BIO-valid Viterbi", _Viterbi(labels))
        for t in map(float, args.union_thresholds.split(",")):
            score(f"union: LF + model spans >= {t} (no gold)", Combiner(lf_names, labels, mode="union", union_threshold=t))
    if args.span_models:
        from labeling_functions.candidates import SPAN_MODELS

        for name in SPAN_MODELS:
            score(f"LF-only, {name} (candidate spans)", _SpanModel(name, eval_in, lf_names, labels))
    t0 = time.perf_counter()
    comb = fit_combiner(gold_in, gold_spans, lf_names, labels)
    results["fit_seconds"] = round(time.perf_counter() - t0, 1)
    results["combiner"] = {k: v for k, v in comb.report.items()}
    print("combiner chosen by CV on the gold documents:", json.dumps({k: v for k, v in comb.report.items() if k != "cv"}))
    score(f"with {len(gold_recs)} gold documents ({comb.mode})", comb)
    if comb.mode != "learned" and "cv_f1_learned" in comb.report:
        # diagnostic only (clinlabel train never does this): what the bootstrap guard turned down
        forced = fit_combiner(gold_in, gold_spans, lf_names, labels, min_bootstrap_wins=0.0)
        if forced.mode == "learned":
            results["learned_guard_off"] = {k: forced.report[k] for k in ("cv_f1_learned", "bootstrap_wins", "C")}
            score("learnt combination, guard off (diagnostic)", forced)
    if args.save_model and args.model:
        import shutil

        from labeling_functions.combined import COMBINER_FILE

        source = (args.cache / f"{key}_refine{args.refine_folds}_e{args.gold_epochs}" / "final") if (
            args.refine_folds) else args.model
        shutil.rmtree(args.save_model, ignore_errors=True)
        shutil.copytree(source, args.save_model, ignore=shutil.ignore_patterns("arrow_cache", COMBINER_FILE))
        train_rate = json.loads((Path(args.model) / "clinlabel_end_model.json").read_text()).get("train_span_rate")
        (args.save_model / COMBINER_FILE).write_text(json.dumps(
            {"combiner": comb.to_dict(), "lfs": {"preset": args.preset, "lfs": args.lfs},
             "train_span_rate": train_rate}) + "\n", encoding="utf-8")
        print(f"model folder with the combiner: {args.save_model}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


class _Viterbi:
    """The end model alone, decoded with BIO-valid Viterbi instead of type mass."""

    def __init__(self, labels):
        self.labels = labels
        self.names = ["O"] + [f"{p}-{lab}" for lab in labels for p in ("B", "I")]

    def spans(self, doc):
        from nlp_pipeline.end_model.model import viterbi_bio

        index = {lab: k + 1 for k, lab in enumerate(self.labels)}
        return [(s, e + 1, index[lab], score) for s, e, lab, score in viterbi_bio(doc.model_probs, self.names)]


class _SpanModel:
    """A span-level label model fit (without labels) on the evaluated documents' candidates."""

    def __init__(self, name, inputs, lf_names, labels):
        from labeling_functions.candidates import doc_candidates, make_span_label_model

        self.labels = labels
        self.cands = {id(d): doc_candidates(d.votes, lf_names, labels, len(d.words)) for d in inputs}
        self.model = make_span_label_model(name, len(labels) + 1, len(lf_names))
        self.model.fit([c.L for c in self.cands.values()])

    def spans(self, doc):
        from labeling_functions.candidates import select_spans

        c = self.cands[id(doc)]
        return select_spans(c.spans, self.model.predict_proba(c.L))


if __name__ == "__main__":
    sys.exit(main())
