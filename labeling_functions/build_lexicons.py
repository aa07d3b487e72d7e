"""Regenerate the compact lexicon files shipped in ``labeling_functions/resources``.

    python -m labeling_functions.build_lexicons

* ``drug_names.txt.gz``: the drug names and synonyms of the installed
  ``drug-named-entity-recognition`` package (MIT licence; DrugBank open data, NHS, MeSH,
  Wikipedia), lower-cased, >= 4 characters.  Importing that package takes ~10 s (it builds
  n-gram indexes), so the LF reads this extract instead.
* ``icd10cm_disease_terms.txt.gz``: short ICD-10-CM descriptions (US public domain) from
  ``simple-icd-10-cm`` (see ``lexicons.icd10cm_disease_terms``).
"""

from __future__ import annotations

import gzip
from importlib.resources import files
from pathlib import Path


def main() -> None:
    from . import lexicons

    out = Path(str(files("labeling_functions.resources")))
    drugs = sorted(lexicons.drug_names(from_package=True))
    with gzip.open(out / "drug_names.txt.gz", "wt", encoding="utf-8") as f:
        f.write("# drug names from drug-named-entity-recognition 2.0.9 (MIT), see build_lexicons.py\n")
        f.write("\n".join(drugs) + "\n")
    icd = sorted(lexicons.icd10cm_disease_terms(from_package=True))
    with gzip.open(out / "icd10cm_disease_terms.txt.gz", "wt", encoding="utf-8") as f:
        f.write("# short ICD-10-CM disease descriptions (US public domain), see build_lexicons.py\n")
        f.write("\n".join(icd) + "\n")
    print(f"{len(drugs)} drug names, {len(icd)} ICD-10-CM terms -> {out}")


if __name__ == "__main__":
    main()
