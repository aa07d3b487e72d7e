"""spaCy factory ``clinlabel_end_model``: the trained end model as a pipeline component.

This module imports cheaply (spaCy imports every ``spacy_factories`` entry point on each
``spacy.blank()``): torch and transformers load on the first document.  The component writes
its spans to ``doc.spans[span_key]`` with ``span._.score`` and ``span._.source =
"clinlabel_end_model"``; spans already in that group are kept.  ``to_disk`` copies the model
folder into the pipeline folder, ``from_disk`` loads it from there.
"""


import logging
import shutil
from pathlib import Path
from typing import Any, Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc, Span

from corpora.doc import SPAN_KEY, register_extensions

logger = logging.getLogger(__name__)

FACTORY = "clinlabel_end_model"
DEFAULT_BATCH_SIZE = 16
#: warn when a model predicts fewer than this share of its training labels' spans per token ...
LOW_RATE_SHARE = 0.3
#: ... measured over at least this many tokens
LOW_RATE_MIN_TOKENS = 5000


class SpanRateMonitor:
    """Counts output spans per token and warns once when far below the training labels' rate."""

    def __init__(self, train_rate: float | None, where: str) -> None:
        self.train_rate = train_rate
        self.where = where
        self.tokens = 0
        self.spans = 0
        self.warned = False

    def add(self, n_tokens: int, n_spans: int) -> None:
        self.tokens += n_tokens
        self.spans += n_spans
        if self.warned or not self.train_rate or self.tokens < LOW_RATE_MIN_TOKENS:
            return
        rate = 1000.0 * self.spans / self.tokens
        if rate < LOW_RATE_SHARE * self.train_rate:
            self.warned = True
            logger.warning(
                "%s predicts %.1f spans per 1000 tokens, its training labels had %.1f: the model may be "
                "undertrained (train longer, or check the input is like the training text)",
                self.where, rate, self.train_rate)




@Language.factory(
    FACTORY,
    default_config={"model_dir": "", "span_key": SPAN_KEY, "batch_size": DEFAULT_BATCH_SIZE},
)
def make_end_model(nlp: Language, name: str, model_dir: str, span_key: str, batch_size: int) -> "EndModelComponent":
    return EndModelComponent(nlp, name, model_dir=model_dir, span_key=span_key, batch_size=batch_size)


class EndModelComponent:
    """Predict entity spans with a model folder written by ``clinlabel train``."""

    def __init__(self, nlp: Language, name: str = FACTORY, *, model_dir: str = "", span_key: str = SPAN_KEY,
                 batch_size: int = DEFAULT_BATCH_SIZE) -> None:
        from corpora.errors import PIPE_CONFIG, PipelineError

        from .model import check_model_dir

        if not isinstance(span_key, str) or not span_key:
            raise PipelineError(f"span_key must be a non-empty string, got {span_key!r}",
                                f"set {name}.span_key, e.g. \"clinlabel\"", code=PIPE_CONFIG)
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise PipelineError(f"batch_size must be an integer >= 1, got {batch_size!r}",
                                f"set {name}.batch_size to e.g. 16", code=PIPE_CONFIG)
        self.name = name
        self.span_key = span_key
        self.batch_size = batch_size
        self.model_dir = str(model_dir or "")
        self._model = None
        self.monitor = SpanRateMonitor(None, f"the model in {self.model_dir}")
        if self.model_dir:
            meta = check_model_dir(self.model_dir)  # a located error now, not at the first document
            self.monitor.train_rate = meta.get("train_span_rate")
        register_extensions()

    @property
    def model(self):
        if self._model is None:
            from corpora.errors import MODEL_DIR, ModelError

            from .model import load_end_model

            if not self.model_dir:
                raise ModelError(f"the {FACTORY} component has no model_dir",
                                 "set model_dir in its config (or use `clinlabel annotate --model DIR`)", code=MODEL_DIR)
            self._model = load_end_model(self.model_dir)
        return self._model

    def _annotate(self, docs: list[Doc]) -> None:
        model = self.model
        probs = model.word_probs([[t.text for t in doc] for doc in docs], batch_size=self.batch_size, progress=False)
        for doc, p in zip(docs, probs):
            found = []
            for ts, te, label, score in model.decode(p):
                span = Span(doc, ts, te + 1, label=label)
                found.append((span, score))
            group = list(doc.spans[self.span_key]) if self.span_key in doc.spans else []
            group.extend(span for span, _ in found)
            doc.spans[self.span_key] = group
            for span, score in found:
                span._.score = round(score, 4)
                span._.source = "clinlabel_end_model"
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
        if self.model_dir and Path(self.model_dir).resolve() != path.resolve():
            if path.exists():
                shutil.rmtree(path)
            shutil.copytree(self.model_dir, path, ignore=shutil.ignore_patterns("arrow_cache"))

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "EndModelComponent":
        from .model import check_model_dir

        self.monitor.train_rate = check_model_dir(path).get("train_span_rate")
        self.model_dir = str(path)
        self._model = None
        return self
