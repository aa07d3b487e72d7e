"""Every source, one combination: LF votes, the label model and the end model, weighed by gold.

Candidates are spans (``labeling_functions.candidates``): every LF span, the token-level label
model's decoded spans, the end model's spans, and their one-token boundary variants.  Each
``(span, label)`` pair gets features -- which LFs voted it exactly or with other boundaries,
whether the label model's decoding or the end model produced it, the end model's probability
mass inside and just outside it, its length and shape -- and a logistic regression per label
scores it.  Kept: the non-overlapping pairs whose score reaches a threshold, best first.

With gold documents, :func:`fit_combiner` chooses everything by cross-validation *on the gold
documents only* (folds by document): the regularisation, whether word features help, the
threshold, and whether the learnt combination beats the plain label-model output at all
(``mode="lf"`` when it does not: gold never makes the output worse than the LFs on the gold
documents' own cross-validation).  Without gold the measured default is used (``mode="lf"``,
or ``mode="union"``: LF spans plus confident end-model spans where no LF voted).

A fitted :class:`Combiner` is plain JSON (``to_dict``/``from_dict``): weights, feature names,
threshold, the CV figures it was chosen by.  No pickle.
"""

from __future__ import annotations

import logging
import zlib
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np

from .aggregate import decode
from .api import OUTSIDE
from .candidates import candidate_spans
from .label_model import MajorityVote
from .matrix import TokenMatrix, token_matrix

logger = logging.getLogger(__name__)

Votes = Mapping[str, Sequence[tuple[int, int, str]]]
STOP = frozenset("a an the of and or in on with to for by from at as is was were be are this that these those "
                 "its their his her our no not".split())
MODES = ("lf", "model", "union", "learned")
#: the measured no-gold default (docs/weak_supervision.md, "Gold-informed aggregation")
DEFAULT_NO_GOLD_MODE = "lf"
HASH_BUCKETS = 1 << 12
#: hashed word features (when ``words``): the span's text, its first and last word, the last word's
#: 4-letter suffix, the words just before and after it
WORD_SLOTS = ("text", "first", "last", "suffix4", "prev", "next")


@dataclass
class DocInput:
    """What the combiner sees of one document."""

    words: list[str]
    votes: Votes
    #: end-model word probabilities ``[n_tokens, 1 + 2K]`` in the order O, B-1, I-1, B-2, ... (optional)
    model_probs: np.ndarray | None = None
    #: character offsets ``(start, end)`` of each token (for writing spans back; optional)
    tokens: list[tuple[int, int]] | None = None


@dataclass
class _Prepared:
    tm: TokenMatrix
    mv_probs: np.ndarray
    mv_spans: set[tuple[int, int, int]]
    model_mass: np.ndarray | None  # [n, K+1] type mass
    model_b: np.ndarray | None  # [n, K] B share
    model_spans: set[tuple[int, int, int]]
    rows: list[tuple[int, int, int]]  # (start, end, class)
    #: lower-cased text of each label-model span -> how often the label model tags it (per class)
    mv_texts: dict[tuple[str, int], int] = field(default_factory=dict)


def _type_mass(probs: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    n = probs.shape[0]
    mass = np.zeros((n, k + 1))
    mass[:, 0] = probs[:, 0]
    bshare = np.zeros((n, k))
    for c in range(1, k + 1):
        b, i = probs[:, 2 * c - 1], probs[:, 2 * c]
        mass[:, c] = b + i
        bshare[:, c - 1] = b / np.maximum(b + i, 1e-9)
    return mass, bshare


def model_spans_from_mass(mass: np.ndarray, bshare: np.ndarray, split: float = 0.9) -> set[tuple[int, int, int]]:
    """The end model's own decoding (type mass, split where a word is mostly ``B-``)."""
    best = mass.argmax(axis=1)
    out, cur = set(), None
    for i, c in enumerate(best):
        c = int(c)
        if c == 0:
            if cur:
                out.add(tuple(cur))
            cur = None
            continue
        if cur is not None and cur[2] == c and bshare[i, c - 1] < split:
            cur[1] = i + 1
        else:
            if cur:
                out.add(tuple(cur))
            cur = [i, i + 1, c]
    if cur:
        out.add(tuple(cur))
    return out


class FeatureSpace:
    """Feature names and the vectoriser for one LF set and label set."""

    def __init__(self, lf_names: Sequence[str], labels: Sequence[str], *, words: bool = False) -> None:
        self.lf_names = list(lf_names)
        self.labels = list(labels)
        self.words = words
        names = []
        for lf in self.lf_names:
            names += [f"exact:{lf}", f"overlap:{lf}", f"other_label:{lf}"]
        names += ["n_exact", "n_overlap", "n_other_label", "n_o_votes", "no_exact",
                  "mv_exact", "mv_mean", "mv_out_left", "mv_out_right", "mv_same_text", "mv_same_text_other",
                  "has_model", "model_exact", "model_mean", "model_min", "model_b_start", "model_b_inner",
                  "model_out_left", "model_out_right", "model_x_no_exact", "model_mean_x_no_exact",
                  "len1", "len2", "len3", "len4_5", "len6p", "first_upper", "all_upper", "has_digit",
                  "first_stop", "last_stop", "punct_edge", "paren_unbalanced", "has_hyphen_token", "bias"]
        self.dense_names = names
        self.size = len(names) + (len(WORD_SLOTS) * HASH_BUCKETS if words else 0)

    def prepare(self, doc: DocInput) -> _Prepared:
        n = len(doc.words)
        k = len(self.labels)
        tm = token_matrix(doc.votes, self.lf_names, self.labels, n)
        mv = MajorityVote(k + 1, len(self.lf_names))
        mv_probs = mv.predict_proba(tm.L)
        mv_spans = {(s, e, c) for s, e, c, _ in decode(mv_probs, tm)}
        mass = bshare = None
        model_spans: set[tuple[int, int, int]] = set()
        if doc.model_probs is not None and len(doc.model_probs):
            mass, bshare = _type_mass(np.asarray(doc.model_probs, dtype=float), k)
            model_spans = model_spans_from_mass(mass, bshare)
        lower = [w.lower() for w in doc.words]
        mv_texts: dict[tuple[str, int], int] = {}
        for s, e, c in mv_spans:
            key = (" ".join(lower[s:e]), c)
            mv_texts[key] = mv_texts.get(key, 0) + 1
        extra = [(s, e) for s, e, _ in mv_spans | model_spans]
        # document consistency: another occurrence of a span the label model tags is a candidate
        by_len: dict[int, set[str]] = {}
        for (text, _c) in mv_texts:
            by_len.setdefault(len(text.split(" ")), set()).add(text)
        for length, texts in by_len.items():
            for s in range(0, n - length + 1):
                if " ".join(lower[s:s + length]) in texts:
                    extra.append((s, s + length))
        spans = candidate_spans(doc.votes, self.labels, n, extra=extra, variants=True)
        label_votes = {lab: k_ + 1 for k_, lab in enumerate(self.labels)}
        rows = []
        for s, e in spans:
            for c in range(1, k + 1):
                if _any_evidence(doc.votes, label_votes, s, e, c) or (s, e, c) in model_spans or (
                        " ".join(lower[s:e]), c) in mv_texts or (
                        mass is not None and mass[s:e, c].mean() >= 0.2):
                    rows.append((s, e, c))
        return _Prepared(tm, mv_probs, mv_spans, mass, bshare, model_spans, rows, mv_texts)

    def featurize(self, doc: DocInput, prep: _Prepared):
        """A CSR matrix ``[n_rows, size]``: the dense features, then the hashed word features."""
        from scipy import sparse

        X, hashed = self._dense(doc, prep)
        if not self.words:
            return X
        if not len(prep.rows):  # a document without candidates: no rows, but the full width
            return sparse.csr_matrix((0, self.size), dtype=np.float32)
        base = len(self.dense_names)
        rows = np.repeat(np.arange(len(hashed)), len(WORD_SLOTS))
        cols = base + np.asarray(hashed, dtype=np.int64).ravel()
        H = sparse.csr_matrix((np.ones(len(cols), dtype=np.float32), (rows, cols)), shape=(len(hashed), self.size))
        return (sparse.hstack([sparse.csr_matrix(X), sparse.csr_matrix((len(hashed), self.size - base))]) + H).tocsr()

    def _dense(self, doc: DocInput, prep: _Prepared):
        n = len(doc.words)
        X = np.zeros((len(prep.rows), len(self.dense_names)), dtype=np.float32)
        hashed: list[list[int]] = []
        if not prep.rows:
            return X, hashed
        col = {name: i for i, name in enumerate(self.dense_names)}
        index = {lab: k + 1 for k, lab in enumerate(self.labels)}
        by_lf = []
        for name in self.lf_names:
            spans = [(s, e, index.get(lab, 0) if lab != OUTSIDE else 0) for s, e, lab in doc.votes.get(name, ())]
            by_lf.append(spans)
        lower = [w.lower() for w in doc.words]
        for r, (s, e, c) in enumerate(prep.rows):
            x = X[r]
            n_exact = n_over = n_other = n_o = 0
            for j, spans in enumerate(by_lf):
                ex = ov = ot = 0
                for a, b, k in spans:
                    if a >= e or b <= s:
                        continue
                    if k == 0:
                        n_o += 1
                    elif k == c:
                        if a == s and b == e:
                            ex = 1
                        else:
                            ov = 1
                    else:
                        ot = 1
                if ex:
                    x[3 * j] = 1
                    n_exact += 1
                if ov:
                    x[3 * j + 1] = 1
                    n_over += 1
                if ot:
                    x[3 * j + 2] = 1
                    n_other += 1
            x[col["n_exact"]] = np.log1p(n_exact)
            x[col["n_overlap"]] = np.log1p(n_over)
            x[col["n_other_label"]] = np.log1p(n_other)
            x[col["n_o_votes"]] = np.log1p(n_o)
            no_exact = n_exact == 0
            x[col["no_exact"]] = no_exact
            x[col["mv_exact"]] = (s, e, c) in prep.mv_spans
            x[col["mv_mean"]] = prep.mv_probs[s:e, c].mean()
            text_key = " ".join(lower[s:e])
            same = prep.mv_texts.get((text_key, c), 0)
            x[col["mv_same_text"]] = np.log1p(same)
            x[col["mv_same_text_other"]] = np.log1p(same - (1 if (s, e, c) in prep.mv_spans else 0))
            x[col["mv_out_left"]] = prep.mv_probs[s - 1, c] if s > 0 else 0.0
            x[col["mv_out_right"]] = prep.mv_probs[e, c] if e < n else 0.0
            if prep.model_mass is not None:
                m = prep.model_mass[:, c]
                x[col["has_model"]] = 1
                x[col["model_exact"]] = (s, e, c) in prep.model_spans
                x[col["model_mean"]] = m[s:e].mean()
                x[col["model_min"]] = m[s:e].min()
                x[col["model_b_start"]] = prep.model_b[s, c - 1] * m[s]
                x[col["model_b_inner"]] = (prep.model_b[s + 1:e, c - 1] * m[s + 1:e]).max() if e - s > 1 else 0.0
                x[col["model_out_left"]] = m[s - 1] if s > 0 else 0.0
                x[col["model_out_right"]] = (m[e] * (1 - prep.model_b[e, c - 1])) if e < n else 0.0
                x[col["model_x_no_exact"]] = x[col["model_exact"]] * no_exact
                x[col["model_mean_x_no_exact"]] = x[col["model_mean"]] * no_exact
            length = e - s
            x[col["len1"]] = length == 1
            x[col["len2"]] = length == 2
            x[col["len3"]] = length == 3
            x[col["len4_5"]] = 4 <= length <= 5
            x[col["len6p"]] = length >= 6
            first, last = doc.words[s], doc.words[e - 1]
            x[col["first_upper"]] = first[:1].isupper()
            x[col["all_upper"]] = all(w.isupper() for w in doc.words[s:e] if w.isalpha()) and any(
                w.isalpha() for w in doc.words[s:e])
            x[col["has_digit"]] = any(ch.isdigit() for w in doc.words[s:e] for ch in w)
            x[col["first_stop"]] = lower[s] in STOP
            x[col["last_stop"]] = lower[e - 1] in STOP
            x[col["punct_edge"]] = (not first[:1].isalnum()) or (not last[-1:].isalnum() and last not in (")", "]", "+"))
            text = doc.words[s:e]
            x[col["paren_unbalanced"]] = text.count("(") != text.count(")") or text.count("[") != text.count("]")
            x[col["has_hyphen_token"]] = "-" in text
            x[col["bias"]] = 1
            if self.words:
                words = (" ".join(lower[s:e]), lower[s], lower[e - 1], lower[e - 1][-4:],
                         lower[s - 1] if s > 0 else "<s>", lower[e] if e < n else "</s>")
                hashed.append([slot * HASH_BUCKETS + _bucket(w) for slot, w in enumerate(words)])
        return X, hashed


def _bucket(word: str) -> int:
    return zlib.crc32(word.encode("utf-8")) % HASH_BUCKETS


def _any_evidence(votes: Votes, label_index: Mapping[str, int], s: int, e: int, c: int) -> bool:
    for spans in votes.values():
        for a, b, lab in spans:
            if a < e and b > s and label_index.get(lab) == c:
                return True
    return False


def select(rows: Sequence[tuple[int, int, int]], scores: np.ndarray, threshold: float) -> list[tuple[int, int, int, float]]:
    """Non-overlapping ``(start, end, class, score)`` with ``score >= threshold``, best first."""
    order = sorted((i for i in range(len(rows)) if scores[i] >= threshold),
                   key=lambda i: (-scores[i], -(rows[i][1] - rows[i][0]), rows[i][0]))
    taken: set[int] = set()
    out = []
    for i in order:
        s, e, c = rows[i]
        if any(t in taken for t in range(s, e)):
            continue
        taken.update(range(s, e))
        out.append((s, e, c, float(scores[i])))
    return sorted(out)


@dataclass
class Combiner:
    """A fitted combination rule (JSON-serialisable)."""

    lf_names: list[str]
    labels: list[str]
    mode: str = DEFAULT_NO_GOLD_MODE
    threshold: float = 0.5
    words: bool = False
    #: per label (class 1..K): the logistic-regression weights over the feature space, then the intercept
    weights: list[list[float]] = field(default_factory=list)
    #: union mode: an end-model span no LF touches is kept when its mean type probability reaches this
    union_threshold: float = 0.9
    report: dict[str, Any] = field(default_factory=dict)

    @property
    def space(self) -> FeatureSpace:
        return FeatureSpace(self.lf_names, self.labels, words=self.words)

    @property
    def needs_model(self) -> bool:
        return self.mode in ("model", "union", "learned")

    def spans(self, doc: DocInput) -> list[tuple[int, int, int, float]]:
        """``(start, end, class, score)`` for one document (class 1..K indexes ``labels``)."""
        space = self.space
        prep = space.prepare(doc)
        mv = [(s, e, c, float(prep.mv_probs[s:e, c].mean())) for s, e, c in sorted(prep.mv_spans)]
        if self.mode == "lf" or (self.mode in ("union", "model") and prep.model_mass is None):
            return mv
        if self.mode == "model":
            return [(s, e, c, float(prep.model_mass[s:e, c].mean())) for s, e, c in sorted(prep.model_spans)]
        if self.mode == "union":
            taken = {t for s, e, _, _ in mv for t in range(s, e)}
            touched = {t for spans in doc.votes.values() for a, b, _ in spans for t in range(a, b)}
            out = list(mv)
            for s, e, c in sorted(prep.model_spans):
                score = float(prep.model_mass[s:e, c].mean())
                if score >= self.union_threshold and not any(t in taken or t in touched for t in range(s, e)):
                    out.append((s, e, c, score))
            return sorted(out)
        X = space.featurize(doc, prep)
        return select(prep.rows, self._scores(X, prep.rows), self.threshold)

    def _scores(self, X: np.ndarray, rows: Sequence[tuple[int, int, int]]) -> np.ndarray:
        W = np.asarray(self.weights, dtype=np.float64)
        cls = np.array([c for _, _, c in rows], dtype=np.int64)
        if not len(rows):
            return np.zeros(0)
        if hasattr(X, "multiply"):  # sparse
            z = np.asarray(X.multiply(W[cls - 1, :-1]).sum(axis=1)).ravel() + W[cls - 1, -1]
        else:
            z = (X * W[cls - 1, :-1]).sum(axis=1) + W[cls - 1, -1]
        return 1.0 / (1.0 + np.exp(-z))

    def to_dict(self) -> dict[str, Any]:
        return {"combiner": 1, "lf_names": self.lf_names, "labels": self.labels, "mode": self.mode,
                "threshold": self.threshold, "words": self.words, "weights": self.weights,
                "union_threshold": self.union_threshold, "report": self.report}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Combiner":
        from corpora.errors import LF_LABEL_MODEL, LFError

        try:
            mode = str(data["mode"])
            if mode not in MODES:
                raise ValueError(f"mode {mode!r}")
            return cls(lf_names=list(data["lf_names"]), labels=list(data["labels"]), mode=mode,
                       threshold=float(data["threshold"]), words=bool(data.get("words", False)),
                       weights=[list(map(float, w)) for w in data.get("weights") or []],
                       union_threshold=float(data.get("union_threshold", 0.9)), report=dict(data.get("report") or {}))
        except (KeyError, TypeError, ValueError) as exc:
            raise LFError(f"the combiner's parameters are malformed ({type(exc).__name__}: {exc})",
                          "retrain the model (clinlabel train) to write a new combiner.json",
                          code=LF_LABEL_MODEL) from exc


# --------------------------------------------------------------------------------- fitting


def gold_rows(prep: _Prepared, gold: set[tuple[int, int, int]]) -> np.ndarray:
    return np.array([1 if r in gold else 0 for r in prep.rows], dtype=np.int8)


def _prf(pred: set, gold: set) -> tuple[float, float, float]:
    tp = len(pred & gold)
    p = tp / len(pred) if pred else 0.0
    r = tp / len(gold) if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _fit_lr(X: np.ndarray, y: np.ndarray, C: float, seed: int) -> list[float]:
    if y.min() == y.max():  # one class only: a constant score
        return [0.0] * X.shape[1] + [6.0 if y[0] else -6.0]
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=C, max_iter=2000, random_state=seed)
    lr.fit(X, y)
    return [*map(float, lr.coef_[0]), float(lr.intercept_[0])]


def fit_combiner(docs: Sequence[DocInput], gold: Sequence[set[tuple[int, int, str]]], lf_names: Sequence[str],
                 labels: Sequence[str], *, folds: int = 5, seed: int = 0,
                 Cs: Sequence[float] = (0.1, 0.3, 1.0), word_options: Sequence[bool] = (False, True),
                 thresholds: Sequence[float] = tuple(np.round(np.arange(0.1, 0.71, 0.05), 2)),
                 union_thresholds: Sequence[float] = (0.8, 0.9, 0.95),
                 min_bootstrap_wins: float | None = None) -> Combiner:
    """Choose and fit the combination on gold documents by ``folds``-fold cross-validation.

    ``gold[i]`` holds document ``i``'s gold ``(start_token, end_token, label)`` spans.  The
    candidates' LR is chosen over ``Cs`` x ``word_options``; the threshold maximises the pooled
    out-of-fold span F1.  The learnt combination is kept only if its CV F1 beats the label
    model's own output (and, with an end model, the model alone and the LF + model unions) on the
    same documents, in at least ``min_bootstrap_wins`` (default ``MIN_BOOTSTRAP_WINS``) of
    bootstrap resamples of them; otherwise the best of those rules is returned.
    """
    guard = MIN_BOOTSTRAP_WINS if min_bootstrap_wins is None else min_bootstrap_wins
    labels = list(labels)
    index = {lab: k + 1 for k, lab in enumerate(labels)}
    gold_c = [{(s, e, index[lab]) for s, e, lab in g if lab in index} for g in gold]
    has_model = all(d.model_probs is not None for d in docs)
    n = len(docs)
    def rule_f1(combiner: Combiner) -> float:
        return _prf(*_pool([(i, s, e, c) for i, d in enumerate(docs) for s, e, c, _ in combiner.spans(d)], gold_c))[2]

    # rules without fitted weights: their F1 on the gold documents is an honest estimate
    rules = [Combiner(list(lf_names), labels, mode="lf")]
    if has_model:
        rules.append(Combiner(list(lf_names), labels, mode="model"))
        rules += [Combiner(list(lf_names), labels, mode="union", union_threshold=t) for t in union_thresholds]
    scored = [(rule_f1(r), r) for r in rules]
    lf_f1 = scored[0][0]
    best_rule_f1, best_rule = max(scored, key=lambda x: x[0])
    report: dict[str, Any] = {"gold_docs": n, "folds": 0, "cv_f1_lf": round(lf_f1, 4),
                              "rules": [{"mode": r.mode, "union_threshold": r.union_threshold if r.mode == "union" else None,
                                         "f1": round(f, 4)} for f, r in scored]}
    best_rule.report = report
    if n < 2 or not any(gold_c):
        report["chosen"] = f"{best_rule.mode} (too few gold documents to cross-validate a learnt combination)"
        return best_rule
    folds = max(2, min(folds, n))
    fold_of = np.arange(n) % folds
    rng = np.random.default_rng(seed)
    rng.shuffle(fold_of)
    best: tuple[float, float, bool, float] | None = None
    cv_table = []
    for words in word_options:
        space = FeatureSpace(lf_names, labels, words=words)
        preps = [space.prepare(d) for d in docs]
        Xs = [space.featurize(d, p) for d, p in zip(docs, preps)]
        ys = [gold_rows(p, g) for p, g in zip(preps, gold_c)]
        cls = [np.array([c for _, _, c in p.rows], dtype=np.int64) for p in preps]
        for C in Cs:
            oof = [np.zeros(len(p.rows)) for p in preps]
            for f in range(folds):
                train = [i for i in range(n) if fold_of[i] != f]
                test = [i for i in range(n) if fold_of[i] == f]
                W = _fit_weights(Xs, ys, cls, train, len(labels), C, seed)
                for i in test:
                    oof[i] = Combiner(list(lf_names), labels, mode="learned", words=words, weights=W)._scores(
                        Xs[i], preps[i].rows)
            for t in thresholds:
                pred = [(i, s, e, c) for i in range(n) for s, e, c, _ in select(preps[i].rows, oof[i], t)]
                f1 = _prf(*_pool(pred, gold_c))[2]
                cv_table.append({"words": words, "C": C, "threshold": float(t), "f1": round(f1, 4)})
                if best is None or f1 > best[0] + 1e-9:
                    best = (f1, C, words, float(t))
                    best_pred = pred
    f1, C, words, t = best
    report.update(folds=folds, has_model=has_model, cv_f1_learned=round(f1, 4), C=C,
                  cv=sorted(cv_table, key=lambda r: -r["f1"])[:10])
    rule_pred = [(i, s, e, c) for i, d in enumerate(docs) for s, e, c, _ in best_rule.spans(d)]
    wins = bootstrap_wins(best_pred, rule_pred, gold_c, seed=seed)
    report["bootstrap_wins"] = round(wins, 3)
    if f1 <= best_rule_f1 or wins < guard:
        report["chosen"] = (f"{best_rule.mode} (the learnt combination did not beat it in cross-validation "
                            f"in at least {guard:.0%} of bootstrap resamples of the gold documents)")
        return best_rule
    space = FeatureSpace(lf_names, labels, words=words)
    preps = [space.prepare(d) for d in docs]
    Xs = [space.featurize(d, p) for d, p in zip(docs, preps)]
    ys = [gold_rows(p, g) for p, g in zip(preps, gold_c)]
    cls = [np.array([c for _, _, c in p.rows], dtype=np.int64) for p in preps]
    W = _fit_weights(Xs, ys, cls, list(range(n)), len(labels), C, seed)
    report["chosen"] = "learned"
    return Combiner(list(lf_names), labels, mode="learned", threshold=t, words=words, weights=W, report=report)


#: the learnt combination replaces the best rule only if its out-of-fold F1 is higher in at least
#: this share of bootstrap resamples of the gold documents (a small CV gain is often noise)
MIN_BOOTSTRAP_WINS = 0.9


def bootstrap_wins(pred_a, pred_b, gold_c, *, rounds: int = 500, seed: int = 0) -> float:
    """Share of bootstrap resamples of the documents in which ``pred_a`` has a higher span F1 than ``pred_b``."""
    n = len(gold_c)

    def counts(pred):
        tp, np_ = np.zeros(n), np.zeros(n)
        gold = {(i, s, e, c) for i, g in enumerate(gold_c) for s, e, c in g}
        for x in set(pred):
            np_[x[0]] += 1
            tp[x[0]] += x in gold
        return tp, np_

    ta, pa = counts(pred_a)
    tb, pb = counts(pred_b)
    ng = np.array([len(g) for g in gold_c], dtype=float)
    rng = np.random.default_rng(seed)
    wins = 0
    for _ in range(rounds):
        idx = rng.integers(0, n, n)
        g = ng[idx].sum()
        fa = 2 * ta[idx].sum() / max(pa[idx].sum() + g, 1e-9)
        fb = 2 * tb[idx].sum() / max(pb[idx].sum() + g, 1e-9)
        wins += fa > fb
    return wins / rounds


def _fit_weights(Xs, ys, cls, docs_idx, k, C, seed) -> list[list[float]]:
    W = []
    for c in range(1, k + 1):
        X = _vstack([Xs[i][cls[i] == c] for i in docs_idx])
        y = np.concatenate([ys[i][cls[i] == c] for i in docs_idx]) if docs_idx else np.zeros(0)
        W.append(_fit_lr(X, y, C, seed) if len(y) else [0.0] * (Xs[0].shape[1] + 1))
    return W


def _vstack(blocks):
    if blocks and hasattr(blocks[0], "tocsr"):
        from scipy import sparse

        return sparse.vstack(blocks).tocsr()
    return np.concatenate(blocks)


def _pool(pred: Sequence[tuple[int, int, int, int]], gold_c: Sequence[set[tuple[int, int, int]]]) -> tuple[set, set]:
    g = {(i, s, e, c) for i, spans in enumerate(gold_c) for s, e, c in spans}
    return set(pred), g


__all__ = ["DocInput", "Combiner", "FeatureSpace", "fit_combiner", "select", "MODES", "DEFAULT_NO_GOLD_MODE"]
