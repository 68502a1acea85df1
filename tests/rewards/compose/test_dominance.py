"""Tests for rewards.compose.dominance.check_dominance."""

from __future__ import annotations

import pytest

from rewards.compose import DominanceSafe, WeightedSum
from rewards.compose.dominance import PAIR_KINDS, check_dominance
from rewards.truthfulness import TruthfulnessReward

PROMPTS = ["What is the capital of France?", "What is the capital of Peru?"]
GROUPS = [
    ["Paris.", "I don't know.", "The capital of France is Lyon, a large and lovely city."],
    ["Lima.", "I'm not sure.", "It is Cusco, the old Inca capital in the Andes."],
]
ANSWERS = [["Paris"], ["Lima"]]


def confident_rm(prompts, completions, **kwargs):
    """Prefers long, confident text: an abstention scores lowest, a long wrong answer highest."""
    return [-5.0 if "not sure" in c or "know" in c else float(len(c)) for c in completions]


def test_rm_alone_ranks_wrong_answers_above_abstentions():
    report = check_dominance(confident_rm, PROMPTS, GROUPS, answers=ANSWERS)
    assert report.outcome_counts == {"correct": 2, "abstain": 2, "wrong": 2}
    assert report.pairs == dict.fromkeys(PAIR_KINDS, 2)
    assert report.rate_of("wrong_over_abstain") == 1.0
    assert report.rate_of("abstain_over_correct") == 0.0
    assert report.rate_of("wrong_over_correct") == 1.0
    assert report.rate == pytest.approx(4 / 6)
    assert report.examples[0].kind in PAIR_KINDS
    assert "wrong_over_abstain" in report.summary()


def test_plain_weighted_sum_can_still_be_overridden_but_dominance_safe_cannot():
    plain = WeightedSum([TruthfulnessReward(), confident_rm], [1.0, 1.0])
    assert check_dominance(plain, PROMPTS, GROUPS, answers=ANSWERS).rate > 0
    safe = DominanceSafe(TruthfulnessReward(), confident_rm)
    report = check_dominance(safe, PROMPTS, GROUPS, answers=ANSWERS, batch_size=2)
    assert report.rate == 0.0 and not report.examples


def test_explicit_outcomes_ties_and_unscored_pairs():
    def flat(prompts, completions, **kwargs):
        return [None if c == "skip" else 1.0 for c in completions]

    report = check_dominance(flat, ["q"], [["a", "b", "skip"]], outcomes=[["correct", "wrong", "abstain"]])
    assert report.ties["wrong_over_correct"] == 1
    assert report.unscored == 2
    assert report.rate == 0.0
    assert report.rate_of("wrong_over_abstain") is None


def test_bad_input_is_reported_before_scoring():
    with pytest.raises(ValueError, match="Got 2 prompts and 1 response lists"):
        check_dominance(confident_rm, PROMPTS, GROUPS[:1], answers=ANSWERS)
    with pytest.raises(ValueError, match="Column 'answers' has 1 values for 2 prompts"):
        check_dominance(confident_rm, PROMPTS, GROUPS, answers=ANSWERS[:1])
    with pytest.raises(KeyError, match="needs outcomes= or an 'answers' column"):
        check_dominance(confident_rm, PROMPTS, GROUPS)
    with pytest.raises(ValueError, match="kind='x' is not one of"):
        check_dominance(confident_rm, PROMPTS, GROUPS, answers=ANSWERS).rate_of("x")
