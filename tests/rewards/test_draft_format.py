"""Draft-then-decide responses (``<think>draft</think> final``): only the final part is judged."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rewards import Outcome, judge
from rewards.judging.final import draft_response, final_part
from rewards.knowledge import KnowledgeAwareTruthfulness, KnowledgeLabels

C, A, W = Outcome.CORRECT, Outcome.ABSTAIN, Outcome.WRONG
Q = "What is the capital of France?"
FICTION = "What is the capital of Zorbia?"

CASES = [
    # (response, answers, question, outcome, words the reason must contain); labels written before running
    ("<think>Paris.</think> Paris.", ["Paris"], Q, C, "commits to 'Paris'"),  # the final repeats the draft
    ("<think>The capital of France is Paris.</think> The capital of France is Paris.", ["Paris"], Q, C, "Paris"),
    ("<think>Lyon.</think> Lyon.", ["Paris"], Q, W, ""),  # repeating a wrong draft commits to it
    ("<think>Paris.</think> I don't know.", ["Paris"], Q, A, "declines"),  # a right draft, then declined
    ("<think>Lyon.</think> I don't know.", ["Paris"], Q, A, "declines"),
    ("<think>Lyon.</think> Paris.", ["Paris"], Q, C, "Paris"),  # the draft is not judged
    ("<think>Paris.</think> Lyon.", ["Paris"], Q, W, ""),
    ("<think>Paris.", ["Paris"], Q, W, "never closed"),  # no closing tag
    ("<think>Paris.</think>", ["Paris"], Q, W, "nothing after the reasoning block"),  # a think block only
    ("<think>Paris.</think>  \n ", ["Paris"], Q, W, "nothing after the reasoning block"),  # empty final
    ("<think>Paris.</think> Paris. <think>Or Lyon", ["Paris"], Q, W, "never closed"),  # cut off mid-thought
    ("<think>Zorbia City.</think> I don't know.", [], FICTION, C, ""),  # no true answer: declining is right
    ("<think>Zorbia City.</think> Zorbia City.", [], FICTION, W, ""),
    ("<think>I don't know.</think>", [], FICTION, W, "no final answer"),  # a decline inside the draft is no decline
]


@pytest.mark.parametrize("response, answers, question, outcome, why", CASES)
def test_the_final_part_decides(response, answers, question, outcome, why):
    verdict = judge(response, answers, question=question)
    assert verdict.outcome == outcome, verdict
    assert why in verdict.reason


def test_draft_response_puts_the_final_part_last():
    text = draft_response(" Lyon. ", "I don't know. ")
    assert text == "<think>Lyon.</think> I don't know."
    assert final_part(text).strip() == "I don't know."


_FINALS = ["Paris.", "The capital of France is Paris.", "Lyon.", "I don't know.", "It is Marseille, I think.",
           "I'm not sure.", "Paris or Lyon."]


@settings(max_examples=60, deadline=None)
@given(draft=st.text(alphabet=st.characters(blacklist_characters="<>"), max_size=60), final=st.sampled_from(_FINALS))
def test_the_draft_never_changes_the_verdict(draft, final):
    """Whatever the draft says, a well-formed response is judged as its final part alone."""
    alone = judge(final, ["Paris"], question=Q).outcome
    assert judge(draft_response(draft, final), ["Paris"], question=Q).outcome == alone


def test_the_knowledge_aware_reward_scores_the_final_outcome():
    reward = KnowledgeAwareTruthfulness(KnowledgeLabels({"fr": 1.0, "zz": 0.0}), correct=1.0, abstain=0.0,
                                        wrong=-1.5, abstain_known=-1.5)
    responses = ["<think>Lyon.</think> I don't know.", "<think>Paris.</think> Paris.", "<think>Paris.</think>",
                 "<think>Lyon.</think> I don't know."]
    scores = reward([Q] * 4, responses, answers=[["Paris"]] * 4, id=["zz", "fr", "fr", "fr"])
    assert scores == [0.0, 1.0, -1.5, -1.5]  # declining a known question is priced like a wrong answer
