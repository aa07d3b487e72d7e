"""Test helper: the texts of the spans one LF (of the library or of a preset) votes on a sentence."""

from __future__ import annotations

import spacy

from labeling_functions.library import ALL_LFS
from labeling_functions.presets import get_preset

NLP = spacy.blank("en")
_LFSETS: dict = {}  # preset name -> its LF set (resources load once per test session)


def preset_lfset(preset: str):
    """The LF set of ``preset``, built once per session (its dictionaries are slow to build)."""
    if preset not in _LFSETS:
        _LFSETS[preset] = get_preset(preset).build()
    return _LFSETS[preset]


def lf_votes(name: str, text: str, *, preset: str | None = None, nlp=None) -> list[tuple[str, str]]:
    """``(span text, label)`` of every vote of LF ``name`` on ``text``, sorted.

    With ``preset`` the LF is looked up in that preset (its own module first, then the library)
    and its resources come from the preset; without, it is a library LF that needs none.
    """
    if preset is not None:
        lfset = preset_lfset(preset)
        lf = next(lf for lf in lfset.lfs if lf.name == name) if name in lfset.names else ALL_LFS[name]
        kwargs = {r: lfset.resource(r, lf.name) for r in lf.resources}
    else:
        lf, kwargs = ALL_LFS[name], {}
    doc = (nlp or NLP).make_doc(text)
    out = []
    for item in lf(doc, **kwargs) or ():
        if hasattr(item, "start"):
            s, e, label = item.start, item.end, item.label_ or lf.labels[0]
        else:
            s, e = item[:2]
            label = item[2] if len(item) == 3 else lf.labels[0]
        out.append((doc[s:e].text, label))
    return out


def lf_vote_texts(name: str, text: str, *, preset: str | None = None, nlp=None) -> list[str]:
    """The texts of the spans LF ``name`` votes on ``text`` (in the LF's order)."""
    return [t for t, _ in lf_votes(name, text, preset=preset, nlp=nlp)]
