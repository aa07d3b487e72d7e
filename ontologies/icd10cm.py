"""ICD-10-CM: compile the CMS/CDC tabular XML and the GEMs into the bundled SQLite resource.

The bundled file (``ontologies/data/icd10cm.sqlite``) is built from the April 2026 release with::

    clinlabel ontology build icd10cm ../shared/data/icd10cm/icd10cm-tabular-2026.xml \\
        --gems ../shared/data/icd10cm --out ontologies/data/icd10cm.sqlite

For a new fiscal year, download ``icd10cm-tabular-YYYY.xml`` (CDC, "ICD-10-CM files") and the
GEMs (CMS) and run the same command.  The hierarchy is chapter (``"9"``) > block
(``"I30-I5A"``; a block of one category, whose id in the XML equals the category's, is
``"B20-B20"``) > category (``"I50"``) > subcategories (``"I50.2"``, ``"I50.21"``); codes that
take a 7th character are expanded from the ``sevenChrDef`` of their ancestors, with the ``X``
placeholder, exactly as the tabular instructs (``S72.001`` -> ``S72.001A`` ...).
"""

from __future__ import annotations

import csv
import logging
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Iterable

from .code_syntax import category, dotted, icd9_dotted, parse_refs, ref_covers  # noqa: F401  (re-exported)
from .errors import ONT_PARSE, ONT_SOURCE, ontology_error
from .safe_xml import parse_xml
from .store import OntologyWriter

log = logging.getLogger(__name__)

SYSTEM = "ICD-10-CM"
NOTE_TAGS = {
    "inclusionTerm": "inclusion",
    "includes": "includes",
    "excludes1": "excludes1",
    "excludes2": "excludes2",
    "codeFirst": "code_first",
    "codeAlso": "code_also",
    "useAdditionalCode": "use_additional_code",
    "notes": "notes",
    "sevenChrNote": "seven_chr_note",
}

_SEVEN_EXCEPT = re.compile(r"7th characters? ([A-Z](?:,? (?:and |or )?[A-Z])*) do(?:es)? not apply to codes .*?(6th character.*)$")
_category = category


def _text(el: ET.Element | None) -> str:
    return re.sub(r"\s+", " ", (el.text or "") if el is not None else "").strip()


class _Builder:
    def __init__(self, writer: OntologyWriter) -> None:
        self.w = writer
        self.children: dict[str, list[str]] = {}
        self.desc: dict[str, str] = {}
        self.billable: dict[str, bool] = {}
        self.pending_terms: list[tuple[str, str, str]] = []
        self.seven_except: list[tuple[str, set[str], set[str]]] = []

    def notes_of(self, code: str, el: ET.Element, level: str) -> None:
        for tag, kind in NOTE_TAGS.items():
            for holder in el.findall(tag):
                for note in holder.findall("note"):
                    text = _text(note)
                    if not text:
                        continue
                    self.w.add_note(code, kind, text, parse_refs(text))
                    if kind == "inclusion" or (kind == "includes" and level in ("category", "subcategory")):
                        self.pending_terms.append((code, text, "inclusion"))

    def diag(self, el: ET.Element, parent: str, depth: int, chapter: str, block: str,
             seven: list[tuple[str, str]] | None) -> None:
        code = _text(el.find("name"))
        desc = _text(el.find("desc"))
        if not code or not desc:
            raise ontology_error(ONT_PARSE, f"<diag> without <name> or <desc> under {parent}",
                                 "use the CDC tabular XML unchanged")
        level = "category" if "." not in code else "subcategory"
        sdef = el.find("sevenChrDef")
        if sdef is not None:
            seven = [(x.get("char", ""), _text(x)) for x in sdef.findall("extension")]
        for note in el.findall("notes/note"):  # "7th characters D and S do not apply to ... 6th character 7 ... or 8"
            m = _SEVEN_EXCEPT.search(_text(note))
            if m:
                chars = set(re.findall(r"\b([A-Z])\b", m.group(1)))
                sixth = set(re.findall(r"(?:6th character|or) (\d)\b", m.group(2)))
                self.seven_except.append((code, chars, sixth))
        subs = el.findall("diag")
        billable = not subs and not seven
        self.w.add_concept(code, desc, kind=level, billable=billable, parent=parent, depth=depth,
                           chapter=chapter, block=block, category=_category(code))
        self.children.setdefault(parent, []).append(code)
        self.desc[code], self.billable[code] = desc, billable
        self.notes_of(code, el, level)
        for sub in subs:
            self.diag(sub, code, depth + 1, chapter, block, seven)
        if not subs and seven:
            base = code.replace(".", "")
            base = base + "X" * (6 - len(base))
            for char, label in seven:
                if any(code.startswith(c) and char in chars and base[5] in sixth
                       for c, chars, sixth in self.seven_except):
                    continue
                ext = dotted(base + char)
                self.w.add_concept(ext, label, kind="extension", billable=True, parent=code,
                                   depth=depth + 1, chapter=chapter, block=block, category=_category(code),
                                   searchable=False)
                self.children.setdefault(code, []).append(ext)
                self.billable[ext] = True

    def default_code(self, code: str) -> str:
        """The billable code a bare mention of ``code``'s title means: its "unspecified" child."""
        for _ in range(4):
            if self.billable.get(code, True):
                return code
            kids = [k for k in self.children.get(code, []) if not self.desc.get(k, "").startswith("Other")]
            pick = None
            for k in kids:
                d = self.desc.get(k, "").lower()
                if "unspecified" in d or "without complication" in d or d.endswith(" nos"):
                    pick = k if pick is None or k.endswith("9") else pick
            if pick is None:
                return code
            code = pick
        return code


def _is_condition_term(code: str, kind: str, row: tuple | None) -> bool:
    """Matcher terms name conditions: not external causes (chapter 20: "activity", "fall") and
    not the drug names listed under poisoning categories T36-T65 ("cocaine" -> T41.3)."""
    if row is not None and row[6] == "20":
        return False
    if "T36" <= code[:3] <= "T65" and kind in ("inclusion", "stripped", "inverted"):
        return False
    return True


def build_icd10cm(tabular_xml: str | Path, out: str | Path, *, gems_dir: str | Path | None = None,
                  abbreviations: Iterable[tuple[str, str]] | None = None, name: str = "icd10cm") -> Path:
    """Compile the ICD-10-CM tabular XML (and GEMs, if ``gems_dir``) into ``out`` (SQLite)."""
    tabular_xml = Path(tabular_xml)
    if not tabular_xml.is_file():
        raise ontology_error(ONT_SOURCE, f"tabular XML {tabular_xml} not found",
                             "pass the CDC file icd10cm-tabular-YYYY.xml", file=tabular_xml)
    root = parse_xml(tabular_xml, fix="use the CDC tabular XML unchanged")
    if root.tag != "ICD10CM.tabular":
        raise ontology_error(ONT_PARSE, f"root element is <{root.tag}>, expected <ICD10CM.tabular>",
                             "pass the tabular file (icd10cm-tabular-YYYY.xml), not the index", file=tabular_xml)
    version = _text(root.find("version"))
    writer = OntologyWriter(out, name=name, system=SYSTEM, version=version, source=tabular_xml.name)
    b = _Builder(writer)
    for chapter in root.findall("chapter"):
        ch = _text(chapter.find("name"))
        writer.add_concept(ch, _text(chapter.find("desc")), kind="chapter", billable=False, depth=0,
                           chapter=ch, variants_of_title=False)
        b.notes_of(ch, chapter, "chapter")
        for section in chapter.findall("section"):
            blk = section.get("id", "")
            if "-" not in blk:  # one-category blocks ("B20") would clash with the category: "B20-B20"
                blk = f"{blk}-{blk}"
            writer.add_concept(blk, _text(section.find("desc")), kind="block", billable=False, parent=ch,
                               depth=1, chapter=ch, block=blk, variants_of_title=False)
            b.notes_of(blk, section, "block")
            for diag in section.findall("diag"):
                b.diag(diag, blk, 2, ch, blk, None)
    # inclusion terms of a non-billable code go to its "unspecified" billable default
    for code, text, kind in b.pending_terms:
        writer.add_term(b.default_code(code), text, kind)
    writer.match_filter = _is_condition_term
    if gems_dir is not None:
        _read_gems(writer, Path(gems_dir))
    if abbreviations is None:
        from .abbreviations import load_abbreviations

        abbreviations = [(a.abbreviation, a.expansion) for a in load_abbreviations()]
    n = writer.add_abbreviations(abbreviations)
    log.info("ICD-10-CM %s: %d concepts, %d abbreviations resolved", version, len(writer.concepts), n)
    return writer.finish()


_GEM_FILES = {
    ("ICD-9-CM", "ICD-10-CM"): ("icd9toicd10cmgem.csv", "2018_I9gem.txt"),
    ("ICD-10-CM", "ICD-9-CM"): ("icd10cmtoicd9gem.csv", "2018_I10gem.txt"),
}


def _read_gems(writer: OntologyWriter, gems_dir: Path) -> None:
    if not gems_dir.is_dir():
        raise ontology_error(ONT_SOURCE, f"GEMs folder {gems_dir} not found",
                             "pass the folder holding icd9toicd10cmgem.csv / icd10cmtoicd9gem.csv", file=gems_dir)
    found = 0
    for (src, tgt), names in _GEM_FILES.items():
        path = next((gems_dir / n for n in names if (gems_dir / n).is_file()), None)
        if path is None:
            continue
        found += 1
        fix_src = icd9_dotted if src == "ICD-9-CM" else dotted
        fix_tgt = icd9_dotted if tgt == "ICD-9-CM" else dotted
        with path.open(newline="", encoding="utf-8") as fh:
            if path.suffix == ".csv":
                rows = csv.reader(fh)
                header = next(rows, None)
                if not header or len(header) < 3:
                    raise ontology_error(ONT_PARSE, "GEM CSV without its header row", "use the CMS GEM file", file=path, line=1)
                it = ((i + 2, r[0], r[1], r[2]) for i, r in enumerate(rows))
            else:  # CMS fixed text: "SRC  TGT  FLAGS"
                it = ((i + 1, *ln.split()[:3]) for i, ln in enumerate(fh) if ln.strip())
            for line, s, t, flags in it:
                if len(flags) != 5 or not flags.isdigit():
                    raise ontology_error(ONT_PARSE, f"GEM flags {flags!r} are not 5 digits",
                                         "use the CMS GEM file unchanged", file=path, line=line)
                if flags[1] == "1":  # no_map
                    continue
                writer.add_map(src, fix_src(s), tgt, fix_tgt(t), flags=flags)
    if not found:
        raise ontology_error(ONT_SOURCE, f"no GEM file in {gems_dir}",
                             "expected icd9toicd10cmgem.csv and/or icd10cmtoicd9gem.csv", file=gems_dir)
