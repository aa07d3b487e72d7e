"""Text normalisation shared by search, term generation and the concept matcher.

One function decides what "the same words" means everywhere: :func:`norm_token` lower-cases
(unless asked not to), folds accents, and reduces plurals with Harman's S-stemmer (1991) plus a
short list of irregular and Latin plurals.  A full stemmer (Porter) was rejected on purpose: it
conflates clinically different words ("organism" -> "organ", "general" -> "gener").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Irregular plurals seen in clinical text and ICD-10-CM titles.
IRREGULAR = {
    "feet": "foot",
    "teeth": "tooth",
    "children": "child",
    "women": "woman",
    "men": "man",
    "mice": "mouse",
    "lice": "louse",
    "ova": "ovum",
    "bacteria": "bacterium",
    "vertebrae": "vertebra",
    "phalanges": "phalanx",
    "diagnoses": "diagnosis",
    "metastases": "metastasis",
    "stenoses": "stenosis",
    "thromboses": "thrombosis",
    "neuroses": "neurosis",
    "psychoses": "psychosis",
    "fibroses": "fibrosis",
    "anastomoses": "anastomosis",
    "varices": "varix",
    "appendices": "appendix",
    "cervices": "cervix",
    "indices": "index",
    "apices": "apex",
    "calculi": "calculus",
    "bronchi": "bronchus",
    "fungi": "fungus",
    "nuclei": "nucleus",
    "emboli": "embolus",
    "thrombi": "thrombus",
    "villi": "villus",
    "alveoli": "alveolus",
    "glomeruli": "glomerulus",
    "ganglia": "ganglion",
    "criteria": "criterion",
    "data": "datum",
    "sequelae": "sequela",
    "adnexa": "adnexum",
    "labia": "labium",
}

#: Words ending in "s" that are singular: never stripped.
KEEP_S = frozenset(
    """diabetes herpes mellitus status abscess bronchitis sepsis psoriasis tuberculosis
    syphilis measles mumps rabies tetanus pertussis arthritis hepatitis nephritis
    pancreatitis colitis gastritis meningitis dermatitis sinusitis cystitis otitis
    pharyngitis tonsillitis appendicitis cellulitis osteomyelitis encephalitis
    glaucoma scabies lupus virus fetus uterus thrombus embolus calculus bronchus
    pelvis penis testis iris cornea lens ascites rickets tinnitus pruritus sinus
    anus hiatus bus gas plus thus focus stimulus nucleus syndromes dyspnoeas
    always various previous nervous venous mucous fibrous serous pus
    corpus fungus humerus radius femoris fibrosus bis his this its was has us
    yes less unless loss mass stress stenosis thrombosis necrosis cirrhosis
    fibrosis osteoporosis scoliosis kyphosis lordosis diagnosis prognosis
    metastasis paralysis dialysis hemolysis analysis ptosis ketoacidosis acidosis
    alkalosis sarcoidosis amyloidosis endometriosis hydronephrosis nephrosis
    atherosclerosis arteriosclerosis sclerosis cyanosis halitosis neurosis psychosis
    ankylosis hemochromatosis histoplasmosis toxoplasmosis candidiasis giardiasis
    leishmaniasis trichomoniasis ascariasis schistosomiasis lithiasis cholelithiasis
    nephrolithiasis urolithiasis mydriasis miosis epistaxis pneumothorax thorax
    hemothorax pyothorax chylothorax diabetes insipidus bullous pemphigus""".split()
)

_TOKEN_RE = re.compile(r"[A-Za-z0-9]+(?:['\u2019][A-Za-z]+|\.\d+)*|[^\sA-Za-z\d]")
_WORD_RE = re.compile(r"[a-z0-9]")


def fold(text: str) -> str:
    """Strip accents (é -> e) so "Ménière" and "Meniere" match."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


#: British spellings folded to American ones (ICD-10-CM is written in American English).
_BRITISH = [
    (re.compile(r"^(h|an|leuk|isch|septic|tox|bacter|ur|glyc|lipid|natr|kal|calc|vir|parasit)aem"), r"\1em"),
    (re.compile(r"aemia"), "emia"),
    (re.compile(r"^haem"), "hem"),
    (re.compile(r"^oe(dem|soph|str)"), r"e\1"),
    (re.compile(r"^(an|h)aesth"), r"\1esth"),
    (re.compile(r"^paed"), "ped"),
    (re.compile(r"oea$"), "ea"),
    (re.compile(r"our$"), "or"),
]
_NOT_BRITISH = frozenset("four your hour our pour flour sour tour detour contour".split())


def americanize(word: str) -> str:
    """``"anaemia"`` -> ``"anemia"``, ``"oedema"`` -> ``"edema"``, ``"tumour"`` -> ``"tumor"``."""
    if word in _NOT_BRITISH or not ("ae" in word or "oe" in word or word.endswith("our")):
        return word
    for pat, rep in _BRITISH:
        word = pat.sub(rep, word)
    return word


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Harman's S-stemmer with irregular plurals; ``word`` is lower-case."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word in IRREGULAR:
        return IRREGULAR[word]
    if word in KEEP_S:
        return word
    if word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    if word.endswith("es") and word[:-2] in KEEP_S:  # "viruses", "sinuses"
        return word[:-2]
    if word.endswith("es") and not word.endswith(("aes", "ees", "oes")):
        return word[:-1]
    if word.endswith("s") and not word.endswith(("us", "ss", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=500_000)
def norm_token(token: str, case_sensitive: bool = False, normalize: bool = True) -> str:
    """The matching key of one token ('' for tokens that carry no meaning: hyphens, quotes)."""
    if normalize:
        token = fold(token)
    low = token.lower()
    if not _WORD_RE.search(low):
        return ""
    if not normalize:
        return token if case_sensitive else low
    if "'" in low or "\u2019" in low:  # "Crohn's" -> "crohn"
        low = re.sub(r"['\u2019]s?$", "", low)
        token = re.sub(r"['\u2019]s?$", "", token)
    key = americanize(stem(low))
    if case_sensitive and key == low:
        return token
    return key


def tokenize(text: str) -> list[str]:
    """Split text into words, numbers and single punctuation marks (as a coder reads it)."""
    return _TOKEN_RE.findall(fold(text))


#: Words that do not decide whether a term and a query mean the same thing.
STOPWORDS = frozenset(
    "a an and the of in on with without by for to due from or at as other nos unspecified".split()
)


def norm_words(text: str) -> list[str]:
    """Normalised content-bearing keys of ``text`` (punctuation dropped)."""
    out = []
    for tok in tokenize(text):
        key = norm_token(tok)
        if key:
            out.append(key)
    return out


def norm_phrase(text: str) -> str:
    """Normalised key of a whole phrase: keys joined by single spaces."""
    return " ".join(norm_words(text))
