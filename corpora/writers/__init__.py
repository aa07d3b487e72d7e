"""Corpus writers: each ``write_<format>(records, path, **options) -> int`` streams records out.

Use :func:`corpora.formats.write_corpus` to pick one by name or by the output's extension.
"""

from .bioc import write_bioc
from .brat import write_brat
from .docbin import write_docbin
from .prodigy import write_prodigy
from .pubtator import write_pubtator
from .txt import write_txt

__all__ = ["write_bioc", "write_brat", "write_docbin", "write_prodigy", "write_pubtator", "write_txt"]
