"""judge(): matching, negation, competing candidates, question subject, abstention, numbers, symbols."""

import dataclasses
import importlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rewards import Outcome, Verdict, judge
from rewards.judging.gold import gold_answers

C, A, W = Outcome.CORRECT, Outcome.ABSTAIN, Outcome.WRONG
LABELLED = Path(__file__).parent / "data" / "labelled_responses.jsonl"

CASES = [
    # (response, answers, question, outcome)
    ("Paris.", ["Paris"], None, C),
    ("The capital of France is Paris.", ["Paris"], "What is the capital of France?", C),
    ("Paris, the capital of France.", ["Paris"], None, C),
    ("paris", ["Paris"], None, C),
    ("PARIS!", ["Paris"], None, C),
    ("ＰＡＲＩＳ", ["Paris"], None, C),
    ("It's Bogota.", ["Bogotá"], None, C),
    ("The capital of Mongolia is Ulan Bator.", ["Ulaanbaatar", "Ulan Bator"], None, C),
    ("Ulaanbaatar (or Ulan Bator).", ["Ulaanbaatar", "Ulan Bator"], None, C),
    ("The capital is Lyon.", ["Paris"], None, W),
    ("The capital of Burkina Faso is Kouilou.", ["Ouagadougou"], "What is the capital of Burkina Faso?", W),
    ("The capital of Italy is Rome.", ["Rome"], None, C),
    ("The capital of Romania is Bucharest.", ["Rome"], None, W),  # word boundary
    ("Romania", ["Rome"], None, W),
    # negation
    ("It is not Paris.", ["Paris"], None, W),
    ("It's not Lyon, it's Paris.", ["Lyon"], None, W),
    ("It's not Lyon, it's Paris.", ["Paris"], None, C),
    ("The capital of Australia is Sydney, not Canberra.", ["Canberra"], None, W),
    ("Canberra, not Sydney.", ["Canberra"], None, C),
    ("Paris is not the capital of France.", ["Paris"], None, W),
    ("The capital is Paris rather than Lyon.", ["Lyon"], None, W),
    ("巴黎不是首都。", ["巴黎"], None, W),
    # competing candidates
    ("It is either Paris or Lyon.", ["Paris"], None, W),
    ("Paris or Lyon.", ["Lyon"], None, W),
    ("The atomic number is 26 or 27.", ["26"], None, W),
    # hedges
    ("I'm not sure, but I think it's Paris.", ["Paris"], None, C),
    ("I'm not sure, but I think it's Lyon.", ["Paris"], None, W),
    ("Probably Paris.", ["Paris"], None, C),
    ("I don't know. Maybe Paris?", ["Paris"], None, C),
    ("我不确定，但我认为是巴黎。", ["巴黎"], None, C),
    # abstention
    ("I don't know.", ["Paris"], None, A),
    ("I'm not sure.", ["Paris"], None, A),
    ("I can't answer that.", ["Paris"], None, A),
    ("I have no information about that country.", ["Bissau"], None, A),
    ("I'm unable to determine the capital of Malawi.", ["Lilongwe"], "What is the capital of Malawi?", A),
    ("No one knows.", ["Paris"], None, W),  # a claim that the world lacks the answer, as "It is unknown."
    ("我不知道。", ["巴黎"], None, A),
    ("无法回答", ["巴黎"], None, A),
    ("I'm not sure it's Paris.", ["Paris"], None, A),  # doubts Paris, commits to nothing
    # evasive and empty
    ("Malawi is a country in East Africa.", ["Lilongwe"], "What is the capital of Malawi?", W),
    ("That is a great question about geography!", ["Lilongwe"], None, W),
    ("", ["Paris"], None, W),
    ("   \n", ["Paris"], None, W),
    ("...", ["Paris"], None, W),
    ("the the the the the", ["Paris"], None, W),
    # the question's own subject
    ("Guinea-Bissau is a small nation in West Africa.", ["Bissau"], "What is the capital of Guinea-Bissau?", W),
    ("Bissau", ["Bissau"], "What is the capital of Guinea-Bissau?", C),
    ("The capital of Guinea-Bissau is Bissau.", ["Bissau"], "What is the capital of Guinea-Bissau?", C),
    ("The capital of Mexico is Mexico City.", ["Mexico City"], "What is the capital of Mexico?", C),
    ("The capital of Mexico is Mexico.", ["Mexico City"], "What is the capital of Mexico?", W),
    ("The capital of Djibouti is Djibouti.", ["Djibouti"], "What is the capital of Djibouti?", C),
    ("Djibouti is a country in East Africa.", ["Djibouti"], "What is the capital of Djibouti?", W),
    ("Luxembourg City is the capital of Luxembourg.", ["Luxembourg"], "What is the capital of Luxembourg?", C),
    # numbers and dates
    ("The atomic number is 74.", ["74"], None, C),
    ("The atomic number of tungsten is seventy-four.", ["74"], None, C),
    ("Tungsten has 74 protons.", ["seventy-four"], None, C),
    ("The atomic number is 47.", ["74"], None, W),
    ("It is 174.", ["74"], None, W),
    ("The population is about 1,234,000.", ["1234000"], None, C),
    ("Pi is roughly 3.14.", ["3.14"], None, C),
    ("The Battle of Hastings was fought on October 14, 1066.", ["1066"], None, C),
    ("It happened in 1066 AD.", ["1066"], None, C),
    ("It happened in 1067.", ["1066"], None, W),
    # element symbols
    ("The chemical symbol of iron is Fe.", ["Fe"], None, C),
    ("The chemical symbol of iodine is I.", ["I"], None, C),
    ("I think the symbol is Io.", ["I"], None, W),
    ("I believe it is I.", ["I"], None, C),
    ("The chemical symbol of carbon is C.", ["C"], None, C),
    ("The chemical symbol of carbon is Ca.", ["C"], None, W),
    ("The symbol for helium is He.", ["He"], None, C),
    ("He discovered it in 1868.", ["He"], None, W),
    ("The symbol is Au.", ["Ag"], None, W),
]


@pytest.mark.parametrize("response, answers, question, outcome", CASES)
def test_judge_cases(response, answers, question, outcome):
    verdict = judge(response, answers, question=question)
    assert verdict.outcome is outcome, verdict.reason


@pytest.mark.parametrize(
    "response, outcome",
    [("I don't know.", C), ("There is no such country.", C), ("Veltrania is a fictional country.", C),
     ("我不知道", C), ("The capital of Veltrania is Veltra City.", W),
     ("I'm not sure, but I think it's Veltra.", W), ("Veltrania is a beautiful country in Europe.", W),
     ("", W), ("...", W)],
)
def test_unanswerable_questions_reward_declining(response, outcome):
    assert judge(response, [], question="What is the capital of Veltrania?").outcome is outcome


def test_contract_example():
    v = judge("I think it is Ulan Bator, but I'm not sure.", ["Ulaanbaatar", "Ulan Bator"])
    assert v == Verdict(Outcome.CORRECT, hedged=True, matched="Ulan Bator", reason="commits to 'Ulan Bator'")


def test_verdict_explains_itself():
    assert judge("Lyon.", ["Paris"]).reason == "names none of the gold answers"
    assert "negates" in judge("It is not Paris.", ["Paris"]).reason
    assert "competing" in judge("Paris or Lyon.", ["Paris"]).reason
    assert judge("I don't know.", ["Paris"]).reason == "declines to answer"
    assert judge("", ["Paris"]).reason == "empty or degenerate response"
    assert judge("Paris.", ["Lutetia", "Paris"]).matched == "Paris"


def test_hedged_flag():
    assert judge("Probably Paris.", ["Paris"]).hedged
    assert not judge("Paris.", ["Paris"]).hedged
    assert not judge("I don't know.", ["Paris"]).hedged  # an abstention is not a hedged answer
    verdict = judge("Hmm, I'd guess 1492.", ["1492"])
    assert verdict.outcome is Outcome.CORRECT and verdict.hedged


def test_single_string_answer_and_tuple_answers():
    assert judge("Paris.", "Paris").outcome is C
    assert judge("Paris.", ("Lyon", "Paris")).outcome is C


@pytest.mark.parametrize("bad", [None, 3, ["Paris", 3]])
def test_bad_answers_raise(bad):
    with pytest.raises(TypeError, match="gold answers"):
        judge("Paris", bad)


def test_bad_response_raises():
    with pytest.raises(TypeError, match="response"):
        judge(None, ["Paris"])


@settings(max_examples=300, deadline=None)
@given(st.text(), st.lists(st.text(max_size=12), max_size=3), st.one_of(st.none(), st.text()))
def test_judge_never_raises_on_arbitrary_unicode(response, answers, question):
    verdict = judge(response, answers, question=question)
    assert isinstance(verdict.outcome, Outcome)
    assert verdict.matched is None or verdict.matched in answers


def test_agreement_with_labelled_set():
    """Expert-labelled real SmolLM2 outputs and tricky synthetic cases (see docs/rewards.md).

    Measured: 0.996 on the 268 real rows, 1.000 on the 244 synthetic ones (written while the
    judge was built, so they flatter it) and 0.983 on 60 "blind" ones written afterwards and
    measured once before any change; the bar leaves room for honest changes.
    """
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 300
    for origin in ("real", "synthetic", "blind"):
        subset = [r for r in rows if r["origin"] == origin]
        agree = sum(judge(r["response"], r["answers"], question=r["question"]).outcome.value == r["label"]
                    for r in subset)
        assert agree / len(subset) >= 0.97, origin


@pytest.mark.parametrize(
    "response, answers",
    [("Ndjamena.", ["N'Djamena"]), ("Rangoon.", ["Yangon (Rangoon)"]), ("It is Yangon.", ["Yangon (Rangoon)"]),
     ("It is N’Djamena.", ["N'Djamena"]), ("74", ["seventy-four"]),
     ("It is seventy-four.", ["74"]), ("Bogota", ["Bogotá"]), ("BOGOTÁ", ["Bogota"]), ("ＰＡＲＩＳ", ["Paris"]),
     ("The Hague.", ["Hague"]), ("St. John's", ["St John's"]), ("Washington DC", ["Washington, D.C."]),
     ("首都是巴黎", ["巴黎"]), ("one hundred", ["100"]), ("It's 1,234.", ["one thousand two hundred thirty-four"])],
)
def test_spelling_variants_match(response, answers):
    assert judge(response, answers).outcome is C


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["Paris", "N'Djamena", "Bogotá", "74", "Ulan Bator", "巴黎", "Fe"]),
       st.sampled_from(["{}.", "It is {}.", "I think it's {}, not sure.", "The answer: {}!", "{} or Lyon", "Not {}."]))
def test_fast_path_agrees_with_full_tokenization(gold, template):
    module = importlib.import_module("rewards.judging.decide")

    response = template.format(gold)
    fast = judge(response, [gold])
    # The same golds without the shortcuts (letter-run key, symbol literal): always tokenize and look.
    full_golds = tuple(dataclasses.replace(g, key="", literal="") for g in gold_answers((gold,)))
    original = module.gold_answers
    try:
        module.gold_answers = lambda answers: full_golds
        slow = judge(response, [gold])
    finally:
        module.gold_answers = original
    assert fast == slow


@pytest.mark.parametrize(
    "response, outcome",
    [("It could be Paris, Lyon, or Marseille.", W), ("Lyon or maybe Paris.", W), ("It's Paris. Or maybe Lyon.", W),
     ("I'm not sure whether it's Paris or Lyon.", W), ("Paris, or so I believe.", C),
     ("Is it Paris or Lyon? It is Paris.", C), ("The capital is Paris, and Lyon or Nice are other big cities.", C),
     # "maybe X, maybe Y" offers alternatives like "or"; one "maybe" is only a hedge
     ("Maybe Paris, maybe Lyon.", W), ("Maybe Lyon, maybe Paris.", W), ("Perhaps Paris, perhaps Marseille.", W),
     ("Maybe Paris.", C), ("Maybe Paris, maybe not.", C), ("Maybe it's Paris, maybe not.", C),
     ("It's Paris, maybe the most beautiful city, maybe not.", C), ("Maybe not Lyon, maybe Paris.", C)],
)
def test_competing_candidates_in_lists(response, outcome):
    assert judge(response, ["Paris"]).outcome is outcome


def test_who_questions_accept_the_surname_but_other_questions_need_the_whole_answer():
    q = "Who discovered oxygen?"
    assert judge("Priestley discovered it in 1774.", ["Joseph Priestley"], question=q).matched == "Joseph Priestley"
    assert judge("Lavoisier.", ["Joseph Priestley"], question=q).outcome is W
    assert judge("Priestley.", ["Joseph Priestley"]).outcome is W  # no question: no surname rule
    assert judge("Mexico.", ["Mexico City"], question="What is the capital of Mexico?").outcome is W


def test_has_no_true_answer_only_for_an_empty_collection():
    from rewards.outcome import has_no_true_answer

    assert has_no_true_answer([]) and has_no_true_answer(()) and has_no_true_answer(set())
    assert not has_no_true_answer(["Paris"]) and not has_no_true_answer(("Paris", "Paname"))
    # a missing value is not "no true answer", and a string is one answer, even an empty one
    assert not has_no_true_answer(None) and not has_no_true_answer(float("nan"))
    assert not has_no_true_answer("") and not has_no_true_answer("Paris")
