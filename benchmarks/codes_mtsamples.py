"""Code suggestion on MTSamples notes: a side-by-side sample for the README, and the cost of coding.

    .venv/bin/python benchmarks/codes_mtsamples.py --notes 20 --show 1      # sample table (markdown)
    .venv/bin/python benchmarks/codes_mtsamples.py --notes 300 --timing     # annotate with vs without codes

Timing builds both pipelines in this process, warms them on 100 other notes (start-up and
first-use caches excluded), then runs each once over the measured notes; it reports CPU seconds
(steady on a shared machine) and wall seconds.
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MTSAMPLES = ROOT.parent / "shared" / "data" / "mtsamples" / "mtsamples.csv"


def notes(n: int, offset: int = 0) -> list[dict]:
    with open(MTSAMPLES, newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["transcription"].strip()]
    picked = rows[offset::max(1, len(rows) // max(n, 1))][:n]
    return [{"text": r["transcription"], "meta": {"id": f"mtsamples-{r['note_id']}", "specialty": r["medical_specialty"].strip()}}
            for r in picked]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--notes", type=int, default=20)
    ap.add_argument("--show", type=int, default=1, help="notes to print side by side")
    ap.add_argument("--timing", action="store_true")
    args = ap.parse_args()
    from nlp_pipeline.pipeline import PipelineConfig
    from nlp_pipeline.processing import AnnotateProcessorFactory

    records = notes(args.notes)
    if args.timing:
        # warm both pipelines on other notes (Index entries and look-ups are cached per process, as
        # in any long run), then time one pass over the measured notes: CPU seconds (steady on a
        # shared machine) and wall seconds
        warm = notes(100, offset=1)
        with_codes = AnnotateProcessorFactory(PipelineConfig(codes=True))()
        without = AnnotateProcessorFactory(PipelineConfig(codes=False))()
        for r in warm:
            with_codes.annotate_record(r), without.annotate_record(r)
        cpu, wall = {}, {}
        for name, proc in (("without", without), ("with", with_codes)):
            t0, c0 = time.perf_counter(), time.process_time()
            for r in records:
                proc.annotate_record(r)
            wall[name], cpu[name] = time.perf_counter() - t0, time.process_time() - c0
        extra = cpu["with"] / cpu["without"] - 1
        print(f"{len(records)} MTSamples notes: annotate without codes {cpu['without']:.2f} CPU-s "
              f"({wall['without']:.2f} s wall), with codes {cpu['with']:.2f} CPU-s ({wall['with']:.2f} s wall): "
              f"coding adds {100 * extra:.1f}% CPU")
        return
    proc = AnnotateProcessorFactory(PipelineConfig(codes=True))()
    n_codes = n_conf = 0
    shown = 0
    for record in records:
        out = proc.annotate_record(record)
        n_codes += len(out.get("codes") or [])
        n_conf += sum(c["status"] == "confirmed" for c in out.get("codes") or [])
        if shown < args.show and 3 <= len(out.get("codes") or []) <= 14 and len(record["text"]) < 4500 \
                and sum(c["status"] == "confirmed" for c in out["codes"]) >= 2:
            shown += 1
            print(f"### {record['meta']['id']} ({record['meta']['specialty']})\n")
            print("<table><tr><th>note</th><th>suggested codes</th></tr><tr><td valign=top><pre>")
            print(record["text"].replace(",", ",\u200b").replace("<", "&lt;"))
            print("</pre></td><td valign=top>\n\n| code | status | description | evidence (section) |\n|---|---|---|---|")
            for c in out["codes"]:
                ev = "; ".join(f"\"{e['text']}\" @{e['start']}" + (f" ({e['section']})" if e.get("section") else "")
                               for e in c["evidence"][:3])
                print(f"| {c['code']} | {c['status']} | {c['description']} | {ev} |")
            print("\n</td></tr></table>\n")
    print(f"{len(records)} notes: {n_codes} suggestions, {n_conf} confirmed")


if __name__ == "__main__":
    main()
