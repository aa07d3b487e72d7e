"""LF analysis: coverage, overlaps, conflicts and (with gold) empirical accuracy, plus an HTML report.

The figures are computed on the token label matrix (``ABSTAIN = -1``, class 0 = O) exactly as
Snorkel's ``LFAnalysis`` defines them; pandas (via ``LFAnalysis.lf_summary``) appears only in
:func:`summary_frame`, at the reporting edge.

* coverage: share of tokens where the LF does not abstain;
* overlaps: share of tokens where it and at least one other LF vote;
* conflicts: share of tokens where it and another LF vote different classes;
* accuracy (gold): share of its non-abstaining tokens whose vote equals the gold class.

What is analysed is what ``clinlabel annotate`` does: given a :class:`~nlp_pipeline.pipeline.PipelineConfig`
(``config=``), the notes go through the same pipeline (``build_pipeline``: sentences, sections,
the weak-label component, assertions), and the votes are the ones the weak-label component writes
to ``doc.spans["lf:<name>"]``, so an LF that reads sections has the coverage it has in a real run.
Coverage, overlaps and conflicts use every note; accuracy and span P/R/F1 use only the notes the
gold covers (the result says how many).

The report keeps a few example votes per LF (correct and incorrect ones when gold is given).
Their text is note text (PHI): it is never logged, it is escaped in the HTML, and
:func:`write_report` creates the file readable by its owner only (0600).
"""

from __future__ import annotations

import html
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import numpy as np

from .aggregate import span_prf
from .api import ABSTAIN, OUTSIDE, LFSet, apply_span_lfs, votes_from_doc
from .matrix import spans_to_token_labels, token_matrix

#: tokens of context shown on each side of an example vote
CONTEXT_TOKENS = 6


@dataclass(frozen=True)
class Example:
    """One vote of one LF, with a little context, for the report (its text is note text: PHI)."""

    note: str
    left: str
    text: str
    right: str
    label: str
    #: "correct" / "incorrect" against gold, or "" when the note has no gold
    verdict: str = ""


@dataclass
class LFAnalysisResult:
    names: list[str]
    labels: list[str]
    L: np.ndarray  # [n_tokens, n_lfs], every note
    Y: np.ndarray | None = None  # gold class per token of the scored notes (rows where ``scored``)
    span_scores: dict[str, dict[str, float]] | None = None
    n_docs: int = 0
    per_lf: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: which rows of ``L`` belong to a note the gold covers (None without gold)
    scored: np.ndarray | None = None
    #: notes the gold covers (accuracy and span scores use only these)
    n_gold_docs: int = 0
    examples: dict[str, list[Example]] = field(default_factory=dict)

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

    @property
    def L_scored(self) -> np.ndarray:
        """The rows of ``L`` of the notes the gold covers (the rows ``Y`` labels)."""
        return self.L if self.scored is None else self.L[self.scored]

    def accuracy(self) -> np.ndarray | None:
        """Per LF: share of its votes on gold-covered tokens that equal the gold class (None without gold)."""
        if self.Y is None:
            return None
        L = self.L_scored
        voted = L != ABSTAIN
        correct = (L == self.Y[:, None]) & voted
        with np.errstate(invalid="ignore", divide="ignore"):
            acc = correct.sum(axis=0) / voted.sum(axis=0)
        return np.nan_to_num(acc, nan=0.0)

    def class_name(self, k: int) -> str:
        """The label name of matrix class ``k`` (0 = O)."""
        return OUTSIDE if k == 0 else self.labels[k - 1]

    def voted_labels(self) -> list[list[str]]:
        """Per LF, the names of the classes it voted (Snorkel's "polarity", as label names)."""
        return [[self.class_name(int(k)) for k in np.unique(self.L[:, j]) if k != ABSTAIN]
                for j in range(len(self.names))]

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


def annotate_votes(records: Iterable[dict], config) -> tuple[LFSet, Iterator[tuple[dict, Any, dict]]]:
    """The LF set of ``clinlabel annotate`` with ``config`` and, per record, ``(record, Doc, votes)``.

    The Doc is what annotate's pipeline (``nlp_pipeline.pipeline.build_pipeline(config)``) makes of
    the record, every component run, and ``votes`` are the LF votes its weak-label component wrote
    to ``doc.spans``.  The record's own spans are set aside first, as annotate does.
    """
    from corpora.errors import LF_CONFIG, LFError
    from nlp_pipeline.pipeline import build_pipeline

    from .component import WeakLabelComponent

    nlp = build_pipeline(config)
    weak = [proc for _, proc in nlp.pipeline if isinstance(proc, WeakLabelComponent)]
    if not weak:
        raise LFError("the pipeline runs no labelling functions", "give --preset NAME or --lfs MODULE",
                      code=LF_CONFIG)
    lfset = weak[0].labeler.lfset
    names = [lf.name for lf in lfset.of_kind("span")]

    return lfset, ((record, doc, votes_from_doc(doc, names)) for record, doc in _docs(records, nlp))


def _docs(records: Iterable[dict], nlp) -> Iterator[tuple[dict, Any]]:
    """Each record and the Doc ``nlp``'s components make of it (its own spans set aside: not targets)."""
    from corpora.doc import record_to_doc

    for record in records:
        doc = record_to_doc({k: v for k, v in record.items() if k != "spans"}, nlp)
        for _, proc in nlp.pipeline:
            doc = proc(doc)
        yield record, doc


def analyze(
    records: Iterable[dict],
    lfset: LFSet | None = None,
    *,
    config=None,
    gold: dict[str, list[dict]] | None = None,
    nlp=None,
    gold_label_map: dict[str, str] | None = None,
    examples: int = 3,
) -> LFAnalysisResult:
    """Analyse the span LFs on ``records``: the token matrix, gold classes and example votes.

    Either ``config`` (a :class:`~nlp_pipeline.pipeline.PipelineConfig` with a preset or an LF
    module): the records go through annotate's own pipeline and its LFs' votes are analysed (see
    :func:`annotate_votes`); or ``lfset``: its LFs vote on the records made into Docs by ``nlp``
    (default ``corpora.tokenizer.biomedical_nlp()``; its components run first).

    ``gold`` maps ``meta.id`` to gold span dicts (character offsets); notes it does not name are
    not scored.  ``gold_label_map`` renames gold labels (e.g. the NCBI subtypes to ``Disease``).
    ``examples`` example votes per LF (and verdict, with gold) are kept for the report.
    """
    if (lfset is None) == (config is None):
        raise ValueError("give either an LF set or an annotate pipeline config, not both or neither")
    if config is not None:
        lfset, items = annotate_votes(records, config)
    else:
        if nlp is None:
            from corpora.tokenizer import biomedical_nlp

            nlp = biomedical_nlp()
        items = ((rec, doc, apply_span_lfs(doc, lfset, write=False)) for rec, doc in _docs(records, nlp))
    span_lfs = lfset.of_kind("span")
    names = [lf.name for lf in span_lfs]
    labels = list(lfset.labels)
    lf_labels = {lf.name: set(lf.labels) for lf in span_lfs}
    mats, ys, scored = [], [], []
    pred_spans: dict[str, set] = {n: set() for n in names}
    gold_spans: set = set()
    picker = _ExamplePicker(names, examples, with_gold=gold is not None)
    n_docs = n_gold = 0
    for rec, doc, votes in items:
        n_docs += 1
        rid = str((rec.get("meta") or {}).get("id", n_docs))
        mats.append(token_matrix(votes, names, labels, len(doc)).L)
        has_gold = gold is not None and rid in gold
        note_gold: set = set()
        if has_gold:
            n_gold += 1
            tok_spans = []
            for sd in gold[rid]:
                label = (gold_label_map or {}).get(sd["label"], sd["label"])
                note_gold.add((sd["start"], sd["end"], label))
                span = doc.char_span(sd["start"], sd["end"], alignment_mode="expand")
                if span is not None and len(span):
                    tok_spans.append((span.start, span.end, label))
            gold_spans |= {(rid, *g) for g in note_gold}
            ys.append(spans_to_token_labels(tok_spans, labels, len(doc)))
            for name, vs in votes.items():
                pred_spans[name] |= {(rid, doc[s].idx, doc[e - 1].idx + len(doc[e - 1]), label)
                                     for s, e, label in vs if label in labels}
        if gold is not None:
            scored.append(np.full(len(doc), has_gold))
        picker.add(rid, doc, votes, note_gold if has_gold else None)
    L = np.concatenate(mats, axis=0) if mats else np.zeros((0, len(names)), dtype=np.int16)
    Y = mask = span_scores = None
    if gold is not None:
        Y = np.concatenate(ys) if ys else np.zeros(0, dtype=np.int16)
        mask = np.concatenate(scored) if scored else np.zeros(0, dtype=bool)
        span_scores = {n: span_prf(pred_spans[n], {g for g in gold_spans if g[3] in lf_labels[n]}) for n in names}
    per_lf = {lf.name: {"labels": list(lf.labels), "description": lf.description} for lf in span_lfs}
    return LFAnalysisResult(names, labels, L, Y, span_scores, n_docs, per_lf, scored=mask, n_gold_docs=n_gold,
                            examples=picker.examples)


class _ExamplePicker:
    """Keeps the first ``k`` votes per LF (with gold: ``k`` correct and ``k`` incorrect ones)."""

    def __init__(self, names: Sequence[str], k: int, *, with_gold: bool) -> None:
        self.k = k
        self.with_gold = with_gold
        self.examples: dict[str, list[Example]] = {n: [] for n in names}
        self._count: dict[tuple[str, str], int] = {}

    def add(self, rid: str, doc, votes: dict, note_gold: set | None) -> None:
        if self.k <= 0 or (self.with_gold and note_gold is None):
            return  # with gold, examples come from the scored notes only
        for name, vs in votes.items():
            for s, e, label in vs:
                verdict = "" if note_gold is None else _verdict(doc, s, e, label, note_gold)
                key = (name, verdict)
                if self._count.get(key, 0) >= self.k:
                    continue
                self._count[key] = self._count.get(key, 0) + 1
                lo, hi = max(0, s - CONTEXT_TOKENS), min(len(doc), e + CONTEXT_TOKENS)
                self.examples[name].append(Example(rid, doc[lo:s].text, doc[s:e].text, doc[e:hi].text, label, verdict))


def _verdict(doc, s: int, e: int, label: str, note_gold: set) -> str:
    """An entity vote is correct when a gold span has exactly its offsets and label; an O vote when
    no gold span overlaps it."""
    start, end = doc[s].idx, doc[e - 1].idx + len(doc[e - 1])
    if label == OUTSIDE:
        return "incorrect" if any(gs < end and start < ge for gs, ge, _ in note_gold) else "correct"
    return "correct" if (start, end, label) in note_gold else "incorrect"


def summary_frame(result: LFAnalysisResult):
    """Snorkel's ``LFAnalysis.lf_summary`` (a pandas DataFrame), with label names instead of class
    indices, accuracy on the gold-covered notes only, and span scores when gold is known."""
    import pandas as pd
    from snorkel.labeling import LFAnalysis

    df = LFAnalysis(result.L.astype(int)).lf_summary()
    df.index = result.names
    df = df.drop(columns=["Polarity"], errors="ignore")
    df.insert(0, "Labels", [", ".join(x) for x in result.voted_labels()])
    if result.Y is not None:
        scored = LFAnalysis(result.L_scored.astype(int)).lf_summary(Y=result.Y.astype(int))
        for col in ("Correct", "Incorrect", "Emp. Acc."):
            df[col] = scored[col].to_numpy()
    if result.span_scores:
        df["Span P"] = [result.span_scores[n]["p"] for n in result.names]
        df["Span R"] = [result.span_scores[n]["r"] for n in result.names]
        df["Span F1"] = [result.span_scores[n]["f1"] for n in result.names]
    return pd.DataFrame(df)


def scoring_note(result: LFAnalysisResult) -> str:
    """One sentence on which notes the figures use (no note text)."""
    if result.Y is None:
        return f"{result.n_docs} notes; no gold: coverage, overlaps and conflicts only."
    return (f"gold covers {result.n_gold_docs} of {result.n_docs} notes: accuracy and span scores use those "
            f"{result.n_gold_docs} notes only; coverage, overlaps and conflicts use all {result.n_docs}.")


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


def _examples_html(result: LFAnalysisResult) -> str:
    e = html.escape
    out = []
    for name in result.names:
        rows = result.examples.get(name) or []
        items = "".join(
            f'<tr class="example {e(x.verdict)}" data-lf="{e(name)}" data-label="{e(x.label)}" data-verdict="{e(x.verdict)}">'
            f'<td>{e(x.verdict or "-")}</td><td>{e(x.label)}</td><td>{e(x.note)}</td>'
            f'<td class="context">{e(x.left)} <mark>{e(x.text)}</mark> {e(x.right)}</td></tr>'
            for x in rows)
        body = (f'<table class="examples"><thead><tr><th>verdict</th><th>label</th><th>note</th><th>vote in context</th>'
                f'</tr></thead><tbody>{items}</tbody></table>') if rows else "<p>no votes</p>"
        out.append(f'<section class="lf-examples" data-lf="{e(name)}"><h3>{e(name)}</h3>{body}</section>')
    return "".join(out)


def render_report(result: LFAnalysisResult, *, title: str = "clinlabel LF analysis") -> str:
    """The self-contained HTML report (tables, inline SVG charts, example votes; no script)."""
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
    gold_attr = f' data-gold-docs="{result.n_gold_docs}"' if result.Y is not None else ""
    examples_intro = ("Up to the first few correct and incorrect votes of each LF on the notes the gold covers "
                      "(an entity vote is correct when a gold span has its exact offsets and label, an O vote when "
                      "no gold span overlaps it)." if result.Y is not None else "The first few votes of each LF.")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<meta name="referrer" content="no-referrer">
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:2px 6px;text-align:right}}td:first-child,td:nth-child(2){{text-align:left}}table.examples td{{text-align:left}}tr.incorrect mark{{background:#f8c0c0}}tr.correct mark{{background:#c8ecc0}}</style>
</head><body>
<h1>{html.escape(title)}</h1>
<p class="phi-warning"><strong>This report quotes note text (example votes below). Treat it as protected health
information: keep it where the notes may be, and do not share it.</strong></p>
<p class="totals" data-docs="{result.n_docs}" data-tokens="{len(result.L)}" data-lfs="{len(result.names)}"{gold_attr}>
{result.n_docs} documents, {len(result.L)} tokens, {len(result.names)} labelling functions; labels: {html.escape(", ".join(result.labels))}.
Convention: a token an LF does not cover is an abstain (-1), not an O vote.</p>
<p class="scoring">{html.escape(scoring_note(result))}</p>
<h2>Summary</h2>
<table class="lf-summary"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>
<h2>Charts</h2>
{"".join(f"<div>{c}</div>" for c in charts)}
<h2>Pairwise conflicts</h2>
<p>Share of tokens where the row LF and the column LF both vote and disagree.</p>
{_heatmap(result.names, C)}
<h2>Example votes</h2>
<p>{html.escape(examples_intro)}</p>
{_examples_html(result)}
</body></html>
"""


def write_private_text(path, text: str) -> None:
    """Write ``text`` to ``path`` readable and writable by its owner only (0600).

    The text goes to a new private file beside ``path`` that then replaces ``path`` (an existing
    file or symlink there is replaced, never written through), so a reader never sees a partial
    file and no other user can open it in between.
    """
    from corpora.errors import IO_OUTPUT, CorpusError

    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # created 0600
    except OSError as exc:
        raise CorpusError(f"cannot write the report ({exc.strerror})", "give a writable path for --report",
                          file=path, code=IO_OUTPUT) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise CorpusError(f"cannot write the report ({exc.strerror})", "give a writable path for --report",
                          file=path, code=IO_OUTPUT) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_report(result: LFAnalysisResult, path, *, title: str = "clinlabel LF analysis") -> dict[str, Any]:
    """Write the HTML report to ``path`` (created 0600: it quotes note text); return the figures it shows."""
    write_private_text(path, render_report(result, title=title))
    return {"rows": result.table(), "conflict_matrix": result.conflict_matrix()}
