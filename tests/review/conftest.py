"""Fixtures of the review tests: a store on SQLite always, and on PostgreSQL when
``CLINLABEL_TEST_PG_URL`` is set (``scripts/ci_services.sh`` prints such a URL)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "review"
PG_ENV = "CLINLABEL_TEST_PG_URL"
#: Set by .ci/run: a missing service is then a failure, not a skip.
REQUIRE_ENV = "CLINLABEL_REQUIRE_SERVICES"


def _missing_service(what: str) -> None:
    """Skip (locally) or fail (CI sets CLINLABEL_REQUIRE_SERVICES=1) when ``what`` is not there."""
    msg = f"{what}: run `bash scripts/ci_services.sh` (or `make services`) first"
    if os.environ.get(REQUIRE_ENV):
        pytest.fail(msg)
    pytest.skip(msg)


@pytest.fixture
def missing_service():
    return _missing_service


def _pg_schema_url(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session")
def pg_base():
    url = os.environ.get(PG_ENV)
    if not url:
        _missing_service(f"{PG_ENV} not set (PostgreSQL store tests)")
    return url


@pytest.fixture(scope="session")
def pg_schema_url(pg_base):
    """One throw-away PostgreSQL schema per test session, migrated once."""
    from sqlalchemy import create_engine, text

    from review.store import Store

    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = create_engine(pg_base)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = _pg_schema_url(pg_base, schema)
    Store(url).close()
    try:
        yield url
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


def _pg_empty(url: str) -> None:
    """Empty every table of the session schema (the append-only trigger is lifted for this only)."""
    from sqlalchemy import create_engine, text

    from review.models import Base

    engine = create_engine(url)
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """An empty SQLite store migrated once per session (migrating takes ~1 s; a copy ~0.01 s)."""
    from review.store import Store

    path = tmp_path_factory.mktemp("template") / "review.db"
    Store(f"sqlite:///{path}").close()
    return path


@pytest.fixture
def sqlite_url(tmp_path, sqlite_template):
    """A fresh, empty, migrated SQLite store URL (a copy of the session's template)."""
    import shutil

    path = tmp_path / "review.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh, empty database URL: a SQLite file, or the session's PostgreSQL schema emptied."""
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_url")
        return
    url = request.getfixturevalue("pg_schema_url")
    _pg_empty(url)
    yield url


@pytest.fixture
def sqlite_store(sqlite_url):
    from review.store import Store

    s = Store(sqlite_url)
    yield s
    s.close()


@pytest.fixture
def store(db_url):
    from review.store import Store

    s = Store(db_url)
    yield s
    s.close()


@pytest.fixture
def data_dir():
    return DATA
