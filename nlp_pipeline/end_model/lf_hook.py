"""The model labelling-function hook: a trained end model's predictions as one more vote.

``labeling_functions`` injects resources into LFs by name, so a model LF is::

    from labeling_functions import span_lf
    from nlp_pipeline.end_model import model_span_votes

    @span_lf(labels=["Chemical", "Disease"])
    def end_model(doc, *, end_model_votes):
        return end_model_votes(doc)

    LFSet([...], resources={"end_model_votes": model_span_votes("MODEL_DIR", min_score=0.6)})

The voter returns ``(start_token, end_token_exclusive, label)`` triples on the Doc's own tokens.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from corpora.errors import MODEL_CONFIG, ConfigError


class ModelVoter:
    """Callable ``voter(doc) -> [(start, end, label), ...]`` over a trained end model (loaded lazily)."""

    def __init__(self, model: Any, *, min_score: float = 0.0, labels: Iterable[str] | None = None) -> None:
        if isinstance(min_score, bool) or not isinstance(min_score, (int, float)) or not 0 <= min_score <= 1:
            raise ConfigError(f"min_score must be a number in [0, 1], got {min_score!r}",
                              "give the lowest span score that still votes", code=MODEL_CONFIG)
        self._source = model
        self._model = None if isinstance(model, (str, Path)) else model
        self.min_score = float(min_score)
        self.labels = None if labels is None else set(labels)
        if isinstance(model, (str, Path)):
            from .model import check_model_dir

            check_model_dir(model)

    @property
    def model(self):
        if self._model is None:
            from .model import load_end_model

            self._model = load_end_model(self._source)
        return self._model

    def votes_for_words(self, word_lists: list[list[str]]) -> list[list[tuple[int, int, str]]]:
        model = self.model
        out = []
        for probs in model.word_probs(word_lists, progress=False):
            out.append([
                (s, e + 1, label) for s, e, label, score in model.decode(probs)
                if score >= self.min_score and (self.labels is None or label in self.labels)
            ])
        return out

    def __call__(self, doc) -> list[tuple[int, int, str]]:
        return self.votes_for_words([[t.text for t in doc]])[0]

    def many(self, docs) -> list[list[tuple[int, int, str]]]:
        """Votes for several Docs in one batched forward pass."""
        return self.votes_for_words([[t.text for t in doc] for doc in docs])


def model_span_votes(model: Any, *, min_score: float = 0.0, labels: Iterable[str] | None = None) -> ModelVoter:
    """A :class:`ModelVoter` for a model folder (or a loaded ``EndModel``)."""
    return ModelVoter(model, min_score=min_score, labels=labels)
