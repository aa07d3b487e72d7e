"""Scale benchmark (issue 9): clinlabel annotate vs medspaCy, scaling curve, 1 vs 2 workers.

Every measurement runs in a fresh subprocess (start-up included: imports, loading compiled
resources); clinlabel runs exactly as `clinlabel annotate IN -o OUT --workers N`. Reported: wall
time, notes/s, words/s and peak RSS (getrusage: the main process's maximum resident set, plus,
with workers, the largest worker's times the number of workers).  Writes benchmarks/results.md.

    .venv/bin/python benchmarks/scale_bench.py                 # full run (~10 min on 2 cores)
    .venv/bin/python benchmarks/scale_bench.py --sizes 100 300 --skip-medspacy   # quick
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MTSAMPLES = ROOT.parent / "shared" / "data" / "mtsamples" / "mtsamples.csv"

CLINLABEL = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from clinlabel.cli import main
inp, out, workers = sys.argv[1], sys.argv[2], sys.argv[3]
code = main(["--quiet", "annotate", inp, "-o", out, "--overwrite", "--workers", workers, "--no-progress"])
assert code == 0, code
workers = int(workers)
written = sum(1 for _ in open(out, encoding="utf-8"))
wall = time.perf_counter() - t0
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"wall": wall, "notes": written, "failed": 0,
                  "rss_mb": (own + (kids * workers if workers > 1 else 0)) / 1024}))
"""

MEDSPACY = r"""
import json, resource, sys, time
t0 = time.perf_counter()
import medspacy
from medspacy.target_matcher import TargetRule
from loguru import logger
logger.remove()
import simple_icd_10_cm as icd
inp = sys.argv[1]
nlp = medspacy.load()
descriptions = sorted({icd.get_description(c) for c in icd.get_all_codes(with_dots=True) if icd.is_leaf(c)})
nlp.get_pipe("medspacy_target_matcher").add([TargetRule(d, "CONDITION") for d in descriptions])
texts = [json.loads(line)["text"] for line in open(inp, encoding="utf-8")]
n_ents = 0
for doc in nlp.pipe(texts):
    n_ents += len(doc.ents)
wall = time.perf_counter() - t0
print(json.dumps({"wall": wall, "notes": len(texts), "failed": 0, "ents": n_ents,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def write_notes(n: int, path: Path) -> int:
    words = 0
    with open(MTSAMPLES, newline="", encoding="utf-8") as src, open(path, "w", encoding="utf-8") as dst:
        rows = [r for r in csv.DictReader(src) if r["transcription"].strip()]
        for i in range(n):
            row = rows[i % len(rows)]
            words += len(row["transcription"].split())
            dst.write(json.dumps({"text": row["transcription"], "meta": {"id": f"mts-{i}"}}) + "\n")
    return words


def measure(script: str, *args: str) -> dict:
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    proc = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, env=env, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def row(name: str, n: int, words: int, m: dict) -> dict:
    return {"system": name, "notes": n, "wall_s": round(m["wall"], 1), "notes_per_s": round(n / m["wall"], 1),
            "words_per_s": round(words / m["wall"]), "peak_rss_mb": round(m["rss_mb"])}


def table(rows: list[dict]) -> str:
    cols = list(rows[0])
    out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    out += ["| " + " | ".join(str(r[c]) for c in cols) + " |" for r in rows]
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 300, 1000, 3000])
    ap.add_argument("--compare-size", type=int, default=300)
    ap.add_argument("--skip-medspacy", action="store_true")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results.md")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="clinlabel-bench-"))
    lines = [f"# clinlabel scale benchmark\n", f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
             f"run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; command: `.venv/bin/python benchmarks/scale_bench.py "
             + " ".join(sys.argv[1:]) + "`\n",
             "Each figure is one fresh process, start-up included (imports, loading the compiled ICD-10-CM index).",
             "clinlabel runs its default pipeline: sentences, sections, ICD-10-CM matching, ConText assertions, code suggestion.",
             "medspaCy runs `medspacy.load()` (PyRuSH sentences, TargetMatcher, ConText) with every billable ICD-10-CM description as a TargetRule.\n"]
    n = args.compare_size
    inp = tmp / f"notes_{n}.jsonl"
    words = write_notes(n, inp)
    compare = [row("clinlabel (1 worker)", n, words, measure(CLINLABEL, str(inp), str(tmp / "o.jsonl"), "1")),
               row("clinlabel (2 workers)", n, words, measure(CLINLABEL, str(inp), str(tmp / "o.jsonl"), "2"))]
    if not args.skip_medspacy:
        compare.append(row("medspaCy default + ICD-10-CM TargetRules", n, words, measure(MEDSPACY, str(inp))))
        speedup = compare[2]["wall_s"] / compare[0]["wall_s"]
        compare_note = f"\nclinlabel (1 worker) is **{speedup:.1f}x** faster than medspaCy on {n} notes (wall time, start-up included)."
    else:
        compare_note = ""
    lines += [f"## Side by side, {n} MTSamples notes\n", table(compare), compare_note, ""]
    curve = []
    for size in args.sizes:
        path = tmp / f"notes_{size}.jsonl"
        w = write_notes(size, path)
        one = row("1 worker", size, w, measure(CLINLABEL, str(path), str(tmp / "o.jsonl"), "1"))
        two = row("2 workers", size, w, measure(CLINLABEL, str(path), str(tmp / "o.jsonl"), "2"))
        one["speedup_2w"] = ""
        two["speedup_2w"] = f"{one['wall_s'] / two['wall_s']:.2f}x"
        curve += [one, two]
        print(f"{size}: 1w {one['wall_s']}s, 2w {two['wall_s']}s", file=sys.stderr)
    lines += ["## Scaling curve (MTSamples notes, cycled past 4,999)\n", table(curve), ""]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
