import json
import random

import pytest

from end_model_support import make_weak_record
from corpora.errors import ModelError
from nlp_pipeline.end_model.hf_dataset import write_hf_dataset


def test_weak_records_round_trip_through_load_from_disk(tmp_path):
    from datasets import load_from_disk

    records = [make_weak_record(i, random.Random(i)) for i in range(3)]
    records[0]["weak_labels"]["probs"][0] = [0.1, 0.6, 0.1, 0.1, 0.1]  # first token leans Chemical
    n = write_hf_dataset(records, tmp_path / "ds")
    assert n == 3
    ds = load_from_disk(str(tmp_path / "ds"))
    train = ds["train"]
    names = train.features["ner_tags"].feature.names
    assert names == ["O", "B-Chemical", "I-Chemical", "B-Disease", "I-Disease"]
    for rec, row in zip(records, train):
        assert row["id"] == rec["meta"]["id"]
        assert row["tokens"] == [t["text"] for t in rec["tokens"]]
        assert json.loads(row["meta"]) == rec["meta"]
        assert len(row["probs"]) == len(row["tokens"])
        for tag, probs in zip(row["ner_tags"], row["probs"]):
            assert probs[tag] == max(probs)
            assert abs(sum(probs) - 1.0) < 1e-5
    first = train[0]
    assert names[first["ner_tags"][0]] == "B-Chemical"
    assert [names[t] for t in train[1]["ner_tags"]] == records[1]["_gold_tags"]


def test_gold_records_get_one_hot_tags_from_spans(tmp_path):
    from datasets import load_from_disk

    text = "Lithium caused severe renal failure ."
    rec = {"text": text, "meta": {"id": "g1", "source": "x"},
           "spans": [{"start": 0, "end": 7, "label": "Chemical"}, {"start": 22, "end": 35, "label": "Disease"}]}
    assert write_hf_dataset([rec], tmp_path / "g", split="validation") == 1
    row = load_from_disk(str(tmp_path / "g"))["validation"][0]
    names = ["O", "B-Chemical", "I-Chemical", "B-Disease", "I-Disease"]
    assert row["tokens"] == ["Lithium", "caused", "severe", "renal", "failure", "."]
    assert [names[t] for t in row["ner_tags"]] == ["B-Chemical", "O", "O", "B-Disease", "I-Disease", "O"]
    assert row["probs"][0] == [0.0, 1.0, 0.0, 0.0, 0.0]


def test_existing_output_is_not_overwritten(tmp_path):
    out = tmp_path / "ds"
    out.mkdir()
    (out / "keep.txt").write_text("precious")
    with pytest.raises(ModelError, match="already exists"):
        write_hf_dataset([make_weak_record(0, random.Random(0))], out)
    assert (out / "keep.txt").read_text() == "precious"
    with pytest.raises(ModelError, match="no spans and no weak labels"):
        write_hf_dataset([{"text": "plain", "meta": {"id": "1"}}], tmp_path / "other")


def test_convert_command_writes_a_dataset(tmp_path, capsys):
    from datasets import load_from_disk

    from clinlabel.cli import main

    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"text": "Aspirin helps .", "meta": {"id": "a"},
                               "spans": [{"start": 0, "end": 7, "label": "Chemical"}]}) + "\n")
    code = main(["convert", str(src), "-o", str(tmp_path / "hf"), "--to", "hf-dataset"])
    assert code == 0, capsys.readouterr().err
    assert load_from_disk(str(tmp_path / "hf"))["train"][0]["tokens"] == ["Aspirin", "helps", "."]
