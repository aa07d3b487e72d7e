"""FastAPI application of the review page (see :mod:`review.web`).

Layers of every request, outermost first:

1. ``TrustedHostMiddleware``: a Host header other than the bound / public names gets 400
   (DNS rebinding);
2. ``_guard``: a state-changing request from another origin (``Origin``, ``Sec-Fetch-Site``) gets
   403; every ``/api/`` request needs a login session or ``Authorization: Bearer TOKEN`` (401);
   a state-changing request must be JSON (415), at most ``MAX_BODY_BYTES`` (413), and, from a
   session, carry its CSRF token (403);
3. the route: role and dataset checks (403), path ids bounded (422), a Pydantic model per body
   (422 with the reason), then the checks that need the note (offsets, labels: 422).

Every error is JSON ``{"error": message}`` with a 4xx status; the security headers go on every
response.  The actor of every answer and audit entry is the logged-in user.
"""

from __future__ import annotations

import logging
import re
from importlib import resources
from typing import Annotated, Any, Callable, Optional, Sequence

from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from corpora.errors import REV_NOT_FOUND, ClinlabelError
from corpora.record import ASSERTIONS

from ..store import Store, with_assertions
from .auth import CSRF_HEADER, SESSION_COOKIE, SESSION_SECONDS, Caller, Sessions, authenticate, csrf_ok
from .bodies import (
    MAX_ID,
    AnswerIn,
    BodyError,
    DecisionIn,
    EditCodeIn,
    EmptyIn,
    LoginIn,
    NewCodeIn,
    clean_relations,
    clean_spans,
)

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
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
JUDGES = ("adjudicator", "admin")

STATIC = {"app.js": "application/javascript", "app.css": "text/css", "index.html": "text/html"}

ExampleId = Annotated[int, Path(ge=1, le=MAX_ID)]
CodeId = Annotated[int, Path(ge=1, le=MAX_ID)]


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


def _static(name: str) -> str:
    return (resources.files("review.web") / "static" / name).read_text(encoding="utf-8")


def _error(status: int, message: str, code: Optional[str] = None, headers: Optional[dict[str, str]] = None) -> Response:
    body = {"error": message}
    if code:
        body["code"] = code
    return _secure(JSONResponse(body, status_code=status, headers=headers))


def create_app(store: Store, dataset: str, *, search: Optional[SearchFn] = None, sort: Optional[str] = None,
               adjudicate: bool = False, title: Optional[str] = None, code_check: Optional[CodeCheckFn] = None,
               allowed_hosts: Sequence[str] = LOOPBACK_HOSTS, secure_cookies: Optional[bool] = None,
               sessions: Optional[Sessions] = None) -> FastAPI:
    """The review app for ``dataset`` (one dataset per server; users must be assigned to it).

    ``adjudicate`` opens the page in adjudication mode (adjudicators and admins can switch modes
    on the page either way).  ``allowed_hosts`` are the names the Host header may carry;
    ``code_check`` rejects codes the ontology does not hold (default: ICD-10-CM);
    ``secure_cookies`` forces the cookie's Secure flag on or off (default: on when the request
    came over https, which uvicorn also takes from a trusted proxy's ``X-Forwarded-Proto``)."""
    store.example_ids(dataset, sort=sort)  # fail early: unknown dataset or sort
    search = search or ontology_search()
    code_check = code_check or ontology_code_check()
    sessions = sessions or Sessions()
    app = FastAPI(title=title or f"clinlabel review: {dataset}", docs_url=None, redoc_url=None, openapi_url=None)
    default_mode = "adjudicate" if adjudicate else "annotate"
    hosts = sorted({_host_of(h) for h in allowed_hosts})
    label_cache: dict[str, Any] = {}

    @app.middleware("http")
    async def _guard(request: Request, call_next):
        unsafe = request.method not in SAFE_METHODS
        if unsafe:
            # Cross-site requests never change state: a browser sends Origin on every cross-origin
            # POST, and a JSON body cannot be sent cross-site without a preflight we never answer.
            origin = request.headers.get("origin")
            if origin is not None and _host_of(origin) != _host_of(request.headers.get("host", "")):
                return _error(403, f"cross-site request from origin {origin[:100]!r} refused", "CL-REV403")
            if request.headers.get("sec-fetch-site") == "cross-site":
                return _error(403, "cross-site request refused", "CL-REV403")
        caller = None
        if request.url.path.startswith("/api/"):
            caller = await run_in_threadpool(authenticate, store, sessions, request.headers.get("authorization"),
                                             request.cookies.get(SESSION_COOKIE))
            if caller is None:
                return _error(401, "log in first: open the page and enter your access token, or send "
                                   "Authorization: Bearer TOKEN", "CL-REV401", {"WWW-Authenticate": "Bearer"})
            request.state.caller = caller
        if unsafe:
            ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype != "application/json":
                return _error(415, f"content type {ctype or 'none'!r} refused; send application/json", "CL-REV415")
            size = request.headers.get("content-length")
            if size is None or not size.isdigit() or int(size) > MAX_BODY_BYTES:
                return _error(413, f"request body missing a length or over {MAX_BODY_BYTES} bytes", "CL-REV413")
            if caller is not None and not csrf_ok(caller, request.headers.get(CSRF_HEADER)):
                return _error(403, "missing or wrong X-CSRF-Token header; reload the page", "CL-REV403")
        try:
            response = await call_next(request)
        except Exception:  # never a bare 500 page; the reason goes to the server log only
            logger.exception("review page: %s %s failed", request.method, request.url.path)
            return _error(500, "internal error; the server log has the details")
        return _secure(response)

    # Added last, so it runs first: a foreign Host header (DNS rebinding) is answered 400.
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=hosts)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException):
        return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError):
        parts = []
        for err in exc.errors()[:10]:
            where = ".".join(str(x) for x in err.get("loc", ()) if x != "body")
            parts.append(f"{where or 'body'}: {err.get('msg', 'invalid')}")
        return JSONResponse({"error": "; ".join(parts)}, status_code=422)

    @app.exception_handler(BodyError)
    async def _body_error(_request: Request, exc: BodyError):
        return JSONResponse({"error": str(exc)}, status_code=422)

    @app.exception_handler(IntegrityError)
    async def _refused(_request: Request, exc: IntegrityError):
        logger.warning("review page: the database refused a change: %s", exc.orig)
        return JSONResponse({"error": "the database refused the change (it breaks a constraint of the store)"},
                            status_code=422)

    @app.exception_handler(ClinlabelError)
    async def _clinlabel_error(_request: Request, exc: ClinlabelError):
        status = 404 if exc.code == REV_NOT_FOUND else 400
        return JSONResponse({"error": exc.message, "code": exc.code}, status_code=status)

    # --- who may do what ------------------------------------------------------------------------

    def caller(request: Request) -> Caller:
        c = getattr(request.state, "caller", None)
        if c is None:  # pragma: no cover - the middleware answers 401 first
            raise HTTPException(401, "log in first")
        return c

    def member(c: Caller = Depends(caller)) -> Caller:
        if c.role != "admin" and not store.is_member(dataset, c.user_id):
            raise HTTPException(403, f"user {c.name} is not assigned to dataset {dataset}; "
                                     "ask an admin to run `clinlabel review assign`")
        return c

    def judge(c: Caller = Depends(member)) -> Caller:
        if c.role not in JUDGES:
            raise HTTPException(403, f"adjudication needs the adjudicator or admin role ({c.name} is {c.role})")
        return c

    def admin(c: Caller = Depends(member)) -> Caller:
        if c.role != "admin":
            raise HTTPException(403, f"the audit log is for admins ({c.name} is {c.role})")
        return c

    def queue(c: Caller) -> list[int]:
        ids = store.example_ids(dataset, sort=sort)
        mine = store.assigned(dataset, c.user_id)
        if mine is None:
            return ids if c.role == "admin" else []
        return [i for i in ids if i in mine]

    def in_dataset(example_id: int) -> int:
        if store.example_dataset(example_id) != dataset:
            raise HTTPException(404, f"no example {example_id} in dataset {dataset}")
        return example_id

    def may_read(c: Caller, example_id: int) -> None:
        in_dataset(example_id)
        if c.role not in JUDGES and example_id not in queue(c):
            raise HTTPException(403, f"example {example_id} is not in {c.name}'s queue")

    def may_answer(c: Caller, example_id: int) -> None:
        in_dataset(example_id)
        if example_id not in queue(c):
            raise HTTPException(403, f"example {example_id} is not in {c.name}'s queue"
                                + ("; adjudicate it in adjudication mode" if c.role in JUDGES else ""))

    def labels() -> Optional[list[str]]:
        scheme = store.label_scheme(dataset)
        if scheme is not None:
            return scheme
        if "found" not in label_cache:  # no scheme: the labels of the tasks, read once
            label_cache["found"] = sorted({sp["label"] for t in store.tasks(dataset) for sp in t.get("spans") or []
                                           if isinstance(sp, dict) and isinstance(sp.get("label"), str)})
        return label_cache["found"]

    def checked_code(system: str, code: str, description: str) -> tuple[str, str]:
        code = code.strip().upper()
        if system != "ICD-10-CM":
            raise HTTPException(422, f"code system {system[:40]!r} is not reviewed here; use ICD-10-CM")
        if not _CODE_RE.match(code):
            raise HTTPException(422, f"{code[:40]!r} is not an ICD-10-CM code; pick one from the search results")
        known = code_check(system, code)
        if known is None:
            raise HTTPException(422, f"{code} is not in the loaded ICD-10-CM; pick one from the search results")
        return code, known or description

    def modes(c: Caller) -> list[str]:
        return ["annotate", "adjudicate"] if c.role in JUDGES else ["annotate"]

    # --- page and login -------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse)
    def index() -> HTMLResponse:
        return HTMLResponse(_static("index.html"))

    @app.get("/static/{name}")
    def static(name: str) -> Response:
        if name not in STATIC:
            raise HTTPException(404, "no such file")
        return Response(_static(name), media_type=STATIC[name])

    @app.post("/auth/login")
    def login(body: LoginIn, request: Request) -> Response:
        user = store.user_for_token(body.token.strip())
        if user is None:
            return JSONResponse({"error": "unknown or disabled access token"}, status_code=401)
        cookie, session = sessions.create(user)
        secure = request.url.scheme == "https" if secure_cookies is None else secure_cookies
        response = JSONResponse({"user": user["name"], "role": user["role"], "csrf": session.csrf})
        response.set_cookie(SESSION_COOKIE, cookie, max_age=SESSION_SECONDS, path="/", httponly=True,
                            samesite="strict", secure=secure)
        logger.info("review page: %s logged in (%s)", user["name"], session.sid)
        return response

    @app.post("/auth/logout")
    def logout(_body: EmptyIn, request: Request) -> Response:
        sessions.drop(request.cookies.get(SESSION_COOKIE))
        response = JSONResponse({"ok": True})
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
        return response

    # --- API: who, what ---------------------------------------------------------------------------

    @app.get("/api/me")
    def me(c: Caller = Depends(caller)) -> dict[str, Any]:
        allowed = c.role == "admin" or store.is_member(dataset, c.user_id)
        return {"user": c.name, "role": c.role, "dataset": dataset, "member": allowed,
                "csrf": c.login.csrf if c.login else None, "modes": modes(c) if allowed else []}

    @app.get("/api/info")
    def info(c: Caller = Depends(member)) -> dict[str, Any]:
        lineage = store.lineage(dataset)
        scheme = lineage["label_scheme"] or {"version": None}
        mode = default_mode if default_mode in modes(c) else "annotate"
        return {"dataset": dataset, "mode": mode, "modes": modes(c), "sort": sort or "input", "labels": labels(),
                "assertions": list(ASSERTIONS), "label_scheme_version": scheme["version"],
                "guideline": lineage["guideline"]}

    # --- API: annotate --------------------------------------------------------------------------

    def progress(c: Caller, ids: list[int]) -> dict[str, int]:
        done = store.answers_of(dataset, c.name)
        return {"total": len(ids), "done": sum(1 for i in ids if i in done)}

    @app.get("/api/queue")
    def my_queue(c: Caller = Depends(member)) -> dict[str, Any]:
        ids = queue(c)
        briefs, done = store.briefs(dataset), store.answers_of(dataset, c.name)
        return {"items": [{**briefs[i], "status": done.get(i, "todo")} for i in ids], "progress": progress(c, ids)}

    @app.get("/api/next")
    def next_example(c: Caller = Depends(member),
                     after: Annotated[Optional[int], Query(ge=0, le=MAX_ID)] = None) -> dict[str, Any]:
        ids = queue(c)
        done = store.answers_of(dataset, c.name)
        pending = [i for i in ids if i not in done]
        if after is not None and after in pending and len(pending) > 1:  # skip the one just shown
            k = pending.index(after)
            pending = pending[k + 1:] + pending[:k]
        ex = store.example_view(pending[0], c.name) if pending else None
        return {"example": ex, "progress": progress(c, ids)}

    @app.get("/api/example/{example_id}")
    def get_example(example_id: ExampleId, c: Caller = Depends(member)) -> dict[str, Any]:
        may_read(c, example_id)
        return {"example": store.example_view(example_id, c.name), "progress": progress(c, queue(c))}

    @app.get("/api/example/{example_id}/codes")
    def codes(example_id: ExampleId, c: Caller = Depends(member)) -> dict[str, Any]:
        may_read(c, example_id)
        return {"codes": store.codes(example_id, c.name)}

    def may_review_codes(c: Caller, example_id: int) -> None:
        # annotators: their queue; adjudicators: any note of the dataset (their decisions become gold)
        may_read(c, example_id)
        if c.role not in JUDGES:
            may_answer(c, example_id)

    @app.post("/api/code/{code_id}")
    def set_code(code_id: CodeId, body: DecisionIn, c: Caller = Depends(member)) -> dict[str, Any]:
        example_id = store.code_example(code_id)
        if example_id is None:
            raise HTTPException(404, f"no code {code_id}")
        may_review_codes(c, example_id)
        return {"code": store.review_code(code_id, c.name, body.decision, session_id=c.session_id)}

    @app.post("/api/code/{code_id}/edit")
    def edit_code(code_id: CodeId, body: EditCodeIn, c: Caller = Depends(member)) -> dict[str, Any]:
        example_id = store.code_example(code_id)
        if example_id is None:
            raise HTTPException(404, f"no code {code_id}")
        may_review_codes(c, example_id)
        code, description = checked_code("ICD-10-CM", body.code, body.description)
        return {"code": store.edit_code(code_id, code, c.name, description=description, session_id=c.session_id)}

    @app.post("/api/example/{example_id}/code")
    def add_code(example_id: ExampleId, body: NewCodeIn, c: Caller = Depends(member)) -> dict[str, Any]:
        may_review_codes(c, example_id)
        code, description = checked_code(body.system, body.code, body.description)
        return {"code": store.add_code(example_id, code, c.name, system=body.system, description=description,
                                       session_id=c.session_id)}

    def submitted(example_id: int, body: AnswerIn) -> tuple[Optional[list], Optional[list]]:
        ex = store.example_view(example_id)
        spans = None if body.spans is None else clean_spans(body.spans, ex["text"], labels(), ex["spans"])
        relations = None if body.relations is None else clean_relations(body.relations, ex["text"])
        return spans, relations

    @app.post("/api/example/{example_id}/answer")
    def answer(example_id: ExampleId, body: AnswerIn, c: Caller = Depends(member)) -> dict[str, Any]:
        may_answer(c, example_id)
        spans, relations = submitted(example_id, body)
        aid = store.answer(example_id, c.name, body.answer, spans=spans, relations=relations, session_id=c.session_id)
        return {"annotation_id": aid}

    @app.post("/api/undo")
    def undo(_body: EmptyIn, c: Caller = Depends(member)) -> dict[str, Any]:
        return {"example_id": store.undo(dataset, c.name)}

    @app.get("/api/search")
    def do_search(c: Caller = Depends(member), q: Annotated[str, Query(max_length=200)] = "",
                  limit: Annotated[int, Query(ge=1, le=50)] = 8) -> dict[str, Any]:
        q = q.strip()
        return {"results": list(search(q, limit)) if q else []}

    @app.get("/api/audit")
    def audit(c: Caller = Depends(admin),
              example_id: Annotated[Optional[int], Query(ge=1, le=MAX_ID)] = None) -> dict[str, Any]:
        return {"entries": store.audit(dataset, example_id=example_id)}

    # --- API: adjudicate ------------------------------------------------------------------------

    def adjudication_items() -> list[dict[str, Any]]:
        from ..adjudicate import disagreements

        open_or_done = disagreements(store, dataset, include_adjudicated=True)
        decided = store.adjudications(dataset)
        briefs = store.briefs(dataset)
        ids = [i for i in store.example_ids(dataset, sort=sort) if i in open_or_done or i in decided]
        return [{**briefs[i], "status": "decided" if i in decided else "open",
                 "annotators": sorted(open_or_done.get(i) or decided[i]["annotators"])} for i in ids]

    def adjudication_progress(items: list[dict[str, Any]]) -> dict[str, int]:
        return {"total": len(items), "done": sum(1 for x in items if x["status"] == "decided")}

    def adjudication_view(example_id: int, c: Caller) -> dict[str, Any]:
        from ..adjudicate import span_rows

        v = store.example_view(example_id, c.name)
        others = {a: r for a, r in store.current_answers_for(example_id).items() if a != c.name}
        v["current"] = None
        v["versions"] = {a: {"answer": r.get("answer"), "spans": [with_assertions(sp) for sp in r.get("spans") or []],
                             "codes": [x.get("code") for x in r.get("codes") or [] if x.get("decision") == "accepted"]}
                         for a, r in sorted(others.items())}
        v["rows"] = span_rows(others)
        done = store.adjudication_for(example_id)
        v["decision"] = None if done is None else {"answer": done["answer"], "rule": done["rule"],
                                                   "decided_by": done["decided_by"]}
        if done is not None:
            v["proposal"] = [with_assertions(sp) for sp in done["record"].get("spans") or []]
        else:  # what every accepting annotator marked the same way
            v["proposal"] = [sp for row in v["rows"] if row["same"] for sp in next(iter(row["versions"].values()))]
        return v

    @app.get("/api/adjudicate/queue")
    def adjudicate_queue(c: Caller = Depends(judge)) -> dict[str, Any]:
        items = adjudication_items()
        return {"items": items, "progress": adjudication_progress(items)}

    @app.get("/api/adjudicate/next")
    def adjudicate_next(c: Caller = Depends(judge),
                        after: Annotated[Optional[int], Query(ge=0, le=MAX_ID)] = None) -> dict[str, Any]:
        items = adjudication_items()
        pending = [x["id"] for x in items if x["status"] == "open"]
        if after is not None and after in pending and len(pending) > 1:
            k = pending.index(after)
            pending = pending[k + 1:] + pending[:k]
        ex = adjudication_view(pending[0], c) if pending else None
        return {"example": ex, "progress": adjudication_progress(items)}

    @app.get("/api/adjudicate/example/{example_id}")
    def adjudicate_example(example_id: ExampleId, c: Caller = Depends(judge)) -> dict[str, Any]:
        in_dataset(example_id)
        return {"example": adjudication_view(example_id, c), "progress": adjudication_progress(adjudication_items())}

    @app.post("/api/adjudicate/example/{example_id}")
    def adjudicate_decide(example_id: ExampleId, body: AnswerIn, c: Caller = Depends(judge)) -> dict[str, Any]:
        from ..adjudicate import manual_decision

        in_dataset(example_id)
        spans, _relations = submitted(example_id, body)
        if spans is None:
            spans = adjudication_view(example_id, c)["proposal"]
        rid = manual_decision(store, example_id, c.name, body.answer, spans if body.answer == "accept" else [],
                              session_id=c.session_id)
        return {"adjudication_id": rid}

    return app


def _secure(response: Response) -> Response:
    for key, value in SECURITY_HEADERS.items():
        response.headers.setdefault(key, value)
    return response
