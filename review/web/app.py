"""FastAPI application of the review page (see :mod:`review.web`)."""

from __future__ import annotations

import logging
import re
from importlib import resources
from typing import Any, Callable, Optional, Sequence

from fastapi import FastAPI, HTTPException, Query, Request
from starlette.middleware.trustedhost import TrustedHostMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel

from corpora.errors import ClinlabelError, REV_NOT_FOUND, ReviewError

from ..store import Store

logger = logging.getLogger(__name__)

SearchFn = Callable[[str, int], Sequence[dict[str, Any]]]
#: ``code_check(system, code)`` -> the code's description, or None when the code is unknown.
CodeCheckFn = Callable[[str, str], Optional[str]]

#: Sent with every response: no inline script or style attribute markup, nothing from elsewhere.
SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                                "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
#: Largest request body accepted (an answer with a few thousand spans fits easily).
MAX_BODY_BYTES = 1_000_000
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
#: ICD-10-CM code syntax (letter, digit, alphanumeric, optional dot and up to four more).
_CODE_RE = re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")

STATIC = {"app.js": "application/javascript", "app.css": "text/css", "index.html": "text/html"}


def ontology_search(name: str = "icd10cm", system: str = "ICD-10-CM") -> SearchFn:
    """A search function over a clinlabel ontology (``ontologies.load(name).search``), loaded on first use."""
    state: dict[str, Any] = {}

    def search(text: str, limit: int) -> list[dict[str, Any]]:
        if "ont" not in state:
            import ontologies

            state["ont"] = ontologies.load(name)
        hits = state["ont"].search(text, limit=limit)
        return [{"code": h.code, "system": system, "description": h.description, "score": round(float(h.score), 4)}
                for h in hits]

    return search


def ontology_code_check(name: str = "icd10cm") -> CodeCheckFn:
    """``code_check(system, code)`` over a clinlabel ontology: the code's description, or None."""
    state: dict[str, Any] = {}

    def check(system: str, code: str) -> Optional[str]:
        if "ont" not in state:
            import ontologies

            state["ont"] = ontologies.load(name)
        concept = state["ont"].get(code)
        return None if concept is None else (getattr(concept, "description", None) or "")

    return check


def _host_of(value: str) -> str:
    """``host[:port]`` or a URL's authority -> the host name, lower case (IPv6 in brackets kept)."""
    value = value.strip().lower()
    if "://" in value:
        value = value.split("://", 1)[1].split("/", 1)[0]
    if value.startswith("["):
        return value[: value.find("]") + 1]
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class Who(BaseModel):
    annotator: str = ""
    session_id: Optional[str] = None


class CodeDecision(Who):
    decision: str


class NewCode(Who):
    code: str
    system: str = "ICD-10-CM"
    description: str = ""


class EditCode(Who):
    code: str
    description: str = ""


class AnswerBody(Who):
    answer: str
    spans: Optional[list[dict[str, Any]]] = None
    relations: Optional[list[dict[str, Any]]] = None


def _static(name: str) -> str:
    return (resources.files("review.web") / "static" / name).read_text(encoding="utf-8")


def create_app(store: Store, dataset: str, *, search: Optional[SearchFn] = None, sort: Optional[str] = None,
               adjudicate: bool = False, title: Optional[str] = None, code_check: Optional[CodeCheckFn] = None,
               allowed_hosts: Sequence[str] = LOOPBACK_HOSTS) -> FastAPI:
    """The review app for ``dataset``.  ``adjudicate`` shows only examples whose annotators disagree
    and stores the person's answer as a ``manual`` adjudication.

    ``allowed_hosts`` are the names the Host header may carry (the bound address; DNS rebinding
    gets 400); ``code_check`` rejects codes the ontology does not hold (default: ICD-10-CM)."""
    store.example_ids(dataset, sort=sort)  # fail early: unknown dataset or sort
    search = search or ontology_search()
    code_check = code_check or ontology_code_check()
    app = FastAPI(title=title or f"clinlabel review: {dataset}", docs_url=None, redoc_url=None, openapi_url=None)
    mode = "adjudicate" if adjudicate else "annotate"
    hosts = sorted({_host_of(h) for h in allowed_hosts})

    @app.middleware("http")
    async def _guard(request: Request, call_next):
        # Cross-site requests never change state: a browser sends Origin on every cross-origin
        # POST, and a JSON body cannot be sent cross-site without a preflight we never answer.
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            origin = request.headers.get("origin")
            host = _host_of(request.headers.get("host", ""))
            if origin is not None and _host_of(origin) != host:
                return _secure(JSONResponse({"error": f"cross-site request from origin {origin!r} refused",
                                             "code": "CL-REV403"}, status_code=403))
            if request.headers.get("sec-fetch-site") == "cross-site":
                return _secure(JSONResponse({"error": "cross-site request refused", "code": "CL-REV403"},
                                            status_code=403))
            ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype != "application/json":
                return _secure(JSONResponse({"error": f"content type {ctype or 'none'!r} refused; send application/json",
                                             "code": "CL-REV415"}, status_code=415))
            size = request.headers.get("content-length")
            if size is None or not size.isdigit() or int(size) > MAX_BODY_BYTES:
                return _secure(JSONResponse({"error": f"request body missing a length or over {MAX_BODY_BYTES} bytes",
                                             "code": "CL-REV413"}, status_code=413))
        return _secure(await call_next(request))

    # Added last, so it runs first: a foreign Host header (DNS rebinding) is answered 400.
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=hosts)

    def _checked_code(system: str, code: str, description: str) -> tuple[str, str]:
        code = code.strip().upper()
        if system != "ICD-10-CM":
            raise HTTPException(422, detail=f"code system {system!r} is not reviewed here; use ICD-10-CM")
        if not _CODE_RE.match(code):
            raise HTTPException(422, detail=f"{code[:40]!r} is not an ICD-10-CM code; pick one from the search results")
        known = code_check(system, code)
        if known is None:
            raise HTTPException(422, detail=f"{code} is not in the loaded ICD-10-CM; pick one from the search results")
        return code, known or description

    @app.exception_handler(HTTPException)
    async def _http_error(_request: Request, exc: HTTPException):
        return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code)

    @app.exception_handler(ClinlabelError)
    async def _clinlabel_error(_request: Request, exc: ClinlabelError):
        status = 404 if exc.code == REV_NOT_FOUND else 400
        return JSONResponse({"error": exc.message, "code": exc.code}, status_code=status)

    @app.get("/", response_class=HTMLResponse)
    def index() -> HTMLResponse:
        return HTMLResponse(_static("index.html"))

    @app.get("/static/{name}")
    def static(name: str) -> Response:
        if name not in STATIC:
            raise HTTPException(404)
        return Response(_static(name), media_type=STATIC[name])

    def order() -> list[int]:
        ids = store.example_ids(dataset, sort=sort)
        if adjudicate:
            from ..adjudicate import disagreements

            open_ids = set(disagreements(store, dataset))
            ids = [i for i in ids if i in open_ids]
        return ids

    def view(example_id: int, annotator: str) -> dict[str, Any]:
        v = store.example_view(example_id, annotator)
        if adjudicate:
            v["others"] = {a: {"answer": r.get("answer"), "spans": r.get("spans") or [],
                               "codes": [c for c in r.get("codes") or []
                                         if c.get("decision") in ("accepted", "rejected")]}
                           for a, r in store.current_answers_for(example_id).items() if a != annotator}
        return v

    def progress(annotator: str) -> dict[str, int]:
        ids = order()
        if adjudicate:
            decided = set(store.adjudications(dataset))
            return {"total": len(ids) + len(decided), "done": len(decided)}
        done = store.answered(dataset, annotator) if annotator else set()
        return {"total": len(ids), "done": len([i for i in ids if i in done])}

    @app.get("/api/info")
    def info() -> dict[str, Any]:
        lineage = store.lineage(dataset)
        scheme = lineage["label_scheme"] or {"labels": [], "version": None}
        labels = scheme["labels"] or sorted({sp["label"] for t in store.tasks(dataset) for sp in t.get("spans") or []})
        return {"dataset": dataset, "mode": mode, "sort": sort or "input", "labels": labels,
                "label_scheme_version": scheme["version"],
                "guideline": lineage["guideline"]}

    @app.get("/api/next")
    def next_example(annotator: str = Query(""), after: Optional[int] = None) -> dict[str, Any]:
        _need(annotator)
        ids = order()
        if adjudicate:
            pending = ids
        else:
            done = store.answered(dataset, annotator)
            pending = [i for i in ids if i not in done]
        if after is not None and after in pending and len(pending) > 1:  # skip the one just shown
            pending = pending[pending.index(after) + 1:] + pending[:pending.index(after)]
        ex = view(pending[0], annotator) if pending else None
        return {"example": ex, "progress": progress(annotator)}

    @app.get("/api/example/{example_id}")
    def get_example(example_id: int, annotator: str = Query("")) -> dict[str, Any]:
        return {"example": view(example_id, annotator), "progress": progress(annotator)}

    @app.post("/api/code/{code_id}")
    def set_code(code_id: int, body: CodeDecision) -> dict[str, Any]:
        res = store.review_code(code_id, body.annotator, body.decision, session_id=body.session_id)
        return {"code": res}

    @app.post("/api/code/{code_id}/edit")
    def edit_code(code_id: int, body: EditCode) -> dict[str, Any]:
        code, description = _checked_code("ICD-10-CM", body.code, body.description)
        return {"code": store.edit_code(code_id, code, body.annotator, description=description,
                                        session_id=body.session_id)}

    @app.post("/api/example/{example_id}/code")
    def add_code(example_id: int, body: NewCode) -> dict[str, Any]:
        code, description = _checked_code(body.system, body.code, body.description)
        return {"code": store.add_code(example_id, code, body.annotator, system=body.system,
                                       description=description, session_id=body.session_id)}

    @app.get("/api/example/{example_id}/codes")
    def codes(example_id: int, annotator: str = Query("")) -> dict[str, Any]:
        return {"codes": store.codes(example_id, annotator or None)}

    @app.post("/api/example/{example_id}/answer")
    def answer(example_id: int, body: AnswerBody) -> dict[str, Any]:
        if adjudicate:
            from ..adjudicate import manual_decision

            _need(body.annotator)
            if body.answer not in ("accept", "reject", "ignore"):
                raise ReviewError(f"unknown answer {body.answer!r}", "use accept, reject or ignore", code=REV_NOT_FOUND)
            spans = body.spans if body.spans is not None else store.example_view(example_id)["spans"]
            rid = manual_decision(store, example_id, body.annotator, body.answer, spans, session_id=body.session_id)
            return {"adjudication_id": rid}
        aid = store.answer(example_id, body.annotator, body.answer, spans=body.spans, relations=body.relations,
                           session_id=body.session_id)
        return {"annotation_id": aid}

    @app.post("/api/undo")
    def undo(body: Who) -> dict[str, Any]:
        return {"example_id": store.undo(dataset, body.annotator, session_id=body.session_id)}

    @app.get("/api/search")
    def do_search(q: str = Query(""), limit: int = Query(8, ge=1, le=50)) -> dict[str, Any]:
        q = q.strip()
        return {"results": list(search(q, limit)) if q else []}

    @app.get("/api/audit")
    def audit(example_id: Optional[int] = None) -> dict[str, Any]:
        return {"entries": store.audit(dataset, example_id=example_id)}

    return app


def _secure(response: Response) -> Response:
    for key, value in SECURITY_HEADERS.items():
        response.headers.setdefault(key, value)
    return response


def _need(annotator: str) -> None:
    from ..store import _need_annotator

    _need_annotator(annotator)
