"""users, assignments, CHECK constraints, span triggers, audit hash chain

Revision ID: 0002
Revises: 0001

* ``users`` (name, role, SHA-256 of the token), ``dataset_members``, ``assignments``;
* CHECK constraints on answers, code decisions and roles (the store always checked these values,
  so rows written before pass; SQLite: the three tables nothing refers to are rebuilt);
* triggers that refuse an answer or adjudication whose spans are not integer offsets with
  ``0 <= start < end <= length of the note`` (both engines; older rows are not touched: the
  readers skip them with a warning);
* ``audit_log.prev_hash`` / ``entry_hash``: the hash chain (``review.audit``), filled in for the
  entries already there (the append-only trigger is lifted for that alone and put back).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ROLES = ("annotator", "adjudicator", "admin")
ANSWERS = ("accept", "reject", "ignore")
DECISIONS = ("accepted", "rejected")
SPAN_MESSAGE = "span offsets must be integers with 0 <= start < end <= length of the note"
APPEND_ONLY_MESSAGE = "audit_log is append-only"


def _in(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


CHECKS = [  # (table, name, condition)
    ("annotations", "ck_annotations_answer", _in("answer", ANSWERS)),
    ("adjudications", "ck_adjudications_answer", _in("answer", ANSWERS)),
    ("code_reviews", "ck_code_reviews_decision", _in("decision", DECISIONS)),
]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_in("role", ROLES), name="ck_users_role"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_table(
        "dataset_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["dataset_id"], ["datasets.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dataset_id", "user_id"),
    )
    with op.batch_alter_table("dataset_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dataset_members_dataset_id"), ["dataset_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_dataset_members_user_id"), ["user_id"], unique=False)
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("example_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["dataset_id"], ["datasets.id"]),
        sa.ForeignKeyConstraint(["example_id"], ["examples.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("example_id", "user_id"),
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assignments_dataset_id"), ["dataset_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignments_example_id"), ["example_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignments_user_id"), ["user_id"], unique=False)

    for table, name, condition in CHECKS:
        if dialect == "postgresql":
            op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({condition})")
        else:
            with op.batch_alter_table(table, recreate="always") as batch_op:
                batch_op.create_check_constraint(name, condition)
    _span_triggers(dialect)
    _chain(dialect)


# --- span triggers ------------------------------------------------------------------------------


def _span_triggers(dialect: str) -> None:
    if dialect == "sqlite":
        for table, column, spans in (("annotations", "spans", "NEW.spans"),
                                     ("adjudications", "record", "json_extract(NEW.record, '$.spans')")):
            bad = (
                f"(json_type(coalesce({spans}, '[]')) IS NOT 'array') OR EXISTS (SELECT 1 FROM json_each(coalesce({spans}, '[]')) AS s WHERE "
                "json_type(s.value, '$.start') IS NOT 'integer' OR json_type(s.value, '$.end') IS NOT 'integer' "
                "OR json_extract(s.value, '$.start') < 0 "
                "OR json_extract(s.value, '$.end') <= json_extract(s.value, '$.start') "
                "OR json_extract(s.value, '$.end') > (SELECT length(e.text) FROM examples AS e WHERE e.id = NEW.example_id))"
            )
            for event in ("INSERT", f"UPDATE OF {column}"):
                op.execute(
                    f"CREATE TRIGGER {table}_spans_{event.split()[0].lower()} BEFORE {event} ON {table} WHEN {bad} "
                    f"BEGIN SELECT RAISE(ABORT, '{table}: {SPAN_MESSAGE}'); END"
                )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION clinlabel_check_spans() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            "DECLARE spans jsonb; sp jsonb; n integer;\n"
            "BEGIN\n"
            "  IF TG_TABLE_NAME = 'annotations' THEN spans := NEW.spans::jsonb;\n"
            "  ELSE spans := (NEW.record::jsonb) -> 'spans'; END IF;\n"
            "  IF spans IS NULL OR jsonb_typeof(spans) = 'null' THEN RETURN NEW; END IF;\n"
            "  IF jsonb_typeof(spans) <> 'array' THEN\n"
            f"    RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = TG_TABLE_NAME || ': {SPAN_MESSAGE}';\n"
            "  END IF;\n"
            "  SELECT length(e.text) INTO n FROM examples AS e WHERE e.id = NEW.example_id;\n"
            "  FOR sp IN SELECT * FROM jsonb_array_elements(spans) LOOP\n"
            "    IF jsonb_typeof(sp -> 'start') IS DISTINCT FROM 'number' OR jsonb_typeof(sp -> 'end') IS DISTINCT FROM 'number'\n"
            "       OR (sp ->> 'start') !~ '^[0-9]+$' OR (sp ->> 'end') !~ '^[0-9]+$'\n"
            "       OR (sp ->> 'start')::numeric >= (sp ->> 'end')::numeric OR (sp ->> 'end')::numeric > n THEN\n"
            f"      RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = TG_TABLE_NAME || ': {SPAN_MESSAGE}';\n"
            "    END IF;\n"
            "  END LOOP;\n"
            "  RETURN NEW;\n"
            "END $$"
        )
        # only a change of the spans is checked: retracting an older answer must still work
        for table, column in (("annotations", "spans"), ("adjudications", "record")):
            op.execute(f"CREATE TRIGGER {table}_spans BEFORE INSERT OR UPDATE OF {column} ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION clinlabel_check_spans()")


def _drop_span_triggers(dialect: str) -> None:
    for table in ("annotations", "adjudications"):
        if dialect == "sqlite":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_spans_insert")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_spans_update")
        elif dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_spans ON {table}")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS clinlabel_check_spans()")


# --- audit chain --------------------------------------------------------------------------------


def _append_only(dialect: str, on: bool) -> None:
    if dialect == "sqlite":
        for event in ("UPDATE", "DELETE"):
            if on:
                op.execute(f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
                           f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END")
            else:
                op.execute(f"DROP TRIGGER IF EXISTS audit_log_no_{event.lower()}")
    elif dialect == "postgresql":
        op.execute(f"ALTER TABLE audit_log {'ENABLE' if on else 'DISABLE'} TRIGGER audit_log_append_only")


def _chain(dialect: str) -> None:
    from review.audit import FIELDS, GENESIS, entry_hash

    op.add_column("audit_log", sa.Column("prev_hash", sa.String(length=64), nullable=True))
    op.add_column("audit_log", sa.Column("entry_hash", sa.String(length=64), nullable=True))
    conn = op.get_bind()
    audit = sa.table("audit_log", sa.column("id"), sa.column("prev_hash"), sa.column("entry_hash"),
                     *[sa.column(k, sa.JSON() if k in ("before", "after") else
                                 sa.DateTime(timezone=True) if k == "at" else None) for k in FIELDS])
    rows = conn.execute(sa.select(audit).order_by(audit.c.id)).mappings().all()
    if not rows:
        return
    _append_only(dialect, False)
    prev = GENESIS
    for row in rows:
        digest = entry_hash(prev, row)
        conn.execute(audit.update().where(audit.c.id == row["id"]).values(prev_hash=prev, entry_hash=digest))
        prev = digest
    _append_only(dialect, True)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    _drop_span_triggers(dialect)
    _append_only(dialect, False)
    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.drop_column("entry_hash")
        batch_op.drop_column("prev_hash")
    _append_only(dialect, True)
    for table, name, _condition in CHECKS:
        with op.batch_alter_table(table, recreate="always" if dialect == "sqlite" else "auto") as batch_op:
            batch_op.drop_constraint(name, type_="check")
    op.drop_table("assignments")
    op.drop_table("dataset_members")
    op.drop_table("users")
