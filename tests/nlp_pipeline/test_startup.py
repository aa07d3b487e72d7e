"""lean_spacy: spaCy without torch and foreign factory entry points, torch still importable."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys
from nlp_pipeline.startup import lean_spacy
lean_spacy()
from nlp_pipeline.pipeline import PipelineConfig, build_pipeline
nlp = build_pipeline(PipelineConfig())
doc = nlp("Assessment: no fever. Hypertension.")
print(sorted(c["code"] for c in doc._.codes if c["status"] == "confirmed"))
print("torch" in sys.modules, "presidio_analyzer" in sys.modules, "transformers" in sys.modules)
import torch
print(torch.tensor([1, 2]).sum().item())
"""


def test_pipeline_builds_without_torch_or_presidio_and_torch_still_imports():
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert lines == ["['I10']", "False False False", "3"]
