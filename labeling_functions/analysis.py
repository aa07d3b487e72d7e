"""LF analysis: coverage, overlaps, conflicts and (with gold) empirical accuracy, plus an HTML report.

The figures are computed on the token label matrix (``ABSTAIN = -1``, class 0 = O) exactly as
Snorkel's ``LFAnalysis`` defines them; pandas (via ``LFAnalysis.lf_summary``) appears only in
:func:`summary_frame`, at the reporting edge.  With gold spans the report adds each LF's
empirical token accuracy and its strict span precision/recall/F1.

* coverage: share of tokens where the LF does not abstain;
* overlaps: share of tokens where it and at least one other LF vote;
* conflicts: share of tokens where it and another LF vote different classes;
* accuracy (gold): share of its non-abstaining tokens whose vote equals the gold class.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import numpy as np

from .aggregate import span_prf
from .api import ABSTAIN, LFSet, apply_span_lfs
from .matrix import spans_to_token_labels, token_matrix


@dataclass
class LFAnalysisResult:
    names: list[str]
    labels: list[str]
    L: np.ndarray  # [n_tokens, n_lfs]
    Y: np.ndarray | None = None  # gold class per token
    span_scores: dict[str, dict[str, float]] | None = None
    n_docs: int = 0
    per_lf: dict[str, dict[str, Any]] = field(default_factory=dict)

    # --- the figures (numpy; the HTML shows these) -------------------------------------------
    def coverage(self) -> np.ndarray:
        return (self.L != ABSTAIN).mean(axis=0) if len(self.L) else np.zeros(len(self.names))

    def overlaps(self) -> np.ndarray:
        voted = self.L != ABSTAIN
        others = voted.sum(axis=1, keepdims=True) - voted
        return (voted & (others > 0)).mean(axis=0) if len(self.L) else np.zeros(len(self.names))

    def conflicts(self) -> np.ndarray:
        return self.conflict_matrix(per_row=True)

    def conflict_matrix(self, per_row: bool = False) -> np.ndarray:
        """``C[a, b]``: share of tokens where LFs a and b both vote and disagree (``per_row``: any b)."""
        L = self.L
        m = len(self.names)
        if not len(L):
            return np.zeros(m) if per_row else np.zeros((m, m))
        voted = L != ABSTAIN
        if per_row:
            out = np.zeros(m)
            for a in range(m):
                dis = voted[:, [a]] & voted & (L != L[:, [a]])
                out[a] = dis.any(axis=1).mean()
            return out
        C = np.zeros((m, m))
        for a in range(m):
            dis = voted[:, [a]] & voted & (L != L[:, [a]])
            C[a] = dis.mean(axis=0)
        return C

    def accuracy(self) -> np.ndarray | None:
        if self.Y is None:
            return None
        voted = self.L != ABSTAIN
        correct = (self.L == self.Y[:, None]) & voted
        with np.errstate(invalid="ignore", divide="ignore"):
            acc = correct.sum(axis=0) / voted.sum(axis=0)
        return np.nan_to_num(acc, nan=0.0)

    def table(self) -> list[dict[str, Any]]:
        cov, ovl, con = self.coverage(), self.overlaps(), self.conflicts()
        acc = self.accuracy()
        rows = []
        for j, name in enumerate(self.names):
            row = {"lf": name, "labels": self.per_lf.get(name, {}).get("labels", []),
                   "coverage": float(cov[j]), "overlaps": float(ovl[j]), "conflicts": float(con[j])}
            if acc is not None:
                row["accuracy"] = float(acc[j])
            if self.span_scores and name in self.span_scores:
                s = self.span_scores[name]
                row.update({"span_p": s["p"], "span_r": s["r"], "span_f1": s["f1"]})
            rows.append(row)
        return rows


def analyze(
    records: Iterable[dict],
    lfset: LFSet,
    *,
    gold: dict[str, list[dict]] | None = None,
    nlp=None,
    gold_label_map: dict[str, str] | None = None,
) -> LFAnalysisResult:
    """Apply ``lfset``'s span LFs to ``records`` and build the token matrix (and gold classes).

    ``gold`` maps ``meta.id`` to gold span dicts (character offsets).  ``gold_label_map`` renames
    gold labels (e.g. the NCBI subtypes to ``Disease``).
    """
    if nlp is None:
        from corpora.tokenizer import biomedical_nlp

        nlp = biomedical_nlp()
    names = [lf.name for lf in lfset.of_kind("span")]
    labels = list(lfset.labels)
    mats, ys = [], []
    pred_spans: dict[str, set] = {n: set() for n in names}
    gold_spans: set = set()
    n_docs = 0
    for rec in records:
        n_docs += 1
        doc = nlp.make_doc(rec["text"])
        rid = str((rec.get("meta") or {}).get("id", n_docs))
        votes = apply_span_lfs(doc, lfset, write=False)
        mats.append(token_matrix(votes, names, labels, len(doc)).L)
        for name, vs in votes.items():
            for s, e, label in vs:
                if label in labels:
                    pred_spans[name].add((rid, doc[s].idx, doc[e - 1].idx + len(doc[e - 1]), label))
        if gold is not None:
            tok_spans = []
            for sd in gold.get(rid, []):
                label = (gold_label_map or {}).get(sd["label"], sd["label"])
                gold_spans.add((rid, sd["start"], sd["end"], label))
                span = doc.char_span(sd["start"], sd["end"], alignment_mode="expand")
                if span is not None and len(span):
                    tok_spans.append((span.start, span.end, label))
            ys.append(spans_to_token_labels(tok_spans, labels, len(doc)))
    L = np.concatenate(mats, axis=0) if mats else np.zeros((0, len(names)), dtype=np.int16)
    Y = (np.concatenate(ys) if ys else np.zeros(0, dtype=np.int16)) if gold is not None else None
    span_scores = None
    if gold is not None:
        span_scores = {n: span_prf(pred_spans[n], {g for g in gold_spans if g[3] in
                                                   {lab for lf in lfset.lfs if lf.name == n for lab in lf.labels}})
                       for n in names}
    per_lf = {lf.name: {"labels": list(lf.labels), "description": lf.description} for lf in lfset.of_kind("span")}
    return LFAnalysisResult(names, labels, L, Y, span_scores, n_docs, per_lf)


def summary_frame(result: LFAnalysisResult):
    """Snorkel's ``LFAnalysis.lf_summary`` (a pandas DataFrame) with span scores added when gold is known."""
    import pandas as pd
    from snorkel.labeling import LFAnalysis

    analysis = LFAnalysis(result.L.astype(int))
    Y = result.Y.astype(int) if result.Y is not None else None
    df = analysis.lf_summary(Y=Y)
    df.index = result.names
    if result.span_scores:
        df["Span P"] = [result.span_scores[n]["p"] for n in result.names]
        df["Span R"] = [result.span_scores[n]["r"] for n in result.names]
        df["Span F1"] = [result.span_scores[n]["f1"] for n in result.names]
    return pd.DataFrame(df)


# --- HTML report (inline SVG, no scripts, no CDN) ----------------------------------------------

def _bars(title: str, names: Sequence[str], values: Sequence[float], cls: str, color: str) -> str:
    width, bar_h, label_w = 640, 18, 220
    h = bar_h * len(names) + 30
    parts = [f'<svg class="chart {cls}" role="img" aria-label="{html.escape(title)}" width="{width}" height="{h}" '
             f'xmlns="http://www.w3.org/2000/svg">', f'<title>{html.escape(title)}</title>']
    for i, (name, v) in enumerate(zip(names, values)):
        y = 20 + i * bar_h
        w = max(0.0, min(1.0, float(v))) * (width - label_w - 60)
        parts.append(f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end" font-size="12">{html.escape(name)}</text>')
        parts.append(f'<rect class="bar" data-lf="{html.escape(name)}" data-value="{float(v):.6f}" x="{label_w}" '
                     f'y="{y + 2}" width="{w:.1f}" height="{bar_h - 4}" fill="{color}"/>')
        parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 13}" font-size="11">{float(v):.3f}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _heatmap(names: Sequence[str], C: np.ndarray) -> str:
    cell, label_w = 16, 220
    n = len(names)
    size = label_w + cell * n + 10
    top = 10
    vmax = float(C.max()) if C.size and C.max() > 0 else 1.0
    parts = [f'<svg class="chart heatmap" role="img" aria-label="pairwise conflicts" width="{size}" '
             f'height="{top + cell * n + label_w}" xmlns="http://www.w3.org/2000/svg"><title>pairwise conflicts</title>']
    for a, na in enumerate(names):
        parts.append(f'<text x="{label_w - 6}" y="{top + a * cell + 12}" text-anchor="end" font-size="11">{html.escape(na)}</text>')
        for b, nb in enumerate(names):
            v = float(C[a, b])
            shade = int(255 - 200 * (v / vmax))
            parts.append(f'<rect class="cell" data-a="{html.escape(na)}" data-b="{html.escape(nb)}" data-value="{v:.6f}" '
                         f'x="{label_w + b * cell}" y="{top + a * cell}" width="{cell - 1}" height="{cell - 1}" '
                         f'fill="rgb(255,{shade},{shade})"><title>{html.escape(na)} / {html.escape(nb)}: {v:.4f}</title></rect>')
    for b, nb in enumerate(names):
        x = label_w + b * cell + 11
        y = top + n * cell + 6
        parts.append(f'<text x="{x}" y="{y}" font-size="11" transform="rotate(90 {x} {y})">{html.escape(nb)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def write_report(result: LFAnalysisResult, path, *, title: str = "clinlabel LF analysis") -> dict[str, Any]:
    """Write a self-contained HTML report (tables + inline SVG charts); return the figures it shows."""
    from pathlib import Path

    rows = result.table()
    cov = [r["coverage"] for r in rows]
    cols = ["coverage", "overlaps", "conflicts"] + (["accuracy"] if result.Y is not None else []) + \
           (["span_p", "span_r", "span_f1"] if result.span_scores else [])
    head = "".join(f"<th>{c}</th>" for c in ["lf", "labels"] + cols)
    body = []
    for r in rows:
        cells = "".join(f'<td class="{c}">{r[c]:.4f}</td>' for c in cols)
        body.append(f'<tr data-lf="{html.escape(r["lf"])}"><td>{html.escape(r["lf"])}</td>'
                    f'<td>{html.escape(", ".join(r["labels"]))}</td>{cells}</tr>')
    charts = [_bars("Coverage (share of tokens with a vote)", result.names, cov, "coverage", "#4c78a8")]
    if result.Y is not None:
        charts.append(_bars("Empirical token accuracy (gold)", result.names, [r["accuracy"] for r in rows],
                            "accuracy", "#59a14f"))
    if result.span_scores:
        charts.append(_bars("Strict span F1 (gold)", result.names, [r["span_f1"] for r in rows], "span_f1", "#f28e2b"))
    C = result.conflict_matrix()
    doc = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:2px 6px;text-align:right}}td:first-child,td:nth-child(2){{text-align:left}}</style>
</head><body>
<h1>{html.escape(title)}</h1>
<p class="totals" data-docs="{result.n_docs}" data-tokens="{len(result.L)}" data-lfs="{len(result.names)}">
{result.n_docs} documents, {len(result.L)} tokens, {len(result.names)} labelling functions; labels: {html.escape(", ".join(result.labels))}.
Convention: a token an LF does not cover is an abstain (-1), not an O vote.</p>
<h2>Summary</h2>
<table class="lf-summary"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>
<h2>Charts</h2>
{"".join(f"<div>{c}</div>" for c in charts)}
<h2>Pairwise conflicts</h2>
<p>Share of tokens where the row LF and the column LF both vote and disagree.</p>
{_heatmap(result.names, C)}
</body></html>
"""
    Path(path).write_text(doc, encoding="utf-8")
    return {"rows": rows, "conflict_matrix": C}
