from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from corpora.errors import ClinlabelError, ReviewError
from review.jsonl import read_jsonl
from review.store import Store, current_revision, migrations_path, uncertainty


def _tasks(data_dir):
    return [rec for _, rec in read_jsonl(data_dir / "tasks.jsonl")]


def test_migrations_ship_inside_the_package(store):
    assert migrations_path().endswith("migrations")
    assert current_revision(store.engine) == "0002"
    # reopening an up-to-date store is a no-op migration
    again = Store(store.url)
    assert current_revision(again.engine) == "0002"
    again.close()


def test_add_tasks_dedupes_and_keeps_codes(store, data_dir):
    first = store.add_tasks("notes", _tasks(data_dir))
    second = store.add_tasks("notes", _tasks(data_dir))
    assert first == {"added": 3, "skipped": 0}
    assert second == {"added": 0, "skipped": 3}
    tasks = store.tasks("notes")
    assert [t["meta"]["id"] for t in tasks] == ["n1", "n2", "n3"]
    assert [c["code"] for c in tasks[0]["codes"]] == ["E11.9", "R07.9"]
    assert tasks[0]["options"][0]["id"] == "ICD-10-CM:E11.9"
    assert all(isinstance(t["_input_hash"], int) and isinstance(t["_task_hash"], int) for t in tasks)


def test_code_review_answer_undo_and_audit(store, data_dir):
    store.add_tasks("notes", _tasks(data_dir))
    eid = store.next_example("notes", "alice")
    view = store.example_view(eid, "alice")
    e11, r07 = view["codes"]
    store.review_code(e11["id"], "alice", "accepted", session_id="s1")
    store.review_code(r07["id"], "alice", "rejected", session_id="s1")
    store.add_code(eid, "I10", "alice", description="Essential (primary) hypertension", session_id="s1")
    codes = {c["code"]: c["decision"] for c in store.codes(eid, "alice")}
    assert codes == {"E11.9": "accepted", "R07.9": "rejected", "I10": "accepted"}
    # bob has his own decisions
    assert {c["code"]: (c["decision"], c["origin"]) for c in store.codes(eid, "bob")} == {
        "E11.9": ("pending", "suggested"), "R07.9": ("pending", "suggested"), "I10": ("pending", "added")}
    # the suggester's clinical status is kept next to the reviewer's decision
    assert {c["code"]: c.get("status") for c in store.codes(eid, "alice")} == {
        "E11.9": "confirmed", "R07.9": "negated", "I10": None}
    store.answer(eid, "alice", "accept", session_id="s1")
    assert store.next_example("notes", "alice") != eid
    assert store.progress("notes", "alice") == {"total": 3, "done": 1}
    assert store.undo("notes", "alice") == eid
    assert store.next_example("notes", "alice") == eid
    actions = [(r["actor"], r["action"], r["target"]) for r in store.audit("notes", example_id=eid)]
    assert ("alice", "code_accept", "ICD-10-CM:E11.9") in actions
    assert ("alice", "code_reject", "ICD-10-CM:R07.9") in actions
    assert ("alice", "code_add", "ICD-10-CM:I10") in actions
    assert [a for _, a, _ in actions][-2:] == ["answer", "undo"]
    # the changed decision keeps the previous value in the log
    store.review_code(e11["id"], "alice", "rejected")
    last = store.audit("notes")[-1]
    assert (last["before"], last["after"]) == ("accepted", "rejected")


def test_audit_log_is_append_only_in_the_database(store, data_dir):
    store.add_tasks("notes", _tasks(data_dir))
    n = len(store.audit("notes"))
    for sql in ("UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"):
            with store.engine.begin() as conn:
                conn.execute(text(sql))
    assert len(store.audit("notes")) == n
    assert {r["actor"] for r in store.audit("notes")} == {"clinlabel"}


def test_audit_log_orm_guard(store, data_dir):
    from review.models import AuditLog

    store.add_tasks("notes", _tasks(data_dir))
    with pytest.raises(ReviewError, match="append-only"):
        with store.session() as s:
            row = s.get(AuditLog, 1)
            row.actor = "mallory"


def test_concurrent_annotators_lose_no_answer(store, data_dir):
    store.add_tasks("notes", _tasks(data_dir))
    ids = store.example_ids("notes")
    errors = []

    def work(who):
        try:
            for eid in ids:
                codes = store.codes(eid, who)
                for c in codes:
                    store.review_code(c["id"], who, "accepted", session_id=who)
                store.add_code(eid, "Z00.00", who, description="General exam", session_id=who)
                store.answer(eid, who, "accept", session_id=who)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(f"coder{i}",)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    anns = store.annotations("notes")
    assert len(anns) == 6 * len(ids)
    assert {(a["annotator"], a["example_id"]) for a in anns} == {(f"coder{i}", e) for i in range(6) for e in ids}
    # the code everybody added exists once per example and is accepted by each of them
    for eid in ids:
        z = [c for c in store.codes(eid) if c["code"] == "Z00.00"]
        assert len(z) == 1
        assert all(any(c["code"] == "Z00.00" and c["decision"] == "accepted" for c in store.codes(eid, f"coder{i}"))
                   for i in range(6))


def test_uncertainty_sort(sqlite_store, data_dir):
    store = sqlite_store
    store.add_tasks("notes", _tasks(data_dir))
    order = store.example_ids("notes", sort="uncertainty")
    notes = [store.example_view(i)["note_id"] for i in order]
    # 1 - prod(p): n1 spans 0.9, 0.55 -> 0.505; n2 0.97, 0.7 -> 0.321; n3 has no span -> 0, last
    assert notes == ["n1", "n2", "n3"]
    assert [store.example_view(i)["uncertainty"] for i in order] == pytest.approx([0.505, 0.321, 0.0])
    assert uncertainty({"meta": {"uncertainty": 0.3}, "spans": [{"score": 0.5}]}) == 0.3
    assert uncertainty({"spans": [{"score": 0.5}]}) == pytest.approx(0.5)
    # two unsure spans make a note less certain than one a little less sure; codes do not count
    assert uncertainty({"spans": [{"score": 0.9}, {"score": 0.9}]}) > uncertainty({"spans": [{"score": 0.85}]})
    assert uncertainty({"spans": [{"score": 1.0}], "codes": [{"score": 0.5}]}) == 0.0
    with pytest.raises(ClinlabelError, match="unknown sort"):
        store.example_ids("notes", sort="random")


def test_missing_dataset_and_annotator_errors(sqlite_store):
    store = sqlite_store
    with pytest.raises(ReviewError, match="no dataset 'nope'") as err:
        store.tasks("nope")
    assert err.value.code == "CL-REV002"
    store.ensure_dataset("x")
    with pytest.raises(ReviewError, match="annotator") as err:
        store.undo("x", "")
    assert err.value.code == "CL-REV004"


def test_bad_url_is_a_located_error(tmp_path):
    with pytest.raises(ReviewError) as err:
        Store("nosuchdialect://x/y")
    assert err.value.code == "CL-REV001"


def test_label_scheme_and_guideline_versions(store, tmp_path):
    assert store.set_label_scheme("d", ["PROBLEM", "DRUG"]) == 1
    assert store.set_label_scheme("d", ["DRUG", "PROBLEM"]) == 1
    assert store.set_label_scheme("d", ["DRUG", "PROBLEM", "TEST"]) == 2
    g = tmp_path / "guide.md"
    g.write_text("Mark problems.", encoding="utf-8")
    assert store.add_guideline("d", g) == 1
    assert store.add_guideline("d", g) == 1
    g.write_text("Mark problems and drugs.", encoding="utf-8")
    assert store.add_guideline("d", g) == 2
    lin = store.lineage("d")
    assert lin["label_scheme"] == {"version": 2, "labels": ["DRUG", "PROBLEM", "TEST"]}
    assert lin["guideline"]["version"] == 2


def test_models_and_migrations_agree(store):
    """A model change without a migration fails here (Alembic's autogenerate sees no difference)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from review.models import Base

    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_unreachable_postgres_is_a_clear_error():
    with pytest.raises(ReviewError, match="cannot reach database") as err:
        Store("postgresql+psycopg://nobody:secret@127.0.0.1:1/none?connect_timeout=2")
    assert err.value.code == "CL-REV001" and "secret" not in str(err.value)


def test_a_new_sqlite_store_is_private(tmp_path):
    import os
    import stat

    store = Store(f"sqlite:///{tmp_path / 'sub' / 'private.db'}")
    store.add_tasks("d", [{"text": "PHI here.", "meta": {"id": "1"}}])
    mode = stat.S_IMODE(os.stat(tmp_path / "sub" / "private.db").st_mode)
    assert mode == 0o600, oct(mode)
    store.close()
