"""The bc5cdr preset's own LFs (BC5CDR guideline, labeling_functions/presets/bc5cdr.py): one sentence each."""

import functools

import pytest
import spacy

from corpora.tokenizer import biomedical_nlp
from labeling_functions.library import ALL_LFS
from labeling_functions.presets import get_preset
from lf_votes import lf_vote_texts

_BIO = biomedical_nlp()
_BLANK = spacy.blank("en")


def _spans(lf_name, text, nlp=_BIO):
    return sorted(lf_vote_texts(lf_name, text, preset="bc5cdr", nlp=nlp))


@functools.lru_cache(maxsize=1)
def _labeler():
    from labeling_functions.weak import WeakLabeler

    return WeakLabeler.from_config(preset="bc5cdr", label_model="majority", use_shipped=False)


def _preset_spans(text, label="Chemical"):
    wl = _labeler()  # its dictionaries are built once for this module
    doc = _BLANK.make_doc(text)
    spans, _, _ = wl.label(doc)
    return {doc[s:e].text for s, e, lab, _, _ in spans if lab == label}


def test_preset_lfs_live_in_the_preset_module():
    preset = get_preset("bc5cdr")
    assert preset.module == "labeling_functions.presets.bc5cdr"
    own = [n for n in preset.lf_names if n not in ALL_LFS]
    assert "disease_head_phrase_cdr" in own and "abbreviation_outside_cdr" in own and "dict_core_chemical" in own
    assert "chemical_code_name" in preset.lf_names and "disease_head_phrase_ncbi" not in preset.lf_names


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
    # two modifiers sharing one head are one mention; two diseases are not
    ("coordinated_disease_cdr", "It caused ocular and orbital toxicity.", ["ocular and orbital toxicity"]),
    ("coordinated_disease_cdr", "They had pulmonary and renal insufficiency.", ["pulmonary and renal insufficiency"]),
    ("coordinated_disease_cdr", "Watch for renal and/or hepatic dysfunction.", ["renal and/or hepatic dysfunction"]),
    ("coordinated_disease_cdr", "Lithium caused proteinuria and systolic hypertension.", []),
    ("coordinated_disease_cdr", "Effects on static and dynamic hyperalgesia.", []),   # kinds of one sign
    ("coordinated_disease_cdr", "Lesions of the brain and metabolic abnormalities.", []),
    ("coordinated_disease_cdr", "On the Positive and Negative Syndrome Scale.", []),
    ("icd10cm_terms_cdr", "Clotiazepam-induced acute hepatitis.", ["hepatitis"]),        # CDR leaves the course out
    ("icd10cm_terms_cdr", "He developed acute renal failure.", ["acute renal failure"]),  # ... but keeps it before 'failure'
    ("dict_core_disease_cdr", "Drugs induced apoptotic death in the liver.", []),
    ("dict_core_disease_cdr", "Sudden death occurred.", ["death"]),
    ("dict_core_disease_cdr", "Brain MR imaging showed lesions.", []),
    ("disease_lexicon_cdr", "It reduced apoptotic cell death.", []),
    ("disease_modifier_outside_cdr", "Drug-induced de novo absence seizures.", ["de", "novo"]),
    ("protein_target_outside", "Sirolimus lacks the effects of calcineurin inhibitors.", ["calcineurin"]),
    ("protein_target_outside", "After Calcineurin-inhibitor withdrawal.", ["Calcineurin"]),
    ("protein_target_outside", "Heparin was given.", []),
    ("possessive_eponym_cdr", "In one infant, Ebstein's anomaly was found.", ["Ebstein's anomaly"]),
    ("possessive_eponym_cdr", "He had Bell's palsy.", ["Bell's palsy"]),
    ("possessive_eponym_cdr", "The patient's disease progressed.", []),
    ("disease_head_phrase_cdr", "Vinorelbine in nonsmall cell lung carcinoma patients.", ["nonsmall cell lung carcinoma"]),
    ("disease_head_phrase_cdr", "Vinorelbine in non-small cell lung carcinoma patients.",
     ["non-small cell lung carcinoma"]),
])
def test_cdr_rule(lf_name, text, expected):
    assert _spans(lf_name, text) == sorted(expected)


@pytest.mark.parametrize("name, text, expected", [
    # BC5CDR leaves course/severity modifiers out, keeps anatomy and "acute" before failure
    ("disease_head_phrase_cdr", "She developed acute interstitial nephritis.", ["interstitial nephritis"]),
    ("disease_head_phrase_cdr", "Women with metastatic breast cancer were treated.", ["breast cancer"]),
    ("disease_head_phrase_cdr", "It caused polymorphous ventricular tachycardia.", ["ventricular tachycardia"]),
    ("disease_head_phrase_cdr", "He had acute renal failure.", ["acute renal failure"]),
    ("disease_modifier_outside_cdr", "Acute hepatitis and severe toxicity after cocaine use.",
     ["Acute", "severe", "use"]),
    ("disease_modifier_outside_cdr", "He had acute renal failure and body weight loss.", ["body weight"]),
    ("disease_head_phrase_cdr", "Capsaicin-induced secondary hyperalgesia.", []),
    ("disease_modifier_outside_cdr", "Capsaicin-induced secondary hyperalgesia.", ["secondary"]),
])
def test_cdr_modifiers_blank_tokens(name, text, expected):
    assert lf_vote_texts(name, text, preset="bc5cdr") == expected


@pytest.mark.parametrize("text, expected", [
    ("Effects of calcium channel blockers on bupivacaine-induced toxicity.", {"calcium", "bupivacaine"}),
    ("The dopamine receptor antagonist haloperidol was given.", {"dopamine", "haloperidol"}),
    ("Nicotine gum was chewed.", {"Nicotine"}),
    # the serial number of a code name and the letter of "U-II" are not voted O by numbers_outside
    ("The agonist CP 93129 and the antagonist HOE 140 were injected.", {"CP 93129", "HOE 140"}),
    ("Injection of U-II caused hypertension.", {"U-II"}),
])
def test_preset_falls_back_to_the_embedded_substance(text, expected):
    assert _preset_spans(text) == expected


def test_tritiated_ligand_keeps_its_bracket():
    assert "[3H]-naloxone" in {t.replace(" ", "") for t in _preset_spans("Binding of [3H]-naloxone was measured.")}
