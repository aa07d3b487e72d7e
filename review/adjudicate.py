"""Adjudication: turn disagreements between annotators into gold, keeping who decided what.

Rules (``clinlabel adjudicate --rule ...``):

* ``majority``: the answer given by more than half of the annotators; within it each span
  (start, end, label) and each accepted code kept when more than half of the accepting annotators
  have it, and each of the span's assertion attributes (negated, historical, ...) set as more than
  half of those who have the span set it.  A tie anywhere (e.g. two annotators who disagree)
  leaves the example unresolved.
* ``senior``: the named senior annotator's answer wins; examples the senior did not answer stay
  unresolved.

Unresolved examples go to a third person on the review page (``clinlabel review serve
--adjudicate``), whose decision is stored with rule ``manual``.  Every decision is an
``adjudications`` row plus an audit-log entry with the rule, the decider and the annotators.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable, Mapping, Optional

from corpora.errors import REV_ADJUDICATE, ReviewError
from corpora.record import ASSERTIONS

from .prodigy import _decision_key, span_version
from .store import Store, span_key, with_assertions

RULES = ("majority", "senior")


def disagreements(store: Store, dataset: str, *, include_adjudicated: bool = False) -> dict[int, dict[str, dict[str, Any]]]:
    """``{example_id: {annotator: answer}}`` for examples whose current answers differ."""
    done = set() if include_adjudicated else set(store.adjudications(dataset))
    out = {}
    for eid, by in store.current_answers(dataset).items():
        by = {a: r for a, r in by.items() if r.get("answer") != "ignore"}
        if eid in done or len(by) < 2:
            continue
        if len({_decision_key(r) for r in by.values()}) > 1:
            out[eid] = by
    return out


def _accepted_codes(rec: Mapping[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(str(c.get("system")), str(c.get("code"))): c for c in rec.get("codes") or []
            if c.get("decision") == "accepted"}


def majority_decision(by: Mapping[str, Mapping[str, Any]]) -> Optional[dict[str, Any]]:
    """The majority decision over ``{annotator: answer}``, or ``None`` on a tie."""
    n = len(by)
    answers = Counter(r.get("answer") for r in by.values())
    answer, votes = answers.most_common(1)[0]
    if votes * 2 <= n:
        return None
    if answer != "accept":
        return {"answer": answer, "spans": [], "relations": [], "codes": []}
    accepting = [r for r in by.values() if r.get("answer") == "accept"]
    m = len(accepting)
    span_votes: Counter = Counter()
    attr_votes: Counter = Counter()
    span_obj: dict[tuple, dict[str, Any]] = {}
    code_votes: Counter = Counter()
    code_obj: dict[tuple, dict[str, Any]] = {}
    all_codes: dict[tuple, dict[str, Any]] = {}
    for r in accepting:
        for sp in r.get("spans") or []:
            k = span_key(sp)
            span_votes[k] += 1
            span_obj.setdefault(k, dict(sp))
            for attr in ASSERTIONS:
                attr_votes[(k, attr)] += bool(sp.get(attr, False))
        for k, c in _accepted_codes(r).items():
            code_votes[k] += 1
            code_obj.setdefault(k, dict(c))
        for c in r.get("codes") or []:
            all_codes.setdefault((str(c.get("system")), str(c.get("code"))), dict(c))
    if any(v * 2 == m for v in list(span_votes.values()) + list(code_votes.values())):
        return None  # a tie on a span or code
    spans = []
    for k in sorted(span_votes):
        if span_votes[k] * 2 <= m:
            continue
        sp = dict(span_obj[k])
        for attr in ASSERTIONS:
            if attr_votes[(k, attr)] * 2 == span_votes[k]:
                return None  # a tie on an assertion attribute
            sp[attr] = attr_votes[(k, attr)] * 2 > span_votes[k]
        spans.append(sp)
    codes = []
    for k, c in all_codes.items():
        c = dict(code_obj.get(k, c))
        c["decision"] = "accepted" if code_votes[k] * 2 > m else "rejected"
        codes.append(c)
    return {"answer": "accept", "spans": spans, "relations": [], "codes": codes}


def adjudicate(store: Store, dataset: str, *, rule: str = "majority", senior: Optional[str] = None,
               decided_by: Optional[str] = None) -> dict[str, Any]:
    """Resolve the open disagreements of ``dataset`` by ``rule``; returns counts and the ids left open."""
    if rule not in RULES:
        raise ReviewError(f"unknown adjudication rule {rule!r}", f"use --rule {' or --rule '.join(RULES)}",
                          code=REV_ADJUDICATE)
    if rule == "senior" and not senior:
        raise ReviewError("--rule senior needs the senior annotator's id", "pass --senior NAME", code=REV_ADJUDICATE)
    open_items = disagreements(store, dataset)
    if rule == "senior":
        known = {a for by in store.current_answers(dataset).values() for a in by}
        if senior not in known:
            raise ReviewError(f"senior annotator {senior!r} has no answers in dataset {dataset!r} "
                              f"(annotators: {', '.join(sorted(known)) or 'none'})",
                              "pass one of the annotator ids above to --senior", code=REV_ADJUDICATE)
    resolved, unresolved = 0, []
    for eid, by in sorted(open_items.items()):
        if rule == "senior":
            decision = by.get(senior)
            who = decided_by or senior
        else:
            decision = majority_decision(by)
            who = decided_by or "rule:majority"
        if decision is None:
            unresolved.append(eid)
            continue
        store.add_adjudication(eid, rule=rule, decided_by=who, annotators=sorted(by),
                               answer=str(decision.get("answer")), record=_clean(decision))
        resolved += 1
    return {"open": len(open_items), "adjudicated": resolved, "unresolved": len(unresolved),
            "unresolved_ids": unresolved}


def _clean(decision: Mapping[str, Any]) -> dict[str, Any]:
    return {"answer": decision.get("answer"), "spans": list(decision.get("spans") or []),
            "relations": list(decision.get("relations") or []),
            "codes": [{k: v for k, v in c.items() if k != "id"} for c in decision.get("codes") or []]}


def manual_decision(store: Store, example_id: int, adjudicator: str, answer: str, spans: Iterable[Mapping[str, Any]],
                    *, session_id: Optional[str] = None) -> int:
    """A third person's decision from the review page; their code decisions come from their own code reviews."""
    codes = store.codes(example_id, adjudicator)
    others = store.current_answers_for(example_id)
    record = {"answer": answer, "spans": [dict(s) for s in spans], "relations": [],
              "codes": [c for c in codes if c["decision"] in ("accepted", "rejected")]}
    return store.add_adjudication(example_id, rule="manual", decided_by=adjudicator,
                                  annotators=sorted(a for a in others if a != adjudicator), answer=answer,
                                  record=_clean(record), session_id=session_id)


def span_rows(by: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The annotators' spans side by side, for the adjudication page.

    ``by`` is ``{annotator: answer record}``; spans of accepting annotators are grouped into rows of
    overlapping spans (so "type 2 diabetes" and "diabetes" share a row).  Each row has its
    character range, each annotator's version (a list of spans, empty when they marked nothing
    there) and ``same``: every accepting annotator has exactly the same spans, labels and
    assertion attributes in it."""
    accepting = sorted(a for a, r in by.items() if r.get("answer") == "accept")
    items = sorted(((int(sp["start"]), int(sp["end"]), a, with_assertions(sp))
                    for a in accepting for sp in by[a].get("spans") or []), key=lambda x: (x[0], x[1], x[2]))
    rows: list[dict[str, Any]] = []
    for start, end, who, sp in items:
        if rows and start < rows[-1]["end"]:
            row = rows[-1]
            row["end"] = max(row["end"], end)
        else:
            row = {"start": start, "end": end, "versions": {a: [] for a in accepting}}
            rows.append(row)
        row["versions"][who].append(sp)
    for row in rows:
        kinds = {tuple(sorted(span_version(sp) for sp in v)) for v in row["versions"].values()}
        row["same"] = len(kinds) == 1
    return rows
