"""Sweep every note of every corpus in ../shared/data through `clinlabel annotate`, with the default
pipeline and each preset, and count the notes that fail (issue 18).

Corpora: MTSamples (CSV, 4,999 notes), Chia (brat, 1,424 files), BC5CDR train + dev (PubTator,
1,000 abstracts), NCBI-disease train + dev (PubTator, 693 abstracts), the NegEx/ConText kit
sentences (TSV, 1,213).  Pipelines: the default one, then ``--preset P`` for every preset in
``labeling_functions.presets.PRESET_MODULES`` (a new preset joins the sweep by itself).

    .venv/bin/python benchmarks/corpus_sweep.py                  # everything, 2 workers
    .venv/bin/python benchmarks/corpus_sweep.py --corpora chia --pipelines default --workers 1

Prints one row per (corpus, pipeline): notes written, input records skipped by the reader (a
duplicate id), notes failed (the errors file's entries, by reason), wall and CPU seconds (this
process and its worker processes).
``tests/clinlabel/test_corpus_sweep.py`` runs the same sweep and asserts zero failures.
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"

#: name -> (inputs under ../shared/data, extra annotate flags)
CORPORA: dict[str, tuple[list[str], list[str]]] = {
    "mtsamples": (["mtsamples/mtsamples.csv"], ["--text-col", "transcription", "--id-col", "note_id"]),
    "chia": (["chia"], ["--from", "brat"]),
    "bc5cdr": (["bc5cdr/CDR_TrainingSet.PubTator.txt", "bc5cdr/CDR_DevelopmentSet.PubTator.txt"], []),
    # the training file holds PMID 8528200 twice, word for word: the later copy is skipped (and counted)
    "ncbi_disease": (["ncbi_disease/NCBItrainset_corpus.txt", "ncbi_disease/NCBIdevelopset_corpus.txt"],
                     ["--from", "pubtator", "--skip-invalid"]),
    "negex": (["negex/negex_context_dev.tsv"], ["--text-col", "sentence", "--id-col", "number"]),
}


def pipelines() -> list[str]:
    from labeling_functions.presets import PRESET_MODULES

    return ["default", *PRESET_MODULES]


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


class _Collect(logging.Handler):
    """The input records a reader skipped (``--skip-invalid``), by message."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("skipped:"):
            self.messages.append(record.getMessage())


def sweep_one(corpus: str, pipeline: str, out_dir: Path, workers: int = 2) -> dict:
    """Annotate every input of ``corpus`` with ``pipeline``; the counts and the errors-file entries."""
    from clinlabel.cli import main

    inputs, flags = CORPORA[corpus]
    row = {"corpus": corpus, "pipeline": pipeline, "notes": 0, "failed": 0, "reasons": Counter(), "entries": [],
           "skipped": [], "wall": 0.0, "cpu": 0.0}
    skipped = _Collect()
    logging.getLogger("corpora.readers").addHandler(skipped)
    try:
        for i, rel in enumerate(inputs):
            out = out_dir / f"{corpus}-{pipeline}-{i}.jsonl"
            args = ["--quiet", "annotate", str(SHARED / rel), "-o", str(out), "--overwrite", "--workers", str(workers),
                    "--no-progress", *flags]
            if pipeline != "default":
                args += ["--preset", pipeline]
            wall, cpu = time.perf_counter(), _cpu()
            code = main(args)
            row["wall"] += time.perf_counter() - wall
            row["cpu"] += _cpu() - cpu
            if code != 0:
                raise RuntimeError(f"annotate {rel} --preset {pipeline} exited with {code}")
            with open(out, encoding="utf-8") as fh:
                row["notes"] += sum(1 for _ in fh)
            errors = out.with_name(out.name[: -len(".jsonl")] + ".errors.jsonl")
            if errors.exists():
                for line in errors.read_text(encoding="utf-8").splitlines():
                    entry = json.loads(line)
                    row["failed"] += 1
                    row["entries"].append(entry)
                    row["reasons"][entry["error"]["message"][:120]] += 1
    finally:
        logging.getLogger("corpora.readers").removeHandler(skipped)
    row["skipped"] = skipped.messages
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", nargs="*", default=list(CORPORA), choices=list(CORPORA))
    parser.add_argument("--pipelines", nargs="*", default=None)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    if not SHARED.is_dir():
        print(f"no shared data at {SHARED}", file=sys.stderr)
        return 1
    rows = []
    print("| corpus | pipeline | notes written | input records skipped | notes failed | wall s | CPU s |")
    print("|---|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="clinlabel-sweep-") as tmp:
        for pipeline in args.pipelines or pipelines():
            for corpus in args.corpora:
                row = sweep_one(corpus, pipeline, Path(tmp), args.workers)
                rows.append(row)
                print(f"| {corpus} | {pipeline} | {row['notes']} | {len(row['skipped'])} | {row['failed']} | "
                      f"{row['wall']:.0f} | {row['cpu']:.0f} |", flush=True)
                for reason, n in row["reasons"].most_common(5):
                    print(f"|   {n} x {reason}", flush=True)
    total_wall = sum(r["wall"] for r in rows)
    total_cpu = sum(r["cpu"] for r in rows)
    print(f"| all | | {sum(r['notes'] for r in rows)} | {sum(len(r['skipped']) for r in rows)} | "
          f"{sum(r['failed'] for r in rows)} | {total_wall:.0f} | {total_cpu:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
