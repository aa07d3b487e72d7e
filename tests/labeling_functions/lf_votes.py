"""Test helper: the texts of the spans one library LF votes on a sentence (``spacy.blank("en")`` tokens)."""

import spacy

from labeling_functions.library import ALL_LFS

NLP = spacy.blank("en")


def lf_vote_texts(name: str, text: str) -> list[str]:
    doc = NLP.make_doc(text)
    out = []
    for item in ALL_LFS[name](doc):
        s, e = (item.start, item.end) if hasattr(item, "start") else item[:2]
        out.append(doc[s:e].text)
    return out
