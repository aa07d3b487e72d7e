"""Write a weakly labelled or gold corpus as a Hugging Face ``datasets.DatasetDict`` on disk.

``clinlabel convert IN -o DIR --to hf-dataset`` calls :func:`write_hf_dataset`.  Each row has
``id`` (the record's ``meta.id``), ``tokens``, ``ner_tags`` (BIO tags as a ``ClassLabel``),
``probs`` (per token, one probability per tag name, in ``ner_tags``' order) and ``meta``
(the record's meta as a JSON string, because meta dicts differ between records and Arrow
columns need one type).  Weakly labelled records (with ``weak_labels``) give their label
model probabilities and arg-max tags; gold records give one-hot vectors from their spans.
Users train any Hugging Face model on it with ``datasets.load_from_disk(DIR)``.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from corpora.errors import MODEL_DATA, MODEL_OUTPUT, ModelError

from .config import bio_labels
from .data import entity_types, gold_example, record_tokens, weak_example

logger = logging.getLogger(__name__)


def _types_from(records: Sequence[Mapping[str, Any]]) -> list[str]:
    weak = [r for r in records if isinstance(r.get("weak_labels"), Mapping)]
    gold = [r for r in records if not isinstance(r.get("weak_labels"), Mapping)]
    seen = dict.fromkeys(entity_types(weak))
    seen.update(dict.fromkeys(t for t in entity_types(gold) if t not in seen))
    return list(seen)


def write_hf_dataset(
    records: Iterable[Mapping[str, Any]],
    out: str | Path,
    *,
    labels: Sequence[str] | str | None = None,
    split: str = "train",
    overwrite: bool = False,
    **_options: Any,
) -> int:
    """Save ``records`` as a ``DatasetDict({split: Dataset})`` in folder ``out``; return the row count.

    ``labels`` fixes the entity types (and so the ``ClassLabel`` names ``O, B-T, I-T, ...``);
    by default they are the types found in the records.  An existing non-empty ``out`` is
    refused unless ``overwrite``.  Unknown options (from ``clinlabel convert``) are ignored.
    """
    from datasets import ClassLabel, Dataset, DatasetDict, Features, Sequence as HFSequence, Value

    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())) and not overwrite:
        raise ModelError("output already exists", "choose a new folder for the dataset (nothing was written)",
                         file=out, code=MODEL_OUTPUT)
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
    rows: dict[str, list] = {"id": [], "tokens": [], "ner_tags": [], "probs": [], "meta": []}
    for i, rec in enumerate(recs):
        if isinstance(rec.get("weak_labels"), Mapping):
            ex = weak_example(rec, names, index=i)
        else:
            ex = gold_example(dict(rec, tokens=record_tokens(rec)), names, index=i)
        probs = ex["probs"]
        meta = rec.get("meta") or {}
        rows["id"].append(str(meta.get("id", i)))
        rows["tokens"].append(ex["tokens"])
        rows["ner_tags"].append([max(range(len(p)), key=p.__getitem__) for p in probs])
        rows["probs"].append([[float(x) for x in p] for p in probs])
        rows["meta"].append(json.dumps(meta, ensure_ascii=False, sort_keys=True, default=str))
    features = Features({
        "id": Value("string"),
        "tokens": HFSequence(Value("string")),
        "ner_tags": HFSequence(ClassLabel(names=names)),
        "probs": HFSequence(HFSequence(Value("float32"))),
        "meta": Value("string"),
    })
    dataset = DatasetDict({split: Dataset.from_dict(rows, features=features)})
    tmp = out.with_name(out.name + ".partial")
    if tmp.exists():
        import shutil

        shutil.rmtree(tmp)
    dataset.save_to_disk(str(tmp))
    if out.exists():
        import shutil

        shutil.rmtree(out)
    tmp.rename(out)
    logger.info("wrote %d records as a Hugging Face dataset to %s", len(recs), out)
    return len(recs)
