"""rewards.compose.route: each row to the reward for its query type."""

from __future__ import annotations

import pickle

import pytest

from rewards import Outcome
from rewards.compose import DominanceSafe, RouteByQueryType, WeightedSum
from rewards.knowledge import KnowledgeAwareTruthfulness, KnowledgeLabels
from rewards.truthfulness import TruthfulnessReward
from tests.rewards.compose.components import Q, constant_one, length_reward


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


def test_composed_rewards_pickle():
    reward = RouteByQueryType({
        "knowledge-seeking": DominanceSafe(TruthfulnessReward(), length_reward),
        "text-grounded": WeightedSum([length_reward, constant_one], [1.0, 0.0]),
        "creative": length_reward,
    })
    clone = pickle.loads(pickle.dumps(reward))
    args = ([Q, Q], ["Paris.", "Lyon."])
    assert clone(*args, answers=[["Paris"]] * 2) == reward(*args, answers=[["Paris"]] * 2)


def test_routing_keeps_the_outcome_each_route_carries():
    labels = KnowledgeLabels({"fr": 1.0})
    knowledge = DominanceSafe(KnowledgeAwareTruthfulness(labels, abstain_known=-0.5, refresh_min_samples=0),
                              length_reward, squash="rank")
    reward = RouteByQueryType({"knowledge-seeking": knowledge, "text-grounded": None, "creative": length_reward})
    scored = reward.score_with_outcomes([Q, Q, "Write a poem."], ["I don't know.", "Paris.", "Rain."],
                                        answers=[["Paris"], ["Paris"], []], id=["fr", "fr", "poem"],
                                        query_type=["knowledge-seeking", "knowledge-seeking", "creative"])
    assert [(s.outcome, s.known, s.label) for s in scored] == [
        (Outcome.ABSTAIN, True, "abstain_known"), (Outcome.CORRECT, True, "correct"), (None, None, None)]
    assert scored[2].value == 5.0
    assert [s.value for s in scored] == reward([Q, Q, "Write a poem."], ["I don't know.", "Paris.", "Rain."],
                                               answers=[["Paris"], ["Paris"], []], id=["fr", "fr", "poem"],
                                               query_type=["knowledge-seeking", "knowledge-seeking", "creative"])


def test_a_plain_routes_values_are_validated_where_they_enter():
    def nan_reward(prompts, completions, **kwargs):
        return [float("nan")] * len(completions)

    reward = RouteByQueryType(dict.fromkeys(("knowledge-seeking", "text-grounded", "creative"), nan_reward))
    with pytest.raises(ValueError, match="Reward 'nan_reward' returned nan for row 0"):
        reward([Q], ["Paris."])
