"""Label Studio tasks: ``convert --to label-studio`` writes a JSON array Label Studio imports.

Each task is ``{"data": {"text", "meta", ...}, "predictions": [{"model_version", "score",
"result"}]}``; the prediction holds the record's spans (``labels`` regions with their
``score``), their assertion flags (per-region ``choices``) and relations, so Label Studio shows
them as pre-annotations.  Record keys Label Studio has no place for (``codes``, hashes; tokens
are left out) ride along in ``data["clinlabel"]``, and so do span keys a region cannot hold
(``kb_id``, ``code``, ``source``, ...; restored on reading while the annotator keeps the region
unchanged).  The labelling config
(:func:`corpora.label_studio.label_config`) is written beside OUT as ``<OUT stem>.label_config.xml``
once every task is written (its labels are the ones seen, or ``labels=``).  Tasks are written
and flushed one by one; if the input breaks part-way the array is closed, so OUT stays valid JSON.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, Sequence

from ..label_studio import ASSERTION_NAME, LABELS_NAME, MODEL_VERSION, TEXT_NAME, Offsets, label_config
from ..record import ASSERTIONS
from ._common import out_file

#: record keys that become parts of the task itself (the rest go to data["clinlabel"])
_TASK_KEYS = ("text", "meta", "spans", "relations", "tokens")
#: span keys the region itself holds; the others (kb_id, code, source, ...) are kept in
#: data["clinlabel"]["span_extra"][region id] and restored while the region is unchanged
_REGION_KEYS = ("start", "end", "label", "text", "score", "token_start", "token_end", *ASSERTIONS)


def config_path_for(path: str | Path) -> Path:
    path = Path(path)
    return path.with_name(path.stem + ".label_config.xml")


def _span_key(span: dict[str, Any]) -> tuple:
    return span.get("start"), span.get("end"), str(span.get("label", ""))


def task_for(record: dict[str, Any], model_version: str = MODEL_VERSION) -> dict[str, Any]:
    """One Label Studio task (with a prediction) for ``record``."""
    text = record["text"]
    offsets = Offsets(text)
    result: list[dict[str, Any]] = []
    region_ids: dict[tuple, str] = {}
    span_extra: dict[str, Any] = {}
    scores = []

    def region(span: dict[str, Any]) -> str:
        key = _span_key(span)
        if key in region_ids:
            return region_ids[key]
        rid = f"s{len(region_ids)}"
        region_ids[key] = rid
        start, end = offsets.to_js(span["start"]), offsets.to_js(span["end"])
        value = {"start": start, "end": end, "text": text[span["start"]:span["end"]]}
        item: dict[str, Any] = {"id": rid, "from_name": LABELS_NAME, "to_name": TEXT_NAME, "type": "labels",
                                "value": {**value, "labels": [str(span.get("label", ""))]}}
        if isinstance(span.get("score"), (int, float)) and not isinstance(span.get("score"), bool):
            item["score"] = float(span["score"])
            scores.append(float(span["score"]))
        result.append(item)
        extra = {k: v for k, v in span.items() if k not in _REGION_KEYS}
        if extra:
            span_extra[rid] = {"key": [span["start"], span["end"], str(span.get("label", ""))], "extra": extra}
        chosen = [name for name in ASSERTIONS if span.get(name) is True]
        if chosen:
            result.append({"id": rid, "from_name": ASSERTION_NAME, "to_name": TEXT_NAME, "type": "choices",
                           "value": {**value, "choices": chosen}})
        return rid

    for span in record.get("spans") or []:
        region(span)
    for rel in record.get("relations") or []:
        head, child = rel.get("head_span"), rel.get("child_span")
        if not (isinstance(head, dict) and isinstance(child, dict)):
            continue
        item = {"from_id": region(head), "to_id": region(child), "type": "relation", "direction": "right"}
        if rel.get("label"):
            item["labels"] = [str(rel["label"])]
        result.append(item)
    data: dict[str, Any] = {"text": text, "meta": record.get("meta") or {}}
    rest = {k: v for k, v in record.items() if k not in _TASK_KEYS}
    if span_extra:
        rest["span_extra"] = span_extra
    if rest:
        data["clinlabel"] = rest
    task: dict[str, Any] = {"data": data}
    if result:
        prediction: dict[str, Any] = {"model_version": model_version, "result": result}
        if scores:
            prediction["score"] = round(sum(scores) / len(scores), 4)
        task["predictions"] = [prediction]
    return task


def write_label_studio(records: Iterable[dict[str, Any]], path: str | Path, *,
                       labels: Sequence[str] | str | None = None, model_version: str = MODEL_VERSION,
                       **_: Any) -> int:
    """Write ``records`` as Label Studio tasks to ``path`` and the labelling config beside it."""
    path = out_file(path)
    if isinstance(labels, str):
        labels = [x.strip() for x in labels.split(",") if x.strip()]
    seen: dict[str, None] = dict.fromkeys(labels or [])
    rel_seen: dict[str, None] = {}
    n = 0
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("[")
        try:
            for record in records:
                task = task_for(record, model_version)
                for span in record.get("spans") or []:
                    seen.setdefault(str(span.get("label", "")), None)
                for rel in record.get("relations") or []:
                    for key in ("head_span", "child_span"):
                        if isinstance(rel.get(key), dict):
                            seen.setdefault(str(rel[key].get("label", "")), None)
                    if rel.get("label"):
                        rel_seen.setdefault(str(rel["label"]), None)
                fh.write(("," if n else "") + "\n" + json.dumps(task, ensure_ascii=False))
                fh.flush()
                n += 1
        finally:
            fh.write("\n]\n")
            config_path_for(path).write_text(label_config(seen, rel_seen), encoding="utf-8")
    return n
