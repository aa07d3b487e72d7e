"""Throughput of ``clinlabel annotate``: the rule pipeline and the model path, side by side in one run.

    .venv/bin/python benchmarks/model_throughput.py [--notes 300] [--model MODEL_DIR] [--threads 2]

Each configuration is one fresh ``clinlabel annotate`` process over the same MTSamples notes
(start-up included): wall seconds, CPU seconds (user + system of the process and its children),
notes/s and peak RSS.  Configurations: the default rule pipeline; ``--model`` with the end model
alone (fp32, then int8 dynamic quantisation); ``--model`` with LFs + end model + combiner
(``combiner.json`` in union mode, so both the LFs and the model run); the same with 2 workers.
Without ``--model`` a model folder is made from the default MiniLM backbone with one training
step on a few weak records: throughput does not depend on the weights.  The int8 path's spans are
compared with the fp32 path's (span F1 of int8 against fp32).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
MTSAMPLES = ROOT.parent / "shared" / "data" / "mtsamples" / "mtsamples.csv"


def notes_jsonl(path: Path, n: int) -> None:
    csv.field_size_limit(10**9)
    with MTSAMPLES.open(encoding="utf-8", newline="") as fh, path.open("w", encoding="utf-8") as out:
        k = 0
        for row in csv.DictReader(fh):
            text = (row.get("transcription") or "").strip()
            if not text:
                continue
            out.write(json.dumps({"text": text, "meta": {"id": f"mtsamples-{row['note_id']}"}}) + "\n")
            k += 1
            if k >= n:
                break


def make_model(folder: Path, preset: str) -> Path:
    from clinlabel.commands.train import weak_training_records, write_combination
    from corpora.formats import read_corpus
    from nlp_pipeline.end_model import EndModelConfig, train_end_model

    data = ROOT.parent / "shared" / "data" / "bc5cdr" / "CDR_TrainingSet.PubTator.txt"
    weak = weak_training_records(read_corpus(data), preset=preset, limit=8)
    train_end_model(weak, EndModelConfig(epochs=1, max_steps=1, progress=False), output_dir=folder, overwrite=True)
    write_combination(folder, preset=preset, lfs=None, gold_records=None, held=[], weak=weak, echo=lambda m: None)
    return folder


def run(args: list[str], env: dict) -> dict:
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode("utf-8", "replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{err[-2000:]}")
    return {"wall_s": round(wall, 1), "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
            "peak_rss_mb": round(usage.ru_maxrss / 1024)}


def spans_of(path: Path) -> set:
    out = set()
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            out |= {(r["meta"]["id"], s["start"], s["end"], s["label"]) for s in r.get("spans") or []}
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--notes", type=int, default=300)
    ap.add_argument("--model", type=Path, default=None)
    ap.add_argument("--preset", default="bc5cdr")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "throughput")
    ap.add_argument("--make-model", type=Path, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.make_model:
        make_model(args.make_model, args.preset)
        return 0
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    notes = out / "notes.jsonl"
    notes_jsonl(notes, args.notes)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": str(args.threads)}
    model = args.model
    if model is None:  # in a child process: this process's peak RSS is inherited by the runs it forks
        model = out / "model"
        subprocess.run([sys.executable, __file__, "--make-model", str(model), "--preset", args.preset], env=env, check=True)
    plain = out / "model_plain"  # the end model alone (no combiner.json)
    shutil.rmtree(plain, ignore_errors=True)
    shutil.copytree(model, plain, ignore=shutil.ignore_patterns("arrow_cache", "combiner.json"))
    int8 = out / "model_int8"
    shutil.rmtree(int8, ignore_errors=True)
    shutil.copytree(plain, int8)
    meta = json.loads((int8 / "clinlabel_end_model.json").read_text())
    meta["config"]["quantize"] = True
    (int8 / "clinlabel_end_model.json").write_text(json.dumps(meta))
    combined = out / "model_combined"
    shutil.rmtree(combined, ignore_errors=True)
    shutil.copytree(int8, combined)
    comb = json.loads((model / "combiner.json").read_text())
    comb["combiner"]["mode"] = "union"
    (combined / "combiner.json").write_text(json.dumps(comb))

    base = [sys.executable, "-m", "clinlabel", "annotate", str(notes), "--overwrite", "--no-progress"]
    runs = [
        ("rule pipeline (default)", [], "rules.jsonl"),
        ("end model fp32", ["--model", str(plain)], "model_fp32.jsonl"),
        ("end model int8", ["--model", str(int8)], "model_int8.jsonl"),
        ("LFs + end model int8 + combiner", ["--model", str(combined)], "combined.jsonl"),
        ("LFs + end model int8 + combiner, 2 workers", ["--model", str(combined), "--workers", "2"], "combined_w2.jsonl"),
    ]
    rows = []
    for name, extra, fname in runs:
        res = run([*base, *extra, "-o", str(out / fname)], env)
        res.update(system=name, notes=args.notes, notes_per_s=round(args.notes / res["wall_s"], 1),
                   notes_per_cpu_s=round(args.notes / max(res["cpu_s"], 1e-9), 1))
        rows.append(res)
        print(json.dumps(res), flush=True)
    a, b = spans_of(out / "model_fp32.jsonl"), spans_of(out / "model_int8.jsonl")
    agree = 2 * len(a & b) / (len(a) + len(b)) if a or b else 1.0
    print(f"\n| system | notes | wall s | CPU s | notes/s | peak RSS MB |\n|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['system']} | {r['notes']} | {r['wall_s']} | {r['cpu_s']} | {r['notes_per_s']} | {r['peak_rss_mb']} |")
    print(f"\nint8 vs fp32 spans: F1 {agree:.4f} ({len(a)} fp32 spans, {len(b)} int8 spans)")
    (out / "results.json").write_text(json.dumps({"runs": rows, "int8_vs_fp32_f1": agree}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
