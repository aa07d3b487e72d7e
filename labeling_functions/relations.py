"""Relation weak supervision: relation LFs vote on candidate pairs, a label model aggregates.

BC5CDR chemical-induced disease (CID) at document level: a candidate is a (chemical concept,
disease concept) pair of one document, with all the mentions of both.  Relation LFs take a
:class:`Candidate` and return ``1`` (CID), ``0`` (no CID) or :data:`ABSTAIN`; the candidate
matrix (rows = pairs, columns = LFs) goes to a label model (Snorkel's ``LabelModel`` by
default, cardinality 2); pairs with probability >= 0.5 become Prodigy relations in the record
(``head_span`` = the first chemical mention, ``child_span`` = the first disease mention, plus
``head``/``child`` token indices, ``score`` and ``source``).

Entity mentions come from the record's ``spans`` with ``kb_id`` (gold or normalised mentions):
without concept identifiers, mentions are grouped by lower-cased text instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Sequence

import numpy as np

from .api import ABSTAIN, LFSet, relation_lf

CID, NO_CID = 1, 0


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


def _between(doc, a, b) -> str:
    lo, hi = (a, b) if a.start < b.start else (b, a)
    return doc[lo.end : hi.start].text.lower()


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
            if d.end <= m.start and m.sent == d.sent and re.search(r"\b(induced|caused) by\b", _between(c.doc, d, m)) \
                    and m.start - d.end <= 6:
                return CID
    return ABSTAIN


@relation_lf(labels=["CID"])
def cause_trigger_same_sentence(c: Candidate) -> int:
    """A causal trigger (induced, caused, after, following, ...) between a chemical and a disease mention of one sentence."""
    for sent in c.shared_sentences():
        for m, d in c.pairs_in_sentence(sent):
            between = _between(c.doc, m, d)
            if _CAUSE.search(between) and not _TREAT.search(between) and len(between.split()) <= 15:
                return CID
    return ABSTAIN


@relation_lf(labels=["CID"])
def treatment_trigger(c: Candidate) -> int:
    """A treatment/prevention trigger between them (``X in the treatment of Y``, ``X prevented Y``): not CID."""
    for sent in c.shared_sentences():
        for m, d in c.pairs_in_sentence(sent):
            between = _between(c.doc, m, d)
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


_SENT_NLP = None


def _sent_nlp():
    global _SENT_NLP
    if _SENT_NLP is None:
        import spacy

        _SENT_NLP = spacy.blank("en")
        _SENT_NLP.add_pipe("sentencizer")
    return _SENT_NLP


def candidates(record: dict, *, chem_label: str = "Chemical", dis_label: str = "Disease", nlp=None) -> list[Candidate]:
    """All (chemical concept, disease concept) candidates of a record, from its ``spans``."""
    nlp = nlp or _sent_nlp()
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


def relation_matrix(cands: Sequence[Candidate], lfset: LFSet) -> np.ndarray:
    lfs = lfset.of_kind("relation")
    L = np.full((len(cands), len(lfs)), ABSTAIN, dtype=np.int16)
    for i, c in enumerate(cands):
        for j, lf in enumerate(lfs):
            v = lf.func(c, **lfset.kwargs_for(lf))
            L[i, j] = ABSTAIN if v is None else int(v)
    return L


def fit_relation_model(L: np.ndarray, label_model: str = "snorkel", seed: int = 0):
    from snorkel.labeling.model import LabelModel as _SnorkelLM

    if label_model == "majority":
        return None
    lm = _SnorkelLM(cardinality=2, verbose=False)
    lm.fit(L.astype(int), n_epochs=300, seed=seed, progress_bar=False)
    return lm


def relation_probs(L: np.ndarray, model) -> np.ndarray:
    """P(CID) per candidate; majority vote when ``model`` is None (ties and no votes -> 0.5 / 0)."""
    if model is None:
        pos = (L == CID).sum(axis=1)
        neg = (L == NO_CID).sum(axis=1)
        tot = pos + neg
        return np.where(tot > 0, np.where(pos > neg, 1.0, np.where(pos == neg, 0.5, 0.0)), 0.0)
    p = model.predict_proba(L.astype(int))[:, 1]
    p[(L == ABSTAIN).all(axis=1)] = 0.0
    return p


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
