"""Continued MLM pretraining of the end model's backbone on unlabelled in-domain text we have.

    .venv/bin/python benchmarks/pretrain_backbone.py --out build/backbone_mlm --minutes 20 \\
        --corpus ../shared/data/bc5cdr/CDR_TrainingSet.PubTator.txt \\
        --corpus ../shared/data/ncbi_disease/NCBItrainset_corpus.txt --mtsamples 1000

Only text is read (annotations are ignored).  The development sets that are scored are left
out on purpose, so the dev figures of a model trained from this backbone stay honest.  Stops at
``--steps`` or after ``--minutes`` of wall time; prints the steps, CPU seconds and MLM loss.
The folder written is a backbone for ``clinlabel train --backbone``.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
MTSAMPLES = ROOT.parent / "shared" / "data" / "mtsamples" / "mtsamples.csv"


def mtsamples_texts(n: int) -> list[str]:
    csv.field_size_limit(10**9)
    out = []
    with MTSAMPLES.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            text = (row.get("transcription") or "").strip()
            if text:
                out.append(text)
            if len(out) >= n:
                break
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--corpus", type=Path, action="append", default=[])
    ap.add_argument("--chia-tune", type=Path, default=None, help="Chia folder: add the text of its tune half")
    ap.add_argument("--mtsamples", type=int, default=0, help="add the first N MTSamples notes")
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--minutes", type=float, default=20)
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--learning-rate", type=float, default=1e-4)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--backbone", default=None)
    args = ap.parse_args(argv)

    from corpora.formats import read_corpus
    from nlp_pipeline.end_model.pretrain import PRETRAIN_FILE, continue_pretraining

    texts = []
    for path in args.corpus:
        texts += [r["text"] for r in read_corpus(path, skip_invalid=True)]
    if args.chia_tune:
        from labeling_functions.presets.clinical import chia_split

        texts += [r["text"] for r in read_corpus(args.chia_tune, skip_invalid=True)
                  if chia_split(r["meta"]["id"]) == "tune"]
    texts += mtsamples_texts(args.mtsamples)
    t0, c0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
    continue_pretraining(texts, args.out, backbone=args.backbone, max_steps=args.steps, max_seconds=args.minutes * 60,
                         max_length=args.max_length, batch_size=args.batch_size, learning_rate=args.learning_rate,
                         num_threads=args.threads, overwrite=True)
    c1 = resource.getrusage(resource.RUSAGE_SELF)
    info = json.loads((args.out / PRETRAIN_FILE).read_text())
    info.update(texts=len(texts), wall_seconds=round(time.perf_counter() - t0, 1),
                cpu_seconds=round(c1.ru_utime + c1.ru_stime - c0.ru_utime - c0.ru_stime, 1),
                sources=[str(p) for p in args.corpus] + ([f"chia tune half {args.chia_tune}"] if args.chia_tune else [])
                + ([f"mtsamples first {args.mtsamples}"] if args.mtsamples else []))
    (args.out / PRETRAIN_FILE).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(info, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
