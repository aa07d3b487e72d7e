"""The clinical preset on the Chia corpus (no hand labels): strict and overlap span P/R/F1 per label.

    .venv/bin/python benchmarks/clinical_eval.py                      # annotate Chia and score it
    .venv/bin/python benchmarks/clinical_eval.py --pred OUT.jsonl     # score a `clinlabel annotate` output
    .venv/bin/python benchmarks/clinical_eval.py --errors 40          # + error listing (tune half only)

Chia (../shared/data/chia, brat) holds 712 trials x {inclusion, exclusion}.  The trials are split
in two halves by a hash of the trial id (``labeling_functions.presets.clinical.chia_split``):
rules were written looking at the *tune* half only; the *check* half is only scored.  Both halves
and the whole are reported.  A discontinuous gold mention counts as one span per fragment, as
``clinlabel convert`` + ``clinlabel evaluate`` count it; predictions run exactly as
``clinlabel annotate IN -o OUT --preset clinical`` (sentences, sections, LFs + majority vote,
assertions).  "Overlap": a predicted span is correct when it overlaps a gold span of its label, a
gold span is found when a predicted span of its label overlaps it.  Micro = over Condition, Drug,
Procedure and Measurement.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CHIA = ROOT.parent / "shared" / "data" / "chia"
LABELS = ("Condition", "Drug", "Procedure", "Measurement", "Value", "Temporal", "Observation", "Device")
CORE = ("Condition", "Drug", "Procedure", "Measurement")


def read_gold(path: Path) -> list[dict]:
    from corpora.formats import read_corpus

    fmt = "brat" if path.is_dir() else None
    return list(read_corpus(path, fmt))


def annotate(records: list[dict], preset: str = "clinical", ontology: str | None = None) -> tuple[list[dict], float]:
    """Run ``clinlabel annotate``'s processor over the records; returns outputs and CPU seconds."""
    from nlp_pipeline.pipeline import PipelineConfig, build_pipeline
    from nlp_pipeline.processing import NoteProcessor
    from nlp_pipeline.startup import lean_spacy

    lean_spacy()
    cfg = PipelineConfig(preset=preset, **({"ontology": ontology} if ontology else {}))
    proc = NoteProcessor(build_pipeline(cfg), cfg)
    t0 = time.process_time()
    out = [proc.annotate_record({"text": r["text"], "meta": r["meta"]}) for r in records]
    return out, time.process_time() - t0


def _spans(rec: dict, labels=LABELS) -> list[tuple[int, int, str]]:
    return [(s["start"], s["end"], s["label"]) for s in rec.get("spans") or [] if s.get("label") in labels]


def score(pred: dict[str, list], gold: dict[str, list], ids: list[str], labels=LABELS) -> dict[str, dict]:
    """Per label: strict tp/fp/fn and overlap matched-pred / matched-gold counts."""
    out = {lab: collections.Counter() for lab in labels}
    for rid in ids:
        g_all, p_all = gold.get(rid, []), pred.get(rid, [])
        for lab in labels:
            g = collections.Counter(x for x in g_all if x[2] == lab)
            p = collections.Counter(x for x in p_all if x[2] == lab)
            c = out[lab]
            both = sum(min(g[k], p[k]) for k in p)
            c["tp"] += both
            c["pred"] += sum(p.values())
            c["gold"] += sum(g.values())
            gl = sorted(g.elements())
            pl = sorted(p.elements())
            c["p_ok"] += sum(1 for a in pl if any(a[0] < b[1] and b[0] < a[1] for b in gl))
            c["g_ok"] += sum(1 for b in gl if any(a[0] < b[1] and b[0] < a[1] for a in pl))
    return out


def prf(c: collections.Counter) -> dict[str, float]:
    p = c["tp"] / c["pred"] if c["pred"] else 0.0
    r = c["tp"] / c["gold"] if c["gold"] else 0.0
    op = c["p_ok"] / c["pred"] if c["pred"] else 0.0
    orr = c["g_ok"] / c["gold"] if c["gold"] else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    of = 2 * op * orr / (op + orr) if op + orr else 0.0
    return {"p": p, "r": r, "f1": f, "op": op, "or": orr, "of1": of, "gold": c["gold"], "pred": c["pred"]}


def table(counts: dict[str, collections.Counter], title: str) -> tuple[str, dict]:
    rows = [f"#### {title}", "",
            "| label | gold | pred | strict P | strict R | **strict F1** | overlap P | overlap R | **overlap F1** |",
            "|---|---|---|---|---|---|---|---|---|"]
    figures = {}
    for lab in LABELS:
        if not counts[lab]["gold"] and not counts[lab]["pred"]:
            continue
        f = figures[lab] = prf(counts[lab])
        rows.append(f"| {lab} | {f['gold']} | {f['pred']} | {f['p']:.3f} | {f['r']:.3f} | **{f['f1']:.3f}** | "
                    f"{f['op']:.3f} | {f['or']:.3f} | **{f['of1']:.3f}** |")
    micro = collections.Counter()
    for lab in CORE:
        micro.update(counts[lab])
    f = figures["micro4"] = prf(micro)
    rows.append(f"| micro (Condition, Drug, Procedure, Measurement) | {f['gold']} | {f['pred']} | {f['p']:.3f} | "
                f"{f['r']:.3f} | **{f['f1']:.3f}** | {f['op']:.3f} | {f['or']:.3f} | **{f['of1']:.3f}** |")
    return "\n".join(rows), figures


def errors(records: list[dict], pred: dict, gold: dict, label: str, n: int) -> str:
    """False negatives and false positives of ``label`` with context (tune half only)."""
    fn, fp = collections.Counter(), collections.Counter()
    for r in records:
        rid, text = r["meta"]["id"], r["text"]
        g = {x for x in gold[rid] if x[2] == label}
        p = {x for x in pred.get(rid, []) if x[2] == label}
        for s, e, _ in g - p:
            over = [text[a:b] for a, b, lab in p if a < e and s < b]
            fn[(text[s:e].lower(), "~" + over[0].lower() if over else "")] += 1
        for s, e, _ in p - g:
            over = [text[a:b] for a, b, lab in g if a < e and s < b]
            fp[(text[s:e].lower(), "~" + over[0].lower() if over else "")] += 1
    lines = [f"== {label}: false negatives (gold ~overlapping prediction)"]
    lines += [f"{c:4d} {t!r} {o}" for (t, o), c in fn.most_common(n)]
    lines += [f"== {label}: false positives (prediction ~overlapping gold)"]
    lines += [f"{c:4d} {t!r} {o}" for (t, o), c in fp.most_common(n)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--chia", type=Path, default=CHIA, help="Chia brat folder or a converted gold JSONL")
    ap.add_argument("--pred", type=Path, help="score this annotate output instead of running the preset")
    ap.add_argument("--preset", default="clinical")
    ap.add_argument("--ontology", default=None)
    ap.add_argument("--errors", type=int, default=0, help="list the N most frequent errors per label (tune half)")
    ap.add_argument("--json", type=Path, help="write the figures here")
    ap.add_argument("--write-pred", type=Path, help="write the predictions (JSONL) here")
    args = ap.parse_args(argv)

    from labeling_functions.presets.clinical import chia_split

    records = read_gold(args.chia)
    gold = {r["meta"]["id"]: _spans(r) for r in records}
    if args.pred:
        from corpora.formats import read_corpus

        outs = list(read_corpus(args.pred, None))
        cpu = None
    else:
        outs, cpu = annotate(records, args.preset, args.ontology)
        if args.write_pred:
            with open(args.write_pred, "w", encoding="utf-8") as fh:
                for o in outs:
                    fh.write(json.dumps(o, ensure_ascii=False) + "\n")
    pred = {o["meta"]["id"]: _spans(o) for o in outs}
    halves = {"tune": [], "check": []}
    for r in records:
        halves[chia_split(r["meta"]["id"])].append(r["meta"]["id"])
    report = {}
    for name, ids in (("tune half", halves["tune"]), ("check half", halves["check"]), ("all", list(gold))):
        text, figs = table(score(pred, gold, ids), f"Chia {name}: {len(ids)} files")
        print(text + "\n")
        report[name] = figs
    if cpu is not None:
        words = sum(len(r["text"].split()) for r in records)
        print(f"annotate CPU time: {cpu:.1f} s for {len(records)} files ({len(records) / cpu:.0f} files/s, "
              f"{words / cpu:.0f} words/s), start-up excluded")
        report["cpu_seconds"] = cpu
    if args.errors:
        tune = [r for r in records if chia_split(r["meta"]["id"]) == "tune"]
        for lab in LABELS:
            print(errors(tune, pred, gold, lab, args.errors))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return report


if __name__ == "__main__":
    main()
