"""ConText assertions on target spans (factory ``clinlabel_context``).

A re-implementation of the ConText algorithm (Harkema et al. 2009) as medSpaCy 1.3.1 runs it,
reading medSpaCy's ``ConTextRule`` JSON format so a user's rule file loads unchanged, but with
its own small engine (no medSpaCy import at run time):

1. triggers are found with spaCy's ``PhraseMatcher`` (literals, lower case), ``Matcher`` (token
   pattern lists) and regular expressions (string patterns), and overlapping triggers are pruned
   to the longest (so a ``PSEUDO`` rule such as "no increase" hides "no");
2. each trigger's scope runs to the end (``FORWARD``), start (``BACKWARD``) or both ends
   (``BIDIRECTIONAL``) of its sentence, cut to ``max_scope`` tokens when the rule says so;
3. a scope stops at a ``TERMINATE`` trigger ("but", "however", "which") and at the next trigger
   of the same category, exactly as medSpaCy's ``limit_scope``; a ``TERMINATE`` rule may name
   the categories it ends in ``metadata.terminates`` (default: all);
4. a target inside a trigger's scope (and not overlapping the trigger) takes the trigger's
   attribute; with ``use_sections`` the section (``span._.section``, set by
   ``clinlabel_sections``) adds ``family`` under family history, ``historical`` under past
   medical/surgical history and ``hypothetical`` under return precautions / rule-out headings;
5. two classes that are not trigger-and-scope: with ``habits_historical`` a target that names a
   habit (tobacco, alcohol or drug use) is historical, as the NegEx/ConText annotation guideline
   reads social history (evidence ``{"rule": "habit"}``, so code suggestion can tell it from a
   dated condition); with ``alternatives_uncertain`` targets of one label joined as alternatives
   ("atelectasis or pneumonia", "A versus B", "A, B, or C") are uncertain unless negated;
6. a report-type convention: with ``indication_current`` a past-time trigger inside the indication
   or clinical-history line of a test report ("INDICATION: history of polyps", "CLINICAL
   HISTORY: 50-year-old with a history of thymoma", or a target in the ``indication`` section)
   does not make the target historical: it is the reason for the test, a current problem.

Defaults: medSpaCy's ``context_rules.json`` (``resources/medspacy_context_rules.json``, MIT)
with the rules clinlabel's error analysis added or removed
(``resources/clinlabel_context_rules.json``); a user file (``rules``) is added on top.
"""

import bisect
import json
import re
from itertools import accumulate
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import numpy
from spacy.attrs import ORTH, SENT_START

from corpora.doc import doc_text, register_extensions, set_span_values, span_value
from spacy.language import Language
from spacy.tokens import Doc, Span

from .sections import SECTION_ASSERTIONS, _resource, load_rule_file, section_of

__all__ = ["CATEGORY_ATTRIBUTES", "ClinicalContext", "ContextRuleSpec", "default_context_rules", "make_context"]

#: ConText categories and the span attribute each sets (medSpaCy's names first).
CATEGORY_ATTRIBUTES: dict[str, str] = {
    "NEGATED_EXISTENCE": "negated",
    "NEGATED": "negated",
    "POSSIBLE_EXISTENCE": "uncertain",
    "UNCERTAIN": "uncertain",
    "HISTORICAL": "historical",
    "HYPOTHETICAL": "hypothetical",
    "FAMILY": "family",
}
ATTRIBUTES = ("negated", "historical", "hypothetical", "family", "uncertain")
_CONTEXT_KEYS = {"literal", "direction", "pattern", "category", "metadata", "allowed_types", "excluded_types",
                 "max_targets", "max_scope"}
_DIRECTIONS = ("FORWARD", "BACKWARD", "BIDIRECTIONAL", "TERMINATE", "PSEUDO")

#: A target that names a habit (use of tobacco, alcohol or drugs), not a disorder: "smoking",
#: "ETOH", "IV drug use", "cigarettes".  Abuse and dependence are conditions and are not habits.
HABIT_RE = re.compile(
    r"^(?:(?:current|former|daily|heavy|social|occasional|recreational|illicit|street|iv|intravenous|injection|"
    r"any|other|prior)\s+)*"
    r"(?:(?:tobacco|cigarettes?|cigars?|pipe|smokeless\s+tobacco|chewing\s+tobacco|snuff|vaping|e-?cigarettes?|"
    r"nicotine|alcohol|etoh|ethanol|drugs?|substances?|marijuana|cannabis|cocaine|crack|heroin|"
    r"methamphetamines?|meth|opioids?|opiates?)(?:\s+(?:use|usage|consumption|intake|habits?|smoking))?|"
    r"smok(?:ing|er|ers|es)|drink(?:ing|s|er|ers)|ivdu|ivda|idu|beer|wine|liquor|spirits|caffeine|coffee)$",
    re.IGNORECASE)
#: tokens that may stand between two alternatives, and those that make the link an alternative
_ALT_FILLER = frozenset({",", "or", "versus", "vs", "vs.", "v.", "v", "a", "an", "the", "possibly", "perhaps",
                         "less", "more", "likely", "probably"})
_ALT_WORDS = frozenset({"or", "versus", "vs", "vs.", "v."})
#: The indication / clinical-history line of a test report, before a past-time trigger.
INDICATION_RE = re.compile(
    r"\b(?:indications?(?:\s+for\s+(?:the\s+|this\s+)?[a-z]+(?:\s+[a-z]+)?)?\s*(?:is|are|was|were|:|-|includes?)|"
    r"reasons?\s+for\s+(?:the\s+|this\s+)?(?:exam(?:ination)?|study|procedure|test|testing|referral|consult(?:ation)?|"
    r"visit|imaging|scan|request)|clinical\s+(?:history|indications?|information|info|data|question|details|notes?)|"
    r"referring\s+diagnos[ie]s|(?<![a-z] )(?<![a-z]  )history\s*:)",
    re.IGNORECASE)
INDICATION_SECTIONS = frozenset({"indication"})
#: the triggers the indication convention applies to: "history (of)", "hx", "h/o" (not "past medical
#: history", not "status post": a dated past condition or a past procedure stays historical)
_HISTORY_OF = re.compile(r"^(?:(?:a|personal|significant)\s+)*(?:history|hx|h\s*/\s*o|hist)\b", re.IGNORECASE)


@dataclass
class ContextRuleSpec:
    """One ConText rule (the fields of medSpaCy's ``ConTextRule``)."""

    literal: str
    category: str
    direction: str = "BIDIRECTIONAL"
    pattern: Any = None
    allowed_types: frozenset[str] | None = None
    excluded_types: frozenset[str] | None = None
    max_scope: int | None = None
    max_targets: int | None = None
    metadata: dict | None = None
    source: str = "user"

    @classmethod
    def from_dict(cls, d: dict[str, Any], source: str = "user", file: Any = None) -> "ContextRuleSpec":
        from corpora.errors import CTX_RULES_INVALID, ContextError

        direction = str(d.get("direction", "BIDIRECTIONAL")).upper()
        if direction not in _DIRECTIONS:
            raise ContextError(f"rule {d.get('literal')!r} has direction {d.get('direction')!r}",
                               f"use one of {list(_DIRECTIONS)}", file=file, code=CTX_RULES_INVALID)
        if d.get("allowed_types") is not None and d.get("excluded_types") is not None:
            raise ContextError(f"rule {d.get('literal')!r} sets both allowed_types and excluded_types",
                               "keep only one of them", file=file, code=CTX_RULES_INVALID)
        for k in ("max_scope", "max_targets"):
            v = d.get(k)
            if v is not None and (not isinstance(v, int) or v <= 0):
                raise ContextError(f"rule {d.get('literal')!r} has {k}={v!r}", f"use a positive integer or null",
                                   file=file, code=CTX_RULES_INVALID)

        def types(v: Any) -> frozenset[str] | None:
            return None if v is None else frozenset(str(x).upper() for x in v)

        return cls(
            literal=d["literal"], category=str(d["category"]).upper(), direction=direction, pattern=d.get("pattern"),
            allowed_types=types(d.get("allowed_types")), excluded_types=types(d.get("excluded_types")),
            max_scope=d.get("max_scope"), max_targets=d.get("max_targets"), metadata=d.get("metadata"), source=source,
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"literal": self.literal, "category": self.category, "direction": self.direction,
                               "pattern": self.pattern}
        for k in ("max_scope", "max_targets", "metadata"):
            if getattr(self, k) is not None:
                out[k] = getattr(self, k)
        for k in ("allowed_types", "excluded_types"):
            if getattr(self, k) is not None:
                out[k] = sorted(getattr(self, k))
        return out

    @property
    def terminates(self) -> frozenset[str] | None:
        """Categories a TERMINATE rule ends (None = all)."""
        t = (self.metadata or {}).get("terminates")
        return None if t is None else frozenset(str(x).upper() for x in t)

    def allows(self, label: str) -> bool:
        if self.allowed_types is not None:
            return label.upper() in self.allowed_types
        if self.excluded_types is not None:
            return label.upper() not in self.excluded_types
        return True


def _rule_key(d: dict[str, Any]) -> tuple:
    return (str(d.get("category", "")).upper(), d.get("literal"), str(d.get("direction", "")).upper())


def default_context_rules() -> list[ContextRuleSpec]:
    """medSpaCy's default ConText rules minus the ones clinlabel removes, plus clinlabel's rules."""
    base_path = _resource("medspacy_context_rules.json")
    add_path = _resource("clinlabel_context_rules.json")
    base = load_rule_file(base_path, "context_rules", _CONTEXT_KEYS, "ConText")
    added = load_rule_file(add_path, "context_rules", _CONTEXT_KEYS, "ConText")
    removed = json.loads(add_path.read_text(encoding="utf-8")).get("removed_medspacy_rules", [])
    drop = {(str(r["category"]).upper(), r["literal"], str(r["direction"]).upper()) for r in removed}
    out = [ContextRuleSpec.from_dict(d, "medspacy", base_path) for d in base if _rule_key(d) not in drop]
    out += [ContextRuleSpec.from_dict(d, "clinlabel", add_path) for d in added]
    return out


@dataclass
class _Modifier:
    start: int  # token offsets of the trigger
    end: int
    rule: ContextRuleSpec
    sent: int  # sentence index
    scope_start: int = 0
    scope_end: int = 0


class ClinicalContext:
    """spaCy component: ConText assertions on ``doc.spans[span_key]``."""

    def __init__(self, nlp: Language, name: str = "clinlabel_context", *, rules: str | None = None,
                 span_key: str = "clinlabel", use_sections: bool = True, habits_historical: bool = True,
                 alternatives_uncertain: bool = True, indication_current: bool = True,
                 skip_labels: Iterable[str] = ("Temporal", "Value")) -> None:
        from corpora.doc import register_extensions

        register_extensions()
        self.nlp = nlp
        self.name = name
        self.span_key = span_key
        self.use_sections = use_sections
        self.habits_historical = habits_historical
        self.alternatives_uncertain = alternatives_uncertain
        self.indication_current = indication_current
        #: labels that are context, not concepts: they get no assertions and never hide a trigger
        #: ("in 2009" labelled Temporal is the historical trigger itself)
        self.skip_labels = frozenset(skip_labels or ())
        self.rules_path = rules
        self._base = default_context_rules()
        self.user_rules: list[ContextRuleSpec] = []
        if rules:
            self.user_rules = [ContextRuleSpec.from_dict(d, "user", rules)
                               for d in load_rule_file(rules, "context_rules", _CONTEXT_KEYS, "ConText")]
        self._compile()

    @property
    def rules(self) -> list[ContextRuleSpec]:
        return self._base + self.user_rules

    def add(self, rules: Iterable[dict[str, Any] | ContextRuleSpec]) -> None:
        """Add rules (medSpaCy-format dicts or specs)."""
        for r in rules:
            self.user_rules.append(r if isinstance(r, ContextRuleSpec) else ContextRuleSpec.from_dict(r))
        self._compile()

    def _compile(self) -> None:
        from spacy.matcher import Matcher, PhraseMatcher

        vocab = self.nlp.vocab
        self._phrase = PhraseMatcher(vocab, attr="LOWER")
        self._matcher = Matcher(vocab)
        self._regex: list[tuple[re.Pattern, int, tuple[str, ...]]] = []
        self._token_rx: list[tuple[re.Pattern, frozenset[str] | None, int]] = []
        self._first_map: dict[str, list[tuple[re.Pattern, int]]] = {}
        self._scan_rx: list[tuple[re.Pattern, int]] = []
        self._scan_first: dict[str, list[int]] = {}  # a word that can start a match -> scan_rx indices
        self._rule_of: dict[int, ContextRuleSpec] = {}
        self._has_phrase = self._has_token = False
        for i, rule in enumerate(self.rules):
            key = f"clinlabel_ctx_{i}"
            h = vocab.strings.add(key)
            self._rule_of[h] = rule
            if rule.pattern is None:
                self._phrase.add(key, [self.nlp.make_doc(rule.literal.lower())])
                self._has_phrase = True
            elif isinstance(rule.pattern, str):
                # metadata.requires: lower-case strings one of which must be in the sentence for the
                # regex to be tried at all (a cheap prefilter; regexes are the costly rules)
                requires = tuple(str(x).lower() for x in (rule.metadata or {}).get("requires") or ())
                self._regex.append((re.compile(rule.pattern, re.IGNORECASE), h, requires))
            else:
                compiled = _compile_token_pattern(rule.pattern, doc_stream=True)
                if compiled is None:  # attributes beyond LOWER/ORTH/TEXT: spaCy's Matcher
                    self._matcher.add(key, [rule.pattern])
                    self._has_token = True
                else:
                    rx, first = compiled
                    crx = re.compile(rx)
                    self._token_rx.append((crx, first, h))
                    if first is None:
                        self._scan_rx.append((crx, h))
                        starts = _start_values(rule.pattern)
                        if starts is not None and all(v and v.isascii() and _SEP not in v and _SENT not in v
                                                      for v in starts):
                            # an optional first token: tried only where one of the words that can
                            # start a match stands (in an ASCII text, see _token_matches)
                            for value in starts:
                                self._scan_first.setdefault(value, []).append(len(self._scan_rx) - 1)
                    else:
                        for value in first:
                            self._first_map.setdefault(value, []).append((crx, h))
        self._order = {h: i for i, h in enumerate(self._rule_of)}
        # the tokens that start a token pattern, found with one regex over the lower-case stream
        keys = sorted(set(self._first_map) | set(self._scan_first), key=lambda k: (-len(k), k))
        self._first_rx = None
        # one stream for many sentences, unless a pattern itself holds a separator
        self._one_stream = not any(_holds_separator(r.pattern) for r in self.rules if isinstance(r.pattern, list))
        if keys and all(k and _SEP not in k and _SENT not in k for k in keys):
            self._first_rx = re.compile(f"(?<![^{_SEP}{_SENT}])(?:{'|'.join(re.escape(k) for k in keys)})(?={_SEP})")
        else:
            self._scan_first = {}  # no start-word regex: every scan pattern scans
        self._scan_indexed = frozenset(j for lst in self._scan_first.values() for j in lst)
        self._legacy: tuple | None = None  # the one-sentence-stream regexes, compiled when needed
        # string regexes whose prefilter can be checked once on the whole note (ASCII strings)
        self._doc_requires = [all(r.isascii() for r in requires) for _, _, requires in self._regex]

    # -- the algorithm -------------------------------------------------------------------------
    def find_modifiers(self, doc: Doc | Span) -> list[tuple[int, int, ContextRuleSpec]]:
        """Triggers in ``doc`` (a Doc or a Span of one) as (start, end, rule) Doc token offsets,
        overlaps pruned to the longest."""
        if isinstance(doc, Span):
            d = doc.doc
            ranges = [(doc.start, doc.end, doc.start_char, doc.end_char)]
        else:
            d = doc
            ranges = [(0, len(doc), 0, None)]
        return self._triggers(d, ranges)[0]

    def _triggers(self, d: Doc, ranges: list[tuple[int, int, int, int | None]]
                  ) -> list[list[tuple[int, int, ContextRuleSpec]]]:
        """:meth:`find_modifiers` for several token ranges of one Doc at once (the sentences that
        hold a target), each as if it were searched alone: ``(start, end, start_char, end_char)``
        with ``end_char`` None for the whole Doc's text.  The phrase matcher runs once over the
        Doc, the token patterns once over one stream of the ranges' tokens, each string regex
        only on the notes that hold one of the strings it requires."""
        matches: list[list[tuple[int, int, int]]] = [[] for _ in ranges]
        firsts = [r[0] for r in ranges]
        if self._has_phrase and len(d):
            if len(ranges) == 1 and ranges[0][1] - ranges[0][0] < len(d):
                found = self._phrase(d[ranges[0][0]:ranges[0][1]])
            else:
                found = self._phrase(d)
            for m in found:  # Doc offsets; a match belongs to the range it lies in
                k = bisect.bisect_right(firsts, m[1]) - 1
                if k >= 0 and m[2] <= ranges[k][1]:
                    matches[k].append(m)
        if self._has_token:  # spaCy's Matcher gives Span-relative offsets
            for k, (a, b, _, _) in enumerate(ranges):
                matches[k].extend((h, s + a, e + a) for h, s, e in self._matcher(d[a:b]))
        if self._token_rx:
            for m in self._token_matches(d, [(a, b) for a, b, _, _ in ranges]):
                k = bisect.bisect_right(firsts, m[1]) - 1
                matches[k].append(m)
        if self._regex:
            text = doc_text(d)
            doc_lower = text.lower()
            # a regex none of whose (ASCII) required strings is in the note is skipped for all its
            # sentences: a string absent from the note's lower case is absent from each sentence's
            regexes = [(rx, h, requires) for (rx, h, requires), ascii_only in zip(self._regex, self._doc_requires)
                       if not (requires and ascii_only and not any(r in doc_lower for r in requires))]
            for k, (a, b, cs, ce) in enumerate(ranges):
                if ce is None:
                    part, base = text, 0
                else:
                    part, base = text[cs:ce], cs
                lower = part.lower()
                for rx, h, requires in regexes:
                    if requires and not any(r in lower for r in requires):
                        continue
                    for m in rx.finditer(part):
                        sp = d.char_span(base + m.start(), base + m.end(), alignment_mode="expand")
                        if sp is not None and len(sp):
                            matches[k].append((h, sp.start, sp.end))
        # HISTORICAL triggers are pruned among themselves only: time is orthogonal to the other
        # categories, so "no history of" negates and dates at once (ranges never overlap, so one
        # pair of masks serves them all)
        taken = {False: bytearray(len(d) + 1), True: bytearray(len(d) + 1)}
        return [self._prune(found, taken) for found in matches]

    def _prune(self, matches: list[tuple[int, int, int]], taken: dict[bool, bytearray]
               ) -> list[tuple[int, int, ContextRuleSpec]]:
        """Overlapping triggers pruned to the longest, in token order."""
        # longest first; among equal spans the later-added rule (clinlabel / user) wins
        order = self._order
        matches.sort(key=lambda m: (-(m[2] - m[1]), m[1], -order[m[0]]))
        kept: list[tuple[int, int, ContextRuleSpec]] = []
        for h, s, e in matches:
            rule = self._rule_of[h]
            if rule.direction == "TERMINATE":
                # terminators never hide a trigger (or each other): "denies" both negates and ends a
                # relative's scope
                kept.append((s, e, rule))
                continue
            group = taken[rule.category == "HISTORICAL"]
            if any(group[s:e]):
                continue
            group[s:e] = b"\x01" * (e - s)
            kept.append((s, e, rule))
        kept.sort(key=lambda k: k[0])
        return kept

    def _match_token_patterns(self, doc: Doc | Span) -> list[tuple[int, int, int]]:
        """Token-pattern triggers of a Doc or Span, Doc token offsets (see :meth:`_token_matches`)."""
        if isinstance(doc, Span):
            return self._token_matches(doc.doc, [(doc.start, doc.end)])
        return self._token_matches(doc, [(0, len(doc))])

    def _token_matches(self, d: Doc, ranges: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
        """Token patterns as regexes over the token texts joined by ``\\x01`` (much faster than
        spaCy's ``Matcher`` with ``IN`` predicates), the ranges' streams joined by ``\\x02``, which
        no pattern crosses; a pattern whose first token has fixed values is only tried where one
        of those values occurs (found with one regex over the lower-case stream)."""
        texts = _token_texts(d)
        pieces = [_SEP.join(texts[a:b]) + _SEP for a, b in ranges]
        stream = _SENT.join(pieces)
        lower = stream.lower()
        n_tokens = sum(b - a for a, b in ranges)
        if not self._one_stream or (self._first_rx is None and self._first_map) or len(lower) != len(stream) \
                or stream.count(_SEP) != n_tokens or stream.count(_SENT) != len(pieces) - 1:
            # a token holding a separator, or a text whose lower case has another length: each
            # range on its own, as the patterns were first written
            out: list[tuple[int, int, int]] = []
            for (a, b), piece in zip(ranges, pieces):
                out.extend(self._legacy_matches(piece, texts[a:b], a))
            return out
        starts: list[int] = []
        ids: list[int] = []
        base = 0
        for (a, b), piece in zip(ranges, pieces):
            starts.extend(accumulate((len(w) + 1 for w in texts[a:b - 1]), initial=base) if b > a else ())
            ids.extend(range(a, b))
            base += len(piece) + 1
        out = []
        sep = _SEP
        scan = self._scan_rx
        # in an ASCII text a token matches a word of a pattern (IGNORECASE) exactly when its lower
        # case is that word, so a scan pattern whose first token is optional is tried only where a
        # word that can start it stands, skipping what its last match covered (as finditer does)
        indexed = self._scan_indexed if stream.isascii() else frozenset()
        scan_found: list[list[tuple[int, int, int]]] = [[] for _ in scan]
        scan_end = [0] * len(scan)
        if self._first_rx is not None:
            first_map = self._first_map
            scan_first = self._scan_first if indexed else {}
            for cm in self._first_rx.finditer(lower):
                p = cm.start()
                key = cm.group(0)
                i = ids[bisect.bisect_left(starts, p)]
                for rx, h in first_map.get(key, ()):
                    m = rx.match(stream, p)
                    if m is not None and m.end() > m.start():
                        out.append((h, i, i + m.group(0).count(sep)))
                for j in scan_first.get(key, ()):
                    if p < scan_end[j]:
                        continue
                    rx, h = scan[j]
                    m = rx.match(stream, p)
                    if m is not None and m.end() > m.start():
                        scan_found[j].append((h, i, i + m.group(0).count(sep)))
                        scan_end[j] = m.end()
        for j, (rx, h) in enumerate(scan):
            if j in indexed:
                out.extend(scan_found[j])
                continue
            for m in rx.finditer(stream):
                if m.end() > m.start():
                    i = ids[bisect.bisect_left(starts, m.start())]
                    out.append((h, i, i + m.group(0).count(sep)))
        return out

    def _legacy_matches(self, stream: str, texts: list[str], offset: int) -> list[tuple[int, int, int]]:
        """One range's token-pattern matches with the patterns compiled for a one-range stream (for
        the rare text whose tokens hold ``\\x01``/``\\x02``)."""
        if self._legacy is None:
            first_map: dict[str, list[tuple[re.Pattern, int]]] = {}
            scan: list[tuple[re.Pattern, int]] = []
            for rx, first, h in self._token_rx:
                rule = self._rule_of[h]
                crx = re.compile(_compile_token_pattern(rule.pattern)[0])
                if first is None:
                    scan.append((crx, h))
                else:
                    for value in first:
                        first_map.setdefault(value, []).append((crx, h))
            self._legacy = (first_map, scan)
        first_map, scan = self._legacy
        starts = [0, *accumulate(len(w) + 1 for w in texts)]
        out: list[tuple[int, int, int]] = []
        sep = _SEP
        for i, w in enumerate(stream.lower().split(sep)):
            cands = first_map.get(w)
            if cands is None:
                continue
            for rx, h in cands:
                m = rx.match(stream, starts[i])
                if m is not None and m.end() > m.start():
                    out.append((h, i + offset, i + offset + m.group(0).count(sep)))
        for rx, h in scan:
            for m in rx.finditer(stream):
                if m.end() > m.start():
                    i = bisect.bisect_left(starts, m.start())
                    out.append((h, i + offset, i + offset + m.group(0).count(sep)))
        return out

    def __call__(self, doc: Doc) -> Doc:
        targets = [t for t in doc.spans[self.span_key] if t.label_ not in self.skip_labels] \
            if self.span_key in doc.spans else []
        if not targets:
            return doc
        register_extensions()  # assertions are written straight to the extensions' storage
        n = len(doc)
        ss = doc.to_array(SENT_START).astype("int64")
        starts = numpy.flatnonzero(ss == 1)
        if not len(starts) or starts[0] != 0:
            starts = numpy.concatenate([[0], starts]).astype("int64")
        bounds = list(starts) + [n]
        tinfo = [(t.start, t.end, t.label_) for t in targets]
        # triggers are only looked for in the sentences that hold a target (all at once)
        tsent = numpy.searchsorted(starts, [t[0] for t in tinfo], side="right") - 1
        ranges = []
        for si in sorted(set(tsent.tolist())):
            if si >= 0:
                a, b = int(bounds[si]), int(bounds[si + 1])
                last = doc[b - 1]
                ranges.append((a, b, doc[a].idx, last.idx + len(last)))
        mods = [m for found in self._triggers(doc, ranges) for m in found]
        if mods and "section_headers" in doc.spans and len(doc.spans["section_headers"]):
            # words of a heading ("FAMILY HISTORY:", "PAST MEDICAL HISTORY:") are not triggers;
            # the section itself carries that meaning (see use_sections)
            heads = [(h.start, h.end) for h in doc.spans["section_headers"]]
            mods = [m for m in mods if not any(hs < m[1] and m[0] < he for hs, he in heads)]
        if mods:
            # words inside a target are part of the concept, not context ("no free air": "free");
            # a target that is nothing but the trigger ("history" labelled Observation) is context
            tspans = sorted((t[0], t[1]) for t in tinfo)
            mods = [m for m in mods if not _overlaps_any(m[0], m[1], tspans, exempt_covered=True)]
        by_sent: dict[int, list[_Modifier]] = {}
        if mods:
            sent_idx = numpy.searchsorted(starts, [m[0] for m in mods], side="right") - 1
            for (s, e, rule), si in zip(mods, sent_idx):
                si = int(si)
                mod = _Modifier(s, e, rule, si)
                self._set_scope(mod, bounds[si], bounds[si + 1])
                by_sent.setdefault(si, []).append(mod)
            for group in by_sent.values():
                self._limit_scopes(group)
        tstarts = tsent
        edges: dict[int, list[tuple[int, _Modifier]]] = {}
        for ti, ((t_start, t_end, t_label), si) in enumerate(zip(tinfo, tstarts)):
            for mod in by_sent.get(int(si), ()):
                if mod.rule.direction in ("TERMINATE", "PSEUDO"):
                    continue
                if mod.start < t_end and t_start < mod.end:  # trigger inside the target
                    continue
                if not (mod.scope_start < t_end and t_start < mod.scope_end):
                    continue
                if not mod.rule.allows(t_label):
                    continue
                edges.setdefault(id(mod), []).append((ti, mod))
        sections = self._target_sections(doc, targets) if self.use_sections else [None] * len(targets)
        result: list[dict[str, Any]] = [dict() for _ in targets]
        for lst in edges.values():
            mod = lst[0][1]
            if mod.rule.max_targets is not None and len(lst) > mod.rule.max_targets:
                def dist(item: tuple[int, _Modifier]) -> int:
                    t_start, t_end, _ = tinfo[item[0]]
                    return min(abs(mod.start - t_end), abs(t_start - mod.end))

                lst = sorted(lst, key=dist)[: mod.rule.max_targets]
            attr = CATEGORY_ATTRIBUTES.get(mod.rule.category)
            if attr is None:
                continue
            trig = doc[mod.start: mod.end]
            for ti, _ in lst:
                result[ti].setdefault(attr, {
                    "attribute": attr, "trigger": trig.text, "start": trig.start_char, "end": trig.end_char,
                })
        text = doc_text(doc)
        if self.indication_current:
            heads = sorted((h.start_char, h.end_char) for h in doc.spans["section_headers"]) \
                if "section_headers" in doc.spans else []
            for ti, target in enumerate(targets):
                hist = result[ti].get("historical")
                if hist is None or "start" not in hist or not _HISTORY_OF.match(hist["trigger"]):
                    continue
                if sections[ti] in INDICATION_SECTIONS:
                    del result[ti]["historical"]
                    continue
                sent_start = doc[bounds[int(tstarts[ti])]].idx if int(tstarts[ti]) >= 0 else 0
                before = text[sent_start:hist["start"]]
                k = bisect.bisect_right(heads, (target.start_char, target.start_char)) - 1
                if k >= 0 and sections[ti] is not None:  # the heading of the target's section
                    before = text[heads[k][0]:heads[k][1]] + " " + before
                if INDICATION_RE.search(before):
                    del result[ti]["historical"]
        if self.habits_historical:
            for ti, target in enumerate(targets):
                if "historical" not in result[ti] and HABIT_RE.match(text[target.start_char:target.end_char].strip()):
                    result[ti]["historical"] = {"attribute": "historical", "rule": "habit"}
        if self.alternatives_uncertain and len(targets) > 1:
            for ti in self._alternatives(doc, tinfo, tstarts, result):
                result[ti].setdefault("uncertain", {"attribute": "uncertain", "rule": "alternatives"})
        for target, found, section in zip(targets, result, sections):
            evidence: list[dict[str, Any]] = []
            values = dict.fromkeys(ATTRIBUTES, False)
            for attr in ATTRIBUTES:
                if attr in found:
                    values[attr] = True
                    evidence.append(found[attr])
            if section:
                attr = SECTION_ASSERTIONS.get(section)
                if attr is not None and not values[attr]:
                    values[attr] = True
                    evidence.append({"attribute": attr, "section": section})
            values["assertion_evidence"] = evidence
            set_span_values(target, values)
        return doc

    @staticmethod
    def _alternatives(doc: Doc, targets: list[tuple[int, int, str]], sents, result: list[dict[str, Any]]) -> set[int]:
        """Targets (``(start, end, label)``) of one label, in one sentence, chained only by
        commas/articles and at least one "or" / "versus": a differential, so each member is
        uncertain.  A negated chain ("no fever or chills") is a negation list and is left alone."""
        order = sorted(range(len(targets)), key=lambda i: (targets[i][0], -targets[i][1]))
        out: set[int] = set()
        chain: list[int] = []
        has_alt = False

        def close() -> None:
            if len(chain) > 1 and has_alt and not any("negated" in result[i] for i in chain):
                out.update(chain)

        prev = None
        for i in order:
            t_start, _, t_label = targets[i]
            if prev is not None:
                _, p_end, p_label = targets[prev]
                linked = False
                if sents[i] == sents[prev] and p_label == t_label and 0 < t_start - p_end <= 4:
                    words = {doc[k].lower_ for k in range(p_end, t_start)}
                    linked = words <= _ALT_FILLER
                if linked:
                    chain.append(i)
                    has_alt = has_alt or bool(words & _ALT_WORDS)
                    prev = i
                    continue
                close()
            chain, has_alt, prev = [i], False, i
        close()
        return out

    @staticmethod
    def _target_sections(doc: Doc, targets: list[Span]) -> list[str | None]:
        """Each target's section: from ``doc.spans["sections"]`` (so targets found after the
        sectionizer ran get theirs too, and ``span._.section`` is filled in), else ``span._.section``."""
        group = doc.spans["sections"] if "sections" in doc.spans else None
        if group is None or not len(group):
            return [span_value(target, "section") for target in targets]
        bounds = [(s.start_char, s.end_char, s.label_) for s in group]
        starts = [b[0] for b in bounds]
        out = []
        for target in targets:
            section = section_of(target.start_char, bounds, starts)
            current = span_value(target, "section")
            if section is not None and current is None:
                set_span_values(target, {"section": section})
                current = section
            out.append(section if section is not None else current)
        return out

    @staticmethod
    def _set_scope(mod: _Modifier, sent_start: int, sent_end: int) -> None:
        d = mod.rule.direction
        ms = mod.rule.max_scope
        if d == "FORWARD":
            mod.scope_start, mod.scope_end = mod.end, sent_end
            if ms is not None and mod.scope_end - mod.scope_start > ms:
                mod.scope_end = mod.end + ms
        elif d == "BACKWARD":
            mod.scope_start, mod.scope_end = sent_start, mod.start
            if ms is not None and mod.scope_end - mod.scope_start > ms:
                mod.scope_start = mod.start - ms
        else:
            mod.scope_start, mod.scope_end = sent_start, sent_end
            if ms is not None:
                mod.scope_start = max(sent_start, mod.start - ms)
                mod.scope_end = min(sent_end, mod.end + ms)

    @staticmethod
    def _limit_scopes(group: list[_Modifier]) -> None:
        """medSpaCy's ``limit_scope`` for every ordered pair of triggers in one sentence."""
        for a in group:
            if a.rule.direction in ("TERMINATE", "PSEUDO"):
                continue
            for b in group:
                if b is a or b.rule.direction == "PSEUDO":
                    continue
                if b.rule.direction == "TERMINATE":
                    t = b.rule.terminates
                    if t is not None and a.rule.category not in t:
                        continue
                elif b.rule.category != a.rule.category:
                    continue
                elif a.rule.allowed_types != b.rule.allowed_types or a.rule.excluded_types != b.rule.excluded_types:
                    continue
                if a.rule.direction in ("FORWARD", "BIDIRECTIONAL") and b.start > a.start:
                    a.scope_end = min(a.scope_end, b.start)
                if a.rule.direction in ("BACKWARD", "BIDIRECTIONAL") and b.end < a.end:
                    a.scope_start = max(a.scope_start, b.end)

    # -- serialisation -------------------------------------------------------------------------
    def to_disk(self, path: Any, *, exclude: Any = ()) -> None:
        p = Path(path)
        p.mkdir(parents=True, exist_ok=True)
        data = {"context_rules": [r.to_dict() for r in self.user_rules]}
        (p / "user_context_rules.json").write_text(json.dumps(data, indent=1), encoding="utf-8")

    def from_disk(self, path: Any, *, exclude: Any = ()) -> "ClinicalContext":
        f = Path(path) / "user_context_rules.json"
        if f.is_file():
            self.user_rules = [ContextRuleSpec.from_dict(d, "user", f)
                               for d in load_rule_file(f, "context_rules", _CONTEXT_KEYS, "ConText")]
            self._compile()
        return self


_SEP = "\x01"
#: between the token streams of two sentences searched at once (see ``_token_matches``)
_SENT = "\x02"
_ANY_TOKEN = "[^\x01]*\x01"
_ANY_TOKEN_DOC = "[^\x01\x02]*\x01"


def _holds_separator(value: Any) -> bool:
    """Does a token pattern hold ``\\x01`` or ``\\x02`` in one of its strings?"""
    if isinstance(value, str):
        return _SEP in value or _SENT in value
    if isinstance(value, dict):
        return any(_holds_separator(k) or _holds_separator(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_holds_separator(v) for v in value)
    return False


def _token_texts(doc: Doc) -> list[str]:
    """The text of every token of ``doc`` (one array read, no Token objects)."""
    if not len(doc):
        return []
    strings = doc.vocab.strings
    return [strings[o] for o in doc.to_array(ORTH).tolist()]


def _alternatives(values: list[str], lower: bool) -> str:
    alts = "|".join(re.escape(str(v)) for v in sorted(values, key=lambda v: -len(str(v))))
    return f"(?i:{alts})" if lower else f"(?:{alts})"


def _compile_token_pattern(pattern: list[dict[str, Any]], *, doc_stream: bool = False
                           ) -> tuple[str, frozenset[str] | None] | None:
    """A spaCy token pattern using only LOWER / ORTH / TEXT (str, IN, NOT_IN) and OP as a regex over
    ``\\x01``-joined token texts, plus the lower-cased values the first token must have (None if
    it is unconstrained or optional).  None if the pattern uses anything else.  With ``doc_stream``
    the regex also starts after, and never runs over, the ``\\x02`` between two sentences' streams."""
    any_token = _ANY_TOKEN_DOC if doc_stream else _ANY_TOKEN
    parts: list[str] = []
    first: frozenset[str] | None = None
    for k, spec in enumerate(pattern):
        if not isinstance(spec, dict):
            return None
        op = spec.get("OP")
        attrs = {a: v for a, v in spec.items() if a != "OP"}
        if op not in (None, "?", "*", "+", "1"):
            return None
        if not attrs:
            body = any_token
            values = None
        else:
            if len(attrs) != 1:
                return None
            (attr, value), = attrs.items()
            attr = attr.upper()
            if attr not in ("LOWER", "ORTH", "TEXT"):
                return None
            lower = attr == "LOWER"
            if isinstance(value, str):
                values = [value]
                body = _alternatives(values, lower) + _SEP
            elif isinstance(value, dict) and set(value) == {"IN"} and isinstance(value["IN"], list) and value["IN"]:
                values = [str(v) for v in value["IN"]]
                body = _alternatives(values, lower) + _SEP
            elif isinstance(value, dict) and set(value) == {"NOT_IN"} and isinstance(value["NOT_IN"], list):
                values = None
                body = f"(?!{_alternatives([str(v) for v in value['NOT_IN']], lower)}{_SEP}){any_token}"
            else:
                return None
        group = f"(?:{body})"
        parts.append(group + {None: "", "1": "", "?": "?", "*": "*", "+": "+"}[op])
        if k == 0:
            first = frozenset(v.lower() for v in values) if values is not None and op in (None, "1", "+") else None
    if not parts:
        return None
    start = "(?<![^\x01\x02])" if doc_stream else "(?:(?<=\x01)|^)"
    return start + "".join(parts), first


def _start_values(pattern: list[dict[str, Any]]) -> frozenset[str] | None:
    """The lower-cased words a match of a (compilable) token pattern can start with: the values of
    its tokens up to and including the first required one; None if one of those takes any word
    (no attribute, ``NOT_IN``) or every token is optional."""
    out: set[str] = set()
    for spec in pattern:
        attrs = [v for a, v in spec.items() if a != "OP"]
        if len(attrs) != 1:
            return None
        value = attrs[0]
        if isinstance(value, str):
            out.add(value.lower())
        elif isinstance(value, dict) and set(value) == {"IN"}:
            out.update(str(v).lower() for v in value["IN"])
        else:
            return None
        if spec.get("OP") in (None, "1", "+"):
            return frozenset(out)
    return None


def _overlaps_any(start: int, end: int, spans: list[tuple[int, int]], *, exempt_covered: bool = False) -> bool:
    """Does ``[start, end)`` overlap one of ``spans`` (sorted)?  With ``exempt_covered`` a span the
    range covers entirely does not count."""
    import bisect

    i = bisect.bisect_left(spans, (end, end))
    while i > 0:
        i -= 1
        s, e = spans[i]
        if s < end and start < e and not (exempt_covered and start <= s and e <= end):
            return True
        if e <= start and s < start - 200:  # spans are sorted by start; far enough back
            break
    return False


@Language.factory(
    "clinlabel_context",
    default_config={"rules": None, "span_key": "clinlabel", "use_sections": True, "habits_historical": True,
                    "alternatives_uncertain": True, "indication_current": True, "skip_labels": ["Temporal", "Value"]},
)
def make_context(nlp: Language, name: str, rules: str | None, span_key: str, use_sections: bool,
                 habits_historical: bool, alternatives_uncertain: bool, indication_current: bool,
                 skip_labels: list[str]) -> ClinicalContext:
    """Create the ConText component; ``rules`` is a medSpaCy ConTextRule JSON added to the defaults."""
    return ClinicalContext(nlp, name, rules=rules, span_key=span_key, use_sections=use_sections,
                           habits_historical=habits_historical, alternatives_uncertain=alternatives_uncertain,
                           indication_current=indication_current, skip_labels=skip_labels)
