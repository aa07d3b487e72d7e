"""Start-up cost control for processes that run the pipeline (CLI, workers, Spark executors).

Two imports dominate a cold start and neither is used by clinlabel's rule pipeline:

* thinc imports **torch** eagerly when it is installed (to offer PyTorch layers), ~1.5-6 s;
* spaCy imports **every installed package's** ``spacy_factories`` entry point on the first
  ``spacy.blank()``: here Presidio's transformer pipe, which pulls in transformers (~3 s).

:func:`lean_spacy` imports spaCy with torch hidden from thinc (torch stays importable afterwards,
so the transformer end model and ``transformers`` load it normally when they need it) and makes
spaCy load only clinlabel's own factory entry points (other factories still work when their
module is imported explicitly).  It changes process-wide state, so library code never calls it
on import: the CLI workflows call it once before building a pipeline.
"""

from __future__ import annotations

import logging
import sys

logger = logging.getLogger(__name__)

_DONE = False


def lean_spacy() -> None:
    """Import spaCy without torch and without other packages' factory entry points (idempotent)."""
    global _DONE
    if _DONE:
        return
    _DONE = True
    if "spacy" not in sys.modules and "torch" not in sys.modules:
        sys.modules["torch"] = None  # type: ignore[assignment]  # ImportError for thinc's probe
        try:
            import thinc.compat  # noqa: F401
        finally:
            del sys.modules["torch"]
    from importlib.metadata import entry_points

    from spacy import util

    registry = util.registry._entry_point_factories

    def clinlabel_entry_points():
        return {ep.name: ep.load() for ep in entry_points(group="spacy_factories") if ep.name.startswith("clinlabel_")}

    registry.get_entry_points = clinlabel_entry_points
    logger.debug("spaCy imported lean (no torch probe, clinlabel factory entry points only)")
