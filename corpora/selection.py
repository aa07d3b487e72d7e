"""Choosing which notes of a corpus to read: the first N (``--limit``), N at random (``--sample``).

Every command that reads a corpus takes the same ``--limit N`` and ``--sample N --seed S``
(``clinlabel/options.py``); :func:`corpora.formats.read_corpus` applies them through
:func:`select_records`.  Both stream: ``--limit`` stops the reader after N records;
``--sample`` reads the corpus twice (the first pass only counts records, the second yields the
chosen ones in input order), so memory holds the chosen positions, never the notes.  The same
file, seed and N always give the same notes (``random.Random(seed).sample``).
"""

from __future__ import annotations

import itertools
import logging
import random
from typing import Any, Callable, Iterator

from .errors import IO_SELECT, corpus_error

logger = logging.getLogger(__name__)

Opener = Callable[[], Iterator[dict[str, Any]]]


def _check(name: str, value: int | None, minimum: int) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise corpus_error(IO_SELECT, f"{name} must be an integer >= {minimum}, got {value!r}",
                           f"give e.g. {name} 100")


def select_records(open_records: Opener, *, limit: int | None = None, sample: int | None = None,
                   seed: int | None = None) -> Iterator[dict[str, Any]]:
    """The records of ``open_records()`` limited to the first ``limit``, then ``sample`` of them at random.

    ``open_records`` must give a fresh iterator each call (``--sample`` reads twice).  Values are
    checked at once (a :class:`CorpusError` ``CL-IO101`` before anything is read); the records
    come lazily.  ``seed`` defaults to 0.
    """
    _check("--limit", limit, 0)
    _check("--sample", sample, 1)
    _check("--seed", seed, 0)
    if sample is None:
        return _first(open_records, limit)
    return _sample(open_records, limit, sample, 0 if seed is None else seed)


def _first(open_records: Opener, limit: int | None) -> Iterator[dict[str, Any]]:
    it = open_records()
    try:
        yield from (it if limit is None else itertools.islice(it, limit))
    finally:
        close = getattr(it, "close", None)
        if close is not None:
            close()  # the reader closes its file now, not when garbage-collected


def _sample(open_records: Opener, limit: int | None, k: int, seed: int) -> Iterator[dict[str, Any]]:
    n = sum(1 for _ in _first(open_records, limit))
    chosen = sorted(random.Random(seed).sample(range(n), min(k, n)))
    logger.info("sampling %d of %d notes (seed %d)", len(chosen), n, seed)
    if not chosen:
        return
    wanted = iter(chosen)
    target = next(wanted)
    for i, record in enumerate(_first(open_records, chosen[-1] + 1)):
        if i == target:
            yield record
            target = next(wanted, None)
            if target is None:
                return
