"""UIMA CAS XMI (INCEpTION / WebAnno exports) through ``dkpro-cassis``.

``path`` is one ``.xmi`` file or a folder of them (read in file-name order); the type system is
``TypeSystem.xml`` (any case) in the same folder.  One record per file: ``text`` = the sofa
string, ``meta.id`` = ``DocumentMetaData.documentId`` (else its title, else the file name
without ``.xmi``).  Spans: every ``NamedEntity`` (label = ``value``, ``kb_id`` = ``identifier``,
assertion flags and ``score`` where the layer has those features) and every annotation of an
INCEpTION custom span layer (``webanno.custom.*``; label = its ``label`` or ``value`` feature,
else the layer's name).  Relations: annotations with ``Governor`` and ``Dependent`` features
between two of those spans (label = ``label`` / ``value`` feature, else the layer's name).
Files that declare a DTD are refused before parsing (:func:`corpora.xmi.refuse_dtd`).
Errors name the file and the line lxml reports, never the text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from ..errors import IO_NOT_FOUND, IO_XMI, ClinlabelError, corpus_error
from ..record import ASSERTIONS
from ..xmi import DOCUMENT_META, NAMED_ENTITY, TYPESYSTEM_FILE, refuse_dtd
from ._common import IdTracker, PathLike, empty_error, skip_or_raise

_LABEL_FEATURES = ("label", "value")


def _typesystem_file(folder: Path) -> Path:
    for p in sorted(folder.iterdir()):
        if p.name.lower() == TYPESYSTEM_FILE.lower():
            return p
    raise corpus_error(IO_NOT_FOUND, f"no {TYPESYSTEM_FILE} beside the XMI file(s) in {folder}",
                       "put the type system INCEpTION exported (TypeSystem.xml) in the same folder", file=folder)


def _parse_error(err: Exception, path: Path, what: str) -> ClinlabelError:
    line = getattr(err, "lineno", None) or getattr(err, "position", (None,))[0]
    return corpus_error(IO_XMI, f"cannot read the {what} ({type(err).__name__})",
                        "give the file as INCEpTION / UIMA exported it (UIMA CAS XMI, XML 1.0) with its TypeSystem.xml",
                        file=path, line=line if isinstance(line, int) else None)


def load_typesystem_file(path: Path):
    from cassis import load_typesystem

    refuse_dtd(path)
    try:
        with open(path, "rb") as fh:
            return load_typesystem(fh)
    except ClinlabelError:
        raise
    except Exception as err:  # noqa: BLE001 - lxml / cassis raise many kinds
        raise _parse_error(err, path, "type system") from None


def _features(fs) -> set[str]:
    return {f.name for f in fs.type.all_features}


def _label(fs, names: set[str]) -> str:
    for name in _LABEL_FEATURES:
        if name in names and fs.get(name) not in (None, ""):
            return str(fs.get(name))
    return fs.type.name.rsplit(".", 1)[-1]


def _is_span_type(type_, ts) -> bool:
    if ts.is_instance_of(type_.name, NAMED_ENTITY):
        return True
    names = {f.name for f in type_.all_features}
    return type_.name.startswith("webanno.custom.") and "Governor" not in names and "begin" in names


def cas_record(cas, ts, path: Path, default_id: str) -> dict[str, Any]:
    text = cas.sofa_string or ""
    rid = None
    if ts.contains_type(DOCUMENT_META):
        for fs in cas.select(DOCUMENT_META):
            rid = fs.get("documentId") or fs.get("documentTitle")
            break
    spans: list[dict[str, Any]] = []
    by_fs: dict[int, dict[str, Any]] = {}
    relations: list[Any] = []
    for fs in cas.select_all():
        names = _features(fs)
        if "Governor" in names and "Dependent" in names:
            relations.append(fs)
            continue
        if not _is_span_type(fs.type, ts):
            continue
        span: dict[str, Any] = {"start": fs.begin, "end": fs.end, "label": _label(fs, names), "text": text[fs.begin:fs.end]}
        if "identifier" in names and fs.get("identifier") not in (None, ""):
            span["kb_id"] = str(fs.get("identifier"))
        for name in ASSERTIONS:
            if name in names and fs.get(name) is not None:
                span[name] = bool(fs.get(name))
        if "score" in names and fs.get("score") is not None:
            span["score"] = float(fs.get("score"))
        spans.append(span)
        by_fs[id(fs)] = span
    out_rel = []
    for fs in relations:
        gov, dep = by_fs.get(id(fs.get("Governor"))), by_fs.get(id(fs.get("Dependent")))
        if gov is None or dep is None:
            continue  # e.g. DKPro dependency relations between tokens
        keep = ("start", "end", "label")
        out_rel.append({"head_span": {k: gov[k] for k in keep}, "child_span": {k: dep[k] for k in keep},
                        "label": _label(fs, _features(fs))})
    spans.sort(key=lambda s: (s["start"], s["end"]))
    record: dict[str, Any] = {"text": text, "meta": {"id": str(rid) if rid else default_id}, "spans": spans}
    if out_rel:
        record["relations"] = out_rel
    return record


def read_xmi(path: PathLike, *, skip_invalid: bool = False, **_: Any) -> Iterator[dict[str, Any]]:
    from cassis import load_cas_from_xmi

    path = Path(path)
    if not path.exists():
        raise corpus_error(IO_NOT_FOUND, f"no such file or folder: {path}", "check the path", file=path)
    files = sorted(path.glob("*.xmi")) if path.is_dir() else [path]
    folder = path if path.is_dir() else path.parent
    if not files:
        raise empty_error(path, "no .xmi files", "give a folder of INCEpTION's UIMA CAS XMI export")
    ts = load_typesystem_file(_typesystem_file(folder))
    ids = IdTracker()
    count = 0
    for file in files:
        try:
            refuse_dtd(file)
            try:
                with open(file, "rb") as fh:
                    cas = load_cas_from_xmi(fh, typesystem=ts)
            except Exception as err:  # noqa: BLE001
                raise _parse_error(err, file, "XMI document") from None
            record = cas_record(cas, ts, file, file.stem)
            ids.check(record, file, None)
        except ClinlabelError as err:
            skip_or_raise(err, skip_invalid)
            continue
        count += 1
        yield record
    if count == 0:
        raise empty_error(path, "no readable XMI documents")
