"""Notes with identical text keep their own ids through export, review and gold (issue 20, item 7).

    .venv/bin/python benchmarks/review_twins.py [--notes 300] [--input annotated.jsonl]

Loads the first N MTSamples notes (``../shared/data/mtsamples/mtsamples.csv``, or an annotated
JSONL such as `clinlabel annotate` writes) into a fresh review store with `review export`, accepts
every note as one annotator, writes gold, and prints: notes in, distinct texts, tasks exported,
examples stored, gold records, and note ids missing from gold.  Before the fix the store kept one
example per task hash, so every twin after the first vanished.
"""

from __future__ import annotations

import argparse
import itertools
import json
import tempfile
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "mtsamples" / "mtsamples.csv"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--notes", type=int, default=300)
    ap.add_argument("--input", type=Path, default=None, help="annotated JSONL instead of the MTSamples CSV")
    args = ap.parse_args()

    from corpora.formats import read_corpus, write_corpus
    from review.jsonl import read_jsonl
    from review.prodigy import export_gold, export_tasks
    from review.store import Store

    if args.input:
        notes = list(itertools.islice(read_corpus(args.input), args.notes))
    else:
        notes = list(itertools.islice(read_corpus(SHARED, text_col="transcription", id_col="note_id"), args.notes))
    with tempfile.TemporaryDirectory() as tmp:
        src, tasks, gold = Path(tmp) / "notes.jsonl", Path(tmp) / "tasks.jsonl", Path(tmp) / "gold.jsonl"
        write_corpus(notes, src, "prodigy")
        store = Store(f"sqlite:///{tmp}/twins.db")
        stats = export_tasks(store, src, "mtsamples", tasks)
        for eid in store.example_ids("mtsamples"):
            store.answer(eid, "reviewer", "accept")
        export_gold(store, "mtsamples", gold)
        gold_ids = [r["meta"]["id"] for _, r in read_jsonl(gold)]
        examples = len(store.example_ids("mtsamples"))
        store.close()
    ids = [str(n["meta"]["id"]) for n in notes]
    print(json.dumps({"notes": len(notes), "distinct_texts": len({n["text"] for n in notes}),
                      "tasks_exported": stats["written"], "examples_stored": examples, "gold_records": len(gold_ids),
                      "ids_missing_from_gold": sorted(set(ids) - set(gold_ids), key=str)}, indent=1))


if __name__ == "__main__":
    main()
