"""What the OMOP and FHIR exporters share: code systems, findings and located errors.

A *finding* is one coded or uncoded mention to export, whatever it came from: a span of the
record (``origin="span"``) or the evidence of a code suggestion in ``record["codes"]``
(``origin="suggestion"``).  Both exporters work on findings so that the two sources are merged
the same way and nothing is exported twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from corpora.errors import (
    STD_NO_SYSTEM,
    STD_OFFSETS,
    STD_RECORD,
    StandardsError,
)
from corpora.record import ASSERTIONS

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CodeSystem:
    """One code system: clinlabel's name, its OMOP ``vocabulary_id`` and its FHIR URI."""

    name: str
    vocabulary_id: str | None
    uri: str | None
    condition: bool  # codes of this system become FHIR Conditions


ICD10CM = CodeSystem("ICD-10-CM", "ICD10CM", "http://hl7.org/fhir/sid/icd-10-cm", True)
SNOMED = CodeSystem("SNOMED CT", "SNOMED", "http://snomed.info/sct", True)
ICD10 = CodeSystem("ICD-10", "ICD10", "http://hl7.org/fhir/sid/icd-10", True)
RXNORM = CodeSystem("RxNorm", "RxNorm", "http://www.nlm.nih.gov/research/umls/rxnorm", False)
LOINC = CodeSystem("LOINC", "LOINC", "http://loinc.org", False)
MESH = CodeSystem("MeSH", "MeSH", None, False)

#: Spellings seen in the wild (UMLS source abbreviations, OMOP vocabulary ids, FHIR URIs),
#: compared after upper-casing and dropping spaces, dashes and underscores.
_ALIASES: dict[str, CodeSystem] = {}
for _system, _names in (
    (ICD10CM, ("ICD-10-CM", "ICD10CM", "ICD10-CM", "http://hl7.org/fhir/sid/icd-10-cm")),
    (SNOMED, ("SNOMED CT", "SNOMEDCT", "SNOMEDCT_US", "SNOMED", "SCT", "SNOMED-CT", "http://snomed.info/sct")),
    (ICD10, ("ICD-10", "ICD10", "http://hl7.org/fhir/sid/icd-10")),
    (RXNORM, ("RxNorm", "RXNORM", "http://www.nlm.nih.gov/research/umls/rxnorm")),
    (LOINC, ("LOINC", "LNC", "http://loinc.org")),
    (MESH, ("MeSH", "MSH")),
):
    for _name in _names:
        _ALIASES[_name.upper().replace(" ", "").replace("-", "").replace("_", "")] = _system


def code_system(name: str) -> CodeSystem | None:
    """The known :class:`CodeSystem` called ``name`` (any usual spelling), else ``None``."""
    return _ALIASES.get(str(name).strip().upper().replace(" ", "").replace("-", "").replace("_", ""))


def normalise_system(name: str) -> str:
    """clinlabel's spelling of a system name (``"SNOMEDCT_US"`` -> ``"SNOMED CT"``); unknown names unchanged."""
    system = code_system(name)
    return system.name if system else str(name).strip()


# --- assertions --------------------------------------------------------------------------------

#: ``codes[].status`` -> the assertion it stands for (``confirmed`` is none).
STATUS_ASSERTION = {"negated": "negated", "uncertain": "uncertain", "historical": "historical",
                    "family": "family", "hypothetical": "hypothetical", "confirmed": None}


def assertion_status(assertions: Mapping[str, bool]) -> str:
    """One status word for a set of assertions (family > negated > hypothetical > uncertain > historical)."""
    for name in ("family", "negated", "hypothetical", "uncertain", "historical"):
        if assertions.get(name):
            return name
    return "confirmed"


# --- errors ------------------------------------------------------------------------------------


def std_error(code: str, what: str, fix: str = "", *, file=None, line=None) -> StandardsError:
    return StandardsError(what, fix, file=file, line=line, code=code)


@dataclass
class Where:
    """Where a record came from, for located errors: ``source`` file, 1-based record number, note id.

    With a ``source`` the message reads ``FILE:N: note 'ID': ...`` (N is the record number, the
    line of a JSONL file without blank lines); without one, ``record N (note 'ID'): ...``.
    """

    source: str | None
    line: int
    note: Any = None

    def error(self, code: str, what: str, fix: str = "") -> StandardsError:
        if self.source is None:
            prefix = f"record {self.line}" + (f" (note {str(self.note)!r})" if self.note is not None else "")
            return std_error(code, f"{prefix}: {what}", fix)
        if self.note is not None:
            what = f"note {str(self.note)!r}: {what}"
        return std_error(code, what, fix, file=self.source, line=self.line)


# --- findings ----------------------------------------------------------------------------------


@dataclass
class Finding:
    """One mention to export (see the module docstring)."""

    start: int | None
    end: int | None
    text: str
    label: str | None = None
    code: str | None = None
    system: str | None = None
    description: str | None = None
    section: str | None = None
    score: float | None = None
    source: str | list | None = None
    kb_id: str | None = None
    assertions: dict[str, bool] = field(default_factory=lambda: {a: False for a in ASSERTIONS})
    origin: str = "span"  # "span" or "suggestion"
    status: str | None = None  # code suggestions: their status word
    #: how a span row carries a code suggestion that cites it: "cited" (the span has the same
    #: code) or "attached" (the span had no code; the code is the suggestion's); else None
    link: str | None = None
    suggestion_score: float | None = None

    @property
    def modifiers_true(self) -> list[str]:
        return [a for a in ASSERTIONS if self.assertions.get(a)]


def note_id_of(record: Mapping[str, Any]) -> Any:
    meta = record.get("meta") or {}
    for key in ("note_id", "id"):
        if meta.get(key) is not None:
            return meta[key]
    return None


def _check_code(code: Any, system: Any, where: Where, what: str) -> tuple[str | None, str | None]:
    if code is None or code == "":
        return None, None
    if system is None or str(system).strip() == "":
        raise where.error(
            STD_NO_SYSTEM, f"{what} has code {code!r} but no \"system\"",
            "add the code system (e.g. \"system\": \"ICD-10-CM\" or \"SNOMED CT\") next to every \"code\"",
        )
    return str(code).strip(), normalise_system(str(system))


def _check_offsets(start: Any, end: Any, text: str, where: Where, what: str) -> None:
    bad_type = any(not isinstance(v, int) or isinstance(v, bool) for v in (start, end))
    if bad_type or not (0 <= start <= end <= len(text)):
        raise where.error(
            STD_OFFSETS, f"{what} offsets {start!r}-{end!r} fall outside the text (length {len(text)})",
            "give character offsets into \"text\" with 0 <= start <= end <= len(text) (end exclusive)",
        )


def record_findings(record: Mapping[str, Any], where: Where) -> list[Finding]:
    """The findings of one record: its spans, plus code-suggestion evidence no span already carries.

    A code suggestion whose evidence sits at the offsets of a span with the same (system, code)
    adds no finding: the span is marked ``link="cited"``.  Evidence at the offsets of an uncoded
    span gives that span the code (``link="attached"``).  Evidence elsewhere becomes its own
    finding with the suggestion's status as assertions.  A suggestion without evidence becomes
    one finding without offsets.  Raises located errors for codes without a system, offsets
    outside the text and malformed entries.
    """
    text = record.get("text")
    if not isinstance(text, str):
        raise where.error(STD_RECORD, "record has no \"text\" string", "every record needs the note under \"text\"")
    findings: list[Finding] = []
    seen: dict[tuple, Finding | None] = {}
    for i, span in enumerate(record.get("spans") or []):
        if not isinstance(span, Mapping):
            raise where.error(STD_RECORD, f"span {i} is not an object", "write each span as {\"start\", \"end\", \"label\"}")
        start, end = span.get("start"), span.get("end")
        _check_offsets(start, end, text, where, f"span {i}")
        code, system = _check_code(span.get("code"), span.get("system"), where, f"span {i}")
        assertions = {a: bool(span.get(a)) for a in ASSERTIONS}
        findings.append(Finding(
            start=start, end=end, text=text[start:end], label=span.get("label"), code=code, system=system,
            section=span.get("section"), score=span.get("score"), source=span.get("source"),
            kb_id=span.get("kb_id"), assertions=assertions,
        ))
        if code:
            seen.setdefault((start, end, system, code), findings[-1])
    uncoded = {(f.start, f.end): f for f in reversed(findings) if not f.code}
    for j, sugg in enumerate(record.get("codes") or []):
        if not isinstance(sugg, Mapping):
            raise where.error(STD_RECORD, f"codes[{j}] is not an object", "write each code suggestion as {\"code\", \"system\", ...}")
        code, system = _check_code(sugg.get("code"), sugg.get("system"), where, f"codes[{j}]")
        if not code:
            raise where.error(STD_RECORD, f"codes[{j}] has no \"code\"", "give every code suggestion a \"code\" and a \"system\"")
        status = str(sugg.get("status") or "confirmed")
        if status not in STATUS_ASSERTION:
            raise where.error(
                STD_RECORD, f"codes[{j}] has status {status!r}",
                f"use one of {', '.join(STATUS_ASSERTION)}",
            )
        assertions = {a: False for a in ASSERTIONS}
        if STATUS_ASSERTION[status]:
            assertions[STATUS_ASSERTION[status]] = True
        evidence = sugg.get("evidence") or []
        if not isinstance(evidence, list) or not all(isinstance(ev, Mapping) for ev in evidence):
            raise where.error(STD_RECORD, f"codes[{j}].evidence is not a list of objects",
                              "write evidence as [{\"start\": ..., \"end\": ..., \"text\": ...}]")
        common = dict(code=code, system=system, description=sugg.get("description"),
                      suggestion_score=sugg.get("score"), origin="suggestion", status=status)
        if not evidence:
            findings.append(Finding(start=None, end=None, text=str(sugg.get("description") or code),
                                    assertions=dict(assertions), **common))
            continue
        for k, ev in enumerate(evidence):
            start, end = ev.get("start"), ev.get("end")
            _check_offsets(start, end, text, where, f"codes[{j}].evidence[{k}]")
            key = (start, end, system, code)
            if key in seen:
                span = seen[key]
                if span is not None and span.link is None:  # the coded span records the suggestion
                    span.link, span.status, span.description = "cited", status, sugg.get("description")
                    span.suggestion_score = sugg.get("score")
                continue
            span = uncoded.pop((start, end), None)
            if span is not None:  # the uncoded span at these offsets carries the suggested code
                span.code, span.system, span.link = code, system, "attached"
                span.status, span.description = status, sugg.get("description")
                span.suggestion_score = sugg.get("score")
                seen[key] = None
                continue
            seen[key] = None
            findings.append(Finding(start=start, end=end, text=text[start:end], section=ev.get("section"),
                                    assertions=dict(assertions), **common))
    return findings


def records_with_location(records: Iterable[Mapping[str, Any]], source: str | None) -> Iterable[tuple[Mapping, Where]]:
    """Pair each record with where it came from (``source`` file, record number = JSONL line)."""
    for n, record in enumerate(records, start=1):
        if not isinstance(record, Mapping):
            raise Where(source, n).error(STD_RECORD, f"record is {type(record).__name__}, not an object",
                                         "pass records as dicts (Prodigy tasks)")
        meta = record.get("meta") if isinstance(record.get("meta"), Mapping) else {}
        yield record, Where(source, n, meta.get("id", meta.get("note_id")))


@dataclass
class Group:
    """One coded finding for a resource-per-code export (FHIR): a code, its assertions, its evidence."""

    code: str
    system: str
    assertions: dict[str, bool]
    evidence: list[Finding]
    description: str | None = None
    score: float | None = None
    origin: str = "span"


def record_groups(record: Mapping[str, Any], where: Where) -> list[Group]:
    """Coded findings grouped per resource: one group per code suggestion (with all its evidence),
    plus one per (system, code, assertions) of the coded spans no suggestion of the same code cites.

    Validates the record like :func:`record_findings` (same located errors).
    """
    findings = record_findings(record, where)  # validation
    groups: list[Group] = []
    cited: set[tuple] = set()
    for sugg in record.get("codes") or []:
        system = normalise_system(sugg["system"])
        code = str(sugg["code"]).strip()
        status = str(sugg.get("status") or "confirmed")
        assertions = {a: False for a in ASSERTIONS}
        if STATUS_ASSERTION.get(status):
            assertions[STATUS_ASSERTION[status]] = True
        evidence = []
        for ev in sugg.get("evidence") or []:
            start, end = ev["start"], ev["end"]
            cited.add((start, end, system, code))
            evidence.append(Finding(start=start, end=end, text=record["text"][start:end], section=ev.get("section"),
                                    code=code, system=system, assertions=assertions, origin="suggestion"))
        groups.append(Group(code=code, system=system, assertions=assertions, evidence=evidence,
                            description=sugg.get("description"), score=sugg.get("score"), origin="suggestion"))
    by_key: dict[tuple, Group] = {}
    for f in findings:
        if f.origin != "span" or f.link or not f.code or (f.start, f.end, f.system, f.code) in cited:
            continue
        key = (f.system, f.code, tuple(f.assertions[a] for a in ASSERTIONS))
        group = by_key.get(key)
        if group is None:
            group = by_key[key] = Group(code=f.code, system=f.system, assertions=dict(f.assertions), evidence=[],
                                        score=f.score)
            groups.append(group)
        elif f.score is not None:
            group.score = max(group.score if group.score is not None else f.score, f.score)
        group.evidence.append(f)
    return groups
