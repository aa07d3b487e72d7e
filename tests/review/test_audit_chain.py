"""The audit log's hash chain: `review verify` finds a row changed or removed around the
append-only trigger (lifted here with raw SQL, as an attacker with database rights could)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from clinlabel.cli import main
from review.audit import GENESIS
from review.jsonl import read_jsonl


def _work(store, data_dir):
    store.add_tasks("notes", [r for _, r in read_jsonl(data_dir / "tasks.jsonl")])
    eid = store.example_ids("notes")[0]
    code = store.codes(eid)[0]["id"]
    store.review_code(code, "alice", "accepted")
    store.answer(eid, "alice", "accept")
    store.answer(eid, "bob", "reject")
    store.undo("notes", "bob")
    return len(store.audit("notes"))


def _tamper(store, sql):
    """Run ``sql`` on audit_log with the append-only trigger lifted, then put the trigger back."""
    with store.engine.begin() as conn:
        if store.backend == "postgresql":
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
            conn.execute(text(sql))
            conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))
        else:
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
            conn.execute(text("DROP TRIGGER audit_log_no_delete"))
            conn.execute(text(sql))
            for event in ("UPDATE", "DELETE"):
                conn.execute(text(f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
                                  "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"))


def test_every_entry_carries_the_hash_of_the_one_before(store, data_dir):
    n = _work(store, data_dir)
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT id, prev_hash, entry_hash FROM audit_log ORDER BY id")).all()
    assert len(rows) == n > 5
    assert rows[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.entry_hash for a, b in zip(rows, rows[1:]))
    report = store.verify_audit()
    assert report.ok and report.entries == n and report.head == rows[-1].entry_hash


@pytest.mark.parametrize("sql,broken,reason", [
    ("UPDATE audit_log SET actor = 'mallory' WHERE id = 4", 4, "contents were changed"),
    ("UPDATE audit_log SET after = '\"rejected\"' WHERE id = 4", 4, "contents were changed"),
    ("DELETE FROM audit_log WHERE id = 4", 5, "does not point to the entry before it"),
    ("UPDATE audit_log SET entry_hash = prev_hash WHERE id = 6", 6, "contents were changed"),
])
def test_verify_reports_the_first_broken_link(store, data_dir, capsys, sql, broken, reason):
    _work(store, data_dir)
    assert main(["review", "verify", "--db", store.url]) == 0
    assert "audit log intact" in capsys.readouterr().out
    _tamper(store, sql)
    report = store.verify_audit()
    assert not report.ok and report.broken_at == broken and reason in report.reason
    assert report.last_good == broken - 1 - (1 if sql.startswith("DELETE") else 0)
    assert main(["review", "verify", "--db", store.url]) == 2
    err = capsys.readouterr().err
    assert f"audit log broken at entry {broken}" in err and "CL-REV012" in err


def test_concurrent_writers_keep_one_chain(store, data_dir):
    import threading

    store.add_tasks("notes", [r for _, r in read_jsonl(data_dir / "tasks.jsonl")])
    ids = store.example_ids("notes")

    def work(who):
        for eid in ids:
            store.answer(eid, who, "accept")

    threads = [threading.Thread(target=work, args=(f"c{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(store.annotations("notes")) == 4 * len(ids)
    assert store.verify_audit().ok
