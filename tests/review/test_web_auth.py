"""Logins, roles and datasets: every /api/ route needs a login (401), users stay inside their role,
queue and dataset (403), cookie sessions need their CSRF token, tokens can be reset and disabled."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from review.jsonl import read_jsonl
from web_client import BASE_URL, bearer, local, login, make_app, team

#: Routes outside /api/ that answer without a login; a new one must be added here deliberately.
PUBLIC = {("GET", "/"), ("GET", "/static/{name}"), ("POST", "/auth/login"), ("POST", "/auth/logout")}


@pytest.fixture
def setup(db_url, data_dir):
    """Dataset clinic (3 notes: ann1 has n1 and n3, ann2 has n2), dataset other (1 note, ann3);
    judge adjudicates clinic, root is admin."""
    from review.store import Store

    store = Store(db_url)
    store.add_tasks("clinic", [r for _, r in read_jsonl(data_dir / "tasks.jsonl")])
    store.add_tasks("other", [{"text": "Other clinic note.", "meta": {"id": "o1"}}])
    tokens = team(store, "clinic", annotators=("ann1", "ann2"), judges=("judge",), admins=("root",))
    tokens.update(team(store, "other", annotators=("ann3",)))
    app = make_app(store)
    yield store, app, tokens
    store.close()


def _routes(app):
    for route in app.routes:
        if isinstance(route, APIRoute):
            for method in sorted(route.methods):
                yield method, route.path


def _call(client, method, path, **kw):
    url = re.sub(r"\{[^}]+\}", "1", path)
    return client.request(method, url, json={} if method == "POST" else None, **kw)


def test_every_api_route_needs_a_login(setup):
    _store, app, tokens = setup
    routes = list(_routes(app))
    api = [(m, p) for m, p in routes if p.startswith("/api/")]
    assert {(m, p) for m, p in routes if not p.startswith("/api/")} == PUBLIC
    assert len(api) >= 16  # the walk found the routes (a renamed prefix would make it vacuous)
    nobody, wrong_bearer, forged_cookie = local(app), bearer(app, "clt_not-a-token"), local(app)
    forged_cookie.cookies.set("clinlabel_session", "forged")
    for method, path in api:
        for client in (nobody, wrong_bearer, forged_cookie):
            r = _call(client, method, path)
            assert r.status_code == 401, (method, path, r.status_code)
            assert "log in" in r.json()["error"]
    # a real token opens them (status depends on the route, never 401)
    root = bearer(app, tokens["root"])
    assert all(_call(root, m, p).status_code != 401 for m, p in api)


def test_login_cookie_is_httponly_strict_and_secure_over_https(setup):
    _store, app, tokens = setup
    c = local(app)
    assert c.post("/auth/login", json={"token": "clt_wrong"}).status_code == 401
    r = c.post("/auth/login", json={"token": tokens["ann1"]})
    assert r.status_code == 200 and r.json()["user"] == "ann1" and r.json()["role"] == "annotator"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/" in cookie and "secure" not in cookie
    assert tokens["ann1"] not in r.headers["set-cookie"]  # the cookie is a session id, not the token
    https = TestClient(app, base_url="https://127.0.0.1:8443")
    assert "secure" in https.post("/auth/login", json={"token": tokens["ann1"]}).headers["set-cookie"].lower()


def test_session_writes_need_the_csrf_token(setup):
    store, app, tokens = setup
    c = login(app, tokens["ann1"])
    eid = c.get("/api/next").json()["example"]["id"]
    csrf = c.headers.pop("X-CSRF-Token")
    assert c.post(f"/api/example/{eid}/answer", json={"answer": "accept"}).status_code == 403
    r = c.post(f"/api/example/{eid}/answer", json={"answer": "accept"}, headers={"X-CSRF-Token": "x" + csrf})
    assert r.status_code == 403 and "CSRF" in r.json()["error"]
    assert store.annotations("clinic") == []
    assert c.post(f"/api/example/{eid}/answer", json={"answer": "accept"}, headers={"X-CSRF-Token": csrf}).status_code == 200
    # a bearer token is no ambient credential: no CSRF token needed
    assert bearer(app, tokens["ann1"]).post(f"/api/example/{eid}/answer", json={"answer": "reject"}).status_code == 200


def test_logout_reset_and_disable_end_access(setup):
    store, app, tokens = setup
    c = login(app, tokens["ann1"])
    assert c.post("/auth/logout", json={}).status_code == 200
    assert c.get("/api/info").status_code == 401
    c = login(app, tokens["ann1"])
    new = store.reset_user("ann1")
    assert c.get("/api/info").status_code == 401  # the session of the old token ends
    assert bearer(app, tokens["ann1"]).get("/api/info").status_code == 401
    c = login(app, new)
    store.set_user_disabled("ann1")
    assert c.get("/api/info").status_code == 401
    assert local(app).post("/auth/login", json={"token": new}).status_code == 401
    store.set_user_disabled("ann1", False)
    assert login(app, new).get("/api/info").status_code == 200


def test_annotators_see_and_change_only_their_own_queue_and_answers(setup):
    store, app, tokens = setup
    a1, a2 = login(app, tokens["ann1"]), login(app, tokens["ann2"])
    queues = store.assignments("clinic")
    assert sorted(len(q) for q in queues.values()) == [1, 2] and set(queues) == {"ann1", "ann2"}
    assert [x["id"] for x in a1.get("/api/queue").json()["items"]] == queues["ann1"]
    assert [x["id"] for x in a2.get("/api/queue").json()["items"]] == queues["ann2"]
    n1 = queues["ann1"][0]
    assert n1 not in queues["ann2"]
    assert a1.post(f"/api/example/{n1}/answer", json={"answer": "accept", "annotator": "ann2"}).status_code == 200
    # ann2 can neither read nor answer ann1's notes, nor decide or add their codes
    store.add_code(n1, "E78.5", "ann1")
    code = store.codes(n1)[0]["id"]
    for r in (a2.get(f"/api/example/{n1}"), a2.get(f"/api/example/{n1}/codes"),
              a2.post(f"/api/example/{n1}/answer", json={"answer": "reject"}),
              a2.post(f"/api/code/{code}", json={"decision": "rejected"}),
              a2.post(f"/api/code/{code}/edit", json={"code": "I10"}),
              a2.post(f"/api/example/{n1}/code", json={"code": "I10"})):
        assert r.status_code == 403, r.text
    # ann2's undo does not touch ann1's answer; the answer is ann1's whatever the body said
    assert a2.post("/api/undo", json={}).json() == {"example_id": None}
    assert [(a["annotator"], a["example_id"]) for a in store.annotations("clinic")] == [("ann1", n1)]
    # an annotator sees only their own answer on a note another person answered too
    store.answer(n1, "ann2", "reject")
    mine = a1.get(f"/api/example/{n1}").json()["example"]
    assert mine["current"]["answer"] == "accept" and "versions" not in mine
    assert {c["decision"] for c in a1.get(f"/api/example/{n1}/codes").json()["codes"]} <= {"pending", "accepted"}


@pytest.mark.parametrize("path", ["/api/audit", "/api/adjudicate/queue", "/api/adjudicate/next",
                                  "/api/adjudicate/example/1"])
def test_roles(setup, path):
    _store, app, tokens = setup
    assert login(app, tokens["ann1"]).get(path).status_code == 403
    judge = login(app, tokens["judge"]).get(path).status_code
    assert judge == (403 if path == "/api/audit" else 200)
    assert login(app, tokens["root"]).get(path).status_code == 200


def test_adjudicators_read_everyones_answers_in_their_dataset(setup):
    store, app, tokens = setup
    n1 = store.example_ids("clinic")[0]
    store.answer(n1, "ann1", "accept", spans=[])
    store.answer(n1, "ann2", "accept")
    v = login(app, tokens["judge"]).get(f"/api/adjudicate/example/{n1}").json()["example"]
    assert set(v["versions"]) == {"ann1", "ann2"}
    assert login(app, tokens["judge"]).post(f"/api/example/{n1}/answer", json={"answer": "accept"}).status_code == 403
    entries = login(app, tokens["root"]).get("/api/audit").json()["entries"]
    assert {"ann1", "ann2"} <= {e["actor"] for e in entries}


def test_datasets_are_kept_apart(setup):
    store, app, tokens = setup
    other = store.example_ids("other")[0]
    outsider = login(app, tokens["ann3"])  # assigned to dataset other only
    assert outsider.get("/api/me").json()["member"] is False
    for path in ("/api/info", "/api/next", "/api/queue", f"/api/example/{other}", "/api/search?q=x"):
        assert outsider.get(path).status_code == 403, path
    assert outsider.post(f"/api/example/{other}/answer", json={"answer": "accept"}).status_code == 403
    # the clinic server never serves an example of another dataset, not even to an admin
    root = login(app, tokens["root"])
    assert root.get(f"/api/example/{other}").status_code == 404
    assert root.post(f"/api/example/{other}/answer", json={"answer": "accept"}).status_code == 404
    assert root.get(f"/api/adjudicate/example/{other}").status_code == 404
    assert store.annotations("other") == []


def test_foreign_host_is_refused_even_with_a_login(setup):
    _store, app, tokens = setup
    c = login(app, tokens["root"])
    assert c.get("/api/info", headers={"host": "evil.example"}).status_code == 400
    assert BASE_URL.endswith(":8080")
