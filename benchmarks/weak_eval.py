"""LF-only evaluation of the weak-supervision presets on the BC5CDR, NCBI-disease and Chia development sets.

    .venv/bin/python benchmarks/weak_eval.py [--only bc5cdr|ncbi_disease|clinical] [--json out.json]

For each preset: strict span P/R/F1 of every LF alone (on the labels it votes) and of the
aggregated output under each label model (majority vote, Snorkel LabelModel, Dawid-Skene,
HMM), with timings, and the LF-only majority vote's exact TP/FP/FN on the training corpus (the
"train figures" of the LF commits).  Label models are fit on the *training* corpus's weak labels
only (gold is never read for fitting) and applied to the development set.  Gold labels go
through the preset's ``label_map`` (NCBI-disease's four mention types are one label,
``Disease``).  ``clinical`` (run only with ``--only clinical``): Chia, the clinical preset's 'tune'
half (``chia_split``) is the "training" corpus and the 'check' half the development set, scored on
the preset's eight labels.  Timings are wall-clock on a shared 2-core machine: noisy.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"

CORPORA = {
    "bc5cdr": (DATA / "bc5cdr" / "CDR_TrainingSet.PubTator.txt", DATA / "bc5cdr" / "CDR_DevelopmentSet.PubTator.txt"),
    "ncbi_disease": (DATA / "ncbi_disease" / "NCBItrainset_corpus.txt", DATA / "ncbi_disease" / "NCBIdevelopset_corpus.txt"),
}
#: run only when asked (--only clinical): Chia is split by the clinical preset's own chia_split
EXTRA = {"clinical": (DATA / "chia", DATA / "chia")}
LABEL_MODELS = ("majority", "snorkel", "dawid_skene", "hmm")


def read(path: Path, preset: str = "", half: str = "") -> list[dict]:
    from corpora.formats import read_corpus

    if preset == "clinical":
        from labeling_functions.presets.clinical import chia_split

        records = sorted(read_corpus(path, "brat", skip_invalid=True), key=lambda r: r["meta"]["id"])
        return [r for r in records if chia_split(r["meta"]["id"]) == half]
    return list(read_corpus(path, "pubtator", skip_invalid=True))


def gold_of(records, preset):
    from labeling_functions.presets import get_preset

    map_label = get_preset(preset).map_label
    return {(r["meta"]["id"], s["start"], s["end"], map_label(s["label"])) for r in records for s in r.get("spans") or []}


def evaluate(preset: str, label_models=LABEL_MODELS) -> dict:
    from corpora.tokenizer import biomedical_nlp

    from labeling_functions.aggregate import span_prf, span_prf_by_label
    from labeling_functions.weak import WeakLabeler

    train_path, dev_path = {**CORPORA, **EXTRA}[preset]
    nlp = biomedical_nlp()  # the tokenizer weak labelling and the end model use
    t0 = time.time()
    base = WeakLabeler.from_config(preset=preset, label_model="majority", use_shipped=False)
    for name in ("core_dict", "drug_dict", "icd_dict", "disease_dict") if preset != "clinical" else ():
        base.lfset.resource(name)
    t_load = time.time() - t0

    def vote(records):
        docs = [nlp.make_doc(r["text"]) for r in records]
        return docs, [base.votes(d) for d in docs]

    train, dev = read(train_path, preset, "tune"), read(dev_path, preset, "check")
    t0 = time.time()
    dev_docs, dev_votes = vote(dev)
    t_vote_dev = time.time() - t0
    t0 = time.time()
    train_docs, train_votes = vote(train)
    t_vote_train = time.time() - t0
    labels = base.labels
    gold = {x for x in gold_of(dev, preset) if x[3] in labels}  # Chia: only the preset's eight types

    def char(doc, s, e):
        return doc[s].idx, doc[e - 1].idx + len(doc[e - 1].text)

    per_lf = {}
    for lf in base.lfset.of_kind("span"):
        if lf.labels == ("O",):
            continue
        pred = set()
        for r, d, v in zip(dev, dev_docs, dev_votes):
            for s, e, lab in v[lf.name]:
                pred.add((r["meta"]["id"], *char(d, s, e), lab))
        g = {x for x in gold if x[3] in lf.labels}
        per_lf[lf.name] = span_prf(pred, g)

    majority = WeakLabeler(base.lfset, label_model="majority")
    majority.model.fitted = True
    train_pred = {(r["meta"]["id"], *char(d, s, e), lab) for r, d, v in zip(train, train_docs, train_votes)
                  for s, e, lab, _, _ in majority.label(d, v)[0]}
    train_gold = {x for x in gold_of(train, preset) if x[3] in labels}
    tp = len(train_pred & train_gold)
    train_counts = {"tp": tp, "fp": len(train_pred) - tp, "fn": len(train_gold) - tp,
                    "f1": round(2 * tp / (len(train_pred) + len(train_gold)), 4) if train_gold else 0.0}

    results = {}
    for lm_name in label_models:
        wl = WeakLabeler(base.lfset, label_model=lm_name)
        t0 = time.time()
        if lm_name == "majority":
            wl.model.fitted = True
        else:
            wl.model.fit([wl.matrix(d, v).L for d, v in zip(train_docs, train_votes)])
        t_fit = time.time() - t0
        t0 = time.time()
        pred = set()
        for r, d, v in zip(dev, dev_docs, dev_votes):
            spans, _, _ = wl.label(d, v)
            for s, e, lab, _, _ in spans:
                pred.add((r["meta"]["id"], *char(d, s, e), lab))
        t_pred = time.time() - t0
        scores = span_prf_by_label(pred, gold, labels)
        results[lm_name] = {**scores, "fit_seconds": round(t_fit, 1), "predict_seconds": round(t_pred, 1)}
    return {
        "preset": preset, "dev_docs": len(dev), "train_docs": len(train),
        "timings": {"load_resources_s": round(t_load, 1), "vote_dev_s": round(t_vote_dev, 1),
                    "vote_train_s": round(t_vote_train, 1)},
        "per_lf": per_lf, "aggregated": results, "train_majority": train_counts,
    }


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", choices=sorted({**CORPORA, **EXTRA}))
    ap.add_argument("--label-models", default=",".join(LABEL_MODELS))
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    if not DATA.is_dir():
        sys.exit(f"{DATA} not found: this benchmark reads ../shared/data")
    out = []
    for preset in [args.only] if args.only else list(CORPORA):
        res = evaluate(preset, tuple(args.label_models.split(",")))
        out.append(res)
        print(f"\n== {preset}: dev {res['dev_docs']} docs (label models fit on train {res['train_docs']} docs) ==")
        print(f"timings: {res['timings']}")
        print(f"{'LF':28s} {'P':>6s} {'R':>6s} {'F1':>6s}")
        for name, s in res["per_lf"].items():
            print(f"{name:28s} {s['p']:6.3f} {s['r']:6.3f} {s['f1']:6.3f}")
        print(f"{'label model':28s} {'P':>6s} {'R':>6s} {'F1':>6s}  per label F1; fit/predict s")
        for name, s in res["aggregated"].items():
            o = s["overall"]
            per = ", ".join(f"{k} {v['f1']:.3f}" for k, v in s.items() if isinstance(v, dict) and k != "overall")
            print(f"{name:28s} {o['p']:6.3f} {o['r']:6.3f} {o['f1']:6.3f}  {per}; {s['fit_seconds']}/{s['predict_seconds']}")
        tr = res["train_majority"]
        print(f"LF-only majority vote on the training corpus: TP {tr['tp']} FP {tr['fp']} FN {tr['fn']} F1 {tr['f1']:.4f}")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
