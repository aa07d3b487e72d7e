"""clinlabel's error type and the corpus-layer error codes.

Every error clinlabel raises on purpose is a :class:`ClinlabelError` with a stable ``code``.
Its message always reads ``FILE:LINE: what is wrong; how to fix it`` (file and line where known),
so that users and scripts can find the bad input at once.  Other packages define their own
codes by subclassing (see ``clinlabel/errors.py`` for the full catalogue).
"""

from __future__ import annotations

from os import PathLike
from typing import Any


class ClinlabelError(Exception):
    """Base class of every deliberate clinlabel error.

    ``code`` is stable across releases (scripts may match on it); ``what`` says what is wrong
    (with the bad value), ``fix`` says what to do instead.
    """

    code: str = "CL-000"
    exit_code: int = 2

    def __init__(
        self,
        what: str,
        fix: str = "",
        *,
        file: str | PathLike[str] | None = None,
        line: int | None = None,
        code: str | None = None,
    ) -> None:
        if code is not None:
            self.code = code
        self.what = what
        self.fix = fix
        self.file = None if file is None else str(file)
        self.line = line
        super().__init__(self.message)

    @property
    def location(self) -> str:
        if self.file is None:
            return ""
        if self.line is None:
            return f"{self.file}: "
        return f"{self.file}:{self.line}: "

    @property
    def message(self) -> str:
        text = f"{self.location}{self.what}"
        if self.fix:
            text += f"; {self.fix}"
        return text

    def __str__(self) -> str:
        return f"{self.message} [{self.code}]"

    def __reduce__(self):  # keep code, file and line across processes
        return (_rebuild_error, (type(self), self.what, self.fix, self.file, self.line, self.code))

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "file": self.file, "line": self.line, "what": self.what, "fix": self.fix}


def _rebuild_error(cls, what, fix, file, line, code):
    return cls(what, fix, file=file, line=line, code=code)


class CorpusError(ClinlabelError):
    """Bad or unreadable corpus input (area ``IO``)."""

    code = "CL-IO000"


# Stable codes of the corpus layer.  Add new ones at the end; never renumber.
IO_NOT_FOUND = "CL-IO001"  # path does not exist
IO_EMPTY = "CL-IO002"  # file has no records
IO_ENCODING = "CL-IO003"  # not UTF-8
IO_JSON = "CL-IO004"  # malformed JSON line
IO_MISSING_TEXT = "CL-IO005"  # record without a "text" string
IO_DUPLICATE_ID = "CL-IO006"  # two records share meta.id
IO_OFFSETS = "CL-IO007"  # span offsets do not match the text
IO_COLUMN = "CL-IO008"  # CSV column missing
IO_FORMAT = "CL-IO009"  # format cannot be inferred / unknown format
IO_PARSE = "CL-IO010"  # malformed line in a structured format (PubTator, brat, BioC)
IO_RECORD = "CL-IO011"  # record field of the wrong type
IO_OUTPUT = "CL-IO012"  # output path problem (exists, not writable, resume mismatch)
IO_RESUME = "CL-IO013"  # --resume output does not match the input
IO_TASK = "CL-IO014"  # evaluate: unknown task or its evaluator is not available

# [IO-FORMATS] issue 19: exchange formats and corpus selection (numbered from 101 so that codes
# added on parallel branches after CL-IO014 cannot collide)
IO_SELECT = "CL-IO101"  # --limit / --sample / --seed / --split value out of range
IO_XML_UNSAFE = "CL-IO102"  # XML with a DTD or entity declarations (refused, never expanded)
IO_LABEL_STUDIO = "CL-IO103"  # Label Studio export / task of the wrong shape
IO_CONLL = "CL-IO104"  # malformed CoNLL / IOB2 line or tag sequence
IO_XMI = "CL-IO105"  # UIMA CAS XMI / type system unreadable or of an unexpected shape
# [/IO-FORMATS]


def corpus_error(code: str, what: str, fix: str = "", *, file=None, line=None) -> CorpusError:
    """Build a :class:`CorpusError` with one of the ``IO_*`` codes above."""
    return CorpusError(what, fix, file=file, line=line, code=code)


class ConfigError(ClinlabelError, ValueError):
    """Invalid configuration value (area ``CFG``); also a ``ValueError``."""

    code = "CL-CFG000"


# --- Areas above the corpus layer -------------------------------------------------------------
# Each area owns a subclass and a block of code constants below.  Codes are stable: append only.


class OntologyError(ClinlabelError):
    code = "CL-ONT000"


class PipelineError(ClinlabelError):
    code = "CL-PIPE000"


class ContextError(ClinlabelError):
    code = "CL-CTX000"


class DeidError(ClinlabelError):
    code = "CL-DEID000"


class LFError(ClinlabelError):
    code = "CL-LF000"


class ModelError(ClinlabelError):
    code = "CL-MODEL000"


class CodesError(ClinlabelError):
    code = "CL-CODE000"


class ReviewError(ClinlabelError):
    code = "CL-REV000"


class StandardsError(ClinlabelError):
    code = "CL-STD000"


# [ONT] ontology codes
ONT_NOT_FOUND = "CL-ONT001"  # ontology name not registered / resource missing
ONT_UNKNOWN_CODE = "CL-ONT002"  # code not in the ontology
ONT_SOURCE = "CL-ONT003"  # source release file missing or unreadable (RF2, RRF, tabular XML, GEMs)
ONT_PARSE = "CL-ONT004"  # malformed line / element in a source release file
ONT_OUTPUT = "CL-ONT005"  # output path problem when compiling an ontology
ONT_ARG = "CL-ONT006"  # bad argument (unknown system name, bad option value)
ONT_INDEX = "CL-ONT007"  # saved term index unreadable or built with other settings
# [/ONT]

# [PIPE] pipeline / annotate codes
PIPE_NOTE_FAILED = "CL-PIPE001"  # a note raised during processing (goes to OUT.errors.jsonl)
PIPE_COMPONENT = "CL-PIPE002"  # a component's module cannot be imported
PIPE_CONFIG = "CL-PIPE003"  # a component rejects its config
PIPE_CONFIG_FILE = "CL-PIPE004"  # the --config file is unreadable or has unknown keys
PIPE_ENGINE = "CL-PIPE005"  # option not supported by the chosen engine
# [/PIPE]

# [CTX] context / sections / sentences codes
CTX_RULES_NOT_FOUND = "CL-CTX001"  # section / ConText rule file does not exist
CTX_RULES_INVALID = "CL-CTX002"  # rule file is not valid JSON or not in medSpaCy's rule format
# [/CTX]

# [DEID] de-identification codes
DEID_NOTE_FAILED = "CL-DEID001"  # a note failed de-identification (only its id goes to OUT.errors.jsonl)
DEID_CONFIG = "CL-DEID002"  # invalid de-identification setting (also a ValueError)
DEID_OUTPUT = "CL-DEID003"  # OUT / REPORT path clashes with the input or with each other
# [/DEID]

# [LF] labelling-function / label-model codes
LF_DUPLICATE_NAME = "CL-LF001"  # two labelling functions share a name
LF_MODULE = "CL-LF002"  # --lfs module cannot be imported or holds no labelling functions
LF_PRESET = "CL-LF003"  # unknown preset name
LF_RESOURCE = "CL-LF004"  # a labelling function asks for a resource nobody provided
LF_LABEL_MODEL = "CL-LF005"  # unknown label model / label model file unreadable
LF_OUTPUT = "CL-LF006"  # a labelling function returned something that is not a span vote
LF_GOLD = "CL-LF007"  # gold file does not match the input (ids, texts)
LF_CONFIG = "CL-LF008"  # invalid weak-labelling configuration
# [/LF]

# [MODEL] end-model codes
MODEL_CONFIG = "CL-MODEL001"  # invalid end-model configuration value or config file
MODEL_DIR = "CL-MODEL002"  # model directory missing, incomplete or unreadable
MODEL_BACKBONE = "CL-MODEL003"  # backbone folder missing or not a Hugging Face model
MODEL_DATA = "CL-MODEL004"  # training / prediction records of the wrong shape
MODEL_OUTPUT = "CL-MODEL005"  # output directory exists and is not empty
# [/MODEL]

# [CODE] code-suggestion codes
# [/CODE]

# [REV] review codes
REV_DB_URL = "CL-REV001"  # --db URL cannot be opened / unsupported backend
REV_NO_DATASET = "CL-REV002"  # dataset name not in the store
REV_ANSWER = "CL-REV003"  # malformed Prodigy answer line (answer value, hashes, spans)
REV_ANNOTATOR = "CL-REV004"  # annotator id missing
REV_AGREEMENT = "CL-REV005"  # agreement input unusable (fewer than two annotators, nothing shared)
REV_ADJUDICATE = "CL-REV006"  # adjudication rule / senior annotator problem
REV_APPEND_ONLY = "CL-REV007"  # attempt to update or delete an audit-log row
REV_CARD = "CL-REV008"  # card output / metrics file problem
REV_NOT_FOUND = "CL-REV009"  # example / code id not in the dataset
# [/REV]

# [RUN] streaming runner codes (worker processes, output files, resume, run options)
RUN_WRITE = "CL-RUN001"  # writing OUT / the errors file / a report failed (disk full, read-only, permission, size limit, fsync)
RUN_RESUME_CORRUPT = "CL-RUN002"  # --resume: a line that is not the last is not a complete JSON record
RUN_WORKERS = "CL-RUN003"  # worker processes keep dying: the run stopped (notes not done named, --resume)
RUN_CONFIG = "CL-RUN004"  # invalid run option (workers, engine, retries, --show-text with de-identification)
RUN_NOTE_KILLED = "CL-RUN005"  # errors-file code: the note's worker process died on every attempt
RUN_OS = "CL-RUN006"  # an operating-system error no command turned into its own error (the CLI's safety net)
# [/RUN]
# [REV-TEAM] review for teams (issue 20): users, assignment, audit chain
REV_USER = "CL-REV010"  # user name unknown / taken / not allowed, or unknown role
REV_ASSIGN = "CL-REV011"  # assignment: overlap outside 0..1, annotators missing, repeated or disabled
REV_AUDIT = "CL-REV012"  # the audit log's hash chain is broken (`clinlabel review verify`)
# [/REV-TEAM]

# [STD] standards-export codes
STD_NO_SYSTEM = "CL-STD001"  # a span / code suggestion has a code but no system
STD_OFFSETS = "CL-STD002"  # span or evidence offsets outside the note text
STD_VOCAB = "CL-STD003"  # OMOP vocabulary folder/file missing or with the wrong columns
STD_NOTE_ID = "CL-STD004"  # note id missing, or not an integer with note_ids="error"
STD_OUTPUT = "CL-STD005"  # output path with an unsupported extension / not writable
STD_NOTE_NLP = "CL-STD006"  # NOTE_NLP file to read is malformed (columns, values)
STD_FHIR = "CL-STD007"  # a FHIR resource failed fhir.resources validation
STD_RECORD = "CL-STD008"  # record of the wrong shape for export (no text, bad codes entry)
STD_TOO_LONG = "CL-STD009"  # a value does not fit its CDM column (term_modifiers > 2000)
# [/STD]
