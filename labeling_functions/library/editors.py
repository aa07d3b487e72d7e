"""Span editors: change what an LF found before it votes (in the spirit of skweak's span editors).

An LF finds candidate spans as ``(start, end, label)`` token triples; an editor takes the ``Doc``
and those triples and returns new ones.  Editors compose with :func:`chain`::

    from labeling_functions.library import editors

    @span_lf(labels=["Condition"])
    def disease_heads(doc, *, condition_terms):
        spans = condition_terms.find(doc)
        return editors.chain(
            doc, spans,
            editors.extend_left(lambda t: t.lower_ in {"acute", "chronic"}),   # keep modifiers inside
            editors.trim(lambda t: t.is_punct),
            editors.keep(lambda span: len(span.text) > 2),
        )

Predicates see spaCy ``Token`` objects (``extend_*``, ``trim``) or ``Span`` objects (``keep``,
``drop``).  Every editor keeps the span's label and never returns an empty span.
"""

from __future__ import annotations

from typing import Callable, Iterable, Sequence

Triple = tuple[int, int, str]
Editor = Callable[[object, list[Triple]], list[Triple]]


def chain(doc, spans: Iterable[Triple], *editors: Editor) -> list[Triple]:
    """Apply ``editors`` in order to ``spans``."""
    out = [(int(s), int(e), lab) for s, e, lab in spans]
    for editor in editors:
        out = editor(doc, out)
    return out


def extend_left(predicate: Callable[[object], bool], *, max_tokens: int = 4,
                stop: Callable[[object], bool] | None = None) -> Editor:
    """Grow each span to the left over tokens for which ``predicate(token)`` holds.

    At most ``max_tokens`` tokens are added; a token for which ``stop(token)`` holds ends the
    walk (e.g. a sentence start or a line break)."""

    def edit(doc, spans: list[Triple]) -> list[Triple]:
        out = []
        for s, e, lab in spans:
            i, added = s, 0
            while i > 0 and added < max_tokens:
                tok = doc[i - 1]
                if (stop is not None and stop(tok)) or not predicate(tok):
                    break
                i -= 1
                added += 1
            out.append((i, e, lab))
        return out

    return edit


def extend_right(predicate: Callable[[object], bool], *, max_tokens: int = 4,
                 stop: Callable[[object], bool] | None = None) -> Editor:
    """Grow each span to the right over tokens for which ``predicate(token)`` holds."""

    def edit(doc, spans: list[Triple]) -> list[Triple]:
        out = []
        n = len(doc)
        for s, e, lab in spans:
            j, added = e, 0
            while j < n and added < max_tokens:
                tok = doc[j]
                if (stop is not None and stop(tok)) or not predicate(tok):
                    break
                j += 1
                added += 1
            out.append((s, j, lab))
        return out

    return edit


def extend_over(phrases: Callable[[object, int], int], *, side: str = "left") -> Editor:
    """Grow each span over a multi-token unit found by ``phrases(doc, i)``.

    ``phrases(doc, i)`` returns how many tokens of a unit end just before token ``i`` (``side="left"``)
    or start at token ``i`` (``side="right"``); 0 when there is none.  Repeats until no unit is
    found (e.g. "type 2" before "diabetes")."""

    def edit(doc, spans: list[Triple]) -> list[Triple]:
        out = []
        for s, e, lab in spans:
            if side == "left":
                n = phrases(doc, s)
                while n > 0 and s - n >= 0:
                    s -= n
                    n = phrases(doc, s)
            else:
                n = phrases(doc, e)
                while n > 0 and e + n <= len(doc):
                    e += n
                    n = phrases(doc, e)
            out.append((s, e, lab))
        return out

    return edit


_CONJUNCTIONS = frozenset({"or", "and", ",", "/", "and/or", "nor"})


def coordinated_left(modifier: Callable[[object], bool], *, max_tokens: int = 2,
                     conjunctions: Iterable[str] = _CONJUNCTIONS) -> Editor:
    """Add the other conjuncts of an elided head: for a span "B HEAD" whose first token is a
    ``modifier`` and that follows "A or" / "A and" / "A," (A: up to ``max_tokens`` modifier tokens),
    add a span for A with the same label ("[renal] or [hepatic impairment]", "[cardiac], [renal] or
    [hepatic disease]").  The found spans are kept."""
    conj = frozenset(conjunctions)

    def edit(doc, spans: list[Triple]) -> list[Triple]:
        out = list(spans)
        for s, e, lab in spans:
            if e - s < 2 or not modifier(doc[s]):
                continue
            i = s
            while i > 0 and doc[i - 1].lower_ in conj:
                k = i - 1
                while k > 0 and doc[k - 1].lower_ in conj:  # "and / or"
                    k -= 1
                j = k
                while j > 0 and k - j < max_tokens and modifier(doc[j - 1]):
                    j -= 1
                if j == k:
                    break
                out.append((j, k, lab))
                i = j
        return out

    return edit


def whole_words(doc, spans: list[Triple]) -> list[Triple]:
    """Editor: never start or end inside a hyphenated word: "non-[melanoma]" -> "[non-melanoma]",
    "[anti]-TNF" -> "[anti-TNF]" (tokens joined by a hyphen with no space around it)."""
    n = len(doc)
    out = []
    for s, e, lab in spans:
        while s >= 2 and doc[s - 1].text == "-" and not doc[s - 1].whitespace_ and not doc[s - 2].whitespace_ \
                and doc[s - 2].text[-1:].isalnum():
            s -= 2
        while e + 1 < n and doc[e].text == "-" and not doc[e - 1].whitespace_ and not doc[e].whitespace_ \
                and doc[e + 1].text[:1].isalnum():
            e += 2
        out.append((s, e, lab))
    return out


def trim(predicate: Callable[[object], bool]) -> Editor:
    """Drop leading and trailing tokens for which ``predicate(token)`` holds (spans that would
    become empty are dropped)."""

    def edit(doc, spans: list[Triple]) -> list[Triple]:
        out = []
        for s, e, lab in spans:
            while s < e and predicate(doc[s]):
                s += 1
            while e > s and predicate(doc[e - 1]):
                e -= 1
            if e > s:
                out.append((s, e, lab))
        return out

    return edit


def keep(predicate: Callable[[object], bool]) -> Editor:
    """Keep only the spans for which ``predicate(doc[start:end])`` holds."""

    def edit(doc, spans: list[Triple]) -> list[Triple]:
        return [(s, e, lab) for s, e, lab in spans if predicate(doc[s:e])]

    return edit


def drop(predicate: Callable[[object], bool]) -> Editor:
    """Drop the spans for which ``predicate(doc[start:end])`` holds."""

    def edit(doc, spans: list[Triple]) -> list[Triple]:
        return [(s, e, lab) for s, e, lab in spans if not predicate(doc[s:e])]

    return edit


def relabel(label: str) -> Editor:
    """Give every span ``label``."""

    def edit(doc, spans: list[Triple]) -> list[Triple]:
        return [(s, e, label) for s, e, _ in spans]

    return edit


def longest(doc, spans: list[Triple]) -> list[Triple]:
    """Editor: a non-overlapping subset, longest spans first (ties: leftmost)."""
    return non_overlapping(spans)


def non_overlapping(spans: Sequence[Triple], rank: Callable[[Triple], tuple] | None = None) -> list[Triple]:
    """Greedy non-overlapping subset of ``spans``: best ``rank`` first (default: longest, then leftmost)."""
    key = rank or (lambda sp: (-(sp[1] - sp[0]), sp[0]))
    taken: list[Triple] = []
    used: set[int] = set()
    for sp in sorted(set(spans), key=key):
        if any(i in used for i in range(sp[0], sp[1])):
            continue
        taken.append(sp)
        used.update(range(sp[0], sp[1]))
    return sorted(taken)


def resolve_labels(votes: dict[str, list[Triple]], priority: dict[str, int] | None = None, *,
                   names: Iterable[str] | None = None, tiers: dict[str, int] | None = None) -> dict[str, list[Triple]]:
    """Settle conflicts *between labels* before aggregation: where votes of different labels
    overlap, the longer span wins, then the vote of the LF in the higher ``tiers``, then the LF
    with the higher ``priority``, then the leftmost; a losing vote whose left part is taken keeps
    its right part ("[EKG] [abnormalities]"), other losers are dropped; votes of the same label are
    all kept (the label model joins them).  Only the LFs in ``names`` (default: all) take part; "O" votes and the other
    LFs' votes pass unchanged.  A tie on all of these goes to the LF listed first in ``names``
    (default: the order of ``votes``), so the result never depends on hashing.

    ``votes`` is ``{lf name: [(start, end, label), ...]}`` as ``apply_span_lfs`` computes it."""
    priority = priority or {}
    tiers = tiers or {}
    order = list(dict.fromkeys(n for n in (votes if names is None else names) if n in votes))
    names = set(order)
    best: dict[Triple, tuple[int, int, int]] = {}  # (tier, priority, -rank of the first LF with it)
    for rank, name in enumerate(order):
        p = (tiers.get(name, 0), priority.get(name, 0), -rank)
        for sp in votes[name]:
            if sp[2] != "O" and best.get(sp, (-(10 ** 9), 0, 0)) < p:
                best[sp] = p
    owner: dict[int, str] = {}
    kept: dict[Triple, Triple] = {}
    for sp in sorted(best, key=lambda x: (-(x[1] - x[0]), -best[x][0], -best[x][1], x[0], -best[x][2], x[2])):
        s, e, lab = sp
        # a vote whose left edge another label holds keeps its right part (heads are final in English
        # noun phrases: "[EKG] [abnormalities]"); any other conflict drops it
        while s < e and owner.get(s, lab) != lab:
            s += 1
        if s == e or any(owner.get(i, lab) != lab for i in range(s, e)):
            continue
        kept[sp] = (s, e, lab)
        for i in range(s, e):
            owner[i] = lab
    out = {}
    for name, spans in votes.items():
        if name not in names:
            out[name] = spans
            continue
        out[name] = sorted({kept[sp] if sp in kept else sp for sp in spans if sp in kept or sp[2] == "O"})
    return out

__all__ = ["chain", "coordinated_left", "whole_words", "extend_left", "extend_right", "extend_over", "trim", "keep", "drop", "relabel",
           "longest", "non_overlapping", "resolve_labels"]
