import sys
import textwrap

import pytest
import spacy

from corpora.errors import LF_DUPLICATE_NAME, LF_MODULE, LF_RESOURCE, LFError
from labeling_functions import ABSTAIN, LFSet, apply_span_lfs, load_lfs, span_lf
from labeling_functions.matrix import token_matrix


@span_lf(labels=["Disease"])
def itis_words(doc):
    for tok in doc:
        if tok.lower_.endswith("itis"):
            yield doc[tok.i : tok.i + 1]


def itis_words_lf():
    return itis_words


@span_lf(labels=["Chemical"])
def from_lexicon(doc, *, lexicon):
    for tok in doc:
        if tok.lower_ in lexicon:
            yield tok.i, tok.i + 1


def test_decorator_name_kind_and_resources():
    assert itis_words.name == "itis_words"
    assert itis_words.kind == "span"
    assert from_lexicon.resources == ("lexicon",)


def test_votes_land_in_doc_spans_and_matrix():
    nlp = spacy.blank("en")
    doc = nlp("Aspirin caused gastritis and hepatitis.")
    lfset = LFSet([itis_words, from_lexicon], resources={"lexicon": {"aspirin"}})
    votes = apply_span_lfs(doc, lfset)
    assert votes["itis_words"] == [(2, 3, "Disease"), (4, 5, "Disease")]
    assert [s.text for s in doc.spans["lf:itis_words"]] == ["gastritis", "hepatitis"]
    assert [s.label_ for s in doc.spans["lf:from_lexicon"]] == ["Chemical"]
    tm = token_matrix(votes, lfset.names, ["Chemical", "Disease"], len(doc))
    assert tm.L[:, 0].tolist() == [ABSTAIN, ABSTAIN, 2, ABSTAIN, 2, ABSTAIN]
    assert tm.L[:, 1].tolist() == [1, ABSTAIN, ABSTAIN, ABSTAIN, ABSTAIN, ABSTAIN]
    assert tm.starts[2, 0] and not tm.starts[3, 0]


def test_duplicate_names_are_refused():
    # two LFs with one name in one module: refused at definition time, with the location
    with pytest.raises(LFError) as err:
        @span_lf(labels=["Disease"])
        def itis_words(doc):  # noqa: F811
            return []
    assert err.value.code == LF_DUPLICATE_NAME and "itis_words" in str(err.value)

    # the same name from two modules: refused when both join one LF set
    def itis_words(doc):  # noqa: F811
        return []

    itis_words.__module__ = "another_module"
    other = span_lf(labels=["Disease"])(itis_words)
    assert other.name == "itis_words"
    with pytest.raises(LFError) as err:
        LFSet([itis_words_lf(), other])
    assert err.value.code == LF_DUPLICATE_NAME


def test_missing_resource_is_a_clear_error():
    nlp = spacy.blank("en")
    with pytest.raises(LFError) as err:
        apply_span_lfs(nlp("x"), LFSet([from_lexicon]))
    assert err.value.code == LF_RESOURCE and "lexicon" in str(err.value)


def test_user_module_loads_by_path(tmp_path, monkeypatch):
    pkg = tmp_path / "mypkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "lfs.py").write_text(textwrap.dedent('''
        from labeling_functions import span_lf

        LABELS = ["Drug"]
        RESOURCES = {"drugs": {"warfarin"}}

        @span_lf(labels=["Drug"])
        def drug_words(doc, *, drugs):
            return [(t.i, t.i + 1) for t in doc if t.lower_ in drugs]
    '''))
    monkeypatch.syspath_prepend(str(tmp_path))
    lfset = load_lfs("mypkg.lfs")
    assert lfset.names == ["drug_words"] and lfset.labels == ["Drug"]
    votes = apply_span_lfs(spacy.blank("en")("Warfarin again"), lfset)
    assert votes == {"drug_words": [(0, 1, "Drug")]}
    with pytest.raises(LFError) as err:
        load_lfs("mypkg.nope")
    assert err.value.code == LF_MODULE
    sys.modules.pop("mypkg.lfs", None)
    sys.modules.pop("mypkg", None)


def test_model_lf_votes_through_an_injected_voter():
    from labeling_functions.library.model import with_model_lf
    from labeling_functions.weak import WeakLabeler

    calls = []

    def fake_voter(doc):  # stands in for nlp_pipeline.end_model.model_span_votes(MODEL_DIR)
        calls.append(doc.text)
        return [(0, 1, "Chemical")]

    lfset = with_model_lf(LFSet([itis_words], labels=["Chemical", "Disease"]), fake_voter)
    assert "end_model" in lfset.names
    doc = spacy.blank("en")("Zorbamycin caused gastritis")
    wl = WeakLabeler(lfset)
    wl.model.fitted = True
    spans, _, _ = wl.label(doc)
    assert [(s, e, lab, src) for s, e, lab, _, src in spans] == [
        (0, 1, "Chemical", ["end_model"]), (2, 3, "Disease", ["itis_words"])]
    assert calls == ["Zorbamycin caused gastritis"]
