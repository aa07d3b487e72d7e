"""The labelling-function API: decorators, the LF set, resources and loading a user's LF module.

A labelling function (LF) is a plain function with a decorator::

    from labeling_functions import span_lf

    @span_lf(labels=["Disease"])
    def disease_suffix(doc):
        for tok in doc:
            if tok.lower_.endswith("itis"):
                yield doc[tok.i : tok.i + 1]          # a Span; its label defaults to labels[0]

Its name is the function's name.  Keyword-only parameters are *resources*, injected by name
from the resource mapping given to :class:`LFSet` (lexicons, ontologies, other models), never
read from globals::

    @span_lf(labels=["Chemical"])
    def drug_list(doc, *, drug_matcher):
        return drug_matcher(doc, "Chemical")

Span LFs may yield ``Span`` objects, ``(start_token, end_token)`` or ``(start_token, end_token, label)``
tuples; the votes land in ``doc.spans[f"lf:{name}"]``.  Relation LFs vote on a candidate pair
(return a label index, or :data:`ABSTAIN`); doc LFs vote a document label the same way.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from corpora.errors import (
    LF_DUPLICATE_NAME,
    LF_MODULE,
    LF_OUTPUT,
    LF_RESOURCE,
    LFError,
)

#: Snorkel's convention: an LF that has no opinion votes -1.
ABSTAIN: int = -1
#: The label an LF emits to vote "outside any entity" (a negative LF).
OUTSIDE: str = "O"
#: Prefix of the span groups that hold each LF's votes.
VOTE_PREFIX = "lf:"

KINDS = ("span", "relation", "doc")

# (module, name) -> (file, line) of the definition, to catch two LFs with one name in a module
_DEFINED: dict[tuple[str, str], tuple[str, int]] = {}


@dataclass(frozen=True)
class LabelingFunction:
    """One labelling function: a named callable with the labels it may vote."""

    name: str
    func: Callable[..., Any]
    kind: str
    labels: tuple[str, ...]
    resources: tuple[str, ...] = ()
    description: str = ""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.func(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<{self.kind}_lf {self.name} labels={list(self.labels)}>"


def _make_decorator(kind: str, labels: Sequence[str] | None, name: str | None):
    if labels is not None and (isinstance(labels, str) or not all(isinstance(x, str) for x in labels)):
        raise LFError(
            f"labels must be a list of strings, got {labels!r}",
            'write e.g. @span_lf(labels=["Disease"])', code=LF_OUTPUT,
        )

    def decorate(func: Callable[..., Any]) -> LabelingFunction:
        if isinstance(func, LabelingFunction):
            func = func.func
        lf_name = name or func.__name__
        code = getattr(func, "__code__", None)
        where = (getattr(code, "co_filename", "?"), getattr(code, "co_firstlineno", 0))
        key = (getattr(func, "__module__", "?"), lf_name)
        previous = _DEFINED.get(key)
        if previous is not None and previous != where:
            raise LFError(
                f"labelling function name {lf_name!r} is defined twice in module {key[0]} "
                f"({previous[0]}:{previous[1]} and {where[0]}:{where[1]})",
                "give every labelling function a unique function name",
                file=where[0], line=where[1], code=LF_DUPLICATE_NAME,
            )
        _DEFINED[key] = where
        params = inspect.signature(func).parameters.values()
        resources = tuple(p.name for p in params if p.kind is inspect.Parameter.KEYWORD_ONLY)
        doc = inspect.getdoc(func) or ""
        return LabelingFunction(
            name=lf_name, func=func, kind=kind, labels=tuple(labels or ()),
            resources=resources, description=doc.split("\n")[0],
        )

    return decorate


def span_lf(labels: Sequence[str] | None = None, *, name: str | None = None):
    """Decorator: a labelling function that votes spans on a ``Doc`` (entity tagging)."""
    return _make_decorator("span", labels, name)


def relation_lf(labels: Sequence[str] | None = None, *, name: str | None = None):
    """Decorator: a labelling function that votes on a candidate pair (see ``relations``)."""
    return _make_decorator("relation", labels, name)


def doc_lf(labels: Sequence[str] | None = None, *, name: str | None = None):
    """Decorator: a labelling function that votes one label for a whole document."""
    return _make_decorator("doc", labels, name)


@dataclass
class LFSet:
    """An ordered set of labelling functions with unique names, plus their resources.

    ``resources`` maps a resource name to the object (or to a zero-argument factory, called once
    on first use, so heavy lexicons load only when an LF asks for them).
    """

    lfs: list[LabelingFunction] = field(default_factory=list)
    resources: dict[str, Any] = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)
    #: optional ``(doc, votes) -> votes`` step run on every document's span votes before they are
    #: written or aggregated (a preset's rule for settling overlaps between labels)
    resolver: Callable[[Any, dict[str, list[tuple[int, int, str]]]], dict[str, list[tuple[int, int, str]]]] | None = None
    _loaded: dict[str, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        given = list(self.lfs)
        self.lfs = []
        for lf in given:
            self.add(lf)

    def add(self, lf: LabelingFunction) -> None:
        if not isinstance(lf, LabelingFunction):
            raise LFError(
                f"{lf!r} is not a labelling function",
                "decorate it with @span_lf, @relation_lf or @doc_lf", code=LF_OUTPUT,
            )
        if any(other.name == lf.name for other in self.lfs):
            raise LFError(
                f"two labelling functions are named {lf.name!r}",
                "rename one of them (an LF's name is its function name, and names must be unique)",
                code=LF_DUPLICATE_NAME,
            )
        self.lfs.append(lf)
        if lf.kind == "span":
            for label in lf.labels:
                if label != OUTSIDE and label not in self.labels:
                    self.labels.append(label)

    def extend(self, other: "LFSet") -> "LFSet":
        for lf in other.lfs:
            self.add(lf)
        for key, value in other.resources.items():
            self.resources.setdefault(key, value)
        for label in other.labels:
            if label not in self.labels:
                self.labels.append(label)
        if self.resolver is None:
            self.resolver = other.resolver
        return self

    def __iter__(self) -> Iterator[LabelingFunction]:
        return iter(self.lfs)

    def __len__(self) -> int:
        return len(self.lfs)

    @property
    def names(self) -> list[str]:
        return [lf.name for lf in self.lfs]

    def of_kind(self, kind: str) -> list[LabelingFunction]:
        return [lf for lf in self.lfs if lf.kind == kind]

    def resource(self, name: str, lf: str = "?") -> Any:
        if name in self._loaded:
            return self._loaded[name]
        if name not in self.resources:
            raise LFError(
                f"labelling function {lf!r} needs the resource {name!r}, which was not provided "
                f"(have {sorted(self.resources)})",
                f"pass resources={{{name!r}: ...}} to the LF set (or define RESOURCES in your LF module)",
                code=LF_RESOURCE,
            )
        value = self.resources[name]
        if callable(value) and getattr(value, "_lazy_resource", False):
            value = value()
        self._loaded[name] = value
        return value

    def kwargs_for(self, lf: LabelingFunction) -> dict[str, Any]:
        return {r: self.resource(r, lf.name) for r in lf.resources}


def lazy_resource(factory: Callable[[], Any]) -> Callable[[], Any]:
    """Mark a zero-argument factory as a resource that loads on first use."""
    factory._lazy_resource = True  # type: ignore[attr-defined]
    return factory


def load_lfs(module_path: str) -> LFSet:
    """Load a user's labelling functions from a module path (``mypkg.lfs``).

    Every module-level :class:`LabelingFunction` is collected in definition order.  The module
    may define ``RESOURCES`` (a dict, or a function returning one) with the resources its LFs
    ask for, and ``LABELS`` (the entity labels, in order).
    """
    try:
        module = importlib.import_module(module_path)
    except Exception as exc:  # ImportError, SyntaxError, errors inside the module
        raise LFError(
            f"cannot import the labelling-function module {module_path!r}: {type(exc).__name__}: {exc}",
            "give an importable module path (e.g. mypkg.lfs, with mypkg on PYTHONPATH)",
            code=LF_MODULE,
        ) from exc
    lfs = [v for v in vars(module).values() if isinstance(v, LabelingFunction)]
    if not lfs:
        raise LFError(
            f"module {module_path!r} defines no labelling functions",
            "decorate your functions with @span_lf(labels=[...]) (from labeling_functions import span_lf)",
            file=getattr(module, "__file__", None), code=LF_MODULE,
        )
    resources = getattr(module, "RESOURCES", {}) or {}
    if callable(resources):
        resources = resources()
    lfset = LFSet(lfs=lfs, resources=dict(resources))
    labels = getattr(module, "LABELS", None)
    if labels:
        lfset.labels = list(labels) + [x for x in lfset.labels if x not in labels]
    return lfset


def iter_votes(lf: LabelingFunction, doc, result: Any) -> Iterable[tuple[int, int, str]]:
    """Normalise what a span LF returned into ``(start_token, end_token, label)`` triples."""
    if result is None:
        return
    default = lf.labels[0] if lf.labels else ""
    from spacy.tokens import Span

    for item in result:
        if isinstance(item, Span):
            label = item.label_ or default
            start, end = item.start, item.end
        elif isinstance(item, tuple) and len(item) in (2, 3):
            start, end = int(item[0]), int(item[1])
            label = item[2] if len(item) == 3 else default
        else:
            raise LFError(
                f"labelling function {lf.name!r} returned {item!r}",
                "yield spaCy Spans or (start_token, end_token[, label]) tuples",
                code=LF_OUTPUT,
            )
        if lf.labels and label not in lf.labels:
            raise LFError(
                f"labelling function {lf.name!r} voted label {label!r}, not among its labels {list(lf.labels)}",
                "add the label to the decorator's labels=[...]", code=LF_OUTPUT,
            )
        if 0 <= start < end <= len(doc):
            yield start, end, label


def apply_span_lfs(doc, lfset: LFSet, *, write: bool = True) -> dict[str, list[tuple[int, int, str]]]:
    """Run every span LF on ``doc``; return ``{lf name: [(start, end, label), ...]}``.

    With ``write`` the votes also land in ``doc.spans[f"lf:{name}"]``.
    """
    votes: dict[str, list[tuple[int, int, str]]] = {}
    for lf in lfset.of_kind("span"):
        result = lf.func(doc, **lfset.kwargs_for(lf))
        votes[lf.name] = sorted(set(iter_votes(lf, doc, result)))
    if lfset.resolver is not None:
        votes = lfset.resolver(doc, votes)
    if write:
        from spacy.tokens import Span

        for name, spans in votes.items():
            doc.spans[VOTE_PREFIX + name] = [Span(doc, s, e, label=label) for s, e, label in spans]
    return votes


def votes_from_doc(doc, names: Sequence[str]) -> dict[str, list[tuple[int, int, str]]]:
    """Read LF votes back from ``doc.spans`` (the inverse of ``apply_span_lfs(write=True)``)."""
    out: dict[str, list[tuple[int, int, str]]] = {}
    for name in names:
        group = doc.spans[VOTE_PREFIX + name] if VOTE_PREFIX + name in doc.spans else []
        out[name] = [(s.start, s.end, s.label_) for s in group]
    return out


def resources_from(mapping: Mapping[str, Any] | None) -> dict[str, Any]:
    return dict(mapping or {})
