"""The ``clinical`` preset: what a clinician would label in a note or an eligibility criterion.

Labels are OMOP CDM domains as the Chia corpus uses them (Kury et al. 2020): ``Condition``,
``Drug``, ``Procedure``, ``Measurement``, ``Value``, ``Temporal``, ``Observation`` and ``Device``.
This module owns the guideline: which modifiers stay inside a mention ("chronic kidney disease",
"type 2 diabetes mellitus", "oral corticosteroids", "serum creatinine") and which are left out
("severe", "known", "uncontrolled": qualifiers; "current", "previous", "active": Temporal), the
word lists that are the guideline's own, the label map of a user's ontology, and the order in
which labels win where two of them claim the same words.  The LFs draw on the general library
(:mod:`labeling_functions.library`: term lists, ontology terms, value and temporal grammars,
morphology, section context, span editors) and on the derived word lists in
``labeling_functions/resources/clinical`` (each names its source and licence).

Votes of different labels never overlap when they reach the label model: :func:`resolve` keeps,
where two labels claim the same tokens, the vote of the more reliable kind of LF (tier), then the
longer span ("pregnancy test" is a Measurement, not the Condition "pregnancy").

Relations (``Has_value``, ``Has_temporal``) are in :mod:`labeling_functions.clinical_relations`.
"""

from __future__ import annotations

import functools
import hashlib
import re
from ..api import LFSet, lazy_resource, span_lf
from ..library import conditions as _conditions
from ..library import drugs as _drugs
from ..library import editors
from ..library import measurements as _measurements
from ..library import procedures as _procedures
from ..library import sections as _sections
from ..library.ontology import OntologyTerms
from ..library.temporal import find_temporal
from ..library.terms import TermList, doc_keys, read_term_file, term_key
from ..library.values import find_values, number_after, qualitative_values, roman_classes
from . import Preset

LABELS = ("Condition", "Drug", "Procedure", "Measurement", "Value", "Temporal", "Observation", "Device")
#: the labels scored as "micro over the first four" in docs/clinical.md
CORE_LABELS = ("Condition", "Drug", "Procedure", "Measurement")
_RES = "labeling_functions.resources.clinical"

# --- the guideline's word lists --------------------------------------------------------------------

#: qualifiers and time words that stay OUTSIDE a mention ("severe [asthma]", "[current] [smoking]")
OUTSIDE_MODIFIERS = frozenset(
    """severe significant clinically-significant known uncontrolled symptomatic serious suspected documented
    confirmed untreated diagnosed controlled decompensated acquired any other another all current currently
    previous previously prior active actively ongoing recent recently past history new newly existing pre-existing
    preexisting concomitant concurrent underlying relevant important mild moderate stable persistent evidence
    presence possible probable clinical elective planned regular treated diagnosed required received scheduled
    proven biopsy-proven histologically""".split()
)
#: words that stay INSIDE a condition mention before its head (besides body parts and adjectives)
CONDITION_MODIFIERS = frozenset(
    """acute chronic recurrent congenital primary secondary metastatic malignant benign systemic autoimmune
    inflammatory infectious hereditary familial idiopathic essential allergic major minor unstable psychotic
    bipolar depressive anxiety alcohol drug substance opioid tobacco nicotine heart liver kidney lung brain skin
    bone breast prostate thyroid blood cancer cell type stage end-stage end organ viral bacterial fungal
    invasive non-small small-cell diabetic hypertensive ischemic ischaemic hemorrhagic haemorrhagic obstructive
    restrictive degenerative neurodegenerative traumatic terminal advanced medical mental psychiatric cognitive
    behavioral behavioural eating sleep seizure mood personality developmental learning intellectual
    intracranial coronary valvular vascular peripheral central left right atrial ventricular venous arterial
    deep upper lower multiple generalized focal partial complete total life-threatening life threatening
    advanced localized localised disseminated metastasized complicated uncomplicated infected inherited
    enlarged impaired elevated decreased increased reduced reactive""".split()
)
PROCEDURE_MODIFIERS = frozenset(
    """general local regional spinal epidural major minor open laparoscopic robotic endoscopic percutaneous
    bilateral unilateral total partial radical complete surgical medical physical cardiac coronary vascular
    thoracic abdominal bariatric gastric pelvic orthopedic orthopaedic cosmetic reconstructive plastic emergency
    emergent urgent invasive minimally non-invasive noninvasive mechanical chest immunosuppressive
    antiplatelet anticoagulant hormonal hormone radiation cytotoxic systemic adjuvant neoadjuvant palliative
    curative intravenous iv oral inhaled targeted biological biologic cell gene stem replacement renal kidney
    liver heart lung bone marrow blood transplant diagnostic therapeutic""".split()
)
DRUG_MODIFIERS = frozenset(
    """oral topical systemic inhaled intravenous iv intramuscular subcutaneous parenteral transdermal local
    strong moderate potent immunosuppressive chronic""".split()
)
#: words that make a drug-class phrase about a trial, not a drug ("study drug", "investigational product")
NOT_DRUG_MODIFIERS = frozenset("study investigational experimental trial any other concomitant current prior "
                               "previous such these those all".split())
#: formulation and salt words after a drug name ("venlafaxine ER", "midodrine HCl")
DRUG_FORMULATIONS = frozenset("er xr sr cr xl la cd dr ir odt hcl hydrochloride sodium potassium ointment cream gel "
                              "patch".split())
MEASUREMENT_MODIFIERS = frozenset(
    """serum plasma urine urinary blood fasting total free direct indirect absolute mean average estimated
    calculated corrected systolic diastolic resting peak trough maximal maximum minimum random 24-hour
    left right arterial venous capillary body""".split()
)
#: condition heads: a word that makes a condition of the words before it ("psychiatric disorder")
CONDITION_HEADS = (
    "disease", "diseases", "disorder", "disorders", "syndrome", "syndromes", "failure", "insufficiency",
    "infection", "infections", "cancer", "cancers", "carcinoma", "tumor", "tumors", "tumour", "tumours",
    "malignancy", "malignancies", "neoplasm", "neoplasms", "injury", "injuries", "impairment", "dysfunction",
    "deficiency", "abuse", "dependence", "addiction", "allergy", "allergies", "hypersensitivity", "intolerance",
    "lesion", "lesions", "ulcer", "ulcers", "illness", "illnesses", "condition", "conditions", "abnormality",
    "abnormalities", "complication", "complications", "contraindication", "contraindications", "damage",
    "defect", "defects", "anomaly", "anomalies", "metastasis", "metastases", "bleeding", "hemorrhage",
    "haemorrhage", "obstruction", "occlusion", "thrombosis", "embolism", "fracture", "fractures", "pain",
    "symptoms", "ideation", "attack", "arrest", "shock", "infarction", "stroke", "reaction", "reactions",
    "dementia", "delirium", "psychosis", "seizure", "seizures", "epilepsy", "hypertension", "diabetes",
    "asthma", "angina", "arrhythmia", "arrhythmias", "hepatitis", "pregnancy", "event", "events", "retardation",
    "instability", "hyperplasia", "hypertrophy", "inflammation", "effusion", "aneurysm", "stenosis", "block",
)
DRUG_HEADS = ("inhibitor", "inhibitors", "blocker", "blockers", "agonist", "agonists", "antagonist", "antagonists",
              "analog", "analogs", "analogue", "analogues", "agent", "agents", "vaccine", "vaccines", "antibody",
              "antibodies", "modulator", "modulators", "supplement", "supplements", "medication", "medications",
              "drug", "drugs")
PROCEDURE_HEADS = (
    "surgery", "surgeries", "therapy", "therapies", "treatment", "treatments", "transplant", "transplantation",
    "biopsy", "biopsies", "resection", "repair", "replacement", "implantation", "intervention", "interventions",
    "procedure", "procedures", "operation", "operations", "ablation", "anesthesia", "anaesthesia", "dialysis",
    "ventilation", "intubation", "transfusion", "transfusions", "vaccination", "scan", "scans", "imaging",
    "examination", "exam", "catheterization", "revascularization", "injection", "injections", "infusion",
    "radiotherapy", "chemotherapy", "immunotherapy", "stimulation", "reconstruction", "grafting", "graft",
    "bypass", "placement", "insertion", "removal", "drainage", "fixation", "amputation", "irradiation",
    "radiation", "ultrasound", "radiograph", "x-ray", "angiography", "screening", "monitoring", "counseling",
    "rehabilitation", "regimen", "regimens",
)
#: condition heads that are a mention on their own; the other heads need a modifier ("psychiatric disorder")
CONDITION_BARE_OK = frozenset(
    """cancer cancers carcinoma tumor tumors tumour tumours malignancy malignancies neoplasm infection infections
    allergy allergies hypersensitivity intolerance stroke dementia delirium psychosis seizure seizures epilepsy
    hypertension diabetes asthma angina arrhythmia arrhythmias hepatitis pregnancy pain bleeding hemorrhage
    haemorrhage shock infarction embolism thrombosis fracture fractures metastases metastasis abuse addiction
    disease ulcer ulcers""".split())
#: procedure heads that are a mention on their own
PROCEDURE_BARE_OK = frozenset(
    """surgery surgeries transplant transplantation biopsy biopsies resection dialysis ventilation intubation
    transfusion transfusions vaccination radiotherapy chemotherapy immunotherapy amputation irradiation
    anesthesia anaesthesia angiography radiograph x-ray ultrasound revascularization catheterization ablation
    implantation""".split())
#: an operation noun that is a procedure only after a body part ("hip replacement", "valve repair")
OPERATION_NOUNS = ("replacement", "repair", "resection", "removal", "reconstruction", "fusion", "fixation",
                   "transplant", "transplantation", "bypass", "dilation", "dilatation", "drainage", "excision",
                   "insertion", "ligation", "stenting", "surgery", "biopsy", "embolization", "release",
                   "reduction", "injection", "block", "ablation", "puncture", "cannulation", "closure")
#: words that make a measurement of the words before them ("potassium level", "platelet count")
MEASUREMENT_HEADS = _measurements.MEASUREMENT_HEADS + ("function",)
#: Condition words of the guideline: pregnancy, lactation, allergy, contraindication, fertility
CONDITION_TERMS = (
    "pregnant", "pregnancy", "pregnancies", "lactating", "lactation", "nursing", "childbearing potential", "child-bearing potential", "child bearing potential",
    "postmenopausal", "post-menopausal", "menopause", "premenopausal", "allergy", "allergies", "allergic",
    "hypersensitivity", "hypersensitive", "intolerance", "intolerant", "contraindication", "contraindications",
    "infertility", "obesity", "obese", "overweight", "underweight", "healthy", "smoker", "smokers",
    "alcoholism", "alcohol abuse", "drug abuse", "substance abuse", "illicit drug use", "drug addiction",
    "immunocompromised", "immunosuppressed", "immunosuppression", "malignancy", "cancer", "tumor", "tumour",
    "infection", "sepsis", "trauma", "bleeding", "fever", "coma", "pain", "death", "disability", "frailty",
    "comorbidity", "comorbidities", "suicidal ideation", "suicide attempt", "mental illness", "psychiatric illness",
    "sensitivity", "contra-indication", "contra-indications", "toxicity", "toxicities", "relapse", "recurrence",
    "exacerbation", "exacerbations", "thrombus", "perforation", "fistula", "fistulae", "infarct", "swelling",
    "complications",
)
OBSERVATION_TERMS = (
    "history", "medical history", "past medical history", "family history", "surgical history",
    "social history", "life expectancy", "breastfeeding", "breast-feeding", "breast feeding", "smoking",
    "tobacco use", "alcohol use", "alcohol consumption", "alcohol intake", "drinking", "diet", "exercise",
    "sexually active", "sexual activity", "drug use", "travel", "occupation", "language barrier",
    "language barriers", "illiterate", "bedridden", "vegetarian",
)
TEMPORAL_ADJECTIVES = (
    "current", "currently", "previous", "previously", "prior", "ongoing", "recent", "recently", "past",
    "preoperative", "pre-operative", "postoperative", "post-operative", "pre-existing", "preexisting", "antecedent",
    "baseline", "perioperative", "peri-operative", "intraoperative", "postpartum", "post-partum",
)
TEMPORAL_ANCHORS = (
    "study entry", "entry", "screening", "baseline", "randomization", "randomisation", "enrollment", "enrolment",
    "inclusion", "surgery", "operation", "procedure", "study", "trial", "study start", "study drug", "first dose",
    "dosing", "dose", "treatment", "day", "week", "visit", "admission", "discharge", "consent", "informed consent",
    "delivery", "birth", "diagnosis", "onset", "presentation", "transplant", "transplantation", "injection",
    "infusion", "vaccination", "intervention", "initiation", "registration", "signing", "anesthesia", "induction",
    "hospitalization", "menstruation", "conception", "pregnancy", "entry into the study",
)
#: result words that are a Value next to a measurement ("negative pregnancy test", "HIV positive")
RESULT_WORDS = ("positive", "negative", "normal", "abnormal", "elevated", "increased", "decreased", "reduced",
                "impaired", "high", "low", "adequate", "inadequate", "detectable", "undetectable",
                "nonreactive", "non-reactive", "raised", "confirmed", "proven", "controlled", "uncontrolled")
#: classes with Roman numerals after them ("NYHA class III", "stage IV", "grade II-IV")
CLASS_WORDS = ("class", "grade", "stage", "nyha", "asa", "type", "functional", "child-pugh", "gold", "tnm")
#: single drug-list words that are ordinary clinical words here
NOT_DRUG_WORDS = frozenset(
    """alcohol water oxygen air sodium potassium calcium magnesium chloride glucose sugar salt zinc copper
    lead gold silver blood plasma serum urine protein albumin vitamin dextrose saline contrast dye
    ice heat light food milk egg eggs coffee tea tobacco release control balance care support relief complete
    advance today focus clear cool contraceptive contraceptives hormone hormones antibody antibodies
    biologic yeast""".split()
)
#: ambiguous abbreviations and the next word that confirms them: {abbreviation: (label, regex)}
CONFIRMED_ABBREVIATIONS = {
    "ASA": ("Measurement", r"(?i)I{1,3}|IV|V|[1-5]|class|score|grade|physical|status|PS"),
    "PS": ("Measurement", r"[0-4]|of|score"),
    "HR": ("Measurement", r"\d+|of|was|is|:|="),
    "PT": ("Measurement", r"\d+(\.\d+)?|/|INR|of|was|is|:|="),
    "HCT": ("Measurement", r"\d+(\.\d+)?%?|of|was|is|:|="),
    "Hct": ("Measurement", r"\d+(\.\d+)?%?|of|was|is|:|=|,"),
    "RR": ("Measurement", r"\d+|of|was|is|:|="),
    "BP": ("Measurement", r"\d+|of|was|is|:|=|[<>≤≥]"),
    "T": ("Measurement", r"\d{2,3}(\.\d)?"),
}
#: SNOMED CT semantic tags and UMLS semantic types -> label (a user's --ontology)
ONTOLOGY_KIND_LABELS = {
    # SNOMED CT semantic tags
    "disorder": "Condition", "finding": "Condition", "morphologic abnormality": "Condition",
    "procedure": "Procedure", "regime/therapy": "Procedure", "substance": "Drug", "product": "Drug",
    "medicinal product": "Drug", "medicinal product form": "Drug", "clinical drug": "Drug",
    "observable entity": "Measurement", "physical object": "Device", "situation": "Observation",
    "event": "Observation", "qualifier value": None, "body structure": None,
    # UMLS semantic types
    "disease or syndrome": "Condition", "sign or symptom": "Condition", "neoplastic process": "Condition",
    "mental or behavioral dysfunction": "Condition", "injury or poisoning": "Condition",
    "congenital abnormality": "Condition", "acquired abnormality": "Condition", "pathologic function": "Condition",
    "anatomical abnormality": "Condition", "cell or molecular dysfunction": "Condition",
    "pharmacologic substance": "Drug", "clinical drug": "Drug", "antibiotic": "Drug",
    "immunologic factor": "Drug", "vitamin": "Drug", "hormone": "Drug", "organic chemical": "Drug",
    "therapeutic or preventive procedure": "Procedure", "diagnostic procedure": "Procedure",
    "laboratory procedure": "Measurement", "laboratory or test result": "Measurement",
    "clinical attribute": "Measurement", "medical device": "Device", "temporal concept": "Temporal",
    "individual behavior": "Observation",
}
#: device nouns that make an HCPCS description head a device ("manual wheelchair", "knee orthosis")
DEVICE_NOUNS = frozenset(
    """wheelchair orthosis prosthesis catheter pump implant stimulator monitor ventilator nebulizer bed cane crutch
    crutches walker boot brace stent pacemaker device appliance concentrator syringe bandage stocking shoe footwear
    lens pessary spirometer humidifier cardioverter-defibrillator dressing mattress lift commode urinal""".split()
)

# --- tiers and priorities: who wins where two labels claim the same tokens --------------------------

#: 3 = word lists, ontology terms and grammars; 2 = morphology and context; 1 = section list items
TIERS: dict[str, int] = {}
PRIORITY: dict[str, int] = {}


def _lf(tier: int, priority: int, labels):
    """``span_lf`` plus the LF's tier and priority in :func:`resolve`."""

    def wrap(func):
        lf = span_lf(labels=labels)(func)
        TIERS[lf.name] = tier
        PRIORITY[lf.name] = priority
        return lf

    return wrap


# --- resources (built once per process, on first use) ----------------------------------------------


@functools.lru_cache(maxsize=None)
def drug_terms() -> TermList:
    rows = []
    for line in read_term_file(_RES, "drugs.tsv.gz"):
        term, _, kind = line.partition("\t")
        if term in NOT_DRUG_WORDS or len(term) < 3:
            continue
        rows.append((term, "Drug", "capital" if kind == "brand_cased" else "any"))
    return TermList(rows, min_length=3, name="drugs")


@functools.lru_cache(maxsize=None)
def drug_name_terms() -> TermList:
    from ..lexicons import drug_names

    ok = re.compile(r"^[a-z][a-z-]{4,}(?: [a-z][a-z-]{2,}){0,2}$")
    rows = [(n, "Drug") for n in drug_names() if ok.match(n) and n not in NOT_DRUG_WORDS
            and not n.split()[-1] in {"acid", "oil", "extract", "water", "powder", "solution"}]
    return TermList(rows, min_length=5, name="drug_names")


def _hand_list(name: str, label: str) -> list[tuple[str, str, str]]:
    rows = []
    for line in read_term_file(_RES, name):
        term, _, rule = line.partition("\t")
        rows.append((term.strip(), label, rule.strip() or "any"))
    return rows


@functools.lru_cache(maxsize=None)
def drug_class_terms() -> TermList:
    return TermList(_hand_list("drug_classes.txt", "Drug"), name="drug_classes")


@functools.lru_cache(maxsize=None)
def measurement_terms() -> TermList:
    return TermList(_hand_list("measurements.txt", "Measurement"), name="measurements")


_PCS_ALONE = frozenset("""fluoroscopy ultrasonography brachytherapy transplantation transfusion pheresis radiosurgery
    resection excision ablation fragmentation extirpation radiography phototherapy psychotherapy hyperthermia""".split())


@functools.lru_cache(maxsize=None)
def procedure_terms() -> TermList:
    rows = _hand_list("procedures.txt", "Procedure")
    for op in read_term_file(_RES, "pcs_operations.txt"):
        m = re.match(r"^(.*?)\s*\((.+)\)\s*(.*)$", op)
        forms = [f"{m.group(1)} {m.group(3)}".strip(), m.group(2)] if m else [op]
        for form in forms:
            if len(form.split()) > 1 or form in _PCS_ALONE:
                rows.append((form, "Procedure", "any"))
    return TermList(rows, name="procedures")


@functools.lru_cache(maxsize=None)
def device_terms() -> TermList:
    rows = _hand_list("devices.txt", "Device")
    rows += [(t, "Device", "any") for t in read_term_file(_RES, "pcs_devices.txt")]
    rows += [(t, "Device", "any") for t in read_term_file(_RES, "hcpcs_devices.txt") if t.split()[-1] in DEVICE_NOUNS]
    return TermList(rows, name="devices")


@functools.lru_cache(maxsize=None)
def symptom_terms() -> TermList:
    return TermList([(t, "Condition") for t in read_term_file(_RES, "symptoms.txt")], min_length=4, name="symptoms")


@functools.lru_cache(maxsize=None)
def guideline_terms() -> TermList:
    rows = [(t, "Condition") for t in CONDITION_TERMS] + [(t, "Observation") for t in OBSERVATION_TERMS]
    return TermList(rows, name="guideline")


@functools.lru_cache(maxsize=None)
def anatomy_terms() -> TermList:
    words = set(read_term_file(_RES, "anatomy.txt"))
    return TermList([(t, "Anatomy") for t in words], min_length=3, name="anatomy")


def _icd_label(code: str) -> str | None:
    """ICD-10-CM chapter -> label: diseases, symptoms, injuries, pregnancy (A-T); Z33 pregnant state."""
    if not code:
        return None
    if code[0] in "ABCDEFGHIJKLMNOPQRST":
        return "Condition"
    if code.startswith(("Z33", "Z34", "Z3A")):
        return "Condition"
    return None


_ICD_BAD_WORDS = re.compile(r"\b(encounter|sequela|subsequent|initial|history|status|screening|examination|"
                            r"underdosing|poisoning|adverse effect|toxic effect|exposure|contact with|"
                            r"unspecified|other|classified|elsewhere|without|NOS)\b", re.I)


def _icd_term_ok(term: str, kind: str) -> bool:
    """ICD-10-CM terms a clinician writes as a mention: no coding words, no long generated heads."""
    if kind == "inverted" or kind in ("head", "head_without") and len(term.split()) > 4:
        return False
    return not _ICD_BAD_WORDS.search(term) and "," not in term


@functools.lru_cache(maxsize=None)
def icd10cm_terms() -> OntologyTerms:
    return OntologyTerms("icd10cm", code_label=_icd_label, term_ok=_icd_term_ok)


@functools.lru_cache(maxsize=None)
def user_ontology_terms(name: str) -> OntologyTerms:
    return OntologyTerms(name, kind_labels={k: v for k, v in ONTOLOGY_KIND_LABELS.items() if v})


@functools.lru_cache(maxsize=None)
def abbreviation_terms() -> TermList:
    """Clinical abbreviations typed by their dominant sense (``abbreviations_typed.tsv``, written by
    ``python -m labeling_functions.build_clinical_lexicons`` with :func:`type_abbreviations`)."""
    rows = []
    for line in read_term_file(_RES, "abbreviations_typed.tsv"):
        abbr, label, rule = line.split("\t")
        rows.append((abbr, label, rule))
    return TermList(rows, name="abbreviations")


def type_abbreviations() -> list[tuple[str, str, str]]:
    """``(ABBREVIATION, label, case rule)`` for every abbreviation of ``abbreviations.tsv.gz`` whose senses
    (weighted by their share) are at least 90% one label of :func:`sense_label`; any case when notes
    write it in lower case too and it has three or more characters, else capitals only."""
    from spacy.lang.en.stop_words import STOP_WORDS

    senses: dict[str, list[tuple[str, float, str]]] = {}
    for line in read_term_file(_RES, "abbreviations.tsv.gz"):
        abbr, sense, share, cases = line.split("\t")
        senses.setdefault(abbr, []).append((sense, float(share), cases))
    rows = []
    for abbr, items in senses.items():
        if len(abbr) < 2 or abbr in STOP_WORDS or not re.search(r"[a-z]", abbr):
            continue
        typed: dict[str, float] = {}
        total = sum(sh for _, sh, _ in items) or 1.0
        for sense, share, _ in items:
            typed_as = sense_label(sense)
            typed[typed_as or ""] = typed.get(typed_as or "", 0.0) + share / total
        label, share = max(typed.items(), key=lambda kv: kv[1])
        if not label or share < 0.9:
            continue
        cases = items[0][2].split("|")
        lower_used = any(c == c.lower() for c in cases) and len(abbr) >= 3
        rows.append((abbr.upper(), label, "any" if lower_used else "upper"))
    return sorted(rows)


#: heads that type an abbreviation's long form as a condition ("reaction", "event" are too loose here)
_SENSE_CONDITION_HEADS = frozenset(
    """disease diseases disorder disorders syndrome failure insufficiency infection infections cancer carcinoma tumor
    tumour malignancy neoplasm injury impairment dysfunction deficiency abuse dependence allergy hypersensitivity
    intolerance lesion ulcer illness abnormality anomaly defect metastasis metastases hemorrhage haemorrhage
    obstruction occlusion thrombosis embolism thromboembolism fracture infarction stroke dementia psychosis seizure
    seizures epilepsy hypertension diabetes asthma angina arrhythmia hepatitis leukemia leukaemia lymphoma""".split())
_NOT_A_MENTION = re.compile(r"^(no|not|non|negative|rule out|r/o|history|status|without|normal)\b|present illness")


def sense_label(sense: str) -> str | None:
    """The label of an abbreviation's long form, from the word lists (None: not typed)."""
    if _NOT_A_MENTION.search(sense):
        return None
    for lexicon in (measurement_terms(), procedure_terms(), drug_class_terms(), device_terms(), drug_terms(),
                    guideline_terms(), symptom_terms()):
        label = lexicon.label_of(sense)
        if label is not None:
            return label
    idx = icd10cm_terms().index
    v = idx.lookup.get(term_key(sense))
    if v is not None and v > 0 and _icd_label(idx.codes[v - 1]):
        return "Condition"
    words = sense.split()
    if words and (words[-1] in _SENSE_CONDITION_HEADS or words[-1] == "virus") or _conditions.morphology_word(sense):
        return "Condition"
    if words and words[-1] in PROCEDURE_HEADS or _procedures.morphology_word(sense):
        return "Procedure"
    return None


RESOURCES = {
    "drug_terms": lazy_resource(drug_terms),
    "drug_name_terms": lazy_resource(drug_name_terms),
    "drug_class_terms": lazy_resource(drug_class_terms),
    "measurement_terms": lazy_resource(measurement_terms),
    "procedure_terms": lazy_resource(procedure_terms),
    "device_terms": lazy_resource(device_terms),
    "symptom_terms": lazy_resource(symptom_terms),
    "guideline_terms": lazy_resource(guideline_terms),
    "anatomy_terms": lazy_resource(anatomy_terms),
    "icd10cm_terms": lazy_resource(icd10cm_terms),
    "abbreviation_terms": lazy_resource(abbreviation_terms),
    #: a user's compiled ontology (``--ontology NAME``); the pipeline sets it
    "ontology_name": None,
}

# --- modifiers: which tokens may join a mention -------------------------------------------------------

_ADJ_SUFFIXES = ("al", "ic", "ac", "ar", "ary", "ous", "ive", "oid", "ial", "eal", "tic", "ine")
#: function words and common verbs of criteria and notes: never part of a mention's modifiers
FUNCTION_WORDS = frozenset(
    """have has had having do does did done be been being is are was were will would shall should may might must
    can could need needs needed require requires required requiring receive receives received receiving
    undergo undergoes underwent undergone undergoing take takes took taken taking use uses used using plan plans
    planned perform performed include includes included including such as who whom whose which that what when
    where while if unless except e.g. i.e. etc. eg ie vs per via within without with under over after before
    during since until between among least most more less one two three both either neither each every some
    many much few several same successful unsuccessful able unable willing i you he she it we they me him us
    them my your our its their mine yours this these those there here would could will shall might
    denies deny denied denying reports reported complains complained presents presented shows showed
    states stated notes noted says said feels felt gets got went go goes also only just now still then
    about approximately nearly almost very quite again daily""".split())
#: people and other words that never join a mention from the left
_PEOPLE = frozenset("female females male males men women woman man adults adult children child subjects subject "
                    "participants participant volunteers volunteer patients patient people persons age ages aged "
                    "gender sex".split())
_STOP = frozenset(
    "a an the and or but of in on at for from to by as is are was were be been with without not no than this that "
    "these those his her their its patient patients subject subjects any all other".split()
) | frozenset(RESULT_WORDS) | frozenset(TEMPORAL_ADJECTIVES)


def _word(tok) -> bool:
    return _word_text(tok.text)


@functools.lru_cache(maxsize=100_000)
def _word_text(text: str) -> bool:
    return (bool(text) and (text[0].isalpha() or text[:1].isdigit() and "-" in text) and "\n" not in text
            and "." not in text and text.lower() not in FUNCTION_WORDS)


def _cached_predicate(func):
    """A token predicate computed once per token text (predicates depend on the text only)."""
    cached = functools.lru_cache(maxsize=100_000)(func)

    def predicate(tok) -> bool:
        return cached(tok.text)

    predicate.__doc__ = func.__doc__
    return predicate


def _anatomy_before(doc, i: int) -> int:
    """Number of tokens of a body part that ends just before token ``i`` (0: none)."""
    terms = anatomy_terms()
    for n in (3, 2, 1):
        if i - n < 0:
            continue
        if all(_word(doc[k]) for k in range(i - n, i)) and terms.label_of(doc[i - n:i].text) is not None:
            return n
    return 0


def _is_adjective(low: str) -> bool:
    return len(low) > 4 and low.endswith(_ADJ_SUFFIXES) and low.isalpha()


@_cached_predicate
def _condition_modifier(text: str) -> bool:
    low = text.lower()
    if low in OUTSIDE_MODIFIERS or low in _STOP or low in _PEOPLE or not _word_text(text):
        return False
    return (low in CONDITION_MODIFIERS or _is_adjective(low) or anatomy_terms().label_of(low) is not None
            or text.isupper() and len(text) >= 2)


@_cached_predicate
def _head_modifier(text: str) -> bool:
    """Before a condition or procedure head any content word joins: "inflammatory bowel disease",
    "Crohn's disease", "anti-VEGF treatment", "eradication therapy" (not qualifiers, time words, people,
    verbs in -ing, adverbs in -ly, numbers)."""
    low = text.lower()
    if low in OUTSIDE_MODIFIERS or low in _STOP or low in _PEOPLE or not _word_text(text):
        return False
    if low in CONDITION_MODIFIERS or low in PROCEDURE_MODIFIERS:
        return True
    return not (low.endswith(("ing", "ly")) and low not in {"bleeding", "eating", "lowering"}) and not low[:1].isdigit()


@_cached_predicate
def _procedure_head_modifier(text: str) -> bool:
    """Before a procedure head: body parts, adjectives, drug and drug-class words ("anti-VEGF treatment",
    "insulin therapy"), abbreviations and hyphenated words; not any word ("clear drainage")."""
    low = text.lower()
    if low in OUTSIDE_MODIFIERS or low in _STOP or low in _PEOPLE or not _word_text(text):
        return False
    return (_procedure_modifier_text(text) or "-" in low or text.isupper() and len(text) > 1
            or drug_terms().label_of(low) is not None or drug_class_terms().label_of(low) is not None
            or low in CONDITION_MODIFIERS or procedure_terms().label_of(low) is not None or _condition_word(low))


def _condition_word(low: str) -> bool:
    """A one-word condition of ICD-10-CM or the Symptom Ontology ("cancer screening", "smallpox vaccination")."""
    idx = icd10cm_terms().index
    v = idx.lookup.get(term_key(low))
    return (v is not None and v > 0 and _icd_label(idx.codes[v - 1]) is not None) or symptom_terms().label_of(low) is not None


def _virus_letter(doc, i: int) -> int:
    """'hepatitis [B]', 'HIV-[1]': a letter or digit naming the type after the head (1 token) or 0."""
    if 0 < i < len(doc) and doc[i - 1].lower_ in {"hepatitis", "hep", "hiv", "htlv", "hsv", "hpv"} \
            and re.fullmatch(r"[A-E]|[12]", doc[i].text):
        return 1
    return 0


def _type_number(doc, i: int) -> int:
    """'type 2' / 'type II' / 'stage IV' just before token ``i`` (2 tokens) or 0."""
    if i >= 2 and doc[i - 2].lower_ in {"type", "stage", "grade", "class"} and re.fullmatch(r"\d|I{1,3}|IV|V|[ab12]", doc[i - 1].text):
        return 2
    return 0


def _procedure_modifier_text(text: str) -> bool:
    low = text.lower()
    if low in OUTSIDE_MODIFIERS or low in _STOP or not _word_text(text):
        return False
    return low in PROCEDURE_MODIFIERS or _is_adjective(low) or anatomy_terms().label_of(low) is not None


_procedure_modifier = _cached_predicate(_procedure_modifier_text)


@_cached_predicate
def _drug_modifier(text: str) -> bool:
    low = text.lower()
    if low in OUTSIDE_MODIFIERS or low in _STOP or low in NOT_DRUG_MODIFIERS or low in FUNCTION_WORDS \
            or (not low[:1].isalnum() and low != "-"):
        return False
    return bool(low) and "\n" not in low and not low.isspace()


@_cached_predicate
def _measurement_modifier(text: str) -> bool:
    low = text.lower()
    if low in OUTSIDE_MODIFIERS or low in _STOP or low in _PEOPLE or not _word_text(text):
        return False
    return (low in MEASUREMENT_MODIFIERS or anatomy_terms().label_of(low) is not None or _is_adjective(low)
            or measurement_terms().label_of(low) is not None or text.isupper() and len(text) >= 2)


def _right_continuation(doc, i: int) -> int:
    """Words that finish a mention on its right: "diabetes [mellitus]", "angina [pectoris]", "hepatitis B
    [virus]", "carcinoma [in situ]", "diabetes [type 2]", "cancer [of the breast]" (a body part)."""
    n = len(doc)
    if i >= n or i == 0:
        return 0
    low = doc[i].lower_
    if low in _LATIN_CONTINUATIONS:
        return 1
    if low == "in" and i + 1 < n and doc[i + 1].lower_ == "situ":
        return 2
    if low == "type" and i + 1 < n and re.fullmatch(r"[12]|I{1,2}|[AB]", doc[i + 1].text):
        return 2
    if low == "of" and doc[i - 1].lower_ in CONDITION_HEADS + PROCEDURE_HEADS:
        j = i + 1
        if j < n and doc[j].lower_ in {"the", "a"}:
            j += 1
        for k in (3, 2, 1):
            if j + k <= n and all(_word(doc[x]) for x in range(j, j + k)) \
                    and anatomy_terms().label_of(doc[j:j + k].text) is not None:
                return j + k - i
    return 0


_LATIN_CONTINUATIONS = frozenset("mellitus pectoris insipidus virus diathesis vulgaris nervosa gravis major minor "
                                 "multiplex externa interna".split())


def _parenthetical_abbreviation(doc, i: int) -> int:
    """'( ABBR )' right after a mention, ABBR written in capitals: "body mass index (BMI)" is one mention."""
    if i + 2 < len(doc) and doc[i].text == "(" and doc[i + 2].text == ")" and _SHORT_FORM.match(doc[i + 1].text) \
            and sum(c.isupper() for c in doc[i + 1].text) >= 2:
        return 3
    return 0


def _grow(doc, spans, modifier, max_left: int = 3, *, coordinate: bool = True, right: bool = True):
    """The guideline's edit of a found mention: modifiers and 'type 2' to the left, 'hepatitis B', 'diabetes
    mellitus', 'cancer of the breast' to the right, the other conjuncts of an elided head ("renal or hepatic
    impairment"), whole hyphenated words, no edge punctuation."""
    steps = [
        editors.whole_words,
        editors.extend_over(_type_number, side="left"),
        editors.extend_left(modifier, max_tokens=max_left),
        editors.extend_over(_type_number, side="left"),
        editors.extend_over(_virus_letter, side="right"),
    ]
    if right:
        steps.append(editors.extend_over(_right_continuation, side="right"))
    steps.append(editors.whole_words)
    if coordinate:
        steps.append(editors.coordinated_left(modifier))
    steps.append(editors.trim(lambda t: t.is_punct or t.is_space or t.lower_ in _STOP))
    return editors.chain(doc, spans, *steps)


# --- Condition LFs ---------------------------------------------------------------------------------


def _with_abbreviation(doc, spans):
    """Chia writes "long form (ABBR)" as one Condition or Measurement mention more often than as two."""
    return editors.chain(doc, spans, editors.extend_over(_parenthetical_abbreviation, side="right"))


@_lf(3, 5, ["Condition"])
def icd10cm_condition(doc, *, icd10cm_terms):
    """ICD-10-CM terms (bundled ontology, chapters A-T), with the guideline's modifiers kept inside.

    Below the drug, device and guideline lists in priority: a word that is both a bare ICD-10-CM term
    and a drug or a guideline word ("opioids", "drug use") is the drug / the guideline's label; the
    ontology wins with the longer span ("opioid dependence")."""
    return _with_abbreviation(doc, _grow(doc, icd10cm_terms(doc), _condition_modifier))


@_lf(3, 5, ["Condition"])
def symptom_ontology(doc, *, symptom_terms):
    """Symptom Ontology names and synonyms (CC0)."""
    found = [sp for sp in symptom_terms(doc) if not (sp[1] - sp[0] == 1 and doc[sp[0]].lower_ in NOT_CONDITION_WORDS)]
    return _grow(doc, found, _condition_modifier)


@_lf(3, 6, ["Condition", "Observation"])
def guideline_words(doc, *, guideline_terms):
    """The guideline's Condition words (pregnancy, lactation, allergy, contraindication) and Observations
    (history, life expectancy, smoking, informed consent)."""
    found = [sp for sp in guideline_terms(doc) if not _place_word(doc, sp)]
    cond = [sp for sp in found if sp[2] == "Condition"]
    return _grow(doc, cond, _condition_modifier) + [sp for sp in found if sp[2] == "Observation"]


def _department(doc, span) -> bool:
    """"referred to General Surgery", "seen by Vascular Surgery": a hospital service, not an operation."""
    s, e, _ = span
    return (e - s >= 2 and all(doc[i].text[:1].isupper() for i in range(s, e)) and s > 0
            and doc[s - 1].lower_ in {"by", "to", "from", "at", "with", "of", "the"}
            and doc[e - 1].lower_ in {"surgery", "medicine", "service", "services"})


def _place_word(doc, span) -> bool:
    """"nursing home", "nursing staff": a place or people, not lactation."""
    return span[1] < len(doc) and doc[span[0]].lower_ == "nursing" and doc[span[1]].lower_ in {
        "home", "homes", "facility", "facilities", "staff", "care", "student", "students", "notes", "note", "unit"}


#: single words of the symptom and disease lists that are hospital events or objects here
NOT_CONDITION_WORDS = frozenset("discharge discharges admission drain drainage lift".split())


@_lf(2, 3, ["Condition"])
def condition_head_phrase(doc):
    """A condition head noun ("disease", "disorder", "failure", "abuse") with its modifiers: "psychiatric disorder"."""
    from ..library.terms import head_phrases

    found = _grow(doc, head_phrases(doc, CONDITION_HEADS, "Condition"), _head_modifier, coordinate=False)
    found = [sp for sp in found if sp[1] - sp[0] > 1 or doc[sp[0]].lower_ in CONDITION_BARE_OK]
    return _with_abbreviation(doc, editors.coordinated_left(_head_modifier)(doc, found))


@_lf(2, 2, ["Condition"])
def condition_morphology(doc):
    """Words formed as a condition: -itis, -osis, -emia, -pathy, -oma, -algia, -penia, -megaly ..."""
    return _grow(doc, _conditions.morphology(doc), _condition_modifier)


# --- Drug LFs --------------------------------------------------------------------------------------


def _formulation(doc, i: int) -> int:
    return 1 if 0 < i < len(doc) and doc[i].lower_ in DRUG_FORMULATIONS and not doc[i - 1].whitespace_ == "" else 0


def _drug_grow(doc, spans):
    return editors.chain(doc, spans, editors.whole_words,
                         editors.extend_left(lambda t: t.lower_ in DRUG_MODIFIERS, max_tokens=2),
                         editors.extend_over(_formulation, side="right"))


@_lf(3, 6, ["Drug"])
def rxnorm_fda_drugs(doc, *, drug_terms):
    """RxNorm prescribable ingredients and brands, Drugs@FDA names (brands that are words: capitalised only)."""
    return _drug_grow(doc, drug_terms(doc))


@_lf(3, 4, ["Drug"])
def drug_name_list(doc, *, drug_name_terms):
    """Drug names and synonyms of drug-named-entity-recognition (DrugBank, NHS, MeSH, Wikipedia)."""
    return _drug_grow(doc, drug_name_terms(doc))


@_lf(3, 6, ["Drug"])
def drug_classes(doc, *, drug_class_terms):
    """Drug classes and generic drug words ("corticosteroids", "NSAIDs", "study drug", "medications")."""
    return _drug_grow(doc, drug_class_terms(doc))


@_lf(2, 3, ["Drug"])
def drug_class_phrase(doc):
    """A class head ("inhibitors", "blockers", "agents", "vaccine") with the words naming it: "proton pump inhibitors"."""
    from ..library.terms import head_phrases

    found = head_phrases(doc, DRUG_HEADS, "Drug", modifier=_drug_modifier, max_left=3)
    found = editors.chain(doc, found, editors.trim(lambda t: t.is_punct or t.lower_ in _STOP),
                          editors.keep(lambda span: len(span) > 1))
    # "medication", "drugs", "agents", "supplements" need a class-like word before them ("antiepileptic drugs",
    # "pain medication"), not just any word ("daily medication")
    return [sp for sp in found if doc[sp[1] - 1].lower_ not in _GENERIC_DRUG_HEADS or _class_word(doc[sp[1] - 2].text)]


_GENERIC_DRUG_HEADS = frozenset("medication medications drug drugs agent agents supplement supplements".split())


@functools.lru_cache(maxsize=50_000)
def _class_word(text: str) -> bool:
    low = text.lower()
    return (_is_adjective(low) or low.endswith(("ant", "ants", "ory")) or "-" in low or text.isupper() and len(text) > 1
            or low in {"pain", "blood", "heart", "thyroid", "sleep", "diabetes", "cholesterol", "seizure", "allergy"}
            or drug_terms().label_of(low) is not None or drug_class_terms().label_of(low) is not None)


@_lf(2, 3, ["Drug"])
def drug_stem(doc):
    """Words with a USAN/INN stem (-pril, -olol, -mab, -tinib, -statin, ...)."""
    return _drug_grow(doc, _drugs.stem_words(doc))


@_lf(2, 2, ["Drug"])
def drug_before_dose(doc):
    """The word before a dose ("Lasix 40 mg", "aspirin 81 mg daily")."""
    stop = _STOP | OUTSIDE_MODIFIERS | frozenset(MEASUREMENT_HEADS) | {"dose", "doses", "total", "daily", "maximum"}
    found = _drugs.dose_context(doc, max_tokens=1, stop=stop)
    mt = measurement_terms()
    return [sp for sp in found if mt.label_of(doc[sp[0]:sp[1]].text) is None]


@_lf(1, 1, ["Drug"])
def medication_section_items(doc):
    """The first words of each item in a medications or allergies section."""
    stop = _STOP | FUNCTION_WORDS | _PEOPLE | {"none", "nkda", "no", "known", "drug", "drugs", "allergies", "allergy",
                                               "medications", "medication", "include", "includes", "including"}
    found = _sections.list_item_heads(doc, ("medications", "allergies", "allergy"), "Drug", max_tokens=2, stop=stop)
    return [sp for sp in found if any(c.isupper() for c in doc[sp[0]].text[:1]) or _known_drug(doc[sp[0]:sp[1]].text)]


def _known_drug(text: str) -> bool:
    return drug_terms().label_of(text) is not None or drug_name_terms().label_of(text) is not None


# --- Procedure LFs ---------------------------------------------------------------------------------


@_lf(3, 5, ["Procedure"])
def procedure_list(doc, *, procedure_terms):
    """Procedures, therapies, imaging and examinations (hand-written list and ICD-10-PCS operations)."""
    return _grow(doc, procedure_terms(doc), _procedure_modifier)


@_lf(2, 4, ["Procedure"])
def procedure_morphology(doc):
    """Words formed as a procedure: -ectomy, -otomy, -ostomy, -plasty, -scopy, -graphy, -gram ..."""
    return _grow(doc, _procedures.morphology(doc), _procedure_modifier)


@_lf(2, 3, ["Procedure"])
def procedure_head_phrase(doc):
    """A procedure head ("surgery", "therapy", "transplant") with its modifiers: "cardiac surgery"."""
    from ..library.terms import head_phrases

    found = _grow(doc, head_phrases(doc, PROCEDURE_HEADS, "Procedure"), _procedure_head_modifier, coordinate=False)
    found = [sp for sp in found if (sp[1] - sp[0] > 1 or doc[sp[0]].lower_ in PROCEDURE_BARE_OK)
             and not _department(doc, sp)]
    return editors.coordinated_left(_procedure_head_modifier)(doc, found)


@_lf(2, 4, ["Procedure"])
def body_part_operation(doc):
    """An operation after a body part (ICD-10-PCS body parts): "hip replacement", "valve repair"."""
    return _grow(doc, _procedures.anatomy_operation(doc, OPERATION_NOUNS, _anatomy_before), _procedure_modifier)


# --- Measurement LFs -------------------------------------------------------------------------------


@_lf(3, 7, ["Measurement"])
def measurement_list(doc, *, measurement_terms):
    """Laboratory tests, vital signs, scores and scales (hand-written list)."""
    return _with_abbreviation(doc, _grow(doc, measurement_terms(doc), _measurement_modifier, max_left=2))


@_lf(2, 3, ["Measurement"])
def measurement_head_phrase(doc):
    """A measured quantity ("level", "count", "score", "clearance") after what is measured: "potassium level"."""
    from ..library.terms import head_phrases

    found = head_phrases(doc, MEASUREMENT_HEADS, "Measurement", modifier=_measurement_modifier, max_left=3)
    return [sp for sp in _grow(doc, found, _measurement_modifier) if sp[1] - sp[0] > 1]


#: the last word of a named assessment instrument ("Glasgow Coma Scale", "Beck Depression Inventory")
INSTRUMENT_HEADS = frozenset("scale scales score scores rating inventory questionnaire index classification "
                             "examination assessment test status".split())
_INSTRUMENT_JOINERS = frozenset({"-", "/", "'s", "of", "for", "and"})


@_lf(3, 7, ["Measurement"])
def named_instrument(doc):
    """A named assessment instrument, written as a title: capitalised words ending in Scale, Score,
    Rating, Inventory, Questionnaire, Index, Classification, Examination, Assessment, Test or Status
    ("Yale-Brown Obsessive-Compulsive Scale", "17-item Hamilton Depression Rating Scale", "Mini-Mental
    State Examination", "Karnofsky Performance Status").  The disease words inside belong to the
    instrument's name, so the whole title is the Measurement."""
    out = []
    for tok in doc:
        if tok.lower_ not in INSTRUMENT_HEADS or not tok.text[:1].isupper() or tok.i == 0:
            continue
        start, titled, j = tok.i, 0, tok.i - 1
        while j >= 0 and tok.i - j <= 9:
            t = doc[j]
            if t.is_space or "\n" in t.whitespace_ or t.lower_ in _RESULT_OR_QUALIFIER:
                break
            if t.text[:1].isupper() and (t.is_alpha or "-" in t.text):
                titled, start = titled + 1, j
            elif not (t.lower_ in _INSTRUMENT_JOINERS and j > 0 and doc[j - 1].text[:1].isupper()):
                break  # "-", "of", "'s" only inside the title ("Yale-Brown", "Beck's")
            j -= 1
        if titled < 2:  # "Positive Test", "Scale" alone: a title has at least two capitalised words
            continue
        # "17-item", "24 point" before the title belong to it
        if start >= 3 and doc[start - 1].lower_ in {"item", "point"} and doc[start - 2].text == "-" \
                and doc[start - 3].like_num:
            start -= 3
        out.append((start, tok.i + 1, "Measurement"))
    return out


_RESULT_OR_QUALIFIER = frozenset(RESULT_WORDS) | {"the", "a", "an", "any", "baseline", "total", "screening"}


@_lf(2, 4, ["Measurement"])
def measurement_before_value(doc):
    """What stands right before a value ("Karnofsky Performance Status > 60", "HbA1c 7.5%")."""
    values = [sp for sp in _values(doc) if not _is_dose(doc, sp) and not _DURATION_VALUE.search(doc[sp[0]:sp[1]].text)]
    stop = OUTSIDE_MODIFIERS | _PEOPLE | FUNCTION_WORDS | frozenset(TEMPORAL_ADJECTIVES) | frozenset(RESULT_WORDS) | {
        "age", "aged", "dose", "doses", "dosage", "duration", "weeks", "months", "days", "years", "gestation",
        "least", "most", "up", "ago", "period", "interval", "mg", "times", "time", "since", "within", "until",
        "ml", "cc", "mcg", "g", "units", "unit", "french", "fr", "cm", "mm", "percent", "full", "total"}
    drugs = drug_terms()
    out = []
    for s, e, lab in _measurements.before_values(doc, values, max_tokens=4, stop=stop):
        while s < e and not re.fullmatch(r"[A-Za-z0-9][\w\-/]*", doc[s].text):
            s += 1
        if s < e and not doc[e - 1].lower_.endswith(("ing", "ed")) and drugs.label_of(doc[s:e].text) is None \
                and all(re.fullmatch(r"[\w\-/]+", t.text) for t in doc[s:e]):
            out.append((s, e, lab))
    return out


# --- Value LFs -------------------------------------------------------------------------------------

_DURATION_VALUE = re.compile(r"\b(?:years?|yrs?|months?|weeks?|wks?|days?|hours?|hrs?)\b(?! old| of age)", re.I)
_DOSE_VALUE = re.compile(r"^\d+(?:[.,]\d+)?\s*(?:mg|mcg|µg|ug|g|gm|units?|iu|ml|tablets?|caps?)$", re.I)


def _is_dose(doc, span) -> bool:
    return bool(_DOSE_VALUE.match(doc[span[0]:span[1]].text))


def _values(doc):
    return find_values(doc)


_DOSE_UNIT = re.compile(r"(?:\d|\s)(?:cc|ml|mL|%|mg|mcg|µg|g|units?|iu|IU)$")
_BARE_DURATION = re.compile(r"^(?:\d+(?:\.\d+)?|[a-z]+)(?:\s*(?:-|to)\s*\d+)?\s*(?:hours?|hrs?|minutes?|mins?|days?|weeks?|wks?)$",
                            re.I)


def _not_a_value(doc, span) -> bool:
    """A dose ("40 mg", "3.5 cc of Marcaine", "1% lidocaine", "Pitocin 15 units"), a bare duration
    ("37 minutes": a time, not a result) or a clock time ("1937 hours")."""
    s, e, _ = span
    text = doc[s:e].text
    if _is_dose(doc, span) or _BARE_DURATION.match(text) or re.fullmatch(r"\d{4} hours", text):
        return True
    if _DOSE_UNIT.search(text) and not re.match(r"[<>=≤≥]|(?i:less|more|greater|at least|up to)", text):
        nxt = e + 1 if e < len(doc) and doc[e].lower_ == "of" else e
        before = doc[s - 1].text if s > 0 else ""
        after = doc[nxt].text if nxt < len(doc) else ""
        if _known_drug(after) or _known_drug(before) or (nxt > e and after[:1].isupper()):
            return True
    return False


@_lf(3, 8, ["Value"])
def value_pattern(doc):
    """Numbers with units, comparisons and ranges ("> 18 years", "less than 3 times ULN", "7.0-10.0%"); not
    doses, bare durations or clock times."""
    return [sp for sp in _values(doc) if not _not_a_value(doc, sp)]


@_lf(2, 5, ["Value"])
def value_after_measurement(doc, *, measurement_terms):
    """A number right after a measurement ("hemoglobin 12.3", "temperature of 101.2")."""
    return number_after(doc, measurement_terms(doc), values=_values(doc))


@_lf(2, 5, ["Value"])
def value_result_word(doc, *, measurement_terms):
    """A result word next to a measurement ("abnormal ECG", "elevated liver enzymes"); "positive" and
    "negative" anywhere (a test result: "HBsAg-positive", "negative pregnancy test")."""
    spans = measurement_terms(doc) + procedure_terms()(doc)
    found = qualitative_values(doc, spans, RESULT_WORDS)
    dk = doc_keys(doc)
    n = len(doc)
    for i, low in enumerate(dk.lower):
        if low not in {"positive", "negative"}:
            continue
        # "negative for chest pain" (a review of systems) is a negation, "positive for HBsAg" a result
        if i + 2 < n and dk.lower[i + 1] == "for" and not (dk.texts[i + 2].isupper() and len(dk.texts[i + 2]) > 1):
            continue
        found.append((i, i + 1, "Value"))
    return sorted(set(found))


@_lf(2, 5, ["Value"])
def value_roman_class(doc, *, measurement_terms):
    """A Roman-numeral class after a scale ("NYHA class III", "stage IV", "ASA I-II")."""
    dk = doc_keys(doc)
    anchors = [(i, i + 1, "x") for i, low in enumerate(dk.lower) if low in CLASS_WORDS]
    return roman_classes(doc, measurement_terms(doc) + anchors, window=2)


# --- Temporal LFs ----------------------------------------------------------------------------------


#: words that continue a temporal anchor ("prior to study [enrollment]", "before [randomization visit]")
ANCHOR_TAILS = frozenset("entry enrollment enrolment start visit period day inclusion randomization randomisation "
                         "initiation administration treatment drug medication procedure participation completion "
                         "screening baseline process phase injection dose dosing surgery".split())


def _anchor_tail(doc, i: int) -> int:
    return 1 if i < len(doc) and doc[i].lower_ in ANCHOR_TAILS and doc[i - 1].lower_ not in {"prior", "to", "before",
                                                                                             "after", "since"} else 0


@_lf(3, 8, ["Temporal"])
def temporal_pattern(doc):
    """Windows, durations and anchored times ("within 6 months", "in the past 2 years", "prior to surgery")."""
    return editors.chain(doc, find_temporal(doc, anchors=TEMPORAL_ANCHORS), editors.extend_over(_anchor_tail, side="right"))


@_lf(3, 7, ["Temporal"])
def temporal_adjective(doc):
    """Time words before a mention ("current", "previous", "ongoing", "active")."""
    dk = doc_keys(doc)
    words = frozenset(TEMPORAL_ADJECTIVES)
    out = []
    for i, low in enumerate(dk.lower):
        if low in words and i + 1 < len(doc) and doc[i + 1].lower_ not in {"to", "of"}:
            out.append((i, i + 1, "Temporal"))
    return out


# --- Device LFs ------------------------------------------------------------------------------------


@_lf(3, 6, ["Device"])
def device_list(doc, *, device_terms):
    """Devices and implants (hand-written list, ICD-10-PCS devices, HCPCS equipment heads)."""
    return _grow(doc, device_terms(doc), _procedure_modifier, max_left=2)


# --- abbreviations and a user's ontology ---------------------------------------------------------------


@_lf(3, 5, list(LABELS))
def clinical_abbreviation(doc, *, abbreviation_terms):
    """Clinical abbreviations whose dominant sense has one label ("EKG", "TSH", "CBC", "CHF"), as clinicians
    write them; two-letter ones and the ambiguous ones in :data:`CONFIRMED_ABBREVIATIONS` only where the
    next word confirms them ("ASA class II", "ASA I-III")."""
    found = [sp for sp in abbreviation_terms(doc) if len(doc[sp[0]:sp[1]].text) >= 3]
    texts = doc_keys(doc).texts
    for i, t in enumerate(texts):
        rule = CONFIRMED_ABBREVIATIONS.get(t)
        if rule and i + 1 < len(texts) and re.fullmatch(rule[1], texts[i + 1]):
            found.append((i, i + 1, rule[0]))
    return found


_SHORT_FORM = re.compile(r"^[A-Za-z][A-Za-z0-9\-/+]{1,9}$")


@_lf(3, 5, list(LABELS))
def defined_abbreviation(doc, *, icd10cm_terms, drug_terms, measurement_terms, procedure_terms):
    """An abbreviation defined in the text takes its long form's label: "left ventricular ejection fraction (LVEF)"."""
    dk = doc_keys(doc)
    texts = dk.texts
    finders = (measurement_terms, procedure_terms, drug_terms, drug_class_terms(), icd10cm_terms)
    ends: dict[int, str] = {}
    for finder in finders:
        for s, e, lab in finder(doc):
            ends.setdefault(e, lab)
    defined: dict[str, str] = {}
    for i, t in enumerate(texts):
        if t == "(" and i + 2 < len(texts) and texts[i + 2] == ")" and _SHORT_FORM.match(texts[i + 1]) \
                and any(c.isupper() for c in texts[i + 1]) and i in ends:
            defined[texts[i + 1]] = ends[i]
    if not defined:
        return []
    return [(i, i + 1, defined[t]) for i, t in enumerate(texts) if t in defined]


@_lf(3, 5, list(LABELS))
def user_ontology_concepts(doc, *, ontology_name):
    """Terms of the user's ontology (``--ontology``: SNOMED CT semantic tag / UMLS semantic type -> label)."""
    if not ontology_name or ontology_name == "icd10cm":
        return []
    return user_ontology_terms(ontology_name)(doc)


# --- the preset -------------------------------------------------------------------------------------

LF_NAMES = tuple(TIERS)


def _in_header(doc) -> set[int]:
    if "section_headers" not in doc.spans:
        return set()
    return {i for sp in doc.spans["section_headers"] for i in range(sp.start, sp.end)}


_CLASS_HEADS = frozenset(DRUG_HEADS) - _GENERIC_DRUG_HEADS


def _ends_in_drug_class_head(doc, sp) -> bool:
    """The span's head (its last word, or the word before a bracketed short form) names a drug class:
    "DPP-4 inhibitors", "ACE inhibitors (ACEIs)", "beta agonists"."""
    end = sp[1]
    if end - sp[0] > 2 and doc[end - 1].text == ")" and doc[end - 3].text == "(":
        end -= 3
    return doc[end - 1].lower_ in _CLASS_HEADS


def resolve(doc, votes):
    """The preset's overlap rule (see the module doc); votes inside section headings are dropped; a
    Condition vote whose head is a drug-class word ("inhibitors", "blockers", "agonists") is dropped
    (an ICD-10-CM or morphology match inside a drug class name, which the Drug LFs label)."""
    votes = {name: [sp for sp in spans if sp[2] != "Condition" or not _ends_in_drug_class_head(doc, sp)]
             for name, spans in votes.items()}
    votes = editors.resolve_labels(votes, PRIORITY, names=LF_NAMES, tiers=TIERS)
    header = _in_header(doc)
    if header:
        votes = {name: [sp for sp in spans if name not in TIERS or sp[0] not in header] for name, spans in votes.items()}
    return votes


class ClinicalPreset(Preset):
    """The clinical preset: :class:`Preset` plus its overlap rule (:func:`resolve`) and relations."""

    def build(self) -> LFSet:
        lfset = super().build()
        lfset.resolver = resolve
        return lfset

    @staticmethod
    def relate(doc, mentions) -> list[dict]:
        """``Has_value`` and ``Has_temporal`` relations among the aggregated mentions (relation LFs of
        :mod:`labeling_functions.library.clinical_relations` + majority vote), Prodigy format."""
        from ..library.clinical_relations import relate

        return relate(doc, mentions)


PRESET = ClinicalPreset(
    "clinical", LABELS, LF_NAMES,
    "Clinical notes and eligibility criteria: Condition, Drug, Procedure, Measurement, Value, Temporal, "
    "Observation, Device (OMOP CDM domains as Chia annotates them)",
    module=__name__, resources=RESOURCES,
)


def chia_split(doc_id: str) -> str:
    """The Chia development split: ``"tune"`` or ``"check"`` by a hash of the trial id (NCT number), so
    a trial's inclusion and exclusion files fall in the same half.  Rules were written looking at the
    tune half only; the check half is only scored (docs/clinical.md)."""
    trial = str(doc_id).split("/")[-1].split("_")[0]
    return "tune" if int(hashlib.sha1(trial.encode("utf-8")).hexdigest(), 16) % 2 == 0 else "check"


def lfset_with_ontology(ontology: str | None) -> LFSet:
    """The clinical LF set with a user's compiled ontology switched on."""
    lfset = PRESET.build()
    lfset.resources["ontology_name"] = ontology
    return lfset


__all__ = ["CORE_LABELS", "LABELS", "PRESET", "chia_split", "resolve", "lfset_with_ontology"]
