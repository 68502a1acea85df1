"""Which part of a response counts: after its last retraction, after a belief it gave up.

A response may take an answer back ("Lyon. No wait, Paris.", "Lyon, but actually Paris"),
move past a belief ("At first I thought Lyon, but it's Paris") or set a present answer
against a former one ("Lagos used to be the capital, but now it is Abuja"). What it said
before is not what it commits to: :func:`answer_scope` says where the counting starts.
"""

from __future__ import annotations

import re

from rewards.judging.final import RETRACTION_KEYS, RETRACTION_WORDS, retraction_at, without_retraction
from rewards.judging.gold import GoldAnswer
from rewards.judging.grammar import literal_union
from rewards.judging.mentions import ParsedResponse
from rewards.judging.roles import QuestionRoles
from rewards.judging.words import CUE_WORDS, PREPOSITIONS
from rewards.text import prepared_tokens

__all__ = ["BELIEF_RE", "SHIFT_RE", "answer_scope", "former_clauses", "retracted_to"]

_CONTRAST_RE = re.compile(r"(?:(?:but|now|today|actually|in\s+fact|currently|technically|officially)\s+)*"
                          r"(?:it'?s|it\s+is|the\s+answer\s+is|"
                          r"(?:the\s+)?(?:capital|answer)\s+is)\b|(?:现在|如今|其实)是")
_PAST_RE = re.compile(r"\b(?:used\s+to|once|formerly|previously|former|originally|until"
                      r"|(?:many|some|most|people|others)\s+(?:\w+\s+)?(?:think|believe|say|guess|assume|claim|confuse)"
                      r"|(?:often|commonly|sometimes|wrongly|mistakenly|widely)\s+(?:thought|believed|assumed|mistaken|"
                      r"confused|guessed|said|credited|attributed)|common\s+(?:mistake|misconception|error))\b"
                      r"|曾经|以前|原来|很多人(?:以为|认为)|常被误")
#: Every retraction, belief or contrast cue holds one of these: text without any has one scope.
SHIFT_RE = re.compile(literal_union(RETRACTION_KEYS + tuple(  # a trie: one pass instead of one per key
    "nope|not quite|first|initially|originally|but|however|yet|now|today|used to|once|former|previous|until|many|"
    "people|some|most|others|often|common|widely|right|thought|actual|不|说|以为|一开始|起初|现在|如今|曾经|以前|原来"
    .split("|"))) + r"|\bno\b")
#: A clause that states a belief the response then leaves ("At first I thought Lyon").
BELIEF_RE = re.compile(r"^(?:at\s+first|initially|originally)\b|\bi\s+(?:first\s+|initially\s+|originally\s+)?"
                       r"thought\b|一开始|起初|我以为|本来以为")


_PRESENT_RE = re.compile(r"^(?:but\s+|and\s+)?(?:now|today|nowadays|currently|these\s+days|at\s+present|presently)\b"
                         r"|\b(?:is|it'?s)\s+now\b|^(?:现在|如今|目前)")
_FORMER_RE = re.compile(r"\b(?:used\s+to|formerly|previously|once|until|originally|was)\b|曾经|以前|原来")


def former_clauses(p: ParsedResponse) -> set[int]:
    """Clauses that give a former answer the next clause replaces with a present one ("It was
    Paris, but it is now Lyon", "Formerly iron, today copper"): what they name is not asserted."""
    return {k for k in range(len(p.clauses) - 1)
            if _PRESENT_RE.search(p.clauses[k + 1]) and _FORMER_RE.search(p.clauses[k])
            and not _PRESENT_RE.search(p.clauses[k])}


def _contrasts(p: ParsedResponse, k: int) -> bool:
    """Whether clause ``k`` sets a present answer against what came before ("..., but it's Canberra",
    "...; today it is Addis Ababa", "..., but now it is Abuja")."""
    start = p.ends[k] - len(p.clauses[k])
    before = p.text[max(0, start - 12): start].rstrip(" ,")
    turned = before.endswith(("but", "however", "yet", "但是", "但", "不过"))
    past = _PAST_RE.search(p.clauses[k - 1]) is not None
    if _CONTRAST_RE.match(p.clauses[k]) is None:
        return turned and past  # "Many people guess Istanbul, but Ankara has been the capital since 1923"
    return turned or past


def answer_scope(p: ParsedResponse, clauses_with_answers: set[int], *, shifted: bool | None = None) -> tuple[int, bool]:
    """(first clause that counts, whether a retraction took back everything before it).

    A retraction ("no wait", "actually") starts the scope again; so does the first answer
    after a belief the response gave up ("At first I thought Lyon, but it's Paris").
    """
    start, retracted = 0, False
    if shifted is None:  # ``shifted``: whether SHIFT_RE finds a cue, when the caller already knows
        shifted = SHIFT_RE.search(p.text) is not None
    if len(p.clauses) < 2 or not shifted:
        return start, retracted
    last_answer = max(clauses_with_answers, default=-1)
    for k, clause in enumerate(p.clauses):
        retracts, hard = retraction_at(clause)
        after = last_answer >= k
        if retracts and (hard or after):
            start, retracted = k, hard and not after
        elif k > 0 and k in clauses_with_answers and (BELIEF_RE.search(p.clauses[k - 1]) or _contrasts(p, k)):
            start, retracted = k, False
    return start, retracted


#: Words of a retraction clause besides its new answer ("no wait, it's Paris").
_RETRACTING = (RETRACTION_WORDS | frozenset("is was 1 2 im am speaking".split())) - PREPOSITIONS  # 1: "更正一下"


def retracted_to(p: ParsedResponse, k: int, golds: tuple[GoldAnswer, ...], roles: QuestionRoles) -> str | None:
    """What a retraction clause moves to when no typed candidate says ("iron, but actually copper")."""
    if p.declines(k):
        return None  # "I don't actually know": "actually" inside a decline moves to nothing
    tokens = list(prepared_tokens(without_retraction(p.clauses[k])))
    if not [t for t in tokens if t not in CUE_WORDS] and k + 1 < len(p.clauses) and not p.clauses[k + 1].isascii() \
            and not p.declines(k + 1):
        tokens = list(p.clause_tokens(k + 1))  # "巴黎。等一下，里昂。": the cue alone, the answer next
        if len(tokens) > 6:
            return None
    copulas = [i for i, t in enumerate(tokens) if t in ("is", "was", "as")]
    if copulas and len(tokens) - copulas[-1] - 1 <= 3:  # "but actually the official currency today is the won"
        tokens = tokens[copulas[-1] + 1:]
    words = [t for t in tokens if t not in CUE_WORDS and t not in _RETRACTING]
    text = " " + " ".join(words) + " "
    if not words or len(words) > 3 or any(g.pattern in text for g in golds) or set(words) <= roles.tokens:
        return None
    if any(w in PREPOSITIONS for w in words[1:]):
        return None  # "but it's actually a mountain in Nepal": a description, not another answer
    return " ".join(words)
