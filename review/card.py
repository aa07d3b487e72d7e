"""Dataset card: one page that documents a reviewed dataset (HTML with inline SVG charts, or Markdown).

:func:`card_data` gathers the figures from the store; :func:`render_html` / :func:`render_markdown`
lay them out; :func:`write_card` picks by the output's extension.  Contents: sources and their
sha256, counts per label (machine suggestions vs gold), label scheme and guideline versions,
labelling-function coverage and precision against gold (from each span's ``source``), label-model
and end-model figures (from ``--metrics`` JSON files), agreement, gold-set size, de-identification,
the commands that made the dataset (lineage), and a subgroup table (label rates and model F1 by any
``meta`` field) for bias checks.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import os
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from corpora.errors import REV_CARD, ReviewError
from corpora.record import ASSERTIONS

from .store import Store, span_key, span_problem

logger = logging.getLogger(__name__)

METRIC_KEYS = ("lf_analysis", "label_model", "end_model", "deid")


def load_metrics(store: Store, dataset: str, paths: Iterable[str | os.PathLike[str]]) -> None:
    """Merge JSON metric files (objects) into the dataset's metadata and record them as sources."""
    for p in paths:
        try:
            data = json.loads(Path(p).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ReviewError(f"no such metrics file {p}", "check the --metrics path", file=p, code=REV_CARD) from None
        except json.JSONDecodeError as exc:
            raise ReviewError(f"malformed JSON ({exc.msg})", "give a JSON object such as {\"end_model\": {...}}",
                              file=p, line=exc.lineno, code=REV_CARD) from None
        if not isinstance(data, dict):
            raise ReviewError(f"expected a JSON object, got {type(data).__name__}",
                              f"use top-level keys like {', '.join(METRIC_KEYS)}", file=p, code=REV_CARD)
        store.update_meta(dataset, data)
        store.record_source(dataset, "metrics", p, 1)


def _f1(pred: Sequence[tuple], gold: Sequence[tuple]) -> dict[str, Any]:
    p, g = Counter(pred), Counter(gold)
    tp = sum((p & g).values())
    prec = tp / sum(p.values()) if p else None
    rec = tp / sum(g.values()) if g else None
    f1 = None if not p and not g else (2 * tp / (sum(p.values()) + sum(g.values())))
    return {"precision": prec, "recall": rec, "f1": f1, "tp": tp, "pred": sum(p.values()), "gold": sum(g.values())}


def _usable_spans(store: Store, task: dict[str, Any]) -> dict[str, Any]:
    """The task with its malformed machine spans left out (each named in a warning)."""
    spans = task.get("spans") or []
    good = [sp for sp in spans if span_problem(sp, len(task.get("text") or "")) is None]
    if len(good) != len(spans):
        for i, sp in enumerate(spans):
            why = span_problem(sp, len(task.get("text") or ""))
            if why:
                logger.warning("%s: task of note %s: machine span %d skipped in the card: %s",
                               store.where, (task.get("meta") or {}).get("id"), i, why)
        task = {**task, "spans": good}
    return task


def card_data(store: Store, dataset: str, *, by: Sequence[str] = ()) -> dict[str, Any]:
    from .agreement import agreement, answers_from_store
    from .prodigy import gold_records

    lineage = store.lineage(dataset)
    tasks = [_usable_spans(store, t) for t in store.tasks(dataset)]
    gold, gold_stats = gold_records(store, dataset)
    gold_by_hash = {g["_task_hash"]: g for g in gold}
    anns = store.annotations(dataset)
    annotators = sorted({a["annotator"] for a in anns})
    meta = lineage["meta"]

    labels = sorted({sp["label"] for t in tasks + gold for sp in t.get("spans") or []}
                    | set((lineage["label_scheme"] or {}).get("labels") or []))
    machine_counts = Counter(sp["label"] for t in tasks for sp in t.get("spans") or [])
    gold_counts = Counter(sp["label"] for g in gold for sp in g.get("spans") or [])

    # labelling functions / components named in span["source"]: coverage and precision against gold
    lf: dict[str, dict[str, Any]] = defaultdict(lambda: {"notes": 0, "spans": 0, "gold_spans": 0, "correct": 0})
    for t in tasks:
        seen = set()
        g = gold_by_hash.get(t["_task_hash"])
        gold_keys = {span_key(s) for s in (g or {}).get("spans") or []}
        for sp in t.get("spans") or []:
            srcs = sp.get("source") or []
            for src in [srcs] if isinstance(srcs, str) else srcs:
                row = lf[str(src)]
                row["spans"] += 1
                seen.add(str(src))
                if g is not None:
                    row["gold_spans"] += 1
                    row["correct"] += span_key(sp) in gold_keys
        for src in seen:
            lf[src]["notes"] += 1
    lf_rows = [{"source": k, "coverage": v["notes"] / len(tasks) if tasks else 0.0, "spans": v["spans"],
                "precision_vs_gold": (v["correct"] / v["gold_spans"]) if v["gold_spans"] else None}
               for k, v in sorted(lf.items())]

    # the machine's spans (what was exported) against gold
    pred_keys, gold_keys = [], []
    for g in gold:
        t = next((x for x in tasks if x["_task_hash"] == g["_task_hash"]), None)
        if t is None:
            continue
        pred_keys += [(g["_task_hash"], *span_key(s)) for s in t.get("spans") or []]
        gold_keys += [(g["_task_hash"], *span_key(s)) for s in g.get("spans") or []]
    machine_vs_gold = _f1(pred_keys, gold_keys) if gold else None

    assertion_counts = {attr: {"machine": sum(1 for t in tasks for sp in t.get("spans") or [] if sp.get(attr)),
                               "gold": sum(1 for g in gold for sp in g.get("spans") or [] if sp.get(attr))}
                        for attr in ASSERTIONS}

    codes_suggested = sum(1 for t in tasks for c in t.get("codes") or [] if c.get("origin") != "added")
    codes_added = sum(1 for t in tasks for c in t.get("codes") or [] if c.get("origin") == "added")
    code_status = Counter(c.get("decision") for g in gold for c in g.get("codes") or [])

    try:
        agree = agreement(answers_from_store(store, dataset)) if len(annotators) >= 2 else None
    except ReviewError:
        agree = None
    if agree is not None:
        agree = {k: agree[k] for k in ("annotators", "n_items", "span_f1", "span_f1_overlap", "cohen_kappa",
                                       "fleiss_kappa", "krippendorff_alpha", "per_label", "codes", "assertions")}
    elif isinstance(meta.get("agreement"), Mapping):
        agree = dict(meta["agreement"])

    deid = meta.get("deid")
    if deid is None:
        flagged = [t for t in tasks if (t.get("meta") or {}).get("deid")]
        deid = {"applied_to": len(flagged), "notes": len(tasks)} if flagged else None

    subgroups = {field: _subgroups(field, tasks, gold_by_hash, labels) for field in by}
    return {
        "dataset": dataset,
        "generated": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "clinlabel_version": _version(),
        "counts": {"examples": len(tasks), "answers": len(anns), "annotators": annotators,
                   "answered_examples": len({a["example_id"] for a in anns}), **{f"gold_{k}": v for k, v in gold_stats.items()}},
        "sources": lineage["sources"],
        "label_scheme": lineage["label_scheme"],
        "guideline": lineage["guideline"],
        "labels": labels,
        "label_counts": {lab: {"machine": machine_counts.get(lab, 0), "gold": gold_counts.get(lab, 0)} for lab in labels},
        "assertion_counts": assertion_counts,
        "codes": {"suggested": codes_suggested, "added_by_reviewers": codes_added,
                  "gold_accepted": code_status.get("accepted", 0), "gold_rejected": code_status.get("rejected", 0)},
        "lf": lf_rows,
        "lf_analysis": meta.get("lf_analysis"),
        "label_model": meta.get("label_model"),
        "end_model": meta.get("end_model"),
        "machine_vs_gold": machine_vs_gold,
        "agreement": agree,
        "deid": deid,
        "commands": lineage["commands"],
        "chain": [dict(step) for step in meta.get("lineage") or [] if isinstance(step, Mapping)],
        "subgroups": subgroups,
    }


def _subgroups(field: str, tasks, gold_by_hash, labels) -> list[dict[str, Any]]:
    groups: dict[str, list] = defaultdict(list)
    for t in tasks:
        value = (t.get("meta") or {}).get(field)
        groups["(missing)" if value is None else str(value)].append(t)
    rows = []
    for value, items in sorted(groups.items()):
        golds = [gold_by_hash[t["_task_hash"]] for t in items if t["_task_hash"] in gold_by_hash]
        basis = golds or items
        rates = {lab: sum(any(s["label"] == lab for s in r.get("spans") or []) for r in basis) / len(basis)
                 for lab in labels}
        pred = [(t["_task_hash"], *span_key(s)) for t in items if t["_task_hash"] in gold_by_hash for s in t.get("spans") or []]
        gk = [(g["_task_hash"], *span_key(s)) for g in golds for s in g.get("spans") or []]
        rows.append({"value": value, "notes": len(items), "gold": len(golds), "rates_from": "gold" if golds else "machine",
                     "label_rates": rates, "model_f1": _f1(pred, gk)["f1"] if golds else None})
    return rows


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("clinlabel")
    except PackageNotFoundError:  # pragma: no cover
        return "unknown"


# --- rendering ----------------------------------------------------------------------------------

PALETTE = ("#2f6fde", "#c2410c", "#15803d", "#7e22ce", "#b91c1c", "#0f766e", "#a16207", "#be185d")


def _fmt(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.3f}"
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


def bar_chart_svg(title: str, categories: Sequence[str], series: Mapping[str, Sequence[float]], *,
                  width: int = 560, percent: bool = False) -> str:
    """A grouped horizontal bar chart as an inline ``<svg>`` (no JavaScript, no external files)."""
    names = list(series)
    row_h, bar_h, left, top = 8 + 14 * len(names), 12, 150, 28
    height = top + row_h * max(1, len(categories)) + 24
    vmax = max([v for vals in series.values() for v in vals] + [1e-9])
    if percent:
        vmax = max(vmax, 1.0) if vmax > 1 else 1.0
    span = width - left - 60
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{html.escape(title)}" width="{width}" '
           f'height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
           f'<text x="0" y="16" font-weight="bold">{html.escape(title)}</text>']
    for i, cat in enumerate(categories):
        y0 = top + i * row_h
        out.append(f'<text x="{left - 6}" y="{y0 + row_h / 2 + 4}" text-anchor="end">{html.escape(str(cat))[:24]}</text>')
        for j, name in enumerate(names):
            v = series[name][i]
            w = 0 if vmax == 0 else span * v / vmax
            y = y0 + 4 + j * 14
            label = f"{100 * v:.0f}%" if percent else _fmt(v)
            out.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{PALETTE[j % len(PALETTE)]}">'
                       f'<title>{html.escape(name)}: {label}</title></rect>')
            out.append(f'<text x="{left + w + 4:.1f}" y="{y + 10}">{label}</text>')
    lx = left
    for j, name in enumerate(names):
        out.append(f'<rect x="{lx}" y="{height - 14}" width="10" height="10" fill="{PALETTE[j % len(PALETTE)]}"/>'
                   f'<text x="{lx + 14}" y="{height - 5}">{html.escape(name)}</text>')
        lx += 24 + 7 * len(name)
    out.append("</svg>")
    return "".join(out)


def _table_html(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_fmt(c))}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _table_md(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for r in rows:
        lines.append("| " + " | ".join(_fmt(c).replace("|", "\\|") for c in r) + " |")
    return "\n".join(lines)


def _sections(d: Mapping[str, Any], table, chart) -> list[tuple[str, str]]:
    """(title, body) pairs shared by both renderers; ``table`` / ``chart`` produce the format."""
    c = d["counts"]
    out = []
    out.append(("Summary", table(["item", "value"], [
        ("examples", c["examples"]), ("answers", c["answers"]), ("annotators", ", ".join(c["annotators"]) or "none"),
        ("examples answered", c["answered_examples"]), ("gold set size", c["gold_gold"]),
        ("gold: agreed / adjudicated", f"{c['gold_agreed']} / {c['gold_adjudicated']}"),
        ("disagreements pending", c["gold_pending"]), ("rejected", c["gold_rejected"]),
        ("label scheme", "–" if not d["label_scheme"] else f"v{d['label_scheme']['version']}: {', '.join(d['label_scheme']['labels'])}"),
        ("guideline", "–" if not d["guideline"] else f"v{d['guideline']['version']} ({d['guideline']['path']}, sha256 {d['guideline']['sha256'][:12]}…)"),
        ("de-identification", "not recorded" if d["deid"] is None else _fmt(d["deid"])),
        ("generated", f"{d['generated']} by clinlabel {d['clinlabel_version']}"),
    ])))
    out.append(("Sources", table(["kind", "path", "sha256", "records", "added"],
                                 [(s["kind"], s["path"], s["sha256"], s["records"], s["at"][:19]) for s in d["sources"]])))
    lc = d["label_counts"]
    out.append(("Counts per label", table(["label", "machine spans", "gold spans"],
                                          [(k, v["machine"], v["gold"]) for k, v in lc.items()])
                + chart("Spans per label", list(lc), {"machine": [v["machine"] for v in lc.values()],
                                                     "gold": [v["gold"] for v in lc.values()]}, False)))
    ac = d.get("assertion_counts") or {}
    out.append(("Assertions", table(["attribute", "machine spans", "gold spans"],
                                    [(attr, v["machine"], v["gold"]) for attr, v in ac.items()])))
    out.append(("Codes", table(["suggested", "added by reviewers", "accepted in gold", "rejected in gold"],
                               [(d["codes"]["suggested"], d["codes"]["added_by_reviewers"], d["codes"]["gold_accepted"],
                                 d["codes"]["gold_rejected"])])))
    lf_body = table(["source (LF / component)", "coverage", "spans", "precision vs gold"],
                    [(r["source"], r["coverage"], r["spans"], r["precision_vs_gold"]) for r in d["lf"]])
    if d["lf"]:
        lf_body += chart("LF coverage (share of notes with a span)", [r["source"] for r in d["lf"]],
                         {"coverage": [r["coverage"] for r in d["lf"]]}, True)
    if d["lf_analysis"]:
        lf_body += "\n\n" + _mapping_table(d["lf_analysis"], table)
    out.append(("Labelling functions", lf_body))
    models = []
    if d["machine_vs_gold"]:
        m = d["machine_vs_gold"]
        models.append(("exported spans vs gold (strict)", f"P {_fmt(m['precision'])} · R {_fmt(m['recall'])} · F1 {_fmt(m['f1'])}"))
    for key, name in (("label_model", "label model"), ("end_model", "end model")):
        if d[key]:
            for k, v in (d[key].items() if isinstance(d[key], Mapping) else [("value", d[key])]):
                models.append((f"{name}: {k}", _fmt(v)))
    out.append(("Label model and end model", table(["figure", "value"], models) if models else "no figures recorded "
                "(pass `--metrics FILE.json` with `label_model` / `end_model` keys)"))
    a = d["agreement"]
    if a:
        rows = [("OVERALL", a.get("span_f1"), a.get("span_f1_overlap"), a.get("cohen_kappa"), a.get("fleiss_kappa"),
                 a.get("krippendorff_alpha"))]
        rows += [(lab, r.get("span_f1"), r.get("span_f1_overlap"), r.get("cohen_kappa"), r.get("fleiss_kappa"),
                  r.get("krippendorff_alpha")) for lab, r in (a.get("per_label") or {}).items()]
        body = (f"annotators {', '.join(a.get('annotators') or [])} on {a.get('n_items')} shared examples\n\n"
                + table(["label", "span F1 strict", "span F1 overlap", "Cohen κ", "Fleiss κ", "Krippendorff α"], rows))
        codes = a.get("codes") or {}
        if codes.get("n_decisions"):
            body += "\n\n" + table(["code decisions per pair", "percent agreement", "Cohen κ"],
                          [(codes["n_decisions"], codes["percent_agreement"], codes["cohen_kappa"])])
        asserted = a.get("assertions") or {}
        if any(r.get("n_spans") for r in asserted.values()):
            body += "\n\n" + table(["assertion (spans both marked)", "spans", "set by either", "percent agreement",
                                     "Cohen κ"],
                                    [(attr, r["n_spans"], r["positives"], r["percent_agreement"], r["cohen_kappa"])
                                     for attr, r in asserted.items()])
        out.append(("Agreement", body))
    else:
        out.append(("Agreement", "fewer than two annotators answered the same examples"))
    for field, rows in d["subgroups"].items():
        labs = d["labels"]
        body = table([field, "notes", "gold", *[f"rate {lab}" for lab in labs], "model F1"],
                     [(r["value"], r["notes"], r["gold"], *[r["label_rates"][lab] for lab in labs], r["model_f1"]) for r in rows])
        body += chart(f"Share of notes with each label, by {field}", [r["value"] for r in rows],
                      {lab: [r["label_rates"][lab] for r in rows] for lab in labs}, True)
        out.append((f"Subgroups by {field}", body))
    out.append(("Lineage from the source files (runs that made the data)",
                table(["step", "when", "run id", "inputs (sha256)", "made with", "clinlabel"],
                      [(c.get("step"), str(c.get("at") or "")[:19], str(c.get("run_id") or "")[:12],
                        "; ".join(f"{i.get('path')} ({str(i.get('sha256') or '-')[:12]})" for i in c.get("inputs") or []),
                        _made_with(c), c.get("clinlabel_version")) for c in d.get("chain") or []])
                if d.get("chain") else "no lineage recorded (the tasks were not made by `clinlabel annotate` with a sidecar)"))
    out.append(("Lineage (commands that made this dataset)",
                table(["when", "command", "clinlabel"], [(c["at"][:19], c["command"], c["version"]) for c in d["commands"]])))
    return out


def _made_with(step: Mapping[str, Any]) -> str:
    parts = []
    for key, name in (("preset", "preset"), ("lfs", "LF module"), ("label_model", "label model"),
                      ("dataset", "dataset")):
        if step.get(key):
            parts.append(f"{name} {step[key]}")
    model = step.get("end_model")
    if isinstance(model, Mapping):
        parts.append(f"end model {model.get('path')} ({str(model.get('sha256') or '-')[:12]})")
    return ", ".join(parts) or "-"


def _mapping_table(data: Any, table) -> str:
    if isinstance(data, list) and data and all(isinstance(r, Mapping) for r in data):
        headers = list(dict.fromkeys(k for r in data for k in r))
        return table(headers, [[r.get(h) for h in headers] for r in data])
    if isinstance(data, Mapping):
        return table(["figure", "value"], list(data.items()))
    return _fmt(data)


CSS = """body{font:14px/1.5 system-ui,sans-serif;max-width:980px;margin:24px auto;padding:0 16px;color:#1d1d1f}
table{border-collapse:collapse;margin:8px 0 12px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f3f3f5}h1{margin-bottom:0}h2{margin-top:28px;border-bottom:1px solid #eee}.muted{color:#666}
td{max-width:520px;overflow-wrap:anywhere}svg{display:block;margin:8px 0}"""


def render_html(d: Mapping[str, Any]) -> str:
    def chart(title, cats, series, percent):
        return bar_chart_svg(title, cats, series, percent=percent) if cats else ""

    parts = [f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Dataset card: "
             f"{html.escape(d['dataset'])}</title><style>{CSS}</style></head><body>",
             f"<h1>Dataset card: {html.escape(d['dataset'])}</h1>",
             "<p class=\"muted\">Made by <code>clinlabel card</code> from the review store.</p>"]
    for title, body in _sections(d, _table_html, chart):
        body = body if body.lstrip().startswith("<") else "<p>" + html.escape(body.split("\n\n")[0]) + "</p>" + \
            "".join(body.split("\n\n")[1:])
        parts.append(f"<h2>{html.escape(title)}</h2>{body}")
    parts.append("</body></html>")
    return "\n".join(parts)


def _text_chart(title, cats, series, percent) -> str:
    if not cats:
        return ""
    vmax = max([v for vals in series.values() for v in vals] + [1e-9])
    lines = ["", "", f"{title}:", "```"]
    width = max(len(str(c)) for c in cats)
    for i, cat in enumerate(cats):
        for name, vals in series.items():
            v = vals[i]
            bar = "█" * int(round(30 * v / vmax)) if vmax else ""
            label = f"{100 * v:.0f}%" if percent else _fmt(v)
            lines.append(f"{str(cat):<{width}} {name[:10]:<10} {bar} {label}")
    lines.append("```")
    return "\n".join(lines)


def render_markdown(d: Mapping[str, Any]) -> str:
    parts = [f"# Dataset card: {d['dataset']}", "", "Made by `clinlabel card` from the review store."]
    for title, body in _sections(d, _table_md, _text_chart):
        parts += ["", f"## {title}", "", body]
    return "\n".join(parts) + "\n"


def write_card(store: Store, dataset: str, output: str | os.PathLike[str], *, by: Sequence[str] = (),
               metrics: Sequence[str | os.PathLike[str]] = ()) -> dict[str, Any]:
    """Write the card of ``dataset`` to ``output`` (``.html`` / ``.htm`` or ``.md``); returns the data."""
    out = Path(output)
    suffix = out.suffix.lower()
    if suffix not in (".html", ".htm", ".md", ".markdown"):
        raise ReviewError(f"cannot tell the card format from {out.name!r}", "name the output card.html or card.md",
                          file=out, code=REV_CARD)
    store.dataset_id(dataset)  # raises for an unknown dataset
    load_metrics(store, dataset, metrics)
    data = card_data(store, dataset, by=by)
    text = render_html(data) if suffix in (".html", ".htm") else render_markdown(data)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, out)
    return data
