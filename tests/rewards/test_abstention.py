"""Abstention and hedge detection, English and Chinese."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rewards import is_abstention
from rewards.judging.abstention import abstention_clauses, clause_cues, commits_to_answer, is_degenerate, is_hedged

ABSTENTIONS = [
    "I don't know.", "I do not know the answer.", "I dont know", "IDK", "I have no idea.", "I'm not sure.",
    "I am not certain.", "Not sure.", "Unknown.", "I can't answer that.", "I cannot answer that question.",
    "I'm unable to determine the capital of Zembla.", "I have no information about Veltrania.",
    "I don't have any information about that country.", "There is no such country.",
    "There is no country called Veltrania.", "No one knows.", "Nobody knows for sure.", "Sorry, I don't know.",
    "I'm sorry, but I can't help with that.", "Unfortunately, I'm not able to provide that information.",
    "That's beyond my knowledge.", "The answer is unknown.", "Veltrania does not exist.",
    "Zembla is a fictional country.", "I'm afraid I don't know.", "I couldn't find any information on that.",
    "I am not aware of a country named Marovia.", "I don't recall.", "It cannot be determined.",
    "I'm not familiar with that element.", "I really don't know, sorry.", "I’m not sure what the capital of Tuvalu is.",
    "Honestly, I have no clue.", "I don't know the capital of Burkina Faso.", "There's no such element as zorbium.",
    "As an AI, I don't have access to that information.", "I do not have enough information to answer.",
    "我不知道。", "我不确定。", "无法回答。", "我没有相关信息。", "抱歉，我不清楚。", "这个国家不存在。",
    "没有人知道。",
    "我无法确定答案。", "ＩＤＫ", "Can't say for sure.", "Who knows?", "Beats me.", "I wish I knew.",
    "That's a mystery to me.", "I am not in a position to answer.", "I'd rather not speculate.", "我也说不上来。",
    "暂无相关信息。", "It's hard to say.", "There isn't a country called Zembla.", "I have never heard of Veltrania.",
]

ANSWERS = [
    "Paris.", "The capital of France is Paris.", "I'm not sure, but I think it's Paris.",
    "I don't know for certain, but it might be Lyon.", "I think it's Paris.", "Probably Paris.", "Maybe Lyon?",
    "I'm not sure. It's Paris.", "It is not Paris.", "Malawi is a country in East Africa.",
    "我不确定，但我认为是巴黎。",
    "也许是巴黎。", "首都是巴黎。", "Not sure, maybe Paris.", "I believe the answer is 26.",
    "If I had to guess, I'd say Lyon.", "The capital of Burkina Faso is Kouilou.", "There is no doubt: it's Paris.",
    "Paris, I think.", "The atomic number of iron is 26.", "France is a real country and its capital is Paris.",
    "I don't know much about Mongolia, but its capital is Ulaanbaatar.",
    "The capital of Drusenia is not known for its beaches.", "Vanuatu is made up of roughly 80 islands.",
    "Sydney, I'm not sure.",
]

DEGENERATE = ["", " ", "\n\t", "...", "???", "!!!", "the the the the the", "Paris Paris Paris Paris", "。。。"]


@pytest.mark.parametrize("text", ABSTENTIONS)
def test_abstentions_are_detected(text):
    assert is_abstention(text)


@pytest.mark.parametrize("text", ANSWERS)
def test_answers_and_hedged_answers_are_not_abstentions(text):
    assert not is_abstention(text)


@pytest.mark.parametrize("text", DEGENERATE)
def test_empty_and_degenerate_text_is_never_an_abstention(text):
    assert is_degenerate(text)
    assert not is_abstention(text)


@pytest.mark.parametrize(
    "text", ["I'm not sure, but I think it's Paris.", "Probably Paris.", "I believe it's 26.", "Maybe Lyon?",
             "可能是巴黎。", "Paris, I think.", "It might be Lyon.", "If I recall correctly, it is Lima."],
)
def test_hedges_are_detected(text):
    assert is_hedged(text)


@pytest.mark.parametrize("text", ["Paris.", "The capital of France is Paris.", "It is definitely Paris.",
                                  "The atomic number of iron is 26.", "首都是巴黎。"])
def test_plain_answers_are_not_hedged(text):
    assert not is_hedged(text)


def test_clause_level_helpers():
    assert abstention_clauses("I'm not sure, but I think it's Paris.") == ["i'm not sure"]
    assert commits_to_answer("I don't know, but it might be Lyon.")
    assert not commits_to_answer("I don't know. Maybe.")  # a bare "maybe" names nothing
    assert clause_cues("I don't know") == (True, False)
    assert clause_cues("I think it's Paris") == (False, True)


def test_curly_apostrophes_and_case():
    assert is_abstention("I DON’T KNOW")
    assert is_abstention("i cant answer that")


def test_a_known_fact_stated_plainly_is_not_a_rejection_of_premise():
    assert not is_abstention("France is a recognized country; Paris is its capital.")
    assert not is_abstention("There is no doubt that it is Paris.")


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_on_arbitrary_unicode(text):
    assert isinstance(is_abstention(text), bool)
    assert isinstance(is_hedged(text), bool)


@pytest.mark.parametrize("response, gold", [
    ("That's outside my area of expertise.", "Paris"),
    ("This is beyond what I know.", "Paris"),
    ("It escapes me.", "Paris"),
    ("I haven't got a clue.", "Paris"),
    ("Sadly, I do not know.", "Paris"),
    ("很抱歉，我没有找到相关资料。", "巴黎"),
    ("不好意思，这个我不懂。", "巴黎"),
    ("作为AI，我无法回答这个问题。", "巴黎"),
    ("我手头没有这个信息。", "巴黎"),
])
def test_more_ways_of_declining_are_abstentions(response, gold):
    from rewards import judge

    question = "What is the capital of France?" if gold.isascii() else "法国的首都是哪里？"
    assert judge(response, [gold], question=question).outcome.value == "abstain"


def test_a_decline_in_other_words_then_a_guess_is_still_the_guess():
    from rewards import judge

    assert judge("It escapes me, but maybe Lyon.", ["Paris"]).outcome.value == "wrong"
    assert judge("很抱歉，我没有找到相关资料，可能是里昂。", ["巴黎"]).outcome.value == "wrong"
