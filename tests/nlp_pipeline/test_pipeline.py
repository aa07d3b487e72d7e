"""The pipeline builder: one config -> registered factories; saved pipelines reload with spacy.load."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest
import spacy

from corpora.doc import SPAN_KEY
from nlp_pipeline.pipeline import FACTORY_MODULES, PipelineConfig, build_pipeline


def test_every_factory_has_an_entry_point_that_loads():
    # read from pyproject.toml (the installed metadata lags behind a worktree until reinstalled)
    import importlib
    import tomllib
    from pathlib import Path

    project = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8"))
    eps = {k: v for k, v in project["project"]["entry-points"]["spacy_factories"].items() if k.startswith("clinlabel_")}
    assert set(eps) == set(FACTORY_MODULES)
    for name, target in eps.items():
        module, _, attr = target.partition(":")
        assert module == FACTORY_MODULES[name]
        assert callable(getattr(importlib.import_module(module), attr))
    installed = {ep.name for ep in entry_points(group="spacy_factories") if ep.name.startswith("clinlabel_")}
    assert installed <= set(eps)  # whatever is installed is still declared


def test_default_plan_is_the_data_flow():
    plan = PipelineConfig().component_plan()
    assert [name for name, _, _ in plan] == ["sentences", "sections", "weak_labels", "code_linker", "context", "codes"]
    cfg = {n: c for n, _, c in plan}
    assert cfg["weak_labels"]["preset"] == "clinical" and cfg["weak_labels"]["soft_labels"] is False
    assert cfg["code_linker"]["link_labels"] == ["Condition"]


@pytest.mark.parametrize(
    "options,expected",
    [
        ({"keep_spans": True}, ["sentences", "sections", "context", "codes"]),
        ({"preset": "bc5cdr"}, ["sentences", "sections", "weak_labels", "context"]),
        ({"preset": "clinical"}, ["sentences", "sections", "weak_labels", "code_linker", "context", "codes"]),
        ({"lfs": "mypkg.lfs"}, ["sentences", "sections", "weak_labels", "code_linker", "context", "codes"]),
        ({"lfs": "mypkg.lfs", "default_lfs": False}, ["sentences", "sections", "weak_labels", "context"]),
        ({"default_lfs": False}, ["sentences", "sections", "ontology_matcher", "context", "codes"]),
        ({"model": "/some/dir"}, ["sentences", "sections", "end_model", "context"]),  # no combiner.json there
        ({"codes": False}, ["sentences", "sections", "weak_labels", "context"]),
        ({"ontology": "", "codes": False, "context": False, "default_lfs": False}, ["sentences", "sections"]),
    ],
)
def test_plan_follows_options(options, expected):
    assert [name for name, _, _ in PipelineConfig(**options).component_plan()] == expected


@pytest.mark.parametrize("options, soft", [({}, False), ({"preset": "clinical"}, True), ({"lfs": "m.lfs"}, True),
                                           ({"soft_labels": True}, True), ({"preset": "bc5cdr", "soft_labels": False}, False)])
def test_soft_labels_only_when_lfs_are_asked_for(options, soft):
    cfg = {n: c for n, _, c in PipelineConfig(**options).component_plan()}
    assert cfg["weak_labels"]["soft_labels"] is soft


@pytest.mark.parametrize("bad", [{"setting": "icu"}, {"keep_spans": True, "preset": "bc5cdr"}])
def test_config_is_validated(bad):
    with pytest.raises(ValueError):
        PipelineConfig(**bad)


def test_unknown_option_in_dict_names_the_known_ones():
    with pytest.raises(ValueError, match="ontology"):
        PipelineConfig.from_dict({"ontolgy": "icd10cm"})


def test_saved_pipeline_reloads_and_annotates(tmp_path):
    nlp = build_pipeline(PipelineConfig())
    nlp.to_disk(tmp_path / "pipe")
    again = spacy.load(tmp_path / "pipe")
    assert again.pipe_names == nlp.pipe_names
    doc = again("Assessment: no fever. Hypertension.")
    spans = {s.text: s for s in doc.spans[SPAN_KEY]}
    assert spans["fever"]._.negated and not spans["Hypertension"]._.negated
    assert [c["code"] for c in doc._.codes if c["status"] == "confirmed"] == ["I10"]


@pytest.mark.parametrize(
    "text,expected",
    [("BP 124/78.,HEENT: normal", ["BP", "124/78", ".", ",", "HEENT", ":", "normal"]),
     ("ALLERGIES.,SOCIAL", ["ALLERGIES", ".", ",", "SOCIAL"]),
     ("PLAN:,1.", ["PLAN", ":", ",", "1", "."]),
     ("3.5,5 mg, daily", ["3.5,5", "mg", ",", "daily"])],
)
def test_tokenizer_splits_glued_ehr_punctuation(text, expected):
    nlp = build_pipeline(PipelineConfig(sentences=False, sections=False, ontology="", context=False, codes=False))
    assert [t.text for t in nlp.make_doc(text)] == expected


def test_clinlabel_takes_back_span_extensions_owned_by_another_library():
    from spacy.tokens import Span

    from corpora.doc import register_extensions

    Span.set_extension("section", getter=lambda span: "not ours", force=True)
    register_extensions()
    doc = spacy.blank("en")("Family history: asthma")
    span = doc[3:4]
    span._.section = "family_history"
    assert span._.section == "family_history"
