"""Section detection for clinical notes (factory ``clinlabel_sections``).

Rules are read in medSpaCy's section rule format (``{"section_rules": [{"literal", "category",
"pattern"?, "parents"?, "parent_required"?, "max_scope"?, "metadata"?}]}``), so a rule file
written for medSpaCy's ``Sectionizer`` loads unchanged.  The defaults are medSpaCy 1.3.1's own
catalogue (``resources/medspacy_section_rules.json``) plus clinlabel's additions
(``resources/clinlabel_section_rules.json``); a user file given as ``rules`` is added on top
and wins where two rules match the same heading.

Unlike medSpaCy, a rule only matches where a heading can be: at the start of the text or a line,
after sentence punctuation, or after MTSamples' ``.,HEADING:`` artefact, and followed by a colon
or a line break (unless the literal itself ends with a colon).  "consult" in "we will consult
cardiology" is therefore not a section header.  Matching is one compiled regular expression over
the text (literals, case-insensitive, any whitespace between words); ``pattern`` rules use a
regular expression (string) or spaCy's ``Matcher`` (token pattern list), as in medSpaCy.

Output: ``doc.spans["sections"]`` (one span per section, header included, label = category),
``doc.spans["section_headers"]`` (the headers alone), and ``span._.section`` on every span of
``doc.spans[span_key]``.
"""

import bisect
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

from spacy.language import Language

from corpora.doc import doc_text
from spacy.tokens import Doc, Span

from corpora.errors import CTX_RULES_INVALID, CTX_RULES_NOT_FOUND, ContextError

__all__ = [
    "SECTION_ASSERTIONS",
    "SectionRuleSpec",
    "Sectionizer",
    "default_section_rules",
    "load_rule_file",
    "make_sectionizer",
    "section_of",
]

#: Section categories whose content gets an assertion from the section alone (used by ConText).
SECTION_ASSERTIONS: dict[str, str] = {
    "family_history": "family",
    "past_medical_history": "historical",
    "past_surgical_history": "historical",
    "social_history": "historical",
    "allergies": "historical",
    "allergy": "historical",
    "patient_instructions": "hypothetical",
    "return_precautions": "hypothetical",
    "rule_out": "hypothetical",
}

SECTIONS_KEY = "sections"
HEADERS_KEY = "section_headers"
_SECTION_KEYS = {"literal", "pattern", "category", "metadata", "parents", "parent_required", "max_scope"}
#: An unknown all-caps heading of two or more words ("MISCELLANEOUS/EATING HISTORY:") ends a
#: section that drives assertions, so "family" does not leak past the end of the family history;
#: one-word labels ("TOBACCO:", "HEENT:") are sub-headings and do not.
_UNKNOWN_HEADING = re.compile(r"(?<![A-Za-z0-9])[A-Z][A-Z0-9&()'\-]*(?:[ /][A-Z0-9&()'\-]+)+[ \t]*:")


def _rule_error(code: str, what: str, fix: str, file: Any = None, line: int | None = None) -> ContextError:
    return ContextError(what, fix, file=file, line=line, code=code)


def load_rule_file(path: str | Path, key: str, allowed: set[str], kind: str) -> list[dict[str, Any]]:
    """Read the rule dicts under ``key`` of a medSpaCy rule JSON file, validated.

    Raises :class:`ContextError` (``CL-CTX001`` missing file, ``CL-CTX002`` bad content) with the
    file, the line where known, and the fix.
    """
    p = Path(path)
    if not p.is_file():
        raise _rule_error(
            CTX_RULES_NOT_FOUND,
            f"{kind} rule file {str(p)!r} does not exist",
            f"pass the path of a JSON file with a {key!r} list (medSpaCy's format)",
            file=p,
        )
    text = p.read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _rule_error(
            CTX_RULES_INVALID, f"invalid JSON ({exc.msg})", "fix the JSON syntax at this position", file=p, line=exc.lineno
        ) from exc
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise _rule_error(
            CTX_RULES_INVALID,
            f"expected a JSON object with a {key!r} list, got {type(data).__name__}"
            + (f" with keys {sorted(data)}" if isinstance(data, dict) else ""),
            f'wrap the rules as {{"{key}": [...]}} (medSpaCy\'s format)',
            file=p,
        )
    rules = data[key]
    for i, rule in enumerate(rules):
        line = _line_of_item(text, key, i)
        if not isinstance(rule, dict):
            raise _rule_error(CTX_RULES_INVALID, f"rule #{i + 1} is {type(rule).__name__}, not an object",
                              "write each rule as a JSON object", file=p, line=line)
        bad = sorted(set(rule) - allowed)
        if bad:
            raise _rule_error(CTX_RULES_INVALID, f"rule #{i + 1} has unknown key(s) {bad}",
                              f"use only {sorted(allowed)}", file=p, line=line)
        for req in ("literal", "category"):
            if not isinstance(rule.get(req), str) or not rule.get(req):
                raise _rule_error(CTX_RULES_INVALID, f"rule #{i + 1} has no {req!r} string",
                                  f"give every rule a non-empty {req!r}", file=p, line=line)
        pat = rule.get("pattern")
        if pat is not None and not isinstance(pat, (str, list)):
            raise _rule_error(CTX_RULES_INVALID, f"rule #{i + 1} ({rule['literal']!r}) has a pattern of type "
                              f"{type(pat).__name__}", "use a regex string or a list of token dicts", file=p, line=line)
        if isinstance(pat, str):
            try:
                re.compile(pat)
            except re.error as exc:
                raise _rule_error(CTX_RULES_INVALID, f"rule #{i + 1} ({rule['literal']!r}) has an invalid regex "
                                  f"{pat!r}: {exc}", "fix the regular expression", file=p, line=line) from exc
    return rules


def _line_of_item(text: str, key: str, index: int) -> int | None:
    """Best-effort line number of the ``index``-th rule object (counting ``"literal"`` keys)."""
    pos = text.find(f'"{key}"')
    if pos < 0:
        return None
    for _ in range(index + 1):
        nxt = text.find('"literal"', pos + 1)
        if nxt < 0:
            return None
        pos = nxt
    return text.count("\n", 0, pos) + 1


def _resource(name: str) -> Path:
    return Path(str(resources.files("nlp_pipeline.resources").joinpath(name)))


@dataclass
class SectionRuleSpec:
    literal: str
    category: str
    pattern: Any = None
    parents: list[str] | None = None
    parent_required: bool = False
    max_scope: int | None = None
    metadata: dict | None = None
    priority: int = 0  # higher wins when two rules match the same text

    @classmethod
    def from_dict(cls, d: dict[str, Any], priority: int = 0) -> "SectionRuleSpec":
        return cls(
            literal=d["literal"], category=d["category"], pattern=d.get("pattern"), parents=d.get("parents"),
            parent_required=bool(d.get("parent_required", False)), max_scope=d.get("max_scope"),
            metadata=d.get("metadata"), priority=priority,
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"literal": self.literal, "category": self.category}
        for k in ("pattern", "parents", "max_scope", "metadata"):
            if getattr(self, k) is not None:
                out[k] = getattr(self, k)
        if self.parent_required:
            out["parent_required"] = True
        return out


def default_section_rules() -> list[SectionRuleSpec]:
    """medSpaCy's section catalogue (priority 0) plus clinlabel's additions (priority 1)."""
    out = [SectionRuleSpec.from_dict(d, 0) for d in load_rule_file(
        _resource("medspacy_section_rules.json"), "section_rules", _SECTION_KEYS, "section")]
    out += [SectionRuleSpec.from_dict(d, 1) for d in load_rule_file(
        _resource("clinlabel_section_rules.json"), "section_rules", _SECTION_KEYS, "section")]
    return out


_FIRST_WORD = re.compile(r"[a-z0-9]+")
# A place where a heading can start (start of text/line, after punctuation) and its first word.
_CANDIDATE = re.compile(r"(?:^|(?<=[\n\r.!?;:,]))[ \t]*(?P<w>[A-Za-z0-9]+)")


def _literal_regex(literal: str) -> str:
    words = literal.strip().split()
    body = r"\s+".join(re.escape(w) for w in words)
    head = r"(?<![A-Za-z0-9])" if literal.strip()[:1].isalnum() else ""
    tail = r"(?![A-Za-z0-9])" if literal.strip()[-1:].isalnum() else ""
    return head + body + tail


def _heading_position(text: str, start: int) -> bool:
    j = start - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    return j < 0 or text[j] in "\n\r.!?;:," or (text[j] == "-" and j > 0 and text[j - 1] in " \n")


def _heading_end(text: str, end: int, literal_has_colon: bool) -> int | None:
    """End of the heading (colon and MTSamples comma included) or None if this is no heading."""
    n = len(text)
    if literal_has_colon:
        j = end
    else:
        j = end
        while j < n and text[j] in " \t":
            j += 1
        if j < n and text[j] == ":":
            j += 1
        elif j >= n or text[j] in "\r\n":
            return j
        else:
            return None
    while j < n and text[j] in " \t,":
        j += 1
    return j


class Sectionizer:
    """spaCy component: finds section headers and assigns sections to target spans."""

    def __init__(self, nlp: Language, name: str = "clinlabel_sections", *, rules: str | None = None,
                 span_key: str = "clinlabel") -> None:
        from corpora.doc import register_extensions

        register_extensions()
        self.nlp = nlp
        self.name = name
        self.span_key = span_key
        self.rules_path = rules
        self.user_rules: list[SectionRuleSpec] = []
        self._base = default_section_rules()
        if rules:
            self.user_rules = [SectionRuleSpec.from_dict(d, 2) for d in load_rule_file(
                rules, "section_rules", _SECTION_KEYS, "section")]
        self._compile()

    # -- rules ---------------------------------------------------------------------------------
    @property
    def rules(self) -> list[SectionRuleSpec]:
        return self._base + self.user_rules

    def add(self, rules: Iterable[dict[str, Any] | SectionRuleSpec]) -> None:
        """Add rules (medSpaCy-format dicts or specs) with user precedence."""
        for r in rules:
            spec = r if isinstance(r, SectionRuleSpec) else SectionRuleSpec.from_dict(r, 2)
            spec.priority = max(spec.priority, 2)
            self.user_rules.append(spec)
        self._compile()

    def _compile(self) -> None:
        literal: dict[str, SectionRuleSpec] = {}
        self._regex_rules: list[tuple[re.Pattern, SectionRuleSpec]] = []
        self._token_rules: list[SectionRuleSpec] = []
        for spec in self.rules:
            if spec.pattern is None:
                key = " ".join(spec.literal.lower().split())
                if key not in literal or literal[key].priority <= spec.priority:
                    literal[key] = spec
            elif isinstance(spec.pattern, str):
                self._regex_rules.append((re.compile(spec.pattern, re.IGNORECASE), spec))
            else:
                self._token_rules.append(spec)
        self._literal = literal
        # bucket literals by their first word: at each possible heading position only the few
        # literals that start with the word found there are tried (one small regex per word)
        buckets: dict[str, list[str]] = {}
        for key in literal:
            m = _FIRST_WORD.match(key)
            buckets.setdefault(m.group(0) if m else "", []).append(key)
        self._buckets = {
            w: re.compile("|".join(_literal_regex(a) for a in sorted(keys, key=len, reverse=True)), re.IGNORECASE)
            for w, keys in buckets.items()
        }
        self._matcher = None
        if self._token_rules:
            from spacy.matcher import Matcher

            self._matcher = Matcher(self.nlp.vocab)
            for i, spec in enumerate(self._token_rules):
                self._matcher.add(f"section_{i}", [spec.pattern])

    # -- matching ------------------------------------------------------------------------------
    def find_headers(self, doc: Doc) -> list[tuple[int, int, SectionRuleSpec]]:
        """(start_char, end_char of the whole heading, rule) for each header, in text order."""
        text = doc_text(doc)
        cands: list[tuple[int, int, int, SectionRuleSpec]] = []  # start, end(match), priority, spec
        buckets = self._buckets
        if buckets:
            for pm in _CANDIDATE.finditer(text):
                pos = pm.start("w")
                rx = buckets.get(pm.group("w").lower())
                m = rx.match(text, pos) if rx is not None else None
                if m is None and "" in buckets:
                    m = buckets[""].match(text, pos)
                if m is None:
                    continue
                spec = self._literal.get(" ".join(m.group(0).lower().split()))
                if spec is not None:
                    cands.append((m.start(), m.end(), spec.priority, spec))
        for rx, spec in self._regex_rules:
            for m in rx.finditer(text):
                if m.end() > m.start():
                    cands.append((m.start(), m.end(), spec.priority, spec))
        if self._matcher is not None:
            for mid, s, e in self._matcher(doc):
                spec = self._token_rules[int(self.nlp.vocab.strings[mid].rsplit("_", 1)[1])]
                cands.append((doc[s].idx, doc[e - 1].idx + len(doc[e - 1]), spec.priority, spec))
        # longest match first, then highest priority; drop overlaps
        cands.sort(key=lambda c: (c[0], -(c[1] - c[0]), -c[2]))
        headers: list[tuple[int, int, SectionRuleSpec]] = []
        last_end = -1
        for start, end, _, spec in cands:
            if start < last_end:
                continue
            if not _heading_position(text, start):
                continue
            hend = _heading_end(text, end, spec.literal.rstrip().endswith(":") or text[end - 1] == ":")
            if hend is None:
                continue
            headers.append((start, hend, spec))
            last_end = hend
        # parents: a rule with parents attaches to the closest preceding header of those categories
        out: list[tuple[int, int, SectionRuleSpec]] = []
        for start, end, spec in headers:
            if spec.parents and spec.parent_required:
                if not any(p.category in spec.parents for _, _, p in out):
                    continue
            out.append((start, end, spec))
        return out

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        headers = self.find_headers(doc)
        # unknown all-caps headings close sections that drive assertions
        if any(spec.category in SECTION_ASSERTIONS for _, _, spec in headers):
            known = {s for s, _, _ in headers}
            extra = []
            for m in _UNKNOWN_HEADING.finditer(text):
                if m.start() not in known and _heading_position(text, m.start()):
                    if not any(s <= m.start() < e for s, e, _ in headers):
                        extra.append((m.start(), _heading_end(text, m.end(), True) or m.end(), None))
            if extra:
                headers = sorted(headers + extra, key=lambda h: h[0])
        sections: list[Span] = []
        header_spans: list[Span] = []
        bounds: list[tuple[int, int, str]] = []
        for i, (start, hend, spec) in enumerate(headers):
            end = headers[i + 1][0] if i + 1 < len(headers) else len(text)
            if spec is None:
                category = "other"
            else:
                category = spec.category
                if spec.max_scope:
                    hspan = doc.char_span(start, hend, alignment_mode="expand")
                    if hspan is not None and hspan.end + spec.max_scope < len(doc):
                        tok = doc[hspan.end + spec.max_scope]
                        end = min(end, tok.idx)
            span = doc.char_span(start, end, label=category, alignment_mode="expand")
            if span is None or not len(span):
                continue
            sections.append(span)
            head = doc.char_span(start, hend, label=category, alignment_mode="expand")
            if head is not None and len(head):
                header_spans.append(head)
            bounds.append((span.start_char, span.end_char, category))
        doc.spans[SECTIONS_KEY] = sections
        doc.spans[HEADERS_KEY] = header_spans
        if self.span_key in doc.spans:
            starts = [b[0] for b in bounds]
            for span in doc.spans[self.span_key]:
                span._.section = section_of(span.start_char, bounds, starts)
        return doc

    # -- serialisation -------------------------------------------------------------------------
    def to_disk(self, path: Any, *, exclude: Any = ()) -> None:
        p = Path(path)
        p.mkdir(parents=True, exist_ok=True)
        data = {"section_rules": [r.to_dict() for r in self.user_rules]}
        (p / "user_section_rules.json").write_text(json.dumps(data, indent=1), encoding="utf-8")

    def from_disk(self, path: Any, *, exclude: Any = ()) -> "Sectionizer":
        f = Path(path) / "user_section_rules.json"
        if f.is_file():
            self.user_rules = [SectionRuleSpec.from_dict(d, 2) for d in load_rule_file(
                f, "section_rules", _SECTION_KEYS, "section")]
            self._compile()
        return self


def section_of(char: int, bounds: list[tuple[int, int, str]], starts: list[int] | None = None) -> str | None:
    """Category of the section containing character ``char`` (``bounds`` sorted by start)."""
    if starts is None:
        starts = [b[0] for b in bounds]
    i = bisect.bisect_right(starts, char) - 1
    if i >= 0 and bounds[i][0] <= char < bounds[i][1]:
        return bounds[i][2]
    return None


@Language.factory(
    "clinlabel_sections",
    default_config={"rules": None, "span_key": "clinlabel"},
)
def make_sectionizer(nlp: Language, name: str, rules: str | None, span_key: str) -> Sectionizer:
    """Create the sectionizer; ``rules`` is a medSpaCy section rule JSON added to the defaults."""
    return Sectionizer(nlp, name, rules=rules, span_key=span_key)
