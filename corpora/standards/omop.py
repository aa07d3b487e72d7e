"""OMOP CDM v5.4 NOTE_NLP: write clinlabel records as NOTE_NLP rows, and read them back.

One row per *finding* (see :mod:`corpora.standards._common`): every span of a record, plus the
evidence of each code suggestion (``record["codes"]``) that no span with the same code already
covers at the same offsets.  So nothing is exported twice and nothing is dropped.

CDM conventions followed (https://ohdsi.github.io/CommonDataModel/cdm54.html#note_nlp):

* ``term_exists`` is ``N`` when the term is negated, hypothetical, uncertain or about someone
  else (``family``), else ``Y``; ``term_temporal`` is ``past`` (historical) or ``present``.
* ``term_modifiers`` lists the modifiers as ``key=value`` pairs joined by commas
  (``negated=true,experiencer=family``), then what NOTE_NLP has no column for, so that reading
  the table back gives the same spans: ``label=``, ``code=SYSTEM|CODE``, ``section=``,
  ``score=``, ``source=`` (``sources=a;b`` for a list), ``kb_id=``, ``note=`` (the record's
  ``meta.id`` when it is not the integer ``note_id``), ``end=`` (only when ``lexical_variant``
  had to be cut to 250 characters).  Code suggestions add ``suggestion=`` with ``status=``,
  ``code_score=`` and ``description=``: ``suggestion=true`` on a row of its own (evidence where
  there is no span; no ``offset`` when the suggestion has no evidence), ``suggestion=cited`` on
  the row of a span with the same code at the same offsets, ``suggestion=attached`` on the row
  of an uncoded span at those offsets (the row's code is the suggestion's; read back, that
  evidence gets the span's section).  In values, ``%``,
  ``,``, ``=``, ``;`` and ``|`` are percent-encoded.
* Concept ids are 0 ("no matching concept") unless an Athena vocabulary is given
  (``omop_vocab``): then ``note_nlp_source_concept_id`` is the code's concept and
  ``note_nlp_concept_id`` the standard concept it "Maps to".  ``section_concept_id`` is 0 (the
  section name is kept in ``term_modifiers``).
* ``note_id`` is an integer in the CDM.  ``meta.note_id`` (else ``meta.id``) is used when it is
  an integer (or a string of digits).  Otherwise, by default (``note_ids="negative"``), notes get
  ``-1, -2, ...`` in order of first appearance (negative so they can never collide with a real
  NOTE row) and the id is kept as ``note=ID``; a warning says how to join properly (set
  ``meta.note_id`` to your NOTE table's ``note_id``).  ``note_ids="error"`` raises instead.
"""

from __future__ import annotations

import csv
import datetime as _dt
import json
import logging
from collections import OrderedDict
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping
from urllib.parse import quote, unquote

from corpora.errors import STD_NOTE_ID, STD_NOTE_NLP, STD_OUTPUT, STD_TOO_LONG

from ._common import Finding, Where, normalise_system, note_id_of, record_findings, records_with_location, std_error

logger = logging.getLogger(__name__)

#: NOTE_NLP in CDM v5.4: (column, CDM datatype, required).
NOTE_NLP_SPEC: tuple[tuple[str, str, bool], ...] = (
    ("note_nlp_id", "integer", True),
    ("note_id", "integer", True),
    ("section_concept_id", "integer", False),
    ("snippet", "varchar(250)", False),
    ("offset", "varchar(50)", False),
    ("lexical_variant", "varchar(250)", True),
    ("note_nlp_concept_id", "integer", False),
    ("note_nlp_source_concept_id", "integer", False),
    ("nlp_system", "varchar(250)", False),
    ("nlp_date", "date", True),
    ("nlp_datetime", "datetime", False),
    ("term_exists", "varchar(1)", False),
    ("term_temporal", "varchar(50)", False),
    ("term_modifiers", "varchar(2000)", False),
)
NOTE_NLP_COLUMNS: tuple[str, ...] = tuple(c for c, _, _ in NOTE_NLP_SPEC)
_VARCHAR = {c: int(t[8:-1]) for c, t, _ in NOTE_NLP_SPEC if t.startswith("varchar")}
SNIPPET_CHARS = _VARCHAR["snippet"]

_ESCAPE_SAFE = " !\"#$&'()*+-./:<>?@[\\]^_`{}~"


def _esc(value: Any) -> str:
    return quote(str(value), safe=_ESCAPE_SAFE)


def nlp_system_name() -> str:
    """``clinlabel <version>`` (the installed distribution's version)."""
    try:
        from importlib.metadata import version

        return f"clinlabel {version('clinlabel')}"
    except Exception:  # pragma: no cover - not installed
        return "clinlabel"


# --- modifiers ---------------------------------------------------------------------------------


def term_exists(assertions: Mapping[str, bool]) -> str:
    """CDM: ``N`` when negated, hypothetical, uncertain or about someone else; else ``Y``."""
    return "N" if any(assertions.get(a) for a in ("negated", "hypothetical", "uncertain", "family")) else "Y"


def term_temporal(assertions: Mapping[str, bool]) -> str:
    return "past" if assertions.get("historical") else "present"


def term_modifiers(f: Finding, *, note: str | None = None, end: int | None = None) -> str:
    """The ``term_modifiers`` string of a finding (see the module docstring for the keys)."""
    parts: list[str] = []
    for name in ("negated", "historical", "hypothetical", "uncertain"):
        if f.assertions.get(name):
            parts.append(f"{name}=true")
    if f.assertions.get("family"):
        parts.append("experiencer=family")
    if f.label is not None and f.origin == "span":
        parts.append(f"label={_esc(f.label)}")
    if f.code:
        parts.append(f"code={_esc(f.system)}|{_esc(f.code)}")
    if f.section is not None:
        parts.append(f"section={_esc(f.section)}")
    if f.score is not None:
        parts.append(f"score={_esc(repr(float(f.score)))}")
    if isinstance(f.source, (list, tuple)):
        parts.append("sources=" + ";".join(_esc(s) for s in f.source))
    elif f.source is not None:
        parts.append(f"source={_esc(f.source)}")
    if f.kb_id not in (None, ""):
        parts.append(f"kb_id={_esc(f.kb_id)}")
    if f.origin == "suggestion" or f.link:
        parts.append("suggestion=" + (f.link or "true"))
        parts.append(f"status={_esc(f.status)}")
        if f.suggestion_score is not None:
            parts.append(f"code_score={_esc(repr(float(f.suggestion_score)))}")
        if f.description:
            parts.append(f"description={_esc(f.description)}")
    if note is not None:
        parts.append(f"note={_esc(note)}")
    if end is not None:
        parts.append(f"end={end}")
    return ",".join(parts)


def parse_modifiers(value: str | None) -> dict[str, str]:
    """``"negated=true,code=ICD-10-CM|E11.9"`` -> ``{"negated": "true", "code": "ICD-10-CM|E11.9"}``.

    Keys are lower-cased; values stay percent-encoded (decode each part with ``unquote``).
    """
    out: dict[str, str] = {}
    for part in (value or "").split(","):
        part = part.strip()
        if not part:
            continue
        key, sep, val = part.partition("=")
        out[key.strip().lower()] = val.strip() if sep else "true"
    return out


# --- writing -----------------------------------------------------------------------------------


def _snippet(text: str, start: int, end: int, width: int = SNIPPET_CHARS) -> str:
    """At most ``width`` characters of ``text`` centred on ``start:end``."""
    if end - start >= width:
        return text[start:start + width]
    room = width - (end - start)
    left = max(0, start - room // 2)
    right = min(len(text), end + (room - (start - left)))
    left = max(0, left - (room - (start - left) - (right - end)))
    return text[left:right]


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


class _NoteIds:
    def __init__(self, mode: str) -> None:
        if mode not in ("negative", "error"):
            raise ValueError(f"note_ids must be 'negative' or 'error', got {mode!r}")
        self.mode = mode
        self.assigned: dict[str, int] = {}

    def __call__(self, record: Mapping[str, Any], where: Where) -> tuple[int, str | None]:
        meta = record.get("meta") or {}
        raw = note_id_of(record)
        if raw is None:
            raise where.error(STD_NOTE_ID, "record has neither meta.note_id nor meta.id",
                              "give each record meta.note_id (the integer NOTE.note_id) or meta.id")
        as_int = _as_int(raw)
        keep = None if meta.get("id") is None or str(meta.get("id")) == str(as_int) else str(meta["id"])
        if as_int is not None:
            return as_int, keep
        if self.mode == "error":
            raise where.error(
                STD_NOTE_ID, f"note id {raw!r} is not an integer (NOTE_NLP.note_id is an integer in the CDM)",
                "set meta.note_id to the integer note_id of your OMOP NOTE table, or export with note_ids='negative'",
            )
        key = str(raw)
        if key not in self.assigned:
            self.assigned[key] = -(len(self.assigned) + 1)
        return self.assigned[key], key


def _rows(records: Iterable[Mapping[str, Any]], *, vocab, note_ids: _NoteIds, source: str | None,
          first_id: int, nlp_datetime: _dt.datetime) -> Iterator[dict[str, Any]]:
    nlp_id = first_id
    system_name = nlp_system_name()
    for record, where in records_with_location(records, source):
        note_id, keep = note_ids(record, where)
        text = record.get("text")
        findings = record_findings(record, where)
        findings.sort(key=lambda f: (f.start is None, f.start or 0, f.end or 0))
        for f in findings:
            end_mod = None
            lexical = f.text
            if len(lexical) > _VARCHAR["lexical_variant"]:
                lexical, end_mod = lexical[: _VARCHAR["lexical_variant"]], f.end
            mods = term_modifiers(f, note=keep, end=end_mod)
            if len(mods) > _VARCHAR["term_modifiers"]:
                raise where.error(
                    STD_TOO_LONG,
                    f"term_modifiers of the finding at {f.start}-{f.end} is {len(mods)} characters (CDM limit 2000)",
                    "shorten the span's label/section/source or the code description",
                )
            source_id = concept_id = 0
            if vocab is not None and f.code:
                source_id = vocab.source_concept_id(f.system, f.code)
                concept_id = vocab.standard_concept_id(f.system, f.code)
            yield {
                "note_nlp_id": nlp_id,
                "note_id": note_id,
                "section_concept_id": 0,
                "snippet": None if f.start is None else _snippet(text, f.start, f.end),
                "offset": None if f.start is None else str(f.start),
                "lexical_variant": lexical,
                "note_nlp_concept_id": concept_id,
                "note_nlp_source_concept_id": source_id,
                "nlp_system": system_name,
                "nlp_date": nlp_datetime.date(),
                "nlp_datetime": nlp_datetime,
                "term_exists": term_exists(f.assertions),
                "term_temporal": term_temporal(f.assertions),
                "term_modifiers": mods,
            }
            nlp_id += 1


def _arrow_schema():
    import pyarrow as pa

    types = {"integer": pa.int64(), "date": pa.date32(), "datetime": pa.timestamp("s")}
    return pa.schema([
        pa.field(c, types.get(t, pa.string()), nullable=not req) for c, t, req in NOTE_NLP_SPEC
    ])


def _parse_datetime(value: Any) -> _dt.datetime:
    if value is None:
        return _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None, microsecond=0)
    if isinstance(value, _dt.datetime):
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, _dt.date):
        return _dt.datetime(value.year, value.month, value.day)
    return _dt.datetime.fromisoformat(str(value)).replace(tzinfo=None, microsecond=0)


def write_note_nlp(records: Iterable[Mapping[str, Any]], out: str | Path, *, omop_vocab=None,
                   note_ids: str = "negative", first_note_nlp_id: int = 1, nlp_datetime=None,
                   source: str | None = None, **options: Any) -> int:
    """Write ``records`` as an OMOP CDM v5.4 NOTE_NLP table; return the number of records (notes).

    The number of rows is logged (a note has one row per finding, none when it has no spans).

    ``out`` ending in ``.csv`` gives a comma-separated file with the CDM's column names (empty
    field = NULL, dates ``YYYY-MM-DD``, datetimes ``YYYY-MM-DD HH:MM:SS``); ``.parquet`` gives
    Parquet with integer/date/timestamp columns.  ``omop_vocab`` is an Athena download folder (or
    an :class:`~corpora.standards.vocab.OmopVocabulary`).  ``nlp_datetime`` (default: now, UTC)
    fixes ``nlp_date``/``nlp_datetime`` for reproducible output.  ``source`` names the input file
    in error messages (records are numbered from 1, the line number for JSONL input).

    Rows are streamed: on a bad record, the rows written so far stay in a valid file and a located
    :class:`~corpora.errors.StandardsError` is raised.
    """
    if options:
        logger.debug("write_note_nlp: ignoring options %s", sorted(options))
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise std_error(STD_OUTPUT, f"cannot tell the NOTE_NLP format from {out.name!r}",
                        "name the output *.csv or *.parquet", file=out)
    vocab = omop_vocab
    if vocab is not None and not hasattr(vocab, "standard_concept_id"):
        from .vocab import OmopVocabulary

        vocab = OmopVocabulary.load(vocab)
    ids = _NoteIds(note_ids)
    out.parent.mkdir(parents=True, exist_ok=True)
    counter = _Counter(records)
    rows = _rows(counter, vocab=vocab, note_ids=ids, source=source, first_id=first_note_nlp_id,
                 nlp_datetime=_parse_datetime(nlp_datetime))
    n_rows = _write_csv(rows, out) if suffix == ".csv" else _write_parquet(rows, out)
    logger.info("wrote %d NOTE_NLP rows for %d notes to %s", n_rows, counter.n, out)
    if ids.assigned:
        logger.warning(
            "%d note id(s) are not integers (e.g. %r): NOTE_NLP.note_id is -1, -2, ... in input order and "
            "each id is kept in term_modifiers as note=ID; set meta.note_id to your NOTE table's note_id to join",
            len(ids.assigned), next(iter(ids.assigned)),
        )
    return counter.n


class _Counter:
    def __init__(self, records: Iterable[Any]) -> None:
        self.records, self.n = records, 0

    def __iter__(self):
        for record in self.records:
            yield record
            self.n += 1


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, _dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value)


def _write_csv(rows: Iterable[dict[str, Any]], out: Path) -> int:
    n = 0
    try:
        fh = out.open("w", encoding="utf-8", newline="")
    except OSError as exc:
        raise std_error(STD_OUTPUT, f"cannot write {out}: {exc.strerror}", "choose a writable output path", file=out) from None
    with fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(NOTE_NLP_COLUMNS)
        for row in rows:
            writer.writerow([_csv_value(row[c]) for c in NOTE_NLP_COLUMNS])
            n += 1
    return n


def _write_parquet(rows: Iterable[dict[str, Any]], out: Path, batch_rows: int = 10_000) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _arrow_schema()
    n, batch = 0, []
    with pq.ParquetWriter(out, schema) as writer:
        try:
            for row in rows:
                batch.append(row)
                if len(batch) >= batch_rows:
                    writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                    n, batch = n + len(batch), []
        finally:  # keep what was read before an error
            if batch:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                n += len(batch)
    return n


# --- reading -----------------------------------------------------------------------------------

_READ_NEED = ("note_id", "offset", "lexical_variant", "term_modifiers")


def _iter_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line, row) pairs; line is the CSV line number (header = 1) or the Parquet row number."""
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        try:
            table = pq.read_table(path)
        except Exception as exc:
            raise std_error(STD_NOTE_NLP, f"cannot read Parquet: {exc}", "pass a NOTE_NLP .parquet or .csv file",
                            file=path) from None
        missing = [c for c in _READ_NEED if c not in table.column_names]
        if missing:
            raise std_error(STD_NOTE_NLP, f"NOTE_NLP lacks column(s) {', '.join(missing)}",
                            f"use the CDM v5.4 NOTE_NLP columns: {', '.join(NOTE_NLP_COLUMNS)}", file=path)
        for i, row in enumerate(table.to_pylist(), start=1):
            yield i, row
        return
    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        header = [h.strip().lower().strip('"') for h in (reader.fieldnames or [])]
        missing = [c for c in _READ_NEED if c not in header]
        if missing:
            hint = " (the file looks tab-separated; write NOTE_NLP CSV comma-separated)" if len(header) == 1 and "\t" in header[0] else ""
            raise std_error(STD_NOTE_NLP, f"NOTE_NLP lacks column(s) {', '.join(missing)}{hint}",
                            f"use the CDM v5.4 NOTE_NLP header: {','.join(NOTE_NLP_COLUMNS)}", file=path, line=1)
        reader.fieldnames = header
        for row in reader:
            yield reader.line_num, {k: (None if v == "" else v) for k, v in row.items()}


def _load_texts(texts: Any) -> Mapping[str, str] | None:
    if texts is None or isinstance(texts, Mapping):
        return texts
    path = Path(texts)
    out: dict[str, str] = {}
    with path.open("r", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                meta = rec.get("meta") or {}
                for key in ("id", "note_id"):
                    if meta.get(key) is not None:
                        out[str(meta[key])] = rec["text"]
    return out


def _flag(mods: Mapping[str, str], *names: str) -> bool:
    return any(unquote(mods.get(n, "")).lower() in ("true", "1", "yes", "y") for n in names)


def read_note_nlp(path: str | Path, *, texts: Any = None, omop_vocab=None, **options: Any) -> Iterator[dict[str, Any]]:
    """Read a NOTE_NLP table (``.csv`` or ``.parquet``) back into records, one per note.

    Spans get ``start``, ``end``, ``text``, the five assertion booleans and whatever
    ``term_modifiers`` carries (``label``, ``code``/``system``, ``section``, ``score``,
    ``source``, ``kb_id``).  Rows marked ``suggestion=true`` become ``record["codes"]`` entries
    (one per system, code and status, with their evidence).  Assertions are also understood in
    other tools' spellings (``negation=true``, ``subject=family``, ``conditional=true``) and
    ``term_temporal=past`` means historical.

    Rows without ``code=`` in ``term_modifiers`` (NOTE_NLP written by other tools) get their code
    from ``note_nlp_source_concept_id`` (else ``note_nlp_concept_id``) when ``omop_vocab`` (an
    Athena folder or :class:`~corpora.standards.vocab.OmopVocabulary`) is given.

    NOTE_NLP does not hold the note text.  ``texts`` (a mapping ``meta.id -> text`` or a JSONL
    file of the original records) supplies it; without it the text is rebuilt from the terms at
    their offsets, padded with spaces, and ``meta.text_reconstructed`` is true.
    """
    path = Path(path)
    if not path.is_file():
        raise std_error(STD_NOTE_NLP, f"NOTE_NLP file {str(path)!r} not found", "check the path", file=path)
    text_by_id = _load_texts(texts)
    vocab = omop_vocab
    if vocab is not None and not hasattr(vocab, "code_of"):
        from .vocab import OmopVocabulary

        vocab = OmopVocabulary.load(vocab)
    notes: OrderedDict[int, dict[str, Any]] = OrderedDict()
    for line, row in _iter_rows(path):
        def bad(what: str, fix: str):
            return std_error(STD_NOTE_NLP, what, fix, file=path, line=line)

        note_id = _as_int(row.get("note_id"))
        if note_id is None:
            raise bad(f"note_id {row.get('note_id')!r} is not an integer", "NOTE_NLP.note_id must be an integer")
        mods = parse_modifiers(row.get("term_modifiers"))
        lexical = row.get("lexical_variant") or ""
        offset = row.get("offset")
        start = None
        if offset not in (None, ""):
            start = _as_int(offset)
            if start is None or start < 0:
                raise bad(f"offset {offset!r} is not a character offset",
                          "offset must be the term's start character (a non-negative integer) or empty")
        end = None if start is None else start + len(lexical)
        if "end" in mods:
            end = _as_int(mods["end"])
            if end is None or start is None or end < start:
                raise bad(f"term_modifiers end={mods['end']!r} is not an offset after {start!r}",
                          "end= must be an integer >= offset")
        assertions = {
            "negated": _flag(mods, "negated", "negation"),
            "historical": _flag(mods, "historical") or (row.get("term_temporal") or "").lower() == "past",
            "hypothetical": _flag(mods, "hypothetical", "conditional"),
            "family": unquote(mods.get("experiencer", mods.get("subject", "patient"))).lower() not in ("patient", ""),
            "uncertain": _flag(mods, "uncertain"),
        }
        code = system = None
        if "code" in mods:
            sys_part, sep, code_part = mods["code"].partition("|")
            if not sep or not code_part:
                raise bad(f"term_modifiers code={mods['code']!r} is not SYSTEM|CODE",
                          "write the code as code=SYSTEM|CODE (e.g. code=ICD-10-CM|E11.9)")
            system, code = normalise_system(unquote(sys_part)), unquote(code_part)
        elif vocab is not None:
            for col in ("note_nlp_source_concept_id", "note_nlp_concept_id"):
                cid = _as_int(row.get(col))
                found = vocab.code_of(cid) if cid else None
                if found:
                    system, code = found
                    break
        note = notes.get(note_id)
        if note is None:
            meta_id = unquote(mods["note"]) if "note" in mods else str(note_id)
            meta: dict[str, Any] = {"id": meta_id}
            if note_id >= 0:
                meta["note_id"] = note_id
            note = notes[note_id] = {"meta": meta, "spans": [], "codes": {}, "_terms": []}
        if start is not None:
            note["_terms"].append((start, lexical, line))
        suggestion = unquote(mods.get("suggestion", "")).lower()
        if suggestion in ("true", "attached", "cited"):
            if code is None:
                raise bad(f"a suggestion={suggestion} row has no code=SYSTEM|CODE",
                          "give code suggestion rows their code")
            status = unquote(mods.get("status", "confirmed"))
            key = (system, code, status)
            sugg = note["codes"].get(key)
            if sugg is None:
                sugg = note["codes"][key] = {"code": code, "system": system, "status": status, "evidence": []}
                if "description" in mods:
                    sugg["description"] = unquote(mods["description"])
                if "code_score" in mods:
                    sugg["score"] = float(unquote(mods["code_score"]))
            if start is not None:
                ev = {"start": start, "end": end, "text": None}
                if "section" in mods:
                    ev["section"] = unquote(mods["section"])
                sugg["evidence"].append(ev)
            if suggestion == "true":
                continue
            if suggestion == "attached":  # the span itself had no code
                code = system = None
        if start is None:
            raise bad("a term row has no offset", "give every term its character offset")
        span: dict[str, Any] = {"start": start, "end": end, "text": lexical}
        if "label" in mods:
            span["label"] = unquote(mods["label"])
        if code is not None:
            span["code"], span["system"] = code, system
        span.update(assertions)
        if "section" in mods:
            span["section"] = unquote(mods["section"])
        if "score" in mods:
            span["score"] = float(unquote(mods["score"]))
        if "source" in mods:
            span["source"] = unquote(mods["source"])
        elif "sources" in mods:
            span["source"] = [unquote(s) for s in mods["sources"].split(";")]
        if "kb_id" in mods:
            span["kb_id"] = unquote(mods["kb_id"])
        note["spans"].append(span)
    for note in notes.values():
        yield _finish(note, text_by_id, path)


def _finish(note: dict[str, Any], text_by_id: Mapping[str, str] | None, path: Path) -> dict[str, Any]:
    meta = note["meta"]
    terms = note.pop("_terms")
    codes = list(note.pop("codes").values())
    text = None
    if text_by_id is not None:
        text = text_by_id.get(meta["id"])
        if text is None and "note_id" in meta:
            text = text_by_id.get(str(meta["note_id"]))
    if text is None:
        length = max((s + len(t) for s, t, _ in terms), default=0)
        for span in note["spans"]:
            length = max(length, span["end"])
        chars = [" "] * length
        for start, lexical, _ in terms:
            chars[start:start + len(lexical)] = lexical
        text = "".join(chars)
        meta["text_reconstructed"] = True
    else:
        for start, lexical, line in terms:
            if text[start:start + len(lexical)] != lexical:
                raise std_error(
                    STD_NOTE_NLP,
                    f"lexical_variant {lexical!r} is not the note text at offset {start} "
                    f"({text[start:start + len(lexical)]!r})",
                    "pass the notes the table was made from (texts=), or fix the offset", file=path, line=line,
                )
    for span in note["spans"]:
        span["text"] = text[span["start"]:span["end"]]
    for sugg in codes:
        for ev in sugg["evidence"]:
            if ev["text"] is None:
                ev["text"] = text[ev["start"]:ev["end"]]
    note["spans"].sort(key=lambda s: (s["start"], s["end"]))
    record = {"text": text, "meta": meta, "spans": note["spans"]}
    if codes:
        record["codes"] = codes
    return record
