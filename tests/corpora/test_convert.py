"""``clinlabel convert``: format inference, plugin formats, progress on stderr."""

from __future__ import annotations

import json
import sys
import types

import pytest

from clinlabel import plugins
from clinlabel.cli import main
from corpora.formats import read_corpus


def test_convert_infers_both_formats_and_reports(test_data, tmp_path, capsys):
    out = tmp_path / "cdr.xml"
    assert main(["convert", str(test_data / "corpora" / "cdr_sample.PubTator.txt"), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "wrote 2 records" in err and "(pubtator -> bioc)" in err
    assert "convert" in err  # the tqdm bar goes to stderr
    assert [r["meta"]["id"] for r in read_corpus(out)] == ["227508", "2234245"]


def test_convert_csv_with_columns_to_brat_folder(tmp_path, capsys):
    src = tmp_path / "ehr.csv"
    src.write_text("note_id,body,ward\nA-1,Fever.,ICU\n", encoding="utf-8")
    out = tmp_path / "brat_out"
    assert main(["convert", str(src), "-o", str(out), "--to", "brat", "--text-col", "body", "--id-col", "note_id",
                 "--no-progress"]) == 0
    assert (out / "A-1.txt").read_text(encoding="utf-8") == "Fever." and (out / "A-1.ann").exists()


def test_convert_refuses_to_overwrite_its_input(tmp_path, capsys):
    src = tmp_path / "a.jsonl"
    src.write_text('{"text": "x"}\n', encoding="utf-8")
    assert main(["convert", str(src), "-o", str(src)]) == 2
    assert "is the input" in capsys.readouterr().err
    assert src.read_text(encoding="utf-8") == '{"text": "x"}\n'


@pytest.fixture
def fake_plugin(monkeypatch):
    calls = {}
    mod = types.ModuleType("fake_plugin_fmt")

    def write_fake(records, out, **options):
        calls["options"] = options
        n = 0
        with open(out, "w", encoding="utf-8") as fh:
            for n, rec in enumerate(records, start=1):
                fh.write(rec["meta"]["id"] + "\n")
        return n

    def read_fake(path, **options):
        calls["read_options"] = options
        for line in open(path, encoding="utf-8"):
            yield {"text": line.strip(), "meta": {"id": line.strip()}}

    mod.write_fake, mod.read_fake = write_fake, read_fake
    monkeypatch.setitem(sys.modules, "fake_plugin_fmt", mod)
    monkeypatch.setitem(plugins.EXTRA_WRITERS, "fake-fmt", "fake_plugin_fmt:write_fake")
    monkeypatch.setitem(plugins.EXTRA_READERS, "fake-fmt", "fake_plugin_fmt:read_fake")
    return calls


def test_convert_dispatches_to_plugin_writers_with_options(test_data, tmp_path, fake_plugin, capsys):
    out = tmp_path / "x.out"
    assert main(["convert", str(test_data / "corpora" / "notes.jsonl"), "-o", str(out), "--to", "fake-fmt",
                 "--omop-vocab", str(tmp_path), "--no-progress"]) == 0
    assert out.read_text(encoding="utf-8").split() == ["note-1", "note-2", "notes:3"]
    assert fake_plugin["options"]["omop_vocab"] == str(tmp_path)
    assert fake_plugin["options"]["source"].endswith("notes.jsonl")
    back = tmp_path / "back.jsonl"
    assert main(["convert", str(out), "-o", str(back), "--from", "fake-fmt", "--no-progress"]) == 0
    assert [json.loads(x)["meta"]["id"] for x in back.read_text(encoding="utf-8").splitlines()] == ["note-1", "note-2", "notes:3"]


def test_unknown_output_format_lists_plugins(test_data, tmp_path, capsys):
    assert main(["convert", str(test_data / "corpora" / "notes.jsonl"), "-o", str(tmp_path / "o"), "--to", "xlsx"]) == 2
    err = capsys.readouterr().err
    assert "unknown output format 'xlsx'" in err and "fhir" in err and "brat" in err


def test_convert_tokens_and_hashes_for_prodigy(test_data, tmp_path, capsys):
    out = tmp_path / "t.jsonl"
    assert main(["convert", str(test_data / "corpora" / "cdr_sample.PubTator.txt"), "-o", str(out), "--to", "prodigy",
                 "--tokens", "--hashes", "--no-progress"]) == 0
    rec = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    toks = rec["tokens"]
    assert all(rec["text"][t["start"]:t["end"]] == t["text"] for t in toks)
    for span in rec["spans"]:
        assert toks[span["token_start"]]["start"] <= span["start"] < toks[span["token_end"]]["end"]
        assert toks[span["token_end"]]["end"] >= span["end"]
    rel = rec["relations"][0]
    assert toks[rel["head"]]["text"] == "methyldopa" and toks[rel["child"]]["text"] == "hypotensive"
    assert isinstance(rec["_input_hash"], int) and isinstance(rec["_task_hash"], int)


@pytest.mark.parametrize("to", ["prodigy", "brat", "conll", "docbin", "doccano", "label-studio", "hf-dataset",
                                "omop-note-nlp", "fhir"])
def test_outputs_are_created_owner_only(tmp_path, to):
    """Every output of convert holds note text: new files 0600, new folders 0700."""
    import json
    import os
    import stat

    from clinlabel.cli import main

    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"text": "Patient has diabetes.", "meta": {"id": "n1"},
                               "spans": [{"start": 12, "end": 20, "label": "Condition"}]}) + "\n")
    out = tmp_path / (f"out_{to}" + {"omop-note-nlp": ".csv", "fhir": ".ndjson"}.get(to, ""))
    assert main(["--quiet", "convert", str(src), "-o", str(out), "--to", to, "--no-progress"]) == 0
    paths = [out] + ([p for p in out.rglob("*")] if out.is_dir() else [])
    assert paths
    for p in paths:
        mode = stat.S_IMODE(os.stat(p).st_mode)
        assert mode & 0o077 == 0, f"{p.relative_to(tmp_path)} is {oct(mode)}"
