"""NCBI-disease LFs, second round: hyphenated modifiers, abbreviation lists, initials of a disease name."""

import pytest
import spacy

from labeling_functions.library import ALL_LFS
from lf_votes import lf_vote_texts
from labeling_functions.api import LFSet
from labeling_functions.presets import RESOURCES, get_preset

NLP = spacy.blank("en")


def _votes(name, text):
    return lf_vote_texts(name, text)


@pytest.mark.parametrize("name, text, expected", [
    # hyphenated modifiers whose first half is any word; "-onset" stays out (NCBI leaves "early-onset" out)
    ("disease_head_phrase_ncbi", "Patients with dopa-responsive dystonia.", ["dopa-responsive dystonia"]),
    ("disease_head_phrase_ncbi", "A patient with late-infantile metachromatic leukodystrophy.",
     ["late-infantile metachromatic leukodystrophy"]),
    ("disease_head_phrase_ncbi", "Families with early-onset breast cancer.", ["breast cancer"]),
    # a bare generic head only with an inheritance modifier and an anatomical word before it
    ("disease_head_phrase_ncbi", "Individuals with non-syndromic hearing loss.", ["non-syndromic hearing loss"]),
    ("disease_head_phrase_ncbi", "An inherited deficiency and hearing loss.", []),
    # -schisis heads; "progressive" is a course word NCBI leaves out
    ("disease_head_phrase_ncbi", "X-linked retinoschisis is rare.", ["X-linked retinoschisis"]),
    ("disease_head_phrase_ncbi", "He showed progressive muscular atrophy.", ["muscular atrophy"]),
    # abbreviation lists in the parentheses; gene-context modifiers stay out of the abbreviation
    ("disease_abbreviation_ncbi", "Duchenne or Becker muscular dystrophy (DMD, BMD); most DMD patients.",
     ["DMD", "BMD", "DMD"]),
    ("disease_abbreviation_ncbi", "Two complement deficiencies (C2 and C7) were found.", []),
    ("disease_abbreviation_ncbi", "Adenomatous polyposis coli (APC) and the inherited APC mutation.", ["APC", "APC"]),
    # an all-capitals symbol spelled by a disease name's initials in the same document
    ("disease_initials_ncbi", "Huntington's disease is dominant. We cloned the HD gene.", ["HD"]),
    ("disease_initials_ncbi", "Mutations of the VHL gene cause von Hippel-Lindau disease.", ["VHL"]),
    ("disease_initials_ncbi", "Autosomal dominant cerebellar ataxia; ADCA type I kindreds.", ["ADCA type I"]),
    ("disease_initials_ncbi", "Sickle cell disease, mean 90 (SD 16).", []),
    ("disease_initials_ncbi", "The APC gene was cloned.", []),
    # "genetic defect"/"enzyme deficiency" are mentions; disomy and lethality are heads
    ("disease_head_phrase_ncbi", "The genetic defect causes enzyme deficiency.", ["genetic defect", "enzyme deficiency"]),
    ("disease_head_phrase_ncbi", "Uniparental disomy and embryonic lethality.", ["Uniparental disomy",
                                                                                   "embryonic lethality"]),
    # "<enzyme name> deficiency", hyphenated and numbered names included, a locus/verb before it left out
    ("deficiency_ncbi", "Glucose-6-phosphate dehydrogenase deficiency is common.",
     ["Glucose-6-phosphate dehydrogenase deficiency"]),
    ("deficiency_ncbi", "Mutations at the PEPD locus cause prolidase deficiency.", ["prolidase deficiency"]),
    ("deficiency_ncbi", "A mouse with X-linked pyruvate carboxylase deficiency.",
     ["X-linked pyruvate carboxylase deficiency"]),
    # eponyms the shared LF misses and their short forms
    ("eponym_extra_ncbi", "McLeod syndrome is rare; two McLeod patients.", ["McLeod syndrome", "McLeod"]),
    ("eponym_extra_ncbi", "Patients with Nijmegen breakage syndrome.", ["Nijmegen breakage syndrome"]),
    ("eponym_extra_ncbi", "The fragile X syndrome; male fragile X patients.", ["fragile X"]),
    ("eponym_extra_ncbi", "The metabolic syndrome. Severe combined disease.", []),
])
def test_ncbi2_rules(name, text, expected):
    assert _votes(name, text) == expected


@pytest.mark.parametrize("text, expected", [
    # inheritance/type prefixes before a dictionary term, an eponym or a typed abbreviation; nothing without one
    ("Severe expression in X-linked Emery-Dreifuss muscular dystrophy.", ["X-linked Emery-Dreifuss muscular dystrophy"]),
    ("Type I von Willebrand disease and type IIA vWD.", ["Type I von Willebrand disease", "type IIA vWD"]),
    ("Children with neonatal jaundice.", ["neonatal jaundice"]),
    ("Individuals with congenital DM and jaundice.", []),
])
def test_disease_prefix_ncbi(text, expected):
    lf = ALL_LFS["disease_prefix_ncbi"]
    kwargs = LFSet(lfs=[lf], resources=dict(RESOURCES)).kwargs_for(lf)
    doc = NLP.make_doc(text)
    assert [doc[s:e].text for s, e in sorted(lf(doc, **kwargs))] == expected


def test_ncbi_preset_has_the_initials_lf():
    assert "disease_initials_ncbi" in get_preset("ncbi_disease").lf_names
