"""Ontology benchmark: build/load times, matcher throughput vs medspaCy, disease-tagging quality.

Run from the project root::

    .venv/bin/python benchmarks/ontology_bench.py                # everything (a few minutes)
    .venv/bin/python benchmarks/ontology_bench.py --only speed   # or: build, synthetic, quality

It prints one ``name: value`` line per figure (and writes them as JSON with ``--json FILE``):

* ICD-10-CM: compile time of the bundled SQLite from ../shared/data/icd10cm (tabular + GEMs),
  its size, the time to open it, and to build / save / load the matcher's term index;
* matcher throughput on MTSamples notes (one process, one core): the clinlabel matcher and
  medspaCy's ``TargetMatcher`` holding the same ICD-10-CM terms (literal rules), both on the
  same pre-tokenised ``spacy.blank("en")`` docs, alternating rounds, best round reported, in
  notes per wall second and per CPU second (the machine is shared: CPU time is the fair one);
* 1 million synthetic terms: index build, save and load time;
* quality: the matcher as a disease tagger on the BC5CDR and NCBI-disease development sets,
  strict span precision / recall / F1 (a predicted span counts only with exact offsets).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))

results: dict[str, object] = {}


def report(name: str, value: object) -> None:
    results[name] = value
    print(f"{name}: {value}", flush=True)


def timed(fn, *args, **kwargs):
    """``(result, wall seconds)``; the CPU seconds of the call go to ``timed.cpu``."""
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn(*args, **kwargs)
    timed.cpu = time.process_time() - c0
    return out, time.perf_counter() - t0


def report_time(name: str, wall: float, digits: int = 2) -> None:
    """Wall and CPU seconds: on a shared machine the CPU time is what one free core would take."""
    report(f"{name}_s", round(wall, digits))
    report(f"{name}_cpu_s", round(timed.cpu, digits))


def bench_build() -> None:
    from ontologies.icd10cm import build_icd10cm
    from ontologies.registry import bundled_path
    from ontologies.store import Ontology
    from ontologies.term_index import TermIndex

    src = SHARED / "icd10cm"
    with tempfile.TemporaryDirectory() as tmp:
        path, dt = timed(build_icd10cm, src / "icd10cm-tabular-2026.xml", Path(tmp) / "icd10cm.sqlite", gems_dir=src)
        report_time("icd10cm_compile", dt)
    bundled = bundled_path()
    report("icd10cm_sqlite_mb", round(bundled.stat().st_size / 1e6, 1))
    ont, dt = timed(Ontology, bundled)
    _, dt2 = timed(ont.get, "E11.9")
    report("icd10cm_open_s", round(dt + dt2, 4))
    report("icd10cm_concepts", len(ont))
    idx, dt = timed(TermIndex.from_ontology, ont)
    report("icd10cm_match_terms", len(idx))
    report_time("icd10cm_index_build", dt)
    with tempfile.TemporaryDirectory() as tmp:
        _, dt = timed(idx.to_disk, Path(tmp) / "idx")
        report_time("icd10cm_index_save", dt)
        size = sum(p.stat().st_size for p in (Path(tmp) / "idx").iterdir())
        report("icd10cm_index_mb", round(size / 1e6, 1))
        _, dt = timed(TermIndex.from_disk, Path(tmp) / "idx")
        report_time("icd10cm_index_load", dt)
    hits, dt = timed(ont.search, "type 2 diabetes", limit=5)
    report("search_type_2_diabetes_ms", round(dt * 1000, 1))


def _notes(n: int) -> list[str]:
    csv.field_size_limit(1 << 30)
    with (SHARED / "mtsamples" / "mtsamples.csv").open(encoding="utf-8", newline="") as fh:
        texts = [r["transcription"] for r in csv.DictReader(fh) if r["transcription"].strip()]
    return texts[:n]


def bench_speed(n_notes: int, rounds: int) -> None:
    """Both matchers on the same pre-tokenised docs, in alternating rounds; best round reported."""
    import spacy

    import ontologies.matcher  # noqa: F401
    from medspacy.target_matcher import TargetMatcher, TargetRule

    texts = _notes(n_notes)
    report("mtsamples_notes", len(texts))
    report("mtsamples_words_per_note", round(sum(len(t.split()) for t in texts) / len(texts)))
    nlp = spacy.blank("en")
    matcher = nlp.add_pipe("clinlabel_ontology_matcher")
    nlp.initialize()
    _, dt = timed(lambda: list(nlp.tokenizer.pipe(texts)))
    report("tokenizer_notes_per_s", round(len(texts) / dt))
    report("tokenizer_notes_per_cpu_s", round(len(texts) / timed.cpu))
    # medspaCy's TargetMatcher with the same ICD-10-CM terms (the clinlabel matcher's term list)
    tm, dt = timed(lambda: TargetMatcher(nlp))
    _, dt = timed(tm.add, [TargetRule(term, "Condition") for term in matcher.index.terms])
    report("medspacy_target_rules", len(matcher.index.terms))
    report_time("medspacy_build", dt, 1)

    def run(component, key):
        docs = list(nlp.tokenizer.pipe(texts))
        t0, c0 = time.perf_counter(), time.process_time()
        n = 0
        for doc in docs:
            out = component(doc)
            n += len(out.spans["clinlabel"]) if key == "spans" else len(out.ents)
        return len(texts) / (time.perf_counter() - t0), len(texts) / (time.process_time() - c0), n / len(texts)

    cold = run(matcher, "spans")  # first pass: also fills the token-key cache
    report("clinlabel_matcher_first_pass_notes_per_s", round(cold[0]))
    run(tm, "ents")
    best = {"clinlabel": (0, 0, 0), "medspacy": (0, 0, 0)}
    for _ in range(rounds):
        best["clinlabel"] = max(best["clinlabel"], run(matcher, "spans"))
        best["medspacy"] = max(best["medspacy"], run(tm, "ents"))
    for name, (wall, cpu, per) in best.items():
        report(f"{name}_matcher_notes_per_s", round(wall))
        report(f"{name}_matcher_notes_per_cpu_s", round(cpu))
        report(f"{name}_matcher_spans_per_note", round(per, 1))
    report("speedup_clinlabel_vs_medspacy_cpu", round(best["clinlabel"][1] / best["medspacy"][1], 2))


def bench_synthetic(n_terms: int) -> None:
    import ontologies
    from ontologies.term_index import TermIndex

    vocab = sorted(w for w in ontologies.load().vocabulary() if w.isalpha() and len(w) > 2)
    rng = random.Random(13)
    rows = []
    seen = set()
    while len(rows) < n_terms:
        term = " ".join(rng.choice(vocab) for _ in range(rng.randint(1, 6)))
        if term in seen:
            continue
        seen.add(term)
        rows.append((term, f"SYN{len(rows):07d}", "synonym", False))
    report("synthetic_terms", len(rows))
    idx, dt = timed(TermIndex.build, rows, preferred={r[1]: r[0] for r in rows})
    report_time("synthetic_build", dt, 1)
    with tempfile.TemporaryDirectory() as tmp:
        _, dt = timed(idx.to_disk, Path(tmp) / "idx")
        report_time("synthetic_save", dt, 1)
        report("synthetic_index_mb", round(sum(p.stat().st_size for p in (Path(tmp) / "idx").iterdir()) / 1e6, 1))
        loaded, dt = timed(TermIndex.from_disk, Path(tmp) / "idx")
        report_time("synthetic_load", dt)
        # the display columns (terms, kinds, preferred terms) are split on first use
        _, dt = timed(lambda: (loaded.terms, loaded.kinds, loaded.preferred))
        report_time("synthetic_display_columns_first_use", dt)
        assert len(loaded) == len(idx) and loaded.terms == idx.terms and loaded.preferred == idx.preferred
        key = idx.keys[len(idx) // 2]
        assert loaded.match(key.split())[0][2] == idx.lookup[key] - 1 == loaded.lookup[key] - 1


def _prf(gold: set, pred: set) -> tuple[float, float, float]:
    tp = len(gold & pred)
    p = tp / len(pred) if pred else 0.0
    r = tp / len(gold) if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return round(p, 3), round(r, 3), round(f, 3)


def bench_quality() -> None:
    import spacy

    import ontologies.matcher  # noqa: F401
    from corpora.readers.pubtator import read_pubtator

    nlp = spacy.blank("en")
    nlp.add_pipe("clinlabel_ontology_matcher")
    nlp.initialize()
    sets = {
        "bc5cdr_dev": (SHARED / "bc5cdr" / "CDR_DevelopmentSet.PubTator.txt", {"Disease"}),
        "ncbi_disease_dev": (SHARED / "ncbi_disease" / "NCBIdevelopset_corpus.txt", None),
    }
    for name, (path, labels) in sets.items():
        records = list(read_pubtator(path))
        gold, pred = set(), set()
        for rec in records:
            rid = rec["meta"]["id"]
            for s in rec.get("spans", []):
                if labels is None or s["label"] in labels:
                    gold.add((rid, s["start"], s["end"]))
            doc = nlp(rec["text"])
            for s in doc.spans["clinlabel"]:
                pred.add((rid, s.start_char, s.end_char))
        p, r, f = _prf(gold, pred)
        report(f"{name}_docs", len(records))
        report(f"{name}_gold_mentions", len(gold))
        report(f"{name}_strict_p", p)
        report(f"{name}_strict_r", r)
        report(f"{name}_strict_f1", f)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", choices=["build", "speed", "synthetic", "quality"], action="append")
    ap.add_argument("--notes", type=int, default=1000, help="MTSamples notes for the speed runs")
    ap.add_argument("--rounds", type=int, default=3, help="alternating timed rounds (best one reported)")
    ap.add_argument("--synthetic-terms", type=int, default=1_000_000)
    ap.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = ap.parse_args(argv)
    if not SHARED.is_dir():
        print(f"{SHARED} not found: the benchmark reads the shared data sets", file=sys.stderr)
        return 2
    todo = args.only or ["build", "speed", "synthetic", "quality"]
    if "build" in todo:
        bench_build()
    if "speed" in todo:
        bench_speed(args.notes, args.rounds)
    if "synthetic" in todo:
        bench_synthetic(args.synthetic_terms)
    if "quality" in todo:
        bench_quality()
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
