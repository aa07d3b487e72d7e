import json
import re
import textwrap
from html.parser import HTMLParser

import numpy as np
import pytest

from clinlabel.cli import main
from labeling_functions import LFSet, span_lf
from labeling_functions.analysis import analyze, summary_frame, write_report


@span_lf(labels=["Disease"])
def itis_lf(doc):
    return [(t.i, t.i + 1) for t in doc if t.lower_.endswith("itis")]


@span_lf(labels=["Disease", "Chemical"])
def caps_lf(doc):
    # deliberately noisy: capitalised words are "Chemical", "Hepatitis" included
    return [(t.i, t.i + 1, "Chemical") for t in doc if t.text[:1].isupper()]


@span_lf(labels=["O"])
def the_lf(doc):
    return [(t.i, t.i + 1) for t in doc if t.lower_ in {"the", "and"}]


RECORDS = [
    {"text": "Hepatitis and gastritis after Aspirin.", "meta": {"id": "a"}},
    {"text": "The colitis and the Warfarin.", "meta": {"id": "b"}},
]
GOLD = {
    "a": [{"start": 0, "end": 9, "label": "Disease"}, {"start": 14, "end": 23, "label": "Disease"},
          {"start": 30, "end": 37, "label": "Chemical"}],
    "b": [{"start": 4, "end": 11, "label": "Disease"}, {"start": 20, "end": 28, "label": "Chemical"}],
}


class _Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self.bars, self.cells, self._row, self._cls = {}, {}, {}, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and "data-lf" in a:
            self._row = a["data-lf"]
            self.rows[self._row] = {}
        elif tag == "td" and self._row:
            self._cls = a.get("class")
        elif tag == "rect" and a.get("class") == "bar":
            self.bars.setdefault(a["data-lf"], []).append(float(a["data-value"]))
        elif tag == "rect" and a.get("class") == "cell":
            self.cells[(a["data-a"], a["data-b"])] = float(a["data-value"])

    def handle_data(self, data):
        if self._row and self._cls:
            self.rows[self._row][self._cls] = float(data)
            self._cls = None

    def handle_endtag(self, tag):
        if tag == "tr":
            self._row = None


def test_figures_match_the_matrix_and_the_html(tmp_path):
    lfset = LFSet([itis_lf, caps_lf, the_lf])
    result = analyze(RECORDS, lfset, gold=GOLD)
    L, Y = result.L, result.Y
    # by hand from the matrix
    voted = L != -1
    assert np.allclose(result.coverage(), voted.mean(axis=0))
    acc = ((L == Y[:, None]) & voted).sum(axis=0) / voted.sum(axis=0)
    assert np.allclose(result.accuracy(), acc)
    # itis_lf is always right; caps_lf wrong on "Hepatitis" (says Chemical), right on the drugs
    assert result.accuracy()[0] == 1.0
    assert result.accuracy()[1] == pytest.approx(2 / 4)
    # the conflict between itis_lf and caps_lf is exactly the "Hepatitis" token
    C = result.conflict_matrix()
    assert C[0, 1] == pytest.approx(1 / len(L)) and C[0, 2] == 0
    # Snorkel's LFAnalysis agrees with our numpy figures
    df = summary_frame(result)
    assert np.allclose(df["Coverage"].to_numpy(), result.coverage())
    assert np.allclose(df["Conflicts"].to_numpy(), result.conflicts())
    assert np.allclose(df["Emp. Acc."].to_numpy(), result.accuracy())
    # the HTML shows the same numbers
    out = tmp_path / "r.html"
    write_report(result, out)
    page = out.read_text()
    assert "<script" not in page and "http" not in page.replace("http://www.w3.org/2000/svg", "")
    p = _Cells()
    p.feed(page)
    for j, name in enumerate(result.names):
        assert p.rows[name]["coverage"] == pytest.approx(result.coverage()[j], abs=1e-4)
        assert p.rows[name]["accuracy"] == pytest.approx(result.accuracy()[j], abs=1e-4)
        assert p.bars[name][0] == pytest.approx(result.coverage()[j], abs=1e-6)  # coverage chart
        assert p.bars[name][1] == pytest.approx(result.accuracy()[j], abs=1e-6)  # accuracy chart
    assert p.cells[("itis_lf", "caps_lf")] == pytest.approx(C[0, 1], abs=1e-6)


def test_cli_lf_analyze_writes_report(tmp_path, monkeypatch, capsys):
    pkg = tmp_path / "lfpkg_an"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "lfs.py").write_text(textwrap.dedent('''
        from labeling_functions import span_lf

        @span_lf(labels=["Disease"])
        def itis_cli(doc):
            return [(t.i, t.i + 1) for t in doc if t.lower_.endswith("itis")]
    '''))
    monkeypatch.syspath_prepend(str(tmp_path))
    notes = tmp_path / "notes.jsonl"
    notes.write_text("\n".join(json.dumps({**r, "spans": GOLD[r["meta"]["id"]]}) for r in RECORDS) + "\n")
    report = tmp_path / "lf.html"
    code = main(["lf", "analyze", str(notes), "--lfs", "lfpkg_an.lfs", "--gold", str(notes), "--report", str(report)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "itis_cli" in out
    page = report.read_text()
    p = _Cells()
    p.feed(page)
    # 3 itis tokens out of 14 tokens; all correct
    n_tokens = int(re.search(r'data-tokens="(\d+)"', page).group(1))
    assert p.rows["itis_cli"]["coverage"] == pytest.approx(3 / n_tokens, abs=1e-4)
    assert p.rows["itis_cli"]["accuracy"] == 1.0
    # a bad module path is a clean error, exit code 2
    assert main(["lf", "analyze", str(notes), "--lfs", "nope.nothing"]) == 2
    assert "CL-LF002" in capsys.readouterr().err
