"""Throughput of ``clinlabel annotate``: the rule pipeline and the model path, side by side in one run.

    .venv/bin/python benchmarks/model_throughput.py [--notes 300] [--model MODEL_DIR] [--threads 2]

Each configuration is one fresh ``clinlabel annotate`` process over the same MTSamples notes
(start-up included): wall seconds, CPU seconds (user + system of the process and its children),
notes/s and peak RSS.  Configurations: the default rule pipeline; ``--model`` with the end model
alone (fp32, then int8 dynamic quantisation); ``--model`` with LFs + end model + the folder's
``combiner.json`` (fp32 and int8; a union combination when the folder's own is LF-only, so that
the model runs); the int8 one with 2 workers; ``--small DIR`` adds another (shallower) model alone.
With ``--dev GOLD`` each model configuration also annotates a slice of the gold corpus
(``--dev-skip``, ``--dev-docs``) and its strict span F1 is printed, with the int8 - fp32 difference.
Without ``--model`` a model folder is made from the default MiniLM backbone with one training
step on a few weak records: throughput does not depend on the weights.
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
    from corpora.runner import open_private_text

    csv.field_size_limit(10**9)
    with MTSAMPLES.open(encoding="utf-8", newline="") as fh, open_private_text(path) as out:
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
    ap.add_argument("--small", type=Path, action="append", default=None,
                    help="another (smaller) model folder to time and score alone, fp32 and int8")
    ap.add_argument("--dev", type=Path, default=None, help="gold corpus: also score each model configuration on a slice")
    ap.add_argument("--dev-skip", type=int, default=100, help="first dev document of the slice (the first 100 are gold)")
    ap.add_argument("--dev-docs", type=int, default=100)
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
    shutil.copytree(model, combined, ignore=shutil.ignore_patterns("arrow_cache"))
    comb = json.loads((model / "combiner.json").read_text())
    forced = comb["combiner"]["mode"] == "lf"
    if forced:  # LF-only would not run the model: time the LF + model path with a union combination
        comb["combiner"]["mode"] = "union"
        (combined / "combiner.json").write_text(json.dumps(comb))
    combined8 = out / "model_combined_int8"
    shutil.rmtree(combined8, ignore_errors=True)
    shutil.copytree(combined, combined8)
    _set_quantize(combined8)
    mode = comb["combiner"]["mode"] + (" (forced: the folder's own is LF-only)" if forced else "")

    runs = [
        ("rule pipeline (default)", [], "rules"),
        ("end model alone, fp32", ["--model", str(plain)], "model_fp32"),
        ("end model alone, int8", ["--model", str(int8)], "model_int8"),
        (f"LFs + end model fp32 + combiner ({mode})", ["--model", str(combined)], "combined_fp32"),
        (f"LFs + end model int8 + combiner ({mode})", ["--model", str(combined8)], "combined_int8"),
        (f"LFs + end model int8 + combiner ({mode}), 2 workers", ["--model", str(combined8), "--workers", "2"],
         "combined_int8_w2"),
    ]
    for extra_model in args.small or []:
        small = out / f"small_{extra_model.name}"
        shutil.rmtree(small, ignore_errors=True)
        shutil.copytree(extra_model, small, ignore=shutil.ignore_patterns("arrow_cache"))
        layers = json.loads((small / "config.json").read_text()).get("num_hidden_layers")
        small8 = out / f"small_{extra_model.name}_int8"
        shutil.rmtree(small8, ignore_errors=True)
        shutil.copytree(small, small8)
        _set_quantize(small8)
        runs += [(f"{extra_model.name} ({layers} layers), fp32", ["--model", str(small)], f"small_{extra_model.name}_fp32"),
                 (f"{extra_model.name} ({layers} layers), int8", ["--model", str(small8)], f"small_{extra_model.name}_int8")]
    dev = _dev_slice(args, out) if args.dev else None
    base = [sys.executable, "-m", "clinlabel", "annotate", "--overwrite", "--no-progress"]
    rows = []
    for name, extra, stem in runs:
        res = run([*base, str(notes), *extra, "-o", str(out / f"{stem}.jsonl")], env)
        res.update(system=name, notes=args.notes, notes_per_s=round(args.notes / res["wall_s"], 1),
                   notes_per_cpu_s=round(args.notes / max(res["cpu_s"], 1e-9), 1))
        if dev is not None and "--workers" not in extra:
            run([*base, str(dev[0]), *extra, "-o", str(out / f"{stem}_dev.jsonl")], env)
            res["dev_f1"] = _f1(out / f"{stem}_dev.jsonl", dev[1], args.preset)
        rows.append(res)
        print(json.dumps(res), flush=True)
    print(f"\n| system | notes | wall s | CPU s | notes/s | notes per CPU s | peak RSS MB | dev F1 |\n"
          f"|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['system']} | {r['notes']} | {r['wall_s']} | {r['cpu_s']} | {r['notes_per_s']} | "
              f"{r['notes_per_cpu_s']} | {r['peak_rss_mb']} | {r.get('dev_f1', '')} |")
    by_stem = {stem: r for r, (_, _, stem) in zip(rows, runs)}
    drift = {}
    for a, b in (("model_fp32", "model_int8"), ("combined_fp32", "combined_int8")):
        x, y = spans_of(out / f"{a}.jsonl"), spans_of(out / f"{b}.jsonl")
        drift[f"{b} vs {a}: span agreement F1 on the notes"] = round(2 * len(x & y) / (len(x) + len(y)) if x or y else 1.0, 4)
        if "dev_f1" in by_stem[a] and "dev_f1" in by_stem[b]:
            drift[f"{b} vs {a}: dev F1 difference"] = round(by_stem[b]["dev_f1"] - by_stem[a]["dev_f1"], 4)
    print()
    for k, v in drift.items():
        print(f"{k}: {v}")
    (out / "results.json").write_text(json.dumps({"runs": rows, "drift": drift}, indent=2))
    return 0


def _set_quantize(folder: Path) -> None:
    meta = json.loads((folder / "clinlabel_end_model.json").read_text())
    meta["config"]["quantize"] = True
    (folder / "clinlabel_end_model.json").write_text(json.dumps(meta))


def _dev_slice(args, out: Path) -> tuple[Path, list]:
    """The dev documents scored for F1 (text only in the input file; gold kept here)."""
    from clinlabel.commands.train import map_gold_labels
    from corpora.formats import read_corpus
    from corpora.runner import open_private_text

    gold = map_gold_labels(read_corpus(args.dev, skip_invalid=True), args.preset)[args.dev_skip:args.dev_skip + args.dev_docs]
    path = out / "dev_slice.jsonl"
    with open_private_text(path) as fh:
        for r in gold:
            fh.write(json.dumps({"text": r["text"], "meta": r["meta"]}) + "\n")
    return path, gold


def _f1(pred_path: Path, gold: list, preset: str) -> float:
    from corpora.evaluation import evaluate_spans
    from labeling_functions.presets import get_preset

    with pred_path.open(encoding="utf-8") as fh:
        preds = [json.loads(line) for line in fh if line.strip()]
    return round(evaluate_spans(preds, gold, labels=list(get_preset(preset).labels))["micro"]["f1"], 4)


if __name__ == "__main__":
    sys.exit(main())
