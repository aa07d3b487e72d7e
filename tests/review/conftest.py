"""Fixtures of the review tests: a store on SQLite always, and on PostgreSQL when
``CLINLABEL_TEST_PG_URL`` is set (``scripts/ci_services.sh`` prints such a URL)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "review"
PG_ENV = "CLINLABEL_TEST_PG_URL"


def _pg_schema_url(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session")
def pg_base():
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"{PG_ENV} not set (run scripts/ci_services.sh and export its DSN)")
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh, empty database URL: a SQLite file, or a throw-away PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'review.db'}"
        return
    base = request.getfixturevalue("pg_base")
    from sqlalchemy import create_engine, text

    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield _pg_schema_url(base, schema)
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


@pytest.fixture
def store(db_url):
    from review.store import Store

    s = Store(db_url)
    yield s
    s.close()


@pytest.fixture
def data_dir():
    return DATA
