"""Ranks a response gives a name: another rank than the one asked ("Saturn is the second largest"),
a place among ranked guesses ("first choice Sydney, second choice Canberra"), or one more possible
answer ("Sydney is equally likely")."""

from __future__ import annotations

from rewards.judging.roles import QuestionRoles, stem
from rewards.judging.words import COPULAS, CUE_WORDS

__all__ = ["OTHER_RANK", "offered_too", "other_rank", "ranked_guess"]

#: Words that put a name at another rank than the one asked ("the second largest", "the runner-up").
OTHER_RANK = frozenset("second third fourth fifth sixth seventh eighth ninth tenth next runner smaller smallest "
                        "lesser".split())


_GUESS_NOUNS = frozenset("choice guess option pick bet candidate".split())


def ranked_guess(left: list[str], right: list[str]) -> bool:
    """Whether a name is offered as one of ranked guesses: after "first/second choice", before "is my
    first guess", "my second (guess)" or "a close second"."""
    ranks = ("first", "second", "third", "top", "best", "next", "other", "1", "2", "3")
    return (len(left) >= 2 and left[-1] in _GUESS_NOUNS and left[-2] in ranks) or (
        right[:2] in (["my", "second"], ["my", "2"], ["close", "second"], ["close", "2"])) or (
        right[:1] == ["is"] and any(a in ranks and b in _GUESS_NOUNS for a, b in zip(right[1:4], right[2:5])))


def other_rank(right: list[str], roles: QuestionRoles) -> bool:
    """Whether the words after a name rank it elsewhere ("is the second largest", "is 2 largest")
    or in a narrower kind ("the Sahara is the largest hot desert" for the largest desert)."""
    for i, t in enumerate(right):
        if t in roles.tokens:
            if t.endswith("est") and i + 2 < len(right) and right[i + 1] not in roles.tokens \
                    and stem(right[i + 2]) in roles.predicate:
                return True
            continue
        if t in OTHER_RANK or (t.isdigit() and i + 1 < len(right) and stem(right[i + 1]) in roles.predicate):
            return True
        if t.isdigit() and i + 1 == len(right) and i > 0 and right[i - 1] in COPULAS:
            return True  # "K2 is second" (ordinals are read as numbers)
    return False


#: Words that offer a name as one more possible answer ("Sydney is equally likely", "also fits").
_POSSIBLE = frozenset("likely plausible possible candidate fits option alternative given cited quoted bell mind "
                      "recall remember".split())
_POSSIBLE_FILLER = CUE_WORDS | frozenset("equally just as also another strong good too seems fit rings comes springs "
                                         "to what".split())


def offered_too(right: list[str]) -> bool:
    """Whether the words after a name offer it as another possible answer ("is equally likely")."""
    return 0 < len(right) <= 5 and bool(_POSSIBLE & set(right)) and all(
        t in _POSSIBLE or t in _POSSIBLE_FILLER for t in right)
