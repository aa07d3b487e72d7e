"""Build clinlabel's spaCy pipeline from one config object.

The order of components is the data flow: sentences → sections → target finders (ontology
matcher, labelling functions, end model) → ConText assertions → code suggestion.  With
``keep_spans`` the input's own spans are the targets and no finder runs.

The default target finder is the ``clinical`` preset (Condition, Drug, Procedure, Measurement,
Value, Temporal, Observation, Device and their relations); its Condition mentions are linked to
ICD-10-CM codes by the ontology matcher in link mode, so code suggestion works as with the
matcher alone.  ``--preset``/``--lfs`` choose other LFs (``--lfs`` adds to the clinical ones unless
``default_lfs`` is off), ``--model`` a trained model; with ``default_lfs`` off and no LFs, the
ICD-10-CM matcher alone finds Condition mentions, as before clinlabel had a clinical preset.

Every component is a registered factory (``clinlabel_*``); the builder imports the module that
registers each one only when it is used, so a pipeline without the end model never imports torch.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, Mapping

from corpora.record import SPAN_KEY
from corpora.errors import PIPE_COMPONENT, PIPE_CONFIG, PipelineError

logger = logging.getLogger(__name__)

#: factory name -> module that registers it
FACTORY_MODULES: dict[str, str] = {
    "clinlabel_sentences": "nlp_pipeline.sentences",
    "clinlabel_sections": "nlp_pipeline.sections",
    "clinlabel_ontology_matcher": "ontologies.matcher",
    "clinlabel_weak_labels": "labeling_functions.component",
    "clinlabel_end_model": "nlp_pipeline.end_model.component",
    "clinlabel_combined": "labeling_functions.combined",
    "clinlabel_context": "nlp_pipeline.context",
    "clinlabel_codes": "nlp_pipeline.codes",
}

SETTINGS = ("outpatient", "inpatient")
#: the preset the default pipeline runs (and whose Condition mentions get ICD-10-CM codes)
DEFAULT_PRESET = "clinical"


@dataclass
class PipelineConfig:
    """What the pipeline does; the CLI flags and a config file both fill this one object."""

    sentences: bool = True
    sections: bool = True
    #: ontology for the concept matcher ("icd10cm" or a registered user ontology); "" = none
    ontology: str = "icd10cm"
    context: bool = True
    codes: bool = True
    #: code suggestion adds history, family-history, status, screening and long-term-drug Z codes
    z_codes: bool = True
    setting: str = "outpatient"
    #: the input's spans are the targets; no new ones are found
    keep_spans: bool = False
    #: weak-supervision preset ("clinical", "bc5cdr", "ncbi_disease") or a user LF module
    preset: str | None = None
    lfs: str | None = None
    #: the clinical preset's LFs find targets when no preset is named (user LFs are added to them);
    #: off: only the user's LFs, or the ontology matcher alone when there are none
    default_lfs: bool = True
    #: write the label model's per-token soft labels (record key ``weak_labels``); None: only when
    #: LFs were asked for by name (--preset / --lfs), not in the default pipeline
    soft_labels: bool | None = None
    #: a trained end model directory
    model: str | None = None
    section_rules: str | None = None
    context_rules: str | None = None

    def __post_init__(self) -> None:
        if self.setting not in SETTINGS:
            raise ValueError(f"setting must be one of {SETTINGS}, got {self.setting!r}; use --setting outpatient|inpatient")
        if self.keep_spans and (self.preset or self.lfs or self.model):
            raise ValueError(
                "keep_spans uses the input's spans as targets, so it cannot be combined with "
                "preset/lfs/model; drop --keep-spans or the target finder"
            )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "PipelineConfig":
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown pipeline option(s) {unknown}; expected some of {sorted(known)}")
        return cls(**dict(data))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def finds_targets(self) -> bool:
        return not self.keep_spans

    @property
    def weak_preset(self) -> str | None:
        """The preset the weak-label component runs (the named one, else the default one)."""
        if not self.finds_targets:
            return None
        if self.preset:
            return self.preset
        return DEFAULT_PRESET if self.default_lfs and not self.model else None

    @property
    def links_codes(self) -> bool:
        """Condition mentions of the clinical preset are linked to codes and coded."""
        return (self.finds_targets and not self.model and self.weak_preset == DEFAULT_PRESET
                and bool(self.codes and self.ontology))

    def component_plan(self) -> list[tuple[str, str, dict[str, Any]]]:
        """(name, factory, config) of each component, in order."""
        plan: list[tuple[str, str, dict[str, Any]]] = []
        if self.sentences:
            plan.append(("sentences", "clinlabel_sentences", {}))
        if self.sections:
            plan.append(("sections", "clinlabel_sections", {"rules": self.section_rules, "span_key": SPAN_KEY}))
        if self.finds_targets:
            if self.model:
                # a folder written by `clinlabel train` holds combiner.json: LFs + end model + combiner
                if (Path(self.model) / "combiner.json").is_file():
                    plan.append(("combined", "clinlabel_combined", {"model_dir": self.model, "span_key": SPAN_KEY}))
                else:
                    plan.append(("end_model", "clinlabel_end_model", {"model_dir": self.model, "span_key": SPAN_KEY}))
            elif self.weak_preset or self.lfs:
                soft = self.soft_labels if self.soft_labels is not None else bool(self.preset or self.lfs)
                plan.append(("weak_labels", "clinlabel_weak_labels",
                             {"preset": self.weak_preset, "lfs": self.lfs, "span_key": SPAN_KEY,
                              "ontology": self.ontology if self.ontology != "icd10cm" else None,
                              "soft_labels": soft}))
                if self.links_codes:
                    plan.append(("code_linker", "clinlabel_ontology_matcher",
                                 {"ontology": self.ontology, "span_key": SPAN_KEY, "link_labels": ["Condition"]}))
            elif self.ontology:
                plan.append(("ontology_matcher", "clinlabel_ontology_matcher",
                             {"ontology": self.ontology, "span_key": SPAN_KEY}))
        if self.context:
            plan.append(("context", "clinlabel_context",
                         {"rules": self.context_rules, "span_key": SPAN_KEY, "use_sections": self.sections}))
        if self.codes and self.ontology and (self.links_codes or not (self.weak_preset or self.lfs or self.model)):
            plan.append(("codes", "clinlabel_codes",
                         {"ontology": self.ontology, "setting": self.setting, "span_key": SPAN_KEY,
                          "z_codes": self.z_codes}))
        return plan


def ensure_factory(factory: str) -> None:
    """Import the module that registers ``factory`` (a clear error if it cannot be imported)."""
    module = FACTORY_MODULES.get(factory)
    if module is None:
        return
    try:
        importlib.import_module(module)
    except ImportError as exc:
        raise PipelineError(
            f"component {factory!r} is not available ({exc})",
            f"check the installation of clinlabel (module {module}) or switch the component off in the config",
            code=PIPE_COMPONENT,
        ) from exc


def clinical_tokenizer(nlp):
    """Add clinlabel's token split rules to ``nlp``'s tokenizer (``corpora.tokenizer``; kept by ``nlp.to_disk``)."""
    from corpora.tokenizer import customize_tokenizer

    return customize_tokenizer(nlp)


def build_pipeline(config: PipelineConfig | None = None):
    """A ``spacy.blank("en")`` pipeline with clinlabel's components for ``config``."""
    import spacy

    config = config or PipelineConfig()
    nlp = spacy.blank("en")
    clinical_tokenizer(nlp)
    for name, factory, cfg in config.component_plan():
        ensure_factory(factory)
        cfg = {k: v for k, v in cfg.items() if v is not None}
        try:
            nlp.add_pipe(factory, name=name, config=cfg)
        except (ValueError, TypeError) as exc:
            raise PipelineError(
                f"cannot add component {factory!r} with config {cfg}: {exc}",
                "check the pipeline options (see `clinlabel annotate --help`)",
                code=PIPE_CONFIG,
            ) from exc
    logger.debug("pipeline: %s", nlp.pipe_names)
    return nlp
