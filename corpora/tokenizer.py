"""The tokenizer of weak labelling and of the end model: ``spacy.blank("en")`` plus biomedical splits.

spaCy's English tokenizer keeps ion charges, bracketed receptor subtypes and isotope numbers on the
word they follow (``Na+``, ``GABA(A``, ``K)-ATPase``, ``[Na]o``, ``thallium-201``), so a mention
such as ``Na`` or ``GABA`` cannot be a token span.  On the BC5CDR training set 121 of 9,385 gold
mentions do not align with spaCy's tokens; with these extra rules 29 do not (NCBI-disease: 9 and 7 of 5,134).
Both the labelling functions and the end model tokenise through :func:`biomedical_nlp`, so
weak labels, training windows and predictions share one tokenisation.
"""

from __future__ import annotations

from typing import Any

_NLP: Any = None

#: extra infixes: brackets between word characters, a charge sign before a hyphen/slash/bracket,
#: a hyphen after a closing bracket, and an isotope/serial number after a word
EXTRA_INFIXES = (
    r"(?<=[A-Za-z0-9])[\(\)\[\]](?=[A-Za-z])",
    r"(?<=[A-Za-z])[\)\]](?=[\-/])",
    r"(?<=[\)\]])-(?=[A-Za-z])",
    r"(?<=[A-Za-z])\+(?=[\-/A-Z(])",
    r"(?<=[a-z]{4})-(?=\d+\b)",
)
#: extra suffixes: an ion charge after an element-like word (``Na+``, ``Ca2+``, ``Mg+2``, ``K(+``)
EXTRA_SUFFIXES = (r"(?<=[A-Za-z])\(?\d?\+\d?\)?$",)


def biomedical_nlp():
    """The shared blank English pipeline with the extra biomedical token splits (built once)."""
    global _NLP
    if _NLP is None:
        import spacy
        from spacy.util import compile_infix_regex, compile_suffix_regex

        nlp = spacy.blank("en")
        infixes = list(nlp.Defaults.infixes) + list(EXTRA_INFIXES)
        suffixes = list(EXTRA_SUFFIXES) + list(nlp.Defaults.suffixes)
        nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
        nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search
        _NLP = nlp
    return _NLP
