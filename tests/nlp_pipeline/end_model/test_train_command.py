import json
import random

import pytest

from clinlabel.cli import main
from clinlabel.commands.train import map_gold_labels, strip_annotations, weak_training_records
from end_model_support import make_weak_record
from nlp_pipeline.end_model.model import CONFIG_FILE

LFS = "end_model_test_lfs"


def _pubtator(path, records, *, with_annotations: bool):
    lines = []
    for r in records:
        pmid = r["meta"]["id"].replace("doc", "")
        title, _, abstract = r["text"].partition(" . ")
        lines.append(f"{pmid}|t|{title} .")
        lines.append(f"{pmid}|a|{abstract}")
        if with_annotations:
            for s in r["gold_spans"]:
                lines.append(f"{pmid}\t{s['start']}\t{s['end']}\t{r['text'][s['start']:s['end']]}\t{s['label']}\t-1")
        lines.append("")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _corpus(n=6):
    rng = random.Random(3)
    out = []
    for i in range(n):
        a, b = make_weak_record(2 * i, rng), make_weak_record(2 * i + 1, rng)
        text = a["text"] + " " + b["text"]
        spans = []
        for rec, shift in ((a, 0), (b, len(a["text"]) + 1)):
            cur = None
            for tok, tag in zip(rec["tokens"], rec["_gold_tags"]):
                if tag.startswith("B-"):
                    cur = {"start": tok["start"] + shift, "end": tok["end"] + shift, "label": tag[2:]}
                    spans.append(cur)
                elif tag.startswith("I-"):
                    cur["end"] = tok["end"] + shift
        out.append({"text": text, "meta": {"id": f"doc{1000 + i}"}, "gold_spans": spans})
    return out


def test_corpus_annotations_are_ignored_by_weak_training_data(tmp_path):
    from corpora.formats import read_corpus

    corpus = _corpus()
    _pubtator(tmp_path / "with.txt", corpus, with_annotations=True)
    _pubtator(tmp_path / "without.txt", corpus, with_annotations=False)
    with_ann = list(read_corpus(tmp_path / "with.txt"))
    assert any(r.get("spans") for r in with_ann)  # the fixture really carries gold annotations
    a = weak_training_records(with_ann, lfs=LFS)
    b = weak_training_records(read_corpus(tmp_path / "without.txt"), lfs=LFS)
    assert a == b
    assert all("weak_labels" in r for r in a)
    assert all(s.get("source") for r in a for s in r["spans"])  # spans are the LFs', not the corpus's
    assert strip_annotations({"text": "x", "meta": {"id": "1"}, "spans": [1], "relations": [2]}) == \
           {"text": "x", "meta": {"id": "1"}}


def test_train_command_weak_only_gives_the_same_model_without_annotations(tmp_path, tiny_backbone, capsys):
    corpus = _corpus()
    _pubtator(tmp_path / "with.txt", corpus, with_annotations=True)
    _pubtator(tmp_path / "without.txt", corpus, with_annotations=False)
    cfg = tmp_path / "end_model.toml"
    cfg.write_text("[end_model]\nstride = 4\nlearning_rate = 0.003\n")
    common = ["--lfs", LFS, "--backbone", str(tiny_backbone), "--config", str(cfg), "--epochs", "2",
              "--max-length", "32", "--batch-size", "4", "--threads", "1", "--no-progress"]
    assert main(["train", "--corpus", str(tmp_path / "with.txt"), "-o", str(tmp_path / "m1"), *common]) == 0, \
        capsys.readouterr().err
    assert main(["train", "--corpus", str(tmp_path / "without.txt"), "-o", str(tmp_path / "m2"), *common]) == 0
    w1 = (tmp_path / "m1" / "model.safetensors").read_bytes()
    w2 = (tmp_path / "m2" / "model.safetensors").read_bytes()
    assert w1 == w2
    meta = json.loads((tmp_path / "m1" / CONFIG_FILE).read_text())
    assert meta["labels"] == ["O", "B-Chemical", "I-Chemical", "B-Disease", "I-Disease"]
    assert meta["config"]["epochs"] == 2 and meta["config"]["stride"] == 4 and meta["weak_docs"] == 6 and meta["gold_docs"] == 0

    # refinement on the first 2 gold documents; the model folder is not overwritten by accident
    gold = tmp_path / "with.txt"
    args = ["train", "--corpus", str(tmp_path / "without.txt"), "--gold", str(gold), "--gold-docs", "2",
            "-o", str(tmp_path / "m1"), *common]
    assert main(args) == 2
    assert "already holds a clinlabel model" in capsys.readouterr().err
    assert main(args[:-len(common) - 2] + ["-o", str(tmp_path / "m3"), "--refine", *common]) == 0
    meta = json.loads((tmp_path / "m3" / CONFIG_FILE).read_text())
    assert meta["gold_docs"] == 2 and meta["history"]["gold_losses"]["steps"] > 0
    assert json.loads((tmp_path / "m3" / "combiner.json").read_text())["combiner"]["mode"] == "model"


def test_train_command_errors(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("epochs = 0.5\n")
    code = main(["train", "--lfs", LFS, "--corpus", str(tmp_path / "x.txt"), "-o", str(tmp_path / "m"),
                 "--config", str(bad)])
    assert code == 2 and "epochs" in capsys.readouterr().err
    code = main(["train", "--corpus", str(tmp_path / "x.txt"), "-o", str(tmp_path / "m")])
    assert code == 2 and "--preset" in capsys.readouterr().err


def test_ncbi_gold_classes_map_to_disease():
    recs = [{"text": "ab", "meta": {"id": "1"}, "spans": [{"start": 0, "end": 1, "label": "SpecificDisease"},
                                                         {"start": 1, "end": 2, "label": "Modifier"}]}]
    assert [s["label"] for s in map_gold_labels(recs, "ncbi_disease")[0]["spans"]] == ["Disease", "Disease"]
    assert map_gold_labels(recs, "bc5cdr")[0]["spans"][0]["label"] == "SpecificDisease"


def test_train_command_duplicate_document_needs_skip_invalid(tmp_path, tiny_backbone, capsys):
    corpus = _corpus(3)
    _pubtator(tmp_path / "dup.txt", corpus + corpus[:1], with_annotations=False)  # NCBI's train file repeats a PMID
    common = ["--lfs", LFS, "--backbone", str(tiny_backbone), "--epochs", "1", "--max-length", "64",
              "--batch-size", "4", "--threads", "1", "--no-progress", "-o", str(tmp_path / "m")]
    assert main(["train", "--corpus", str(tmp_path / "dup.txt"), *common]) == 2
    err = capsys.readouterr().err
    assert "dup.txt:" in err and "duplicate meta.id '1000'" in err and "--skip-invalid" in err
    assert not (tmp_path / "m" / CONFIG_FILE).exists()
    assert main(["train", "--corpus", str(tmp_path / "dup.txt"), "--skip-invalid", *common]) == 0
    assert json.loads((tmp_path / "m" / CONFIG_FILE).read_text())["weak_docs"] == 3


def test_gold_documents_stay_out_of_the_end_models_training(tmp_path, tiny_backbone, capsys):
    """--gold from the training file itself (NCBI-disease): the combination is validated on the gold
    documents, so the end model must not be trained on them; --num-layers keeps the first N layers."""
    corpus = _corpus(6)
    _pubtator(tmp_path / "train.txt", corpus, with_annotations=True)
    common = ["--lfs", LFS, "--backbone", str(tiny_backbone), "--epochs", "1", "--max-length", "64",
              "--batch-size", "4", "--threads", "1", "--no-progress", "--num-layers", "1"]
    assert main(["train", "--corpus", str(tmp_path / "train.txt"), "--gold", str(tmp_path / "train.txt"),
                 "--gold-docs", "2", "-o", str(tmp_path / "m"), *common]) == 0, capsys.readouterr().err
    meta = json.loads((tmp_path / "m" / CONFIG_FILE).read_text())
    assert meta["weak_docs"] == 4  # 6 documents, 2 of them gold
    assert meta["config"]["num_layers"] == 1
    assert json.loads((tmp_path / "m" / "config.json").read_text())["num_hidden_layers"] == 1
    err = capsys.readouterr().err
    assert "validation on 2 gold documents" in err and "cross-fitted (2 folds" in err  # 2 documents: 2 folds
    # the saved model is the one refined on the gold documents (cross-fitted), its record says so
    assert meta["gold_docs"] == 2 and meta["refinement"] == {"cross_fitted_folds": 2, "gold_docs": 2}
    assert meta["history"]["gold_losses"]["steps"] > 0 and meta["init_model"] is None
    assert not list(tmp_path.glob(".refine-*"))  # the work folder is gone
    # --refine-folds 0: the weak model is kept as it is
    assert main(["train", "--corpus", str(tmp_path / "train.txt"), "--gold", str(tmp_path / "train.txt"),
                 "--gold-docs", "2", "--refine-folds", "0", "-o", str(tmp_path / "m0"), *common]) == 0
    meta0 = json.loads((tmp_path / "m0" / CONFIG_FILE).read_text())
    assert meta0["gold_docs"] == 0 and "refinement" not in meta0


def test_train_without_gold_prints_agreement_with_the_lfs_on_held_back_documents(tmp_path, tiny_backbone, capsys):
    """Honest training output without gold: 40 documents -> 2 held back from training, and the end
    model's span agreement with the LFs on them is printed and stored in combiner.json."""
    _pubtator(tmp_path / "train.txt", _corpus(40), with_annotations=False)
    assert main(["train", "--corpus", str(tmp_path / "train.txt"), "-o", str(tmp_path / "m"), "--lfs", LFS,
                 "--backbone", str(tiny_backbone), "--epochs", "1", "--max-length", "64", "--batch-size", "8",
                 "--threads", "1", "--no-progress"]) == 0, capsys.readouterr().err
    err = capsys.readouterr().err
    assert json.loads((tmp_path / "m" / CONFIG_FILE).read_text())["weak_docs"] == 38
    data = json.loads((tmp_path / "m" / "combiner.json").read_text())
    report = data["combiner"]["report"]
    assert report["held_back_docs"] == 2 and 0.0 <= report["model_agreement_with_lfs_f1"] <= 1.0
    assert (f"the end model agrees with the LFs on 2 held-back documents at span F1 "
            f"{report['model_agreement_with_lfs_f1']:.3f}") in err
    assert data["train_span_rate"] > 0
