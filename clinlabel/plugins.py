"""Output formats that live above the corpus layer, wired into ``clinlabel convert``.

``corpora`` may not import the layers above it, so writers that need them (the Hugging Face
dataset writer of the end model, the OMOP and FHIR exporters) are named here as lazy
``module:function`` paths and loaded only when asked for.

Writer signature: ``fn(records: Iterable[dict], out: str | Path, **options) -> int`` (records written).
Reader signature: ``fn(path: str | Path, **options) -> Iterator[dict]``.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable

EXTRA_WRITERS: dict[str, str] = {
    "hf-dataset": "nlp_pipeline.end_model.hf_dataset:write_hf_dataset",
    "omop-note-nlp": "corpora.standards.omop:write_note_nlp",
    "fhir": "corpora.standards.fhir:write_fhir",
}

EXTRA_READERS: dict[str, str] = {
    "omop-note-nlp": "corpora.standards.omop:read_note_nlp",
}


def load(path: str) -> Callable[..., Any]:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)
