"""A compiled term index: normalised terms -> codes, matched token by token with hash look-ups.

Each term becomes a *key*: its normalised tokens joined by single spaces ("heart failure").
One dict holds every key (value: row + 1) and the one- and two-token prefixes of longer keys
(value: -1); a second dict gives, for a two-token prefix, the length of the longest key that
starts with it.  Matching walks the normalised tokens of a text: a token that starts nothing
costs one look-up; after a known two-token prefix the longer lengths are tried longest first.
(Only one- and two-token prefixes are stored so that an index of a million terms loads fast.)

Why not a character-level Aho-Corasick automaton (pyahocorasick)?  It was measured first: for
the 71,686 ICD-10-CM match terms its saved automaton is 56 MB and takes about 2 s to load;
this index saves to about 10 MB of plain text, loads several times faster and matches faster
than medspaCy's Cython PhraseMatcher-based TargetMatcher (see ``benchmarks/ontology_bench.py``).

Layout of a saved index directory (plain UTF-8 text, one value per line, no pickle)::

    cfg.json       settings (case_sensitive, normalize, min_length), source ontology, term count
    keys.txt       normalised key of each term
    prefixes.txt   one- and two-token prefixes of longer keys that are not keys themselves
    ext_keys.txt, ext_lengths.txt   two-token prefix -> token count of its longest key
    codes.txt      its code
    terms.txt      the term as written in the ontology
    kinds.txt      term kind (description, inclusion, abbreviation, stripped, head, ...)
    exact.txt      one line of 0/1 flags: 1 = the term only matches as written ("MS", "PE")
    pref_codes.txt, pref_terms.txt   code and preferred term (span._.extra["preferred_term"])
"""

from __future__ import annotations

import json
import os
import time
from itertools import compress
from pathlib import Path
from typing import Iterable

from .errors import ONT_INDEX, ontology_error
from .normalize import norm_token, tokenize

INDEX_VERSION = 4
#: Term kinds and the score a match through them gets (others: 1.0).
KIND_SCORE = {"head": 0.8, "head_without": 0.85, "stripped": 0.95, "inverted": 0.9, "rewrite": 0.9,
              "index": 0.9}  # = matcher._KIND_SCORE
_COLUMNS = ("keys", "codes")
_LAZY = ("terms", "kinds")


def term_key(term: str, case_sensitive: bool = False, normalize: bool = True) -> str:
    keys = (norm_token(t, case_sensitive, normalize) for t in tokenize(term))
    return " ".join(k for k in keys if k)


class TermIndex:
    """Normalised term key -> (code, term, kind); see the module doc."""

    def __init__(self, *, case_sensitive: bool = False, normalize: bool = True, min_length: int = 3) -> None:
        self.case_sensitive = case_sensitive
        self.normalize = normalize
        self.min_length = min_length
        self.lookup: dict[str, int] = {}
        self.prefixes: list[str] = []
        self.ext: dict[str, int] = {}
        self.keys: list[str] = []
        self.codes: list[str] = []
        self._terms: list[str] = []
        self._kinds: list[str] = []
        self.exact_case: str = ""  # one "0"/"1" character per term
        self._preferred: dict[str, str] = {}
        self._raw: dict[str, str] = {}  # display columns read by from_disk, split on first use
        self.meta: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self.codes)

    # Display columns (term as written, kind, preferred term) are only needed for the matches a
    # document has: from_disk reads and checks them, and splits them into lists on first use.
    @property
    def terms(self) -> list[str]:
        if "terms" in self._raw:
            self._terms = _lines(self._raw.pop("terms"))
        return self._terms

    @property
    def kinds(self) -> list[str]:
        if "kinds" in self._raw:
            self._kinds = _lines(self._raw.pop("kinds"))
        return self._kinds

    @property
    def preferred(self) -> dict[str, str]:
        if "pref_codes" in self._raw:
            self._preferred = dict(zip(_lines(self._raw.pop("pref_codes")), _lines(self._raw.pop("pref_terms"))))
        return self._preferred

    @property
    def settings(self) -> dict[str, object]:
        return {"case_sensitive": self.case_sensitive, "normalize": self.normalize, "min_length": self.min_length}

    def _compute_prefixes(self) -> None:
        known = set(self.keys)
        prefixes: set[str] = set()
        ext: dict[str, int] = {}
        for key in self.keys:
            parts = key.split(" ", 2)
            if len(parts) >= 2:
                prefixes.add(parts[0])
            if len(parts) == 3:
                two = f"{parts[0]} {parts[1]}"
                prefixes.add(two)
                n = key.count(" ") + 1
                if n > ext.get(two, 0):
                    ext[two] = n
        self.prefixes = sorted(prefixes - known)
        self.ext = ext

    def _finish(self) -> None:
        # values: row + 1 for a key (truthy, so C-level filters can find starts), -1 for a prefix
        lookup = dict.fromkeys(self.prefixes, -1)
        lookup.update(zip(self.keys, range(1, len(self.keys) + 1)))
        self.lookup = lookup

    # -- building ------------------------------------------------------------------------------
    @classmethod
    def build(cls, rows: Iterable[tuple], *, preferred: dict[str, str] | None = None,
              case_sensitive: bool = False, normalize: bool = True, min_length: int = 3,
              meta: dict[str, str] | None = None) -> "TermIndex":
        """Index ``(term, code, kind, exact_case)`` rows (optionally a 5th item: the term's key
        under these settings, when already known); the first row of each key wins."""
        idx = cls(case_sensitive=case_sensitive, normalize=normalize, min_length=min_length)
        seen: set[str] = set()
        exact_flags = []
        for row in rows:
            term, code, kind, exact = row[:4]
            key = row[4] if len(row) > 4 and row[4] else term_key(term, case_sensitive, normalize)
            if (len(key) < min_length and not (exact and len(key) >= 2)) or key in seen:
                continue
            seen.add(key)
            idx.keys.append(key)
            idx.codes.append(code)
            idx._terms.append(term)
            idx._kinds.append(kind)
            exact_flags.append("1" if exact else "0")
        idx.exact_case = "".join(exact_flags)
        idx._compute_prefixes()
        idx._finish()
        idx._preferred = dict(preferred or {})
        idx.meta = dict(meta or {})
        return idx

    @classmethod
    def from_ontology(cls, ont, *, case_sensitive: bool = False, normalize: bool = True, min_length: int = 3,
                      abbreviations: bool = True) -> "TermIndex":
        """The matcher's index for a compiled ontology (its ``best`` terms: one code per term)."""
        from .abbreviations import load_abbreviations

        exact_forms = {a.abbreviation for a in load_abbreviations() if a.case == "upper"}
        any_forms = {a.abbreviation.lower() for a in load_abbreviations() if a.case == "any"}
        default = not case_sensitive and normalize  # keys stored in the ontology file are for these
        rows = []
        preferred: dict[str, str] = {}
        sql = ("SELECT t.key, t.term, t.code, t.kind, c.description FROM terms t JOIN concepts c ON c.code = t.code "
               "WHERE t.best = 1 ORDER BY t.id")
        for key, term, code, kind, desc in ont.execute(sql):
            exact = False
            if kind == "abbreviation":
                if not abbreviations:
                    continue
                exact = term in exact_forms or (term.lower() not in any_forms and len(term) <= 3)
            elif term.isupper() and len(term) <= 5:  # an acronym as a title or inclusion term ("PIN")
                exact = True
            rows.append((term, code, kind, exact, key if default else None))
            preferred[code] = desc
        index = getattr(ont, "index", None)
        if index is not None:  # words only the Alphabetic Index holds ("hives", "lockjaw")
            known = {r[4] if r[4] else term_key(r[0], case_sensitive, normalize) for r in rows}
            for key, term, code in index.match_terms(known):
                concept = ont.get(code)
                if concept is None:
                    continue
                code = concept.code if concept.billable else ont.default_code(concept.code)
                rows.append((term, code, "index", False, key if default else None))
                if code not in preferred:
                    preferred[code] = ont.description(code) or ""
        meta = {"ontology": ont.name, "system": ont.system, "version": ont.version}
        return cls.build(rows, preferred=preferred, case_sensitive=case_sensitive, normalize=normalize,
                         min_length=min_length, meta=meta)

    # -- matching ------------------------------------------------------------------------------
    def match(self, keys: list[str], *, all_matches: bool = False) -> list[tuple[int, int, int]]:
        """``(start, end, row)`` over a list of token keys (end exclusive); the longest match per
        start, or every match with ``all_matches``.  A key that is no term ("|") stops a match."""
        out = []
        get = self.lookup.get
        ext = self.ext
        n = len(keys)
        for i in compress(range(n), map(get, keys)):  # tokens that start a key (C-level scan)
            v = get(keys[i])
            best = (i, i + 1, v - 1) if v > 0 else None
            if i + 1 < n:
                two = keys[i] + " " + keys[i + 1]
                v = get(two)
                if v is not None:
                    if all_matches and best:
                        out.append(best)
                        best = None
                    if v > 0:
                        best = (i, i + 2, v - 1)
                    longer = []
                    for length in range(min(ext.get(two, 0), n - i), 2, -1):
                        v = get(" ".join(keys[i:i + length]))
                        if v is not None and v > 0:
                            longer.append((i, i + length, v - 1))
                            if not all_matches:
                                break
                    if longer:
                        if all_matches:
                            if best:
                                out.append(best)
                            out.extend(reversed(longer))
                            best = None
                        else:
                            best = longer[0]
            if best:
                out.append(best)
        return out

    # -- persistence ---------------------------------------------------------------------------
    def to_disk(self, path: str | os.PathLike[str]) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        cols = {"keys": self.keys, "codes": self.codes, "terms": map(_clean, self.terms), "kinds": self.kinds,
                "prefixes": self.prefixes, "ext_keys": self.ext.keys(), "ext_lengths": map(str, self.ext.values()),
                "pref_codes": self.preferred.keys(),
                "pref_terms": map(_clean, self.preferred.values())}
        for name, values in cols.items():
            (path / f"{name}.txt").write_text("\n".join(values), encoding="utf-8")
        (path / "exact.txt").write_text(self.exact_case, encoding="utf-8")
        cfg = {"version": INDEX_VERSION, **self.settings, "terms": len(self), "meta": self.meta,
               "saved_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        (path / "cfg.json").write_text(json.dumps(cfg, indent=2, sort_keys=True) + "\n", encoding="utf-8")

    @classmethod
    def from_disk(cls, path: str | os.PathLike[str]) -> "TermIndex":
        path = Path(path)
        try:
            cfg = json.loads((path / "cfg.json").read_text(encoding="utf-8"))
            if cfg.get("version") != INDEX_VERSION:
                raise ValueError(f"index version {cfg.get('version')!r}, expected {INDEX_VERSION}")
            idx = cls(case_sensitive=cfg["case_sensitive"], normalize=cfg["normalize"], min_length=cfg["min_length"])
            idx.meta = cfg.get("meta", {})
            cols = {}
            for name in _COLUMNS:
                text = (path / f"{name}.txt").read_text(encoding="utf-8")
                cols[name] = text.split("\n") if text else []
            for name in _LAZY:
                text = idx._raw[name] = (path / f"{name}.txt").read_text(encoding="utf-8")
                cols[name] = range(text.count("\n") + 1 if text else 0)  # row count only, for the check
            if any(len(v) != cfg["terms"] for v in cols.values()):
                raise ValueError(f"columns have {[len(v) for v in cols.values()]} rows, cfg.json says {cfg['terms']}")
            idx.keys, idx.codes = cols["keys"], cols["codes"]
            idx.exact_case = (path / "exact.txt").read_text(encoding="utf-8")
            if len(idx.exact_case) != cfg["terms"] or idx.exact_case.strip("01"):
                raise ValueError("exact.txt is not one 0/1 flag per term")
            extra = {}
            for name in ("prefixes", "ext_keys", "ext_lengths"):
                text = (path / f"{name}.txt").read_text(encoding="utf-8")
                extra[name] = text.split("\n") if text else []
            for name in ("pref_codes", "pref_terms"):
                idx._raw[name] = (path / f"{name}.txt").read_text(encoding="utf-8")
            if idx._raw["pref_codes"].count("\n") != idx._raw["pref_terms"].count("\n"):
                raise ValueError("pref_codes.txt and pref_terms.txt differ in length")
            if len(extra["ext_keys"]) != len(extra["ext_lengths"]):
                raise ValueError("ext_keys.txt and ext_lengths.txt differ in length")
            idx.prefixes = extra["prefixes"]
            idx.ext = dict(zip(extra["ext_keys"], map(int, extra["ext_lengths"])))
        except (OSError, ValueError, KeyError) as exc:
            raise ontology_error(ONT_INDEX, f"term index in {path} is unreadable: {exc}",
                                 "rebuild it (delete the folder and save the pipeline again)", file=path) from exc
        idx._finish()
        return idx


def _lines(text: str) -> list[str]:
    return text.split("\n") if text else []


def _clean(text: str) -> str:
    return text.replace("\t", " ").replace("\n", " ").replace("\r", " ")
