"""Inter-annotator agreement on span annotations.

For the examples every annotator accepted (matched by ``_input_hash``):

* **span F1**, strict (same start, end and label) and overlap (same label, overlapping characters),
  per label and overall, as the mean over annotator pairs.  Strict F1 of a pair is
  ``2 |A ∩ B| / (|A| + |B|)``; overlap F1 is the harmonic mean of the share of B's spans that
  overlap one of A's and the share of A's spans that overlap one of B's.
* **Cohen's kappa** (scikit-learn) on token labels in BIO with ``O`` for each pair (overall: mean
  of the pairs); per label the other labels become ``O``.
* **Fleiss' kappa** for three or more annotators (statsmodels is not installed here, so
  :func:`fleiss_kappa` implements Fleiss (1971), checked in the tests against the worked example of
  the Wikipedia article, kappa = 0.210).
* **Krippendorff's alpha** (nominal, the ``krippendorff`` package) over all annotators.
* **code decisions**: for the code options of those examples, percent agreement and Cohen's kappa
  of the annotators' ``decision`` (accepted / rejected / pending), per pair (overall: mean).
* **assertions**: per attribute (negated, historical, hypothetical, family, uncertain), over the
  spans both annotators of a pair marked (same start, end and label), percent agreement and Cohen's
  kappa of the attribute's value (a missing attribute counts as false), per pair (overall: mean);
  ``positives`` counts the marked spans where either annotator set it (kappa is 1.0 by convention
  when both left it unset everywhere: read it with ``positives``).

Tokens come from the record's ``tokens`` when present, else from the ``\\w+|[^\\w\\s]`` pattern.
"""

from __future__ import annotations

import itertools
import os
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Sequence

import numpy as np

from corpora.errors import REV_AGREEMENT, ReviewError
from corpora.record import ASSERTIONS

from .jsonl import read_jsonl

TOKEN_RE = re.compile(r"\w+|[^\w\s]")

Answers = dict[str, dict[Any, dict[str, Any]]]  # annotator -> item key -> answer record


def item_key(rec: Mapping[str, Any]) -> Any:
    """What makes two answers answers to the same note: the input hash and the note id (notes with
    identical text but their own ids stay apart), else either of them, else the text."""
    meta = rec.get("meta") or {}
    note = meta.get("id") if isinstance(meta, Mapping) else None
    if rec.get("_input_hash") is not None:
        return int(rec["_input_hash"]) if note is None else f"{int(rec['_input_hash'])}:{note}"
    if note is not None:
        return f"id:{note}"
    return f"text:{rec.get('text')}"


def load_answer_files(paths: Sequence[str | os.PathLike[str]]) -> Answers:
    """One annotator per file (named by its ``_annotator_id``, else the file stem); a single file
    holding several ``_annotator_id`` values is split by them."""
    answers: Answers = {}
    per_file = []
    for path in paths:
        groups: dict[str, dict[Any, dict[str, Any]]] = defaultdict(dict)
        for _line, rec in read_jsonl(path):
            who = str(rec.get("_annotator_id") or Path(path).stem)
            groups[who][item_key(rec)] = rec
        per_file.append((Path(path).stem, groups))
    if len(per_file) == 1:
        for who, items in per_file[0][1].items():
            answers[who] = items
        return answers
    for stem, groups in per_file:
        name = next(iter(groups)) if len(groups) == 1 else stem
        if name in answers:
            name = f"{name} ({stem})"
        merged: dict[Any, dict[str, Any]] = {}
        for items in groups.values():
            merged.update(items)
        answers[name] = merged
    return answers


def answers_from_store(store, dataset: str) -> Answers:
    answers: Answers = defaultdict(dict)
    for _eid, by in store.current_answers(dataset).items():
        for who, rec in by.items():
            answers[who][item_key(rec)] = rec
    return dict(answers)


# --- tokens and tags ----------------------------------------------------------------------------


def tokens_of(rec: Mapping[str, Any]) -> list[tuple[int, int]]:
    toks = rec.get("tokens")
    if isinstance(toks, list) and toks and all(isinstance(t, Mapping) and "start" in t and "end" in t for t in toks):
        return [(int(t["start"]), int(t["end"])) for t in toks]
    return [(m.start(), m.end()) for m in TOKEN_RE.finditer(rec.get("text") or "")]


def bio_tags(tokens: Sequence[tuple[int, int]], spans: Iterable[Mapping[str, Any]],
             label: Optional[str] = None) -> list[str]:
    """BIO tag per token (``O`` outside); with ``label`` the other labels' spans are ignored."""
    tags = ["O"] * len(tokens)
    for sp in sorted(spans, key=lambda s: (s["start"], -s["end"])):
        if label is not None and sp.get("label") != label:
            continue
        first = True
        for i, (ts, te) in enumerate(tokens):
            if ts < sp["end"] and te > sp["start"]:
                if tags[i] != "O":
                    first = False
                    continue
                tags[i] = ("B-" if first else "I-") + str(sp.get("label"))
                first = False
    return tags


# --- statistics ---------------------------------------------------------------------------------


def _spans(rec: Mapping[str, Any], label: Optional[str]) -> list[tuple[int, int, str]]:
    return [(int(s["start"]), int(s["end"]), str(s.get("label"))) for s in rec.get("spans") or []
            if label is None or s.get("label") == label]


def cohen_kappa(y1: Sequence[str], y2: Sequence[str]) -> Optional[float]:
    """Cohen's kappa (scikit-learn); 1.0 when both raters used one and the same label throughout."""
    if not y1:
        return None
    if len(set(y1) | set(y2)) == 1:
        return 1.0
    from sklearn.metrics import cohen_kappa_score

    return float(cohen_kappa_score(list(y1), list(y2)))


def fleiss_kappa(table: np.ndarray) -> float:
    """Fleiss' kappa from an ``items × categories`` table of rater counts (same raters per item).

    Fleiss, J. L. (1971) "Measuring nominal scale agreement among many raters":
    ``P_i = (Σ_j n_ij² - n) / (n (n - 1))``, ``P̄ = mean P_i``, ``p_j = Σ_i n_ij / (N n)``,
    ``P̄e = Σ_j p_j²``, ``κ = (P̄ - P̄e) / (1 - P̄e)``.
    """
    table = np.asarray(table, dtype=float)
    n_items = table.shape[0]
    n = table.sum(axis=1)
    if n_items == 0 or not np.allclose(n, n[0]) or n[0] < 2:
        raise ValueError("every item needs the same number (>= 2) of ratings")
    n = n[0]
    p_i = ((table ** 2).sum(axis=1) - n) / (n * (n - 1))
    p_bar = p_i.mean()
    p_j = table.sum(axis=0) / (n_items * n)
    pe = (p_j ** 2).sum()
    if pe == 1.0:
        return 1.0
    return float((p_bar - pe) / (1 - pe))


def krippendorff_alpha(rows: Sequence[Sequence[str]]) -> Optional[float]:
    """Nominal Krippendorff's alpha (``krippendorff`` package) for raters × units label rows."""
    if not rows or not rows[0]:
        return None
    values = sorted({v for row in rows for v in row})
    if len(values) == 1:
        return 1.0
    import krippendorff

    index = {v: i for i, v in enumerate(values)}
    data = np.array([[index[v] for v in row] for row in rows], dtype=float)
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def _mean(values: Iterable[Optional[float]]) -> Optional[float]:
    vals = [v for v in values if v is not None and not np.isnan(v)]
    return float(np.mean(vals)) if vals else None


def agreement(answers: Answers, *, labels: Optional[Iterable[str]] = None) -> dict[str, Any]:
    """Agreement figures between the annotators in ``answers`` (see the module docstring)."""
    annotators = sorted(answers)
    if len(annotators) < 2:
        raise ReviewError(f"agreement needs at least two annotators, got {len(annotators)} ({', '.join(annotators) or 'none'})",
                          "give one answer file per annotator, or a dataset answered by two or more people",
                          code=REV_AGREEMENT)
    accepted = {a: {k: r for k, r in answers[a].items() if r.get("answer", "accept") == "accept"} for a in annotators}
    shared = sorted(set.intersection(*(set(v) for v in accepted.values())), key=str)
    if not shared:
        raise ReviewError("the annotators accepted no example in common",
                          "check that the files answer the same tasks (same _input_hash)", code=REV_AGREEMENT)
    all_labels = sorted(set(labels) if labels else {s[2] for a in annotators for k in shared
                                                   for s in _spans(accepted[a][k], None)})
    # tokens from the first annotator that has them (same input => same tokens)
    tokens = {k: tokens_of(next((accepted[a][k] for a in annotators if accepted[a][k].get("tokens")),
                                accepted[annotators[0]][k])) for k in shared}

    def tag_rows(label: Optional[str]) -> dict[str, list[str]]:
        return {a: [t for k in shared for t in bio_tags(tokens[k], accepted[a][k].get("spans") or [], label)]
                for a in annotators}

    def figures(label: Optional[str]) -> dict[str, Any]:
        pairs = []
        rows = tag_rows(label)
        for a, b in itertools.combinations(annotators, 2):
            sa = [s for k in shared for s in ((k, *x) for x in _spans(accepted[a][k], label))]
            sb = [s for k in shared for s in ((k, *x) for x in _spans(accepted[b][k], label))]
            strict, overlap = _pair_f1(sa, sb)
            pairs.append({"a": a, "b": b, "span_f1": strict, "span_f1_overlap": overlap,
                          "cohen_kappa": cohen_kappa(rows[a], rows[b])})
        fleiss = None
        if len(annotators) >= 3:
            cats = sorted({t for r in rows.values() for t in r})
            idx = {c: i for i, c in enumerate(cats)}
            table = np.zeros((len(rows[annotators[0]]), len(cats)))
            for r in rows.values():
                for i, t in enumerate(r):
                    table[i, idx[t]] += 1
            fleiss = fleiss_kappa(table) if len(table) else None
        return {
            "span_f1": _mean(p["span_f1"] for p in pairs),
            "span_f1_overlap": _mean(p["span_f1_overlap"] for p in pairs),
            "cohen_kappa": _mean(p["cohen_kappa"] for p in pairs),
            "fleiss_kappa": fleiss,
            "krippendorff_alpha": krippendorff_alpha([rows[a] for a in annotators]),
            "support": {a: sum(len(_spans(accepted[a][k], label)) for k in shared) for a in annotators},
            "pairs": pairs,
        }

    def code_figures() -> dict[str, Any]:
        def decisions(rec):
            return {(str(c.get("system")), str(c.get("code"))): str(c.get("decision") or c.get("status") or "pending")
                    for c in rec.get("codes") or [] if c.get("code")}

        pairs = []
        for a, b in itertools.combinations(annotators, 2):
            ya, yb = [], []
            for k in shared:
                da, db = decisions(accepted[a][k]), decisions(accepted[b][k])
                for key in sorted(set(da) | set(db)):
                    ya.append(da.get(key, "pending"))
                    yb.append(db.get(key, "pending"))
            pairs.append({"a": a, "b": b, "n_decisions": len(ya),
                          "percent_agreement": (sum(x == y for x, y in zip(ya, yb)) / len(ya)) if ya else None,
                          "cohen_kappa": cohen_kappa(ya, yb)})
        return {"n_decisions": pairs[0]["n_decisions"] if pairs else 0,
                "percent_agreement": _mean(p["percent_agreement"] for p in pairs),
                "cohen_kappa": _mean(p["cohen_kappa"] for p in pairs), "pairs": pairs}

    def assertion_figures() -> dict[str, Any]:
        matched = {}
        for a, b in itertools.combinations(annotators, 2):
            pairs = []
            for k in shared:
                sa = {(s["start"], s["end"], s.get("label")): s for s in accepted[a][k].get("spans") or []}
                sb = {(s["start"], s["end"], s.get("label")): s for s in accepted[b][k].get("spans") or []}
                pairs += [(sa[key], sb[key]) for key in sorted(set(sa) & set(sb), key=str)]
            matched[(a, b)] = pairs
        out = {}
        for attr in ASSERTIONS:
            rows = []
            for (a, b), pairs in matched.items():
                ya = ["yes" if x.get(attr) else "no" for x, _ in pairs]
                yb = ["yes" if y.get(attr) else "no" for _, y in pairs]
                rows.append({"a": a, "b": b, "n_spans": len(pairs),
                             "positives": sum(1 for x, y in zip(ya, yb) if "yes" in (x, y)),
                             "percent_agreement": (sum(x == y for x, y in zip(ya, yb)) / len(ya)) if ya else None,
                             "cohen_kappa": cohen_kappa(ya, yb)})
            out[attr] = {"n_spans": sum(r["n_spans"] for r in rows),
                         "positives": sum(r["positives"] for r in rows),
                         "percent_agreement": _mean(r["percent_agreement"] for r in rows),
                         "cohen_kappa": _mean(r["cohen_kappa"] for r in rows), "pairs": rows}
        return out

    overall = figures(None)
    per_label = {}
    for lab in all_labels:
        f = figures(lab)
        f.pop("pairs")
        per_label[lab] = f
    return {
        "annotators": annotators,
        "n_items": len(shared),
        "n_tokens": sum(len(t) for t in tokens.values()),
        "answered": {a: len(answers[a]) for a in annotators},
        "accepted": {a: len(accepted[a]) for a in annotators},
        **overall,
        "per_label": per_label,
        "codes": code_figures(),
        "assertions": assertion_figures(),
    }


def _pair_f1(a, b):
    """Span F1 across items: spans are (item, start, end, label) so overlaps stay within an item."""
    if not a and not b:
        return None, None
    sa, sb = Counter(a), Counter(b)
    tp = sum((sa & sb).values())
    strict = 2 * tp / (len(a) + len(b))
    by_item_b: dict[Any, list] = defaultdict(list)
    by_item_a: dict[Any, list] = defaultdict(list)
    for x in b:
        by_item_b[x[0]].append(x)
    for x in a:
        by_item_a[x[0]].append(x)

    def hit(x, ys):
        return any(x[3] == y[3] and x[1] < y[2] and y[1] < x[2] for y in ys)

    rec = sum(hit(x, by_item_b[x[0]]) for x in a) / len(a) if a else 0.0
    prec = sum(hit(y, by_item_a[y[0]]) for y in b) / len(b) if b else 0.0
    overlap = 0.0 if rec + prec == 0 else 2 * rec * prec / (rec + prec)
    return strict, overlap


def format_table(result: Mapping[str, Any]) -> str:
    """Plain-text report of :func:`agreement`'s result."""
    def f(v):
        return "   -  " if v is None else f"{v:6.3f}"

    lines = [f"annotators: {', '.join(result['annotators'])}; examples accepted by all: {result['n_items']}; "
             f"tokens: {result['n_tokens']}",
             f"{'label':<20} {'F1 strict':>9} {'F1 overlap':>10} {'Cohen k':>8} {'Fleiss k':>8} {'K alpha':>8}"]
    for lab, r in list(result["per_label"].items()) + [("OVERALL", result)]:
        lines.append(f"{lab:<20} {f(r['span_f1']):>9} {f(r['span_f1_overlap']):>10} {f(r['cohen_kappa']):>8} "
                     f"{f(r['fleiss_kappa']):>8} {f(r['krippendorff_alpha']):>8}")
    codes = result.get("codes") or {}
    if codes.get("n_decisions"):
        lines.append(f"code decisions: {codes['n_decisions']} per pair, agreement {f(codes['percent_agreement'])}, "
                     f"Cohen k {f(codes['cohen_kappa'])}")
    asserted = result.get("assertions") or {}
    if any(v.get("n_spans") for v in asserted.values()):
        lines.append(f"{'assertion':<20} {'spans':>9} {'positive':>10} {'agree':>8} {'Cohen k':>8}")
        for attr, r in asserted.items():
            lines.append(f"{attr:<20} {r['n_spans']:>9} {r['positives']:>10} {f(r['percent_agreement']):>8} "
                         f"{f(r['cohen_kappa']):>8}")
    if len(result.get("pairs") or []) > 1:
        lines.append("pairs:")
        for p in result["pairs"]:
            lines.append(f"  {p['a']} / {p['b']}: F1 strict {f(p['span_f1'])}, overlap {f(p['span_f1_overlap'])}, "
                         f"Cohen k {f(p['cohen_kappa'])}")
    return "\n".join(lines)
