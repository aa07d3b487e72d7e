"""Pattern and context labelling functions for chemicals/drugs and diseases.

Word lists here are general biomedical morphology (drug-name stems after the WHO INN
stem book, disease suffixes of medical terminology), written by hand, not harvested from any
annotated corpus.
"""

from __future__ import annotations

import re

from ..api import OUTSIDE, span_lf

# --- word lists --------------------------------------------------------------------------------

#: WHO INN stems and chemical-name endings (lower case)
DRUG_SUFFIXES = (
    "mycin", "micin", "cillin", "cycline", "oxacin", "floxacin", "conazole", "azole", "pril", "olol", "alol",
    "sartan", "statin", "dipine", "azepam", "azolam", "zolam", "barbital", "caine", "profen", "fenac", "coxib",
    "tinib", "zumab", "ximab", "mumab", "parin", "semide", "thiazide", "setron", "tidine", "prazole", "triptan",
    "dronate", "afil", "gliptin", "glitazone", "lukast", "terol", "olone", "sone", "terone", "phylline",
    "pramine", "triptyline", "oxetine", "apine", "idone", "azepine", "peridol", "platin", "rubicin",
    "trexate", "uracil", "amide", "amine", "idine", "azine", "oxin", "orphine", "codone", "adone", "ethanol",
    "anol", "erol", "sterol", "itol", "phenol", "chloride", "bromide", "iodide", "fluoride", "oxide", "sulfate",
    "sulphate", "phosphate", "nitrate", "acetate", "citrate", "maleate", "tartrate", "carbonate", "lactate",
    "mesylate", "succinate", "fumarate", "nitrite", "cyanide", "hydrate", "glycoside", "steroid", "vir", "ine",
    "ium", "ol", "one", "ate", "ide",
)
#: endings that need a longer word (they are also common English endings)
_WEAK_SUFFIXES = {"ine": 7, "ium": 7, "ol": 7, "one": 8, "ate": 9, "ide": 8, "amine": 7, "amide": 7}

#: ordinary English / biomedical words with a drug-like ending that are not chemicals
NOT_CHEMICAL = frozenset("""
determine examine medicine routine urine combine decline baseline guideline outline online machine engine
discipline doctrine famine feminine genuine masculine intestine marine migraine undermine define refine confine
imagine pristine medline midline borderline alkaline hemoglobin haemoglobin globulin albumin
protein proteins toxin toxins endotoxin fibrin
control protocol patrol school
done gone none alone someone everyone anyone phone tone zone bone hormone hormones stone cortisone
indicate rate estimate separate appropriate moderate adequate ultimate aggregate demonstrate candidate
immediate accurate alternate evaluate investigate associate associated related elevate elevated alleviate
illustrate indicate approximate correlate multivariate univariate endocrine micromol millimol nanomol
hydrochloride substrate substrates metabolite metabolites
provide decide side wide inside outside include conclude peptide nucleotide override worldwide
divide guide aside beside bedside
premium medium delirium myocardium endothelium epithelium pericardium equilibrium consortium criterium
interior posterior anterior superior inferior
within begin origin margin domain chain obtain contain remain maintain again main brain plain certain explain
protein
""".split())

#: disease suffixes (single-word diseases)
DISEASE_SUFFIXES = (
    "itis", "itides", "emia", "emias", "aemia", "oma", "omas", "omata", "pathy", "pathies", "osis", "oses",
    "algia", "plasia", "trophy", "rrhea", "rrhoea", "penia", "megaly", "uria", "toxicity", "toxicities",
    "ectasia", "plegia", "paresis", "sclerosis", "spasm", "spasms", "lepsy", "cardia", "rrhythmia",
    "rrhythmias", "tension", "thermia", "glycemia", "kalemia", "natremia", "oxia", "opia", "ataxia", "ataxias",
    "kinesia", "kinesias", "tonia", "phasia", "phagia", "somnia", "mania", "phrenia", "pnea", "pnoea",
    "cytosis", "cytopenia", "rrhage", "rrhages", "stasis",
    # -ism diseases (hypothyroidism, hypogonadism, albinism, dwarfism, alcoholism, parkinsonism)
    "oidism", "adism", "binism", "aldism", "arfism", "holism", "sonism", "utism", "tinism", "antism", "utism",
)
NOT_DISEASE = frozenset("""
diagnosis diagnoses prognosis hypothesis hypotheses osmosis homeostasis hemostasis haemostasis anastomosis apoptosis mitosis
meiosis symbiosis stoma aroma diploma soma stroma chromosoma academia
extension attention intention retention detention contention tension dimension pension suspension
comprehension apprehension
therapy sympathy empathy
utopia
""".split())

#: heads of multi-word disease names
DISEASE_HEADS = frozenset("""
disease diseases syndrome syndromes failure failures injury injuries damage deficiency deficiencies disorder
disorders dysfunction dysfunctions insufficiency infarction infarctions infarct toxicity toxicities cancer
cancers carcinoma carcinomas tumor tumors tumour tumours lesion lesions pain pains ischemia ischaemia
hemorrhage haemorrhage haemorrhages hemorrhages arrest attack attacks seizure seizures impairment impairments
infection infections edema oedema abnormality abnormalities dependence block stenosis atrophy hypertrophy
thrombosis embolism fibrillation tachycardia bradycardia arrhythmia arrhythmias hypertension hypotension
necrosis inflammation retardation ulcer ulcers ulceration fever palsy deficit deficits dyskinesia dyskinesias
neuropathy cardiomyopathy nephropathy hepatitis nephritis leukemia leukaemia lymphoma sarcoma anemia anaemia
obstruction occlusion aneurysm aneurysms fibrosis cirrhosis psychosis psychoses depression anxiety
overdose poisoning intoxication hyperplasia neoplasm neoplasms malformation malformations defect defects
dysplasia stroke strokes shock loss
""".split())

#: words that may precede a disease head inside the mention (anatomy and disease modifiers)
DISEASE_MODIFIERS = frozenset("""
acute chronic congestive coronary ischemic ischaemic renal hepatic cardiac heart liver kidney myocardial
cerebral brain lung pulmonary respiratory ventricular atrial valvular vascular cardiovascular
cerebrovascular neurological neurologic neuromuscular neuropsychiatric psychiatric mental cognitive memory
hearing visual ocular retinal optic skin cutaneous gastrointestinal gastric intestinal bowel colon colorectal
rectal breast prostate ovarian cervical endometrial bladder thyroid adrenal pituitary pancreatic biliary bile
bone marrow blood platelet muscle muscular skeletal joint spinal cord nerve peripheral sensory motor
extrapyramidal tardive malignant metastatic diabetic hypertensive alcoholic viral bacterial fungal
infectious inflammatory autoimmune allergic hemolytic haemolytic aplastic megaloblastic interstitial
tubular glomerular papillary ductal small cell non large b t hodgkin's hodgkin parkinson's alzheimer's
huntington's crohn's cushing's parkinson alzheimer huntington crohn cushing wilson's graves' reye's
stevens-johnson guillain-barre sudden cardiopulmonary systolic diastolic pulmonary sinus nodal av
atrioventricular bundle branch qt torsade torsades de pointes dilated hypertrophic restrictive
fatty end stage end-stage sickle type 1 2 i ii deep venous vein arterial artery aortic mitral tricuspid
valve hyperactivity attention deficit neural tube birth congenital major bipolar affective panic
obsessive compulsive eating sleep seizure epileptic status convulsive febrile absence grand mal
urinary tract upper lower fragile hereditary familial inherited
""".split())

STOP = frozenset("""
a an the of in on at to for from by with without and or but nor not no as is are was were be been being
this that these those it its their there here which who whom whose what when where while than then
after before during between among into onto over under about above below via per vs versus
we our us you your he she his her they them i me my
has have had do does did can could may might must shall should will would
also only both each either all any some such same other another more most less least very
""".split())

PUNCT_RE = re.compile(r"^\W+$")
UNIT_RE = re.compile(
    r"^(mg|g|kg|mcg|µg|ug|ng|mmol|µmol|umol|mol|nmol|ml|mL|l|iu|IU|units?|U|mEq|meq|%|mg/kg|mg/day|"
    r"mg/kg/day|mg/m2|µg/kg|ug/kg|mcg/kg|g/kg|ml/kg|mg/l|mg/dl|µM|uM|mM|nM|M)$"
)


def _alpha_word(tok) -> bool:
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9'-]*", tok.text))


#: English verb/adjective endings in -ate (``attenuate``, ``facilitate``, ``inadequate``); chemical
#: anions end otherwise (``-ylate``, ``-onate``, ``-trate``, ``-phate``, ``succinate``, ``acetate``)
_VERB_ATE_ENDINGS = ("iate", "uate", "idate", "itate", "ipate", "erate", "ulate", "minate", "dinate", "ravate", "neate",
                     "iorate", "porate", "laborate", "quate", "nstrate", "ltrate", "netrate", "slate", "plicate",
                     "dicate", "nicate", "riate")
#: anatomical/ordinary adjectives and nouns in -ine/-ide/-one that are not substances
_NOT_CHEMICAL_ENDINGS = ("uterine", "pontine", "bovine", "canine", "feline", "equine", "porcine", "murine",
                         "ovine", "endocrine", "exocrine", "paracrine", "autocrine", "vaccine", "vaccines",
                         "kine", "kines", "cide", "cides", "peptide", "peptides", "nuclide", "nuclides", "wide",
                         "stone", "stones", "zone", "gone", "chaperone", "argentine", "interstitium", "cytosol")


def _chemical_like(tok) -> bool:
    """A single token that looks like a drug/chemical by its INN stem or chemical ending."""
    low = tok.lower_
    if not _alpha_word(tok) or low in NOT_CHEMICAL or low in STOP or len(low) < 5:
        return False
    if low.endswith(_VERB_ATE_ENDINGS) or (low.endswith(_NOT_CHEMICAL_ENDINGS) and low not in {"ozone"}):
        return False
    if tok.text.isupper():
        return False
    for suffix in DRUG_SUFFIXES:
        if low.endswith(suffix):
            need = _WEAK_SUFFIXES.get(suffix, len(suffix) + 3)
            return len(low) >= need
    return False


def _disease_like(tok) -> bool:
    low = tok.lower_
    if not _alpha_word(tok) or low in NOT_DISEASE or len(low) < 6:
        return False
    return any(low.endswith(s) for s in DISEASE_SUFFIXES)


# --- chemical patterns ---------------------------------------------------------------------------


def _substance_like(tok) -> bool:
    """A context-voted word must look like a substance itself: a drug-like word or a mixed/upper-case
    abbreviation (``ZDV``, ``Dex``); plain lower-case words after ``treated with`` or before ``-induced``
    are mostly adjectives, classes and procedures (``high``, ``herbal``, ``saline``, ``neuroleptic``)."""
    return _chemical_like(tok) or sum(c.isupper() for c in tok.text) >= 2


@span_lf(labels=["Chemical"])
def chemical_suffix(doc):
    """One-word chemicals by INN stem / chemical-name ending (-mycin, -olol, -pril, -azepam, -ine...)."""
    for tok in doc:
        if _chemical_like(tok):
            yield tok.i, tok.i + 1


_INDUCED = frozenset({"induced", "associated", "treated", "exposed", "evoked", "mediated", "dependent", "related",
                      "elicited", "provoked", "containing", "loaded", "pretreated", "stimulated", "sensitive"})


_GENERIC_AGENTS = frozenset({"drug", "drugs", "agent", "agents", "medication", "medications", "substance",
                             "compound", "compounds", "chemical", "chemicals", "toxin", "stress", "exercise",
                             "contrast", "stimulation", "handling", "anesthesia", "surgery", "radiation", "diet"})


@span_lf(labels=["Chemical"])
def chemical_induced(doc):
    """``X-induced``, ``X-treated``, ``X-associated``: the word before the hyphen is a chemical."""
    n = len(doc)
    for i in range(n - 2):
        if doc[i + 1].text == "-" and doc[i + 2].lower_ in {"induced", "treated", "exposed", "evoked", "pretreated", "elicited"}:
            tok = doc[i]
            if _alpha_word(tok) and tok.lower_ not in STOP and len(tok) >= 3 and not _disease_like(tok) \
                    and tok.lower_ not in _GENERIC_AGENTS and _substance_like(tok):
                start = i
                # "5 - fluorouracil - induced": extend over a number-hyphen prefix
                if i >= 2 and doc[i - 1].text == "-" and doc[i - 2].like_num:
                    start = i - 2
                yield start, i + 1


@span_lf(labels=["Chemical"])
def dosage_context(doc):
    """A drug-like word next to a dose: ``haloperidol 5 mg``, ``5 mg/kg of cocaine``, ``X (10 mg/kg)``."""
    n = len(doc)
    for i, tok in enumerate(doc):
        if not tok.like_num:
            continue
        unit = doc[i + 1] if i + 1 < n else None
        if unit is None or not UNIT_RE.match(unit.text):
            continue
        # before: "X 5 mg", "X ( 5 mg", "X , 5 mg"
        j = i - 1
        while j >= 0 and doc[j].text in {"(", ",", "of", "at", "="}:
            j -= 1
        if unit.text in {"%", "M", "U", "l"}:
            continue
        if j >= 0 and _candidate_word(doc[j]) and not _VERB_NOUN_RE.search(doc[j].lower_) and _substance_like(doc[j]):
            yield j, j + 1
        # after: "5 mg/kg of X"
        k = i + 2
        if k + 1 < n and doc[k].lower_ == "of" and _candidate_word(doc[k + 1]) and not _VERB_NOUN_RE.search(doc[k + 1].lower_) \
                and _substance_like(doc[k + 1]):
            yield k + 1, k + 2


_VERB_NOUN_RE = re.compile(r"(ion|ions|ce|ces|ed|ing|ment|ness|ity|ly|er|ers|s)$")


def _candidate_word(tok) -> bool:
    low = tok.lower_
    return (
        _alpha_word(tok) and low not in STOP and low not in NOT_CHEMICAL and len(low) >= 4
        and not UNIT_RE.match(tok.text) and not _disease_like(tok)
        and low not in _CONTEXT_NOUNS
    )


_CONTEXT_NOUNS = frozenset("""
dose doses dosage dosages day days daily week weeks month months year years hour hours h min minutes
kg body weight patient patients rats rat mice mouse group groups dogs rabbits subjects volunteers
administration treatment therapy infusion injection intake use exposure concentration concentrations
level levels plasma serum blood oral orally intravenous intravenously iv i.v. ip i.p. sc s.c. im bolus
single daily twice total mean range respectively approximately
""".split())

_ADMIN_BEFORE = frozenset({"administration", "treatment", "infusion", "injection", "injections", "dose", "doses",
                           "intake", "exposure", "ingestion", "overdose", "withdrawal", "levels", "concentrations",
                           "effects", "effect", "use", "abuse"})
_ADMIN_AFTER = frozenset({"therapy", "treatment", "administration", "infusion", "injection", "injections",
                          "overdose", "intoxication", "poisoning", "toxicity", "withdrawal", "abuse", "use",
                          "users", "dose", "doses", "dosage", "treated", "levels", "concentration",
                          "concentrations", "exposure", "hydrochloride", "sodium", "regimen"})


@span_lf(labels=["Chemical"])
def administration_context(doc):
    """``administration of X``, ``treated with X``, ``X therapy``, ``X overdose`` where X looks like a drug."""
    n = len(doc)
    for i, tok in enumerate(doc):
        low = tok.lower_
        if low in {"of", "with", "to"} and i >= 1 and i + 1 < n:
            prev = doc[i - 1].lower_
            if (low == "of" and prev in _ADMIN_BEFORE) or (low == "with" and prev in {"treated", "treatment", "therapy", "pretreated", "pretreatment", "combined", "coadministered"}) or (low == "to" and prev in {"exposure", "exposed"}):
                nxt = doc[i + 1]
                if _candidate_word(nxt) and _substance_like(nxt):
                    yield i + 1, i + 2
        if low in _ADMIN_AFTER and i >= 1:
            prev = doc[i - 1]
            if _candidate_word(prev) and _chemical_like(prev):
                yield i - 1, i


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


def code_name_spans(doc):
    """``(start, end)`` token ranges of drug-development code names (``chemical_code_name``; ``numbers_outside`` skips them)."""
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


# --- disease patterns ----------------------------------------------------------------------------


#: words with a disease ending that are not diseases ("exposes", "predisposes" end in -oses)
_SUFFIX_NOT_DISEASE = frozenset({"meioses", "meiosis", "doses", "poses", "carcinogenesis"})


@span_lf(labels=["Disease"])
def disease_suffix(doc):
    """One-word diseases by medical suffix (-itis, -emia, -oma, -pathy, -osis, -algia, ...)."""
    for tok in doc:
        if _disease_like(tok) and not (tok.lower_.endswith("poses") or tok.lower_ in _SUFFIX_NOT_DISEASE):
            yield tok.i, tok.i + 1


#: adjectives that do not belong to a disease mention
NOT_MODIFIER = frozenset("""
clinical several potential total normal general typical experimental additional individual original
significant specific possible severe mild moderate marked transient rare common frequent fatal serious
initial new novel early late previous subsequent first second third prolonged persistent reversible
irreversible known similar different important major minor other overall high low increased decreased
dose-dependent dose-related drug-induced induced associated related potential possible probable
present current recurrent relative absolute final usual unusual principal primary secondary central local
""".split())
_ADJ_RE = re.compile(r"^[a-z][a-z-]{3,}(ic|al|ar|ous|ive|tic|oid|ary|ory|eal|ian)$")


_CAP_RE = re.compile(r"^[A-Z][a-z]+(?:'s)?$")


def _modifier(tok) -> bool:
    low = tok.lower_
    if low in NOT_MODIFIER or low in STOP:
        return False
    return low in DISEASE_MODIFIERS or bool(_ADJ_RE.match(low)) or _disease_like(tok)


def _extend_left(doc, head: int, *, limit: int = 4) -> int:
    start = head
    while start > 0 and head - start < limit:
        prev = doc[start - 1]
        low = prev.lower_
        if _modifier(prev) or (
            low == "-" and start >= 2 and _modifier(doc[start - 2])
        ):
            start -= 1
        elif low == "'s" and start >= 2 and _CAP_RE.match(doc[start - 2].text):  # "Parkinson 's disease"
            start -= 2
            break
        else:
            break
    while start < head and doc[start].text == "-":
        start += 1
    return start


def head_phrases(doc, extend_left):
    """``(start, end)`` of every disease head with the modifiers ``extend_left(doc, head)`` takes in."""
    for tok in doc:
        if tok.lower_ in DISEASE_HEADS or _disease_like(tok):
            start = extend_left(doc, tok.i)
            if start < tok.i:
                yield start, tok.i + 1


@span_lf(labels=["Disease"])
def disease_head_phrase(doc):
    """``<anatomy/disease modifiers> + head``: ``congestive heart failure``, ``cholestatic hepatitis``."""
    yield from head_phrases(doc, _extend_left)


#: heads that take eponyms and gene/enzyme symbols: "Pendred syndrome", "G6PD deficiency"
EPONYM_HEADS = frozenset("""
syndrome syndromes disease diseases dystrophy dystrophies dysplasia anomaly anomalies deficiency deficiencies
ataxia sarcoma tumor tumour palsy fever anemia anaemia atrophy disorder neuropathy myopathy retinopathy
""".split())
_SYMBOL_RE = re.compile(r"^[A-Z][A-Z0-9]{1,6}$")


@span_lf(labels=["Disease"])
def eponym_disease(doc):
    """Eponyms and symbols before a disease head: ``Duchenne muscular dystrophy``, ``Denys-Drash syndrome``, ``G6PD deficiency``."""
    for tok in doc:
        low = tok.lower_
        if low not in EPONYM_HEADS:
            continue
        start = _extend_left(doc, tok.i)
        j = start
        k = 0
        while j > 0 and k < 4:
            prev = doc[j - 1]
            initial = prev.i == 0 or doc[prev.i - 1].text == "."
            if (_CAP_RE.match(prev.text) or (len(prev.text) == 1 and prev.text.isupper() and j == tok.i)) \
                    and prev.lower_ not in STOP and prev.lower_ not in NOT_MODIFIER and not (
                    initial and (_ADJ_RE.match(prev.lower_) or prev.lower_ in DISEASE_MODIFIERS)):
                j -= 1
            elif prev.text == "-" and j >= 2 and _CAP_RE.match(doc[j - 2].text):
                j -= 1
            elif prev.lower_ in {"von", "van", "der", "de", "la"} and j < start + 3:
                j -= 1
            elif low.startswith("deficien") and _SYMBOL_RE.match(prev.text) and j == tok.i:
                j -= 1
            else:
                break
            k += 1
        if j < start:
            j = _extend_left(doc, j, limit=2)  # "familial Mediterranean fever"
        while j < tok.i and doc[j].text == "-":
            j += 1
        if j < start:
            yield j, tok.i + 1


@span_lf(labels=["Disease"])
def coordinated_disease(doc):
    """Coordinated modifiers sharing one head: ``breast and ovarian cancer``, ``breast and/or ovarian cancer``."""
    n = len(doc)
    for tok in doc:
        if tok.lower_ not in DISEASE_HEADS:
            continue
        start = _extend_left(doc, tok.i, limit=2)
        if start == tok.i or start < 2:
            continue
        j = start - 1
        conj = doc[j].lower_
        if conj in {"and", "or", ",", "and/or", "/"}:  # "breast and/or ovarian cancer", "breast/ovarian cancer"
            k = j - 1
            if doc[k].text == "/" and k >= 2 and doc[k - 1].lower_ == "and":
                k -= 2
            if k >= 0 and _modifier(doc[k]) and doc[k].lower_ not in DISEASE_HEADS:
                s0 = _extend_left(doc, k + 1, limit=2) if k + 1 < n else k
                yield min(s0, k), tok.i + 1


@span_lf(labels=["Disease"])
def disease_head_word(doc):
    """A bare disease head noun (``seizures``, ``hypotension``, ``pain``) that is not preceded by a modifier."""
    for tok in doc:
        if tok.lower_ in DISEASE_HEADS and tok.lower_ not in {"damage", "loss", "block", "attack", "attacks", "arrest", "failure", "failures", "injury", "injuries", "deficiency", "deficit", "deficits", "dysfunction", "lesion", "lesions", "defect", "defects", "shock", "dependence", "abnormality", "abnormalities", "impairment", "impairments", "disease", "diseases", "disorder", "disorders", "syndrome", "syndromes", "insufficiency", "obstruction", "occlusion"}:
            if tok.i == 0 or doc[tok.i - 1].lower_ not in DISEASE_MODIFIERS:
                yield tok.i, tok.i + 1


@span_lf(labels=["Disease"])
def induced_disease(doc):
    """``X-induced Y``: the noun phrase after ``induced`` is a disease (``cocaine-induced seizures``)."""
    n = len(doc)
    for i, tok in enumerate(doc):
        if tok.lower_ in {"induced", "associated", "related"} and i >= 1 and doc[i - 1].text == "-" and i + 1 < n:
            j = i + 1
            end = j
            while end < n and end - j < 4 and _alpha_word(doc[end]) and doc[end].lower_ not in STOP and doc[end].lower_ not in _NP_STOP:
                end += 1
            if end > j and (doc[end - 1].lower_ in DISEASE_HEADS or _disease_like(doc[end - 1])):
                yield j, end


_NP_STOP = frozenset({"rats", "rat", "mice", "patients", "patient", "model", "models", "changes", "increase",
                      "increases", "decrease", "effects", "effect", "was", "were", "is", "are", "group"})

_DISEASE_CUES = frozenset({"patients with", "cases of", "incidence of", "risk of", "development of", "diagnosis of",
                           "treatment of", "suffering from", "diagnosed with", "history of", "symptoms of",
                           "prevention of", "onset of", "episodes of", "signs of", "occurrence of", "pathogenesis of",
                           "model of", "children with", "women with", "men with", "subjects with"})


@span_lf(labels=["Disease"])
def disease_cue_context(doc):
    """``patients with X``, ``incidence of X``, ``risk of X``: X is a disease when its last word looks like one."""
    n = len(doc)
    for i in range(1, n - 1):
        cue = f"{doc[i - 1].lower_} {doc[i].lower_}"
        if cue not in _DISEASE_CUES:
            continue
        j = i + 1
        end = j
        while end < n and end - j < 4 and _alpha_word(doc[end]) and doc[end].lower_ not in STOP and doc[end].lower_ not in _NP_STOP:
            end += 1
        if end > j and (doc[end - 1].lower_ in DISEASE_HEADS or _disease_like(doc[end - 1])):
            start = j
            while start < end - 1 and doc[start].lower_ not in DISEASE_MODIFIERS and not _disease_like(doc[start]):
                start += 1
            yield start, end


# --- negative (O) votes --------------------------------------------------------------------------


#: function words that can sit inside a mention ("loss of consciousness", "breast and ovarian cancer")
_INSIDE_OK = frozenset({"of", "and", "or", "in", "with", "to", "on", "by", "not", "no", "from", "the", "a", "an"})


@span_lf(labels=[OUTSIDE])
def stopwords_outside(doc):
    """Function words and punctuation are outside any entity (a negative LF: votes O)."""
    for tok in doc:
        if (tok.text.islower() and tok.lower_ in STOP and tok.lower_ not in _INSIDE_OK) or (PUNCT_RE.match(tok.text) and tok.text not in {"-", "'", "(", ")", ",", "/", "+", "["}):
            if tok.text == "]" and tok.i >= 2 and doc[tok.i - 2].text == "[" and re.fullmatch(r"\d{1,3}[A-Z][a-z]?", doc[tok.i - 1].text):
                continue  # "[3H]-L-arginine": the isotope label is part of the chemical
            yield tok.i, tok.i + 1


@span_lf(labels=[OUTSIDE])
def numbers_outside(doc):
    """Numbers and units are outside any entity (votes O), except inside chemical names: the serial
    number of a code name (``GR 55562``) and a unit-like letter before a hyphen (``U-II``)."""
    in_code = {i for s, e in code_name_spans(doc) for i in range(s, e)}
    n = len(doc)
    for i, tok in enumerate(doc):
        if i in in_code:
            continue
        hyphen_next = i + 1 < n and doc[i + 1].text == "-"
        if (UNIT_RE.match(tok.text) and not (hyphen_next and not tok.whitespace_)) or (tok.like_num and not hyphen_next):
            yield tok.i, tok.i + 1
