"""General disease LFs and helpers: the disease-head test, organ phrases, Latin qualifiers.

General medical vocabulary written by hand.  What a corpus counts as one mention (which modifiers
belong to it, which words are never a disease alone) is a guideline and lives in that corpus's
preset (``labeling_functions/presets/bc5cdr.py``, ``ncbi_disease.py``), which builds its LFs from
these helpers and those of :mod:`.patterns`.
"""

from __future__ import annotations

from ..api import span_lf
from .patterns import _ADJ_RE, DISEASE_HEADS, DISEASE_MODIFIERS, _disease_like, _extend_left

#: disease endings beyond the shared suffix list (hyperalgesia, cholelithiasis, retinoschisis)
EXTRA_HEAD_SUFFIXES = ("algesia", "iasis", "schisis")


def head_like(tok) -> bool:
    """A disease head word: a head noun, a disease suffix, or a longer word ending in one of :data:`EXTRA_HEAD_SUFFIXES`."""
    low = tok.lower_
    return low in DISEASE_HEADS or _disease_like(tok) or (len(low) > 7 and low.endswith(EXTRA_HEAD_SUFFIXES))


#: organs and body parts that complete a disease mention ("carcinoma of the bladder")
ORGANS = frozenset("""
liver kidney kidneys bladder lung lungs heart brain breast colon rectum stomach esophagus oesophagus pancreas
prostate ovary ovaries uterus cervix endometrium thyroid skin bone bones artery arteries aorta vein veins
retina cornea lens eye eyes optic nerve nerves spinal cord muscle muscles joint joints spleen gallbladder
bile duct ducts intestine bowel duodenum larynx pharynx tongue mouth oral cavity epididymis testis testes
adrenal pituitary gland glands lymph nodes marrow myocardium pericardium pleura peritoneum pelvis ureter
urethra trachea bronchus bronchi colliculus lobe cortex
""".split())
_ORGAN_HEADS = frozenset({"carcinoma", "carcinomas", "cancer", "cancers", "tumor", "tumors", "tumour", "tumours",
                          "sarcoma", "angiosarcoma", "adenocarcinoma", "adenoma", "cystadenoma", "calcification",
                          "inflammation", "infarction", "infection", "atrophy", "hypoplasia", "aplasia",
                          "agenesis", "malformation", "malformations", "neoplasm", "neoplasms", "lymphoma",
                          "melanoma", "fibrosis", "necrosis", "rupture", "perforation", "dysplasia", "stenosis",
                          "coarctation", "enlargement", "disease", "diseases", "disorders", "disorder"})


@span_lf(labels=["Disease"])
def disease_of_organ(doc):
    """``<disease head> of the <organ>``: ``carcinoma of the bladder``, ``calcification of the artery``."""
    n = len(doc)
    for tok in doc:
        if tok.lower_ not in _ORGAN_HEADS or tok.i + 2 >= n or doc[tok.i + 1].lower_ != "of":
            continue
        j = tok.i + 2
        if doc[j].lower_ == "the" and j + 1 < n:
            j += 1
        if j + 1 < n and doc[j + 1].lower_ in ORGANS and (doc[j].lower_ in DISEASE_MODIFIERS
                                                          or _ADJ_RE.match(doc[j].lower_)):
            yield tok.i, j + 2  # "cancer of the renal pelvis"
        elif doc[j].lower_ in ORGANS:
            end = j + 1
            if end < n and doc[end].lower_ in ORGANS and doc[j].lower_ in {"bile", "spinal", "optic", "lymph", "oral"}:
                end += 1
            start = tok.i
            yield start, end


#: Latin qualifiers that end a disease name ("polyposis coli", "osteogenesis imperfecta")
LATIN_QUALIFIERS = frozenset("""
coli imperfecta pigmentosa protuberans insipidus mellitus ossificans congenita tarda multiplex simplex bullosa vulgaris
telangiectasia gravis cutanea perstans nigricans dissecans deformans progressiva ichthyosiformis
""".split())


@span_lf(labels=["Disease"])
def disease_latin_qualifier(doc):
    """A disease word and its Latin qualifier: ``adenomatous polyposis coli``, ``retinitis pigmentosa``."""
    n = len(doc)
    for tok in doc:
        if tok.i + 1 < n and doc[tok.i + 1].lower_ in LATIN_QUALIFIERS and (head_like(tok) or tok.lower_.endswith(
                ("genesis", "plasia", "trophy"))):
            yield _extend_left(doc, tok.i, limit=2), tok.i + 2
