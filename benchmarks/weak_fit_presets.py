"""Fit each preset's label model on its TRAINING corpus (weak labels only) and ship it as JSON.

    .venv/bin/python benchmarks/weak_fit_presets.py [--label-model dawid_skene]

Writes ``labeling_functions/resources/label_model_<preset>.json`` (parameters only, no pickle).
The corpus's own annotations are never read: the records go in with their ``spans`` removed.
``clinlabel annotate IN --preset NAME`` then labels without any fitting.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"
TRAIN = {
    "bc5cdr": DATA / "bc5cdr" / "CDR_TrainingSet.PubTator.txt",
    "ncbi_disease": DATA / "ncbi_disease" / "NCBItrainset_corpus.txt",
}


def main(argv=None) -> None:
    from corpora.tokenizer import biomedical_nlp

    from corpora.formats import read_corpus
    from labeling_functions.presets import get_preset
    from labeling_functions.weak import WeakLabeler

    ap = argparse.ArgumentParser()
    ap.add_argument("--label-model", default=None, help="default: each preset's default")
    args = ap.parse_args(argv)
    out_dir = ROOT / "labeling_functions" / "resources"
    nlp = biomedical_nlp()  # the tokenizer weak labelling and the end model use
    for preset, path in TRAIN.items():
        name = args.label_model or get_preset(preset).label_model
        if name == "majority":
            print(f"{preset}: majority vote needs no fitting")
            continue
        t0 = time.time()
        records = [{"text": r["text"], "meta": {"id": r["meta"]["id"]}} for r in read_corpus(path, "pubtator", skip_invalid=True)]
        wl = WeakLabeler.from_config(preset=preset, label_model=name, use_shipped=False)
        wl.fit((nlp.make_doc(r["text"]) for r in records), max_docs=len(records))
        state = wl.state()
        state["fitted_on"] = f"{path.name} ({len(records)} documents, weak labels only)"
        target = out_dir / f"label_model_{preset}.json"
        target.write_text(json.dumps(state), encoding="utf-8")
        print(f"{preset}: {name} fit on {len(records)} docs in {time.time() - t0:.1f}s -> {target}")


if __name__ == "__main__":
    main()
