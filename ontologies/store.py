"""The compiled ontology: one SQLite file (with an FTS5 index) per terminology, one reader class.

Every terminology (ICD-10-CM, SNOMED CT, UMLS) is compiled by its builder through
:class:`OntologyWriter` into the same schema, and read through :class:`Ontology`:

========== =================================================================================
table      rows
========== =================================================================================
meta       ``key, value``: name, system, version, source, built_at, counts
concepts   ``code, description, kind, billable, parent, depth, chapter, block, category, active``
edges      ``child, parent``: extra is-a links besides ``concepts.parent`` (SNOMED CT and UMLS
           are DAGs); the view ``links`` unites both
terms      ``id, code, term, kind, rank, best, key``: titles, synonyms, inclusion terms, generated
           variants and abbreviations; ``best = 1`` on the one row that wins its normalised key
           (:func:`ontologies.normalize.norm_phrase`, stored in ``key`` on those rows only), i.e.
           the matcher's term list
terms_fts  contentless FTS5 index of the normalised keys (rowid = ``terms.id``)
notes      ``code, kind, text, refs``: excludes1, excludes2, includes, code_also, code_first,
           use_additional_code, notes, seven_chr_note (``refs``: codes cited, JSON list)
maps       ``source_system, source_code, target_system, target_code, attrs`` (attrs JSON: GEM
           flags, or map group/priority/rule/advice of a SNOMED CT map refset)
========== =================================================================================
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .code_syntax import dotted, icd9_dotted, ref_covers
from .errors import ONT_NOT_FOUND, ONT_OUTPUT, ONT_UNKNOWN_CODE, ontology_error
from .normalize import norm_phrase
from .search import SearchHit, search as _search
from .terms import KIND_RANK, is_matchable, term_rank, variants

log = logging.getLogger(__name__)

SCHEMA_VERSION = "1"

#: Canonical system names and the aliases accepted on the command line.
SYSTEMS = {
    "ICD-10-CM": ("icd10cm", "icd10-cm", "icd-10-cm"),
    "ICD-10": ("icd10", "icd-10", "icd10who"),
    "ICD-9-CM": ("icd9", "icd9cm", "icd-9-cm", "icd-9"),
    "SNOMED CT": ("snomed", "snomedct", "sct", "snomed-ct", "snomed ct"),
    "UMLS": ("umls", "cui"),
}
GEM_FLAGS = ("approximate", "no_map", "combination", "scenario", "choice_list")
NOTE_KINDS = (
    "includes",
    "inclusion",
    "excludes1",
    "excludes2",
    "code_first",
    "code_also",
    "use_additional_code",
    "notes",
    "seven_chr_note",
)


def canonical_system(name: str, *, strict: bool = True) -> str:
    """``"icd9"`` -> ``"ICD-9-CM"``; unknown names raise an :class:`OntologyError` (or come back
    unchanged with ``strict=False``)."""
    low = name.strip().lower()
    for canon, aliases in SYSTEMS.items():
        if low == canon.lower() or low in aliases:
            return canon
    if not strict:
        return name.strip()
    raise ontology_error(
        "CL-ONT006",
        f"unknown code system {name!r}",
        "use one of: " + ", ".join(a[0] for a in SYSTEMS.values()),
    )


_GENERATED = frozenset({"stripped", "inverted", "rewrite", "head", "head_without"})

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE concepts (
    code TEXT PRIMARY KEY, description TEXT NOT NULL, kind TEXT, billable INTEGER,
    parent TEXT, depth INTEGER, chapter TEXT, block TEXT, category TEXT, active INTEGER DEFAULT 1
) WITHOUT ROWID;
CREATE TABLE edges (child TEXT, parent TEXT, PRIMARY KEY (child, parent)) WITHOUT ROWID;
CREATE VIEW links(child, parent) AS
    SELECT code, parent FROM concepts WHERE parent IS NOT NULL UNION SELECT child, parent FROM edges;
CREATE TABLE terms (id INTEGER PRIMARY KEY, code TEXT, term TEXT, kind TEXT, rank REAL,
                    best INTEGER DEFAULT 0, key TEXT);
CREATE TABLE notes (code TEXT, kind TEXT, text TEXT, refs TEXT);
CREATE TABLE maps (source_system TEXT, source_code TEXT, target_system TEXT, target_code TEXT,
                   flags TEXT, attrs TEXT,
                   PRIMARY KEY (source_system, source_code, target_system, target_code)) WITHOUT ROWID;
"""
_INDEXES = """
CREATE INDEX edges_parent ON edges(parent);
CREATE INDEX concepts_parent ON concepts(parent);
CREATE INDEX terms_code ON terms(code);
CREATE INDEX notes_code ON notes(code);
CREATE INDEX maps_target ON maps(target_system, target_code);
"""


@dataclass
class Concept:
    """One code of a terminology, as :meth:`Ontology.get` returns it."""

    code: str
    description: str
    system: str
    kind: str | None = None
    billable: bool = False
    parent: str | None = None
    depth: int = 0
    chapter: str | None = None
    block: str | None = None
    category: str | None = None
    active: bool = True

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Term:
    code: str
    term: str
    kind: str
    key: str
    rank: float
    best: bool = False


@dataclass
class MapTarget:
    """One target of :meth:`Ontology.map`."""

    source_system: str
    source_code: str
    target_system: str
    target_code: str
    attrs: dict[str, Any] = field(default_factory=dict)
    description: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class OntologyWriter:
    """Collects concepts, terms, notes and maps, then writes the SQLite file in one go.

    The file is written to ``path + ".tmp"`` and renamed at :meth:`finish`, so a failed build
    never leaves a half-written ontology behind.
    """

    def __init__(self, path: str | os.PathLike[str], *, name: str, system: str, version: str = "", source: str = "") -> None:
        self.path = Path(path)
        self.meta = {"name": name, "system": system, "version": version, "source": source, "schema": SCHEMA_VERSION}
        self.concepts: dict[str, tuple] = {}
        self.edges: set[tuple[str, str]] = set()
        self.terms: list[tuple[str, str, str]] = []
        self.notes: list[tuple[str, str, str, str]] = []
        self.maps: list[tuple[str, str, str, str, str]] = []
        #: ``(code, kind, concept_row) -> bool``: whether a term may go to the matcher (all if None)
        self.match_filter = None

    def add_concept(self, code: str, description: str, *, kind: str | None = None, billable: bool = True,
                    parent: str | None = None, depth: int = 0, chapter: str | None = None,
                    block: str | None = None, category: str | None = None, active: bool = True,
                    variants_of_title: bool = True, searchable: bool = True) -> None:
        """Add a concept; its title becomes a term unless ``searchable=False`` (ICD-10-CM 7th-character
        extensions: found through their parent code, which keeps the file small)."""
        self.concepts[code] = (code, description, kind, int(bool(billable)), parent, depth, chapter, block, category, int(active))
        if searchable:
            self.add_term(code, description, "description", variants_of_title=variants_of_title)

    def add_edge(self, child: str, parent: str) -> None:
        """An is-a link besides the concept's own ``parent`` (DAGs: SNOMED CT, UMLS)."""
        self.edges.add((child, parent))

    def add_term(self, code: str, term: str, kind: str, *, variants_of_title: bool = True) -> None:
        self.terms.append((code, term, kind))
        if variants_of_title:
            for form, vkind in variants(term):
                self.terms.append((code, form, vkind))

    def add_note(self, code: str, kind: str, text: str, refs: Iterable[str] = ()) -> None:
        self.notes.append((code, kind, text, json.dumps(list(refs))))

    def add_map(self, source_system: str, source_code: str, target_system: str, target_code: str, *,
                flags: str | None = None, **attrs: Any) -> None:
        """One map row; ``flags`` is a GEM flag string ("10000": approximate, no_map, combination,
        scenario, choice_list), other attributes (map group, rule, advice ...) go to ``attrs``."""
        self.maps.append((source_system, source_code, target_system, target_code, flags,
                          json.dumps(attrs, sort_keys=True) if attrs else None))

    def add_abbreviations(self, abbreviations: Iterable[tuple[str, str]]) -> int:
        """Add ``(abbreviation, expansion)`` pairs as terms of the code their expansion names."""
        by_key: dict[str, tuple[float, int, str]] = {}
        for code, term, kind in self.terms:
            key = norm_phrase(term)
            row = self.concepts.get(code)
            rank = (term_rank(kind, bool(row and row[3])), row[5] if row else 0, code)
            if key not in by_key or rank < by_key[key]:
                by_key[key] = rank
        added = 0
        for abbr, expansion in abbreviations:
            hit = by_key.get(norm_phrase(expansion))
            if hit:
                self.terms.append((hit[2], abbr, "abbreviation"))
                added += 1
        return added

    def finish(self) -> Path:
        """Write the file (atomically) and return its path."""
        t0 = time.perf_counter()
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if tmp.exists():
                tmp.unlink()
            con = sqlite3.connect(tmp)
        except OSError as exc:
            raise ontology_error(ONT_OUTPUT, f"cannot write {self.path}: {exc.strerror or exc}",
                                 "choose a writable --out directory", file=self.path) from exc
        try:
            con.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
            con.executemany("INSERT INTO concepts VALUES (?,?,?,?,?,?,?,?,?,?)", self.concepts.values())
            con.executemany("INSERT OR IGNORE INTO edges VALUES (?,?)", sorted(self.edges))
            self.edges = {(c, p) for c, p in self.edges if self.concepts.get(c, (None,) * 5)[4] != p}
            rows = []
            keys = []
            seen: set[tuple[str, str]] = set()
            best: dict[str, tuple[float, int, str, int]] = {}
            # source terms before generated variants, so a variant never hides a real synonym
            # (and closer variants before looser ones: a code keeps its best kind of each key)
            ordered = sorted(self.terms, key=lambda t: (t[2] in _GENERATED, KIND_RANK.get(t[2], 3)))
            for code, term, kind in ordered:
                key = norm_phrase(term)
                if not key or (code, key) in seen and kind != "abbreviation":
                    continue
                seen.add((code, key))
                concept = self.concepts.get(code)
                billable = bool(concept and concept[3])
                rank = term_rank(kind, billable)
                rid = len(rows) + 1
                rows.append([rid, code, term, kind, rank, 0, None])
                keys.append((rid, key))
                cand = (rank, concept[5] if concept else 0, code, rid)
                if key not in best or cand < best[key]:
                    best[key] = cand
            keep = self.match_filter
            for key, (_, _, code, rid) in best.items():
                if keep is not None and not keep(code, rows[rid - 1][3], self.concepts.get(code)):
                    continue
                # two-letter abbreviations ("MI", "PE") stay: the matcher takes them only in capitals
                if is_matchable(key, 2 if rows[rid - 1][3] == "abbreviation" else 3):
                    rows[rid - 1][5] = 1
                    rows[rid - 1][6] = key
            con.executemany("INSERT INTO terms VALUES (?,?,?,?,?,?,?)", rows)
            con.execute("CREATE VIRTUAL TABLE terms_fts USING fts5(key, content='', "
                        "tokenize=\"unicode61 tokenchars '.'\")")
            con.executemany("INSERT INTO terms_fts(rowid, key) VALUES (?,?)", keys)
            con.execute("CREATE VIRTUAL TABLE terms_vocab USING fts5vocab(terms_fts, 'row')")
            con.executemany("INSERT INTO notes VALUES (?,?,?,?)", self.notes)
            con.executemany("INSERT OR IGNORE INTO maps VALUES (?,?,?,?,?,?)", self.maps)
            self.meta.update(
                built_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                concepts=str(len(self.concepts)), terms=str(len(rows)), maps=str(len(self.maps)),
            )
            con.executemany("INSERT INTO meta VALUES (?,?)", self.meta.items())
            con.executescript(_INDEXES)
            con.commit()
            con.execute("VACUUM")
            con.close()
            os.replace(tmp, self.path)
        except BaseException:
            con.close()
            if tmp.exists():
                tmp.unlink()
            raise
        log.info("wrote %s (%d concepts, %d terms) in %.1f s", self.path, len(self.concepts), len(rows),
                 time.perf_counter() - t0)
        return self.path


#: How an :class:`Ontology` opens another one by name when none was passed (map descriptions);
#: :mod:`ontologies.registry` installs its ``load`` here when it is imported, so this module
#: never imports the registry (which imports this module).
_default_resolve: Callable[[str], "Ontology"] | None = None


def set_default_resolver(resolve: Callable[[str], "Ontology"] | None) -> None:
    global _default_resolve
    _default_resolve = resolve


class Ontology:
    """Read access to one compiled terminology (see the module doc for the schema).

    Codes are normalised on the way in (``"e119"`` finds ``E11.9`` in ICD-10-CM).
    """

    def __init__(self, path: str | os.PathLike[str], *, name: str | None = None,
                 resolve: Callable[[str], "Ontology"] | None = None) -> None:
        """``resolve(name)`` opens another ontology by name (the registry passes its ``load``):
        map targets in ICD-10-CM get their descriptions from it."""
        self.path = Path(path)
        self._resolve = resolve
        if not self.path.is_file():
            raise ontology_error(ONT_NOT_FOUND, f"ontology file {self.path} does not exist",
                                 "build it with `clinlabel ontology build ...`", file=self.path)
        uri = self.path.resolve().as_uri() + "?mode=ro&immutable=1"
        self._con = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self.meta = dict(self._con.execute("SELECT key, value FROM meta"))
        self.name = name or self.meta.get("name", self.path.stem)
        self.system = self.meta.get("system", "")
        self.version = self.meta.get("version", "")
        self._index: Any = False  # not looked for yet
        self._vocab: list[str] | None = None
        self._vocab_set: frozenset[str] | None = None
        self._abbrev: dict[str, list[str]] | None = None

    def __repr__(self) -> str:
        return f"Ontology(name={self.name!r}, system={self.system!r}, version={self.version!r}, path={str(self.path)!r})"

    def close(self) -> None:
        self._con.close()

    @property
    def index_path(self) -> Path:
        """Where this ontology's Alphabetic Index lives: ``<name>_index.tsv.gz`` beside the file."""
        return self.path.with_name(self.path.stem + "_index.tsv.gz")

    @property
    def index(self):
        """The ICD-10-CM Alphabetic Index compiled beside this file
        (:class:`~ontologies.alphabetic_index.AlphabeticIndex`), or ``None`` (other terminologies,
        or an ICD-10-CM built without ``--index``).  Read on first use."""
        if self._index is False:
            self._index = None
            if self.system == "ICD-10-CM" and self.index_path.is_file():
                from .alphabetic_index import AlphabeticIndex

                self._index = AlphabeticIndex(self.index_path)
        return self._index

    def index_terms(self, code: str) -> list[dict[str, Any]]:
        """The Alphabetic Index entries that lead to ``code``: its own, and (when the Index
        prints a dash, "M70.4-") those of its ancestors (``[]`` without an Index)."""
        index = self.index
        if index is None:
            return []
        code = self.normalize_code(code)
        ancestors = [a for a in self.ancestors(code) if "-" not in a and not a.isdigit()]
        return index.terms_for(code, ancestors=ancestors)

    # -- codes ---------------------------------------------------------------------------------
    def normalize_code(self, code: str) -> str:
        """The stored form of ``code`` (dots and case for ICD codes)."""
        code = code.strip()
        if self.system == "ICD-10-CM":
            return dotted(code)
        return code

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.get(code) is not None

    def __len__(self) -> int:
        return self._con.execute("SELECT count(*) FROM concepts").fetchone()[0]

    def codes(self, *, billable_only: bool = False) -> Iterator[str]:
        sql = "SELECT code FROM concepts" + (" WHERE billable = 1" if billable_only else "") + " ORDER BY code"
        for (code,) in self._con.execute(sql):
            yield code

    def get(self, code: str) -> Concept | None:
        """The concept with ``code``, or ``None``."""
        row = self._con.execute(
            "SELECT code, description, kind, billable, parent, depth, chapter, block, category, active "
            "FROM concepts WHERE code = ?", (self.normalize_code(code),)).fetchone()
        if row is None:
            return None
        desc = row[1]
        if row[2] == "extension":  # ICD-10-CM 7th character: stored as its label only
            parent = self._con.execute("SELECT description FROM concepts WHERE code = ?", (row[4],)).fetchone()
            desc = f"{parent[0]}, {desc}" if parent else desc
        return Concept(row[0], desc, self.system, row[2], bool(row[3]), row[4], row[5], row[6], row[7], row[8], bool(row[9]))

    def iter_concepts(self) -> Iterator[Concept]:
        """Every concept, in code order (7th-character extensions with their full description):
        for callers that keep the hierarchy in memory (code suggestion reads it once)."""
        sql = ("SELECT c.code, c.description, c.kind, c.billable, c.parent, c.depth, c.chapter, c.block, c.category, "
               "c.active, p.description FROM concepts c LEFT JOIN concepts p ON c.kind = 'extension' AND p.code = c.parent "
               "ORDER BY c.code")
        for r in self._con.execute(sql):
            desc = f"{r[10]}, {r[1]}" if r[2] == "extension" and r[10] else r[1]
            yield Concept(r[0], desc, self.system, r[2], bool(r[3]), r[4], r[5], r[6], r[7], r[8], bool(r[9]))

    def __getitem__(self, code: str) -> Concept:
        concept = self.get(code)
        if concept is None:
            raise ontology_error(ONT_UNKNOWN_CODE, f"code {code!r} is not in {self.name} ({self.system} {self.version})",
                                 f"check the code, or find it with `clinlabel ontology search TEXT --ontology {self.name}`")
        return concept

    def description(self, code: str) -> str | None:
        concept = self.get(code)
        return concept.description if concept else None

    def is_billable(self, code: str) -> bool:
        concept = self.get(code)
        return bool(concept and concept.billable)

    # -- hierarchy -----------------------------------------------------------------------------
    def parents(self, code: str) -> list[str]:
        code = self.normalize_code(code)
        # the two tables, not the `links` view: the view's UNION cannot use their indexes
        sql = ("SELECT parent FROM concepts WHERE code = ? AND parent IS NOT NULL "
               "UNION SELECT parent FROM edges WHERE child = ? ORDER BY 1")
        return [r[0] for r in self._con.execute(sql, (code, code))]

    def children(self, code: str) -> list[str]:
        code = self.normalize_code(code)
        sql = "SELECT code FROM concepts WHERE parent = ? UNION SELECT child FROM edges WHERE parent = ? ORDER BY 1"
        return [r[0] for r in self._con.execute(sql, (code, code))]

    def ancestors(self, code: str) -> list[str]:
        """All ancestors, nearest first (for ICD-10-CM: subcategory ... category, block, chapter)."""
        code = self.normalize_code(code)
        # breadth first over parents() (the tables' indexes; a recursive query on the `links`
        # view scans the whole table at every step)
        depth: dict[str, int] = {}
        frontier = [code]
        d = 0
        while frontier:
            d += 1
            nxt = []
            for c in frontier:
                for p in self.parents(c):
                    if p not in depth:
                        depth[p] = d
                        nxt.append(p)
            frontier = nxt
        return sorted(depth, key=lambda c: (depth[c], c))

    def descendants(self, code: str) -> list[str]:
        """All descendants (breadth first, then by code)."""
        code = self.normalize_code(code)
        rows = self._con.execute(
            "WITH RECURSIVE down(code, d) AS (SELECT child, 1 FROM links WHERE parent = ? "
            "UNION SELECT e.child, down.d + 1 FROM links e JOIN down ON e.parent = down.code) "
            "SELECT code, min(d) FROM down GROUP BY code ORDER BY min(d), code", (code,))
        return [r[0] for r in rows]

    def default_code(self, code: str) -> str:
        """The billable code a bare mention of ``code``'s title means, walking down through
        "unspecified" / "without complications" children (``E11`` -> ``E11.9``, ``I50`` -> ``I50.9``);
        ``code`` itself when it is billable or has no such child."""
        code = self.normalize_code(code)
        for _ in range(5):
            concept = self.get(code)
            if concept is None or concept.billable:
                return code
            pick = None
            for child in self.children(code):
                desc = (self.description(child) or "").lower()
                if desc.startswith("other"):
                    continue
                if "unspecified" in desc or "without complication" in desc or desc.endswith(" nos"):
                    if pick is None or child.endswith("9"):
                        pick = child
            if pick is None:
                return code
            code = pick
        return code

    def is_ancestor(self, ancestor: str, code: str) -> bool:
        return self.normalize_code(ancestor) in self.ancestors(code)

    # -- terms and notes -----------------------------------------------------------------------
    def terms(self, code: str | None = None, *, best_only: bool = False) -> list[Term]:
        """Terms of ``code`` (or of every code): titles, synonyms, inclusion terms, variants, abbreviations."""
        sql = "SELECT code, term, kind, rank, best FROM terms"
        cond, args = [], []
        if code is not None:
            cond.append("code = ?")
            args.append(self.normalize_code(code))
        if best_only:
            cond.append("best = 1")
        if cond:
            sql += " WHERE " + " AND ".join(cond)
        return [Term(r[0], r[1], r[2], norm_phrase(r[1]), r[3], bool(r[4])) for r in self._con.execute(sql + " ORDER BY id", args)]

    def match_terms(self) -> Iterator[tuple[str, str, str, str]]:
        """``(key, term, code, kind)`` for every matchable term, each key once (the matcher's list)."""
        yield from self._con.execute("SELECT key, term, code, kind FROM terms WHERE best = 1 ORDER BY id")

    def notes(self, code: str, kind: str | None = None, *, inherited: bool = False) -> list[dict[str, Any]]:
        """Instructional notes of ``code``: ``{"code", "kind", "text", "refs"}``.

        ``inherited=True`` adds the notes of its ancestors (ICD-10-CM notes at a category apply to
        every code under it), nearest first.
        """
        codes = [self.normalize_code(code)] + (self.ancestors(code) if inherited else [])
        out = []
        for c in codes:
            sql = "SELECT code, kind, text, refs FROM notes WHERE code = ?"
            args: list[Any] = [c]
            if kind:
                sql += " AND kind = ?"
                args.append(kind)
            for r in self._con.execute(sql + " ORDER BY rowid", args):
                out.append({"code": r[0], "kind": r[1], "text": r[2], "refs": json.loads(r[3] or "[]")})
        return out

    def iter_notes(self, kind: str | None = None) -> Iterator[dict[str, Any]]:
        """Every instructional note (of one ``kind``, e.g. ``"excludes1"``), as :meth:`notes` gives them."""
        sql = "SELECT code, kind, text, refs FROM notes" + (" WHERE kind = ?" if kind else "") + " ORDER BY rowid"
        for r in self._con.execute(sql, (kind,) if kind else ()):
            yield {"code": r[0], "kind": r[1], "text": r[2], "refs": json.loads(r[3] or "[]")}

    def inclusion_terms(self, code: str) -> list[str]:
        return [n["text"] for n in self.notes(code, "inclusion")]

    def excludes1(self, code: str, *, inherited: bool = True) -> list[dict[str, Any]]:
        return self.notes(code, "excludes1", inherited=inherited)

    def excludes2(self, code: str, *, inherited: bool = True) -> list[dict[str, Any]]:
        return self.notes(code, "excludes2", inherited=inherited)

    def code_also(self, code: str, *, inherited: bool = True) -> list[dict[str, Any]]:
        return self.notes(code, "code_also", inherited=inherited)

    def code_first(self, code: str, *, inherited: bool = True) -> list[dict[str, Any]]:
        return self.notes(code, "code_first", inherited=inherited)

    def use_additional_code(self, code: str, *, inherited: bool = True) -> list[dict[str, Any]]:
        return self.notes(code, "use_additional_code", inherited=inherited)

    def ref_matches(self, ref: str, code: str) -> bool:
        """Whether ``code`` falls under a note reference (``"E10.-"``, ``"E08-E13"``, ``"O24.4-"``, ``"I10"``)."""
        return ref_covers(ref, self.normalize_code(code))

    def excludes1_conflict(self, a: str, b: str) -> bool:
        """True when an Excludes1 note (of ``a`` or its ancestors, or of ``b`` or its ancestors)
        names the other code: the two should never be coded together."""
        a, b = self.normalize_code(a), self.normalize_code(b)
        for x, y in ((a, b), (b, a)):
            for note in self.excludes1(x):
                if any(self.ref_matches(ref, y) for ref in note["refs"]):
                    return True
        return False

    # -- maps ----------------------------------------------------------------------------------
    def map(self, code: str, source: str | None = None, target: str | None = None) -> list[MapTarget]:
        """Targets of ``code`` mapped from ``source`` (default: this ontology's own system) to
        ``target`` (default: any other system).

        ICD-10-CM: ``map("250.00", source="icd9")`` (GEMs ICD-9-CM -> ICD-10-CM) and
        ``map("E11.9", target="icd9")``; SNOMED CT: ``map("44054006")`` -> ICD-10-CM targets.
        """
        src = canonical_system(source, strict=False) if source else self.system
        if src == "ICD-9-CM":
            code = icd9_dotted(code)
        elif src == self.system:
            code = self.normalize_code(code)
        elif src == "ICD-10-CM":
            code = dotted(code)
        sql = ("SELECT source_system, source_code, target_system, target_code, flags, attrs FROM maps "
               "WHERE source_system = ? AND source_code = ?")
        args = [src, code]
        if target:
            sql += " AND target_system = ?"
            args.append(canonical_system(target, strict=False))
        out = []
        for r in self._con.execute(sql + " ORDER BY target_code", args):
            attrs = json.loads(r[5]) if r[5] else {}
            if r[4]:
                attrs.update({k: int(v) for k, v in zip(GEM_FLAGS, r[4])})
            mt = MapTarget(r[0], r[1], r[2], r[3], attrs)
            if mt.target_system == self.system:
                mt.description = self.description(mt.target_code)
            elif mt.target_system == "ICD-10-CM" and (self._resolve or _default_resolve) is not None:
                mt.description = (self._resolve or _default_resolve)("icd10cm").description(mt.target_code)
            out.append(mt)
        return out

    # -- search --------------------------------------------------------------------------------
    def search(self, text: str, limit: int = 10) -> list[SearchHit]:
        """Ranked codes for free text (see :mod:`ontologies.search`)."""
        return _search(self, text, limit=limit)

    def vocabulary(self) -> list[str]:
        """Distinct normalised words of all terms and of the Alphabetic Index (for spelling correction)."""
        if self._vocab is None:
            vocab = {r[0] for r in self._con.execute("SELECT term FROM terms_vocab")}
            if self.index is not None:
                vocab |= self.index.vocabulary()
            self._vocab = sorted(vocab)
            self._vocab_set = frozenset(self._vocab)
        return self._vocab

    def execute(self, sql: str, args: Iterable[Any] = ()) -> sqlite3.Cursor:
        """Run a read-only SQL query on the compiled file (for tools that need more)."""
        return self._con.execute(sql, tuple(args))

