"""``clinlabel convert``: any supported corpus format to any other, streamed."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional

import typer

from corpora.errors import IO_FORMAT, IO_NOT_FOUND, IO_OUTPUT, corpus_error

from .._app import app
from ..options import CorpusOptions, corpus_options

logger = logging.getLogger(__name__)


def _progress(records: Iterable[dict[str, Any]], enabled: bool) -> Iterator[dict[str, Any]]:
    if not enabled:
        yield from records
        return
    from tqdm.auto import tqdm

    with tqdm(desc="convert", unit="note", file=sys.stderr, dynamic_ncols=True, mininterval=0.5) as bar:
        for record in records:
            yield record
            bar.update(1)


def convert_corpus(
    in_path: str | Path,
    out_path: str | Path,
    from_fmt: str | None = None,
    to_fmt: str | None = None,
    *,
    skip_invalid: bool = False,
    progress: bool = False,
    reader_options: dict[str, Any] | None = None,
    writer_options: dict[str, Any] | None = None,
) -> tuple[int, str, str]:
    """Stream ``in_path`` into ``out_path``; return (records written, input format, output format).

    Formats are registry names (:mod:`corpora.formats`) or the plugin formats of
    :mod:`clinlabel.plugins` (``hf-dataset``, ``omop-note-nlp``, ``fhir``), loaded on use.
    Records are written as they are read, so a bad input line stops the run with everything
    before it already in ``out_path``.
    """
    from corpora.formats import ALIASES, READERS, WRITERS, infer_format, normalize_format, read_corpus

    from .. import plugins

    reader_options = {k: v for k, v in (reader_options or {}).items() if v is not None}
    writer_options = {k: v for k, v in (writer_options or {}).items() if v is not None}
    in_path, out_path = Path(in_path), Path(out_path)
    if out_path.exists() and in_path.exists() and out_path.resolve() == in_path.resolve():
        raise corpus_error(IO_OUTPUT, f"output {out_path} is the input", "write to another path with -o", file=out_path)

    # input
    src = ALIASES.get(from_fmt.lower(), from_fmt.lower()) if from_fmt else None
    if src is not None and src not in READERS and src in plugins.EXTRA_READERS:
        if not in_path.exists():
            raise corpus_error(IO_NOT_FOUND, f"no such file or folder: {in_path}", "check the path", file=in_path)
        from corpora.selection import select_records

        plugin_reader = plugins.load(plugins.EXTRA_READERS[src])
        selection = {k: reader_options.pop(k) for k in ("limit", "sample", "seed") if k in reader_options}
        records = select_records(lambda: plugin_reader(in_path, **reader_options), **selection)
    else:
        if src is not None and src not in READERS:
            names = ", ".join([*READERS.names(), *plugins.EXTRA_READERS])
            raise corpus_error(IO_FORMAT, f"unknown input format {from_fmt!r}", f"use --from with one of: {names}")
        src = src or infer_format(in_path)
        records = read_corpus(in_path, src, skip_invalid=skip_invalid, **reader_options)

    # output
    if to_fmt:
        dst = ALIASES.get(to_fmt.lower(), to_fmt.lower())
        if dst not in WRITERS and dst not in plugins.EXTRA_WRITERS:
            names = ", ".join([*WRITERS.names(), *plugins.EXTRA_WRITERS])
            raise corpus_error(IO_FORMAT, f"unknown output format {to_fmt!r}", f"use --to with one of: {names}")
    else:
        dst = infer_format(out_path, writing=True)
    if dst in WRITERS:
        writer = WRITERS[normalize_format(dst, writing=True)]
    else:
        writer = plugins.load(plugins.EXTRA_WRITERS[dst])
        writer_options.setdefault("source", str(in_path))  # plugin writers name the input in their errors
    from corpora.writers._common import private_files

    with private_files():  # every output holds note text: created owner-only (0600 files, 0700 folders)
        n = writer(_progress(records, progress), out_path, **writer_options)
    return n, src, dst


@app.command()
@corpus_options
def convert(
    input: Path = typer.Argument(..., help="Input: JSONL, .txt folder, CSV, PubTator, BioC XML, brat folder, .spacy, "
                                           "Label Studio export, doccano JSONL, XMI, CoNLL."),
    output: Path = typer.Option(..., "-o", "--output", help="Output file or folder (written as records are read)."),
    to_fmt: Optional[str] = typer.Option(None, "--to", help="Output format (prodigy, txt, pubtator, bioc, brat, docbin, label-studio, doccano, xmi, conll, hf-dataset, omop-note-nlp, fhir); inferred from the output's extension."),
    split: Optional[str] = typer.Option(None, "--split", help="hf-dataset: train,validation,test fractions, e.g. 0.8,0.1,0.1 (by document; seeded by --seed)."),
    split_by: Optional[str] = typer.Option(None, "--split-by", help="hf-dataset: meta field whose notes stay in one split (e.g. patient_id)."),
    ents: Optional[str] = typer.Option(None, "--ents", help="docbin: labels put in doc.ents (comma-separated; default: all, overlaps resolved longest first)."),
    omop_vocab: Optional[Path] = typer.Option(None, "--omop-vocab", help="OMOP vocabulary folder (for --to omop-note-nlp)."),
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Log malformed records and go on instead of stopping."),
    tokens: bool = typer.Option(False, "--tokens", help="Prodigy output: add tokens, token_start/token_end and relation head/child."),
    hashes: bool = typer.Option(False, "--hashes", help="Prodigy output: add _input_hash/_task_hash where missing."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar on stderr."),
    corpus: CorpusOptions = None,
) -> None:
    """Convert a corpus between formats (records streamed; nothing is held in memory)."""
    n, src, dst = convert_corpus(
        input, output, corpus.fmt, to_fmt,
        skip_invalid=skip_invalid, progress=progress,
        reader_options=corpus.reader_options(),
        writer_options={"omop_vocab": None if omop_vocab is None else str(omop_vocab),
                        "tokens": tokens or None, "hashes": hashes or None,
                        "split": split, "split_by": split_by, "seed": corpus.seed, "ents": ents},
    )
    typer.echo(f"wrote {n} records to {output} ({src} -> {dst})", err=True)
