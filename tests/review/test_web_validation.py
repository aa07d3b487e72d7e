"""Malformed bodies and ids get a 4xx with a JSON message (422 for a body that does not fit),
never a 500, and nothing reaches the store."""

from __future__ import annotations

import json

import pytest

from review.jsonl import read_jsonl
from web_client import login, make_app, team

NOTE = "Patient denies chest pain but has type 2 diabetes."  # n1, 50 characters

BAD_SPANS = {
    "negative start": [{"start": -5, "end": 3, "label": "PROBLEM"}],
    "end past the text": [{"start": 40, "end": 900, "label": "PROBLEM"}],
    "start after end": [{"start": 25, "end": 15, "label": "PROBLEM"}],
    "empty span": [{"start": 15, "end": 15, "label": "PROBLEM"}],
    "string offsets": [{"start": "15", "end": "25", "label": "PROBLEM"}],
    "float offsets": [{"start": 15.0, "end": 25, "label": "PROBLEM"}],
    "bool offsets": [{"start": True, "end": 25, "label": "PROBLEM"}],
    "huge offset": [{"start": 0, "end": 10**23, "label": "PROBLEM"}],
    "unknown label": [{"start": 15, "end": 25, "label": "ALIEN"}],
    "empty label": [{"start": 15, "end": 25, "label": ""}],
    "label too long": [{"start": 15, "end": 25, "label": "P" * 101}],
    "label not a string": [{"start": 15, "end": 25, "label": 7}],
    "assertion not a bool": [{"start": 15, "end": 25, "label": "PROBLEM", "negated": "yes"}],
    "no label": [{"start": 15, "end": 25}],
    "span not an object": ["chest pain"],
    "same span twice": [{"start": 15, "end": 25, "label": "PROBLEM"}] * 2,
    "too many spans": [{"start": 0, "end": 1, "label": "PROBLEM"}] * 5001,
}
BAD_BODIES = {
    "unknown answer": {"answer": "maybe"},
    "no answer": {"spans": []},
    "answer not a string": {"answer": 1},
    "spans not a list": {"answer": "accept", "spans": {"start": 0}},
    "relation outside the text": {"answer": "accept", "relations": [
        {"head": 0, "child": 1, "label": "R", "head_span": {"start": 0, "end": 900, "label": "P"},
         "child_span": {"start": 0, "end": 1, "label": "P"}}]},
    "relation without spans": {"answer": "accept", "relations": [{"head": 0, "child": 1, "label": "R"}]},
    **{name: {"answer": "accept", "spans": spans} for name, spans in BAD_SPANS.items()},
}


@pytest.fixture
def client(sqlite_url, data_dir):
    from review.store import Store

    store = Store(sqlite_url)
    store.add_tasks("clinic", [r for _, r in read_jsonl(data_dir / "tasks.jsonl")])
    store.set_label_scheme("clinic", ["PROBLEM", "DRUG"])
    tokens = team(store, annotators=("ann",), judges=("judge",))
    app = make_app(store)
    yield login(app, tokens["ann"]), login(app, tokens["judge"]), store
    store.close()


def _check(r, status=422):
    assert r.status_code == status, (r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("application/json")
    assert isinstance(r.json()["error"], str) and r.json()["error"]


@pytest.mark.parametrize("name", sorted(BAD_BODIES))
def test_malformed_answers_are_422_and_not_stored(client, name):
    ann, judge, store = client
    eid = store.example_ids("clinic")[0]
    assert store.example_view(eid)["text"] == NOTE
    _check(ann.post(f"/api/example/{eid}/answer", json=BAD_BODIES[name]))
    _check(judge.post(f"/api/adjudicate/example/{eid}", json=BAD_BODIES[name]))
    assert store.annotations("clinic") == [] and store.adjudications("clinic") == {}


def test_messages_name_the_problem(client):
    ann, _judge, store = client
    eid = store.example_ids("clinic")[0]
    answer = lambda spans: ann.post(f"/api/example/{eid}/answer", json={"answer": "accept", "spans": spans}).json()["error"]
    assert "past the end of the note (50 characters)" in answer(BAD_SPANS["end past the text"])
    assert "not in the dataset's label scheme (DRUG, PROBLEM)" in answer(BAD_SPANS["unknown label"])
    assert "start 25 is not before end 15" in answer(BAD_SPANS["start after end"])
    assert "spans.0.start" in answer(BAD_SPANS["string offsets"])


@pytest.mark.parametrize("method,path,body", [
    ("GET", "/api/example/100000000000000000000000", None),
    ("GET", "/api/example/-1", None),
    ("GET", "/api/example/abc", None),
    ("GET", "/api/example/100000000000000000000000/codes", None),
    ("POST", "/api/example/100000000000000000000000/answer", {"answer": "accept"}),
    ("POST", "/api/example/100000000000000000000000/code", {"code": "I10"}),
    ("POST", "/api/code/100000000000000000000000", {"decision": "accepted"}),
    ("POST", "/api/code/100000000000000000000000/edit", {"code": "I10"}),
    ("GET", "/api/adjudicate/example/100000000000000000000000", None),
    ("GET", "/api/next?after=100000000000000000000000", None),
    ("GET", "/api/audit?example_id=100000000000000000000000", None),
    ("GET", "/api/search?q=" + "x" * 201, None),
    ("GET", "/api/search?q=x&limit=1000", None),
])
def test_out_of_range_ids_and_queries_are_422(client, method, path, body):
    ann, judge, _store = client
    who = judge if "adjudicate" in path or "audit" in path else ann
    r = who.request(method, path, json=body)
    if "audit" in path:  # the judge is no admin: refused before the id is looked at, or 422; never 500
        assert r.status_code in (403, 422)
        return
    _check(r)


@pytest.mark.parametrize("body", [
    {"decision": "maybe"}, {"decision": None}, {}, {"decision": ["accepted"]},
])
def test_code_decisions_are_checked(client, body):
    ann, _judge, store = client
    code = store.codes(store.example_ids("clinic")[0])[0]["id"]
    _check(ann.post(f"/api/code/{code}", json=body))


@pytest.mark.parametrize("body", [{"code": "I" * 41}, {"code": ""}, {"code": 10}, {"code": "I10", "system": "X" * 41}])
def test_new_codes_are_checked(client, body):
    ann, _judge, store = client
    _check(ann.post(f"/api/example/{store.example_ids('clinic')[0]}/code", json=body))


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b"null", b"\xff\xfe"])
def test_bodies_that_are_not_json_objects(client, raw):
    ann, _judge, store = client
    r = ann.post(f"/api/example/{store.example_ids('clinic')[0]}/answer", content=raw,
                 headers={"content-type": "application/json"})
    _check(r)


def test_five_megabytes_are_refused(client):
    ann, _judge, store = client
    body = json.dumps({"answer": "accept", "spans": [], "pad": "x" * 5_000_000}).encode()
    r = ann.post(f"/api/example/{store.example_ids('clinic')[0]}/answer", content=body,
                 headers={"content-type": "application/json"})
    _check(r, 413)


def test_a_valid_answer_still_goes_through(client):
    ann, _judge, store = client
    eid = store.example_ids("clinic")[0]
    r = ann.post(f"/api/example/{eid}/answer", json={"answer": "accept", "spans": [
        {"start": 15, "end": 25, "label": "PROBLEM", "negated": True}, {"start": 34, "end": 49, "label": "PROBLEM"}]})
    assert r.status_code == 200
    assert len(store.annotations("clinic")[0]["spans"]) == 2
