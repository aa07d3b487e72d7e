"""clinlabel summary: the one-page HTML summary of an annotate output."""

from __future__ import annotations

import json
import os
import stat

from clinlabel.cli import main
from clinlabel.report import write_summary_html

EVIL = "<script>alert(1)</script>"


def _records():
    text = f"No fever. Type 2 diabetes. {EVIL}"
    return [
        {"text": text, "meta": {"id": "n<1>"},
         "spans": [{"start": 3, "end": 8, "label": "Condition", "negated": True},
                   {"start": 10, "end": 25, "label": "Condition", "code": "E11.9"},
                   {"start": text.index("<script>"), "end": len(text), "label": "Drug" + EVIL}],
         "codes": [{"code": "E11.9", "description": "Type 2 diabetes mellitus without complications",
                    "status": "confirmed", "evidence": [{"start": 10, "end": 25, "text": "Type 2 diabetes"}]},
                   {"code": "R50.9", "status": "negated", "evidence": [{"start": 3, "end": 8, "text": EVIL}]}]},
        {"text": "Cough.", "meta": {"id": "n2"}, "spans": [{"start": 0, "end": 5, "label": "Condition"}]},
    ]


def test_summary_figures_escaping_and_mode(tmp_path):
    src = tmp_path / "ann.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in _records()), encoding="utf-8")
    out = tmp_path / "summary.html"
    figures = write_summary_html(src, out)
    assert figures["notes"] == 2 and figures["spans"] == 4
    assert figures["labels"]["Condition"] == 3 and figures["assertions"]["negated"] == 1
    assert figures["statuses"] == {"confirmed": 1, "negated": 1} and figures["codes"] == {"E11.9": 1}
    page = out.read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page  # note text, labels, ids and evidence escaped
    assert "E11.9" in page and "n&lt;1&gt;" in page
    assert stat.S_IMODE(os.stat(out).st_mode) & 0o077 == 0  # it quotes a note


def test_summary_command(tmp_path, capsys):
    src = tmp_path / "ann.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in _records()), encoding="utf-8")
    out = tmp_path / "s.html"
    assert main(["summary", str(src), "-o", str(out)]) == 0
    assert "2 notes, 4 spans" in capsys.readouterr().err and out.is_file()
