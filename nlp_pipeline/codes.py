"""ICD-10-CM code suggestion with evidence: the ``clinlabel_codes`` component.

Candidates are the target spans that carry an ICD-10-CM ``code`` (from the ontology matcher or
labelling functions) with their assertions (``clinlabel_context``) and sections
(``clinlabel_sections``).  The coding rules of the ICD-10-CM Official Guidelines that apply to
text are applied in this order:

1. **status** of each mention: ``negated`` > ``family`` > ``historical`` > ``uncertain``
   (uncertain or hypothetical) > ``confirmed``.  Mentions in final sections (assessment, impression,
   diagnoses) decide over mentions elsewhere.  Inpatient (``setting="inpatient"`` or a note's
   ``meta.setting``): uncertain diagnoses are coded as if confirmed (Section II.H / III.C);
   outpatient: never (Section IV.H) — the signs and symptoms in the note are coded instead, which
   the next rules allow by keeping symptoms of unconfirmed diagnoses.
2. **normal findings** are not coded ("normal", "unremarkable", "within normal limits").
3. **specificity**: a non-billable code descends to the child the text supports (laterality,
   acuity, "with ..." qualifiers found in the mention's sentence), else to its unspecified
   child; an unspecified leaf moves to a sibling when the sentence states what the sibling adds.
4. **combination codes** ("with" convention, Section I.A.15 and I.C.9.a): diabetes + CKD ->
   E1x.22; hypertension + heart failure -> I11.0; hypertension + CKD -> I12.x; all three -> I13.x;
   the separate codes they replace are dropped and the "use additional code" ones kept.
5. **integral symptoms** (Section I.B.5): a symptom routinely associated with a confirmed
   diagnosis is dropped (resource ``resources/codes/integral_symptoms.json``).
6. **Excludes1** between two confirmed codes: the lower-scoring one is dropped.

Output: ``doc._.codes`` = list of ``{"code", "system", "description", "status", "score",
"evidence": [{"start", "end", "text", "section"}]}`` ordered by score (confirmed first), and each
candidate span's ``span._.code`` updated to the code chosen for it.
"""


import json
import logging
import re
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any, Iterable

from spacy.language import Language
from spacy.tokens import Doc, Span

from corpora.doc import SPAN_KEY, register_extensions

logger = logging.getLogger(__name__)

SYSTEM = "ICD-10-CM"
STATUSES = ("confirmed", "uncertain", "historical", "family", "negated")
SETTINGS = ("outpatient", "inpatient")
FINAL_SECTIONS = {
    "assessment_and_plan", "assessment", "impression", "diagnoses", "discharge_diagnoses",
    "diagnosis", "final_diagnosis", "problem_list", "admission_diagnoses", "observation_and_plan",
    "plan", "findings",
}
_NORMAL_AFTER = re.compile(
    r"^[\s,]*(?:(?:[a-z]+\s+){0,2}(?:is|are|was|were|appears?|looks?|remains?)\s+(?:[a-z]+\s+)?)?"
    r"(?:normal|unremarkable|within normal limits)\b", re.I)
_NORMAL_BEFORE = re.compile(r"\b(normal|unremarkable)\s+$", re.I)
_STOP = {
    "with", "without", "of", "the", "and", "or", "in", "to", "due", "other", "unspecified", "not",
    "elsewhere", "classified", "specified", "type", "site", "a", "an", "by", "for", "on", "as",
    "nos", "disease", "disorder", "unsp", "condition",
}
_WORD = re.compile(r"[a-z0-9]+")


def _words(text: str) -> set[str]:
    out = set()
    for w in _WORD.findall(text.lower()):
        if w in _STOP:
            continue
        out.add(w[:-1] if len(w) > 4 and w.endswith("s") else w)
    return out


def _flat(code: str) -> str:
    return code.replace(".", "").upper()


@dataclass
class Suggestion:
    code: str
    description: str
    status: str
    score: float
    evidence: list[dict[str, Any]] = field(default_factory=list)
    final: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "system": SYSTEM,
            "description": self.description,
            "status": self.status,
            "score": round(self.score, 4),
            "evidence": self.evidence,
        }


class _CachedOntology:
    """Memoises the few hierarchy lookups code suggestion makes for every mention."""

    def __init__(self, onto) -> None:
        from functools import lru_cache

        self.inner = onto
        for name in ("get", "description", "is_billable", "children", "parents"):
            setattr(self, name, lru_cache(maxsize=65536)(getattr(onto, name)))
        conflict = getattr(onto, "excludes1_conflict", None)
        self.excludes1_conflict = None if conflict is None else lru_cache(maxsize=65536)(conflict)


def load_integral_rules(path: str | None = None) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    if path is None:
        data = json.loads((files("nlp_pipeline.resources") / "codes" / "integral_symptoms.json").read_text("utf-8"))
    else:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    return [(tuple(r["symptoms"]), tuple(r["diagnoses"])) for r in data["rules"]]


def mention_status(span: Span) -> str:
    if span._.negated:
        return "negated"
    if span._.family:
        return "family"
    if span._.historical:
        return "historical"
    if span._.uncertain or span._.hypothetical:
        return "uncertain"
    return "confirmed"


class CodeSuggester:
    """The component; ``ontology`` is anything with the :class:`ontologies.store.Ontology` API."""

    def __init__(self, nlp: Language, name: str = "codes", *, ontology: str = "icd10cm",
                 setting: str = "outpatient", span_key: str = SPAN_KEY, rules: str | None = None,
                 specificity: bool = True) -> None:
        if setting not in SETTINGS:
            raise ValueError(f"setting must be one of {SETTINGS}, got {setting!r}; use outpatient or inpatient")
        register_extensions()
        self.name = name
        self.ontology_name = ontology
        self.setting = setting
        self.span_key = span_key
        self.rules_path = rules
        self.specificity = specificity
        self._onto = None
        self.integral = load_integral_rules(rules)
        self._specific_cache: dict[tuple[str, frozenset], str] = {}

    # -------------------------------------------------------------- ontology access
    @property
    def onto(self):
        if self._onto is None:
            import ontologies

            self.set_ontology(ontologies.load(self.ontology_name))
        return self._onto

    def set_ontology(self, onto) -> None:
        """Use ``onto`` (tests, or a caller that already loaded one); lookups are memoised."""
        self._onto = _CachedOntology(onto)
        self._specific_cache.clear()

    def _desc(self, code: str) -> str:
        return self.onto.description(code) or ""

    # -------------------------------------------------------------- rule 3: specificity
    def _best_child(self, code: str, context: set[str]) -> str | None:
        kids = self.onto.children(code)
        if not kids:
            return None
        parent_words = _words(self._desc(code))
        best, best_score = None, 0.0
        for kid in kids:
            extra = _words(self._desc(kid)) - parent_words
            if not extra:
                continue
            hit = len(extra & context)
            if hit and hit / len(extra) >= 0.5 and hit / len(extra) > best_score:
                best, best_score = kid, hit / len(extra)
        return best

    def _unspecified_child(self, code: str) -> str | None:
        """The child a bare mention of ``code`` means: uncomplicated / unspecified / .9."""
        kids = self.onto.children(code)
        if not kids:
            return None
        parent = self._desc(code).lower()
        descs = {kid: self._desc(kid).lower() for kid in kids}
        for kid in kids:
            if "uncomplicated" in descs[kid] or "without complication" in descs[kid]:
                return kid
        unspecified = sorted((k for k in kids if "unspecified" in descs[k] and not descs[k].startswith("other")),
                             key=lambda k: len(descs[k].split()))
        if unspecified:
            return unspecified[0]
        nines = [k for k in kids if _flat(k).endswith("9")]
        if nines:
            return nines[0]
        plain = [k for k in kids if not descs[k].startswith("other")]
        return (plain or kids)[0]

    def specific_code(self, code: str, context: set[str]) -> str:
        """The most specific code the mention's context supports (billable when possible)."""
        key = (code, frozenset(context))
        cached = self._specific_cache.get(key)
        if cached is not None:
            return cached
        current = code
        desc = self._desc(current).lower()
        parents = self.onto.parents(current)
        # an unspecified leaf may give way to a sibling that the text describes
        if self.specificity and parents and self.onto.is_billable(current) and (
            "unspecified" in desc or _flat(current).endswith("9")
        ):
            sibling = self._best_child(parents[0], context)
            if sibling and sibling != current:
                current = sibling
        for _ in range(5):
            if self.onto.is_billable(current) and not self.onto.children(current):
                break
            nxt = (self._best_child(current, context) if self.specificity else None) or (
                None if self.onto.is_billable(current) else self._unspecified_child(current)
            )
            if nxt is None:
                break
            current = nxt
        self._specific_cache[key] = current
        return current

    # -------------------------------------------------------------- helpers
    @staticmethod
    def _context_words(span: Span) -> set[str]:
        doc = span.doc
        try:
            sent = span.sent
            start, end = sent.start_char, sent.end_char
        except ValueError:  # no sentence boundaries
            start = doc[max(span.start - 8, 0)].idx
            last = doc[min(span.end + 8, len(doc)) - 1]
            end = last.idx + len(last)
        return _words(doc.text[start:end])

    @staticmethod
    def _is_normal_finding(span: Span) -> bool:
        text = span.doc.text
        after = text[span.end_char: span.end_char + 40]
        before = text[max(0, span.start_char - 20): span.start_char]
        return bool(_NORMAL_AFTER.match(after) or _NORMAL_BEFORE.search(before))

    def _setting_of(self, doc: Doc) -> str:
        meta = doc._.meta or {}
        setting = meta.get("setting")
        return setting if setting in SETTINGS else self.setting

    # -------------------------------------------------------------- the component
    def __call__(self, doc: Doc) -> Doc:
        spans = [s for s in doc.spans[self.span_key]] if self.span_key in doc.spans else []
        doc._.codes = [s.to_dict() for s in self.suggest(doc, spans)]
        return doc

    def suggest(self, doc: Doc, spans: Iterable[Span]) -> list[Suggestion]:
        inpatient = self._setting_of(doc) == "inpatient"
        by_code: dict[str, dict[str, Any]] = {}
        for span in spans:
            code = span._.code or (span.kb_id_ if (span._.system in (None, SYSTEM) and span.kb_id_) else None)
            if not code or (span._.system not in (None, SYSTEM)):
                continue
            if self.onto.get(code) is None:
                continue
            if self._is_normal_finding(span):
                continue
            chosen = self.specific_code(code, self._context_words(span))
            if chosen != code:
                span._.code = chosen
            status = mention_status(span)
            if status == "uncertain" and inpatient:
                status = "confirmed"
            section = span._.section
            entry = by_code.setdefault(chosen, {"mentions": [], "score": 0.0})
            entry["mentions"].append((status, section, span))
            entry["score"] = max(entry["score"], float(span._.score or 1.0))
        suggestions = []
        for code, entry in by_code.items():
            mentions = entry["mentions"]
            finals = [m for m in mentions if (m[1] or "") in FINAL_SECTIONS]
            deciding = finals or mentions
            statuses = {m[0] for m in deciding}
            status = "confirmed" if "confirmed" in statuses else min(statuses, key=STATUSES.index)
            n = len(mentions)
            score = entry["score"] * (1.0 if finals else 0.8) * min(1.0, 0.75 + 0.125 * n)
            if status != "confirmed":
                score *= 0.5
            evidence = [
                {"start": s.start_char, "end": s.end_char, "text": s.text, "section": sec}
                for _, sec, s in sorted(mentions, key=lambda m: m[2].start_char)
            ]
            suggestions.append(Suggestion(code, self._desc(code), status, score, evidence, bool(finals)))
        suggestions = self._combine(suggestions)
        suggestions = self._drop_integral(suggestions)
        suggestions = self._drop_excludes1(suggestions)
        suggestions.sort(key=lambda s: (s.status != "confirmed", -s.score, s.code))
        return suggestions

    # -------------------------------------------------------------- rule 4: combinations
    def _combine(self, sugg: list[Suggestion]) -> list[Suggestion]:
        confirmed = {s.code: s for s in sugg if s.status == "confirmed"}

        def first(pred):
            return next((s for c, s in confirmed.items() if pred(_flat(c))), None)

        ckd = first(lambda c: c.startswith("N18"))
        esrd = ckd is not None and _flat(ckd.code) in ("N185", "N186")
        hf = first(lambda c: c.startswith("I50"))
        htn = first(lambda c: c == "I10" or c.startswith("I11") or c.startswith("I12") or c.startswith("I13"))
        out = list(sugg)

        def replace(old: list[Suggestion], new_code: str) -> None:
            if self.onto.get(new_code) is None:
                return
            evidence = [e for s in old for e in s.evidence]
            score = max(s.score for s in old)
            for s in old:
                if s in out and not _flat(s.code).startswith(("N18", "I50")):
                    out.remove(s)
            if not any(s.code == new_code and s.status == "confirmed" for s in out):
                out.append(Suggestion(new_code, self._desc(new_code), "confirmed", score, evidence, True))

        # diabetes + CKD -> E1x.22 (the "with" convention presumes the link)
        for prefix in ("E08", "E09", "E10", "E11", "E13"):
            dm = first(lambda c, p=prefix: c.startswith(p))
            if dm is not None and ckd is not None and _flat(dm.code) in (prefix + "9", prefix + "8", prefix + "65"):
                if _flat(dm.code) == prefix + "9":
                    replace([dm], f"{prefix}.22")
        # hypertension with heart failure and/or CKD
        if htn is not None and (hf is not None or ckd is not None):
            if hf is not None and ckd is not None:
                target = "I13.2" if esrd else "I13.0"
            elif hf is not None:
                target = "I11.0"
            else:
                target = "I12.0" if esrd else "I12.9"
            if _flat(htn.code) != _flat(target):
                replace([htn], target)
        return out

    # -------------------------------------------------------------- rule 5: integral symptoms
    def _drop_integral(self, sugg: list[Suggestion]) -> list[Suggestion]:
        diagnoses = [_flat(s.code) for s in sugg if s.status == "confirmed" and not _flat(s.code).startswith("R")]
        keep = []
        for s in sugg:
            flat = _flat(s.code)
            integral = s.status == "confirmed" and any(
                flat.startswith(symptoms) and any(d.startswith(dx) for d in diagnoses if d != flat)
                for symptoms, dx in self.integral
            )
            if integral:
                logger.debug("dropping %s: integral to a confirmed diagnosis", s.code)
                continue
            keep.append(s)
        return keep

    # -------------------------------------------------------------- rule 6: Excludes1
    def _drop_excludes1(self, sugg: list[Suggestion]) -> list[Suggestion]:
        confirmed = sorted((s for s in sugg if s.status == "confirmed"), key=lambda s: -s.score)
        dropped: set[str] = set()
        check = self.onto.excludes1_conflict
        if check is None:
            return sugg
        for i, a in enumerate(confirmed):
            if a.code in dropped:
                continue
            for b in confirmed[i + 1:]:
                if b.code not in dropped and check(a.code, b.code):
                    dropped.add(b.code)
        return [s for s in sugg if not (s.status == "confirmed" and s.code in dropped)]

    # -------------------------------------------------------------- serialisation
    def to_disk(self, path, *, exclude=()):
        from pathlib import Path

        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        rules = (files("nlp_pipeline.resources") / "codes" / "integral_symptoms.json").read_text("utf-8") \
            if self.rules_path is None else open(self.rules_path, encoding="utf-8").read()
        (path / "integral_symptoms.json").write_text(rules, encoding="utf-8")

    def from_disk(self, path, *, exclude=()):
        from pathlib import Path

        self.rules_path = str(Path(path) / "integral_symptoms.json")
        self.integral = load_integral_rules(self.rules_path)
        return self


@Language.factory(
    "clinlabel_codes",
    default_config={"ontology": "icd10cm", "setting": "outpatient", "span_key": SPAN_KEY, "rules": None,
                    "specificity": True},
)
def make_code_suggester(nlp: Language, name: str, *, ontology: str, setting: str, span_key: str,
                        rules: str | None, specificity: bool) -> CodeSuggester:
    return CodeSuggester(nlp, name, ontology=ontology, setting=setting, span_key=span_key, rules=rules,
                         specificity=specificity)
