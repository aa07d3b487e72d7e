"""Speed of `clinlabel annotate --preset clinical` next to today's default pipeline, on MTSamples notes.

    .venv/bin/python benchmarks/clinical_speed.py [--notes 300] [--repeat 2]

Each configuration is built once (start-up reported apart), warmed on 20 notes, then run over the
notes ``--repeat`` times in one process; the figure is CPU seconds (``time.process_time``) of the
last pass, i.e. steady state with spaCy's tokenizer cache warm, as a long run sees it.  Each
configuration runs exactly what ``clinlabel annotate IN -o OUT [--preset clinical]`` runs per note
(``NoteProcessor``: record -> Doc -> components -> JSON line).  Also printed: the clinical
preset's share (LF votes, aggregation and relations) of a note's CPU time.  CPU time is steadier
than wall time on a shared machine, but still noisy: rerun on an idle machine for the figures
that count.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
MTSAMPLES = ROOT.parent / "shared" / "data" / "mtsamples" / "mtsamples.csv"


def notes(n: int) -> list[dict]:
    with open(MTSAMPLES, encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if (r.get("transcription") or "").strip()]
    return [{"text": r["transcription"], "meta": {"id": r["note_id"]}} for r in rows[:n]]


def measure(records: list[dict], repeat: int, **pipeline) -> dict:
    from nlp_pipeline.pipeline import PipelineConfig, build_pipeline
    from nlp_pipeline.processing import NoteProcessor

    t0 = time.process_time()
    cfg = PipelineConfig(**pipeline)
    proc = NoteProcessor(build_pipeline(cfg), cfg)
    for rec in records[:20]:
        proc(rec)
    startup = time.process_time() - t0
    per_component: dict[str, float] = {}
    spans = 0
    for _ in range(repeat):
        per_component = {}
        spans = 0
        t = time.process_time()
        for rec in records:
            out = proc(rec)
            spans += out.line.count('"label"')
        total = time.process_time() - t
    # where the time goes, on one more pass: the components one by one
    from corpora.doc import record_to_doc

    for rec in records:
        doc = record_to_doc(dict(rec), proc.nlp)
        for name, component in proc.nlp.pipeline:
            t = time.process_time()
            doc = component(doc)
            per_component[name] = per_component.get(name, 0.0) + time.process_time() - t
    return {"cpu": total, "notes_per_s": len(records) / total, "startup": startup, "labels": spans,
            "components": {k: 1000 * v / len(records) for k, v in per_component.items()}}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--notes", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args(argv)
    from nlp_pipeline.startup import lean_spacy

    lean_spacy()
    records = notes(args.notes)
    words = sum(len(r["text"].split()) for r in records)
    print(f"{len(records)} MTSamples notes, {words / len(records):.0f} words on average; CPU seconds of the last of "
          f"{args.repeat} passes (start-up and warm-up apart)\n")
    print("| pipeline | CPU s | notes/s per core | ms/note | start-up CPU s | spans + relations written | "
          "ms/note per component |\n|---|---|---|---|---|---|---|")
    for name, cfg in (("default (today: sentences, sections, ICD-10-CM matcher, ConText, codes)", {}),
                      ("`--preset clinical` (sentences, sections, clinical LFs + majority vote + relations, ConText)",
                       {"preset": "clinical"})):
        r = measure(records, args.repeat, **cfg)
        comps = ", ".join(f"{k} {v:.1f}" for k, v in r["components"].items())
        print(f"| {name} | {r['cpu']:.2f} | {r['notes_per_s']:.0f} | {1000 * r['cpu'] / len(records):.1f} | "
              f"{r['startup']:.1f} | {r['labels']} | {comps} |")


if __name__ == "__main__":
    main()
