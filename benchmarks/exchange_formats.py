"""Write / read throughput of the exchange formats, and what a round trip keeps, on BC5CDR dev.

    .venv/bin/python benchmarks/exchange_formats.py [--repeat 3]

Reads the 500 BC5CDR development abstracts (PubTator), writes them in each exchange format in
a temporary folder and reads them back (in process, no CLI start-up; best of --repeat runs,
wall-clock and CPU seconds), then counts the spans and relations that came back with the same
label and text.  Timings depend on what else runs on the machine.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from corpora.formats import read_corpus, write_corpus

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "bc5cdr" / "CDR_DevelopmentSet.PubTator.txt"
FORMATS = {"label-studio": "tasks.json", "doccano": "d.jsonl", "xmi": "xmi", "conll": "c.conll", "docbin": "d.spacy",
           "prodigy": "p.jsonl"}


def _kept(src: list[dict], back: list[dict]) -> tuple[int, int, int, int]:
    by_id = {r["meta"]["id"]: r for r in back}
    spans = kept = rels = rels_kept = 0
    for rec in src:
        got = by_id.get(rec["meta"]["id"], {})
        have = [(s["label"], s.get("text")) for s in got.get("spans") or []]
        for s in rec.get("spans") or []:
            spans += 1
            if (s["label"], s.get("text")) in have:
                kept += 1
                have.remove((s["label"], s.get("text")))
        rels += len(rec.get("relations") or [])
        rels_kept += min(len(rec.get("relations") or []), len(got.get("relations") or []))
    return spans, kept, rels, rels_kept


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    records = list(read_corpus(DATA))
    print(f"{len(records)} BC5CDR development abstracts\n")
    print("| format | write notes/s | read notes/s | write+read CPU s | spans kept | relations kept |")
    print("|---|---|---|---|---|---|")
    for fmt, name in FORMATS.items():
        best_w = best_r = best_cpu = float("inf")
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / name
                c0, t0 = time.process_time(), time.perf_counter()
                write_corpus([dict(r) for r in records], out, fmt)
                t1 = time.perf_counter()
                back = list(read_corpus(out, fmt))
                t2, c1 = time.perf_counter(), time.process_time()
            best_w, best_r, best_cpu = min(best_w, t1 - t0), min(best_r, t2 - t1), min(best_cpu, c1 - c0)
        spans, kept, rels, rels_kept = _kept(records, back)
        print(f"| {fmt} | {len(records) / best_w:,.0f} | {len(records) / best_r:,.0f} | {best_cpu:.2f} | "
              f"{kept}/{spans} | {rels_kept}/{rels} |")


if __name__ == "__main__":
    main()
