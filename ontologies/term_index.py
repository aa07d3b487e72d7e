"""A compiled term index: normalised terms -> codes, matched token by token with hash look-ups.

Each term becomes a *key*: its normalised tokens joined by single spaces ("heart failure").
Matching walks the normalised tokens of a text; at each token it asks a dict for the longest
term that can start with that token (``first_max``) and tries the spans from longest to
shortest against the key dict -- one dict look-up for the (many) tokens that start no term.

Why not a character-level Aho-Corasick automaton (pyahocorasick)?  It was measured first: for
the 71,686 ICD-10-CM match terms its saved automaton is 56 MB and takes about 2 s to load;
this index saves to about 9 MB of plain text and loads in a fraction of that, and is as fast per
note because clinical terms are short (see ``benchmarks/ontology_bench.py``).

Layout of a saved index directory (plain UTF-8 text, one value per line, no pickle)::

    cfg.json     settings (case_sensitive, normalize, min_length), source ontology, term count
    keys.txt     normalised key of each term
    codes.txt    its code
    terms.txt    the term as written in the ontology
    kinds.txt    term kind (description, inclusion, abbreviation, stripped, head, ...)
    exact.txt    1 when the term only matches as written (capitalised abbreviations), else 0
    preferred.tsv  code <TAB> preferred term (what span._.extra["preferred_term"] shows)
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Iterable

from .errors import ONT_INDEX, ontology_error
from .normalize import norm_token, tokenize

INDEX_VERSION = 2
#: Term kinds and the score a match through them gets (others: 1.0).
KIND_SCORE = {"head": 0.8, "head_without": 0.85, "stripped": 0.95, "inverted": 0.9, "rewrite": 0.9}
_COLUMNS = ("keys", "codes", "terms", "kinds", "exact")


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
        self.first_max: dict[str, int] = {}
        self.keys: list[str] = []
        self.codes: list[str] = []
        self.terms: list[str] = []
        self.kinds: list[str] = []
        self.exact_case: list[bool] = []
        self.preferred: dict[str, str] = {}
        self.meta: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self.codes)

    @property
    def settings(self) -> dict[str, object]:
        return {"case_sensitive": self.case_sensitive, "normalize": self.normalize, "min_length": self.min_length}

    def _finish(self) -> None:
        self.lookup = dict(zip(self.keys, range(len(self.keys))))
        first_max: dict[str, int] = {}
        for key in self.keys:
            head, _, _ = key.partition(" ")
            n = key.count(" ") + 1
            if n > first_max.get(head, 0):
                first_max[head] = n
        self.first_max = first_max

    # -- building ------------------------------------------------------------------------------
    @classmethod
    def build(cls, rows: Iterable[tuple], *, preferred: dict[str, str] | None = None,
              case_sensitive: bool = False, normalize: bool = True, min_length: int = 3,
              meta: dict[str, str] | None = None) -> "TermIndex":
        """Index ``(term, code, kind, exact_case)`` rows (optionally a 5th item: the term's key
        under these settings, when already known); the first row of each key wins."""
        idx = cls(case_sensitive=case_sensitive, normalize=normalize, min_length=min_length)
        seen: set[str] = set()
        for row in rows:
            term, code, kind, exact = row[:4]
            key = row[4] if len(row) > 4 and row[4] else term_key(term, case_sensitive, normalize)
            if (len(key) < min_length and not (exact and len(key) >= 2)) or key in seen:
                continue
            seen.add(key)
            idx.keys.append(key)
            idx.codes.append(code)
            idx.terms.append(term)
            idx.kinds.append(kind)
            idx.exact_case.append(bool(exact))
        idx._finish()
        idx.preferred = dict(preferred or {})
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
        meta = {"ontology": ont.name, "system": ont.system, "version": ont.version}
        return cls.build(rows, preferred=preferred, case_sensitive=case_sensitive, normalize=normalize,
                         min_length=min_length, meta=meta)

    # -- matching ------------------------------------------------------------------------------
    def match(self, keys: list[str], *, all_matches: bool = False) -> list[tuple[int, int, int]]:
        """``(start, end, row)`` over a list of token keys (end exclusive); longest per start
        unless ``all_matches``."""
        out = []
        lookup, first_max = self.lookup, self.first_max
        n = len(keys)
        for i in range(n):
            m = first_max.get(keys[i])
            if not m:
                continue
            for length in range(min(m, n - i), 0, -1):
                row = lookup.get(keys[i] if length == 1 else " ".join(keys[i:i + length]))
                if row is not None:
                    out.append((i, i + length, row))
                    if not all_matches:
                        break
        return out

    # -- persistence ---------------------------------------------------------------------------
    def to_disk(self, path: str | os.PathLike[str]) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        cols = {"keys": self.keys, "codes": self.codes, "terms": map(_clean, self.terms), "kinds": self.kinds,
                "exact": ("1" if e else "0" for e in self.exact_case)}
        for name, values in cols.items():
            (path / f"{name}.txt").write_text("\n".join(values), encoding="utf-8")
        with (path / "preferred.tsv").open("w", encoding="utf-8", newline="\n") as fh:
            for code, pref in self.preferred.items():
                fh.write(f"{code}\t{_clean(pref)}\n")
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
            if any(len(v) != cfg["terms"] for v in cols.values()):
                raise ValueError(f"columns have {[len(v) for v in cols.values()]} rows, cfg.json says {cfg['terms']}")
            idx.keys, idx.codes, idx.terms, idx.kinds = cols["keys"], cols["codes"], cols["terms"], cols["kinds"]
            idx.exact_case = [e == "1" for e in cols["exact"]]
            with (path / "preferred.tsv").open(encoding="utf-8") as fh:
                idx.preferred = dict(line.rstrip("\n").split("\t", 1) for line in fh)
        except (OSError, ValueError, KeyError) as exc:
            raise ontology_error(ONT_INDEX, f"term index in {path} is unreadable: {exc}",
                                 "rebuild it (delete the folder and save the pipeline again)", file=path) from exc
        idx._finish()
        return idx


def _clean(text: str) -> str:
    return text.replace("\t", " ").replace("\n", " ").replace("\r", " ")
