"""Judge a response to a knowledge-seeking question: correct, abstain or wrong, and why.

:func:`judge` cuts the response into clauses (at punctuation and "but"/"however"/"但是"),
normalizes each (:mod:`rewards.text`) and looks for every gold answer
(:mod:`rewards.gold`) on token boundaries. A gold occurrence counts as the response's
answer unless it is declined, negated, only part of the question's own subject, or
stands beside a competing candidate (:mod:`rewards.matching`). A response that names no
gold answer abstains when it declines and commits to nothing (:mod:`rewards.abstention`),
and is wrong otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from rewards.abstention import abstains_in, hedged_in, is_degenerate
from rewards.gold import gold_answers, is_who_question, surname_answers
from rewards.matching import COMPETING, ParsedResponse, find_answer
from rewards.outcome import Outcome
from rewards.text import prepare, split_clauses

__all__ = ["Verdict", "judge"]


@dataclass(frozen=True)
class Verdict:
    """What a response did, and why.

    Attributes:
        outcome: :class:`~rewards.Outcome` CORRECT, ABSTAIN or WRONG.
        hedged: the response voiced doubt but still committed to an answer.
        matched: the gold answer it named (as given in ``answers``), or None.
        reason: a short human-readable explanation.

    >>> Verdict(Outcome.CORRECT, matched="Paris", reason="names 'Paris'").outcome
    <Outcome.CORRECT: 'correct'>
    """

    outcome: Outcome
    hedged: bool = False
    matched: str | None = None
    reason: str = ""


@lru_cache(maxsize=65536)
def _verdict(outcome: Outcome, hedged: bool = False, matched: str | None = None, reason: str = "") -> Verdict:
    """Verdicts are immutable, so equal ones are shared (saves building one per response)."""
    return Verdict(outcome, hedged, matched, reason)


def _gold_tuple(answers: Iterable[str] | str) -> tuple[str, ...]:
    """``answers`` as a tuple of strings; raise ``TypeError`` on anything else."""
    if isinstance(answers, str):
        return (answers,)
    if isinstance(answers, (list, tuple)):
        return tuple(answers)
    raise TypeError(f"judge needs the gold answers as a list of strings, got {answers!r}; use [] for none.")


def judge(response: str, answers: Iterable[str] | str, *, question: str | None = None) -> Verdict:
    """Decide whether ``response`` answers correctly, abstains, or answers wrongly.

    Args:
        response: the model's answer text.
        answers: acceptable gold answers (aliases); ``[]`` means the question has no true
            answer, so declining is CORRECT and any committed answer WRONG. A single string
            is taken as one gold answer.
        question: the question; lets a gold answer that only appears inside the question's
            own subject ("Guinea-Bissau" for "Bissau") be told apart from an answer.

    >>> judge("I think it is Ulan Bator, but I'm not sure.", ["Ulaanbaatar", "Ulan Bator"])
    Verdict(outcome=<Outcome.CORRECT: 'correct'>, hedged=True, matched='Ulan Bator', reason="names 'Ulan Bator'")
    >>> judge("It's not Lyon, it's Paris.", ["Lyon"]).outcome, judge("我不知道。", ["巴黎"]).outcome
    (<Outcome.WRONG: 'wrong'>, <Outcome.ABSTAIN: 'abstain'>)
    """
    if not isinstance(response, str):
        raise TypeError(f"judge needs the response as a string, got {type(response).__name__}: {response!r}.")
    answers = _gold_tuple(answers)
    if question is not None and not isinstance(question, str):
        raise TypeError(f"judge needs the question as a string or None, got {type(question).__name__}.")
    try:
        golds = gold_answers(answers) if answers else ()
    except TypeError as exc:  # an unhashable item such as a nested list
        raise TypeError(
            f"judge needs the gold answers as a list of strings, got {answers!r}; use [] for none."
        ) from exc
    if is_degenerate(response):
        return _verdict(Outcome.WRONG, False, None, "empty or degenerate response")
    text = prepare(response)
    if not answers:
        if abstains_in(text):
            return _verdict(Outcome.CORRECT, False, None, "declines a question that has no true answer")
        return _verdict(Outcome.WRONG, hedged_in(text), None, "commits to an answer, but the question has none")
    if question and is_who_question(question):
        golds = golds + surname_answers(answers)
    matched, why, clauses = None, "", None
    for gold in golds:
        if not gold.key or gold.key in text:  # it may match: tokenize and look
            clauses = split_clauses(text)
            matched, why = find_answer(ParsedResponse(response, text, clauses), golds, question)
            break
    if matched is not None:
        return _verdict(Outcome.CORRECT, hedged_in(text), matched, why)
    if not why.startswith(COMPETING) and abstains_in(text, clauses):
        return _verdict(Outcome.ABSTAIN, False, None, "declines to answer")
    return _verdict(Outcome.WRONG, hedged_in(text), None, why or "names none of the gold answers")
