"""labeling_functions.library.context: assertions for candidate spans from inside an LF."""

from __future__ import annotations

import pytest

from labeling_functions.library.context import assertions


@pytest.fixture(scope="module")
def nlp():
    from nlp_pipeline.pipeline import PipelineConfig, build_pipeline

    return build_pipeline(PipelineConfig(default_lfs=False, ontology="", context=False, codes=False))


def _spans(doc, *texts):
    out = []
    for t in texts:
        i = doc.text.index(t)
        sp = doc.char_span(i, i + len(t))
        out.append((sp.start, sp.end, "Condition"))
    return out


@pytest.mark.parametrize("text, target, expected", [
    ("FAMILY HISTORY: Mother with breast cancer.", "breast cancer", {"family"}),
    ("No fever today.", "fever", {"negated"}),
    ("History of asthma.", "asthma", {"historical"}),
    ("Possible pneumonia.", "pneumonia", {"uncertain"}),
    ("Return if she develops chest pain.", "chest pain", {"hypothetical"}),
    ("She has a cough.", "cough", set()),
])
def test_assertions_of_candidates(nlp, text, target, expected):
    doc = nlp(text)
    assert assertions(doc, _spans(doc, target)) == [frozenset(expected)]


def test_nothing_reaches_the_doc(nlp):
    doc = nlp("No fever. History of asthma.")
    before = set(doc.spans)
    assert len(assertions(doc, _spans(doc, "fever", "asthma"))) == 2
    assert set(doc.spans) == before and assertions(doc, []) == []
