"""A one-page HTML summary of an annotated corpus (used by ``clinlabel demo`` and ``summary``)."""

from __future__ import annotations

import html
import json
from collections import Counter
from pathlib import Path
from typing import Any, Iterable

from corpora.record import ASSERTIONS

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:1100px;color:#222}
h1{font-size:1.5rem}h2{font-size:1.1rem;margin-top:1.6rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:.9rem}td,th{padding:.2rem .6rem;border-bottom:1px solid #eee;text-align:left}
.num{text-align:right}.bar{background:#4a78c2;height:.7rem;display:inline-block}
.note{white-space:pre-wrap;background:#fafafa;border:1px solid #ddd;padding:1rem;font-size:.9rem;line-height:1.5}
mark{background:#cfe3ff;padding:0 .1rem;border-radius:.2rem}mark.negated{background:#f6c6c6;text-decoration:line-through}
mark.historical{background:#e3d6f5}mark.family{background:#d7f2d0}mark.hypothetical,mark.uncertain{background:#fbe7b5}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:1.5rem}.small{color:#666;font-size:.85rem}
"""


def _bar_rows(counter: Counter, limit: int = 15, extra: dict[str, str] | None = None) -> str:
    if not counter:
        return "<tr><td colspan=3 class=small>none</td></tr>"
    top = counter.most_common(limit)
    peak = top[0][1] or 1
    rows = []
    for key, n in top:
        label = html.escape(str(key)) + (f" <span class=small>{html.escape(extra[key])}</span>" if extra and key in extra else "")
        rows.append(f"<tr><td>{label}</td><td class=num>{n}</td><td><span class=bar style='width:{int(200 * n / peak)}px'></span></td></tr>")
    return "\n".join(rows)


def _highlight(record: dict[str, Any]) -> str:
    text = record["text"]
    spans = sorted(record.get("spans") or [], key=lambda s: (s["start"], -s["end"]))
    out, pos = [], 0
    for span in spans:
        if span["start"] < pos:
            continue  # overlapping: show the first
        classes = " ".join(a for a in ASSERTIONS if span.get(a))
        tip = span.get("label", "") + (f" {span['code']}" if span.get("code") else "") + (f" [{classes}]" if classes else "")
        out.append(html.escape(text[pos:span["start"]]))
        out.append(f"<mark class='{classes}' title='{html.escape(tip, quote=True)}'>{html.escape(text[span['start']:span['end']])}</mark>")
        pos = span["end"]
    out.append(html.escape(text[pos:]))
    return "".join(out)


def summarize(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    notes = words = 0
    labels, assertions, sections, codes, statuses = Counter(), Counter(), Counter(), Counter(), Counter()
    descriptions: dict[str, str] = {}
    sample = None
    for record in records:
        notes += 1
        words += len(record.get("text", "").split())
        for span in record.get("spans") or []:
            labels[span.get("label", "")] += 1
            for a in ASSERTIONS:
                if span.get(a):
                    assertions[a] += 1
            if span.get("section"):
                sections[span["section"]] += 1
        for code in record.get("codes") or []:
            statuses[code.get("status", "")] += 1
            if code.get("status") == "confirmed":
                codes[code["code"]] += 1
                descriptions.setdefault(code["code"], code.get("description", ""))
        if sample is None or len(record.get("spans") or []) > len(sample.get("spans") or []) and len(record["text"]) < 4000:
            sample = record
    spans = sum(labels.values())
    return {"notes": notes, "words": words, "spans": spans, "labels": labels, "assertions": assertions,
            "sections": sections, "codes": codes, "statuses": statuses, "descriptions": descriptions, "sample": sample}


def write_summary_html(jsonl_path: str | Path, out_html: str | Path, *, title: str = "clinlabel run summary") -> dict[str, Any]:
    """Read an annotate output (JSONL) and write a one-page HTML summary; returns the figures."""
    def records():
        with open(jsonl_path, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield json.loads(line)

    s = summarize(records())
    sample = s["sample"]
    sample_html = ""
    if sample is not None:
        code_rows = "".join(
            f"<tr><td>{html.escape(c['code'])}</td><td>{html.escape(c.get('description', ''))}</td><td>{html.escape(c.get('status', ''))}</td>"
            f"<td>{html.escape('; '.join(e.get('text', '') for e in c.get('evidence', [])))}</td></tr>"
            for c in (sample.get("codes") or [])
        )
        sample_html = (
            f"<h2>Sample note: {html.escape(str(sample.get('meta', {}).get('id')))}</h2>"
            "<p class=small>Highlights: blue present, red struck negated, purple historical, green family, amber hypothetical/uncertain. Hover for label and code.</p>"
            f"<div class=note>{_highlight(sample)}</div>"
            + (f"<h2>Codes suggested for this note</h2><table><tr><th>code</th><th>description</th><th>status</th><th>evidence</th></tr>{code_rows}</table>" if code_rows else "")
        )
    page = f"""<!doctype html><html lang=en><head><meta charset=utf-8><title>{html.escape(title)}</title><style>{_CSS}</style></head><body>
<h1>{html.escape(title)}</h1>
<p>{s['notes']} notes, {s['words']:,} words, {s['spans']} spans, {sum(s['statuses'].values())} code suggestions
({s['statuses'].get('confirmed', 0)} confirmed). Source: <code>{html.escape(str(jsonl_path))}</code></p>
<div class=grid>
<div><h2>Spans by label</h2><table>{_bar_rows(s['labels'])}</table></div>
<div><h2>Assertions on spans</h2><table>{_bar_rows(s['assertions'])}</table></div>
<div><h2>Top confirmed codes</h2><table>{_bar_rows(s['codes'], extra=s['descriptions'])}</table></div>
<div><h2>Code suggestions by status</h2><table>{_bar_rows(s['statuses'])}</table><h2>Spans by section</h2><table>{_bar_rows(s['sections'], limit=10)}</table></div>
</div>
{sample_html}
</body></html>"""
    from corpora.writers._common import private_files

    with private_files():  # the page quotes a note: owner-only
        Path(out_html).write_text(page, encoding="utf-8")
    return {k: v for k, v in s.items() if k != "sample"}
