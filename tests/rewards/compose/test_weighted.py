"""rewards.compose.weighted: a weighted sum of rewards, normalised, clipped, logged."""

from __future__ import annotations

import pytest

from rewards import reward_rule
from rewards.compose import WeightedSum
from rewards.knowledge import KnowledgeAwareTruthfulness, KnowledgeLabels
from rewards.truthfulness import TruthfulnessReward
from tests.rewards.compose.components import RESPONSES, Q, Recorder, constant_one, length_reward, none_reward


def test_weights_must_match_rewards():
    with pytest.raises(ValueError, match="Got 3 weights for 2 rewards; pass one weight per reward."):
        WeightedSum([length_reward, constant_one], [1.0, 1.0, 1.0])


@pytest.mark.parametrize("kwargs, match", [
    ({"normalize": "zscore"}, "normalize='zscore'"),
    ({"normalize": "fixed"}, "needs scales"),
    ({"scales": [1.0, 1.0]}, "only used with normalize='fixed'"),
    ({"clip": 0.0}, "clip=0.0"),
])
def test_weighted_sum_rejects_bad_options(kwargs, match):
    with pytest.raises(ValueError, match=match):
        WeightedSum([length_reward, constant_one], **kwargs)


def test_weight_zero_component_is_logged_but_not_optimised():
    log = Recorder()
    reward = WeightedSum([constant_one, length_reward], [2.0, 0.0], name="mix")
    assert reward(["q", "q"], ["ab", "abcdef"], log_metric=log) == [2.0, 2.0]
    assert log.metrics["rewards/mix/length_reward/mean"] == pytest.approx(4.0)
    assert log.metrics["rewards/mix/constant_one/mean"] == 1.0
    assert log.metrics["rewards/mix/mean"] == 2.0


def test_running_normalisation_standardises_each_component():
    reward = WeightedSum([length_reward], normalize="running")
    out = reward(["q"] * 3, ["a", "abc", "abcde"])
    assert out == pytest.approx([-1.0, 0.0, 1.0])


def test_fixed_scales_and_clip():
    reward = WeightedSum([length_reward, constant_one], [1.0, 1.0], normalize="fixed",
                         scales=[2.0, 0.5], clip=1.5)
    assert reward(["q", "q"], ["a", "abcdefgh"]) == [0.5 + 1.5, 1.5 + 1.5]


def test_rows_no_weighted_component_applies_to_get_none():
    reward = WeightedSum([none_reward, length_reward], [1.0, 0.0])
    assert reward(["q"], ["abc"]) == [None]


def test_outcome_rates_are_logged_for_outcome_components():
    log = Recorder()
    reward = WeightedSum([TruthfulnessReward(), length_reward], [1.0, 0.1], name="sum")
    reward([Q] * 3, list(RESPONSES.values()), answers=[["Paris"]] * 3, log_metric=log)
    for outcome in ("correct", "abstain", "wrong"):
        assert log.metrics[f"rewards/sum/{outcome}_rate"] == pytest.approx(1 / 3)


def test_a_decline_of_a_known_question_is_logged_under_its_own_name():
    log = Recorder()
    labels = KnowledgeLabels({"fr": 1.0})
    truth = KnowledgeAwareTruthfulness(labels, abstain_known=-1.0, refresh_min_samples=0)
    reward = WeightedSum([truth, length_reward], [1.0, 0.0], name="sum")
    scores = reward([Q] * 3, ["I don't know.", "Lyon.", "Paris."], answers=[["Paris"]] * 3, id=["fr"] * 3,
                    log_metric=log)
    assert scores == [-1.0, -1.0, 1.0]  # priced like a wrong answer ...
    metrics = {k.removeprefix("rewards/sum/"): v for k, v in log.metrics.items()
               if k.startswith("rewards/sum/") and k.endswith("_rate")}
    assert metrics == pytest.approx({"correct_rate": 1 / 3, "abstain_rate": 1 / 3, "wrong_rate": 1 / 3,
                                     "abstain_known_rate": 1 / 3})  # ... but logged as what it is


def test_components_without_outcomes_are_weighted_and_logged_without_rates():
    log = Recorder()
    shouts = reward_rule(lambda response, question, **row: 1.0 if response.isupper() else 0.0, name="shouts")
    reward = WeightedSum([shouts, length_reward], [2.0, 1.0], name="plain")
    assert reward(["q", "q"], ["HI", "hey"], log_metric=log) == [4.0, 3.0]
    assert log.metrics == {"rewards/plain/shouts/mean": 0.5, "rewards/plain/length_reward/mean": 2.5,
                           "rewards/plain/mean": 3.5}
    assert [s.outcome for s in reward.score_with_outcomes(["q"], ["HI"])] == [None]
