"""Pick the 40 MTSamples notes of the second code-suggestion development set (see README.md).

The choice is mechanical, so nobody picks notes the rules happen to handle:

* specialties and counts are fixed below (``QUOTA``);
* a note qualifies when its transcription has 300-2,500 characters, and its text is not one of
  the 50 bundled demo notes (``corpora/samples/mtsamples_50.jsonl``) or of the 20 notes that
  ``benchmarks/codes_mtsamples.py --notes 20`` shows (the rules' authors looked at those);
* MTSamples repeats a report under several specialties: a text is used once (first specialty
  in ``QUOTA`` order wins);
* within a specialty, qualifying notes are shuffled with ``random.Random(SEED)`` and the first
  ``QUOTA[specialty]`` are taken.

    .venv/bin/python benchmarks/codes_dev_mtsamples/select_notes.py            # print ids
    .venv/bin/python benchmarks/codes_dev_mtsamples/select_notes.py --show     # print the notes
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MTSAMPLES = ROOT.parent / "shared" / "data" / "mtsamples" / "mtsamples.csv"
SEED = 17
MIN_CHARS, MAX_CHARS = 300, 2500
#: specialty (as written in the CSV) -> (notes, kind, setting)
QUOTA = {
    "Radiology": (10, "radiology", "outpatient"),
    "Urology": (5, "urology", "outpatient"),
    "Cardiovascular / Pulmonary": (5, "cardiopulmonary", "outpatient"),
    "Discharge Summary": (5, "discharge", "inpatient"),
    "Gastroenterology": (3, "gastroenterology", "outpatient"),
    "Neurology": (3, "neurology", "outpatient"),
    "Orthopedic": (3, "orthopedic", "outpatient"),
    "SOAP / Chart / Progress Notes": (3, "progress", "outpatient"),
    "Nephrology": (1, "nephrology", "outpatient"),
    "ENT - Otolaryngology": (1, "ent", "outpatient"),
    "Hematology - Oncology": (1, "oncology", "outpatient"),
}


def _seen_texts() -> set[str]:
    seen = set()
    with open(ROOT / "corpora" / "samples" / "mtsamples_50.jsonl", encoding="utf-8") as fh:
        seen.update(json.loads(line)["text"].strip() for line in fh if line.strip())
    import importlib.util

    spec = importlib.util.spec_from_file_location("codes_mtsamples", ROOT / "benchmarks" / "codes_mtsamples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    seen.update(r["text"].strip() for r in module.notes(20))
    return seen


def pick(quota, seed: int, *, not_in_pool: set[str] = frozenset(), used: set[str] | None = None) -> list[dict]:
    """The mechanical choice (also used by ``../codes_dev_rules/select_notes.py``): per specialty of
    ``quota``, the qualifying notes in note-id order shuffled with ``seed``, the first ``n`` whose
    text is not taken yet.  Texts in ``not_in_pool`` never enter a pool; texts in ``used`` are
    skipped as if already taken."""
    with open(MTSAMPLES, newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["transcription"].strip()]
    used = set() if used is None else set(used)
    out = []
    for specialty, (n, kind, setting) in quota.items():
        pool = [r for r in rows if r["medical_specialty"].strip() == specialty
                and MIN_CHARS <= len(r["transcription"].strip()) <= MAX_CHARS
                and r["transcription"].strip() not in not_in_pool]
        pool.sort(key=lambda r: int(r["note_id"]))
        random.Random(seed).shuffle(pool)
        taken = 0
        for r in pool:
            text = r["transcription"].strip()
            if text in used:
                continue
            used.add(text)
            out.append({"text": r["transcription"], "meta": {
                "id": f"mts-{r['note_id']}", "kind": kind, "setting": setting,
                "specialty": specialty, "sample_name": r["sample_name"].strip()}})
            taken += 1
            if taken == n:
                break
    return out


def select() -> list[dict]:
    return pick(QUOTA, SEED, not_in_pool=_seen_texts())


def show(notes: list[dict], doc: str) -> None:
    """The command line of both selection scripts: ids, or the notes with ``--show``."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--show", action="store_true")
    args = ap.parse_args()
    for r in notes:
        m = r["meta"]
        print(f"{m['id']}\t{m['kind']}\t{m['sample_name']}")
        if args.show:
            print(r["text"].replace(",  ", "\n").replace(".,", ".\n"))
            print("=" * 80)


def main() -> None:
    show(select(), __doc__)


if __name__ == "__main__":
    main()
