"""Standards export: OMOP CDM v5.4 NOTE_NLP (:mod:`.omop`, :mod:`.vocab`) and FHIR R4 (:mod:`.fhir`).

Importing this package is cheap: pyarrow and fhir.resources load only inside the functions that
need them.  ``clinlabel convert --to omop-note-nlp|fhir`` reaches the writers through
``clinlabel.plugins``:

* ``corpora.standards.omop:write_note_nlp(records, out, *, omop_vocab=None, **options) -> int``
* ``corpora.standards.omop:read_note_nlp(path, **options) -> Iterator[dict]``
* ``corpora.standards.fhir:write_fhir(records, out, **options) -> int``
"""

from __future__ import annotations

__all__ = ["write_note_nlp", "read_note_nlp", "write_fhir", "OmopVocabulary"]


def __getattr__(name: str):
    if name in ("write_note_nlp", "read_note_nlp"):
        from . import omop

        return getattr(omop, name)
    if name == "write_fhir":
        from .fhir import write_fhir

        return write_fhir
    if name == "OmopVocabulary":
        from .vocab import OmopVocabulary

        return OmopVocabulary
    raise AttributeError(name)
