"""The review page's HTTP API (FastAPI TestClient; the browser test drives the same endpoints)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from review.jsonl import read_jsonl
from review.prodigy import import_answers
from review.web import create_app
from web_client import fake_search, local, make_app


@pytest.fixture
def client(tmp_path, data_dir):
    from review.store import Store

    store = Store(f"sqlite:///{tmp_path / 'web.db'}")
    store.add_tasks("clinic", [r for _, r in read_jsonl(data_dir / "tasks.jsonl")])
    yield local(make_app(store)), store
    store.close()


def test_page_and_static_files_are_local(client):
    c, _ = client
    page = c.get("/").text
    assert "/static/app.js" in page and "http" not in page.replace("http-equiv", "")
    assert c.get("/static/app.js").status_code == 200
    assert c.get("/static/../store.py").status_code == 404


def test_review_flow_over_http(client):
    c, store = client
    assert c.get("/api/next").status_code == 400  # annotator required
    ex = c.get("/api/next", params={"annotator": "ann"}).json()["example"]
    assert ex["note_id"] == "n1"
    e11 = next(x for x in ex["codes"] if x["code"] == "E11.9")
    who = {"annotator": "ann", "session_id": "s"}
    assert c.post(f"/api/code/{e11['id']}", json={**who, "decision": "accepted"}).status_code == 200
    assert c.post(f"/api/code/{e11['id']}", json={**who, "decision": "maybe"}).status_code == 404
    assert c.get("/api/search", params={"q": "hypertension"}).json()["results"][0]["code"] == "I10"
    c.post(f"/api/example/{ex['id']}/code", json={**who, "code": "I10", "description": "Essential (primary) hypertension"})
    spans = [{"start": 15, "end": 25, "label": "PROBLEM"}]  # the reviewer removed one span
    r = c.post(f"/api/example/{ex['id']}/answer", json={**who, "answer": "accept", "spans": spans})
    assert r.status_code == 200
    nxt = c.get("/api/next", params={"annotator": "ann"}).json()
    assert nxt["example"]["note_id"] == "n2" and nxt["progress"] == {"total": 3, "done": 1}
    ann = store.annotations("clinic")[0]
    assert ann["spans"] == [{"start": 15, "end": 25, "label": "PROBLEM", "text": "chest pain"}]
    assert {c_["code"]: c_["decision"] for c_ in ann["codes"]} == {"E11.9": "accepted", "R07.9": "pending", "I10": "accepted"}
    assert ann["codes"][1]["status"] == "negated"
    assert c.post("/api/undo", json=who).json() == {"example_id": ex["id"]}
    assert c.get("/api/next", params={"annotator": "ann"}).json()["progress"]["done"] == 0


def test_adjudication_mode(tmp_path, data_dir):
    from review.store import Store

    store = Store(f"sqlite:///{tmp_path / 'adj.db'}")
    store.add_tasks("clinic", [r for _, r in read_jsonl(data_dir / "tasks.jsonl")])
    import_answers(store, data_dir / "answers_alice.jsonl", "clinic", annotator="alice")
    import_answers(store, data_dir / "answers_bob.jsonl", "clinic", annotator="bob")
    c = local(make_app(store, adjudicate=True))
    ex = c.get("/api/next", params={"annotator": "judge"}).json()
    assert ex["progress"] == {"total": 3, "done": 0}
    assert set(ex["example"]["others"]) == {"alice", "bob"}
    e11 = next(x for x in ex["example"]["codes"] if x["code"] == "E11.9")
    c.post(f"/api/code/{e11['id']}", json={"annotator": "judge", "decision": "accepted"})
    spans = ex["example"]["others"]["alice"]["spans"]
    c.post(f"/api/example/{ex['example']['id']}/answer", json={"annotator": "judge", "answer": "accept", "spans": spans})
    nxt = c.get("/api/next", params={"annotator": "judge"}).json()
    assert nxt["progress"] == {"total": 3, "done": 1} and nxt["example"]["id"] != ex["example"]["id"]
    adj = store.adjudications("clinic")[ex["example"]["id"]]
    assert adj["rule"] == "manual" and adj["decided_by"] == "judge" and adj["annotators"] == ["alice", "bob"]
    assert [c_["code"] for c_ in adj["record"]["codes"]] == ["E11.9"]
    store.close()


def test_sort_uncertainty_serves_the_least_sure_first(client):
    c, store = client
    store.add_tasks("clinic", [{"text": "Possible pneumonia.", "meta": {"id": "n4", "uncertainty": 5.0}}])
    c2 = local(make_app(store, sort="uncertainty"))
    order = []
    for _ in range(4):
        ex = c2.get("/api/next", params={"annotator": "u"}).json()["example"]
        order.append(ex["note_id"])
        c2.post(f"/api/example/{ex['id']}/answer", json={"annotator": "u", "answer": "ignore"})
    assert order == ["n4", "n1", "n2", "n3"]
    assert c.get("/api/next", params={"annotator": "v"}).json()["example"]["note_id"] == "n1"  # file order
    assert c2.get("/api/info").json()["sort"] == "uncertainty"
