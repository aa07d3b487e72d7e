"""General chemical-name LFs: code names, formulae, element symbols, isotope labels, inorganic salts.

Nomenclature any chemistry text follows (IUPAC element symbols, company code names such as
``MK-801``, radiolabel brackets, ``<cation> <anion>`` salts), written by hand.  Which terms a
corpus counts as a chemical mention (the substance inside ``calcium channel blockers``, no
proteins or classes) is a guideline: the ``bc5cdr`` preset (``labeling_functions/presets``) owns it.
"""

from __future__ import annotations

import re

from ..api import span_lf
from .abbreviations import non_chemical_sfs
from .patterns import code_name_spans

# --- code names ----------------------------------------------------------------------------------


@span_lf(labels=["Chemical"])
def chemical_code_name(doc):
    """Drug-development code names: ``LY274614``, ``FK506``, ``MK-801``, ``GR 55562``, ``Ro 40-5967``."""
    yield from code_name_spans(doc)


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


# --- symbols -------------------------------------------------------------------------------------

#: element symbols, ions and neurotransmitter / small-molecule abbreviations (case-sensitive); charged
#: forms of elements are left out ("Na" in "Na+" is the element, which one token cannot give)
CHEMICAL_SYMBOLS = frozenset("""
Na K Ca Mg Cl Li Fe Zn Cu Mn Al Pb Hg Cd As Se NO N2O O2 CO2 CO H2O2 NaCl KCl CaCl2 MgSO4
5-HT GABA NMDA ATP ADP AMP cAMP cGMP NAD NADH NADPH DA NE ACh Glu ROS L-DOPA DOPA 6-OHDA MPTP MPP+
PTZ STZ LPS DEX DOX 5-FU MTX CsA FK506 PAN TAM ASA INH ddI AZT ACTH
""".split())


@span_lf(labels=["Chemical"])
def chemical_symbols(doc):
    """Element symbols, ions and common chemical abbreviations (``Na``, ``K+``, ``NO``, ``5-HT``, ``GABA``)."""
    text = doc.text
    not_here = non_chemical_sfs(doc) if "(" in text else set()  # "cardiac output (CO)"
    for m in re.finditer(r"(?<![\w+-])(" + "|".join(re.escape(x) for x in sorted(CHEMICAL_SYMBOLS, key=len, reverse=True)) + r")(?![\w+])", text):
        span = doc.char_span(m.start(), m.end())
        if span is not None:
            if span.text in not_here:
                continue
            if span.text == "NO" and span.end < len(doc) and doc[span.end].is_upper:  # "NO" in an all-caps title
                continue
            if span.text in {"As", "DA", "NE", "CO", "PAN"} and (span.start == 0 or doc[span.start - 1].text in {".", ":", ";", "?", "!"}):
                continue
            if span.start > 0 and doc[span.start - 1].lower_ in {"mm", "cm", "µm", "um"}:  # "mm Hg"
                continue
            yield span.start, span.end
