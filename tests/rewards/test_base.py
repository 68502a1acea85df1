"""The reward contract base: reward_rule, Reward.__call__ checks, batch_rows, check_score."""

from __future__ import annotations

import math
import pickle

import pytest

from rewards import Outcome, Reward, reward_rule
from rewards.base import batch_rows, check_score


# A five-line user rule, defined at module level so it pickles by reference.
@reward_rule(columns=["answers"])
def names_the_answer(response, question, answers, **row):
    if answers is None:
        return None
    return Outcome.CORRECT if any(a.lower() in response.lower() for a in answers) else Outcome.WRONG


@reward_rule
def shouts(response, question, **row):
    return 1.0 if response.isupper() else 0.0


@reward_rule(outcome_values={"correct": 2.0, "abstain": 0.5, "wrong": -4.0})
def outcome_by_length(response, question, **row):
    return {0: Outcome.ABSTAIN, 1: Outcome.CORRECT}.get(len(response.split()), Outcome.WRONG)


PROMPTS = ["Capital of France?", "Capital of Peru?", "Capital of Chad?"]
COMPLETIONS = ["It is Paris.", "Lima.", "No idea, maybe Lyon."]
ANSWERS = [["Paris"], ["Lima"], ["N'Djamena"]]


def test_rule_scores_strings_and_maps_outcomes():
    assert names_the_answer(PROMPTS, COMPLETIONS, answers=ANSWERS) == [1.0, 1.0, -1.0]


def test_rule_scores_conversational_input_like_strings():
    prompts = [[{"role": "system", "content": "Be brief."}, {"role": "user", "content": p}] for p in PROMPTS]
    completions = [[{"role": "assistant", "content": c}] for c in COMPLETIONS]
    assert names_the_answer(prompts, completions, answers=ANSWERS) == [1.0, 1.0, -1.0]


def test_rule_sees_the_last_user_turn_as_question():
    seen = []

    def record(response, question, **row):
        seen.append((response, question))
        return 0.0

    chat = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"},
            {"role": "user", "content": "Capital of Peru?"}]
    reward_rule(record)([chat], [[{"role": "assistant", "content": "Lima."}]])
    assert seen == [("Lima.", "Capital of Peru?")]


def test_custom_outcome_values():
    assert outcome_by_length(["q"] * 3, ["", "Paris", "Paris or Lyon"]) == [0.5, 2.0, -4.0]


def test_none_passes_through():
    assert names_the_answer(PROMPTS[:2], COMPLETIONS[:2], answers=[None, ["Lima"]]) == [None, 1.0]


def test_rule_receives_row_columns_and_ignores_extra_ones():
    got = []

    @reward_rule(columns=["answers"])
    def record(response, question, answers, **row):
        got.append((answers, row))
        return 0.0

    record(["q"], ["r"], answers=[["a"]], level=["easy"], trainer_state=object(), log_metric=print)
    assert got == [(["a"], {"level": "easy"})]


def test_name_and_docstring():
    assert names_the_answer.__name__ == "names_the_answer"
    assert reward_rule(name="custom")(lambda response, question, **row: 0.0).__name__ == "custom"
    assert shouts.__wrapped__(response="HI", question="") == 1.0


def test_module_level_rule_pickles_by_reference():
    copy = pickle.loads(pickle.dumps(names_the_answer))
    assert copy is names_the_answer
    assert copy(PROMPTS, COMPLETIONS, answers=ANSWERS) == [1.0, 1.0, -1.0]


def test_rule_with_outcome_values_pickles_and_keeps_values():
    copy = pickle.loads(pickle.dumps(outcome_by_length))
    assert copy(["q"], ["Paris or Lyon"]) == [-4.0]


def test_lambda_rule_does_not_pickle_by_reference():
    local = reward_rule(lambda response, question, **row: 1.0)
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        pickle.dumps(local)


def test_errors_in_the_rule_propagate():
    @reward_rule
    def broken(response, question, **row):
        raise RuntimeError("bug in the rule")

    with pytest.raises(RuntimeError, match="bug in the rule"):
        broken(["q"], ["r"])


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_scores_are_rejected(bad):
    with pytest.raises(ValueError, match="finite"):
        reward_rule(lambda response, question, **row: bad)(["q"], ["r"])


@pytest.mark.parametrize("bad", ["1.0", True, [1.0], {"score": 1.0}])
def test_wrong_types_are_rejected(bad):
    with pytest.raises(TypeError, match="finite float, or None"):
        reward_rule(lambda response, question, **row: bad)(["q"], ["r"])


def test_integer_scores_become_floats():
    scores = reward_rule(lambda response, question, **row: 1)(["q"], ["r"])
    assert scores == [1.0] and type(scores[0]) is float


@pytest.mark.parametrize(
    "values", [{"correct": 0.0}, {"abstain": 2.0}, {"wrong": 0.0}, {"correct": -1.0, "wrong": 1.0}]
)
def test_badly_ordered_outcome_values_raise(values):
    with pytest.raises(ValueError, match="correct > abstain > wrong"):
        reward_rule(outcome_values=values)(lambda response, question, **row: 0.0)


def test_unknown_outcome_name_raises():
    with pytest.raises(ValueError):
        reward_rule(outcome_values={"right": 1.0})(lambda response, question, **row: 0.0)


def test_missing_column_names_the_column_and_the_given_columns():
    with pytest.raises(KeyError) as info:
        names_the_answer(PROMPTS, COMPLETIONS, gold=ANSWERS, level=["a", "b", "c"])
    message = str(info.value)
    assert "'answers'" in message and "gold" in message and "level" in message


def test_mismatched_prompts_and_completions_raise():
    with pytest.raises(ValueError, match="2 prompts for 3 completions"):
        shouts(PROMPTS[:2], COMPLETIONS)


def test_mismatched_column_length_raises():
    with pytest.raises(ValueError, match="'answers' has 2 values for a batch of 3"):
        names_the_answer(PROMPTS, COMPLETIONS, answers=ANSWERS[:2])


def test_prompt_of_wrong_type_raises():
    with pytest.raises(TypeError, match="prompt"):
        shouts([42], ["r"])


def test_non_callable_rule_raises():
    with pytest.raises(TypeError):
        reward_rule(3.0)


def test_subclass_log_hook_called_only_with_log_metric():
    class Counting(Reward):
        columns = ()

        def score(self, prompt, completion, **row):
            return float(len(completion))

        def log(self, log_metric, prompts, completions, scores, rows):
            log_metric("count/mean", sum(scores) / len(scores))

    logged = []
    reward = Counting()
    assert reward(["a", "b"], ["xy", "xyzw"]) == [2.0, 4.0]
    assert logged == []
    reward(["a", "b"], ["xy", "xyzw"], log_metric=lambda k, v: logged.append((k, v)))
    assert logged == [("count/mean", 3.0)]
    assert reward.__name__ == "Counting"


def test_batch_rows_and_check_score():
    rows = batch_rows(2, {"a": [1, 2], "b": ("x", "y"), "trainer_state": [0, 0], "scalar": 5})
    assert rows == [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}]
    assert check_score(None, reward="r", index=0) is None
    with pytest.raises(ValueError, match="row 3"):
        check_score(math.nan, reward="r", index=3)


def test_rule_rows_carry_the_outcome_it_returns_and_numbers_carry_none():
    scored = names_the_answer.score_with_outcomes(PROMPTS, COMPLETIONS, answers=ANSWERS)
    assert [(s.value, s.outcome) for s in scored] == [(1.0, Outcome.CORRECT), (1.0, Outcome.CORRECT),
                                                      (-1.0, Outcome.WRONG)]
    assert [(s.value, s.outcome) for s in shouts.score_with_outcomes(["q"] * 2, ["HI", "hi"])] == [(1.0, None),
                                                                                                   (0.0, None)]
    assert outcome_by_length.outcome_levels == {"correct": 2.0, "abstain": 0.5, "wrong": -4.0}


def test_outcome_scores_are_validated_once_where_produced():
    nan_rule = reward_rule(lambda response, question, **row: math.nan, name="nan_rule")
    with pytest.raises(ValueError, match="Reward 'nan_rule' returned nan for row 0"):
        nan_rule.score_with_outcomes(["q"], ["r"])
    one = reward_rule(lambda response, question, **row: 1).score_with_outcomes(["q"], ["r"])
    assert type(one[0].value) is float
