"""The ICD-10-CM Alphabetic Index: compiled from the CDC index files, walked the way a coder does.

A coder never reads the Tabular first: she finds the condition's *main term* in the Index
("Bursitis"), goes down the indented *subterms* the record supports ("prepatellar"), follows
*see* and *see also* references ("Housemaid's knee -- see Bursitis, prepatellar"), and only then
confirms the code in the Tabular (Excludes1, code first, 7th characters).  This module holds the
Index half of that path:

* :func:`build_index` compiles the FY Index files (the main Index flattened to CSV, the Neoplasm
  Table and the Table of Drugs and Chemicals as CDC XML, parsed with entities off) into one small
  gzipped tab-separated file beside the ICD-10-CM ontology (``icd10cm_index.tsv.gz``, about
  2 MB), checking every code against the ontology's Tabular (an Index of another fiscal year may
  cite codes the Tabular has since expanded or deleted; see :data:`CODE_STATUSES`);
* :class:`AlphabeticIndex` reads it into memory: :meth:`~AlphabeticIndex.lookup` walks from a
  main term through the subterms that a mention and its sentence support, following see / see
  also, into the Neoplasm Table by site and behaviour, or to a code pattern ("see E08-E13 with
  .40"); :meth:`~AlphabeticIndex.terms_for` lists the Index entries that lead to a code;
  :meth:`~AlphabeticIndex.search_rows` gives search candidates.

Subterms that name another condition ("with", "due to", "in", "associated with", "following",
"complicating") only match when the sentence holds that condition's words too; subterms are
otherwise matched on the words near the mention (site, type, cause, acuity).  Nonessential
modifiers (in parentheses) never have to be present.

Each entry keeps its parent, level, source (main | neoplasm | drug), term, nonessential modifier,
see / see also (and the entry each leads to, when it names one), the code as printed
("M70.4-") and as checked, its status, and for the two tables the code of each column.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator, Protocol

from .code_syntax import CODE_RE, category, dotted, strip_dash
from .errors import ONT_NOT_FOUND, ONT_OUTPUT, ONT_PARSE, ONT_SOURCE, ontology_error
from .normalize import norm_token, tokenize
from .safe_xml import parse_xml

log = logging.getLogger(__name__)

INDEX_SCHEMA = "1"
MAIN_CSV = "icd10cm_index_{year}_flat.csv"
NEOPLASM_XML = "icd10cm_neoplasm_{year}.xml"
DRUG_XML = "icd10cm_drug_{year}.xml"

#: What the year check found for an Index code (FY of the Index vs FY of the Tabular):
#: ``ok`` billable as written; ``incomplete`` the Index prints a dash (more characters come from
#: the Tabular: laterality, 7th character); ``expanded`` printed complete, but the Tabular has
#: since subdivided it (the code is kept, code suggestion descends to a child); ``deleted`` not in
#: the Tabular: the nearest existing ancestor is kept as ``code`` when there is one, else none.
CODE_STATUSES = ("ok", "incomplete", "expanded", "deleted")

NEOPLASM_COLUMNS = {2: "malignant primary", 3: "malignant secondary", 4: "in situ", 5: "benign",
                    6: "uncertain behavior", 7: "unspecified behavior"}
DRUG_COLUMNS = {2: "poisoning, accidental", 3: "poisoning, intentional self-harm", 4: "poisoning, assault",
                5: "poisoning, undetermined", 6: "adverse effect", 7: "underdosing"}

#: Subterms that begin with these name another condition: they match only when the text holds it.
CONNECTIVES = ("associated with", "complicating", "complicated by", "due to", "secondary to", "with",
               "without", "in", "following", "after", "on")
#: Words that never decide whether a subterm applies.
FILLER = frozenset("nec nos the a an of and or by as to at for on specified unspecified other site part region "
                   "condition conditions".split())
#: Anatomical adjectives clinicians write where the Index names the organ ("pulmonary nodule" ->
#: "Nodule, lung"); both sides of a comparison are mapped, so either form matches.
SITE_ADJECTIVES = {"pulmonary": "lung", "renal": "kidney", "hepatic": "liver", "cardiac": "heart",
                   "gastric": "stomach", "splenic": "spleen", "pancreatic": "pancreas", "colonic": "colon",
                   "rectal": "rectum", "cutaneous": "skin", "ocular": "eye", "vesical": "bladder",
                   "extremity": "limb", "extremitie": "limb", "femoral": "femur", "tibial": "tibia",
                   "humeral": "humerus", "radial": "radius", "ulnar": "ulna", "fibular": "fibula",
                   "pelvic": "pelvis", "uterine": "uterus", "ovarian": "ovary", "testicular": "testis",
                   "prostatic": "prostate", "mammary": "breast", "facial": "face", "spinal": "spine",
                   "nasal": "nose", "gluteal": "buttock", "inguinal": "groin", "axillary": "axilla",
                   "cerebral": "brain", "esophageal": "esophagus", "duodenal": "duodenum",
                   "thyroidal": "thyroid", "ureteral": "ureter", "urethral": "urethra",
                   "vertebral": "vertebra", "costal": "rib", "sternal": "sternum", "clavicular": "clavicle",
                   "scapular": "scapula", "patellar": "patella", "calcaneal": "calcaneus", "orbital": "orbit",
                   "laryngeal": "larynx", "tracheal": "trachea", "bronchial": "bronchus", "pleural": "pleura",
                   "peritoneal": "peritoneum", "pericardial": "pericardium", "myocardial": "myocardium",
                   "aortic": "aorta", "iliac": "ilium", "sacral": "sacrum",
                   "coccygeal": "coccyx", "digital": "finger", "plantar": "sole", "palmar": "palm"}
#: positional words clinicians leave out ("tibial plateau" for "tibia, upper end, plateau"): an
#: Index level made of them (or of anatomy) may be passed when a word below it is in the text
POSITIONAL = frozenset("upper lower end part proximal distal shaft region entering through orifice natural "
                       "limb extremity joint structure multiple sites".split())
#: words of the Neoplasm Table's site rows that name a condition or a behaviour, not a site: a level
#: made of them ("History, personal, malignant neoplasm") is never passed unnamed
_NOT_SITES = frozenset("malignant neoplasm neoplastic benign carcinoma cancer tumor primary secondary situ in "
                       "uncertain unspecified behavior metastatic cyst cystic lesion polyp nodule mass disease "
                       "disorder syndrome".split())
#: generic words a deeper subterm may use again ("disease or disorder, digestive system, peptic ulcer disease")
_REUSABLE = frozenset("disease disorder syndrome".split())
#: connectives whose link the text must state, and the words that state it
_STATED = {
    "due to": frozenset("due secondary caused cause because result resulting related induced from".split()),
    "secondary to": frozenset("due secondary caused cause because result resulting related induced from".split()),
    "in": frozenset("in during".split()),
    "following": frozenset("following after post".split()),
    "after": frozenset("following after post".split()),
    "complicating": frozenset("complicating complicated complication pregnancy pregnant".split()),
    "complicated by": frozenset("complicating complicated complication".split()),
}
#: chapters a single Index-only word must not lead to on its own: a bare word of everyday use is
#: seldom a symptom (R: "score", "anesthesia"), a congenital anomaly (Q: "rest", "deformity"), a
#: newborn's or pregnancy's condition (P, O: "spells") or an injury (S, T: "injection")
_BARE_WORD_CHAPTERS = frozenset("QPOST")
#: injury nouns that also name a procedure or a normal finding ("lumbar puncture", "amputation",
#: "pupillary constriction", "bite block"): not matched alone
_PROCEDURE_WORDS = frozenset("puncture amputation constriction bite".split())
#: the code of an injury the text names without a site: Injury NOS, "other injury of unspecified body region"
INJURY_NOS = "T14.8"
#: Index main terms that clinical notes use in their ordinary sense far more often than as the
#: condition ("granulation tissue" of a healing wound, "adhesions" seen at surgery, "drift" on exam)
_ORDINARY_WORDS = frozenset({"adhesion", "drift", "granulation tissue", "infection", "fear", "reflex", "anesthesia",
                            "score"})
_SIDES = frozenset("left right bilateral unilateral lower upper".split())
_ADJECTIVE = re.compile(r"(?:ous|ic|al|ive|ent|ant|ary|ory|ed|ing)$")
_ROOT_SUFFIXES = ("ical", "al", "ar", "ic", "ous", "um", "us", "a", "y")
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5"}
_RANGE_SEE = re.compile(r"^(?:categories\s+)?([A-Z]\d\d)\s*-\s*([A-Z]\d\d)\s+with\s+(\.[0-9A-Z]+-?)\s*$", re.I)
_PAREN = re.compile(r"\(([^()]*)\)")
_BEHAVIOUR = [("uncertain behavior", 6), ("unspecified behavior", 7), ("in situ", 4), ("benign", 5),
              ("secondary", 3), ("malignant", 2), ("primary", 2)]


class TabularLike(Protocol):  # pragma: no cover - typing only
    def get(self, code: str) -> Any: ...
    def children(self, code: str) -> list[str]: ...


# ---------------------------------------------------------------------------------------------
# words


def words_of(text: str) -> list[str]:
    """Normalised keys of ``text`` with roman numerals after "type"/"stage"/"grade" as digits."""
    return list(_words_of(text))


@lru_cache(maxsize=200_000)
def _words_of(text: str) -> tuple[str, ...]:
    out: list[str] = []
    for tok in tokenize(text):
        key = norm_token(tok)
        if not key:
            continue
        if key in _ROMAN and out and out[-1] in ("type", "stage", "grade", "class"):
            key = _ROMAN[key]
        out.append(key)
    return tuple(out)


@lru_cache(maxsize=100_000)
def root(word: str) -> str:
    """A word without its adjective or Latin ending, for comparing subterms with text:
    "pleural" / "pleura" -> "pleur", "tibial" / "tibia" -> "tibi" (words under 6 letters as
    they are)."""
    if len(word) < 6 or not word.isalpha():
        return word
    for suf in _ROOT_SUFFIXES:
        if word.endswith(suf) and len(word) - len(suf) >= 4:
            return word[: -len(suf)]
    return word


def _split_alternates(title: str) -> tuple[list[str], list[str]]:
    """A main-term title's alternates and its qualifier: "Diabetes, diabetic" -> (["Diabetes",
    "diabetic"], []); "Abruption, placenta" -> (["Abruption"], ["placenta"])."""
    parts = [p.strip() for p in title.split(",") if p.strip()]
    if not parts:
        return [], []
    head = parts[0]
    alts, rest = [head], []
    stem4 = head.lower()[:4]
    for p in parts[1:]:
        if not rest and p.lower()[:4] == stem4 and " " not in p:
            alts.append(p)
        else:
            rest.append(p)
    return alts, rest


def _term_parts(term: str) -> tuple[str | None, str]:
    """``"with psychosis"`` -> ("with", "psychosis"); ``"prepatellar"`` -> (None, "prepatellar")."""
    low = term.strip().lower()
    for conn in CONNECTIVES:
        if low == conn:
            return conn, ""
        if low.startswith(conn + " "):
            return conn, term.strip()[len(conn) + 1:]
    return None, term.strip()


# ---------------------------------------------------------------------------------------------
# building


@dataclass
class _Row:
    id: int
    parent: int | None
    level: int
    source: str
    term: str
    nemod: str = ""
    see: str = ""
    see_also: str = ""
    src_code: str = ""
    code: str | None = None
    status: str | None = None
    cells: dict[int, list] = field(default_factory=dict)
    see_id: int | None = None
    see_also_id: int | None = None
    path: str = ""


class _Checker:
    """Checks Index codes against the Tabular of the ontology (another fiscal year, perhaps)."""

    def __init__(self, tabular: TabularLike, earlier_billable: set[str] | None = None) -> None:
        self.tab = tabular
        self.earlier = earlier_billable
        self.changes: dict[str, tuple[str, str | None]] = {}
        self._cache: dict[str, tuple[str | None, str]] = {}

    def check(self, src: str) -> tuple[str | None, str]:
        src = src.strip().upper()
        if src in self._cache:
            return self._cache[src]
        code, dash = strip_dash(src)
        code = dotted(code)
        concept = self.tab.get(code) if CODE_RE.match(code) else None
        if concept is not None:
            billable = bool(getattr(concept, "billable", False))
            # printed complete but subdivided now: a real expansion when an earlier year billed it
            # as written; otherwise the flattening dropped the dash ("C56" for "C56.-")
            expanded = not billable and not dash and (self.earlier is None or code in self.earlier)
            status = "ok" if billable else ("expanded" if expanded else "incomplete")
            out: tuple[str | None, str] = (code, status)
        else:
            cur = code
            kept = None
            while len(cur.replace(".", "")) > 3:
                cur = cur[:-1].rstrip(".")
                if self.tab.get(cur) is not None:
                    kept = cur
                    break
            out = (kept, "deleted")
        if out[1] in ("expanded", "deleted"):
            self.changes[src] = (out[1], out[0])
        self._cache[src] = out
        return out


def _read_main_csv(path: Path, rows: list[_Row], check: _Checker) -> int:
    if not path.is_file():
        raise ontology_error(ONT_SOURCE, f"Index CSV {path} not found",
                             "pass the folder holding icd10cm_index_YYYY_flat.csv", file=path)
    stack: list[int] = []
    n = 0
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        need = {"Level", "Term", "See", "SeeAlso", "NonEssModif", "Code"}
        if not need <= set(reader.fieldnames or ()):
            raise ontology_error(ONT_PARSE, f"Index CSV columns {reader.fieldnames} lack {sorted(need - set(reader.fieldnames or ()))}",
                                 "use the flat Index CSV (RowID, Letter, Level, Term, See, SeeAlso, NonEssModif, Code)",
                                 file=path, line=1)
        for lineno, rec in enumerate(reader, start=2):
            try:
                level = int(rec["Level"])
            except (TypeError, ValueError):
                raise ontology_error(ONT_PARSE, f"Level {rec.get('Level')!r} is not a number",
                                     "use the flat Index CSV unchanged", file=path, line=lineno) from None
            if level > len(stack):
                raise ontology_error(ONT_PARSE, f"subterm at level {level} under level {len(stack) - 1}",
                                     "use the flat Index CSV unchanged", file=path, line=lineno)
            del stack[level:]
            term = re.sub(r"\s+", " ", rec["Term"] or "").strip()
            nemod = re.sub(r"\s+", " ", rec["NonEssModif"] or "").strip()
            if not term and nemod:  # "(somatoform)": the flattening put the whole subterm in parentheses
                term, nemod = _PAREN.sub(r"\1", nemod).strip(), ""
            row = _Row(len(rows) + 1, stack[-1] if stack else None, level, "main", term, nemod,
                       re.sub(r"\s+", " ", rec["See"] or "").strip(), re.sub(r"\s+", " ", rec["SeeAlso"] or "").strip())
            src = (rec["Code"] or "").strip()
            if src:
                row.src_code = src
                row.code, row.status = check.check(src)
            rows.append(row)
            stack.append(row.id)
            n += 1
    return n


def _text_of(el) -> tuple[str, str]:
    """Title text and its nonessential modifier (``<nemod>``) of a table XML element."""
    title = el.find("title")
    if title is None:
        return "", ""
    nemod = " ".join((n.text or "").strip() for n in title.findall("nemod"))
    text = (title.text or "") + "".join((c.tail or "") for c in title)
    return re.sub(r"\s+", " ", text).strip(), re.sub(r"\s+", " ", nemod).strip()


def _read_table_xml(path: Path, source: str, rows: list[_Row], check: _Checker) -> int:
    if not path.is_file():
        raise ontology_error(ONT_SOURCE, f"Index table {path} not found",
                             f"pass the folder holding {path.name}", file=path)
    root = parse_xml(path, fix=f"use the CDC {source} table XML unchanged")
    if root.tag != "ICD10CM.index":
        raise ontology_error(ONT_PARSE, f"root element is <{root.tag}>, expected <ICD10CM.index>",
                             f"pass the {source} table XML", file=path)
    n = 0

    def add(el, parent: int | None, level: int) -> None:
        nonlocal n
        term, nemod = _text_of(el)
        row = _Row(len(rows) + 1, parent, level, source, term, nemod,
                   re.sub(r"\s+", " ", el.findtext("see") or "").strip(),
                   re.sub(r"\s+", " ", el.findtext("seeAlso") or "").strip())
        for cell in el.findall("cell"):
            src = (cell.text or "").strip()
            if src and src.strip("-"):
                code, status = check.check(src)
                row.cells[int(cell.get("col", "0"))] = [src, code, status]
        rows.append(row)
        n += 1
        for sub in el.findall("term"):
            add(sub, row.id, level + 1)

    for letter in root.findall("letter"):
        for main in letter.findall("mainTerm"):
            add(main, None, 0)
    return n


def _norm_key(text: str) -> str:
    return " ".join(words_of(_PAREN.sub(" ", text)))


class _Resolver:
    """Finds the entry a see / see also reference names ("Bursitis, prepatellar")."""

    def __init__(self, rows: list[_Row], source: str = "main") -> None:
        self.rows = rows
        self.children: dict[int | None, list[_Row]] = {}
        self.mains: dict[str, list[int]] = {}
        self._keys: dict[int, tuple[str, set[str], bool]] = {}  # id -> (key, comma-part keys, grouping node)
        for r in rows:
            if r.source != source:
                continue
            self.children.setdefault(r.parent, []).append(r)
            if r.parent is None:
                for key in {_norm_key(r.term)} | {_norm_key(a) for a in _split_alternates(r.term)[0]}:
                    if key:
                        self.mains.setdefault(key, []).append(r.id)

    def resolve(self, ref: str) -> int | None:
        parts = [p.strip() for p in ref.split(",") if p.strip()]
        if not parts or parts[0].lower() in ("condition", "table of drugs and chemicals") or _RANGE_SEE.match(ref):
            return None
        best: tuple[int, int] | None = None  # (parts resolved, entry)
        for k in range(len(parts), 0, -1):
            for main in self.mains.get(_norm_key(", ".join(parts[:k])), ()):
                node, done = self._walk(main, parts[k:])
                if best is None or k + done > best[0]:
                    best = (k + done, node)
            if best is not None and best[0] == len(parts):
                break
        return best[1] if best else None

    def _key(self, row: _Row) -> tuple[str, set[str], bool]:
        k = self._keys.get(row.id)
        if k is None:
            conn, rest = _term_parts(row.term)
            k = self._keys[row.id] = (_norm_key(row.term), {_norm_key(a) for a in row.term.split(",")},
                                      conn is not None and not rest)
        return k

    def _child(self, node: int, key: str) -> int | None:
        """The child of ``node`` named ``key``, looking through grouping subterms ("with", "in")."""
        kids = self.children.get(node, ())
        for ch in kids:
            ck, parts, _ = self._key(ch)
            if ck == key or key in parts or (len(key) > 3 and ck.startswith(key + " ")):
                return ch.id
        for ch in kids:
            if self._key(ch)[2]:
                for g in self.children.get(ch.id, ()):
                    if self._key(g)[0] == key:
                        return g.id
        return None

    def _walk(self, node: int, parts: list[str]) -> tuple[int, int]:
        """The entry reached from ``node`` along ``parts``, and how many parts were used."""
        i = 0
        while i < len(parts):
            if parts[i].lower().startswith("by "):  # "by site", "by type": the text decides later
                return node, len(parts)
            found = None
            for j in range(len(parts), i, -1):  # a subterm may itself hold commas
                child = self._child(node, _norm_key(", ".join(parts[i:j])))
                if child is not None:
                    found = (child, j)
                    break
            if not found:
                return node, i
            node, i = found
        return node, i


def read_code_list(path: str | os.PathLike[str]) -> set[str]:
    """Billable codes of a CMS/CDC code-list file (``icd10cm-codes-YYYY.txt``: code, spaces, title)."""
    path = Path(path)
    if not path.is_file():
        raise ontology_error(ONT_SOURCE, f"code list {path} not found", "pass icd10cm-codes-YYYY.txt", file=path)
    out = set()
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            code = line.split(None, 1)[0] if line.strip() else ""
            if code:
                out.add(dotted(code))
    return out


def build_index(index_dir: str | os.PathLike[str], out: str | os.PathLike[str], *, tabular: TabularLike,
                year: str | None = None, earlier_codes: str | os.PathLike[str] | None = None) -> Path:
    """Compile the Index files in ``index_dir`` (flat main-Index CSV, Neoplasm Table and Table of
    Drugs XML of fiscal year ``year``, found by name when not given) into ``out``, checking every
    code against ``tabular`` (an :class:`~ontologies.store.Ontology` of ICD-10-CM).
    ``earlier_codes`` (a billable code list of an earlier year, ``icd10cm-codes-2024.txt``) tells
    a code the Tabular has since expanded from one whose dash the flat CSV lost."""
    t0 = time.perf_counter()
    index_dir, out = Path(index_dir), Path(out)
    if not index_dir.is_dir():
        raise ontology_error(ONT_SOURCE, f"Index folder {index_dir} not found",
                             "pass the folder with icd10cm_index_YYYY_flat.csv and the table XML files", file=index_dir)
    if year is None:
        found = sorted(index_dir.glob("icd10cm_index_*_flat.csv"))
        if not found:
            raise ontology_error(ONT_SOURCE, f"no icd10cm_index_YYYY_flat.csv in {index_dir}",
                                 "pass the folder of the CDC Index files", file=index_dir)
        year = found[-1].name.split("_")[2]
    check = _Checker(tabular, read_code_list(earlier_codes) if earlier_codes else None)
    rows: list[_Row] = []
    counts = {"main": _read_main_csv(index_dir / MAIN_CSV.format(year=year), rows, check),
              "neoplasm": _read_table_xml(index_dir / NEOPLASM_XML.format(year=year), "neoplasm", rows, check),
              "drug": _read_table_xml(index_dir / DRUG_XML.format(year=year), "drug", rows, check)}
    by_id = {r.id: r for r in rows}
    for r in rows:  # the path text of every entry: "Bursitis, prepatellar"
        parent = by_id.get(r.parent) if r.parent else None
        r.path = f"{parent.path}, {r.term}" if parent else r.term
    resolver = _Resolver(rows)
    unresolved = 0
    for r in rows:
        if r.source != "main":
            continue
        if r.see:
            r.see_id = resolver.resolve(r.see)
            unresolved += r.see_id is None and not _special_ref(r.see)
        if r.see_also:
            r.see_also_id = resolver.resolve(r.see_also)
    _write(out, rows, check, counts, year, unresolved, tabular)
    log.info("Index FY%s: %s entries, %d see references unresolved, %d codes changed in the Tabular, %.1f s",
             year, counts, unresolved, len(check.changes), time.perf_counter() - t0)
    return out


def _special_ref(ref: str) -> bool:
    low = ref.lower()
    return low.startswith(("neoplasm", "condition", "table of drugs")) or bool(_RANGE_SEE.match(ref)) \
        or low.startswith(("category", "subcategory", "ulcer, pressure"))


def _leads(rows: list[_Row]) -> Iterator[tuple[str, int, int, str]]:
    by_id = {r.id: r for r in rows}
    for r in rows:
        if r.code:
            yield r.code, r.id, 0, "code"
        for col, (_, code, _) in r.cells.items():
            if code:
                yield code, r.id, col, "cell"
        if r.see_id and not r.code:
            target = by_id[r.see_id]
            if target.code:
                yield target.code, r.id, 0, "see"


#: Columns of the compiled file, in order (one tab-separated line per entry).
COLUMNS = ("id", "parent", "level", "source", "term", "nemod", "see", "see_also", "src_code", "code", "status",
           "cells", "see_id", "see_also_id")


def _clean(value: Any) -> str:
    return "" if value is None else str(value).replace("\t", " ").replace("\n", " ").replace("\r", " ")


def _write(out: Path, rows: list[_Row], check: _Checker, counts: dict[str, int], year: str,
           unresolved: int, tabular: TabularLike) -> None:
    """One gzipped UTF-8 TSV: ``#key<TAB>value`` meta lines, a header, then one line per entry
    (``cells``: ``col=printed=checked=status`` joined by ``;``; a checked code equal to the printed
    one, and status ``ok``, are left empty).  No pickle; about 2 MB."""
    import gzip

    stat = {st: sum(1 for s, _ in check.changes.values() if s == st) for st in ("expanded", "deleted")}
    meta = {"schema": INDEX_SCHEMA, "year": year, "tabular_version": str(getattr(tabular, "version", "")),
            "entries": json.dumps(counts), "unresolved_see": str(unresolved),
            "codes_expanded": str(stat["expanded"]), "codes_deleted": str(stat["deleted"]),
            "changes": json.dumps(sorted([src, st, code] for src, (st, code) in check.changes.items())),
            "source": "CDC/NCHS ICD-10-CM Alphabetic Index, Neoplasm Table, Table of Drugs and Chemicals (US public domain)"}
    tmp = out.with_name(out.name + ".tmp")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        import io

        with open(tmp, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz, \
                io.TextIOWrapper(gz, encoding="utf-8", newline="\n") as fh:  # mtime 0: the same input gives the same bytes
            for key, value in meta.items():
                fh.write(f"#{key}\t{_clean(value)}\n")
            fh.write("\t".join(COLUMNS) + "\n")
            for r in rows:
                code = "" if r.code == dotted(strip_dash(r.src_code)[0]) else r.code
                cells = ";".join(
                    f"{col}={src}={'' if code_ == dotted(strip_dash(src)[0]) else (code_ or '-')}={'' if st == 'ok' else st}"
                    for col, (src, code_, st) in sorted(r.cells.items()))
                fields = (r.id, r.parent, r.level, r.source, r.term, r.nemod, r.see, r.see_also, r.src_code,
                          code, "" if r.status == "ok" else r.status, cells, r.see_id, r.see_also_id)
                fh.write("\t".join(_clean(v) for v in fields) + "\n")
        os.replace(tmp, out)
    except OSError as exc:
        if tmp.exists():
            tmp.unlink()
        raise ontology_error(ONT_OUTPUT, f"cannot write {out}: {exc.strerror or exc}", "choose a writable --out",
                             file=out) from exc


# ---------------------------------------------------------------------------------------------
# reading


@dataclass(frozen=True)
class Entry:
    """One Index entry (main term, subterm, or a row of the Neoplasm / Drug table)."""

    id: int
    parent: int | None
    level: int
    source: str
    term: str
    nemod: str | None
    see: str | None
    see_also: str | None
    src_code: str | None
    code: str | None
    status: str | None
    cells: dict[int, list] | None
    see_id: int | None
    see_also_id: int | None
    conn: str | None = None
    words: frozenset[str] = frozenset()
    alts: tuple[frozenset[str], ...] = ()  # "atrial or auricular": either applies
    extra: frozenset[str] = frozenset()     # words of its nonessential modifiers ("(hemodialysis)")


@dataclass
class IndexHit:
    """The result of :meth:`AlphabeticIndex.lookup`."""

    code: str
    status: str                 # ok | incomplete | expanded | deleted (see CODE_STATUSES)
    path: list[str]             # the entries walked, as printed ("Bursitis", "prepatellar")
    explained: int              # words of the mention the path accounts for
    mention_words: int          # content words of the mention
    absorbed: set[str] = field(default_factory=set)  # words of other conditions a "with"/"due to" subterm took
    via: list[str] = field(default_factory=list)      # see / see also references followed
    entry: int = 0
    used: set[str] = field(default_factory=set)       # words of the text the walk consumed
    skips: int = 0                                    # levels passed that the text does not name

    @property
    def text(self) -> str:
        return ", ".join(self.path)


@dataclass
class WordContext:
    """The words a lookup may use: the mention's, those near it (site, type, acuity), and the
    whole sentence's (for subterms naming another condition); negated words already removed."""

    mention: list[str]
    near: set[str] = field(default_factory=set)
    sentence: set[str] = field(default_factory=set)
    categories: set[str] = field(default_factory=set)  # categories of other codes in the note

    def __post_init__(self) -> None:
        self.near = sides(limbs(bowel(spine_regions(set(self.near) | set(self.mention)))))
        self.sentence = spine_regions(set(self.sentence)) | self.near


_LARGE_BOWEL = frozenset("colon colonic sigmoid cecum cecal rectosigmoid".split())
_SMALL_BOWEL = frozenset("duodenum duodenal jejunum jejunal ileum ileal".split())


def bowel(words: set[str]) -> set[str]:
    """A part of the bowel names the intestine the Index asks for: "sigmoid colon" -> "large
    intestine" ("Diverticulitis, intestine, large"), "ileum" -> "small intestine"."""
    if words & _LARGE_BOWEL:
        words = words | {"large", "intestine"}
    if words & _SMALL_BOWEL:
        words = words | {"small", "intestine"}
    return words


_LIMB = frozenset({"extremity", "extremitie", "limb"})


def limbs(words: set[str]) -> set[str]:
    """A lower extremity is what the Index calls a leg, an upper one an arm ("Wound, open, leg")."""
    if words & _LIMB:
        if "lower" in words:
            words = words | {"leg"}
        if "upper" in words:
            words = words | {"arm"}
    return words


def sides(words: set[str]) -> set[str]:
    """One side named ("right knee") is "unilateral" in the Index's words ("Osteoarthritis, knee,
    unilateral"); both sides are "bilateral"."""
    named = words & {"left", "right"}
    if len(named) == 1:
        return words | {"unilateral"}
    if len(named) == 2:
        return words | {"bilateral"}
    return words


_LEVEL = re.compile(r"^([ctls])(\d{1,2})$")
_REGION = {"c": "cervical", "t": "thoracic", "l": "lumbar", "s": "sacral"}


def spine_regions(words: set[str]) -> set[str]:
    """Vertebral levels name their region, as the Index asks for it: "c5" -> "cervical",
    "l4" -> "lumbar", "l5" with "s1" -> "lumbosacral" too."""
    found = {m.group(1) for m in map(_LEVEL.match, words) if m}
    if not found:
        return words
    out = set(words) | {_REGION[r] for r in found}
    if {"l", "s"} <= found:
        out.add("lumbosacral")
    if {"c", "t"} <= found:
        out.add("cervicothoracic")
    if {"t", "l"} <= found:
        out.add("thoracolumbar")
    return out


class AlphabeticIndex:
    """Read access to a compiled Index file (see the module doc): read once into memory (about
    0.3 s), every look-up after that is a dict access."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise ontology_error(ONT_NOT_FOUND, f"Index file {self.path} does not exist",
                                 "build it with `clinlabel ontology build icd10cm-index INDEX_DIR`", file=self.path)
        self.meta: dict[str, str] = {}
        self._raw: dict[int, tuple] = {}
        self._kids: dict[int, list[int]] = {}
        self._mains: dict[str, dict[str, list[int]]] = {}
        self._by_code: dict[str, list[tuple[int, int, str]]] | None = None
        self._words: dict[str, list[int]] | None = None
        self._canon: dict[str, str] | None = None
        self._sites: frozenset[str] | None = None
        self._pass: frozenset[str] | None = None
        self._below_cache: dict[int, frozenset[str]] = {}
        self._kid_cache: dict[int, tuple] = {}
        self._vocab: frozenset[str] | None = None
        self._alt_cache: dict[str, tuple[frozenset[str], ...]] = {}
        self._extra_cache: dict[str, frozenset[str]] = {}
        #: main terms printed with a qualifier ("Fracture, burst"): the words the text must hold
        self._main_req: dict[int, frozenset[str]] = {}
        #: the qualified main term a head word means when the text names no qualifier: of a head's
        #: qualified main terms, the only one with a code of its own ("Fracture, traumatic" T14.8,
        #: "Wound, open" T14.8-; "Fracture, burst" only refers to it)
        self._main_default: set[int] = set()
        self._load()
        self.entry = lru_cache(maxsize=200_000)(self._entry)
        self.children = lru_cache(maxsize=100_000)(self._children)

    def _load(self) -> None:
        import gzip

        try:
            with gzip.open(self.path, "rt", encoding="utf-8", newline="\n") as fh:
                header = None
                for lineno, line in enumerate(fh, start=1):
                    line = line.rstrip("\n")
                    if line.startswith("#"):
                        key, _, value = line[1:].partition("\t")
                        self.meta[key] = value
                        continue
                    parts = line.split("\t")
                    if header is None:
                        header = tuple(parts)
                        if header != COLUMNS:
                            raise ValueError(f"columns {header}, expected {COLUMNS}")
                        continue
                    if len(parts) != len(COLUMNS):
                        raise ValueError(f"line {lineno} has {len(parts)} fields, expected {len(COLUMNS)}")
                    eid = int(parts[0])
                    parent = int(parts[1]) if parts[1] else None
                    self._raw[eid] = (parent, int(parts[2]), *parts[3:])
                    self._kids.setdefault(parent or 0, []).append(eid)
        except (OSError, ValueError, EOFError) as exc:
            raise ontology_error(ONT_PARSE, f"Index file is unreadable: {exc}",
                                 "rebuild it with `clinlabel ontology build icd10cm-index INDEX_DIR`", file=self.path) from exc
        if self.meta.get("schema") != INDEX_SCHEMA:
            raise ontology_error(ONT_PARSE, f"Index file schema {self.meta.get('schema')!r}, expected {INDEX_SCHEMA}",
                                 "rebuild it with this version of clinlabel", file=self.path)
        for eid in self._kids.get(0, ()):
            r = self._raw[eid]
            title, source = r[3], r[2]
            alts, rest = _split_alternates(title)
            keys = {_norm_key(a) for a in alts}
            if rest:
                self._main_req[eid] = frozenset(w for w in words_of(" ".join(rest)) if w not in FILLER)
            else:
                keys.add(_norm_key(title))
            for key in keys:
                if key:
                    self._mains.setdefault(source, {}).setdefault(key, []).append(eid)
        for key, ids in self._mains.get("main", {}).items():
            qualified = [i for i in ids if i in self._main_req]
            if len(qualified) == len(ids) >= 2:
                coded = [i for i in qualified if self._raw[i][7]]
                if len(coded) == 1:
                    self._main_default.add(coded[0])

    def close(self) -> None:  # nothing is held open
        return None

    # -- entries -------------------------------------------------------------------------------
    def _entry(self, entry_id: int) -> Entry | None:
        r = self._raw.get(entry_id)
        if r is None:
            return None
        parent, level, source, term, nemod, see, see_also, src, code, status, cells, see_id, see_also_id = r
        conn, rest = _term_parts(term)
        alts = self._alternatives(rest)
        words = frozenset().union(*alts) if alts else frozenset()
        parsed: dict[int, list] | None = None
        if cells:
            parsed = {}
            for item in cells.split(";"):
                col, printed, checked, st = item.split("=")
                parsed[int(col)] = [printed, None if checked == "-" else (checked or dotted(strip_dash(printed)[0])),
                                    st or "ok"]
        if src and not code:
            code = dotted(strip_dash(src)[0])
        return Entry(entry_id, parent, level, source, term, nemod or None, see or None, see_also or None, src or None,
                     code or None, (status or "ok") if (code or src) else None, parsed,
                     int(see_id) if see_id else None, int(see_also_id) if see_also_id else None,
                     conn=conn, words=words, alts=alts, extra=self._extra(nemod) if nemod else frozenset())

    def path_of(self, entry_id: int) -> str:
        """The entry as printed from its main term: "Bursitis, prepatellar"."""
        parts = []
        cur: int | None = entry_id
        while cur:
            r = self._raw[cur]
            parts.append(r[3])
            cur = r[0]
        return ", ".join(reversed(parts))

    def key(self, word: str) -> str:
        """The form a word is compared in when subterms are matched: canonical, then its root."""
        return root(self.canon(word))

    def _extra(self, nemod: str) -> frozenset[str]:
        got = self._extra_cache.get(nemod)
        if got is None:
            got = self._extra_cache[nemod] = frozenset(self.key(w) for w in words_of(nemod) if w not in FILLER)
        return got

    def _alternatives(self, rest: str) -> tuple[frozenset[str], ...]:
        got = self._alt_cache.get(rest)
        if got is None:
            got = self._alt_cache[rest] = self._alternatives_of(rest)
        return got

    def _alternatives_of(self, rest: str) -> tuple[frozenset[str], ...]:
        """The word sets any one of which makes a subterm apply.  Commas join alternatives when
        the parts share their first four letters or one holds the other ("pleura, pleurisy,
        pleuritic"; "acute, subacute"), else the parts are all required ("benign, intracranial");
        "or" always joins alternatives."""
        out = []
        for part in re.split(r"\s+or\s+", rest):
            pieces = [p.strip() for p in part.split(",") if p.strip()]
            if not pieces:
                continue
            first = pieces[0].lower()
            same = [p for p in pieces if p.lower()[:4] == first[:4] or first in p.lower() or p.lower() in first]
            alts = same
            required = [p for p in pieces if p not in same]
            need = {self.key(w) for p in required for w in words_of(p) if w not in FILLER}
            for a in alts:
                words = frozenset({self.key(w) for w in words_of(a) if w not in FILLER} | need)
                if words:
                    out.append(words)
        return tuple(dict.fromkeys(out))

    def _children(self, entry_id: int) -> tuple[Entry, ...]:
        return tuple(e for e in (self.entry(i) for i in self._kids.get(entry_id, ())) if e is not None)

    def __len__(self) -> int:
        return len(self._raw)

    def mains(self, key: str, source: str = "main") -> list[int]:
        """Main-term entries whose title (or one of its comma alternates) has the key ``key``."""
        return self._mains.get(source, {}).get(key, [])

    def canon(self, word: str) -> str:
        """A word's main-term form: "diabetic" -> "diabetes", "hypertensive" -> "hypertension"
        (from main terms printed with their adjective, "Diabetes, diabetic")."""
        if self._canon is None:
            canon: dict[str, str] = {}
            for eid in self._kids.get(0, ()):
                r = self._raw[eid]
                if r[2] != "main":
                    continue
                keys = [_norm_key(a) for a in _split_alternates(r[3])[0]]
                if len(keys) > 1 and all(k and " " not in k for k in keys):
                    for k in keys[1:]:
                        canon.setdefault(k, keys[0])
            canon.update(SITE_ADJECTIVES)
            self._canon = canon
        return self._canon.get(word, word)

    def neoplasm_root(self) -> int | None:
        ids = self._mains.get("neoplasm", {})
        return next(iter(ids.values()))[0] if ids else None

    # -- the walk ------------------------------------------------------------------------------
    def lookup(self, ctx: WordContext, *, main_keys: Iterable[str] | None = None,
               start: int | None = None, start_refs: bool = True) -> IndexHit | None:
        """The code the Index gives for a mention: its main term is a word (or words) of the
        mention (or one of ``main_keys``; or the entry ``start``); subterms follow from the words
        of ``ctx``.  ``None`` when no main term is found or no code is reached.  With
        ``start_refs=False`` the see / see also of the starting entry itself is not followed
        ("History, personal (see also History, family)")."""
        mention = [self.canon(w) for w in ctx.mention]
        content = [self.key(w) for w in ctx.mention if w not in FILLER]
        avail = _Avail({self.key(w) for w in ctx.near} | set(content),
                       {self.key(w) for w in ctx.sentence} | set(content), set(content),
                       raw=frozenset(ctx.sentence) | frozenset(ctx.mention))
        starts: list[tuple[int, set[str], bool]] = []  # (entry, words it uses, names the head word)
        if start is not None:
            starts.append((start, set(), True))
        if main_keys is not None:
            for key in main_keys:
                starts.extend((i, set(key.split()), True) for i in self.mains(key))
        elif start is None:
            n = len(mention)
            for size in range(min(n, 4), 0, -1):  # longer main terms first ("housemaid knee")
                for i in range(n - size, -1, -1):  # the head (last) word first
                    key = " ".join(mention[i:i + size])
                    if size == 1 and key in FILLER:
                        continue
                    found = self.mains(key) or (self.mains(key[:-2] + "ion") if key.endswith("ated") else [])
                    starts.extend((e, {self.key(w) for w in mention[i:i + size]}, i + size == n) for e in found)
        best: tuple[tuple, IndexHit] | None = None
        seen: set[int] = set()
        for entry_id, used, head in starts:
            if entry_id in seen:
                continue
            seen.add(entry_id)
            need = frozenset(self.key(w) for w in self._main_req.get(entry_id, ()))
            if need and not need <= avail.near:
                if entry_id not in self._main_default or any(
                        i != entry_id and {self.key(w) for w in self._main_req.get(i, ())} <= avail.near
                        for i, _, _ in starts):
                    continue
                need = frozenset()  # the head's default ("fracture" of the femur: Fracture, traumatic)
            used = used | set(need)
            hit = self._resolve_from(entry_id, set(used), avail, ctx, depth=0, via=[], root_refs=start_refs)
            if hit is None:
                continue
            hit.explained = len(set(content) & (hit.absorbed | hit.used))
            hit.mention_words = len(set(content))
            # a coder looks up the condition's head word first, and trusts a path without gaps
            key = (hit.explained, head, -hit.skips, len(hit.path), hit.status == "ok")
            if best is None or key > best[0]:
                best = (key, hit)
        return best[1] if best else None

    def _resolve_from(self, entry_id: int, used: set[str], avail: "_Avail", ctx: WordContext, *,
                      depth: int, via: list[str], column: int | None = None,
                      root_refs: bool = True) -> IndexHit | None:
        root = self.entry(entry_id)
        if root is None or depth > 4:
            return None
        score, nodes, words, absorbed = self._walk(root, frozenset(used), avail, 0, 0)
        path = [root] + nodes
        used = set(used) | words
        skips = -score[3]
        # the deepest entry that says something: a code, a cell, or a reference
        for k in range(len(path) - 1, -1, -1):
            e = path[k]
            if e.source == "neoplasm" and column is not None:
                cell = (e.cells or {}).get(column)
                if cell and cell[1]:
                    return self._hit(cell[1], cell[2], path[:k + 1], used, absorbed, via, skips)
                continue
            if e.code:
                return self._hit(e.code, e.status or "ok", path[:k + 1], used, absorbed, via, skips)
            ref = e.see or (e.see_also if not e.code else None)
            if ref and (k > 0 or root_refs):
                hit = self._follow(e, ref, used, avail, ctx, depth=depth, via=via + [ref])
                if hit is not None:
                    hit.path = _terms(path[:k + 1]) + hit.path
                    hit.absorbed |= absorbed
                    hit.skips += skips
                    return hit
        return None

    def _hit(self, code: str, status: str, path: list[Entry], used: set[str], absorbed: set[str],
             via: list[str], skips: int = 0) -> IndexHit:
        return IndexHit(code, status, _terms(path), 0, 0, set(absorbed), list(via), path[-1].id, set(used), skips)

    def _follow(self, e: Entry, ref: str, used: set[str], avail: "_Avail", ctx: WordContext, *,
                depth: int, via: list[str]) -> IndexHit | None:
        m = _RANGE_SEE.match(ref)
        if m:
            return self._range(m, used, avail, ctx, via)
        if ref.lower().startswith("neoplasm"):
            return self._neoplasm(ref, used, avail, ctx, depth=depth, via=via)
        target = e.see_id if ref == e.see else e.see_also_id
        if target is None:
            return None
        # the reference names where to go on: the words that led here may serve again below it
        # ("Failure, heart, with hypertension -> see Hypertension, heart", then "with heart failure")
        hit = self._resolve_from(target, set(), avail, ctx, depth=depth + 1, via=via)
        if hit is not None:
            hit.used |= used
        return hit

    def _range(self, m: re.Match, used: set[str], avail: "_Avail", ctx: WordContext, via: list[str]) -> IndexHit | None:
        """"see E08-E13 with .40": the category comes from the note (the one code of the range
        already there), else from the words (main terms whose default code falls in the range:
        "diabetic" -> E11, "type 1" -> E10), else the note's first such category."""
        lo, hi, suffix = m.group(1).upper(), m.group(2).upper(), m.group(3).upper()
        cats = sorted(c for c in ctx.categories if lo <= c <= hi)
        cat = None
        if len(cats) == 1:
            cat = cats[0]
        if cat is None:
            for word in sorted({self.canon(w) for w in ctx.sentence | set(ctx.mention)}):
                for main in self.mains(word):
                    hit = self._resolve_from(main, {self.key(word)}, _Avail(avail.near, avail.sentence, avail.mention,
                                                                            plain_only=True, raw=avail.raw),
                                             ctx, depth=3, via=[])
                    if hit and lo <= category(hit.code) <= hi:
                        cat = category(hit.code)
                        break
                if cat:
                    break
        if cat is None and cats:
            cat = cats[0]
        if cat is None:
            return None
        code, dash = strip_dash(cat + suffix)
        return IndexHit(dotted(code), "incomplete" if dash else "ok", [], 0, 0, set(), via + [f"{cat}{suffix}"],
                        used=set(used))

    def _neoplasm(self, ref: str, used: set[str], avail: "_Avail", ctx: WordContext, *, depth: int,
                  via: list[str]) -> IndexHit | None:
        """"see Neoplasm, malignant, by site" / "Neoplasm, meninges, benign": the Neoplasm Table,
        walked by the site words, read in the behaviour's column."""
        root = self.neoplasm_root()
        if root is None:
            return None
        parts = [p.strip() for p in ref.split(",")[1:] if p.strip()]
        column = 7
        site: list[str] = []
        for p in parts:
            low = p.lower()
            col = next((c for word, c in _BEHAVIOUR if word in low), None)
            if col is not None and not (column in (2, 3) and col == 2):
                column = col if not (col == 2 and column == 3) else column
            elif not low.startswith("by ") and low not in ("neoplastic",):
                site.append(p)
        start = root
        for p in site:  # explicit sites: "Neoplasm, meninges, benign"
            key = _norm_key(p)
            nxt = next((c.id for c in self.children(start) if _norm_key(c.term) == key
                        or key in {_norm_key(a) for a in _split_alternates(c.term)[0]}), None)
            if nxt is None:
                break
            start = nxt
        return self._resolve_from(start, used, avail, ctx, depth=depth + 1, via=via, column=column)

    def _walk(self, node: Entry, used: frozenset[str], avail: "_Avail", depth: int, skips: int):
        """The best chain of subterms below ``node``: ``(score, entries, words used, words of other
        conditions)``.  Score: mention words explained, then all words, then words of plain
        subterms (site, type), then fewer skipped levels.  A level the text does not name may be
        skipped once when a subterm below it names a word of the mention ("Pain, [joint,] wrist")."""
        best = ((0, 0, 0, 0), [], set(), set())
        if depth >= 8:
            return best
        near_free = avail.near - used
        sent_free = avail.sentence - used
        if not (sent_free | avail.mention) & self._below(node.id):
            return best  # no word of the sentence appears anywhere below: nothing to walk
        wanted = (avail.mention | (avail.near - _SIDES)) - used  # words that may justify a skip
        kids, by_word, always, by_below = self._child_index(node.id)
        picked = set(always)
        for w in sent_free | avail.mention:
            picked.update(by_word.get(w, ()))
        if not skips and not avail.plain_only:
            for w in wanted:
                picked.update(by_below.get(w, ()))
        for pos in sorted(picked):  # the Index's order decides ties
            ch = kids[pos]
            options = self._match(ch, near_free, sent_free, avail)
            for nodes, words, conn_words in options:
                sub = self._walk(nodes[-1], used | (words - _REUSABLE), avail, depth + len(nodes), skips)
                own = (len(words & avail.mention), len(words), 0 if conn_words else len(words), 0)
                score = tuple(a + b for a, b in zip(own, sub[0]))
                if score > best[0]:
                    best = (score, nodes + sub[1], words | sub[2], conn_words | sub[3])
            if options or skips or avail.plain_only:
                continue
            if ch.conn is None and ch.alts and ch.words <= self._passable() and wanted & self._below(ch.id):
                # a level of anatomy the text does not name, passed when a word of the mention, or a
                # word near it other than a side, names a subterm below it ("wrist pain" ->
                # Pain, [joint,] wrist); a qualifier ("adhesive") is never passed
                sub = self._walk(ch, used, avail, depth + 1, 1)
                if sub[0][0] > 0 or (sub[0][2] > 0 and sub[2] - _SIDES):
                    score = (sub[0][0], sub[0][1], sub[0][2], sub[0][3] - 1)
                    if score > best[0]:
                        best = (score, [ch] + sub[1], sub[2], sub[3])
            elif ch.conn == "without" and ch.alts and not any(alt <= avail.sentence for alt in ch.alts):
                # "Spondylosis, without myelopathy or radiculopathy, lumbar": the default branch
                # when the text names none of them, taken only for a site or type below it
                sub = self._walk(ch, used, avail, depth + 1, 1)
                if sub[0][2] > 0:
                    score = (sub[0][0], sub[0][1], sub[0][2], sub[0][3] - 1)
                    if score > best[0]:
                        best = (score, [ch] + sub[1], sub[2], sub[3])
        return best

    def _child_index(self, entry_id: int):
        """An entry's children; word -> positions of the children that use it (their words and
        nonessential modifiers); the positions always worth a look (grouping "with" nodes,
        "without" branches); and word -> positions of the anatomy levels below which it appears
        (levels that may be skipped)."""
        got = self._kid_cache.get(entry_id)
        if got is None:
            kids = self.children(entry_id)
            by_word: dict[str, list[int]] = {}
            always = []
            sites = self._passable()
            by_below: dict[str, list[int]] = {}
            for pos, ch in enumerate(kids):
                for w in ch.words | ch.extra:
                    by_word.setdefault(w, []).append(pos)
                if (ch.conn is not None and not ch.alts) or ch.conn == "without":
                    always.append(pos)
                elif ch.conn is None and ch.alts and ch.words <= sites:  # an anatomy level: skippable
                    for w in self._below(ch.id):
                        by_below.setdefault(w, []).append(pos)
            got = self._kid_cache[entry_id] = (kids, by_word, tuple(always), by_below)
        return got

    def _below(self, entry_id: int) -> frozenset[str]:
        """Words (as compared: :meth:`key`) of the subterms below an entry, read from the raw rows
        without building their entries (to know whether a walk or a skipped level can pay off)."""
        got = self._below_cache.get(entry_id)
        if got is None:
            words: set[str] = set()
            for kid in self._kids.get(entry_id, ()):
                term = self._raw[kid][3]
                words.update(self.key(w) for w in _words_of(term) if w not in FILLER)
                if self._kids.get(kid):
                    words |= self._below(kid)
            got = self._below_cache[entry_id] = frozenset(words)
        return got

    def _match(self, ch: Entry, near_free: set[str], sent_free: set[str],
               avail: "_Avail") -> list[tuple[list[Entry], set[str], set[str]]]:
        """Ways ``ch`` applies: ``[(entries, words used, words of another condition)]`` (``*_free``:
        the words near the mention / in its sentence not used yet)."""
        conn = ch.conn
        if conn is None and ch.alts and not (ch.words & near_free) and not ch.extra:
            return []  # the common case: a plain subterm none of whose words is there
        if conn == "without" or (conn is not None and avail.plain_only):
            return []
        if conn in _STATED and not (_STATED[conn] & avail.raw):
            return []  # only "with" presumes the link (I.A.15); "due to", "in", "following" must be written
        if conn is not None and not ch.alts:  # a grouping node: "with", "due to", "in"
            out = []
            free = sent_free
            if not free & self._below(ch.id):
                return out
            for g in self.children(ch.id):
                if g.conn is not None:
                    continue
                words = next((alt for alt in g.alts if alt <= free), None)
                if words:
                    out.append(([ch, g], set(words), set(words)))
            return out
        free = sent_free if conn is not None else near_free
        words = next((alt for alt in ch.alts if alt <= free), None)
        if not words and len(ch.alts) == 1 and len(ch.alts[0]) == 1:
            # a nonessential modifier the mention names that holds the one-word subterm stands for
            # it: "on hemodialysis" -> "Status, dialysis (hemodialysis)"
            (req,) = ch.alts[0]
            words = {w for w in ch.extra & avail.mention & near_free if req in w}
        if not words:
            return []
        return [([ch], set(words), set(words) if conn is not None else set())]

    # -- reverse look-up, search -----------------------------------------------------------------
    def _leads(self) -> dict[str, list[tuple[int, int, str]]]:
        """code -> [(entry, column, via)]: entries that print the code, table cells, and entries
        whose see reference leads to an entry that prints it."""
        if self._by_code is None:
            by: dict[str, list[tuple[int, int, str]]] = {}
            for eid in self._raw:
                e = self.entry(eid)
                if e.code:
                    by.setdefault(e.code, []).append((eid, 0, "code"))
                for col, (_, code, _) in (e.cells or {}).items():
                    if code:
                        by.setdefault(code, []).append((eid, col, "cell"))
                if e.see_id and not e.code:
                    target = self.entry(e.see_id)
                    if target is not None and target.code:
                        by.setdefault(target.code, []).append((eid, 0, "see"))
            self._by_code = by
        return self._by_code

    def terms_for(self, code: str, *, ancestors: Iterable[str] = ()) -> list[dict[str, Any]]:
        """The Index entries that lead to ``code`` (or, through a dash, to one of its
        ``ancestors``): ``{"path", "code", "via", "source"}``, the code's own entries first."""
        out = []
        seen = set()
        leads = self._leads()
        for target, direct in [(code, True)] + [(a, False) for a in ancestors]:
            for eid, col, via in leads.get(target, ()):
                e = self.entry(eid)
                if (eid, col) in seen:
                    continue
                printed = (e.cells or {}).get(col, [None])[0] if col else e.src_code
                if via == "see" and e.see_id:
                    printed = self.entry(e.see_id).src_code
                if not direct and not (printed or "").endswith("-") and e.status not in ("expanded", "incomplete"):
                    continue  # an ancestor leads here only when the Index asks for more characters
                seen.add((eid, col))
                columns = NEOPLASM_COLUMNS if e.source == "neoplasm" else DRUG_COLUMNS
                label = self.path_of(eid) + (f" [{columns.get(col)}]" if col else "") + \
                    (f" -> see {e.see}" if via == "see" else "")
                out.append({"path": label, "code": printed or target, "via": via, "source": e.source})
        return out

    def _inverted(self) -> dict[str, list[int]]:
        if self._words is None:
            inv: dict[str, list[int]] = {}
            for eid, r in self._raw.items():
                if r[2] == "drug":
                    continue
                for w in set(words_of(r[3])):
                    inv.setdefault(w, []).append(eid)
            self._words = inv
        return self._words

    def vocabulary(self) -> frozenset[str]:
        """Normalised words of the main Index and the Neoplasm Table (for spelling correction, and
        to know which words of a text can matter to a look-up)."""
        if self._vocab is None:
            self._vocab = frozenset(self._inverted())
        return self._vocab

    def search_rows(self, words: list[str], limit: int = 400) -> list[tuple[int, str, str, str]]:
        """``(entry id, path, code, kind)`` of main-Index and Neoplasm-Table entries whose path
        holds the words (all of them first; then any, when few hold all)."""
        self._inverted()
        keys = [w for w in dict.fromkeys(words) if w not in FILLER]
        if not keys:
            return []
        sets = [self._subtree_hits(w) for w in keys]
        ranked = set.intersection(*sets) if sets else set()
        if len(ranked) < 20:
            ranked |= set().union(*sets)
        out = []
        for eid in sorted(ranked, key=lambda i: (-sum(i in s for s in sets), self._raw[i][1], i))[:limit]:
            e = self.entry(eid)
            code = e.code
            if code is None and e.see_id:
                target = self.entry(e.see_id)
                code = target.code if target else None
            if code is None and e.cells:
                cell = e.cells.get(2) or e.cells.get(7)
                code = cell[1] if cell else None
            if code:
                out.append((eid, self.path_of(eid), code, "index"))
        return out

    def _subtree_hits(self, word: str) -> set[int]:
        """Entries whose path (the entry or one of its parents) holds ``word``."""
        out: set[int] = set()
        stack = list(self._words.get(word, ()))
        while stack:
            eid = stack.pop()
            if eid in out:
                continue
            out.add(eid)
            stack.extend(self._kids.get(eid, ()))
        return out

    def _site_keys(self) -> frozenset[str]:
        if self._sites is None:
            self._sites = frozenset(self.key(w) for w in self.sites())
        return self._sites

    def _passable(self) -> frozenset[str]:
        """Words of an Index level a walk may pass unnamed: anatomy and positional words."""
        if self._pass is None:
            self._pass = (self._site_keys() | frozenset(self.key(w) for w in POSITIONAL)) \
                - {"left", "right", "bilateral", "unilateral"} - {self.key(w) for w in _NOT_SITES}
        return self._pass

    def sites(self) -> set[str]:
        """Words of the Neoplasm Table's sites (anatomy: "nerve", "placenta", "breast")."""
        out: set[str] = set()
        stack = [self.neoplasm_root()] if self.neoplasm_root() else []
        while stack:
            for ch in self.children(stack.pop()):
                out.update(words_of(ch.term))
                stack.append(ch.id)
        return out

    def match_terms(self, known: set[str]) -> Iterator[tuple[str, str, str]]:
        """``(key, term, code)`` of main terms a text may name that ``known`` (the Tabular's
        matcher keys) lacks: lay words, older and eponym terms ("hives", "lockjaw", "housemaid's
        knee").  Left out: main terms whose code is a factor (Z), an external cause (V-Y) or a
        poisoning (T36-T65); single words that are adjectives ("toxic", "nervous"), anatomy (the
        Neoplasm Table's sites: "nerve"), of fewer than 5 letters ("age", "gas"), eponyms alone
        ("Marshall's"), acronyms, or lead on their own to chapters R, Q, P, O, S or T ("score",
        "rest", "injection"); words of ordinary use (``_ORDINARY_WORDS``); and generic words
        (``terms.is_matchable``).  A walk still reaches all of them from a main term the text names."""
        from .terms import is_matchable

        sites = self.sites()
        seen = set(known)
        heads: dict[str, int] = {}
        for e in self.main_terms():
            alts, rest = _split_alternates(e.term)
            if rest:
                heads[_norm_key(alts[0])] = heads.get(_norm_key(alts[0]), 0) + 1
        for e in self.main_terms():
            code = e.code
            if not code and e.see_id:
                target = self.entry(e.see_id)
                code = target.code if target else None
            if not code or code[0] in "VWXYZ" or "T36" <= code[:3] <= "T65":
                continue
            alts, rest = _split_alternates(e.term)
            qualifier = " ".join(rest)
            head = _norm_key(alts[0])
            if rest and heads.get(head) == 1 and len(self.mains(head)) == 1:
                form = alts[0]  # the only main term of its head word: "Hypertriglyceridemia, essential"
            else:
                form = alts[0] if not rest else (f"{qualifier} {alts[0]}" if len(qualifier.split()) <= 2 else "")
            key = _norm_key(form)
            if not key or key in seen or not is_matchable(key):
                continue
            if " " not in key and (len(form) < 5 or (len(key) >= 6 and _ADJECTIVE.search(key)) or key in sites
                                   or "'" in form or "\u2019" in form or form.isupper()
                                   or code[0] in _BARE_WORD_CHAPTERS or key in _ORDINARY_WORDS):
                continue
            seen.add(key)
            yield key, form, code
        # injury nouns the Index codes by site only ("Sprain, ankle", "Laceration, forearm"): matched
        # alone so the walk can read the site near them; a bare one is an injury NOS (T14.8)
        for e in self.main_terms():
            alts, rest = _split_alternates(e.term)
            key = _norm_key(alts[0]) if len(alts) == 1 and not rest else ""
            if not key or e.code or e.see_id or " " in key or key in seen or not is_matchable(key) \
                    or key in _PROCEDURE_WORDS:
                continue
            if self._by_site_injury(e.id):
                seen.add(key)
                yield key, alts[0], INJURY_NOS

    def _by_site_injury(self, entry_id: int) -> bool:
        """Whether at least 3/4 of the codes below an entry (of 20 or more) are injuries by site (chapter S)."""
        codes, todo = [], list(self._kids.get(entry_id, ()))
        while todo:
            kid = todo.pop()
            if self._raw[kid][7]:
                codes.append(self._raw[kid][7])
            todo.extend(self._kids.get(kid, ()))
        return len(codes) >= 20 and sum(c[:1] == "S" for c in codes) >= 0.75 * len(codes)

    def changes(self) -> list[tuple[str, str, str | None]]:
        """Index codes the Tabular does not hold as printed: ``(printed, status, code kept)``."""
        return [tuple(x) for x in json.loads(self.meta.get("changes", "[]"))]

    def main_terms(self) -> Iterator[Entry]:
        """Every main term of the main Index."""
        for eid in self._kids.get(0, ()):
            if self._raw[eid][2] == "main":
                yield self.entry(eid)


@dataclass
class _Avail:
    near: set[str]
    sentence: set[str]
    mention: set[str]
    plain_only: bool = False
    raw: frozenset[str] = frozenset()  # the sentence's words as written (connectives included)


def _terms(path: list[Entry]) -> list[str]:
    return [e.term for e in path]

