"""Configuration of the de-identifier: one typed, validated object for the CLI and config files."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from corpora.errors import DEID_CONFIG, ConfigError

#: Every label the de-identifier emits, with the HIPAA Safe Harbor category it covers
#: (45 CFR 164.514(b)(2)(i), letters A-R).
LABELS: dict[str, str] = {
    "NAME": "(A) names of patients, relatives, clinicians",
    "ADDRESS": "(B) street address, P.O. box",
    "LOCATION": "(B) city, county, town",
    "ZIP": "(B) ZIP code",
    "FACILITY": "(B) hospital, clinic and other facility names",
    "DATE": "(C) every date element except the year, incl. month names, ordinals, holidays",
    "AGE": "(C) ages over 89",
    "PHONE": "(D) telephone numbers",
    "FAX": "(E) fax numbers",
    "EMAIL": "(F) e-mail addresses",
    "SSN": "(G) Social Security numbers",
    "MRN": "(H) medical record and accession numbers",
    "HEALTH_PLAN": "(I) health plan beneficiary / member numbers",
    "ACCOUNT": "(J) account, billing, encounter numbers",
    "LICENSE": "(K) certificate and licence numbers (DEA, NPI, driver's licence, passport)",
    "VEHICLE": "(L) vehicle identifiers, VINs, licence plates",
    "DEVICE": "(M) device identifiers and serial numbers",
    "URL": "(N) web URLs",
    "IP": "(O) IP addresses",
    "BIOMETRIC": "(P) biometric identifiers (fingerprint, retina, voice print ids)",
    "ID": "(R) any other unique identifying number or code",
}

MODES = ("tag", "surrogate")


def _config_error(what: str, fix: str) -> ConfigError:
    return ConfigError(what, fix, code=DEID_CONFIG)


@dataclass
class DeidConfig:
    """Settings of :class:`nlp_pipeline.deid.Deidentifier`, and the ``[deid]`` table of a job config.

    One object serves ``clinlabel deid`` and ``clinlabel annotate --deid`` (flags, config files
    and the Python API alike).

    - ``enabled``: ``annotate`` de-identifies each note before its pipeline (``--deid``);
      ``clinlabel deid`` always does.  The de-identifier itself ignores it.
    - ``mode``: ``"tag"`` writes ``[NAME]``, ``[DATE]``, ...; ``"surrogate"`` writes consistent
      realistic fakes (same real value -> same fake for a given ``seed``; dates shifted by one
      offset per patient).
    - ``seed``: seeds surrogates and date offsets (deterministic across processes and runs).
    - ``patient_field``: ``meta`` key holding the patient id; dates of all notes of one patient
      are shifted by the same number of days.  Notes without it are shifted per note id.
    - ``min_shift_days`` / ``max_shift_days``: range of the (backwards) date shift.
    - ``labels``: restrict detection to these labels (default: all of :data:`LABELS`).
    - ``use_presidio``: also run Microsoft Presidio's pattern recognizers (phone, IP, date,
      SSN, licence, ...) as extra high-recall votes.  Off by default: importing Presidio costs
      ~6-8 s (it imports transformers); the rules here cover the same shapes.
    - ``propagate_names``: re-tag every other mention of a detected name's words in the note.
    - ``lone_surnames``: tag capitalised census surnames that are not English words even
      without context (high recall, some false positives on rare clinical words).
    - ``deid_meta``: also de-identify the string values of ``meta`` (except ``id``) and other
      top-level string fields the pipeline does not know (e.g. Prodigy ``html``); the patient id
      is replaced by a pseudonym.
    """

    enabled: bool = False
    mode: str = "tag"
    seed: int = 13
    patient_field: str = "patient_id"
    min_shift_days: int = 30
    max_shift_days: int = 365
    labels: tuple[str, ...] = tuple(LABELS)
    use_presidio: bool = False
    propagate_names: bool = True
    lone_surnames: bool = True
    deid_meta: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise _config_error(f"mode must be one of {', '.join(MODES)}, got {self.mode!r}",
                                "use --mode tag or --mode surrogate (annotate: --deid-mode)")
        if not isinstance(self.seed, int) or isinstance(self.seed, bool):
            raise _config_error(f"seed must be an integer, got {self.seed!r}", "give an integer seed such as 13")
        if not isinstance(self.patient_field, str) or not self.patient_field:
            raise _config_error(f"patient_field must be a non-empty string, got {self.patient_field!r}",
                                "name the meta key that holds the patient id, e.g. patient_id")
        for name in ("min_shift_days", "max_shift_days"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise _config_error(f"{name} must be a positive integer, got {value!r}",
                                    "give a number of days >= 1")
        if self.min_shift_days > self.max_shift_days:
            raise _config_error(
                f"min_shift_days ({self.min_shift_days}) is larger than max_shift_days ({self.max_shift_days})",
                "make min_shift_days <= max_shift_days")
        if isinstance(self.labels, str):
            raise _config_error(f"labels must be a list of labels, got the string {self.labels!r}",
                                "give a list such as [\"NAME\", \"DATE\"]")
        labels = tuple(self.labels)
        unknown = [lab for lab in labels if lab not in LABELS]
        if unknown or not labels:
            raise _config_error(f"unknown or empty labels {unknown or labels!r}",
                                f"choose from {', '.join(LABELS)}")
        self.labels = labels
        for name in ("enabled", "use_presidio", "propagate_names", "lone_surnames", "deid_meta"):
            if not isinstance(getattr(self, name), bool):
                raise _config_error(f"{name} must be true or false, got {getattr(self, name)!r}",
                                    f"set {name} to a boolean")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["labels"] = list(self.labels)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "DeidConfig":
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(data) - known)
        if unknown:
            raise _config_error(f"unknown de-identification settings {unknown}",
                                f"use only {', '.join(sorted(known))}")
        return cls(**data)
