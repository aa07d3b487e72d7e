"""Load time of the Athena vocabulary reader on a synthetic full-size download (issue 11).

Writes a fake Athena folder to a temporary directory: ``--concepts`` CONCEPT rows spread over
ICD10CM, SNOMED, RxNorm, LOINC and NDC (NDC is not kept, like the many vocabularies NOTE_NLP
does not need), and two CONCEPT_RELATIONSHIP rows per concept ("Maps to" + "Mapped from").
Then times ``OmopVocabulary.load`` and reports the peak RSS.  Shared, noisy cores: rough figures.

    .venv/bin/python benchmarks/standards_vocab.py --concepts 1000000
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from corpora.standards.vocab import CONCEPT_COLUMNS, RELATIONSHIP_COLUMNS, OmopVocabulary

VOCABS = ("ICD10CM", "SNOMED", "RxNorm", "LOINC", "NDC")


def write_fake(folder: Path, n: int) -> None:
    with (folder / "CONCEPT.csv").open("w") as fh:
        fh.write("\t".join(CONCEPT_COLUMNS) + "\n")
        for i in range(n):
            voc = VOCABS[i % len(VOCABS)]
            std = "S" if voc != "ICD10CM" else ""
            fh.write(f"{i + 1}\tconcept {i}\tCondition\t{voc}\tClinical Finding\t{std}\tC{i}\t19700101\t20991231\t\n")
    with (folder / "CONCEPT_RELATIONSHIP.csv").open("w") as fh:
        fh.write("\t".join(RELATIONSHIP_COLUMNS) + "\n")
        for i in range(n):
            target = i + 2 if VOCABS[i % len(VOCABS)] == "ICD10CM" else i + 1
            fh.write(f"{i + 1}\t{target}\tMaps to\t19700101\t20991231\t\n")
            fh.write(f"{target}\t{i + 1}\tMapped from\t19700101\t20991231\t\n")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--concepts", type=int, default=1_000_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t = time.perf_counter()
        write_fake(folder, args.concepts)
        size = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
        print(f"fake Athena folder: {args.concepts} concepts, {2 * args.concepts} relationships, {size:.0f} MB "
              f"(written in {time.perf_counter() - t:.1f} s)")
        t = time.perf_counter()
        vocab = OmopVocabulary.load(folder)
        dt = time.perf_counter() - t
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"OmopVocabulary.load: {dt:.1f} s, kept {len(vocab.concepts)} concepts and {len(vocab.maps_to)} "
              f"'Maps to' sources; peak RSS {rss:.0f} MB")
        assert vocab.standard_concept_id("ICD-10-CM", "C0") == 2


if __name__ == "__main__":
    main()
