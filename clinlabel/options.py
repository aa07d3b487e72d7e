"""The corpus option group every corpus-reading command shares.

``--from FMT``, ``--text-col COL``, ``--id-col COL``, ``--limit N``, ``--sample N`` and
``--seed S`` mean the same thing on ``annotate``, ``codes``, ``deid``, ``convert``,
``lf analyze``, ``train``, ``evaluate`` and ``review export``.  A command gets them with one
decorator and receives them as one :class:`CorpusOptions` argument::

    @app.command()
    @corpus_options
    def codes(input: Path = typer.Argument(...), ..., corpus: CorpusOptions = None) -> None:
        suggest_codes(input, ..., fmt=corpus.fmt, reader_options=corpus.reader_options())

A command that already has its own ``--seed`` (``deid``'s surrogates, ``train``'s optimiser)
keeps it; the same value then also seeds ``--sample`` (one seed per run).  Selection itself
(streaming, reproducible) is :mod:`corpora.selection`, applied by
:func:`corpora.formats.read_corpus`.
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import typer

#: The option declarations, in the order they appear in ``--help``.
_OPTIONS: dict[str, tuple[Any, Any]] = {
    "fmt": (Optional[str], typer.Option(
        None, "--from", help="Input format when it cannot be inferred: prodigy, txt, csv, pubtator, bioc, brat, docbin, "
                             "label-studio, doccano, xmi, conll.")),
    "text_col": (Optional[str], typer.Option(None, "--text-col", help="CSV column holding the note text (default: text).")),
    "id_col": (Optional[str], typer.Option(None, "--id-col", help="CSV column holding the note id (default: id, else the row's line).")),
    "limit": (Optional[int], typer.Option(None, "--limit", help="Read only the first N notes.")),
    "sample": (Optional[int], typer.Option(
        None, "--sample", help="Read N notes drawn at random (reproducible with --seed; streams the input twice).")),
    "seed": (Optional[int], typer.Option(None, "--seed", help="Seed of --sample (default 0).")),
}
NAMES: tuple[str, ...] = tuple(_OPTIONS)
FLAGS: tuple[str, ...] = ("--from", "--text-col", "--id-col", "--limit", "--sample", "--seed")


@dataclass(frozen=True)
class CorpusOptions:
    """Which corpus file to read and how: format, CSV columns, and which notes."""

    fmt: str | None = None
    text_col: str | None = None
    id_col: str | None = None
    limit: int | None = None
    sample: int | None = None
    seed: int | None = None

    def reader_options(self) -> dict[str, Any]:
        """Keyword arguments for :func:`corpora.formats.read_corpus` (all but the format; ``None`` left out)."""
        values = {"text_col": self.text_col, "id_col": self.id_col, "limit": self.limit, "sample": self.sample,
                  "seed": self.seed}
        return {k: v for k, v in values.items() if v is not None}

    def read(self, path: str | Path, *, fmt: str | None = None, skip_invalid: bool = False) -> Iterator[dict[str, Any]]:
        """The selected records of ``path`` (``fmt`` overrides ``--from``)."""
        from corpora.formats import read_corpus

        return read_corpus(path, fmt or self.fmt, skip_invalid=skip_invalid, **self.reader_options())


def corpus_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Add the shared corpus options to a Typer command.

    The command receives them in its one parameter annotated :class:`CorpusOptions` (usually
    ``corpus``; ``train``, whose ``--corpus`` is a path, names it otherwise).
    """
    sig = inspect.signature(fn, eval_str=True)
    target = next((p.name for p in sig.parameters.values() if p.annotation is CorpusOptions), None)
    if target is None:
        raise TypeError(f"{fn.__name__} must take a parameter annotated `CorpusOptions` to use @corpus_options")
    own_seed = "seed" in sig.parameters
    for name in NAMES:
        if name in sig.parameters and not (name == "seed" and own_seed):
            raise TypeError(f"{fn.__name__} declares {name!r} itself; @corpus_options provides it")
    params = [p for p in sig.parameters.values() if p.name != target]
    added = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=option, annotation=annotation)
        for name, (annotation, option) in _OPTIONS.items()
        if not (name == "seed" and own_seed)
    ]
    # keyword-only parameters must follow the others: turn the command's own into keyword-only too
    params = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in params]
    new_sig = sig.replace(parameters=[*params, *added])

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        values = {name: kwargs.pop(name, None) for name in NAMES if not (name == "seed" and own_seed)}
        if own_seed:
            values["seed"] = kwargs.get("seed")
        for name, value in values.items():  # called directly (not through Typer): defaults are OptionInfo
            if isinstance(value, typer.models.ParameterInfo):
                values[name] = value.default
        kwargs[target] = CorpusOptions(**values)
        return fn(*args, **kwargs)

    wrapper.__signature__ = new_sig  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in new_sig.parameters.values()}
    wrapper.__corpus_options__ = True  # type: ignore[attr-defined]
    del wrapper.__wrapped__  # Typer must see the new signature, not the wrapped function's
    return wrapper
