"""The review store: datasets, examples, codes, answers, adjudications and an append-only audit log.

One :class:`Store` wraps a SQLAlchemy engine.  ``sqlite:///file.db`` (the default) and
``postgresql+psycopg://user:pw@host/db`` both work; the schema is created and upgraded with the
Alembic migrations shipped inside this package (:func:`migrate`).

Concurrency: answers are inserted, never updated (an undo marks the row ``retracted``), each
annotator has their own code-review rows, and SQLite transactions start with ``BEGIN IMMEDIATE``
under WAL with a busy timeout, so several annotators writing at once lose no answer.  On
PostgreSQL an audit-log append takes an advisory lock held to the end of its transaction, so the
audit log's hash chain (``review.audit``) is appended in order.

Users (``add_user`` ...) hold only the SHA-256 of their token; ``assign`` fills annotators' queues.
Readers of answers (gold, agreement, adjudication, card) skip a stored answer whose spans are
malformed (written by an older version) with a warning naming the row, instead of failing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import random
import re
import secrets
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Optional, Sequence, TypeVar

from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from corpora.errors import (
    REV_ANNOTATOR,
    REV_APPEND_ONLY,
    REV_ASSIGN,
    REV_DB_URL,
    REV_NO_DATASET,
    REV_NOT_FOUND,
    REV_USER,
    ReviewError,
)
from corpora.record import ASSERTIONS, set_hashes

from .audit import GENESIS, ChainReport, canonical_json, entry_hash, verify_rows
from .models import (
    ROLES,
    Adjudication,
    Annotation,
    Assignment,
    AuditLog,
    Code,
    CodeReview,
    Command,
    Dataset,
    DatasetMember,
    Example,
    Guideline,
    LabelScheme,
    Source,
    User,
    utcnow,
)

logger = logging.getLogger(__name__)

DEFAULT_DB = "sqlite:///clinlabel.db"
ANSWERS = ("accept", "reject", "ignore")
#: A reviewer's decision on a code (the code's own ``status`` is its clinical status: confirmed,
#: negated, ... from the code suggester, and is kept as it is).
DECISIONS = ("accepted", "rejected")
#: Keys Prodigy adds to an answer; stripped when an answer becomes a task again.
ANSWER_KEYS = ("answer", "_timestamp", "_annotator_id", "_session_id", "_view_id", "accept")
#: Key of the PostgreSQL advisory lock every write transaction takes (keeps the audit chain in order).
PG_WRITE_LOCK = 0x636C6C62
#: User names: letters, digits and ``. _ @ -`` (they appear in logs, files and the page).
USER_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")

T = TypeVar("T")


# --- URLs and migrations ------------------------------------------------------------------------


def normalise_url(db: str | os.PathLike[str]) -> str:
    """``--db`` value to a SQLAlchemy URL: a bare path means a SQLite file."""
    text = str(db)
    if "://" not in text:
        return f"sqlite:///{Path(text).expanduser()}"
    return text


def migrations_path() -> str:
    """Folder of the Alembic scripts, resolved through ``importlib.resources``."""
    return str(resources.files("review") / "migrations")


def _alembic_config(url: str):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", migrations_path())
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database behind ``engine`` to ``revision`` with the shipped migrations."""
    # Alembic logs INFO lines on import and per upgrade; keep them out of the CLI's INFO output
    # unless --verbose (DEBUG) is on.
    alembic_log = logging.getLogger("alembic")
    old_level = alembic_log.level
    if not logging.getLogger().isEnabledFor(logging.DEBUG):
        alembic_log.setLevel(logging.WARNING)
    try:
        from alembic import command

        cfg = _alembic_config(engine.url.render_as_string(hide_password=False))
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    finally:
        alembic_log.setLevel(old_level)


def current_revision(engine: Engine) -> Optional[str]:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):  # pragma: no cover - exercised through every SQLite test
        dbapi_conn.isolation_level = None  # let SQLAlchemy's "begin" event issue BEGIN IMMEDIATE
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):  # pragma: no cover
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _guard_audit_log(session: Session, _ctx, _instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditLog):
            raise ReviewError(
                f"refusing to change audit-log row {obj.id}",
                "the audit log is append-only: record a new entry instead",
                code=REV_APPEND_ONLY,
            )


def sha256_file(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def uncertainty(record: Mapping[str, Any]) -> float:
    """How unsure the machine was about a task, for ``--sort uncertainty`` (higher = review first).

    ``meta.uncertainty`` wins when present.  Otherwise the chance that at least one of the note's
    machine spans is wrong, from their probabilities (``score``: the label model's or end model's
    mean probability of the span's label): ``1 - prod(p)``.  It grows with every unsure span, so a
    note with many middling spans comes before a note with one.  A note with no scored span gets
    0 and goes last, after the notes the machine was unsure about (ties keep file order).
    """
    meta = record.get("meta") or {}
    value = meta.get("uncertainty") if isinstance(meta, Mapping) else None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    sure = 1.0
    for span in record.get("spans") or []:
        score = span.get("score") if isinstance(span, Mapping) else None
        if isinstance(score, (int, float)) and not isinstance(score, bool) and 0.0 <= score <= 1.0:
            sure *= float(score)
    return round(1.0 - sure, 6)


def code_option_id(system: str, code: str) -> str:
    """The id of a code in a Prodigy ``options`` list (``"ICD-10-CM:E11.9"``)."""
    return f"{system}:{code}"


def span_key(span: Mapping[str, Any]) -> tuple[int, int, str]:
    return (int(span["start"]), int(span["end"]), str(span.get("label", "")))


def span_problem(span: Any, text_length: int, labels: Optional[Iterable[str]] = None) -> Optional[str]:
    """What is wrong with a stored span (None when nothing): offsets, label."""
    if not isinstance(span, Mapping):
        return "is not an object"
    start, end = span.get("start"), span.get("end")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
        return f"offsets {start!r}..{end!r} are not integers"
    if not 0 <= start < end <= text_length:
        return f"offsets {start}..{end} do not satisfy 0 <= start < end <= {text_length} (the note's length)"
    label = span.get("label")
    if not isinstance(label, str) or not label:
        return f"label {label!r} is not a non-empty string"
    if labels is not None and label not in labels:
        return f"label {label!r} is not in the label scheme"
    return None


def with_assertions(span: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``span`` with each assertion attribute (``corpora.record.ASSERTIONS``) a bool."""
    out = dict(span)
    for attr in ASSERTIONS:
        out[attr] = bool(out.get(attr, False))
    return out


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    """A fresh access token: 32 random bytes, URL-safe text."""
    return "clt_" + secrets.token_urlsafe(32)


def twin_hash(task_hash: int, note_id: Optional[str], attempt: int = 0) -> int:
    """The task hash of a note whose text and task equal another note's (a twin): derived from the
    shared hash and the note's own id, signed 32-bit like Prodigy's."""
    from murmurhash.mrmr import hash as murmur

    return murmur(f"{task_hash}:twin:{note_id}:{attempt}")


def strip_answer(record: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in ANSWER_KEYS}


class Store:
    """A review store at ``url`` (see :func:`normalise_url`); migrated to head on open."""

    def __init__(self, url: str | os.PathLike[str] = DEFAULT_DB, *, upgrade: bool = True, echo: bool = False):
        self.url = normalise_url(url)
        try:
            parsed = make_url(self.url)
        except ArgumentError as exc:
            raise ReviewError(
                f"cannot parse database URL {self.url!r}",
                "use sqlite:///path/to/file.db or postgresql+psycopg://user:password@host:port/dbname",
                code=REV_DB_URL,
            ) from exc
        kwargs: dict[str, Any] = {"echo": echo, "future": True}
        if parsed.get_backend_name() == "sqlite":
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
            if parsed.database and parsed.database != ":memory:":
                db_file = Path(parsed.database).expanduser()
                db_file.parent.mkdir(parents=True, exist_ok=True)
                if not db_file.exists():  # the store holds notes (PHI): readable by its owner only
                    os.close(os.open(db_file, os.O_CREAT | os.O_WRONLY, 0o600))
        else:
            kwargs["pool_pre_ping"] = True
        try:
            self.engine = create_engine(self.url, **kwargs)
        except Exception as exc:  # unknown dialect / driver missing
            raise ReviewError(
                f"cannot open database {parsed.render_as_string(hide_password=True)}: {exc}",
                "use sqlite:///file.db or postgresql+psycopg://... (psycopg 3 is installed)",
                code=REV_DB_URL,
            ) from exc
        if parsed.get_backend_name() == "sqlite":
            _sqlite_setup(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        event.listen(self._sessions, "before_flush", _guard_audit_log)
        if upgrade:
            try:
                migrate(self.engine)
            except OperationalError as exc:
                raise ReviewError(
                    f"cannot reach database {parsed.render_as_string(hide_password=True)}: {exc.orig}",
                    "check the --db URL, that the server runs and that the user may connect",
                    code=REV_DB_URL,
                ) from exc

    # -- plumbing ---------------------------------------------------------------------------------

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def backend(self) -> str:
        return self.engine.url.get_backend_name()

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as s:
            with s.begin():
                yield s

    def _lock(self, s: Session) -> None:
        """Serialise audit-log appends on PostgreSQL until the transaction ends (SQLite's
        BEGIN IMMEDIATE already serialises writers).  Taken by :meth:`_log`, which comes last in
        a write, so the lock is held for one insert and the commit."""
        if self.backend == "postgresql":
            s.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_WRITE_LOCK})

    def _retry(self, fn: Callable[[Session], T], attempts: int = 5) -> T:
        """Run ``fn`` in a write transaction; retry on a unique-key race (two writers adding one
        thing) and on a deadlock PostgreSQL broke up."""
        for attempt in range(attempts):
            try:
                with self.session() as s:
                    return fn(s)
            except IntegrityError as exc:
                if attempt == attempts - 1 or not _unique_violation(exc):
                    raise
            except OperationalError as exc:
                if attempt == attempts - 1 or getattr(getattr(exc, "orig", None), "sqlstate", None) != "40P01":
                    raise
        raise AssertionError("unreachable")

    def _dataset(self, s: Session, name: str, *, create: bool = False) -> Dataset:
        ds = s.scalar(select(Dataset).where(Dataset.name == name))
        if ds is None:
            if not create:
                known = ", ".join(s.scalars(select(Dataset.name).order_by(Dataset.name))) or "none"
                raise ReviewError(
                    f"no dataset {name!r} in the store (datasets: {known})",
                    "check --dataset, or create it with `clinlabel review export IN --dataset NAME`",
                    code=REV_NO_DATASET,
                )
            ds = Dataset(name=name, meta={})
            s.add(ds)
            s.flush()
        return ds

    def _log(self, s: Session, ds_id: int, actor: str, action: str, *, example_id=None, target=None,
             before=None, after=None, session_id=None) -> None:
        """Append an audit entry chained to the one before it (``review.audit``)."""
        self._lock(s)
        prev = s.scalar(select(AuditLog.entry_hash).order_by(AuditLog.id.desc()).limit(1))
        prev = GENESIS if prev is None else prev
        fields = {"at": utcnow(), "actor": actor, "dataset_id": ds_id, "example_id": example_id, "action": action,
                  "target": target, "before": canonical_json(before), "after": canonical_json(after),
                  "session_id": session_id}
        s.add(AuditLog(**fields, prev_hash=prev, entry_hash=entry_hash(prev, fields)))

    def verify_audit(self) -> ChainReport:
        """Walk the whole audit log in id order and report the first broken link of its hash chain."""
        with self.session() as s:
            rows = s.execute(select(AuditLog).order_by(AuditLog.id).execution_options(yield_per=1000)).scalars()
            return verify_rows(rows)

    def _example(self, s: Session, example_id: int) -> Example:
        ex = s.get(Example, example_id)
        if ex is None:
            raise ReviewError(f"no example {example_id} in the store", "reload the page", code=REV_NOT_FOUND)
        return ex

    # -- datasets, lineage ------------------------------------------------------------------------

    def datasets(self) -> list[str]:
        with self.session() as s:
            return list(s.scalars(select(Dataset.name).order_by(Dataset.name)))

    def ensure_dataset(self, name: str) -> int:
        return self._retry(lambda s: self._dataset(s, name, create=True).id)

    def dataset_id(self, name: str) -> int:
        with self.session() as s:
            return self._dataset(s, name).id

    def update_meta(self, name: str, values: Mapping[str, Any], *, actor: str = "clinlabel") -> None:
        """Merge ``values`` into the dataset's metadata (LF / model figures, de-identification...)."""
        def run(s: Session) -> None:
            ds = self._dataset(s, name, create=True)
            before = dict(ds.meta or {})
            ds.meta = {**before, **dict(values)}
            self._log(s, ds.id, actor, "update_meta", target=",".join(sorted(values)), before=before, after=ds.meta)
        self._retry(run)

    def meta(self, name: str) -> dict[str, Any]:
        with self.session() as s:
            return dict(self._dataset(s, name).meta or {})

    def record_command(self, name: str, command: str) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            ver = version("clinlabel")
        except PackageNotFoundError:  # pragma: no cover
            ver = "unknown"
        def run(s: Session) -> None:
            ds = self._dataset(s, name, create=True)
            s.add(Command(dataset_id=ds.id, command=command, version=ver))
        self._retry(run)

    def record_source(self, name: str, kind: str, path: str | os.PathLike[str], records: int) -> str:
        digest = sha256_file(path)
        def run(s: Session) -> None:
            ds = self._dataset(s, name, create=True)
            s.add(Source(dataset_id=ds.id, kind=kind, path=str(path), sha256=digest, records=records))
        self._retry(run)
        return digest

    def set_label_scheme(self, name: str, labels: Iterable[str], *, actor: str = "clinlabel") -> int:
        """Store ``labels`` as the dataset's label scheme; a new version only when they change."""
        wanted = sorted(set(labels))
        def run(s: Session) -> int:
            ds = self._dataset(s, name, create=True)
            last = s.scalar(select(LabelScheme).where(LabelScheme.dataset_id == ds.id)
                            .order_by(LabelScheme.version.desc()).limit(1))
            if last is not None and sorted(last.labels) == wanted:
                return last.version
            version = 1 if last is None else last.version + 1
            s.add(LabelScheme(dataset_id=ds.id, version=version, labels=wanted))
            self._log(s, ds.id, actor, "label_scheme", target=f"v{version}",
                      before=None if last is None else last.labels, after=wanted)
            return version
        return self._retry(run)

    def add_guideline(self, name: str, path: str | os.PathLike[str], *, actor: str = "clinlabel") -> int:
        text = Path(path).read_text(encoding="utf-8")
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        def run(s: Session) -> int:
            ds = self._dataset(s, name, create=True)
            last = s.scalar(select(Guideline).where(Guideline.dataset_id == ds.id)
                            .order_by(Guideline.version.desc()).limit(1))
            if last is not None and last.sha256 == digest:
                return last.version
            version = 1 if last is None else last.version + 1
            s.add(Guideline(dataset_id=ds.id, version=version, path=str(path), sha256=digest, text=text))
            self._log(s, ds.id, actor, "guideline", target=f"v{version}",
                      before=None if last is None else last.sha256, after=digest)
            return version
        return self._retry(run)

    def lineage(self, name: str) -> dict[str, Any]:
        with self.session() as s:
            ds = self._dataset(s, name)
            scheme = s.scalar(select(LabelScheme).where(LabelScheme.dataset_id == ds.id)
                              .order_by(LabelScheme.version.desc()).limit(1))
            guide = s.scalar(select(Guideline).where(Guideline.dataset_id == ds.id)
                             .order_by(Guideline.version.desc()).limit(1))
            return {
                "dataset": ds.name,
                "created_at": ds.created_at.isoformat(),
                "meta": dict(ds.meta or {}),
                "label_scheme": None if scheme is None else {"version": scheme.version, "labels": scheme.labels},
                "guideline": None if guide is None else {"version": guide.version, "path": guide.path,
                                                         "sha256": guide.sha256},
                "sources": [
                    {"kind": r.kind, "path": r.path, "sha256": r.sha256, "records": r.records,
                     "at": r.created_at.isoformat()}
                    for r in s.scalars(select(Source).where(Source.dataset_id == ds.id).order_by(Source.id))
                ],
                "commands": [
                    {"command": r.command, "version": r.version, "at": r.created_at.isoformat()}
                    for r in s.scalars(select(Command).where(Command.dataset_id == ds.id).order_by(Command.id))
                ],
            }

    # -- users, members, assignments ---------------------------------------------------------------

    def add_user(self, name: str, role: str) -> str:
        """Create user ``name`` with ``role``; returns their new access token (stored only as a hash)."""
        _check_user_name(name)
        _check_role(role)
        token = new_token()
        def run(s: Session) -> None:
            if s.scalar(select(User.id).where(User.name == name)) is not None:
                raise ReviewError(f"user {name!r} already exists",
                                  f"give another name, or `clinlabel review user reset {name}` for a new token",
                                  code=REV_USER)
            s.add(User(name=name, role=role, token_hash=token_hash(token), disabled=False))
        self._retry(run)
        return token

    def _user(self, s: Session, name: str) -> User:
        row = s.scalar(select(User).where(User.name == name))
        if row is None:
            known = ", ".join(s.scalars(select(User.name).order_by(User.name))) or "none"
            raise ReviewError(f"no user {name!r} in the store (users: {known})",
                              f"add them with `clinlabel review user add {name} --role annotator`", code=REV_USER)
        return row

    def reset_user(self, name: str) -> str:
        """A new token for ``name`` (the old one stops working at once, sessions included)."""
        token = new_token()
        def run(s: Session) -> None:
            row = self._user(s, name)
            row.token_hash, row.updated_at = token_hash(token), utcnow()
        self._retry(run)
        return token

    def set_user_disabled(self, name: str, disabled: bool = True) -> None:
        def run(s: Session) -> None:
            row = self._user(s, name)
            row.disabled, row.updated_at = disabled, utcnow()
        self._retry(run)

    def users(self) -> list[dict[str, Any]]:
        with self.session() as s:
            datasets: dict[int, list[str]] = {}
            for uid, ds in s.execute(select(DatasetMember.user_id, Dataset.name)
                                     .join(Dataset, DatasetMember.dataset_id == Dataset.id).order_by(Dataset.name)):
                datasets.setdefault(uid, []).append(ds)
            return [{"name": u.name, "role": u.role, "disabled": u.disabled, "created_at": u.created_at.isoformat(),
                     "datasets": datasets.get(u.id, [])}
                    for u in s.scalars(select(User).order_by(User.name))]

    def user_for_token(self, token: str) -> Optional[dict[str, Any]]:
        """The enabled user whose token this is, or None."""
        if not isinstance(token, str) or not 8 <= len(token) <= 200:
            return None
        digest = token_hash(token)
        with self.session() as s:
            row = s.scalar(select(User).where(User.token_hash == digest))
            if row is None or row.disabled or not hmac.compare_digest(row.token_hash, digest):
                return None
            return _user_dict(row)

    def user_by_id(self, user_id: int) -> Optional[dict[str, Any]]:
        with self.session() as s:
            row = s.get(User, user_id)
            return None if row is None else _user_dict(row)

    def add_members(self, name: str, users: Iterable[str], *, actor: str = "clinlabel") -> None:
        """Let ``users`` open dataset ``name`` (adjudicators; annotators become members through ``assign``)."""
        users = list(users)
        def run(s: Session) -> None:
            ds = self._dataset(s, name)
            for who in users:
                self._member(s, ds, self._user(s, who), actor)
        self._retry(run)

    def _member(self, s: Session, ds: Dataset, user: User, actor: str) -> None:
        if s.scalar(select(DatasetMember.id).where(DatasetMember.dataset_id == ds.id,
                                                   DatasetMember.user_id == user.id)) is None:
            s.add(DatasetMember(dataset_id=ds.id, user_id=user.id))
            self._log(s, ds.id, actor, "member_add", target=user.name, after={"role": user.role})

    def is_member(self, name: str, user_id: int) -> bool:
        with self.session() as s:
            ds = self._dataset(s, name)
            return s.scalar(select(DatasetMember.id).where(DatasetMember.dataset_id == ds.id,
                                                          DatasetMember.user_id == user_id)) is not None

    def assigned(self, name: str, user_id: int) -> Optional[set[int]]:
        """Example ids in ``user_id``'s queue of dataset ``name``; None when they have no queue there."""
        with self.session() as s:
            ds = self._dataset(s, name)
            ids = set(s.scalars(select(Assignment.example_id).where(Assignment.dataset_id == ds.id,
                                                                    Assignment.user_id == user_id)))
            return ids or None

    def assignments(self, name: str) -> dict[str, list[int]]:
        """``{user name: [example ids in file order]}`` of dataset ``name``."""
        with self.session() as s:
            ds = self._dataset(s, name)
            out: dict[str, list[int]] = {}
            for who, eid in s.execute(select(User.name, Assignment.example_id)
                                      .join(User, Assignment.user_id == User.id)
                                      .join(Example, Assignment.example_id == Example.id)
                                      .where(Assignment.dataset_id == ds.id).order_by(User.name, Example.position)):
                out.setdefault(who, []).append(eid)
            return out

    def assign(self, name: str, annotators: Sequence[str], *, overlap: float = 0.0, seed: int = 0,
               adjudicators: Sequence[str] = (), actor: str = "clinlabel") -> dict[str, Any]:
        """Queue the dataset's not yet assigned examples to ``annotators``: a share ``overlap`` of them
        (chosen at random with ``seed``) to two annotators each, every pair of annotators in turn, the
        rest to one, the least loaded first.  ``adjudicators`` may open the dataset too."""
        annotators = [a.strip() for a in annotators if a.strip()]
        if not annotators or len(set(annotators)) != len(annotators):
            raise ReviewError(f"annotators {', '.join(annotators) or '(none)'}: give each name once",
                              "pass --annotators a,b,c", code=REV_ASSIGN)
        if isinstance(overlap, bool) or not isinstance(overlap, (int, float)) or not 0.0 <= overlap <= 1.0:
            raise ReviewError(f"--overlap {overlap!r} is not a share between 0 and 1",
                              "pass e.g. --overlap 0.2 (a fifth of the notes doubly annotated)", code=REV_ASSIGN)
        if overlap > 0 and len(annotators) < 2:
            raise ReviewError(f"--overlap {overlap} needs two or more annotators, got {annotators[0]!r}",
                              "add annotators or use --overlap 0", code=REV_ASSIGN)
        def run(s: Session) -> dict[str, Any]:
            ds = self._dataset(s, name)
            users = {a: self._user(s, a) for a in annotators}
            judges = {a: self._user(s, a) for a in adjudicators}
            for who, u in list(users.items()) + list(judges.items()):
                if u.disabled:
                    raise ReviewError(f"user {who!r} is disabled", f"enable them (`clinlabel review user enable {who}`)"
                                      " or leave them out", code=REV_ASSIGN)
            for who, u in judges.items():
                if u.role not in ("adjudicator", "admin"):
                    raise ReviewError(f"user {who!r} has role {u.role}, not adjudicator",
                                      f"add an adjudicator (`clinlabel review user add NAME --role adjudicator`)",
                                      code=REV_ASSIGN)
            taken = set(s.scalars(select(Assignment.example_id).where(Assignment.dataset_id == ds.id)))
            ids = [i for i in s.scalars(select(Example.id).where(Example.dataset_id == ds.id).order_by(Example.position))
                   if i not in taken]
            load = {a: s.scalar(select(func.count(Assignment.id)).where(Assignment.dataset_id == ds.id,
                                                                       Assignment.user_id == users[a].id)) or 0
                    for a in annotators}
            order = list(ids)
            random.Random(seed).shuffle(order)
            n_double = int(round(overlap * len(order))) if len(annotators) > 1 else 0
            double = set(order[:n_double])
            pairs = [(a, b) for i, a in enumerate(annotators) for b in annotators[i + 1:]]
            pair_used = {p: 0 for p in pairs}
            added = {a: 0 for a in annotators}
            for eid in order:
                if eid in double:
                    pair = min(pairs, key=lambda p: (pair_used[p], load[p[0]] + load[p[1]], pairs.index(p)))
                    pair_used[pair] += 1
                    chosen = list(pair)
                else:
                    chosen = [min(annotators, key=lambda a: (load[a], annotators.index(a)))]
                for a in chosen:
                    s.add(Assignment(dataset_id=ds.id, example_id=eid, user_id=users[a].id))
                    load[a] += 1
                    added[a] += 1
            for u in list(users.values()) + list(judges.values()):
                self._member(s, ds, u, actor)
            stats = {"examples": len(ids), "doubly_annotated": n_double, "already_assigned": len(taken),
                     "added": added, "queue": dict(load), "adjudicators": sorted(judges)}
            self._log(s, ds.id, actor, "assign", target=",".join(annotators),
                      after={"overlap": overlap, "seed": seed, **stats})
            return stats
        return self._retry(run)

    # -- examples ---------------------------------------------------------------------------------

    def add_tasks(self, name: str, records: Iterable[Mapping[str, Any]], *, actor: str = "clinlabel") -> dict[str, int]:
        """Add tasks to dataset ``name`` (created if new); a task already there (same ``_task_hash``
        and note id) is skipped.  Returns ``{"added": n, "skipped": m}``.

        Two notes with the same text and task but their own ids (twins) are both kept: the second
        gets a task hash derived from the shared one and its id (:func:`twin_hash`), so Prodigy, the
        answers and gold keep them apart too."""
        added = skipped = 0
        def run(s: Session) -> None:
            nonlocal added, skipped
            ds = self._dataset(s, name, create=True)
            position = s.scalar(select(func.coalesce(func.max(Example.position), -1))
                                .where(Example.dataset_id == ds.id)) + 1
            seen = dict(s.execute(select(Example.task_hash, Example.note_id).where(Example.dataset_id == ds.id)).all())
            for rec in records:
                task = prepare_task(rec)
                note = _note_id(task)
                h, attempt = task["_task_hash"], 0
                while h in seen and seen[h] != note:
                    h, attempt = twin_hash(task["_task_hash"], note, attempt), attempt + 1
                if h in seen:
                    skipped += 1
                    continue
                task["_task_hash"] = h
                seen[h] = note
                self._insert_example(s, ds, task, position, actor)
                position += 1
                added += 1
        self._retry(run, attempts=1)
        return {"added": added, "skipped": skipped}

    def _insert_example(self, s: Session, ds: Dataset, task: dict[str, Any], position: int, actor: str) -> Example:
        ex = Example(dataset_id=ds.id, position=position, note_id=_note_id(task),
                     input_hash=int(task["_input_hash"]), task_hash=int(task["_task_hash"]), text=task["text"],
                     task=task, uncertainty=uncertainty(task))
        s.add(ex)
        s.flush()
        for c in task.get("codes") or []:
            if not isinstance(c, Mapping) or not c.get("code"):
                continue
            key = (str(c.get("system") or "ICD-10-CM"), str(c["code"]))
            if s.scalar(select(Code.id).where(Code.example_id == ex.id, Code.system == key[0], Code.code == key[1])):
                continue
            s.add(Code(example_id=ex.id, code=key[1], system=key[0], description=str(c.get("description") or ""),
                       score=c.get("score"), evidence=list(c.get("evidence") or []), origin="suggested",
                       extra={k: v for k, v in c.items()
                              if k not in ("code", "system", "description", "score", "evidence", "decision")}))
        self._log(s, ds.id, actor, "add_example", example_id=ex.id, target=ex.note_id,
                  after={"_input_hash": ex.input_hash, "_task_hash": ex.task_hash})
        return ex

    def find_example(self, s: Session, ds_id: int, task_hash: Any, input_hash: Any,
                     note_id: Optional[str] = None) -> Optional[Example]:
        """The example an answer belongs to: same task hash (a twin's derived hash when the note id
        says so), else same input hash and note id, else same input hash."""
        def by_hash(h: int) -> Optional[Example]:
            return s.scalar(select(Example).where(Example.dataset_id == ds_id, Example.task_hash == h))

        if task_hash is not None:
            ex = by_hash(int(task_hash))
            if ex is not None and (note_id is None or ex.note_id == note_id):
                return ex
            for attempt in range(8 if ex is not None else 0):
                twin = by_hash(twin_hash(int(task_hash), note_id, attempt))
                if twin is not None and twin.note_id == note_id:
                    return twin
            if ex is not None and note_id is None:
                return ex
        if input_hash is not None:
            q = select(Example).where(Example.dataset_id == ds_id, Example.input_hash == int(input_hash))
            if note_id is not None:
                ex = s.scalar(q.where(Example.note_id == note_id).order_by(Example.position).limit(1))
                if ex is not None:
                    return ex
            return s.scalar(q.order_by(Example.position).limit(1))
        return None

    def example_ids(self, name: str, *, sort: Optional[str] = None) -> list[int]:
        with self.session() as s:
            ds = self._dataset(s, name)
            q = select(Example.id).where(Example.dataset_id == ds.id)
            if sort == "uncertainty":
                q = q.order_by(Example.uncertainty.desc(), Example.position)
            elif sort in (None, "", "position", "input"):
                q = q.order_by(Example.position)
            else:
                raise ReviewError(f"unknown sort {sort!r}", "use --sort uncertainty (or leave it out for file order)",
                                  code=REV_NOT_FOUND)
            return list(s.scalars(q))

    def tasks(self, name: str) -> list[dict[str, Any]]:
        """The dataset's tasks (Prodigy task dicts with hashes and code ``options``) in file order."""
        with self.session() as s:
            ds = self._dataset(s, name)
            out = []
            for ex in s.scalars(select(Example).where(Example.dataset_id == ds.id).order_by(Example.position)):
                task = dict(ex.task)
                codes = s.scalars(select(Code).where(Code.example_id == ex.id).order_by(Code.id)).all()
                task["codes"] = [_code_dict(c) for c in codes]
                out.append(task)
            return out

    def codes(self, example_id: int, annotator: Optional[str] = None) -> list[dict[str, Any]]:
        with self.session() as s:
            return self._codes_view(s, example_id, annotator)

    def _codes_view(self, s: Session, example_id: int, annotator: Optional[str]) -> list[dict[str, Any]]:
        rows = s.scalars(select(Code).where(Code.example_id == example_id).order_by(Code.id)).all()
        reviews: dict[int, str] = {}
        if annotator:
            for r in s.scalars(select(CodeReview).join(Code, CodeReview.code_id == Code.id)
                               .where(Code.example_id == example_id, CodeReview.annotator == annotator)):
                reviews[r.code_id] = r.decision
        out = []
        for c in rows:
            d = _code_dict(c)
            d["id"] = c.id
            d["decision"] = reviews.get(c.id, "pending")
            out.append(d)
        return out

    def example_view(self, example_id: int, annotator: Optional[str] = None) -> dict[str, Any]:
        """What the review page shows: the task, the codes with this annotator's decisions and
        their current answer (if any)."""
        with self.session() as s:
            ex = self._example(s, example_id)
            current = None
            if annotator:
                ann = s.scalar(select(Annotation).where(Annotation.example_id == ex.id, Annotation.annotator == annotator,
                                                        Annotation.retracted.is_(False))
                               .order_by(Annotation.id.desc()).limit(1))
                if ann is not None:
                    current = {"answer": ann.answer, "spans": ann.spans, "id": ann.id}
            return {"id": ex.id, "position": ex.position, "note_id": ex.note_id, "text": ex.text,
                    "meta": (ex.task.get("meta") or {}), "spans": list(ex.task.get("spans") or []),
                    "relations": list(ex.task.get("relations") or []), "tokens": ex.task.get("tokens"),
                    "uncertainty": ex.uncertainty, "codes": self._codes_view(s, ex.id, annotator),
                    "current": current}

    # -- decisions --------------------------------------------------------------------------------

    def review_code(self, code_id: int, annotator: str, decision: str, *, session_id: Optional[str] = None) -> dict[str, Any]:
        """Record ``annotator``'s decision (``accepted`` / ``rejected``) on one code."""
        _need_annotator(annotator)
        if decision not in DECISIONS:
            raise ReviewError(f"unknown code decision {decision!r}", f"use one of {', '.join(DECISIONS)}",
                              code=REV_NOT_FOUND)
        def run(s: Session) -> dict[str, Any]:
            code = s.get(Code, code_id)
            if code is None:
                raise ReviewError(f"no code {code_id} in the store", "reload the page", code=REV_NOT_FOUND)
            ex = s.get(Example, code.example_id)
            row = s.scalar(select(CodeReview).where(CodeReview.code_id == code_id, CodeReview.annotator == annotator))
            before = None if row is None else row.decision
            if row is None:
                row = CodeReview(code_id=code_id, annotator=annotator, decision=decision, session_id=session_id)
                s.add(row)
            else:
                row.decision, row.session_id, row.updated_at = decision, session_id, utcnow()
            s.flush()
            self._log(s, ex.dataset_id, annotator, f"code_{decision[:-2]}", example_id=ex.id,
                      target=code_option_id(code.system, code.code), before=before, after=decision,
                      session_id=session_id)
            return {"id": code.id, "code": code.code, "system": code.system, "decision": decision}
        return self._retry(run)

    def add_code(self, example_id: int, code: str, annotator: str, *, system: str = "ICD-10-CM",
                 description: str = "", session_id: Optional[str] = None, evidence: Sequence[Mapping] = ()) -> dict[str, Any]:
        """Add a code a person found (e.g. through ontology search) and accept it for ``annotator``."""
        _need_annotator(annotator)
        code = code.strip()
        if not code:
            raise ReviewError("empty code", "pick a code from the search results", code=REV_NOT_FOUND)
        def run(s: Session) -> int:
            ex = self._example(s, example_id)
            row = s.scalar(select(Code).where(Code.example_id == ex.id, Code.system == system, Code.code == code))
            if row is None:
                row = Code(example_id=ex.id, code=code, system=system, description=description, score=None,
                           evidence=[dict(e) for e in evidence], origin="added", added_by=annotator, extra={})
                s.add(row)
                s.flush()
                self._log(s, ex.dataset_id, annotator, "code_add", example_id=ex.id,
                          target=code_option_id(system, code), after={"code": code, "system": system,
                                                                       "description": description},
                          session_id=session_id)
            return row.id
        code_id = self._retry(run)
        return self.review_code(code_id, annotator, "accepted", session_id=session_id)

    def edit_code(self, code_id: int, new_code: str, annotator: str, *, description: str = "",
                  system: Optional[str] = None, session_id: Optional[str] = None) -> dict[str, Any]:
        """Replace a code by another: the old one is rejected, the new one added and accepted."""
        with self.session() as s:
            old = s.get(Code, code_id)
            if old is None:
                raise ReviewError(f"no code {code_id} in the store", "reload the page", code=REV_NOT_FOUND)
            example_id, old_system, evidence = old.example_id, old.system, list(old.evidence or [])
        self.review_code(code_id, annotator, "rejected", session_id=session_id)
        return self.add_code(example_id, new_code, annotator, system=system or old_system, description=description,
                             session_id=session_id, evidence=evidence)

    def answer(self, example_id: int, annotator: str, answer: str, *, spans: Optional[Sequence[Mapping]] = None,
               relations: Optional[Sequence[Mapping]] = None, session_id: Optional[str] = None,
               record: Optional[Mapping[str, Any]] = None, action: str = "answer") -> int:
        """Store one answer (a new row; nothing is overwritten).  ``spans`` default to the task's.

        The answer's ``codes`` are this annotator's current code decisions."""
        _need_annotator(annotator)
        if answer not in ANSWERS:
            raise ReviewError(f"unknown answer {answer!r}", f"use one of {', '.join(ANSWERS)}", code=REV_NOT_FOUND)
        def run(s: Session) -> int:
            ex = self._example(s, example_id)
            use_spans = [dict(sp) for sp in (spans if spans is not None else ex.task.get("spans") or [])]
            for sp in use_spans:
                if "text" not in sp and isinstance(sp.get("start"), int) and isinstance(sp.get("end"), int):
                    sp["text"] = ex.text[sp["start"]:sp["end"]]
            use_rel = [dict(r) for r in (relations if relations is not None else ex.task.get("relations") or [])]
            codes = [c for c in self._codes_view(s, ex.id, annotator)]
            rec = dict(record) if record is not None else dict(ex.task)
            rec.update({"spans": use_spans, "relations": use_rel, "answer": answer, "_annotator_id": annotator,
                        "_session_id": session_id or annotator,
                        "codes": [{k: v for k, v in c.items() if k != "id"} for c in codes]})
            rec.setdefault("_timestamp", int(utcnow().timestamp()))
            prev = s.scalar(select(Annotation).where(Annotation.example_id == ex.id, Annotation.annotator == annotator,
                                                     Annotation.retracted.is_(False))
                            .order_by(Annotation.id.desc()).limit(1))
            ann = Annotation(example_id=ex.id, annotator=annotator, session_id=session_id, answer=answer,
                             spans=use_spans, relations=use_rel, codes=rec["codes"], record=rec)
            s.add(ann)
            s.flush()
            self._log(s, ex.dataset_id, annotator, action, example_id=ex.id, target=f"annotation:{ann.id}",
                      before=None if prev is None else {"answer": prev.answer, "spans": prev.spans},
                      after={"answer": answer, "spans": use_spans}, session_id=session_id)
            return ann.id
        return self._retry(run)

    def undo(self, name: str, annotator: str, *, session_id: Optional[str] = None) -> Optional[int]:
        """Retract ``annotator``'s last answer in dataset ``name``; returns its example id (or None)."""
        _need_annotator(annotator)
        def run(s: Session) -> Optional[int]:
            ds = self._dataset(s, name)
            q = (select(Annotation).join(Example, Annotation.example_id == Example.id)
                 .where(Example.dataset_id == ds.id, Annotation.annotator == annotator, Annotation.retracted.is_(False)))
            if session_id:
                q = q.where(Annotation.session_id == session_id)
            ann = s.scalar(q.order_by(Annotation.id.desc()).limit(1))
            if ann is None:
                return None
            ann.retracted = True
            self._log(s, ds.id, annotator, "undo", example_id=ann.example_id, target=f"annotation:{ann.id}",
                      before={"answer": ann.answer, "spans": ann.spans}, after=None, session_id=session_id)
            return ann.example_id
        return self._retry(run)

    def next_example(self, name: str, annotator: str, *, sort: Optional[str] = None) -> Optional[int]:
        """First example (in ``sort`` order) this annotator has not answered yet."""
        order = self.example_ids(name, sort=sort)
        done = self.answered(name, annotator)
        for eid in order:
            if eid not in done:
                return eid
        return None

    def answered(self, name: str, annotator: str) -> set[int]:
        with self.session() as s:
            ds = self._dataset(s, name)
            return set(s.scalars(select(Annotation.example_id).join(Example, Annotation.example_id == Example.id)
                                 .where(Example.dataset_id == ds.id, Annotation.annotator == annotator,
                                        Annotation.retracted.is_(False))))

    def answers_of(self, name: str, annotator: str) -> dict[int, str]:
        """``{example_id: answer}`` of ``annotator``'s current (latest unretracted) answers in ``name``."""
        with self.session() as s:
            ds = self._dataset(s, name)
            rows = s.execute(select(Annotation.example_id, Annotation.answer)
                             .join(Example, Annotation.example_id == Example.id)
                             .where(Example.dataset_id == ds.id, Annotation.annotator == annotator,
                                    Annotation.retracted.is_(False)).order_by(Annotation.id))
            return {eid: answer for eid, answer in rows}

    def briefs(self, name: str) -> dict[int, dict[str, Any]]:
        """``{example_id: {position, note_id, uncertainty}}`` of dataset ``name`` (no note text)."""
        with self.session() as s:
            ds = self._dataset(s, name)
            return {eid: {"id": eid, "position": pos, "note_id": note, "uncertainty": unc}
                    for eid, pos, note, unc in s.execute(
                        select(Example.id, Example.position, Example.note_id, Example.uncertainty)
                        .where(Example.dataset_id == ds.id))}

    def example_dataset(self, example_id: int) -> Optional[str]:
        """Name of the dataset example ``example_id`` belongs to (None: no such example)."""
        with self.session() as s:
            return s.scalar(select(Dataset.name).join(Example, Example.dataset_id == Dataset.id)
                            .where(Example.id == example_id))

    def code_example(self, code_id: int) -> Optional[int]:
        """Example id of code option ``code_id`` (None: no such code)."""
        with self.session() as s:
            return s.scalar(select(Code.example_id).where(Code.id == code_id))

    def adjudication_for(self, example_id: int) -> Optional[dict[str, Any]]:
        """The latest adjudication of one example (None when there is none)."""
        with self.session() as s:
            a = s.scalar(select(Adjudication).where(Adjudication.example_id == example_id)
                         .order_by(Adjudication.id.desc()).limit(1))
            return None if a is None else {"rule": a.rule, "decided_by": a.decided_by, "annotators": a.annotators,
                                           "answer": a.answer, "record": a.record, "at": a.created_at.isoformat()}

    def progress(self, name: str, annotator: Optional[str] = None) -> dict[str, int]:
        with self.session() as s:
            ds = self._dataset(s, name)
            total = s.scalar(select(func.count(Example.id)).where(Example.dataset_id == ds.id))
        done = len(self.answered(name, annotator)) if annotator else 0
        return {"total": int(total or 0), "done": done}

    # -- reading answers --------------------------------------------------------------------------

    def label_scheme(self, name: str) -> Optional[list[str]]:
        """The labels of the dataset's latest label scheme (None when it has none)."""
        with self.session() as s:
            return self._scheme(s, self._dataset(s, name))

    def _scheme(self, s: Session, ds: Dataset) -> Optional[list[str]]:
        scheme = s.scalar(select(LabelScheme).where(LabelScheme.dataset_id == ds.id)
                          .order_by(LabelScheme.version.desc()).limit(1))
        return None if scheme is None else list(scheme.labels)

    def _bad_record(self, kind: str, row_id: int, note: Optional[str], who: str, record: Mapping[str, Any],
                    length: int, labels: Optional[list[str]]) -> bool:
        """Warn about (and return True for) a stored answer / adjudication the readers cannot use."""
        problem = None
        if record.get("answer") not in ANSWERS:
            problem = f"answer {record.get('answer')!r} is not one of {', '.join(ANSWERS)}"
        elif not isinstance(record.get("spans") or [], list):
            problem = "spans are not a list"
        else:
            for i, sp in enumerate(record.get("spans") or []):
                why = span_problem(sp, length, labels)
                if why:
                    problem = f"span {i} {why}"
                    break
        if problem is None:
            return False
        logger.warning("%s: %s %d (note %s, by %s) skipped: %s; have it answered again (or retracted) on the review page",
                       self.where, kind, row_id, note, who, problem)
        return True

    @property
    def where(self) -> str:
        """The store's URL without its password (for messages)."""
        return make_url(self.url).render_as_string(hide_password=True)

    def current_answers(self, name: str) -> dict[int, dict[str, dict[str, Any]]]:
        """``{example_id: {annotator: answer record}}`` with each annotator's latest, unretracted answer.

        An answer whose spans are malformed (offsets, label outside the scheme: rows written before
        the checks existed) is skipped with a warning naming it; the annotator then counts as not
        having answered that example."""
        out: dict[int, dict[str, dict[str, Any]]] = {}
        with self.session() as s:
            ds = self._dataset(s, name)
            labels = self._scheme(s, ds)
            rows = s.execute(select(Annotation, func.length(Example.text), Example.note_id)
                             .join(Example, Annotation.example_id == Example.id)
                             .where(Example.dataset_id == ds.id, Annotation.retracted.is_(False))
                             .order_by(Annotation.id))
            for a, length, note in rows:
                by = out.setdefault(a.example_id, {})
                if self._bad_record("answer", a.id, note, a.annotator, a.record, length, labels):
                    by.pop(a.annotator, None)
                    continue
                by[a.annotator] = dict(a.record)
        return {eid: by for eid, by in out.items() if by}

    def current_answers_for(self, example_id: int) -> dict[str, dict[str, Any]]:
        """``{annotator: answer record}`` of one example (latest unretracted answer each; malformed ones skipped)."""
        with self.session() as s:
            ex = self._example(s, example_id)
            labels = self._scheme(s, s.get(Dataset, ex.dataset_id))
            out: dict[str, dict[str, Any]] = {}
            for a in s.scalars(select(Annotation).where(Annotation.example_id == example_id,
                                                        Annotation.retracted.is_(False)).order_by(Annotation.id)):
                if self._bad_record("answer", a.id, ex.note_id, a.annotator, a.record, len(ex.text), labels):
                    out.pop(a.annotator, None)
                else:
                    out[a.annotator] = dict(a.record)
            return out

    def annotations(self, name: str, *, include_retracted: bool = False) -> list[dict[str, Any]]:
        with self.session() as s:
            ds = self._dataset(s, name)
            q = (select(Annotation).join(Example, Annotation.example_id == Example.id)
                 .where(Example.dataset_id == ds.id).order_by(Annotation.id))
            if not include_retracted:
                q = q.where(Annotation.retracted.is_(False))
            return [{"id": a.id, "example_id": a.example_id, "annotator": a.annotator, "session_id": a.session_id,
                     "answer": a.answer, "spans": a.spans, "codes": a.codes, "retracted": a.retracted,
                     "record": a.record} for a in s.scalars(q)]

    def examples(self, name: str) -> list[dict[str, Any]]:
        with self.session() as s:
            ds = self._dataset(s, name)
            return [{"id": e.id, "position": e.position, "note_id": e.note_id, "input_hash": e.input_hash,
                     "task_hash": e.task_hash, "task": dict(e.task), "uncertainty": e.uncertainty}
                    for e in s.scalars(select(Example).where(Example.dataset_id == ds.id).order_by(Example.position))]

    def add_adjudication(self, example_id: int, *, rule: str, decided_by: str, annotators: Sequence[str],
                         answer: str, record: Mapping[str, Any], session_id: Optional[str] = None) -> int:
        def run(s: Session) -> int:
            ex = self._example(s, example_id)
            prev = s.scalar(select(Adjudication).where(Adjudication.example_id == ex.id)
                            .order_by(Adjudication.id.desc()).limit(1))
            row = Adjudication(example_id=ex.id, rule=rule, decided_by=decided_by, annotators=list(annotators),
                               answer=answer, record=dict(record))
            s.add(row)
            s.flush()
            self._log(s, ex.dataset_id, decided_by, "adjudicate", example_id=ex.id, target=f"rule:{rule}",
                      before=None if prev is None else {"answer": prev.answer, "rule": prev.rule,
                                                        "decided_by": prev.decided_by},
                      after={"answer": answer, "spans": list(record.get("spans") or []),
                             "codes": [c.get("code") for c in record.get("codes") or []
                                       if c.get("decision") == "accepted"]},
                      session_id=session_id)
            return row.id
        return self._retry(run)

    def adjudications(self, name: str) -> dict[int, dict[str, Any]]:
        """Latest adjudication per example id."""
        out: dict[int, dict[str, Any]] = {}
        with self.session() as s:
            ds = self._dataset(s, name)
            labels = self._scheme(s, ds)
            for a, length, note in s.execute(select(Adjudication, func.length(Example.text), Example.note_id)
                                             .join(Example, Adjudication.example_id == Example.id)
                                             .where(Example.dataset_id == ds.id).order_by(Adjudication.id)):
                if self._bad_record("adjudication", a.id, note, a.decided_by, {**a.record, "answer": a.answer},
                                    length, labels):
                    out.pop(a.example_id, None)
                    continue
                out[a.example_id] = {"rule": a.rule, "decided_by": a.decided_by, "annotators": a.annotators,
                                     "answer": a.answer, "record": a.record,
                                     "at": a.created_at.isoformat()}
        return out

    def audit(self, name: str, *, example_id: Optional[int] = None) -> list[dict[str, Any]]:
        with self.session() as s:
            ds = self._dataset(s, name)
            q = select(AuditLog).where(AuditLog.dataset_id == ds.id)
            if example_id is not None:
                q = q.where(AuditLog.example_id == example_id)
            return [{"id": r.id, "at": r.at.isoformat(), "actor": r.actor, "example_id": r.example_id,
                     "action": r.action, "target": r.target, "before": r.before, "after": r.after,
                     "session_id": r.session_id} for r in s.scalars(q.order_by(AuditLog.id))]


def _code_dict(c: Code) -> dict[str, Any]:
    d = {**(c.extra or {}), "code": c.code, "system": c.system, "description": c.description, "score": c.score,
         "evidence": list(c.evidence or []), "origin": c.origin}
    if c.added_by:
        d["added_by"] = c.added_by
    return d


def _user_dict(u: User) -> dict[str, Any]:
    return {"id": u.id, "name": u.name, "role": u.role, "disabled": u.disabled, "token_hash": u.token_hash}


def _check_user_name(name: str) -> None:
    if not isinstance(name, str) or not USER_NAME_RE.match(name):
        raise ReviewError(f"user name {name!r} is not allowed",
                          "use 1-64 letters, digits and . _ @ - (starting with a letter or digit)", code=REV_USER)


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ReviewError(f"unknown role {role!r}", f"use --role {' | '.join(ROLES)}", code=REV_USER)


def _unique_violation(exc: IntegrityError) -> bool:
    """A unique-key race worth retrying (not a CHECK or trigger refusal)."""
    orig = getattr(exc, "orig", None)
    if getattr(orig, "sqlstate", None) is not None:
        return orig.sqlstate == "23505"
    return "UNIQUE constraint failed" in str(orig)


def _note_id(task: Mapping[str, Any]) -> Optional[str]:
    meta = task.get("meta") or {}
    return None if not isinstance(meta, Mapping) or meta.get("id") is None else str(meta["id"])


def _need_annotator(annotator: Optional[str]) -> None:
    if not annotator or not str(annotator).strip():
        raise ReviewError("no annotator name given", "enter your name (annotator id) before answering",
                          code=REV_ANNOTATOR)


def prepare_task(record: Mapping[str, Any]) -> dict[str, Any]:
    """A record as a Prodigy task: answer keys dropped, code ``options`` added, hashes set."""
    task = json.loads(json.dumps(strip_answer(record), default=str))
    task.setdefault("meta", {})
    codes = [c for c in task.get("codes") or [] if isinstance(c, Mapping) and c.get("code")]
    if codes and "options" not in task:
        task["options"] = [
            {"id": code_option_id(str(c.get("system") or "ICD-10-CM"), str(c["code"])),
             "text": f"{c['code']} {c.get('description') or ''}".strip()}
            for c in codes
        ]
    return set_hashes(task)
