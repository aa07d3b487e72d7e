"""Chemical rules of the bc5cdr preset (BC5CDR conventions): one sentence each, the spans expected."""

import pytest
import spacy

from labeling_functions.api import LFSet
from labeling_functions.library import ALL_LFS
from labeling_functions.library.chemicals import chemical_term_ok
from labeling_functions.presets import RESOURCES, _good_drug_name, get_preset

_NLP = spacy.blank("en")


def _spans(lf_name, text):
    lf = ALL_LFS[lf_name]
    doc = _NLP.make_doc(text)
    kwargs = LFSet(lfs=[lf], resources=dict(RESOURCES)).kwargs_for(lf)
    out = set()
    for v in lf(doc, **kwargs):
        s, e = (v.start, v.end) if hasattr(v, "start") else (v[0], v[1])
        out.add(doc[s:e].text)
    return out


def _preset_spans(text, label="Chemical"):
    from labeling_functions.weak import WeakLabeler

    wl = WeakLabeler.from_config(preset="bc5cdr", label_model="majority", use_shipped=False)
    doc = _NLP.make_doc(text)
    spans, _, _ = wl.label(doc)
    return {doc[s:e].text for s, e, lab, _, _ in spans if lab == label}


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
])
def test_chemical_rule(lf_name, text, expected):
    assert _spans(lf_name, text) == expected


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
])
def test_chemical_term_ok(term, drug_list, ok):
    assert chemical_term_ok(term, drug_list=drug_list) is ok


def test_good_drug_name_uses_the_term_filter():
    assert _good_drug_name("haloperidol") and not _good_drug_name("calcineurin inhibitors")
    assert not _good_drug_name("nicotine polacrilex")


@pytest.mark.parametrize("text, expected", [
    ("Effects of calcium channel blockers on bupivacaine-induced toxicity.", {"calcium", "bupivacaine"}),
    ("The dopamine receptor antagonist haloperidol was given.", {"dopamine", "haloperidol"}),
    ("Nicotine gum was chewed.", {"Nicotine"}),
])
def test_preset_falls_back_to_the_embedded_substance(text, expected):
    assert _preset_spans(text) == expected


def test_chemical_code_name_in_bc5cdr_preset():
    assert "chemical_code_name" in get_preset("bc5cdr").lf_names


@pytest.mark.parametrize("text, expected", [
    # the serial number of a code name and the letter of "U-II" are not voted O by numbers_outside
    ("The agonist CP 93129 and the antagonist HOE 140 were injected.", {"CP 93129", "HOE 140"}),
    ("Injection of U-II caused hypertension.", {"U-II"}),
])
def test_code_names_survive_numbers_outside(text, expected):
    assert _preset_spans(text) == expected


def test_short_dictionary_terms_match_every_listed_spelling():
    from labeling_functions.lexicons import TermMatcher

    m = TermMatcher({"dex": "Chemical", "Dex": "Chemical"}, case_sensitive_upto=4)
    doc = _NLP.make_doc("Dex and dex but not DEX")
    assert [doc[s:e].text for s, e, _ in m.matches(doc)] == ["Dex", "dex"]


@pytest.mark.parametrize("text, sf, expected", [
    ("Serum creatinine (SCr) rose; SCr stayed high.", "SCr", False),   # a measurement named after a chemical
    ("Sodium nitroprusside (SNP) was infused; SNP lowered pressure.", "SNP", True),
])
def test_abbreviation_of_chemical_long_form(text, sf, expected):
    assert (sf in _spans("abbreviation_definition", text)) is expected


@pytest.mark.parametrize("term, ok", [("insulin-like growth factor II", False), ("angiotensin II", True)])
def test_numeral_suffix_is_judged_by_its_noun(term, ok):
    assert chemical_term_ok(term) is ok


@pytest.mark.parametrize("text, expected", [
    ("NaCl, KCl and CCl4 with H2O2; reduced O2- production; CaCl(2) was added.",
     {"NaCl", "KCl", "CCl4", "H2O2", "O2-", "CaCl(2)"}),
    # acronyms, genes, strains and cell lines that happen to spell element symbols
    ("SCr, IKr, COCs, HCN4, PCO2, F344, HC1, HIV and CNS.", set()),
])
def test_chemical_formula(text, expected):
    assert _spans("chemical_formula", text) == expected


def test_sentence_initial_as_is_not_arsenic():
    assert _spans("chemical_symbols", "It rose. As the dose rose, As and NO levels fell.") == {"As", "NO"}
    assert _spans("chemical_symbols", "Na+ and K+ were measured.") == set()   # BC5CDR annotates "Na", not "Na+"


@pytest.mark.parametrize("text, sf, expected", [
    ("Gamma-vinyl GABA (GVG) was given; GVG blocked it.", "GVG", True),   # systematic prefix of the chemical
])
def test_abbreviation_with_systematic_prefix(text, sf, expected):
    assert (sf in _spans("abbreviation_definition", text)) is expected


def test_tritiated_ligand_keeps_its_bracket():
    assert "[3H]-naloxone" in {t.replace(" ", "") for t in _preset_spans("Binding of [3H]-naloxone was measured.")}


@pytest.mark.parametrize("term, drug_list, ok", [
    ("CYP3A4", True, False),               # gene/protein symbols in the drug list
    ("PAI-1", True, False),
    ("IGF-I", True, False),
    ("ADAM-17", True, False),
    ("MK-801", True, True),                # a code name (three-digit serial number)
    ("neuroleptics", False, False),        # plural action-class nouns in -ics
    ("reactive oxygen species", False, False),
    ("reduced glutathione", False, False),  # redox state adjective: "glutathione" is the mention
    ("fractalkine", True, False),
    ("glutathione", False, True),
    ("opioids", True, False),
    ("radiopharmaceuticals", True, False),
    ("fresh frozen plasma", True, False),  # blood products and buffers are not chemicals
    ("tris buffer", True, False),
    ("plasminogen activator", True, False),
])
def test_chemical_term_ok_more(term, drug_list, ok):
    assert chemical_term_ok(term, drug_list=drug_list) is ok
