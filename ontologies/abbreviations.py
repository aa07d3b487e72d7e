"""The shipped list of clinical abbreviations (``ontologies/data/abbreviations.tsv``).

Each line gives the abbreviation, its expansion (worded as an ICD-10-CM title or inclusion term,
so that the expansion resolves to a code), whether it may match in any case or only in capitals,
and the source that lists that expansion.  Loaded with :mod:`importlib.resources`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .errors import ONT_PARSE, ontology_error

RESOURCE = "abbreviations.tsv"


@dataclass(frozen=True)
class Abbreviation:
    abbreviation: str
    expansion: str
    case: str  # "any" or "upper"
    source: str


@lru_cache(maxsize=1)
def load_abbreviations() -> tuple[Abbreviation, ...]:
    """Every entry of the shipped list, in file order (duplicates removed)."""
    text = resources.files("ontologies").joinpath("data", RESOURCE).read_text(encoding="utf-8")
    out: dict[tuple[str, str], Abbreviation] = {}
    rows = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    reader = csv.reader(io.StringIO("\n".join(rows)), delimiter="\t")
    next(reader)  # header
    for i, row in enumerate(reader, start=2):
        if len(row) != 4 or row[2] not in ("any", "upper"):
            raise ontology_error(ONT_PARSE, f"bad abbreviation line {row!r}",
                                 "each line is ABBR<TAB>EXPANSION<TAB>any|upper<TAB>SOURCE",
                                 file=f"ontologies/data/{RESOURCE}", line=i)
        out.setdefault((row[0], row[1]), Abbreviation(*row))
    return tuple(out.values())


def abbreviation_map() -> dict[str, list[Abbreviation]]:
    """Lower-cased abbreviation -> entries (for query expansion in search)."""
    out: dict[str, list[Abbreviation]] = {}
    for a in load_abbreviations():
        out.setdefault(a.abbreviation.lower(), []).append(a)
    return out
