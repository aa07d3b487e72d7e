"""Dictionary and ontology labelling functions (votes from lexicons injected as resources)."""

from __future__ import annotations

from ..api import span_lf


@span_lf(labels=["Chemical"])
def dict_core_chemical(doc, *, core_dict):
    """AutoNER dict_core terms typed Chemical."""
    return core_dict(doc, "Chemical")


@span_lf(labels=["Disease"])
def dict_core_disease(doc, *, core_dict):
    """AutoNER dict_core terms typed Disease."""
    return core_dict(doc, "Disease")


@span_lf(labels=["Chemical"])
def drug_list(doc, *, drug_dict):
    """Drug names and synonyms from the drug-named-entity-recognition package."""
    return drug_dict(doc, "Chemical")


@span_lf(labels=["Disease"])
def icd10cm_terms(doc, *, icd_dict):
    """Short ICD-10-CM disease descriptions (ontology LF)."""
    return icd_dict(doc, "Disease")


@span_lf(labels=["Disease"])
def disease_lexicon(doc, *, disease_dict):
    """A small shipped lexicon of frequent disease words (signs, symptoms, toxicities)."""
    return disease_dict(doc, "Disease")
