"""Records -> word-level examples -> word-piece windows as a Hugging Face ``datasets.Dataset``.

A weakly labelled record carries ``tokens`` (Prodigy tokens) and ``weak_labels`` =
``{"scheme": "BIO", "labels": [...], "probs": [[...] per token]}``; a gold record carries
``spans``.  Both become an example ``{"tokens": [...], "probs": [[...] per token]}`` over the
model's BIO label list.  :func:`window_dataset` tokenises the examples with ``Dataset.map``
(cached as Arrow when a cache folder is given), splits long documents into overlapping
windows of word pieces and puts each word's probability vector on its first word piece.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from corpora.errors import MODEL_DATA, ModelError
from corpora.record import record_id

logger = logging.getLogger(__name__)


def data_error(what: str, fix: str, *, record: Mapping[str, Any] | None = None, index: int | None = None) -> ModelError:
    where = ""
    if record is not None:
        rid = record_id(record)
        where = f"record {rid!r}" if rid is not None else ""
    if index is not None:
        where = f"{where} (#{index})" if where else f"record #{index}"
    if where:
        what = f"{where}: {what}"
    return ModelError(what, fix, code=MODEL_DATA)


def _blank_nlp():
    from corpora.tokenizer import biomedical_nlp

    return biomedical_nlp()


def record_tokens(record: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The record's Prodigy tokens; tokenised like the weak labels (``corpora.tokenizer.biomedical_nlp``) when it has none."""
    tokens = record.get("tokens")
    if tokens:
        return list(tokens)
    from corpora.doc import make_doc, tokens_of

    return tokens_of(make_doc(record, _blank_nlp()))


def _words(tokens: Sequence[Mapping[str, Any]]) -> list[str]:
    return [str(t.get("text", "")) for t in tokens]


def entity_types(records: Iterable[Mapping[str, Any]]) -> list[str]:
    """Entity types named in records' ``weak_labels.labels`` (or in their spans), in first-seen order."""
    seen: dict[str, None] = {}
    for rec in records:
        weak = rec.get("weak_labels")
        if isinstance(weak, Mapping):
            for name in weak.get("labels") or []:
                if isinstance(name, str) and name[:2] in ("B-", "I-"):
                    seen.setdefault(name[2:], None)
        else:
            for span in rec.get("spans") or []:
                if span.get("label"):
                    seen.setdefault(str(span["label"]), None)
    return list(seen)


def weak_example(record: Mapping[str, Any], label_list: Sequence[str], *, index: int | None = None) -> dict[str, Any]:
    """``{"tokens", "probs"}`` from a record's ``weak_labels`` (columns mapped onto ``label_list``)."""
    weak = record.get("weak_labels")
    if not isinstance(weak, Mapping):
        raise data_error("has no \"weak_labels\"", "run the records through the weak labeller first "
                         "(labeling_functions.weak_label_records) or give gold records with spans instead",
                         record=record, index=index)
    scheme = weak.get("scheme", "BIO")
    if scheme != "BIO":
        raise data_error(f"weak_labels.scheme is {scheme!r}", "the end model reads BIO weak labels", record=record, index=index)
    names = weak.get("labels") or []
    probs = weak.get("probs")
    tokens = record.get("tokens") or []
    if not isinstance(probs, list) or len(probs) != len(tokens):
        raise data_error(
            f"weak_labels.probs has {len(probs) if isinstance(probs, list) else 'no'} rows for {len(tokens)} tokens",
            "give one probability vector per token in \"tokens\"", record=record, index=index,
        )
    position = {name: i for i, name in enumerate(label_list)}
    cols = []
    for name in names:
        if name not in position:
            if name.startswith(("B-", "I-")):
                logger.debug("weak label %s is not one of the model's labels; its mass goes to O", name)
            cols.append(position["O"])
        else:
            cols.append(position[name])
    width = len(label_list)
    out_probs = []
    for row_i, row in enumerate(probs):
        if not isinstance(row, list) or len(row) != len(names):
            raise data_error(
                f"weak_labels.probs row {row_i} has {len(row) if isinstance(row, list) else 'no'} values for "
                f"{len(names)} labels", "give one probability per name in weak_labels.labels", record=record, index=index,
            )
        vec = [0.0] * width
        for c, p in zip(cols, row):
            vec[c] += float(p)
        total = sum(vec)
        vec = [v / total for v in vec] if total > 0 else [1.0 if i == 0 else 0.0 for i in range(width)]
        out_probs.append(vec)
    return {"tokens": _words(tokens), "probs": out_probs}


def gold_example(record: Mapping[str, Any], label_list: Sequence[str], *, index: int | None = None) -> dict[str, Any]:
    """``{"tokens", "probs"}`` with one-hot BIO vectors from a gold record's ``spans``.

    A span is put on every token it overlaps; spans of types outside ``label_list`` are ignored.
    """
    tokens = record_tokens(record)
    position = {name: i for i, name in enumerate(label_list)}
    tags = [0] * len(tokens)
    for span in sorted(record.get("spans") or [], key=lambda s: (s["start"], -s["end"])):
        label = str(span.get("label", ""))
        if f"B-{label}" not in position:
            continue
        covered = [i for i, t in enumerate(tokens) if t["start"] < span["end"] and t["end"] > span["start"]
                   and str(t.get("text", "")).strip()]
        if not covered or any(tags[i] for i in covered):  # overlapping gold spans: keep the first
            continue
        tags[covered[0]] = position[f"B-{label}"]
        for i in covered[1:]:
            tags[i] = position[f"I-{label}"]
    width = len(label_list)
    return {"tokens": _words(tokens), "probs": [[1.0 if j == t else 0.0 for j in range(width)] for t in tags]}


def window_dataset(
    examples: Sequence[Mapping[str, Any]],
    tokenizer: Any,
    *,
    max_length: int,
    stride: int,
    cache_file: str | Path | None = None,
    with_labels: bool = True,
    desc: str = "tokenise",
):
    """Tokenise ``examples`` into windows of word pieces with ``Dataset.map``.

    Columns of the result: ``input_ids`` (with [CLS]/[SEP]), ``word_index`` (the word a
    position starts, -1 for special tokens and continuation pieces), ``doc_index``, and with
    labels ``soft_labels`` (one vector per position; zeros where ``word_index`` is -1).
    """
    from datasets import Dataset

    columns = _columns(examples, with_labels)
    ds = Dataset.from_dict(columns)
    encode = _encoder(tokenizer, max_length=max_length, stride=stride, with_labels=with_labels)
    kwargs: dict[str, Any] = {}
    if cache_file is not None:
        Path(cache_file).parent.mkdir(parents=True, exist_ok=True)
        kwargs["cache_file_name"] = str(cache_file)
    return ds.map(encode, batched=True, batch_size=64, remove_columns=ds.column_names, desc=desc, **kwargs)


def inference_windows(word_lists: Sequence[Sequence[str]], tokenizer: Any, *, max_length: int, stride: int) -> list[dict]:
    """The same windows as :func:`window_dataset` without labels, as plain rows (no Arrow round
    trip and no progress bar per batch of documents at prediction time)."""
    columns = _columns([{"tokens": list(w)} for w in word_lists], False)
    out = _encoder(tokenizer, max_length=max_length, stride=stride, with_labels=False)(columns)
    return [dict(zip(out, values)) for values in zip(*out.values())]


def _columns(examples: Sequence[Mapping[str, Any]], with_labels: bool) -> dict[str, list]:
    columns: dict[str, list] = {
        "doc_index": list(range(len(examples))),
        "tokens": [list(e["tokens"]) for e in examples],
    }
    if with_labels:
        columns["probs"] = [e["probs"] for e in examples]
    return columns


def _encoder(tokenizer: Any, *, max_length: int, stride: int, with_labels: bool):
    content = max_length - 2
    step = content - stride
    cls_id, sep_id = tokenizer.cls_token_id, tokenizer.sep_token_id
    if cls_id is None or sep_id is None:  # tokenisers without BERT's specials (e.g. GPT-style)
        cls_id = tokenizer.bos_token_id if tokenizer.bos_token_id is not None else tokenizer.pad_token_id
        sep_id = tokenizer.eos_token_id if tokenizer.eos_token_id is not None else tokenizer.pad_token_id

    def encode(batch: dict[str, list]) -> dict[str, list]:
        words_batch = [[w if w.strip() else "" for w in words] for words in batch["tokens"]]
        enc = tokenizer(words_batch, is_split_into_words=True, add_special_tokens=False, truncation=False)
        out: dict[str, list] = {"input_ids": [], "word_index": [], "doc_index": []}
        if with_labels:
            out["soft_labels"] = []
        for b, ids in enumerate(enc["input_ids"]):
            word_ids = enc.word_ids(b)
            first = []
            prev = None
            for w in word_ids:
                first.append(w if (w is not None and w != prev) else -1)
                prev = w
            starts = list(range(0, max(len(ids) - stride, 1), step)) if len(ids) > content else [0]
            for s in starts:
                piece_ids = ids[s:s + content]
                w_idx = first[s:s + content]
                out["input_ids"].append([cls_id, *piece_ids, sep_id])
                out["word_index"].append([-1, *w_idx, -1])
                out["doc_index"].append(batch["doc_index"][b])
                if with_labels:
                    probs = batch["probs"][b]
                    width = len(probs[0]) if probs else 1
                    zero = [0.0] * width
                    out["soft_labels"].append([zero, *[probs[w] if w >= 0 else zero for w in w_idx], zero])
        return out

    return encode


def threshold_labels(dataset, threshold: float, *, cache_file: str | Path | None = None, sharpen: bool = False):
    """Turn soft labels into confident hard ones: positions whose top probability is below
    ``threshold`` get an all-zero (masked) vector; others a one-hot vector (``Dataset.map``)."""

    def convert(batch: dict[str, list]) -> dict[str, list]:
        new = []
        for rows in batch["soft_labels"]:
            out_rows = []
            for row in rows:
                top = max(row) if row else 0.0
                if top <= 0 or top < threshold:
                    out_rows.append([0.0] * len(row))
                else:
                    k = row.index(top)
                    out_rows.append([1.0 if j == k else 0.0 for j in range(len(row))])
            new.append(out_rows)
        return {"soft_labels": new}

    kwargs: dict[str, Any] = {}
    if cache_file is not None:
        kwargs["cache_file_name"] = str(cache_file)
    return dataset.map(convert, batched=True, batch_size=64, desc="confidence threshold", **kwargs)


class SoftLabelCollator:
    """Pad a list of window rows into tensors (``input_ids``, ``attention_mask``, ``soft_labels``,
    ``label_mask``, ``word_index``, ``doc_index``), as ``DataCollatorForTokenClassification``
    does for hard labels."""

    def __init__(self, pad_token_id: int, num_labels: int):
        self.pad_token_id = pad_token_id
        self.num_labels = num_labels

    def __call__(self, rows: list[Mapping[str, Any]]) -> dict[str, Any]:
        import torch

        length = max(len(r["input_ids"]) for r in rows)
        n = len(rows)
        input_ids = torch.full((n, length), self.pad_token_id, dtype=torch.long)
        attention = torch.zeros((n, length), dtype=torch.long)
        word_index = torch.full((n, length), -1, dtype=torch.long)
        batch: dict[str, Any] = {}
        has_labels = "soft_labels" in rows[0]
        if has_labels:
            soft = torch.zeros((n, length, self.num_labels), dtype=torch.float32)
        for i, r in enumerate(rows):
            k = len(r["input_ids"])
            input_ids[i, :k] = torch.as_tensor(r["input_ids"], dtype=torch.long)
            attention[i, :k] = 1
            word_index[i, :k] = torch.as_tensor(r["word_index"], dtype=torch.long)
            if has_labels:
                soft[i, :k] = torch.as_tensor(r["soft_labels"], dtype=torch.float32)
        batch.update(input_ids=input_ids, attention_mask=attention, word_index=word_index,
                     doc_index=torch.as_tensor([r["doc_index"] for r in rows], dtype=torch.long))
        if has_labels:
            batch["soft_labels"] = soft
            batch["label_mask"] = (soft.sum(-1) > 0).float()
        return batch
