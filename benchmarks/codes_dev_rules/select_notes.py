"""Pick the MTSamples notes the second pass of code-suggestion rules was written against (README.md).

The 40 notes of ``../codes_dev_mtsamples/`` are the set nobody writes rules against; this set is
the one we do.  The choice is mechanical, as there:

* specialties and counts are fixed below (``QUOTA``), weighted to the report types of the
  held-out target (radiology) and to the error classes the first pass found (orthopedic,
  urology, pulmonary, discharge summaries, consultations);
* a note qualifies when its transcription has 300-2,500 characters and its text is not in the
  40-note set (MTSamples repeats a report under several specialties: the text is compared);
  a text is used once;
* within a specialty, qualifying notes are shuffled with ``random.Random(SEED)`` and the first
  ``QUOTA[specialty]`` are taken.

    .venv/bin/python benchmarks/codes_dev_rules/select_notes.py            # print ids
    .venv/bin/python benchmarks/codes_dev_rules/select_notes.py --show     # print the notes
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MTSAMPLES = ROOT.parent / "shared" / "data" / "mtsamples" / "mtsamples.csv"
HELD_APART = ROOT / "benchmarks" / "codes_dev_mtsamples" / "codes_dev_mtsamples.jsonl"
SEED = 2117
MIN_CHARS, MAX_CHARS = 300, 2500
#: specialty (as written in the CSV) -> (notes, kind, setting)
QUOTA = {
    "Radiology": (8, "radiology", "outpatient"),
    "Orthopedic": (5, "orthopedic", "outpatient"),
    "Urology": (4, "urology", "outpatient"),
    "Cardiovascular / Pulmonary": (5, "cardiopulmonary", "outpatient"),
    "Discharge Summary": (4, "discharge", "inpatient"),
    "Consult - History and Phy.": (4, "consult", "outpatient"),
    "SOAP / Chart / Progress Notes": (3, "progress", "outpatient"),
    "General Medicine": (2, "general", "outpatient"),
    "Neurology": (1, "neurology", "outpatient"),
}


def _held_apart() -> set[str]:
    with open(HELD_APART, encoding="utf-8") as fh:
        return {json.loads(line)["text"].strip() for line in fh if line.strip()}


def select() -> list[dict]:
    with open(MTSAMPLES, newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["transcription"].strip()]
    used = _held_apart()
    out = []
    for specialty, (n, kind, setting) in QUOTA.items():
        pool = [r for r in rows if r["medical_specialty"].strip() == specialty
                and MIN_CHARS <= len(r["transcription"].strip()) <= MAX_CHARS]
        pool.sort(key=lambda r: int(r["note_id"]))
        random.Random(SEED).shuffle(pool)
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--show", action="store_true")
    args = ap.parse_args()
    for r in select():
        m = r["meta"]
        print(f"{m['id']}\t{m['kind']}\t{m['sample_name']}")
        if args.show:
            print(r["text"].replace(",  ", "\n").replace(".,", ".\n"))
            print("=" * 80)


if __name__ == "__main__":
    main()
