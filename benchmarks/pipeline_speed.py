"""Steady-state speed of `clinlabel annotate` pipelines next to medSpaCy, on MTSamples notes, in one run.

    .venv/bin/python benchmarks/pipeline_speed.py [--notes 300] [--repeat 2] [--skip-medspacy]

Printed, for the same notes (the first ``--notes`` non-empty MTSamples transcriptions):

* CPU notes/s per core (``time.process_time``) of each pipeline, steady state: every pipeline is
  built once (start-up printed apart), warmed on 20 notes, then run over the notes ``--repeat``
  times in one process; the figure is the last pass, exactly what ``clinlabel annotate IN -o OUT``
  runs per note (``NoteProcessor``: record -> Doc -> components -> JSON line):
  - the default pipeline (no preset: sentences, sections, the clinical preset's LFs with majority
    vote and relations, the ICD-10-CM matcher linking Condition mentions, ConText, codes);
  - ``--no-default-lfs`` (the ICD-10-CM matcher alone finds Condition mentions: the conditions-only
    default pipeline of before the clinical preset);
  - ``--preset clinical`` (the default pipeline plus the label model's soft labels in every record);
* medSpaCy's default pipeline (``medspacy.load()``: PyRuSH sentences, TargetMatcher, ConText) with
  every billable ICD-10-CM description as a ``TargetRule``, loaded as ``benchmarks/scale_bench.py``
  loads it, in a subprocess, timed the same way (warm-up, last of ``--repeat`` passes of
  ``nlp.pipe``), and the default pipeline's speed-up over it;
* per component, ms/note of CPU: reading the record (``record_to_doc``: the tokenizer, the rest),
  each pipe, writing the record (``doc_to_record``, hashes, ``json.dumps``).

CPU time is steadier than wall time on a shared machine but still moves with the load (cache
pressure, frequency): rerun on an idle machine for the figures that count.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
MTSAMPLES = ROOT.parent / "shared" / "data" / "mtsamples" / "mtsamples.csv"
WARM = 20

#: (name, PipelineConfig fields)
PIPELINES = (
    ("default (clinical LFs, ICD-10-CM linking, ConText, codes)", {}),
    ("`--no-default-lfs` (ICD-10-CM matcher, ConText, codes)", {"default_lfs": False}),
    ("`--preset clinical` (default + soft labels)", {"preset": "clinical"}),
)

MEDSPACY = r"""
import csv, json, sys, time
import medspacy
from medspacy.target_matcher import TargetRule
from loguru import logger
logger.remove()
import simple_icd_10_cm as icd
texts, repeat, warm = json.load(open(sys.argv[1], encoding="utf-8")), int(sys.argv[2]), int(sys.argv[3])
t0 = time.process_time()
nlp = medspacy.load()
descriptions = sorted({icd.get_description(c) for c in icd.get_all_codes(with_dots=True) if icd.is_leaf(c)})
nlp.get_pipe("medspacy_target_matcher").add([TargetRule(d, "CONDITION") for d in descriptions])
for doc in nlp.pipe(texts[:warm]):
    pass
startup = time.process_time() - t0
for _ in range(repeat):
    t = time.process_time()
    ents = sum(len(doc.ents) for doc in nlp.pipe(texts))
    cpu = time.process_time() - t
print(json.dumps({"cpu": cpu, "startup": startup, "ents": ents}))
"""


def notes(n: int) -> list[dict]:
    """The first ``n`` MTSamples notes with a transcription, as records."""
    csv.field_size_limit(10**9)
    with open(MTSAMPLES, encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if (r.get("transcription") or "").strip()]
    return [{"text": r["transcription"], "meta": {"id": r["note_id"]}} for r in rows[:n]]


def measure(records: list[dict], repeat: int, **pipeline) -> dict:
    """CPU seconds of the last of ``repeat`` passes of ``NoteProcessor`` over ``records``, and
    where a note's time goes (one more pass, stage by stage)."""
    from corpora.doc import doc_to_record, make_doc, record_to_doc
    from corpora.record import set_hashes
    from nlp_pipeline.pipeline import PipelineConfig, build_pipeline
    from nlp_pipeline.processing import NoteProcessor

    t0 = time.process_time()
    cfg = PipelineConfig(**pipeline)
    proc = NoteProcessor(build_pipeline(cfg), cfg)
    for rec in records[:WARM]:
        proc(rec)
    startup = time.process_time() - t0
    total, written = 0.0, 0
    for _ in range(repeat):
        written = 0
        t = time.process_time()
        for rec in records:
            written += proc(rec).line.count('"label"')
        total = time.process_time() - t
    stages: dict[str, float] = {}

    def add(name: str, t: float) -> float:
        now = time.process_time()
        stages[name] = stages.get(name, 0.0) + now - t
        return now

    nlp = proc.nlp
    for rec in records:
        t = time.process_time()
        doc = make_doc(rec, nlp)
        t = add("tokenizer", t)
        doc = record_to_doc(proc._prepare(rec), nlp, doc=doc)
        t = add("record_to_doc", t)
        for name, component in nlp.pipeline:
            doc = component(doc)
            t = add(name, t)
        out = doc_to_record(doc, with_tokens=True, copy_values=False)
        t = add("doc_to_record", t)
        out.pop("_input_hash", None)
        out.pop("_task_hash", None)
        set_hashes(out)
        t = add("hashes", t)
        json.dumps(out, ensure_ascii=False)
        add("json", t)
    return {"cpu": total, "startup": startup, "written": written,
            "stages": {k: 1000 * v / len(records) for k, v in stages.items()}}


def measure_medspacy(records: list[dict], repeat: int, tmp: Path) -> dict:
    path = tmp / "medspacy_texts.json"
    path.write_text(json.dumps([r["text"] for r in records]), encoding="utf-8")
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    proc = subprocess.run([sys.executable, "-c", MEDSPACY, str(path), str(repeat), str(WARM)],
                          capture_output=True, text=True, env=env, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    import tempfile

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--notes", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--skip-medspacy", action="store_true")
    args = ap.parse_args(argv)
    from nlp_pipeline.startup import lean_spacy

    lean_spacy()
    records = notes(args.notes)
    n = len(records)
    words = sum(len(r["text"].split()) for r in records)
    print(f"{n} MTSamples notes, {words / n:.0f} words on average; CPU seconds of the last of {args.repeat} "
          f"passes (start-up and a {WARM}-note warm-up apart); load average at start "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    print("| pipeline | CPU s | notes/s per core | ms/note | start-up CPU s | spans + relations written |")
    print("|---|---|---|---|---|---|")
    results = {}
    for name, cfg in PIPELINES:
        r = results[name] = measure(records, args.repeat, **cfg)
        print(f"| {name} | {r['cpu']:.2f} | {n / r['cpu']:.0f} | {1000 * r['cpu'] / n:.1f} | "
              f"{r['startup']:.1f} | {r['written']} |", flush=True)
    default = results[PIPELINES[0][0]]
    if not args.skip_medspacy:
        with tempfile.TemporaryDirectory(prefix="clinlabel-speed-") as tmp:
            m = measure_medspacy(records, args.repeat, Path(tmp))
        print(f"| medSpaCy default + ICD-10-CM TargetRules | {m['cpu']:.2f} | {n / m['cpu']:.1f} | "
              f"{1000 * m['cpu'] / n:.1f} | {m['startup']:.1f} | {m['ents']} entities |")
        print(f"\nThe default pipeline is {m['cpu'] / default['cpu']:.1f}x faster than medSpaCy "
              f"(steady-state CPU time, same notes).")
    stages = sorted({s for r in results.values() for s in r["stages"]},
                    key=lambda s: min(list(r["stages"]).index(s) for r in results.values() if s in r["stages"]))
    print("\nms/note of CPU per stage (one more pass, stage by stage):\n")
    print("| stage | " + " | ".join(name.split(" (")[0] for name, _ in PIPELINES) + " |")
    print("|---|" + "---|" * len(PIPELINES))
    for s in stages:
        print(f"| {s} | " + " | ".join(f"{results[name]['stages'][s]:.2f}" if s in results[name]["stages"] else ""
                                       for name, _ in PIPELINES) + " |")
    print("| total | " + " | ".join(f"{sum(results[name]['stages'].values()):.2f}" for name, _ in PIPELINES) + " |")


if __name__ == "__main__":
    main()
