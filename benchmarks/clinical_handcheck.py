"""Pick and print the 20 MTSamples notes of the clinical preset's hand check (docs/clinical.md).

    .venv/bin/python benchmarks/clinical_handcheck.py --pick build/handcheck/notes.csv
    .venv/bin/clinlabel annotate build/handcheck/notes.csv --text-col transcription --id-col note_id \\
        -o build/handcheck/out.jsonl --preset clinical
    .venv/bin/python benchmarks/clinical_handcheck.py --show build/handcheck/out.jsonl > build/handcheck/spans.txt

The notes: a seeded random sample (``random.Random(SEED)``) of 20 MTSamples rows among rows 100
and later (rows 0-99 were read while the rules were written) whose transcription has 1,000 to
3,000 characters (a length one can read and judge span by span).  ``--show`` prints each note and,
per label, every predicted span with 40 characters of context on each side, numbered, for the
judge to mark correct / incorrect.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MTSAMPLES = ROOT.parent / "shared" / "data" / "mtsamples" / "mtsamples.csv"
SEED = 20261202


def pick(out: Path, n: int = 20) -> list[str]:
    with open(MTSAMPLES, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    pool = [r for i, r in enumerate(rows) if i >= 100 and 1000 <= len(r.get("transcription") or "") <= 3000]
    chosen = random.Random(SEED).sample(pool, n)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["note_id", "medical_specialty", "transcription"])
        w.writeheader()
        for r in chosen:
            w.writerow({k: r[k] for k in ("note_id", "medical_specialty", "transcription")})
    return [r["note_id"] for r in chosen]


def show(path: Path) -> None:
    for line in open(path, encoding="utf-8"):
        rec = json.loads(line)
        text = rec["text"]
        print(f"=== note {rec['meta']['id']} ({len(text)} chars)")
        by_label: dict[str, list[dict]] = {}
        for s in rec["spans"]:
            by_label.setdefault(s["label"], []).append(s)
        for label, spans in by_label.items():
            print(f"  -- {label} ({len(spans)})")
            for k, s in enumerate(spans, 1):
                left = text[max(0, s["start"] - 40):s["start"]].replace("\n", " ")
                right = text[s["end"]:s["end"] + 40].replace("\n", " ")
                print(f"  {k:3d}. {left}[[{text[s['start']:s['end']]}]]{right}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pick", type=Path)
    ap.add_argument("--show", type=Path)
    args = ap.parse_args(argv)
    if args.pick:
        print(" ".join(pick(args.pick)))
    if args.show:
        show(args.show)


if __name__ == "__main__":
    sys.exit(main())
