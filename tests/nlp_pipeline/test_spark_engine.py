"""The Spark engine: a task whose Python worker dies is retried and every note is written once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nlp_pipeline.engines.spark import CRASH_ENV

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "corpora" / "samples" / "mtsamples_50.jsonl"
TOKENS_ONLY = '[pipeline]\nsentences = false\nsections = false\nontology = ""\ncontext = false\ncodes = false\n'


def _notes(path: Path, n: int) -> list[str]:
    base = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"text": base[i % len(base)]["text"][:400], "meta": {"id": f"s{i}"}}) + "\n")
    return [f"s{i}" for i in range(n)]


@pytest.mark.slow
def test_a_crashed_python_worker_is_retried_and_every_note_written_once(tmp_path):
    pytest.importorskip("pyspark")
    src = tmp_path / "in.jsonl"
    ids = _notes(src, 40)
    cfg = tmp_path / "spark.toml"
    # local[2,3]: two cores, three attempts per task
    cfg.write_text(TOKENS_ONLY + '\n[run]\nengine = "spark"\nspark_master = "local[2,3]"\nprogress = false\n')
    out = tmp_path / "spark_out"
    env = {**os.environ, CRASH_ENV: "0", "SPARK_LOCAL_IP": "127.0.0.1", "PYSPARK_PYTHON": sys.executable}
    run = subprocess.run([sys.executable, "-m", "clinlabel", "annotate", str(src), "-o", str(out), "--config", str(cfg)],
                         capture_output=True, text=True, timeout=600, env=env)
    assert run.returncode == 0, run.stderr[-3000:]
    # the first attempt of partition 0 really died, and Spark ran it again
    assert "exited unexpectedly" in run.stderr or "Lost task 0.0" in run.stderr or "crashed" in run.stderr, \
        run.stderr[-3000:]
    lines = [line for p in sorted(out.glob("part-*")) for line in p.read_text(encoding="utf-8").splitlines()]
    assert [json.loads(line)["meta"]["id"] for line in lines] == ids  # every note exactly once, in order
    assert not (tmp_path / "spark_out.errors").exists()
