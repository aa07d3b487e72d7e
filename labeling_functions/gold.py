"""Records <-> combiner inputs: LF votes, end-model probabilities and gold spans on one tokenisation.

Used by ``clinlabel train`` (fitting the combiner on gold documents), by the end-model
component at annotate time and by the benchmarks.  Tokens come from
``corpora.tokenizer.biomedical_nlp()``, the tokenizer of weak labelling and of the end model.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from .combine import DocInput

logger = logging.getLogger(__name__)


def model_probs_for(model: Any, word_lists: Sequence[Sequence[str]], labels: Sequence[str]) -> list[np.ndarray]:
    """End-model word probabilities reordered to ``O, B-l1, I-l1, B-l2, ...`` for ``labels``
    (a label the model does not know gets zero mass)."""
    probs = model.word_probs([list(w) for w in word_lists], progress=False)
    order = ["O"] + [f"{p}-{lab}" for lab in labels for p in ("B", "I")]
    pos = {name: i for i, name in enumerate(model.label_list)}
    out = []
    for p in probs:
        q = np.zeros((p.shape[0], len(order)))
        for j, name in enumerate(order):
            if name in pos:
                q[:, j] = p[:, pos[name]]
        q /= np.maximum(q.sum(axis=1, keepdims=True), 1e-9)
        out.append(q)
    return out


def doc_inputs(records: Sequence[Mapping[str, Any]], *, preset: str | None = None, lfs: str | None = None,
               model: Any = None, cache: Path | None = None, labeler=None) -> tuple[list[DocInput], list[str], list[str]]:
    """Combiner inputs for ``records`` (votes of the preset's LFs; end-model probabilities if ``model``).

    ``model`` is a model folder or a loaded ``EndModel``.  With ``cache`` (a JSON file) the
    inputs are read from it when present and written to it otherwise.
    """
    from .weak import WeakLabeler

    if labeler is None:
        labeler = WeakLabeler.from_config(preset=preset, lfs=lfs, label_model="majority")
    lf_names, labels = labeler.span_lf_names, labeler.labels
    if cache is not None and Path(cache).is_file():
        data = json.loads(Path(cache).read_text(encoding="utf-8"))
        if data.get("lf_names") == lf_names and data.get("labels") == labels and len(data["docs"]) == len(records):
            return [_from_json(d) for d in data["docs"]], lf_names, labels
    from corpora.tokenizer import biomedical_nlp

    nlp = biomedical_nlp()
    docs = [nlp.make_doc(r["text"]) for r in records]
    inputs = []
    for doc in docs:
        votes = labeler.votes(doc)
        inputs.append(DocInput([t.text for t in doc], votes, None, [(t.idx, t.idx + len(t.text)) for t in doc]))
    if model is not None:
        if isinstance(model, (str, Path)):
            from nlp_pipeline.end_model import load_end_model

            model = load_end_model(model)
        for d, p in zip(inputs, model_probs_for(model, [d.words for d in inputs], labels)):
            d.model_probs = p
    if cache is not None:
        from corpora.runner import open_private_text

        Path(cache).parent.mkdir(parents=True, exist_ok=True)
        with open_private_text(cache) as fh:  # the cache holds the documents' words (note text)
            fh.write(json.dumps({"lf_names": lf_names, "labels": labels, "docs": [_to_json(d) for d in inputs]}))
    return inputs, lf_names, labels


def _to_json(d: DocInput) -> dict[str, Any]:
    return {"words": d.words, "tokens": d.tokens, "votes": {k: [list(v) for v in vs] for k, vs in d.votes.items()},
            "model_probs": None if d.model_probs is None else np.round(d.model_probs, 4).tolist()}


def _from_json(d: Mapping[str, Any]) -> DocInput:
    return DocInput(list(d["words"]), {k: [tuple(v) for v in vs] for k, vs in d["votes"].items()},
                    None if d.get("model_probs") is None else np.asarray(d["model_probs"], dtype=float),
                    [tuple(t) for t in d["tokens"]])


def gold_token_spans(record: Mapping[str, Any], tokens: Sequence[tuple[int, int]]) -> set[tuple[int, int, str]]:
    """A gold record's character spans as ``(start_token, end_token_exclusive, label)`` on ``tokens``."""
    out = set()
    for span in record.get("spans") or []:
        covered = [i for i, (a, b) in enumerate(tokens) if a < span["end"] and b > span["start"]]
        if covered:
            out.add((covered[0], covered[-1] + 1, str(span["label"])))
    return out


def spans_to_records(records: Iterable[Mapping[str, Any]], inputs: Sequence[DocInput], combiner: Any,
                     source: str = "clinlabel_combiner") -> list[dict[str, Any]]:
    """Records with the combiner's spans (character offsets) for the benchmarks and ``evaluate``."""
    out = []
    for rec, d in zip(records, inputs):
        spans = []
        for s, e, c, score in combiner.spans(d):
            a, b = d.tokens[s][0], d.tokens[e - 1][1]
            spans.append({"start": a, "end": b, "label": combiner.labels[c - 1], "text": rec["text"][a:b],
                          "token_start": s, "token_end": e - 1, "score": round(score, 4), "source": source})
        out.append({"text": rec["text"], "meta": rec.get("meta", {}), "spans": spans})
    return out




def cross_fitted_refinement(model_dir: str | Path, gold_records: Sequence[Mapping[str, Any]], words: Sequence[Sequence[str]],
                            labels: Sequence[str], *, work_dir: str | Path, folds: int = 5, seed: int = 0,
                            gold_epochs: int | None = None, final_dir: str | Path | None = None) -> list[np.ndarray]:
    """End-model probabilities on the gold documents that stay out of sample although the model
    learns from gold: for each of ``folds`` folds (by document), the weakly trained model in
    ``model_dir`` is refined on the other folds' gold documents and predicts this fold's
    documents (``words[i]`` are document ``i``'s tokens).  With ``final_dir`` a model refined on
    every gold document is written there too (the one to use on new text).  The combiner fitted
    on these probabilities weighs a gold-refined model as it behaves on documents it never saw."""
    from nlp_pipeline.end_model import load_end_model, train_end_model

    weak = load_end_model(model_dir)
    config = weak.config.replace(epochs=0, self_training_rounds=0, progress=False,
                                 **({"gold_epochs": gold_epochs} if gold_epochs else {}))
    n = len(gold_records)
    folds = max(2, min(folds, n))
    fold_of = np.arange(n) % folds
    np.random.default_rng(seed).shuffle(fold_of)
    out: list[np.ndarray | None] = [None] * n
    work = Path(work_dir)
    for f in range(folds):
        train = [gold_records[i] for i in range(n) if fold_of[i] != f]
        test = [i for i in range(n) if fold_of[i] == f]
        folder = train_end_model([], config, output_dir=work / f"fold{f}", overwrite=True, init_model=model_dir,
                                 gold_records=train)
        model = load_end_model(folder)
        for i, p in zip(test, model_probs_for(model, [words[i] for i in test], labels)):
            out[i] = p
        logger.info("cross-fitted refinement: fold %d/%d done", f + 1, folds)
    if final_dir is not None:
        train_end_model([], config, output_dir=final_dir, overwrite=True, init_model=model_dir,
                        gold_records=list(gold_records))
    return out  # type: ignore[return-value]


__all__ = ["cross_fitted_refinement", "doc_inputs", "gold_token_spans", "model_probs_for", "spans_to_records"]
