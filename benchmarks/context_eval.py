"""Assertion accuracy: medSpaCy ConText defaults vs clinlabel on the NegEx/ConText test kit.

    .venv/bin/python benchmarks/context_eval.py [--tsv ../shared/data/negex/negex_context_dev.tsv]
        [--errors negated|historical|hypothetical|family] [--system clinlabel|medspacy]

Target span: the first case-insensitive occurrence of ``concept`` in ``sentence``.  Gold:
``Negated`` -> negated; temporality ``Historical`` -> historical; ``Hypothetical`` or
``Not particular`` -> hypothetical; experiencer other than ``Patient`` -> family.
Both systems see each sentence as a one-sentence document and run their own default pipeline:
medSpaCy = PyRuSH sentences + ConText (default rules), clinlabel = clinlabel_sentences +
clinlabel_sections + clinlabel_context.  Prints a markdown table of P/R/F1 per attribute.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_TSV = ROOT.parent / "shared" / "data" / "negex" / "negex_context_dev.tsv"
ATTRS = ("negated", "historical", "hypothetical", "family")


def load_kit(path: Path) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            sent, concept = row["sentence"], row["concept"]
            i = sent.lower().find(concept.lower())
            if i < 0:
                continue  # the concept is not in the sentence (3 rows of the kit)
            gold = {
                "negated": row["negation"].strip() == "Negated",
                "historical": row["temporality"].strip() == "Historical",
                "hypothetical": row["temporality"].strip() in ("Hypothetical", "Not particular"),
                "family": row["experiencer"].strip() != "Patient",
            }
            rows.append({"id": row["number"], "sentence": sent, "start": i, "end": i + len(concept), "gold": gold})
    return rows


def run_clinlabel(rows: list[dict]) -> list[dict]:
    import spacy

    from corpora.doc import SPAN_KEY, register_extensions
    import nlp_pipeline.context  # noqa: F401  (registers the factories)
    import nlp_pipeline.sections  # noqa: F401
    import nlp_pipeline.sentences  # noqa: F401

    register_extensions()
    nlp = spacy.blank("en")
    for name in ("clinlabel_sentences", "clinlabel_sections", "clinlabel_context"):
        nlp.add_pipe(name)
    out = []
    for row in rows:
        doc = nlp.make_doc(row["sentence"])
        span = doc.char_span(row["start"], row["end"], label="CONCEPT", alignment_mode="expand")
        doc.spans[SPAN_KEY] = [span]
        for _, proc in nlp.pipeline:
            doc = proc(doc)
        span = doc.spans[SPAN_KEY][0]
        out.append({**{a: bool(getattr(span._, a)) for a in ATTRS}, "evidence": span._.assertion_evidence})
    return out


def run_medspacy(rows: list[dict]) -> list[dict]:
    import medspacy

    try:  # PyRuSH logs every sentence through loguru
        from loguru import logger

        logger.remove()
    except Exception:
        pass
    nlp = medspacy.load()  # PyRuSH + target matcher + ConText with default rules
    sent = nlp.get_pipe("medspacy_pyrush")
    ctx = nlp.get_pipe("medspacy_context")
    out = []
    for row in rows:
        doc = nlp.make_doc(row["sentence"])
        doc = sent(doc)
        span = doc.char_span(row["start"], row["end"], label="CONCEPT", alignment_mode="expand")
        doc.ents = [span]
        doc = ctx(doc)
        ent = doc.ents[0]
        out.append({
            "negated": ent._.is_negated, "historical": ent._.is_historical, "hypothetical": ent._.is_hypothetical,
            "family": ent._.is_family,
            "evidence": [f"{m.category}:{doc[m.modifier_span[0]:m.modifier_span[1]].text}" for m in ent._.modifiers],
        })
    return out


def prf(rows: list[dict], preds: list[dict], attr: str) -> tuple[float, float, float, int]:
    tp = sum(1 for r, p in zip(rows, preds) if r["gold"][attr] and p[attr])
    fp = sum(1 for r, p in zip(rows, preds) if not r["gold"][attr] and p[attr])
    fn = sum(1 for r, p in zip(rows, preds) if r["gold"][attr] and not p[attr])
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f1, tp + fn


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tsv", type=Path, default=DEFAULT_TSV)
    ap.add_argument("--errors", choices=ATTRS, help="print the errors of one attribute (of --system)")
    ap.add_argument("--system", choices=("clinlabel", "medspacy"), default="clinlabel")
    ap.add_argument("--only", choices=("clinlabel", "medspacy"), help="run one system only")
    args = ap.parse_args(argv)
    if not args.tsv.is_file():
        print(f"{args.tsv}: not found; pass --tsv PATH to the NegEx/ConText kit TSV", file=sys.stderr)
        return 2
    rows = load_kit(args.tsv)
    systems = {}
    # clinlabel first: loading medSpaCy replaces Span._.section with its own extension
    if args.only != "medspacy":
        systems["clinlabel"] = run_clinlabel(rows)
    if args.only != "clinlabel":
        systems["medspacy"] = run_medspacy(rows)
    systems = {k: systems[k] for k in ("medspacy", "clinlabel") if k in systems}
    print(f"NegEx/ConText kit: {args.tsv.name}, {len(rows)} sentences with the concept found\n")
    names = list(systems)
    head = "| attribute | gold + | " + " | ".join(f"{s} P | {s} R | {s} F1" for s in names) + " |"
    print(head)
    print("|" + "---|" * (2 + 3 * len(names)))
    for attr in ATTRS:
        cells = []
        support = 0
        for s in names:
            p, r, f, support = prf(rows, systems[s], attr)
            cells += [f"{p:.3f}", f"{r:.3f}", f"**{f:.3f}**" if s == "clinlabel" else f"{f:.3f}"]
        print(f"| {attr} | {support} | " + " | ".join(cells) + " |")
    if args.errors:
        preds = systems.get(args.system) or next(iter(systems.values()))
        print(f"\nErrors ({args.system}, {args.errors}):")
        for r, p in zip(rows, preds):
            g = r["gold"][args.errors]
            if g != p[args.errors]:
                s = r["sentence"]
                marked = s[: r["start"]] + "[[" + s[r["start"]: r["end"]] + "]]" + s[r["end"]:]
                print(f"{'FN' if g else 'FP'} #{r['id']}: {' '.join(marked.split())}\n    evidence: {p['evidence']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
