"""Response groups and the compositions the dominance check compares."""

import json

import pytest

from benchmarks.composition import (
    ABSTENTIONS,
    SCHEMES,
    CachedReward,
    build_schemes,
    composition_benchmark,
    composition_table,
    load_response_groups,
    within_outcome_spearman,
    within_question_agreement,
)
from rewards.compose.dominance import check_dominance


def write_responses(path):
    """A JSONL of two questions: one response a line (one repeated) and a ``responses`` list; a blank line."""
    rows = [
        {"question": "What is the capital of France?", "answers": ["Paris"], "response": "Paris."},
        {"question": "What is the capital of France?", "answers": ["Paris"], "response": "It is Lyon."},
        {"question": "What is the capital of France?", "answers": ["Paris"], "response": "Paris."},
        {"question": "What is the capital of Peru?", "answers": ["Lima"], "responses": ["Lima.", "Cusco."]},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n")
    return path


@pytest.fixture
def responses(tmp_path):
    return write_responses(tmp_path / "responses.jsonl")


def test_load_response_groups_groups_by_question_and_adds_abstentions(responses):
    questions, groups, answers = load_response_groups(responses, add_abstentions=True)
    assert questions == ["What is the capital of France?", "What is the capital of Peru?"]
    assert groups[0][:2] == ["Paris.", "It is Lyon."] and groups[0][2:] == list(ABSTENTIONS)  # duplicates once
    assert answers == [["Paris"], ["Lima"]]
    assert load_response_groups(responses)[1][1] == ["Lima.", "Cusco."]


def test_load_response_groups_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_response_groups(tmp_path / "missing.jsonl")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"question": "Q?", "response": "A."}) + "\n")
    with pytest.raises(KeyError, match=r"bad.jsonl:1 lacks \['answers'\]"):
        load_response_groups(bad)


def test_build_schemes_keeps_the_rm_out_of_the_outcome_order():
    def rm(prompts, completions, **columns):  # prefers confident wrong answers, as a careless RM might
        return [5.0 if "Lyon" in c else 0.0 for c in completions]
    rm.__name__ = "rm"

    schemes = build_schemes(rm, wrong=-2.0, band=0.4)
    assert tuple(schemes) == SCHEMES and schemes["rm"] is rm
    questions = ["What is the capital of France?"]
    groups = [["Paris.", "It is Lyon.", "I don't know."]]
    reports = {name: check_dominance(r, questions, groups, answers=[["Paris"]]) for name, r in schemes.items()}
    assert reports["rm"].rate > 0 and reports["dominance-safe"].rate == 0


def test_cached_reward_scores_each_response_once():
    calls = []

    def rm(prompts, completions, **columns):
        calls.append(list(completions))
        return [float(len(c)) for c in completions]
    rm.__name__ = "rm"

    cached = CachedReward(rm)
    assert cached(["q", "q"], ["a", "bb"]) == [1.0, 2.0] and cached(["q", "q"], ["bb", "ccc"]) == [2.0, 3.0]
    assert calls == [["a", "bb"], ["ccc"]] and cached.__name__ == "rm"


def test_within_outcome_order_measures():
    def rm(prompts, completions, **columns):
        return [float(len(c)) for c in completions]
    rm.__name__ = "rm"

    questions = ["What is the capital of France?"]
    groups = [["Paris.", "It is Paris.", "Paris, of course.", "Lyon.", "I don't know."]]
    rm_report = check_dominance(rm, questions, groups, answers=[["Paris"]])
    safe = check_dominance(build_schemes(rm)["dominance-safe"], questions, groups, answers=[["Paris"]])
    assert within_question_agreement(rm_report, rm_report) == 1.0
    assert within_question_agreement(safe, rm_report) == 1.0  # the band keeps the RM's order inside an outcome
    assert within_outcome_spearman(rm_report, rm_report) == {"correct": 1.0}  # 3 correct responses


def test_composition_table_and_a_missing_rm(tmp_path):
    scheme = {"violation_rate": 0.25, "wrong_over_abstain": 0.5, "abstain_over_correct": None,
              "wrong_over_correct": 0.0, "spearman_with_rm": {"correct": 0.5}, "rm_order_kept_within_question": None}
    result = {"questions": 2, "responses": 9, "outcomes": {"correct": 3}, "abstentions_added_per_question": 3,
              "schemes": {"rm": scheme, "sum": scheme, "dominance-safe": {**scheme, "violation_rate": 0.0}},
              "rm_alone_by_training_overlap": {"seen": {"questions": 1, "wrong_over_abstain": None}},
              "throughput_cpu": {"batch_1": 10.0, "batch_32": 40.0}, "threads": 1}
    text = composition_table(result)
    assert "| rm | 50.0% | n/a | 0.0% | 25.0% | 0.500 / n/a / n/a | n/a |" in text
    assert "dominance-safe 0.0%" in text and "(x4.0)" in text
    with pytest.raises(FileNotFoundError, match="shaping train-rm"):
        composition_benchmark(str(tmp_path / "no-rm"), tmp_path / "responses.jsonl")
