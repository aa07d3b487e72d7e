"""Label models on the real WISER LF outputs (../shared/data/wiser_weak_labels, valid split).

    .venv/bin/python benchmarks/weak_wiser.py

Strict span F1 of each label model (fit on the valid split's own matrix, no labels) with the
recommended LFs (meta.json ``lf_rec``) and with all LFs; B/I merged per type; uncovered tokens
are abstains, and tokens no LF covers are O.  The ``span_*`` models are fit on candidate spans
(``labeling_functions.candidates``: every LF span is a data point; an LF votes its label on its
own span, O on a span it overlaps with other boundaries, abstains elsewhere).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "wiser_weak_labels"


def run(dataset: str, which: str, models) -> None:
    from labeling_functions.aggregate import decode, span_prf
    from labeling_functions.label_model import make_label_model
    from labeling_functions.matrix import token_matrix

    meta = json.loads((DATA / dataset / "meta.json").read_text())
    docs = json.loads((DATA / dataset / "valid.json").read_text())
    names = meta["lf_rec"] if which == "lf_rec" else meta["lf"]
    labels = meta["entity_types"]
    mats, gold = [], set()
    for key, doc in docs.items():
        votes = {meta["lf"][j]: [tuple(s) for s in doc["weak_labels"][j]] for j in range(len(meta["lf"]))}
        mats.append(token_matrix(votes, names, labels, len(doc["data"]["text"])))
        gold |= {(key, s, e, lab) for s, e, lab in doc["label"]}
    for name in models:
        t0 = time.time()
        lm = make_label_model(name, len(labels) + 1, len(names))
        if name != "majority":
            lm.fit([m.L for m in mats])
        pred = set()
        for key, tm in zip(docs, mats):
            for s, e, c, _ in decode(lm.predict_doc(tm.L), tm):
                pred.add((key, s, e, labels[c - 1]))
        r = span_prf(pred, gold)
        print(f"{dataset:13s} {which:6s} ({len(names):2d} LFs) {name:12s} P {r['p']:.4f} R {r['r']:.4f} "
              f"F1 {r['f1']:.4f}  {time.time() - t0:.1f}s")
    run_span_models(dataset, which, names, labels, docs, meta, gold)


def run_span_models(dataset, which, names, labels, docs, meta, gold) -> None:
    from labeling_functions.aggregate import span_prf
    from labeling_functions.candidates import SPAN_MODELS, doc_candidates, make_span_label_model, select_spans

    cands = []
    for key, doc in docs.items():
        votes = {meta["lf"][j]: [tuple(s) for s in doc["weak_labels"][j]] for j in range(len(meta["lf"]))}
        cands.append((key, doc_candidates(votes, names, labels, len(doc["data"]["text"]))))
    for name in SPAN_MODELS:
        t0 = time.time()
        lm = make_span_label_model(name, len(labels) + 1, len(names)).fit([c.L for _, c in cands])
        pred = {(key, s, e, labels[c - 1]) for key, dc in cands for s, e, c, _ in select_spans(dc.spans, lm.predict_proba(dc.L))}
        r = span_prf(pred, gold)
        print(f"{dataset:13s} {which:6s} ({len(names):2d} LFs) {name:12s} P {r['p']:.4f} R {r['r']:.4f} "
              f"F1 {r['f1']:.4f}  {time.time() - t0:.1f}s")


if __name__ == "__main__":
    for ds in ("BC5CDR", "NCBI-Disease"):
        for which in ("lf_rec", "all"):
            run(ds, which, ("majority", "dawid_skene", "snorkel", "hmm"))
