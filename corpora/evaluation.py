"""Evaluation of predicted records against gold records.

* :func:`evaluate_spans`: strict span precision / recall / F1 per label and overall.  A span
  matches when ``start``, ``end`` and ``label`` are all equal (duplicates count as many times
  as they occur on both sides).  Records are paired by ``meta.id``; a gold note without a
  prediction counts as predicting nothing (its gold spans are false negatives); predicted notes
  that are not in the gold set are ignored and counted in ``extra_pred_docs``.
* :func:`evaluate_assertions`: for each assertion attribute (``negated``, ``historical``,
  ``hypothetical``, ``family``, ``uncertain``), P/R/F1 of the attribute being true, over the gold
  spans that have a predicted span with the same ``start`` and ``end`` (any label; the first
  such predicted span).  Unmatched gold spans are left out and counted.

Zero divided by zero is reported as 0.0.  Gold records are held as compact tuples (offsets,
label, booleans) keyed by id; predictions are streamed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from .record import ASSERTIONS, record_id


@dataclass
class PRF:
    """Counts of one class and the figures derived from them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: "PRF") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def as_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp, "fp": self.fp, "fn": self.fn, "support": self.tp + self.fn,
            "precision": round(self.precision, 6), "recall": round(self.recall, 6), "f1": round(self.f1, 6),
        }


def _label_filter(labels: Sequence[str] | None):
    wanted = set(labels) if labels else None
    return (lambda label: True) if wanted is None else (lambda label: label in wanted)


def evaluate_spans(
    pred_records: Iterable[dict[str, Any]],
    gold_records: Iterable[dict[str, Any]],
    *,
    labels: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Strict span P/R/F1 per label, micro-averaged overall and the macro average of the labels."""
    keep = _label_filter(labels)
    gold: dict[str, Counter] = {}
    for rec in gold_records:
        gold[record_id(rec) or ""] = Counter(
            (s["start"], s["end"], str(s.get("label", ""))) for s in rec.get("spans") or [] if keep(str(s.get("label", "")))
        )
    per_label: dict[str, PRF] = {}
    seen: set[str] = set()
    extra = 0

    def score(g: Counter, p: Counter) -> None:
        for key in set(g) | set(p):
            prf = per_label.setdefault(key[2], PRF())
            both = min(g[key], p[key])
            prf.tp += both
            prf.fp += p[key] - both
            prf.fn += g[key] - both

    for rec in pred_records:
        rid = record_id(rec) or ""
        if rid not in gold:
            extra += 1
            continue
        seen.add(rid)
        pred = Counter(
            (s["start"], s["end"], str(s.get("label", ""))) for s in rec.get("spans") or [] if keep(str(s.get("label", "")))
        )
        score(gold[rid], pred)
    missing = [rid for rid in gold if rid not in seen]
    for rid in missing:
        score(gold[rid], Counter())
    for label in labels or []:
        per_label.setdefault(label, PRF())
    micro = PRF()
    for prf in per_label.values():
        micro.add(prf)
    n = len(per_label)
    macro = {
        "precision": round(sum(p.precision for p in per_label.values()) / n, 6) if n else 0.0,
        "recall": round(sum(p.recall for p in per_label.values()) / n, 6) if n else 0.0,
        "f1": round(sum(p.f1 for p in per_label.values()) / n, 6) if n else 0.0,
    }
    return {
        "task": "spans",
        "labels": {label: per_label[label].as_dict() for label in sorted(per_label)},
        "micro": micro.as_dict(),
        "macro": macro,
        "gold_docs": len(gold),
        "matched_docs": len(seen),
        "missing_pred_docs": len(missing),
        "extra_pred_docs": extra,
    }


def evaluate_assertions(
    pred_records: Iterable[dict[str, Any]],
    gold_records: Iterable[dict[str, Any]],
    *,
    labels: Sequence[str] | None = None,
    attributes: Sequence[str] = ASSERTIONS,
) -> dict[str, Any]:
    """Per-attribute P/R/F1 over gold spans matched by offsets (see the module docstring)."""
    keep = _label_filter(labels)
    gold: dict[str, list[tuple[int, int, tuple[bool, ...]]]] = {}
    for rec in gold_records:
        gold[record_id(rec) or ""] = [
            (s["start"], s["end"], tuple(bool(s.get(a)) for a in attributes))
            for s in rec.get("spans") or [] if keep(str(s.get("label", "")))
        ]
    counts = {a: PRF() for a in attributes}
    negatives = {a: 0 for a in attributes}
    matched = unmatched = 0
    seen: set[str] = set()
    extra = 0
    for rec in pred_records:
        rid = record_id(rec) or ""
        if rid not in gold:
            extra += 1
            continue
        seen.add(rid)
        by_offsets: dict[tuple[int, int], tuple[bool, ...]] = {}
        for s in rec.get("spans") or []:
            by_offsets.setdefault((s["start"], s["end"]), tuple(bool(s.get(a)) for a in attributes))
        for start, end, gvals in gold[rid]:
            pvals = by_offsets.get((start, end))
            if pvals is None:
                unmatched += 1
                continue
            matched += 1
            for a, g, p in zip(attributes, gvals, pvals):
                prf = counts[a]
                if g and p:
                    prf.tp += 1
                elif p:
                    prf.fp += 1
                elif g:
                    prf.fn += 1
                else:
                    negatives[a] += 1
    missing = [rid for rid in gold if rid not in seen]
    unmatched += sum(len(gold[rid]) for rid in missing)
    result_attrs = {}
    for a in attributes:
        d = counts[a].as_dict()
        d["tn"] = negatives[a]
        total = counts[a].tp + counts[a].fp + counts[a].fn + negatives[a]
        d["accuracy"] = round((counts[a].tp + negatives[a]) / total, 6) if total else 0.0
        result_attrs[a] = d
    return {
        "task": "assertion",
        "attributes": result_attrs,
        "gold_spans": matched + unmatched,
        "matched_spans": matched,
        "unmatched_gold_spans": unmatched,
        "gold_docs": len(gold),
        "matched_docs": len(seen),
        "missing_pred_docs": len(missing),
        "extra_pred_docs": extra,
    }


def format_report(result: dict[str, Any]) -> str:
    """A plain-text table of a result of :func:`evaluate_spans` or :func:`evaluate_assertions`."""
    lines: list[str] = []
    if result.get("task") == "spans":
        rows = [(label, d) for label, d in result["labels"].items()] + [("(micro)", result["micro"])]
        title = "label"
    elif result.get("task") == "assertion":
        rows = list(result["attributes"].items())
        title = "attribute"
    else:  # another task's result (e.g. codes): its P/R/F1 blocks as rows, its scalars below
        rows = [(k, v) for k, v in result.items() if isinstance(v, dict) and {"precision", "recall", "f1"} <= set(v)]
        title = "level"
        if not rows:
            import json

            return json.dumps(result, indent=2, ensure_ascii=False)
        width = max([len(title)] + [len(r[0]) for r in rows])
        lines.append(f"{title:<{width}}  {'P':>6}  {'R':>6}  {'F1':>6}  {'TP':>6}  {'FP':>6}  {'FN':>6}")
        for name, d in rows:
            lines.append(f"{name:<{width}}  {d['precision']:6.3f}  {d['recall']:6.3f}  {d['f1']:6.3f}  "
                         f"{d.get('tp', 0):6d}  {d.get('fp', 0):6d}  {d.get('fn', 0):6d}")
        lines.extend(f"{k}: {v}" for k, v in result.items() if isinstance(v, (int, float, str)))
        return "\n".join(lines)
    width = max([len(title)] + [len(r[0]) for r in rows])
    lines.append(f"{title:<{width}}  {'P':>6}  {'R':>6}  {'F1':>6}  {'TP':>6}  {'FP':>6}  {'FN':>6}  {'support':>7}")
    for name, d in rows:
        lines.append(
            f"{name:<{width}}  {d['precision']:6.3f}  {d['recall']:6.3f}  {d['f1']:6.3f}  "
            f"{d['tp']:6d}  {d['fp']:6d}  {d['fn']:6d}  {d['support']:7d}"
        )
    if result.get("task") == "spans":
        m = result["macro"]
        lines.append(f"{'(macro)':<{width}}  {m['precision']:6.3f}  {m['recall']:6.3f}  {m['f1']:6.3f}")
    else:
        lines.append(f"gold spans: {result['gold_spans']}, matched by offsets: {result['matched_spans']}, "
                     f"unmatched: {result['unmatched_gold_spans']}")
    lines.append(f"gold notes: {result['gold_docs']}, with predictions: {result['matched_docs']}, "
                 f"without: {result['missing_pred_docs']}, predicted notes not in gold: {result['extra_pred_docs']}")
    return "\n".join(lines)
