"""Free-text search over a compiled ontology, ranked the way a coder looks a condition up.

1. The query is tokenised and normalised like every term (case, accents, plurals).
2. Clinical abbreviations from the shipped list are expanded ("chf" -> "congestive heart
   failure"); the original reading is scored too and the better one wins.
3. Words unknown to the terminology are corrected to the closest known word with
   :mod:`rapidfuzz` (``fuzz.ratio`` >= 80; "pnuemonia" -> "pneumonia").
4. Candidates come from the FTS5 index (all words, then any word, best BM25 first) and from the
   Alphabetic Index, when the ontology has one (entries whose path holds the words: "hives" ->
   "Hives, see Urticaria" -> L50.9; a code printed with a dash goes to its default child).
5. Each candidate term is scored on bag-of-words overlap, so word order does not matter:
   ``0.65 * (query words found) + 0.35 * (term words used)``, plus 0.1 when the whole phrase is
   equal, times 0.95 per corrected word and 0.9 for a head phrase cut from a longer title; filler
   words ("unspecified", "with", "NOS") do not count.  Reported scores are divided by 1.1 (0..1).
   A code scores its best term; ties go to billable codes, then to shallower, then shorter codes --
   so "heart failure" gives I50.9 (billable, "unspecified") before the category I50.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .normalize import STOPWORDS, norm_phrase, norm_token, tokenize

if TYPE_CHECKING:  # pragma: no cover
    from .store import Ontology


@dataclass
class SearchHit:
    """One result of :meth:`Ontology.search <ontologies.store.Ontology.search>` (``term`` is the
    term that scored best: a title, synonym, variant or an Alphabetic Index entry)."""

    code: str
    description: str
    score: float
    term: str
    billable: bool = False

_CODE_LIKE = re.compile(r"^\s*([A-Za-z]\d[0-9A-Za-z](?:\.?[0-9A-Za-z]{1,4})?|\d{3,18}|C\d{7})\s*$")
_CANDIDATES = 3000


def _fts_quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _readings(ont: "Ontology", text: str) -> list[tuple[list[str], float]]:
    """Query readings as (keys, weight): as typed, and with abbreviations expanded."""
    from .abbreviations import abbreviation_map

    raw = [t for t in tokenize(text) if norm_token(t)]
    keys = [norm_token(t) for t in raw]
    readings = [(keys, 1.0)]
    abbrevs = abbreviation_map()
    expanded: list[str] = []
    changed = False
    i = 0
    while i < len(raw):
        two = f"{raw[i]} {raw[i + 1]}".lower() if i + 1 < len(raw) else None
        if two and two in abbrevs:
            expanded.extend(norm_phrase(abbrevs[two][0].expansion).split())
            changed, i = True, i + 2
            continue
        hit = abbrevs.get(raw[i].lower())
        if hit:
            expanded.extend(norm_phrase(hit[0].expansion).split())
            changed = True
        else:
            expanded.append(keys[i])
        i += 1
    if changed:
        readings.append((expanded, 0.98))
    return readings


def _correct(ont: "Ontology", keys: list[str]) -> tuple[list[str], int]:
    from rapidfuzz import fuzz, process

    vocab = ont.vocabulary()
    known = ont._vocab_set or frozenset()
    out, fixes = [], 0
    for key in keys:
        if key in known or key in STOPWORDS or key.isdigit() or len(key) < 4:
            out.append(key)
            continue
        best = process.extractOne(key, vocab, scorer=fuzz.ratio, score_cutoff=80)
        if best is None:
            out.append(key)
        else:
            out.append(best[0])
            fixes += 1
    return out, fixes


def _candidates(ont: "Ontology", keys: list[str]) -> dict[int, tuple[str, str, str, float]]:
    words = [k for k in dict.fromkeys(keys) if k not in STOPWORDS] or list(dict.fromkeys(keys))
    if not words:
        return {}
    rows: dict[int, tuple[str, str, str, float]] = {}
    queries = [" AND ".join(map(_fts_quote, words))]
    if len(words) > 1:
        queries.append(" OR ".join(map(_fts_quote, words)))
    for q in queries:
        sql = ("SELECT t.id, t.code, t.term, t.kind, t.rank FROM terms_fts f JOIN terms t ON t.id = f.rowid "
               "WHERE terms_fts MATCH ? ORDER BY bm25(terms_fts) LIMIT ?")
        for rid, code, term, kind, rank in ont.execute(sql, (q, _CANDIDATES)):
            rows.setdefault(rid, (code, term, kind, rank))
        if len(rows) >= 200:
            break
    return rows


def _index_candidates(ont: "Ontology", keys: list[str]) -> list[tuple[str, str, str, float]]:
    """Alphabetic Index entries as candidates: the path as the term ("Bursitis, prepatellar"),
    the code it leads to (a code the Index prints with a dash goes to its default billable
    child: "M70.4-" -> M70.40)."""
    index = getattr(ont, "index", None)
    if index is None:
        return []
    out = []
    for _, path, code, _ in index.search_rows([k for k in keys if k not in STOPWORDS] or keys):
        concept = ont.get(code)
        if concept is None:
            continue
        if not concept.billable:
            code = ont.default_code(code)
        out.append((code, path.replace(",", " "), "index", 1.0))
    return out


#: Filler words for scoring; unlike in :data:`~ontologies.normalize.STOPWORDS`, "other" counts
#: (a bare "heart failure" is not "Other heart failure").
_FILLER = STOPWORDS - {"other"}
#: Term kinds that say more than the query did (a head phrase of a longer title).
_LOOSE = {"head": 0.9, "head_without": 0.95}


def _score(q_keys: list[str], t_keys: list[str]) -> float:
    qc = {k for k in q_keys if k not in _FILLER} or set(q_keys)
    tc = {k for k in t_keys if k not in _FILLER} or set(t_keys)
    matched = len(qc & tc)
    if not matched:
        return 0.0
    score = 0.65 * matched / len(qc) + 0.35 * matched / len(tc)
    if " ".join(k for k in q_keys if k not in _FILLER) == " ".join(k for k in t_keys if k not in _FILLER):
        score += 0.1
    return score


def search(ont: "Ontology", text: str, *, limit: int = 10) -> list[SearchHit]:
    """Ranked :class:`SearchHit` list for ``text`` (at most ``limit``)."""
    if limit <= 0:
        return []
    best: dict[str, tuple[float, str]] = {}
    m = _CODE_LIKE.match(text)
    if m and ont.get(m.group(1)) is not None:  # a code typed as the query
        c = ont.get(m.group(1))
        best[c.code] = (1.2, c.description)
    for keys, weight in _readings(ont, text):
        if not keys:
            continue
        fixed, fixes = _correct(ont, keys)
        factor = weight * (0.95 ** fixes)
        for code, term, kind, rank in [*_candidates(ont, fixed).values(), *_index_candidates(ont, fixed)]:
            s = _score(fixed, norm_phrase(term).split()) * factor * _LOOSE.get(kind, 1.0)
            s -= 0.002 * rank  # among equal matches a title beats a variant, billable beats not
            if s > best.get(code, (0.0, ""))[0]:
                best[code] = (s, term)
    if not best:
        return []
    codes = list(best)
    info = {}
    for i in range(0, len(codes), 500):
        chunk = codes[i:i + 500]
        sql = f"SELECT code, description, billable, depth, kind, parent FROM concepts WHERE code IN ({','.join('?' * len(chunk))})"
        for code, desc, billable, depth, kind, parent in ont.execute(sql, chunk):
            info[code] = (desc, bool(billable), depth or 0)
    ranked = sorted(
        best.items(),
        key=lambda kv: (-round(kv[1][0], 6), not info.get(kv[0], ("", False, 0))[1], info.get(kv[0], ("", False, 0))[2], len(kv[0]), kv[0]),
    )
    out = []
    for code, (score, term) in ranked[:limit]:
        desc, billable, _ = info.get(code, (term, False, 0))
        out.append(SearchHit(code, desc, round(min(score / 1.1, 1.0), 4), term, billable))
    return out
