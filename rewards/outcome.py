"""The three outcomes of a response to a knowledge-seeking question, their order and their rates."""

from __future__ import annotations

import math
from enum import Enum
from typing import Any, Iterable


class Outcome(str, Enum):
    """What a response did: answered correctly, declined, or answered wrongly.

    >>> Outcome.CORRECT == "correct"
    True
    """

    CORRECT = "correct"
    ABSTAIN = "abstain"
    WRONG = "wrong"

    def __str__(self) -> str:
        return self.value


def has_no_true_answer(answers: Any) -> bool:
    """Whether a gold-answers value marks a question with no true answer: an empty list.

    Such a question (a fictitious entity, say) is answered right only by declining, so
    rates of accuracy and hallucination leave it out and report it apart. A missing value
    (``None``, or pandas' NaN in a table) is *not* "no true answer"; a string is one answer.

    >>> has_no_true_answer([]), has_no_true_answer(["Paris"]), has_no_true_answer(None)
    (True, False, False)
    >>> has_no_true_answer(float("nan")), has_no_true_answer(""), has_no_true_answer(())
    (False, False, True)
    """
    return not isinstance(answers, str) and hasattr(answers, "__len__") and len(answers) == 0


def check_outcome_order(correct: float, abstain: float, wrong: float, *, where: str = "") -> None:
    """Raise ``ValueError`` unless ``correct > abstain > wrong`` and all three are finite.

    The one check of a reward's order, used by every reward, composition and config that
    takes outcome values: with any other order no confidence threshold exists and a policy
    is paid to guess (or never to answer).

    >>> check_outcome_order(1.0, 0.0, -1.0)
    >>> check_outcome_order(1.0, -2.0, -1.0)
    Traceback (most recent call last):
    ValueError: Values must order correct > abstain > wrong; got correct=1.0, abstain=-2.0, wrong=-1.0 (abstain <= wrong). Raise abstain above wrong.
    """
    values = {"correct": correct, "abstain": abstain, "wrong": wrong}
    prefix = f"{where}: " if where else ""
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"{prefix}{name}={value!r} must be a finite number.")
    if not correct > abstain:
        raise ValueError(f"{prefix}Values must order correct > abstain > wrong; got correct={correct}, "
                         f"abstain={abstain}, wrong={wrong} (correct <= abstain). Raise correct above abstain.")
    if not abstain > wrong:
        raise ValueError(f"{prefix}Values must order correct > abstain > wrong; got correct={correct}, "
                         f"abstain={abstain}, wrong={wrong} (abstain <= wrong). Raise abstain above wrong.")


def outcome_rates(outcomes: Iterable[Outcome | str | None]) -> dict[str, float]:
    """Correct / abstain / wrong rates and truthfulness (correct - wrong) over the judged outcomes.

    ``None`` (a row no outcome reward applied to) is left out; an empty list raises, since
    a rate of nothing is undefined.

    >>> outcome_rates(["correct", "wrong", "abstain", "abstain", None])
    {'correct': 0.25, 'abstain': 0.5, 'wrong': 0.25, 'truthfulness': 0.0}
    """
    judged = [Outcome(o) for o in outcomes if o is not None]
    if not judged:
        raise ValueError("outcome_rates needs at least one judged outcome; got none.")
    rates = {o.value: sum(x is o for x in judged) / len(judged) for o in Outcome}
    rates["truthfulness"] = rates["correct"] - rates["wrong"]
    return rates
