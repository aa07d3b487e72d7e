"""FHIR R4 export: one Bundle per note, as NDJSON (one Bundle per line, as FHIR bulk data does).

Resources are built with the ``fhir.resources`` models of FHIR **R4B** (``fhir.resources.R4B``,
FHIR 4.3.0): fhir.resources 8.x ships R5 (default), R4B and STU3, and no 4.0.1 module.  The
elements used here (Bundle, Patient, DocumentReference, Condition with ``evidence.detail``,
FamilyMemberHistory) are the same in R4 and R4B, so the JSON is valid R4 too.  Each resource is
validated when it is built, and each Bundle once more from its JSON before it is written.

Per note (record):

* a **DocumentReference** (``status`` current) with the note text as a ``text/plain`` attachment
  and ``meta.id`` as identifier (system :data:`NOTE_ID_SYSTEM`);
* the patient: ``Patient/<meta.patient_id>`` (or ``person_id`` / ``subject_id``) when the record
  says whose note it is, else a placeholder Patient entry in the Bundle that all resources share;
* a **Condition** per code suggestion (``record["codes"]``) and per coded span that no
  suggestion of the same code cites (spans with the same code and assertions share one
  Condition), for ICD-10-CM, SNOMED CT and ICD-10 codes (``code.coding.system`` is
  ``http://hl7.org/fhir/sid/icd-10-cm``, ``http://snomed.info/sct``, ``http://hl7.org/fhir/sid/icd-10``).
  ``verificationStatus``: refuted (negated), unconfirmed (hypothetical), provisional (uncertain),
  else confirmed.  ``clinicalStatus``: inactive (historical) else active, and absent when
  refuted (R4 asks for it only on problem-list items, con-3; "active" would contradict
  "refuted").  Each mention is one
  ``evidence`` whose ``detail`` references the DocumentReference (``display`` = the quoted
  text) and whose extension :data:`EXT_TEXT_SPAN` holds ``start``, ``end`` (character offsets,
  end exclusive), ``text`` and ``section``.
* family findings become a **FamilyMemberHistory** (relationship ``FAMMEMB``, "family member",
  since the note rarely says which one) with the code as ``condition.code`` and the text-span
  extension on the condition; a negated family finding ("no family history of X") carries the
  modifier extension :data:`EXT_NEGATED` on the condition, because FHIR R4 has no element for it.

Codes of other systems (RxNorm, LOINC, MeSH, ...) and uncoded spans are not Conditions and are
left out (the NOTE_NLP export keeps every span).  ``EXT_*`` are clinlabel's own, unpublished
extension URLs.
"""

from __future__ import annotations

import base64
import datetime as _dt
import json
import logging
import uuid
from pathlib import Path
from typing import Any, Iterable, Mapping

from corpora.errors import STD_FHIR, STD_NOTE_ID, STD_OUTPUT

from ._common import Group, Where, code_system, note_id_of, record_groups, records_with_location, std_error

logger = logging.getLogger(__name__)

NOTE_ID_SYSTEM = "urn:clinlabel:note-id"
EXT_TEXT_SPAN = "urn:clinlabel:fhir:StructureDefinition:text-span"
EXT_NEGATED = "urn:clinlabel:fhir:StructureDefinition:negated"
EXT_SCORE = "urn:clinlabel:fhir:StructureDefinition:score"
CLINICAL_STATUS = "http://terminology.hl7.org/CodeSystem/condition-clinical"
VERIFICATION_STATUS = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
FHIR_VERSION = "R4B"

_NAMESPACE = uuid.UUID("6f1c2f9e-3b0a-5a8e-9c55-c1a11abe1000")


def verification_status(assertions: Mapping[str, bool]) -> str:
    if assertions.get("negated"):
        return "refuted"
    if assertions.get("hypothetical"):
        return "unconfirmed"
    if assertions.get("uncertain"):
        return "provisional"
    return "confirmed"


def clinical_status(assertions: Mapping[str, bool]) -> str:
    return "inactive" if assertions.get("historical") else "active"


def _urn(*parts: Any) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, json.dumps([str(p) for p in parts]))}"


def _text_span_extension(f) -> dict[str, Any]:
    sub: list[dict[str, Any]] = [{"url": "start", "valueInteger": f.start}, {"url": "end", "valueInteger": f.end}]
    if f.text and f.text.strip():
        sub.append({"url": "text", "valueString": f.text})
    if f.section:
        sub.append({"url": "section", "valueString": str(f.section)})
    return {"url": EXT_TEXT_SPAN, "extension": sub}


def _concept(group: Group) -> dict[str, Any]:
    coding: dict[str, Any] = {"system": code_system(group.system).uri, "code": group.code}
    if group.description:
        coding["display"] = str(group.description)
    concept: dict[str, Any] = {"coding": [coding]}
    text = group.description or next((f.text for f in group.evidence if f.text.strip()), None)
    if text:
        concept["text"] = str(text)
    return concept


def _subject(record: Mapping[str, Any], note: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """(reference to the patient, placeholder Patient entry or None)."""
    meta = record.get("meta") or {}
    for key in ("patient_id", "person_id", "subject_id"):
        if meta.get(key) not in (None, ""):
            return {"reference": f"Patient/{meta[key]}"}, None
    url = _urn(note, "Patient")
    return {"reference": url}, {"fullUrl": url, "resource": {"resourceType": "Patient", "id": url[9:]}}


def build_bundle(record: Mapping[str, Any], where: Where, *, timestamp: _dt.datetime | None = None):
    """The FHIR ``Bundle`` (an ``fhir.resources.R4B`` model) of one record."""
    from fhir.resources.R4B.bundle import Bundle
    from fhir.resources.R4B.condition import Condition
    from fhir.resources.R4B.documentreference import DocumentReference
    from fhir.resources.R4B.familymemberhistory import FamilyMemberHistory
    from fhir.resources.R4B.patient import Patient
    from pydantic import ValidationError

    raw_id = note_id_of(record)
    if raw_id is None:
        raise where.error(STD_NOTE_ID, "record has neither meta.id nor meta.note_id",
                          "give each record meta.id (a note identifier)")
    note = str((record.get("meta") or {}).get("id", raw_id))
    groups = record_groups(record, where)  # validates the record (located errors)
    subject, patient_entry = _subject(record, note)
    doc_url = _urn(note, "DocumentReference")
    entries: list[dict[str, Any]] = []

    def build(cls, data: dict[str, Any], what: str):
        try:
            return cls(**data)
        except ValidationError as exc:
            raise where.error(STD_FHIR, f"{what} fails FHIR {FHIR_VERSION} validation: {exc.errors()[0]['loc']} "
                              f"{exc.errors()[0]['msg']}", "report this with the record (an exporter bug)") from None

    if patient_entry:
        entries.append({"fullUrl": patient_entry["fullUrl"],
                        "resource": build(Patient, {"id": patient_entry["resource"]["id"]}, "Patient")})
    text = record["text"]
    doc = {
        "id": doc_url[9:],
        "status": "current",
        "identifier": [{"system": NOTE_ID_SYSTEM, "value": note}],
        "subject": subject,
        "content": [{"attachment": {"contentType": "text/plain; charset=utf-8",
                                    "data": base64.b64encode(text.encode("utf-8")).decode("ascii")}}],
    }
    title = (record.get("meta") or {}).get("title")
    if title:
        doc["description"] = str(title)
    entries.append({"fullUrl": doc_url, "resource": build(DocumentReference, doc, "DocumentReference")})
    skipped = 0
    for n, group in enumerate(groups):
        system = code_system(group.system)
        if system is None or not system.condition or not system.uri:
            skipped += 1
            continue
        url = _urn(note, "finding", n, group.system, group.code)
        extensions = []
        if group.score is not None:
            extensions.append({"url": EXT_SCORE, "valueDecimal": float(group.score)})
        if group.assertions.get("family"):
            cond: dict[str, Any] = {"code": _concept(group),
                                    "extension": [_text_span_extension(f) for f in group.evidence] or None}
            if group.assertions.get("negated"):
                cond["modifierExtension"] = [{"url": EXT_NEGATED, "valueBoolean": True}]
            notes = [a for a in ("uncertain", "hypothetical", "historical") if group.assertions.get(a)]
            if notes:
                cond["note"] = [{"text": "clinlabel assertions: " + ", ".join(notes)}]
            data = {"id": url[9:], "status": "completed", "patient": subject,
                    "relationship": {"coding": [{"system": ROLE_CODE, "code": "FAMMEMB", "display": "family member"}]},
                    "condition": [cond], "extension": extensions or None}
            entries.append({"fullUrl": url, "resource": build(FamilyMemberHistory, data, "FamilyMemberHistory")})
            continue
        data = {
            "id": url[9:],
            "subject": subject,
            "code": _concept(group),
            # a refuted (negated) condition has no clinical status: R4 requires one only for
            # problem-list items (con-3), and "active" would contradict "refuted"
            "clinicalStatus": None if group.assertions.get("negated") else
            {"coding": [{"system": CLINICAL_STATUS, "code": clinical_status(group.assertions)}]},
            "verificationStatus": {"coding": [{"system": VERIFICATION_STATUS,
                                               "code": verification_status(group.assertions)}]},
            "evidence": [
                {"detail": [{"reference": doc_url, "display": f.text if f.text.strip() else None}],
                 "extension": [_text_span_extension(f)]}
                for f in group.evidence
            ] or None,
            "extension": extensions or None,
        }
        entries.append({"fullUrl": url, "resource": build(Condition, data, "Condition")})
    if skipped:
        logger.debug("note %s: %d coded finding(s) of non-condition code systems left out", note, skipped)
    ts = (timestamp or _dt.datetime.now(_dt.timezone.utc)).isoformat()
    bundle = build(Bundle, {"id": _urn(note, "Bundle")[9:], "type": "collection", "timestamp": ts,
                            "identifier": {"system": NOTE_ID_SYSTEM, "value": note}, "entry": entries}, "Bundle")
    return bundle


def write_fhir(records: Iterable[Mapping[str, Any]], out: str | Path, *, source: str | None = None,
               timestamp=None, revalidate: bool = False, **options: Any) -> int:
    """Write one FHIR R4 (R4B models) Bundle per record to ``out`` as NDJSON; return bundles written.

    Every resource and Bundle is validated by ``fhir.resources`` when it is built; with
    ``revalidate`` each written line is parsed and validated once more (about 20 % slower).
    ``timestamp`` (datetime or ISO string; default now, UTC) fixes ``Bundle.timestamp`` for
    reproducible output; resource ids are UUIDv5 of the note id, so they are stable.  ``source``
    names the input file in error messages.  Bundles are streamed: on a bad record the lines
    written so far stay and a located :class:`~corpora.errors.StandardsError` is raised.
    """
    from fhir.resources.R4B.bundle import Bundle
    from pydantic import ValidationError

    if options:
        logger.debug("write_fhir: ignoring options %s", sorted(options))
    if isinstance(timestamp, str):
        timestamp = _dt.datetime.fromisoformat(timestamp)
    if timestamp is not None and timestamp.tzinfo is None:
        timestamp = timestamp.replace(tzinfo=_dt.timezone.utc)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        fh = out.open("w", encoding="utf-8")
    except OSError as exc:
        raise std_error(STD_OUTPUT, f"cannot write {out}: {exc.strerror}", "choose a writable output path", file=out) from None
    n = 0
    with fh:
        for record, where in records_with_location(records, source):
            bundle = build_bundle(record, where, timestamp=timestamp)
            line = bundle.model_dump_json(exclude_none=True)
            try:
                if revalidate:
                    Bundle.model_validate_json(line)
            except ValidationError as exc:  # pragma: no cover - the models validated on build
                raise where.error(STD_FHIR, f"Bundle JSON fails validation: {exc.errors()[0]}",
                                  "report this with the record (an exporter bug)") from None
            fh.write(line + "\n")
            n += 1
    return n
