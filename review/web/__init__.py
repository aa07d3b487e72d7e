"""The review page: a FastAPI app over a :class:`review.store.Store`.

``create_app(store, dataset, search=...)`` returns the ASGI app that ``clinlabel review serve``
runs with uvicorn (loopback by default).  The page is three static files shipped in
``review/web/static`` (loaded with ``importlib.resources``; no CDN, works offline).  Every click
goes straight to the store, so a closed tab loses nothing.

Users log in with the access token ``clinlabel review user add`` printed (``review.web.auth``);
request bodies are Pydantic models (``review.web.bodies``).

``search(text, limit)`` returns code suggestions for "add a code"; the default searches
``ontologies.load("icd10cm")``; tests pass a tiny fake.
"""

from __future__ import annotations

from .app import LOOPBACK_HOSTS, CodeCheckFn, SearchFn, create_app, ontology_code_check, ontology_search
from .auth import SESSION_COOKIE, Sessions

__all__ = ["create_app", "ontology_search", "ontology_code_check", "SearchFn", "CodeCheckFn", "LOOPBACK_HOSTS",
           "SESSION_COOKIE", "Sessions"]
