"""Helpers for the end-model tests: a tiny randomly initialised BERT (built locally, nothing
downloaded) and synthetic weakly labelled records in the weak labeller's output format.

A module of its own (not conftest.py) so that test files and the tiny user LF module can import
it by a name no other test folder uses."""

from __future__ import annotations

import random
import string
from pathlib import Path


CHEMICALS = ["aspirin", "naloxone", "clonidine", "heparin", "lithium", "cocaine"]
DISEASES = ["hypertension", "seizures", "nephritis", "anemia", "fever", "headache"]
FILLER = ["the", "patient", "received", "and", "developed", "after", "with", "no", "was", "given", "severe", "."]


def build_tiny_backbone(folder: Path) -> Path:
    from transformers import BertConfig, BertForTokenClassification, BertTokenizerFast

    folder.mkdir(parents=True, exist_ok=True)
    words = sorted(set(CHEMICALS + DISEASES + FILLER))
    chars = list(string.ascii_lowercase + string.digits + string.punctuation)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words, *chars, *[f"##{c}" for c in chars]]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer = BertTokenizerFast(vocab={w: i for i, w in enumerate(vocab)}, do_lower_case=True)
    tokenizer.save_pretrained(folder)
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=128)
    import torch

    torch.manual_seed(0)
    BertForTokenClassification(config).save_pretrained(folder)
    return folder


def make_weak_record(i: int, rng: random.Random) -> dict:
    """A sentence with one chemical and one disease, tokens and BIO weak-label probabilities."""
    words, tags = [], []
    for _ in range(rng.randint(2, 4)):
        words.append(rng.choice(FILLER)); tags.append("O")
    words.append(rng.choice(CHEMICALS)); tags.append("B-Chemical")
    for _ in range(rng.randint(1, 3)):
        words.append(rng.choice(FILLER)); tags.append("O")
    if rng.random() < 0.5:
        words += ["severe", rng.choice(DISEASES)]; tags += ["B-Disease", "I-Disease"]
    else:
        words.append(rng.choice(DISEASES)); tags.append("B-Disease")
    words.append("."); tags.append("O")
    labels = ["O", "B-Chemical", "I-Chemical", "B-Disease", "I-Disease"]
    tokens, text, probs = [], "", []
    for k, (w, t) in enumerate(zip(words, tags)):
        start = len(text)
        text += w + " "
        tokens.append({"text": w, "start": start, "end": start + len(w), "id": k, "ws": True})
        row = [0.05] * len(labels)
        row[labels.index(t)] = 0.8
        probs.append(row)
    text = text.rstrip()
    tokens[-1]["ws"] = False
    spans = []
    return {"text": text, "meta": {"id": f"doc{i}"}, "tokens": tokens, "spans": spans,
            "weak_labels": {"scheme": "BIO", "labels": labels, "probs": probs}, "_gold_tags": tags}


TINY = dict(epochs=40, batch_size=8, learning_rate=3e-3, warmup_ratio=0.0, max_length=32, stride=4, progress=False,
            num_threads=1, freeze_embeddings=False)  # random embeddings: nothing worth freezing

