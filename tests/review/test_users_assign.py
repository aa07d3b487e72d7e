"""Users (tokens stored as hashes), roles, and queues with a stated share of doubly annotated notes."""

from __future__ import annotations

import hashlib
from collections import Counter
from itertools import combinations

import pytest
from sqlalchemy import text

from clinlabel.cli import main
from corpora.errors import ReviewError


def _notes(n):
    return [{"text": f"Note number {i}.", "meta": {"id": f"n{i}"}} for i in range(n)]


def test_tokens_are_stored_as_hashes_only(store):
    token = store.add_user("alice", "annotator")
    assert token.startswith("clt_") and len(token) > 40
    with store.engine.connect() as conn:
        stored = conn.execute(text("SELECT token_hash FROM users WHERE name = 'alice'")).scalar()
    assert stored == hashlib.sha256(token.encode()).hexdigest() and token not in stored
    assert store.user_for_token(token)["name"] == "alice"
    assert store.user_for_token(token[:-1] + "x") is None
    new = store.reset_user("alice")
    assert new != token and store.user_for_token(token) is None and store.user_for_token(new)["role"] == "annotator"
    store.set_user_disabled("alice")
    assert store.user_for_token(new) is None
    assert store.users()[0]["disabled"] is True


@pytest.mark.parametrize("name,role,needle", [
    ("alice", "annotator", "already exists"),
    ("bob", "superuser", "unknown role"),
    ("bad name", "annotator", "not allowed"),
    ("<script>", "annotator", "not allowed"),
])
def test_user_errors(store, name, role, needle):
    store.add_user("alice", "annotator")
    with pytest.raises(ReviewError, match=needle) as err:
        store.add_user(name, role)
    assert err.value.code == "CL-REV010"


def test_the_database_refuses_an_unknown_role(store):
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        with store.engine.begin() as conn:
            conn.execute(text("INSERT INTO users (name, role, token_hash, disabled, created_at, updated_at) "
                              "VALUES ('x', 'root', 'h', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))


def test_assign_gives_the_stated_share_to_two_annotators(store):
    store.add_tasks("d", _notes(100))
    for who in "abc":
        store.add_user(who, "annotator")
    store.add_user("judge", "adjudicator")
    stats = store.assign("d", ["a", "b", "c"], overlap=0.2, seed=7, adjudicators=["judge"])
    assert stats["examples"] == 100 and stats["doubly_annotated"] == 20
    queues = store.assignments("d")
    per_note = Counter(e for q in queues.values() for e in q)
    assert set(per_note) == set(store.example_ids("d"))  # every note is in some queue
    assert sorted(Counter(per_note.values()).items()) == [(1, 80), (2, 20)]
    loads = [len(q) for q in queues.values()]
    assert max(loads) - min(loads) <= 1 and sum(loads) == 120
    pairs = Counter(tuple(sorted(w for w, q in queues.items() if e in q)) for e, k in per_note.items() if k == 2)
    assert set(pairs) == set(combinations("abc", 2)) and max(pairs.values()) - min(pairs.values()) <= 1
    assert {u["name"]: u["datasets"] for u in store.users()} == {"a": ["d"], "b": ["d"], "c": ["d"], "judge": ["d"]}
    # again: only new notes are assigned; the seed makes it repeatable
    store.add_tasks("d", [{"text": "A later note.", "meta": {"id": "late"}}])
    again = store.assign("d", ["a", "b", "c"], overlap=0.2, seed=7)
    assert again["examples"] == 1 and again["already_assigned"] == 100
    assert any(e == store.example_ids("d")[-1] for q in store.assignments("d").values() for e in q)


def test_assign_is_repeatable_with_a_seed(tmp_path):
    from review.store import Store

    def run(seed, path):
        s = Store(f"sqlite:///{path}")
        s.add_tasks("d", _notes(30))
        for who in "ab":
            s.add_user(who, "annotator")
        s.assign("d", ["a", "b"], overlap=0.5, seed=seed)
        out = {w: [s.example_view(e)["note_id"] for e in q] for w, q in s.assignments("d").items()}
        s.close()
        return out

    assert run(1, tmp_path / "x.db") == run(1, tmp_path / "y.db")
    assert run(1, tmp_path / "z.db") != run(2, tmp_path / "w.db")


@pytest.mark.parametrize("kwargs,needle,code", [
    ({"annotators": ["a", "b"], "overlap": 1.5}, "between 0 and 1", "CL-REV011"),
    ({"annotators": ["a"], "overlap": 0.2}, "two or more annotators", "CL-REV011"),
    ({"annotators": ["a", "a"]}, "each name once", "CL-REV011"),
    ({"annotators": ["a", "ghost"]}, "no user 'ghost'", "CL-REV010"),
    ({"annotators": ["a"], "adjudicators": ["b"]}, "not adjudicator", "CL-REV011"),
    ({"annotators": ["off"]}, "disabled", "CL-REV011"),
])
def test_assign_errors(sqlite_store, kwargs, needle, code):
    store = sqlite_store
    store.add_tasks("d", _notes(3))
    for who in ("a", "b", "off"):
        store.add_user(who, "annotator")
    store.set_user_disabled("off")
    with pytest.raises(ReviewError, match=needle) as err:
        store.assign("d", **kwargs)
    assert err.value.code == code
    assert store.assignments("d") == {}


def test_user_and_assign_commands(sqlite_url, capsys):
    from review.store import Store

    s = Store(sqlite_url)
    s.add_tasks("d", _notes(10))
    s.close()
    tokens = {}
    for who, role in (("alice", "annotator"), ("bob", "annotator"), ("dr_lee", "adjudicator")):
        assert main(["review", "user", "add", who, "--role", role, "--db", sqlite_url]) == 0
        out = capsys.readouterr()
        tokens[who] = out.out.splitlines()[-1]
        assert out.out.strip() == tokens[who] and tokens[who] not in out.err  # the token alone, on stdout only
    assert main(["review", "assign", "--db", sqlite_url, "--dataset", "d", "--annotators", "alice,bob",
                 "--overlap", "0.2", "--seed", "3", "--adjudicators", "dr_lee"]) == 0
    assert "2 to two annotators" in capsys.readouterr().err
    assert main(["review", "user", "list", "--db", sqlite_url]) == 0
    listing = capsys.readouterr().out
    assert "dr_lee" in listing and "adjudicator" in listing and tokens["alice"] not in listing
    assert main(["review", "user", "reset", "alice", "--db", sqlite_url]) == 0
    new = capsys.readouterr().out.splitlines()[-1]
    assert main(["review", "user", "disable", "bob", "--db", sqlite_url]) == 0
    s = Store(sqlite_url)
    assert s.user_for_token(tokens["alice"]) is None and s.user_for_token(new)["name"] == "alice"
    assert s.user_for_token(tokens["bob"]) is None
    assert sorted(len(q) for q in s.assignments("d").values()) == [6, 6]
    s.close()
    assert main(["review", "user", "add", "alice", "--role", "annotator", "--db", sqlite_url]) == 2
    assert "already exists" in capsys.readouterr().err
