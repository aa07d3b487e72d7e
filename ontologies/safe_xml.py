"""Parse the CDC/CMS XML releases with entities and DTDs off (``defusedxml``).

A release file is input like any other: a hostile or damaged file must fail with a located
error, never expand entities (billion laughs) or fetch external ones.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from .errors import ONT_PARSE, ontology_error


def parse_xml(path: str | Path, *, fix: str) -> ET.Element:
    """The root element of ``path``; a malformed file, a DTD or an entity declaration raises an
    :class:`~corpora.errors.OntologyError` (CL-ONT code) naming the file and line and ``fix``."""
    import defusedxml.ElementTree as DET
    from defusedxml import DefusedXmlException

    path = Path(path)
    try:
        return DET.parse(str(path), forbid_dtd=True, forbid_entities=True, forbid_external=True).getroot()
    except ET.ParseError as exc:
        raise ontology_error(ONT_PARSE, f"not well-formed XML: {exc}", fix, file=path, line=exc.position[0]) from exc
    except DefusedXmlException as exc:
        raise ontology_error(ONT_PARSE, f"XML with a DTD or entity declaration is refused ({type(exc).__name__})",
                             fix + " (release files have no DTD or entities)", file=path) from exc
