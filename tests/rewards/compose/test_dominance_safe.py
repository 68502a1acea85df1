"""rewards.compose.dominance_safe: an RM that can reorder responses only within an outcome reward value."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rewards import Outcome, OutcomeScore, reward_rule
from rewards.compose import DominanceSafe
from rewards.knowledge import KnowledgeAwareTruthfulness, KnowledgeLabels
from rewards.truthfulness import TruthfulnessReward
from tests.rewards.compose.components import RESPONSES, FixedScores, Q, Recorder, constant_one, length_reward


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


Q_BF = "What is the capital of Burkina Faso?"
# (prompt, response, answers, id) for each label of the knowledge-aware reward; "fr" is known, "bf" is not.
LABELLED = {
    "correct": (Q, "Paris.", ["Paris"], "fr"),
    "abstain": (Q_BF, "I don't know.", ["Ouagadougou"], "bf"),
    "abstain_known": (Q, "I don't know.", ["Paris"], "fr"),
    "wrong": (Q_BF, "Bobo-Dioulasso.", ["Ouagadougou"], "bf"),
}
ORDER = ("wrong", "abstain_known", "abstain", "correct")


def knowledge_reward(abstain_known, wrong=-1.0):
    labels = KnowledgeLabels({"fr": 1.0, "bf": 0.0})
    return KnowledgeAwareTruthfulness(labels, correct=1.0, abstain=0.0, wrong=wrong, abstain_known=abstain_known,
                                      refresh_min_samples=0, name="truthfulness")


def call(reward, labels, **kwargs):
    rows = [LABELLED[label] for label in labels]
    return reward([r[0] for r in rows], [r[1] for r in rows], answers=[r[2] for r in rows],
                  id=[r[3] for r in rows], **kwargs)


@settings(max_examples=60, deadline=None)
@given(
    labels=st.lists(st.sampled_from(ORDER), min_size=2, max_size=12),
    scores=st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=12, max_size=12),
    abstain_known=st.floats(-0.99, -0.01), band=st.floats(0.05, 0.95), squash=st.sampled_from(["sigmoid", "rank"]),
)
def test_a_band_for_every_value_keeps_abstain_known_apart_for_any_rm_scores(labels, scores, abstain_known, band,
                                                                           squash):
    reward = DominanceSafe(knowledge_reward(abstain_known), FixedScores(scores), band=band, squash=squash)
    value = {"correct": 1.0, "abstain": 0.0, "abstain_known": abstain_known, "wrong": -1.0}
    gap = min(1.0 + abstain_known, -abstain_known)  # the smallest gap between the four values
    assert reward.width == pytest.approx(band * gap)
    for _ in range(2):  # a second batch: the running moments have moved
        values = call(reward, labels)
        for label, v in zip(labels, values):
            assert abs(v - value[label]) <= reward.width / 2 + 1e-12  # inside its own band
        for i, j in itertools.product(range(len(labels)), repeat=2):
            if ORDER.index(labels[i]) > ORDER.index(labels[j]):
                assert values[i] > values[j]  # no RM score carries a response into another band


def test_abstain_known_equal_to_wrong_shares_the_wrong_band_and_is_logged_apart():
    log = Recorder()
    reward = DominanceSafe(knowledge_reward(-1.0), FixedScores([0.0, 1.0, 2.0, 3.0]), squash="rank", name="safe")
    assert reward.levels == {"correct": 1.0, "abstain": 0.0, "wrong": -1.0, "abstain_known": -1.0}
    assert reward.width == 0.5  # the gaps between the three distinct values, as without abstain_known
    values = call(reward, ["abstain_known", "wrong", "abstain", "correct"], log_metric=log)
    assert values == [-1.25, -1.0 + 0.5 * (1 / 3 - 0.5), 0.5 * (2 / 3 - 0.5), 1.25]
    rates = {k: v for k, v in log.metrics.items() if k.startswith("rewards/safe/") and k.endswith("_rate")}
    assert rates == {"rewards/safe/correct_rate": 0.25, "rewards/safe/abstain_rate": 0.5,
                     "rewards/safe/wrong_rate": 0.25, "rewards/safe/abstain_known_rate": 0.25}


def test_rows_carry_their_outcome_and_knowledge_label():
    reward = DominanceSafe(knowledge_reward(-0.5), FixedScores([1.0] * 4))
    rows = [LABELLED[label] for label in ORDER]
    scored = reward.score_with_outcomes([r[0] for r in rows], [r[1] for r in rows], answers=[r[2] for r in rows],
                                        id=[r[3] for r in rows])
    assert [s.label for s in scored] == list(ORDER)
    assert [s.known for s in scored] == [False, True, False, True]


def test_outcome_rewards_must_carry_outcomes_on_every_row_they_score():
    half = reward_rule(lambda response, question, **row: Outcome.CORRECT if "Paris" in response else 0.5,
                       name="half")
    reward = DominanceSafe(half, constant_one)
    assert reward([Q], ["Paris."]) == [1.0]
    with pytest.raises(ValueError, match="'half' gave row 1 the value 0.5 with outcome None.*return an Outcome"):
        reward([Q, Q], ["Paris.", "Lyon."])


def test_a_value_that_is_none_of_the_levels_raises():
    class Drifting(TruthfulnessReward):
        def score_outcome(self, prompt, completion, **row):
            scored = super().score_outcome(prompt, completion, **row)
            return OutcomeScore(scored.value + 0.1, scored.outcome)

    with pytest.raises(ValueError, match="gave row 0 the value 1.1 with outcome correct"):
        DominanceSafe(Drifting(), constant_one)([Q], ["Paris."], answers=[["Paris"]])


def test_explicit_levels_match_a_plain_functions_values():
    def plain_truth(prompts, completions, **kwargs):
        return [{"Paris.": 2.0, "Lyon.": -2.0}.get(c, 0.0) for c in completions]

    reward = DominanceSafe(plain_truth, constant_one, levels={"correct": 2, "abstain": 0, "wrong": -2},
                           squash="rank")
    scored = reward.score_with_outcomes([Q] * 3, ["Paris.", "I don't know.", "Lyon."])
    assert [s.outcome for s in scored] == [Outcome.CORRECT, Outcome.ABSTAIN, Outcome.WRONG]
    assert reward.width == 1.0 and [s.value for s in scored] == [2.0, 0.0, -2.0]  # RM ties: mid-band
