"""One config object for ``clinlabel annotate``: CLI flags and a config file fill the same thing.

A config file is JSON or TOML with up to four tables, each optional::

    [input]     # format = "csv", text_col = "transcription", id_col = "note_id", skip_invalid = false,
                # limit = 100, sample = 50, seed = 0
    [pipeline]  # fields of nlp_pipeline.pipeline.PipelineConfig (ontology, setting, keep_spans, ...)
    [run]       # resume, overwrite, strict, workers, engine
    [deid]      # enabled = true, mode = "tag" | "surrogate"

Flags given on the command line override the file.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

from corpora.errors import PIPE_CONFIG_FILE, PipelineError
from nlp_pipeline.pipeline import PipelineConfig

ENGINES = ("local", "spark")
DEID_MODES = ("tag", "surrogate")


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


@dataclass
class RunOptions:
    resume: bool = False
    overwrite: bool = False
    strict: bool = False
    workers: int = 1
    engine: str = "local"
    #: Spark master for --engine spark outside spark-submit (e.g. "local[2]")
    spark_master: str | None = None
    progress: bool = True

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ValueError(f"engine must be one of {ENGINES}, got {self.engine!r}; use --engine local|spark")
        if not isinstance(self.workers, int) or self.workers < 1:
            raise ValueError(f"workers must be an integer >= 1, got {self.workers!r}; use --workers 1 or more")
        if self.resume and self.overwrite:
            raise ValueError("--resume and --overwrite exclude each other; choose one")


@dataclass
class DeidOptions:
    enabled: bool = False
    mode: str = "tag"

    def __post_init__(self) -> None:
        if self.mode not in DEID_MODES:
            raise ValueError(f"deid mode must be one of {DEID_MODES}, got {self.mode!r}; use --deid-mode tag|surrogate")


@dataclass
class AnnotateConfig:
    input: InputConfig = field(default_factory=InputConfig)
    pipeline: PipelineConfig = field(default_factory=PipelineConfig)
    run: RunOptions = field(default_factory=RunOptions)
    deid: DeidOptions = field(default_factory=DeidOptions)

    SECTIONS = {"input": InputConfig, "pipeline": PipelineConfig, "run": RunOptions, "deid": DeidOptions}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "AnnotateConfig":
        unknown = sorted(set(data) - set(cls.SECTIONS))
        if unknown:
            raise ValueError(f"unknown config section(s) {unknown}; expected some of {sorted(cls.SECTIONS)}")
        parts = {}
        for name, klass in cls.SECTIONS.items():
            section = dict(data.get(name) or {})
            known = {f.name for f in fields(klass)}
            bad = sorted(set(section) - known)
            if bad:
                raise ValueError(f"unknown option(s) {bad} in [{name}]; expected some of {sorted(known)}")
            parts[name] = klass(**section)
        return cls(**parts)

    @classmethod
    def from_file(cls, path: str | Path) -> "AnnotateConfig":
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
        try:
            return cls.from_dict(data)
        except (TypeError, ValueError) as exc:
            raise PipelineError(str(exc), "fix the option in the config file", file=path, code=PIPE_CONFIG_FILE) from exc

    def override(self, **flags: Any) -> "AnnotateConfig":
        """A copy with ``section__option=value`` flags applied (``None`` values are ignored)."""
        data = self.to_dict()
        for key, value in flags.items():
            if value is None:
                continue
            section, _, option = key.partition("__")
            data[section][option] = value
        return AnnotateConfig.from_dict(data)

    def to_dict(self) -> dict[str, Any]:
        return {name: asdict(getattr(self, name)) for name in self.SECTIONS}
