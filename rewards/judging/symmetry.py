"""Whether a response would be paid whichever of two candidates were the gold.

A response that commits to one answer is right under one answer key and wrong under the
others. One that frames two candidates alike ("Most say Sydney; a few say Canberra", "Sydney
according to some, Canberra according to others", "First choice Sydney, second choice
Canberra") commits to neither, whatever words frame them. :func:`paid_either_way` reads the
response again with another candidate it names as the gold: if that reading commits to it as
well, the response names two answers without choosing, and the judge calls it wrong.
"""

from __future__ import annotations

import re

from rewards.judging.gold import GoldAnswer
from rewards.judging.roles import QuestionRoles
from rewards.judging.words import PREPOSITIONS
from rewards.text import answer_tokens

__all__ = ["other_candidates", "parallel"]

_NAME_RE = re.compile(r"(?<![\w'\u2019])[A-Z][\w'\u2019-]*(?:\s+(?:(?:de|da|di|van|von|der|la|le|du|of)\s+)?"
                      r"[A-Z][\w'\u2019-]*){0,3}")
_NUMBER_RE = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.]\d)")


def other_candidates(final: str, text: str, golds: tuple[GoldAnswer, ...], rivals: tuple[GoldAnswer, ...],
                     roles: QuestionRoles, numeric: bool) -> list[str]:
    """The answers besides the gold that ``final`` names (``text`` is it prepared): the known
    competitors it holds, and its other numbers (a number asked) or capitalized names."""
    padded = " " + " ".join(answer_tokens(text)) + " "
    found = [r.text for r in rivals if r.tokens and r.pattern in padded]
    gold_words = {t for g in golds for t in g.tokens}
    if numeric:
        found += [n for n in _NUMBER_RE.findall(final) if n not in gold_words and n not in roles.tokens]
    else:
        for name in _NAME_RE.findall(final):
            tokens = tuple(answer_tokens(name))
            if tokens and not set(tokens) <= gold_words | roles.tokens and not set(tokens) & gold_words:
                found.append(name)
    keys = ["".join(g.tokens) for g in golds]
    # "... held in 189" for 1896: a generation cut off inside the gold, no other answer
    return [c for c in dict.fromkeys(found) if not any(k.startswith("".join(answer_tokens(c))) for k in keys)]


#: Words too common to make two frames alike.
_PLAIN = frozenset("the a an and or but is was are were it its".split())


def _spans(tokens: list[str], target: tuple[str, ...]) -> list[tuple[int, int]]:
    n = len(target)
    return [(i, i + n) for i in range(len(tokens) - n + 1) if n and tuple(tokens[i:i + n]) == target]


def parallel(text: str, golds: tuple[GoldAnswer, ...], other: str) -> bool:
    """Whether ``other`` stands in the same frame as a gold answer in ``text`` (prepared): the same
    word right before both ("most say Sydney; a few say Canberra") or right after both ("Sydney
    according to some, Canberra according to others")."""
    tokens = answer_tokens(text)
    theirs = _spans(tokens, tuple(answer_tokens(other)))
    ours = [span for g in golds for span in _spans(tokens, g.tokens)]
    for s, e in ours:
        for s2, e2 in theirs:
            if s2 < e and s < e2:
                continue
            before = {tokens[s - 1] if s else None, tokens[s2 - 1] if s2 else None}
            after = {tokens[e] if e < len(tokens) else None, tokens[e2] if e2 < len(tokens) else None}
            if (len(before) == 1 and None not in before and not before & (_PLAIN | PREPOSITIONS)) or (
                    len(after) == 1 and None not in after and not after & _PLAIN):
                return True  # "in Morocco ... in the African continent": a preposition before both is no frame
    return False
