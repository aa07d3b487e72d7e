"""Measure PHI de-identification: recall/precision per identifier type, MTSamples false positives, speed.

    python benchmarks/deid_eval.py                       # dev seed 1 + held-out seed, 300 notes each
    python benchmarks/deid_eval.py --seed 7 --n 100      # another synthetic set
    python benchmarks/deid_eval.py --presidio            # add Presidio's pattern recognizers

Recall of a planted identifier: every non-space character of it is covered by some detected
span (of any label), i.e. nothing of it would be left in OUT.  Precision of a detected span: it
overlaps a planted identifier.  On MTSamples (already de-identified) every hit is counted as a
false positive.  Prints markdown tables.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from deid_synth import MTSAMPLES, TYPES, generate  # noqa: E402

from nlp_pipeline.deid import DeidConfig, Deidentifier  # noqa: E402

HELD_OUT_SEED = 20261123  # never used while tuning the rules


def covered(span: dict, phi: list[dict]) -> bool:
    chars = {i for i in range(span["start"], span["end"])}
    for p in phi:
        if p["end"] <= span["start"] or p["start"] >= span["end"]:
            continue
        chars -= set(range(p["start"], p["end"]))
    return all(not c.strip() for c in [NOTE_TEXT[0][i] for i in chars]) if chars else True


NOTE_TEXT = [""]


def evaluate_synthetic(deid: Deidentifier, n: int, seed: int, show_misses: int = 0):
    notes = generate(n, seed)
    found_by_type, total_by_type = Counter(), Counter()
    tp_by_label, pred_by_label = Counter(), Counter()
    misses = defaultdict(list)
    false_pos = Counter()
    for rec in notes:
        NOTE_TEXT[0] = rec["text"]
        phi = deid.find(rec["text"])
        for sp in rec["planted"]:
            total_by_type[sp["label"]] += 1
            if covered(sp, phi):
                found_by_type[sp["label"]] += 1
            else:
                ctx = rec["text"][max(0, sp["start"] - 40):sp["end"] + 20].replace("\n", " | ")
                misses[sp["label"]].append((sp["text"], ctx))
        for p in phi:
            pred_by_label[p["label"]] += 1
            if any(p["start"] < s["end"] and s["start"] < p["end"] for s in rec["planted"]):
                tp_by_label[p["label"]] += 1
            else:
                false_pos[(p["label"], p["text"])] += 1
    return notes, found_by_type, total_by_type, tp_by_label, pred_by_label, misses, false_pos


def mtsamples_notes(k: int) -> list[str]:
    csv.field_size_limit(10**9)
    out = []
    with MTSAMPLES.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if (row["transcription"] or "").strip():
                out.append(row["transcription"])
            if len(out) >= k:
                break
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Evaluate clinlabel's de-identifier.")
    ap.add_argument("--n", type=int, default=300, help="synthetic notes per seed")
    ap.add_argument("--seed", type=int, action="append", help="generator seed(s); default: 1 and the held-out seed")
    ap.add_argument("--mtsamples", type=int, default=200, help="MTSamples notes for the false-positive count")
    ap.add_argument("--presidio", action="store_true", help="also use Presidio's pattern recognizers")
    ap.add_argument("--show-misses", type=int, default=0, help="print up to N missed identifiers per type")
    ap.add_argument("--show-fp", type=int, default=0, help="print the N most frequent MTSamples hits")
    args = ap.parse_args(argv)
    seeds = args.seed or [1, HELD_OUT_SEED]
    t0 = time.perf_counter()
    deid = Deidentifier(DeidConfig(use_presidio=args.presidio))
    print(f"load: {time.perf_counter() - t0:.2f} s (presidio={'on' if args.presidio else 'off'})\n")

    for seed in seeds:
        notes, found, total, tp, pred, misses, false_pos = evaluate_synthetic(deid, args.n, seed)
        tag = " (held out)" if seed == HELD_OUT_SEED else " (dev)" if seed == 1 else ""
        print(f"### Synthetic notes, seed {seed}{tag}: {len(notes)} notes, {sum(total.values())} planted identifiers\n")
        print("| type | planted | recall | detected as this type | precision |")
        print("|---|---:|---:|---:|---:|")
        for t in TYPES:
            rec = found[t] / total[t] if total[t] else float("nan")
            prec = tp[t] / pred[t] if pred[t] else float("nan")
            print(f"| {t} | {total[t]} | {rec:.3f} | {pred[t]} | {prec:.3f} |")
        all_found, all_total = sum(found.values()), sum(total.values())
        all_tp, all_pred = sum(tp.values()), sum(pred.values())
        print(f"| **all** | {all_total} | **{all_found / all_total:.4f}** | {all_pred} | **{all_tp / all_pred:.3f}** |")
        print(f"\nleft in OUT (planted identifiers not fully covered): {all_total - all_found}\n")
        if args.show_misses:
            for t, items in misses.items():
                for value, ctx in items[: args.show_misses]:
                    print(f"  MISS {t}: {value!r}   ...{ctx}...")
            print()
        if args.show_fp:
            for (label, s), c in false_pos.most_common(args.show_fp):
                print(f"  synthetic FP {label}: {s!r} x{c}")
            print()

    if MTSAMPLES.exists() and args.mtsamples:
        texts = mtsamples_notes(args.mtsamples)
        hits = Counter()
        strings = Counter()
        t0, c0 = time.perf_counter(), time.process_time()
        for text in texts:
            for p in deid.find(text):
                hits[p["label"]] += 1
                strings[(p["label"], p["text"])] += 1
        t_find, c_find = time.perf_counter() - t0, time.process_time() - c0
        t0, c0 = time.perf_counter(), time.process_time()
        for i, text in enumerate(texts):
            deid.deidentify_record({"text": text, "meta": {"id": str(i)}})
        t_deid, c_deid = time.perf_counter() - t0, time.process_time() - c0
        chars = sum(map(len, texts))
        print(f"### MTSamples, first {len(texts)} notes ({chars / len(texts):.0f} characters on average): hits (false positives)\n")
        print("| label | hits | per note |")
        print("|---|---:|---:|")
        for label, count in hits.most_common():
            print(f"| {label} | {count} | {count / len(texts):.2f} |")
        print(f"| **all** | {sum(hits.values())} | {sum(hits.values()) / len(texts):.2f} |")
        print(f"\nspeed, 1 process: find {len(texts) / t_find:.0f} notes/s wall ({len(texts) / c_find:.0f} notes/s of CPU time); "
              f"deidentify_record (tag mode) {len(texts) / t_deid:.0f} notes/s wall ({len(texts) / c_deid:.0f} CPU)"
              " - wall time is noisy on the shared 2-core machine\n")
        if args.show_fp:
            for (label, s), c in strings.most_common(args.show_fp):
                print(f"  FP {label}: {s!r} x{c}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
