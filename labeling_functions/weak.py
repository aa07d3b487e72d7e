"""Weak labelling: LFs vote on Docs, a label model aggregates, records come out with soft labels.

:class:`WeakLabeler` holds an LF set, its label model and the tokenizer; it is what the spaCy
component and :func:`weak_label_records` use.  Fitting the label model needs a pass over the
label matrix: :meth:`WeakLabeler.fit` takes an iterable of Docs (or records) and fits on at most
``fit_docs`` of them (a sample for a large corpus); prediction then streams document by document.
"""

from __future__ import annotations

import itertools
import logging
from typing import Any, Iterable, Iterator

import numpy as np

from corpora.errors import LF_CONFIG, LFError

from .aggregate import bio_labels, bio_probs, decode
from .candidates import SPAN_MODELS, doc_candidates, make_span_label_model, select_spans
from .api import VOTE_PREFIX, LFSet, apply_span_lfs, load_lfs
from .label_model import LabelModel, label_model_from_dict, make_label_model
from .matrix import TokenMatrix, token_matrix

logger = logging.getLogger(__name__)

#: the default label model (chosen by measurement: see docs/readme/weak_supervision.md)
DEFAULT_LABEL_MODEL = "majority"
#: how many documents a label model is fit on at most (a sample of a large corpus)
DEFAULT_FIT_DOCS = 2000


def build_lfset(preset: str | None = None, lfs: str | None = None) -> tuple[LFSet, str | None]:
    """The LF set of a preset and/or a user module (both: the user's LFs are added to the preset's)."""
    from .presets import get_preset

    if not preset and not lfs:
        raise LFError("no labelling functions given", "pass preset='bc5cdr' / 'ncbi_disease' or lfs='mypkg.lfs'",
                      code=LF_CONFIG)
    lfset = LFSet()
    if preset:
        lfset = get_preset(preset).build()
    if lfs:
        lfset.extend(load_lfs(lfs))
    if not lfset.labels:
        raise LFError("the labelling functions vote no entity label",
                      "give your span LFs labels, e.g. @span_lf(labels=[\"Disease\"])", code=LF_CONFIG)
    return lfset, preset


class WeakLabeler:
    """LF set + label model: ``fit(docs)``, then ``label(doc)`` -> spans and BIO soft labels."""

    def __init__(self, lfset: LFSet, *, label_model: str = DEFAULT_LABEL_MODEL, seed: int = 0) -> None:
        self.lfset = lfset
        self.labels = list(lfset.labels)
        self.span_lf_names = [lf.name for lf in lfset.of_kind("span")]
        self.label_model_name = label_model
        self.model: LabelModel = _make_model(label_model, len(self.labels) + 1, len(self.span_lf_names), seed=seed)

    @classmethod
    def from_config(cls, *, preset: str | None = None, lfs: str | None = None,
                    label_model: str | None = None, seed: int = 0, use_shipped: bool = True) -> "WeakLabeler":
        from .presets import get_preset

        lfset, _ = build_lfset(preset, lfs)
        name = label_model or (get_preset(preset).label_model if preset else DEFAULT_LABEL_MODEL)
        labeler = cls(lfset, label_model=name, seed=seed)
        if preset and not lfs and use_shipped:
            shipped = get_preset(preset).fitted_label_model()
            if shipped and shipped.get("label_model") == name and shipped.get("lfs") == labeler.span_lf_names:
                labeler.load_state(shipped)
        if name == "majority":
            labeler.model.fitted = True
        return labeler

    # --- votes and matrices ----------------------------------------------------------------
    def votes(self, doc) -> dict[str, list[tuple[int, int, str]]]:
        return apply_span_lfs(doc, self.lfset, write=True)

    def matrix(self, doc, votes=None) -> TokenMatrix:
        if votes is None:
            votes = self.votes(doc)
        return token_matrix(votes, self.span_lf_names, self.labels, len(doc))

    # --- fitting ---------------------------------------------------------------------------
    @property
    def fitted(self) -> bool:
        return self.model.fitted

    def fit(self, docs: Iterable[Any], *, nlp=None, max_docs: int = DEFAULT_FIT_DOCS) -> "WeakLabeler":
        """Fit the label model on (a sample of at most ``max_docs``) Docs or records."""
        mats = []
        for doc in itertools.islice(docs, max_docs):
            if isinstance(doc, dict):
                doc = _record_doc(doc, nlp)
            mats.append(self._candidates(doc, self.votes(doc)).L if self.span_level else self.matrix(doc).L)
        if not mats:
            raise LFError("cannot fit a label model on no documents", "give at least one document", code=LF_CONFIG)
        self.model.fit(mats)
        logger.info("fitted %s label model on %d documents", self.label_model_name, len(mats))
        return self

    # --- labelling -------------------------------------------------------------------------
    def label(self, doc, votes=None, *, bio: bool = True
              ) -> tuple[list[tuple[int, int, str, float, list[str]]], np.ndarray | None, TokenMatrix]:
        """Aggregated spans ``(start, end, label, score, sources)``, BIO probabilities (None with
        ``bio=False``: a run that writes no soft labels skips them), matrix."""
        if not self.fitted:
            raise LFError(f"the {self.label_model_name} label model is not fitted",
                          "call fit(docs) first (or use a preset with a shipped label model)", code=LF_CONFIG)
        if votes is None:
            votes = self.votes(doc)
        tm = self.matrix(doc, votes)
        if self.span_level:  # candidate spans: the selected spans' class probabilities on their tokens
            cands = self._candidates(doc, votes)
            spans = select_spans(cands.spans, self.model.predict_proba(cands.L))
            probs = np.zeros((len(doc), len(self.labels) + 1))
            probs[:, 0] = 1.0
            for s, e, c, score in spans:
                probs[s:e] = (1.0 - score) / len(self.labels)
                probs[s:e, c] = score
        else:
            probs = self.model.predict_doc(tm.L)
            spans = decode(probs, tm)
        bio_rows = bio_probs(probs, tm, spans) if bio else None
        out = []
        names = self.span_lf_names
        for s, e, c, score in spans:
            sources = [names[j] for j in np.flatnonzero((tm.L[s:e] == c).any(axis=0))]
            out.append((s, e, self.labels[c - 1], score, sources))
        return out, bio_rows, tm

    @property
    def span_level(self) -> bool:
        return self.label_model_name in SPAN_MODELS

    def _candidates(self, doc, votes):
        return doc_candidates(votes, self.span_lf_names, self.labels, len(doc))

    # --- state -----------------------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        return {**self.model.to_dict(), "labels": self.labels, "lfs": self.span_lf_names}

    def load_state(self, data: dict[str, Any]) -> None:
        if data.get("lfs") != self.span_lf_names or data.get("labels") != self.labels:
            raise LFError(
                "the saved label model was fit on other labelling functions or labels "
                f"(saved lfs={data.get('lfs')}, labels={data.get('labels')}; now {self.span_lf_names}, {self.labels})",
                "refit the label model on the current LF set", code=LF_CONFIG,
            )
        if data.get("label_model") in SPAN_MODELS:
            model = make_span_label_model(data["label_model"], int(data["cardinality"]), int(data["n_lfs"]))
            model.load_params(data.get("params") or {})
            self.model = model
        else:
            self.model = label_model_from_dict(data)
        self.label_model_name = self.model.name


def _make_model(name: str, cardinality: int, n_lfs: int, *, seed: int = 0):
    """A token-level label model, or a span-level one (``span_*``: candidate spans as data points)."""
    if name in SPAN_MODELS:
        return make_span_label_model(name, cardinality, n_lfs, seed=seed)
    return make_label_model(name, cardinality, n_lfs, seed=seed)


def _record_doc(record: dict, nlp):
    nlp = nlp or _blank()
    return nlp.make_doc(record["text"])


def _blank():
    from corpora.tokenizer import biomedical_nlp

    return biomedical_nlp()


def _tokens(doc) -> list[dict[str, Any]]:
    from corpora.doc import tokens_of

    return tokens_of(doc)


def labeled_record(record: dict, doc, labeler: WeakLabeler) -> dict[str, Any]:
    spans, bio, _ = labeler.label(doc)
    out = {k: v for k, v in record.items() if k not in ("spans", "tokens", "weak_labels", "_task_hash")}
    out["tokens"] = _tokens(doc)
    out["spans"] = [
        {
            "start": doc[s].idx, "end": doc[e - 1].idx + len(doc[e - 1].text), "label": label,
            "text": doc[s:e].text, "token_start": s, "token_end": e - 1,
            "score": round(score, 4), "source": sources,
        }
        for s, e, label, score, sources in spans
    ]
    out["weak_labels"] = soft_labels(labeler, bio)
    return out


def soft_labels(labeler: WeakLabeler, bio) -> dict[str, Any]:
    """The record key ``weak_labels``: ``{"scheme": "BIO", "labels", "probs"}``, one row per Doc token.

    Written by :func:`weak_label_records` and by the ``clinlabel_weak_labels`` component (so
    ``annotate --lfs/--preset`` keeps the label model's probabilities, see docs/CONTRACTS.md).
    """
    probs = np.round(np.asarray(bio, dtype=float), 4)
    # rounding must not break "rows sum to 1": put the rounding residue on the largest entry
    if len(probs):
        diff = np.round(1.0 - probs.sum(axis=1), 4)
        rows = np.flatnonzero(diff)
        cols = probs[rows].argmax(axis=1)
        probs[rows, cols] = np.round(probs[rows, cols] + diff[rows], 4)
    return {"scheme": "BIO", "labels": bio_labels(labeler.labels), "probs": probs.tolist()}


def weak_label_records(
    records: Iterable[dict],
    *,
    preset: str | None = None,
    lfs: str | None = None,
    label_model: str | None = None,
    nlp=None,
    fit_docs: int = DEFAULT_FIT_DOCS,
    labeler: WeakLabeler | None = None,
) -> Iterator[dict]:
    """Weak labels for each record: ``tokens``, aggregated ``spans`` (``label``, ``score``, ``source``)
    and ``weak_labels`` = ``{"scheme": "BIO", "labels": [...], "probs": [[...] per token]}``.

    The records' own ``spans`` are ignored.  Tokens come from ``nlp``'s tokenizer (default
    ``corpora.tokenizer.biomedical_nlp()``: ``spacy.blank("en")`` plus biomedical splits).  Unless the preset ships a fitted label model (or the model is
    ``majority``), the label model is fit on the first ``fit_docs`` records (held in memory),
    then every record is labelled, streaming.
    """
    nlp = nlp or _blank()
    if labeler is None:
        labeler = WeakLabeler.from_config(preset=preset, lfs=lfs, label_model=label_model)
    it = iter(records)
    head: list[tuple[dict, Any]] = []
    if not labeler.fitted:
        for record in itertools.islice(it, fit_docs):
            head.append((record, nlp.make_doc(record["text"])))
        if head:
            labeler.fit((doc for _, doc in head), max_docs=fit_docs)
        else:
            labeler.model.fitted = True
    for record, doc in head:
        yield labeled_record(record, doc, labeler)
    for record in it:
        yield labeled_record(record, nlp.make_doc(record["text"]), labeler)


__all__ = ["WeakLabeler", "weak_label_records", "soft_labels", "build_lfset", "DEFAULT_LABEL_MODEL", "VOTE_PREFIX"]
