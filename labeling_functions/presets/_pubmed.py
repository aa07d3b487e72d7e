"""What the two PubMed presets (``bc5cdr``, ``ncbi_disease``) share: their dictionaries and the
guideline filters those dictionaries are built with.

* ``core_dict``: AutoNER's BC5CDR ``dict_core`` (typed Chemical/Disease terms from MeSH/CTD,
  Apache-2.0, ``resources/AUTONER_LICENSE.txt``), its Chemical terms filtered by the BC5CDR chemical
  convention (:func:`chemical_term_ok`);
* ``drug_dict``: the general drug-name list (:func:`labeling_functions.lexicons.drug_names`)
  filtered by the same convention (:func:`good_drug_name`);
* ``icd_dict``: the general ICD-10-CM disease terms without the descriptions that are not one
  PubMed mention (:func:`good_icd_term`);
* ``disease_dict``: the general disease lexicon (:func:`labeling_functions.lexicons.disease_terms`).

The BC5CDR chemical convention: BC5CDR annotates the *substance*, not the protein, target or
pharmacological class around it (``calcium channel blockers`` -> ``calcium``, ``dopamine
receptor`` -> ``dopamine``, ``nicotine gum`` -> ``nicotine``); proteins, enzymes, receptors,
genes and action classes (``anticonvulsant``, ``opioid``) are not chemicals; salt forms are part of
the mention (``gentamicin sulfate``).  Dropping such lexicon entries lets a dictionary LF fall
back to the embedded substance.  ``ncbi_disease`` reads only the Disease terms of these
dictionaries, plus the Chemical ones to type abbreviation long forms.  The word lists are
ordinary English and biomedical head words, written by hand, not taken from any annotation.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Callable

from ..api import lazy_resource
from ..library.patterns import STOP

#: head nouns that make a term a protein, target, class, preparation or measurement, not a substance
NOT_CHEMICAL_HEADS = frozenset("""
protein proteins glycoprotein glycoproteins lipoprotein lipoproteins peptide peptides polypeptide
receptor receptors adrenoceptor adrenoceptors purinoceptor purinoceptors subunit subunits
factor factors kinase kinases antigen antigens antibody antibodies autoantibodies immunoglobulin immunoglobulins
enzyme enzymes inhibitor inhibitors antagonist antagonists agonist agonists blocker blockers blockade
channel channels transporter transporters pump pumps carrier exchanger regulator regulators activator activators
buffer buffers plasma
hormone hormones cytokine cytokines chemokine chemokines neurotransmitter neurotransmitters
vaccine vaccines gene genes dna rna mrna chain chains complex family system systems cell cells
effect effects activity activities action actions response responses level levels
agent agents drug drugs medication medications compound compounds derivative derivatives product products
gum patch patches polacrilex tablet tablets capsule capsules spray cream ointment lozenge lozenges inhaler
saline vehicle placebo solution solutions marker markers species
pollen root roots leaf leaves bark seed seeds fruit flower flowers flesh whole top
""".split())

#: word endings of proteins and enzymes (``-ase``, ``haptoglobin``, ``erythropoietin``, ``angiotensinogen``)
_PROTEIN_END_RE = re.compile(
    r"(ases?|globin|globins|poietin|leukin|leukins|inogen|inogens|otropin|otropins|ceptor|ceptors|"
    r"protein|proteins|kine|kines|[a-z]{0,4}(?:dna|rna)s?)$"
)

#: pharmacological-action class words (the drug list has many; BC5CDR does not annotate them)
_ACTION_CLASS_RE = re.compile(
    r"^(anti[a-z-]{4,}|[a-z-]*(?:icals|ical|ants|ive|ives|ator|ators|corticoid|corticoids|opioid|opioids|"
    r"ics|gens|otics|leptic|leptics))$"
)
#: ordinary words that the drug list carries as entries
_NOT_SUBSTANCE_WORDS = frozenset("""
salt salts saline vehicle placebo solution water diet supplement supplements excipient excipients additive
additives antidote antidotes carcinogen carcinogens toxin toxins tracer indicator indicators adjuvant adjuvants
sedative sedatives stimulant stimulants convulsant convulsants immunosuppressant relaxant relaxants
""".split())


#: gene/protein symbols: a short letter stem, a one/two-digit or roman number, maybe an isoform
_GENE_SYMBOL_RE = re.compile(r"^[a-z]{2,6}-?(\d{1,2}|i{1,3}|iv)([a-z]\d{0,2})?$")
_NUMERAL_RE = re.compile(r"^([ivx]+|\d+[a-z]?|[ivx]+a|alpha|beta|gamma|delta|kappa)$")


def chemical_term_ok(term: str, *, drug_list: bool = False) -> bool:
    """Whether a lexicon term typed Chemical names a substance under the BC5CDR conventions.

    ``drug_list`` also drops single-word pharmacological-action classes (``anticonvulsant``,
    ``vasodilator``, ``glucocorticoid``), which the broad drug list carries and the curated
    MeSH/CTD dictionary mostly does not.
    """
    words = term.lower().replace("-", " - ").split()
    if not words:
        return False
    if ", " in term or not (term[-1].isalnum() or term[-1] in ")]'+"):  # inverted "alcohol, butyl", "alcohol,"
        return False
    first, last = words[0], words[-1]
    if len(words) >= 2 and _NUMERAL_RE.match(last):  # "factor II", "interferon alpha": judge the noun
        last = words[-2]
    if not (first[0].isalnum() or first[0] in "[("):  # fragments like "- II"
        return False
    if first in {"reduced", "oxidized", "oxidised"} and len(words) > 1:  # "reduced glutathione" -> "glutathione"
        return False
    if last in NOT_CHEMICAL_HEADS or _PROTEIN_END_RE.search(last):
        return False
    if len(words) == 1 and (last in _NOT_SUBSTANCE_WORDS or last.endswith("ics")):  # "neuroleptics", "antipsychotics"
        return False
    if drug_list and len(words) == 1 and _ACTION_CLASS_RE.match(last):
        return False
    if drug_list and _GENE_SYMBOL_RE.match(term.lower()):  # "CYP3A4", "PAI-1", "IGF-I", "ADAM-17"
        return False
    return True


def good_drug_name(name: str) -> bool:
    """Drop drug-list entries that are classes, enzymes/receptors or contain function words/numbers."""
    words = name.split()
    if any(w in STOP or w.isdigit() for w in words):
        return False
    last = words[-1]
    if last.endswith(("ic", "ics", "ase", "ases", "receptor", "receptors", "synthase", "agent", "agents")) \
            or last in {"drug", "drugs", "blocker", "blockers", "inhibitor", "inhibitors"}:
        return False
    return chemical_term_ok(name, drug_list=True)


def good_icd_term(term: str) -> bool:
    """Drop ICD-10-CM descriptions that join two conditions or name a cause/behaviour, not a mention.

    "nausea and vomiting" (two mentions), "heparin-induced thrombocytopenia" (the chemical is not
    part of the disease), "cocaine use" (a behaviour).
    """
    words = term.split()
    return " and " not in f" {term} " and "induced" not in term and words[-1] not in {"use", "users"}


@functools.lru_cache(maxsize=None)
def autoner_core() -> dict[str, str]:
    """AutoNER's BC5CDR ``dict_core``: {term: "Chemical" | "Disease"}."""
    from ..lexicons import read_resource_lines

    out: dict[str, str] = {}
    for line in read_resource_lines("autoner_bc5cdr_dict_core.txt"):
        label, _, term = line.partition("\t")
        out.setdefault(term, label)
    return out


def _core_dict():
    from ..lexicons import TermMatcher

    terms = {t: label for t, label in autoner_core().items() if label != "Chemical" or chemical_term_ok(t)}
    return TermMatcher(terms, case_sensitive_upto=4)


def _drug_dict():
    from ..lexicons import TermMatcher, drug_names

    return TermMatcher({name: "Chemical" for name in drug_names() if good_drug_name(name)}, min_len=4,
                       case_sensitive_upto=4)


def _icd_dict():
    from ..lexicons import TermMatcher, icd10cm_disease_terms

    return TermMatcher({t: "Disease" for t in icd10cm_disease_terms() if good_icd_term(t)}, min_len=5)


def _disease_dict():
    from ..lexicons import TermMatcher, disease_terms

    return TermMatcher({t: "Disease" for t in disease_terms()}, min_len=3)


#: the resources of both PubMed presets (each loads on first use)
RESOURCES: dict[str, Callable[[], Any]] = {
    "core_dict": lazy_resource(_core_dict),
    "drug_dict": lazy_resource(_drug_dict),
    "icd_dict": lazy_resource(_icd_dict),
    "disease_dict": lazy_resource(_disease_dict),
}

#: general disease LFs both PubMed presets use
DISEASE = ("disease_suffix", "disease_head_word", "induced_disease", "disease_cue_context")
#: general LFs both PubMed presets use: abbreviation definitions and the negative (O) LFs
SHARED = ("abbreviation_definition", "stopwords_outside", "numbers_outside")
