"""Continued MLM pretraining: BERT masking, blocks of word pieces, a loss that falls on text with
structure, and a folder that `train_end_model` takes as its backbone."""

import json
import random

import pytest

from end_model_support import CHEMICALS, DISEASES, TINY, make_weak_record


def _texts(n=60, seed=1):
    rng = random.Random(seed)
    return [f"the patient received {rng.choice(CHEMICALS)} and developed {rng.choice(DISEASES)} ." for _ in range(n)]


def test_mask_tokens_masks_about_the_share_asked_and_never_specials(tiny_backbone):
    import torch
    from transformers import AutoTokenizer

    from nlp_pipeline.end_model.pretrain import mask_tokens, text_blocks

    tok = AutoTokenizer.from_pretrained(tiny_backbone)
    blocks = text_blocks(_texts(200), tok, 32)
    assert blocks and all(len(b) == 32 and b[0] == tok.cls_token_id and b[-1] == tok.sep_token_id for b in blocks)
    ids = torch.tensor(blocks)
    masked, labels = mask_tokens(ids, tok, 0.15, torch.Generator().manual_seed(0))
    chosen = labels != -100
    share = chosen.float().mean().item()
    assert 0.10 < share < 0.20, share
    assert not chosen[:, 0].any() and not chosen[:, -1].any()  # [CLS] / [SEP] are never masked
    assert (labels[chosen] == ids[chosen]).all()  # the labels are the original pieces
    assert ((masked == tok.mask_token_id) & chosen).float().sum() / chosen.sum() > 0.6
    assert (masked[~chosen] == ids[~chosen]).all()  # unmasked positions are left alone


def test_pretraining_lowers_the_mlm_loss_and_yields_a_backbone(tiny_backbone, tmp_path):
    from nlp_pipeline.end_model import EndModelConfig, load_end_model, train_end_model
    from nlp_pipeline.end_model.pretrain import PRETRAIN_FILE, continue_pretraining

    out = continue_pretraining(_texts(), tmp_path / "mlm", backbone=str(tiny_backbone), max_steps=60, max_length=32,
                               batch_size=8, learning_rate=3e-3, progress=False, num_threads=1)
    info = json.loads((out / PRETRAIN_FILE).read_text())
    assert info["steps"] == 60
    assert info["loss_last"] < info["loss_first"] - 0.5, info
    rng = random.Random(7)
    model_dir = train_end_model([make_weak_record(i, rng) for i in range(8)],
                                EndModelConfig(backbone=str(out), **{**TINY, "epochs": 1}), output_dir=tmp_path / "m")
    model = load_end_model(model_dir)
    assert model.info["backbone"] == str(out)
    assert len(model.word_probs([["aspirin", "and", "fever"]], progress=False)[0]) == 3


def test_pretraining_stops_at_the_time_budget(tiny_backbone, tmp_path):
    from nlp_pipeline.end_model.pretrain import PRETRAIN_FILE, continue_pretraining

    out = continue_pretraining(_texts(), tmp_path / "mlm", backbone=str(tiny_backbone), max_steps=10_000,
                               max_seconds=0.5, max_length=32, batch_size=8, progress=False, num_threads=1)
    assert json.loads((out / PRETRAIN_FILE).read_text())["steps"] < 10_000


def test_pretraining_refuses_too_little_text(tiny_backbone, tmp_path):
    from corpora.errors import ModelError
    from nlp_pipeline.end_model.pretrain import continue_pretraining

    with pytest.raises(ModelError, match="fewer than 32 word pieces"):
        continue_pretraining(["aspirin"], tmp_path / "mlm", backbone=str(tiny_backbone), max_length=32, progress=False)
