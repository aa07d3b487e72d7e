"""Every reader and writer round-trips (small fixtures in tests/data/corpora)."""

from __future__ import annotations

import re

import pytest

from corpora.formats import read_corpus, write_corpus
from corpora.writers._common import safe_name

SOURCES = {
    "prodigy": "notes.jsonl",
    "csv": "notes.csv",
    "txt": "txt_notes",
    "brat": "chia_sample",
    "pubtator": "cdr_sample.PubTator.txt",
    "bioc": "cdr_sample.BioC.xml",
}
OUT_NAMES = {"prodigy": "out.jsonl", "pubtator": "out.pubtator", "bioc": "out.xml", "docbin": "out.spacy",
             "brat": "out_brat", "txt": "out_txt"}
FOLDER_FORMATS = {"brat", "txt"}


def _read(test_data, fmt):
    return list(read_corpus(test_data / "corpora" / SOURCES[fmt]))


def _by_id(records):
    return {r["meta"]["id"]: r for r in records}


# ---------------------------------------------------------------- same format: identical records

@pytest.mark.parametrize(
    "source,fmt",
    [
        ("prodigy", "prodigy"), ("pubtator", "prodigy"), ("brat", "prodigy"),
        ("pubtator", "pubtator"),
        ("bioc", "bioc"), ("pubtator", "bioc"),
        ("brat", "brat"),
        ("txt", "txt"),
        ("prodigy", "docbin"), ("pubtator", "docbin"), ("brat", "docbin"), ("csv", "docbin"),
    ],
)
def test_round_trip_is_lossless(test_data, tmp_path, source, fmt):
    records = _read(test_data, source)
    out = tmp_path / OUT_NAMES[fmt]
    assert write_corpus(records, out, fmt) == len(records)
    back = list(read_corpus(out, fmt))
    assert _by_id(back) == _by_id(records)


def test_unknown_keys_survive(test_data, tmp_path):
    records = _read(test_data, "prodigy")
    assert records[0]["my_top_key"] == ["kept", 1, None]
    for fmt in ("prodigy", "docbin"):
        out = tmp_path / OUT_NAMES[fmt]
        write_corpus(records, out, fmt)
        back = _by_id(read_corpus(out, fmt))["note-1"]
        assert back["my_top_key"] == ["kept", 1, None]
        assert back["answer"] == "accept"
        assert back["spans"][0]["my_span_key"] == {"a": [1, 2]}
        assert back["spans"][0]["source"] == ["lf_negex"] and back["spans"][0]["negated"] is True
        assert back["meta"]["source"] == "hand-written"


# ---------------------------------------------------------------- any source to any writer: what the format can hold

def _norm_text(text: str) -> str:
    return re.sub(r"[\t\r\n]", " ", text)


@pytest.mark.parametrize("source", sorted(SOURCES))
@pytest.mark.parametrize("fmt", sorted(OUT_NAMES))
def test_cross_format_keeps_text_ids_and_spans(test_data, tmp_path, source, fmt):
    records = _read(test_data, source)
    out = tmp_path / OUT_NAMES[fmt]
    write_corpus(records, out, fmt)
    back = _by_id(read_corpus(out, fmt))
    for rec in records:
        rid = safe_name(rec["meta"]["id"]) if fmt in FOLDER_FORMATS else rec["meta"]["id"]
        got = back[rid]
        if fmt == "pubtator":  # PubTator has no line breaks: written as spaces, offsets unchanged
            assert got["text"] == _norm_text(rec["text"])
        else:
            assert got["text"] == rec["text"]
        if fmt == "txt":
            continue
        want = sorted((s["start"], s["end"], s["label"]) for s in rec.get("spans") or [])
        have = sorted((s["start"], s["end"], s["label"]) for s in got.get("spans") or [])
        assert have == want
        for span in got.get("spans") or []:
            assert got["text"][span["start"]:span["end"]] == span["text"]


def test_brat_relations_and_discontinuous_spans_survive_bioc(test_data, tmp_path):
    records = _read(test_data, "brat")
    write_corpus(records, tmp_path / "c.xml", "bioc")
    back = _by_id(read_corpus(tmp_path / "c.xml", "bioc"))
    rec = _by_id(records)["NCT00050349_exc"]
    got = back["NCT00050349_exc"]
    frag = [s for s in got["spans"] if s.get("fragments")]
    assert [s["fragments"] for s in frag].count([[751, 763], [770, 771]]) == 2
    assert {(s["start"], s["end"]) for s in frag} >= {(751, 763), (770, 771)}
    rel = lambda r: sorted((x["label"], x["head_span"]["start"], x["child_span"]["start"]) for x in r["relations"])  # noqa: E731
    assert rel(got) == rel(rec)


def test_gzipped_jsonl_round_trips(test_data, tmp_path):
    import gzip

    records = _read(test_data, "prodigy")
    out = tmp_path / "notes.jsonl.gz"
    assert write_corpus(records, out) == 3
    assert gzip.open(out, "rt", encoding="utf-8").readline().startswith('{"text": "Patient denies')
    assert list(read_corpus(out)) == records
