"""Corpus formats: the registry of readers and writers, format inference, read/write entry points.

``read_corpus(path)`` streams records (Prodigy task dicts, see ``docs/CONTRACTS.md``) from any
supported format; ``write_corpus(records, path, fmt)`` writes them.  Readers are generators:
one note in memory at a time, errors raised (located ``FILE:LINE:``) when the bad input is
reached, so whatever consumed the records before it has finished its work.

| name | read | write | path |
|---|---|---|---|
| ``prodigy`` | yes | yes | ``.jsonl`` / ``.json`` file |
| ``txt`` | yes | yes | folder of ``.txt`` files |
| ``csv`` | yes | no | ``.csv`` file (``text_col``, ``id_col``) |
| ``pubtator`` | yes | yes | PubTator file (``PMID|t|…``) |
| ``bioc`` | yes | yes | BioC ``.xml`` file |
| ``brat`` | yes | yes | folder of ``.txt`` + ``.ann`` |
| ``docbin`` | yes | yes | spaCy ``.spacy`` file |
| ``label-studio`` | yes | yes | Label Studio JSON export / tasks (``.json``), config XML beside it |
| ``doccano`` | yes | yes | doccano JSONL (``text``, ``label: [[start, end, label]]``) |
| ``xmi`` | yes | yes | UIMA CAS XMI (INCEpTION / WebAnno), ``TypeSystem.xml`` beside it |
| ``conll`` | yes | yes | CoNLL / IOB2 (token per line, blank line per sentence) |
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .errors import IO_FORMAT, IO_NOT_FOUND, corpus_error

Reader = Callable[..., Iterator[dict[str, Any]]]
Writer = Callable[..., int]

#: format name -> "module:function" (imported on first use, so importing this module is cheap)
_READER_PATHS: dict[str, str] = {
    "prodigy": "corpora.readers.prodigy:read_prodigy",
    "txt": "corpora.readers.txt:read_txt",
    "csv": "corpora.readers.csv:read_csv",
    "pubtator": "corpora.readers.pubtator:read_pubtator",
    "bioc": "corpora.readers.bioc:read_bioc",
    "brat": "corpora.readers.brat:read_brat",
    "docbin": "corpora.readers.docbin:read_docbin",
    "label-studio": "corpora.readers.label_studio:read_label_studio",
    "doccano": "corpora.readers.doccano:read_doccano",
    "xmi": "corpora.readers.xmi:read_xmi",
    "conll": "corpora.readers.conll:read_conll",
}
_WRITER_PATHS: dict[str, str] = {
    "prodigy": "corpora.writers.prodigy:write_prodigy",
    "txt": "corpora.writers.txt:write_txt",
    "pubtator": "corpora.writers.pubtator:write_pubtator",
    "bioc": "corpora.writers.bioc:write_bioc",
    "brat": "corpora.writers.brat:write_brat",
    "docbin": "corpora.writers.docbin:write_docbin",
    "label-studio": "corpora.writers.label_studio:write_label_studio",
    "doccano": "corpora.writers.doccano:write_doccano",
    "xmi": "corpora.writers.xmi:write_xmi",
    "conll": "corpora.writers.conll:write_conll",
}
#: other spellings users type
ALIASES: dict[str, str] = {"jsonl": "prodigy", "json": "prodigy", "spacy": "docbin", "bioc-xml": "bioc", "xml": "bioc",
                           "labelstudio": "label-studio", "ls": "label-studio", "uima": "xmi", "inception": "xmi",
                           "webanno": "xmi", "iob": "conll", "iob2": "conll", "bio": "conll", "conll2003": "conll"}


def _load(path: str) -> Callable[..., Any]:
    import importlib

    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


class _LazyRegistry(dict):
    """A ``name -> function`` dict whose functions are imported when first looked up."""

    def __init__(self, paths: dict[str, str]) -> None:
        super().__init__()
        self._paths = dict(paths)

    def __missing__(self, key: str) -> Callable[..., Any]:
        if key not in self._paths:
            raise KeyError(key)
        fn = _load(self._paths[key])
        self[key] = fn
        return fn

    def __contains__(self, key: object) -> bool:
        return key in self._paths

    def names(self) -> list[str]:
        return list(self._paths)

    def __iter__(self):
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)

    def keys(self):
        return self._paths.keys()

    def register(self, name: str, fn: Callable[..., Any] | str) -> None:
        """Add a format (a function, or a ``"module:function"`` path loaded lazily)."""
        if isinstance(fn, str):
            self._paths[name] = fn
            self.pop(name, None)
        else:
            self._paths[name] = f"{fn.__module__}:{fn.__qualname__}"
            self[name] = fn


READERS: _LazyRegistry = _LazyRegistry(_READER_PATHS)
WRITERS: _LazyRegistry = _LazyRegistry(_WRITER_PATHS)


def normalize_format(fmt: str, *, writing: bool = False, flag: str | None = None) -> str:
    """The registry name for ``fmt`` (aliases resolved) or a :class:`CorpusError`."""
    name = ALIASES.get(fmt.lower(), fmt.lower())
    registry = WRITERS if writing else READERS
    if name not in registry:
        flag = flag or ("--to" if writing else "--from")
        raise corpus_error(
            IO_FORMAT, f"unknown {'output' if writing else 'input'} format {fmt!r}",
            f"use {flag} with one of: {', '.join(registry.names())}",
        )
    return name


_PUBTATOR_LINE = re.compile(r"^[^|\t\s]+\|[ta]\|")


def _sniff(path: Path, size: int = 4096) -> str:
    with open(path, "rb") as fh:
        head = fh.read(size)
    return head.decode("utf-8", errors="replace")


def _sniff_json(head: str) -> str:
    """``label-studio`` for a Label Studio export, ``doccano`` for doccano JSONL, else ``prodigy``."""
    import json

    stripped = head.lstrip()
    if stripped.startswith("[") and '"data"' in head and (
            '"annotations"' in head or '"predictions"' in head or '{"data": {' in head):
        return "label-studio"
    first = stripped.split("\n", 1)[0]
    try:
        obj = json.loads(first)
    except ValueError:
        return "prodigy"
    if isinstance(obj, dict) and "spans" not in obj and isinstance(obj.get("label"), list) \
            and all(isinstance(x, list) for x in obj["label"]):
        return "doccano"
    return "prodigy"


def infer_format(path: str | os.PathLike[str], *, writing: bool = False, flag: str | None = None) -> str:
    """The format of ``path`` from its extension, or its content where that is unambiguous.

    Reading: ``.jsonl`` / ``.json`` → prodigy; ``.csv`` → csv; ``.spacy`` → docbin; ``.xml``
    with ``<collection>`` → bioc; a file whose first line looks like ``PMID|t|`` → pubtator; a
    folder with ``.ann`` files → brat, a folder of ``.txt`` files → txt.  Writing: by extension
    only (``.jsonl``/``.json``, ``.spacy``, ``.xml``, ``.pubtator``).  Otherwise a
    :class:`CorpusError` (``IO_FORMAT``) naming the flag to add (``--from`` / ``--to``).
    """
    path = Path(path)
    flag = flag or ("--to" if writing else "--from")
    names = ", ".join((WRITERS if writing else READERS).names())
    suffix = path.suffix.lower()
    if suffix == ".gz" and Path(path.stem).suffix.lower() in (".jsonl", ".json"):
        return "prodigy"  # .jsonl.gz, read and written through gzip
    if writing:
        by_ext = {".jsonl": "prodigy", ".json": "prodigy", ".spacy": "docbin", ".xml": "bioc", ".pubtator": "pubtator",
                  ".conll": "conll", ".iob": "conll", ".iob2": "conll", ".bio": "conll"}
        if suffix in by_ext:
            return by_ext[suffix]
        if path.name.lower().endswith(".pubtator.txt"):
            return "pubtator"
        raise corpus_error(
            IO_FORMAT, f"cannot tell which format to write from the name {path.name!r}",
            f"add {flag} FORMAT (one of: {names})", file=path,
        )
    if not path.exists():
        raise corpus_error(IO_NOT_FOUND, f"no such file or folder: {path}",
                           "check the path (it is read relative to the current directory)", file=path)
    if path.is_dir():
        if next(path.glob("*.xmi"), None) is not None:
            return "xmi"
        if next(path.rglob("*.ann"), None) is not None:
            return "brat"
        if any(p.suffix == ".txt" for p in path.iterdir()):
            return "txt"
        raise corpus_error(IO_FORMAT, f"folder {path} holds neither .txt nor .ann files",
                           f"point at a folder of notes, or add {flag} FORMAT (one of: {names})", file=path)
    if suffix in (".jsonl", ".json"):
        return _sniff_json(_sniff(path))
    if suffix in (".csv", ".tsv"):
        return "csv"
    if suffix == ".spacy":
        return "docbin"
    if suffix == ".xmi":
        return "xmi"
    if suffix in (".conll", ".iob", ".iob2", ".bio"):
        return "conll"
    head = _sniff(path)
    first = next((line for line in head.splitlines() if line.strip()), "")
    if suffix == ".xml" or head.lstrip().startswith("<"):
        if "<collection" in head:
            return "bioc"
        if "http:///uima/cas.ecore" in head or "xmi:XMI" in head:
            return "xmi"
    elif _PUBTATOR_LINE.match(first):
        return "pubtator"
    raise corpus_error(
        IO_FORMAT, f"cannot tell the format of {path.name!r} from its name or first lines",
        f"add {flag} FORMAT (one of: {names})", file=path,
    )


def read_corpus(
    path: str | os.PathLike[str],
    fmt: str | None = None,
    *,
    skip_invalid: bool = False,
    limit: int | None = None,
    sample: int | None = None,
    seed: int | None = None,
    **options: Any,
) -> Iterator[dict[str, Any]]:
    """Stream the records of ``path`` (format ``fmt``, inferred when ``None``).

    The path and format are checked at once (a wrong path or unknown format raises here, before
    anything is written); record-level errors are raised lazily when the bad note is reached,
    or logged and skipped with ``skip_invalid``.  Options go to the reader (``text_col``,
    ``id_col`` for CSV; unknown options are ignored by readers that do not use them).
    ``limit`` keeps the first N records, ``sample`` then N of them at random (``seed``), see
    :mod:`corpora.selection` (streaming; ``sample`` reads the file twice).
    """
    name = normalize_format(fmt) if fmt else infer_format(path)
    if not Path(path).exists():
        raise corpus_error(IO_NOT_FOUND, f"no such file or folder: {path}",
                           "check the path (it is read relative to the current directory)", file=path)
    reader = READERS[name]
    if limit is None and sample is None:
        return reader(path, skip_invalid=skip_invalid, **options)
    from .selection import select_records

    return select_records(lambda: reader(path, skip_invalid=skip_invalid, **options),
                          limit=limit, sample=sample, seed=seed)


def write_corpus(records: Iterable[dict[str, Any]], path: str | os.PathLike[str], fmt: str | None = None,
                 **options: Any) -> int:
    """Write ``records`` to ``path`` in ``fmt`` (inferred from the name when ``None``); return the count.

    New files and folders are created owner-only (0600 / 0700): records hold note text (PHI)."""
    from .writers._common import private_files

    name = normalize_format(fmt, writing=True) if fmt else infer_format(path, writing=True)
    with private_files():  # every output holds note text: created owner-only
        return WRITERS[name](records, path, **options)
