"""Dictionary LFs (labeling_functions/library/dictionary.py): a matcher's matches, filtered and trimmed."""

import spacy

from labeling_functions.lexicons import TermMatcher
from labeling_functions.library.dictionary import dictionary_spans

NLP = spacy.blank("en")
MATCHER = TermMatcher({"acute hepatitis": "Disease", "renal failure": "Disease", "aspirin": "Chemical"})


def _texts(doc, spans):
    return [doc[s:e].text for s, e in spans]


def test_dictionary_spans_keep_and_trim():
    doc = NLP.make_doc("Acute hepatitis, renal failure and aspirin.")
    assert _texts(doc, dictionary_spans(doc, MATCHER, "Disease")) == ["Acute hepatitis", "renal failure"]
    assert _texts(doc, dictionary_spans(doc, MATCHER, "Chemical")) == ["aspirin"]
    # a guideline's filter and trimming rule, given as predicates
    keep = dictionary_spans(doc, MATCHER, "Disease", keep=lambda d, s, e: d[e - 1].lower_ != "failure")
    assert _texts(doc, keep) == ["Acute hepatitis"]
    trim = dictionary_spans(doc, MATCHER, "Disease", trim=lambda d, i: d[i].lower_ in {"acute", "renal", "failure"})
    assert _texts(doc, trim) == ["hepatitis", "failure"]  # the last token always stays


def test_short_dictionary_terms_match_every_listed_spelling():
    m = TermMatcher({"dex": "Chemical", "Dex": "Chemical"}, case_sensitive_upto=4)
    doc = NLP.make_doc("Dex and dex but not DEX")
    assert [doc[s:e].text for s, e, _ in m.matches(doc)] == ["Dex", "dex"]
