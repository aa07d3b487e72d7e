"""The ``bc5cdr`` preset: chemicals and diseases as the BioCreative V CDR guideline annotates them.

The guideline's conventions (course and severity modifiers left out of a disease mention, the
substance inside class or receptor terms, ...) belong to this module.
"""

from __future__ import annotations

from . import Preset

CHEMICAL = (
    "dict_core_chemical", "drug_list", "chemical_suffix", "chemical_symbols", "chemical_induced", "dosage_context",
    "administration_context", "chemical_code_name", "chemical_formula", "protein_target_outside",
    "isotope_label_chemical", "inorganic_salt_name",
)
#: the dictionary LFs drop matches CDR does not annotate in context and, for ICD-10-CM, the
#: course/severity modifiers CDR leaves out
DISEASE_DICTS = ("dict_core_disease_cdr", "icd10cm_terms_cdr", "disease_lexicon_cdr")
DISEASE = ("disease_suffix", "disease_head_word", "induced_disease", "disease_cue_context")
#: CDR leaves course/severity modifiers ("acute", "metastatic") out of a mention
CDR_DISEASE = ("disease_head_phrase_cdr", "disease_modifier_outside_cdr", "eponym_disease", "disease_of_organ",
               "disease_latin_qualifier", "abbreviation_outside_cdr", "coordinated_disease_cdr",
               "possessive_eponym_cdr")
SHARED = ("abbreviation_definition", "stopwords_outside", "numbers_outside")

PRESET = Preset(
    "bc5cdr", ("Chemical", "Disease"), CHEMICAL + DISEASE_DICTS + DISEASE + CDR_DISEASE + SHARED,
    "BioCreative V CDR: chemicals and diseases in PubMed abstracts",
    module=__name__,
)
