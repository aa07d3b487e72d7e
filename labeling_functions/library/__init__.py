"""clinlabel's general library of labelling functions and the helpers to build more.

* :mod:`.dictionary`: dictionary/ontology LFs over injected term matchers, and
  :func:`~.dictionary.dictionary_spans` (a matcher's matches filtered by a ``keep`` predicate and
  trimmed by a ``trim`` predicate) for a preset's own variants;
* :mod:`.patterns`: word lists of general biomedical morphology (INN stems, disease suffixes,
  disease heads and modifiers), pattern and context LFs, the negative (O) LFs, and the walkers
  presets reuse (:func:`~.patterns.head_phrases` with a preset's own modifier walker);
* :mod:`.chemicals`: chemical nomenclature (code names, formulae, symbols, isotopes, salts);
* :mod:`.diseases`: organ phrases, Latin qualifiers, the disease-head test;
* :mod:`.abbreviations`: ``long form (SF)`` definitions (Schwartz & Hearst) and their LFs;
* :mod:`.model`: a trained end model as one more LF.

Nothing here is named after or fitted to one corpus: a corpus's guideline (its word lists,
filters, label map and the LFs only it wants) lives in its preset, ``labeling_functions/presets``.
``ALL_LFS`` maps each library LF's name to the function; presets pick from it and from their own
module.  Model LFs are added with :func:`labeling_functions.library.model.with_model_lf` (they
need a trained model directory).
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
