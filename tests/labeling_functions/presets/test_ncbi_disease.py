"""The ncbi_disease preset's own LFs (NCBI-disease guideline, labeling_functions/presets/ncbi_disease.py)."""

import pytest
import spacy

from labeling_functions.library import ALL_LFS
from labeling_functions.presets import get_preset
from lf_votes import lf_vote_texts

NLP = spacy.blank("en")


def _votes(name, text):
    return lf_vote_texts(name, text, preset="ncbi_disease")


@pytest.mark.parametrize("name, text, expected", [
    # NCBI keeps inheritance/population modifiers and a trailing type
    ("disease_head_phrase_ncbi", "Cases of male breast cancer are rare.", ["male breast cancer"]),
    ("disease_head_phrase_ncbi", "X-linked thrombocytopenia is a disease.", ["X-linked thrombocytopenia"]),
    ("disease_head_phrase_ncbi", "Patients with mucopolysaccharidosis IVA.", ["mucopolysaccharidosis IVA"]),
    ("disease_head_phrase_ncbi", "A human disease with informative meioses.", []),
    ("not_disease_outside_ncbi", "Early death from infection.", ["death", "infection"]),
    ("disease_abbreviation_ncbi",
     "Duchenne and Becker muscular dystrophy (DMD/BMD) patients; the DMD gene in BMD.",
     ["DMD", "BMD", "DMD", "BMD"]),
    ("disease_abbreviation_ncbi", "Linkage of choroideremia (TCD) in TCD families.", ["TCD", "TCD"]),
    ("disease_abbreviation_ncbi", "The von Hippel-Lindau (VHL) disease gene; VHL patients.", ["VHL", "VHL"]),
    ("disease_abbreviation_ncbi", "The breast cancer 1 (BRCA1) gene.", []),
    ("eponym_short_ncbi", "Lesch-Nyhan syndrome is rare; Lesch-Nyhan patients lack HPRT.", ["Lesch-Nyhan"]),
    ("coordinated_eponym_ncbi", "Boys with Duchenne and Becker muscular dystrophy.",
     ["Duchenne and Becker muscular dystrophy"]),
    ("parenthetical_mention_ncbi", "Diagnosis of glucose-6-phosphate dehydrogenase (G6PD) deficiency in Taiwan.",
     ["glucose-6-phosphate dehydrogenase (G6PD) deficiency"]),
    ("abbreviation_pair_outside_ncbi", "Patients with VCFS/DGS were studied.", ["/"]),
    ("disease_abbreviation_ncbi", "Adrenoleukodystrophy (ALD) in boys with childhood cerebral ALD.",
     ["ALD", "childhood cerebral ALD"]),
    ("disease_head_phrase_ncbi", "Patients with autosomal dominant retinal degeneration.",
     ["autosomal dominant retinal degeneration"]),
    ("deficiency_ncbi", "Sera of C5-deficient and G6PD deficient patients.", ["C5-deficient", "G6PD deficient"]),
    ("deficiency_ncbi", "Hereditary deficiency of the fifth component of complement.",
     ["Hereditary deficiency of the fifth component of complement"]),
    ("disease_head_phrase_ncbi", "An inherited deficiency and molecular defects.", []),
    ("disease_abbreviation_ncbi", "Polyposis coli (APC) and wild-type APC.", ["APC", "APC"]),
    ("disease_head_phrase_ncbi", "Familial neurohypophyseal diabetes insipidus is rare.",
     ["Familial neurohypophyseal diabetes insipidus"]),
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
def test_ncbi_rule(name, text, expected):
    assert _votes(name, text) == expected


@pytest.mark.parametrize("text, expected", [
    # inheritance/type prefixes before a dictionary term, an eponym or a typed abbreviation; nothing without one
    ("Severe expression in X-linked Emery-Dreifuss muscular dystrophy.", ["X-linked Emery-Dreifuss muscular dystrophy"]),
    ("Type I von Willebrand disease and type IIA vWD.", ["Type I von Willebrand disease", "type IIA vWD"]),
    ("Children with neonatal jaundice.", ["neonatal jaundice"]),
    ("Individuals with congenital DM and jaundice.", []),
])
def test_disease_prefix_ncbi(text, expected):
    assert sorted(_votes("disease_prefix_ncbi", text), key=text.index) == expected


@pytest.mark.parametrize("name, resource", [("dict_core_disease_ncbi", "core_dict"), ("icd10cm_terms_ncbi", "icd_dict"),
                                            ("disease_lexicon_ncbi", "disease_dict")])
def test_ncbi_dictionary_variants_leave_out_death_and_infection(name, resource):
    from lf_votes import preset_lfset

    text = "Early death from infection in cystic fibrosis."
    doc = NLP.make_doc(text)
    raw = [doc[s:e].text for s, e, _ in preset_lfset("ncbi_disease").resource(resource)(doc, "Disease")]
    assert {"death", "infection"} & set(raw)  # the dictionary has them; the guideline's filter drops them
    assert _votes(name, text) == [t for t in raw if t not in {"death", "infection"}]


def test_preset_owns_its_lfs_and_label_map():
    preset = get_preset("ncbi_disease")
    own = [n for n in preset.lf_names if n not in ALL_LFS]
    assert "disease_initials_ncbi" in own and "disease_head_phrase_ncbi" in own
    assert "disease_head_phrase_cdr" not in preset.lf_names
    assert {preset.map_label(x) for x in ("SpecificDisease", "DiseaseClass", "CompositeMention", "Modifier")} \
        == {"Disease"}
    assert get_preset("bc5cdr").map_label("SpecificDisease") == "SpecificDisease"
