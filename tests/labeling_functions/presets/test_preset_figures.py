"""The bc5cdr and ncbi_disease figures, pinned on a small slice of their development sets.

The first 30 development abstracts of each corpus (../shared/data; skipped when absent) go
through the preset's LFs and majority vote, as ``benchmarks/weak_eval.py`` does on the whole set.
The exact strict-span TP/FP/FN of the aggregated output and, per LF, the number of votes and how
many of them are exact gold mentions were computed before the library/preset split and must not
move: a change in any LF's votes on these abstracts fails here.  LFs that do not vote on the slice
(0 votes below) are pinned by their one-sentence tests.  Full figures: ``benchmarks/weak_eval.py``.
"""

from __future__ import annotations

import itertools

import pytest

N_DOCS = 30
FILES = {"bc5cdr": ("bc5cdr", "CDR_DevelopmentSet.PubTator.txt"),
         "ncbi_disease": ("ncbi_disease", "NCBIdevelopset_corpus.txt")}

#: preset -> (TP, FP, FN) of majority vote, strict spans, on the first 30 development abstracts
PINNED = {
    "bc5cdr": (433, 45, 68),
    "ncbi_disease": (186, 49, 40),
}
#: preset -> {LF: (votes, votes that are exact gold mentions)} on the same abstracts
PINNED_LFS = {
    "bc5cdr": {
        "dict_core_chemical": (190, 168), "drug_list": (181, 168), "chemical_suffix": (108, 101),
        "chemical_symbols": (5, 3), "chemical_induced": (30, 29), "dosage_context": (8, 8),
        "administration_context": (22, 21), "chemical_code_name": (9, 9), "chemical_formula": (8, 3),
        "protein_target_outside": (0, 0), "isotope_label_chemical": (0, 0), "inorganic_salt_name": (2, 2),
        "dict_core_disease_cdr": (181, 145), "icd10cm_terms_cdr": (91, 75), "disease_lexicon_cdr": (141, 95),
        "disease_suffix": (83, 51), "disease_head_word": (66, 48), "induced_disease": (27, 26),
        "disease_cue_context": (9, 5), "disease_head_phrase_cdr": (78, 53),
        "disease_modifier_outside_cdr": (15, 0), "eponym_disease": (0, 0), "disease_of_organ": (0, 0),
        "disease_latin_qualifier": (0, 0), "abbreviation_outside_cdr": (27, 0), "coordinated_disease_cdr": (1, 1),
        "possessive_eponym_cdr": (4, 4), "abbreviation_definition": (36, 36), "stopwords_outside": (1081, 0),
        "numbers_outside": (408, 0),
    },
    "ncbi_disease": {
        "disease_suffix": (67, 10), "disease_head_word": (43, 24), "induced_disease": (1, 0),
        "disease_cue_context": (5, 3), "dict_core_disease_ncbi": (100, 35), "icd10cm_terms_ncbi": (83, 28),
        "disease_lexicon_ncbi": (93, 33), "disease_head_phrase_ncbi": (103, 84), "eponym_disease": (26, 20),
        "coordinated_disease": (7, 7), "disease_abbreviation_ncbi": (25, 25), "eponym_short_ncbi": (1, 0),
        "not_disease_outside_ncbi": (2, 0), "disease_of_organ": (0, 0), "disease_latin_qualifier": (0, 0),
        "coordinated_eponym_ncbi": (0, 0), "parenthetical_mention_ncbi": (1, 1),
        "abbreviation_pair_outside_ncbi": (0, 0), "deficiency_ncbi": (3, 3), "disease_initials_ncbi": (11, 9),
        "disease_prefix_ncbi": (20, 14), "eponym_extra_ncbi": (0, 0), "abbreviation_definition": (38, 21),
        "stopwords_outside": (1041, 0), "numbers_outside": (238, 0),
    },
}


def _figures(preset: str, path):
    from corpora.formats import read_corpus
    from corpora.tokenizer import biomedical_nlp
    from labeling_functions.presets import get_preset
    from labeling_functions.weak import WeakLabeler

    nlp = biomedical_nlp()
    records = list(itertools.islice(read_corpus(path, "pubtator", skip_invalid=True), N_DOCS))
    mapping = get_preset(preset)
    gold = {(r["meta"]["id"], s["start"], s["end"], mapping.map_label(s["label"])) for r in records for s in r["spans"]}
    labeler = WeakLabeler.from_config(preset=preset, label_model="majority", use_shipped=False)
    pred, per_lf = set(), {}
    for r in records:
        doc = nlp.make_doc(r["text"])

        def key(s, e, label):
            return r["meta"]["id"], doc[s].idx, doc[e - 1].idx + len(doc[e - 1].text), label

        votes = labeler.votes(doc)
        for name, spans in votes.items():
            n, ok = per_lf.get(name, (0, 0))
            per_lf[name] = (n + len(spans), ok + sum(key(s, e, lab) in gold for s, e, lab in spans))
        pred |= {key(s, e, lab) for s, e, lab, _, _ in labeler.label(doc, votes)[0]}
    tp = len(pred & gold)
    return (tp, len(pred) - tp, len(gold) - tp), per_lf


@pytest.mark.parametrize("preset", sorted(FILES))
def test_dev_slice_figures_are_unchanged(shared_data, preset):
    folder, name = FILES[preset]
    path = shared_data / folder / name
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    counts, per_lf = _figures(preset, path)
    assert per_lf == PINNED_LFS[preset]
    assert counts == PINNED[preset]
