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

from spacy.tokenizer import Tokenizer

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
    model trained on weak labels sees the tokens it is later applied to.  The tokenizer becomes a
    :class:`CachingTokenizer` (same tokens, a cache that works; see there)."""
    from spacy.util import compile_infix_regex, compile_suffix_regex

    infixes = list(nlp.Defaults.infixes or []) + list(CLINICAL_INFIXES) + list(EXTRA_INFIXES)
    suffixes = list(EXTRA_SUFFIXES) + list(nlp.Defaults.suffixes or [])
    tok = nlp.tokenizer
    tok.infix_finditer = compile_infix_regex(infixes).finditer
    tok.suffix_search = compile_suffix_regex(suffixes).search
    if not isinstance(tok, CachingTokenizer):
        nlp.tokenizer = CachingTokenizer(tok.vocab, rules=tok.rules, prefix_search=tok.prefix_search,
                                         suffix_search=tok.suffix_search, infix_finditer=tok.infix_finditer,
                                         token_match=tok.token_match, url_match=tok.url_match,
                                         faster_heuristics=tok.faster_heuristics)
    return nlp


#: distinct whitespace-separated chunks remembered before the memory is cleared (it only saves work)
SEEN_LIMIT = 200_000


class CachingTokenizer(Tokenizer):
    """spaCy's ``Tokenizer`` whose per-chunk cache fills on every note.

    spaCy caches the tokens of each whitespace-separated chunk, but within one text it stops
    saving new chunks once any special case ("Dr.", "a.m.", "'s", ":)") has matched, so most
    chunks of a clinical note after its first abbreviation are split with the affix regexes
    again in every note (300 MTSamples notes, steady state: 2.6 ms of a note's 24).  This
    subclass first tokenises each chunk of the text it has not seen before on its own (where
    the flag is fresh, so spaCy caches it), then the text.  The tokens are exactly spaCy's: a
    chunk's tokens never depend on its neighbours, only whether they are cached does."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._seen: set[str] = set()

    def __call__(self, string: str):
        seen = self._seen
        new = set(string.split())
        new.difference_update(seen)
        if new:
            if len(seen) > SEEN_LIMIT:
                seen.clear()
            call = Tokenizer.__call__
            for chunk in new:
                call(self, chunk)
            seen.update(new)
        return Tokenizer.__call__(self, string)


def biomedical_nlp():
    """The shared blank English pipeline with clinlabel's token split rules (built once)."""
    global _NLP
    if _NLP is None:
        import spacy

        _NLP = customize_tokenizer(spacy.blank("en"))
    return _NLP
