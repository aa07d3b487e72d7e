"""Presets: named LF sets with their resources, labels and label map, one module each.

``labeling_functions/presets/<name>.py`` defines ``PRESET`` (a :class:`Preset`) and owns its
guideline: its word lists, filters, resources (dictionaries built with its filters), label map
and every LF that only its corpus wants (``_pubmed.py`` holds what the two PubMed presets share).
The library (``labeling_functions.library``) stays general: a preset builds its LFs from the
library's LFs and helpers, configured with its own lists and predicates.  A preset is a recipe;
:func:`get_preset` imports the preset's module on first use and :meth:`Preset.build` makes a fresh
:class:`~labeling_functions.api.LFSet` whose lexicons load lazily on first use.  A preset may ship a pre-fitted label model as a package
resource (``resources/label_model_<preset>.json``, written by ``benchmarks/weak_fit_presets.py``
on the preset's *training* corpus, weak labels only), so ``annotate --preset`` needs no fitting.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any, Mapping

from corpora.errors import LF_PRESET, LFError

from ..api import LFSet


@dataclass(frozen=True)
class Preset:
    name: str
    labels: tuple[str, ...]
    lf_names: tuple[str, ...]
    description: str = ""
    #: default label model for this preset (chosen by measurement, see docs/readme/weak_supervision.md)
    label_model: str = "majority"
    extra: dict[str, Any] = field(default_factory=dict)

    #: module that defines this preset (its own LFs are looked up there before the library)
    module: str = ""
    #: resource name -> object or lazy factory (:func:`~labeling_functions.api.lazy_resource`) its LFs ask for
    resources: Mapping[str, Any] = field(default_factory=dict)
    #: gold label name -> this preset's entity type, for scoring and refining on the corpus's
    #: annotations (e.g. NCBI-disease's four mention classes -> ``Disease``)
    label_map: Mapping[str, str] = field(default_factory=dict)

    def map_label(self, label: str) -> str:
        """A gold label as this preset's entity type (unchanged when the label map does not name it)."""
        return self.label_map.get(label, label)

    def build(self) -> LFSet:
        import importlib

        from ..api import LabelingFunction
        from ..library import ALL_LFS

        own: dict[str, LabelingFunction] = {}
        if self.module:
            mod = importlib.import_module(self.module)
            own = {v.name: v for v in vars(mod).values() if isinstance(v, LabelingFunction)}
        missing = [name for name in self.lf_names if name not in own and name not in ALL_LFS]
        if missing:
            raise LFError(f"preset {self.name!r} names labelling functions that exist neither in {self.module or '?'} "
                          f"nor in the library: {missing}", "define them in the preset's module or fix the names",
                          code=LF_PRESET)
        lfs = [own.get(name) or ALL_LFS[name] for name in self.lf_names]
        lfset = LFSet(lfs=lfs, resources=dict(self.resources))
        lfset.labels = list(self.labels)
        return lfset

    def fitted_label_model(self) -> dict[str, Any] | None:
        """The shipped pre-fitted label model parameters (JSON), if any."""
        res = files("labeling_functions.resources") / f"label_model_{self.name}.json"
        if not res.is_file():
            return None
        return json.loads(res.read_text(encoding="utf-8"))


#: preset name -> module that defines ``PRESET``
PRESET_MODULES: dict[str, str] = {
    "bc5cdr": "labeling_functions.presets.bc5cdr",
    "ncbi_disease": "labeling_functions.presets.ncbi_disease",
    "clinical": "labeling_functions.presets.clinical",
}


class _Presets(dict):
    """``PRESETS[name]``: the preset, its module imported on first use."""

    def __missing__(self, name: str) -> Preset:
        import importlib

        if name not in PRESET_MODULES:
            raise KeyError(name)
        preset = importlib.import_module(PRESET_MODULES[name]).PRESET
        self[name] = preset
        return preset

    def __iter__(self):
        return iter(PRESET_MODULES)

    def __contains__(self, name: object) -> bool:
        return name in PRESET_MODULES

    def __len__(self) -> int:
        return len(PRESET_MODULES)

    def keys(self):  # type: ignore[override]
        return PRESET_MODULES.keys()


PRESETS: dict[str, Preset] = _Presets()


def get_preset(name: str) -> Preset:
    """The preset called ``name`` (a clear error naming the known presets otherwise)."""
    try:
        return PRESETS[name]
    except KeyError:
        raise LFError(
            f"unknown preset {name!r}", f"choose one of {sorted(PRESET_MODULES)} or give your own LFs with --lfs MODULE",
            code=LF_PRESET,
        ) from None
