"""Label Studio JSON export (``Export -> JSON``) back into records: one per annotation.

Each completed annotation of a task becomes one record: ``text`` from ``data.text``, ``meta``
from ``data.meta`` (plus ``label_studio``: task id, annotation id, annotator), spans from its
``labels`` regions (offsets converted from Label Studio's UTF-16 units), assertion flags from
per-region ``choices`` (attributes not chosen are ``false``), relations from ``relation`` items
(``head_span`` / ``child_span`` / ``label``), and review fields so that ``clinlabel review
import`` and ``clinlabel agreement`` take the file as it is: ``_annotator_id`` (the annotator's
e-mail, else ``label-studio-user-<id>``), ``answer`` (``accept``; ``ignore`` for a skipped /
cancelled task) and Prodigy hashes (the task's own, kept in ``data.clinlabel`` by clinlabel's
writer, else computed).  A task without annotations gives one record per prediction instead
(``_annotator_id`` = its model version, span ``score`` kept), so clinlabel's own task files
read back; a task with neither gives the bare note.  The export is one JSON array, loaded whole.
"""

from __future__ import annotations

import json
from typing import Any, Iterator

from ..errors import IO_JSON, IO_LABEL_STUDIO, ClinlabelError, corpus_error
from ..label_studio import TEXT_NAME, Offsets
from ..record import ASSERTIONS, set_hashes
from ._common import PathLike, check_offsets, empty_error, read_text_file, require_file, skip_or_raise

FIX = "give Label Studio's JSON export (Export -> JSON), a list of tasks with data.text and annotations"


def _annotator(value: Any) -> str:
    if isinstance(value, dict):
        if value.get("email"):
            return str(value["email"])
        value = value.get("id")
    return f"label-studio-user-{value}"


def _result_record(task: dict[str, Any], result: Any, path, where: str) -> dict[str, Any]:
    data = task["data"]
    text = data[TEXT_NAME]
    offsets = Offsets(text)
    if not isinstance(result, list):
        raise corpus_error(IO_LABEL_STUDIO, f"{where}: \"result\" is not a list", FIX, file=path)
    extra = data.get("clinlabel") if isinstance(data.get("clinlabel"), dict) else {}
    span_extra = extra.get("span_extra") if isinstance(extra.get("span_extra"), dict) else {}
    regions: dict[str, dict[str, Any]] = {}
    spans: list[dict[str, Any]] = []
    by_region: dict[str, list[dict[str, Any]]] = {}
    choices: dict[str, list[str]] = {}
    relations = []
    for k, item in enumerate(result):
        if not isinstance(item, dict):
            raise corpus_error(IO_LABEL_STUDIO, f"{where}: result item {k} is not an object", FIX, file=path)
        kind = item.get("type")
        if kind == "relation":
            relations.append(item)
            continue
        value = item.get("value")
        if kind not in ("labels", "choices") or not isinstance(value, dict) or "start" not in value:
            continue  # other tags (textarea, ratings, document-level choices) have no span
        start, end = value.get("start"), value.get("end")
        check_offsets(start, end, len(text.encode("utf-16-le")) // 2, f"{where}: result item {k}", file=path,
                      line=None, fix="export the task again from Label Studio (offsets index data.text)")
        rid = str(item.get("id", f"item{k}"))
        regions.setdefault(rid, {"start": offsets.from_js(start), "end": offsets.from_js(end)})
        if kind == "choices":
            choices.setdefault(rid, []).extend(str(c) for c in value.get("choices") or [])
            continue
        labels = value.get("labels")
        if not isinstance(labels, list) or not labels:
            raise corpus_error(IO_LABEL_STUDIO, f"{where}: result item {k} has no \"labels\" list", FIX, file=path)
        for label in labels:
            span = {**regions[rid], "label": str(label)}
            span["text"] = text[span["start"]:span["end"]]
            if isinstance(item.get("score"), (int, float)):
                span["score"] = float(item["score"])
            stash = span_extra.get(rid)
            if isinstance(stash, dict) and stash.get("key") == [span["start"], span["end"], span["label"]]:
                span.update({k: v for k, v in stash.get("extra", {}).items() if k not in span})
            spans.append(span)
            by_region.setdefault(rid, []).append(span)
    for rid, group in by_region.items():
        chosen = set(choices.get(rid, ()))
        for span in group:
            for name in ASSERTIONS:
                span[name] = name in chosen
    out_rel = []
    for k, rel in enumerate(relations):
        head, child = by_region.get(str(rel.get("from_id"))), by_region.get(str(rel.get("to_id")))
        if not head or not child:
            raise corpus_error(IO_LABEL_STUDIO, f"{where}: relation {k} names a region that is not in the result",
                               FIX, file=path)
        if rel.get("direction") == "left":
            head, child = child, head
        labels = rel.get("labels") or [""]
        for label in labels:
            keep = ("start", "end", "label")
            out_rel.append({"head_span": {x: head[0][x] for x in keep}, "child_span": {x: child[0][x] for x in keep},
                            "label": str(label)})
    meta = dict(data["meta"]) if isinstance(data.get("meta"), dict) else {}
    record: dict[str, Any] = {"text": text, "meta": meta, **{k: v for k, v in extra.items() if k not in ("text", "meta", "span_extra")},
                              "spans": spans}
    if out_rel:
        record["relations"] = out_rel
    return record


def read_label_studio(path: PathLike, *, skip_invalid: bool = False, predictions: bool | None = None,
                      **_: Any) -> Iterator[dict[str, Any]]:
    """Records of a Label Studio JSON export, one per annotation (see the module doc).

    ``predictions=True`` also reads predictions of annotated tasks; ``False`` never reads them;
    ``None`` (default) reads them only for tasks without annotations.
    """
    path = require_file(path)
    raw = read_text_file(path)
    try:
        tasks = json.loads(raw)
    except json.JSONDecodeError as err:
        raise corpus_error(IO_JSON, f"malformed JSON at column {err.colno}: {err.msg}", FIX, file=path,
                           line=err.lineno) from None
    del raw
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list):
        raise corpus_error(IO_LABEL_STUDIO, f"the file holds a JSON {type(tasks).__name__}, not a list of tasks", FIX,
                           file=path)
    count = 0
    for i, task in enumerate(tasks):
        try:
            records = list(_task_records(task, i, path, predictions))
        except ClinlabelError as err:
            skip_or_raise(err, skip_invalid)
            continue
        for record in records:
            count += 1
            yield record
    if count == 0:
        raise empty_error(path, "no tasks", FIX)


def _task_records(task: Any, i: int, path, predictions: bool | None) -> Iterator[dict[str, Any]]:
    where = f"task {i}"
    if not isinstance(task, dict) or not isinstance(task.get("data"), dict) or not isinstance(task["data"].get(TEXT_NAME), str):
        raise corpus_error(IO_LABEL_STUDIO, f"{where} has no data.text string", FIX, file=path)
    task_id = task.get("id")
    where = f"task {i} (id {task_id})" if task_id is not None else where
    annotations = [a for a in task.get("annotations") or [] if isinstance(a, dict)]
    preds = [p for p in task.get("predictions") or [] if isinstance(p, dict)]
    items: list[tuple[str, dict[str, Any]]] = [("annotation", a) for a in annotations]
    if predictions or (predictions is None and not annotations):
        items += [("prediction", p) for p in preds]
    if not items:  # an unlabelled task: the note itself
        items = [("task", {"result": []})]
    extra = task["data"].get("clinlabel") if isinstance(task["data"].get("clinlabel"), dict) else {}
    base_id = (task["data"].get("meta") or {}).get("id") if isinstance(task["data"].get("meta"), dict) else None
    for kind, item in items:
        record = _result_record(task, item.get("result") or [], path, f"{where}, {kind} {item.get('id', '')}".rstrip())
        meta = record["meta"]
        meta["id"] = str(base_id if base_id not in (None, "") else task_id if task_id is not None else f"{path.stem}:{i + 1}")
        info: dict[str, Any] = {"task_id": task_id}
        if kind == "task":
            record["meta"]["label_studio"] = info
            record.update({k: extra[k] for k in ("_input_hash", "_task_hash") if k in extra})
            yield record
            continue
        info[kind + "_id"] = item.get("id")
        if kind == "annotation":
            who = _annotator(item.get("completed_by"))
            record["answer"] = "ignore" if item.get("was_cancelled") else "accept"
            if item.get("ground_truth"):
                info["ground_truth"] = True
        else:
            who = str(item.get("model_version") or "prediction")
        info["annotator"] = who
        meta["label_studio"] = info
        record["_annotator_id"] = who
        for key in ("_input_hash", "_task_hash"):
            if key in extra:
                record[key] = extra[key]
        set_hashes(record)
        yield record
