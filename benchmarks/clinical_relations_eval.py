"""Has_value and Has_temporal relations on Chia: relation LFs + majority vote, with gold and with predicted entities.

    .venv/bin/python benchmarks/clinical_relations_eval.py                 # both settings, both halves
    .venv/bin/python benchmarks/clinical_relations_eval.py --pred OUT.jsonl  # predicted entities from annotate

Scored relations: ``Has_value`` whose head is a Measurement or Drug and whose child is a Value;
``Has_temporal`` whose head is a Condition, Drug, Procedure or Measurement and whose child is a
Temporal (Chia also links Person, Scope, Observation and Qualifier heads: not predicted, not
scored).  A relation is correct when its label and both arguments' offsets equal a gold relation's
(a discontinuous argument is its first fragment, as the brat reader gives it).  *Gold entities*:
the mentions are Chia's own; *predicted entities*: ``clinlabel annotate --preset clinical`` output.
"All candidate pairs" is the baseline that relates every candidate pair (same sentence, <= 12 words).
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CHIA = ROOT.parent / "shared" / "data" / "chia"
TYPES = ("Has_value", "Has_temporal")


def _allowed():
    from labeling_functions.library.clinical_relations import RELATION_TYPES

    return RELATION_TYPES


def gold_relations(rec: dict) -> set[tuple]:
    allowed = _allowed()
    out = set()
    for rel in rec.get("relations") or []:
        label = rel.get("label")
        if label not in allowed:
            continue
        heads, child = allowed[label]
        h, c = rel["head_span"], rel["child_span"]
        if h.get("label") in heads and c.get("label") == child:
            out.add((h["start"], h["end"], c["start"], c["end"], label))
    return out


def predict_with_gold_entities(rec: dict, nlp, *, all_pairs: bool = False) -> set[tuple]:
    from labeling_functions.library.clinical_relations import candidates, relate

    doc = nlp.make_doc(rec["text"])
    labels = {"Value", "Temporal", "Condition", "Drug", "Procedure", "Measurement"}
    mentions, chars = [], {}
    for s in rec.get("spans") or []:
        if s.get("label") not in labels:
            continue
        span = doc.char_span(s["start"], s["end"], alignment_mode="expand")
        if span is None or not len(span):
            continue
        key = (span.start, span.end, s["label"])
        mentions.append(key)
        chars[key] = (s["start"], s["end"])
    if all_pairs:
        return {(*chars[c.head], *chars[c.child], c.label) for c in candidates(doc, mentions)}
    out = set()
    for rel in relate(doc, mentions):
        h = (rel["head_span"]["token_start"], rel["head_span"]["token_end"] + 1, rel["head_span"]["label"])
        c = (rel["child_span"]["token_start"], rel["child_span"]["token_end"] + 1, rel["child_span"]["label"])
        out.add((*chars[h], *chars[c], rel["label"]))
    return out


def predicted_relations(rec: dict) -> set[tuple]:
    return {(r["head_span"]["start"], r["head_span"]["end"], r["child_span"]["start"], r["child_span"]["end"],
             r["label"]) for r in rec.get("relations") or [] if r.get("label") in TYPES}


def prf(tp: int, pred: int, gold: int) -> tuple[float, float, float]:
    p = tp / pred if pred else 0.0
    r = tp / gold if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(pairs: list[tuple[set, set]]) -> dict[str, tuple]:
    c = collections.Counter()
    for pred, gold in pairs:
        for t in TYPES:
            p = {x for x in pred if x[-1] == t}
            g = {x for x in gold if x[-1] == t}
            c[(t, "tp")] += len(p & g)
            c[(t, "pred")] += len(p)
            c[(t, "gold")] += len(g)
    out = {t: (*prf(c[(t, "tp")], c[(t, "pred")], c[(t, "gold")]), c[(t, "gold")], c[(t, "pred")]) for t in TYPES}
    tp, pr, go = (sum(c[(t, k)] for t in TYPES) for k in ("tp", "pred", "gold"))
    out["both"] = (*prf(tp, pr, go), go, pr)
    return out


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--chia", type=Path, default=CHIA)
    ap.add_argument("--pred", type=Path, help="annotate output (predicted entities and relations)")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)

    from corpora.formats import read_corpus
    from corpora.tokenizer import biomedical_nlp
    from labeling_functions.presets.clinical import chia_split

    records = list(read_corpus(args.chia, "brat" if args.chia.is_dir() else None))
    nlp = biomedical_nlp()
    gold = {r["meta"]["id"]: gold_relations(r) for r in records}
    settings = {
        "gold entities, all candidate pairs": {r["meta"]["id"]: predict_with_gold_entities(r, nlp, all_pairs=True)
                                              for r in records},
        "gold entities, relation LFs + majority vote": {r["meta"]["id"]: predict_with_gold_entities(r, nlp)
                                                       for r in records},
    }
    if args.pred is None:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from clinical_eval import annotate

        outs, _ = annotate(records)
    else:
        outs = list(read_corpus(args.pred, None))
    settings["predicted entities (annotate --preset clinical)"] = {o["meta"]["id"]: predicted_relations(o) for o in outs}
    report: dict = {}
    halves = {"tune": [], "check": []}
    for r in records:
        halves[chia_split(r["meta"]["id"])].append(r["meta"]["id"])
    print("| setting | files | relation | gold | pred | P | R | **F1** |\n|---|---|---|---|---|---|---|---|")
    for name, pred in settings.items():
        for part, ids in (("tune", halves["tune"]), ("check", halves["check"]), ("all", list(gold))):
            res = score([(pred.get(i, set()), gold[i]) for i in ids])
            report[f"{name} / {part}"] = res
            for t in (*TYPES, "both"):
                p, r, f, g, n = res[t]
                print(f"| {name} | {part} | {t} | {g} | {n} | {p:.3f} | {r:.3f} | **{f:.3f}** |")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return report


if __name__ == "__main__":
    main()
