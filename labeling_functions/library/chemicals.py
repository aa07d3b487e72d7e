"""Chemical rules after the BC5CDR annotation guidelines (dictionary-term filter, code names, formulae).

BC5CDR annotates the *substance*, not the protein, target or pharmacological class around it:
``calcium channel blockers`` -> ``calcium``, ``dopamine receptor`` -> ``dopamine``, ``angiotensin
converting enzyme`` -> ``angiotensin``, ``nicotine gum`` -> ``nicotine``; proteins, enzymes,
receptors, genes and action classes (``anticonvulsant``, ``vasodilator``, ``opioid``) are not
chemicals; salt forms are part of the mention (``gentamicin sulfate``); ion charges are not
(``Na`` in ``Na+``).  :func:`chemical_term_ok` applies these conventions to lexicon entries, so
a dictionary LF falls back to the embedded substance.  The word lists are ordinary English and
biomedical head words, written by hand, not taken from any annotation.
"""

from __future__ import annotations

import re

from ..api import OUTSIDE, span_lf

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


# --- code names ----------------------------------------------------------------------------------

#: company/laboratory prefix + serial number in one token: ``LY274614``, ``FK506``, ``MK-801``, ``SR48692``
_CODE_ONE_RE = re.compile(r"^(?:[A-Z]{2,4}-?\d{3,7}[A-Za-z]?|[A-Z][a-z][A-Z]?-?\d{3,7}|[A-Z]\d{4,7})$")
#: prefix token of a spaced code name: ``GR 55562``, ``HOE 140``, ``DuP 753``, ``Ro 40-5967``
_CODE_PREFIX_RE = re.compile(r"^(?:[A-Z]{2,4}|[A-Z][a-z][A-Z]?)$")
_YEAR_RE = re.compile(r"^(?:19|20)\d\d$")
#: prefixes of gene/protein/strain/cell-line symbols and of clinical scales, not compound series
_NOT_CODE_PREFIXES = frozenset("""
CD CYP P HSP IL GPR ADAM MMP HLA TNF TGF IGF EGF FGF VEGF PDGF COX NOS ICD DSM NYHA WHO HIV HBV HCV SIV HPV EBV
CMV HSV HTLV ATCC HEK PN PND GD ISO BMI APACHE ASA NIH PC IQ SF EQ RR OR CI HR SD SE SEM NS UK US USA EU
""".split())


def _code_prefix_ok(text: str) -> bool:
    return text not in _NOT_CODE_PREFIXES and text.lower() not in _STOP_CODES


_STOP_CODES = frozenset("in at on as by to of or an is it if no we up do be so".split())


@span_lf(labels=["Chemical"])
def chemical_code_name(doc):
    """Drug-development code names: ``LY274614``, ``FK506``, ``MK-801``, ``GR 55562``, ``Ro 40-5967``."""
    yield from code_name_spans(doc)


def code_name_spans(doc):
    """``(start, end)`` token ranges of drug-development code names (also used by ``numbers_outside``)."""
    n = len(doc)
    for i, tok in enumerate(doc):
        text = tok.text
        m = _CODE_ONE_RE.match(text)
        if m:
            prefix = re.match(r"^[A-Za-z]+", text).group(0)
            if _code_prefix_ok(prefix) and len(prefix) + 2 <= len(text):
                yield i, i + 1
            continue
        if not _CODE_PREFIX_RE.match(text) or not _code_prefix_ok(text) or i + 1 >= n:
            continue
        nxt = doc[i + 1]
        if not (nxt.text.isdigit() and 2 <= len(nxt.text) <= 7) or _YEAR_RE.match(nxt.text):
            continue
        if tok.whitespace_ != " ":
            continue
        end = i + 2
        # "Ro 40 - 5967": a hyphenated serial number
        if end + 1 < n and doc[end].text == "-" and doc[end + 1].text.isdigit() and not doc[end - 1].whitespace_:
            end += 2
        if end < n and _UNIT_AFTER_RE.match(doc[end].text):  # "CO 100 ppm", "SBP 120 mmHg"
            continue
        yield i, end


_UNIT_AFTER_RE = re.compile(r"^(%|mg|g|kg|ml|mL|l|mm|mmHg|ppm|h|min|s|days?|weeks?|years?|patients|U|IU|bpm|/)")


# --- formulae ------------------------------------------------------------------------------------

_ELEMENTS = frozenset("""
H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr Rb Sr Zr Mo Ag
Cd Sn Sb Te I Xe Cs Ba La Gd Pt Au Hg Tl Pb Bi Ra U
""".split())
_FORMULA_PART_RE = re.compile(r"([A-Z][a-z]?)(\d*)")


def _formula(text: str) -> bool:
    """``NaCl``, ``CCl4``, ``H2O2``, ``CO2``, ``O2-``, ``LiCl``: element symbols with counts.

    Needs two or more element symbols with at least one two-letter symbol or a count, every count
    2..12 (a written count of 1 or a large number is a gene, strain or cell line: ``HC1``, ``F344``),
    or a single counted element with a charge (``O2-``).
    """
    core = re.sub(r"(\(\d?[+-]\)|[+-])$", "", text)  # "O2-" -> "O2", "Ca(2+)" -> "Ca"
    charged = core != text
    parts = _FORMULA_PART_RE.findall(core)
    if not parts or "".join(a + b for a, b in parts) != core or not all(a in _ELEMENTS for a, _ in parts):
        return False
    if any(b.startswith("0") for _, b in parts):
        return False
    counts = [int(b) for _, b in parts if b]
    if any(not 2 <= c <= 12 for c in counts):
        return False
    if len(parts) == 1:
        return charged and bool(counts)
    if any(len(a) == 2 for a, _ in parts):
        # a salt or halide: "NaCl", "CaCl2", "MgSO4", "CCl4" (not acronyms such as "SCr", "IKr", "COCs")
        return (len(parts[0][0]) == 2 or any(a in {"Cl", "Br"} for a, _ in parts)) and not (
            core.endswith("s") and core[:-1].isupper())
    # single-letter symbols only: "CO2", "H2O2", "NH3", "H2SO4" (not "PCO2", "HCN4")
    return bool(counts) and (len(parts) <= 2 or any(b for _, b in parts[:-1]))


@span_lf(labels=["Chemical"])
def chemical_formula(doc):
    """Chemical formulae: ``NaCl``, ``KCl``, ``CCl4``, ``H2O2``, ``O2-``, ``CaCl(2)`` (split as ``CaCl(2`` ``)``)."""
    n = len(doc)
    for i, tok in enumerate(doc):
        text = tok.text
        m = re.fullmatch(r"(.+)\((\d{1,2})", text)  # "CaCl(2" + ")"
        if m and i + 1 < n and doc[i + 1].text == ")" and _formula(m.group(1) + m.group(2)):
            yield i, i + 2
        elif _formula(text):
            yield i, i + 1


# --- protein targets -----------------------------------------------------------------------------

_TARGET_AFTER = frozenset({"inhibitor", "inhibitors", "inhibition", "antagonist", "antagonists", "blocker",
                           "blockers"})


@span_lf(labels=[OUTSIDE])
def protein_target_outside(doc, *, core_dict):
    """O vote: a protein-like word (``-in``) named as the target of an inhibitor is not a chemical
    (``calcineurin inhibitors``, ``calcineurin-inhibitor therapy``), unless the curated dictionary has it."""
    n = len(doc)
    cands = []
    for i, tok in enumerate(doc):
        low = tok.lower_
        if not (low.endswith("in") and len(low) >= 6 and tok.text[1:].islower() and low.isalpha()):
            continue
        j = i + 1
        if j < n and doc[j].text == "-":
            j += 1
        if j < n and doc[j].lower_ in _TARGET_AFTER:
            cands.append(i)
    if cands:
        curated = {k for s, e, _ in core_dict(doc, "Chemical") for k in range(s, e)}
        for i in cands:
            if i not in curated:
                yield i, i + 1


# --- isotope-labelled ligands and inorganic salts ------------------------------------------------

_ISOTOPE_RE = re.compile(r"^\d{1,3}[A-Z][a-z]?$")  # 3H, 14C, 125I, 99mTc is rare in this form
_LABEL_WORDS = frozenset({"labeled", "labelled", "label", "labeling", "labelling", "tagged"})


@span_lf(labels=["Chemical"])
def isotope_label_chemical(doc):
    """A radiolabelled ligand written as one word is one mention: ``[3H]-L-arginine``, ``[3H]dopamine``."""
    n = len(doc)
    for i, tok in enumerate(doc):
        if tok.text != "[" or i + 3 >= n or not _ISOTOPE_RE.match(doc[i + 1].text) or doc[i + 2].text != "]":
            continue
        end = i + 3
        if doc[i + 2].whitespace_:
            continue
        while end < n and doc[end - 1].whitespace_ == "" and doc[end].text not in {",", ";", ")", "."}:
            end += 1
        words = {t.lower_ for t in doc[i + 3 : end]}
        if end > i + 3 and not words & _LABEL_WORDS and any(t.is_alpha and len(t) > 2 for t in doc[i + 3 : end]):
            yield i, end


#: element and cation names that form a two-word salt or inorganic name with an anion word
_CATION_WORDS = frozenset("""
hydrogen sodium potassium calcium magnesium lithium ammonium zinc ferrous ferric iron copper silver aluminium aluminum
barium cesium caesium strontium mercuric mercurous cupric stannous
""".split())
_ANION_RE = re.compile(r"^[a-z]{3,}(?:ide|ate|ite|ides|ates|ites)$")


@span_lf(labels=["Chemical"])
def inorganic_salt_name(doc):
    """``<cation> <anion>`` is one mention: ``hydrogen cyanamide``, ``sodium nitroprusside``, ``potassium chloride``."""
    for i, tok in enumerate(doc[:-1]):
        if tok.lower_ in _CATION_WORDS and tok.whitespace_ and _ANION_RE.match(doc[i + 1].lower_) \
                and doc[i + 1].text.islower():
            yield i, i + 2
