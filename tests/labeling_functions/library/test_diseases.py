"""General disease LFs of labeling_functions/library/diseases.py: one sentence each."""

import pytest
import spacy

from labeling_functions.library.diseases import head_like
from lf_votes import lf_vote_texts


@pytest.mark.parametrize("name, text, expected", [
    ("disease_of_organ", "A carcinoma of the bladder and calcification of the artery.",
     ["carcinoma of the bladder", "calcification of the artery"]),
    ("disease_of_organ", "The risk of cancer of the renal pelvis rose.", ["cancer of the renal pelvis"]),
    ("disease_latin_qualifier", "Germline APC mutations cause adenomatous polyposis coli.",
     ["adenomatous polyposis coli"]),
])
def test_disease_rule(name, text, expected):
    assert lf_vote_texts(name, text) == expected


@pytest.mark.parametrize("word, ok", [("hyperalgesia", True), ("cholelithiasis", True), ("failure", True),
                                      ("hepatitis", True), ("patients", False), ("asia", False)])
def test_head_like(word, ok):
    assert head_like(spacy.blank("en").make_doc(word)[0]) is ok
