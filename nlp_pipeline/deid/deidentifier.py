"""The de-identifier: find PHI spans, replace them, move existing spans to the new offsets.

Build one :class:`Deidentifier` and reuse it (word lists load once per process).  It pickles as
its config, so worker processes rebuild it from the config.

Existing spans and PHI
----------------------
A span that does not touch PHI keeps its text and moves to its new offsets.  A span that
overlaps a PHI span is widened to cover the whole replacement (tag or surrogate), its ``text``
is updated and it gets ``"phi_overlap": true`` so reviewers can see that its words changed.
Relations' ``head_span``/``child_span`` move the same way.  When the record has ``tokens`` (or
spans carry ``token_start``/``token_end``) the new text is re-tokenised with
``spacy.blank("en")``'s tokenizer and token indices are recomputed from character offsets.
Prodigy hashes are recomputed (the text changed).
"""

from __future__ import annotations

import bisect
import copy
import logging
import re
from typing import Any, Iterable

from corpora.record import RECORD_KEYS, record_id, set_hashes

from .config import DeidConfig
from .lexicon import lexicon
from .rules import Candidate, RuleDetector, merge
from .surrogates import Surrogates, stable_hash, tag

log = logging.getLogger(__name__)

#: Presidio entity type -> clinlabel label
PRESIDIO_LABELS = {
    "PHONE_NUMBER": "PHONE", "IP_ADDRESS": "IP", "US_SSN": "SSN", "DATE_TIME": "DATE",
    "MEDICAL_LICENSE": "LICENSE", "US_DRIVER_LICENSE": "LICENSE", "US_PASSPORT": "LICENSE",
    "US_BANK_NUMBER": "ACCOUNT", "CREDIT_CARD": "ACCOUNT", "IBAN_CODE": "ACCOUNT", "US_ITIN": "SSN",
    "US_NPI": "LICENSE", "US_MBI": "HEALTH_PLAN",
}


class Deidentifier:
    """Find and replace PHI in notes (see the module docstring for the span policy)."""

    def __init__(self, config: DeidConfig | None = None) -> None:
        self.config = config or DeidConfig()
        if not isinstance(self.config, DeidConfig):
            raise TypeError(f"config must be a DeidConfig, got {type(self.config).__name__}")
        lex = lexicon()
        self.detector = RuleDetector(lex, propagate_names=self.config.propagate_names,
                                     lone_surnames=self.config.lone_surnames)
        if self.config.use_presidio:
            self.detector._presidio = _presidio_recognizers()
        self.surrogates = Surrogates(self.config.seed, first_names=lex.first_names)
        self._tokenizer = None

    def __reduce__(self):
        return (Deidentifier, (self.config,))

    # ------------------------------------------------------------------ detection
    def find(self, text: str) -> list[dict[str, Any]]:
        """PHI spans of ``text``: ``{"start", "end", "label", "text"}``, sorted, non-overlapping."""
        return [{"start": c.start, "end": c.end, "label": c.label, "text": text[c.start:c.end]}
                for c in self._find(text)]

    def _find(self, text: str) -> list[Candidate]:
        return merge(self.detector.candidates(text, self.config.labels), text)

    # ------------------------------------------------------------------ replacement
    def replacement(self, label: str, value: str, shift: int) -> str:
        if self.config.mode == "tag":
            return tag(label)
        return self.surrogates.replace(label, value, shift=shift)

    def deidentify_text(self, text: str, *, patient: str = "") -> tuple[str, list[dict[str, Any]], list[tuple[int, int, int, int]]]:
        """Return (new text, PHI spans in the original text, [(old_start, old_end, new_start, new_end)])."""
        phi = self.find(text)
        shift = self.surrogates.shift_days(patient, self.config.min_shift_days, self.config.max_shift_days)
        pieces: list[str] = []
        pos = 0
        new_len = 0
        mapping: list[tuple[int, int, int, int]] = []
        for span in phi:
            keep = text[pos:span["start"]]
            pieces.append(keep)
            new_len += len(keep)
            rep = self.replacement(span["label"], span["text"], shift)
            mapping.append((span["start"], span["end"], new_len, new_len + len(rep)))
            pieces.append(rep)
            new_len += len(rep)
            pos = span["end"]
        pieces.append(text[pos:])
        return "".join(pieces), phi, mapping

    def deidentify_record(self, record: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """De-identify one record; return (de-identified record, report record).

        The report record holds ``meta.id`` and the PHI ``spans`` (offsets in the ORIGINAL text).
        The input record is not modified.
        """
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise TypeError("record must be a dict with a string 'text'")
        rec = copy.deepcopy(record)
        meta = rec.get("meta") if isinstance(rec.get("meta"), dict) else {}
        rid = record_id(rec)
        patient = meta.get(self.config.patient_field)
        patient_key = f"patient:{patient}" if patient not in (None, "") else f"note:{rid}"
        text = rec["text"]
        new_text, phi, mapping = self.deidentify_text(text, patient=patient_key)
        rec["text"] = new_text
        remap = _Remapper(mapping, new_text)
        had_token_indices = False
        for span in rec.get("spans") or []:
            if isinstance(span, dict):
                had_token_indices |= "token_start" in span or "token_end" in span
                remap.span(span)
        for rel in rec.get("relations") or []:
            if not isinstance(rel, dict):
                continue
            had_token_indices |= "head" in rel or "child" in rel
            for key in ("head_span", "child_span"):
                if isinstance(rel.get(key), dict):
                    remap.span(rel[key])
        if "tokens" in rec or had_token_indices:
            self._retokenise(rec)
        if self.config.deid_meta:
            if meta:
                self._deid_meta(rec["meta"], patient_key)
            for key, value in list(rec.items()):
                if key not in RECORD_KEYS and isinstance(value, str):
                    rec[key] = self._deid_string(value, patient_key)  # e.g. Prodigy "html", a "title"
        if "_input_hash" in rec or "_task_hash" in rec:
            set_hashes(rec, overwrite=True)
        report = {"meta": {"id": rid}, "spans": phi}
        return rec, report

    # ------------------------------------------------------------------ helpers
    def _deid_meta(self, meta: dict[str, Any], patient_key: str) -> None:
        shift = self.surrogates.shift_days(patient_key, self.config.min_shift_days, self.config.max_shift_days)
        for key, value in list(meta.items()):
            if key == "id" or not isinstance(value, str):
                continue
            if key == self.config.patient_field:
                meta[key] = f"P{stable_hash(self.config.seed, 'patient', value) % 10**10:010d}"
                continue
            meta[key] = self._deid_string(value, patient_key, shift)

    def _deid_string(self, value: str, patient_key: str, shift: int | None = None) -> str:
        if shift is None:
            shift = self.surrogates.shift_days(patient_key, self.config.min_shift_days, self.config.max_shift_days)
        out, pos = [], 0
        for c in self._find(value):
            out.append(value[pos:c.start])
            out.append(self.replacement(c.label, value[c.start:c.end], shift))
            pos = c.end
        out.append(value[pos:])
        return "".join(out)

    @property
    def tokenizer(self):
        if self._tokenizer is None:
            import spacy

            self._tokenizer = spacy.blank("en").tokenizer
        return self._tokenizer

    def _retokenise(self, rec: dict[str, Any]) -> None:
        doc = self.tokenizer(rec["text"])
        starts = [t.idx for t in doc]
        ends = [t.idx + len(t.text) for t in doc]
        if "tokens" in rec:
            rec["tokens"] = [{"text": t.text, "start": t.idx, "end": t.idx + len(t.text), "id": t.i,
                              "ws": bool(t.whitespace_)} for t in doc]

        def fix(span: dict[str, Any]) -> None:
            if not isinstance(span.get("start"), int) or not starts:
                return
            ts = max(0, bisect.bisect_right(starts, span["start"]) - 1)
            te = max(ts, bisect.bisect_left(ends, span["end"]))
            te = min(te, len(ends) - 1)
            span["token_start"], span["token_end"] = ts, te

        for span in rec.get("spans") or []:
            if isinstance(span, dict):
                fix(span)
        for rel in rec.get("relations") or []:
            if not isinstance(rel, dict):
                continue
            for key, idx in (("head_span", "head"), ("child_span", "child")):
                if isinstance(rel.get(key), dict):
                    fix(rel[key])
                    if idx in rel:
                        rel[idx] = rel[key]["token_end"]


class _Remapper:
    """Moves character offsets from the original text to the de-identified text."""

    def __init__(self, mapping: list[tuple[int, int, int, int]], new_text: str) -> None:
        self.mapping = mapping
        self.old_starts = [m[0] for m in mapping]
        self.new_text = new_text

    def _delta_before(self, idx: int) -> int:
        # replacements that end at or before idx
        i = bisect.bisect_right(self.old_starts, idx) - 1
        while i >= 0 and self.mapping[i][1] > idx:
            i -= 1
        if i < 0:
            return 0
        os_, oe, ns, ne = self.mapping[i]
        return ne - oe

    def _inside(self, idx: int, *, is_end: bool) -> tuple[int, int, int, int] | None:
        i = bisect.bisect_right(self.old_starts, idx if not is_end else idx - 1) - 1
        if i >= 0:
            m = self.mapping[i]
            if (m[0] <= idx < m[1]) if not is_end else (m[0] < idx <= m[1]):
                return m
        return None

    def span(self, span: dict[str, Any]) -> None:
        start, end = span.get("start"), span.get("end")
        if not isinstance(start, int) or not isinstance(end, int):
            return
        overlap = any(m[0] < end and start < m[1] for m in self._overlapping(start, end))
        m_start = self._inside(start, is_end=False)
        m_end = self._inside(end, is_end=True)
        new_start = m_start[2] if m_start else start + self._delta_before(start)
        new_end = m_end[3] if m_end else end + self._delta_before(end)
        span["start"], span["end"] = new_start, new_end
        if "text" in span or overlap:
            span["text"] = self.new_text[new_start:new_end]
        if overlap:
            span["phi_overlap"] = True

    def _overlapping(self, start: int, end: int) -> Iterable[tuple[int, int, int, int]]:
        i = max(0, bisect.bisect_right(self.old_starts, start) - 1)
        while i < len(self.mapping) and self.mapping[i][0] < end:
            yield self.mapping[i]
            i += 1


# ------------------------------------------------------------------------------- presidio
def _presidio_recognizers():
    """Presidio pattern recognizers run without any NLP engine (no spaCy model is loaded).

    The e-mail and URL recognizers are left out: they call ``tldextract``, which tries to
    download the public suffix list at run time.  The US driver's licence and bank-number
    recognizers are left out too: their bare patterns (any 8-17 digits, any letter + digits)
    doubled the false positives on MTSamples without finding anything the rules miss.
    """
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer, DateRecognizer, IbanRecognizer, IpRecognizer, MedicalLicenseRecognizer,
        PhoneRecognizer, UsItinRecognizer, UsPassportRecognizer, UsSsnRecognizer,
    )

    recognizers = [cls() for cls in (
        CreditCardRecognizer, DateRecognizer, IbanRecognizer, IpRecognizer, MedicalLicenseRecognizer,
        PhoneRecognizer, UsItinRecognizer, UsPassportRecognizer, UsSsnRecognizer)]

    def run(text: str) -> list[Candidate]:
        out = []
        for rec in recognizers:
            for res in rec.analyze(text, rec.supported_entities, None) or []:
                label = PRESIDIO_LABELS.get(res.entity_type)
                if label is None or res.score < 0.3:
                    continue
                if label == "LICENSE" and res.entity_type == "US_DRIVER_LICENSE" and not re.search(r"\d", text[res.start:res.end]):
                    continue
                out.append(Candidate(res.start, res.end, label, f"presidio:{rec.name}"))
        return out

    return run
