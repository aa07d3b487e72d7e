"""Review store throughput: concurrent annotators answering on SQLite (and PostgreSQL if given).

    .venv/bin/python benchmarks/review_store.py [--notes 200] [--annotators 4] [--pg URL]

Each annotator thread accepts one code and answers every note, the way the review page does
(one code click + one answer = 2 transactions).  Prints answers/s and checks no answer was lost.
Timings on a shared 2-core machine are noisy.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
import uuid
from pathlib import Path


def run(url: str, notes: int, annotators: int) -> dict:
    from review.store import Store

    store = Store(url)
    name = f"bench_{uuid.uuid4().hex[:6]}"
    store.add_tasks(name, [{"text": f"Note {i}: type 2 diabetes, hypertension.", "meta": {"id": f"b{i}"},
                            "codes": [{"code": "E11.9", "system": "ICD-10-CM", "description": "T2DM"}]}
                           for i in range(notes)])
    ids = store.example_ids(name)
    code_ids = {e: store.codes(e)[0]["id"] for e in ids}

    def work(who: str) -> None:
        for e in ids:
            store.review_code(code_ids[e], who, "accepted", session_id=who)
            store.answer(e, who, "accept", session_id=who)

    threads = [threading.Thread(target=work, args=(f"a{i}",)) for i in range(annotators)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - t0
    stored = len(store.annotations(name))
    store.close()
    return {"backend": url.split(":")[0], "answers": notes * annotators, "stored": stored,
            "seconds": round(seconds, 2), "answers_per_s": round(notes * annotators / seconds, 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--notes", type=int, default=200)
    ap.add_argument("--annotators", type=int, default=4)
    ap.add_argument("--pg", default=None, help="postgresql+psycopg://... (e.g. the DSN scripts/ci_services.sh prints)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print(run(f"sqlite:///{Path(tmp) / 'bench.db'}", args.notes, args.annotators))
    if args.pg:
        print(run(args.pg, args.notes, args.annotators))


if __name__ == "__main__":
    main()
