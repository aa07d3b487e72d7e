"""The review page cannot be turned against its users: strict headers, no HTML strings in the
page's script, Host and Origin checks, bounded bodies, and codes checked before they are stored."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from review.jsonl import read_jsonl
from web_client import local, login, make_app, team

PAYLOADS = [
    'I10" autofocus onfocus="window.__xss=1',
    "I10' onmouseover='window.__xss=1",
    "<img src=x onerror=window.__xss=1>",
    "I10\" style=\"x",
    "Z99.999",  # well formed, but no such code
    "i10 ",  # not a code either once the space is kept inside: refused or normalised, never stored raw
]


@pytest.fixture
def client(sqlite_url, data_dir):
    from review.store import Store

    store = Store(sqlite_url)
    store.add_tasks("clinic", [r for _, r in read_jsonl(data_dir / "tasks.jsonl")])
    tokens = team(store, annotators=("ann",))
    yield login(make_app(store), tokens["ann"]), store
    store.close()


def test_page_script_builds_the_dom_without_html_strings():
    js = (resources.files("review.web") / "static" / "app.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
                 "setAttribute(\"on", "setAttribute(\"style"):
        assert sink not in js, f"app.js uses {sink}"
    html = (resources.files("review.web") / "static" / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script in index.html"
    assert not re.search(r"\son[a-z]+\s*=", html), "handler attribute in index.html"
    assert " style=" not in html


@pytest.mark.parametrize("path", ["/", "/static/app.js", "/api/info", "/api/next", "/nope", "/api/example/99999"])
@pytest.mark.parametrize("logged_in", [True, False])
def test_every_response_carries_the_security_headers(client, path, logged_in):
    c, _ = client
    r = (c if logged_in else local(c.app)).get(path)
    if not logged_in and path.startswith("/api/"):
        assert r.status_code == 401
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp and "default-src 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize("host", ["evil.example", "attacker.test:8080", "127.0.0.1.evil.example"])
def test_foreign_host_header_is_refused(client, host):
    c, _ = client
    assert c.get("/api/info", headers={"host": host}).status_code == 400
    assert c.get("/", headers={"host": host}).status_code == 400


def test_loopback_host_names_are_served(client):
    c, _ = client
    for host in ("127.0.0.1:8080", "localhost:8080", "[::1]:8080"):
        assert c.get("/api/info", headers={"host": host}).status_code == 200, host


def test_cross_site_writes_are_refused(client):
    c, store = client
    ex = c.get("/api/next").json()["example"]
    body = {"answer": "accept"}
    r = c.post(f"/api/example/{ex['id']}/answer", json=body, headers={"origin": "http://evil.example"})
    assert r.status_code == 403
    r = c.post(f"/api/example/{ex['id']}/answer", json=body, headers={"sec-fetch-site": "cross-site"})
    assert r.status_code == 403
    # a form post (the only cross-site write without a preflight) is refused for its content type
    r = c.post(f"/api/example/{ex['id']}/answer", data={"answer": "accept"})
    assert r.status_code == 415
    assert store.annotations("clinic") == []
    same = c.post(f"/api/example/{ex['id']}/answer", json=body, headers={"origin": "http://127.0.0.1:8080"})
    assert same.status_code == 200


def test_oversized_body_is_refused(client):
    c, store = client
    ex = c.get("/api/next").json()["example"]
    big = {"answer": "accept", "spans": [{"start": 0, "end": 1, "label": "X" * 100}] * 20000}
    r = c.post(f"/api/example/{ex['id']}/answer", json=big)
    assert r.status_code == 413
    assert store.annotations("clinic") == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_codes_are_checked_before_they_are_stored(client, payload):
    c, store = client
    ex = c.get("/api/next").json()["example"]
    r = c.post(f"/api/example/{ex['id']}/code", json={"code": payload})
    stored = {x["code"] for x in store.codes(ex["id"], "ann")}
    if payload.strip().upper() == "I10":
        assert r.status_code == 200 and "I10" in stored
    else:
        assert r.status_code == 422, r.text
        assert "error" in r.json()
        assert stored == {"E11.9", "R07.9"}
    e11 = next(x for x in ex["codes"] if x["code"] == "E11.9")
    r = c.post(f"/api/code/{e11['id']}/edit", json={"code": 'E78.5" autofocus onfocus="x'})
    assert r.status_code == 422


def test_known_code_takes_the_ontology_description(client):
    c, store = client
    ex = c.get("/api/next").json()["example"]
    r = c.post(f"/api/example/{ex['id']}/code", json={"code": "i10", "description": "<b>forged</b>"})
    assert r.status_code == 200
    added = next(x for x in store.codes(ex["id"], "ann") if x["code"] == "I10")
    assert added["description"] == "Essential (primary) hypertension"
