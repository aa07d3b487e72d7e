"""Helpers of the review web tests: a fake ontology and a client that talks as a local browser."""

from __future__ import annotations

from fastapi.testclient import TestClient

from review.web import create_app


def fake_check(system, code):
    return {"I10": "Essential (primary) hypertension", "E78.5": "Hyperlipidemia, unspecified"}.get(code)


def make_app(store, **kw):
    kw.setdefault("search", fake_search)
    kw.setdefault("code_check", fake_check)
    return create_app(store, "clinic", **kw)


def local(app):
    """A client that talks to the app as a browser on the bound loopback address does."""
    return TestClient(app, base_url="http://127.0.0.1:8080")


def fake_search(text, limit):
    table = [{"code": "I10", "system": "ICD-10-CM", "description": "Essential (primary) hypertension"},
             {"code": "E78.5", "system": "ICD-10-CM", "description": "Hyperlipidemia, unspecified"}]
    return [r for r in table if text.lower() in r["description"].lower()][:limit]
