"""Reward schemes: what a (correct, abstain, wrong) reward pays the policy, and what it asks of it.

A reward of ``c`` for a correct answer, ``a`` for an abstention and ``w`` for a wrong one
(``c > a > w``) makes answering worth it only when ``P(correct) > (a - w) / (c - w)``: the
scheme's *implied threshold* (shared/DESIGN.md). For each scheme we report

- ``policy_reward``: mean reward of the greedy policy as it is;
- ``selective_reward``: mean reward of the *best selective policy* -- the same answers, but
  kept only when the confidence P(correct) exceeds the threshold and replaced by "I don't
  know" otherwise (the policy's own abstentions stay abstentions);
- ``oracle_reward``: the ceiling, answering exactly the questions it gets right;
- ``sampled_reward``: the mean reward under sampling (from the k samples), the quantity RL
  actually optimises, when the results carry ``p_correct``/``p_abstain``.

The confidence is ``p_correct`` (fraction of k samples judged correct) when present, else
the greedy log-probability calibrated out-of-fold (:func:`benchmarks.selective.calibrated_confidence`).
``p_correct`` uses the gold answers, so the selective reward it gives is what a policy
that knew its own accuracy could earn: an upper estimate, not a deployable rule.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from benchmarks.metrics import check_columns, outcome_array
from benchmarks.selective import calibrated_confidence, confidence_scores
from rewards.outcome import check_outcome_order, outcome_rates
from rewards.truthfulness import TruthfulnessReward

DEFAULT_SCHEMES: tuple[tuple[float, float, float], ...] = ((1.0, 0.0, -1.0), (1.0, 0.0, -3.0), (1.0, 0.0, -9.0),
                                                           (1.0, 0.5, -1.0))
DEFAULT_PENALTIES: tuple[float, ...] = (0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 9.0, 19.0)


def implied_threshold(*, correct: float, abstain: float, wrong: float) -> float:
    """The P(correct) above which answering beats abstaining: ``(a - w) / (c - w)``.

    Read off :attr:`rewards.truthfulness.TruthfulnessReward.implied_threshold`, so the
    benchmark and the training reward can never disagree; a misordered scheme raises
    (:func:`rewards.outcome.check_outcome_order`): no confidence threshold exists for it.

    >>> implied_threshold(correct=1.0, abstain=0.0, wrong=-3.0)
    0.75
    """
    check_outcome_order(correct, abstain, wrong, where="reward scheme")
    return float(TruthfulnessReward(correct=correct, abstain=abstain, wrong=wrong).implied_threshold)


def expected_reward(outcomes: Any, *, correct: float, abstain: float, wrong: float) -> float:
    """Mean reward per question that the outcomes earn under the scheme.

    >>> expected_reward(["correct", "abstain", "wrong"], correct=1.0, abstain=0.0, wrong=-3.0)
    -0.6666666666666666
    """
    values = outcome_array(outcomes)
    rewards = np.select([values == "correct", values == "abstain"], [correct, abstain], wrong)
    return float(np.mean(rewards))


def selective_outcomes(outcomes: Any, confidence: Any, *, threshold: float) -> np.ndarray:
    """The outcomes after declining every answer whose confidence is not above ``threshold``.

    >>> selective_outcomes(["correct", "wrong", "abstain"], [0.9, 0.3, 0.9], threshold=0.5).tolist()
    ['correct', 'abstain', 'abstain']
    """
    values = outcome_array(outcomes)
    confidence = np.asarray(confidence, dtype=float)
    if confidence.shape != values.shape:
        raise ValueError(f"Got {len(values)} outcomes and {confidence.size} confidences; pass one per question.")
    answered = values != "abstain"
    if np.isnan(confidence[answered]).any():
        raise ValueError(f"{int(np.isnan(confidence[answered]).sum())} answered question(s) have no confidence "
                         "(NaN); every answered question needs one.")
    keep = answered & (confidence > threshold)
    return np.where(keep, values, "abstain").astype(object)


def scheme_confidence(df: pd.DataFrame, *, confidence: str = "auto") -> tuple[str, np.ndarray]:
    """Pick the P(correct) estimate for selective answering; returns (name, values).

    ``"auto"``: ``p_correct`` when every answered row has it, else calibrated ``logprob``.
    ``"logprob"`` and ``"agreement"`` are calibrated out-of-fold into probabilities.
    """
    outcomes = outcome_array(df)
    answered = outcomes != "abstain"
    if not answered.any():  # nothing to keep or decline: no confidence is needed
        return "none (no answers)", np.full(len(outcomes), np.nan)
    if confidence == "auto":
        has_p = "p_correct" in df.columns and df["p_correct"].notna().to_numpy()[answered].all()
        confidence = "p_correct" if has_p else "logprob"
    if confidence == "p_correct":
        return confidence, confidence_scores(df, method="p_correct")
    if confidence in ("logprob", "agreement"):
        return f"calibrated {confidence}", calibrated_confidence(outcomes, confidence_scores(df, method=confidence))
    raise ValueError(f"confidence={confidence!r} is not supported; use 'auto', 'p_correct', 'logprob' or 'agreement'.")


def evaluate_scheme(df: pd.DataFrame, *, correct: float, abstain: float, wrong: float,
                    confidence: str | tuple[str, np.ndarray] = "auto") -> dict[str, Any]:
    """Everything one reward scheme says about the policy, as a dict (one report row).

    ``confidence`` is a name for :func:`scheme_confidence` or a ready ``(name, values)``
    pair aligned with the judged rows (what :func:`scheme_table` passes, to calibrate once).

    >>> df = pd.DataFrame({"outcome": ["correct", "wrong", "abstain"], "p_correct": [0.9, 0.2, 0.0]})
    >>> r = evaluate_scheme(df, correct=1.0, abstain=0.0, wrong=-3.0)
    >>> r["threshold"], r["policy_reward"], r["selective_reward"]
    (0.75, -0.6666666666666666, 0.3333333333333333)
    """
    check_columns(df, ["outcome"], what="evaluate_scheme")
    df = df[df["outcome"].notna()]
    values = dict(correct=correct, abstain=abstain, wrong=wrong)
    threshold = implied_threshold(**values)
    outcomes = outcome_array(df)
    name, conf = confidence if isinstance(confidence, tuple) else scheme_confidence(df, confidence=confidence)
    chosen = selective_outcomes(outcomes, conf, threshold=threshold)
    accuracy, selective = outcome_rates(outcomes)["correct"], outcome_rates(chosen)
    row = {
        "correct": correct, "abstain": abstain, "wrong": wrong, "threshold": threshold,
        "policy_reward": expected_reward(outcomes, **values),
        "selective_reward": expected_reward(chosen, **values),
        "selective_coverage": 1.0 - selective["abstain"],
        "selective_accuracy": selective["correct"],
        "selective_hallucination": selective["wrong"],
        "oracle_reward": accuracy * correct + (1.0 - accuracy) * abstain,
        "confidence": name,
    }
    if {"p_correct", "p_abstain"} <= set(df.columns) and df["p_correct"].notna().all():
        p_c, p_a = df["p_correct"].to_numpy(float), df["p_abstain"].to_numpy(float)
        row["sampled_reward"] = float(np.mean(p_c * correct + p_a * abstain + (1 - p_c - p_a) * wrong))
    return row


def check_schemes(schemes: Iterable[Sequence[float]]) -> list[tuple[float, float, float]]:
    """Validate ``(correct, abstain, wrong)`` triples before any work; return them as floats.

    >>> check_schemes([(1, 0, -3)])
    [(1.0, 0.0, -3.0)]
    """
    checked = []
    for scheme in schemes:
        if len(scheme) != 3:
            raise ValueError(f"Scheme {tuple(scheme)} has {len(scheme)} values; pass (correct, abstain, wrong).")
        c, a, w = map(float, scheme)
        implied_threshold(correct=c, abstain=a, wrong=w)  # raises when misordered
        checked.append((c, a, w))
    if not checked:
        raise ValueError("schemes is empty; pass (correct, abstain, wrong) triples, e.g. [(1, 0, -3)].")
    return checked


def penalty_schemes(penalties: Iterable[float], *, correct: float = 1.0,
                    abstain: float = 0.0) -> list[tuple[float, float, float]]:
    """The schemes ``(correct, abstain, -penalty)`` of a penalty sweep, validated.

    >>> penalty_schemes([1, 3])
    [(1.0, 0.0, -1.0), (1.0, 0.0, -3.0)]
    """
    penalties = [float(p) for p in penalties]
    if not penalties:
        raise ValueError("penalties is empty; pass the wrong-answer penalties to sweep, e.g. [1, 3, 9].")
    bad = [p for p in penalties if not -p < abstain]
    if bad:
        raise ValueError(f"Penalties {bad} give wrong >= abstain={abstain}; each penalty must exceed {-abstain}.")
    return check_schemes([(correct, abstain, -p) for p in penalties])


def scheme_table(df: pd.DataFrame, schemes: Iterable[Sequence[float]] = DEFAULT_SCHEMES, *,
                 confidence: str | tuple[str, np.ndarray] = "auto") -> pd.DataFrame:
    """:func:`evaluate_scheme` for each ``(correct, abstain, wrong)`` triple, one row each.

    >>> df = pd.DataFrame({"outcome": ["correct", "wrong"], "p_correct": [0.9, 0.2]})
    >>> scheme_table(df, [(1, 0, -1), (1, 0, -3)])["threshold"].tolist()
    [0.5, 0.75]
    """
    schemes = check_schemes(schemes)
    check_columns(df, ["outcome"], what="scheme_table")
    judged = df[df["outcome"].notna()]
    conf = confidence if isinstance(confidence, tuple) else scheme_confidence(judged, confidence=confidence)
    return pd.DataFrame([evaluate_scheme(judged, correct=c, abstain=a, wrong=w, confidence=conf)
                         for c, a, w in schemes])


def penalty_sweep(df: pd.DataFrame, *, penalties: Iterable[float] = DEFAULT_PENALTIES, correct: float = 1.0,
                  abstain: float = 0.0, confidence: str | tuple[str, np.ndarray] = "auto") -> pd.DataFrame:
    """Rewards as the wrong-answer penalty grows: one row per ``wrong = -penalty``.

    >>> df = pd.DataFrame({"outcome": ["correct", "wrong"], "p_correct": [0.9, 0.2]})
    >>> penalty_sweep(df, penalties=[1, 3])[["penalty", "threshold"]].values.tolist()
    [[1.0, 0.5], [3.0, 0.75]]
    """
    schemes = penalty_schemes(penalties, correct=correct, abstain=abstain)
    table = scheme_table(df, schemes, confidence=confidence)
    table.insert(0, "penalty", [-w for _, _, w in schemes])
    return table
