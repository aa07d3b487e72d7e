"""One very long note through the default pipeline (issue 18): CPU seconds and peak memory.

The note is the 50 bundled MTSamples notes repeated (blank line between them) up to ``--mb``
million characters, far past spaCy's ``max_length`` (1,000,000): it is tokenised in pieces and
joined back (``nlp_pipeline.processing.make_long_doc``), then every component runs on the whole.

    .venv/bin/python benchmarks/long_note.py            # 3 MB, default pipeline
    .venv/bin/python benchmarks/long_note.py --mb 1 --preset bc5cdr
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=3.0)
    parser.add_argument("--preset", default=None)
    args = parser.parse_args()
    from nlp_pipeline.pipeline import PipelineConfig
    from nlp_pipeline.processing import AnnotateProcessorFactory
    from nlp_pipeline.startup import lean_spacy

    lean_spacy()
    notes = [json.loads(line)["text"] for line in (ROOT / "corpora/samples/mtsamples_50.jsonl").open(encoding="utf-8")]
    parts, size = [], 0
    while size < args.mb * 1_000_000:
        parts.append(notes[len(parts) % len(notes)])
        size += len(parts[-1]) + 2
    text = "\n\n".join(parts)
    processor = AnnotateProcessorFactory(PipelineConfig(preset=args.preset))()
    cpu = time.process_time()
    record = json.loads(processor({"text": text, "meta": {"id": "long"}}).line)
    cpu = time.process_time() - cpu
    assert record["text"] == text
    assert all(text[s["start"]:s["end"]] == s["text"] for s in record["spans"])
    print(f"{len(text):,} characters, {len(record['tokens']):,} tokens, {len(record['spans']):,} spans, "
          f"{len(record.get('codes') or []):,} codes: {cpu:.1f} CPU s, peak RSS "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")


if __name__ == "__main__":
    main()
