"""The general relation machinery (labeling_functions/relations.py): candidate matrix and majority vote."""

import numpy as np
import spacy

from labeling_functions import LFSet, relation_lf
from labeling_functions.relations import ABSTAIN, NEGATIVE, POSITIVE, relation_matrix, relation_probs, text_between


@relation_lf(labels=["R"])
def same_first_letter(pair):
    a, b = pair
    return POSITIVE if a[0] == b[0] else ABSTAIN


@relation_lf(labels=["R"])
def never_x(pair):
    return NEGATIVE if "x" in pair else ABSTAIN


def test_relation_matrix_one_row_per_candidate():
    L = relation_matrix([("ab", "ac"), ("ab", "x"), ("q", "r")], LFSet([same_first_letter, never_x]))
    assert L.tolist() == [[1, -1], [-1, 0], [-1, -1]]
    assert relation_probs(L, None).tolist() == [1.0, 0.0, 0.0]


def test_relation_probs_majority_rules():
    L = np.array([[1, -1, 0], [1, 1, 0], [-1, -1, -1], [0, 0, -1]])
    assert relation_probs(L, None).tolist() == [0.5, 1.0, 0.0, 0.0]


def test_text_between_either_order():
    doc = spacy.blank("en")("Aspirin Caused The Rash")
    assert text_between(doc, doc[0:1], doc[3:4]) == text_between(doc, doc[3:4], doc[0:1]) == "caused the"
