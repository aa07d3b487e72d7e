"""The transformer end model: trained on the label model's probabilistic labels, refined on gold.

Importing this package is cheap (torch and transformers load inside the functions), because
spaCy imports the ``clinlabel_end_model`` factory module on every ``spacy.blank()``.

Public API::

    from nlp_pipeline.end_model import EndModelConfig, train_end_model, load_end_model, predict
    path = train_end_model(weak_records, EndModelConfig(epochs=3), output_dir="model/",
                           gold_records=gold, gold_docs=100)
    records = load_end_model(path).predict(records)
"""

from __future__ import annotations

from typing import Any

from .config import EndModelConfig, bio_labels

_LAZY = {
    "EndModel": "model",
    "SOURCE": "model",
    "CONFIG_FILE": "model",
    "check_model_dir": "model",
    "default_backbone": "model",
    "iter_predict": "model",
    "load_end_model": "model",
    "predict": "model",
    "train_end_model": "model",
    "write_hf_dataset": "hf_dataset",
    "model_span_votes": "lf_hook",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


__all__ = ["EndModelConfig", "bio_labels", *_LAZY]
