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


def _weak_jsonl(tmp_path, n=20):
    """`annotate --preset bc5cdr` output for n notes with blank lines and double spaces."""
    from clinlabel.cli import main

    src = tmp_path / "notes.jsonl"
    with open(src, "w", encoding="utf-8") as fh:
        for i in range(n):
            text = (f"Patient {i} was given aspirin  for headache.\n\nShe denies fever.  "
                    f"Lithium toxicity {'was ruled out' if i % 2 else 'developed'}.")
            fh.write(json.dumps({"text": text, "meta": {"id": f"n{i}", "patient_id": f"p{i // 4}"}}) + "\n")
    weak = tmp_path / "weak.jsonl"
    assert main(["annotate", str(src), "-o", str(weak), "--preset", "bc5cdr", "--no-progress"]) == 0
    return weak, [json.loads(line) for line in weak.read_text(encoding="utf-8").splitlines()]


def test_annotate_preset_keeps_soft_labels_and_convert_writes_three_splits(tmp_path, capsys):
    from datasets import load_from_disk

    from clinlabel.cli import main

    weak, records = _weak_jsonl(tmp_path)
    for rec in records:  # the soft labels survive annotate: one row per token, rows sum to 1
        assert len(rec["weak_labels"]["probs"]) == len(rec["tokens"])
        assert all(abs(sum(row) - 1) < 1e-3 for row in rec["weak_labels"]["probs"])
    assert any(not t["text"].strip() for t in records[0]["tokens"])  # the input has whitespace tokens
    code = main(["convert", str(weak), "-o", str(tmp_path / "ds"), "--to", "hf-dataset", "--split", "0.8,0.1,0.1",
                 "--seed", "3"])
    assert code == 0, capsys.readouterr().err
    ds = load_from_disk(str(tmp_path / "ds"))
    assert {k: len(v) for k, v in ds.items()} == {"train": 16, "validation": 2, "test": 2}
    by_id = {r["meta"]["id"]: r for r in records}
    negated = 0
    for split in ds.values():
        names = split.features["ner_tags"].feature.names
        for row in split:
            rec = by_id[row["id"]]
            kept = [i for i, t in enumerate(rec["tokens"]) if t["text"].strip()]
            assert row["tokens"] == [rec["tokens"][i]["text"] for i in kept]  # no whitespace tokens
            assert row["soft"] is True
            cols = [rec["weak_labels"]["labels"].index(n) for n in names]
            want = [[rec["weak_labels"]["probs"][i][c] for c in cols] for i in kept]
            flat = [x for r in row["probs"] for x in r]
            assert flat == pytest.approx([x for r in want for x in r], abs=1e-6)  # the label model's rows
            assert [s["label"] for s in row["spans"]] == [s["label"] for s in rec["spans"]]
            for s, orig in zip(row["spans"], rec["spans"]):
                assert s["negated"] == orig["negated"]
                assert row["tokens"][s["token_start"]] == rec["text"][orig["start"]:orig["end"]].split()[0]
            negated += sum(s["negated"] for s in row["spans"])
    assert negated >= 10  # "denies fever" in every note
    assert ds["train"].features["spans"].feature["assertion"].names[1] == "negated"


def test_split_by_meta_field_keeps_groups_together(tmp_path):
    from datasets import load_from_disk

    rec = lambda i: {"text": f"Aspirin dose {i} .", "meta": {"id": f"d{i}", "patient_id": f"p{i % 5}"},  # noqa: E731
                     "spans": [{"start": 0, "end": 7, "label": "Chemical"}]}
    write_hf_dataset([rec(i) for i in range(40)], tmp_path / "ds", split="0.6,0.2,0.2", split_by="patient_id", seed=1)
    ds = load_from_disk(str(tmp_path / "ds"))
    where: dict[str, set[str]] = {}
    for name, split in ds.items():
        for row in split:
            where.setdefault(json.loads(row["meta"])["patient_id"], set()).add(name)
    assert all(len(v) == 1 for v in where.values())
    assert sum(len(s) for s in ds.values()) == 40 and len(ds["train"]) == 24
    again = tmp_path / "again"
    write_hf_dataset([rec(i) for i in range(40)], again, split="0.6,0.2,0.2", split_by="patient_id", seed=1)
    assert load_from_disk(str(again))["test"]["id"] == ds["test"]["id"]


@pytest.mark.parametrize("split", ["0.5,0.6", "0.8,-0.1,0.3", "a,b"])
def test_bad_split_is_refused_before_writing(split, tmp_path):
    with pytest.raises(ModelError):
        write_hf_dataset([{"text": "a", "meta": {"id": "1"}, "spans": [{"start": 0, "end": 1, "label": "X"}]}],
                         tmp_path / "ds", split=split)
    assert not (tmp_path / "ds").exists()
