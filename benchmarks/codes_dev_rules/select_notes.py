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

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HELD_APART = ROOT / "benchmarks" / "codes_dev_mtsamples" / "codes_dev_mtsamples.jsonl"
SEED = 2117
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


def _second_set():
    """``../codes_dev_mtsamples/select_notes.py``: the same mechanical choice, one implementation."""
    path = ROOT / "benchmarks" / "codes_dev_mtsamples" / "select_notes.py"
    spec = importlib.util.spec_from_file_location("codes_dev_mtsamples_select", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def select() -> list[dict]:
    return _second_set().pick(QUOTA, SEED, used=_held_apart())


def main() -> None:
    _second_set().show(select(), __doc__)


if __name__ == "__main__":
    main()
