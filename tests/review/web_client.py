"""Helpers of the review web tests: a fake ontology, users, and clients that talk as a logged-in
browser on the bound loopback address."""

from __future__ import annotations

from fastapi.testclient import TestClient

from review.web import create_app

BASE_URL = "http://127.0.0.1:8080"


def fake_check(system, code):
    return {"I10": "Essential (primary) hypertension", "E78.5": "Hyperlipidemia, unspecified"}.get(code)


def fake_search(text, limit):
    table = [{"code": "I10", "system": "ICD-10-CM", "description": "Essential (primary) hypertension"},
             {"code": "E78.5", "system": "ICD-10-CM", "description": "Hyperlipidemia, unspecified"}]
    return [r for r in table if text.lower() in r["description"].lower()][:limit]


def make_app(store, dataset="clinic", **kw):
    kw.setdefault("search", fake_search)
    kw.setdefault("code_check", fake_check)
    return create_app(store, dataset, **kw)


def local(app):
    """A client that talks to the app as a browser on the bound loopback address does (no login)."""
    return TestClient(app, base_url=BASE_URL)


def team(store, dataset="clinic", annotators=("ann",), *, overlap=0.0, judges=(), admins=()):
    """Users with tokens (``{name: token}``); annotators get the whole dataset (overlap 1 with two)."""
    tokens = {}
    for name in annotators:
        tokens[name] = store.add_user(name, "annotator")
    for name in judges:
        tokens[name] = store.add_user(name, "adjudicator")
    for name in admins:
        tokens[name] = store.add_user(name, "admin")
    if annotators:
        store.assign(dataset, list(annotators), overlap=overlap, adjudicators=list(judges))
    elif judges:
        store.add_members(dataset, list(judges))
    return tokens


def login(app, token):
    """A client logged in through the page's login route, sending its CSRF token like the page."""
    c = local(app)
    r = c.post("/auth/login", json={"token": token})
    assert r.status_code == 200, r.text
    c.headers["X-CSRF-Token"] = r.json()["csrf"]
    return c


def bearer(app, token):
    c = local(app)
    c.headers["Authorization"] = f"Bearer {token}"
    return c
