"""Z codes for code suggestion: what a coder adds from the history, status and reason for a visit.

ICD-10-CM Official Guidelines, Section I.C.21 (factors influencing health status).  Every code
comes from the ICD-10-CM Alphabetic Index, walked as for any mention
(:mod:`ontologies.alphabetic_index`), so the rules here only decide *where to start*:

* **personal history** (Z85-Z87, and "old" codes such as I25.2): a mention whose status is
  ``historical`` is looked up under *History, personal (of)* with the mention's words (and the
  words of its code's Tabular titles: "breast cancer" reaches "malignant neoplasm, breast",
  Z85.3).  A code comes only when a word of the mention itself names a subterm (so a chronic
  condition in the past history, "diabetes", gives no Z code: the Index has no such subterm),
  and not when the same condition is also coded as current;
* **family history** (Z80-Z84): a ``family`` mention under *History, family (of)*;
* **status** (Z95 grafts and implants, Z99 dependence, Z90 acquired absence, Z93 openings, Z66
  DNR ...): the words after "s/p", "status post", "history of", "on", "underwent" ... are
  looked up under *Status*, *Dependence* and *Presence*; only Z codes count;
* **screening** (Z12-Z13): "screening" with what follows, under *Screening*; **follow-up after
  completed treatment** (Z09): a follow-up sentence about a condition that is historical only;
  **examinations** (Z00-Z01): the reason for the visit is an annual or general examination
  (*Examination*, "with abnormal findings" when the note makes a diagnosis);
* **long-term drug therapy** (Z79.01 anticoagulants, Z79.4 insulin, Z79.84 oral hypoglycemics):
  a drug of the class named in the text after "on", "continue", "started on" ... or as "<drug>
  therapy", outside the medication list (a list alone is not coded).

Each suggestion carries its evidence (the words that support it) and the status ``confirmed``.
The trigger words, drug classes and procedure abbreviations are data
(``resources/codes/z_codes.json``).
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any, Iterable

from ontologies.alphabetic_index import WordContext, words_of

__all__ = ["ZRules", "ZCoder", "load_z_rules"]


@dataclass
class ZRules:
    status_triggers: list[str]
    status_mains: list[str]
    status_code_prefixes: tuple[str, ...]
    status_codes_excluded: set[str]
    status_phrases: dict[str, str]
    standalone_status: dict[str, str]
    screening_words: list[str]
    screening_sites: dict[str, str]
    follow_up_words: list[str]
    follow_up_after: list[str]
    drug_triggers: list[str]
    drug_sections_excluded: set[str]
    long_term_drugs: dict[str, dict[str, Any]]
    encounter_sections: set[str] = field(default_factory=set)
    encounter_words: list[str] = field(default_factory=list)
    #: past habits stated in words ("quit smoking", "former smoker"): {"words": [...], "past_cues":
    #: [...], "current_cues": [...], "index_words": "nicotine dependence"} (see z_codes.json)
    past_habits: dict[str, Any] = field(default_factory=dict)
    _compiled: dict[str, re.Pattern] = field(default_factory=dict, repr=False)

    def pattern(self, name: str, words: Iterable[str]) -> re.Pattern:
        """A regex of the phrases ``words`` as whole words, for lower-case text (no re.I: it is
        several times slower on long alternations)."""
        pat = self._compiled.get(name)
        if pat is None:
            alts = sorted((re.escape(w.lower()).replace(r"\ ", r"\s+") for w in words), key=len, reverse=True)
            pat = self._compiled[name] = re.compile(r"(?<![\w/])(?:" + "|".join(alts) + r")(?![\w/])")
        return pat


def load_z_rules(path: str | None = None) -> ZRules:
    """The Z-code rules: the shipped ``resources/codes/z_codes.json`` or a file of the same shape."""
    if path is None:
        data = json.loads((files("nlp_pipeline.resources") / "codes" / "z_codes.json").read_text("utf-8"))
    else:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    return ZRules(
        status_triggers=list(data["status_triggers"]), status_mains=list(data["status_mains"]),
        status_code_prefixes=tuple(data["status_code_prefixes"]),
        status_codes_excluded=set(data.get("status_codes_excluded", ())),
        status_phrases=dict(data.get("status_phrases", {})), standalone_status=dict(data.get("standalone_status", {})),
        screening_words=list(data["screening_words"]), screening_sites=dict(data.get("screening_sites", {})),
        follow_up_words=list(data["follow_up_words"]), follow_up_after=list(data.get("follow_up_after", ())),
        drug_triggers=list(data["drug_triggers"]), drug_sections_excluded=set(data.get("drug_sections_excluded", ())),
        long_term_drugs=dict(data["long_term_drugs"]),
        encounter_sections=set(data.get("encounter_sections", ())), encounter_words=list(data.get("encounter_words", ())),
        past_habits=dict(data.get("past_habits", {})))


@dataclass
class ZFinding:
    """One Z code and the text that supports it."""

    code: str
    start: int
    end: int
    why: str            # history | family | status | screening | follow_up | drug
    path: str = ""      # the Index path that gave the code
    score: float = 0.8


_PLAN_SECTIONS = frozenset({"plan", "assessment_and_plan", "observation_and_plan"})
_CLAUSE_END = re.compile(r"[.;:\n]|,\s|\band\b|\bbut\b|\bwho\b|\bwhich\b", re.I)
#: a drug or status the text denies: "no anticoagulation", "not on Coumadin", "off warfarin",
#: "stopped his Coumadin", "no history of CABG" (the words right before it) ...
_DENIED_BEFORE = re.compile(
    r"(?:^|\W)(?:no|not|never|off|without|denies|denied|stop|stopped|stopping|discontinue|discontinued|held|hold|"
    r"holding|avoid|avoided|avoiding|refused|refuses|declined|declines|no longer|negative for|contraindication to|"
    r"contraindications to|intolerant of|intolerance to|allergic to|allergy to)"
    r"\s+(?:(?:on|taking|takes|using|any|the|his|her|their|further|more|with|therapeutic|chronic|long-term|"
    r"prior|previous|history|of|a|an|to|be|being|been|currently|ever|requiring|require|requires|needing)\s+){0,3}$", re.I)
#: ... or afterwards: "Coumadin was held", "Coumadin is contraindicated"
_DENIED_AFTER = re.compile(r"^\s*(?:was|were|is|are|has been|had been|will be)?\s*(?:stopped|held|discontinued|"
                           r"contraindicated|declined|refused|not tolerated)\b", re.I)
#: ... or puts in the future or in question: "anticoagulation for four weeks before cardioversion",
#: "will start Coumadin", "candidate for dialysis", "risks of anticoagulation" (a later "continue"
#: or "remains on" makes it current again: "will continue Coumadin")
_NOT_YET = re.compile(r"\b(?:will|would|should|may|might|could|if|after|until|consider|considered|considering|"
                      r"candidate|candidates|plan|plans|planned|planning|recommend|recommended|recommends|scheduled|"
                      r"need|needs|needed|risk|risks|discuss|discussed|discussion|option|options|possible|"
                      r"evaluate|evaluation|whether|prior to|before)\b", re.I)
_STILL = re.compile(r"\b(?:continue|continues|continued|continuing|resume|resumed|remain|remains|remained|still|"
                    r"currently|chronically|long-term|maintained)\b", re.I)


def not_current(sent: str, start: int, end: int) -> bool:
    """Whether a drug or status at ``sent[start:end]`` is denied, stopped, or only planned or
    considered in its clause (so no long-term-use or status Z code): see the patterns above."""
    before = sent[max(0, start - 60):start]
    if _DENIED_BEFORE.search(before) or _DENIED_AFTER.match(sent[end:end + 40]):
        return True
    cuts = [m.end() for m in _CLAUSE_END.finditer(sent, 0, start)]
    clause = sent[cuts[-1] if cuts else 0:start]
    later = None
    for later in _NOT_YET.finditer(clause):
        pass
    if later is None:
        return False
    return not any(m.start() > later.start() for m in _STILL.finditer(clause))


class ZCoder:
    """Finds Z codes with an ontology that has an Alphabetic Index (``onto.index``) and the
    Tabular lookups of :class:`nlp_pipeline.codes._CachedOntology` (``get``, ``description``,
    ``ancestors`` through ``parents``)."""

    def __init__(self, onto, rules: ZRules) -> None:
        self.onto = onto
        self.index = getattr(onto, "index", None)
        self.rules = rules
        self._mains: dict[str, list[int]] = {}
        self._status_vocab: frozenset[str] | None = None
        self._drug_class: dict[str, str] | None = None
        self._history: dict[tuple, tuple[str, str] | None] = {}  # answers depend on the words only
        self._statuses: dict[str, tuple[str, str] | None] = {}
        self._drug_said = re.compile(r"(?:^|\W)(?:" + "|".join(map(re.escape, rules.drug_triggers)) +
                                     r")\s*(?:the\s+|a\s+)?$", re.I)

    def _main(self, key: str) -> list[int]:
        if key not in self._mains:
            self._mains[key] = self.index.mains(key) if self.index is not None else []
        return self._mains[key]

    def _status_words(self) -> frozenset[str]:
        if self._status_vocab is None:
            words: set[str] = set()
            for main in self.rules.status_mains:
                for eid in self._main(main):
                    words |= self.index._below(eid)
            self._status_vocab = frozenset(words - {"nec", "nos"})
        return self._status_vocab

    def _titles(self, code: str) -> set[str]:
        """Words of the Tabular titles of ``code`` and its ancestors up to the chapter (what kind of
        condition it is: "Diseases of the digestive system")."""
        words: set[str] = set()
        cur, steps = code, 0
        while cur and steps < 6:
            words.update(words_of(self.onto.description(cur) or ""))
            parents = self.onto.parents(cur)
            cur = parents[0] if parents else None
            steps += 1
        return words

    def _under(self, main: str, sub: str | None, mention: list[str], near: set[str], *, need_mention: bool = True):
        """The Index hit under main term ``main`` (and its subterm ``sub``) for these words; with
        ``need_mention`` a word of the mention other than a generic one ("disease") must name a
        subterm on the way (so a chronic condition's history does not fall into a catch-all)."""
        from ontologies.terms import GENERIC

        if self.index is None:
            return None
        for start in self._main(main):
            node = start
            if sub is not None:
                node = next((c.id for c in self.index.children(start) if c.term.lower().startswith(sub)), None)
                if node is None:
                    continue
            hit = self.index.lookup(WordContext(mention, near, near), start=node, start_refs=False)
            if hit is None or len(hit.path) < 2:
                continue
            specific = {self.index.key(w) for w in mention if w not in GENERIC}
            if need_mention and not (hit.used | hit.absorbed) & specific:
                continue
            return hit
        return None

    # -- history -------------------------------------------------------------------------------
    def history(self, kind: str, code: str, mention_text: str) -> tuple[str, str] | None:
        """Personal (``kind="historical"``) or family (``"family"``) history code for a mention
        whose condition has ``code``: ``(Z code, Index path)`` or ``None``."""
        key = (kind, code, tuple(words_of(mention_text)))
        if key not in self._history:
            self._history[key] = self._history_code(kind, code, list(key[2]))
        return self._history[key]

    def _history_code(self, kind: str, code: str, mention: list[str]) -> tuple[str, str] | None:
        by_title = kind == "historical" and code.upper().startswith(_NAMED_BY_TITLE)
        # a lay word's condition is named by its own title, not by its chapter's ("mental disorder")
        near = (set(words_of(self.onto.description(code) or "")) if by_title else self._titles(code)) | set(mention)
        hit = self._under("history", "personal" if kind == "historical" else "family", mention, near,
                          need_mention=kind == "historical" and not by_title)
        if hit is None or self.onto.get(hit.code) is None or not _history_agrees(code, hit.code):
            return None
        return hit.code, hit.text

    # -- text rules ----------------------------------------------------------------------------
    def _past_habits(self, text: str, sentences: list[tuple[int, int]], current_codes: set[str]) -> list[ZFinding]:
        """History of a habit the text states in words, not as a condition the matcher finds: "quit
        smoking in 2005", "former smoker", "ex-smoker" -> History, personal, nicotine dependence
        (Z87.891); not when the clause says it goes on or is only advised ("counseled to quit
        smoking", "trying to quit", "still smokes"), nor beside a current nicotine dependence code."""
        spec = self.rules.past_habits
        if not spec or any(c.startswith("F17") for c in current_codes):
            return []
        r = self.rules
        habit = r.pattern("habit_words", spec.get("words", ()))
        past = r.pattern("habit_past", spec.get("past_cues", ()))
        current = r.pattern("habit_current", spec.get("current_cues", ()))
        low = text.lower()
        for m in habit.finditer(low):
            s0, s1 = next(((a, b) for a, b in sentences if a <= m.start() < b), (0, len(low)))
            cuts = [c.end() for c in _CLAUSE_END.finditer(low, s0, m.start())]
            lo = cuts[-1] if cuts else s0
            nxt = _CLAUSE_END.search(low, m.end(), s1)
            clause = low[lo:nxt.start() if nxt else s1]
            if not past.search(clause) or current.search(clause) or _DENIED_BEFORE.search(low[max(lo, m.start() - 60):m.start()]):
                continue
            words = words_of(spec.get("index_words", ""))
            hit = self._under("history", "personal", words, set(words))
            if hit is not None and self.onto.get(hit.code) is not None:
                return [ZFinding(hit.code, m.start(), m.end(), "history", hit.text)]
        return []

    def from_text(self, text: str, sentences: list[tuple[int, int]], *, sections: list[tuple[int, int, str]],
                  historical_codes: dict[str, list[tuple[int, int]]], current_codes: set[str]) -> list[ZFinding]:
        """Status, screening, follow-up and long-term drug Z codes stated in ``text``
        (``sentences``: character bounds; ``sections``: (start, end, category))."""
        out: list[ZFinding] = []
        r = self.rules
        any_trigger = r.pattern("any", [*r.status_triggers, *r.standalone_status, *r.screening_words,
                                        *r.follow_up_words, *r.encounter_words])
        if self._drug_class is None:
            self._drug_class = {n.lower(): code for code, spec in r.long_term_drugs.items()
                                for n in list(spec.get("names", ())) + list(spec.get("words", ()))}
        starts = [a for a, _ in sentences]
        out.extend(self._past_habits(text, sentences, current_codes))

        def sentences_with(pattern: re.Pattern) -> set[int]:
            """Indexes of the sentences where ``pattern`` matches (one pass over the note)."""
            return {max(0, bisect.bisect_right(starts, m.start()) - 1) for m in pattern.finditer(text)}

        low = text.lower()
        if len(low) != len(text):  # a character whose lower case is longer: keep offsets exact
            low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
        text = low  # the patterns read lower case; offsets are the same, evidence is cut by the caller
        triggered = sentences_with(any_trigger)
        with_drugs = sentences_with(r.pattern("drugs", self._drug_class))
        for k, (s0, s1) in enumerate(sentences):
            if k not in triggered:
                if k in with_drugs and _section_at(sections, s0) not in r.drug_sections_excluded:
                    out.extend(self._drugs(text[s0:s1], s0, plan=_section_at(sections, s0) in _PLAN_SECTIONS))
                continue
            sent = text[s0:s1]
            # status: "s/p CABG", "on hemodialysis", "DNR"
            for m in r.pattern("status", r.status_triggers).finditer(sent):
                clause = _clause(sent, m.end())
                if clause and not not_current(sent, m.start(), m.end() + clause[1]):
                    out.extend(self._status(clause[0], s0 + m.start(), s0 + m.end() + clause[1]))
            for m in r.pattern("standalone", r.standalone_status).finditer(sent):
                if not not_current(sent, m.start(), m.end()):
                    out.extend(self._status(r.standalone_status[m.group(0).lower()], s0 + m.start(), s0 + m.end()))
            # screening: "screening colonoscopy", "referred for screening mammogram"
            for m in r.pattern("screening", r.screening_words).finditer(sent):
                words = _clause(sent, m.end()) or ("", 0)
                before = sent[max(0, m.start() - 40):m.start()]
                phrase = " ".join(filter(None, [_last_words(before, 2), words[0]]))
                for site, expansion in r.screening_sites.items():
                    if re.search(rf"\b{re.escape(site)}\b", phrase, re.I):
                        phrase += " " + expansion
                hit = self._under("screening", None, words_of(phrase), set(words_of(phrase)))
                if hit is not None and hit.code.startswith(("Z11", "Z12", "Z13")):
                    out.append(ZFinding(hit.code, s0 + m.start(), s0 + m.end() + words[1], "screening", hit.text))
            # follow-up after completed treatment of a condition that is history now
            if r.pattern("follow", r.follow_up_words).search(sent):
                held = [c for c, spans in historical_codes.items() if any(s0 <= a < s1 for a, _ in spans)]
                if held and not any(c in current_codes for c in held):
                    code = "Z08" if any(c[:1] == "C" for c in held) else "Z09"
                    if self.onto.get(code) is not None:
                        out.append(ZFinding(code, s0, s1, "follow_up", "Encounter, follow-up"))
            # the reason for the visit is an examination: "REASON FOR VISIT: Annual physical examination."
            if r.encounter_words and _section_at(sections, s0) in r.encounter_sections:
                m = r.pattern("encounter", r.encounter_words).search(sent)
                if m:
                    words = words_of(m.group(0))
                    if any(c[:1] not in "RZ" for c in current_codes):  # a diagnosis was made: abnormal findings
                        words += ["with", "abnormal", "finding"]
                    hit = self._under("examination", None, words, set(words) | {"annual", "adult"})
                    if hit is not None and hit.code.startswith(("Z00", "Z01", "Z02")):
                        out.append(ZFinding(hit.code, s0 + m.start(), s0 + m.end(), "encounter", hit.text))
            # long-term drug therapy: "on Coumadin", "continue metformin", "insulin therapy"
            if k not in with_drugs or _section_at(sections, s0) in r.drug_sections_excluded:
                continue
            out.extend(self._drugs(sent, s0, plan=_section_at(sections, s0) in _PLAN_SECTIONS))
        return out

    def _status(self, clause: str, start: int, end: int) -> list[ZFinding]:
        key = " ".join(clause.lower().split())
        if key not in self._statuses:
            self._statuses[key] = self._status_code(key)
        got = self._statuses[key]
        return [ZFinding(got[0], start, end, "status", got[1])] if got else []

    def _status_code(self, clause: str) -> tuple[str, str] | None:
        r = self.rules
        low = clause.lower()
        for short, long in r.status_phrases.items():
            low = re.sub(rf"(?<!\w){re.escape(short)}(?!\w)", long, low)
        mention = words_of(low)[:6]
        if not mention:
            return None
        content = [w for w in mention if len(w) > 2]
        if not {self.index.key(w) for w in content} & self._status_words():
            return None  # no word the Status / Dependence / Presence entries use
        for main in r.status_mains:
            hit = self._under(main, None, mention, set(mention))
            if hit is None or not hit.code.startswith(r.status_code_prefixes) or hit.code in r.status_codes_excluded:
                continue
            if hit.explained * 2 < min(len(set(content)), 4):  # the clause must be about the status
                continue
            if self.onto.get(hit.code) is None:
                continue
            return hit.code, hit.text
        return None

    def _drugs(self, sent: str, s0: int, *, plan: bool) -> list[ZFinding]:
        r = self.rules
        out = []
        for m in r.pattern("drugs", self._drug_class).finditer(sent):
            code = self._drug_class[m.group(0).lower()]
            spec = r.long_term_drugs[code]
            before = sent[max(0, m.start() - 30):m.start()]
            after = sent[m.end():m.end() + 12]
            said = self._drug_said.search(before) or re.match(r"\s+(?:therapy|treatment)\b", after, re.I) \
                or m.group(0).lower() in spec.get("words", ()) or plan
            if said and not not_current(sent, m.start(), m.end()) and self.onto.get(code) is not None:
                out.append(ZFinding(code, s0 + m.start(), s0 + m.end(), "drug",
                                    f"Long-term (current) drug therapy ({spec.get('about', '')})"))
        return out


#: conditions a note names with a lay word for a person ("former smoker", "ex-smoker"): the
#: Tabular title ("Nicotine dependence") names the history subterm (History, personal, nicotine
#: dependence Z87.891), as a coder reads it
_NAMED_BY_TITLE = ("F17",)

#: history codes of neoplasms and the condition codes they may stand for: a history of a malignant
#: neoplasm (Z85, Z80 in the family) only for a malignant one (C00-C96), of an in-situ or benign one
#: (Z86.00-, Z86.01-) only for a neoplasm or polyp (D00-D49, K63.5, K62.1, K31.7)
_HISTORY_CLASSES = (
    (("Z85", "Z80"), lambda c: c[:1] == "C"),
    (("Z86.0",), lambda c: c[:1] == "D" and c[1:3] <= "49" or c[:5] in ("K63.5", "K62.1", "K31.7")),
)


def _history_agrees(condition: str, history: str) -> bool:
    """Whether ``history`` (a Z code) can be the history code of the condition ``condition``: a
    benign cyst, nodule or fibroid never gets a cancer-history code through the words of its
    Tabular titles ("ovarian cyst" -> not Z85.43)."""
    for prefixes, fits in _HISTORY_CLASSES:
        if history.startswith(prefixes):
            return fits(condition.upper())
    return True


def _clause(sent: str, pos: int) -> tuple[str, int] | None:
    """The words after ``pos`` up to the end of the clause: (text, length)."""
    rest = sent[pos:pos + 80]
    m = _CLAUSE_END.search(rest)
    clause = rest[: m.start()] if m else rest
    return (clause, len(clause)) if clause.strip() else None


def _last_words(text: str, n: int) -> str:
    return " ".join(re.findall(r"[A-Za-z]+", text)[-n:])


def _section_at(sections: list[tuple[int, int, str]], pos: int) -> str | None:
    for a, b, cat in sections:
        if a <= pos < b:
            return cat
    return None
