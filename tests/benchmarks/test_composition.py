"""Response groups and the compositions the dominance check compares."""

import json

import pytest

from benchmarks.composition import ABSTENTIONS, SCHEMES, build_schemes, load_response_groups
from rewards.compose.dominance import check_dominance


@pytest.fixture
def responses(tmp_path):
    rows = [
        {"question": "What is the capital of France?", "answers": ["Paris"], "response": "Paris."},
        {"question": "What is the capital of France?", "answers": ["Paris"], "response": "It is Lyon."},
        {"question": "What is the capital of France?", "answers": ["Paris"], "response": "Paris."},
        {"question": "What is the capital of Peru?", "answers": ["Lima"], "responses": ["Lima.", "Cusco."]},
    ]
    path = tmp_path / "responses.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n")
    return path


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
