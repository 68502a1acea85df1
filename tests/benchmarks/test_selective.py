"""Risk-coverage curves, AURC, calibration and the selective sweep."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from benchmarks.metrics import MissingColumnsError
from benchmarks.selective import (
    aurc_score,
    calibrated_confidence,
    confidence_scores,
    risk_coverage_curve,
    selective_sweep,
)


def test_risk_coverage_on_a_hand_example():
    correct = [True, False, True, True, False]
    confidence = [0.9, 0.8, 0.7, 0.6, 0.1]
    coverage, risk, thresholds = risk_coverage_curve(correct, confidence)
    np.testing.assert_allclose(coverage, [0.2, 0.4, 0.6, 0.8, 1.0])
    np.testing.assert_allclose(risk, [0, 1 / 2, 1 / 3, 1 / 4, 2 / 5])
    np.testing.assert_allclose(thresholds, confidence)
    # AURC = mean of the risks at each coverage step
    assert aurc_score(correct, confidence) == pytest.approx(np.mean([0, 1 / 2, 1 / 3, 1 / 4, 2 / 5]))


def test_ties_are_one_threshold():
    coverage, risk, thresholds = risk_coverage_curve([True, False, True], [0.5, 0.5, 0.2])
    np.testing.assert_allclose(coverage, [2 / 3, 1.0])
    np.testing.assert_allclose(risk, [0.5, 1 / 3])
    np.testing.assert_allclose(thresholds, [0.5, 0.2])


def test_abstentions_are_declined_at_every_threshold():
    outcomes = ["correct", "abstain", "wrong", "abstain"]
    coverage, risk, _ = risk_coverage_curve(outcomes, [0.9, np.nan, 0.2, 5.0])
    np.testing.assert_allclose(coverage, [0.25, 0.5])  # tops out at the answer rate
    np.testing.assert_allclose(risk, [0.0, 0.5])
    # normalised by the reached coverage: AURC of the answered subset
    assert aurc_score(outcomes, [0.9, np.nan, 0.2, 5.0]) == pytest.approx(aurc_score([True, False], [0.9, 0.2]))


def test_perfect_confidence_beats_random_and_has_zero_excess():
    rng = np.random.default_rng(0)
    correct = rng.random(2000) < 0.6
    perfect = correct + rng.random(2000) * 0.5  # every right answer above every wrong one
    random = rng.random(2000)
    assert aurc_score(correct, perfect) < 0.1 < aurc_score(correct, random)
    assert aurc_score(correct, random) == pytest.approx(1 - correct.mean(), abs=0.05)  # about the base risk
    assert aurc_score(correct, perfect, excess=True) == pytest.approx(0.0, abs=1e-12)
    assert aurc_score(correct, random, excess=True) > 0.1
    inverted = -perfect
    assert aurc_score(correct, inverted) > aurc_score(correct, random)


def test_curve_errors():
    with pytest.raises(ValueError, match="one confidence per question"):
        risk_coverage_curve([True, False], [0.1])
    with pytest.raises(ValueError, match="NaN or infinite"):
        risk_coverage_curve(["correct", "wrong"], [0.1, np.nan])
    with pytest.raises(ValueError, match="abstained on every question"):
        risk_coverage_curve(["abstain"], [0.3])
    with pytest.raises(ValueError, match="creative rows"):
        risk_coverage_curve(["correct", pd.NA], [0.1, 0.2])
    np.testing.assert_allclose(risk_coverage_curve([1, 0], [0.9, 0.1])[1], [0.0, 0.5])  # 0/1 read as booleans
    with pytest.raises(ValueError, match="non-empty"):
        risk_coverage_curve([], [])


def test_selective_sweep_ends_at_the_policy_and_rates_add_up():
    outcomes = ["correct", "wrong", "abstain", "correct", "wrong"]
    sweep = selective_sweep(outcomes, [0.9, 0.8, 0.0, 0.4, 0.1])
    last = sweep.iloc[-1]
    assert (last["accuracy"], last["abstention_rate"], last["hallucination_rate"]) == pytest.approx((0.4, 0.2, 0.4))
    total = sweep["accuracy"] + sweep["abstention_rate"] + sweep["hallucination_rate"]
    np.testing.assert_allclose(total, 1.0)
    assert sweep["abstention_rate"].is_monotonic_decreasing


def test_confidence_scores_checks_the_column():
    df = pd.DataFrame({"logprob": [-0.1, -2.0], "agreement": [None, None]})
    np.testing.assert_allclose(confidence_scores(df), [-0.1, -2.0])
    with pytest.raises(ValueError, match="null on all 2 rows"):
        confidence_scores(df, method="agreement")
    with pytest.raises(MissingColumnsError, match="p_correct"):
        confidence_scores(df, method="p_correct")
    with pytest.raises(ValueError, match="method='entropy'"):
        confidence_scores(df, method="entropy")


def test_calibrated_confidence_is_monotone_probability_out_of_fold():
    rng = np.random.default_rng(1)
    correct = rng.random(200) < 0.5
    score = np.where(correct, rng.normal(0, 1, 200), rng.normal(-2, 1, 200))
    outcomes = np.where(correct, "correct", "wrong").astype(object)
    outcomes[:10] = "abstain"
    p = calibrated_confidence(outcomes, score)
    assert np.isnan(p[:10]).all() and ((p[10:] > 0) & (p[10:] < 1)).all()
    assert p[10:][correct[10:]].mean() > p[10:][~correct[10:]].mean() + 0.2
    with pytest.raises(ValueError, match="at least 2 of each"):
        calibrated_confidence(["correct", "correct", "wrong"], [0.1, 0.2, 0.3])
