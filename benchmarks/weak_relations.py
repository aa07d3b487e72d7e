"""BC5CDR chemical-induced disease (CID) by relation LFs + label model vs a co-occurrence baseline.

    .venv/bin/python benchmarks/weak_relations.py

Document-level, by (chemical MeSH id, disease MeSH id) pair, on the development set, with the
corpus's entity mentions (and their ids) as candidates -- relation extraction given entities;
the corpus's CID relations are read only for scoring.  The Snorkel label model is fit on the
training set's candidate matrix (no relation labels).  Baseline: every co-occurring pair is CID.
(The BioCreative V best system reached F1 0.57 end to end, i.e. with its own entity recognition
and normalisation, so the figures are not directly comparable.)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "bc5cdr"


def gold_pairs(records):
    out = set()
    for r in records:
        for rel in r.get("relations") or []:
            if rel.get("label") == "CID":
                out.add((r["meta"]["id"], rel["head_kb_id"], rel["child_kb_id"]))
    return out


def prf(pred, gold):
    tp = len(pred & gold)
    p = tp / len(pred) if pred else 0.0
    r = tp / len(gold) if gold else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
            "tp": tp, "pred": len(pred), "gold": len(gold)}


def main() -> None:
    from corpora.formats import read_corpus
    from labeling_functions.presets.bc5cdr import candidates, cid_lfset
    from labeling_functions.relations import fit_relation_model, relation_matrix, relation_probs

    train = list(read_corpus(DATA / "CDR_TrainingSet.PubTator.txt", "pubtator"))
    dev = list(read_corpus(DATA / "CDR_DevelopmentSet.PubTator.txt", "pubtator"))
    lfset = cid_lfset()
    t0 = time.time()
    dev_c = [c for r in dev for c in candidates(r)]
    L_dev = relation_matrix(dev_c, lfset)
    train_c = [c for r in train for c in candidates(r)]
    L_train = relation_matrix(train_c, lfset)
    t_cands = time.time() - t0
    gold = gold_pairs(dev)
    keys = [(c.doc_id, c.chemical, c.disease) for c in dev_c]
    print(f"dev: {len(dev)} docs, {len(dev_c)} candidate pairs, {len(gold)} gold CID pairs "
          f"(candidate generation + LFs on train+dev: {t_cands:.1f}s)")
    print("co-occurrence baseline      ", prf(set(keys), gold))
    y = np.array([k in gold for k in keys])
    for j, name in enumerate(lfset.names):
        col = L_dev[:, j]
        voted = col != -1
        acc = float(((col == 1) == y)[voted].mean()) if voted.any() else 0.0
        print(f"  LF {name:28s} coverage {voted.mean():.3f} accuracy {acc:.3f} votes CID {(col == 1).sum()} no-CID {(col == 0).sum()}")
    for name in ("majority", "snorkel"):
        t0 = time.time()
        model = fit_relation_model(L_train, name)
        probs = relation_probs(L_dev, model)
        pred = {k for k, p in zip(keys, probs) if p >= 0.5}
        print(f"{name:28s}", prf(pred, gold), f"fit+predict {time.time() - t0:.1f}s")


if __name__ == "__main__":
    main()
