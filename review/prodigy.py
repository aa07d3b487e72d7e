"""Round trips with Prodigy's files: tasks out, answers in, gold out.

* :func:`export_tasks` loads clinlabel records into a dataset and writes them as Prodigy tasks
  (``_input_hash``, ``_task_hash``, ``spans``, ``relations``, ``codes`` and code ``options``).
* :func:`import_answers` reads answers (with :func:`review.jsonl.read_jsonl`, not the corpus reader:
  one ``db-out`` file repeats each ``meta.id`` once per annotator) as ``prodigy db-out`` writes them (``answer`` accept / reject /
  ignore, edited ``spans`` and ``relations``, ``_annotator_id``, ``_session_id``; for the choice
  interface an ``accept`` list of option ids) into the store.
* :func:`gold_records` / :func:`export_gold` give the accepted, adjudicated gold set.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional

from sqlalchemy import func, select

from corpora import lineage
from corpora.errors import IO_EMPTY, REV_ANNOTATOR, REV_ANSWER, ReviewError, corpus_error
from corpora.record import ASSERTIONS, record_id, validate_record

from .jsonl import read_jsonl
from .models import Annotation, Code, CodeReview, Dataset, Example
from .store import ANSWERS, Store, prepare_task, span_key, strip_answer, with_assertions

logger = logging.getLogger(__name__)


def _labels(records: Iterable[Mapping[str, Any]]) -> set[str]:
    return {str(sp["label"]) for r in records for sp in r.get("spans") or [] if sp.get("label")}


def export_tasks(store: Store, source: str | os.PathLike[str], dataset: str, output: str | os.PathLike[str], *,
                 fmt: Optional[str] = None, labels: Optional[Iterable[str]] = None,
                 guideline: Optional[str | os.PathLike[str]] = None, actor: str = "clinlabel",
                 reader_options: Optional[dict[str, Any]] = None) -> dict[str, Any]:
    """Load the records of ``source`` (any format ``corpora.formats.read_corpus`` reads; usually the
    JSONL of ``clinlabel annotate`` / ``codes``) into ``dataset`` and write the dataset's tasks to
    ``output`` as Prodigy JSONL.  Returns counts, the label-scheme version and the source's sha256."""
    from corpora.formats import read_corpus, write_corpus

    records = list(read_corpus(source, fmt, **(reader_options or {})))
    counts = store.add_tasks(dataset, records, actor=actor)
    version = store.set_label_scheme(dataset, list(labels) if labels else _labels(records), actor=actor)
    guide_version = store.add_guideline(dataset, guideline, actor=actor) if guideline else None
    digest = store.record_source(dataset, "tasks", source, len(records)) if Path(source).is_file() else None
    written = write_corpus(store.tasks(dataset), output, "prodigy")
    # lineage: the source's chain (e.g. its annotate run) joins the dataset's, and the tasks file gets its own
    step = lineage.new_step("review export", inputs=[source], output=output, dataset=dataset, store=store.where,
                            added=counts["added"], label_scheme_version=version)
    chain = lineage.merge_steps(store.meta(dataset).get("lineage") or [], lineage.read_sidecar(source), [step])
    store.update_meta(dataset, {"lineage": chain}, actor=actor)
    lineage.write_sidecar(output, chain)
    return {**counts, "written": written, "label_scheme_version": version, "guideline_version": guide_version,
            "sha256": digest}


def _check_answer(rec: dict[str, Any], file: str, line: int) -> None:
    answer = rec.get("answer")
    if answer not in ANSWERS:
        raise ReviewError(f"\"answer\" is {answer!r}", "Prodigy answers have \"answer\": \"accept\", \"reject\" or \"ignore\"",
                          file=file, line=line, code=REV_ANSWER)
    for key in ("_input_hash", "_task_hash"):
        value = rec.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise ReviewError(f"{key} is {value!r}", f"{key} must be an integer as Prodigy writes it",
                              file=file, line=line, code=REV_ANSWER)
    validate_record(rec, file=file, line=line)
    for i, sp in enumerate(rec.get("spans") or []):
        if sp["start"] >= sp["end"]:
            raise ReviewError(f"span {i} is empty ({sp['start']}..{sp['end']})",
                              "give spans with start < end (or drop the span)", file=file, line=line, code=REV_ANSWER)
        if not isinstance(sp.get("label"), str) or not sp["label"]:
            raise ReviewError(f"span {i} has no label", "give every span a \"label\"", file=file, line=line,
                              code=REV_ANSWER)


def _check_labels(rec: Mapping[str, Any], labels: Optional[list[str]], dataset: str, file: str, line: int) -> None:
    if labels is None:
        return
    for i, sp in enumerate(rec.get("spans") or []):
        if sp["label"] not in labels:
            raise ReviewError(f"span {i} has label {sp['label']!r}, which is not in the label scheme of dataset "
                              f"{dataset!r} ({', '.join(labels)})",
                              "fix the label, or add it to the scheme with `clinlabel review export ... --labels`",
                              file=file, line=line, code=REV_ANSWER)


def import_answers(store: Store, path: str | os.PathLike[str], dataset: str, *, annotator: Optional[str] = None,
                   actor: Optional[str] = None) -> dict[str, int]:
    """Read Prodigy answers from ``path`` into ``dataset``.

    The annotator is ``annotator`` if given, else each line's ``_annotator_id``.  Answers are matched
    to tasks by ``_task_hash``, then ``_input_hash``; an answer to an unknown task adds the task.
    Code decisions come from each code's ``decision`` (``accepted`` / ``rejected``; a ``status`` with
    one of those values is read too) or, for Prodigy's choice interface, from the ``accept`` list of
    option ids (options not listed are rejected).  A code's own ``status`` (its clinical status from
    the code suggester: confirmed, negated, ...) is kept as it is.
    Re-importing the same file adds nothing.  Lines are checked before anything is written
    (answer values, hashes, span offsets with start < end, labels in the dataset's label scheme).
    """
    file = str(path)
    labels = store.label_scheme(dataset) if dataset in store.datasets() else None
    lines = []
    for lineno, rec in read_jsonl(path):
        _check_answer(rec, file, lineno)
        _check_labels(rec, labels, dataset, file, lineno)
        who = annotator or rec.get("_annotator_id")
        if not who:
            raise ReviewError("answer has no \"_annotator_id\" and no --annotator was given",
                              "pass --annotator ID (who made these answers)", file=file, line=lineno,
                              code=REV_ANNOTATOR)
        lines.append((lineno, str(who), rec))
    if not lines:
        raise corpus_error(IO_EMPTY, "no answers", "give the JSONL that `prodigy db-out` wrote", file=path)
    store.ensure_dataset(dataset)
    stats = {"imported": 0, "duplicates": 0, "new_tasks": 0, "accept": 0, "reject": 0, "ignore": 0}
    ds_id = store.dataset_id(dataset)
    for lineno, who, rec in lines:
        with store.session() as s:
            ex = store.find_example(s, ds_id, rec.get("_task_hash"), rec.get("_input_hash"), record_id(rec))
            example_id = None if ex is None else ex.id
        if example_id is None:
            task = prepare_task(strip_answer(rec))
            with store.session() as s:
                ds = s.get(Dataset, ds_id)
                pos = s.scalar(select(func.coalesce(func.max(Example.position), -1)).where(Example.dataset_id == ds_id)) + 1
                example_id = store._insert_example(s, ds, task, pos, actor or who).id
            stats["new_tasks"] += 1
        session_id = str(rec.get("_session_id") or f"{dataset}-{who}")
        # duplicate check: same annotator, same answer record already current
        with store.session() as s:
            prev = s.scalar(select(Annotation).where(Annotation.example_id == example_id, Annotation.annotator == who,
                                                     Annotation.retracted.is_(False))
                            .order_by(Annotation.id.desc()).limit(1))
            same = prev is not None and prev.record.get("_imported") == _fingerprint(rec)
        if same:
            stats["duplicates"] += 1
            continue
        _apply_code_decisions(store, example_id, who, rec, session_id)
        record = dict(rec)
        record["_imported"] = _fingerprint(rec)
        store.answer(example_id, who, rec["answer"], spans=list(rec.get("spans") or []),
                     relations=list(rec.get("relations") or []), session_id=session_id, record=record,
                     action="import_answer")
        stats["imported"] += 1
        stats[rec["answer"]] += 1
    store.record_source(dataset, "answers", path, len(lines))
    return stats


def _fingerprint(rec: Mapping[str, Any]) -> str:
    import hashlib
    import json

    return hashlib.sha256(json.dumps(rec, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _apply_code_decisions(store: Store, example_id: int, who: str, rec: Mapping[str, Any], session_id: str) -> None:
    decisions: dict[tuple[str, str], tuple[str, Mapping[str, Any]]] = {}
    for c in rec.get("codes") or []:
        if not isinstance(c, Mapping) or not c.get("code"):
            continue
        decision = c.get("decision") or c.get("status")
        key = (str(c.get("system") or "ICD-10-CM"), str(c["code"]))
        if decision in ("accepted", "rejected"):
            decisions[key] = (decision, c)
    accepted_ids = rec.get("accept")
    if isinstance(accepted_ids, list) and rec.get("options"):
        chosen = {str(x) for x in accepted_ids}
        for opt in rec["options"]:
            oid = str(opt.get("id"))
            if ":" in oid:
                system, code = oid.split(":", 1)
                decisions.setdefault((system, code), ("accepted" if oid in chosen else "rejected",
                                                      {"description": opt.get("text", "")}))
    with store.session() as s:
        existing = {(c.system, c.code): c.id for c in s.scalars(select(Code).where(Code.example_id == example_id))}
        current = {r.code_id: r.decision for r in s.scalars(
            select(CodeReview).join(Code, CodeReview.code_id == Code.id)
            .where(Code.example_id == example_id, CodeReview.annotator == who))}
    for (system, code), (decision, c) in decisions.items():
        if (system, code) not in existing:
            if decision == "accepted":
                store.add_code(example_id, code, who, system=system, description=str(c.get("description") or ""),
                               session_id=session_id, evidence=list(c.get("evidence") or []))
            continue
        cid = existing[(system, code)]
        if current.get(cid) != decision:
            store.review_code(cid, who, decision, session_id=session_id)


# --- gold ---------------------------------------------------------------------------------------


def span_version(span: Mapping[str, Any]) -> tuple:
    """A span as a decision: offsets, label and its assertion attributes (missing ones are False)."""
    return (*span_key(span), *(bool(span.get(a, False)) for a in ASSERTIONS))


def _decision_key(rec: Mapping[str, Any]) -> tuple:
    spans = tuple(sorted(span_version(sp) for sp in rec.get("spans") or []))
    codes = tuple(sorted((str(c.get("system")), str(c.get("code"))) for c in rec.get("codes") or []
                         if c.get("decision") == "accepted"))
    return (rec.get("answer"), spans, codes)


def gold_record(task: Mapping[str, Any], decided: Mapping[str, Any], *, rule: str, decided_by: str,
                annotators: Iterable[str]) -> dict[str, Any]:
    """The gold form of a task: the decided spans (each with the five assertion attributes as bools,
    ``corpora.record.ASSERTIONS``), relations and codes; ``answer`` accept."""
    rec = dict(task)
    rec["spans"] = [with_assertions(sp) for sp in decided.get("spans") or []]
    rec["relations"] = [dict(r) for r in decided.get("relations") or []]
    rec["codes"] = [{k: v for k, v in c.items() if k != "id"} for c in decided.get("codes") or []]
    rec["answer"] = "accept"
    meta = dict(rec.get("meta") or {})
    meta["review"] = {"rule": rule, "decided_by": decided_by, "annotators": sorted(annotators)}
    rec["meta"] = meta
    for key in ("_annotator_id", "_session_id", "_timestamp", "_imported", "accept"):
        rec.pop(key, None)
    return rec


def gold_records(store: Store, dataset: str) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The gold set of ``dataset`` and counts.

    Per example: the latest adjudication if there is one (kept when its answer is ``accept``);
    otherwise the annotators' current answers when they all agree (same answer, spans and accepted
    codes) and accept.  Examples with an unresolved disagreement are left out and counted as
    ``pending`` (resolve them with ``clinlabel adjudicate``).
    """
    answers = store.current_answers(dataset)
    adjudicated = store.adjudications(dataset)
    out: list[dict[str, Any]] = []
    stats = {"gold": 0, "adjudicated": 0, "agreed": 0, "rejected": 0, "pending": 0, "unanswered": 0}
    for ex in store.examples(dataset):
        eid, task = ex["id"], ex["task"]
        if eid in adjudicated:
            adj = adjudicated[eid]
            if adj["answer"] == "accept":
                out.append(gold_record(task, adj["record"], rule=adj["rule"], decided_by=adj["decided_by"],
                                       annotators=adj["annotators"]))
                stats["adjudicated"] += 1
            else:
                stats["rejected"] += 1
            continue
        by = {a: r for a, r in answers.get(eid, {}).items() if r.get("answer") != "ignore"}
        if not by:
            stats["unanswered"] += 1
            continue
        keys = {_decision_key(r) for r in by.values()}
        if len(keys) > 1:
            stats["pending"] += 1
            continue
        first = next(iter(by.values()))
        if first.get("answer") != "accept":
            stats["rejected"] += 1
            continue
        rule = "single" if len(by) == 1 else "unanimous"
        out.append(gold_record(task, first, rule=rule, decided_by=",".join(sorted(by)), annotators=by))
        stats["agreed"] += 1
    stats["gold"] = len(out)
    return out, stats


def export_gold(store: Store, dataset: str, output: str | os.PathLike[str]) -> dict[str, int]:
    from corpora.formats import write_corpus

    records, stats = gold_records(store, dataset)
    write_corpus(records, output, "prodigy")
    step = lineage.new_step("review gold", output=output, dataset=dataset, store=store.where,
                            counts=dict(stats), annotators=sorted({a for r in records
                                                                  for a in r["meta"]["review"]["annotators"]}))
    lineage.write_sidecar(output, lineage.merge_steps(store.meta(dataset).get("lineage") or [], [step]))
    if stats["pending"]:
        logger.warning("%d examples have unresolved disagreements and are not in the gold set; "
                       "run `clinlabel adjudicate`", stats["pending"])
    store.record_source(dataset, "gold", output, len(records))
    return stats
