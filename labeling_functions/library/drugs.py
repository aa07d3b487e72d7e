"""Drug finders: USAN/INN name stems and dose context.

* :data:`DRUG_STEMS`: endings the USAN Council and WHO INN programme give to members of a drug
  class ("-pril" ACE inhibitors, "-olol" beta blockers, "-mab" monoclonal antibodies, "-tinib"
  kinase inhibitors ...).  A word with such an ending is very likely a drug name.
* :func:`dose_context`: the word(s) right before a dose ("Lasix 40 mg", "aspirin 81 mg daily").
"""

from __future__ import annotations

import re
from typing import Iterable

from .terms import doc_keys, suffix_tokens

DRUG_STEMS = (
    "pril", "sartan", "olol", "alol", "dipine", "statin", "vastatin", "azole", "conazole", "cillin", "mycin",
    "micin", "floxacin", "cycline", "cef", "prazole", "tidine", "parin", "xaban", "gatran", "grel", "triptan",
    "setron", "lukast", "gliptin", "gliflozin", "glutide", "glitazone", "afil", "oxetine", "xetine", "aline",
    "azepam", "azolam", "barbital", "caine", "dronate", "tinib", "ciclib", "rafenib", "lisib", "parib", "zomib",
    "mab", "umab", "zumab", "ximab", "cept", "kinra", "vir", "navir", "previr", "buvir", "asvir", "tegravir",
    "cyclovir", "amivudine", "semide", "thiazide", "profen", "fenac", "coxib", "triptyline", "pramine",
    "peridone", "apine", "azine", "oxacin", "sone", "olone", "nisone", "asone", "terol", "tropium", "curium",
    "curonium", "platin", "rubicin", "taxel", "poetin", "grastim", "plase", "teplase", "sulfa", "tadine", "dronate",
    "lamide", "thromycin", "penem", "bactam", "lukast", "zosin", "terone", "relin", "relix", "morelin", "lutamide",
    "trozole", "strant", "fiban", "tide", "nidazole", "bendazole", "quine", "adol", "orphan", "codone", "morphone",
    "fentanil", "barb", "ridone", "pidem", "clone", "plon", "vudine", "citabine", "trexate", "ribine", "stine",
)
#: common words with a drug stem ending (never a drug)
NOT_DRUGS = frozenset(
    """except accept concept intercept precept available capsule tablet saline line decline discipline baseline guideline outline airline midline
    hairline deadline online offline incline recline machine medicine vaccine routine uterine urine
    sulfur gastric alcohol intestine medline borderline feline canine equine bovine porcine marine
    chlorine iodine caffeine nicotine? cocaine? heroin? tide tides peptide peptides nucleotide polypeptide
    oxide dioxide fluoride chloride bromide iodide sulfide nitride hydride carbide glucose fructose lactose
    pristine famine doctrine engine shine spine wine fine mine nine pine combine determine examine
    undermine imagine divine genuine feminine masculine cousin raisin basin virgin margin origin begin
    plugin penguin""".replace("?", "").split()
)
DOSE_UNITS = frozenset("mg mcg µg ug g gm gram grams milligram milligrams microgram micrograms ml mL cc units unit iu IU "
                       "meq mEq mmol tablet tablets tab tabs capsule capsules cap caps puff puffs drop drops patch "
                       "sprays spray".lower().split())
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?(?:/\d+(?:\.\d+)?)?(?:mg|mcg|g|ml|units?)?$", re.I)


def stem_words(doc, label: str = "Drug", *, min_length: int = 7, exclude: Iterable[str] = ()) -> list[tuple[int, int, str]]:
    """Single words ending in a drug stem ("lisinopril", "metoprolol", "adalimumab")."""
    return suffix_tokens(doc, DRUG_STEMS, label, min_length=min_length,
                         exclude=NOT_DRUGS | frozenset(w.lower() for w in exclude))


def dose_context(doc, label: str = "Drug", *, max_tokens: int = 2, stop: Iterable[str] = ()) -> list[tuple[int, int, str]]:
    """The one or two words right before a dose: "Lasix 40 mg", "Toprol XL 50 mg", "aspirin 81mg"."""
    stop = frozenset(w.lower() for w in stop)
    dk = doc_keys(doc)
    low = dk.lower
    n = len(low)
    out = []
    for i in range(1, n):
        tok = low[i]
        if not _NUMBER.match(tok):
            continue
        unit_here = not tok[-1].isdigit()
        if not unit_here and not (i + 1 < n and low[i + 1] in DOSE_UNITS):
            continue
        j = i
        while j > 0 and i - j < max_tokens:
            w = low[j - 1]
            if not w.isalpha() or w in stop or len(w) < 3 and not dk.texts[j - 1].isupper():
                break
            j -= 1
        if j < i:
            out.append((j, i, label))
    return out


__all__ = ["DOSE_UNITS", "DRUG_STEMS", "NOT_DRUGS", "dose_context", "stem_words"]
