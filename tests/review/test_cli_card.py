"""The commands end to end through ``clinlabel.cli.main`` and the dataset card's figures."""

from __future__ import annotations

import hashlib
import json

import pytest

from clinlabel.cli import main
from review.card import bar_chart_svg, card_data
from review.jsonl import read_jsonl
from review.store import Store


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_round_trip_through_the_cli(tmp_path, data_dir, capsys):
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    tasks, gold, html, md = (tmp_path / n for n in ("tasks.jsonl", "gold.jsonl", "card.html", "card.md"))
    metrics = tmp_path / "metrics.json"
    metrics.write_text(json.dumps({"end_model": {"f1": 0.71, "backbone": "tiny-bert"}, "deid": {"mode": "tag"}}))
    ok = [
        ["review", "export", str(data_dir / "tasks.jsonl"), "--db", db, "--dataset", "clinic", "-o", str(tasks)],
        ["review", "import", str(data_dir / "answers_alice.jsonl"), "--db", db, "--dataset", "clinic", "--annotator", "alice"],
        ["review", "import", str(data_dir / "answers_bob.jsonl"), "--db", db, "--dataset", "clinic", "--annotator", "bob"],
        ["agreement", "--db", db, "--dataset", "clinic", "--json"],
        ["adjudicate", "--db", db, "--dataset", "clinic", "--rule", "senior", "--senior", "bob", "--by", "dr_who"],
        ["review", "gold", "--db", db, "--dataset", "clinic", "-o", str(gold)],
        ["card", "--db", db, "--dataset", "clinic", "-o", str(html), "--by", "specialty", "--metrics", str(metrics)],
        ["card", "--db", db, "--dataset", "clinic", "-o", str(md), "--by", "specialty"],
    ]
    for argv in ok:
        capsys.readouterr()
        assert main(argv) == 0, (argv, capsys.readouterr().err)
        if argv[0] == "agreement":
            assert json.loads(capsys.readouterr().out)["span_f1"] == pytest.approx(4 / 7)
    assert len(list(read_jsonl(tasks))) == 3
    gold_recs = [r for _, r in read_jsonl(gold)]
    assert [r["meta"]["id"] for r in gold_recs] == ["n1", "n2"]  # bob (senior) rejected n3
    page = html.read_text()
    assert "<svg" in page and "Subgroups by specialty" in page and _sha(data_dir / "tasks.jsonl") in page
    assert "clinlabel review import" in page and "--annotator alice" in page  # lineage
    assert "0.710" in page and "tag" in page
    text = md.read_text()
    assert text.startswith("# Dataset card: clinic") and "| Cardiology | 2 | 1 |" in text


def test_card_figures_match_a_hand_count(tmp_path, data_dir):
    from review.adjudicate import adjudicate
    from review.prodigy import export_tasks, import_answers

    store = Store(f"sqlite:///{tmp_path / 'card.db'}")
    export_tasks(store, data_dir / "tasks.jsonl", "clinic", tmp_path / "t.jsonl")
    import_answers(store, data_dir / "answers_alice.jsonl", "clinic", annotator="alice")
    import_answers(store, data_dir / "answers_bob.jsonl", "clinic", annotator="bob")
    adjudicate(store, "clinic", rule="senior", senior="bob")
    d = card_data(store, "clinic", by=["specialty"])
    store.close()
    assert d["counts"]["gold_gold"] == 2 and d["counts"]["gold_rejected"] == 1
    assert d["label_counts"] == {"DRUG": {"machine": 1, "gold": 1}, "PROBLEM": {"machine": 3, "gold": 2}}
    # n1's "chest pain" is negated by the machine; bob's answers (gold here) carry no assertion
    assert d["assertion_counts"]["negated"] == {"machine": 1, "gold": 0}
    lf = {r["source"]: r for r in d["lf"]}
    # lf_problem_lexicon: chest pain (right), type 2 diabetes and hyperglycemia (not in bob's gold)
    assert lf["lf_problem_lexicon"]["coverage"] == pytest.approx(2 / 3)
    assert lf["lf_problem_lexicon"]["precision_vs_gold"] == pytest.approx(1 / 3)
    assert lf["lf_drug_lexicon"]["precision_vs_gold"] == 1.0 and lf["icd10cm_matcher"]["precision_vs_gold"] == 0.0
    rows = {r["value"]: r for r in d["subgroups"]["specialty"]}
    assert rows["Cardiology"]["notes"] == 2 and rows["Cardiology"]["gold"] == 1
    assert rows["Cardiology"]["model_f1"] == pytest.approx(0.5)  # {cp, t2d} vs {cp, diabetes}
    assert rows["Endocrinology"]["model_f1"] == pytest.approx(2 / 3)  # {metformin, hyperglycemia} vs {metformin}
    assert rows["Endocrinology"]["label_rates"] == {"DRUG": 1.0, "PROBLEM": 0.0}
    assert d["agreement"]["cohen_kappa"] == pytest.approx(67 / 127)


def test_svg_chart_scales_bars():
    svg = bar_chart_svg("t", ["a", "b"], {"s": [1.0, 0.5]}, width=560)
    widths = [float(x.split('"')[0]) for x in svg.split('width="')[2:4]]
    assert widths[0] == pytest.approx(2 * widths[1])


@pytest.mark.parametrize("argv,needle", [
    (["review", "gold", "--dataset", "nope", "-o", "x.jsonl"], "no dataset 'nope'"),
    (["card", "--dataset", "clinic", "-o", "card.pdf"], "card.html or card.md"),
    (["adjudicate", "--dataset", "clinic", "--rule", "coin"], "unknown adjudication rule"),
    (["agreement"], "nothing to compare"),
])
def test_cli_errors_exit_2_with_the_fix(tmp_path, data_dir, capsys, argv, needle):
    db = f"sqlite:///{tmp_path / 'e.db'}"
    s = Store(db)
    s.add_tasks("clinic", [r for _, r in read_jsonl(data_dir / "tasks.jsonl")])
    s.close()
    argv = [*argv[:1 if argv[0] != "review" else 2], *(["--db", db] if argv != ["agreement"] else []),
            *argv[1 if argv[0] != "review" else 2:]]
    assert main(argv) == 2
    assert needle in capsys.readouterr().err
