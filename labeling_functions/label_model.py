"""Label models: turn a label matrix (``ABSTAIN = -1``) into per-row class probabilities.

* ``majority``: majority vote over non-abstaining LFs (ties split evenly).
* ``snorkel``: Snorkel 0.10's ``LabelModel`` (matrix-completion over LF agreements), fit on the
  covered rows; prediction reimplemented from its fitted ``mu``/``p`` in numpy so a fitted model
  saves as JSON and predicts without torch.
* ``dawid_skene``: a naive-Bayes generative model fit by EM whose per-LF confusion matrices
  include the *abstain* symbol, so an LF that fires alone where a precise LF abstains can be
  learnt to be wrong (Dawid & Skene 1979).
* ``hmm``: the same emissions plus a transition matrix between token classes, fit by EM with
  forward-backward per document (a sequence-aware aggregator, like skweak's and CHMM's HMMs).

Convention for every model: rows (tokens) that no LF covers with an entity label are O with
probability 1 -- an uncovered token is never evidence for an entity, and it is not an O *vote*.
All models fit on a list of per-document matrices; for a large corpus fit on a sample and
predict document by document (``weak_label_records`` does this).  Saved parameters are plain
JSON (``to_dict``/``from_dict``), never pickle.
"""

from __future__ import annotations

import logging
from typing import Any, Sequence

import numpy as np

from corpora.errors import LF_LABEL_MODEL, LFError

from .api import ABSTAIN

logger = logging.getLogger(__name__)

EPS = 1e-6


def _covered(L: np.ndarray) -> np.ndarray:
    return (L >= 1).any(axis=1) if L.size else np.zeros(L.shape[0], dtype=bool)


def _o_rows(n: int, k: int) -> np.ndarray:
    out = np.zeros((n, k))
    out[:, 0] = 1.0
    return out


class LabelModel:
    """Base class: ``fit(list of [n_i, m] matrices)``, ``predict_proba([n, m]) -> [n, k]``."""

    name = "base"

    def __init__(self, cardinality: int, n_lfs: int, *, seed: int = 0) -> None:
        if cardinality < 2:
            raise LFError(f"a label model needs at least 2 classes, got {cardinality}",
                          "give at least one entity label (class 0 is O)", code=LF_LABEL_MODEL)
        self.k = cardinality
        self.m = n_lfs
        self.seed = seed
        self.fitted = False

    def fit(self, matrices: Sequence[np.ndarray]) -> "LabelModel":
        self.fitted = True
        return self

    def _predict_covered(self, L: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def predict_proba(self, L: np.ndarray) -> np.ndarray:
        L = np.asarray(L)
        out = _o_rows(L.shape[0], self.k)
        mask = _covered(L)
        if mask.any():
            out[mask] = self._predict_covered(L[mask])
        return out

    def predict_doc(self, L: np.ndarray) -> np.ndarray:
        """Probabilities for one document (sequence models override this)."""
        return self.predict_proba(L)

    def params(self) -> dict[str, Any]:
        return {}

    def to_dict(self) -> dict[str, Any]:
        return {"label_model": self.name, "cardinality": self.k, "n_lfs": self.m, "seed": self.seed,
                "params": self.params()}

    def load_params(self, params: dict[str, Any]) -> None:
        self.fitted = True


class MajorityVote(LabelModel):
    name = "majority"

    def _predict_covered(self, L: np.ndarray) -> np.ndarray:
        counts = np.zeros((L.shape[0], self.k))
        for c in range(self.k):
            counts[:, c] = (L == c).sum(axis=1)
        best = counts.max(axis=1, keepdims=True)
        ties = (counts == best).astype(float)
        return ties / ties.sum(axis=1, keepdims=True)


class SnorkelModel(LabelModel):
    """Snorkel 0.10 ``LabelModel``; predicts in numpy from the fitted ``mu`` and class prior."""

    name = "snorkel"

    def __init__(self, cardinality: int, n_lfs: int, *, seed: int = 0, n_epochs: int = 200,
                 max_rows: int = 200_000) -> None:
        super().__init__(cardinality, n_lfs, seed=seed)
        self.n_epochs = n_epochs
        self.max_rows = max_rows
        self.mu: np.ndarray | None = None
        self.p: np.ndarray | None = None

    def fit(self, matrices: Sequence[np.ndarray]) -> "SnorkelModel":
        from snorkel.labeling.model import LabelModel as _SnorkelLM

        L = np.concatenate([np.asarray(x) for x in matrices], axis=0) if matrices else np.zeros((0, self.m))
        L = L[_covered(L)]
        if len(L) > self.max_rows:
            rng = np.random.default_rng(self.seed)
            L = L[rng.choice(len(L), self.max_rows, replace=False)]
        lm = _SnorkelLM(cardinality=self.k, verbose=False)
        lm.fit(L.astype(int), n_epochs=self.n_epochs, seed=self.seed, progress_bar=False)
        self.mu = np.clip(lm.mu.detach().cpu().numpy(), EPS, 1.0)
        self.p = np.asarray(lm.p, dtype=float)
        self.fitted = True
        return self

    def _predict_covered(self, L: np.ndarray) -> np.ndarray:
        n = L.shape[0]
        aug = np.zeros((n, self.m * self.k))
        rows, cols = np.nonzero(L != ABSTAIN)
        aug[rows, cols * self.k + L[rows, cols]] = 1.0
        logits = aug @ np.log(self.mu) + np.log(self.p)
        logits -= logits.max(axis=1, keepdims=True)
        x = np.exp(logits)
        return x / x.sum(axis=1, keepdims=True)

    def params(self) -> dict[str, Any]:
        return {"mu": self.mu.tolist(), "p": self.p.tolist()}

    def load_params(self, params: dict[str, Any]) -> None:
        self.mu = np.asarray(params["mu"], dtype=float)
        self.p = np.asarray(params["p"], dtype=float)
        self.fitted = True


class DawidSkene(LabelModel):
    """Naive Bayes over LF outputs (abstain included as an output symbol), fit by EM.

    ``theta[j, c, v]`` = P(LF j outputs v | true class c), v = 0 for abstain, 1..k for classes.
    """

    name = "dawid_skene"

    def __init__(self, cardinality: int, n_lfs: int, *, seed: int = 0, n_iter: int = 20,
                 smoothing: float = 1.0, max_rows: int = 400_000, model_abstain: bool = False) -> None:
        super().__init__(cardinality, n_lfs, seed=seed)
        self.model_abstain = model_abstain
        self.n_iter = n_iter
        self.smoothing = smoothing
        self.max_rows = max_rows
        self.theta: np.ndarray | None = None
        self.prior: np.ndarray | None = None
        self.voted: np.ndarray | None = None

    # one-hot of LF outputs: [n, m, k+1]
    def _onehot(self, L: np.ndarray) -> np.ndarray:
        V = (np.asarray(L, dtype=np.int64) + 1)  # 0 = abstain
        n = V.shape[0]
        out = np.zeros((n, self.m, self.k + 1), dtype=np.float32)
        idx_n, idx_m = np.meshgrid(np.arange(n), np.arange(self.m), indexing="ij")
        out[idx_n, idx_m, V] = 1.0
        return out

    def _log_emission(self, L: np.ndarray) -> np.ndarray:
        """log P(row | class) for each row: [n, k]."""
        V = np.asarray(L, dtype=np.int64) + 1
        logt = np.log(self.theta)  # [m, k, k+1]
        if not self.model_abstain:  # classic Dawid-Skene: a missing vote says nothing
            logt = logt.copy()
            logt[:, :, 0] = 0.0
        out = np.zeros((L.shape[0], self.k))
        for j in range(self.m):
            out += logt[j][:, V[:, j]].T
        return out

    def _m_step(self, L: np.ndarray, post: np.ndarray) -> None:
        V = np.asarray(L, dtype=np.int64) + 1
        theta = np.full((self.m, self.k, self.k + 1), self.smoothing / (self.k + 1))
        for j in range(self.m):
            for v in range(self.k + 1):
                sel = V[:, j] == v
                if sel.any():
                    theta[j, :, v] += post[sel].sum(axis=0)
        # an LF that never emits class v keeps only the smoothing mass there
        theta /= theta.sum(axis=2, keepdims=True)
        self.theta = theta
        prior = post.sum(axis=0) + 1.0
        if self.voted is not None:  # a class no LF ever votes cannot be the answer on a covered token
            prior = np.where(self.voted, prior, EPS)
        self.prior = prior / prior.sum()

    def _init_posteriors(self, L: np.ndarray) -> np.ndarray:
        post = MajorityVote(self.k, self.m).predict_proba(L)
        return post

    def fit(self, matrices: Sequence[np.ndarray]) -> "DawidSkene":
        L = np.concatenate([np.asarray(x) for x in matrices], axis=0) if matrices else np.zeros((0, self.m))
        # fit on rows with at least one vote (an O vote included); rows nobody votes on say nothing
        L = L[(L != ABSTAIN).any(axis=1)]
        if len(L) > self.max_rows:
            rng = np.random.default_rng(self.seed)
            L = L[rng.choice(len(L), self.max_rows, replace=False)]
        self.voted = np.array([(L == c).any() for c in range(self.k)])
        post = self._init_posteriors(L)
        self._m_step(L, post)
        for _ in range(self.n_iter):
            logp = self._log_emission(L) + np.log(self.prior)
            logp -= logp.max(axis=1, keepdims=True)
            post = np.exp(logp)
            post /= post.sum(axis=1, keepdims=True)
            post[~_covered(L)] = np.eye(self.k)[0]
            self._m_step(L, post)
        self.fitted = True
        return self

    def _predict_covered(self, L: np.ndarray) -> np.ndarray:
        logp = self._log_emission(L) + np.log(self.prior)
        logp -= logp.max(axis=1, keepdims=True)
        p = np.exp(logp)
        return p / p.sum(axis=1, keepdims=True)

    def lf_accuracies(self) -> np.ndarray:
        """P(LF j votes the true class | it does not abstain), averaged over the class prior."""
        acc = np.zeros(self.m)
        for j in range(self.m):
            t = self.theta[j][:, 1:]  # [k, k] without abstain
            voted = t.sum(axis=1)
            diag = np.diag(t)
            w = self.prior * voted
            acc[j] = float((self.prior * diag).sum() / max(w.sum(), EPS))
        return acc

    def params(self) -> dict[str, Any]:
        return {"theta": self.theta.tolist(), "prior": self.prior.tolist()}

    def load_params(self, params: dict[str, Any]) -> None:
        self.theta = np.asarray(params["theta"], dtype=float)
        self.prior = np.asarray(params["prior"], dtype=float)
        self.fitted = True


class HMM(DawidSkene):
    """Dawid-Skene emissions plus class transitions; forward-backward per document."""

    name = "hmm"

    def __init__(self, cardinality: int, n_lfs: int, *, seed: int = 0, n_iter: int = 10,
                 smoothing: float = 1.0, max_rows: int = 400_000) -> None:
        super().__init__(cardinality, n_lfs, seed=seed, n_iter=n_iter, smoothing=smoothing, max_rows=max_rows)
        self.trans: np.ndarray | None = None
        self.start: np.ndarray | None = None

    def _forward_backward(self, L: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        n = L.shape[0]
        if n == 0:
            return np.zeros((0, self.k)), np.zeros((self.k, self.k))
        em = self._log_emission(L)
        em -= em.max(axis=1, keepdims=True)
        e = np.exp(em)
        covered = _covered(L)
        e[~covered] = np.eye(self.k)[0]  # uncovered tokens are O
        alpha = np.zeros((n, self.k))
        scale = np.zeros(n)
        a = self.start * e[0]
        scale[0] = a.sum()
        alpha[0] = a / scale[0]
        for t in range(1, n):
            a = (alpha[t - 1] @ self.trans) * e[t]
            scale[t] = a.sum() or EPS
            alpha[t] = a / scale[t]
        beta = np.ones((n, self.k))
        for t in range(n - 2, -1, -1):
            b = self.trans @ (e[t + 1] * beta[t + 1])
            beta[t] = b / scale[t + 1]
        post = alpha * beta
        post /= post.sum(axis=1, keepdims=True)
        xi = np.zeros((self.k, self.k))
        for t in range(n - 1):
            x = alpha[t][:, None] * self.trans * (e[t + 1] * beta[t + 1])[None, :]
            s = x.sum()
            if s > 0:
                xi += x / s
        return post, xi

    def fit(self, matrices: Sequence[np.ndarray]) -> "HMM":
        mats = [np.asarray(x) for x in matrices]
        L = np.concatenate(mats, axis=0) if mats else np.zeros((0, self.m))
        post = self._init_posteriors(L)
        self._m_step(L, post)
        self.trans = np.full((self.k, self.k), 1.0 / self.k) * 0.2 + np.eye(self.k) * 0.8
        self.start = np.full(self.k, 1.0 / self.k)
        for _ in range(self.n_iter):
            posts, xi_sum, start = [], np.full((self.k, self.k), 1.0), np.ones(self.k)
            for M in mats:
                p, xi = self._forward_backward(M)
                posts.append(p)
                xi_sum += xi
                if len(p):
                    start += p[0]
            post = np.concatenate(posts, axis=0)
            self._m_step(L, post)
            self.trans = xi_sum / xi_sum.sum(axis=1, keepdims=True)
            self.start = start / start.sum()
        self.fitted = True
        return self

    def predict_doc(self, L: np.ndarray) -> np.ndarray:
        L = np.asarray(L)
        post, _ = self._forward_backward(L)
        post[~_covered(L)] = np.eye(self.k)[0]
        return post

    def predict_proba(self, L: np.ndarray) -> np.ndarray:
        return self.predict_doc(L)

    def params(self) -> dict[str, Any]:
        return {**super().params(), "trans": self.trans.tolist(), "start": self.start.tolist()}

    def load_params(self, params: dict[str, Any]) -> None:
        super().load_params(params)
        self.trans = np.asarray(params["trans"], dtype=float)
        self.start = np.asarray(params["start"], dtype=float)


#: span-level label models over candidate spans (``labeling_functions.candidates``)
SPAN_MODELS = ("span_majority", "span_snorkel", "span_dawid_skene")

LABEL_MODELS: dict[str, type[LabelModel]] = {
    "majority": MajorityVote,
    "snorkel": SnorkelModel,
    "dawid_skene": DawidSkene,
    "hmm": HMM,
}


def make_label_model(name: str, cardinality: int, n_lfs: int, **kwargs: Any) -> LabelModel:
    cls = LABEL_MODELS.get(name)
    if cls is None:
        raise LFError(f"unknown label model {name!r}", f"choose one of {sorted(LABEL_MODELS) + list(SPAN_MODELS)}",
                      code=LF_LABEL_MODEL)
    return cls(cardinality, n_lfs, **kwargs)


def label_model_from_dict(data: dict[str, Any]) -> LabelModel:
    try:
        model = make_label_model(data["label_model"], int(data["cardinality"]), int(data["n_lfs"]),
                                 seed=int(data.get("seed", 0)))
        model.load_params(data.get("params") or {})
    except LFError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise LFError(f"label model parameters are malformed ({type(exc).__name__}: {exc})",
                      "refit the label model (labeling_functions.fit_label_model) and save it again",
                      code=LF_LABEL_MODEL) from exc
    return model
