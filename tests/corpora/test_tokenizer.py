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


# CachingTokenizer: spaCy stops caching a text's chunks after its first special case ("Dr.", "'s");
# the subclass fills the cache chunk by chunk.  Its tokens must be exactly a plain Tokenizer's.
_CACHE_TEXTS = [
    "Dr. Smith saw the pt. at 3 p.m.; BP 120/80, HR 72. K+ 4.1, Na+ 139 (normal). Patient's mother's hx.",
    "(Dr. Jones) can't say: CaCl(2)-treated, e.g. IL-2-induced; s/p CABG x3 on 01/02/2009 :) ok.",
    "Dr. Smith saw the pt. again: BP 120/80, K+ 4.1 (normal). Patient's CaCl(2)-treated e.g. cells.",
    "  leading  and\ttrailing\nwhitespace , odd-chunks ...  ",
    "",
]


def _plain_tokenizer(nlp):
    from spacy.tokenizer import Tokenizer

    tok = nlp.tokenizer
    return Tokenizer(tok.vocab, rules=tok.rules, prefix_search=tok.prefix_search, suffix_search=tok.suffix_search,
                     infix_finditer=tok.infix_finditer, token_match=tok.token_match, url_match=tok.url_match,
                     faster_heuristics=tok.faster_heuristics)


def test_caching_tokenizer_gives_spacys_tokens():
    import spacy

    from corpora.tokenizer import CachingTokenizer, customize_tokenizer

    nlp = customize_tokenizer(spacy.blank("en"))
    assert isinstance(nlp.tokenizer, CachingTokenizer)
    assert customize_tokenizer(nlp).tokenizer is nlp.tokenizer  # idempotent
    plain = _plain_tokenizer(nlp)
    for _ in range(2):  # the second round reads the filled cache
        for text in _CACHE_TEXTS:
            got = [(t.text, t.idx, t.whitespace_) for t in nlp.make_doc(text)]
            assert got == [(t.text, t.idx, t.whitespace_) for t in plain(text)], text
            assert nlp.make_doc(text).text == text


def test_caching_tokenizer_forgets_past_its_limit(monkeypatch):
    import spacy

    import corpora.tokenizer as tokenizer

    monkeypatch.setattr(tokenizer, "SEEN_LIMIT", 3)
    nlp = tokenizer.customize_tokenizer(spacy.blank("en"))
    text = "alpha beta gamma delta Dr. epsilon"
    nlp.make_doc(text)
    nlp.make_doc("zeta eta")  # more than 3 chunks seen: the memory is cleared first
    assert nlp.tokenizer._seen == {"zeta", "eta"}
    assert [t.text for t in nlp.make_doc(text)] == [t.text for t in _plain_tokenizer(nlp)(text)]
