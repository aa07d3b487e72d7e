"""Pattern LFs of labeling_functions/library/patterns.py: one sentence each."""

import pytest

from lf_votes import lf_vote_texts


@pytest.mark.parametrize("name, text, expected", [
    ("coordinated_disease", "Risk of breast and/or ovarian cancer and breast/ovarian cancer.",
     ["breast and/or ovarian cancer", "breast/ovarian cancer"]),
    ("disease_suffix", "It predisposes to disease and exposes cells in meioses.", []),
    ("disease_suffix", "Cirrhosis and hepatitis.", ["Cirrhosis", "hepatitis"]),
    ("disease_head_phrase", "She developed acute interstitial nephritis.", ["acute interstitial nephritis"]),
    ("numbers_outside", "Injection of U-II at 5 mg caused it.", ["5", "mg"]),
])
def test_pattern_rule(name, text, expected):
    assert lf_vote_texts(name, text) == expected


def test_head_phrases_takes_the_walker_it_is_given():
    import spacy

    from labeling_functions.library.patterns import _extend_left, head_phrases

    doc = spacy.blank("en").make_doc("She developed acute interstitial nephritis.")
    full = [doc[s:e].text for s, e in head_phrases(doc, _extend_left)]
    one = [doc[s:e].text for s, e in head_phrases(doc, lambda d, h: _extend_left(d, h, limit=1))]
    assert full == ["acute interstitial nephritis"] and one == ["interstitial nephritis"]
