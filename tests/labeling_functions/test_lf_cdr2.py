"""Second-round BC5CDR rules: one sentence each, the spans expected."""

import pytest

from labeling_functions.api import LFSet
from labeling_functions.library import ALL_LFS
from labeling_functions.presets import RESOURCES
from corpora.tokenizer import biomedical_nlp

_NLP = biomedical_nlp()


def _spans(lf_name, text):
    lf = ALL_LFS[lf_name]
    doc = _NLP.make_doc(text)
    kwargs = LFSet(lfs=[lf], resources=dict(RESOURCES)).kwargs_for(lf)
    out = []
    for v in lf(doc, **kwargs):
        s, e = (v.start, v.end) if hasattr(v, "start") else (v[0], v[1])
        out.append(doc[s:e].text)
    return sorted(out)


@pytest.mark.parametrize("lf_name,text,expected", [
    # a short form defined by a non-chemical, non-disease long form is not an entity anywhere in the abstract
    ("abbreviation_outside_cdr", "Heart rate and cardiac output (CO) fell; CO recovered.", ["CO", "CO"]),
    ("abbreviation_outside_cdr", "PG-9 raised nerve growth factor (NGF) synthesis.", ["NGF"]),
    ("abbreviation_outside_cdr", "Proteins were identified by mass spectrometry (MS).", ["MS"]),
    # chemical or class long forms keep their short form
    ("abbreviation_outside_cdr", "Exposure to carbon monoxide (CO) was measured.", []),
    ("abbreviation_outside_cdr", "Use of benzodiazepines or related drugs (BZDs) was common.", []),
    ("abbreviation_outside_cdr", "Tincture of Crataegus (TCR) protected the heart.", []),
    ("abbreviation_outside_cdr", "Patients on Midazolan (MZ) were sedated.", []),
    ("abbreviation_outside_cdr", "Transient neurologic symptoms (TNSs) followed lidocaine.", []),
    # statistics after +/-
    ("abbreviation_outside_cdr", "Hb was 10.2 +/- 0.1 g/dl (mean +/- SE).", ["SE"]),
    # a disease word inside a long form ending in a noun of its own does not make a disease abbreviation
    ("abbreviation_definition", "Antituberculosis therapy (ATT) was given; ATT stopped.", []),
    ("abbreviation_definition", "Heart rate and stroke volume (SV) fell.", []),
    ("abbreviation_definition", "Patients with chronic hepatitis C (CHC) were treated.", ["CHC"]),
    ("chemical_symbols", "Heart rate and cardiac output (CO) fell; CO recovered.", []),
    ("chemical_symbols", "Exposure to carbon monoxide (CO) was measured.", ["CO"]),
])
def test_cdr2_rules(lf_name, text, expected):
    assert _spans(lf_name, text) == sorted(expected)


@pytest.mark.parametrize("text,expected", [
    ("It caused ocular and orbital toxicity.", ["ocular and orbital toxicity"]),
    ("They had pulmonary and renal insufficiency.", ["pulmonary and renal insufficiency"]),
    ("Watch for renal and/or hepatic dysfunction.", ["renal and/or hepatic dysfunction"]),
    ("Lithium caused proteinuria and systolic hypertension.", []),       # two diseases
    ("Effects on static and dynamic hyperalgesia.", []),                 # kinds of one sign
    ("Lesions of the brain and metabolic abnormalities.", []),
    ("On the Positive and Negative Syndrome Scale.", []),
])
def test_coordinated_disease_cdr(text, expected):
    assert _spans("coordinated_disease_cdr", text) == sorted(expected)


@pytest.mark.parametrize("text,expected", [
    ("Clotiazepam-induced acute hepatitis.", ["hepatitis"]),        # CDR leaves the course out
    ("He developed acute renal failure.", ["acute renal failure"]),  # ... but keeps it before 'failure'
])
def test_icd10cm_terms_cdr(text, expected):
    assert _spans("icd10cm_terms_cdr", text) == expected


@pytest.mark.parametrize("lf_name,text,expected", [
    ("dict_core_disease_cdr", "Drugs induced apoptotic death in the liver.", []),
    ("dict_core_disease_cdr", "Sudden death occurred.", ["death"]),
    ("dict_core_disease_cdr", "Brain MR imaging showed lesions.", []),
    ("disease_lexicon_cdr", "It reduced apoptotic cell death.", []),
    ("disease_modifier_outside_cdr", "Drug-induced de novo absence seizures.", ["de", "novo"]),
])
def test_cdr_dictionary_context(lf_name, text, expected):
    assert _spans(lf_name, text) == sorted(expected)


@pytest.mark.parametrize("text,expected", [
    ("Sirolimus lacks the effects of calcineurin inhibitors.", ["calcineurin"]),
    ("After Calcineurin-inhibitor withdrawal.", ["Calcineurin"]),
    ("Heparin was given.", []),
])
def test_protein_target_outside(text, expected):
    assert _spans("protein_target_outside", text) == expected


@pytest.mark.parametrize("lf_name,text,expected", [
    ("possessive_eponym_cdr", "In one infant, Ebstein's anomaly was found.", ["Ebstein's anomaly"]),
    ("possessive_eponym_cdr", "He had Bell's palsy.", ["Bell's palsy"]),
    ("possessive_eponym_cdr", "The patient's disease progressed.", []),
    ("disease_head_phrase_cdr", "Vinorelbine in nonsmall cell lung carcinoma patients.", ["nonsmall cell lung carcinoma"]),
    ("disease_head_phrase_cdr", "Vinorelbine in non-small cell lung carcinoma patients.",
     ["non-small cell lung carcinoma"]),
])
def test_cdr_eponyms_and_cell_types(lf_name, text, expected):
    assert _spans(lf_name, text) == sorted(expected)


@pytest.mark.parametrize("lf_name,text,expected", [
    ("isotope_label_chemical", "Binding of [3H]-L-arginine was measured.", ["[3H]-L-arginine"]),
    ("isotope_label_chemical", "Uptake of [3H]dopamine rose.", ["[3H]dopamine"]),
    ("isotope_label_chemical", "Cells bound [125I]-labeled IL-2.", []),
    ("inorganic_salt_name", "Hydrogen cyanamide and sodium nitroprusside were given.",
     ["Hydrogen cyanamide", "sodium nitroprusside"]),
    ("inorganic_salt_name", "Calcium channel blockers and sodium intake.", []),
    ("stopwords_outside", "Binding of [3H]-L-arginine.", ["."]),  # "]" after an isotope is not voted O
])
def test_isotope_and_salt_names(lf_name, text, expected):
    assert _spans(lf_name, text) == sorted(expected)
