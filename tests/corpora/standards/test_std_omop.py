"""OMOP CDM v5.4 NOTE_NLP export and read-back (issue 11)."""

from __future__ import annotations

import csv
import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from corpora.errors import StandardsError
from corpora.record import ASSERTIONS
from corpora.standards.omop import parse_modifiers, read_note_nlp, write_note_nlp
from corpora.standards.vocab import OmopVocabulary

ROOT = Path(__file__).resolve().parents[3]
VOCAB = ROOT / "tests" / "data" / "standards" / "omop_vocab"
WHEN = "2026-11-23T20:00:00"

# CDM v5.4 NOTE_NLP, transcribed from the OHDSI specification
# (https://ohdsi.github.io/CommonDataModel/cdm54.html#note_nlp): column, datatype, required.
CDM54_NOTE_NLP = [
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
]

TEXT = ("HPI: Patient has type 2 diabetes. No hypertension. Mother had breast cancer. "
        "History of asthma. Rule out pneumonia. If chest pain recurs, return.")


def span(s: str, label: str = "PROBLEM", **kw) -> dict:
    i = TEXT.index(s)
    return {"start": i, "end": i + len(s), "label": label, "text": s, **kw}


def record(id_="note-1", **meta) -> dict:
    return {
        "text": TEXT,
        "meta": {"id": id_, **meta},
        "spans": [
            span("type 2 diabetes", code="E11.9", system="ICD-10-CM", section="hpi", score=0.91,
                 source=["lf_dict", "lf_regex"], kb_id="C0011860"),
            span("hypertension", code="38341003", system="SNOMEDCT_US", negated=True, source="ontology"),
            span("breast cancer", code="C50.919", system="icd10cm", family=True),
            span("asthma", historical=True),
            span("pneumonia", uncertain=True),
            span("chest pain", hypothetical=True),
        ],
    }


def read_csv(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def norm_span(s: dict) -> dict:
    keys = ("start", "end", "label", "text", "code", "system", "section", "score", "source", "kb_id")
    out = {k: s[k] for k in keys if s.get(k) is not None}
    out.update({a: bool(s.get(a)) for a in ASSERTIONS})
    if "system" in out:
        out["system"] = {"SNOMEDCT_US": "SNOMED CT", "icd10cm": "ICD-10-CM"}.get(out["system"], out["system"])
    return out


# --- columns and types against the CDM ----------------------------------------------------------


def test_csv_columns_and_types_follow_cdm54(tmp_path):
    out = tmp_path / "note_nlp.csv"
    n = write_note_nlp([record(), record("note-2")], out, nlp_datetime=WHEN)
    rows = read_csv(out)
    assert n == 2 and len(rows) == 12
    with out.open(encoding="utf-8") as fh:
        assert fh.readline().rstrip("\n").split(",") == [c for c, _, _ in CDM54_NOTE_NLP]
    for row in rows:
        for col, typ, required in CDM54_NOTE_NLP:
            value = row[col]
            if required:
                assert value != "", (col, row)
            if value == "":
                continue
            if typ == "integer":
                assert re.fullmatch(r"-?\d+", value), (col, value)
                assert -(2**63) <= int(value) < 2**63
            elif typ == "date":
                dt.date.fromisoformat(value)
            elif typ == "datetime":
                dt.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
            else:
                assert len(value) <= int(typ[8:-1]), (col, len(value))
        assert row["nlp_system"].startswith("clinlabel ")
        assert row["nlp_date"] == "2026-11-23" and row["nlp_datetime"] == "2026-11-23 20:00:00"
        assert row["term_exists"] in ("Y", "N") and row["term_temporal"] in ("past", "present")
    assert [int(r["note_nlp_id"]) for r in rows] == list(range(1, 13))


def test_parquet_schema_follows_cdm54(tmp_path):
    out = tmp_path / "note_nlp.parquet"
    assert write_note_nlp([record()], out, nlp_datetime=WHEN) == 1
    table = pq.read_table(out)
    assert table.column_names == [c for c, _, _ in CDM54_NOTE_NLP]
    for col, typ, required in CDM54_NOTE_NLP:
        field = table.schema.field(col)
        if typ == "integer":
            assert pa.types.is_integer(field.type), col
        elif typ == "date":
            assert pa.types.is_date(field.type), col
        elif typ == "datetime":
            assert pa.types.is_timestamp(field.type), col
        else:
            assert pa.types.is_string(field.type), col
            assert all(v is None or len(v) <= int(typ[8:-1]) for v in table.column(col).to_pylist())
        if required:
            assert table.column(col).null_count == 0, col
    assert table.column("nlp_date").to_pylist()[0] == dt.date(2026, 11, 23)


# --- assertions -> CDM fields --------------------------------------------------------------------


@pytest.mark.parametrize(
    "assertion, exists, temporal, modifier",
    [
        (None, "Y", "present", None),
        ("negated", "N", "present", "negated=true"),
        ("hypothetical", "N", "present", "hypothetical=true"),
        ("uncertain", "N", "present", "uncertain=true"),
        ("family", "N", "present", "experiencer=family"),
        ("historical", "Y", "past", "historical=true"),
    ],
)
def test_each_assertion_maps_to_cdm_fields(tmp_path, assertion, exists, temporal, modifier):
    sp = span("asthma", **({assertion: True} if assertion else {}))
    out = tmp_path / "n.csv"
    write_note_nlp([{"text": TEXT, "meta": {"id": "5"}, "spans": [sp]}], out)
    (row,) = read_csv(out)
    assert (row["term_exists"], row["term_temporal"]) == (exists, temporal)
    mods = parse_modifiers(row["term_modifiers"])
    for name in ("negated", "hypothetical", "uncertain", "historical"):
        assert (mods.get(name) == "true") == (assertion == name)
    assert (mods.get("experiencer") == "family") == (assertion == "family")
    if modifier:
        assert modifier in row["term_modifiers"].split(",")


def test_negated_family_lists_both_modifiers(tmp_path):
    out = tmp_path / "n.csv"
    sp = span("breast cancer", negated=True, family=True)
    write_note_nlp([{"text": TEXT, "meta": {"id": "5"}, "spans": [sp]}], out)
    (row,) = read_csv(out)
    assert row["term_modifiers"].startswith("negated=true,experiencer=family")
    assert row["term_exists"] == "N"


# --- concept ids -----------------------------------------------------------------------------------


def test_without_vocabulary_concepts_are_zero_and_code_is_kept(tmp_path):
    out = tmp_path / "n.csv"
    write_note_nlp([record()], out)
    rows = {r["lexical_variant"]: r for r in read_csv(out)}
    assert all(r["note_nlp_concept_id"] == "0" and r["note_nlp_source_concept_id"] == "0" for r in rows.values())
    assert "code=ICD-10-CM|E11.9" in rows["type 2 diabetes"]["term_modifiers"].split(",")
    # system spellings are normalised
    assert "code=SNOMED CT|38341003" in rows["hypertension"]["term_modifiers"].split(",")
    assert "code=ICD-10-CM|C50.919" in rows["breast cancer"]["term_modifiers"].split(",")
    assert "code=" not in rows["asthma"]["term_modifiers"]


def test_vocabulary_maps_source_and_standard_concepts(tmp_path):
    out = tmp_path / "n.csv"
    rec = record()
    rec["spans"].append(span("pain", code="Z99.89", system="ICD-10-CM"))  # not in the vocabulary
    write_note_nlp([rec], out, omop_vocab=str(VOCAB))
    rows = {r["lexical_variant"]: r for r in read_csv(out)}
    got = {k: (int(r["note_nlp_source_concept_id"]), int(r["note_nlp_concept_id"])) for k, r in rows.items()}
    # ICD-10-CM E11.9 -> valid source concept (not the deprecated duplicate) -> "Maps to" SNOMED (valid link only)
    assert got["type 2 diabetes"] == (2000000001, 2000000101)
    # a standard SNOMED concept maps to itself
    assert got["hypertension"] == (2000000103, 2000000103)
    assert got["breast cancer"] == (2000000004, 2000000105)
    assert got["pain"] == (0, 0)
    assert got["asthma"] == (0, 0)
    assert "code=ICD-10-CM|Z99.89" in rows["pain"]["term_modifiers"]


def test_vocabulary_lookup_rules():
    vocab = OmopVocabulary.load(VOCAB)
    assert vocab.source_concept_id("SNOMED CT", "73211009") == 2000000106  # upgraded concept
    assert vocab.standard_concept_id("SNOMED CT", "73211009") == 2000000101  # through its Maps to
    assert vocab.standard_concept_id("SNOMEDCT_US", "313436004") == 0  # deprecated, no valid link
    assert vocab.standard_concept_id("RxNorm", "6809") == 2000000301
    assert vocab.source_concept_id("ICD-10-CM", "E11.9") == 2000000001
    assert vocab.source_concept_id("MeSH", "D003924") == 0


# --- round trip ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_round_trip_gives_same_spans_and_assertions(tmp_path, suffix):
    records = [record("note-1"), record("note-2")]
    records[1]["spans"] = records[1]["spans"][::-1][:3]
    out = tmp_path / f"n{suffix}"
    write_note_nlp(records, out, nlp_datetime=WHEN)
    back = list(read_note_nlp(out))
    assert [r["meta"]["id"] for r in back] == ["note-1", "note-2"]
    for orig, got in zip(records, back):
        want = sorted((norm_span(s) for s in orig["spans"]), key=lambda s: (s["start"], s["end"]))
        assert [norm_span(s) for s in got["spans"]] == want
        assert got["meta"]["text_reconstructed"] is True
        for s in got["spans"]:
            assert got["text"][s["start"]:s["end"]] == s["text"]
    # with the notes given, the text is the real one
    back = list(read_note_nlp(out, texts={"note-1": TEXT, "note-2": TEXT}))
    assert back[0]["text"] == TEXT and "text_reconstructed" not in back[0]["meta"]


def test_round_trip_with_texts_file_and_integer_note_ids(tmp_path):
    import json

    rec = record("123")
    notes = tmp_path / "notes.jsonl"
    notes.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    out = tmp_path / "n.csv"
    write_note_nlp([rec], out)
    rows = read_csv(out)
    assert {r["note_id"] for r in rows} == {"123"}
    assert all("note=" not in r["term_modifiers"] for r in rows)
    (back,) = read_note_nlp(out, texts=notes)
    assert back["meta"] == {"id": "123", "note_id": 123}
    assert back["text"] == TEXT
    assert [norm_span(s) for s in back["spans"]] == sorted((norm_span(s) for s in rec["spans"]), key=lambda s: s["start"])


def test_meta_note_id_wins_and_meta_id_is_kept(tmp_path):
    out = tmp_path / "n.csv"
    write_note_nlp([record("mt-9", note_id=42)], out)
    rows = read_csv(out)
    assert {r["note_id"] for r in rows} == {"42"}
    assert all("note=mt-9" in r["term_modifiers"].split(",") for r in rows)
    (back,) = read_note_nlp(out)
    assert back["meta"]["id"] == "mt-9" and back["meta"]["note_id"] == 42


def test_non_integer_note_ids_get_negative_numbers_and_warn(tmp_path, caplog):
    out = tmp_path / "n.csv"
    write_note_nlp([record("a"), record("b"), record("a")], out)
    ids = [int(r["note_id"]) for r in read_csv(out)]
    assert ids == [-1] * 6 + [-2] * 6 + [-1] * 6
    assert "not integers" in caplog.text and "meta.note_id" in caplog.text


def test_note_ids_error_mode_is_located(tmp_path):
    with pytest.raises(StandardsError) as err:
        write_note_nlp([record("7"), record("abc")], tmp_path / "n.csv", note_ids="error", source="in.jsonl")
    assert err.value.code == "CL-STD004"
    assert str(err.value).startswith("in.jsonl:2: note 'abc': note id 'abc' is not an integer")
    assert "meta.note_id" in err.value.fix


def test_modifier_values_are_escaped(tmp_path):
    text = "pain, left=side | a;b % done"
    sp = {"start": 0, "end": 4, "label": "PAIN, ACUTE=1", "text": "pain", "section": "a;b|c%d", "source": "x,y"}
    out = tmp_path / "n.csv"
    write_note_nlp([{"text": text, "meta": {"id": "1"}, "spans": [sp]}], out)
    (back,) = read_note_nlp(out, texts={"1": text})
    got = back["spans"][0]
    assert (got["label"], got["section"], got["source"]) == ("PAIN, ACUTE=1", "a;b|c%d", "x,y")


def test_long_span_is_cut_to_cdm_width_and_end_is_kept(tmp_path):
    text = "Impression: " + "very " * 80 + "long finding."
    sp = {"start": 12, "end": len(text) - 1, "label": "PROBLEM", "text": text[12:-1]}
    out = tmp_path / "n.csv"
    write_note_nlp([{"text": text, "meta": {"id": "1"}, "spans": [sp]}], out)
    (row,) = read_csv(out)
    assert len(row["lexical_variant"]) == 250 and len(row["snippet"]) == 250
    assert f"end={sp['end']}" in row["term_modifiers"].split(",")
    (back,) = read_note_nlp(out, texts={"1": text})
    assert (back["spans"][0]["start"], back["spans"][0]["end"]) == (12, sp["end"])
    assert back["spans"][0]["text"] == sp["text"]


def test_snippet_is_a_window_around_the_term(tmp_path):
    text = "x" * 400 + " asthma " + "y" * 400
    sp = {"start": 401, "end": 407, "label": "PROBLEM", "text": "asthma"}
    out = tmp_path / "n.csv"
    write_note_nlp([{"text": text, "meta": {"id": "1"}, "spans": [sp]}], out)
    (row,) = read_csv(out)
    snippet = row["snippet"]
    assert len(snippet) == 250 and "asthma" in snippet
    i = snippet.index("asthma")
    assert abs(i - (250 - i - 6)) <= 1  # centred


# --- code suggestions -------------------------------------------------------------------------------


def test_code_suggestions_add_rows_without_duplicates(tmp_path):
    rec = record("9")
    d = TEXT.index("type 2 diabetes")
    a = TEXT.index("asthma")
    h = TEXT.index("History")
    rec["codes"] = [
        # cites the coded span with the same code: no new row
        {"code": "E11.9", "system": "ICD-10-CM", "description": "Type 2 diabetes mellitus without complications",
         "status": "confirmed", "score": 0.8, "evidence": [{"start": d, "end": d + 15, "text": "type 2 diabetes"}]},
        # cites the uncoded "asthma" span: the span row carries the code
        {"code": "J45.909", "system": "ICD-10-CM", "description": "Unspecified asthma, uncomplicated",
         "status": "historical", "score": 0.7, "evidence": [{"start": a, "end": a + 6, "text": "asthma"}]},
        # evidence where there is no span: its own row
        {"code": "Z87.09", "system": "ICD-10-CM", "description": "Personal history of other diseases of the respiratory system",
         "status": "historical", "evidence": [{"start": h, "end": h + 17, "text": "History of asthma", "section": "hpi"}]},
        # no evidence at all: a row without offset
        {"code": "I10", "system": "ICD-10-CM", "description": "Essential (primary) hypertension", "status": "negated",
         "evidence": []},
    ]
    out = tmp_path / "n.csv"
    n = write_note_nlp([rec], out, omop_vocab=VOCAB)
    rows = read_csv(out)
    assert n == 1 and len(rows) == 6 + 2
    keys = [(r["offset"], r["lexical_variant"], r["term_modifiers"]) for r in rows]
    assert len({(o, lv) for o, lv, _ in keys}) == len(keys)  # one row per term
    by_text = {r["lexical_variant"]: r for r in rows}
    assert "suggestion=attached" in by_text["asthma"]["term_modifiers"]
    assert "suggestion=cited" in by_text["type 2 diabetes"]["term_modifiers"]
    assert by_text["asthma"]["note_nlp_concept_id"] == "2000000104"
    assert "suggestion=true" in by_text["History of asthma"]["term_modifiers"]
    assert by_text["History of asthma"]["term_temporal"] == "past"
    hyp = by_text["Essential (primary) hypertension"]
    assert hyp["offset"] == "" and hyp["term_exists"] == "N" and hyp["note_nlp_source_concept_id"] == "2000000002"
    (back,) = read_note_nlp(out, texts={"9": TEXT})
    # spans come back as they were (asthma without a code of its own)
    assert [norm_span(s) for s in back["spans"]] == sorted((norm_span(s) for s in rec["spans"]), key=lambda s: s["start"])
    got = {(c["code"], c["status"]): c for c in back["codes"]}
    assert set(got) == {("E11.9", "confirmed"), ("J45.909", "historical"), ("Z87.09", "historical"), ("I10", "negated")}
    # the evidence of a suggestion that cites a span takes the span's section
    assert got[("E11.9", "confirmed")]["evidence"] == [{"start": d, "end": d + 15, "text": "type 2 diabetes",
                                                        "section": "hpi"}]
    assert got[("E11.9", "confirmed")]["description"] == "Type 2 diabetes mellitus without complications"
    assert got[("J45.909", "historical")]["evidence"] == [{"start": a, "end": a + 6, "text": "asthma"}]
    assert got[("J45.909", "historical")]["score"] == 0.7
    assert got[("Z87.09", "historical")]["evidence"][0]["section"] == "hpi"
    assert got[("I10", "negated")]["evidence"] == []


# --- bad input -------------------------------------------------------------------------------------


def test_code_without_system_is_located_and_earlier_rows_stay(tmp_path):
    bad = record("2")
    bad["spans"][1]["system"] = None
    out = tmp_path / "n.csv"
    with pytest.raises(StandardsError) as err:
        write_note_nlp([record("1"), bad], out, source="notes.jsonl")
    assert err.value.code == "CL-STD001"
    assert str(err.value).startswith("notes.jsonl:2: note '2': span 1 has code '38341003' but no \"system\"; add the code system")
    assert len(read_csv(out)) == 6  # the first note's rows are kept


def test_code_suggestion_without_system(tmp_path):
    rec = record("1")
    rec["codes"] = [{"code": "E11.9", "status": "confirmed", "evidence": []}]
    with pytest.raises(StandardsError) as err:
        write_note_nlp([rec], tmp_path / "n.parquet")
    assert err.value.code == "CL-STD001" and "codes[0]" in err.value.what
    assert err.value.file is None and err.value.message.startswith("record 1 (note '1'): codes[0] has code")


@pytest.mark.parametrize("where", ["span", "evidence"])
def test_offsets_outside_the_text(tmp_path, where):
    rec = record("1")
    if where == "span":
        rec["spans"][2]["end"] = len(TEXT) + 5
    else:
        rec["codes"] = [{"code": "E11.9", "system": "ICD-10-CM", "evidence": [{"start": -1, "end": 3}]}]
    out = tmp_path / "n.parquet"
    with pytest.raises(StandardsError) as err:
        write_note_nlp([record("0"), rec], out, source="in.jsonl")
    assert err.value.code == "CL-STD002"
    assert str(err.value).startswith("in.jsonl:2: ")
    assert "outside the text" in err.value.what and "0 <= start <= end <= len(text)" in err.value.fix
    assert pq.read_table(out).num_rows == 6  # rows of the good note were written


def test_vocabulary_with_wrong_columns(tmp_path):
    vocab = tmp_path / "vocab"
    vocab.mkdir()
    (vocab / "CONCEPT.csv").write_text("concept_id,concept_name,vocabulary_id,concept_code\n1,x,ICD10CM,E11.9\n")
    (vocab / "CONCEPT_RELATIONSHIP.csv").write_text((VOCAB / "CONCEPT_RELATIONSHIP.csv").read_text())
    with pytest.raises(StandardsError) as err:
        write_note_nlp([record()], tmp_path / "n.csv", omop_vocab=vocab)
    assert err.value.code == "CL-STD003"
    assert str(err.value).startswith(f"{vocab / 'CONCEPT.csv'}:1: CONCEPT.csv lacks column(s)")
    assert "comma-separated" in err.value.what and "tab-separated" in err.value.fix


def test_vocabulary_relationship_file_wrong_columns_and_missing_folder(tmp_path):
    vocab = tmp_path / "vocab"
    vocab.mkdir()
    (vocab / "CONCEPT.csv").write_text((VOCAB / "CONCEPT.csv").read_text())
    (vocab / "CONCEPT_RELATIONSHIP.csv").write_text("concept_id_1\tconcept_id_2\trelationship\n")
    with pytest.raises(StandardsError) as err:
        OmopVocabulary.load(vocab)
    assert err.value.code == "CL-STD003" and err.value.line == 1
    assert "relationship_id" in err.value.what
    with pytest.raises(StandardsError) as err:
        OmopVocabulary.load(tmp_path / "nope")
    assert err.value.code == "CL-STD003" and "--omop-vocab" in err.value.fix


def test_unsupported_output_extension(tmp_path):
    with pytest.raises(StandardsError) as err:
        write_note_nlp([record()], tmp_path / "n.tsv")
    assert err.value.code == "CL-STD005" and "*.csv or *.parquet" in err.value.fix


def test_reading_a_malformed_note_nlp_is_located(tmp_path):
    good = tmp_path / "n.csv"
    write_note_nlp([record("1")], good)
    rows = read_csv(good)
    rows[2]["note_id"] = "one"
    bad = tmp_path / "bad.csv"
    with bad.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(StandardsError) as err:
        list(read_note_nlp(bad))
    assert err.value.code == "CL-STD006" and err.value.line == 4 and "note_id 'one'" in err.value.what
    tsv = tmp_path / "tab.csv"
    tsv.write_text("note_nlp_id\tnote_id\n1\t2\n", encoding="utf-8")
    with pytest.raises(StandardsError) as err:
        list(read_note_nlp(tsv))
    assert err.value.code == "CL-STD006" and err.value.line == 1 and "tab-separated" in err.value.what


def test_reading_with_wrong_texts_is_an_error(tmp_path):
    out = tmp_path / "n.csv"
    write_note_nlp([record("1")], out)
    with pytest.raises(StandardsError) as err:
        list(read_note_nlp(out, texts={"1": "something else entirely " * 10}))
    assert err.value.code == "CL-STD006" and "is not the note text" in err.value.what


# --- wiring -------------------------------------------------------------------------------------------


def test_plugin_paths_resolve_to_these_functions():
    from clinlabel.plugins import EXTRA_READERS, EXTRA_WRITERS, load

    assert load(EXTRA_WRITERS["omop-note-nlp"]) is write_note_nlp
    assert load(EXTRA_READERS["omop-note-nlp"]) is read_note_nlp


def test_package_imports_cheaply():
    code = ("import sys, corpora.standards; "
            "heavy = [m for m in ('pyarrow', 'fhir.resources', 'pandas', 'torch', 'spacy') if m in sys.modules]; "
            "print(heavy); sys.exit(1 if heavy else 0)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_line_breaks_and_unicode_survive(tmp_path, suffix):
    text = "Dx:\r\nCOPD exacerbation,\n\"severe\"\tfièvre 39°C"
    spans = [{"start": 5, "end": 24, "label": "PROBLEM", "text": text[5:24]},
             {"start": 25, "end": 44, "label": "PROBLEM", "text": text[25:44], "uncertain": True}]
    out = tmp_path / f"n{suffix}"
    write_note_nlp([{"text": text, "meta": {"id": "1"}, "spans": spans}], out)
    (back,) = read_note_nlp(out, texts={"1": text})
    assert [norm_span(s) for s in back["spans"]] == [norm_span(s) for s in spans]


@pytest.mark.parametrize(
    "codes, message",
    [
        ([{"system": "ICD-10-CM", "evidence": []}], "codes[0] has no \"code\""),
        ([{"code": "E11.9", "system": "ICD-10-CM", "status": "maybe"}], "codes[0] has status 'maybe'"),
        ([{"code": "E11.9", "system": "ICD-10-CM", "evidence": ["x"]}], "codes[0].evidence is not a list of objects"),
        (["E11.9"], "codes[0] is not an object"),
    ],
)
def test_malformed_code_suggestions(tmp_path, codes, message):
    rec = record("1")
    rec["codes"] = codes
    with pytest.raises(StandardsError) as err:
        write_note_nlp([rec], tmp_path / "n.csv", source="in.jsonl")
    assert err.value.code == "CL-STD008" and message in err.value.what and err.value.line == 1


def test_reading_note_nlp_from_another_tool(tmp_path):
    """A NOTE_NLP table another NLP system wrote: codes come from concept ids, assertions from its modifiers."""
    header = ",".join(c for c, _, _ in CDM54_NOTE_NLP)
    rows = [
        "1,501,0,,0,diabetes,2000000101,2000000001,cTAKES 4.0,2024-01-02,,Y,present,",
        "2,501,0,,12,hypertension,2000000102,0,cTAKES 4.0,2024-01-02,,N,present,Negation=true",
        "3,501,0,,30,asthma,0,0,cTAKES 4.0,2024-01-02,,N,past,\"Subject=family,Conditional=true\"",
        "4,502,0,,0,COPD,0,0,cTAKES 4.0,2024-01-02,,Y,present,",
    ]
    path = tmp_path / "foreign.csv"
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    first, second = read_note_nlp(path, omop_vocab=VOCAB)
    assert first["meta"] == {"id": "501", "note_id": 501, "text_reconstructed": True}
    d, h, a = first["spans"]
    assert (d["code"], d["system"]) == ("E11.9", "ICD-10-CM")  # from the source concept
    assert (h["code"], h["system"], h["negated"]) == ("59621000", "SNOMED CT", True)  # from the standard concept
    assert "code" not in a and a["family"] and a["hypothetical"] and a["historical"] and not a["negated"]
    assert first["text"][30:36] == "asthma"
    assert second["spans"][0]["text"] == "COPD" and "code" not in second["spans"][0]
    # without the vocabulary the concept ids cannot be turned back into codes
    first, _ = read_note_nlp(path)
    assert all("code" not in s for s in first["spans"])
