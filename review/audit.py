"""The audit log's hash chain: each entry carries the SHA-256 of the entry before it.

An entry's hash covers its own fields (when, who, dataset, example, action, target, before, after,
session) and the previous entry's hash, so changing, deleting or reordering any entry breaks
every link after it.  :func:`verify` walks the log in id order and reports the first broken link;
``clinlabel review verify --db URL`` runs it.

The database triggers already refuse UPDATE and DELETE on ``audit_log``; the chain is what shows
a change made around them (by someone who can lift the trigger).  It does not stop a person with
write access to the database from rewriting the whole chain from some point on: record the head
hash that ``verify`` prints somewhere else (a ticket, a signed e-mail) to pin it.

The hash format is part of the stored data: never change it (a new format needs a new version tag).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Optional

#: ``prev_hash`` of the first entry.
GENESIS = "0" * 64
#: Version tag mixed into every hash.
FORMAT = "clinlabel-audit/1"
FIELDS = ("at", "actor", "dataset_id", "example_id", "action", "target", "before", "after", "session_id")


def canonical_json(value: Any) -> Any:
    """``value`` as it comes back from a JSON column (tuples become lists, keys strings, ...)."""
    return json.loads(json.dumps(value, default=str))


def canonical_time(at: dt.datetime) -> str:
    """UTC, microseconds, no zone suffix: SQLite returns naive UTC, PostgreSQL an aware time."""
    if at.tzinfo is not None:
        at = at.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


def entry_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of an entry's fields chained to ``prev_hash``."""
    payload = {k: fields.get(k) for k in FIELDS}
    payload["at"] = canonical_time(payload["at"]) if isinstance(payload["at"], dt.datetime) else payload["at"]
    payload["before"] = canonical_json(payload["before"])
    payload["after"] = canonical_json(payload["after"])
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{FORMAT}\n{prev_hash}\n{text}".encode("utf-8")).hexdigest()


@dataclass
class ChainReport:
    entries: int
    head: str
    #: id of the first entry whose link is broken (None: the chain is intact)
    broken_at: Optional[int] = None
    reason: str = ""
    #: id of the last entry before the break (None when the first entry is broken)
    last_good: Optional[int] = None

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_rows(rows: Iterable[Any]) -> ChainReport:
    """Check rows (objects with the audit-log columns, in id order) and stop at the first broken link."""
    prev, count, last_good = GENESIS, 0, None
    for row in rows:
        count += 1
        fields = {k: getattr(row, k) for k in FIELDS}
        if row.prev_hash != prev:
            what = ("has no hash (written around the store)" if row.prev_hash is None else
                    "does not point to the entry before it (an entry was removed, inserted or reordered)")
            return ChainReport(count, prev, row.id, f"entry {row.id} {what}", last_good)
        if row.entry_hash != entry_hash(prev, fields):
            return ChainReport(count, prev, row.id,
                               f"entry {row.id} does not match its hash (its contents were changed after it was written)",
                               last_good)
        prev, last_good = row.entry_hash, row.id
    return ChainReport(count, prev)
