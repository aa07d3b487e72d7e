"""Span and assertion evaluation against a small hand computation."""

from __future__ import annotations

import json

import pytest

from clinlabel.cli import main
from corpora.evaluation import evaluate_assertions, evaluate_spans, format_report


def _rec(rid, spans):
    return {"text": "x" * 100, "meta": {"id": rid}, "spans": [
        {"start": s, "end": e, "label": lab, **attrs} for s, e, lab, *rest in spans for attrs in [rest[0] if rest else {}]
    ]}


GOLD = [
    _rec("d1", [(0, 5, "PROB"), (10, 15, "PROB"), (20, 25, "DRUG")]),
    _rec("d2", [(0, 4, "DRUG"), (30, 40, "PROB")]),
    _rec("d3", [(5, 9, "PROB")]),  # no prediction for d3
]
PRED = [
    _rec("d1", [(0, 5, "PROB"), (10, 16, "PROB"), (20, 25, "PROB")]),  # 1 tp, 2 fp (wrong end, wrong label)
    _rec("d2", [(0, 4, "DRUG"), (30, 40, "PROB"), (50, 55, "DRUG")]),  # 2 tp, 1 fp
    _rec("d9", [(0, 1, "PROB")]),  # not in gold: ignored
]


def test_spans_hand_computed():
    r = evaluate_spans(PRED, GOLD)
    # PROB: gold d1(0-5, 10-15) d2(30-40) d3(5-9) = 4; pred d1(0-5,10-16,20-25) d2(30-40) = 4; tp = 2
    assert r["labels"]["PROB"] == {"tp": 2, "fp": 2, "fn": 2, "support": 4,
                                   "precision": 0.5, "recall": 0.5, "f1": 0.5}
    # DRUG: gold d1(20-25) d2(0-4) = 2; pred d2(0-4, 50-55) = 2; tp = 1
    assert r["labels"]["DRUG"]["tp"] == 1 and r["labels"]["DRUG"]["fp"] == 1 and r["labels"]["DRUG"]["fn"] == 1
    # micro: tp 3, fp 3, fn 3
    assert (r["micro"]["tp"], r["micro"]["fp"], r["micro"]["fn"]) == (3, 3, 3)
    assert r["micro"]["precision"] == pytest.approx(0.5) and r["micro"]["f1"] == pytest.approx(0.5)
    assert r["missing_pred_docs"] == 1 and r["extra_pred_docs"] == 1 and r["gold_docs"] == 3


def test_spans_label_filter_and_empty_predictions():
    r = evaluate_spans(PRED, GOLD, labels=["DRUG"])
    assert list(r["labels"]) == ["DRUG"] and r["micro"]["support"] == 2
    none = evaluate_spans([], GOLD)
    assert none["micro"] == {"tp": 0, "fp": 0, "fn": 6, "support": 6, "precision": 0.0, "recall": 0.0, "f1": 0.0}


def test_duplicate_spans_count_as_often_as_they_occur():
    gold = [_rec("a", [(0, 2, "X")])]
    pred = [_rec("a", [(0, 2, "X"), (0, 2, "X")])]
    r = evaluate_spans(pred, gold)
    assert (r["micro"]["tp"], r["micro"]["fp"]) == (1, 1)


def test_assertions_hand_computed():
    gold = [_rec("d1", [
        (0, 5, "PROB", {"negated": True}),
        (10, 15, "PROB", {"negated": True, "family": True}),
        (20, 25, "PROB", {}),
        (30, 35, "PROB", {"historical": True}),  # unmatched (no pred span at 30-35)
    ])]
    pred = [_rec("d1", [
        (0, 5, "OTHER", {"negated": True}),  # label differs: still matched by offsets
        (10, 15, "PROB", {"family": True}),
        (20, 25, "PROB", {"negated": True, "uncertain": True}),
    ])]
    r = evaluate_assertions(pred, gold)
    assert (r["gold_spans"], r["matched_spans"], r["unmatched_gold_spans"]) == (4, 3, 1)
    neg = r["attributes"]["negated"]
    assert (neg["tp"], neg["fp"], neg["fn"], neg["tn"]) == (1, 1, 1, 0)
    assert neg["precision"] == 0.5 and neg["recall"] == 0.5
    fam = r["attributes"]["family"]
    assert (fam["tp"], fam["fp"], fam["fn"], fam["tn"]) == (1, 0, 0, 2) and fam["f1"] == 1.0
    unc = r["attributes"]["uncertain"]
    assert (unc["tp"], unc["fp"], unc["precision"], unc["accuracy"]) == (0, 1, 0.0, pytest.approx(2 / 3))
    assert r["attributes"]["historical"]["support"] == 0  # its only gold span was unmatched


def _write(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_evaluate_cli_table_and_json(tmp_path, capsys):
    pred, gold = _write(tmp_path / "p.jsonl", PRED), _write(tmp_path / "g.jsonl", GOLD)
    assert main(["evaluate", str(pred), str(gold), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["micro"]["f1"] == pytest.approx(0.5) and out["labels"]["PROB"]["tp"] == 2
    assert main(["evaluate", str(pred), str(gold), "--labels", "PROB"]) == 0
    table = capsys.readouterr().out
    assert "PROB" in table and "DRUG" not in table and "0.500" in table
    assert main(["evaluate", str(pred), str(gold), "--task", "assertion", "--json"]) == 0
    assert set(json.loads(capsys.readouterr().out)["attributes"]) == {"negated", "historical", "hypothetical", "family", "uncertain"}
    assert main(["evaluate", str(pred), str(gold), "--task", "nonsense"]) == 2
    assert "--task" in capsys.readouterr().err


def test_evaluate_codes_without_evaluator_is_a_clear_error(tmp_path, capsys, monkeypatch):
    import clinlabel.commands.evaluate as ev

    monkeypatch.setattr(ev, "CODES_EVALUATOR", "nlp_pipeline.no_such_module:evaluate_codes")
    pred, gold = _write(tmp_path / "p.jsonl", PRED), _write(tmp_path / "g.jsonl", GOLD)
    assert main(["evaluate", str(pred), str(gold), "--task", "codes"]) == 2
    err = capsys.readouterr().err
    assert "--task codes needs nlp_pipeline.no_such_module:evaluate_codes" in err


def test_evaluate_codes_dispatches(tmp_path, capsys, monkeypatch):
    import sys
    import types

    import clinlabel.commands.evaluate as ev

    mod = types.ModuleType("fake_codes_eval")
    mod.evaluate_codes = lambda pred, gold: {"task": "codes", "n_pred": len(pred), "n_gold": len(gold)}
    monkeypatch.setitem(sys.modules, "fake_codes_eval", mod)
    monkeypatch.setattr(ev, "CODES_EVALUATOR", "fake_codes_eval:evaluate_codes")
    pred, gold = _write(tmp_path / "p.jsonl", PRED), _write(tmp_path / "g.jsonl", GOLD)
    assert main(["evaluate", str(pred), str(gold), "--task", "codes", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"task": "codes", "n_pred": 3, "n_gold": 3}


def test_format_report_lists_every_label():
    text = format_report(evaluate_spans(PRED, GOLD))
    assert "DRUG" in text and "PROB" in text and "(micro)" in text and "without: 1" in text


def test_format_report_of_another_task_is_a_table():
    text = format_report({"code": {"precision": 0.5, "recall": 1.0, "f1": 0.667, "tp": 1, "fp": 1, "fn": 0},
                          "notes": 2, "per_note": [{"id": "a"}]})
    assert text.splitlines()[1].startswith("code") and "notes: 2" in text and "per_note" not in text
