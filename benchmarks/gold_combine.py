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
    prep_s = time.perf_counter() - t0
    gold_spans = [gold_token_spans(r, d.tokens) for r, d in zip(gold_recs, gold_in)]

    results: dict = {"preset": args.preset, "gold_docs": len(gold_recs), "eval_docs": len(evaluated),
                     "model": str(args.model) if args.model else None, "prepare_seconds": round(prep_s, 1), "f1": {}}

    def score(name: str, combiner: Combiner) -> None:
        from corpora.evaluation import evaluate_spans

        preds = spans_to_records(evaluated, eval_in, combiner)
        res = evaluate_spans(preds, evaluated, labels=labels)
        m = res["micro"]
        results["f1"][name] = {"p": round(m["precision"], 4), "r": round(m["recall"], 4), "f1": round(m["f1"], 4),
                               **{k: round(v["f1"], 4) for k, v in res["labels"].items()}}
        print(f"{name:40s} P {m['precision']:.4f} R {m['recall']:.4f} F1 {m['f1']:.4f}  "
              + ", ".join(f"{k} {v['f1']:.3f}" for k, v in res["labels"].items()), flush=True)

    score("lf_only (majority vote)", Combiner(lf_names, labels, mode="lf"))
    if args.model:
        score("end model alone", Combiner(lf_names, labels, mode="model"))
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
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


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
