"""Corpus readers: each ``read_<format>(path, *, skip_invalid=False, **options)`` is a generator of records.

Use :func:`corpora.formats.read_corpus` to pick one by name or by inference.
"""

from .bioc import read_bioc
from .brat import read_brat
from .csv import read_csv
from .docbin import read_docbin
from .prodigy import read_prodigy
from .pubtator import read_pubtator
from .txt import read_txt

__all__ = ["read_bioc", "read_brat", "read_csv", "read_docbin", "read_prodigy", "read_pubtator", "read_txt"]
