"""Is `clinlabel annotate`'s output byte-identical between this tree and another? (for speed work)

    .venv/bin/python benchmarks/annotate_identity.py --ref ../main [--notes 300]
    # a clean reference: git worktree add /tmp/ref main (or git archive main | tar -x -C /tmp/ref)

Runs ``python -m clinlabel annotate`` from each tree (``PYTHONPATH`` = the tree, a fixed
``PYTHONHASHSEED``) on the first ``--notes`` MTSamples notes (as ``benchmarks/pipeline_speed.py``
reads them) for the default pipeline, ``--no-default-lfs`` and ``--preset clinical``, and compares
the JSONL outputs line by line, ``meta.run_id`` (a fresh id per run) aside.  Prints one line per
pipeline and the first differing note; exit code 1 when any output differs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

PIPELINES = (("default", []), ("--no-default-lfs", ["--no-default-lfs"]), ("--preset clinical", ["--preset", "clinical"]))
_RUN_ID = re.compile(r'"run_id": "[0-9a-f]*"')


def annotate(tree: Path, notes: Path, out: Path, flags: list[str]) -> list[str]:
    env = dict(os.environ, PYTHONPATH=str(tree), PYTHONHASHSEED="0")
    cmd = [sys.executable, "-m", "clinlabel", "annotate", str(notes), "-o", str(out), "--overwrite", *flags]
    proc = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{tree}: annotate {' '.join(flags)} failed:\n{proc.stderr[-2000:]}")
    return [_RUN_ID.sub("", line) for line in out.read_text(encoding="utf-8").splitlines()]


def main(argv: list[str] | None = None) -> int:
    from pipeline_speed import notes

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ref", type=Path, required=True, help="the reference tree (e.g. a checkout of main)")
    ap.add_argument("--notes", type=int, default=300)
    args = ap.parse_args(argv)
    ref = args.ref.resolve()
    failed = False
    with tempfile.TemporaryDirectory(prefix="clinlabel-identity-") as tmp:
        path = Path(tmp) / "notes.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in notes(args.notes)), encoding="utf-8")
        for name, flags in PIPELINES:
            a = annotate(ref, path, Path(tmp) / "ref.jsonl", flags)
            b = annotate(ROOT, path, Path(tmp) / "this.jsonl", flags)
            diff = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), None)
            if diff is None and len(a) == len(b):
                print(f"{name}: identical ({len(a)} records)")
                continue
            failed = True
            where = f"first at record {diff}" if diff is not None else f"{len(a)} vs {len(b)} records"
            print(f"{name}: DIFFERS ({where})")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
