"""Fitting the probe: grouped cross-validation over layers and regularisation, then Platt calibration.

A logistic regression (scikit-learn, on standardised features) reads the mean answer-token
hidden state of one layer and predicts whether the answer is right. The layer and the
inverse regularisation ``C`` are chosen by the AUROC of out-of-fold scores, with folds that
keep every group (an entity, a relation) on one side, so no question is scored by a fit that
saw its entity. The chosen probe is refitted on all rows, and its out-of-fold scores are
mapped to P(correct) by a one-feature logistic fit (Platt, 1999, "Probabilistic outputs for
support vector machines"), the same as ``CalibratedClassifierCV(method="sigmoid",
ensemble=False)`` with these folds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

#: Inverse regularisation strengths tried for every layer (strong: hundreds of answers, hundreds of dimensions).
DEFAULT_CS = (0.001, 0.01, 0.1)


def _probe(C: float):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=500))


def grouped_splits(y: np.ndarray, groups: Sequence, *, n_splits: int = 5, seed: int = 0) -> list:
    """Stratified folds that keep each group on one side: ``[(train_index, test_index), ...]``.

    >>> folds = grouped_splits(np.array([0, 1] * 6), [i // 2 for i in range(12)], n_splits=3)
    >>> len(folds), all(len(set(np.array([i // 2 for i in range(12)])[t]) & set(np.array(
    ...     [i // 2 for i in range(12)])[s])) == 0 for s, t in folds)
    (3, True)
    """
    from sklearn.model_selection import StratifiedGroupKFold

    y, groups = np.asarray(y), np.asarray([str(g) for g in groups])
    if len(groups) != len(y):
        raise ValueError(f"Got {len(groups)} groups for {len(y)} labels; pass one group (entity) per answer.")
    counts = np.bincount(y.astype(int), minlength=2)
    if counts.min() < 2:
        raise ValueError(f"The answers hold {counts[1]} right and {counts[0]} wrong; the probe needs at least 2 of "
                         "each (and more for a useful fit). Label more questions.")
    n_groups = len(set(groups.tolist()))
    if n_splits < 2 or n_groups < n_splits:
        raise ValueError(f"n_splits={n_splits} needs >= 2 folds and at most one fold per group; the answers have "
                         f"{n_groups} distinct groups. Lower n_splits or label more entities.")
    folds = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    return list(folds.split(np.zeros(len(y)), y, groups))


def out_of_fold_scores(x: np.ndarray, y: np.ndarray, splits: list, *, C: float) -> np.ndarray:
    """Each row's probe score (log-odds) from the fit on the folds that did not hold it."""
    from sklearn.model_selection import cross_val_predict

    return cross_val_predict(_probe(C), x, y, cv=splits, method="decision_function")


def layer_search(states: np.ndarray, y: np.ndarray, splits: list, layers: Sequence[int], *,
                 Cs: Sequence[float] = DEFAULT_CS, progress: bool = False) -> pd.DataFrame:
    """Out-of-fold AUROC of the probe for every layer and ``C``: columns ``layer, C, auroc``.

    ``states`` is :func:`~shaping.probe.features.answer_states`' array, its second axis ``layers``.
    """
    from sklearn.metrics import roc_auc_score

    if states.shape[1] != len(layers):
        raise ValueError(f"states hold {states.shape[1]} layers but {len(layers)} layer numbers were given.")
    from tqdm.auto import tqdm

    rows = []
    for j, layer in enumerate(tqdm(layers, desc="probe layers", unit="layer", disable=not progress, leave=False)):
        for C in Cs:
            scores = out_of_fold_scores(states[:, j, :], y, splits, C=C)
            rows.append({"layer": int(layer), "C": float(C), "auroc": float(roc_auc_score(y, scores))})
    return pd.DataFrame(rows)


@dataclass
class ProbeFit:
    """A fitted probe in plain numbers: ``p = sigmoid(a * (((x - mean) / scale) @ coef + intercept) + b)``."""

    layer: int
    C: float
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    calibration: tuple[float, float]
    """Platt's ``(a, b)`` on the probe's log-odds."""
    search: pd.DataFrame
    """:func:`layer_search`'s table (every layer and C tried, with its out-of-fold AUROC)."""
    oof_p_correct: np.ndarray
    """Calibrated out-of-fold P(correct) of every training answer (for thresholds and checks)."""


def _platt(scores: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=1e6, max_iter=1000).fit(scores.reshape(-1, 1), y)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


def fit_probe(states: np.ndarray, y: Sequence[int], groups: Sequence, layers: Sequence[int], *,
              Cs: Sequence[float] = DEFAULT_CS, n_splits: int = 5, seed: int = 0, progress: bool = False) -> ProbeFit:
    """Pick the layer and ``C`` by grouped cross-validated AUROC, refit on all rows, calibrate.

    Args:
        states: ``(n, len(layers), hidden)`` mean answer-token states.
        y: 1 for a right answer, 0 for a wrong one.
        groups: one group per row (entity or relation); folds never split a group.
    """
    y = np.asarray(y, dtype=int)
    if states.ndim != 3 or states.shape[0] != len(y):
        raise ValueError(f"states has shape {states.shape}; expected (n={len(y)}, layers, hidden).")
    if not Cs or any(not c > 0 for c in Cs):
        raise ValueError(f"Cs={list(Cs)} must be a non-empty list of positive numbers.")
    splits = grouped_splits(y, groups, n_splits=n_splits, seed=seed)
    search = layer_search(states, y, splits, layers, Cs=Cs, progress=progress)
    best = search.loc[search["auroc"].idxmax()]
    j, C = list(layers).index(int(best["layer"])), float(best["C"])
    x = states[:, j, :].astype(np.float64)
    oof = out_of_fold_scores(x, y, splits, C=C)
    a, b = _platt(oof, y)
    pipe = _probe(C).fit(x, y)
    scaler, lr = pipe[0], pipe[-1]
    return ProbeFit(layer=int(best["layer"]), C=C, mean=scaler.mean_.copy(), scale=scaler.scale_.copy(),
                    coef=lr.coef_[0].copy(), intercept=float(lr.intercept_[0]), calibration=(a, b),
                    search=search, oof_p_correct=1.0 / (1.0 + np.exp(-(a * oof + b))))


def budget_threshold(p_correct: np.ndarray, y: Sequence[int], abstain_known: float) -> float:
    """The threshold that declines at most ``abstain_known`` of the right answers (by out-of-fold P(correct)).

    >>> budget_threshold(np.array([0.9, 0.8, 0.7, 0.2]), [1, 1, 1, 0], 0.34)
    0.8
    """
    if not 0.0 <= abstain_known < 1.0:
        raise ValueError(f"abstain_known={abstain_known} must lie in [0, 1): the share of right answers the gate "
                         "may decline.")
    right = np.sort(np.asarray(p_correct)[np.asarray(y, dtype=bool)])
    if len(right) == 0:
        raise ValueError("No right answer to set an abstention budget on.")
    return float(right[int(np.floor(abstain_known * len(right) + 1e-9))])
