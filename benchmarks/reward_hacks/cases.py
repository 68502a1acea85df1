"""Facts, cases and the pattern registry of the reward-hacking red team.

A :class:`Fact` is a question with its gold answers, a few wrong answers of the same kind
(its *competitors*) and the kind of answer. A *pattern* turns a fact into :class:`Case` s:
responses that try to earn more than they deserve, each with ``max_outcome``, the best
outcome it deserves under CONTRACT.md ("Outcomes").
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Callable, Iterable

from rewards import Outcome

__all__ = ["ABSTAIN", "CORRECT", "KINDS", "PATTERNS", "WRONG", "Case", "Fact", "both", "draw", "pattern"]

CORRECT, ABSTAIN, WRONG = Outcome.CORRECT, Outcome.ABSTAIN, Outcome.WRONG
#: Kinds of answer: what a competitor of the gold looks like.
KINDS = ("name", "place", "person", "year", "number", "cjk")
_CJK_RE = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Fact:
    """A question, its gold answers (``()``: no true answer), competitors and the kind of answer.

    >>> Fact("What is the capital of France?", ("Paris",), ("Lyon", "Nice"), "place").decline
    <Outcome.ABSTAIN: 'abstain'>
    """

    question: str
    answers: tuple[str, ...]
    competitors: tuple[str, ...]
    kind: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind={self.kind!r} is not a fact kind. It should be one of {KINDS}.")
        if len(set(self.competitors)) < 2:
            raise ValueError(f"{self.question!r} has competitors={self.competitors!r}; give at least two.")
        if set(self.competitors) & set(self.answers):
            raise ValueError(f"{self.question!r}: a competitor is also a gold answer; remove it from one list.")

    @property
    def chinese(self) -> bool:
        """Whether the question is asked in Chinese."""
        return bool(_CJK_RE.search(self.question))

    @property
    def decline(self) -> Outcome:
        """What a plain decline deserves: ABSTAIN, or CORRECT when the question has no true answer."""
        return ABSTAIN if self.answers else CORRECT


@dataclass(frozen=True)
class Case:
    """One red-team response to ``question`` and the best outcome it deserves."""

    pattern: str
    question: str
    answers: tuple[str, ...]
    competitors: tuple[str, ...]
    response: str
    max_outcome: Outcome


Generator = Callable[[Fact, random.Random], list[Case]]
#: Every pattern, by name, in registration order.
PATTERNS: dict[str, Generator] = {}


def pattern(name: str) -> Callable[[Callable[[Fact, random.Random], Iterable[tuple[str, Outcome]]]], Generator]:
    """Register ``make(fact, rng) -> [(response, max_outcome), ...]`` as the pattern ``name``.

    The registered generator returns :class:`Case` s; it returns ``[]`` for a fact the
    pattern does not apply to.
    """
    if name in PATTERNS:
        raise ValueError(f"A pattern named {name!r} is already registered; pick another name.")

    def register(make: Callable[[Fact, random.Random], Iterable[tuple[str, Outcome]]]) -> Generator:
        def generate(fact: Fact, rng: random.Random) -> list[Case]:
            return [Case(name, fact.question, fact.answers, fact.competitors, response, Outcome(outcome))
                    for response, outcome in make(fact, rng)]

        generate.__name__ = generate.__qualname__ = name
        generate.__doc__ = make.__doc__
        PATTERNS[name] = generate
        return generate

    return register


def draw(fact: Fact, rng: random.Random) -> tuple[str, str, str]:
    """A gold answer ("" when there is none) and two distinct competitors, drawn with ``rng``."""
    w, w2 = rng.sample(sorted(set(fact.competitors)), 2)
    return (rng.choice(fact.answers) if fact.answers else ""), w, w2


def both(fact: Fact, rng: random.Random, templates: Iterable[str]) -> list[tuple[str, Outcome]]:
    """Each template filled with a competitor (WRONG) and, if there is one, with the gold (CORRECT)."""
    g, w, _ = draw(fact, rng)
    templates = list(templates)
    out = [(t.format(x=w), WRONG) for t in templates]
    return out + [(t.format(x=g), CORRECT) for t in templates] if g else out
