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
    """The figures of the report: summary-table cells, chart bars, conflict cells, example rows."""

    def __init__(self):
        super().__init__()
        self.rows, self.bars, self.cells, self._row, self._cls = {}, {}, {}, None, None
        self.examples, self._in_summary = [], False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self._in_summary = a.get("class") == "lf-summary"
        if tag == "tr" and "example" in (a.get("class") or ""):
            self.examples.append((a["data-lf"], a["data-label"], a["data-verdict"]))
        elif tag == "tr" and "data-lf" in a and self._in_summary:
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
    # gold for one note of two: only that note is scored, and the output says so
    part = tmp_path / "gold_a.jsonl"
    part.write_text(json.dumps({**RECORDS[0], "spans": GOLD["a"]}) + "\n")
    capsys.readouterr()
    assert main(["lf", "analyze", str(notes), "--lfs", "lfpkg_an.lfs", "--gold", str(part)]) == 0
    assert "gold covers 1 of 2 notes" in capsys.readouterr().err
    # a bad module path is a clean error, exit code 2
    assert main(["lf", "analyze", str(notes), "--lfs", "nope.nothing"]) == 2
    assert "CL-LF002" in capsys.readouterr().err


def test_partial_gold_scores_only_the_notes_it_covers(tmp_path):
    # gold for note "a" only: before, note "b" was scored against no gold (its votes all wrong)
    result = analyze(RECORDS, LFSet([itis_lf, caps_lf, the_lf]), gold={"a": GOLD["a"]})
    assert result.n_docs == 2 and result.n_gold_docs == 1
    assert len(result.Y) == result.scored.sum() < len(result.L)
    alone = analyze(RECORDS[:1], LFSet([itis_lf, caps_lf, the_lf]), gold={"a": GOLD["a"]})
    assert np.allclose(result.accuracy(), alone.accuracy())
    assert result.span_scores == alone.span_scores
    # coverage still uses every note
    assert result.coverage()[0] == pytest.approx(3 / len(result.L))
    assert summary_frame(result)["Emp. Acc."].to_numpy() == pytest.approx(result.accuracy())
    out = tmp_path / "r.html"
    write_report(result, out)
    page = out.read_text()
    assert 'data-gold-docs="1"' in page and "gold covers 1 of 2 notes" in page


def test_labels_are_names_and_examples_are_escaped_in_a_private_file(tmp_path):
    records = [{"text": "Gastritis and <script>alert(1)</script> Aspirin.", "meta": {"id": "x<1>"}}]
    gold = {"x<1>": [{"start": 0, "end": 9, "label": "Disease"}]}
    result = analyze(records, LFSet([itis_lf, caps_lf, the_lf]), gold=gold)
    frame = summary_frame(result)
    assert frame.loc["caps_lf", "Labels"] == "Chemical" and frame.loc["the_lf", "Labels"] == "O"
    assert "Polarity" not in frame.columns
    out = tmp_path / "r.html"
    out.write_text("old")  # an existing file is replaced, and ends up private too
    out.chmod(0o644)
    write_report(result, out)
    assert out.stat().st_mode & 0o777 == 0o600
    page = out.read_text()
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "x&lt;1&gt;" in page
    p = _Cells()
    p.feed(page)
    ex = set(p.examples)
    assert ("itis_lf", "Disease", "correct") in ex
    assert ("caps_lf", "Chemical", "incorrect") in ex  # "Gastritis" voted Chemical
    assert ("the_lf", "O", "correct") in ex
    assert {label for _, label, _ in ex} <= {"Disease", "Chemical", "O"}
    assert not list(tmp_path.glob(".r.html.*"))  # no temporary file left behind


def test_examples_without_gold_and_their_limit():
    records = [{"text": "Colitis, gastritis, hepatitis and nephritis.", "meta": {"id": "n"}}]
    result = analyze(records, LFSet([itis_lf]), examples=2)
    assert [e.text for e in result.examples["itis_lf"]] == ["Colitis", "gastritis"]
    assert all(e.verdict == "" and e.label == "Disease" for e in result.examples["itis_lf"])
    assert result.examples["itis_lf"][1].left.startswith("Colitis")


# --- lf analyze measures what annotate runs -----------------------------------------------------------

NOTES = [
    {"text": "HISTORY OF PRESENT ILLNESS: Cough and fever.\nASSESSMENT: Pneumonia. Asthma.\nPLAN: Azithromycin 500 mg.",
     "meta": {"id": "n1"}},
    {"text": "CHIEF COMPLAINT: Chest pain.\nASSESSMENT: Hypertension and diabetes mellitus. Gout.\n"
             "PLAN: Lisinopril. Follow up.", "meta": {"id": "n2"}},
    {"text": "Patient reports headache. No assessment section here.", "meta": {"id": "n3"}},
]

SECTION_LFS = '''
from labeling_functions import span_lf

LABELS = ["Problem"]


@span_lf(labels=["Problem"])
def assessment_capitalised(doc):
    """Capitalised words of the assessment section (needs the sections component)."""
    for sec in doc.spans["sections"] if "sections" in doc.spans else []:
        if sec.label_ == "observation_and_plan" and sec.text.upper().startswith("ASSESSMENT"):
            for tok in sec[2:]:
                if tok.text.istitle() and tok.is_alpha:
                    yield tok.i, tok.i + 1
'''


def _lf_module(tmp_path, monkeypatch):
    pkg = tmp_path / "seclfs"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "lfs.py").write_text(SECTION_LFS)
    monkeypatch.syspath_prepend(str(tmp_path))
    return "seclfs.lfs"


def _annotate_docs(config, monkeypatch):
    """The Docs annotate's own note processor makes of NOTES (its votes are in doc.spans["lf:..."])."""
    import nlp_pipeline.processing as processing

    docs = []
    real = processing.doc_to_record

    def capture(doc, **kwargs):
        docs.append(doc)
        return real(doc, **kwargs)

    monkeypatch.setattr(processing, "doc_to_record", capture)
    processor = processing.AnnotateProcessorFactory(config)()
    for rec in NOTES:
        processor(rec)
    assert len(docs) == len(NOTES)
    return docs


def test_cli_coverage_equals_the_votes_of_annotate(tmp_path, monkeypatch, capsys):
    module = _lf_module(tmp_path, monkeypatch)
    notes = tmp_path / "notes.jsonl"
    notes.write_text("".join(json.dumps(r) + "\n" for r in NOTES))
    out = tmp_path / "out.jsonl"
    assert main(["annotate", str(notes), "--lfs", module, "--no-default-lfs", "-o", str(out), "--no-progress"]) == 0
    annotated = [json.loads(line) for line in out.read_text().splitlines()]
    # one LF voting single non-adjacent tokens: annotate's spans are exactly its votes
    voted = [(r["meta"]["id"], s["text"]) for r in annotated for s in r["spans"]]
    assert voted == [("n1", "Pneumonia"), ("n1", "Asthma"), ("n2", "Hypertension"), ("n2", "Gout")]
    n_tokens = sum(len(r["tokens"]) for r in annotated)
    report = tmp_path / "lf.html"
    assert main(["lf", "analyze", str(notes), "--lfs", module, "--no-default-lfs", "--report", str(report)]) == 0
    page = report.read_text()
    assert int(re.search(r'data-tokens="(\d+)"', page).group(1)) == n_tokens
    p = _Cells()
    p.feed(page)
    assert p.bars["assessment_capitalised"][0] * n_tokens == pytest.approx(4, abs=1e-3)  # 6-decimal data-value


@pytest.mark.parametrize("preset", ["bc5cdr"])
def test_preset_coverage_equals_the_votes_of_annotate(preset, monkeypatch):
    from nlp_pipeline.pipeline import PipelineConfig

    from labeling_functions.matrix import token_matrix

    config = PipelineConfig(preset=preset)
    docs = _annotate_docs(config, monkeypatch)
    result = analyze(NOTES, config=config)
    assert result.n_docs == len(NOTES) and len(result.L) == sum(len(d) for d in docs)
    L = np.concatenate([token_matrix({n: [(s.start, s.end, s.label_) for s in d.spans["lf:" + n]]
                                      for n in result.names}, result.names, result.labels, len(d)).L for d in docs])
    assert (result.L == L).all()
    assert (L != -1).any(axis=0).sum() >= 5  # several LFs vote on these notes
