"""Label Studio's JSON export -> `convert --from label-studio` -> `review import`, `agreement`, `review gold`."""

from __future__ import annotations

import json


def _region(rid, start, end, label, choices=()):
    value = {"start": start, "end": end, "labels": [label]}
    items = [{"id": rid, "from_name": "label", "to_name": "text", "type": "labels", "value": value}]
    if choices:
        items.append({"id": rid, "from_name": "assertion", "to_name": "text", "type": "choices",
                      "value": {"start": start, "end": end, "choices": list(choices)}})
    return items


def test_label_studio_export_feeds_the_review_loop(tmp_path, capsys):
    from clinlabel.cli import main

    export = []
    for i in range(3):
        text = f"No fever. Asthma since 200{i}."
        a = _region("a", 3, 8, "Problem", ["negated"]) + _region("b", 10, 16, "Problem", ["historical"])
        b = _region("c", 3, 8, "Problem", ["negated"]) + (_region("d", 10, 16, "Problem", ["historical"]) if i else [])
        export.append({"id": i + 1, "data": {"text": text, "meta": {"id": f"n{i}"}},
                       "annotations": [{"id": 10 + i, "completed_by": {"id": 1, "email": "ann@x.org"}, "result": a},
                                       {"id": 20 + i, "completed_by": {"id": 2, "email": "bob@x.org"}, "result": b}]})
    src = tmp_path / "project-1-export.json"
    src.write_text(json.dumps(export), encoding="utf-8")
    answers = tmp_path / "answers.jsonl"
    assert main(["convert", str(src), "-o", str(answers), "--no-progress"]) == 0
    assert "(label-studio -> prodigy)" in capsys.readouterr().err
    rows = [json.loads(line) for line in answers.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 6 and {r["_annotator_id"] for r in rows} == {"ann@x.org", "bob@x.org"}

    assert main(["agreement", str(answers), "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert sorted(res["annotators"]) == ["ann@x.org", "bob@x.org"]
    assert res["n_items"] == 3
    assert 0 < res["span_f1"] < 1  # bob missed one span in the first note

    db = f"sqlite:///{tmp_path / 'review.db'}"
    assert main(["review", "import", str(answers), "--db", db, "--dataset", "ls"]) == 0
    gold = tmp_path / "gold.jsonl"
    assert main(["review", "gold", "--db", db, "--dataset", "ls", "-o", str(gold)]) == 0
    err = capsys.readouterr().err
    gold_rows = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    # notes n1 and n2: both annotators agree on the spans and their assertions, so they are gold;
    # n0 is a disagreement (bob missed a span)
    assert sorted(r["meta"]["id"] for r in gold_rows) == ["n1", "n2"], err
    fever = next(s for s in gold_rows[0]["spans"] if s["start"] == 3)
    assert fever["label"] == "Problem" and fever["negated"] is True
