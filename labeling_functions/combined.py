"""spaCy factory ``clinlabel_combined``: what ``clinlabel train`` chose -- LFs, label model, end model, combiner.

A model folder written by ``clinlabel train`` holds the end model and ``combiner.json`` (the LF
set it was trained with and the fitted :class:`~labeling_functions.combine.Combiner`).
``annotate --model DIR`` runs this component when the folder has a ``combiner.json`` (the plain
``clinlabel_end_model`` component otherwise).  It runs the LFs on each Doc, the end model on a
batch of Docs (only when the combination uses it), and writes the combined spans to
``doc.spans[span_key]`` with ``span._.score`` and ``span._.source = "clinlabel_combined"``.

Cheap to import: the LFs, torch and the model load on the first batch.  It warns (once) when
the model predicts far fewer spans per token than its training labels had.
"""


import json
import logging
import shutil
from pathlib import Path
from typing import Any, Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc, Span

from corpora.doc import SPAN_KEY, register_extensions
from nlp_pipeline.end_model.component import SpanRateMonitor

logger = logging.getLogger(__name__)

FACTORY = "clinlabel_combined"
COMBINER_FILE = "combiner.json"
SOURCE = "clinlabel_combined"
DEFAULT_BATCH_SIZE = 32


def read_combiner_file(model_dir: str | Path) -> dict[str, Any]:
    from corpora.errors import MODEL_DIR, ModelError

    path = Path(model_dir) / COMBINER_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ModelError(f"unreadable {COMBINER_FILE}: {type(err).__name__}: {err}",
                         "retrain the model (clinlabel train) or restore the file", file=path, code=MODEL_DIR) from None
    if not isinstance(data, dict) or "combiner" not in data or not isinstance(data.get("lfs"), dict):
        raise ModelError(f"{COMBINER_FILE} has no \"combiner\" and \"lfs\" entries", "retrain the model",
                         file=path, code=MODEL_DIR)
    return data


class CombinedComponent:
    def __init__(self, nlp: Language, name: str = FACTORY, *, model_dir: str = "", span_key: str = SPAN_KEY,
                 batch_size: int = DEFAULT_BATCH_SIZE) -> None:
        self.name = name
        self.span_key = span_key
        self.batch_size = batch_size
        self.model_dir = str(model_dir)
        self._setup(read_combiner_file(model_dir))
        register_extensions()

    def _setup(self, data: dict[str, Any]) -> None:
        from .combine import Combiner

        self.data = data
        self.combiner = Combiner.from_dict(data["combiner"])
        self.lfs_spec = dict(data["lfs"])
        self._labeler = None
        self._model = None
        self.monitor = SpanRateMonitor(data.get("train_span_rate"), f"the model in {self.model_dir}")

    @property
    def labeler(self):
        if self._labeler is None:
            from .weak import WeakLabeler

            self._labeler = WeakLabeler.from_config(preset=self.lfs_spec.get("preset"), lfs=self.lfs_spec.get("lfs"),
                                                    label_model="majority")
            if self._labeler.span_lf_names != self.combiner.lf_names or self._labeler.labels != self.combiner.labels:
                from corpora.errors import LF_CONFIG, LFError

                raise LFError(
                    f"the LFs of {self.lfs_spec} are not the ones the model was trained with "
                    f"({len(self._labeler.span_lf_names)} vs {len(self.combiner.lf_names)} LFs)",
                    "retrain the model with the current LF set (clinlabel train)", code=LF_CONFIG)
        return self._labeler

    @property
    def model(self):
        if self._model is None:
            from nlp_pipeline.end_model import load_end_model

            self._model = load_end_model(self.model_dir)
        return self._model

    def _annotate(self, docs: list[Doc]) -> None:
        from .combine import DocInput
        from .gold import model_probs_for

        labeler = self.labeler
        inputs = [DocInput([t.text for t in doc], labeler.votes(doc)) for doc in docs]
        if self.combiner.needs_model and docs:
            for d, p in zip(inputs, model_probs_for(self.model, [d.words for d in inputs], self.combiner.labels)):
                d.model_probs = p
        for doc, d in zip(docs, inputs):
            found = self.combiner.spans(d)
            if d.model_probs is not None:  # watch the end model's own spans
                from .combine import _type_mass, model_spans_from_mass

                self.monitor.add(len(doc), len(model_spans_from_mass(*_type_mass(d.model_probs, len(self.combiner.labels)))))
            group = list(doc.spans[self.span_key]) if self.span_key in doc.spans else []
            new = [Span(doc, s, e, label=self.combiner.labels[c - 1]) for s, e, c, _ in found]
            doc.spans[self.span_key] = group + new
            out = doc.spans[self.span_key]
            for k, (_, _, _, score) in enumerate(found):
                out[len(group) + k]._.score = round(score, 4)
                out[len(group) + k]._.source = SOURCE
            if d.model_probs is None:
                self.monitor.add(len(doc), len(found))

    def __call__(self, doc: Doc) -> Doc:
        self._annotate([doc])
        return doc

    def pipe(self, stream: Iterable[Doc], *, batch_size: int | None = None) -> Iterator[Doc]:
        size = batch_size or self.batch_size
        buf: list[Doc] = []
        for doc in stream:
            buf.append(doc)
            if len(buf) >= size:
                self._annotate(buf)
                yield from buf
                buf = []
        if buf:
            self._annotate(buf)
            yield from buf

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        if Path(self.model_dir).resolve() != path.resolve():
            if path.exists():
                shutil.rmtree(path)
            shutil.copytree(self.model_dir, path, ignore=shutil.ignore_patterns("arrow_cache"))

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "CombinedComponent":
        self.model_dir = str(path)
        self._setup(read_combiner_file(path))
        return self


@Language.factory(FACTORY, default_config={"model_dir": "", "span_key": SPAN_KEY, "batch_size": DEFAULT_BATCH_SIZE})
def make_combined(nlp: Language, name: str, model_dir: str, span_key: str, batch_size: int) -> CombinedComponent:
    return CombinedComponent(nlp, name, model_dir=model_dir, span_key=span_key, batch_size=batch_size)


__all__ = ["CombinedComponent", "COMBINER_FILE", "FACTORY", "SpanRateMonitor", "read_combiner_file"]
