"""UIMA CAS XMI as INCEpTION / WebAnno write it: the type system and XML safety checks.

clinlabel maps its records onto INCEpTION's documented (DKPro Core) types:

| record | UIMA type | features |
|---|---|---|
| ``meta.id`` | ``de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData`` | ``documentId``, ``documentTitle`` |
| sentences / tokens | ``...api.segmentation.type.Sentence`` / ``Token`` | (offsets) |
| span | ``de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity`` | ``value`` = label, ``identifier`` = ``kb_id`` (else ``code``), ``negated`` ... ``uncertain`` (Boolean), ``score`` (Float) |
| relation | ``webanno.custom.Relation`` (an INCEpTION custom relation layer) | ``Governor`` / ``Dependent`` = the two NamedEntity, ``label`` |

The assertion and score features are added to INCEpTION's built-in NamedEntity layer (add them
as features of that layer in the project to see them in INCEpTION).  Offsets in XMI count
UTF-16 units; ``dkpro-cassis`` converts them to Python's code points.

XML safety: an XMI or type-system file that declares a DTD (``<!DOCTYPE``, and so any
``<!ENTITY``) is refused before it reaches the parser, so no internal entity, external entity
or "billion laughs" is ever expanded (:func:`refuse_dtd`).
"""

from __future__ import annotations

from pathlib import Path

from .errors import IO_XML_UNSAFE, corpus_error

DKPRO = "de.tudarmstadt.ukp.dkpro.core.api."
DOCUMENT_META = DKPRO + "metadata.type.DocumentMetaData"
SENTENCE = DKPRO + "segmentation.type.Sentence"
TOKEN = DKPRO + "segmentation.type.Token"
NAMED_ENTITY = DKPRO + "ner.type.NamedEntity"
RELATION = "webanno.custom.Relation"
TYPESYSTEM_FILE = "TypeSystem.xml"

_PROLOG_LIMIT = 1 << 20


def refuse_dtd(path: str | Path) -> None:
    """Raise ``CL-IO102`` if ``path``'s prolog (before the root element) declares a DTD.

    Scans at most the first MiB; the prolog of an XMI file is a few hundred bytes.
    """
    with open(path, "rb") as fh:
        head = fh.read(_PROLOG_LIMIT)
    i = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    while True:
        j = head.find(b"<", i)
        if j < 0:
            if len(head) < _PROLOG_LIMIT:
                return  # no element at all: the parser reports the broken file
            break
        if head.startswith(b"<?", j) or head.startswith(b"<!--", j):
            close = head.find(b"?>" if head[j + 1:j + 2] == b"?" else b"-->", j)
            if close < 0:
                break
            i = close + 2
        elif head.startswith(b"<!", j):
            line = head.count(b"\n", 0, j) + 1
            raise corpus_error(IO_XML_UNSAFE, "the file declares a DTD (<!DOCTYPE ...>); entities are never expanded",
                               "export the document again from INCEpTION / UIMA (XMI needs no DTD) or remove the "
                               "DOCTYPE declaration", file=path, line=line)
        else:
            return  # the root element: the prolog is over
    raise corpus_error(IO_XML_UNSAFE, f"no root element in the first {_PROLOG_LIMIT} bytes (an endless prolog)",
                       "give the file as INCEpTION / UIMA exported it", file=path)


def typesystem():
    """The type system clinlabel writes (INCEpTION's DKPro Core types plus the relation layer)."""
    from cassis import TypeSystem
    from cassis.typesystem import TYPE_NAME_BOOLEAN, TYPE_NAME_FLOAT, TYPE_NAME_STRING

    from .record import ASSERTIONS

    ts = TypeSystem()
    meta = ts.create_type(DOCUMENT_META, supertypeName="uima.tcas.DocumentAnnotation")
    for name in ("documentTitle", "documentId", "documentUri", "collectionId", "documentBaseUri"):
        ts.create_feature(meta, name, TYPE_NAME_STRING)
    ts.create_feature(meta, "isLastSegment", TYPE_NAME_BOOLEAN)
    ts.create_type(SENTENCE)
    ts.create_type(TOKEN)
    ne = ts.create_type(NAMED_ENTITY)
    ts.create_feature(ne, "value", TYPE_NAME_STRING)
    ts.create_feature(ne, "identifier", TYPE_NAME_STRING)
    for name in ASSERTIONS:
        ts.create_feature(ne, name, TYPE_NAME_BOOLEAN)
    ts.create_feature(ne, "score", TYPE_NAME_FLOAT)
    rel = ts.create_type(RELATION)
    ts.create_feature(rel, "Governor", NAMED_ENTITY)
    ts.create_feature(rel, "Dependent", NAMED_ENTITY)
    ts.create_feature(rel, "label", TYPE_NAME_STRING)
    return ts
