"""Disease LFs that follow one corpus's guideline (BC5CDR ``_cdr`` vs NCBI-disease ``_ncbi``): one sentence each."""

import pytest
import spacy

from labeling_functions.library import ALL_LFS
from lf_votes import lf_vote_texts
from labeling_functions.presets import _good_icd_term, get_preset

NLP = spacy.blank("en")


def _votes(name, text):
    return lf_vote_texts(name, text)


@pytest.mark.parametrize("name, text, expected", [
    # BC5CDR leaves course/severity modifiers out, keeps anatomy and "acute" before failure
    ("disease_head_phrase_cdr", "She developed acute interstitial nephritis.", ["interstitial nephritis"]),
    ("disease_head_phrase_cdr", "Women with metastatic breast cancer were treated.", ["breast cancer"]),
    ("disease_head_phrase_cdr", "It caused polymorphous ventricular tachycardia.", ["ventricular tachycardia"]),
    ("disease_head_phrase_cdr", "He had acute renal failure.", ["acute renal failure"]),
    ("disease_modifier_outside_cdr", "Acute hepatitis and severe toxicity after cocaine use.",
     ["Acute", "severe", "use"]),
    ("disease_modifier_outside_cdr", "He had acute renal failure and body weight loss.", ["body weight"]),
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
    ("coordinated_disease", "Risk of breast and/or ovarian cancer and breast/ovarian cancer.",
     ["breast and/or ovarian cancer", "breast/ovarian cancer"]),
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
    # both guidelines
    ("disease_of_organ", "A carcinoma of the bladder and calcification of the artery.",
     ["carcinoma of the bladder", "calcification of the artery"]),
    ("disease_of_organ", "The risk of cancer of the renal pelvis rose.", ["cancer of the renal pelvis"]),
    ("disease_latin_qualifier", "Germline APC mutations cause adenomatous polyposis coli.",
     ["adenomatous polyposis coli"]),
    ("disease_head_phrase_cdr", "Capsaicin-induced secondary hyperalgesia.", []),
    ("disease_modifier_outside_cdr", "Capsaicin-induced secondary hyperalgesia.", ["secondary"]),
])
def test_disease_rule(name, text, expected):
    assert _votes(name, text) == expected


@pytest.mark.parametrize("term, ok", [
    ("nausea and vomiting", False), ("heparin-induced thrombocytopenia", False), ("cocaine use", False),
    ("acute hepatitis", True),
])
def test_icd_terms_that_are_not_one_mention_are_dropped(term, ok):
    assert _good_icd_term(term) is ok


def test_ncbi_dictionary_variants_leave_out_death_and_infection():
    lfset = get_preset("ncbi_disease").build()
    doc = NLP.make_doc("Early death from infection in cystic fibrosis.")
    kwargs = {name: lfset.resources[name]() for name in ("core_dict", "icd_dict", "disease_dict")}
    for name, res in (("dict_core_disease_ncbi", "core_dict"), ("icd10cm_terms_ncbi", "icd_dict"),
                      ("disease_lexicon_ncbi", "disease_dict")):
        texts = [doc[s:e].text for s, e in ALL_LFS[name](doc, **{res: kwargs[res]})]
        assert "death" not in texts and "infection" not in texts


@pytest.mark.parametrize("text, expected", [
    ("It predisposes to disease and exposes cells in meioses.", []),
    ("Cirrhosis and hepatitis.", ["Cirrhosis", "hepatitis"]),
])
def test_disease_suffix_skips_verbs_in_oses(text, expected):
    assert _votes("disease_suffix", text) == expected


def test_presets_use_their_own_guideline_variants():
    cdr, ncbi = get_preset("bc5cdr").lf_names, get_preset("ncbi_disease").lf_names
    assert "disease_head_phrase_cdr" in cdr and "disease_head_phrase_ncbi" not in cdr
    assert "disease_head_phrase_ncbi" in ncbi and "disease_head_phrase_cdr" not in ncbi
    assert all(name in ALL_LFS for name in cdr + ncbi)
