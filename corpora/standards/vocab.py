"""Read an OMOP standardised vocabulary as Athena ships it (``CONCEPT.csv``, ``CONCEPT_RELATIONSHIP.csv``).

Athena's download is a folder of *tab-separated* files named ``.csv``, without quoting, with
dates as ``YYYYMMDD``.  Only what the NOTE_NLP export needs is kept in memory: the concepts of
the code systems clinlabel knows (ICD-10-CM, SNOMED CT, ICD-10, RxNorm, LOINC, MeSH) keyed by
``(vocabulary_id, concept_code)``, and their "Maps to" links.  Both files are streamed with
``pyarrow.csv`` (multi-threaded C++ reader), so a full Athena download (millions of rows) loads
without pandas.

Licensed vocabularies (SNOMED CT, ...) are the user's own download; clinlabel ships none.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from corpora.errors import STD_VOCAB

from ._common import code_system, std_error

logger = logging.getLogger(__name__)

CONCEPT_FILE = "CONCEPT.csv"
RELATIONSHIP_FILE = "CONCEPT_RELATIONSHIP.csv"

#: The columns of Athena's files (CDM v5.4 CONCEPT / CONCEPT_RELATIONSHIP), in order.
CONCEPT_COLUMNS = ("concept_id", "concept_name", "domain_id", "vocabulary_id", "concept_class_id",
                   "standard_concept", "concept_code", "valid_start_date", "valid_end_date", "invalid_reason")
RELATIONSHIP_COLUMNS = ("concept_id_1", "concept_id_2", "relationship_id", "valid_start_date",
                        "valid_end_date", "invalid_reason")

#: Columns the export needs (a file missing any of them is rejected).
_NEED_CONCEPT = ("concept_id", "vocabulary_id", "concept_code", "standard_concept", "invalid_reason")
_NEED_REL = ("concept_id_1", "concept_id_2", "relationship_id", "invalid_reason")

DEFAULT_VOCABULARIES = ("ICD10CM", "SNOMED", "ICD10", "RxNorm", "LOINC", "MeSH")


def _check_header(path: Path, need: Iterable[str], expected: tuple[str, ...]) -> list[str]:
    if not path.is_file():
        raise std_error(
            STD_VOCAB, f"OMOP vocabulary file {path.name} not found in {path.parent}",
            f"pass --omop-vocab the unzipped Athena download folder (it holds {CONCEPT_FILE} and {RELATIONSHIP_FILE})",
            file=path,
        )
    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        first = fh.readline().rstrip("\r\n")
    header = [h.strip().lower() for h in first.split("\t")]
    missing = [c for c in need if c not in header]
    if missing:
        hint = ""
        if len(header) == 1 and "," in first:
            hint = " (the file looks comma-separated; Athena's files are tab-separated)"
        raise std_error(
            STD_VOCAB,
            f"{path.name} lacks column(s) {', '.join(missing)}{hint}; its header is {first[:200]!r}",
            f"use the file as Athena ships it: tab-separated with the header {chr(9).join(expected)!r}",
            file=path, line=1,
        )
    return header


def _read(path: Path, header: list[str], columns: dict[str, object]):
    import pyarrow as pa
    from pyarrow import csv

    return csv.open_csv(
        path,
        read_options=csv.ReadOptions(column_names=header, skip_rows=1, block_size=1 << 24),
        parse_options=csv.ParseOptions(delimiter="\t", quote_char=False, newlines_in_values=False),
        convert_options=csv.ConvertOptions(
            include_columns=list(columns), column_types={k: v for k, v in columns.items()},
            strings_can_be_null=True, null_values=[""], check_utf8=False,
        ),
    ), pa


@dataclass
class OmopVocabulary:
    """Concept lookups for NOTE_NLP: source concept by code, standard concept through "Maps to"."""

    #: (vocabulary_id, concept_code) -> (concept_id, standard_concept or None, valid)
    concepts: dict[tuple[str, str], tuple[int, str | None, bool]] = field(default_factory=dict)
    #: source concept_id -> standard concept_ids it "Maps to" (sorted, valid links only)
    maps_to: dict[int, list[int]] = field(default_factory=dict)
    folder: str | None = None

    @classmethod
    def load(cls, folder: str | Path, *, vocabularies: Iterable[str] = DEFAULT_VOCABULARIES) -> "OmopVocabulary":
        """Load ``CONCEPT.csv`` and ``CONCEPT_RELATIONSHIP.csv`` from an Athena download folder."""
        folder = Path(folder)
        if not folder.is_dir():
            raise std_error(
                STD_VOCAB, f"OMOP vocabulary folder {str(folder)!r} does not exist",
                "pass --omop-vocab the unzipped Athena download folder", file=folder,
            )
        concept_path, rel_path = folder / CONCEPT_FILE, folder / RELATIONSHIP_FILE
        c_header = _check_header(concept_path, _NEED_CONCEPT, CONCEPT_COLUMNS)
        r_header = _check_header(rel_path, _NEED_REL, RELATIONSHIP_COLUMNS)
        vocab = cls(folder=str(folder))
        wanted = set(vocabularies)
        import pyarrow as pa
        import pyarrow.compute as pc

        try:
            reader, _ = _read(concept_path, c_header, {
                "concept_id": pa.int64(), "vocabulary_id": pa.string(), "concept_code": pa.string(),
                "standard_concept": pa.string(), "invalid_reason": pa.string()})
            ids: list = []
            for batch in reader:
                batch = batch.filter(pc.is_in(batch.column("vocabulary_id"), value_set=pa.array(sorted(wanted))))
                cols = batch.to_pydict()
                for cid, voc, code, std, inv in zip(cols["concept_id"], cols["vocabulary_id"], cols["concept_code"],
                                                    cols["standard_concept"], cols["invalid_reason"]):
                    key = (voc, code)
                    valid = inv is None
                    old = vocab.concepts.get(key)
                    if old is None or (valid and not old[2]):  # prefer the valid concept for a code
                        vocab.concepts[key] = (cid, std, valid)
                ids.extend(cols["concept_id"])
        except (pa.ArrowInvalid, ValueError) as exc:
            raise std_error(STD_VOCAB, f"cannot parse {CONCEPT_FILE}: {exc}",
                            "use the tab-separated file as Athena ships it (integer concept_id)",
                            file=concept_path) from None
        id_set = pa.array(sorted(set(ids)), type=pa.int64())
        try:
            reader, _ = _read(rel_path, r_header, {
                "concept_id_1": pa.int64(), "concept_id_2": pa.int64(), "relationship_id": pa.string(),
                "invalid_reason": pa.string()})
            for batch in reader:
                mask = pc.and_(pc.equal(batch.column("relationship_id"), "Maps to"),
                               pc.is_in(batch.column("concept_id_1"), value_set=id_set))
                mask = pc.and_(mask, pc.is_null(batch.column("invalid_reason")))
                cols = batch.filter(mask).to_pydict()
                for a, b in zip(cols["concept_id_1"], cols["concept_id_2"]):
                    vocab.maps_to.setdefault(a, []).append(b)
        except (pa.ArrowInvalid, ValueError) as exc:
            raise std_error(STD_VOCAB, f"cannot parse {RELATIONSHIP_FILE}: {exc}",
                            "use the tab-separated file as Athena ships it (integer concept ids)",
                            file=rel_path) from None
        for targets in vocab.maps_to.values():
            targets.sort()
        logger.info("OMOP vocabulary %s: %d concepts, %d 'Maps to' sources", folder, len(vocab.concepts), len(vocab.maps_to))
        return vocab

    def code_of(self, concept_id: int) -> tuple[str, str] | None:
        """``(system, code)`` of a loaded concept (clinlabel's system name), or ``None``."""
        if not hasattr(self, "_by_id"):
            from ._common import code_system as _cs

            self._by_id = {}
            for (vocabulary_id, code), (cid, _std, _valid) in self.concepts.items():
                known = _cs(vocabulary_id)
                self._by_id.setdefault(cid, (known.name if known else vocabulary_id, code))
        return self._by_id.get(int(concept_id))

    def _key(self, system: str, code: str) -> tuple[str, str] | None:
        known = code_system(system)
        vocabulary_id = known.vocabulary_id if known else system
        return (vocabulary_id, code) if vocabulary_id else None

    def source_concept_id(self, system: str, code: str) -> int:
        """``concept_id`` of ``code`` in ``system``; 0 (CDM "no matching concept") when absent."""
        key = self._key(system, code)
        hit = self.concepts.get(key) if key else None
        return hit[0] if hit else 0

    def standard_concept_id(self, system: str, code: str) -> int:
        """The standard concept ``code`` "Maps to" (a standard code maps to itself); 0 if none.

        When a code maps to several standard concepts the smallest ``concept_id`` is chosen
        (NOTE_NLP has one concept per row) and the choice is logged.
        """
        key = self._key(system, code)
        hit = self.concepts.get(key) if key else None
        if not hit:
            return 0
        targets = self.maps_to.get(hit[0])
        if targets:
            if len(targets) > 1:
                logger.debug("%s|%s maps to %d standard concepts; using %d", system, code, len(targets), targets[0])
            return targets[0]
        return hit[0] if hit[1] == "S" else 0
