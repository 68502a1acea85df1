"""Confidence and selective prediction: risk-coverage curves and their area (AURC).

A selective policy answers only when its confidence reaches a threshold and declines
otherwise. Sweeping the threshold traces the *risk-coverage curve*: coverage is the
fraction of all questions answered, risk the fraction of answered ones that are wrong
(Geifman & El-Yaniv, 2017, "Selective Classification for Deep Neural Networks", NeurIPS).
The area under it, AURC, summarises how well the confidence ranks right answers above
wrong ones (Geifman, Uziel & El-Yaniv, 2019, "Bias-Reduced Uncertainty Estimation for
Deep Neural Classifiers", ICLR); lower is better.

**Abstentions.** The policy's own declines ("I don't know") are never answered, whatever
the threshold: they are declined first, ahead of any thresholding. Coverage therefore
counts answered questions over *all* questions and tops out at the policy's own answer
rate, and the curve's last point is the policy as it is. Pass plain booleans instead of
outcomes to treat every row as an answer.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from benchmarks.metrics import check_columns, outcome_array

#: Confidence (= its results column) -> what it is. All read "higher = more confident".
CONFIDENCES = {
    "logprob": "mean per-token log-probability of the greedy response",
    "agreement": "fraction of k samples that agree with the most common answer",
    "p_correct": "fraction of k samples judged correct (an oracle-labelled estimate)",
}


def confidence_scores(df: pd.DataFrame, *, method: str = "logprob") -> np.ndarray:
    """The per-question confidence of the greedy answer, as a float array.

    >>> confidence_scores(pd.DataFrame({"agreement": [0.5, 1.0]}), method="agreement").tolist()
    [0.5, 1.0]
    """
    if method not in CONFIDENCES:
        raise ValueError(f"method={method!r} is not a known confidence; use one of {sorted(CONFIDENCES)}.")
    check_columns(df, [method], what=f"confidence_scores(method={method!r})")
    values = pd.to_numeric(df[method], errors="coerce").to_numpy(dtype=float)
    if np.isnan(values).all():
        raise ValueError(f"Column {method!r} is null on all {len(values)} rows; "
                         "sample-based confidences need `shaping bench --samples k` with k > 0.")
    return values


def _answered_and_wrong(correct: Any, n: int) -> tuple[np.ndarray, np.ndarray]:
    values = list(correct.values if isinstance(correct, pd.Series) else correct)
    if len(values) != n:
        raise ValueError(f"Got {len(values)} outcomes and {n} confidences; pass one confidence per question.")
    if values and all(isinstance(v, (bool, np.bool_, int, np.integer)) and v in (0, 1) for v in values):
        flags = np.asarray(values, dtype=bool)
        return np.ones(n, dtype=bool), ~flags
    outcomes = outcome_array(values)
    return outcomes != "abstain", outcomes == "wrong"


def risk_coverage_curve(correct: Any, confidence: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Coverage and selective risk at every distinct confidence threshold.

    Args:
        correct: outcomes (``"correct"``/``"abstain"``/``"wrong"``; abstentions are the
            policy's own declines, never covered) or booleans (True = right answer).
        confidence: one score per question, higher = more confident; ignored (may be NaN)
            on abstentions.

    Returns:
        ``coverage, risk, thresholds``: at ``thresholds[i]`` the policy answers the
        questions with confidence >= it; thresholds decrease, coverage increases.

    >>> cov, risk, thr = risk_coverage_curve(["correct", "wrong", "abstain", "correct"],
    ...                                      [0.9, 0.5, 0.1, 0.7])
    >>> cov.tolist(), risk.round(3).tolist(), thr.tolist()
    ([0.25, 0.5, 0.75], [0.0, 0.0, 0.333], [0.9, 0.7, 0.5])
    """
    confidence = np.asarray(confidence, dtype=float)
    if confidence.ndim != 1 or len(confidence) == 0:
        raise ValueError(f"confidence must be a non-empty 1-D array, got shape {confidence.shape}.")
    answered, wrong = _answered_and_wrong(correct, len(confidence))
    conf = confidence[answered]
    if not np.isfinite(conf).all():
        raise ValueError(f"{int((~np.isfinite(conf)).sum())} answered question(s) have a NaN or infinite "
                         "confidence; every answered question needs a finite score.")
    if len(conf) == 0:
        raise ValueError("The policy abstained on every question: no answer to rank, the curve is empty.")
    order = np.argsort(-conf, kind="stable")
    conf, wrong = conf[order], wrong[answered][order]
    last_of_tie = np.r_[np.flatnonzero(np.diff(conf)), len(conf) - 1]  # cut only between distinct scores
    covered = last_of_tie + 1
    coverage = covered / len(confidence)
    risk = np.cumsum(wrong)[last_of_tie] / covered
    return coverage, risk, conf[last_of_tie]


def aurc_score(correct: Any, confidence: Any, *, excess: bool = False) -> float:
    """Area under the risk-coverage curve, normalised by the coverage the policy reaches.

    With no abstentions this is the usual AURC: the mean selective risk over coverages
    1/n .. 1 (lower is better; a random confidence gives about the overall risk). With
    abstentions the area over [0, max coverage] is divided by that max coverage, i.e. the
    AURC of the answered subset; read it beside the answer rate. ``excess=True`` gives
    E-AURC, the AURC minus that of a perfect ranking of the same answers (0 = perfect).

    >>> round(aurc_score([True, True, False], [0.9, 0.8, 0.1]), 4)  # (0 + 0 + 1/3) / 3
    0.1111
    """
    coverage, risk, _ = risk_coverage_curve(correct, confidence)
    widths = np.diff(np.r_[0.0, coverage])
    area = float(np.sum(risk * widths) / coverage[-1])
    if not excess:
        return area
    answered, wrong = _answered_and_wrong(correct, len(np.asarray(confidence)))
    wrong = wrong[answered]
    perfect = np.r_[np.zeros((~wrong).sum()), np.ones(wrong.sum())]
    best_risk = np.cumsum(perfect) / np.arange(1, len(perfect) + 1)
    return area - float(np.mean(best_risk))


def calibrated_confidence(outcomes: Any, scores: Any, *, cv: int = 5, random_state: int = 0) -> np.ndarray:
    """Out-of-fold P(correct | score) for answered questions, by logistic regression (Platt, 1999).

    A raw log-probability is not a probability; to compare it with a reward's threshold
    it is mapped to P(correct) by a logistic fit on the answered questions, predicted
    out-of-fold (``cv`` stratified folds) so no question is scored by a fit that saw it.
    Abstentions get NaN.

    >>> out = calibrated_confidence(["correct", "wrong"] * 4, [-0.1, -2.0] * 4, cv=2)
    >>> bool(out[0] > 0.5 > out[1])
    True
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    scores = np.asarray(scores, dtype=float)
    answered, wrong = _answered_and_wrong(outcomes, len(scores))
    x, y = scores[answered].reshape(-1, 1), (~wrong[answered]).astype(int)
    if not np.isfinite(x).all():
        raise ValueError("Every answered question needs a finite score to calibrate; found NaN or inf.")
    smallest = int(min(y.sum(), len(y) - y.sum()))
    if smallest < 2:
        raise ValueError(f"Cannot calibrate: the answered questions hold {int(y.sum())} correct and "
                         f"{int(len(y) - y.sum())} wrong; at least 2 of each are needed. Use the "
                         "sample-based confidence (p_correct) or evaluate more questions.")
    folds = StratifiedKFold(n_splits=min(cv, smallest), shuffle=True, random_state=random_state)
    out = np.full(len(scores), np.nan)
    out[answered] = cross_val_predict(LogisticRegression(), x, y, cv=folds, method="predict_proba")[:, 1]
    return out


def selective_sweep(outcomes: Any, confidence: Any) -> pd.DataFrame:
    """Accuracy, abstention and hallucination of the policy at every confidence threshold.

    The accuracy-abstention frontier: declining the least confident answers trades
    hallucinations for abstentions. The last row is the policy as it is.

    >>> selective_sweep(["correct", "wrong"], [0.9, 0.2])[["abstention_rate", "accuracy"]].values.tolist()
    [[0.5, 0.5], [0.0, 0.5]]
    """
    coverage, risk, thresholds = risk_coverage_curve(outcomes, confidence)
    answered_wrong = risk * coverage
    return pd.DataFrame({
        "threshold": thresholds,
        "coverage": coverage,
        "risk": risk,
        "accuracy": coverage - answered_wrong,
        "abstention_rate": 1.0 - coverage,
        "hallucination_rate": answered_wrong,
    })
