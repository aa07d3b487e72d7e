"""Format registry and inference (corpora.formats)."""

from __future__ import annotations

import pytest

from corpora.errors import IO_FORMAT, IO_NOT_FOUND, CorpusError
from corpora.formats import READERS, WRITERS, infer_format, normalize_format, read_corpus, write_corpus


@pytest.mark.parametrize(
    "name,expected",
    [
        ("notes.jsonl", "prodigy"),
        ("notes.csv", "csv"),
        ("txt_notes", "txt"),
        ("chia_sample", "brat"),
        ("cdr_sample.PubTator.txt", "pubtator"),
        ("cdr_sample.BioC.xml", "bioc"),
    ],
)
def test_infer_input_format(test_data, name, expected):
    assert infer_format(test_data / "corpora" / name) == expected


@pytest.mark.parametrize(
    "name,expected",
    [("out.jsonl", "prodigy"), ("out.json", "prodigy"), ("out.spacy", "docbin"), ("out.xml", "bioc"),
     ("out.pubtator", "pubtator"), ("dev.PubTator.txt", "pubtator")],
)
def test_infer_output_format(tmp_path, name, expected):
    assert infer_format(tmp_path / name, writing=True) == expected


def test_ambiguous_input_names_the_from_flag(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("just some words\n", encoding="utf-8")
    with pytest.raises(CorpusError) as exc:
        infer_format(path)
    assert exc.value.code == IO_FORMAT
    assert "--from" in str(exc.value) and "notes.txt" in str(exc.value)


def test_ambiguous_output_names_the_to_flag(tmp_path):
    with pytest.raises(CorpusError) as exc:
        infer_format(tmp_path / "out_folder", writing=True)
    assert exc.value.code == IO_FORMAT and "--to" in str(exc.value)


def test_xml_without_collection_is_not_bioc(tmp_path):
    path = tmp_path / "other.xml"
    path.write_text("<root><a/></root>", encoding="utf-8")
    with pytest.raises(CorpusError, match="--from"):
        infer_format(path)


def test_unknown_format_and_aliases():
    assert normalize_format("JSONL") == "prodigy"
    assert normalize_format("spacy", writing=True) == "docbin"
    with pytest.raises(CorpusError) as exc:
        normalize_format("excel")
    assert exc.value.code == IO_FORMAT and "prodigy" in str(exc.value)
    with pytest.raises(CorpusError, match="--to"):
        normalize_format("csv", writing=True)  # csv is read-only


def test_read_corpus_checks_path_eagerly(tmp_path):
    # raised at call time, before any consumer opens its output
    with pytest.raises(CorpusError) as exc:
        read_corpus(tmp_path / "missing.jsonl")
    assert exc.value.code == IO_NOT_FOUND
    with pytest.raises(CorpusError):
        read_corpus(tmp_path / "missing.jsonl", "prodigy")


def test_registries_are_complete_and_lazy():
    exchange = {"label-studio", "doccano", "xmi", "conll"}
    assert set(READERS) == {"prodigy", "txt", "csv", "pubtator", "bioc", "brat", "docbin"} | exchange
    assert set(WRITERS) == {"prodigy", "txt", "pubtator", "bioc", "brat", "docbin"} | exchange
    assert callable(READERS["pubtator"]) and callable(WRITERS["prodigy"])


def test_write_corpus_infers_from_extension(tmp_path):
    n = write_corpus([{"text": "a b", "meta": {"id": "x"}}], tmp_path / "o.jsonl")
    assert n == 1
    assert [r["meta"]["id"] for r in read_corpus(tmp_path / "o.jsonl")] == ["x"]
