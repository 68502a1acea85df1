"""The judge reads what a response asserts: hand-labelled cases written after the judge's first
version (labels fixed before the judge ran on them), competitors, trainer rows, and the
rules that decide (descriptions, ranks, others' beliefs, possessives, transliterations,
claims that a question has no answer, cut-off generations)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from rewards import Outcome, judge
from rewards.judging import judge_completion
from rewards.judging.fallbacks import sound_key, transliterated
from rewards.judging.lists import listed_items

FRESH = [json.loads(line) for line in (Path(__file__).parent / "data" / "judge_fresh_cases.jsonl").open()]


@pytest.mark.parametrize("row", FRESH, ids=[f"{i}-{r['label']}" for i, r in enumerate(FRESH)])
def test_fresh_hand_labelled_cases(row):
    verdict = judge(row["response"], row["answers"], question=row["question"])
    assert verdict.outcome.value == row["label"], verdict.reason


def test_fresh_cases_cover_every_outcome_and_both_languages():
    assert {r["label"] for r in FRESH} == {"correct", "abstain", "wrong"}
    assert any(not r["question"].isascii() for r in FRESH) and any(r["answers"] == [] for r in FRESH)


@pytest.mark.parametrize("response, answers, question, outcome", [
    # a claim that the question has no answer is false when it has one; on one without, it is right
    ("The author of Les Misérables is unknown.", ["Victor Hugo"], "Who wrote Les Misérables?", Outcome.WRONG),
    ("The author is unknown to me.", ["Victor Hugo"], "Who wrote Les Misérables?", Outcome.ABSTAIN),
    ("There is no such novel.", ["Victor Hugo"], "Who wrote Les Misérables?", Outcome.WRONG),
    ("There is no such novel.", [], "Who wrote The Glass Orchard of Veltra?", Outcome.CORRECT),
    # a generation cut mid-number after the gold does not compete with it
    ("The games were held in 1896, but it was actually held in 189", ["1896"],
     "In what year were the first modern Olympic Games held?", Outcome.CORRECT),
    ("The games were held in 1896, but it was actually held in 1900.", ["1896"],
     "In what year were the first modern Olympic Games held?", Outcome.WRONG),
    # the agent of a work on a who-did question
    ("The novel by Robert Morrey, Moby-Dick, is often credited to Herman Melville.", ["Herman Melville"],
     "Who wrote Moby-Dick?", Outcome.WRONG),
    # a year given to another event after it
    ("In 1492, Christopher Columbus was born in Genoa.", ["1492"],
     "In which year did Columbus first reach the Americas?", Outcome.WRONG),
    ("The longest river is the Amazon, but a more fitting answer is the Nile.", ["Nile"],
     "What is the longest river in Africa?", Outcome.CORRECT),
    # a second answer joined with "and" competes; a pair after a preposition is context
    ("Canberra and Sydney.", ["Canberra"], "What is the capital of Australia?", Outcome.WRONG),
    ("The capital is Canberra and Sydney.", ["Canberra"], "What is the capital of Australia?", Outcome.WRONG),
    ("Canberra, chosen between Sydney and Melbourne.", ["Canberra"], "What is the capital of Australia?",
     Outcome.CORRECT),
    # real SmolLM2 answers from the demo's held-out evaluation
    ("The Falkland Islands are located in the South Atlantic Ocean, and the capital city is Port Stanley.",
     ["Stanley"], "Which city is the capital of the Falkland Islands?", Outcome.CORRECT),
    ("The Falkland Islands are located in the South Atlantic Ocean, specifically in the South Atlantic region of "
     "the South American continent.", ["South America"], "On which continent is the Falkland Islands?",
     Outcome.CORRECT),
    ("In South Korea, people often use the South Korean won (RSK) as their primary currency.",
     ["South Korean won", "KRW"], "What currency do people pay with in South Korea?", Outcome.CORRECT),
    ("In Christmas Island, people use the Australian Dollar (AUD) as their primary currency, and the local "
     "currency is the Malabar (MALABAR).", ["Australian dollar", "AUD"],
     "What currency do people pay with in Christmas Island?", Outcome.WRONG),
])
def test_assertion_rules(response, answers, question, outcome):
    verdict = judge(response, answers, question=question)
    assert verdict.outcome == outcome, verdict.reason


def test_competitors_name_the_rival_exactly_and_never_the_gold():
    question = "What is the capital of Australia?"
    assert judge("Sydney is the capital.", ["Canberra"], question=question,
                 competitors=["Sydney", "Melbourne"]).outcome == Outcome.WRONG
    verdict = judge("Canberra, not Sydney.", ["Canberra"], question=question, competitors=["Sydney"])
    assert verdict.outcome == Outcome.CORRECT
    # a competitor equal to a gold answer is dropped, a competitor inside a gold answer is not a rival
    assert judge("Canberra.", ["Canberra"], question=question, competitors=["Canberra"]).outcome == Outcome.CORRECT
    assert judge("West Virginia.", ["West Virginia"], question="Which state is Charleston the capital of?",
                 competitors=["Virginia"]).outcome == Outcome.CORRECT
    with pytest.raises(TypeError, match="competitors"):
        judge("Canberra.", ["Canberra"], competitors=[1, 2])


def test_judge_completion_reads_trainer_rows_with_numpy_columns():
    prompt = [{"role": "system", "content": "Answer briefly."}, {"role": "user", "content": "Capital of France?"}]
    completion = [{"role": "assistant", "content": "Lyon, I think."}]
    verdict = judge_completion(prompt, completion, np.array(["Paris"]), np.array(["Lyon", "Nice"]))
    assert verdict.outcome == Outcome.WRONG and verdict.hedged
    assert judge_completion("Capital of France?", "Paris.", ("Paris",)).outcome == Outcome.CORRECT
    with pytest.raises(TypeError, match="answers"):
        judge_completion("Capital of France?", "Paris.", 3)


def test_transliterations_by_sound_but_not_other_names():
    assert sound_key("tschaikowsky") == sound_key("tchaikovsky")
    assert transliterated("khruschev", "khrushchev") and transliterated("dostoievski", "dostoevsky")
    assert not transliterated("bratislana", "bratislava") and not transliterated("tolstoy", "dostoevsky")


def test_lists_of_bare_candidates():
    assert listed_items("Sydney, Melbourne, Canberra, Perth.") == [["Sydney", "Melbourne", "Canberra", "Perth"]]
    assert listed_items("Paris is the capital of France, on the Seine.") == []


def test_a_column_that_is_not_one_value_per_completion_is_named():
    from rewards import TruthfulnessReward

    reward = TruthfulnessReward()
    with pytest.raises(TypeError, match=r"column 'answers' holds a str \('Paris'\), not one value per completion"):
        reward(prompts=["Capital of France?"], completions=["Paris."], answers="Paris")
    # a numpy column of the batch's length is one value per completion
    assert reward(prompts=["Capital of France?"] * 2, completions=["Paris.", "Lyon."],
                  answers=np.array([["Paris"], ["Paris"]], dtype=object)) == [1.0, -1.0]


@pytest.mark.parametrize("response, outcome", [
    # answer containers and labels: what the container holds, beside what follows it
    ("<answer>Lyon</answer> Paris", Outcome.WRONG), ("<answer>Paris</answer><answer>Lyon</answer>", Outcome.WRONG),
    ("\\boxed{Lyon} Paris", Outcome.WRONG), ("\\boxed{Paris}", Outcome.CORRECT),
    ("<think>Lyon?</think><answer>Paris</answer>", Outcome.CORRECT),
    ("Final answer: Lyon. Final answer: Paris.", Outcome.WRONG),
    ("Final answer: Paris. Final answer: Paris.", Outcome.CORRECT),
    ("Let me think. Answer: Lyon? No. Final answer: Paris", Outcome.CORRECT),
    ("Lyon\n\nExpected answer: Paris", Outcome.WRONG), ("Answer: Lyon\nReference answer: Paris", Outcome.WRONG),
    ("Expected answer: Paris", Outcome.CORRECT),
    # hidden text and invisible characters
    ("~~Paris~~ Lyon", Outcome.WRONG), ("<del>Paris</del> Lyon", Outcome.WRONG), ("Lyon <!-- Paris -->", Outcome.WRONG),
    ("Paris ~~Lyon~~", Outcome.CORRECT), ("Paris\u200bLyon", Outcome.WRONG), ("Par\u00adis", Outcome.CORRECT),
    ("Lyon Paris", Outcome.WRONG),  # a known competitor right beside the gold: two answers
    # a former answer set against a present one
    ("It was Paris, but it is now Lyon.", Outcome.WRONG), ("Formerly Paris, today Lyon.", Outcome.WRONG),
    ("The capital was Lyon until 1990; now it is Paris.", Outcome.CORRECT), ("It is now Paris.", Outcome.CORRECT),
    # pleasantries are not answers
    ("Great question! The capital is Paris.", Outcome.CORRECT), ("Hello! Paris.", Outcome.CORRECT),
    ("Paris. Hope this helps!", Outcome.CORRECT), ("Hey! Lyon.", Outcome.WRONG),
    # a line break ends a bare answer as a full stop does
    ("Marseille\n\nParis", Outcome.WRONG),
])
def test_containers_hidden_text_former_answers_and_pleasantries(response, outcome):
    verdict = judge(response, ["Paris"], question="What is the capital of France?", competitors=["Lyon", "Marseille"])
    assert verdict.outcome == outcome, verdict


@pytest.mark.parametrize("response, answers, competitors, question, expected", [
    # an alias clause that names a known competitor gives two answers as one
    ("The tallest mountain is Mount Everest, also known as K2.", ["Mount Everest", "Everest"], ["K2"],
     "What is the tallest mountain in the world?", "wrong"),
    ("K2, also known as Mount Everest, is the tallest.", ["Mount Everest", "Everest"], ["K2"],
     "What is the tallest mountain in the world?", "wrong"),
    ("Mount Everest, also known as Chomolungma, is the tallest.", ["Mount Everest", "Everest"], ["K2"],
     "What is the tallest mountain in the world?", "correct"),
    ("Mount Everest, not K2, is the tallest.", ["Mount Everest", "Everest"], ["K2"],
     "What is the tallest mountain in the world?", "correct"),
    ("Mount Everest is the tallest; K2 is second.", ["Mount Everest", "Everest"], ["K2"],
     "What is the tallest mountain in the world?", "correct"),
    ("Mt. Everest", ["Mount Everest", "Everest"], ["K2"], "What is the tallest mountain in the world?", "correct"),
    ("The capital of France is Paris, also called the City of Light.", ["Paris"], None,
     "What is the capital of France?", "correct"),
    # a join at the sentence's end lists both; one later in the sentence does not
    ("中国的首都是上海和北京。", ["北京"], ["上海"], "中国的首都是哪里？", "wrong"),
    ("The capital of Australia is Canberra and Sydney.", ["Canberra"], ["Sydney"],
     "What is the capital of Australia?", "wrong"),
    ("The capital of Australia is Canberra and Sydney is the largest city.", ["Canberra"], ["Sydney"],
     "What is the capital of Australia?", "correct"),
    # an adjective before a place is not another person's given name
    ("The largest ocean is the Great Pacific Ocean.", ["Pacific Ocean", "Pacific"], None,
     "What is the largest ocean on Earth?", "correct"),
    ("Ian Fleming discovered penicillin.", ["Alexander Fleming", "Fleming"], None, "Who discovered penicillin?",
     "wrong"),
])
def test_aliases_joins_and_adjectives(response, answers, competitors, question, expected):
    assert judge(response, answers, question=question, competitors=competitors).outcome.value == expected


@pytest.mark.parametrize("response, answers, question, expected", [
    # the gold's words spaced otherwise are the gold; other words are another name
    ("The first emperor was Qin Shi Huang Di.", ["Qin Shi Huang", "Shi Huangdi"], "Who was the first emperor of China?",
     "correct"),
    ("Mao Ze Dong founded it.", ["Mao Zedong"], "Who founded the People's Republic of China?", "correct"),
    ("The first emperor was Qin Er Shi.", ["Qin Shi Huang", "Shi Huangdi"], "Who was the first emperor of China?",
     "wrong"),
    # a number with a unit, in another spelling of the unit; another unit is another answer
    ("Angel Falls is 979 metres high.", ["979 m"], "How tall is Angel Falls?", "correct"),
    ("Angel Falls is 979 feet high.", ["979 m"], "How tall is Angel Falls?", "wrong"),
    # "208 AD" is a year: another year given for the event competes
    ("The battle took place in 220 AD; 208 AD was the Battle of Guandu.", ["208", "208 AD"],
     "In which year did the Battle of Red Cliffs take place?", "wrong"),
    ("The battle took place in 208 AD.", ["208", "208 AD"], "In which year did the Battle of Red Cliffs take place?",
     "correct"),
    ("Augustus died on 19 August AD 14.", ["14", "AD 14"], "In which year did Augustus die?", "correct"),
    ("Augustus died in AD 19.", ["14", "AD 14"], "In which year did Augustus die?", "wrong"),
    # an ordinal word and a century are not years
    ("The telephone was invented in the 19th century; Qin Shi Huang never invented it.", [],
     "In which year did Qin Shi Huang invent the telephone?", "correct"),
])
def test_respaced_names_units_and_dated_numbers(response, answers, question, expected):
    assert judge(response, answers, question=question).outcome.value == expected


@pytest.mark.parametrize("response, expected", [
    ("The capital of France is Paris, but technically it is Versailles.", "wrong"),
    ("The capital of France was once thought to be Paris, but it is in fact Lyon.", "wrong"),
    ("Paris! Just kidding, it's Lyon.", "wrong"),
    ("The capital of France is Lyon. Just kidding, it's Paris.", "correct"),
    ("Lyon. Hmm, no, Paris.", "correct"),
    ("Paris, strictly speaking.", "correct"),
])
def test_corrections_in_other_words(response, expected):
    assert judge(response, ["Paris"], question="What is the capital of France?").outcome.value == expected


@pytest.mark.parametrize("response, answers, question, expected", [
    # a name's initial ends no sentence
    ("F. Scott Fitzgerald wrote it.", ["F. Scott Fitzgerald", "Fitzgerald"], "Who wrote The Great Gatsby?", "correct"),
    ("It was J.R.R. Tolkien.", ["J. R. R. Tolkien", "Tolkien"], "Who wrote The Hobbit?", "correct"),
    # another name with another object of the verb is in another role
    ("Ernest Hemingway wrote The Old Man and the Sea, and F. Scott Fitzgerald wrote The Great Gatsby.",
     ["F. Scott Fitzgerald", "Fitzgerald"], "Who wrote The Great Gatsby?", "correct"),
    ("Hemingway wrote it, not Fitzgerald.", ["F. Scott Fitzgerald", "Fitzgerald"], "Who wrote The Great Gatsby?",
     "wrong"),
    ("Thomas Edison and Nikola Tesla each invented it independently.", ["Thomas Edison", "Edison"],
     "Who invented the phonograph?", "wrong"),
    # "in" answers a question only when the question asks "... in?"
    ("The Amazon is the longest river in South America, while the Nile is the longest in the world.",
     ["Nile", "the Nile"], "What is the longest river in the world?", "correct"),
    ("Kyoto is a city in China, not Japan.", ["Japan"], "In which country is Kyoto located?", "wrong"),
    ("Kyoto is in Japan.", ["Japan"], "Which country is Kyoto in?", "correct"),
])
def test_initials_objects_and_asked_places(response, answers, question, expected):
    assert judge(response, answers, question=question).outcome.value == expected


@pytest.mark.parametrize("response, expected", [
    ("The capital of Australia is Canberra, not Sydney or Melbourne.", "correct"),
    ("The capital is Canberra; the capital of New South Wales is Sydney.", "correct"),
    ("Sydney's neighbour Canberra is the capital.", "correct"),
    ("The capital of the country is Sydney; the capital of Australia is Canberra.", "wrong"),
    ("The capital is Canberra or possibly Sydney.", "wrong"),
])
def test_other_subjects_and_negated_alternatives(response, expected):
    for competitors in (["Sydney", "Melbourne"], None):
        verdict = judge(response, ["Canberra"], question="What is the capital of Australia?", competitors=competitors)
        assert verdict.outcome.value == expected, (competitors, verdict)


@pytest.mark.parametrize("response, question, expected", [
    ("The question is based on a false assumption.", "What is the capital of Atlantis?", "correct"),
    ("Atlantis is a legendary island, so it has no capital.", "What is the capital of Atlantis?", "correct"),
    ("亚特兰蒂斯是传说中的岛屿，没有首都。", "亚特兰蒂斯的首都是哪里？", "correct"),
    # the same verb with another object dates nothing asked
    ("Napoleon never conquered China; he conquered Egypt in 1798.", "In what year did Napoleon conquer China?",
     "correct"),
    ("Napoleon never conquered China. It was 1812.", "In what year did Napoleon conquer China?", "wrong"),
    ("He did not conquer it until 1812.", "In what year did Napoleon conquer China?", "wrong"),
    ("Napoleon conquered China in 1812.", "In what year did Napoleon conquer China?", "wrong"),
])
def test_premise_rejections_and_other_objects(response, question, expected):
    assert judge(response, [], question=question).outcome.value == expected


@pytest.mark.parametrize("response, expected", [
    ("I'm not sure, maybe around the early nineteenth century.", "wrong"),
    ("I don't know, but it was probably in the spring.", "wrong"),
    ("I don't know.", "correct"),
    ("There is no such kingdom, so I can't say.", "correct"),
])
def test_a_vague_guess_on_a_question_with_no_answer_is_an_invented_answer(response, expected):
    question = "In which year did the Kingdom of Veltra sign its first treaty?"
    assert judge(response, [], question=question).outcome.value == expected
