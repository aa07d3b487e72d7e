"""Fast rule-based sentence splitting for clinical notes (factory ``clinlabel_sentences``).

Boundaries are found with a handful of regular expressions over the note's text and then mapped
onto the tokens (``token.is_sent_start``), so the component runs in well under a millisecond per
note.  It handles what general-purpose splitters get wrong in clinical text:

* abbreviations with periods that do not end a sentence: titles (``Dr.``, ``Mr.``), dosing
  (``b.i.d.``, ``p.o.``, ``q.4h.``, ``p.r.n.``), ``e.g.``, ``vs.``, initials (``J. Smith``),
  ``No. 3``, decimals (``98.6``);
* section headings (``PAST MEDICAL HISTORY:``) start a sentence and end one, including the
  MTSamples ``.,HEADING:,`` artefact where the original line breaks became commas;
* numbered and bulleted list items (``1. ...``, ``2) ...``, ``- ...``) each start a sentence;
* line-broken templates and vitals (``BP: 120/80`` on its own line) split at the line break,
  while prose wrapped over several lines (next line starting in lower case, or the line ending in
  ``of``/``and``/``,``) is joined.
"""



import re
from typing import Any

import numpy
from spacy.attrs import IDX, SENT_START

from corpora.doc import doc_text

from spacy.language import Language
from spacy.tokens import Doc

__all__ = ["ClinicalSentencizer", "make_sentencizer", "sentence_starts"]

# Words ending in "." that do not end a sentence when the next word is capitalised.
_TITLES = frozenset(
    """dr mr mrs ms mssrs prof rev st sr jr drs messrs hon gen col capt lt sgt
    fig figs vs v e.g i.e cf approx appt apt dept est no nos vol ref ca al etc.al
    jan feb mar apr jun jul aug sep sept oct nov dec mt ft pt pts""".split()
)
# Words ending in "." after which a following digit does not start a sentence.
_BEFORE_NUMBER = frozenset("no nos vol fig figs ref temp t p r bp hr rr wt ht approx ca ver op".split())
# Dosing and Latin abbreviations written with inner periods: b.i.d., p.o., q.4h., q.i.d., a.m., p.r.n.
_DOTTED = re.compile(r"^(?:[a-z]{1,3}\.){2,}$|^q\.?\d+(?:-\d+)?\.?h(?:r|rs)?\.$|^q\.?(?:am|pm|hs|d|h|wk)\.$", re.I)
# Words that, at the end of a line, mean the sentence continues on the next line.
_CONTINUES = frozenset(
    "of the a an and or with to in for on at by from as is was are were has had have be been "
    "without but if than that which who whose into onto per via".split()
)

_PERIOD_BREAK = re.compile(r"[.!?]+[\"')\]]*(?P<ws>\s+)(?=\S)")
_NEWLINE = re.compile(r"[ \t]*\n(?P<blank>[ \t]*\n)?\s*(?=\S)")
# An all-caps heading ending in a colon, at a place where a heading can start: start of text,
# start of a line, after sentence punctuation, or after MTSamples' comma artefact (",HEADING:").
_HEADING = re.compile(r"(?<![A-Za-z0-9])(?P<head>[A-Z][A-Z0-9&/()'\- ]*[A-Z)])[ \t]*:(?P<after>[ \t,]*)(?=\S)")
# Mixed-case heading alone on its line ("Past Medical History:" followed by a line break).
_LINE_HEADING = re.compile(r"(?m)^[ \t]*[A-Z][A-Za-z0-9&/()'\- ]{2,60}:[ \t]*$")
# List item markers at a line start ...
_LIST_LINE = re.compile(r"(?m)^[ \t]*(?P<item>(?:\d{1,2}[.)]|[a-z][.)]|[-*\u2022\u25cf\u25aa])[ \t]+)(?=\S)")
# A lettered list item at the start of a line ("a) ...", "b. ..."): it starts a new sentence.
_LIST_ITEM = re.compile(r"[a-z][.)][ \t]+(?=\S)")
# ... or right after a heading colon / sentence end / MTSamples comma artefact (",1.  She ...").
_LIST_INLINE = re.compile(r"(?:[:,.][ \t]*|(?<=[A-Za-z] ))(?P<item>\d{1,2}[.)][ \t]+)(?=[A-Z])|[:,.][ \t]*(?P<item2>\d{1,2}[.)][ \t]+)(?=[a-z])")
# MTSamples turned line breaks into commas: ".,Neck:" / ":,Lungs" start a new line.
_COMMA_BREAK = re.compile(r"[.:;],(?=[A-Z])")
_PUNCT_ONLY = re.compile(r"[\s,.;:]*$")


_SENTENCE_OPENERS = frozenset(
    "he she it they we i his her their the this that there these those patient pt on in at after "
    "no he's she's".split()
)


def _next_word(text: str, pos: int) -> str:
    end = pos
    while end < len(text) and text[end].isalpha():
        end += 1
    return text[pos:end]


def _word_before(text: str, end: int) -> tuple[str, int]:
    """The whitespace-delimited word ending at ``end`` and its start offset."""
    start = end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start:end], start


_GLUED_NUMBER = re.compile(r"[,:;.]\d{1,2}[.)]$")


def _is_list_number(text: str, word: str, start: int) -> bool:
    """``word`` ends with a list number like ``1.`` sitting where a list item can start
    (``1.`` after a line break or sentence end, or ``PLAN:,1.`` in MTSamples)."""
    if _GLUED_NUMBER.search(word):
        return True
    if not (len(word) <= 3 and word[:-1].isdigit() and word[-1] in ".)"):
        return False
    j = start - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    return j < 0 or text[j] in "\n:,.!?;"


def _period_splits(text: str, pos: int, ws_end: int) -> bool:
    """Should the sentence end at the ``[.!?]`` run ending at ``pos`` (next text at ``ws_end``)?"""
    nxt = text[ws_end]
    word, start = _word_before(text, pos)
    core = word.rstrip("\"')]")
    if core.endswith(("!", "?")):
        return not nxt.islower()
    if "\n" in text[pos:ws_end] and _NEWLINE_SPLITS(text, pos, ws_end):
        return True
    if _is_list_number(text, core, start):
        return False
    if nxt.islower():
        return False
    base = core.rstrip(".").lstrip("(\"'[").lower()
    if nxt.isdigit():
        return base not in _BEFORE_NUMBER and base not in _TITLES
    if base in _TITLES or base.replace(".", "") in _TITLES:
        return False
    # a single capital letter with a period is an initial ("John A. Smith") unless a pronoun or
    # article follows ("seen by Dr. X. He was ...")
    if len(base) == 1 and core[-2:-1].isupper():
        return _next_word(text, ws_end).lower() in _SENTENCE_OPENERS
    if _DOTTED.match(core):
        # "p.o. b.i.d. He ..." ends a sentence; "Dr. J.K. Smith" does not
        return not (core[:1].isupper() and len(core) <= 5)
    return True


def _NEWLINE_SPLITS(text: str, start: int, end: int) -> bool:
    """A line break between ``start`` and ``end`` (next text at ``end``) ends the sentence."""
    gap = text[start:end]
    if gap.count("\n") >= 2:
        return True
    nxt = text[end]
    if nxt.islower():
        return False
    prev = text[:start].rstrip()
    if not prev:
        return False
    if prev[-1] in ",(-/&+":
        return False
    word = prev[prev.rfind(" ") + 1 :].lower() if " " in prev else prev.lower()
    word = word[word.rfind("\n") + 1 :]
    if word in _CONTINUES and nxt.isalpha() and not _LIST_ITEM.match(text, end - 0):
        return False
    return True


def _heading_context(text: str, start: int) -> bool:
    """A heading can start at ``start``: start of text/line, after sentence punctuation, or
    right after MTSamples' comma artefact (",HEADING:")."""
    j = start - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    if j < 0 or text[j] == "\n":
        return True
    c = text[j]
    if c in ".!?;:":
        return True
    return c == "," and j == start - 1  # ",HEADING:" with no space, not "BP 120/80, HR: 72"


def sentence_starts(text: str) -> list[int]:
    """Character offsets where sentences start (always includes the first non-space character).

    This is the whole algorithm; :class:`ClinicalSentencizer` maps the offsets onto tokens.
    """
    n = len(text)
    first = n - len(text.lstrip())
    if first >= n:
        return []
    starts = {first}
    add = starts.add
    for m in _PERIOD_BREAK.finditer(text):
        end = m.end()
        if _period_splits(text, m.start("ws"), end):
            add(end)
    if "\n" in text:
        for m in _NEWLINE.finditer(text):
            end = m.end()
            if m.group("blank") is not None or _NEWLINE_SPLITS(text, m.start(), end):
                add(end)
        for m in _LINE_HEADING.finditer(text):
            add(m.start() + (len(m.group(0)) - len(m.group(0).lstrip())))
        for m in _LIST_LINE.finditer(text):
            add(m.start("item"))
    for m in _HEADING.finditer(text):
        hstart = m.start("head")
        if not _heading_context(text, hstart):
            continue
        head = m.group("head")
        letters = sum(c.isalpha() for c in head)
        if letters < 2:
            continue
        add(hstart)
        # the heading is its own sentence when it is a real heading (several letters, or a
        # comma artefact after it), not a short label such as "HR: 72"
        if letters >= 4 or "," in m.group("after"):
            add(m.end())
    for m in _LIST_INLINE.finditer(text):
        if m.group("item") is not None:
            # "biopsy 2) Large hernia" needs the parenthesis; "is 2. He" is a period break already
            if m.group(0)[:1].isalnum() is False or m.group("item").rstrip()[-1] == ")":
                add(m.start("item"))
        else:
            add(m.start("item2"))
    for m in _COMMA_BREAK.finditer(text):
        add(m.end())
    ordered = sorted(s for s in starts if s < n)
    # drop starts of "sentences" that are only punctuation (",", ".,") - they join the previous one
    out: list[int] = []
    for i, s in enumerate(ordered):
        nxt = ordered[i + 1] if i + 1 < len(ordered) else n
        if out and _PUNCT_ONLY.match(text, s, nxt):
            continue
        out.append(s)
    return out


class ClinicalSentencizer:
    """spaCy component that sets ``token.is_sent_start`` from :func:`sentence_starts`."""

    def __init__(self, nlp: Language | None = None, name: str = "clinlabel_sentences") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        offsets = sentence_starts(doc_text(doc))
        idx = doc.to_array(IDX)
        flags = numpy.full(n, -1, dtype="int64")
        if offsets:
            # the token that contains each start offset (offsets always point at non-space text)
            tok = numpy.searchsorted(idx, numpy.asarray(offsets, dtype=idx.dtype), side="right") - 1
            text = doc_text(doc)
            for off, t in zip(offsets, tok.tolist()):
                start = int(idx[t])  # t >= 0: the first token starts at 0 and offsets are >= 0
                if start < off and t + 1 < n:
                    # spaCy glued two pieces into one token: "ALLERGIES.,SOCIAL" ends a sentence on
                    # the left (the token stays with it, after "HE HAS NO"); "CLINICAL:,Left" and
                    # "PLAN:,1" are a heading glued to its content (the token starts the sentence)
                    if text[start:off].rstrip(", ").endswith((".", "!", "?", ";", ")")):
                        t += 1
                flags[t] = 1
        flags[0] = 1
        doc.from_array([SENT_START], flags.astype("uint64").reshape(-1, 1))
        return doc

    # the component has no state: serialisation is a no-op but keeps spaCy's API
    def to_bytes(self, *, exclude: Any = ()) -> bytes:
        return b""

    def from_bytes(self, data: bytes, *, exclude: Any = ()) -> "ClinicalSentencizer":
        return self

    def to_disk(self, path: Any, *, exclude: Any = ()) -> None:
        return None

    def from_disk(self, path: Any, *, exclude: Any = ()) -> "ClinicalSentencizer":
        return self


@Language.factory("clinlabel_sentences", default_config={})
def make_sentencizer(nlp: Language, name: str) -> ClinicalSentencizer:
    """Create the clinical sentence splitter (no configuration)."""
    return ClinicalSentencizer(nlp, name)
