"""Model LF: a trained clinlabel end model's predictions as one more vote.

The model comes in as a resource (``end_model_votes``: a callable ``doc -> [(start, end, label)]``),
by default :func:`nlp_pipeline.end_model.model_span_votes` over a model folder, loaded lazily so
that nothing imports torch until the LF first runs::

    lfset = with_model_lf(get_preset("bc5cdr").build(), "MODEL_DIR", min_score=0.6)
"""

from __future__ import annotations

from typing import Any, Callable

from ..api import LFSet, lazy_resource, span_lf


@span_lf(labels=None)
def end_model(doc, *, end_model_votes):
    """Spans predicted by a trained end model (votes any of the model's labels)."""
    return end_model_votes(doc)


def model_voter(model_dir: str, *, min_score: float = 0.6, labels=None) -> Callable[[], Any]:
    """A lazy resource that loads ``model_dir`` with the end-model package on first use."""

    def load():
        from nlp_pipeline.end_model import model_span_votes

        return model_span_votes(model_dir, min_score=min_score, labels=labels)

    return lazy_resource(load)


def with_model_lf(lfset: LFSet, model: Any, *, min_score: float = 0.6) -> LFSet:
    """Add the :func:`end_model` LF to ``lfset``; ``model`` is a model folder or a ready voter callable."""
    voter = model if callable(model) else model_voter(str(model), min_score=min_score, labels=lfset.labels or None)
    lfset.add(end_model)
    lfset.resources["end_model_votes"] = voter
    return lfset
