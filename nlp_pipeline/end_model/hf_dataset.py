"""Write a weakly labelled or gold corpus as a Hugging Face ``datasets.DatasetDict`` on disk.

``clinlabel convert IN -o DIR --to hf-dataset [--split 0.8,0.1,0.1 --seed S] [--split-by FIELD]``
calls :func:`write_hf_dataset`; ``datasets.load_from_disk(DIR)`` gives it back.  Columns:

| column | type | what |
|---|---|---|
| ``id`` | string | the record's ``meta.id`` |
| ``text`` | string | the note (span offsets index it) |
| ``tokens`` | list of string | the record's tokens **without whitespace tokens** |
| ``ner_tags`` | list of ``ClassLabel`` (``O, B-T, I-T, ...``) | arg-max of ``probs`` |
| ``probs`` | list of list of float32 | per token, one probability per tag name in ``ner_tags``' order: the label model's soft labels when the record has ``weak_labels`` (``annotate --lfs/--preset`` and ``labeling_functions.weak_label_records`` write them), else one-hot vectors from the spans |
| ``soft`` | bool | whether ``probs`` came from ``weak_labels`` |
| ``spans`` | list of struct | ``start``, ``end``, ``token_start``, ``token_end`` (inclusive, into ``tokens``), ``label``, ``kb_id``, ``code``, ``score``, the five assertion flags and ``assertion`` (``ClassLabel``: ``present`` or the first true flag in ``negated, historical, hypothetical, family, uncertain`` order) |
| ``meta`` | string | the record's meta as JSON (meta dicts differ between records; Arrow columns need one type) |

Splits: one ``train`` split by default (``split="NAME"`` names it); ``split="0.8,0.1,0.1"``
writes ``train``/``validation``/``test`` by document, shuffled with ``random.Random(seed)``;
with ``split_by="patient_id"`` whole groups of notes sharing that ``meta`` value go to one split
(groups shuffled, then filled in order until each split reaches its share).  The sizes, seed
and grouping are written to ``clinlabel_split.json`` in DIR.
"""

from __future__ import annotations

import json
import logging
import random
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from corpora.errors import MODEL_CONFIG, MODEL_DATA, MODEL_OUTPUT, ModelError
from corpora.record import ASSERTIONS

from .config import bio_labels
from .data import entity_types, gold_example, record_tokens, weak_example

logger = logging.getLogger(__name__)

SPLIT_NAMES = ("train", "validation", "test")
ASSERTION_NAMES = ("present", *ASSERTIONS)
SPLIT_FILE = "clinlabel_split.json"


def _types_from(records: Sequence[Mapping[str, Any]]) -> list[str]:
    weak = [r for r in records if isinstance(r.get("weak_labels"), Mapping)]
    gold = [r for r in records if not isinstance(r.get("weak_labels"), Mapping)]
    seen = dict.fromkeys(entity_types(weak))
    seen.update(dict.fromkeys(t for t in entity_types(gold) if t not in seen))
    return list(seen)


def parse_split(split: str | Sequence[float] | None, out: Path) -> tuple[list[str], list[float]]:
    """(split names, fractions) from ``"0.8,0.1,0.1"`` / ``"validation"`` / ``None`` (one ``train``)."""
    if split is None:
        return ["train"], [1.0]
    if isinstance(split, str):
        parts = [p.strip() for p in split.split(",") if p.strip()]
        try:
            fractions = [float(p) for p in parts]
        except ValueError:
            if len(parts) == 1:
                return [parts[0]], [1.0]
            raise ModelError(f"--split {split!r} is neither fractions nor one split name",
                             "write e.g. --split 0.8,0.1,0.1", file=out, code=MODEL_CONFIG) from None
    else:
        fractions = [float(x) for x in split]
    if not 1 <= len(fractions) <= 3 or any(f < 0 for f in fractions) or abs(sum(fractions) - 1.0) > 1e-6:
        raise ModelError(f"--split fractions {fractions} must be 1 to 3 non-negative numbers summing to 1",
                         "write e.g. --split 0.8,0.1,0.1 (train, validation, test)", file=out, code=MODEL_CONFIG)
    return list(SPLIT_NAMES[:len(fractions)]), fractions


def assign_splits(metas: Sequence[Mapping[str, Any]], fractions: Sequence[float], *, seed: int = 0,
                  split_by: str | None = None) -> list[int]:
    """The split index of each document: shuffled by ``seed``; groups of ``split_by`` kept whole."""
    n = len(metas)
    if len(fractions) == 1:
        return [0] * n
    groups: dict[str, list[int]] = {}
    missing = 0
    for i, meta in enumerate(metas):
        if split_by is None:
            key = f"doc:{i}"
        elif split_by in meta and meta[split_by] is not None:
            key = "v:" + json.dumps(meta[split_by], sort_keys=True, default=str)
        else:
            key, missing = f"doc:{i}", missing + 1
        groups.setdefault(key, []).append(i)
    if missing:
        logger.warning("%d notes have no meta.%s; each is its own group", missing, split_by)
    order = list(groups.values())
    random.Random(seed).shuffle(order)
    bounds, acc = [], 0.0
    for f in fractions:
        acc += f
        bounds.append(acc * n)
    out = [0] * n
    filled, k = 0, 0
    for members in order:
        while k < len(bounds) - 1 and filled >= round(bounds[k]):
            k += 1
        for i in members:
            out[i] = k
        filled += len(members)
    return out


def _span_rows(rec: Mapping[str, Any], tokens: list[Mapping[str, Any]], keep: list[int]) -> list[dict[str, Any]]:
    """Span structs with token indices into the kept (non-whitespace) tokens."""
    kept = [tokens[i] for i in keep]
    rows = []
    for span in rec.get("spans") or []:
        inside = [j for j, t in enumerate(kept) if t["start"] < span["end"] and t["end"] > span["start"]]
        flags = {name: bool(span.get(name)) for name in ASSERTIONS}
        score = span.get("score")
        rows.append({
            "start": int(span["start"]), "end": int(span["end"]), "label": str(span.get("label", "")),
            "token_start": inside[0] if inside else -1, "token_end": inside[-1] if inside else -1,
            "kb_id": None if span.get("kb_id") is None else str(span["kb_id"]),
            "code": None if span.get("code") is None else str(span["code"]),
            "score": float(score) if isinstance(score, (int, float)) and not isinstance(score, bool) else None,
            **flags,
            "assertion": next((ASSERTION_NAMES.index(n) for n in ASSERTIONS if flags[n]), 0),
        })
    return rows


def _features(names: Sequence[str]):
    from datasets import ClassLabel, Features, List, Value

    span = {"start": Value("int32"), "end": Value("int32"), "label": Value("string"),
            "token_start": Value("int32"), "token_end": Value("int32"), "kb_id": Value("string"),
            "code": Value("string"), "score": Value("float32"),
            **{name: Value("bool") for name in ASSERTIONS}, "assertion": ClassLabel(names=list(ASSERTION_NAMES))}
    return Features({
        "id": Value("string"),
        "text": Value("string"),
        "tokens": List(Value("string")),
        "ner_tags": List(ClassLabel(names=list(names))),
        "probs": List(List(Value("float32"))),
        "soft": Value("bool"),
        "spans": List(span),
        "meta": Value("string"),
    })


def write_hf_dataset(
    records: Iterable[Mapping[str, Any]],
    out: str | Path,
    *,
    labels: Sequence[str] | str | None = None,
    split: str | Sequence[float] | None = None,
    split_by: str | None = None,
    seed: int | None = None,
    overwrite: bool = False,
    **_options: Any,
) -> int:
    """Save ``records`` as a ``DatasetDict`` in folder ``out`` (see the module doc); return the row count.

    ``labels`` fixes the entity types (and so the ``ClassLabel`` names ``O, B-T, I-T, ...``);
    by default they are the types found in the records.  An existing non-empty ``out`` is
    refused unless ``overwrite``.  Unknown options (from ``clinlabel convert``) are ignored.
    """
    from datasets import Dataset, DatasetDict

    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())) and not overwrite:
        raise ModelError("output already exists", "choose a new folder for the dataset (nothing was written)",
                         file=out, code=MODEL_OUTPUT)
    split_names, fractions = parse_split(split, out)
    recs = list(records)
    if not recs:
        raise ModelError("no records to write", "give a corpus with at least one record", file=out, code=MODEL_DATA)
    if isinstance(labels, str):
        labels = [p.strip() for p in labels.split(",") if p.strip()]
    types = list(labels) if labels else _types_from(recs)
    if not types:
        raise ModelError("the records have no spans and no weak labels, so there are no tag names",
                         "pass labels (e.g. Chemical,Disease) or give labelled records", file=out, code=MODEL_DATA)
    names = bio_labels(types)
    columns = ("id", "text", "tokens", "ner_tags", "probs", "soft", "spans", "meta")
    rows: list[dict[str, Any]] = []
    whitespace = 0
    for i, rec in enumerate(recs):
        soft = isinstance(rec.get("weak_labels"), Mapping)
        tokens = list(rec.get("tokens") or []) if soft else record_tokens(rec)
        ex = weak_example(rec, names, index=i) if soft else gold_example(dict(rec, tokens=tokens), names, index=i)
        keep = [j for j, word in enumerate(ex["tokens"]) if word.strip()]
        whitespace += len(ex["tokens"]) - len(keep)
        probs = [[float(x) for x in ex["probs"][j]] for j in keep]
        meta = rec.get("meta") or {}
        rows.append({
            "id": str(meta.get("id", i)), "text": str(rec.get("text", "")),
            "tokens": [ex["tokens"][j] for j in keep],
            "ner_tags": [max(range(len(p)), key=p.__getitem__) for p in probs],
            "probs": probs, "soft": soft, "spans": _span_rows(rec, tokens, keep),
            "meta": json.dumps(meta, ensure_ascii=False, sort_keys=True, default=str),
        })
    del recs
    which = assign_splits([json.loads(r["meta"]) for r in rows], fractions, seed=seed or 0, split_by=split_by)
    features = _features(names)
    parts = {}
    for k, name in enumerate(split_names):
        chosen = [r for r, s in zip(rows, which) if s == k]
        parts[name] = Dataset.from_dict({c: [r[c] for r in chosen] for c in columns}, features=features)
    dataset = DatasetDict(parts)
    tmp = out.with_name(out.name + ".partial")
    import shutil

    if tmp.exists():
        shutil.rmtree(tmp)
    dataset.save_to_disk(str(tmp))
    sizes = {name: len(parts[name]) for name in split_names}
    (tmp / SPLIT_FILE).write_text(json.dumps({"splits": sizes, "fractions": fractions, "seed": seed or 0,
                                              "split_by": split_by, "whitespace_tokens_dropped": whitespace},
                                             indent=2) + "\n", encoding="utf-8")
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
    logger.info("wrote %d records as a Hugging Face dataset to %s (%s; %d whitespace tokens left out)",
                len(rows), out, ", ".join(f"{k} {v}" for k, v in sizes.items()), whitespace)
    return len(rows)
