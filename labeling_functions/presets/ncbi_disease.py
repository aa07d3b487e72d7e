"""The ``ncbi_disease`` preset: disease mentions as the NCBI disease corpus annotates them.

NCBI-disease annotates eponyms, gene-symbol deficiencies and coordinated mentions as one span, and
never annotates "death" or "infection" alone; those conventions belong to this module.
"""

from __future__ import annotations

from . import Preset
from .bc5cdr import DISEASE, SHARED

NCBI_EXTRA = ("dict_core_disease_ncbi", "icd10cm_terms_ncbi", "disease_lexicon_ncbi", "disease_head_phrase_ncbi",
              "eponym_disease", "coordinated_disease", "disease_abbreviation_ncbi", "eponym_short_ncbi",
              "not_disease_outside_ncbi", "disease_of_organ", "disease_latin_qualifier",
              "coordinated_eponym_ncbi", "parenthetical_mention_ncbi",
              "abbreviation_pair_outside_ncbi", "deficiency_ncbi", "disease_initials_ncbi",
              "disease_prefix_ncbi", "eponym_extra_ncbi")

PRESET = Preset(
    "ncbi_disease", ("Disease",), DISEASE + NCBI_EXTRA + SHARED,
    "NCBI disease corpus: disease mentions in PubMed abstracts",
    module=__name__,
)
