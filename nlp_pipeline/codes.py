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
from typing import Any, Iterable, List, Optional

from spacy.language import Language
from spacy.tokens import Doc, Span

from corpora.doc import SPAN_KEY, doc_text, register_extensions
from corpora.errors import ConfigError
from ontologies.code_syntax import category, flat as _flat, ref_covers

logger = logging.getLogger(__name__)

SYSTEM = "ICD-10-CM"
STATUSES = ("confirmed", "uncertain", "historical", "family", "negated")
SETTINGS = ("outpatient", "inpatient")
FINAL_SECTIONS = {
    "assessment_and_plan", "assessment", "impression", "diagnoses", "discharge_diagnoses",
    "diagnosis", "final_diagnosis", "problem_list", "observation_and_plan",
    "plan", "findings",
}
#: a bare word whose code is wrong when a modifier precedes it (the disease is classified elsewhere)
QUALIFIED_ELSEWHERE = {
    "I10": {"pulmonary", "artery", "arterial", "portal", "intracranial", "ocular", "renovascular", "gestational",
            "venous", "idiopathic", "secondary", "coat", "induced", "pregnancy"},
}
#: sections that describe what was done or taught, not what the patient has: no codes from there
NON_DIAGNOSTIC_SECTIONS = {"procedure", "patient_education", "patient_instructions", "signature"}
_NORMAL_AFTER = re.compile(
    r"^[\s,]*(?:(?:[a-z]+\s+){0,2}(?:is|are|was|were|appears?|looks?|remains?)\s+(?:[a-z]+\s+)?)?"
    r"(?:normal|unremarkable|within normal limits)\b", re.I)
_NORMAL_BEFORE = re.compile(r"\b(normal|unremarkable)\s+$", re.I)
#: R52 (pain, unspecified) is the Index's "Pain, generalized": a bare "pain" in a note is the pain of
#: a site or a condition named elsewhere (coded there) or a drug's indication ("p.r.n. pain")
_GENERALIZED = re.compile(r"\b(?:generali[sz]ed|diffuse|widespread|all\s+over|whole\s+body|total\s+body)\b", re.I)
#: a condition word that names a test ("stress test", "allergy testing", "sleep study"), read after the mention
_PROCEDURE_AFTER = re.compile(r"[\s-]*(?:test|tests|testing|study|studies|echo|echocardiogram|echocardiography|"
                              r"imaging|perfusion|scan|protocol|panel|screen)\b", re.I)
#: an electrocardiogram reading: "ST depressions", "ST-segment elevation", "PR depression"
_ECG_BEFORE = re.compile(r"\b(?:ST|PR)(?:[\s-]+segment)?[\s-]+$")
_STOP = {
    "with", "without", "of", "the", "and", "or", "in", "to", "due", "other", "unspecified", "not",
    "elsewhere", "classified", "specified", "type", "site", "a", "an", "by", "for", "on", "as",
    "nos", "disease", "disorder", "unsp", "condition",
}
_WORD = re.compile(r"[a-z0-9]+")


_PARENS = re.compile(r"\([^)]*\)")
_NEGATED_TAIL = re.compile(r"\b(?:without|no|not|negative for|denies|free of|absence of)\b[^.;:,]*", re.I)
#: Section IV.H / III.C: terms that make a diagnosis uncertain (checked in the mention's sentence,
#: besides the ConText component's own `uncertain` and `hypothetical`)
_UNCERTAIN_BEFORE = re.compile(
    r"\b(?:probabl[ey]|possibl[ey]|suspect(?:ed)?|suspicious (?:for|of)|questionabl[ey]|question of|likely|"
    r"rule out|r/o|consistent with|compatible with|suggestive of|concerning for|concern for|worrisome for|"
    r"may (?:be|represent|reflect)|could (?:be|represent)|differential(?: diagnosis)? (?:includes?|of)|"
    r"working diagnosis|presumed|versus|vs\.?)\b[^.;:]*$", re.I)
_UNCERTAIN_AFTER = re.compile(
    r"^[^.;:]*?\b(?:versus|vs\.?|cannot be (?:excluded|ruled out)|can ?not be (?:excluded|ruled out)|"
    r"not (?:excluded|ruled out)|is (?:possible|likely|suspected|questioned)|(?:is|are) not excluded|"
    r"(?:was|is) considered|to be ruled out)\b", re.I)
#: words that end the phrase of a mention (its near words for the Index stop there)
_PHRASE_BREAK = frozenset("and or but with without no not for since after before from by than was were is are "
                          "has had have to".split())
#: going back from a mention, a preposition ends its phrase too: the words before "complaining of
#: worsening pain" or "called back for pain" do not modify the condition
_BACK_BREAK = _PHRASE_BREAK | frozenset("of in at on into onto over under about per via like as".split())
#: prepositions that join a site or part to a condition ("of the left knee", "in the lower lobe",
#: "a foreign body to the left eye")
_SITE_PREPOSITIONS = frozenset("of in involving at on to".split())
#: words after which a number qualifies a condition ("stage 3", "type 2", "grade II"); a number
#: elsewhere ("3. Acute on chronic renal failure", "in 2 weeks") says nothing about it
_NUMBER_QUALIFIERS = frozenset("stage type grade class level degree zone phase".split())
#: a clause ends at these (the words of another clause do not describe a mention: "a right-hand
#: dominant female who has de Quervain's tenosynovitis")
_CLAUSE_BREAK = re.compile(r";|\b(?:who|which|whose|but|although|though|because|while|whereas|however)\b", re.I)
#: handedness is not a site: "right hand dominant", "left-handed"
_HANDEDNESS = re.compile(r"\b(?:right|left)[\s-]*(?:hand(?:ed)?[\s-]*(?:dominant|dominance)?|handed)\b", re.I)
_RANGE_VIA = re.compile(r"^(?:categories\s+)?[A-Z]\d\d\s*-\s*[A-Z]\d\d\s+with\s", re.I)
#: words that qualify a condition written before them after a comma ("diabetes mellitus, type 1")
_QUALIFIER_AFTER_COMMA = frozenset("type stage grade class left right bilateral".split())
#: chapters never suggested by default: external causes (V00-Y99) and factors (Z00-Z99)
DEFAULT_EXCLUDED_PREFIXES = ("V", "W", "X", "Y", "Z")


def _desc_words(text: str) -> set[str]:
    """Words of a code description, without nonessential modifiers in parentheses."""
    return _words(_PARENS.sub(" ", text))


def _bound_words(text: str) -> set[str]:
    """:func:`_words` of a clause, keeping a number only after a word it qualifies ("stage 3")."""
    out = set()
    prev = ""
    for w in _WORD.findall(text.lower()):
        if not (w.isdigit() and prev not in _NUMBER_QUALIFIERS) and w not in _STOP:
            out.add(w[:-1] if len(w) > 4 and w.endswith("s") else w)
        prev = w
    return out


def _head_word(text: str) -> str | None:
    """The last word of a mention as :func:`_words` keeps it ("hepatitis" -> "hepatiti")."""
    words = [w for w in _WORD.findall(text.lower()) if w not in _STOP and not w.isdigit()]
    if not words:
        return None
    w = words[-1]
    return w[:-1] if len(w) > 4 and w.endswith("s") else w


def _words(text: str) -> set[str]:
    out = set()
    for w in _WORD.findall(text.lower()):
        if w in _STOP:
            continue
        out.add(w[:-1] if len(w) > 4 and w.endswith("s") else w)
    return out


@dataclass
class Suggestion:
    code: str
    description: str
    status: str
    score: float
    evidence: list[dict[str, Any]] = field(default_factory=list)

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
    """The hierarchy lookups code suggestion makes for every mention, answered from memory.

    Read through the :class:`ontologies.store.Ontology` interface only: an ontology that can
    list its concepts and notes (``iter_concepts``, ``iter_notes``) is read once (~0.3 s for
    ICD-10-CM) and every lookup after that is a dict access; any other object with the lookup
    methods (``get``, ``description``, ``children`` ...) is memoised.  The Alphabetic Index, when
    the ontology has one (``onto.index``), is passed through.
    """

    def __init__(self, onto) -> None:
        from functools import lru_cache

        self.inner = onto
        self.index = getattr(onto, "index", None)
        self._norm = getattr(onto, "normalize_code", lambda c: c)
        self._loaded = hasattr(onto, "iter_concepts") and hasattr(onto, "iter_notes")
        if self._loaded:
            self._preload(onto)
        else:
            for name in ("get", "description", "is_billable", "children", "parents"):
                setattr(self, name, lru_cache(maxsize=65536)(getattr(onto, name)))
            conflict = getattr(onto, "excludes1_conflict", None)
            self.excludes1_conflict = None if conflict is None else lru_cache(maxsize=65536)(conflict)
        if not self._loaded:
            notes = getattr(onto, "use_additional_code", None)
            self.use_additional_refs = (lambda code: []) if notes is None else lru_cache(maxsize=65536)(
                lambda code: [ref for n in notes(code) for ref in n.get("refs", [])])

    def _preload(self, onto) -> None:
        self._desc: dict[str, str] = {}
        self._billable: dict[str, bool] = {}
        self._parent: dict[str, str] = {}
        self._children: dict[str, list[str]] = {}
        for c in onto.iter_concepts():
            self._desc[c.code] = c.description
            self._billable[c.code] = bool(c.billable)
            if c.parent:
                self._parent[c.code] = c.parent
                self._children.setdefault(c.parent, []).append(c.code)
        for kids in self._children.values():
            kids.sort()
        self._excludes1: dict[str, list[str]] = {}
        for note in onto.iter_notes("excludes1"):
            self._excludes1.setdefault(note["code"], []).extend(note["refs"])
        self._use_additional: dict[str, list[str]] = {}
        for note in onto.iter_notes("use_additional_code"):
            self._use_additional.setdefault(note["code"], []).extend(note["refs"])

    # the Ontology API subset used here
    def get(self, code: str):
        code = self._norm(code)
        return code if code in self._desc else None

    def description(self, code: str) -> str | None:
        return self._desc.get(self._norm(code))

    def is_billable(self, code: str) -> bool:
        return self._billable.get(self._norm(code), False)

    def children(self, code: str) -> list[str]:
        return self._children.get(self._norm(code), [])

    def parents(self, code: str) -> list[str]:
        parent = self._parent.get(self._norm(code))
        return [parent] if parent else []

    def _lineage(self, code: str) -> list[str]:
        out = [code]
        while out[-1] in self._parent:
            out.append(self._parent[out[-1]])
        return out

    def use_additional_refs(self, code: str) -> list[str]:
        """Codes the "use additional code" notes of ``code`` and its ancestors cite."""
        return [ref for c in self._lineage(self._norm(code)) for ref in self._use_additional.get(c, ())]

    def excludes1_conflict(self, a: str, b: str) -> bool:
        a, b = self._norm(a), self._norm(b)
        for x, y in ((a, b), (b, a)):
            for c in self._lineage(x):
                if any(ref_covers(ref, y) for ref in self._excludes1.get(c, ())):
                    return True
        return False


@dataclass
class ReportConvention:
    """A report type's coding convention (``resources/codes/report_conventions.json``)."""

    name: str
    note_types: frozenset[str]
    reason_headers: frozenset[str]
    strong_reason_headers: frozenset[str]
    signal_headers: frozenset[str]
    weak_signals: frozenset[str]
    historical_in_reason_is_current: bool = True
    #: "current": a reason is a current condition (test reports); "confirm_elsewhere": a reason is the
    #: referrer's question, coded only when the note's assessment states it too (consultations)
    effect: str = "current"


def load_conventions(path: str | None = None) -> list[ReportConvention]:
    """Report-type conventions: the shipped file, or a file of the same shape."""
    if path is None:
        data = json.loads((files("nlp_pipeline.resources") / "codes" / "report_conventions.json").read_text("utf-8"))
    else:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    out = []
    for name, spec in data["conventions"].items():
        up = lambda key: frozenset(h.upper() for h in spec.get(key, ()))  # noqa: E731
        out.append(ReportConvention(name, frozenset(t.lower() for t in spec.get("note_types", ())),
                                    up("reason_headers"), up("strong_reason_headers"), up("signal_headers"),
                                    up("weak_signals"), bool(spec.get("historical_in_reason_is_current", True)),
                                    str(spec.get("effect", "current"))))
        if out[-1].effect not in CONVENTION_EFFECTS:
            raise ConfigError(f"report convention {name!r}: effect {out[-1].effect!r} is not one of "
                              f"{', '.join(CONVENTION_EFFECTS)}", "write one of them in the conventions file",
                              file=path or "report_conventions.json")
    return out


CONVENTION_EFFECTS = ("current", "confirm_elsewhere")


_HEADER = re.compile(r"(?:^|(?<=[\n,.;]))[ \t]*([A-Z][A-Z0-9 /&()-]{0,40}?[A-Z)])[ \t]*:", re.M)


def report_reason_regions(text: str, note_type: str | None,
                          conventions: list[ReportConvention]) -> list[tuple[int, int, str]]:
    """Character regions of a note that give the reasons for a test, with the convention's name.

    The hook the assertion component (or any caller) can use: a mention inside one of these
    regions is a current reason for the test, whatever "history of" says.  A convention applies
    when ``note_type`` is one of its note types, or when the note's headers show the report type:
    a strong reason header ("INDICATION:", "REASON FOR EXAM:") with any signal header, or any
    reason header ("CLINICAL HISTORY:", "HISTORY:") with a signal header of a test report
    ("TECHNIQUE:", "FINDINGS:", "COMPARISON:", "CONCLUSION:").  A region runs from its header
    to the next header.
    """
    headers = [(m.start(1), m.end(), m.group(1).strip().upper()) for m in _HEADER.finditer(text)]
    if not headers:
        return []
    names = {h[2] for h in headers}
    out: list[tuple[int, int, str]] = []
    claimed: set[int] = set()  # a header belongs to the first convention that applies
    for conv in conventions:
        typed = bool(note_type) and note_type.lower() in conv.note_types
        strong = names & conv.strong_reason_headers
        signals = names & conv.signal_headers
        if not (typed or (strong and (signals - strong or not conv.signal_headers)) or
                (names & conv.reason_headers and signals - conv.weak_signals - conv.reason_headers)):
            continue
        for i, (start, end, name) in enumerate(headers):
            if name in conv.reason_headers and start not in claimed:
                claimed.add(start)
                stop = headers[i + 1][0] if i + 1 < len(headers) else len(text)
                out.append((end, stop, conv.name))
    return out


def convention_status(start: int, end: int, status: str, regions: list[tuple[int, int, str]],
                      conventions: list[ReportConvention]) -> str:
    """The status a mention at ``start:end`` takes under the conventions: ``historical`` in the
    reason region of a test report becomes ``confirmed`` (a current reason for the test)."""
    if status != "historical":
        return status
    conv = region_convention(start, end, regions, conventions)
    if conv is not None and conv.historical_in_reason_is_current:
        return "confirmed"
    return status


def region_convention(start: int, end: int, regions: list[tuple[int, int, str]],
                      conventions: list[ReportConvention]) -> ReportConvention | None:
    """The convention whose reason region holds the mention at ``start:end``, if any."""
    for a, b, name in regions:
        if a <= start and end <= b:
            return next((c for c in conventions if c.name == name), None)
    return None


def _phrase_pattern(phrases: Iterable[str]) -> re.Pattern | None:
    alts = sorted((re.escape(p.lower()).replace(r"\ ", r"[\s-]+") for p in phrases if p.strip()), key=len, reverse=True)
    return re.compile(r"(?<![\w/])(?:" + "|".join(alts) + r")(?![\w/])", re.I) if alts else None


@dataclass
class StatusConventions:
    """When a mention ConText marks historical is coded as current (``resources/codes/status_conventions.json``).

    * ``chronic``: a condition of a chronic class (code prefixes and category ranges, or a Tabular
      title starting with one of ``title_prefixes``), historical only through a past-history
      heading or a ``history_triggers`` cue, is current unless its clause has an ``ended`` cue;
    * ``habits``: a mention historical only by ConText's habit rule (tobacco, alcohol, drug use)
      is current unless its clause has a ``habit_ended`` cue (quit, former, ex-smoker ...).
    """

    prefixes: tuple[str, ...] = ()
    ranges: tuple[tuple[str, str], ...] = ()
    title_prefixes: tuple[str, ...] = ()
    history_triggers: frozenset[str] = frozenset()
    ended: re.Pattern | None = None
    habit_ended: re.Pattern | None = None
    habit_prefixes: tuple[str, ...] = ()
    habit_ranges: tuple[tuple[str, str], ...] = ()
    habit_sections: frozenset[str] = frozenset()

    def chronic_code(self, code: str, titles: Iterable[str]) -> bool:
        """Whether ``code`` (with the Tabular ``titles`` of it and its ancestors) is of a chronic class."""
        if _in_classes(code, self.prefixes, self.ranges):
            return True
        return any(t.lower().startswith(self.title_prefixes) for t in titles) if self.title_prefixes else False

    def habit_code(self, code: str) -> bool:
        """Whether ``code`` names a habit (substance use: tobacco, alcohol, drugs)."""
        return _in_classes(code, self.habit_prefixes, self.habit_ranges)


def _in_classes(code: str, prefixes: tuple[str, ...], ranges: tuple[tuple[str, str], ...]) -> bool:
    flat = _flat(code).upper()
    return flat.startswith(prefixes) or any(lo <= flat[:3] <= hi for lo, hi in ranges)


def _code_classes(specs: Iterable[str]) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """Code prefixes ("E78", "G47.3") and category ranges ("E08-E13") of a class list."""
    prefixes, ranges = [], []
    for spec in specs:
        if "-" in spec:
            lo, hi = (x.strip().upper() for x in spec.split("-", 1))
            ranges.append((lo[:3], hi[:3]))
        else:
            prefixes.append(_flat(spec).upper())
    return tuple(prefixes), tuple(ranges)


def load_status_conventions(path: str | None = None) -> StatusConventions:
    """The chronic-condition and habit conventions: the shipped file, or a file of the same shape."""
    if path is None:
        data = json.loads((files("nlp_pipeline.resources") / "codes" / "status_conventions.json").read_text("utf-8"))
    else:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    chronic, habits = data.get("chronic", {}), data.get("habits", {})
    prefixes, ranges = _code_classes(spec for cls in chronic.get("classes", ()) for spec in cls["codes"])
    habit_prefixes, habit_ranges = _code_classes(habits.get("codes", ()))
    return StatusConventions(
        prefixes, ranges, tuple(t.lower() for t in chronic.get("title_prefixes", ())),
        frozenset(" ".join(t.lower().split()) for t in chronic.get("history_triggers", ())),
        _phrase_pattern(chronic.get("ended_cues", ())), _phrase_pattern(habits.get("ended_cues", ())),
        habit_prefixes, habit_ranges, frozenset(habits.get("sections", ())))


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
                 specificity: bool = True, exclude_prefixes: tuple[str, ...] | list[str] | None = None,
                 z_codes: bool = True, z_rules: str | None = None, conventions: str | None = None,
                 use_index: bool = True, status_conventions: str | None = None) -> None:
        if setting not in SETTINGS:
            raise ValueError(f"setting must be one of {SETTINGS}, got {setting!r}; use outpatient or inpatient")
        register_extensions()
        self.name = name
        self.ontology_name = ontology
        self.setting = setting
        self.span_key = span_key
        self.rules_path = rules
        self.specificity = specificity
        self.excluded_prefixes = tuple(DEFAULT_EXCLUDED_PREFIXES if exclude_prefixes is None else exclude_prefixes)
        self._onto = None
        self.integral = load_integral_rules(rules)
        self._specific_cache: dict[tuple[str, frozenset], str] = {}
        self.z_codes = z_codes
        self.z_rules_path = z_rules
        self.conventions_path = conventions
        self.use_index = use_index
        self.conventions = load_conventions(conventions)
        self.status_conventions_path = status_conventions
        self.status_conventions = load_status_conventions(status_conventions)
        self._chronic_cache: dict[str, bool] = {}
        self._z = None
        self._lookups: dict[tuple, Any] = {}  # Index look-ups by their words (hits are not changed by callers)

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
        self._z = None
        self._lookups = {}

    @property
    def zcoder(self):
        if self._z is None:
            from .codes_z import ZCoder, load_z_rules

            self._z = ZCoder(self.onto, load_z_rules(self.z_rules_path))
        return self._z

    def _desc(self, code: str) -> str:
        return self.onto.description(code) or ""

    # -------------------------------------------------------------- rule 3: specificity
    def _best_child(self, code: str, context: set[str], current: str | None = None) -> str | None:
        """The child of ``code`` whose added words (beyond ``code`` and ``current``) the context states."""
        kids = self.onto.children(code)
        if not kids:
            return None
        known = _desc_words(self._desc(code))
        if current is not None:
            known |= _desc_words(self._desc(current))
        best, best_key = None, (0.0, 0)
        for kid in kids:
            if kid == current:
                continue
            extra = _desc_words(self._desc(kid)) - known
            if not extra:
                continue
            hit = len(extra & context)
            ratio = hit / len(extra)
            if hit and ratio >= 0.5 and (ratio, hit) > best_key:
                best, best_key = kid, (ratio, hit)
        return best

    def _unspecified_child(self, code: str) -> str | None:
        """The child a bare mention of ``code`` means: uncomplicated / unspecified / .9."""
        kids = self.onto.children(code)
        if not kids:
            return None
        # 7th-character extensions: without "subsequent encounter" or "sequela" in the text, the
        # initial encounter (A) is the default (Section I.C.19.a)
        initial = [k for k in kids if len(_flat(k)) == 7 and _flat(k).endswith("A")]
        if initial:
            return initial[0]
        descs = {kid: self._desc(kid).lower() for kid in kids}
        for kid in kids:
            if "uncomplicated" in descs[kid] or "without complication" in descs[kid]:
                return kid
        # the child that leaves the most unsaid ("unspecified site of unspecified female breast"
        # beats "unspecified site of right female breast"), then the shortest title
        unspecified = sorted((k for k in kids if "unspecified" in descs[k] and not descs[k].startswith("other")),
                             key=lambda k: (-descs[k].count("unspecified"), len(descs[k].split())))
        if unspecified:
            return unspecified[0]
        nines = [k for k in kids if _flat(k).endswith("9")]
        if nines:
            return nines[0]
        plain = [k for k in kids if not descs[k].startswith("other")]
        return (plain or kids)[0]

    def specific_code(self, code: str, context: set[str], head: str | None = None) -> str:
        """The most specific code the mention's context supports (billable when possible).  An
        unspecified leaf moves to a sibling only for words other than the mention's ``head`` word:
        "hepatitis" is not "granulomatous hepatitis" because K75.9's title does not say hepatitis."""
        key = (code, frozenset(context), head)
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
            sibling = self._best_child(parents[0], context - {head} if head else context, current)
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
    @classmethod
    def _context_words(cls, span: Span, text: str) -> set[str]:
        """Words of the mention's clause (laterality, site, acuity, stage) outside negated phrases."""
        start, end = cls._clause_bounds(span, text)
        return _bound_words(_HANDEDNESS.sub(" ", _NEGATED_TAIL.sub(" ", text[start:end])))

    @classmethod
    def _clause_bounds(cls, span: Span, text: str) -> tuple[int, int]:
        """The mention's clause: its sentence cut at ";", "who", "which", "but" ... around it."""
        start, end = cls._sentence_bounds(span, text)
        for m in _CLAUSE_BREAK.finditer(text, start, end):
            if m.end() <= span.start_char:
                start = m.end()
            elif m.start() >= span.end_char:
                end = m.start()
                break
        return start, end

    @staticmethod
    def _sentence_bounds(span: Span, text: str) -> tuple[int, int]:
        try:
            sent = span.sent
            return sent.start_char, sent.end_char
        except ValueError:
            return max(0, span.start_char - 120), min(len(text), span.end_char + 120)

    def _uncertain_by_coding_terms(self, span: Span, text: str) -> bool:
        start, end = self._sentence_bounds(span, text)
        return bool(_UNCERTAIN_BEFORE.search(text[start:span.start_char]) or _UNCERTAIN_AFTER.match(text[span.end_char:end]))

    @staticmethod
    def _is_normal_finding(span: Span, text: str) -> bool:
        after = text[span.end_char: span.end_char + 40]
        before = text[max(0, span.start_char - 20): span.start_char]
        return bool(_NORMAL_AFTER.match(after) or _NORMAL_BEFORE.search(before))

    def _setting_of(self, doc: Doc) -> str:
        meta = doc._.meta or {}
        setting = meta.get("setting")
        return setting if setting in SETTINGS else self.setting

    # -------------------------------------------------------------- status conventions
    def is_chronic(self, code: str) -> bool:
        """Whether ``code`` is of a chronic class of the status conventions."""
        got = self._chronic_cache.get(code)
        if got is None:
            titles, cur = [], code
            for _ in range(6):
                titles.append(self._desc(cur))
                parents = self.onto.parents(cur)
                if not parents:
                    break
                cur = parents[0]
            got = self._chronic_cache[code] = self.status_conventions.chronic_code(code, titles)
        return got

    @classmethod
    def _item_bounds(cls, span: Span, text: str) -> tuple[int, int]:
        """The mention's item in a list ("asthma as a child" in "COPD, asthma as a child, gout"), and
        the item after it when that is a short comment ("hypertension, resolved"): the clause cut at
        commas."""
        start, end = cls._clause_bounds(span, text)
        before = text.rfind(",", start, span.start_char)
        if before >= 0:
            start = before + 1
        after = text.find(",", span.end_char, end)
        if after >= 0:
            nxt = text.find(",", after + 1, end)
            stop = nxt if nxt >= 0 else end
            end = stop if len(text[after + 1:stop].split()) <= 3 else after
        return start, end

    def current_by_convention(self, span: Span, code: str, text: str,
                              headers: list[tuple[int, int]] = ()) -> str | None:
        """``"chronic"`` or ``"habit"`` when a mention ConText marks historical is current by a
        status convention (see :class:`StatusConventions`), else ``None``."""
        sc = self.status_conventions
        hist = [e for e in (span._.assertion_evidence or []) if e.get("attribute") == "historical"]
        if not hist:
            return None
        start, end = self._item_bounds(span, text)
        cut = [(a, b) for a, b in headers if a < end and start < b]
        cut += [(e["start"], e["end"]) for e in hist if "start" in e and "end" in e]
        chars = list(text[start:end])
        for a, b in cut:
            for k in range(max(a, start), min(b, end)):
                chars[k - start] = " "
        clause = "".join(chars)
        section = span._.section or ""
        if all(e.get("rule") == "habit" or (e.get("section") in sc.habit_sections and sc.habit_code(code))
               for e in hist):
            return None if sc.habit_ended is not None and sc.habit_ended.search(clause) else "habit"

        def by_history(e: dict) -> bool:
            if e.get("section"):
                return True  # a past-history heading
            if " ".join(str(e.get("trigger", "")).lower().split()) in sc.history_triggers:
                return True
            # a cue of another item of a past-history list ("COPD, asthma as a child") is not this one's
            return "history" in section and not (start <= e.get("start", -1) < end)

        if all(by_history(e) for e in hist) and self.is_chronic(code):
            return None if sc.ended is not None and sc.ended.search(clause) else "chronic"
        return None

    # -------------------------------------------------------------- the component
    def __call__(self, doc: Doc) -> Doc:
        spans = [s for s in doc.spans[self.span_key]] if self.span_key in doc.spans else []
        doc._.codes = [s.to_dict() for s in self.suggest(doc, spans)]
        return doc

    def suggest(self, doc: Doc, spans: Iterable[Span]) -> list[Suggestion]:
        inpatient = self._setting_of(doc) == "inpatient"
        text = doc_text(doc)
        headers = [(h.start_char, h.end_char) for h in doc.spans["section_headers"]] \
            if "section_headers" in doc.spans else []
        meta = doc._.meta or {}
        regions = report_reason_regions(text, meta.get("note_type"), self.conventions)
        spans = [s for s in spans]
        index = self.onto.index if self.use_index else None
        span_codes = [self._span_code(s) for s in spans]
        sentence_cache: dict[tuple[int, int], set[str]] = {}
        context_cache: dict[tuple[int, int], set[str]] = {}
        mentions: list[dict[str, Any]] = []
        ranged: list[int] = []  # mentions whose Index path ended in a category range
        for span, code in zip(spans, span_codes):
            if not code or self.onto.get(code) is None:
                continue
            if (span._.section or "") in NON_DIAGNOSTIC_SECTIONS:
                continue
            if any(h0 <= span.start_char and span.end_char <= h1 for h0, h1 in headers):
                continue  # "HISTORY OF PRESENT ILLNESS:" names a section, not an illness
            if self._is_normal_finding(span, text):
                continue
            status = mention_status(span)
            current_by = self.current_by_convention(span, code, text, headers) if status == "historical" else None
            if current_by is not None:
                status = "confirmed"  # a chronic condition in the past history, a current habit
            # a negated mention is never coded: it keeps the Tabular code (and costs no look-up)
            hit = self._index_hit(span, text, set(), status, sentence_cache) \
                if index is not None and status != "negated" else None
            matched, code = code, self._choose(code, span, hit)
            bounds = self._clause_bounds(span, text)
            context = context_cache.get(bounds)
            if context is None:
                context = context_cache[bounds] = self._context_words(span, text)
            chosen = self.specific_code(code, context, _head_word(span.text))
            if current_by == "chronic" and not self.is_chronic(chosen):
                status = "historical"  # the Index named a condition that is not chronic after all
            elif status == "historical" and chosen != matched and \
                    self.current_by_convention(span, chosen, text, headers) is not None:
                status = "confirmed"  # the Index named a chronic condition ("hepatitis C")
            if hit is not None and any(_RANGE_VIA.match(v) for v in hit.via):
                ranged.append(len(mentions))
            if chosen != span._.code:
                span._.code = chosen
            if chosen.upper().startswith(self.excluded_prefixes):
                continue
            status = convention_status(span.start_char, span.end_char, status, regions, self.conventions)
            if status == "confirmed" and self._uncertain_by_coding_terms(span, text):
                status = "uncertain"
            if chosen in QUALIFIED_ELSEWHERE and span.start > 0 and \
                    span.doc[span.start - 1].lower_.strip("-") in QUALIFIED_ELSEWHERE[chosen]:
                continue  # "pulmonary artery hypertension" is not essential hypertension
            if chosen == "R52" and not _GENERALIZED.search(text[bounds[0]:bounds[1]]):
                continue  # "wrist pain", "pain in the right ankle", "p.r.n. pain": R52 is generalized pain only
            if _PROCEDURE_AFTER.match(text, span.end_char) or _ECG_BEFORE.search(text, max(0, span.start_char - 12),
                                                                                 span.start_char):
                continue  # "stress test", "allergy testing", "ST depressions": a test or its reading, not a disorder
            conv = region_convention(span.start_char, span.end_char, regions, self.conventions) if regions else None
            mentions.append({"code": chosen, "status": status, "section": span._.section, "span": span,
                             "score": float(span._.score or 1.0), "hit": hit, "context": context,
                             "referral": conv is not None and conv.effect == "confirm_elsewhere"})
        if ranged:  # "see E08-E13 with .40": now that every mention has its code, the note's type of diabetes
            self._settle_ranges(mentions, ranged, text, sentence_cache)
        mentions = self._absorb(mentions, text)
        questions = self._referral_questions(mentions)
        by_code: dict[str, dict[str, Any]] = {}
        for m in mentions:
            entry = by_code.setdefault(m["code"], {"mentions": [], "score": 0.0})
            entry["mentions"].append((m["status"], m["section"], m["span"]))
            entry["score"] = max(entry["score"], m["score"])
        suggestions = []
        for code, entry in by_code.items():
            mentions_ = entry["mentions"]
            finals = [m for m in mentions_ if (m[1] or "") in FINAL_SECTIONS]
            deciding = finals or mentions_
            statuses = {m[0] for m in deciding}
            if code in questions:
                status = "uncertain"  # the referrer's question, which the consultant did not state
            elif "confirmed" in statuses:
                status = "confirmed"
            elif "negated" in statuses or ("uncertain" in statuses and any(m[0] == "negated" for m in mentions_)):
                status = "negated"  # e.g. "suspected ..." then "negative for ...": ruled out
            elif "uncertain" in statuses:
                status = "confirmed" if inpatient else "uncertain"
            else:
                status = min(statuses, key=STATUSES.index)
            n = len(mentions_)
            score = entry["score"] * (1.0 if finals else 0.8) * min(1.0, 0.75 + 0.125 * n)
            if status != "confirmed":
                score *= 0.5
            evidence = [
                {"start": s.start_char, "end": s.end_char, "text": s.text, "section": sec}
                for _, sec, s in sorted(mentions_, key=lambda m: m[2].start_char)
            ]
            suggestions.append(Suggestion(code, self._desc(code), status, score, evidence))
        suggestions = self._combine(suggestions)
        suggestions = self._drop_unspecified_beside_specific(suggestions)
        suggestions = self._drop_integral(suggestions)
        suggestions = self._drop_excludes1(suggestions)
        if self.z_codes and index is not None:
            suggestions = self._add_z_codes(doc, text, mentions, suggestions)
        suggestions.sort(key=lambda s: (s.status != "confirmed", -s.score, s.code))
        return suggestions

    @staticmethod
    def _referral_questions(mentions: list[dict[str, Any]]) -> set[str]:
        """Codes named only in a consultation's reason line while the note has an assessment that
        does not state them (convention ``confirm_elsewhere``): the referring clinician's question."""
        asked = {m["code"] for m in mentions if m["referral"]}
        if not asked:
            return set()
        if not any((m["section"] or "") in FINAL_SECTIONS for m in mentions if not m["referral"]):
            return set()  # no assessment: the reason is what the encounter is about
        stated = {category(m["code"]) for m in mentions if not m["referral"] and m["status"] in ("confirmed", "uncertain")}
        return {c for c in asked if category(c) not in stated}

    @staticmethod
    def _span_code(span: Span) -> str | None:
        if span._.system not in (None, SYSTEM):
            return None
        return span._.code or span.kb_id_ or None

    # -------------------------------------------------------------- the Alphabetic Index
    def _index_hit(self, span: Span, text: str, categories: set[str], status: str,
                   sentence_cache: dict[tuple[int, int], set[str]]):
        """The Index's code for a mention: main term from the mention's words, subterms from the
        words near it (site, type, acuity) and, for "with"/"due to" subterms, the sentence's words
        outside negated phrases (read once per sentence)."""
        from ontologies.alphabetic_index import WordContext, spine_regions, words_of

        start, end = self._sentence_bounds(span, text)
        doc = span.doc
        # near: the words before the mention in its phrase, and a phrase after it that a
        # preposition joins to it ("cellulitis of the right lower leg"), not "fever for three days"
        i = span.start
        while i > 0 and span.start - i < 5 and doc[i - 1].idx >= start and doc[i - 1].is_alpha \
                and doc[i - 1].lower_ not in _BACK_BREAK:
            i -= 1
        j = span.end
        if j + 1 < len(doc) and doc[j].text == "," and doc[j + 1].lower_ in _QUALIFIER_AFTER_COMMA:
            j += 1  # "diabetes mellitus, type 1", "chronic kidney disease, stage 3"
        elif j < len(doc) and len(doc[j].text.rstrip(".")) == 1 and doc[j].text[0].isupper() and doc[j].idx < end:
            j += 1  # a type letter: "hepatitis C", "influenza A", "vitamin D deficiency"
        if j < len(doc) and (doc[j].lower_ in _SITE_PREPOSITIONS or doc[j].lower_ in _QUALIFIER_AFTER_COMMA):
            j += 1
            while j < len(doc) and j - span.end < 7 and doc[j].idx < end and (doc[j].is_alpha or doc[j].like_num
                                                                               or doc[j].text == "-") \
                    and doc[j].lower_ not in _PHRASE_BREAK:
                j += 1
        lo = doc[i].idx if i < span.start else span.start_char
        hi = doc[j - 1].idx + len(doc[j - 1]) if j > span.end else span.end_char
        mention = words_of(span.text)
        near = text[lo:span.start_char] + " " + _NEGATED_TAIL.sub(" ", text[span.end_char:hi])
        near_words = set(words_of(near)) | set(mention)
        # only a current mention takes another condition of its sentence into a combination code
        if status == "confirmed":
            sent = sentence_cache.get((start, end))
            if sent is None:
                sent = sentence_cache[(start, end)] = set(words_of(_NEGATED_TAIL.sub(" ", text[start:end])))
            sentence_words = sent | near_words
        else:
            sentence_words = near_words
        index = self.onto.index
        # only words some subterm uses can change the walk: the rest are left out of the cache key
        vocab = index.vocabulary()
        near_words, sentence_words = spine_regions(near_words), spine_regions(sentence_words)
        key = (tuple(mention), frozenset(near_words & vocab), frozenset(sentence_words & vocab),
               frozenset(categories) - {category(span._.code or "")})
        if key in self._lookups:
            return self._lookups[key]
        ctx = WordContext(mention, set(key[1]) | set(mention), set(key[2]) | set(mention), set(key[3]))
        hit = index.lookup(ctx)
        if len(self._lookups) > 50_000:
            self._lookups.clear()
        self._lookups[key] = hit
        return hit

    def _settle_ranges(self, mentions: list[dict[str, Any]], ranged: list[int], text: str,
                       sentence_cache: dict[tuple[int, int], set[str]]) -> None:
        """Look again, with the categories the other mentions were given (not the matcher's first
        guesses), up those whose Index path ended in "see E08-E13 with .40"."""
        for i in ranged:
            m = mentions[i]
            others = {category(o["code"]) for j, o in enumerate(mentions) if j != i and o["status"] != "negated"}
            if not others:
                continue
            hit = self._index_hit(m["span"], text, others, m["status"], sentence_cache)
            if hit is None or hit.code == m["hit"].code or self.onto.get(hit.code) is None:
                continue
            m["hit"] = hit
            m["code"] = m["span"]._.code = self.specific_code(hit.code, m["context"], _head_word(m["span"].text))

    def _is_under(self, code: str, ancestor: str) -> bool:
        cur = code
        for _ in range(8):
            parents = self.onto.parents(cur)
            if not parents:
                return False
            cur = parents[0]
            if cur == ancestor:
                return True
        return False

    def _choose(self, code: str, span: Span, hit) -> str:
        """The Index decides (the coder's path), unless the matched Tabular term is already a more
        specific code on the same branch, or the Index path accounts for only part of the mention."""
        if hit is None or self.onto.get(hit.code) is None:
            return code
        kind = (span._.extra or {}).get("term_kind")
        if kind == "index" or hit.code == code or self._is_under(hit.code, code):
            return hit.code
        if self._is_under(code, hit.code):
            return code
        if hit.explained >= hit.mention_words:
            return hit.code
        return code

    def _absorb(self, mentions: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
        """A mention whose words an Index "with"/"due to" subterm of another mention in the same
        sentence took ("diabetic" ... "neuropathy" -> E11.40) is part of that combination code and
        is dropped, unless the combination's "use additional code" note asks for its code
        (I11.0 -> "use additional code to identify the type of heart failure (I50.-)")."""
        from ontologies.alphabetic_index import words_of

        takers = [m for m in mentions if m["hit"] is not None and m["hit"].absorbed and m["status"] == "confirmed"]
        if not takers:
            return mentions
        index = self.onto.index

        def takes(t: dict[str, Any], m: dict[str, Any]) -> bool:
            if t is m or t["code"] == m["code"] or t["hit"] is None or t["status"] != "confirmed":
                return False
            if self._sentence_bounds(t["span"], text) != self._sentence_bounds(m["span"], text):
                return False
            words = {index.key(w) for w in words_of(m["span"].text)} - {"nec", "nos"}
            if not words or not words <= t["hit"].absorbed:
                return False
            return not any(ref_covers(ref, m["code"]) for ref in self.onto.use_additional_refs(t["code"]))

        keep = []
        for m in mentions:
            # two mentions that each take the other ("hypertension" ... "heart failure") both stay
            if not any(takes(t, m) and not takes(m, t) for t in takers):
                keep.append(m)
        return keep

    # -------------------------------------------------------------- Z codes
    def _add_z_codes(self, doc: Doc, text: str, mentions: list[dict[str, Any]],
                     suggestions: list[Suggestion]) -> list[Suggestion]:
        """History, family history, status, screening, follow-up and long-term drug Z codes
        (:mod:`nlp_pipeline.codes_z`), each with its evidence, status ``confirmed``."""
        z = self.zcoder
        current = {s.code for s in suggestions if s.status == "confirmed"}
        current_cats = {category(c) for c in current}
        found: dict[str, dict[str, Any]] = {}

        def add(code: str, start: int, end: int, score: float, why: str) -> None:
            entry = found.setdefault(code, {"evidence": [], "score": 0.0, "why": why})
            if not any(e["start"] == start for e in entry["evidence"]):
                entry["evidence"].append({"start": start, "end": end, "text": text[start:end], "section": None})
            entry["score"] = max(entry["score"], score)

        historical: dict[str, list[tuple[int, int]]] = {}
        for m in mentions:
            if m["status"] not in ("historical", "family"):
                continue
            if m["status"] == "historical":
                historical.setdefault(m["code"], []).append((m["span"].start_char, m["span"].end_char))
                if m["code"] in current or category(m["code"]) in current_cats:
                    continue  # a condition coded as current has no history code
            got = z.history(m["status"], m["code"], m["span"].text)
            if got is not None:
                add(got[0], m["span"].start_char, m["span"].end_char, 0.6 * m["score"], m["status"])
        sentences = self._sentences(doc, text)
        sections = [(sp.start_char, sp.end_char, sp.label_) for sp in doc.spans["sections"]] \
            if "sections" in doc.spans else []
        for f in z.from_text(text, sentences, sections=sections, historical_codes=historical, current_codes=current):
            add(f.code, f.start, f.end, 0.6, f.why)
        existing = {s.code for s in suggestions}
        for code, entry in found.items():
            if code in existing:
                continue
            evidence = sorted(entry["evidence"], key=lambda e: e["start"])
            suggestions.append(Suggestion(code, self._desc(code), "confirmed", entry["score"], evidence))
        return suggestions

    @staticmethod
    def _sentences(doc: Doc, text: str) -> list[tuple[int, int]]:
        try:
            return [(s.start_char, s.end_char) for s in doc.sents]
        except ValueError:
            return [(0, len(text))]

    # -------------------------------------------------------------- rule 4: combinations
    def _combine(self, sugg: list[Suggestion]) -> list[Suggestion]:
        confirmed = {s.code: s for s in sugg if s.status == "confirmed"}

        def first(pred):
            return next((s for c, s in confirmed.items() if pred(_flat(c))), None)

        ckd = first(lambda c: c.startswith("N18"))
        esrd = ckd is not None and _flat(ckd.code) in ("N185", "N186")
        hf = first(lambda c: c.startswith("I50"))
        htn = first(lambda c: c == "I10" or c.startswith("I11") or c.startswith("I12") or c.startswith("I13"))
        # combination codes already matched carry their own conditions
        htn_hf = first(lambda c: c in ("I110", "I130", "I132"))
        htn_ckd = first(lambda c: c.startswith("I12") or c.startswith("I13"))
        has_hf = hf is not None or htn_hf is not None
        has_ckd = ckd is not None or htn_ckd is not None
        out = list(sugg)

        def add(code: str, like: Suggestion) -> None:
            """'Use additional code': the unspecified code of a condition the combination names."""
            if self.onto.get(code) is not None and not any(_flat(s.code) == _flat(code) for s in out):
                out.append(Suggestion(code, self._desc(code), "confirmed", like.score * 0.9, list(like.evidence)))

        def replace(old: list[Suggestion], new_code: str) -> None:
            if self.onto.get(new_code) is None:
                return
            evidence = [e for s in old for e in s.evidence]
            score = max(s.score for s in old)
            for s in old:
                if s in out and not _flat(s.code).startswith(("N18", "I50")):
                    out.remove(s)
            if not any(s.code == new_code and s.status == "confirmed" for s in out):
                out.append(Suggestion(new_code, self._desc(new_code), "confirmed", score, evidence))

        # diabetes + CKD -> E1x.22 (the "with" convention presumes the link)
        for prefix in ("E08", "E09", "E10", "E11", "E13"):
            dm = first(lambda c, p=prefix: c.startswith(p))
            if dm is not None and has_ckd and _flat(dm.code) == prefix + "9":
                replace([dm], f"{prefix}.22")
            if first(lambda c, p=prefix: c == p + "22") is not None and not has_ckd:
                add("N18.9", first(lambda c, p=prefix: c == p + "22"))
        # hypertension with heart failure and/or CKD
        if htn is not None and (has_hf or has_ckd):
            if has_hf and has_ckd:
                target = "I13.2" if esrd else "I13.0"
            elif has_hf:
                target = "I11.0"
            else:
                target = "I12.0" if esrd else "I12.9"
            if _flat(htn.code) != _flat(target):
                replace([htn], target)
        # use additional code to identify the type of heart failure / the stage of CKD
        for combo in [s for s in out if s.status == "confirmed"]:
            flat = _flat(combo.code)
            if flat in ("I110", "I130", "I132") and not any(_flat(s.code).startswith("I50") for s in out):
                add("I50.9", combo)
            if flat.startswith(("I12", "I13")) and not any(_flat(s.code).startswith("N18") for s in out):
                add("N18.6" if flat in ("I120", "I132") else "N18.9", combo)
        return out


    def _drop_unspecified_beside_specific(self, sugg: list[Suggestion]) -> list[Suggestion]:
        """A category's default code ("Type 1 diabetes mellitus without complications", "Heart
        failure, unspecified") is not coded beside a more specific confirmed code of the same
        category (E10.40, I50.23): the specific code says all it says."""
        confirmed = [s for s in sugg if s.status == "confirmed"]
        by_cat: dict[str, list[Suggestion]] = {}
        for s_ in confirmed:
            by_cat.setdefault(category(s_.code), []).append(s_)
        drop = set()
        for cat, group in by_cat.items():
            if len(group) < 2:
                continue
            default = self.onto.inner.default_code(cat) if hasattr(self.onto.inner, "default_code") else None
            plain = {s_.code for s_ in group if s_.code == default or "without complication" in s_.description.lower()}
            if len(plain) < len(group):  # something more specific is there
                drop |= plain
        return [s_ for s_ in sugg if not (s_.status == "confirmed" and s_.code in drop)]

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
                    "specificity": True, "exclude_prefixes": list(DEFAULT_EXCLUDED_PREFIXES),
                    "z_codes": True, "z_rules": None, "conventions": None, "use_index": True,
                    "status_conventions": None},
)
def make_code_suggester(nlp: Language, name: str, *, ontology: str, setting: str, span_key: str,
                        rules: Optional[str], specificity: bool, exclude_prefixes: List[str],
                        z_codes: bool, z_rules: Optional[str], conventions: Optional[str],
                        use_index: bool, status_conventions: Optional[str]) -> CodeSuggester:
    return CodeSuggester(nlp, name, ontology=ontology, setting=setting, span_key=span_key, rules=rules,
                         specificity=specificity, exclude_prefixes=exclude_prefixes, z_codes=z_codes,
                         z_rules=z_rules, conventions=conventions, use_index=use_index,
                         status_conventions=status_conventions)
