"""Who is calling: login sessions (cookie) and access tokens (``Authorization: Bearer``).

A user logs in with their access token (``clinlabel review user add`` printed it); the server
answers with a session cookie (HttpOnly, SameSite=Strict, Secure over https) and a CSRF token
that the page sends back in ``X-CSRF-Token`` on every state-changing request.  Sessions live in
the server process: restarting it logs everyone out.  Each request re-reads the user, so
``user disable`` and ``user reset`` end their sessions at once.  Scripts may send the token itself
as ``Authorization: Bearer TOKEN`` instead (no cookie, so no CSRF token needed).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any, Optional

from ..store import Store

SESSION_COOKIE = "clinlabel_session"
CSRF_HEADER = "x-csrf-token"
#: A session ends this long after login, and after this long without a request.
SESSION_SECONDS = 12 * 3600
IDLE_SECONDS = 2 * 3600


@dataclass
class Login:
    user_id: int
    token_hash: str
    csrf: str
    #: public label of the session, stored with answers and audit entries (not a secret)
    sid: str
    created: float
    seen: float


@dataclass
class Caller:
    user: dict[str, Any]
    via: str  # "session" | "bearer"
    login: Optional[Login] = None

    @property
    def name(self) -> str:
        return self.user["name"]

    @property
    def role(self) -> str:
        return self.user["role"]

    @property
    def user_id(self) -> int:
        return self.user["id"]

    @property
    def session_id(self) -> str:
        return self.login.sid if self.login else "bearer"


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


class Sessions:
    """Login sessions in memory, keyed by the SHA-256 of the cookie value."""

    def __init__(self, *, lifetime: float = SESSION_SECONDS, idle: float = IDLE_SECONDS) -> None:
        self._by_hash: dict[str, Login] = {}
        self._lock = threading.Lock()
        self.lifetime, self.idle = lifetime, idle

    def create(self, user: dict[str, Any]) -> tuple[str, Login]:
        cookie = secrets.token_urlsafe(32)
        now = time.time()
        login = Login(user["id"], user["token_hash"], secrets.token_urlsafe(24), "web-" + secrets.token_hex(4), now, now)
        with self._lock:
            self._expire(now)
            self._by_hash[_digest(cookie)] = login
        return cookie, login

    def get(self, cookie: Optional[str]) -> Optional[Login]:
        if not cookie or len(cookie) > 200:
            return None
        now = time.time()
        with self._lock:
            login = self._by_hash.get(_digest(cookie))
            if login is None:
                return None
            if now - login.created > self.lifetime or now - login.seen > self.idle:
                del self._by_hash[_digest(cookie)]
                return None
            login.seen = now
            return login

    def drop(self, cookie: Optional[str]) -> None:
        if cookie:
            with self._lock:
                self._by_hash.pop(_digest(cookie), None)

    def _expire(self, now: float) -> None:
        for key in [k for k, v in self._by_hash.items()
                    if now - v.created > self.lifetime or now - v.seen > self.idle]:
            del self._by_hash[key]


def authenticate(store: Store, sessions: Sessions, authorization: Optional[str], cookie: Optional[str]) -> Optional[Caller]:
    """The caller of a request, or None (then: 401).  A Bearer header, when sent, is the only
    credential looked at (a bad one is not rescued by a cookie)."""
    if authorization is not None:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        user = store.user_for_token(token.strip())
        return None if user is None else Caller(user, "bearer")
    login = sessions.get(cookie)
    if login is None:
        return None
    user = store.user_by_id(login.user_id)
    if user is None or user["disabled"] or not hmac.compare_digest(user["token_hash"], login.token_hash):
        sessions.drop(cookie)
        return None
    return Caller(user, "session", login)


def csrf_ok(caller: Caller, header: Optional[str]) -> bool:
    """A cookie session must send its CSRF token back on a state-changing request."""
    if caller.via != "session":
        return True
    return bool(header) and hmac.compare_digest(header.encode("utf-8"), caller.login.csrf.encode("utf-8"))
