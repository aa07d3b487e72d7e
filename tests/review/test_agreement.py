"""Agreement figures against a hand computation (tests/data/review: alice and bob).

Examples both accepted: n1, n2 (bob rejected n3).  Spans:
  alice: chest pain P, type 2 diabetes P, metformin D, hyperglycemia P   (4)
  bob:   chest pain P, diabetes P,        metformin D                    (3)
strict F1 = 2*2/(4+3) = 4/7; overlap: recall 3/4 (alice's spans hit), precision 3/3 -> 6/7.
PROBLEM strict = 2*1/(3+2) = 2/5; DRUG = 1.
Tokens (15): alice O O B I O O B I I O | O B-D O B-P O ; bob O O B I O O O O B O | O B-D O O O.
Observed agreement 11/15; marginals alice O8 B-P3 I-P3 B-D1, bob O11 B-P2 I-P1 B-D1,
chance = (88+6+3+1)/225 = 98/225, kappa = (165-98)/(225-98) = 67/127.
Krippendorff (nominal): n = 30 values, 4 disagreeing units -> Do = 8/30; value totals O19 B-P5 I-P4 B-D2,
De = (900 - 406)/(30*29) = 494/870; alpha = 1 - (8/30)/(494/870) = 131/247.
Code decisions: see test_pair_matches_hand_computation.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from clinlabel.cli import main
from corpora.errors import ReviewError
from review.agreement import agreement, bio_tags, fleiss_kappa, format_table, load_answer_files


def test_pair_matches_hand_computation(data_dir):
    res = agreement(load_answer_files([data_dir / "answers_alice.jsonl", data_dir / "answers_bob.jsonl"]))
    assert res["annotators"] == ["clinic_review-alice", "clinic_review-bob"]
    assert res["n_items"] == 2 and res["n_tokens"] == 15
    assert res["span_f1"] == pytest.approx(4 / 7)
    assert res["span_f1_overlap"] == pytest.approx(6 / 7)
    assert res["cohen_kappa"] == pytest.approx(67 / 127)
    assert res["krippendorff_alpha"] == pytest.approx(131 / 247)
    assert res["fleiss_kappa"] is None
    assert res["per_label"]["PROBLEM"]["span_f1"] == pytest.approx(2 / 5)
    assert res["per_label"]["DRUG"]["span_f1"] == pytest.approx(1.0)
    assert res["per_label"]["DRUG"]["cohen_kappa"] == pytest.approx(1.0)
    # code decisions on n1, n2: E11.9 acc/acc, R07.9 rej/rej, R73.9 acc/rej -> agreement 2/3;
    # chance = P(acc) 2/3*1/3 + P(rej) 1/3*2/3 = 4/9 -> kappa = (2/3 - 4/9) / (5/9) = 0.4
    assert res["codes"]["n_decisions"] == 3
    assert res["codes"]["percent_agreement"] == pytest.approx(2 / 3)
    assert res["codes"]["cohen_kappa"] == pytest.approx(0.4)


def test_fleiss_matches_the_worked_example():
    # Fleiss' kappa worked example (Wikipedia): 10 items, 14 raters, 5 categories -> 0.210
    table = np.array([
        [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]])
    assert fleiss_kappa(table) == pytest.approx(0.20993, abs=1e-4)


def test_three_annotators_report_fleiss(data_dir):
    files = [data_dir / f"answers_{w}.jsonl" for w in ("alice", "bob", "carol")]
    res = agreement(load_answer_files(files))
    assert len(res["pairs"]) == 3 and res["fleiss_kappa"] is not None
    # alice and carol agree exactly
    ac = [p for p in res["pairs"] if p["a"].endswith("alice") and p["b"].endswith("carol")][0]
    assert ac["span_f1"] == 1.0 and ac["cohen_kappa"] == 1.0
    assert res["fleiss_kappa"] < 1.0


def test_bio_tags_use_token_offsets():
    toks = [(0, 4), (5, 10), (11, 16)]
    assert bio_tags(toks, [{"start": 5, "end": 16, "label": "P"}]) == ["O", "B-P", "I-P"]
    assert bio_tags(toks, [{"start": 5, "end": 16, "label": "P"}], label="D") == ["O", "O", "O"]


def test_agreement_needs_two_annotators(data_dir):
    with pytest.raises(ReviewError, match="at least two annotators"):
        agreement(load_answer_files([data_dir / "answers_alice.jsonl"]))


def test_cli_json(data_dir, capsys):
    code = main(["agreement", str(data_dir / "answers_alice.jsonl"), str(data_dir / "answers_bob.jsonl"), "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["span_f1"] == pytest.approx(4 / 7) and out["cohen_kappa"] == pytest.approx(67 / 127)


def test_cli_table(data_dir, capsys):
    assert main(["agreement", str(data_dir / "answers_alice.jsonl"), str(data_dir / "answers_bob.jsonl")]) == 0
    out = capsys.readouterr().out
    assert "OVERALL" in out and "0.571" in out and "0.528" in out


def test_assertion_kappa_per_attribute_over_matched_spans():
    """Four spans both marked, negated yes/no: a = Y Y N N, b = Y N N N -> agreement 3/4;
    chance = 2/4 * 1/4 + 2/4 * 3/4 = 1/2 -> kappa = (3/4 - 1/2) / (1/2) = 1/2.  b's extra span
    (unmatched) is not compared; nobody set historical (kappa 1.0 by convention, 0 positives)."""
    text = "aa bb cc dd ee"
    spans = [(0, 2), (3, 5), (6, 8), (9, 11)]

    def rec(neg, extra=()):
        out = [{"start": s, "end": e, "label": "P", "negated": n} for (s, e), n in zip(spans, neg)]
        return {"x": {"text": text, "answer": "accept", "spans": out + list(extra)}}

    res = agreement({"a": rec([True, True, False, False]),
                     "b": rec([True, False, False, False], [{"start": 12, "end": 14, "label": "P", "negated": True}])})
    neg = res["assertions"]["negated"]
    assert neg["n_spans"] == 4 and neg["positives"] == 2
    assert neg["percent_agreement"] == pytest.approx(3 / 4) and neg["cohen_kappa"] == pytest.approx(0.5)
    hist = res["assertions"]["historical"]
    assert hist["positives"] == 0 and hist["cohen_kappa"] == 1.0
    table = format_table(res)
    assert "negated" in table and "0.500" in table
