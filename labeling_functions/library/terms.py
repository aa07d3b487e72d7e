"""Word lists matched on normalised tokens, built once per process, shared by many LFs.

:func:`doc_keys` computes, once per ``Doc``, the matching key of every token (lower case, accents
folded, plurals reduced: :func:`ontologies.normalize.norm_token`, the key the ontology matcher
uses); every :class:`TermList` then matches with dictionary look-ups over those keys
(:class:`ontologies.term_index.TermIndex`), so ten word lists cost one pass of key computation
plus ten cheap scans, and a list is never rebuilt per document.

Terms may carry a case rule: ``"any"`` (default), ``"upper"`` (all capitals as written: "ALL",
"MS"), ``"capital"`` (a capital first letter: brand names that are also words, "Today") or
``"exact"`` (exactly as written).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from itertools import compress
from typing import Callable, Iterable, Sequence

#: tokens that end a match: a term never runs across them
BLOCKERS = frozenset(".;:!?()[]{}|")
CASE_RULES = ("any", "upper", "capital", "exact")

_ORTH_KEYS: dict[int, str] = {}


@dataclass
class DocKeys:
    """Per-token features of one ``Doc``, computed once (see :func:`doc_keys`)."""

    texts: list[str]
    lower: list[str]
    keys: list[str]  # "" = no meaning (hyphen, quote), "|" = stops a match
    toks: list[int]  # token index of each non-empty key
    klist: list[str]  # the non-empty keys, in order
    starts: list[int]  # character offset of each token
    ends: list[int]  # character end offset of each token


_LAST: list = [None, None]


def doc_keys(doc) -> DocKeys:
    """The :class:`DocKeys` of ``doc``; cached for the last Doc seen (LFs run one Doc at a time)."""
    if _LAST[0] is doc:
        return _LAST[1]
    from spacy.attrs import IDX, LENGTH, ORTH

    from ontologies.normalize import norm_token

    arr = doc.to_array([ORTH, IDX, LENGTH]).tolist() if len(doc) else []
    orths = [a[0] for a in arr]
    starts = [a[1] for a in arr]
    ends = [a[1] + a[2] for a in arr]
    strings = doc.vocab.strings
    texts = [strings[o] for o in orths]
    keys = list(map(_ORTH_KEYS.get, orths))
    if None in keys:
        for i, k in enumerate(keys):
            if k is None:
                text = texts[i]
                if text in BLOCKERS or text.count("\n") >= 2:
                    k = "|"
                elif text.isspace():
                    k = "" if "\n" not in text else "|"
                else:
                    k = norm_token(text)
                keys[i] = k
                if len(_ORTH_KEYS) < 500_000:
                    _ORTH_KEYS[orths[i]] = k
    toks = list(compress(range(len(keys)), keys))
    klist = [keys[i] for i in toks]
    dk = DocKeys(texts, [t.lower() for t in texts], keys, toks, klist, starts, ends)
    _LAST[0], _LAST[1] = doc, dk
    return dk


def per_doc(func: Callable) -> Callable:
    """Cache ``func(doc, *args, **kwargs)`` for the last Doc seen (several LFs ask for the same
    finder on one Doc; nothing is kept once the next Doc comes).  Arguments must be hashable and
    callers must not change the returned list."""
    state: dict = {"doc": None, "results": {}}

    @functools.wraps(func)
    def wrapper(doc, *args, **kwargs):
        if state["doc"] is not doc:
            state["doc"], state["results"] = doc, {}
        key = (args, tuple(sorted(kwargs.items())))
        results = state["results"]
        if key not in results:
            results[key] = func(doc, *args, **kwargs)
        return results[key]

    return wrapper


def doc_text(doc) -> str:
    """The Doc's text, computed once per Doc (``corpora.doc.doc_text``)."""
    from corpora.doc import doc_text as _text

    return _text(doc)


def char_spans_to_tokens(doc, spans, *, mode: str = "contract") -> list[tuple[int, int]]:
    """Token spans ``(start, end)`` for character spans: ``contract`` keeps the tokens wholly
    inside, ``expand`` the tokens touched.  Empty results are dropped."""
    import bisect

    dk = doc_keys(doc)
    starts, ends = dk.starts, dk.ends
    out = []
    for cs, ce in spans:
        if mode == "contract":
            s = bisect.bisect_left(starts, cs)
            e = bisect.bisect_right(ends, ce)
        else:
            s = bisect.bisect_right(ends, cs)
            e = bisect.bisect_left(starts, ce)
        while e > s and not dk.texts[e - 1].strip():
            e -= 1
        while s < e and not dk.texts[s].strip():
            s += 1
        if e > s:
            out.append((s, e))
    return out


@functools.lru_cache(maxsize=200_000)
def term_key(term: str) -> str:
    """The matching key of a term or phrase (:func:`ontologies.term_index.term_key`, cached)."""
    from ontologies.term_index import term_key as _key

    return _key(term)


def _case_ok(surface: str, written: str, rule: str) -> bool:
    if rule == "upper":
        return surface.replace(" ", "").rstrip("s") == written.replace(" ", "").rstrip("s") or surface.isupper()
    if rule == "capital":
        return surface[:1].isupper()
    if rule == "exact":
        return surface.replace(" ", "") == written.replace(" ", "")
    return True


class TermList:
    """Terms with labels, matched on normalised token keys; longest match wins.

    ``terms``: ``(term, label)`` or ``(term, label, case_rule)`` items; the first label given for
    a term wins.  ``find(doc)`` returns non-overlapping ``(start, end, label)`` token spans,
    longest first.
    """

    def __init__(self, terms: Iterable[Sequence[str]], *, min_length: int = 2, name: str = "") -> None:
        from ontologies.term_index import TermIndex

        rows = []
        self.labels: list[str] = []
        self.rules: list[str] = []
        self.written: list[str] = []
        for item in terms:
            term, label = item[0], item[1]
            rule = item[2] if len(item) > 2 else "any"
            if rule not in CASE_RULES:
                raise ValueError(f"case rule {rule!r} of term {term!r} is not one of {CASE_RULES}")
            rows.append((term, str(len(self.labels)), "term", rule != "any"))
            self.labels.append(label)
            self.rules.append(rule)
            self.written.append(term)
        self.name = name
        self.index = TermIndex.build(rows, min_length=min_length)
        self._last: tuple = (None, [])

    def __len__(self) -> int:
        return len(self.index)

    def __contains__(self, term: str) -> bool:
        return self.label_of(term) is not None

    def label_of(self, term: str) -> str | None:
        """The label of ``term`` (normalised like the text), or None."""
        v = self.index.lookup.get(term_key(term))
        if v is None or v <= 0:
            return None
        return self.labels[int(self.index.codes[v - 1])]

    def matches(self, doc) -> list[tuple[int, int, int]]:
        """Every longest match per start, ``(start_token, end_token, term_id)``, overlaps kept (cached
        for the last Doc)."""
        if self._last[0] is doc:
            return self._last[1]
        out = self._matches(doc)
        self._last = (doc, out)
        return out

    def _matches(self, doc) -> list[tuple[int, int, int]]:
        dk = doc_keys(doc)
        if not dk.klist:
            return []
        index = self.index
        codes, exact = index.codes, index.exact_case
        out = []
        toks = dk.toks
        for s, e, row in index.match(dk.klist):
            start, end = toks[s], toks[e - 1] + 1
            term_id = int(codes[row])
            if exact[row] == "1":
                surface = "".join(dk.texts[start:end])
                if not _case_ok(surface, self.written[term_id], self.rules[term_id]):
                    continue
            out.append((start, end, term_id))
        return out

    def find(self, doc, label: str | None = None) -> list[tuple[int, int, str]]:
        """Non-overlapping ``(start, end, label)`` matches, longest first (then leftmost)."""
        from .editors import non_overlapping

        labels = self.labels
        found = [(s, e, labels[t]) for s, e, t in self.matches(doc)]
        found = non_overlapping(found)
        if label is not None:
            found = [m for m in found if m[2] == label]
        return found

    def __call__(self, doc, label: str | None = None) -> list[tuple[int, int, str]]:
        return self.find(doc, label)


def read_term_file(package: str, name: str) -> list[str]:
    """Lines of a shipped word list (``#`` comments and blank lines skipped); ``.gz`` is read as gzip."""
    import gzip
    from importlib.resources import files

    res = files(package) / name
    if name.endswith(".gz"):
        with gzip.open(res.open("rb"), "rt", encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    else:
        lines = res.read_text(encoding="utf-8").splitlines()
    return [line.rstrip() for line in lines if line.strip() and not line.startswith("#")]




# --- word-level finders shared by the domain modules ------------------------------------------


def suffix_tokens(doc, suffixes: Sequence[str], label: str, *, min_length: int = 6,
                  exclude: Iterable[str] = (), exclude_suffixes: Sequence[str] = ()) -> list[tuple[int, int, str]]:
    """Single tokens whose lower-case text ends with one of ``suffixes`` (morphology: "-itis",
    "-ectomy"); alphabetic (hyphens allowed) and at least ``min_length`` characters."""
    suffixes = tuple(s.lower() for s in suffixes)
    exclude_suffixes = tuple(s.lower() for s in exclude_suffixes)
    exclude = frozenset(w.lower() for w in exclude)
    dk = doc_keys(doc)
    out = []
    for i, low in enumerate(dk.lower):
        if len(low) >= min_length and low.endswith(suffixes) and low not in exclude \
                and not (exclude_suffixes and low.endswith(exclude_suffixes)) and low.replace("-", "").isalpha():
            out.append((i, i + 1, label))
    return out


def head_phrases(doc, heads: Iterable[str], label: str, *, modifier: Callable[[object], bool] | None = None,
                 max_left: int = 3) -> list[tuple[int, int, str]]:
    """Each token whose key (normalised, plural reduced) is in ``heads``, grown to the left over up
    to ``max_left`` tokens for which ``modifier(token)`` holds ("chronic kidney disease")."""
    from ontologies.normalize import norm_token

    from .editors import extend_left

    keys = frozenset(norm_token(h) for h in heads)
    dk = doc_keys(doc)
    found = [(i, i + 1, label) for i, k in enumerate(dk.keys) if k in keys]
    if modifier is not None and found:
        found = extend_left(modifier, max_tokens=max_left)(doc, found)
    return found


__all__ = ["BLOCKERS", "CASE_RULES", "DocKeys", "TermList", "char_spans_to_tokens", "doc_keys", "doc_text",
           "head_phrases", "per_doc", "read_term_file", "suffix_tokens"]
