"""Continued masked-language-model pretraining of a backbone on unlabelled in-domain text.

    from nlp_pipeline.end_model.pretrain import continue_pretraining
    folder = continue_pretraining(texts, "build/backbone_mlm", max_steps=400)   # then --backbone folder

The backbone (default: the bundled all-MiniLM-L6-v2) is loaded as a ``*ForMaskedLM`` model (a
sentence-embedding checkpoint has no MLM head: the head's transform is initialised, the decoder
is tied to the word embeddings).  The texts are tokenised once, concatenated and cut into blocks
of ``max_length`` word pieces; every step masks ``mlm_probability`` of the pieces anew (80% [MASK],
10% a random piece, 10% unchanged, as BERT) and the loss is computed on the masked positions only
(the vocabulary projection of every position would cost more than the encoder on CPU).  Training
stops at ``max_steps`` or ``max_seconds``, whichever comes first; the folder written is a normal
Hugging Face model folder (weights and tokenizer), usable as ``clinlabel train --backbone``.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any, Iterable

from corpora.errors import MODEL_BACKBONE, MODEL_DATA, ModelError

logger = logging.getLogger(__name__)

#: written beside the weights: what the pretraining ran on and for how long
PRETRAIN_FILE = "clinlabel_pretraining.json"


def text_blocks(texts: Iterable[str], tokenizer: Any, max_length: int) -> list[list[int]]:
    """Word-piece ids of ``texts`` (each followed by [SEP]) concatenated and cut into blocks of
    ``max_length - 2`` pieces, each wrapped in [CLS] ... [SEP]."""
    content = max_length - 2
    stream: list[int] = []
    sep = tokenizer.sep_token_id
    for text in texts:
        if not text or not text.strip():
            continue
        stream.extend(tokenizer(text, add_special_tokens=False)["input_ids"])
        stream.append(sep)
    cls = tokenizer.cls_token_id
    return [[cls, *stream[i:i + content], sep] for i in range(0, len(stream) - content + 1, content)]


def mask_tokens(input_ids, tokenizer: Any, mlm_probability: float, generator):
    """BERT's masking: returns ``(masked_ids, labels)`` with ``labels`` -100 where not masked."""
    import torch

    labels = input_ids.clone()
    special = (input_ids == tokenizer.cls_token_id) | (input_ids == tokenizer.sep_token_id) | (
        input_ids == tokenizer.pad_token_id)
    prob = torch.full(input_ids.shape, mlm_probability)
    prob.masked_fill_(special, 0.0)
    masked = torch.bernoulli(prob, generator=generator).bool()
    labels[~masked] = -100
    ids = input_ids.clone()
    replace = torch.bernoulli(torch.full(ids.shape, 0.8), generator=generator).bool() & masked
    ids[replace] = tokenizer.mask_token_id
    rand = torch.bernoulli(torch.full(ids.shape, 0.5), generator=generator).bool() & masked & ~replace
    ids[rand] = torch.randint(len(tokenizer), ids.shape, generator=generator)[rand]
    return ids, labels


def continue_pretraining(
    texts: Iterable[str],
    output_dir: str | Path,
    *,
    backbone: str | None = None,
    max_steps: int = 400,
    max_seconds: float | None = None,
    max_length: int = 128,
    batch_size: int = 16,
    learning_rate: float = 1e-4,
    mlm_probability: float = 0.15,
    seed: int = 13,
    num_threads: int | None = None,
    progress: bool = True,
    overwrite: bool = False,
) -> Path:
    """Continue MLM pretraining of ``backbone`` on ``texts``; write a backbone folder to ``output_dir``."""
    from .model import _check_backbone, _offline, _optimiser_step, _prepare_output, _progress, _quiet_transformers, \
        _seed_everything, default_backbone

    out = Path(output_dir)
    _prepare_output(out, overwrite)
    _offline()
    _quiet_transformers()
    source = backbone or default_backbone()
    _check_backbone(source)
    import torch
    from transformers import AutoModelForMaskedLM, AutoTokenizer, get_linear_schedule_with_warmup

    if num_threads:
        torch.set_num_threads(num_threads)
    _seed_everything(seed)
    tokenizer = AutoTokenizer.from_pretrained(source)
    if tokenizer.mask_token_id is None:
        raise ModelError("the backbone's tokenizer has no mask token", "give a BERT-style backbone folder",
                         file=source, code=MODEL_BACKBONE)
    try:
        model = AutoModelForMaskedLM.from_pretrained(source)
    except Exception as err:
        raise ModelError(f"cannot load the backbone as a masked language model: {type(err).__name__}: {err}",
                         "give a BERT-style Hugging Face model folder", file=source, code=MODEL_BACKBONE) from None
    blocks = text_blocks(texts, tokenizer, max_length)
    if not blocks:
        raise ModelError(f"the texts hold fewer than {max_length} word pieces", "give more unlabelled text",
                         code=MODEL_DATA)
    body = model.base_model
    head = model.get_output_embeddings()  # the tied decoder; the transform sits before it
    transform = getattr(getattr(model, "cls", None), "predictions", None)
    data = torch.tensor(blocks, dtype=torch.long)
    generator = torch.Generator().manual_seed(seed)
    optimiser = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=learning_rate,
                                  weight_decay=0.01)
    scheduler = get_linear_schedule_with_warmup(optimiser, max(1, max_steps // 20), max_steps)
    model.train()
    started = time.perf_counter()
    losses: list[float] = []
    bar = _progress(range(max_steps), total=max_steps, desc="MLM pretraining", enabled=progress)
    step = 0
    while step < max_steps:
        order = torch.randperm(len(data), generator=generator)
        for i in range(0, len(order), batch_size):
            ids, labels = mask_tokens(data[order[i:i + batch_size]], tokenizer, mlm_probability, generator)
            hidden = body(input_ids=ids).last_hidden_state
            where = labels != -100
            if not where.any():
                continue
            picked = hidden[where]
            logits = transform(picked) if transform is not None else head(picked)
            loss = torch.nn.functional.cross_entropy(logits.float(), labels[where])
            _optimiser_step(model, loss, optimiser, scheduler, losses, bar, digits=3)
            step += 1
            if step >= max_steps or (max_seconds is not None and time.perf_counter() - started >= max_seconds):
                max_steps = step
                break
    bar.close()
    model.eval()
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    k = max(1, min(50, len(losses) // 5))
    info = {"backbone": str(source), "steps": len(losses), "blocks": len(blocks), "max_length": max_length,
            "batch_size": batch_size, "learning_rate": learning_rate, "mlm_probability": mlm_probability,
            "seconds": round(time.perf_counter() - started, 1), "torch_threads": torch.get_num_threads(),
            "loss_first": round(sum(losses[:k]) / k, 4) if losses else None,
            "loss_last": round(sum(losses[-k:]) / k, 4) if losses else None}
    (out / PRETRAIN_FILE).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    logger.info("MLM pretraining: %d steps in %.0f s, loss %s -> %s", info["steps"], info["seconds"],
                info["loss_first"], info["loss_last"])
    return out


__all__ = ["PRETRAIN_FILE", "continue_pretraining", "mask_tokens", "text_blocks"]
