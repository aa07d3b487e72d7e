"""The ``bc5cdr`` preset: chemicals and diseases as the BioCreative V CDR guideline annotates them,
and the guideline's chemical-induced disease (CID) relation.

The guideline's conventions belong to this module (and, for the dictionaries both PubMed presets
share, to :mod:`._pubmed`):

* a disease mention leaves course, severity and extent modifiers out ("acute hepatitis" ->
  "hepatitis", "metastatic breast cancer" -> "breast cancer", "polymorphous ventricular
  tachycardia" -> "ventricular tachycardia") but keeps anatomy ("renal failure", "cardiac
  toxicity") and a few type-defining words ("acute renal failure", "acute leukemia");
* two modifiers sharing one head are one mention ("pulmonary and renal insufficiency");
* a chemical mention is the substance, not the class, receptor, protein or preparation around it
  (:func:`._pubmed.chemical_term_ok`); a protein named as an inhibitor's target is not a chemical;
  a short form defined by a long form that is neither a chemical nor a disease is neither;
* CID relations are document-level (chemical concept, disease concept) pairs.

The LFs are built from the general library (:mod:`labeling_functions.library`) and configured
with this guideline's word lists and filters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Sequence

import numpy as np

from ..api import ABSTAIN, OUTSIDE, LFSet, relation_lf, span_lf
from ..library.abbreviations import non_chemical_sfs, short_form_spans
from ..library.diseases import ORGANS, head_like
from ..library.dictionary import dictionary_spans
from ..library.patterns import (
    _ADJ_RE, DISEASE_MODIFIERS, NOT_MODIFIER, STOP, _disease_like, _extend_left, head_phrases,
)
from ..relations import NEGATIVE, POSITIVE, fit_relation_model, relation_matrix, relation_probs, sentence_nlp, text_between
from . import Preset
from ._pubmed import DISEASE, RESOURCES, SHARED

# --- chemicals -----------------------------------------------------------------------------------


@span_lf(labels=["Chemical"])
def dict_core_chemical(doc, *, core_dict):
    """AutoNER dict_core terms typed Chemical (filtered by the BC5CDR chemical convention)."""
    return dictionary_spans(doc, core_dict, "Chemical")


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


# --- diseases ------------------------------------------------------------------------------------

#: course, severity, extent and certainty modifiers the CDR guideline leaves out of a mention
CDR_EXCLUDED_MODIFIERS = frozenset("""
severe mild moderate metastatic recurrent recurring reversible irreversible progressive advanced massive
generalized generalised polymorphous polymorphic spontaneous intractable subclinical symptomatic
asymptomatic sustained rebound transient persistent prolonged secondary central subacute excessive
extreme fatal marked overt frank significant serious clinical experimental developmental novo
treatment-related drug-induced drug-related dose-dependent dose-related possible probable potential
isolated occasional frequent rare late early new-onset de
""".split())

#: "acute"/"chronic" stay in a mention only before heads like these (CDR: "acute renal failure")
_COURSE_WORDS = frozenset({"acute", "chronic"})
_COURSE_KEEPS = frozenset({"failure", "failures", "pain", "pains", "leukemia", "leukaemia", "leucemia", "stroke",
                           "strokes", "necrosis", "dysfunction", "insufficiency", "infarction", "injury", "injuries",
                           "damage", "disease", "diseases", "syndrome", "obstruction", "psychosis", "intoxication",
                           "rejection"})


def _cdr_head_at(doc, i: int) -> int | None:
    """Index of the disease head that the modifier chain starting at ``i`` leads to (or None)."""
    n = len(doc)
    j = i
    while j < n and j - i <= 4:
        tok = doc[j]
        if head_like(tok):
            # a head followed by another head ("heart failure") -> the last one
            while j + 1 < n and head_like(doc[j + 1]):
                j += 1
            return j
        if tok.lower_ in DISEASE_MODIFIERS or _ADJ_RE.match(tok.lower_) or tok.text == "-" \
                or tok.lower_ in CDR_EXCLUDED_MODIFIERS:  # "de novo absence seizures", "severe progressive ..."
            j += 1
            continue
        return None
    return None


def _cdr_excluded(doc, i: int) -> bool:
    """Token ``i`` is a modifier the CDR guideline leaves out of the disease mention that follows it."""
    low = doc[i].lower_
    if low in CDR_EXCLUDED_MODIFIERS:
        return i + 1 < len(doc) and _cdr_head_at(doc, i + 1) is not None
    if low in _COURSE_WORDS and i + 1 < len(doc):
        head = _cdr_head_at(doc, i + 1)
        if head is None:
            return False
        return doc[head].lower_ not in _COURSE_KEEPS and _disease_like(doc[head]) or doc[head].lower_ in {
            "hypertension", "hypotension", "toxicity", "toxicities", "seizures", "seizure", "inflammation"}
    return False


def _extend_left_cdr(doc, head: int, *, limit: int = 4) -> int:
    start = _extend_left(doc, head, limit=limit)
    while start < head and (_cdr_excluded(doc, start) or doc[start].text == "-"):
        start += 1
    if 0 < start < head and doc[start].lower_ == "cell":  # "nonsmall cell lung carcinoma", "non-small cell ..."
        if doc[start - 1].lower_ == "nonsmall":
            start -= 1
        elif start >= 3 and doc[start - 1].lower_ == "small" and doc[start - 2].text == "-" \
                and doc[start - 3].lower_ == "non":
            start -= 3
    elif start >= 2 and doc[start].lower_ == "small" and doc[start - 1].text == "-" and doc[start - 2].lower_ == "non":
        start -= 2
    return start


@span_lf(labels=["Disease"])
def disease_head_phrase_cdr(doc):
    """``<anatomy modifiers> + head`` without the course/severity modifiers CDR leaves out (``hepatitis`` in ``acute hepatitis``)."""
    yield from head_phrases(doc, _extend_left_cdr)


#: heads of eponymous disease names after a possessive ("Ebstein's anomaly", "Bell's palsy")
_POSSESSIVE_HEADS = frozenset({"anomaly", "anomalies", "palsy", "disease", "diseases", "syndrome", "syndromes",
                               "sarcoma", "tumor", "tumour", "lymphoma", "ulcer", "ulcers", "phenomenon", "chorea",
                               "encephalopathy", "contracture", "neuralgia", "neuroma", "paralysis"})


_NOT_EPONYMS = frozenset({"patient", "patients", "subject", "child", "mother", "author", "authors", "today", "world"})


@span_lf(labels=["Disease"])
def possessive_eponym_cdr(doc):
    """``<Name> 's <head>``: ``Ebstein's anomaly``, ``Bell's palsy``, ``Kaposi's sarcoma`` (not ``the patient's disease``)."""
    n = len(doc)
    for i, tok in enumerate(doc):
        if tok.text in {"'s", "'"} and 0 < i and i + 1 < n and doc[i + 1].lower_ in _POSSESSIVE_HEADS:
            name = doc[i - 1]
            if name.is_alpha and len(name.text) >= 3 and name.text[0].isupper() and name.text[1:].islower() \
                    and name.lower_ not in STOP and name.lower_ not in _NOT_EPONYMS:
                yield i - 1, i + 2


#: ordinary words and measurements that lexicons match but CDR does not annotate as diseases
_CDR_NOT_DISEASE = (("use",), ("users",), ("body", "weight"), ("disease", "progression"), ("progression",),
                    ("illness",), ("intoxication",))


@span_lf(labels=[OUTSIDE])
def disease_modifier_outside_cdr(doc):
    """O votes for what CDR leaves out: course/severity modifiers before a disease, ``use``, ``body weight``."""
    n = len(doc)
    for i, tok in enumerate(doc):
        if _cdr_excluded(doc, i):
            yield i, i + 1
            continue
        for words in _CDR_NOT_DISEASE:
            k = len(words)
            if i + k <= n and all(doc[i + m].lower_ == w for m, w in enumerate(words)):
                if words == ("intoxication",) and i > 0 and doc[i - 1].lower_ in DISEASE_MODIFIERS:
                    break
                yield i, i + k
                break


def _coord_modifier_cdr(tok) -> bool:
    """A conjunct modifier of a shared disease head: an anatomical/functional adjective or organ, not a disease."""
    low = tok.lower_
    if low in STOP or low in NOT_MODIFIER or low in CDR_EXCLUDED_MODIFIERS or low in _COURSE_WORDS \
            or low in {"static", "dynamic"}:  # "static and dynamic hyperalgesia": kinds of one sign
        return False
    if head_like(tok) or not tok.text.islower():  # "proteinuria and ...", "Positive and Negative Syndrome"
        return False
    return low in DISEASE_MODIFIERS or bool(_ADJ_RE.match(low)) or low in ORGANS


@span_lf(labels=["Disease"])
def coordinated_disease_cdr(doc):
    """CDR: two modifiers sharing one head are one mention: ``ocular and orbital toxicity``,
    ``pulmonary and renal insufficiency``, ``renal and/or hepatic dysfunction`` (not two diseases:
    ``proteinuria and systolic hypertension``)."""
    n = len(doc)
    for tok in doc:
        if not head_like(tok) or (tok.i + 1 < n and head_like(doc[tok.i + 1])):
            continue
        m = tok.i - 1  # the single modifier right before the head
        if m < 2 or not _coord_modifier_cdr(doc[m]):
            continue
        j = m - 1
        if doc[j].lower_ not in {"and", "or", "and/or"}:
            continue
        k = j - 1
        if not _coord_modifier_cdr(doc[k]) or (k > 0 and doc[k - 1].text == ","):
            continue
        if doc[k].lower_ in ORGANS and k > 0 and doc[k - 1].lower_ in {"the", "of", "a"}:  # "lesions of the brain and"
            continue
        yield k, tok.i + 1


#: words before "death" that make it a cell-biology term, not a disease ("apoptotic cell death")
_CELL_DEATH_WORDS = frozenset({"apoptotic", "cell", "cellular", "neuronal", "neuron", "programmed", "necrotic",
                               "hepatocyte", "myocyte", "photoreceptor"})
#: procedures after an abbreviation that make it a method ("MR imaging", "brain MR studies"), not a disease
_METHOD_WORDS = frozenset({"imaging", "images", "image", "scan", "scans", "scanning", "studies", "study",
                           "spectroscopy", "angiography", "examination", "examinations", "signal", "signals"})


def _cdr_dict_keep(doc, s: int, e: int) -> bool:
    """False for dictionary matches CDR does not annotate in this context (see the word lists above)."""
    words = tuple(t.lower_ for t in doc[s:e])
    if words[-1] in {"death", "deaths"} and s > 0 and doc[s - 1].lower_ in _CELL_DEATH_WORDS:
        return False
    if e - s == 1 and doc[s].text.isupper() and len(doc[s].text) <= 4 and e < len(doc) \
            and doc[e].lower_ in _METHOD_WORDS:
        return False
    return True


@span_lf(labels=["Disease"])
def dict_core_disease_cdr(doc, *, core_dict):
    """AutoNER dict_core Disease terms, without matches CDR does not annotate in context (``apoptotic death``, ``MR imaging``)."""
    return dictionary_spans(doc, core_dict, "Disease", keep=_cdr_dict_keep)


@span_lf(labels=["Disease"])
def disease_lexicon_cdr(doc, *, disease_dict):
    """The shipped disease lexicon, without matches CDR does not annotate in context (``apoptotic cell death``)."""
    return dictionary_spans(doc, disease_dict, "Disease", keep=_cdr_dict_keep)


@span_lf(labels=["Disease"])
def icd10cm_terms_cdr(doc, *, icd_dict):
    """ICD-10-CM disease descriptions without the course/severity modifiers CDR leaves out (``acute hepatitis`` -> ``hepatitis``)."""
    return dictionary_spans(doc, icd_dict, "Disease", keep=_cdr_dict_keep, trim=_cdr_excluded)


# --- abbreviations -------------------------------------------------------------------------------

#: statistics abbreviations after "+/-" that lexicons read as diseases ("mean +/- SE": status epilepticus)
_STAT_SFS = frozenset({"SE", "SEM", "SD", "S.E.", "S.D.", "S.E.M.", "CI"})


@span_lf(labels=[OUTSIDE])
def abbreviation_outside_cdr(doc, *, core_dict, drug_dict):
    """O votes: every occurrence of a short form defined by a non-chemical, non-disease long form
    (``cardiac output (CO)``, ``nerve growth factor (NGF)``), and ``SE``/``SD`` after ``+/-``."""
    for i, tok in enumerate(doc):
        if tok.text in _STAT_SFS and i > 0 and doc[i - 1].text in {"+/-", "/-", "±", "mean"}:
            yield i, i + 1
    if "(" not in doc.text:
        return
    dict_matches = list(core_dict(doc)) + list(drug_dict(doc))
    sfs = non_chemical_sfs(doc, dict_matches)
    for sf in sfs:
        yield from short_form_spans(doc, sf)


# --- chemical-induced disease relations -----------------------------------------------------------

#: the CID relation's two classes
CID, NO_CID = POSITIVE, NEGATIVE


@dataclass
class Candidate:
    """One (chemical, disease) concept pair of a document."""

    doc: Any  # spaCy Doc with sentences
    doc_id: str
    chemical: str
    disease: str
    chem_mentions: list = field(default_factory=list)  # spaCy Spans
    dis_mentions: list = field(default_factory=list)
    n_chemicals: int = 0  # distinct chemical concepts in the document
    chem_count_rank: int = 0  # 0 = the most mentioned chemical of the document
    title_end: int = -1  # character offset where the title ends (-1 unknown)

    def shared_sentences(self) -> list:
        out = []
        dis_sents = {m.sent.start for m in self.dis_mentions}
        seen = set()
        for m in self.chem_mentions:
            s = m.sent
            if s.start in dis_sents and s.start not in seen:
                seen.add(s.start)
                out.append(s)
        return out

    def pairs_in_sentence(self, sent) -> Iterator[tuple[Any, Any]]:
        for c in self.chem_mentions:
            if c.sent.start != sent.start:
                continue
            for d in self.dis_mentions:
                if d.sent.start == sent.start:
                    yield c, d

_CAUSE = re.compile(r"\b(induc\w*|caus\w*|associated|due to|secondary to|after|following|develop\w*|"
                    r"produc\w*|provok\w*|elicit\w*|precipitat\w*|related|attributed|resulted|toxicity|"
                    r"side effects?|adverse|complicat\w*|occurr\w*)\b")
_TREAT = re.compile(r"\b(treat\w*|therap\w*|prevent\w*|protect\w*|attenuat\w*|reduc\w*|inhibit\w*|revers\w*|"
                    r"ameliorat\w*|alleviat\w*|improv\w*|management|relie\w*|antagoni\w*|block\w*|"
                    r"efficacy|effective|beneficial|control)\b")


@relation_lf(labels=["CID"])
def chemical_induced_pattern(c: Candidate) -> int:
    """``X-induced Y`` / ``Y induced by X`` with the two mentions adjacent."""
    for m in c.chem_mentions:
        doc = c.doc
        if m.end + 2 < len(doc) and doc[m.end].text == "-" and doc[m.end + 1].lower_ in {"induced", "associated", "related"}:
            if any(d.start == m.end + 2 or (d.start > m.end + 2 and d.start - m.end <= 5 and d.sent == m.sent)
                   for d in c.dis_mentions):
                return CID
    for d in c.dis_mentions:
        for m in c.chem_mentions:
            if d.end <= m.start and m.sent == d.sent and re.search(r"\b(induced|caused) by\b", text_between(c.doc, d, m)) \
                    and m.start - d.end <= 6:
                return CID
    return ABSTAIN


@relation_lf(labels=["CID"])
def cause_trigger_same_sentence(c: Candidate) -> int:
    """A causal trigger (induced, caused, after, following, ...) between a chemical and a disease mention of one sentence."""
    for sent in c.shared_sentences():
        for m, d in c.pairs_in_sentence(sent):
            between = text_between(c.doc, m, d)
            if _CAUSE.search(between) and not _TREAT.search(between) and len(between.split()) <= 15:
                return CID
    return ABSTAIN


@relation_lf(labels=["CID"])
def treatment_trigger(c: Candidate) -> int:
    """A treatment/prevention trigger between them (``X in the treatment of Y``, ``X prevented Y``): not CID."""
    for sent in c.shared_sentences():
        for m, d in c.pairs_in_sentence(sent):
            between = text_between(c.doc, m, d)
            if _TREAT.search(between) and not _CAUSE.search(between):
                return NO_CID
    return ABSTAIN


@relation_lf(labels=["CID"])
def both_in_title(c: Candidate) -> int:
    """Chemical and disease both named in the title (titles of CDR abstracts state the finding)."""
    if c.title_end <= 0:
        return ABSTAIN
    if any(m.start_char < c.title_end for m in c.chem_mentions) and any(d.start_char < c.title_end for d in c.dis_mentions):
        return CID
    return ABSTAIN


@relation_lf(labels=["CID"])
def never_same_sentence(c: Candidate) -> int:
    """Never in one sentence, and not both in the title: not CID."""
    if c.shared_sentences():
        return ABSTAIN
    if c.title_end > 0 and any(m.start_char < c.title_end for m in c.chem_mentions) \
            and any(d.start_char < c.title_end for d in c.dis_mentions):
        return ABSTAIN
    return NO_CID


@relation_lf(labels=["CID"])
def main_chemical_cooccurs(c: Candidate) -> int:
    """The document's most mentioned chemical and a disease share a sentence: CID."""
    if c.chem_count_rank == 0 and c.shared_sentences():
        return CID
    return ABSTAIN


@relation_lf(labels=["CID"])
def minor_chemical(c: Candidate) -> int:
    """A chemical mentioned once in a document with several chemicals, outside the title: not CID."""
    if c.n_chemicals >= 3 and len(c.chem_mentions) == 1 and not (c.title_end > 0 and c.chem_mentions[0].start_char < c.title_end):
        return NO_CID
    return ABSTAIN


CID_LFS = [chemical_induced_pattern, cause_trigger_same_sentence, treatment_trigger, both_in_title,
           never_same_sentence, main_chemical_cooccurs, minor_chemical]


def cid_lfset() -> LFSet:
    return LFSet(lfs=list(CID_LFS), labels=["CID"])

def _concepts(span: dict) -> list[str]:
    kb = span.get("kb_id")
    if kb is None:
        return [span.get("text", "").lower()]
    return [k for k in str(kb).split("|") if k and k != "-1"]

def candidates(record: dict, *, chem_label: str = "Chemical", dis_label: str = "Disease", nlp=None) -> list[Candidate]:
    """All (chemical concept, disease concept) candidates of a record, from its ``spans``."""
    nlp = nlp or sentence_nlp()
    doc = nlp(record["text"])
    chems: dict[str, list] = {}
    diss: dict[str, list] = {}
    for sd in record.get("spans") or []:
        span = doc.char_span(sd["start"], sd["end"], alignment_mode="expand")
        if span is None or not len(span):
            continue
        target = chems if sd.get("label") == chem_label else diss if sd.get("label") == dis_label else None
        if target is None:
            continue
        for concept in _concepts(sd):
            target.setdefault(concept, []).append(span)
    passages = (record.get("meta") or {}).get("passages") or []
    title_end = next((p["end"] for p in passages if p.get("type") == "title"), -1)
    ranked = sorted(chems, key=lambda k: -len(chems[k]))
    out = []
    for chem, cm in chems.items():
        for dis, dm in diss.items():
            out.append(Candidate(doc, str((record.get("meta") or {}).get("id")), chem, dis, cm, dm,
                                 n_chemicals=len(chems), chem_count_rank=ranked.index(chem), title_end=title_end))
    return out

def add_relations(record: dict, cands: Sequence[Candidate], probs: np.ndarray, L: np.ndarray,
                  lf_names: Sequence[str], *, threshold: float = 0.5) -> dict:
    """Append the accepted pairs to ``record["relations"]`` in Prodigy's format."""
    rels = list(record.get("relations") or [])
    for c, p, row in zip(cands, probs, L):
        if p < threshold:
            continue
        h, d = c.chem_mentions[0], c.dis_mentions[0]
        rels.append({
            "head": h.end - 1, "child": d.end - 1,
            "head_span": {"start": h.start_char, "end": h.end_char, "token_start": h.start, "token_end": h.end - 1,
                          "label": "Chemical", "kb_id": c.chemical},
            "child_span": {"start": d.start_char, "end": d.end_char, "token_start": d.start, "token_end": d.end - 1,
                           "label": "Disease", "kb_id": c.disease},
            "label": "CID", "head_kb_id": c.chemical, "child_kb_id": c.disease,
            "score": round(float(p), 4), "source": [n for n, v in zip(lf_names, row) if v == CID],
        })
    out = dict(record)
    out["relations"] = rels
    return out

def weak_relations(records: Iterable[dict], *, label_model: str = "snorkel", fit_records: Sequence[dict] | None = None) -> Iterator[dict]:
    """CID relations for records whose ``spans`` carry Chemical/Disease mentions (with ``kb_id``)."""
    lfset = cid_lfset()
    names = lfset.names
    records = list(records)
    per = [candidates(r) for r in records]
    mats = [relation_matrix(c, lfset) for c in per]
    model = None
    if label_model != "majority":
        fit_src = [relation_matrix(candidates(r), lfset) for r in fit_records] if fit_records else mats
        L_all = np.concatenate([m for m in fit_src if len(m)], axis=0)
        model = fit_relation_model(L_all, label_model)
    for r, c, L in zip(records, per, mats):
        yield add_relations({k: v for k, v in r.items() if k != "relations"}, c, relation_probs(L, model) if len(L) else np.zeros(0), L, names)


# --- the preset ----------------------------------------------------------------------------------

CHEMICAL = (
    "dict_core_chemical", "drug_list", "chemical_suffix", "chemical_symbols", "chemical_induced", "dosage_context",
    "administration_context", "chemical_code_name", "chemical_formula", "protein_target_outside",
    "isotope_label_chemical", "inorganic_salt_name",
)
#: the dictionary LFs drop matches CDR does not annotate in context and, for ICD-10-CM, the
#: course/severity modifiers CDR leaves out
DISEASE_DICTS = ("dict_core_disease_cdr", "icd10cm_terms_cdr", "disease_lexicon_cdr")
#: CDR leaves course/severity modifiers ("acute", "metastatic") out of a mention
CDR_DISEASE = ("disease_head_phrase_cdr", "disease_modifier_outside_cdr", "eponym_disease", "disease_of_organ",
               "disease_latin_qualifier", "abbreviation_outside_cdr", "coordinated_disease_cdr",
               "possessive_eponym_cdr")

PRESET = Preset(
    "bc5cdr", ("Chemical", "Disease"), CHEMICAL + DISEASE_DICTS + DISEASE + CDR_DISEASE + SHARED,
    "BioCreative V CDR: chemicals and diseases in PubMed abstracts",
    module=__name__, resources=RESOURCES,
)
