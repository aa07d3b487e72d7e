"""Presets: named LF sets with their resources and labels (``bc5cdr``, ``ncbi_disease``).

A preset is a recipe; :func:`get_preset` builds a fresh :class:`~labeling_functions.api.LFSet`
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

from .api import LFSet, lazy_resource


def _core_dict():
    from .lexicons import TermMatcher, autoner_core

    from .library.chemicals import chemical_term_ok

    terms = {t: label for t, label in autoner_core().items() if label != "Chemical" or chemical_term_ok(t)}
    return TermMatcher(terms, case_sensitive_upto=4)


def _drug_dict():
    from .lexicons import TermMatcher, drug_names

    return TermMatcher({name: "Chemical" for name in drug_names() if _good_drug_name(name)}, min_len=4,
                       case_sensitive_upto=4)


def _good_drug_name(name: str) -> bool:
    """Drop drug-list entries that are classes, enzymes/receptors or contain function words/numbers."""
    from .library.patterns import STOP

    words = name.split()
    if any(w in STOP or w.isdigit() for w in words):
        return False
    last = words[-1]
    if last.endswith(("ic", "ics", "ase", "ases", "receptor", "receptors", "synthase", "agent", "agents")) \
            or last in {"drug", "drugs", "blocker", "blockers", "inhibitor", "inhibitors"}:
        return False
    from .library.chemicals import chemical_term_ok

    return chemical_term_ok(name, drug_list=True)


def _icd_dict():
    from .lexicons import TermMatcher, icd10cm_disease_terms

    return TermMatcher({t: "Disease" for t in icd10cm_disease_terms() if _good_icd_term(t)}, min_len=5)


def _good_icd_term(term: str) -> bool:
    """Drop ICD-10-CM descriptions that join two conditions or name a cause/behaviour, not a mention.

    "nausea and vomiting" (two mentions), "heparin-induced thrombocytopenia" (the chemical is not
    part of the disease), "cocaine use" (a behaviour).
    """
    words = term.split()
    return " and " not in f" {term} " and "induced" not in term and words[-1] not in {"use", "users"}


def _disease_dict():
    from .lexicons import TermMatcher, read_resource_lines

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

    def build(self) -> LFSet:
        from .library import ALL_LFS

        lfs = [ALL_LFS[name] for name in self.lf_names]
        lfset = LFSet(lfs=lfs, resources=dict(RESOURCES))
        lfset.labels = list(self.labels)
        return lfset

    def fitted_label_model(self) -> dict[str, Any] | None:
        """The shipped pre-fitted label model parameters (JSON), if any."""
        res = files("labeling_functions.resources") / f"label_model_{self.name}.json"
        if not res.is_file():
            return None
        return json.loads(res.read_text(encoding="utf-8"))


_CHEMICAL = (
    "dict_core_chemical", "drug_list", "chemical_suffix", "chemical_symbols", "chemical_induced", "dosage_context",
    "administration_context", "chemical_code_name", "chemical_formula", "protein_target_outside",
    "isotope_label_chemical", "inorganic_salt_name",
)
#: (BC5CDR only; its dictionary LFs drop matches CDR does not annotate in context and, for ICD-10-CM,
#: the course/severity modifiers CDR leaves out)
_DISEASE_DICTS = ("dict_core_disease_cdr", "icd10cm_terms_cdr", "disease_lexicon_cdr")
_DISEASE = ("disease_suffix", "disease_head_word", "induced_disease", "disease_cue_context")
#: BC5CDR (CDR guideline) leaves course/severity modifiers ("acute", "metastatic") out of a mention
_CDR_DISEASE = ("disease_head_phrase_cdr", "disease_modifier_outside_cdr", "eponym_disease", "disease_of_organ",
                "disease_latin_qualifier", "abbreviation_outside_cdr", "coordinated_disease_cdr",
                "possessive_eponym_cdr")
#: NCBI-disease annotates eponyms, gene-symbol deficiencies and coordinated mentions as one span
#: (NCBI's dictionary LFs leave out words it never annotates alone: "death", "infection")
_NCBI_EXTRA = ("dict_core_disease_ncbi", "icd10cm_terms_ncbi", "disease_lexicon_ncbi", "disease_head_phrase_ncbi",
               "eponym_disease", "coordinated_disease", "disease_abbreviation_ncbi", "eponym_short_ncbi",
               "not_disease_outside_ncbi", "disease_of_organ", "disease_latin_qualifier",
               "coordinated_eponym_ncbi", "parenthetical_mention_ncbi",
               "abbreviation_pair_outside_ncbi", "deficiency_ncbi", "disease_initials_ncbi",
               "disease_prefix_ncbi", "eponym_extra_ncbi")
_SHARED = ("abbreviation_definition", "stopwords_outside", "numbers_outside")

PRESETS: dict[str, Preset] = {
    "bc5cdr": Preset(
        "bc5cdr", ("Chemical", "Disease"), _CHEMICAL + _DISEASE_DICTS + _DISEASE + _CDR_DISEASE + _SHARED,
        "BioCreative V CDR: chemicals and diseases in PubMed abstracts",
    ),
    "ncbi_disease": Preset(
        "ncbi_disease", ("Disease",), _DISEASE + _NCBI_EXTRA + _SHARED,
        "NCBI disease corpus: disease mentions in PubMed abstracts",
    ),
}


def get_preset(name: str) -> Preset:
    """The preset called ``name`` (a clear error naming the known presets otherwise)."""
    try:
        return PRESETS[name]
    except KeyError:
        raise LFError(
            f"unknown preset {name!r}", f"choose one of {sorted(PRESETS)} or give your own LFs with --lfs MODULE",
            code=LF_PRESET,
        ) from None
