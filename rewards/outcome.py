"""The three outcomes of a response to a knowledge-seeking question, their order and their rates.

:class:`OutcomeScore` is what an outcome reward gives a response: its value together with the
outcome it was given for (and, for knowledge-aware rewards, whether the question is known),
so a composition never has to recover an outcome from a float.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from enum import Enum
from typing import Any, Iterable


class ValueEnum(str, Enum):
    """A string enum that prints as its value (``f"{Outcome.CORRECT}"`` is ``"correct"``)."""

    def __str__(self) -> str:
        return self.value


class Outcome(ValueEnum):
    """What a response did: answered correctly, declined, or answered wrongly.

    >>> Outcome.CORRECT == "correct"
    True
    """

    CORRECT = "correct"
    ABSTAIN = "abstain"
    WRONG = "wrong"


#: The label of an abstention on a question the policy is known to know.
ABSTAIN_KNOWN = "abstain_known"


@dataclass(frozen=True)
class OutcomeScore:
    """One response's value from an outcome reward, with the outcome it was given for.

    Attributes:
        value: the reward (None when the reward does not apply to the row).
        outcome: the response's :class:`Outcome`; None when the row was not judged (the
            reward does not apply, or a rule returned a number rather than an outcome).
        known: for a knowledge-aware reward, whether the policy is known to know the
            question (None when that is unknown or does not apply).

    >>> OutcomeScore(-1.0, Outcome.ABSTAIN, known=True).label
    'abstain_known'
    >>> OutcomeScore(0.0, Outcome.ABSTAIN).label, OutcomeScore(None).label
    ('abstain', None)
    """

    value: float | None
    outcome: Outcome | None = None
    known: bool | None = None

    @property
    def label(self) -> str | None:
        """The name of the value's level: the outcome's name, or ``"abstain_known"`` for
        declining a question the policy is known to know (priced apart from other declines)."""
        if self.outcome is None:
            return None
        if self.outcome is Outcome.ABSTAIN and self.known:
            return ABSTAIN_KNOWN
        return self.outcome.value


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


def check_outcome_order(
    correct: float, abstain: float, wrong: float, *, where: str = "",
    names: tuple[str, str, str] = ("correct", "abstain", "wrong"),
) -> None:
    """Raise ``ValueError`` unless ``correct > abstain > wrong`` and all three are finite numbers.

    The one check of a reward's order, used by every reward, composition and config that
    takes outcome values: with any other order no confidence threshold exists and a policy
    is paid to guess (or never to answer). The message names the values out of order.

    Args:
        correct, abstain, wrong: the values of the three outcomes.
        where: what holds the values (a reward's name), put before the message.
        names: what the caller calls the three values (``("supported", "abstain",
            "unsupported")`` for faithfulness).

    >>> check_outcome_order(1.0, 0.0, -1.0)
    >>> check_outcome_order(1.0, -2.0, -1.0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: Values must order correct > abstain > wrong; got ... (abstain <= wrong). Raise abstain above wrong: ...
    """
    values = dict(zip(names, (correct, abstain, wrong)))
    prefix = f"{where}: " if where else ""
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
            raise ValueError(f"{prefix}{name}={value!r} must be a finite number.")
    got = ", ".join(f"{name}={value}" for name, value in values.items())
    high, middle, low = names
    if not correct > abstain:
        raise ValueError(f"{prefix}Values must order {high} > {middle} > {low}; got {got} ({high} <= {middle}). "
                         f"Raise {high} above {middle}: otherwise declining pays as well as a right answer and "
                         "the policy learns never to answer.")
    if not abstain > wrong:
        raise ValueError(f"{prefix}Values must order {high} > {middle} > {low}; got {got} ({middle} <= {low}). "
                         f"Raise {middle} above {low}: otherwise a guess costs no more than declining and the "
                         "policy learns to hallucinate.")


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
