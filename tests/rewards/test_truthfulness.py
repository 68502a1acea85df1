"""TruthfulnessReward: values, implied threshold, unanswerable rows, columns, logging, pickling."""

import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rewards import REGISTRY, Outcome, OutcomeScore, TruthfulnessReward

Q = "What is the capital of France?"


def test_contract_example():
    r = TruthfulnessReward(correct=1.0, abstain=0.0, wrong=-3.0)
    assert r([Q] * 3, ["Paris.", "I don't know.", "Lyon."], answers=[["Paris"]] * 3) == [1.0, 0.0, -3.0]
    assert r.implied_threshold == 0.75


@pytest.mark.parametrize("t", [0.1, 0.5, 0.75, 0.9])
def test_for_threshold_round_trips(t):
    r = TruthfulnessReward.for_threshold(t)
    assert (r.correct, r.abstain) == (1.0, 0.0)
    assert r.wrong == pytest.approx(-t / (1 - t))
    assert r.implied_threshold == pytest.approx(t)


@pytest.mark.parametrize("t", [0, 1, -0.5, 1.5, True, "0.5"])
def test_for_threshold_rejects_non_probabilities(t):
    with pytest.raises(ValueError, match="threshold"):
        TruthfulnessReward.for_threshold(t)


@pytest.mark.parametrize(
    "values, named",
    [((0.0, 1.0, -1.0), "correct=0.0"), ((1.0, -2.0, -1.0), "abstain=-2.0"), ((1.0, 1.0, -1.0), "correct=1.0"),
     ((1.0, 0.0, 0.0), "wrong=0.0")],
)
def test_values_out_of_order_raise_naming_them(values, named):
    with pytest.raises(ValueError, match=named):
        TruthfulnessReward(*values)


def test_non_finite_value_raises():
    with pytest.raises(ValueError, match="wrong=-inf"):
        TruthfulnessReward(1.0, 0.0, float("-inf"))


def test_missing_gold_column_raises_key_error_naming_it():
    with pytest.raises(KeyError, match="'answers'.*'gold'"):
        TruthfulnessReward()([Q], ["Paris."], gold=[["Paris"]])


def test_custom_answers_column():
    r = TruthfulnessReward(answers_column="gold")
    assert r([Q], ["Paris."], gold=[["Paris"]]) == [1.0]
    assert r.columns == ("gold",)


def test_unanswerable_rows_reward_declining_and_none_rows_do_not_apply():
    r = TruthfulnessReward(1.0, 0.0, -2.0)
    q = "What is the capital of Veltrania?"
    scores = r([q] * 4, ["I don't know.", "Veltra City.", "Paris.", "Paris."],
               answers=[[], [], None, ["Paris"]])
    assert scores == [1.0, -2.0, None, 1.0]


def test_prompt_is_passed_as_question():
    r = TruthfulnessReward()
    q = "What is the capital of Guinea-Bissau?"
    assert r([q], ["Guinea-Bissau is a small nation in West Africa."], answers=[["Bissau"]]) == [-1.0]
    assert r([q], ["Bissau."], answers=[["Bissau"]]) == [1.0]


def test_conversational_input():
    r = TruthfulnessReward()
    prompts = [[{"role": "system", "content": "Be brief."}, {"role": "user", "content": Q}]]
    completions = [[{"role": "assistant", "content": "It is Paris."}]]
    assert r(prompts, completions, answers=[["Paris"]]) == [1.0]


def test_logs_batch_rates_when_trainer_passes_log_metric():
    logged = {}
    r = TruthfulnessReward()
    r([Q] * 5, ["Paris.", "Paris!", "I don't know.", "Lyon.", "x"], answers=[["Paris"]] * 4 + [None],
      log_metric=lambda name, value: logged.__setitem__(name, value))
    assert logged == {"truthfulness/correct_rate": 0.5, "truthfulness/abstain_rate": 0.25,
                      "truthfulness/wrong_rate": 0.25}


def test_bad_gold_value_raises_instead_of_scoring():
    with pytest.raises(TypeError, match="list of gold answer"):
        TruthfulnessReward()([Q], ["Paris."], answers=[{"a": 1}])


def test_picklable_registered_and_named():
    r = TruthfulnessReward(1.0, -0.5, -2.0, answers_column="gold")
    clone = pickle.loads(pickle.dumps(r))
    assert (clone.correct, clone.abstain, clone.wrong, clone.answers_column) == (1.0, -0.5, -2.0, "gold")
    assert clone([Q], ["Paris."], gold=[["Paris"]]) == [1.0]
    assert REGISTRY["TruthfulnessReward"] is TruthfulnessReward
    assert r.__name__ == "TruthfulnessReward"


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.text(), st.one_of(st.none(), st.lists(st.text(max_size=8), max_size=2))),
                min_size=1, max_size=6))
def test_scores_are_always_one_of_the_three_values_or_none(batch):
    r = TruthfulnessReward(1.0, -0.25, -2.0)
    completions = [c for c, _ in batch]
    answers = [a for _, a in batch]
    scores = r(["Q?"] * len(batch), completions, answers=answers)
    assert len(scores) == len(batch)
    for score, gold in zip(scores, answers):
        assert score is None if gold is None else score in (1.0, -0.25, -2.0)


def test_score_with_outcomes_carries_each_rows_outcome():
    r = TruthfulnessReward(1.0, 0.0, -3.0)
    prompts, completions = [Q] * 4, ["Paris.", "I don't know.", "Lyon.", "Paris."]
    answers = [["Paris"]] * 3 + [None]
    scored = r.score_with_outcomes(prompts, completions, answers=answers)
    assert scored == [OutcomeScore(1.0, Outcome.CORRECT), OutcomeScore(0.0, Outcome.ABSTAIN),
                      OutcomeScore(-3.0, Outcome.WRONG), OutcomeScore(None)]
    assert [s.value for s in scored] == r(prompts, completions, answers=answers)
    assert all(s.known is None for s in scored)
    assert r.outcome_levels == {"correct": 1.0, "abstain": 0.0, "wrong": -3.0}


def test_score_with_outcomes_logs_like_a_call():
    logged, called = {}, {}
    args = ([Q] * 3, ["Paris.", "I don't know.", "Lyon."])
    TruthfulnessReward().score_with_outcomes(*args, answers=[["Paris"]] * 3, log_metric=logged.__setitem__)
    TruthfulnessReward()(*args, answers=[["Paris"]] * 3, log_metric=called.__setitem__)
    assert logged == called and logged["truthfulness/wrong_rate"] == pytest.approx(1 / 3)
