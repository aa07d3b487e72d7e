"""Reader behaviour: ids, conventions per format, streaming and closed files."""

from __future__ import annotations

import json
import os
import tracemalloc

import pytest

from corpora.errors import CorpusError
from corpora.formats import read_corpus, write_corpus


# ---------------------------------------------------------------- Prodigy JSONL

def test_prodigy_ids_assigned_and_stringified(tmp_path):
    src = tmp_path / "batch.jsonl"
    src.write_text('{"text": "a"}\n\n{"text": "b", "meta": {"id": 7}}\n', encoding="utf-8")
    assert [r["meta"]["id"] for r in read_corpus(src)] == ["batch:1", "7"]


def test_prodigy_json_array(tmp_path):
    src = tmp_path / "tasks.json"
    src.write_text(json.dumps([{"text": "a", "meta": {"id": "x"}}, {"text": "b"}]), encoding="utf-8")
    assert [r["meta"]["id"] for r in read_corpus(src)] == ["x", "tasks:2"]


def test_errors_are_raised_lazily_after_earlier_records(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "a"}\n{"text": "b"}\nnot json\n', encoding="utf-8")
    it = read_corpus(src)
    assert next(it)["text"] == "a" and next(it)["text"] == "b"
    with pytest.raises(CorpusError, match=r"in\.jsonl:3: malformed JSON"):
        next(it)


def _open_fds_to(path) -> int:
    target = os.path.realpath(path)
    n = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.path.realpath(os.readlink(f"/proc/self/fd/{fd}")) == target:
                n += 1
        except OSError:
            pass
    return n


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
@pytest.mark.parametrize("name", ["notes.jsonl", "notes.csv", "cdr_sample.PubTator.txt", "cdr_sample.BioC.xml"])
def test_file_handles_are_closed(test_data, name):
    path = test_data / "corpora" / name
    list(read_corpus(path))
    assert _open_fds_to(path) == 0
    it = read_corpus(path)
    next(it)
    assert _open_fds_to(path) == 1
    it.close()  # a consumer that stops early
    assert _open_fds_to(path) == 0


def _peak_bytes(records) -> int:
    tracemalloc.start()
    try:
        for _ in records:
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("fmt", ["prodigy", "pubtator", "bioc"])
def test_streaming_memory_does_not_grow_with_the_corpus(tmp_path, fmt):
    text = "Fever and cough. " * 600  # ~10 kB per note
    records = [{"text": text, "meta": {"id": f"{i}"}, "spans": [{"start": 0, "end": 5, "label": "X", "text": "Fever"}]}
               for i in range(1500)]
    out = tmp_path / {"prodigy": "big.jsonl", "pubtator": "big.pubtator", "bioc": "big.xml"}[fmt]
    write_corpus(iter(records), out, fmt)
    del records
    size = out.stat().st_size
    assert size > 15_000_000
    peak = _peak_bytes(read_corpus(out, fmt))
    assert peak < size / 10, f"peak {peak} bytes while reading a {size}-byte file"


# ---------------------------------------------------------------- txt and CSV

def test_txt_folder_sorted_ids_and_exact_text(test_data):
    records = list(read_corpus(test_data / "corpora" / "txt_notes"))
    assert [r["meta"]["id"] for r in records] == ["a_note", "b_note"]
    assert records[0]["text"] == "Another note\r\nwith CRLF.\r\n"


def test_csv_meta_and_multiline_fields(test_data, tmp_path):
    records = list(read_corpus(test_data / "corpora" / "notes.csv"))
    assert records[1] == {"text": 'Line one\nline two, with "quotes".', "meta": {"id": "a2", "specialty": "Neurology"}}
    src = tmp_path / "n.csv"
    src.write_text('body,id,extra\n"two\nlines",,x\nthird,,y\n', encoding="utf-8")
    got = list(read_corpus(src, text_col="body"))
    assert [r["meta"]["id"] for r in got] == ["n:2", "n:4"]  # the line each row starts on
    assert got[0]["meta"]["extra"] == "x"


# ---------------------------------------------------------------- PubTator and BioC conventions

def test_pubtator_conventions(test_data):
    recs = {r["meta"]["id"]: r for r in read_corpus(test_data / "corpora" / "cdr_sample.PubTator.txt")}
    r = recs["2234245"]
    comp = r["spans"][0]
    assert comp["kb_id"] == "D014786|D006311" and comp["composite_mentions"] == ["Ocular toxicity", "auditory toxicity"]
    assert r["text"].startswith("Ocular and auditory toxicity") and r["text"][80] == " "
    first = recs["227508"]
    rel = first["relations"][0]
    assert rel == {"label": "CID", "head_kb_id": "D008750", "child_kb_id": "D007022",
                   "head_span": {"start": 306, "end": 322, "label": "Chemical", "kb_id": "D008750"},
                   "child_span": {"start": 274, "end": 285, "label": "Disease", "kb_id": "D007022"}}
    assert first["spans"][4]["kb_id"] == "-1"


def test_pubtator_without_abstract_and_unresolved_relation(tmp_path):
    src = tmp_path / "x.pubtator"
    src.write_text("1|t|Aspirin.\n1|a|\n1\t0\t7\tAspirin\tChemical\tD1\n1\tCID\tD1\tD404\n\n", encoding="utf-8")
    (rec,) = read_corpus(src)
    assert rec["text"] == "Aspirin." and rec["meta"]["passages"] == [{"type": "title", "start": 0, "end": 8}]
    assert rec["relations"][0]["child_span"] is None and rec["relations"][0]["head_span"]["start"] == 0
    write_corpus([rec], tmp_path / "y.pubtator", "pubtator")
    assert list(read_corpus(tmp_path / "y.pubtator")) == [rec]


BIOC_GENERIC = """<?xml version='1.0' encoding='UTF-8'?>
<collection><source>x</source><date>d</date><key>k</key>
<document><id>doc1</id><infon key="year">2020</infon>
<passage><infon key="type">title</infon><offset>0</offset><text>Aspirin helps.</text>
<annotation id="A1"><infon key="type">Chemical</infon><infon key="identifier">D1</infon><infon key="note">n</infon>
<location offset="0" length="7"/><text>Aspirin</text></annotation></passage>
<passage><infon key="type">abstract</infon><offset>0</offset><text>Low dose aspirin.</text>
<annotation id="A2"><infon key="type">Dose</infon><location offset="0" length="3"/><location offset="9" length="7"/><text>Low aspirin</text></annotation>
</passage>
<relation id="R1"><infon key="type">has_dose</infon><node refid="A1" role="drug"/><node refid="A2" role="dose"/></relation>
</document></collection>
"""


def test_bioc_passage_relative_offsets_nodes_and_fragments(tmp_path):
    src = tmp_path / "g.xml"
    src.write_text(BIOC_GENERIC, encoding="utf-8")
    (rec,) = read_corpus(src)
    assert rec["text"] == "Aspirin helps. Low dose aspirin."
    assert rec["meta"] == {"id": "doc1", "infons": {"year": "2020"}, "passages": [
        {"type": "title", "start": 0, "end": 14}, {"type": "abstract", "start": 15, "end": 32, "bioc_offset": 0}]}
    a1, f1, f2 = rec["spans"]
    assert a1 == {"start": 0, "end": 7, "label": "Chemical", "text": "Aspirin", "kb_id": "D1", "infons": {"note": "n"}}
    assert (f1["text"], f2["text"]) == ("Low", "aspirin") and f1["fragments"] == [[15, 18], [24, 31]] == f2["fragments"]
    rel = rec["relations"][0]
    assert (rel["label"], rel["head_role"], rel["child_role"]) == ("has_dose", "drug", "dose")
    assert rel["head_span"]["start"] == 0 and rel["child_span"]["start"] == 15


# ---------------------------------------------------------------- brat conventions

def test_brat_conventions(tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    text = "No chest pain.\r\nMother: diabetes and\r\nhypertension.\n"
    (folder / "n1.txt").write_bytes(text.encode("utf-8"))
    ann = [
        "T1\tProblem 3 13\tchest pain",
        "T2\tProblem 24 32;38 50\tdiabetes hypertension",
        "T3\tProblem 24 50\tdiabetes and",
        "hypertension",
        "A1\tNegated T1",
        "A2\tSeverity T2 High",
        "R1\tRelated Arg1:T1 Arg2:T2\t",
        "#1\tAnnotatorNotes T1\tcheck this",
        "N1\tReference T1 UMLS:C0008031\tChest pain",
        "*\tEquiv T2 T3",
        "E1\tEvent:T3",
        "",
    ]
    (folder / "n1.ann").write_text("\n".join(ann), encoding="utf-8")
    (rec,) = read_corpus(folder)
    t1, t2a, t2b, t3 = rec["spans"]
    assert t1 == {"start": 3, "end": 13, "label": "Problem", "text": "chest pain", "brat_id": "T1",
                  "attributes": {"Negated": True}, "negated": True, "notes": ["check this"],
                  "brat_norms": [["UMLS:C0008031", "Chest pain"]], "kb_id": "UMLS:C0008031"}
    assert t2a["fragments"] == t2b["fragments"] == [[24, 32], [38, 50]] and t2a["attributes"] == {"Severity": "High"}
    assert t3["text"] == "diabetes and\r\nhypertension"  # annotated text over a line break (two .ann lines)
    assert rec["relations"][0]["head_span"]["brat_id"] == "T1" and rec["relations"][0]["child_span"]["brat_id"] == "T2"
    assert rec["brat_equivs"] == [{"label": "Equiv", "ids": ["T2", "T3"]}]
    assert rec["brat_lines"] == ["E1\tEvent:T3"]
    write_corpus([rec], tmp_path / "out", "brat")
    assert list(read_corpus(tmp_path / "out")) == [rec]


def test_brat_txt_without_ann_has_no_spans(tmp_path):
    (tmp_path / "a.txt").write_text("plain", encoding="utf-8")
    (tmp_path / "b.ann").write_text("", encoding="utf-8")
    (tmp_path / "b.txt").write_text("other", encoding="utf-8")
    assert [r["spans"] for r in read_corpus(tmp_path, "brat")] == [[], []]


# ---------------------------------------------------------------- DocBin written by spaCy itself

def test_foreign_docbin_uses_ents(tmp_path, nlp):
    from spacy.tokens import DocBin

    doc = nlp("Aspirin helps headache.")
    doc.ents = [doc.char_span(0, 7, label="DRUG", kb_id="D1")]
    DocBin(docs=[doc]).to_disk(tmp_path / "x.spacy")
    (rec,) = read_corpus(tmp_path / "x.spacy")
    assert rec["meta"]["id"] == "x:1"
    assert rec["spans"] == [{"start": 0, "end": 7, "label": "DRUG", "text": "Aspirin", "token_start": 0,
                             "token_end": 0, "kb_id": "D1"}]


def test_docbin_keeps_tokens_and_spans_for_spacy_users(test_data, tmp_path):
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    from corpora.doc import SPAN_KEY

    records = list(read_corpus(test_data / "corpora" / "notes.jsonl"))
    write_corpus(records, tmp_path / "n.spacy", "docbin")
    docs = list(DocBin().from_disk(tmp_path / "n.spacy").get_docs(Vocab()))
    assert [(s.start_char, s.end_char, s.label_) for s in docs[0].spans[SPAN_KEY]] == [(15, 25, "PROBLEM"), (38, 55, "PROBLEM")]


@pytest.mark.parametrize("name,content", [
    ("n.tsv", "id\ttext\nx1\tFever, cough.\n"),
    ("n.csv", "id;text\nx1;Fever, cough.\n"),
])
def test_csv_delimiter_is_sniffed(tmp_path, name, content):
    src = tmp_path / name
    src.write_text(content, encoding="utf-8")
    assert list(read_corpus(src)) == [{"text": "Fever, cough.", "meta": {"id": "x1"}}]


def test_bioc_annotation_without_text_is_accepted(tmp_path):
    src = tmp_path / "g.xml"
    src.write_text("<collection><document><id>1</id><passage><offset>0</offset><text>Aspirin.</text>"
                   "<annotation id='a'><infon key='type'>Chemical</infon><location offset='0' length='7'/></annotation>"
                   "</passage></document></collection>", encoding="utf-8")
    (rec,) = read_corpus(src)
    assert rec["spans"] == [{"start": 0, "end": 7, "label": "Chemical", "text": "Aspirin"}]


def test_brat_sub_folders(tmp_path):
    (tmp_path / "train" / "a").mkdir(parents=True)
    (tmp_path / "train" / "a" / "n1.txt").write_text("Fever.", encoding="utf-8")
    (tmp_path / "train" / "a" / "n1.ann").write_text("T1\tProblem 0 5\tFever\n", encoding="utf-8")
    (tmp_path / "top.txt").write_text("Cough.", encoding="utf-8")
    recs = list(read_corpus(tmp_path))
    assert [r["meta"]["id"] for r in recs] == ["top", "train/a/n1"]
    assert recs[1]["spans"][0]["text"] == "Fever"


def test_pubtator_documents_without_blank_lines(tmp_path):
    src = tmp_path / "x.txt"
    src.write_text("1|t|A b.\r\n1|a|C d.\r\n1\t0\t1\tA\tX\tK1\r\n2|t|E.\r\n2|a|F.\r\n", encoding="utf-8")
    recs = list(read_corpus(src))
    assert [(r["meta"]["id"], r["text"]) for r in recs] == [("1", "A b. C d."), ("2", "E. F.")]
    assert recs[0]["spans"] == [{"start": 0, "end": 1, "label": "X", "text": "A", "kb_id": "K1"}]
