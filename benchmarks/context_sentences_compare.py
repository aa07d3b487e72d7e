"""Sentence boundaries: clinlabel_sentences vs medSpaCy's PyRuSH on a sample of MTSamples notes.

    .venv/bin/python benchmarks/context_sentences_compare.py [--n 20] [--seed 13] [--show 40]

Prints, for a seeded random sample of notes, how many sentence starts each splitter finds, how
many they share, and then each boundary only one of them has with the text around it
(``<<|>>`` marks the boundary), so that a person can judge each disagreement.  Boundaries are
compared as the offset of the first non-space character of each sentence.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CSV = ROOT.parent / "shared" / "data" / "mtsamples" / "mtsamples.csv"


def starts_of(doc) -> set[int]:
    out = set()
    for s in doc.sents:
        t = s.text
        lead = len(t) - len(t.lstrip(" \t\n,"))
        if lead < len(t):
            out.add(s.start_char + lead)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--show", type=int, default=40, help="disagreements to print per side")
    args = ap.parse_args(argv)
    csv.field_size_limit(10**9)
    with open(args.csv, encoding="utf-8", newline="") as fh:
        notes = [r["transcription"] for r in csv.DictReader(fh) if (r.get("transcription") or "").strip()]
    sample = random.Random(args.seed).sample(notes, args.n)

    import medspacy
    import spacy

    import nlp_pipeline.sentences  # noqa: F401

    try:
        from loguru import logger

        logger.remove()
    except Exception:
        pass
    rush = medspacy.load(enable=["medspacy_pyrush"])
    ours = spacy.blank("en")
    ours.add_pipe("clinlabel_sentences")
    only_ours, only_rush, both = [], [], 0
    n_ours = n_rush = 0
    for text in sample:
        a, b = starts_of(ours(text)), starts_of(rush(text))
        n_ours += len(a)
        n_rush += len(b)
        both += len(a & b)
        only_ours += [(text, i) for i in sorted(a - b)]
        only_rush += [(text, i) for i in sorted(b - a)]
    print(f"{args.n} notes (seed {args.seed}): clinlabel {n_ours} sentence starts, PyRuSH {n_rush}, shared {both}")
    for title, items in (("only clinlabel", only_ours), ("only PyRuSH", only_rush)):
        print(f"\n## boundaries {title} ({len(items)})")
        for text, i in items[: args.show]:
            left = " ".join(text[max(0, i - 60): i].split())
            right = " ".join(text[i: i + 50].split())
            print(f"- ...{left} <<|>> {right}...")
    return 0


if __name__ == "__main__":
    sys.exit(main())
