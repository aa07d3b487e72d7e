"""Each bad input gives exit code 2 and one located message ``FILE:LINE: what; fix``, losing nothing."""

from __future__ import annotations

import json

import pytest

from clinlabel.cli import main
from corpora.formats import read_corpus

GOOD = {"text": "Patient has fever.", "meta": {"id": "n1"}}


def _jsonl(path, *lines):
    path.write_bytes(b"".join((ln if isinstance(ln, bytes) else ln.encode("utf-8")) + b"\n" for ln in lines))
    return path


def _convert(capsys, *args):
    code = main(["convert", *map(str, args), "--no-progress"])
    err = capsys.readouterr().err
    return code, err


def _records(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_malformed_jsonl_line_2_keeps_line_1(tmp_path, capsys):
    src = _jsonl(tmp_path / "in.jsonl", json.dumps(GOOD), '{"text": "broken', json.dumps({"text": "x", "meta": {"id": "n3"}}))
    out = tmp_path / "out.jsonl"
    code, err = _convert(capsys, src, "-o", out)
    assert code == 2
    assert f"{src}:2: malformed JSON" in err and ";" in err
    assert _records(out) == [GOOD]  # what came before the bad line is on disk, complete


def test_skip_invalid_logs_and_goes_on(tmp_path, capsys):
    src = _jsonl(tmp_path / "in.jsonl", json.dumps(GOOD), '{"text": "broken', json.dumps({"text": "x", "meta": {"id": "n3"}}))
    out = tmp_path / "out.jsonl"
    code, err = _convert(capsys, src, "-o", out, "--skip-invalid")
    assert code == 0
    assert [r["meta"]["id"] for r in _records(out)] == ["n1", "n3"]


@pytest.mark.parametrize(
    "lines,line_no,needle",
    [
        ([json.dumps(GOOD), json.dumps({"meta": {"id": "n2"}})], 2, 'no "text" key'),
        ([json.dumps(GOOD), json.dumps({"text": 5})], 2, '"text" is int'),
        ([json.dumps(GOOD), b'{"text": "caf\xe9"}'], 2, "not valid UTF-8"),
        ([json.dumps(GOOD), json.dumps({"text": "a"}), json.dumps({"text": "b", "meta": {"id": "n1"}})], 3, "duplicate meta.id 'n1'"),
        ([json.dumps({"text": "abc", "spans": [{"start": 0, "end": 2, "label": "X", "text": "bc"}]})], 1, "span 0's \"text\" (2 characters) differs"),
        ([json.dumps(GOOD), "[1, 2]"], 2, "expected a JSON object"),
    ],
    ids=["missing-text", "text-not-string", "non-utf8", "duplicate-id", "span-offsets", "not-an-object"],
)
def test_bad_jsonl_record(tmp_path, capsys, lines, line_no, needle):
    src = _jsonl(tmp_path / "in.jsonl", *lines)
    out = tmp_path / "out.jsonl"
    code, err = _convert(capsys, src, "-o", out)
    assert code == 2
    assert f"{src}:{line_no}: " in err and needle in err
    assert len(_records(out)) == line_no - 1


def test_empty_file(tmp_path, capsys):
    src = tmp_path / "empty.jsonl"
    src.write_bytes(b"")
    code, err = _convert(capsys, src, "-o", tmp_path / "o.jsonl")
    assert code == 2 and f"{src}: " in err and "no records" in err


def test_blank_lines_only_is_empty(tmp_path):
    src = tmp_path / "blank.jsonl"
    src.write_text("\n  \n", encoding="utf-8")
    with pytest.raises(Exception, match="no records"):
        list(read_corpus(src))


def test_wrong_path(tmp_path, capsys):
    code, err = _convert(capsys, tmp_path / "nope.jsonl", "-o", tmp_path / "o.jsonl")
    assert code == 2 and "nope.jsonl" in err and "no such file" in err
    assert not (tmp_path / "o.jsonl").exists()


def test_unknown_and_uninferable_formats(tmp_path, capsys):
    src = tmp_path / "notes.dat"
    src.write_text("hello\n", encoding="utf-8")
    code, err = _convert(capsys, src, "-o", tmp_path / "o.jsonl")
    assert code == 2 and "--from" in err
    code, err = _convert(capsys, src, "-o", tmp_path / "o.jsonl", "--from", "excel")
    assert code == 2 and "unknown input format 'excel'" in err
    code, err = _convert(capsys, _jsonl(tmp_path / "a.jsonl", json.dumps(GOOD)), "-o", tmp_path / "out_dir")
    assert code == 2 and "--to" in err


PUBTATOR = (
    "111|t|Aspirin causes ulcers.\n"
    "111|a|Stop aspirin.\n"
    "111\t0\t7\tAspirin\tChemical\tD001241\n"
    "111\t15\t21\tulcers\tDisease\tD014456\n"
    "\n"
    "222|t|Bad offsets here.\n"
    "222|a|\n"
    "222\t5\t12\toffsets\tDisease\tD1\n"
    "\n"
)


def test_pubtator_offset_mismatch(tmp_path, capsys):
    src = tmp_path / "c.PubTator.txt"
    src.write_text(PUBTATOR, encoding="utf-8")
    out = tmp_path / "o.jsonl"
    code, err = _convert(capsys, src, "-o", out)
    assert code == 2
    assert f"{src}:8: mention at 5-12 (7 characters) does not match the text there" in err
    assert "('ffsets" not in err and "'offsets'" not in err  # no note text in the message
    assert [r["meta"]["id"] for r in _records(out)] == ["111"]


def test_pubtator_skip_invalid_skips_the_document(tmp_path):
    src = tmp_path / "c.PubTator.txt"
    src.write_text(PUBTATOR + "333|t|Fine.\n333|a|\n", encoding="utf-8")
    assert [r["meta"]["id"] for r in read_corpus(src, skip_invalid=True)] == ["111", "333"]


def test_brat_offset_mismatch(tmp_path, capsys):
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "a.txt").write_text("No chest pain today.\n", encoding="utf-8")
    (folder / "a.ann").write_text("T1\tProblem 3 13\tchest pain\n", encoding="utf-8")
    (folder / "b.txt").write_text("Severe headache.\n", encoding="utf-8")
    (folder / "b.ann").write_text("T1\tProblem 7 15\theadache\nT2\tProblem 0 5\theadache\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    code, err = _convert(capsys, folder, "-o", out)
    assert code == 2
    assert f"{folder / 'b.ann'}:2: T2 (8 characters) does not match b.txt at" in err
    assert "Sever" not in err and "headache" not in err  # no note text in the message
    assert [r["meta"]["id"] for r in _records(out)] == ["a"]


def test_csv_missing_column(tmp_path, capsys):
    src = tmp_path / "notes.csv"
    src.write_text("note_id,body\n1,Fever.\n", encoding="utf-8")
    code, err = _convert(capsys, src, "-o", tmp_path / "o.jsonl")
    assert code == 2
    assert f"{src}:1: no column 'text' (columns: note_id, body)" in err and "--text-col" in err
    code, err = _convert(capsys, src, "-o", tmp_path / "o.jsonl", "--text-col", "body", "--id-col", "nid")
    assert code == 2 and "no column 'nid'" in err and "--id-col" in err
    code, err = _convert(capsys, src, "-o", tmp_path / "o.jsonl", "--text-col", "body", "--id-col", "note_id")
    assert code == 0
    assert _records(tmp_path / "o.jsonl") == [{"text": "Fever.", "meta": {"id": "1"}}]


def test_csv_bad_bytes_and_duplicate_ids(tmp_path, capsys):
    src = tmp_path / "notes.csv"
    src.write_bytes(b"id,text\n1,ok\n2,caf\xe9\n")
    code, err = _convert(capsys, src, "-o", tmp_path / "o.jsonl")
    assert code == 2 and f"{src}:3: " in err and "UTF-8" in err
    src.write_bytes(b"id,text\n1,ok\n1,again\n")
    code, err = _convert(capsys, src, "-o", tmp_path / "o.jsonl")
    assert code == 2 and f"{src}:3: duplicate meta.id '1'" in err


def test_bioc_malformed_xml(tmp_path, capsys):
    src = tmp_path / "c.xml"
    src.write_text("<?xml version='1.0' encoding='UTF-8'?>\n<collection>\n<document><id>1</id>\n"
                   "<passage><offset>0</offset><text>a & b</text></passage></document>\n</collection>\n", encoding="utf-8")
    code, err = _convert(capsys, src, "-o", tmp_path / "o.jsonl")
    assert code == 2 and f"{src}:4: malformed XML" in err


def test_bioc_annotation_offset_mismatch(tmp_path, capsys):
    src = tmp_path / "c.xml"
    src.write_text(
        "<?xml version='1.0' encoding='UTF-8'?>\n<collection>\n<document><id>9</id>\n<passage><offset>0</offset>\n"
        "<text>Aspirin helps.</text>\n<annotation id='0'><infon key='type'>Chemical</infon>\n"
        "<location offset='1' length='7'/><text>Aspirin</text></annotation>\n</passage>\n</document>\n</collection>\n",
        encoding="utf-8",
    )
    code, err = _convert(capsys, src, "-o", tmp_path / "o.jsonl")
    assert code == 2 and f"{src}:3: " in err and "annotation 0 (7 characters) does not match" in err


def test_broken_gzip(tmp_path, capsys):
    src = tmp_path / "in.jsonl.gz"
    src.write_bytes(b"not gzip at all\n")
    code, err = _convert(capsys, src, "-o", tmp_path / "o.jsonl")
    assert code == 2 and f"{src}: cannot read the gzip file" in err
