"""Round trip with hand-written Prodigy answer files (tests/data/review, see its README)."""

from __future__ import annotations

import json

import pytest

from corpora.errors import ClinlabelError
from corpora.record import ASSERTIONS
from review.adjudicate import adjudicate, disagreements
from review.jsonl import read_jsonl
from review.prodigy import export_gold, export_tasks, gold_records, import_answers


def _spans(rec):
    return sorted((s["start"], s["end"], s["label"]) for s in rec["spans"])


def _codes(rec):
    return sorted(c["code"] for c in rec["codes"] if c["decision"] == "accepted")


@pytest.fixture
def loaded(store, data_dir, tmp_path):
    out = tmp_path / "tasks.jsonl"
    stats = export_tasks(store, data_dir / "tasks.jsonl", "clinic_review", out)
    assert stats["added"] == 3 and stats["written"] == 3
    return store, out


def test_export_writes_prodigy_tasks_with_hashes_and_options(loaded, data_dir):
    store, out = loaded
    tasks = [r for _, r in read_jsonl(out)]
    answers = [r for _, r in read_jsonl(data_dir / "answers_alice.jsonl")]
    # the answer files were made from these tasks: same hashes
    assert [t["_task_hash"] for t in tasks] == [a["_task_hash"] for a in answers]
    assert [t["_input_hash"] for t in tasks] == [a["_input_hash"] for a in answers]
    assert tasks[0]["options"] == [{"id": "ICD-10-CM:E11.9", "text": "E11.9 Type 2 diabetes mellitus without complications"},
                                   {"id": "ICD-10-CM:R07.9", "text": "R07.9 Chest pain, unspecified"}]
    assert tasks[0]["spans"][0]["negated"] is True  # clinlabel keys survive
    assert store.lineage("clinic_review")["label_scheme"]["labels"] == ["DRUG", "PROBLEM"]


def test_import_two_annotators_then_gold_needs_adjudication(loaded, data_dir, tmp_path):
    store, _ = loaded
    a = import_answers(store, data_dir / "answers_alice.jsonl", "clinic_review", annotator="alice")
    b = import_answers(store, data_dir / "answers_bob.jsonl", "clinic_review", annotator="bob")
    assert a == {"imported": 3, "duplicates": 0, "new_tasks": 0, "accept": 3, "reject": 0, "ignore": 0}
    assert b["reject"] == 1
    # importing the same file again adds nothing
    assert import_answers(store, data_dir / "answers_bob.jsonl", "clinic_review", annotator="bob")["duplicates"] == 3
    gold, stats = gold_records(store, "clinic_review")
    assert gold == [] and stats["pending"] == 3
    assert len(disagreements(store, "clinic_review")) == 3
    # two annotators: every disagreement is a tie for the majority rule
    res = adjudicate(store, "clinic_review", rule="majority")
    assert res["adjudicated"] == 0 and res["unresolved"] == 3
    res = adjudicate(store, "clinic_review", rule="senior", senior="alice", decided_by="dr_senior")
    assert res["adjudicated"] == 3
    out = tmp_path / "gold.jsonl"
    stats = export_gold(store, "clinic_review", out)
    gold = [r for _, r in read_jsonl(out)]
    assert stats["gold"] == 3 and stats["adjudicated"] == 3
    from corpora.formats import read_corpus  # what `clinlabel train --gold` reads it with

    assert [r["meta"]["id"] for r in read_corpus(out)] == ["n1", "n2", "n3"]
    assert _spans(gold[0]) == [(15, 25, "PROBLEM"), (34, 49, "PROBLEM")]
    assert _codes(gold[0]) == ["E11.9"]
    assert _codes(gold[1]) == ["R73.9"]
    assert gold[0]["meta"]["review"] == {"rule": "senior", "decided_by": "dr_senior", "annotators": ["alice", "bob"]}
    assert all(r["answer"] == "accept" for r in gold)
    # every gold span carries the five assertion attributes as booleans (docs/CONTRACTS.md)
    assert all(isinstance(sp[a], bool) for r in gold for sp in r["spans"] for a in ASSERTIONS)
    log = [r for r in store.audit("clinic_review") if r["action"] == "adjudicate"]
    assert len(log) == 3 and {r["actor"] for r in log} == {"dr_senior"}


def test_majority_of_three_annotators(loaded, data_dir):
    store, _ = loaded
    for who in ("alice", "bob", "carol"):
        import_answers(store, data_dir / f"answers_{who}.jsonl", "clinic_review")  # _annotator_id from the file
    res = adjudicate(store, "clinic_review", rule="majority")
    assert res == {"open": 3, "adjudicated": 3, "unresolved": 0, "unresolved_ids": []}
    gold, stats = gold_records(store, "clinic_review")
    assert stats["gold"] == 3
    # "diabetes" (bob only) dropped, "type 2 diabetes" (alice, carol) kept; R73.9 accepted 2:1
    assert _spans(gold[0]) == [(15, 25, "PROBLEM"), (34, 49, "PROBLEM")]
    assert _spans(gold[1]) == [(8, 17, "DRUG"), (22, 35, "PROBLEM")]
    assert _codes(gold[1]) == ["R73.9"]
    assert gold[2]["spans"] == [] and gold[2]["meta"]["id"] == "n3"
    assert set(gold[0]["meta"]["review"]["annotators"]) == {
        "clinic_review-alice", "clinic_review-bob", "clinic_review-carol"}


def test_agreeing_annotators_go_straight_to_gold(loaded, data_dir):
    store, _ = loaded
    import_answers(store, data_dir / "answers_alice.jsonl", "clinic_review", annotator="alice")
    import_answers(store, data_dir / "answers_carol.jsonl", "clinic_review", annotator="carol")
    gold, stats = gold_records(store, "clinic_review")
    assert stats == {"gold": 3, "adjudicated": 0, "agreed": 3, "rejected": 0, "pending": 0, "unanswered": 0}
    assert gold[0]["meta"]["review"]["rule"] == "unanimous"


def test_choice_interface_accept_list(loaded, data_dir, tmp_path):
    store, out = loaded
    task = [r for _, r in read_jsonl(out)][0]
    ans = dict(task, answer="accept", accept=["ICD-10-CM:R07.9"], _annotator_id="coders-dave", _session_id="coders-dave")
    f = tmp_path / "choice.jsonl"
    f.write_text(json.dumps(ans) + "\n", encoding="utf-8")
    import_answers(store, f, "clinic_review")
    eid = store.example_ids("clinic_review")[0]
    assert {c["code"]: c["decision"] for c in store.codes(eid, "coders-dave")} == {"E11.9": "rejected", "R07.9": "accepted"}


def test_unknown_task_is_added_from_the_answer(sqlite_store, tmp_path):
    store = sqlite_store
    rec = {"text": "Aspirin daily.", "meta": {"id": "x1"}, "spans": [{"start": 0, "end": 7, "label": "DRUG"}],
           "answer": "accept", "_input_hash": 11, "_task_hash": 22}
    f = tmp_path / "a.jsonl"
    f.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    stats = import_answers(store, f, "fresh", annotator="eve")
    assert stats["new_tasks"] == 1
    gold, _ = gold_records(store, "fresh")
    assert gold[0]["spans"][0]["text"] == "Aspirin" and gold[0]["_task_hash"] == 22


@pytest.mark.parametrize("line,match", [
    ({"text": "x", "answer": "maybe"}, "\"answer\" is 'maybe'"),
    ({"text": "x", "answer": "accept", "_task_hash": "abc"}, "_task_hash is 'abc'"),
    ({"text": "x", "answer": "accept"}, "no \"_annotator_id\""),
])
def test_bad_answer_lines_are_located_and_nothing_is_written(sqlite_store, tmp_path, line, match):
    store = sqlite_store
    good = {"text": "ok", "answer": "accept", "_annotator_id": "a"}
    f = tmp_path / "bad.jsonl"
    f.write_text(json.dumps(good) + "\n" + json.dumps(line) + "\n", encoding="utf-8")
    with pytest.raises(ClinlabelError, match=match) as err:
        import_answers(store, f, "d")
    assert err.value.line == 2 and err.value.file == str(f)
    assert store.datasets() == []


def test_notes_with_identical_text_keep_their_own_ids(store, tmp_path):
    """Twins (same text and task, different ids) stay two examples through export, Prodigy's
    answers, the store and gold; exporting the same file again adds nothing."""
    from corpora.record import set_hashes

    notes = [{"text": "No acute distress.", "meta": {"id": i}} for i in ("a", "b", "c")]
    notes.append({"text": "Chest pain.", "meta": {"id": "d"}, "spans": [{"start": 0, "end": 10, "label": "PROBLEM"}]})
    src = tmp_path / "notes.jsonl"
    src.write_text("".join(json.dumps(set_hashes(dict(n))) + "\n" for n in notes), encoding="utf-8")
    assert len({json.loads(x)["_task_hash"] for x in src.read_text().splitlines()}) == 2  # upstream hashes collide
    out = tmp_path / "tasks.jsonl"
    assert export_tasks(store, src, "twins", out)["added"] == 4
    assert export_tasks(store, src, "twins", out)["added"] == 0
    tasks = [r for _, r in read_jsonl(out)]
    assert [t["meta"]["id"] for t in tasks] == ["a", "b", "c", "d"]
    assert len({t["_task_hash"] for t in tasks}) == 4 and len({t["_input_hash"] for t in tasks[:3]}) == 1
    # answers as Prodigy writes them (the exported hashes) and as a tool that kept the upstream ones
    answers = tmp_path / "answers.jsonl"
    lines = [dict(t, answer="accept", _annotator_id="ann") for t in tasks[:2]]
    lines.append(dict(json.loads(src.read_text().splitlines()[2]), answer="reject", _annotator_id="ann"))
    lines.append(dict(tasks[3], answer="accept", _annotator_id="ann"))
    answers.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    assert import_answers(store, answers, "twins")["new_tasks"] == 0
    by_note = {store.example_view(a["example_id"])["note_id"]: a["answer"] for a in store.annotations("twins")}
    assert by_note == {"a": "accept", "b": "accept", "c": "reject", "d": "accept"}
    gold, _ = gold_records(store, "twins")
    assert [g["meta"]["id"] for g in gold] == ["a", "b", "d"]
