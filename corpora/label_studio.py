"""Label Studio's data model, shared by its reader and writer.

Label Studio (``label-studio`` on PyPI) labels a ``Text`` tag with ``Labels`` regions whose
``value.start`` / ``value.end`` are offsets into the JavaScript string, i.e. UTF-16 code units;
clinlabel's offsets count code points.  They differ only after a character outside the Basic
Multilingual Plane (emoji, some CJK): :class:`Offsets` converts both ways.

The labelling config clinlabel writes (:func:`label_config`) names its tags so the reader
knows them: ``Labels name="label"`` over ``Text name="text" value="$text"``, ``Relations`` with
one ``Relation`` per relation label, and a per-region ``Choices name="assertion"``
(``choice="multiple"``) with one ``Choice`` per assertion attribute.
"""

from __future__ import annotations

import bisect
import xml.etree.ElementTree as ET
from typing import Iterable

from .record import ASSERTIONS

LABELS_NAME = "label"
TEXT_NAME = "text"
ASSERTION_NAME = "assertion"
MODEL_VERSION = "clinlabel"


class Offsets:
    """Code-point offsets <-> UTF-16 offsets of one text."""

    def __init__(self, text: str) -> None:
        #: code-point positions of characters that take two UTF-16 units
        self.astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF] if not text.isascii() else []

    def to_js(self, i: int) -> int:
        return i + bisect.bisect_left(self.astral, i) if self.astral else i

    def from_js(self, j: int) -> int:
        if not self.astral:
            return j
        # the code-point offset i with to_js(i) == j (astral positions each add one unit)
        lo, hi = 0, j
        while lo < hi:
            mid = (lo + hi) // 2
            if self.to_js(mid) < j:
                lo = mid + 1
            else:
                hi = mid
        return lo


def label_config(labels: Iterable[str], relation_labels: Iterable[str] = (), *, assertions: bool = True) -> str:
    """The labelling config XML for ``labels`` (and relation labels, assertion choices)."""
    view = ET.Element("View")
    labels_el = ET.SubElement(view, "Labels", name=LABELS_NAME, toName=TEXT_NAME)
    for label in sorted(set(labels)):
        ET.SubElement(labels_el, "Label", value=label)
    ET.SubElement(view, "Text", name=TEXT_NAME, value="$" + TEXT_NAME)
    rel_labels = sorted(set(relation_labels))
    if rel_labels:
        rels = ET.SubElement(view, "Relations")
        for label in rel_labels:
            ET.SubElement(rels, "Relation", value=label)
    if assertions:
        box = ET.SubElement(view, "View", visibleWhen="region-selected")
        ET.SubElement(box, "Header", value="Assertion")
        choices = ET.SubElement(box, "Choices", name=ASSERTION_NAME, toName=TEXT_NAME, perRegion="true",
                                choice="multiple")
        for name in ASSERTIONS:
            ET.SubElement(choices, "Choice", value=name)
    ET.indent(view)
    return ET.tostring(view, encoding="unicode") + "\n"
