"""The review store's tables (SQLAlchemy 2 declarative models).

The schema itself is created and upgraded by the Alembic migrations shipped in
``review/migrations`` (see :func:`review.store.migrate`); these classes only map it.

Tables
------
``datasets``        one row per named dataset
``label_schemes``   versioned label sets of a dataset
``guidelines``      versioned annotation guidelines (text + sha256)
``sources``         files that went into the dataset (path, sha256, record count, command)
``commands``        lineage: every clinlabel command run against the dataset
``examples``        one Prodigy task each (text, hashes, the full task JSON, uncertainty)
``codes``           code options of an example (suggested by the pipeline or added by a person)
``code_reviews``    each annotator's current decision on each code (accepted / rejected)
``annotations``     answers, one row per submitted answer (append-only; undo marks ``retracted``)
``adjudications``   the gold decision for an example: rule, who decided, the gold record
``audit_log``       append-only log of every change (who, when, which example, what, before/after),
                    each entry carrying the hash of the one before it (``review.audit``)
``users``           reviewers: name, role (annotator / adjudicator / admin), SHA-256 of their token
``dataset_members`` which users may open which dataset
``assignments``     each annotator's queue: (dataset, example, user)

CHECK constraints (answers, decisions, roles) are declared here and created by migration 0002,
which also adds the span-offset triggers (see ``review/migrations/versions/0002_*``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


#: Roles of review users, from least to most rights.
ROLES = ("annotator", "adjudicator", "admin")
ANSWER_VALUES = ("accept", "reject", "ignore")
DECISION_VALUES = ("accepted", "rejected")


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Base(DeclarativeBase):
    pass


class Dataset(Base):
    __tablename__ = "datasets"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, nullable=False)


class LabelScheme(Base):
    __tablename__ = "label_schemes"
    __table_args__ = (UniqueConstraint("dataset_id", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id"), nullable=False, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    labels: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


class Guideline(Base):
    __tablename__ = "guidelines"
    __table_args__ = (UniqueConstraint("dataset_id", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id"), nullable=False, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    path: Mapped[Optional[str]] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


class Source(Base):
    __tablename__ = "sources"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)  # tasks | answers | gold | metrics
    path: Mapped[str] = mapped_column(Text, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    records: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


class Command(Base):
    __tablename__ = "commands"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id"), nullable=False, index=True)
    command: Mapped[str] = mapped_column(Text, nullable=False)
    version: Mapped[str] = mapped_column(String(40), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


class Example(Base):
    __tablename__ = "examples"
    __table_args__ = (UniqueConstraint("dataset_id", "task_hash"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id"), nullable=False, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    note_id: Mapped[Optional[str]] = mapped_column(String(200))
    input_hash: Mapped[int] = mapped_column(BigInteger, nullable=False, index=True)
    task_hash: Mapped[int] = mapped_column(BigInteger, nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    task: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    uncertainty: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


class Code(Base):
    __tablename__ = "codes"
    __table_args__ = (UniqueConstraint("example_id", "system", "code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    example_id: Mapped[int] = mapped_column(ForeignKey("examples.id"), nullable=False, index=True)
    code: Mapped[str] = mapped_column(String(40), nullable=False)
    system: Mapped[str] = mapped_column(String(40), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    score: Mapped[Optional[float]] = mapped_column(Float)
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    origin: Mapped[str] = mapped_column(String(20), nullable=False, default="suggested")  # suggested | added
    added_by: Mapped[Optional[str]] = mapped_column(String(200))
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


class CodeReview(Base):
    __tablename__ = "code_reviews"
    __table_args__ = (UniqueConstraint("code_id", "annotator"),
                      CheckConstraint(_in("decision", DECISION_VALUES), name="ck_code_reviews_decision"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id"), nullable=False, index=True)
    annotator: Mapped[str] = mapped_column(String(200), nullable=False)
    session_id: Mapped[Optional[str]] = mapped_column(String(200))
    decision: Mapped[str] = mapped_column(String(20), nullable=False)  # accepted | rejected
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


class Annotation(Base):
    __tablename__ = "annotations"
    __table_args__ = (CheckConstraint(_in("answer", ANSWER_VALUES), name="ck_annotations_answer"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    example_id: Mapped[int] = mapped_column(ForeignKey("examples.id"), nullable=False, index=True)
    annotator: Mapped[str] = mapped_column(String(200), nullable=False, index=True)
    session_id: Mapped[Optional[str]] = mapped_column(String(200))
    answer: Mapped[str] = mapped_column(String(10), nullable=False)  # accept | reject | ignore
    spans: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    relations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    codes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    record: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    retracted: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


class Adjudication(Base):
    __tablename__ = "adjudications"
    __table_args__ = (CheckConstraint(_in("answer", ANSWER_VALUES), name="ck_adjudications_answer"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    example_id: Mapped[int] = mapped_column(ForeignKey("examples.id"), nullable=False, index=True)
    rule: Mapped[str] = mapped_column(String(40), nullable=False)  # majority | senior | manual | single | unanimous
    decided_by: Mapped[str] = mapped_column(String(200), nullable=False)
    annotators: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    answer: Mapped[str] = mapped_column(String(10), nullable=False)
    record: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


class AuditLog(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    actor: Mapped[str] = mapped_column(String(200), nullable=False)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id"), nullable=False, index=True)
    example_id: Mapped[Optional[int]] = mapped_column(ForeignKey("examples.id"), index=True)
    action: Mapped[str] = mapped_column(String(40), nullable=False)
    target: Mapped[Optional[str]] = mapped_column(Text)
    before: Mapped[Optional[Any]] = mapped_column(JSON)
    after: Mapped[Optional[Any]] = mapped_column(JSON)
    session_id: Mapped[Optional[str]] = mapped_column(String(200))
    #: SHA-256 (hex) of the previous entry (all zeros for the first) and of this entry
    prev_hash: Mapped[Optional[str]] = mapped_column(String(64))
    entry_hash: Mapped[Optional[str]] = mapped_column(String(64))


class User(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="ck_users_role"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    #: SHA-256 (hex) of the access token; the token itself is never stored
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    disabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


class DatasetMember(Base):
    __tablename__ = "dataset_members"
    __table_args__ = (UniqueConstraint("dataset_id", "user_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id"), nullable=False, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


class Assignment(Base):
    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("example_id", "user_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id"), nullable=False, index=True)
    example_id: Mapped[int] = mapped_column(ForeignKey("examples.id"), nullable=False, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
