"""Ontology error codes (defined in ``corpora.errors``'s ``[ONT]`` block) and a helper."""

from __future__ import annotations

from corpora.errors import (  # noqa: F401  (re-exported)
    ONT_ARG,
    ONT_INDEX,
    ONT_NOT_FOUND,
    ONT_OUTPUT,
    ONT_PARSE,
    ONT_SOURCE,
    ONT_UNKNOWN_CODE,
    OntologyError,
)


def ontology_error(code: str, what: str, fix: str = "", *, file=None, line=None) -> OntologyError:
    """Build an :class:`OntologyError` with one of the ``ONT_*`` codes."""
    return OntologyError(what, fix, file=file, line=line, code=code)
