"""Tests for rewards.compose: weighted sums, routing by query type, dominance-safe bands."""

from __future__ import annotations

import math
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rewards import Outcome
from rewards.compose import DominanceSafe, RouteByQueryType, RunningMoments, WeightedSum
from rewards.truthfulness import TruthfulnessReward

Q = "What is the capital of France?"
RESPONSES = {Outcome.CORRECT: "Paris.", Outcome.ABSTAIN: "I don't know.", Outcome.WRONG: "Lyon."}


def length_reward(prompts, completions, **kwargs):
    return [float(len(c)) for c in completions]


def constant_one(prompts, completions, **kwargs):
    return [1.0] * len(completions)


def none_reward(prompts, completions, **kwargs):
    return [None] * len(completions)


class Recorder:
    def __init__(self):
        self.metrics = {}

    def __call__(self, name, value):
        self.metrics[name] = value


class FixedScores:
    """A stand-in RM that returns given scores, whatever the responses."""

    def __init__(self, scores):
        self.scores = list(scores)
        self.__name__ = "fixed_rm"

    def __call__(self, prompts, completions, **kwargs):
        return self.scores[: len(completions)]


def test_running_moments_match_the_batch_statistics():
    m = RunningMoments()
    m.update([1.0, 2.0])
    m.update([3.0, 4.0, 5.0])
    assert m.mean == pytest.approx(3.0)
    assert m.std == pytest.approx(math.sqrt(2.5))


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


def test_routing_table_must_cover_every_query_type():
    with pytest.raises(ValueError, match=r"no entry for query type\(s\) \['creative'\]"):
        RouteByQueryType({"knowledge-seeking": constant_one, "text-grounded": constant_one})
    with pytest.raises(ValueError, match="Unknown query type 'poetry'"):
        RouteByQueryType({"poetry": constant_one})


def test_routing_uses_the_column_and_slices_the_other_columns():
    seen = {}

    def truth(prompts, completions, answers, **kwargs):
        seen["answers"] = answers
        return [10.0] * len(completions)

    reward = RouteByQueryType({"knowledge-seeking": truth, "text-grounded": None, "creative": length_reward})
    out = reward(["a", "b", "c"], ["x", "yy", "zzz"], answers=[["1"], None, ["3"]],
                 query_type=["knowledge-seeking", "creative", "text-grounded"])
    assert out == [10.0, 2.0, None]
    assert seen["answers"] == [["1"]]


def test_routing_classifies_prompts_without_the_column():
    reward = RouteByQueryType({"knowledge-seeking": constant_one, "text-grounded": constant_one,
                               "creative": length_reward})
    assert reward([Q, "Write a short poem about the rain."], ["Paris.", "abc"]) == [1.0, 3.0]


def test_routing_rejects_an_unknown_query_type_value():
    reward = RouteByQueryType(dict.fromkeys(("knowledge-seeking", "text-grounded", "creative"), constant_one))
    with pytest.raises(ValueError, match="Row 1 has query_type='fiction'"):
        reward(["a", "b"], ["x", "y"], query_type=["creative", "fiction"])


def test_dominance_safe_needs_levels_and_a_valid_band():
    with pytest.raises(ValueError, match="Cannot tell the outcome levels"):
        DominanceSafe(constant_one, length_reward)
    with pytest.raises(ValueError, match="band=1.0"):
        DominanceSafe(TruthfulnessReward(), length_reward, band=1.0)
    reward = DominanceSafe(length_reward, constant_one, levels={"correct": 1, "abstain": 0, "wrong": -1})
    with pytest.raises(ValueError, match="returned 5.0 for row 0, which is none of its levels"):
        reward(["q"], ["abcde"])


@settings(max_examples=60, deadline=None)
@given(
    outcomes=st.lists(st.sampled_from(list(Outcome)), min_size=2, max_size=12),
    scores=st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=12, max_size=12),
    wrong=st.floats(-10, -0.01), correct=st.floats(0.01, 10),
    band=st.floats(0.05, 0.95), squash=st.sampled_from(["sigmoid", "rank"]),
)
def test_dominance_safe_orders_outcomes_for_any_rm_scores(outcomes, scores, wrong, correct, band, squash):
    truth = TruthfulnessReward(correct=correct, abstain=0.0, wrong=wrong)
    reward = DominanceSafe(truth, FixedScores(scores), band=band, squash=squash)
    for _ in range(2):  # a second batch: the running moments have moved
        values = reward([Q] * len(outcomes), [RESPONSES[o] for o in outcomes], answers=[["Paris"]] * len(outcomes))
        level = {Outcome.CORRECT: correct, Outcome.ABSTAIN: 0.0, Outcome.WRONG: wrong}
        for o, v in zip(outcomes, values):
            assert abs(v - level[o]) <= reward.width / 2 + 1e-12
        rank = {Outcome.WRONG: 0, Outcome.ABSTAIN: 1, Outcome.CORRECT: 2}
        for i in range(len(outcomes)):
            for j in range(len(outcomes)):
                if rank[outcomes[i]] > rank[outcomes[j]]:
                    assert values[i] > values[j]
                elif outcomes[i] == outcomes[j] and scores[i] < scores[j]:
                    assert values[i] <= values[j]  # the RM's order within an outcome is kept


def test_dominance_safe_keeps_rm_order_within_an_outcome_and_logs():
    log = Recorder()
    reward = DominanceSafe(TruthfulnessReward(), FixedScores([3.0, 1.0, 2.0]), name="safe")
    values = reward([Q] * 3, ["Paris.", "It is Paris.", "Paris, of course."], answers=[["Paris"]] * 3, log_metric=log)
    assert values[0] > values[2] > values[1]
    assert log.metrics["rewards/safe/correct_rate"] == 1.0
    assert log.metrics["rewards/safe/fixed_rm/mean"] == pytest.approx(2.0)


def test_dominance_safe_passes_none_through():
    reward = DominanceSafe(TruthfulnessReward(), length_reward)
    assert reward([Q, Q], ["Paris.", "Lyon."], answers=[None, ["Paris"]])[0] is None


def test_composed_rewards_pickle():
    reward = RouteByQueryType({
        "knowledge-seeking": DominanceSafe(TruthfulnessReward(), length_reward),
        "text-grounded": WeightedSum([length_reward, constant_one], [1.0, 0.0]),
        "creative": length_reward,
    })
    clone = pickle.loads(pickle.dumps(reward))
    args = ([Q, Q], ["Paris.", "Lyon."])
    assert clone(*args, answers=[["Paris"]] * 2) == reward(*args, answers=[["Paris"]] * 2)
