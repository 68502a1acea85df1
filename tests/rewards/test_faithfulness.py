"""FaithfulnessReward: support by the supplied text, grounded declines, None where it does not apply."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rewards import FaithfulnessReward
from rewards.faithfulness import declines_from_text, support

PASSAGE = ("The Golden Gate Bridge opened in 1937 after four years of construction. It was designed by "
           "Joseph Strauss and spans 1.7 miles across the strait. About 112,000 vehicles cross it every day.")
QUESTION = "According to the passage, when did the bridge open?"
R = FaithfulnessReward()


def score(completion, reward=R, prompt=QUESTION, **columns):
    columns.setdefault("passage", [PASSAGE])
    return reward([prompt], [completion], **columns)[0]


def test_supported_answer_gets_the_full_reward():
    assert score("It opened in 1937.") == 1.0
    assert score("The bridge, designed by Joseph Strauss, opened in 1937.") == 1.0


@pytest.mark.parametrize(
    "invented",
    ["It opened in 1936.", "It opened in 1937 and was designed by Gustave Eiffel.",
     "It opened in 1937, and the toll was 50 cents."],
)
def test_invented_numbers_and_names_are_penalised(invented):
    assert score(invented) < 0.0 < score("It opened in 1937.")


def test_more_invention_scores_lower():
    one = score("It opened in 1937 under mayor Angelo Rossi.")
    two = score("It opened in 1937 under mayor Angelo Rossi with 200,000 people on the deck.")
    assert -1.0 <= two < one < 1.0


def test_numbers_and_names_are_normalised():
    assert score("About 112000 vehicles cross it every day.") == 1.0
    assert score("It spans 1.7 miles.") == 1.0
    text = "The city of Bogotá had seventy-four districts."
    assert score("Bogota had 74 districts.", passage=[text], prompt="How many districts?") == 1.0


def test_declining_when_the_text_lacks_the_answer_is_rewarded():
    prompt = "According to the passage, who paid for the bridge?"
    assert score("The passage does not say who paid for it.", prompt=prompt, answers=[[]]) == 1.0
    assert score("I don't know.", prompt=prompt, answers=[[]]) == 1.0
    assert score("It was paid for by the state of California.", prompt=prompt, answers=[[]]) == -1.0


def test_declining_when_the_text_holds_the_answer_gets_the_abstain_value():
    r = FaithfulnessReward(supported=1.0, abstain=-0.5, unsupported=-2.0)
    assert score("The text does not mention it.", reward=r, answers=[["1937"]]) == -0.5
    assert score("I'm not sure.", reward=r) == -0.5  # no gold answers: a decline is only "abstain"


def test_gold_answers_decide_correctness():
    assert score("It opened in 1937.", answers=[["1937"]]) == 1.0
    assert score("It opened after four years of construction.", answers=[["1937"]]) == -1.0


def test_empty_or_degenerate_response_is_unsupported():
    assert score("") == -1.0
    assert score("   ") == -1.0


def test_passage_from_the_prompt_when_there_is_no_column():
    prompt = f"Based on the following passage, when did the bridge open?\n\n{PASSAGE}"
    assert R([prompt] * 2, ["It opened in 1937.", "It opened in 1951."]) == [1.0, -0.5]
    chat = [{"role": "user", "content": f"Passage: {PASSAGE}"}, {"role": "assistant", "content": "OK."},
            {"role": "user", "content": "Who designed it?"}]
    assert R([chat], [[{"role": "assistant", "content": "Joseph Strauss."}]]) == [1.0]


def test_chinese_passage():
    prompt = "请根据以下文章回答问题。\n文章：李白是唐代著名诗人，被誉为“诗仙”。\n问题：李白被誉为什么？"
    grounded, invented, declined = R([prompt] * 3, ["诗仙。", "李白被誉为诗圣，出生于长安。", "文中没有提到。"])
    assert (grounded, declined) == (1.0, 0.0)
    assert invented < -0.5  # "诗圣" and "出生于长安" are not in the text
    assert R([prompt], ["宋代。"])[0] < 0 < R([prompt], ["唐代。"])[0]  # one character apart


def test_not_applicable_rows_get_none():
    assert R(["What is the capital of France?", "Write a poem about rain."], ["Paris.", "Rain..."]) == [None, None]
    assert R([QUESTION] * 2, ["1937", "1937"], passage=[None, "  "]) == [None, None]
    assert R(["Translate the passage into French."], ["Le pont a ouvert en 1937."], passage=[PASSAGE]) == [None]


def test_empty_passage_cell_falls_back_to_the_prompt():
    prompt = f"Context: {PASSAGE}\nQuestion: Who designed the bridge?"
    assert R([prompt], ["Joseph Strauss."], passage=[None]) == [1.0]


def test_logs_applicable_rate_and_mean():
    logged = {}
    R([QUESTION, "What is 2 + 2?"], ["It opened in 1937.", "4"], passage=[PASSAGE, None],
      log_metric=lambda key, value: logged.__setitem__(key, value))
    assert logged == {"faithfulness/applicable_rate": 0.5, "faithfulness/mean": 1.0}


def test_passage_column_is_configurable_and_wins_over_the_prompt():
    r = FaithfulnessReward(passage_column="context")
    assert r(["What is the capital of France?"], ["It opened in 1937."], context=[PASSAGE]) == [1.0]


def test_bad_column_values_raise():
    with pytest.raises(TypeError, match="'passage' holds list"):
        R([QUESTION], ["1937"], passage=[[PASSAGE]])
    with pytest.raises(TypeError, match="'answers' holds '1937'"):
        R([QUESTION], ["1937"], passage=[PASSAGE], answers=["1937"])


@pytest.mark.parametrize(
    "kwargs, message",
    [(dict(supported=0.0, abstain=0.0), r"supported=0.0, abstain=0.0, unsupported=-1.0 \(supported <= abstain\)"),
     (dict(abstain=-1.0), r"supported=1.0, abstain=-1.0, unsupported=-1.0 \(abstain <= unsupported\)"),
     (dict(unsupported=float("nan")), "unsupported=nan"),
     (dict(answers_column=""), "answers_column=''")],
)
def test_values_are_validated(kwargs, message):
    with pytest.raises(ValueError, match=message):
        FaithfulnessReward(**kwargs)


@pytest.mark.parametrize(
    "text, expected",
    [("The passage does not mention the year.", True), ("The article doesn't say.", True),
     ("This is not stated in the text.", True), ("There is no information about that in the passage.", True),
     ("I don't know.", True), ("文中没有提到。", True), ("原文并未说明。", True),
     ("It opened in 1937.", False), ("The text says it opened in 1937.", False)],
)
def test_declines_from_text(text, expected):
    assert declines_from_text(text) is expected


def test_support_counts_missing_claims():
    assert support("Strauss designed it in 1937.", PASSAGE) == (1.0, 0)
    share, missing = support("Eiffel designed it in 1890.", PASSAGE)
    assert missing == 2 and share < 1.0


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.sampled_from([None, [], ["1937"]]))
def test_any_response_scores_within_the_value_range(response, answers):
    value = R([QUESTION], [response], passage=[PASSAGE], answers=[answers])[0]
    assert -1.0 <= value <= 1.0


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([w.strip(".,") for w in PASSAGE.split()]), min_size=1, max_size=25))
def test_text_made_of_passage_words_is_fully_supported(words):
    assert support(" ".join(words), PASSAGE) == (1.0, 0)


def _labelled_agreement(with_gold: bool) -> float:
    """Share of the 40 labelled (passage, question, response) cases whose score has the
    labelled sign: +1 a grounded answer or a right decline, -1 a made-up one."""
    import json
    from pathlib import Path

    path = Path(__file__).parent / "data" / "faithfulness_cases.jsonl"
    cases = [json.loads(line) for line in path.open(encoding="utf-8")]
    right = 0
    for case in cases:
        columns = {"passage": [case["passage"]]}
        if with_gold:
            columns["answers"] = [case["answers"]]
        value = R([case["question"]], [case["response"]], **columns)[0]
        right += value > 0 if case["label"] == 1 else value < 0
    return right / len(cases)


def test_agreement_with_labelled_cases():
    # Without gold answers a decline scores `abstain` (0): the reward cannot tell whether the
    # text holds the answer, so the five right declines count as misses here.
    assert _labelled_agreement(with_gold=False) >= 0.8  # measured 33/40
    assert _labelled_agreement(with_gold=True) >= 0.9  # measured 38/40
