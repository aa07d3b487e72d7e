"""clinlabel's tokenizer: ``spacy.blank("en")`` plus clinical and biomedical split rules.

spaCy's English tokenizer keeps ion charges, bracketed receptor subtypes and isotope numbers on the
word they follow (``Na+``, ``GABA(A``, ``K)-ATPase``, ``[Na]o``, ``thallium-201``), so a mention
such as ``Na`` or ``GABA`` cannot be a token span.  On the BC5CDR training set 121 of 9,385 gold
mentions do not align with spaCy's tokens; with these extra rules 29 do not (NCBI-disease: 9 and 7 of 5,134).
The annotate pipeline (:func:`customize_tokenizer`), the labelling functions and the end model
(:func:`biomedical_nlp`) share these rules, so weak labels, training windows and predictions
share one tokenisation.
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
#: extra suffixes: an ion charge after an element-like word (``Na+``, ``Ca2+``, ``Mg+2``, ``K(+``), and a
#: period after a slash unit (``mg/dL.``)
EXTRA_SUFFIXES = (r"(?<=[A-Za-z])\(?\d?\+\d?\)?$",
                  # a sentence-final period after a unit written with a slash: "2.0 mg/dL."
                  r"(?<=/[A-Za-z])\.$", r"(?<=/[A-Za-z]{2})\.$", r"(?<=/[A-Za-z]{3})\.$")


#: EHR exports glue sentences with a comma: "124/78.,HEENT", "ALLERGIES.,SOCIAL", "PLAN:,1"
CLINICAL_INFIXES = (r"(?<=[A-Za-z0-9)])[.:;](?=,[A-Za-z0-9])", r"(?<=[.:;)]),(?=[A-Za-z0-9])")


def customize_tokenizer(nlp):
    """Add clinlabel's clinical and biomedical split rules to ``nlp``'s tokenizer (kept by ``nlp.to_disk``).

    The annotate pipeline, weak labelling and the end model all tokenise with these rules, so a
    model trained on weak labels sees the tokens it is later applied to."""
    from spacy.util import compile_infix_regex, compile_suffix_regex

    infixes = list(nlp.Defaults.infixes or []) + list(CLINICAL_INFIXES) + list(EXTRA_INFIXES)
    suffixes = list(EXTRA_SUFFIXES) + list(nlp.Defaults.suffixes or [])
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search
    return nlp


def biomedical_nlp():
    """The shared blank English pipeline with clinlabel's token split rules (built once)."""
    global _NLP
    if _NLP is None:
        import spacy

        _NLP = customize_tokenizer(spacy.blank("en"))
    return _NLP
