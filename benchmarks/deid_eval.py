"""Measure PHI de-identification: recall/precision per identifier type, MTSamples false positives, speed.

    python benchmarks/deid_eval.py                       # held-out seeds of both generators + MTSamples sample
    python benchmarks/deid_eval.py --generator synth2 --seed 101 --show-misses 10   # development
    python benchmarks/deid_eval.py --generator synth --seed 1 --n 100
    python benchmarks/deid_eval.py --mtsamples 300 --n 0 --show-fp 40               # false positives only
    python benchmarks/deid_eval.py --presidio            # add Presidio's pattern recognizers

Generators: ``synth`` (``deid_synth.py``, held-out seed 20261123) and ``synth2``
(``deid_synth2.py``, written independently, development seeds 100-199, held-out seed
``deid_synth2.HELD_OUT_SEED``).  Misses are never printed for a held-out seed.

Recall of a planted identifier: every non-space character of it is covered by some detected span
(of any label), i.e. nothing of it is left in OUT.  "Left whole": not one character of it was
covered.  Precision of a detected span: it overlaps a planted identifier.

MTSamples is already de-identified, but it kept some real-looking dates, names and places; every
hit on a fixed random sample of notes (``--mtsamples N``, seed 18) is put in a class: clear false
positives (eponym or instrument word, specimen/isotope/other number read as an ID, department or
service read as a place or facility, drug or other clinical word, a country or state, other words)
and text that is not a false positive: PHI-like text that MTSamples left in (a calendar date, an
age over 89, a person's name, a real place or facility) and MTSamples' own placeholders ("Dr. XYZ",
"ABC Hospital", "serial number 12345").  Classes come from the rules in
:func:`fp_class` and the hand review in ``deid_mtsamples_review.tsv`` (label, text, class).
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import deid_synth  # noqa: E402
import deid_synth2  # noqa: E402

from nlp_pipeline.deid import DeidConfig, Deidentifier  # noqa: E402
from nlp_pipeline.deid.lexicon import lexicon  # noqa: E402

MTSAMPLES = deid_synth.MTSAMPLES
TYPES = deid_synth.TYPES
REVIEW = Path(__file__).resolve().parent / "deid_mtsamples_review.tsv"
GENERATORS = {
    "synth": (deid_synth.generate, 1, 20261123),
    "synth2": (deid_synth2.generate, 101, deid_synth2.HELD_OUT_SEED),
}
HELD_OUT = {g[2] for g in GENERATORS.values()}


def uncovered(text: str, span: dict, phi: list[dict]) -> tuple[int, int]:
    """(non-space characters of ``span`` left uncovered, non-space characters of ``span``).

    A leading article ("the" in "the Heights", "the 3rd of May") identifies nothing and is not counted.
    """
    lead = re.match(r"(?i)the\s+", span["text"])
    first = span["start"] + (lead.end() if lead else 0)
    chars = set(range(first, span["end"]))
    for p in phi:
        if p["end"] > span["start"] and p["start"] < span["end"]:
            chars -= set(range(p["start"], p["end"]))
    total = sum(1 for i in range(first, span["end"]) if text[i].strip())
    return sum(1 for i in chars if text[i].strip()), total


def evaluate_synthetic(deid: Deidentifier, notes: list[dict]):
    """Per-type counts: planted, fully covered, left whole; detected spans and their precision."""
    found, total, whole = Counter(), Counter(), Counter()
    tp, pred = Counter(), Counter()
    misses = defaultdict(list)
    false_pos = Counter()
    for rec in notes:
        text = rec["text"]
        phi = deid.find(text)
        for sp in rec["planted"]:
            total[sp["label"]] += 1
            left, n = uncovered(text, sp, phi)
            if left == 0:
                found[sp["label"]] += 1
            else:
                whole[sp["label"]] += left == n
                ctx = text[max(0, sp["start"] - 40):sp["end"] + 20].replace("\n", " | ")
                misses[sp["label"]].append((sp["text"], ctx, left == n))
        for p in phi:
            pred[p["label"]] += 1
            if any(p["start"] < s["end"] and s["start"] < p["end"] for s in rec["planted"]):
                tp[p["label"]] += 1
            else:
                false_pos[(p["label"], p["text"])] += 1
    return found, total, whole, tp, pred, misses, false_pos


def print_synthetic(name: str, seed: int, n: int, result) -> None:
    found, total, whole, tp, pred, _, _ = result
    tag = " (held out)" if seed in HELD_OUT else " (dev)"
    print(f"### {name}, seed {seed}{tag}: {n} notes, {sum(total.values())} planted identifiers\n")
    print("| type | planted | recall | left whole | detected as this type | precision |")
    print("|---|---:|---:|---:|---:|---:|")
    for t in TYPES:
        rec = found[t] / total[t] if total[t] else float("nan")
        prec = tp[t] / pred[t] if pred[t] else float("nan")
        print(f"| {t} | {total[t]} | {rec:.3f} | {whole[t]} | {pred[t]} | {prec:.3f} |")
    all_found, all_total, all_pred = sum(found.values()), sum(total.values()), sum(pred.values())
    print(f"| **all** | {all_total} | **{all_found / all_total:.4f}** | {sum(whole.values())} | {all_pred} | "
          f"**{sum(tp.values()) / max(all_pred, 1):.3f}** |")
    print(f"\nleft (partly) in OUT: {all_total - all_found}; left whole: {sum(whole.values())}\n")


# ----------------------------------------------------------------------------- MTSamples
def mtsamples_sample(k: int, seed: int = 18) -> list[str]:
    """A fixed random sample of ``k`` non-empty MTSamples transcriptions (same sample every run)."""
    csv.field_size_limit(10**9)
    with MTSAMPLES.open(encoding="utf-8") as fh:
        texts = [row["transcription"] for row in csv.DictReader(fh) if (row["transcription"] or "").strip()]
    return random.Random(seed).sample(texts, min(k, len(texts)))


PHI_LIKE = ("date left in", "age 90+ left in", "name left in", "place left in", "facility left in",
            "placeholder (ABC, XYZ, 12345)")
FP_CLASSES = ("eponym/instrument", "specimen/isotope/number as ID", "department as place/facility",
              "drug or other clinical word", "country, state or region", "other word", "unreviewed")
_DEPT = re.compile(r"(?i)\b(?:department|dept|service|unit|ward|floor|room|suite|lab(?:oratory)?|radiology|"
                   r"cardiology|oncology|surgery|anesthesia|pathology|emergency|recovery|icu|pacu|or|clinic)\b")
_ISOTOPE_OR_SPECIMEN = re.compile(r"(?i)^(?:tc|i|f|ga|in|tl|xe|y|lu|ra|sm|sr|rb|co|cs)-?\d{2,3}m?$|specimen|block|cassette|slide|level")


def fp_class(label: str, text: str, context: str, review: dict[tuple[str, str], str]) -> str:
    """Class of one MTSamples hit (see the module docstring)."""
    if (label, text) in review:
        return review[(label, text)]
    lex = lexicon()
    if label == "DATE":
        if re.search(r"\d", text) or re.fullmatch(r"[A-Za-z]+\.?(?:\s+\d{4})?", text):
            return "date left in"
        return "other word"
    if label == "AGE" and re.match(r"\s*(?:-|\s)?(?:years?|yrs?|y/?o)", context[context.find(text) + len(text):]):
        return "age 90+ left in"
    if label in {"ID", "MRN", "DEVICE", "ACCOUNT", "LICENSE", "HEALTH_PLAN"} and (
            _ISOTOPE_OR_SPECIMEN.search(text) or _ISOTOPE_OR_SPECIMEN.search(context)):
        return "specimen/isotope/number as ID"
    if label in {"ID", "MRN", "DEVICE", "PHONE", "ACCOUNT", "AGE", "VEHICLE"}:
        return "specimen/isotope/number as ID"
    if label in {"LOCATION", "FACILITY"} and _DEPT.search(text):
        return "department as place/facility"
    if any(w in lex.eponyms for w in re.findall(r"[A-Za-z]+", text)):
        return "eponym/instrument"
    return "unreviewed"


def load_review() -> dict[tuple[str, str], str]:
    out = {}
    if REVIEW.exists():
        for line in REVIEW.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                label, text, cls = line.split("\t")
                assert cls in PHI_LIKE + FP_CLASSES, cls
                out[(label, text)] = cls
    return out


def evaluate_mtsamples(deid: Deidentifier, texts: list[str], show_fp: int, dump: str | None = None) -> None:
    review = load_review()
    by_class, by_label = Counter(), Counter()
    strings = Counter()
    rows = []
    c0 = time.process_time()
    for text in texts:
        for p in deid.find(text):
            ctx = text[max(0, p["start"] - 30):p["end"] + 30]
            cls = fp_class(p["label"], p["text"], ctx, review)
            rows.append((cls, p["label"], p["text"], ctx.replace("\n", " | ").replace("\t", " ")))
            by_class[cls] += 1
            by_label[p["label"]] += 1
            strings[(cls, p["label"], p["text"])] += 1
    cpu = time.process_time() - c0
    if dump:  # every hit with its context, for the hand review (MTSamples is public, de-identified text)
        with open(dump, "w", encoding="utf-8") as fh:
            for row in sorted(rows):
                fh.write("\t".join(row) + "\n")
    n = len(texts)
    chars = sum(map(len, texts))
    print(f"### MTSamples, fixed sample of {n} notes ({chars / n:.0f} characters on average): hits by class\n")
    print("| class | hits | per note |")
    print("|---|---:|---:|")
    clear = 0
    for cls in FP_CLASSES:
        clear += by_class[cls]
        print(f"| false positive: {cls} | {by_class[cls]} | {by_class[cls] / n:.2f} |")
    print(f"| **clear false positives** | {clear} | **{clear / n:.2f}** |")
    kept = 0
    for cls in PHI_LIKE:
        kept += by_class[cls]
        print(f"| not a false positive: {cls} | {by_class[cls]} | {by_class[cls] / n:.2f} |")
    print(f"| all hits | {clear + kept} | {(clear + kept) / n:.2f} |")
    print("\nby label: " + ", ".join(f"{k} {v}" for k, v in by_label.most_common()))
    print(f"\nspeed, 1 process, find(): {n / cpu:.0f} notes/s of CPU time ({cpu:.2f} CPU s for {n} notes; shared machine)\n")
    if show_fp:
        for (cls, label, s), c in strings.most_common(show_fp):
            print(f"  {cls:32s} {label:10s} {s!r} x{c}")
        print()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Evaluate clinlabel's de-identifier.")
    ap.add_argument("--generator", choices=["synth", "synth2", "both"], default="both")
    ap.add_argument("--n", type=int, default=300, help="synthetic notes per seed")
    ap.add_argument("--seed", type=int, action="append", help="generator seed(s); default: each generator's held-out seed")
    ap.add_argument("--mtsamples", type=int, default=300, help="MTSamples notes (fixed random sample) for the false positives")
    ap.add_argument("--presidio", action="store_true", help="also use Presidio's pattern recognizers")
    ap.add_argument("--show-misses", type=int, default=0, help="print up to N missed identifiers per type (dev seeds only)")
    ap.add_argument("--show-fp", type=int, default=0, help="print the N most frequent false positives")
    ap.add_argument("--dump-fp", help="write every MTSamples hit (class, label, text, context) to this TSV file")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    deid = Deidentifier(DeidConfig(use_presidio=args.presidio))
    deid.find("warm up")
    print(f"load: {time.perf_counter() - t0:.2f} s (presidio={'on' if args.presidio else 'off'})\n")
    gens = ["synth", "synth2"] if args.generator == "both" else [args.generator]
    for g in gens if args.n else []:
        generate, _dev, held = GENERATORS[g]
        for seed in args.seed or [held]:
            notes = generate(args.n, seed)
            result = evaluate_synthetic(deid, notes)
            print_synthetic(g, seed, len(notes), result)
            if seed in HELD_OUT:
                continue  # the seed protocol: held-out misses are not looked at
            if args.show_misses:
                for t, items in result[5].items():
                    for value, ctx, is_whole in items[: args.show_misses]:
                        print(f"  MISS {t}{' (whole)' if is_whole else ''}: {value!r}   ...{ctx}...")
                print()
            if args.show_fp:
                for (label, s), c in result[6].most_common(args.show_fp):
                    print(f"  synthetic FP {label}: {s!r} x{c}")
                print()
    if MTSAMPLES.exists() and args.mtsamples:
        evaluate_mtsamples(deid, mtsamples_sample(args.mtsamples), args.show_fp, args.dump_fp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
