"""Where compiled ontologies live and how names resolve.

* ``icd10cm`` is bundled: ``ontologies/data/icd10cm.sqlite``, opened through
  :mod:`importlib.resources`.
* SNOMED CT and UMLS are compiled by the user (``clinlabel ontology build snomed|umls``) into
  ``--out`` (default: ``<user data dir>/ontologies``) and registered by name in
  ``<user data dir>/ontologies/registry.json``.  The user data dir is
  ``platformdirs.user_data_dir("clinlabel")``, or ``$CLINLABEL_DATA_DIR`` when set.
"""

from __future__ import annotations

import json
import os
import threading
from contextlib import ExitStack
from importlib import resources
from pathlib import Path

from .errors import ONT_NOT_FOUND, ONT_OUTPUT, ontology_error
from .store import Ontology, set_default_resolver

BUNDLED = {"icd10cm": "icd10cm.sqlite"}
_cache: dict[tuple[str, str], Ontology] = {}
_lock = threading.Lock()
_files = ExitStack()


def data_dir() -> Path:
    """clinlabel's user data directory (``$CLINLABEL_DATA_DIR`` or the platform default)."""
    env = os.environ.get("CLINLABEL_DATA_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("clinlabel", appauthor=False))


def ontology_dir() -> Path:
    return data_dir() / "ontologies"


def _registry_path() -> Path:
    return ontology_dir() / "registry.json"


def _read_registry() -> dict[str, dict[str, str]]:
    path = _registry_path()
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ontology_error(ONT_NOT_FOUND, f"registry unreadable: {exc}",
                             "delete it and rebuild your ontologies", file=path) from exc


def register(name: str, path: str | os.PathLike[str]) -> None:
    """Register a compiled ontology file under ``name`` (for ``--ontology NAME`` / :func:`load`)."""
    if name in BUNDLED:
        raise ontology_error("CL-ONT006", f"{name!r} is the bundled ontology's name",
                             "choose another --name for your build")
    path = Path(path).resolve()
    ont = Ontology(path)
    reg = _read_registry()
    reg[name] = {"path": str(path), "system": ont.system, "version": ont.version}
    ont.close()
    target = _registry_path()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(reg, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(tmp, target)
    except OSError as exc:
        raise ontology_error(ONT_OUTPUT, f"cannot write the registry: {exc}",
                             "set CLINLABEL_DATA_DIR to a writable folder", file=target) from exc
    with _lock:
        for key in [k for k in _cache if k[0] == name]:
            del _cache[key]


def available() -> dict[str, dict[str, str]]:
    """Every loadable name: the bundled ones and the registered ones, with path and system."""
    out = {name: {"path": str(bundled_path(name)), "system": "ICD-10-CM", "bundled": "yes"} for name in BUNDLED}
    out.update(_read_registry())
    return out


def bundled_path(name: str = "icd10cm") -> Path:
    """Path of a bundled ontology file (a real file: package data is never zipped here)."""
    ref = resources.files("ontologies").joinpath("data", BUNDLED[name])
    return Path(_files.enter_context(resources.as_file(ref)))


def resolve(name: str) -> Path:
    """File of ontology ``name`` (bundled name, registered name, or a path to a compiled file)."""
    if name in BUNDLED:
        path = bundled_path(name)
        if not path.is_file():
            raise ontology_error(ONT_NOT_FOUND, f"the bundled {name} resource is missing ({path})",
                                 "reinstall clinlabel, or rebuild it: clinlabel ontology build icd10cm TABULAR_XML "
                                 "--gems DIR --out ontologies/data/icd10cm.sqlite")
        return path
    reg = _read_registry()
    if name in reg:
        return Path(reg[name]["path"])
    candidate = Path(name)
    if candidate.suffix in (".sqlite", ".db") and candidate.is_file():
        return candidate
    known = ", ".join(sorted(available())) or "none"
    raise ontology_error(ONT_NOT_FOUND, f"no ontology named {name!r} (known: {known})",
                         "build and register one with `clinlabel ontology build snomed RF2_DIR` or "
                         "`clinlabel ontology build umls META_DIR`, or pass a path to a compiled .sqlite")


def load(name: str = "icd10cm") -> Ontology:
    """The :class:`~ontologies.store.Ontology` called ``name`` (opened once per process)."""
    path = resolve(name)
    key = (name, str(path))
    with _lock:
        ont = _cache.get(key)
        if ont is None:
            ont = _cache[key] = Ontology(path, name=name if name in BUNDLED or name in _read_registry() else None,
                                         resolve=load)
        return ont


# an Ontology built directly (``Ontology(path)``) describes its ICD-10-CM map targets through load()
set_default_resolver(load)
