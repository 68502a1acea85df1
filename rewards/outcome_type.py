"""The three outcomes of a response to a knowledge-seeking question."""

from __future__ import annotations

from enum import Enum


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
