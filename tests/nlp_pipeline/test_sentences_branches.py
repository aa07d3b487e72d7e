"""clinlabel_sentences: one case per branch of the splitter (coverage.py, branch=True: every branch
of nlp_pipeline/sentences.py is run by this file and test_sentences.py together)."""

from __future__ import annotations

import pytest
import spacy

import nlp_pipeline.sentences  # noqa: F401  (registers the factory)
from nlp_pipeline.sentences import sentence_starts


@pytest.mark.parametrize(
    "text, starts",
    [
        # "?" and "!" end a sentence unless a lower-case word follows
        ("Any pain? Yes, in the chest. Really! no doubt.", [0, 10, 29]),
        # a text that starts with a line break: nothing before it to end
        (" \nHello world", [2]),
        # a line ending in a comma (or "(", "-", "/", "&", "+") goes on on the next line
        ("Pain and fever,\nCough present.", [0]),
        # a line ending in a function word goes on on the next line ...
        ("History of\nDiabetes mellitus.", [0]),
        # ... unless the next line is a lettered list item (the `_LIST_ITEM` branch that raised NameError)
        ("Exclusion criteria are\na) pregnancy\nb) renal failure", [0, 23, 36]),
        # only whitespace: no sentence
        ("   \n  ", []),
        # a label after a comma and a space is no heading ("BP 120/80, HR: 72")
        ("BP 120/80, HR: 72 today.", [0]),
        # fewer than two letters is no heading
        ("A): yes and no.", [0]),
        # a short label at a line start starts a sentence, its value stays in it
        ("Vitals.\nHR: 72 and stable.", [0, 8]),
        # a numbered item glued to a heading, followed by a lower-case word
        ("Plan:1. continue meds.", [0, 5]),
        # a "sentence" of punctuation only joins the one before
        ("Stable. , . Next.", [0, 12]),
    ],
)
def test_each_branch(text, starts):
    assert sentence_starts(text) == starts


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("clinlabel_sentences")
    return nlp


def test_whitespace_only_doc_is_one_sentence(nlp):
    doc = nlp("   ")
    assert len(doc) == 1 and [s.text for s in doc.sents] == ["   "]


def test_component_serialises(nlp, tmp_path):
    pipe = nlp.get_pipe("clinlabel_sentences")
    assert pipe.from_bytes(pipe.to_bytes()) is pipe  # stateless: nothing to save, spaCy's API kept
    nlp.to_disk(tmp_path / "model")
    loaded = spacy.load(tmp_path / "model")
    text = "PLAN: Rest. Follow up in 2 weeks."
    assert [s.text for s in loaded(text).sents] == [s.text for s in nlp(text).sents]
