"""rewards.outcome: Outcome, OutcomeScore and its labels, the one order check, the one rates function."""

import math

import pytest

from rewards import FaithfulnessReward, KnowledgeAwareTruthfulness, TruthfulnessReward, reward_rule
from rewards.compose import DominanceSafe
from rewards.outcome import ABSTAIN_KNOWN, Outcome, OutcomeScore, check_outcome_order, outcome_rates


def constant(prompts, completions, **kwargs):
    return [0.0] * len(completions)


def test_outcome_score_labels():
    assert OutcomeScore(1.0, Outcome.CORRECT).label == "correct"
    assert OutcomeScore(1.0, Outcome.CORRECT, known=True).label == "correct"
    assert OutcomeScore(0.0, Outcome.ABSTAIN, known=False).label == "abstain"
    assert OutcomeScore(-1.0, Outcome.ABSTAIN, known=True).label == ABSTAIN_KNOWN == "abstain_known"
    assert OutcomeScore(-1.0, Outcome.WRONG, known=True).label == "wrong"
    assert OutcomeScore(0.5).label is None and OutcomeScore(None).label is None


def test_outcome_score_is_immutable():
    with pytest.raises(AttributeError):
        OutcomeScore(1.0, Outcome.CORRECT).value = 2.0


@pytest.mark.parametrize("values, named", [
    ((0.0, 0.0, -1.0), "(correct <= abstain)"), ((1.0, -1.0, -1.0), "(abstain <= wrong)"),
    ((1.0, 2.0, 3.0), "(correct <= abstain)"),
])
def test_order_check_names_the_values_out_of_order(values, named):
    with pytest.raises(ValueError) as info:
        check_outcome_order(*values, where="here")
    message = str(info.value)
    assert message.startswith("here: Values must order correct > abstain > wrong")
    assert named in message
    assert "correct={}, abstain={}, wrong={}".format(*values) in message


@pytest.mark.parametrize("bad", [math.nan, math.inf, True, "1", None])
def test_order_check_wants_finite_numbers(bad):
    with pytest.raises(ValueError, match="wrong=.* must be a finite number"):
        check_outcome_order(1.0, 0.0, bad)


def test_order_check_uses_the_callers_names():
    with pytest.raises(ValueError, match=r"order supported > abstain > unsupported.*\(abstain <= unsupported\)"):
        check_outcome_order(1.0, 0.0, 0.0, names=("supported", "abstain", "unsupported"))


# Every reward and composition that takes outcome values gives the one check's message.
ORDERED_BADLY = {
    "TruthfulnessReward": lambda: TruthfulnessReward(1.0, -1.0, -1.0),
    "KnowledgeAwareTruthfulness": lambda: KnowledgeAwareTruthfulness(correct=1.0, abstain=-1.0, wrong=-1.0,
                                                                     abstain_known=-1.0),
    "reward_rule": lambda: reward_rule(outcome_values={"abstain": -1.0})(lambda response, question, **row: 0.0),
    "DominanceSafe levels": lambda: DominanceSafe(constant, constant, levels={"correct": 1, "abstain": -1,
                                                                             "wrong": -1}),
    "FaithfulnessReward": lambda: FaithfulnessReward(supported=1.0, abstain=-1.0, unsupported=-1.0),
}


@pytest.mark.parametrize("name", sorted(ORDERED_BADLY))
def test_every_reward_uses_the_one_order_check(name):
    with pytest.raises(ValueError, match=r"Values must order \w+ > abstain > \w+; got .*\(abstain <= \w+\)\. "
                                         r"Raise abstain above \w+: otherwise a guess costs no more"):
        ORDERED_BADLY[name]()


def test_outcome_rates_leave_out_unjudged_rows_and_refuse_none():
    rates = outcome_rates([Outcome.CORRECT, "wrong", None, Outcome.ABSTAIN, "abstain"])
    assert rates == {"correct": 0.25, "abstain": 0.5, "wrong": 0.25, "truthfulness": 0.0}
    with pytest.raises(ValueError, match="at least one judged outcome"):
        outcome_rates([None])
