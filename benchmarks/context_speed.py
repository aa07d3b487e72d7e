"""Speed: sentences + sections + ConText over MTSamples notes, clinlabel vs medSpaCy, in one run.

    .venv/bin/python benchmarks/context_speed.py [--n 300] [--csv ../shared/data/mtsamples/mtsamples.csv]

Both systems get the same targets (the ~1,000 concepts of the NegEx/ConText kit as a lexicon;
medSpaCy through its TargetMatcher,
clinlabel through a spaCy PhraseMatcher writing ``doc.spans["clinlabel"]``) and process the same
notes from raw text, tokenisation included:

* medSpaCy default = ``medspacy.load()``: PyRuSH sentences, target matcher, ConText (default rules);
* medSpaCy + sections = the same plus ``medspacy_sectionizer`` (default section rules);
* clinlabel = ``spacy.blank("en")`` + target phrase matcher + ``clinlabel_sentences`` +
  ``clinlabel_sections`` + ``clinlabel_context``.

Timings share the machine with whatever else runs: rerun to see the spread.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CSV = ROOT.parent / "shared" / "data" / "mtsamples" / "mtsamples.csv"
NEGEX_TSV = ROOT.parent / "shared" / "data" / "negex" / "negex_context_dev.tsv"


def terms() -> list[str]:
    """The target lexicon: every concept of the NegEx/ConText kit (lower case, 3+ letters)."""
    with open(NEGEX_TSV, encoding="utf-8", newline="") as fh:
        concepts = {" ".join(r["concept"].lower().split()) for r in csv.DictReader(fh, delimiter="\t")}
    return sorted(c for c in concepts if len(c) >= 3)


def load_notes(path: Path, n: int) -> list[str]:
    csv.field_size_limit(10**9)
    out = []
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            text = (row.get("transcription") or "").strip()
            if text:
                out.append(text)
            if len(out) >= n:
                break
    return out


def time_medspacy(notes: list[str], sections: bool) -> tuple[float, float, int]:
    import medspacy
    from medspacy.ner import TargetRule

    try:
        from loguru import logger

        logger.remove()
    except Exception:
        pass
    nlp = medspacy.load()
    nlp.get_pipe("medspacy_target_matcher").add([TargetRule(t, "CONDITION") for t in terms()])
    if sections:
        nlp.add_pipe("medspacy_sectionizer")
    list(nlp.pipe(notes[:3]))  # warm-up
    t0, c0 = time.perf_counter(), time.process_time()
    found = n_targets = 0
    for doc in nlp.pipe(notes):
        found += sum(1 for e in doc.ents if e._.is_negated)
        n_targets += len(doc.ents)
    print(f"medSpaCy{' + sections' if sections else ''}: {n_targets} targets", file=sys.stderr)
    return time.perf_counter() - t0, time.process_time() - c0, found


def time_clinlabel(notes: list[str]) -> tuple[float, float, int]:
    import spacy
    from spacy.language import Language
    from spacy.matcher import PhraseMatcher
    from spacy.util import filter_spans

    import nlp_pipeline.context  # noqa: F401
    import nlp_pipeline.sections  # noqa: F401
    import nlp_pipeline.sentences  # noqa: F401
    from corpora.doc import SPAN_KEY

    nlp = spacy.blank("en")
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    matcher.add("CONDITION", [nlp.make_doc(t) for t in terms()])

    @Language.component("bench_targets")
    def targets(doc):
        # non-overlapping, longest first: what medSpaCy's TargetMatcher puts in doc.ents
        doc.spans[SPAN_KEY] = filter_spans([doc[s:e] for _, s, e in matcher(doc)])
        for span in doc.spans[SPAN_KEY]:
            span.label_ = "CONDITION"
        return doc

    nlp.add_pipe("clinlabel_sentences")
    nlp.add_pipe("clinlabel_sections")
    nlp.add_pipe("bench_targets")
    nlp.add_pipe("clinlabel_context")
    list(nlp.pipe(notes[:3]))
    t0, c0 = time.perf_counter(), time.process_time()
    found = n_targets = 0
    for doc in nlp.pipe(notes):
        found += sum(1 for s in doc.spans[SPAN_KEY] if s._.negated)
        n_targets += len(doc.spans[SPAN_KEY])
    print(f"clinlabel: {n_targets} targets", file=sys.stderr)
    return time.perf_counter() - t0, time.process_time() - c0, found


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    ap.add_argument("--n", type=int, default=300)
    args = ap.parse_args(argv)
    if not args.csv.is_file():
        print(f"{args.csv}: not found; pass --csv PATH to mtsamples.csv", file=sys.stderr)
        return 2
    notes = load_notes(args.csv, args.n)
    # clinlabel first: loading medSpaCy replaces Span._.section with its own extension
    ours = ("clinlabel sentences + sections + context", *time_clinlabel(notes))
    rows = [
        ("medSpaCy default (PyRuSH + ConText)", *time_medspacy(notes, sections=False)),
        ("medSpaCy default + sectionizer", *time_medspacy(notes, sections=True)),
        ours,
    ]
    base_cpu = rows[1][2]
    print(f"{len(notes)} MTSamples notes ({sum(map(len, notes)):,} characters), tokenisation included\n")
    print("| pipeline | wall s | notes/s (wall) | CPU s | notes/s (CPU) | speed-up (CPU) vs medSpaCy + sectionizer "
          "| negated targets |")
    print("|---|---|---|---|---|---|---|")
    for name, wall, cpu, neg in rows:
        print(f"| {name} | {wall:.2f} | {len(notes) / wall:.0f} | {cpu:.2f} | {len(notes) / cpu:.0f} "
              f"| {base_cpu / cpu:.1f}x | {neg} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
