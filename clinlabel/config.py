"""One config object per job: ``annotate``, ``codes`` and ``deid`` read the same :class:`JobConfig`.

CLI flags, a config file and the Python workflows all fill it.  A config file is TOML or JSON
with up to four tables, each optional::

    [input]     # format = "csv", text_col = "transcription", id_col = "note_id", skip_invalid = false,
                # limit = 100, sample = 50, seed = 0
    [pipeline]  # fields of nlp_pipeline.pipeline.PipelineConfig (ontology, setting, keep_spans, ...)
    [run]       # fields of corpora.runner.RunConfig: resume, overwrite, strict, workers, engine,
                # spark_master, chunk_size, max_retries, show_text, progress
    [deid]      # fields of nlp_pipeline.deid.DeidConfig: enabled, mode, seed, patient_field,
                # use_presidio, labels, ...  (`clinlabel deid` always de-identifies)

Flags given on the command line override the file.  Every table is one typed object, validated
when it is built; a bad value is a :class:`ConfigError` naming the table, the value and the fix.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

from corpora.errors import PIPE_CONFIG_FILE, RUN_CONFIG, ClinlabelError, ConfigError, PipelineError
from corpora.runner import ENGINES, RunConfig
from nlp_pipeline.deid.config import MODES as DEID_MODES
from nlp_pipeline.deid.config import DeidConfig
from nlp_pipeline.pipeline import PipelineConfig

__all__ = ["AnnotateConfig", "DEID_MODES", "ENGINES", "InputConfig", "JobConfig", "RunConfig", "DeidConfig"]


@dataclass
class InputConfig:
    format: str | None = None
    text_col: str | None = None
    id_col: str | None = None
    skip_invalid: bool = False
    #: the shared corpus selection (clinlabel/options.py): first N notes, N at random, seed
    limit: int | None = None
    sample: int | None = None
    seed: int | None = None

    def reader_options(self) -> dict:
        """Keyword arguments for ``read_corpus`` besides format and skip_invalid (``None`` left out)."""
        values = {"text_col": self.text_col, "id_col": self.id_col, "limit": self.limit, "sample": self.sample,
                  "seed": self.seed}
        return {k: v for k, v in values.items() if v is not None}

    def __post_init__(self) -> None:
        for name in ("format", "text_col", "id_col"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or not value):
                raise ConfigError(f"input option {name} must be a non-empty string, got {value!r}",
                                  f"write {name} = \"...\" or leave it out", code=PIPE_CONFIG_FILE)
        if not isinstance(self.skip_invalid, bool):
            raise ConfigError(f"input option skip_invalid must be true or false, got {self.skip_invalid!r}",
                              "set skip_invalid to true or false", code=PIPE_CONFIG_FILE)
        for name in ("limit", "sample", "seed"):  # ranges: corpora.selection checks them
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                raise ConfigError(f"input option {name} must be an integer, got {value!r}",
                                  f"give --{name} N, or leave it out", code=PIPE_CONFIG_FILE)


def _to_dict(obj: Any) -> dict[str, Any]:
    return obj.to_dict() if hasattr(obj, "to_dict") else asdict(obj)


@dataclass
class JobConfig:
    """The four tables of a job; see the module docstring."""

    input: InputConfig = field(default_factory=InputConfig)
    pipeline: PipelineConfig = field(default_factory=PipelineConfig)
    run: RunConfig = field(default_factory=RunConfig)
    deid: DeidConfig = field(default_factory=DeidConfig)

    SECTIONS = {"input": InputConfig, "pipeline": PipelineConfig, "run": RunConfig, "deid": DeidConfig}

    def __post_init__(self) -> None:
        if self.deid.enabled and self.run.show_text:
            raise ConfigError("show_text cannot be used with de-identification: the text it would show is PHI",
                              "drop --show-text (or --deid)", code=RUN_CONFIG)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "JobConfig":
        if not isinstance(data, Mapping):
            raise ConfigError(f"a config must be a table of tables, got {type(data).__name__}",
                              f"write tables named {', '.join(cls.SECTIONS)}", code=PIPE_CONFIG_FILE)
        unknown = sorted(set(data) - set(cls.SECTIONS))
        if unknown:
            raise ConfigError(f"unknown config section(s) {unknown}", f"use some of {sorted(cls.SECTIONS)}",
                              code=PIPE_CONFIG_FILE)
        parts = {}
        for name, klass in cls.SECTIONS.items():
            section = data.get(name) or {}
            if not isinstance(section, Mapping):
                raise ConfigError(f"[{name}] must be a table, got {type(section).__name__}",
                                  f"write [{name}] with key = value lines", code=PIPE_CONFIG_FILE)
            known = {f.name for f in fields(klass)}
            bad = sorted(set(section) - known)
            if bad:
                raise ConfigError(f"unknown option(s) {bad} in [{name}]", f"use some of {sorted(known)}",
                                  code=PIPE_CONFIG_FILE)
            try:
                parts[name] = klass(**dict(section))
            except ClinlabelError as exc:
                raise ConfigError(f"[{name}] {exc.what}", exc.fix, code=exc.code) from None
            except (TypeError, ValueError) as exc:
                raise ConfigError(f"[{name}] {exc}", f"fix the option in [{name}]", code=PIPE_CONFIG_FILE) from None
        return cls(**parts)

    @classmethod
    def from_file(cls, path: str | Path) -> "JobConfig":
        path = Path(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise PipelineError(f"cannot read config file ({exc.strerror})", "give an existing .toml or .json file",
                                file=path, code=PIPE_CONFIG_FILE) from exc
        try:
            data = tomllib.loads(raw.decode("utf-8")) if path.suffix == ".toml" else json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            line = getattr(exc, "lineno", None)
            raise PipelineError(f"config file is not valid {'TOML' if path.suffix == '.toml' else 'JSON'}: {exc}",
                                "fix the syntax", file=path, line=line, code=PIPE_CONFIG_FILE) from exc
        if isinstance(data, dict) and data and not set(data) & set(cls.SECTIONS) \
                and set(data) <= {f.name for f in fields(DeidConfig)}:
            data = {"deid": data}  # a flat file of de-identification settings (`clinlabel deid --config`)
        try:
            return cls.from_dict(data)
        except ClinlabelError as exc:
            raise PipelineError(exc.what, exc.fix, file=path, code=exc.code) from None

    def override(self, **flags: Any) -> "JobConfig":
        """A copy with ``section__option=value`` flags applied (``None`` values are ignored)."""
        data = self.to_dict()
        for key, value in flags.items():
            if value is None:
                continue
            section, _, option = key.partition("__")
            data[section][option] = value
        return JobConfig.from_dict(data)

    def to_dict(self) -> dict[str, Any]:
        return {name: _to_dict(getattr(self, name)) for name in self.SECTIONS}


#: the name older code and the annotate workflow use
AnnotateConfig = JobConfig
