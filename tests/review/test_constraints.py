"""The database refuses what the API refuses (CHECK constraints, span triggers), and rows written
before those checks existed do not stop gold, agreement, adjudication or the card: they are
skipped with a warning that names them."""

from __future__ import annotations

import json
import logging
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from clinlabel.cli import main
from review.jsonl import read_jsonl

BAD_SPANS = {
    "negative": [{"start": -5, "end": 3, "label": "PROBLEM"}],
    "past the text": [{"start": 40, "end": 900, "label": "PROBLEM"}],
    "start after end": [{"start": 25, "end": 15, "label": "PROBLEM"}],
    "empty": [{"start": 15, "end": 15, "label": "PROBLEM"}],
    "string offsets": [{"start": "15", "end": "25", "label": "PROBLEM"}],
    "float offsets": [{"start": 15.5, "end": 25, "label": "PROBLEM"}],
    "not a list": {"start": 0, "end": 1},
}


@pytest.mark.parametrize("case", sorted(BAD_SPANS))
def test_the_database_refuses_bad_spans(store, data_dir, case):
    from review.models import Adjudication, Annotation

    store.add_tasks("d", [r for _, r in read_jsonl(data_dir / "tasks.jsonl")])
    eid = store.example_ids("d")[0]
    spans = BAD_SPANS[case]
    with pytest.raises(IntegrityError, match="span offsets must be integers"):
        with store.session() as s:
            s.add(Annotation(example_id=eid, annotator="x", answer="accept", spans=spans, relations=[], codes=[],
                             record={}, retracted=False))
    with pytest.raises(IntegrityError, match="span offsets must be integers"):
        with store.session() as s:
            s.add(Adjudication(example_id=eid, rule="manual", decided_by="x", annotators=[], answer="accept",
                               record={"spans": spans}))
    assert store.annotations("d") == []


@pytest.mark.parametrize("table,column", [("annotations", "answer"), ("code_reviews", "decision"),
                                          ("adjudications", "answer")])
def test_the_database_refuses_unknown_answers_and_decisions(store, data_dir, table, column):
    store.add_tasks("d", [r for _, r in read_jsonl(data_dir / "tasks.jsonl")])
    eid = store.example_ids("d")[0]
    store.review_code(store.codes(eid)[0]["id"], "x", "accepted")
    store.answer(eid, "x", "accept")
    store.add_adjudication(eid, rule="manual", decided_by="x", annotators=[], answer="accept", record={"spans": []})
    with pytest.raises(IntegrityError):
        with store.engine.begin() as conn:
            conn.execute(text(f"UPDATE {table} SET {column} = 'maybe'"))


# --- rows written before the checks ----------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def old_url(request, tmp_path):
    """An empty database at revision 0001 (before users, checks and the audit chain)."""
    from review.store import Store, migrate

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
        schema = None
    else:
        base = request.getfixturevalue("pg_base")
        schema = f"t_old_{uuid.uuid4().hex[:10]}"
        engine = create_engine(base)
        with engine.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        engine.dispose()
        url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    old = Store(url, upgrade=False)
    migrate(old.engine, "0001")
    old.close()
    yield url
    if schema:
        engine = create_engine(request.getfixturevalue("pg_base"))
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


def _write_old_rows(url, data_dir):
    """What an older clinlabel stored: three tasks, alice and carol answered well, bob's answers are
    broken in the three ways the issue found; a few audit entries without hashes."""
    from review.models import Annotation, Dataset, Example, LabelScheme
    from review.store import prepare_task

    engine = create_engine(url)
    tasks = [prepare_task(r) for _, r in read_jsonl(data_dir / "tasks.jsonl")]
    tasks[2]["spans"] = [{"start": "0", "end": 2, "label": "PROBLEM"}]  # a malformed machine span too
    ids = []
    with Session(engine) as s, s.begin():
        ds = Dataset(name="clinic", meta={})
        s.add(ds)
        s.flush()
        s.add(LabelScheme(dataset_id=ds.id, version=1, labels=["DRUG", "PROBLEM"]))
        for i, t in enumerate(tasks):
            ex = Example(dataset_id=ds.id, position=i, note_id=t["meta"]["id"], input_hash=t["_input_hash"],
                         task_hash=t["_task_hash"], text=t["text"], task=t, uncertainty=0.0)
            s.add(ex)
            s.flush()
            ids.append(ex.id)
        bad = [[{"start": -5, "end": 3, "label": "PROBLEM"}], [{"start": "8", "end": "17", "label": "DRUG"}],
               [{"start": 0, "end": 2, "label": "ALIEN"}]]
        for eid, t, bad_spans in zip(ids, tasks, bad):
            good = [dict(sp) for sp in t["spans"] if isinstance(sp["start"], int)]
            for who, spans in (("alice", good), ("carol", good), ("bob", bad_spans)):
                rec = {**t, "spans": spans, "answer": "accept", "_annotator_id": who}
                s.add(Annotation(example_id=eid, annotator=who, answer="accept", spans=spans, relations=[], codes=[],
                                 record=rec, retracted=False))
        for i, eid in enumerate(ids):
            s.execute(text("INSERT INTO audit_log (at, actor, dataset_id, example_id, action, target, before, after) "
                           "VALUES (CURRENT_TIMESTAMP, 'clinlabel', :ds, :ex, 'add_example', :t, NULL, :a)"),
                      {"ds": ds.id, "ex": eid, "t": f"n{i + 1}", "a": json.dumps({"i": i})})
    engine.dispose()
    return ids


def test_old_bad_rows_are_skipped_with_a_located_warning(old_url, data_dir, tmp_path, caplog, capsys):
    from review.adjudicate import adjudicate
    from review.agreement import agreement, answers_from_store
    from review.card import card_data
    from review.prodigy import gold_records
    from review.store import Store, current_revision

    ids = _write_old_rows(old_url, data_dir)
    store = Store(old_url)  # upgrades 0001 -> head; the old audit entries get their chain
    assert current_revision(store.engine) == "0002"
    assert store.verify_audit().ok and store.verify_audit().entries == 3
    caplog.set_level(logging.WARNING)
    gold, stats = gold_records(store, "clinic")
    assert [g["meta"]["id"] for g in gold] == ["n1", "n2", "n3"] and stats["agreed"] == 3  # alice and carol
    warned = [r.getMessage() for r in caplog.records]
    for eid, note, why in zip(ids, ("n1", "n2", "n3"), ("do not satisfy 0 <= start", "are not integers",
                                                       "not in the label scheme")):
        assert any(f"(note {note}, by bob) skipped: span 0" in w and why in w for w in warned), (note, warned)
    assert agreement(answers_from_store(store, "clinic"))["annotators"] == ["alice", "carol"]
    assert adjudicate(store, "clinic", rule="majority")["open"] == 0
    card = card_data(store, "clinic")
    assert card["counts"]["gold_gold"] == 3
    assert any("machine span 0 skipped in the card" in r.getMessage() for r in caplog.records)
    # a new answer with the same fault is refused by the database now
    with pytest.raises(IntegrityError):
        store.answer(ids[0], "bob", "accept", spans=[{"start": -5, "end": 3, "label": "PROBLEM"}])
    store.close()
    for argv in (["review", "gold", "--db", old_url, "--dataset", "clinic", "-o", str(tmp_path / "gold.jsonl")],
                 ["agreement", "--db", old_url, "--dataset", "clinic"],
                 ["adjudicate", "--db", old_url, "--dataset", "clinic"],
                 ["card", "--db", old_url, "--dataset", "clinic", "-o", str(tmp_path / "card.md")]):
        assert main(argv) == 0, argv
    assert len(list(read_jsonl(tmp_path / "gold.jsonl"))) == 3
    assert all(sp["start"] >= 0 for _, g in read_jsonl(tmp_path / "gold.jsonl") for sp in g["spans"])
