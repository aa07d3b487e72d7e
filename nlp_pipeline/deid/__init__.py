"""PHI de-identification of clinical notes (HIPAA Safe Harbor identifier types).

``Deidentifier(DeidConfig(...))`` finds PHI with high-recall rules, word lists and (optionally)
Microsoft Presidio's pattern recognizers, replaces it with tags or consistent surrogates and
moves a record's existing spans to the new offsets.  ``deidentify_corpus`` streams a corpus to
OUT and REPORT (see ``clinlabel deid``).
"""

from .config import LABELS, DeidConfig
from .deidentifier import Deidentifier
from .stream import DeidStats, deidentify_corpus, deidentify_records

__all__ = ["LABELS", "DeidConfig", "Deidentifier", "DeidStats", "deidentify_corpus", "deidentify_records"]
