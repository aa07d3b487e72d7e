"""UMLS: compile a user's Metathesaurus RRF files into a clinlabel ontology file.

Read from ``META_DIR`` (the ``META`` folder of a MetamorphoSys or full release):

* ``MRCONSO.RRF`` -- concept names (``CUI|LAT|TS|LUI|STT|SUI|ISPREF|AUI|SAUI|SCUI|SDUI|SAB|TTY|CODE|STR|SRL|SUPPRESS|CVF|``);
  rows in the chosen language (``--lang``, default ``ENG``), from the chosen sources (``--sab``,
  default all), not suppressed (``SUPPRESS = N``).  The preferred name is the row with
  ``TS = P``, ``STT = PF``, ``ISPREF = Y``.  Atoms of ICD10CM, ICD9CM and SNOMEDCT_US become maps
  (CUI -> code), whatever ``--sab`` says;
* ``MRSTY.RRF`` -- semantic types (``CUI|TUI|STN|STY|ATUI|CVF|``), kept as notes of kind
  ``semantic_type`` and the concept ``kind`` (first type);
* ``MRREL.RRF`` if present -- ``PAR``/``CHD`` relationships as the hierarchy (``REL`` is the
  relationship of the *second* concept to the first: ``C1|..|PAR|C2`` means C2 is C1's parent).

Nothing licensed ships with clinlabel: tests use fixtures in the exact RRF layout (pipe-separated,
trailing pipe).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Iterable, Iterator

from .errors import ONT_PARSE, ONT_SOURCE, ontology_error
from .store import OntologyWriter

log = logging.getLogger(__name__)

SYSTEM = "UMLS"
FIELDS = {"MRCONSO.RRF": 18, "MRSTY.RRF": 6, "MRREL.RRF": 16}
MAP_SABS = {"ICD10CM": "ICD-10-CM", "ICD9CM": "ICD-9-CM", "SNOMEDCT_US": "SNOMED CT"}


def read_rrf(path: Path) -> Iterator[tuple[int, list[str]]]:
    """``(line number, fields)`` of an RRF file; checks the field count and the trailing pipe."""
    n = FIELDS[path.name.upper()]
    with path.open(encoding="utf-8", newline="") as fh:
        for lineno, line in enumerate(fh, start=1):
            line = line.rstrip("\r\n")
            if not line:
                continue
            row = line.split("|")
            if len(row) != n + 1 or row[-1] != "":
                raise ontology_error(ONT_PARSE, f"{len(row) - 1} pipe-separated fields, expected {n} and a trailing '|'",
                                     f"use {path.name} as MetamorphoSys writes it", file=path, line=lineno)
            yield lineno, row[:-1]


def build_umls(meta_dir: str | Path, out: str | Path, *, name: str = "umls", sab: Iterable[str] | None = None,
               lang: str = "ENG") -> Path:
    """Compile MRCONSO/MRSTY(/MRREL) from ``meta_dir`` into ``out`` (SQLite); see the module doc."""
    meta_dir = Path(meta_dir)
    conso = meta_dir / "MRCONSO.RRF"
    if not conso.is_file():
        raise ontology_error(ONT_SOURCE, f"MRCONSO.RRF not found in {meta_dir}",
                             "pass the META folder of a UMLS release (it holds MRCONSO.RRF)", file=meta_dir)
    sabs = {s.strip() for s in sab or () if s.strip()} or None
    names: dict[str, list[tuple[str, str]]] = {}
    title: dict[str, str] = {}
    maps: list[tuple[str, str, str, str]] = []
    for lineno, r in read_rrf(conso):
        cui, lat, ts, stt, ispref, src, tty, code, text, suppress = r[0], r[1], r[2], r[4], r[6], r[11], r[12], r[13], r[14], r[16]
        if not cui.startswith("C") or not cui[1:].isdigit():
            raise ontology_error(ONT_PARSE, f"CUI {cui!r} is not C + digits", "check the file is MRCONSO.RRF",
                                 file=conso, line=lineno)
        if src in MAP_SABS and suppress in ("N", ""):
            maps.append((cui, MAP_SABS[src], code, tty))
        if lat != lang or suppress not in ("N", "") or (sabs is not None and src not in sabs):
            continue
        names.setdefault(cui, []).append((text, tty))
        if ts == "P" and stt == "PF" and ispref == "Y" and cui not in title:
            title[cui] = text
    if not names:
        raise ontology_error(ONT_SOURCE, f"no {lang} names" + (f" from {sorted(sabs)}" if sabs else "") + f" in {conso}",
                             "check --lang and --sab against the release's LAT and SAB columns", file=conso)
    writer = OntologyWriter(out, name=name, system=SYSTEM, version=_version(meta_dir), source=meta_dir.name)
    stypes: dict[str, list[tuple[str, str]]] = {}
    sty = meta_dir / "MRSTY.RRF"
    if sty.is_file():
        for _, r in read_rrf(sty):
            if r[0] in names:
                stypes.setdefault(r[0], []).append((r[1], r[3]))
    parents: dict[str, set[str]] = {}
    rel = meta_dir / "MRREL.RRF"
    if rel.is_file():
        for _, r in read_rrf(rel):
            c1, relation, c2, src, suppress = r[0], r[3], r[4], r[10], r[14]
            if c1 == c2 or c1 not in names or c2 not in names or suppress not in ("N", ""):
                continue
            if sabs is not None and src not in sabs:
                continue
            if relation == "PAR":
                parents.setdefault(c1, set()).add(c2)
            elif relation == "CHD":
                parents.setdefault(c2, set()).add(c1)
    for cui, rows in names.items():
        desc = title.get(cui, rows[0][0])
        ps = sorted(parents.get(cui, ()))
        types = stypes.get(cui, [])
        writer.add_concept(cui, desc, kind=types[0][1] if types else None, billable=True,
                           parent=ps[0] if ps else None, depth=0)
        for p in ps[1:]:
            writer.add_edge(cui, p)
        for text, tty in dict.fromkeys(rows):
            if text != desc:
                writer.add_term(cui, text, "synonym")
        for tui, name_ in types:
            writer.add_note(cui, "semantic_type", name_, [tui])
    for cui, system, code, tty in dict.fromkeys(maps):
        if cui in names:
            writer.add_map(SYSTEM, cui, system, code, tty=tty)
    log.info("UMLS: %d concepts, %d with parents, %d maps", len(names), len(parents), len(maps))
    return writer.finish()


def _version(meta_dir: Path) -> str:
    release = meta_dir / "release.dat"
    if release.is_file():
        for line in release.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("umls.release.name="):
                return line.split("=", 1)[1].strip()
    return ""
