"""Throughput of the standards exporters (issue 11): NOTE_NLP CSV/Parquet write + read, FHIR NDJSON.

Input: the 50 bundled MTSamples notes (corpora/samples/mtsamples_50.jsonl), repeated ``--copies``
times with new ids, with a span at every occurrence of a few condition words (coded ICD-10-CM,
some negated/historical/family) so the exporters have realistic work.  Timings are wall clock on
whatever machine runs it (shared, noisy cores: treat them as rough).  Times include the first
import of pyarrow / fhir.resources.  Notes without spans have no NOTE_NLP rows, so fewer notes
come back from NOTE_NLP than went in.

    .venv/bin/python benchmarks/standards_export.py --copies 20
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
from importlib import resources
from pathlib import Path

from corpora.standards.fhir import write_fhir
from corpora.standards.omop import read_note_nlp, write_note_nlp

TERMS = {"hypertension": "I10", "diabetes": "E11.9", "asthma": "J45.909", "pain": "R52", "pneumonia": "J18.9",
         "cancer": "C80.1", "infection": "B99.9", "fever": "R50.9"}


def records(copies: int):
    path = resources.files("corpora") / "samples" / "mtsamples_50.jsonl"
    notes = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    pattern = re.compile(r"\b(" + "|".join(TERMS) + r")\b", re.I)
    for c in range(copies):
        for i, note in enumerate(notes):
            spans = []
            for k, m in enumerate(pattern.finditer(note["text"])):
                spans.append({"start": m.start(), "end": m.end(), "label": "PROBLEM", "text": m.group(0),
                              "code": TERMS[m.group(0).lower()], "system": "ICD-10-CM", "score": 0.5,
                              "negated": k % 5 == 1, "historical": k % 7 == 2, "family": k % 11 == 3})
            yield {"text": note["text"], "meta": {"id": f"{note['meta']['id']}-{c}", "note_id": c * 1000 + i},
                   "spans": spans}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=20)
    args = ap.parse_args()
    recs = list(records(args.copies))
    n_spans = sum(len(r["spans"]) for r in recs)
    print(f"{len(recs)} notes, {n_spans} spans, {sum(1 for r in recs if r['spans'])} notes with spans")
    with tempfile.TemporaryDirectory() as tmp:
        for name, fn, out in (("NOTE_NLP csv", write_note_nlp, "n.csv"), ("NOTE_NLP parquet", write_note_nlp, "n.parquet"),
                              ("FHIR ndjson", write_fhir, "b.ndjson")):
            t = time.perf_counter()
            n = fn(recs, Path(tmp) / out)
            dt = time.perf_counter() - t
            print(f"{name:18s} write: {n:6d} notes in {dt:6.2f} s = {n / dt:8.0f} notes/s")
        for out in ("n.csv", "n.parquet"):
            t = time.perf_counter()
            back = list(read_note_nlp(Path(tmp) / out))
            dt = time.perf_counter() - t
            print(f"NOTE_NLP {out[2:]:9s} read:  {len(back):6d} notes in {dt:6.2f} s = {len(back) / dt:8.0f} notes/s")


if __name__ == "__main__":
    main()
