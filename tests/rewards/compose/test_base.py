"""rewards.compose.base: running moments, how components are called and validated, outcome logging."""

from __future__ import annotations

import math

import pytest

from rewards import LengthPenalty, Outcome, OutcomeScore, TruthfulnessReward, reward_rule
from rewards.compose import DominanceSafe, RunningMoments, WeightedSum
from rewards.compose.base import carries_outcomes, component_scores, component_values, log_outcomes
from tests.rewards.compose.components import Q, length_reward


def test_running_moments_match_the_batch_statistics():
    m = RunningMoments()
    m.update([1.0, 2.0])
    m.update([3.0, 4.0, 5.0])
    assert m.mean == pytest.approx(3.0)
    assert m.std == pytest.approx(math.sqrt(2.5))


def test_carries_outcomes_tells_outcome_rewards_and_compositions_from_plain_rewards():
    assert carries_outcomes(TruthfulnessReward()) and carries_outcomes(reward_rule(lambda r, q, **row: 0.0))
    assert carries_outcomes(DominanceSafe(TruthfulnessReward(), length_reward))
    assert not carries_outcomes(length_reward) and not carries_outcomes(LengthPenalty())


def test_plain_components_are_validated_where_they_enter():
    def gives(value):
        return lambda prompts, completions, **kwargs: [value] * len(completions)

    assert component_values(gives(2), "two", ["q"], ["r"], {}) == [2.0]
    assert type(component_values(gives(2), "two", ["q"], ["r"], {})[0]) is float
    with pytest.raises(ValueError, match="Reward 'bad' returned nan for row 0"):
        component_values(gives(math.nan), "bad", ["q"], ["r"], {})
    with pytest.raises(TypeError, match="Reward 'bad' returned 'x'"):
        component_scores(gives("x"), "bad", ["q"], ["r"], {})
    with pytest.raises(ValueError, match="Component 'short' returned list of length 0 for 1 completions"):
        component_values(lambda prompts, completions, **kw: [], "short", ["q"], ["r"], {})


def test_component_scores_carry_outcomes_where_the_component_has_them():
    args = ([Q] * 2, ["Paris.", "Lyon."], {"answers": [["Paris"]] * 2})
    assert component_scores(TruthfulnessReward(), "t", *args) == [OutcomeScore(1.0, Outcome.CORRECT),
                                                                 OutcomeScore(-1.0, Outcome.WRONG)]
    assert component_scores(length_reward, "len", *args) == [OutcomeScore(6.0), OutcomeScore(5.0)]


def test_log_outcomes_names_a_decline_of_a_known_question_apart():
    metrics = {}
    log_outcomes(metrics, [OutcomeScore(1.0, Outcome.CORRECT, True), OutcomeScore(-1.0, Outcome.ABSTAIN, True),
                           OutcomeScore(0.0, Outcome.ABSTAIN, False), OutcomeScore(-1.0, Outcome.WRONG, None),
                           OutcomeScore(None)])
    assert metrics == {"correct_rate": 0.25, "abstain_rate": 0.5, "wrong_rate": 0.25, "abstain_known_rate": 0.25}
    plain: dict = {}
    log_outcomes(plain, [OutcomeScore(1.0, Outcome.CORRECT), OutcomeScore(0.5)])
    assert plain == {"correct_rate": 1.0, "abstain_rate": 0.0, "wrong_rate": 0.0}
    unjudged: dict = {}
    log_outcomes(unjudged, [OutcomeScore(0.5), OutcomeScore(None)])
    assert unjudged == {}


def test_the_composed_value_is_validated():
    huge = WeightedSum([lambda prompts, completions, **kw: [1e308] * len(completions)] * 2, name="huge")
    with pytest.raises(ValueError, match="Reward 'huge' returned inf for row 0"):
        huge(["q"], ["r"])
