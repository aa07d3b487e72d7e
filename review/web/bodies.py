"""Request bodies of the review API (Pydantic models) and the checks that need the note.

Every body is a model: integers are integers (``"5"`` or ``5.0`` is refused), strings and lists
have upper bounds, answers and decisions are one of their values, a span's start is before its
end.  Unknown keys are ignored, so a body that still carries ``annotator`` (older pages and
scripts) is accepted but that field is never used: the actor is the logged-in user.

:func:`clean_spans` then checks what needs the example: offsets inside the text, labels in the
dataset's label scheme, no span twice; and rebuilds each span from the note (its ``text``) and
from the machine's span at the same place (``source``, ``score``, ``kb_id``, ...), so a client
controls only offsets, label and the assertion attributes.
"""

from __future__ import annotations

from typing import Annotated, Any, Iterable, Literal, Mapping, Optional, Sequence

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, model_validator

from corpora.record import ASSERTIONS

#: Largest character offset accepted (a note is well below 10 million characters).
MAX_OFFSET = 10_000_000
#: Largest number of spans / relations in one answer.
MAX_SPANS = 5000
#: Path and query ids are database integers: 1 .. 2^31 - 1.
MAX_ID = 2**31 - 1
#: Keys of a machine span kept when the reviewer's span has the same offsets and label.
MACHINE_KEYS = ("source", "score", "kb_id", "code", "system", "section", "assertion_evidence",
                "token_start", "token_end")

Label = Annotated[str, Field(min_length=1, max_length=100)]
Offset = Annotated[StrictInt, Field(ge=0, le=MAX_OFFSET)]


class Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


class SpanIn(Body):
    start: Offset
    end: Offset
    label: Label
    negated: StrictBool = False
    historical: StrictBool = False
    hypothetical: StrictBool = False
    family: StrictBool = False
    uncertain: StrictBool = False

    @model_validator(mode="after")
    def _start_before_end(self) -> "SpanIn":
        if self.start >= self.end:
            raise ValueError(f"start {self.start} is not before end {self.end}")
        return self


class SpanRef(Body):
    start: Offset
    end: Offset
    label: Label


class RelationIn(Body):
    head: Offset
    child: Offset
    label: Label
    head_span: SpanRef
    child_span: SpanRef


class AnswerIn(Body):
    answer: Literal["accept", "reject", "ignore"]
    spans: Optional[list[SpanIn]] = Field(default=None, max_length=MAX_SPANS)
    relations: Optional[list[RelationIn]] = Field(default=None, max_length=MAX_SPANS)


class DecisionIn(Body):
    decision: Literal["accepted", "rejected"]


class NewCodeIn(Body):
    code: Annotated[str, Field(min_length=1, max_length=40)]
    system: Annotated[str, Field(max_length=40)] = "ICD-10-CM"
    description: Annotated[str, Field(max_length=1000)] = ""


class EditCodeIn(Body):
    code: Annotated[str, Field(min_length=1, max_length=40)]
    description: Annotated[str, Field(max_length=1000)] = ""


class EmptyIn(Body):
    pass


class LoginIn(Body):
    token: Annotated[str, Field(min_length=1, max_length=200)]


class BodyError(ValueError):
    """A body that is well formed but does not fit the example (answered 422)."""


def clean_spans(spans: Sequence[SpanIn], text: str, labels: Optional[Iterable[str]],
                machine: Iterable[Mapping[str, Any]] = ()) -> list[dict[str, Any]]:
    """The stored form of submitted spans (see the module docstring); raises :class:`BodyError`."""
    allowed = None if labels is None else set(labels)
    known = {}
    for m in machine:
        if isinstance(m, Mapping) and isinstance(m.get("start"), int) and isinstance(m.get("end"), int):
            known.setdefault((m["start"], m["end"], m.get("label")), m)
    out, seen = [], {}
    for i, sp in enumerate(spans):
        if sp.end > len(text):
            raise BodyError(f"span {i}: end {sp.end} is past the end of the note ({len(text)} characters)")
        if allowed is not None and sp.label not in allowed:
            raise BodyError(f"span {i}: label {sp.label[:100]!r} is not in the dataset's label scheme "
                            f"({', '.join(sorted(allowed)) or 'none'})")
        key = (sp.start, sp.end, sp.label)
        if key in seen:
            raise BodyError(f"span {i} repeats span {seen[key]} ({sp.start}..{sp.end} {sp.label})")
        seen[key] = i
        d: dict[str, Any] = {"start": sp.start, "end": sp.end, "label": sp.label, "text": text[sp.start:sp.end]}
        m = known.get(key)
        if m is not None:
            d.update({k: m[k] for k in MACHINE_KEYS if k in m})
        else:
            d["source"] = "annotator"
        d.update({a: bool(getattr(sp, a)) for a in ASSERTIONS})
        out.append(d)
    return sorted(out, key=lambda d: (d["start"], d["end"], d["label"]))


def clean_relations(relations: Sequence[RelationIn], text: str) -> list[dict[str, Any]]:
    for i, r in enumerate(relations):
        for side in (r.head_span, r.child_span):
            if side.end > len(text) or side.start >= side.end:
                raise BodyError(f"relation {i}: span {side.start}..{side.end} is not inside the note "
                                f"({len(text)} characters) with start < end")
    return [r.model_dump() for r in relations]
