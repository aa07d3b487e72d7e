import pytest

from corpora.tokenizer import biomedical_nlp


@pytest.mark.parametrize("text, mention", [
    ("Na+ and K+ ions", "Na"),
    ("the GABA(A) receptor", "GABA"),
    ("[Ca]o was raised", "Ca"),
    ("thallium-201 scintigraphy", "thallium"),
    ("CaCl(2)-treated rats", "CaCl(2)"),
    ("puromycin aminonucleoside (PAN)-induced nephrosis", "PAN"),
    ("Ca2+ influx", "Ca"),
])
def test_mentions_glued_to_charges_and_brackets_are_token_spans(text, mention):
    import spacy

    start = text.index(mention)
    doc = biomedical_nlp().make_doc(text)
    assert doc.char_span(start, start + len(mention)) is not None
    # spaCy's own English tokenizer cannot give these spans (the reason for the extra rules)
    assert spacy.blank("en").make_doc(text).char_span(start, start + len(mention)) is None


@pytest.mark.parametrize("text", ["COX-2 inhibitors", "IL-2 levels", "anti-HIV therapy", "5-fluorouracil"])
def test_ordinary_hyphenated_names_stay_as_spacy_splits_them(text):
    import spacy

    assert [t.text for t in biomedical_nlp().make_doc(text)] == [t.text for t in spacy.blank("en").make_doc(text)]
