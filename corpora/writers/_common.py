"""Helpers shared by the writers."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import re
from pathlib import Path
from typing import Any

from ..errors import IO_OUTPUT, corpus_error
from ..record import record_id

logger = logging.getLogger("corpora.writers")

_UNSAFE = re.compile(r"[^\w.\-]+")


@contextlib.contextmanager
def private_files():
    """Files and folders created inside the block are owner-only (0600 / 0700): they hold note text.

    Done with the process umask (set, then restored), so it also covers what libraries create for
    us (a DocBin, a Hugging Face dataset's Arrow files).  An existing file keeps its mode."""
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def safe_name(rid: str) -> str:
    """A file name for a note id (path separators and other odd characters become ``_``)."""
    name = _UNSAFE.sub("_", rid).strip("._") or "note"
    return name[:200]


def out_dir(path: str | Path) -> Path:
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise corpus_error(IO_OUTPUT, f"{path} is a file, this format writes a folder",
                           "give a folder path (it is created if needed)", file=path)
    path.mkdir(parents=True, exist_ok=True)
    return path


def out_file(path: str | Path) -> Path:
    path = Path(path)
    if path.is_dir():
        raise corpus_error(IO_OUTPUT, f"{path} is a folder, this format writes a file",
                           "give a file path", file=path)
    if not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    return path


class NameKeeper:
    """File names per note id inside one output folder (two ids may not map to one name)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: dict[str, str] = {}

    def name(self, record: dict[str, Any], n: int) -> str:
        rid = record_id(record) or f"note{n}"
        name = safe_name(rid)
        other = self.used.get(name)
        if other is not None and other != rid:
            raise corpus_error(IO_OUTPUT, f"notes {other!r} and {rid!r} would both be written as {name}",
                               "give the notes ids that differ in letters, digits, '.', '-' or '_'",
                               file=self.folder)
        self.used[name] = rid
        return name


@functools.lru_cache(maxsize=4)
def blank_nlp(lang: str = "en"):
    """``spacy.blank(lang)``, made once per process (spaCy is imported on first use)."""
    import spacy

    return spacy.blank(lang)
