"""The review page's HTTP API (FastAPI TestClient; the browser test drives the same endpoints)."""

from __future__ import annotations

import pytest

from review.jsonl import read_jsonl
from review.prodigy import import_answers
from web_client import login, make_app, team


@pytest.fixture
def store(sqlite_url, data_dir):
    from review.store import Store

    s = Store(sqlite_url)
    s.add_tasks("clinic", [r for _, r in read_jsonl(data_dir / "tasks.jsonl")])
    yield s
    s.close()


@pytest.fixture
def client(store):
    tokens = team(store, annotators=("ann",))
    return login(make_app(store), tokens["ann"]), store


def test_page_and_static_files_are_local(client):
    c, _ = client
    page = c.get("/").text
    assert "/static/app.js" in page and "http" not in page.replace("http-equiv", "")
    assert c.get("/static/app.js").status_code == 200
    assert c.get("/static/../store.py").status_code == 404


def test_review_flow_over_http(client):
    c, store = client
    assert c.get("/api/me").json() == {"user": "ann", "role": "annotator", "dataset": "clinic", "member": True,
                                       "csrf": c.headers["X-CSRF-Token"], "modes": ["annotate"]}
    ex = c.get("/api/next").json()["example"]
    assert ex["note_id"] == "n1"
    e11 = next(x for x in ex["codes"] if x["code"] == "E11.9")
    assert c.post(f"/api/code/{e11['id']}", json={"decision": "accepted"}).status_code == 200
    assert c.post(f"/api/code/{e11['id']}", json={"decision": "maybe"}).status_code == 422
    assert c.get("/api/search", params={"q": "hypertension"}).json()["results"][0]["code"] == "I10"
    c.post(f"/api/example/{ex['id']}/code", json={"code": "I10"})
    # the reviewer removed one span and marked the other negated; a body's "annotator" is ignored
    spans = [{"start": 15, "end": 25, "label": "PROBLEM", "negated": True}]
    r = c.post(f"/api/example/{ex['id']}/answer", json={"annotator": "mallory", "answer": "accept", "spans": spans})
    assert r.status_code == 200
    nxt = c.get("/api/next").json()
    assert nxt["example"]["note_id"] == "n2" and nxt["progress"] == {"total": 3, "done": 1}
    ann = store.annotations("clinic")[0]
    assert ann["annotator"] == "ann"
    (sp,) = ann["spans"]
    # offsets, label and assertions from the reviewer; text from the note; source and score from the machine's span
    assert sp == {"start": 15, "end": 25, "label": "PROBLEM", "text": "chest pain", "source": ["lf_problem_lexicon"],
                  "score": 0.9, "token_start": 2, "token_end": 3, "negated": True, "historical": False,
                  "hypothetical": False, "family": False, "uncertain": False}
    assert {c_["code"]: c_["decision"] for c_ in ann["codes"]} == {"E11.9": "accepted", "R07.9": "pending", "I10": "accepted"}
    assert ann["codes"][1]["status"] == "negated"
    assert {r["actor"] for r in store.audit("clinic") if r["action"] in ("answer", "code_accept", "code_add")} == {"ann"}
    assert c.post("/api/undo", json={}).json() == {"example_id": ex["id"]}
    assert c.get("/api/next").json()["progress"]["done"] == 0


def test_queue_lists_every_note_with_its_status_and_opens_any(client):
    c, store = client
    ids = store.example_ids("clinic")
    c.post(f"/api/example/{ids[0]}/answer", json={"answer": "accept"})
    c.post(f"/api/example/{ids[1]}/answer", json={"answer": "reject"})
    q = c.get("/api/queue").json()
    assert [(x["note_id"], x["status"]) for x in q["items"]] == [("n1", "accept"), ("n2", "reject"), ("n3", "todo")]
    assert q["progress"] == {"total": 3, "done": 2}
    # an earlier note opens directly (no undo needed) and can be answered again
    ex = c.get(f"/api/example/{ids[0]}").json()["example"]
    assert ex["current"]["answer"] == "accept"
    assert c.post(f"/api/example/{ids[0]}/answer", json={"answer": "ignore"}).status_code == 200
    assert c.get("/api/queue").json()["items"][0]["status"] == "ignore"


def test_assertions_are_answers(client):
    c, store = client
    eid = store.example_ids("clinic")[0]
    spans = [{"start": 15, "end": 25, "label": "PROBLEM", "negated": False, "historical": True},
             {"start": 41, "end": 49, "label": "PROBLEM", "family": True, "uncertain": True}]
    assert c.post(f"/api/example/{eid}/answer", json={"answer": "accept", "spans": spans}).status_code == 200
    got = {(s["start"], s["label"]): {a: s[a] for a in ("negated", "historical", "hypothetical", "family", "uncertain")}
           for s in store.annotations("clinic")[0]["spans"]}
    assert got == {(15, "PROBLEM"): {"negated": False, "historical": True, "hypothetical": False, "family": False, "uncertain": False},
                   (41, "PROBLEM"): {"negated": False, "historical": False, "hypothetical": False, "family": True, "uncertain": True}}
    # a span the machine did not have is marked as the annotator's
    assert [s["source"] for s in store.annotations("clinic")[0]["spans"]] == [["lf_problem_lexicon"], "annotator"]


def test_adjudication_mode(sqlite_url, data_dir):
    from review.store import Store

    store = Store(sqlite_url)
    store.add_tasks("clinic", [r for _, r in read_jsonl(data_dir / "tasks.jsonl")])
    import_answers(store, data_dir / "answers_alice.jsonl", "clinic", annotator="alice")
    import_answers(store, data_dir / "answers_bob.jsonl", "clinic", annotator="bob")
    tokens = team(store, annotators=(), judges=("judge",))
    c = login(make_app(store, adjudicate=True), tokens["judge"])
    assert c.get("/api/info").json()["mode"] == "adjudicate"
    ex = c.get("/api/adjudicate/next").json()
    assert ex["progress"] == {"total": 3, "done": 0}
    v = ex["example"]
    assert set(v["versions"]) == {"alice", "bob"}
    # side by side: "type 2 diabetes" (alice) and "diabetes" (bob) share a row, marked different
    rows = {(r["start"], r["end"]): r for r in v["rows"]}
    assert rows[(15, 25)]["same"] is True and rows[(34, 49)]["same"] is False
    assert [s["text"] for s in rows[(34, 49)]["versions"]["bob"]] == ["diabetes"]
    assert [(s["start"], s["end"]) for s in v["proposal"]] == [(15, 25)]  # only what both marked alike
    e11 = next(x for x in v["codes"] if x["code"] == "E11.9")
    c.post(f"/api/code/{e11['id']}", json={"decision": "accepted"})
    take = v["proposal"] + rows[(34, 49)]["versions"]["alice"]
    assert c.post(f"/api/adjudicate/example/{v['id']}", json={"answer": "accept", "spans": take}).status_code == 200
    nxt = c.get("/api/adjudicate/next").json()
    assert nxt["progress"] == {"total": 3, "done": 1} and nxt["example"]["id"] != v["id"]
    adj = store.adjudications("clinic")[v["id"]]
    assert adj["rule"] == "manual" and adj["decided_by"] == "judge" and adj["annotators"] == ["alice", "bob"]
    assert [c_["code"] for c_ in adj["record"]["codes"]] == ["E11.9"]
    assert [(s["start"], s["end"]) for s in adj["record"]["spans"]] == [(15, 25), (34, 49)]
    queue = c.get("/api/adjudicate/queue").json()["items"]
    assert [x["status"] for x in queue].count("decided") == 1
    # the decided note reopens with the decision as its starting point
    again = c.get(f"/api/adjudicate/example/{v['id']}").json()["example"]
    assert again["decision"]["decided_by"] == "judge" and len(again["proposal"]) == 2
    store.close()


def test_sort_uncertainty_serves_the_least_sure_first(store):
    store.add_tasks("clinic", [{"text": "Possible pneumonia.", "meta": {"id": "n4"},
                                "spans": [{"start": 9, "end": 18, "label": "PROBLEM", "score": 0.3}]}])
    tokens = team(store, annotators=("u", "v"), overlap=1.0)
    c2 = login(make_app(store, sort="uncertainty"), tokens["u"])
    order = []
    for _ in range(4):
        ex = c2.get("/api/next").json()["example"]
        order.append(ex["note_id"])
        c2.post(f"/api/example/{ex['id']}/answer", json={"answer": "ignore"})
    assert order == ["n4", "n1", "n2", "n3"]  # 0.7, 0.505, 0.321, no scores
    c = login(make_app(store), tokens["v"])
    assert c.get("/api/next").json()["example"]["note_id"] == "n1"  # file order
    assert c2.get("/api/info").json()["sort"] == "uncertainty"
