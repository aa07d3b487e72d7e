"""Evaluate code suggestions: P/R/F1 at full-code and 3-character category level.

Only ``confirmed`` suggestions count as predictions (the others are shown to coders but never
coded); gold codes are every code listed in the gold record's ``codes`` whose status is
``confirmed`` or absent.  Records are paired by ``meta.id``; micro-averaged over notes.
"""

from __future__ import annotations

from typing import Any, Iterable


def _codes(record: dict[str, Any], *, pred: bool) -> set[str]:
    out = set()
    for c in record.get("codes") or []:
        status = c.get("status", "confirmed")
        if status == "confirmed":
            out.add(str(c["code"]).upper())
    return out


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


def evaluate_codes(pred_records: Iterable[dict[str, Any]], gold_records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """``{"code": {precision, recall, f1, tp, fp, fn}, "category": {...}, "notes": n, "per_note": [...]}``."""
    pred = {str(r["meta"]["id"]): _codes(r, pred=True) for r in pred_records}
    counts = {"code": [0, 0, 0], "category": [0, 0, 0]}
    per_note = []
    n = 0
    for gold_record in gold_records:
        n += 1
        rid = str(gold_record["meta"]["id"])
        gold = _codes(gold_record, pred=False)
        got = pred.get(rid, set())
        for level, norm in (("code", lambda c: c), ("category", lambda c: c.replace(".", "")[:3])):
            g, p = {norm(c) for c in gold}, {norm(c) for c in got}
            counts[level][0] += len(g & p)
            counts[level][1] += len(p - g)
            counts[level][2] += len(g - p)
        per_note.append({"id": rid, "gold": sorted(gold), "pred": sorted(got),
                         "missed": sorted(gold - got), "extra": sorted(got - gold)})
    return {"code": _prf(*counts["code"]), "category": _prf(*counts["category"]), "notes": n, "per_note": per_note}
