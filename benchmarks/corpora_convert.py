"""Throughput of the corpus readers and of ``convert`` (in process, no CLI start-up).

    .venv/bin/python benchmarks/corpora_convert.py [--repeat 3]

Reads each public corpus in ../shared/data, converts it to Prodigy JSONL in a temporary folder,
and prints notes/s and MB/s (best of --repeat runs) plus the peak Python heap of a read
(tracemalloc).  Timings are wall-clock on whatever else the machine is running.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from pathlib import Path

from clinlabel.commands.corpora_cmds import convert_corpus
from corpora.formats import read_corpus

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"

CASES = [
    ("BC5CDR dev, PubTator", DATA / "bc5cdr" / "CDR_DevelopmentSet.PubTator.txt", {}),
    ("BC5CDR train, PubTator", DATA / "bc5cdr" / "CDR_TrainingSet.PubTator.txt", {}),
    ("BC5CDR train, BioC XML", DATA / "bc5cdr" / "CDR_TrainingSet.BioC.xml", {}),
    ("Chia, brat (1424 docs)", DATA / "chia", {}),
    ("MTSamples, CSV", DATA / "mtsamples" / "mtsamples.csv", {"text_col": "transcription", "id_col": "note_id"}),
]


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.iterdir()) if path.is_dir() else path.stat().st_size


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"{'input':<26} {'notes':>6} {'MB':>6} {'read n/s':>9} {'convert n/s':>11} {'convert MB/s':>12} {'read peak MB':>12}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, path, opts in CASES:
            if not path.exists():
                print(f"{name:<26} (missing: {path})")
                continue
            mb = _size(path) / 1e6
            best_read = best_conv = float("inf")
            n = 0
            for _ in range(args.repeat):
                t = time.perf_counter()
                n = sum(1 for _ in read_corpus(path, **opts))
                best_read = min(best_read, time.perf_counter() - t)
                t = time.perf_counter()
                convert_corpus(path, Path(tmp) / "out.jsonl", to_fmt="prodigy", reader_options=opts)
                best_conv = min(best_conv, time.perf_counter() - t)
            tracemalloc.start()
            for _ in read_corpus(path, **opts):
                pass
            peak = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
            print(f"{name:<26} {n:>6} {mb:>6.1f} {n / best_read:>9.0f} {n / best_conv:>11.0f} {mb / best_conv:>12.1f} {peak:>12.2f}")


if __name__ == "__main__":
    main()
