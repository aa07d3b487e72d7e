"""The part every streaming job shares: read the input, build the processor once, run the runner.

``annotate``, ``codes`` and ``deid`` differ only in their processor factory and side files; each
calls :func:`run_job` with the job's one :class:`clinlabel.config.JobConfig`.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

from corpora.errors import IO_OUTPUT, PIPE_ENGINE, PipelineError, corpus_error
from corpora.runner import ProcessorFactory, RunSummary, run_streaming

from ..config import JobConfig


@dataclass
class Prebuilt:
    """A factory that returns a processor built once in the parent (forked workers share it)."""

    processor: Any

    def __call__(self):
        return self.processor

    @property
    def batch_size(self) -> int:
        return getattr(self.processor, "batch_size", 1)


def check_outputs(in_path: str | Path, outputs: list[str | Path]) -> None:
    """No output may be the input (``--overwrite`` would empty it while it is read)."""
    source = Path(in_path).resolve()
    for out in outputs:
        if Path(out).resolve() == source:
            raise corpus_error(IO_OUTPUT, f"output {out} is the input file", "write the output to a new file",
                               file=out)


def local_only(config: JobConfig, command: str) -> None:
    if config.run.engine != "local":
        raise PipelineError(f"--engine {config.run.engine} runs `clinlabel annotate` only, not `clinlabel {command}`",
                            "use --engine local (with --workers N) for this command", code=PIPE_ENGINE)


def count_hint(path: str | Path) -> int | None:
    """Number of notes for the progress bar, when cheap to know (JSONL line count)."""
    path = Path(path)
    if path.is_file() and path.suffix == ".jsonl" and path.stat().st_size < 2_000_000_000:
        with open(path, "rb") as fh:
            return sum(1 for line in fh if line.strip())
    return None


def run_job(
    in_path: str | Path,
    out_path: str | Path,
    config: JobConfig,
    factory: ProcessorFactory,
    *,
    description: str,
    side_files: Mapping[str, str | Path] | None = None,
    tag: Callable[[Iterable[dict[str, Any]]], Iterator[dict[str, Any]]] | None = None,
) -> RunSummary:
    """Stream the notes of ``in_path`` through ``factory``'s processor into ``out_path``
    (``tag`` may mark the records on the way, e.g. lineage's ``meta.run_id``)."""
    from corpora.formats import read_corpus
    from nlp_pipeline.startup import lean_spacy

    check_outputs(in_path, [out_path, *(side_files or {}).values()])
    lean_spacy()
    records = read_corpus(in_path, config.input.format, skip_invalid=config.input.skip_invalid,
                          show_text=config.run.show_text, **config.input.reader_options())
    if tag is not None:
        records = tag(records)
    if config.run.workers == 1 or sys.platform.startswith("linux"):
        # build the processor once, before the output is opened (a bad config costs nothing);
        # forked workers inherit it copy-on-write instead of each building their own
        factory = Prebuilt(factory())
    total = count_hint(in_path)
    for cap in (config.input.limit, config.input.sample):
        total = cap if total is None or cap is not None and cap < total else total
    return run_streaming(records, out_path, factory, config.run, total=total, description=description,
                         side_files=side_files)
