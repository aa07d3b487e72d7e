"""Presets: named LF sets with their resources and labels, one module each.

``labeling_functions/presets/<name>.py`` defines ``PRESET`` (a :class:`Preset`) and owns its
guideline: its word lists, filters, label map and any LF that only its corpus wants.  The
library (``labeling_functions.library``) stays general.  A preset is a recipe; :func:`get_preset`
imports the preset's module on first use and builds a fresh :class:`~labeling_functions.api.LFSet`
whose lexicons load lazily on first use.  A preset may ship a pre-fitted label model as a package
resource (``resources/label_model_<preset>.json``, written by ``benchmarks/weak_fit_presets.py``
on the preset's *training* corpus, weak labels only), so ``annotate --preset`` needs no fitting.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any, Callable

from corpora.errors import LF_PRESET, LFError

from ..api import LFSet, lazy_resource


def _core_dict():
    from ..lexicons import TermMatcher, autoner_core

    from ..library.chemicals import chemical_term_ok

    terms = {t: label for t, label in autoner_core().items() if label != "Chemical" or chemical_term_ok(t)}
    return TermMatcher(terms, case_sensitive_upto=4)


def _drug_dict():
    from ..lexicons import TermMatcher, drug_names

    return TermMatcher({name: "Chemical" for name in drug_names() if _good_drug_name(name)}, min_len=4,
                       case_sensitive_upto=4)


def _good_drug_name(name: str) -> bool:
    """Drop drug-list entries that are classes, enzymes/receptors or contain function words/numbers."""
    from ..library.patterns import STOP

    words = name.split()
    if any(w in STOP or w.isdigit() for w in words):
        return False
    last = words[-1]
    if last.endswith(("ic", "ics", "ase", "ases", "receptor", "receptors", "synthase", "agent", "agents")) \
            or last in {"drug", "drugs", "blocker", "blockers", "inhibitor", "inhibitors"}:
        return False
    from ..library.chemicals import chemical_term_ok

    return chemical_term_ok(name, drug_list=True)


def _icd_dict():
    from ..lexicons import TermMatcher, icd10cm_disease_terms

    return TermMatcher({t: "Disease" for t in icd10cm_disease_terms() if _good_icd_term(t)}, min_len=5)


def _good_icd_term(term: str) -> bool:
    """Drop ICD-10-CM descriptions that join two conditions or name a cause/behaviour, not a mention.

    "nausea and vomiting" (two mentions), "heparin-induced thrombocytopenia" (the chemical is not
    part of the disease), "cocaine use" (a behaviour).
    """
    words = term.split()
    return " and " not in f" {term} " and "induced" not in term and words[-1] not in {"use", "users"}


def _disease_dict():
    from ..lexicons import TermMatcher, read_resource_lines

    return TermMatcher({t: "Disease" for t in read_resource_lines("disease_terms.txt")}, min_len=3)


RESOURCES: dict[str, Callable[[], Any]] = {
    "core_dict": lazy_resource(_core_dict),
    "drug_dict": lazy_resource(_drug_dict),
    "icd_dict": lazy_resource(_icd_dict),
    "disease_dict": lazy_resource(_disease_dict),
}


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

    def build(self) -> LFSet:
        import importlib

        from ..api import LabelingFunction
        from ..library import ALL_LFS

        own: dict[str, LabelingFunction] = {}
        if self.module:
            mod = importlib.import_module(self.module)
            own = {v.name: v for v in vars(mod).values() if isinstance(v, LabelingFunction)}
        lfs = [own.get(name) or ALL_LFS[name] for name in self.lf_names]
        lfset = LFSet(lfs=lfs, resources=dict(RESOURCES))
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
