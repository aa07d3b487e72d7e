"""Abbreviation definitions (labeling_functions/library/abbreviations.py): the long form's type goes to every short form.

``abbreviation_definition`` types long forms with the dictionaries it is given; here those of the
``bc5cdr`` preset.
"""

import pytest

from corpora.tokenizer import biomedical_nlp
from lf_votes import lf_vote_texts

_BIO = biomedical_nlp()


def _votes(text, nlp=_BIO):
    return lf_vote_texts("abbreviation_definition", text, preset="bc5cdr", nlp=nlp)


@pytest.mark.parametrize("text, expected", [
    # a disease word inside a long form ending in a noun of its own does not make a disease abbreviation
    ("Antituberculosis therapy (ATT) was given; ATT stopped.", []),
    ("Heart rate and stroke volume (SV) fell.", []),
    ("Patients with chronic hepatitis C (CHC) were treated.", ["CHC"]),
])
def test_abbreviation_definition(text, expected):
    assert sorted(_votes(text)) == sorted(expected)


@pytest.mark.parametrize("text, sf, expected", [
    ("Serum creatinine (SCr) rose; SCr stayed high.", "SCr", False),   # a measurement named after a chemical
    ("Sodium nitroprusside (SNP) was infused; SNP lowered pressure.", "SNP", True),
    ("Gamma-vinyl GABA (GVG) was given; GVG blocked it.", "GVG", True),   # systematic prefix of the chemical
])
def test_abbreviation_of_chemical_long_form(text, sf, expected):
    assert (sf in _votes(text, nlp=None)) is expected  # spacy.blank("en") tokens


def test_short_form_spans_finds_plurals_not_parts_of_words():
    from labeling_functions.library.abbreviations import short_form_spans

    doc = _BIO.make_doc("TNSs and TNS, but not TNSX or pre-TNS.")
    assert [doc[s:e].text for s, e in short_form_spans(doc, "TNS")] == ["TNSs", "TNS"]
