"""Word lists shipped with the de-identifier (see ``resources/SOURCES.md``), loaded once."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

_PKG = "nlp_pipeline.deid.resources"


def _read(name: str) -> list[str]:
    data = resources.files(_PKG).joinpath(name).read_bytes()
    if name.endswith(".gz"):
        data = gzip.decompress(data)
    out = []
    for line in data.decode("utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


@dataclass(frozen=True)
class Lexicon:
    first_names: frozenset[str]
    surnames: frozenset[str]
    common_surnames: frozenset[str]  # the 5,000 most frequent census surnames
    cities: frozenset[str]
    city_max_words: int
    counties: frozenset[str]
    english: frozenset[str]
    clinical: frozenset[str]  # clinical words (ICD-10, HCPCS, RxNorm, FDA): not names or places from lists alone
    clinical_english: frozenset[str]  # English words the clinical vocabularies use ("mouth"): not names in weak slots
    eponyms: frozenset[str]
    hard_eponyms: frozenset[str]  # eponyms that are not among the 300 most frequent surnames
    street_suffixes: tuple[str, ...]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    surnames = _read("surnames.txt.gz")
    cities = _read("us_cities.txt")
    eponyms = _read("clinical_eponyms.txt")
    return Lexicon(
        first_names=frozenset(_read("first_names.txt")),
        surnames=frozenset(surnames),
        common_surnames=frozenset(surnames[:5000]),
        cities=frozenset(cities),
        city_max_words=max(len(c.split()) for c in cities),
        counties=frozenset(_read("us_counties.txt")),
        english=frozenset(_read("english_words.txt.gz")),
        clinical=frozenset(_read("clinical_words.txt.gz")),
        clinical_english=frozenset(_read("clinical_english_words.txt.gz")),
        eponyms=frozenset(eponyms),
        hard_eponyms=frozenset(e for e in eponyms if e not in set(surnames[:300])),
        street_suffixes=tuple(_read("street_suffixes.txt")),
    )
