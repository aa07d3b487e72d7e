"""A tiny user LF module (loaded by module path in the `clinlabel train --lfs` tests)."""

from labeling_functions import span_lf

from end_model_support import CHEMICALS, DISEASES


@span_lf(labels=["Chemical"])
def chemical_word(doc):
    for tok in doc:
        if tok.lower_ in CHEMICALS:
            yield tok.i, tok.i + 1


@span_lf(labels=["Disease"])
def disease_word(doc):
    for tok in doc:
        if tok.lower_ in DISEASES:
            start = tok.i - 1 if tok.i and doc[tok.i - 1].lower_ == "severe" else tok.i
            yield start, tok.i + 1
