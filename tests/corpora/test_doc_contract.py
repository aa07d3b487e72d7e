"""record <-> Doc conversion is lossless for every field of the contract."""

from __future__ import annotations

import copy

import pytest
import spacy
from spacy.tokens import DocBin

from corpora.doc import SPAN_KEY, doc_to_record, record_to_doc, tokens_of


@pytest.fixture(scope="module")
def nlp():
    return spacy.blank("en")


FULL = {
    "text": "No chest pain. Father had type 2 diabetes mellitus.",
    "meta": {"id": "n1", "specialty": "Cardiology"},
    "spans": [
        {"start": 3, "end": 13, "label": "Condition", "text": "chest pain", "token_start": 1, "token_end": 2,
         "code": "R07.9", "system": "ICD-10-CM", "negated": True, "historical": False, "hypothetical": False,
         "family": False, "uncertain": False, "score": 0.9, "source": ["lf_a", "lf_b"],
         "assertion_evidence": [{"attribute": "negated", "trigger": "No", "start": 0, "end": 2}],
         "section": "hpi", "my_key": {"nested": [1, 2]}},
        {"start": 26, "end": 50, "label": "Condition", "text": "type 2 diabetes mellitus", "token_start": 6,
         "token_end": 9, "kb_id": "D003924", "family": True},
        # same offsets, different label: must keep its own attributes
        {"start": 26, "end": 50, "label": "Disease", "text": "type 2 diabetes mellitus", "token_start": 6,
         "token_end": 9, "negated": True},
    ],
    "relations": [{"head": 9, "child": 2, "label": "X",
                   "head_span": {"start": 26, "end": 50, "label": "Condition"},
                   "child_span": {"start": 3, "end": 13, "label": "Condition"}}],
    "answer": "accept",
    "_input_hash": 123,
    "_task_hash": 456,
    "codes": [{"code": "E11.9", "system": "ICD-10-CM"}],
    "unknown_top": {"a": [1, {"b": None}]},
}


def _strip_tokens(record):
    return {k: v for k, v in record.items() if k != "tokens"}


def test_round_trip_keeps_every_field(nlp):
    record = copy.deepcopy(FULL)
    back = doc_to_record(record_to_doc(record, nlp), with_tokens=False)
    assert back == FULL
    assert record == FULL  # input not mutated


def test_spans_are_in_the_target_group_with_extensions(nlp):
    doc = record_to_doc(copy.deepcopy(FULL), nlp)
    spans = list(doc.spans[SPAN_KEY])
    assert [s.text for s in spans] == ["chest pain", "type 2 diabetes mellitus", "type 2 diabetes mellitus"]
    assert spans[0]._.negated and spans[0]._.code == "R07.9" and spans[0]._.section == "hpi"
    assert spans[1]._.family and not spans[1]._.negated and spans[1].kb_id_ == "D003924"
    assert spans[2]._.negated and not spans[2]._.family
    assert doc._.meta == {"id": "n1", "specialty": "Cardiology"}


def test_unaligned_span_offsets_survive(nlp):
    record = {"text": "hypertensive heart disease", "meta": {"id": "x"},
              "spans": [{"start": 0, "end": 5, "label": "Frag", "text": "hyper"}]}
    back = doc_to_record(record_to_doc(record, nlp), with_tokens=False)
    assert back["spans"][0]["start"] == 0 and back["spans"][0]["end"] == 5 and back["spans"][0]["text"] == "hyper"


@pytest.mark.parametrize("text", ["a  b\n\nc", " lead and trail ", "x"])
def test_given_tokens_are_kept_exactly(nlp, text):
    tokens = tokens_of(nlp.make_doc(text))
    record = {"text": text, "meta": {"id": "t"}, "tokens": tokens}
    doc = record_to_doc(record, nlp)
    assert doc.text == text
    assert tokens_of(doc) == tokens


def test_docbin_round_trip(nlp):
    db = DocBin(store_user_data=True)
    db.add(record_to_doc(copy.deepcopy(FULL), nlp))
    doc = next(DocBin().from_bytes(db.to_bytes()).get_docs(nlp.vocab))
    back = doc_to_record(doc, with_tokens=False)
    assert [(s["start"], s["end"], s["label"], s.get("negated", False)) for s in back["spans"]] == [
        (s["start"], s["end"], s["label"], s.get("negated", False)) for s in FULL["spans"]
    ]


def test_attributes_set_by_a_component_are_written_even_when_false(nlp):
    record = {"text": "no fever", "meta": {"id": "x"}, "spans": [{"start": 3, "end": 8, "label": "Sym"}]}
    doc = record_to_doc(record, nlp)
    span = doc.spans[SPAN_KEY][0]
    span._.negated = True
    span._.family = False
    out = doc_to_record(doc, with_tokens=False)["spans"][0]
    assert out["negated"] is True and out["family"] is False and "historical" not in out


@pytest.mark.parametrize("copy_values", [True, False])
def test_record_spans_read_from_user_data_match_the_extensions(copy_values):
    """``doc_to_record`` reads span extension values straight from ``user_data``; the record must be
    what ``span_to_dict`` (the extensions) gives, and ``tokens_of`` what the Token objects give."""
    from corpora.doc import span_to_dict

    nlp = spacy.blank("en")
    record = {"text": "No fever. Cough  since May.", "meta": {"id": "x"},
              "spans": [{"start": 3, "end": 8, "label": "Condition", "negated": True, "section": "hpi", "foo": [1]},
                        {"start": 3, "end": 8, "label": "Condition", "kb_id": None},
                        {"start": 10, "end": 13, "label": "Condition", "code": "R05", "historical": False},
                        {"start": 17, "end": 26, "label": "Temporal"}]}
    doc = record_to_doc(record, nlp)
    doc.spans[SPAN_KEY][3]._.assertion_evidence = [{"attribute": "historical"}]
    out = doc_to_record(doc, copy_values=copy_values)
    ordered = sorted(doc.spans[SPAN_KEY], key=lambda s: (s.start_char, s.end_char, s.id))
    assert out["spans"] == [span_to_dict(s) for s in ordered]
    assert out["spans"][0]["negated"] is True and out["spans"][0]["foo"] == [1]
    assert out["spans"][1]["kb_id"] is None and "negated" not in out["spans"][1]
    assert out["spans"][3]["assertion_evidence"] == [{"attribute": "historical"}]
    assert out["tokens"] == [{"text": t.text, "start": t.idx, "end": t.idx + len(t.text), "id": t.i,
                              "ws": bool(t.whitespace_)} for t in doc]
