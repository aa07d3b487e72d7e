"""What the PubMed presets share (labeling_functions/presets/_pubmed.py): the filters their dictionaries are built with."""

import pytest

from labeling_functions.presets._pubmed import chemical_term_ok, good_drug_name, good_icd_term


@pytest.mark.parametrize("term, drug_list, ok", [
    ("calcium channel blockers", False, False),   # class around the substance: "calcium" is the mention
    ("angiotensin converting enzyme", False, False),
    ("dopamine receptor", False, False),
    ("nicotine gum", True, False),                 # preparation form
    ("normal saline", True, False),
    ("haptoglobin", True, False),                  # proteins by ending
    ("erythropoietin", True, False),
    ("angiotensinogen", True, False),
    ("mtDNA", True, False),
    ("anticonvulsant", True, False),               # pharmacological action classes (drug list only)
    ("vasodilator", True, False),
    ("glucocorticoid", True, False),
    ("salt", False, False),
    ("- II", False, False),                        # a fragment
    ("gentamicin sulfate", True, True),            # salt forms are part of the mention
    ("calcium", False, True),
    ("estrogen", True, True),
    ("antidepressant", False, True),               # the curated dictionary keeps its class terms
    ("CYP3A4", True, False),                       # gene/protein symbols in the drug list
    ("PAI-1", True, False),
    ("IGF-I", True, False),
    ("ADAM-17", True, False),
    ("MK-801", True, True),                        # a code name (three-digit serial number)
    ("neuroleptics", False, False),                # plural action-class nouns in -ics
    ("reactive oxygen species", False, False),
    ("reduced glutathione", False, False),         # redox state adjective: "glutathione" is the mention
    ("fractalkine", True, False),
    ("glutathione", False, True),
    ("opioids", True, False),
    ("radiopharmaceuticals", True, False),
    ("fresh frozen plasma", True, False),          # blood products and buffers are not chemicals
    ("tris buffer", True, False),
    ("plasminogen activator", True, False),
    ("insulin-like growth factor II", False, False),  # a numeral suffix is judged by its noun
    ("angiotensin II", False, True),
])
def test_chemical_term_ok(term, drug_list, ok):
    assert chemical_term_ok(term, drug_list=drug_list) is ok


def test_good_drug_name_uses_the_term_filter():
    assert good_drug_name("haloperidol") and not good_drug_name("calcineurin inhibitors")
    assert not good_drug_name("nicotine polacrilex")


@pytest.mark.parametrize("term, ok", [
    ("nausea and vomiting", False), ("heparin-induced thrombocytopenia", False), ("cocaine use", False),
    ("acute hepatitis", True),
])
def test_icd_terms_that_are_not_one_mention_are_dropped(term, ok):
    assert good_icd_term(term) is ok
