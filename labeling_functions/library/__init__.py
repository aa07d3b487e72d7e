"""clinlabel's library of labelling functions (dictionary, ontology, pattern, context, negative LFs).

``ALL_LFS`` maps each LF's name to the function; presets pick from it.  Model LFs are built
with :func:`labeling_functions.library.model.model_lf` (they need a trained model directory).
"""

from __future__ import annotations

from ..api import LabelingFunction
from . import abbreviations, chemicals, dictionary, diseases, patterns

ALL_LFS: dict[str, LabelingFunction] = {}
for _module in (dictionary, patterns, abbreviations, diseases, chemicals):
    for _value in vars(_module).values():
        if isinstance(_value, LabelingFunction):
            ALL_LFS[_value.name] = _value

__all__ = ["ALL_LFS"]
