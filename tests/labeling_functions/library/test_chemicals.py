"""General chemical-name LFs (labeling_functions/library/chemicals.py and the chemical patterns): one sentence each."""

import pytest

from corpora.tokenizer import biomedical_nlp
from lf_votes import lf_vote_texts

_BIO = biomedical_nlp()


@pytest.mark.parametrize("lf_name, text, expected", [
    ("chemical_code_name", "LY274614 and FK506 were compared with GR 55562 and MK-801.",
     {"LY274614", "FK506", "GR 55562", "MK-801"}),
    ("chemical_code_name", "The calcium antagonist Ro 40-5967 was given.", {"Ro 40-5967"}),
    # genes, cell lines, mutations, times, scales and years are not code names
    ("chemical_code_name", "CD36 and CYP 450 in HEK293 cells, the G145R mutant, at T120, NYHA 3, in 1998.", set()),
    ("chemical_code_name", "In 2005 we gave 100 mg; CO 100 ppm was inhaled.", set()),
    # context LFs need the word itself to look like a substance
    ("administration_context", "Patients treated with high doses of herbal remedies.", set()),
    ("administration_context", "Patients treated with haloperidol.", {"haloperidol"}),
    ("chemical_induced", "Saline-treated and brush-induced controls; ZDV-induced myopathy.", {"ZDV"}),
    ("dosage_context", "Standard 5 mg and haloperidol 5 mg were given.", {"haloperidol"}),
    # -ate verbs/adjectives and anatomical -ine adjectives are not chemicals; anions are
    ("chemical_suffix", "To elucidate and attenuate the uterine response to carboxylate and hydroxybutyrate.",
     {"carboxylate", "hydroxybutyrate"}),
    ("chemical_formula", "NaCl, KCl and CCl4 with H2O2; reduced O2- production; CaCl(2) was added.",
     {"NaCl", "KCl", "CCl4", "H2O2", "O2-", "CaCl(2)"}),
    # acronyms, genes, strains and cell lines that happen to spell element symbols
    ("chemical_formula", "SCr, IKr, COCs, HCN4, PCO2, F344, HC1, HIV and CNS.", set()),
    ("chemical_symbols", "It rose. As the dose rose, As and NO levels fell.", {"As", "NO"}),
    ("chemical_symbols", "Na+ and K+ were measured.", set()),   # the element, which one token cannot give
])
def test_chemical_rule(lf_name, text, expected):
    assert set(lf_vote_texts(lf_name, text)) == expected


@pytest.mark.parametrize("lf_name,text,expected", [
    # a short form defined by a non-chemical long form is not the symbol
    ("chemical_symbols", "Heart rate and cardiac output (CO) fell; CO recovered.", []),
    ("chemical_symbols", "Exposure to carbon monoxide (CO) was measured.", ["CO"]),
    ("isotope_label_chemical", "Binding of [3H]-L-arginine was measured.", ["[3H]-L-arginine"]),
    ("isotope_label_chemical", "Uptake of [3H]dopamine rose.", ["[3H]dopamine"]),
    ("isotope_label_chemical", "Cells bound [125I]-labeled IL-2.", []),
    ("inorganic_salt_name", "Hydrogen cyanamide and sodium nitroprusside were given.",
     ["Hydrogen cyanamide", "sodium nitroprusside"]),
    ("inorganic_salt_name", "Calcium channel blockers and sodium intake.", []),
    ("stopwords_outside", "Binding of [3H]-L-arginine.", ["."]),  # "]" after an isotope is not voted O
])
def test_chemical_names_biomedical_tokens(lf_name, text, expected):
    assert sorted(lf_vote_texts(lf_name, text, nlp=_BIO)) == sorted(expected)


@pytest.mark.parametrize("text, expected", [
    # the serial number of a code name and the letter of "U-II" are not voted O by numbers_outside
    ("The agonist CP 93129 and the antagonist HOE 140 were injected.", ["CP 93129", "HOE 140"]),
])
def test_code_names_are_not_numbers(text, expected):
    assert lf_vote_texts("chemical_code_name", text) == expected
    outside = set(lf_vote_texts("numbers_outside", text))
    assert not outside & {"93129", "140"}
