"""SNOMED CT: compile a user's RF2 *Snapshot* release into a clinlabel ontology file.

Read (all found anywhere under ``RF2_DIR``, as the release folders lay them out):

* ``sct2_Concept_*Snapshot*.txt`` -- active concepts;
* ``sct2_Description_*Snapshot*.txt`` -- fully specified names and synonyms;
* ``der2_cRefset_Language*Snapshot*.txt`` -- the US (900000000000509007) or GB
  (900000000000508004) language refset: which synonym is *preferred*, which are acceptable;
* ``sct2_Relationship_*Snapshot*.txt`` -- active ``116680003 |Is a|`` relationships (hierarchy);
* ``der2_iisssccRefset_ExtendedMap*Snapshot*.txt`` -- the ICD-10-CM map (US edition refset
  6011000124106) and the WHO ICD-10 map (447562003) with group, priority, rule and advice.

Nothing licensed ships with clinlabel: tests use fixtures written in the exact RF2 layout.
"""

from __future__ import annotations

import logging
import re
from collections import deque
from pathlib import Path
from typing import Iterator

from .errors import ONT_PARSE, ONT_SOURCE, ontology_error
from .store import OntologyWriter

log = logging.getLogger(__name__)

SYSTEM = "SNOMED CT"
ROOT = "138875005"
IS_A = "116680003"
FSN = "900000000000003001"
SYNONYM = "900000000000013009"
PREFERRED = "900000000000548007"
ACCEPTABLE = "900000000000549004"
LANG_REFSETS = {"us": "900000000000509007", "gb": "900000000000508004"}
MAP_REFSETS = {"6011000124106": "ICD-10-CM", "447562003": "ICD-10"}

HEADERS = {
    "concept": ["id", "effectiveTime", "active", "moduleId", "definitionStatusId"],
    "description": ["id", "effectiveTime", "active", "moduleId", "conceptId", "languageCode", "typeId", "term",
                    "caseSignificanceId"],
    "relationship": ["id", "effectiveTime", "active", "moduleId", "sourceId", "destinationId", "relationshipGroup",
                     "typeId", "characteristicTypeId", "modifierId"],
    "language": ["id", "effectiveTime", "active", "moduleId", "refsetId", "referencedComponentId", "acceptabilityId"],
    "extmap": ["id", "effectiveTime", "active", "moduleId", "refsetId", "referencedComponentId", "mapGroup",
               "mapPriority", "mapRule", "mapAdvice", "mapTarget", "correlationId", "mapCategoryId"],
}
PATTERNS = {
    "concept": "sct2_Concept_*Snapshot*.txt",
    "description": "sct2_Description_*Snapshot*.txt",
    "relationship": "sct2_Relationship_*Snapshot*.txt",
    "language": "der2_cRefset_Language*Snapshot*.txt",
    "extmap": "der2_iisssccRefset_ExtendedMap*Snapshot*.txt",
}
_ABBR = re.compile(r"^([A-Z][A-Za-z0-9]{1,9}) - (.{4,})$")
_SEMTAG = re.compile(r"\s+\(([^()]+)\)$")


def find_files(rf2_dir: Path) -> dict[str, list[Path]]:
    files = {kind: sorted(p for p in rf2_dir.rglob(pat) if p.is_file()) for kind, pat in PATTERNS.items()}
    files["relationship"] = [p for p in files["relationship"] if "Stated" not in p.name and "Concrete" not in p.name]
    return files


def read_rf2(path: Path, kind: str) -> Iterator[list[str]]:
    """Rows of an RF2 file (header checked, field count checked, ``active = 1`` only).

    When an id occurs more than once (a Full file passed by mistake), only its latest
    ``effectiveTime`` counts.
    """
    expected = HEADERS[kind]
    latest: dict[str, list[str]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        header = fh.readline().rstrip("\r\n").split("\t")
        if header != expected:
            raise ontology_error(ONT_PARSE, f"RF2 header {header[:4]}... is not the {kind} file header",
                                 "expected the tab-separated columns " + "\t".join(expected), file=path, line=1)
        for lineno, line in enumerate(fh, start=2):
            line = line.rstrip("\r\n")
            if not line:
                continue
            row = line.split("\t")
            if len(row) != len(expected):
                raise ontology_error(ONT_PARSE, f"{len(row)} tab-separated fields, expected {len(expected)}",
                                     "RF2 files are tab-separated with one row per line", file=path, line=lineno)
            if row[2] not in ("0", "1") or not row[1].isdigit():
                raise ontology_error(ONT_PARSE, f"bad active flag {row[2]!r} or effectiveTime {row[1]!r}",
                                     "active is 0 or 1, effectiveTime is YYYYMMDD", file=path, line=lineno)
            prev = latest.get(row[0])
            if prev is None or row[1] >= prev[1]:
                latest[row[0]] = row
    for row in latest.values():
        if row[2] == "1":
            yield row


def build_snomed(rf2_dir: str | Path, out: str | Path, *, name: str = "snomed", language: str = "us") -> Path:
    """Compile an RF2 Snapshot folder into ``out`` (SQLite); see the module doc."""
    rf2_dir = Path(rf2_dir)
    if not rf2_dir.is_dir():
        raise ontology_error(ONT_SOURCE, f"RF2 folder {rf2_dir} not found",
                             "pass the unzipped release folder (the one holding Snapshot/)", file=rf2_dir)
    files = find_files(rf2_dir)
    for kind in ("concept", "description", "relationship"):
        if not files[kind]:
            raise ontology_error(ONT_SOURCE, f"no {PATTERNS[kind]} under {rf2_dir}",
                                 "pass an RF2 release folder with its Snapshot files", file=rf2_dir)
    lang_refset = LANG_REFSETS.get(language.lower(), language)
    version = max((re.findall(r"_(\d{8})\.txt$", p.name) or [""])[0] for p in files["concept"])

    concepts = {row[0]: row for p in files["concept"] for row in read_rf2(p, "concept")}
    acceptability: dict[str, str] = {}
    for p in files["language"]:
        for row in read_rf2(p, "language"):
            if row[4] == lang_refset:
                acceptability[row[5]] = row[6]
    use_lang = bool(acceptability)
    fsn: dict[str, str] = {}
    preferred: dict[str, str] = {}
    synonyms: dict[str, list[tuple[str, str]]] = {}
    for p in files["description"]:
        for row in read_rf2(p, "description"):
            cid, type_id, term = row[4], row[6], row[7]
            if cid not in concepts:
                continue
            acc = acceptability.get(row[0])
            if use_lang and acc is None:
                continue
            if type_id == FSN:
                if acc in (PREFERRED, None) or cid not in fsn:
                    fsn[cid] = term
            elif type_id == SYNONYM:
                if acc == PREFERRED:
                    preferred[cid] = term
                synonyms.setdefault(cid, []).append((term, "preferred" if acc == PREFERRED else "synonym"))

    parents: dict[str, list[str]] = {}
    for p in files["relationship"]:
        for row in read_rf2(p, "relationship"):
            if row[7] == IS_A and row[4] in concepts and row[5] in concepts:
                parents.setdefault(row[4], []).append(row[5])
    children: dict[str, list[str]] = {}
    for child, ps in parents.items():
        for parent in ps:
            children.setdefault(parent, []).append(child)
    # depth and top-level hierarchy by breadth-first search from the root
    depth = {ROOT: 0}
    top: dict[str, str] = {ROOT: ROOT}
    queue = deque([ROOT])
    while queue:
        c = queue.popleft()
        for k in sorted(children.get(c, [])):
            if k not in depth:
                depth[k] = depth[c] + 1
                top[k] = k if c == ROOT else top[c]
                queue.append(k)

    writer = OntologyWriter(out, name=name, system=SYSTEM, version=version, source=str(rf2_dir.name))
    for cid in concepts:
        full = fsn.get(cid, "")
        m = _SEMTAG.search(full)
        semtag = m.group(1) if m else None
        title = preferred.get(cid) or (full[: m.start()] if m else full) or cid
        ps = sorted(parents.get(cid, []))
        writer.add_concept(cid, title, kind=semtag, billable=True, parent=ps[0] if ps else None,
                           depth=depth.get(cid, 0), chapter=top.get(cid), variants_of_title=True)
        for extra in ps[1:]:
            writer.add_edge(cid, extra)
        if full:
            writer.add_term(cid, full[: m.start()] if m else full, "fsn")
        for term, kind in synonyms.get(cid, []):
            m2 = _ABBR.match(term)  # "CHF - Congestive heart failure": abbreviation and its expansion
            if m2:
                writer.add_term(cid, m2.group(1), "abbreviation", variants_of_title=False)
                term = m2.group(2)
            if term != title:
                writer.add_term(cid, term, "synonym")
    n_maps = 0
    for p in files["extmap"]:
        for row in read_rf2(p, "extmap"):
            target_system = MAP_REFSETS.get(row[4])
            if target_system is None or not row[10] or row[5] not in concepts:
                continue
            writer.add_map(SYSTEM, row[5], target_system, row[10].strip(), group=int(row[6]), priority=int(row[7]),
                           rule=row[8], advice=row[9], correlation=row[11], category=row[12])
            n_maps += 1
    log.info("SNOMED CT %s: %d concepts, %d is-a parents, %d map rows", version, len(concepts),
             sum(map(len, parents.values())), n_maps)
    return writer.finish()
