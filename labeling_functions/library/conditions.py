"""Condition finders from general medical word formation (the guideline's lists live in a preset).

* :data:`CONDITION_SUFFIXES`: suffixes that make a disease, sign or symptom word
  ("hepat-itis", "neur-opathy", "anem-ia", "carcin-oma", "splenomeg-aly").
* :data:`NOT_CONDITIONS`: common words with those endings that are not conditions
  ("diagnosis", "prognosis", "aroma", "diploma", "academia").
* :func:`morphology` finds such words; a preset grows them over its modifiers with
  :mod:`~labeling_functions.library.editors`.
"""

from __future__ import annotations

from typing import Iterable

from .terms import suffix_tokens

CONDITION_SUFFIXES = (
    "itis", "itides", "osis", "oses", "emia", "aemia", "emias", "pathy", "pathies", "oma", "omas", "omata", "algia",
    "algias", "plegia", "paresis", "penia", "cytosis", "megaly", "rrhea", "rrhoea", "rrhage", "rrhagia", "trophy",
    "ectasis", "ectasia", "sclerosis", "stenosis", "spasm", "lithiasis", "malacia", "ptosis", "edema", "oedema",
    "phobia", "iasis", "uria", "emesis", "plasia", "cele", "dynia", "rrhexis", "ismus", "opia", "oxia", "capnia",
    "tension", "cardia", "kalemia", "natremia", "glycemia", "lipidemia", "thyroidism", "insufficiency",
)
#: words with a condition suffix that are not conditions
NOT_CONDITIONS = frozenset(
    """diagnosis diagnoses prognosis prognoses aroma diploma stoma stomas soma academia hypothesis hypotheses
    synthesis analysis emphasis basis thesis parenthesis prosthesis prostheses gnosis dialysis hemodialysis
    biosynthesis osmosis apoptosis anastomosis anastomoses arthrodesis symbiosis attention extension intention
    retention contention detention pretension tension extensions cardia ammonia utopia cornucopia encyclopedia
    media intermedia multimedia cafeteria criteria bacteria militia curia orthosis orthoses prosthesis prostheses
    osmosis""".split()
)


def morphology(doc, label: str = "Condition", *, min_length: int = 6, exclude: Iterable[str] = ()) -> list[tuple[int, int, str]]:
    """Single words formed as a condition ("pancreatitis", "neuropathy", "thrombocytopenia")."""
    return suffix_tokens(doc, CONDITION_SUFFIXES, label, min_length=min_length,
                         exclude=NOT_CONDITIONS | frozenset(w.lower() for w in exclude),
                         exclude_suffixes=("graphy", "scopy", "ectomy", "otomy", "ostomy", "plasty", "desis"))



def morphology_word(phrase: str) -> bool:
    """Whether the last word of ``phrase`` is formed like this module's words."""
    words = phrase.lower().split()
    return bool(words) and len(words[-1]) >= 6 and words[-1].endswith(CONDITION_SUFFIXES) and words[-1] not in NOT_CONDITIONS


__all__ = ["morphology_word", "CONDITION_SUFFIXES", "NOT_CONDITIONS", "morphology"]
