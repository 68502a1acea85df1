"""Reward schemes: implied thresholds, expected and selective rewards, the penalty sweep."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from benchmarks.schemes import (
    evaluate_scheme,
    expected_reward,
    implied_threshold,
    penalty_sweep,
    scheme_table,
    selective_outcomes,
)
from tests.benchmarks.synthetic_results import make_results


@pytest.mark.parametrize("values, threshold", [((1, 0, -1), 0.5), ((1, 0, -3), 0.75), ((1, 0.5, -1), 0.75),
                                               ((2, 1, 0), 0.5), ((1, 0, -9), 0.9)])
def test_implied_threshold(values, threshold):
    c, a, w = values
    assert implied_threshold(correct=c, abstain=a, wrong=w) == pytest.approx(threshold)


def test_implied_threshold_agrees_with_the_training_reward():
    from rewards.truthfulness import TruthfulnessReward

    for c, a, w in [(1, 0, -1), (1, 0, -3), (3, 1, -2)]:
        expected = TruthfulnessReward(correct=c, abstain=a, wrong=w).implied_threshold
        assert implied_threshold(correct=c, abstain=a, wrong=w) == pytest.approx(expected)
    assert implied_threshold(correct=3, abstain=1, wrong=-2) == pytest.approx(3 / 5)


@pytest.mark.parametrize("values", [(1, 0, 0), (0, 1, -1), (1, -1, 0)])
def test_implied_threshold_rejects_misordered_rewards(values):
    c, a, w = values
    with pytest.raises(ValueError, match="correct > abstain > wrong"):
        implied_threshold(correct=c, abstain=a, wrong=w)


def test_expected_reward_hand_computed():
    outcomes = ["correct", "correct", "abstain", "wrong"]
    assert expected_reward(outcomes, correct=1, abstain=0, wrong=-3) == pytest.approx(-0.25)
    assert expected_reward(outcomes, correct=1, abstain=0.5, wrong=-1) == pytest.approx(0.375)


def test_selective_outcomes_decline_at_or_below_threshold():
    out = selective_outcomes(["correct", "wrong", "wrong", "abstain"], [0.8, 0.75, 0.2, 0.99], threshold=0.75)
    assert out.tolist() == ["correct", "abstain", "abstain", "abstain"]
    with pytest.raises(ValueError, match="no confidence"):
        selective_outcomes(["correct"], [np.nan], threshold=0.5)


def test_evaluate_scheme_hand_computed():
    df = pd.DataFrame({"outcome": ["correct", "correct", "wrong", "wrong", "abstain"],
                       "p_correct": [1.0, 0.5, 0.25, 1.0, 0.0], "p_abstain": [0.0, 0.0, 0.25, 0.0, 1.0]})
    row = evaluate_scheme(df, correct=1, abstain=0, wrong=-3)
    assert row["threshold"] == 0.75
    assert row["policy_reward"] == pytest.approx((2 - 6) / 5)
    # kept: rows 0 (correct) and 3 (wrong, overconfident); the rest decline
    assert row["selective_reward"] == pytest.approx((1 - 3) / 5)
    assert row["selective_coverage"] == pytest.approx(0.4)
    assert row["oracle_reward"] == pytest.approx(0.4)
    sampled = np.mean([1.0, 0.5 - 1.5, 0.25 - 3 * 0.5, 1.0, 0.0])
    assert row["sampled_reward"] == pytest.approx(sampled)
    assert row["confidence"] == "p_correct"


def test_falls_back_to_calibrated_logprob_without_samples():
    df = make_results(200, creative=0).drop(columns=["p_correct", "p_abstain", "agreement", "known"])
    table = scheme_table(df, [(1, 0, -1)])
    assert table.loc[0, "confidence"] == "calibrated logprob"
    assert "sampled_reward" not in table.columns
    # a confidence that tracks correctness makes the selective policy pay more than the policy as is
    assert table.loc[0, "selective_reward"] > table.loc[0, "policy_reward"]


def test_penalty_sweep_is_monotone_and_checks_input():
    df = make_results(200)
    sweep = penalty_sweep(df, penalties=[0.5, 1, 3, 9])
    assert sweep["penalty"].tolist() == [0.5, 1, 3, 9]
    assert sweep["threshold"].is_monotonic_increasing
    assert sweep["policy_reward"].is_monotonic_decreasing
    assert (sweep["selective_reward"] >= sweep["policy_reward"] - 1e-9).iloc[1:].all()
    assert (sweep["oracle_reward"] >= sweep["selective_reward"]).all()
    with pytest.raises(ValueError, match="wrong >= abstain"):
        penalty_sweep(df, penalties=[0.0, 1.0])
    with pytest.raises(ValueError, match="penalties is empty"):
        penalty_sweep(df, penalties=[])
    with pytest.raises(ValueError, match="pass \\(correct, abstain, wrong\\)"):
        scheme_table(df, [(1, 0)])
    with pytest.raises(ValueError, match="schemes is empty"):
        scheme_table(df, [])
    with pytest.raises(ValueError, match="confidence='magic'"):
        scheme_table(df, confidence="magic")
