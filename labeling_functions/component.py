"""spaCy factory ``clinlabel_weak_labels``: LFs vote, the label model aggregates, spans land in ``doc.spans``.

Cheap to import (spaCy only); LF resources, numpy models and snorkel load on first use.

Config (keyword-only, JSON-friendly): ``preset`` (``bc5cdr``, ``ncbi_disease``, ``clinical``), ``lfs`` (a
module path, e.g. ``mypkg.lfs``), ``label_model`` (``majority``, ``snorkel``, ``dawid_skene``,
``hmm``; default: the preset's measured default), ``span_key`` (default ``"clinlabel"``), ``ontology``
(a compiled ontology the preset's ontology LFs use, e.g. a user's SNOMED CT build; the clinical
preset's ``user_ontology_concepts`` LF types its terms by semantic tag / semantic type),
``soft_labels`` (default true: the label model's per-token BIO probabilities go to the record key
``weak_labels``, training data for the end model; the default annotate pipeline switches them off,
since a note's soft labels are larger than its text and cost a third of its time).
A label model that needs fitting is fit with :meth:`WeakLabelComponent.fit` (or
``initialize(get_examples)``) unless the preset ships fitted parameters; ``to_disk`` writes the
fitted parameters as JSON (no pickle), ``from_disk`` reads them back.
"""



import json
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from spacy.language import Language
from spacy.tokens import Doc

from corpora.doc import SPAN_KEY

STATE_FILE = "label_model.json"


class WeakLabelComponent:
    def __init__(self, nlp: Language, name: str, *, preset: Optional[str], lfs: Optional[str],
                 label_model: Optional[str], span_key: str, ontology: Optional[str] = None,
                 soft_labels: bool = True) -> None:
        from .weak import WeakLabeler

        self.name = name
        self.span_key = span_key
        self.soft_labels = soft_labels
        self.cfg = {"preset": preset, "lfs": lfs, "label_model": label_model, "span_key": span_key, "ontology": ontology,
                    "soft_labels": soft_labels}
        self.labeler = WeakLabeler.from_config(preset=preset, lfs=lfs, label_model=label_model)
        if ontology:
            # the ontology LFs of a preset read the user's compiled ontology from this resource
            self.labeler.lfset.resources["ontology_name"] = ontology
        # a preset may also relate its mentions (the clinical preset: Has_value, Has_temporal)
        self.relate = None
        if preset:
            from .presets import get_preset

            self.relate = getattr(get_preset(preset), "relate", None)

    @property
    def labels(self) -> list[str]:
        return list(self.labeler.labels)

    def fit(self, docs: Iterable[Doc], *, max_docs: int = 2000) -> "WeakLabelComponent":
        self.labeler.fit(docs, max_docs=max_docs)
        return self

    def initialize(self, get_examples: Optional[Callable[[], Iterable[Any]]] = None, *, nlp=None) -> None:
        if get_examples is not None and not self.labeler.fitted:
            self.fit(eg.reference if hasattr(eg, "reference") else eg for eg in get_examples())

    def __call__(self, doc: Doc) -> Doc:
        from corpora.doc import register_extensions, set_span_values

        register_extensions()
        if not self.labeler.fitted:
            # an unfitted model falls back to fitting on this document alone would be wrong:
            # say what to do instead
            from corpora.errors import LF_CONFIG, LFError

            raise LFError(
                f"the {self.labeler.label_model_name} label model of component {self.name!r} is not fitted",
                "fit it first (component.fit(docs)) or use label_model='majority'", code=LF_CONFIG,
            )
        from .weak import soft_labels

        spans, bio, _ = self.labeler.label(doc, bio=self.soft_labels)
        if self.soft_labels:
            # the soft labels travel as the record key "weak_labels" (doc._.extra -> doc_to_record)
            doc._.extra = {**(doc._.extra or {}), "weak_labels": soft_labels(self.labeler, bio)}
        existing = list(doc.spans[self.span_key]) if self.span_key in doc.spans else []
        from spacy.tokens import Span

        new = [Span(doc, s, e, label=label) for s, e, label, _, _ in spans]
        doc.spans[self.span_key] = existing + new
        group = doc.spans[self.span_key]
        for k, (s, e, label, score, sources) in enumerate(spans):
            set_span_values(group[len(existing) + k], {"score": round(score, 4), "source": list(sources)})
        if self.relate is not None:
            relations = self.relate(doc, [(s, e, label) for s, e, label, _, _ in spans])
            if relations:
                doc._.relations = list(doc._.relations or []) + relations
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)

    def to_disk(self, path, *, exclude=tuple()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "cfg.json").write_text(json.dumps(self.cfg, indent=2), encoding="utf-8")
        if self.labeler.fitted:
            (path / STATE_FILE).write_text(json.dumps(self.labeler.state()), encoding="utf-8")

    def from_disk(self, path, *, exclude=tuple()) -> "WeakLabelComponent":
        path = Path(path)
        state = path / STATE_FILE
        if state.is_file():
            self.labeler.load_state(json.loads(state.read_text(encoding="utf-8")))
        return self


@Language.factory(
    "clinlabel_weak_labels",
    default_config={"preset": None, "lfs": None, "label_model": None, "span_key": SPAN_KEY, "ontology": None,
                    "soft_labels": True},
)
def make_weak_labeler(nlp: Language, name: str, preset: Optional[str], lfs: Optional[str],
                      label_model: Optional[str], span_key: str, ontology: Optional[str] = None,
                      soft_labels: bool = True) -> WeakLabelComponent:
    return WeakLabelComponent(nlp, name, preset=preset, lfs=lfs, label_model=label_model, span_key=span_key,
                              ontology=ontology, soft_labels=soft_labels)
