import json
import random
import shutil

import pytest

from end_model_support import TINY, make_weak_record
from corpora.errors import ModelError
from nlp_pipeline.end_model import EndModelConfig, load_end_model, predict, train_end_model
from nlp_pipeline.end_model.model import CONFIG_FILE, SOURCE


def _f1(records):
    """Token-level F1 of predicted entity tokens against the synthetic truth (in _gold_tags)."""
    tp = fp = fn = 0
    for rec in records:
        predicted = set()
        for s in rec["spans"]:
            predicted |= {(i, s["label"]) for i in range(s["token_start"], s["token_end"] + 1)}
        gold = {(i, t[2:]) for i, t in enumerate(rec["_gold_tags"]) if t != "O"}
        tp += len(predicted & gold); fp += len(predicted - gold); fn += len(gold - predicted)
    return 2 * tp / max(1, 2 * tp + fp + fn)


def test_soft_label_training_lowers_the_loss_and_predicts_spans(trained_model_dir):
    meta = json.loads((trained_model_dir / CONFIG_FILE).read_text())
    hist = meta["history"]["weak_losses"]
    assert hist["steps"] == 40 * 3  # 24 records / batch 8 = 3 steps per epoch
    assert hist["last"] < hist["first"] - 0.2
    assert meta["labels"] == ["O", "B-Chemical", "I-Chemical", "B-Disease", "I-Disease"]

    model = load_end_model(trained_model_dir)
    rng = random.Random(99)  # unseen sentences from the same generator
    records = [make_weak_record(100 + i, rng) for i in range(12)]
    out = model.predict(records)
    assert len(out) == len(records)
    assert _f1(out) > 0.8
    for rec in out:
        assert "weak_labels" in rec  # other keys survive
        for s in rec["spans"]:
            assert rec["text"][s["start"]:s["end"]] == s["text"]
            assert s["label"] in ("Chemical", "Disease")
            assert s["source"] == SOURCE and 0.0 < s["score"] <= 1.0
            assert rec["tokens"][s["token_start"]]["start"] == s["start"]
            assert rec["tokens"][s["token_end"]]["end"] == s["end"]


def test_save_load_round_trip_gives_the_same_predictions(trained_model_dir, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(trained_model_dir, copy)
    rng = random.Random(5)
    records = [make_weak_record(i, rng) for i in range(6)]
    a = predict(records, trained_model_dir)
    b = predict(records, load_end_model(copy))
    assert [r["spans"] for r in a] == [r["spans"] for r in b]
    # records without tokens are tokenised with spaCy and get the same spans
    plain = [{"text": r["text"], "meta": r["meta"]} for r in records]
    c = predict(plain, copy)
    assert [[(s["start"], s["end"], s["label"]) for s in r["spans"]] for r in c] == \
           [[(s["start"], s["end"], s["label"]) for s in r["spans"]] for r in a]


def test_long_documents_are_windowed(trained_model_dir):
    rng = random.Random(3)
    parts = [make_weak_record(i, rng) for i in range(8)]
    text, tokens = "", []
    for p in parts:  # one long record, far beyond max_length=32 word pieces
        shift = len(text)
        tokens += [dict(t, start=t["start"] + shift, end=t["end"] + shift, id=len(tokens) + k, ws=True)
                   for k, t in enumerate(p["tokens"])]
        text += p["text"] + " "
    record = {"text": text.rstrip(), "meta": {"id": "long"}, "tokens": tokens}
    out = load_end_model(trained_model_dir).predict([record])[0]
    chemicals = [s for s in out["spans"] if s["label"] == "Chemical"]
    assert len(chemicals) >= 6  # found in every window, not only the first
    assert max(s["token_start"] for s in out["spans"]) > len(tokens) // 2


def test_gold_refinement_threshold_mode_and_self_training(tiny_backbone, tmp_path):
    rng = random.Random(11)
    weak = [make_weak_record(i, rng) for i in range(8)]
    gold = []
    for r in weak[:4]:
        spans, cur = [], None
        for i, t in enumerate(r["_gold_tags"]):
            tok = r["tokens"][i]
            if t.startswith("B-"):
                cur = {"start": tok["start"], "end": tok["end"], "label": t[2:]}
                spans.append(cur)
            elif t.startswith("I-"):
                cur["end"] = tok["end"]
        gold.append({"text": r["text"], "meta": r["meta"], "spans": spans})
    cfg = EndModelConfig(backbone=str(tiny_backbone), **dict(TINY, epochs=2, gold_epochs=2),
                         label_mode="threshold", confidence_threshold=0.7, self_training_rounds=1)
    cfg = cfg.replace(freeze_embeddings=True)
    path = train_end_model(weak, cfg, output_dir=tmp_path / "m", gold_records=gold, gold_docs=3)
    from safetensors.torch import load_file

    before, after = load_file(tiny_backbone / "model.safetensors"), load_file(path / "model.safetensors")
    key = next(k for k in before if k.endswith("word_embeddings.weight"))
    assert (before[key] == after[key]).all()  # frozen
    layer = next(k for k in before if k.endswith("attention.self.query.weight"))
    assert not (before[layer] == after[layer]).all()  # trained
    meta = json.loads((path / CONFIG_FILE).read_text())
    assert meta["gold_docs"] == 3 and meta["weak_docs"] == 8
    assert meta["history"]["gold_losses"]["steps"] == 2  # 3 docs / batch 8 = 1 step per epoch
    assert meta["history"]["self_training_1_losses"]["steps"] == 1
    with pytest.raises(ModelError, match="already holds a clinlabel model"):
        train_end_model(weak, cfg, output_dir=path)


def test_missing_or_broken_model_dir_is_a_located_error(tmp_path, trained_model_dir):
    with pytest.raises(ModelError) as info:
        load_end_model(tmp_path / "nowhere")
    assert str(tmp_path / "nowhere") in str(info.value) and info.value.code == "CL-MODEL002"
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ModelError, match=CONFIG_FILE):
        load_end_model(empty)
    broken = tmp_path / "broken"
    shutil.copytree(trained_model_dir, broken)
    (broken / CONFIG_FILE).write_text("{not json")
    with pytest.raises(ModelError, match="unreadable model config"):
        load_end_model(broken)
    no_weights = tmp_path / "no_weights"
    shutil.copytree(trained_model_dir, no_weights)
    (no_weights / "model.safetensors").write_bytes(b"garbage")
    with pytest.raises(ModelError, match="cannot load the model"):
        load_end_model(no_weights)


def test_bad_training_records_and_backbone(tmp_path, tiny_backbone):
    rec = make_weak_record(0, random.Random(1))
    rec["weak_labels"]["probs"] = rec["weak_labels"]["probs"][:-1]
    cfg = EndModelConfig(backbone=str(tiny_backbone), **TINY)
    with pytest.raises(ModelError, match="record 'doc0'.*rows for"):
        train_end_model([rec], cfg, output_dir=tmp_path / "a")
    with pytest.raises(ModelError, match="backbone folder not found"):
        train_end_model([make_weak_record(0, random.Random(1))], cfg.replace(backbone=str(tmp_path / "nope")),
                        output_dir=tmp_path / "b")


def test_training_windows_match_inference_windows_and_cover_every_word(tiny_backbone):
    from transformers import AutoTokenizer

    from nlp_pipeline.end_model.config import bio_labels
    from nlp_pipeline.end_model.data import inference_windows, weak_example, window_dataset

    tok = AutoTokenizer.from_pretrained(tiny_backbone)
    rng = random.Random(4)
    recs = [make_weak_record(i, rng) for i in range(3)]
    recs[0]["tokens"] = recs[0]["tokens"] * 6  # long: several windows
    recs[0]["weak_labels"]["probs"] = recs[0]["weak_labels"]["probs"] * 6
    examples = [weak_example(r, bio_labels(["Chemical", "Disease"])) for r in recs]
    ds = window_dataset(examples, tok, max_length=16, stride=3)
    rows = inference_windows([e["tokens"] for e in examples], tok, max_length=16, stride=3)
    assert [r["input_ids"] for r in rows] == ds["input_ids"]
    assert [r["word_index"] for r in rows] == ds["word_index"]
    assert max(len(ids) for ids in ds["input_ids"]) <= 16
    for d, ex in enumerate(examples):
        covered = {w for r in rows if r["doc_index"] == d for w in r["word_index"] if w >= 0}
        assert covered == set(range(len(ex["tokens"])))
    for row in ds:  # each first word piece carries its word's probability vector, others are zero
        for w, d, soft in zip(row["word_index"], [row["doc_index"]] * len(row["word_index"]), row["soft_labels"]):
            if w >= 0:
                assert soft == pytest.approx(examples[d]["probs"][w])
            else:
                assert sum(soft) == 0


LABELS = ["O", "B-Chemical", "I-Chemical", "B-Disease", "I-Disease"]


def _probs(rows):
    import numpy as np

    return np.array(rows, dtype=float)


@pytest.mark.parametrize("rows, expected", [
    # B and I close on the second word: arg-max tags would cut "congestive | heart failure"
    ([[0.9, 0, 0, 0.1, 0], [0.1, 0, 0, 0.5, 0.4], [0.1, 0, 0, 0.46, 0.44], [0.1, 0, 0, 0.1, 0.8]],
     [(1, 3, "Disease")]),
    # a word that is almost all B- starts a second span of the same type
    ([[0.05, 0.9, 0.05, 0, 0], [0.05, 0.93, 0.02, 0, 0]], [(0, 0, "Chemical"), (1, 1, "Chemical")]),
    # a type change splits; an I- at the start is a span start
    ([[0.1, 0, 0.9, 0, 0], [0.1, 0, 0, 0, 0.9], [0.8, 0.1, 0.1, 0, 0]], [(0, 0, "Chemical"), (1, 1, "Disease")]),
    ([[1, 0, 0, 0, 0]], []),
])
def test_decode_joins_words_by_type_mass(rows, expected):
    from nlp_pipeline.end_model.config import EndModelConfig
    from nlp_pipeline.end_model.model import EndModel

    model = EndModel(None, None, LABELS, EndModelConfig())
    got = model.decode(_probs(rows))
    assert [(s, e, lab) for s, e, lab, _ in got] == expected
    assert all(0 < score <= 1 for *_, score in got)


@pytest.mark.parametrize("layers", [1, 2])
def test_num_layers_keeps_the_backbones_first_layers(tiny_backbone, tmp_path, layers):
    import torch
    from transformers import AutoModel

    from nlp_pipeline.end_model import EndModelConfig, load_end_model, train_end_model

    rng = random.Random(7)
    cfg = EndModelConfig(backbone=str(tiny_backbone), num_layers=layers, **{**TINY, "epochs": 1, "max_steps": 1,
                                                                            "learning_rate": 1e-12})
    out = train_end_model([make_weak_record(i, rng) for i in range(4)], cfg, output_dir=tmp_path / "m")
    model = load_end_model(out)
    assert model.model.config.num_hidden_layers == layers
    assert len(model.model.bert.encoder.layer) == layers
    base = AutoModel.from_pretrained(tiny_backbone)
    # the kept layers start from the backbone's first layers (a step at lr 1e-12 leaves them as they were)
    for k in range(layers):
        a = model.model.bert.encoder.layer[k].attention.self.query.weight
        b = base.encoder.layer[k].attention.self.query.weight
        assert torch.allclose(a, b, atol=1e-6)


def test_num_layers_beyond_the_backbone_is_a_located_error(tiny_backbone, tmp_path):
    from corpora.errors import ModelError
    from nlp_pipeline.end_model import EndModelConfig, train_end_model

    rng = random.Random(7)
    with pytest.raises(ModelError, match="num_layers 3 exceeds the backbone's 2 layers"):
        train_end_model([make_weak_record(0, rng)], EndModelConfig(backbone=str(tiny_backbone), num_layers=3, **TINY),
                        output_dir=tmp_path / "m")


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_viterbi_bio_finds_the_best_valid_tag_sequence(seed):
    import itertools

    import numpy as np

    from nlp_pipeline.end_model.model import viterbi_bio

    names = ["O", "B-Chemical", "I-Chemical", "B-Disease", "I-Disease"]
    rng = np.random.default_rng(seed)
    probs = rng.dirichlet(np.ones(5) * 0.5, size=5)

    def valid(tags):
        prev = "O"
        for t in tags:
            if t.startswith("I-") and not (prev[2:] == t[2:] and prev != "O"):
                return False
            prev = t
        return True

    best = max((seq for seq in itertools.product(names, repeat=5) if valid(seq)),
               key=lambda seq: sum(np.log(probs[i, names.index(t)]) for i, t in enumerate(seq)))
    expected = []
    for i, t in enumerate(best):
        if t.startswith("B-"):
            expected.append([i, i, t[2:]])
        elif t.startswith("I-"):
            expected[-1][1] = i
    assert [list(s[:3]) for s in viterbi_bio(probs, names)] == expected


def test_viterbi_bio_never_starts_a_span_with_an_inside_tag():
    import numpy as np

    from nlp_pipeline.end_model.model import viterbi_bio

    names = ["O", "B-Disease", "I-Disease"]
    # arg-max tags would read O, I, I: the valid reading is one span B, I over words 1-2 or none
    probs = np.array([[0.9, 0.05, 0.05], [0.2, 0.35, 0.45], [0.1, 0.1, 0.8]])
    assert [s[:3] for s in viterbi_bio(probs, names)] == [(1, 2, "Disease")]


@pytest.mark.parametrize("select", ["model", "agree"])
def test_self_training_targets_select_by_agreement_and_confidence(trained_model_dir, select):
    import numpy as np
    import torch

    from nlp_pipeline.end_model.data import SoftLabelCollator, weak_example, window_dataset
    from nlp_pipeline.end_model.model import _self_training_targets, _type_matrix

    model = load_end_model(trained_model_dir)
    rng = random.Random(11)
    recs = [make_weak_record(300 + i, rng) for i in range(6)]
    # flip the weak labels of every chemical to Disease: the model (trained on the right ones) disagrees there
    for r in recs:
        for row in r["weak_labels"]["probs"]:
            if row[1] == max(row):
                row[1], row[3] = row[3], row[1]
    ds = window_dataset([weak_example(r, model.label_list) for r in recs], model.tokenizer, max_length=32, stride=4)
    new = _self_training_targets(model, ds, 0.5, select)  # the fixture model peaks near 0.8 (its soft labels)
    tm = _type_matrix(model.label_list)
    collate = SoftLabelCollator(model.tokenizer.pad_token_id, len(model.label_list))
    with torch.inference_mode():
        batch = collate([ds[i] for i in range(len(ds))])
        p = torch.softmax(model.model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits, -1)
    n_agree = n_disagree = 0
    for r in range(len(ds)):
        weak = np.asarray(ds[r]["soft_labels"])
        target = np.asarray(new[r]["soft_labels"])
        for j, w in enumerate(ds[r]["word_index"]):
            if w < 0:
                assert not target[j].any()
                continue
            agree = int((p[r, j] @ tm).argmax()) == int((torch.as_tensor(weak[j]).float() @ tm).argmax())
            confident = float(p[r, j].max()) >= 0.5
            if select == "agree" and agree:
                assert np.allclose(target[j], weak[j], atol=1e-6)
                n_agree += 1
            elif not confident:
                assert not target[j].any()  # masked
            else:
                assert int(target[j].argmax()) == int(p[r, j].argmax())
                n_disagree += (not agree)
    assert n_disagree > 0  # the flipped chemicals: the confident model overrides the weak label
    if select == "agree":
        assert n_agree > n_disagree
