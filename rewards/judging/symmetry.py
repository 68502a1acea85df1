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
from functools import lru_cache

from rewards.judging.gold import GoldAnswer
from rewards.judging.roles import QuestionRoles
from rewards.judging.words import CUE_WORDS, NAME_CHARS, PREPOSITIONS
from rewards.text import answer_tokens, prepared_tokens, split_clauses

__all__ = ["framed", "other_candidates", "parallel"]

_NAME_RE = re.compile(rf"[A-Z](?<![{NAME_CHARS}][A-Z])[{NAME_CHARS}-]*(?:[^\S\n]+"
                      rf"(?:(?:de|da|di|van|von|der|la|le|du|of)[^\S\n]+)?[A-Z][{NAME_CHARS}-]*){{0,3}}")
_NUMBER_RE = re.compile(r"\d(?<![\w.]\d)\d*(?:\.\d+)?(?![\w.]\d)")


def other_candidates(final: str, text: str, golds: tuple[GoldAnswer, ...], rivals: tuple[GoldAnswer, ...],
                     roles: QuestionRoles, numeric: bool) -> list[str]:
    """The answers besides the gold that ``final`` names (``text`` is it prepared): the known
    competitors it holds, and its other numbers (a number asked) or capitalized names."""
    padded = " " + " ".join(_tokens(text)) + " "
    found = [r.text for r in rivals if r.tokens and r.pattern in padded]
    gold_words = {t for g in golds for t in g.tokens}
    if numeric:
        found += [n for n in _NUMBER_RE.findall(final) if n not in gold_words and n not in roles.tokens]
    else:
        for name in _NAME_RE.findall(final):
            tokens = _tokens(name)
            # "Percy Bysshe Shelley" beside "Mary Shelley": another person of the same name
            if tokens and not set(tokens) <= gold_words | roles.tokens and tokens[0] not in gold_words:
                found.append(name)
    if not text.isascii() and not numeric:  # Chinese names are no capitalized runs: what fills the gold's slot
        found += _slot_fillers(text, golds, roles)
    keys = ["".join(g.tokens) for g in golds]
    # "... held in 189" for 1896: a generation cut off inside the gold, no other answer
    return [c for c in dict.fromkeys(found) if not any(k.startswith("".join(_tokens(c))) for k in keys)]


@lru_cache(maxsize=65536)
def _tokens(text: str) -> tuple[str, ...]:
    """:func:`rewards.text.answer_tokens`, cached: names and texts recur across a batch."""
    return tuple(answer_tokens(text))


#: Words too common to make two frames alike.
_PLAIN = frozenset("the a an and or but is was are were it its".split())


def _spans(tokens: list[str], target: tuple[str, ...]) -> list[tuple[int, int]]:
    n = len(target)
    return [(i, i + n) for i in range(len(tokens) - n + 1) if n and tuple(tokens[i:i + n]) == target]


def framed(text: str, golds: tuple[GoldAnswer, ...]) -> bool:
    """Whether some occurrence of a gold answer in ``text`` (prepared) has a frame word beside it that
    another candidate could share (:func:`parallel` is False for every candidate otherwise)."""
    tokens = list(_tokens(text))
    for g in golds:
        for s, e in _spans(tokens, g.tokens):
            if (s and tokens[s - 1] not in _PLAIN and tokens[s - 1] not in PREPOSITIONS) or (
                    e < len(tokens) and tokens[e] not in _PLAIN):
                return True
    return False


def parallel(text: str, golds: tuple[GoldAnswer, ...], other: str) -> bool:
    """Whether ``other`` stands in the same frame as a gold answer in ``text`` (prepared): the same
    word right before both ("most say Sydney; a few say Canberra") or right after both ("Sydney
    according to some, Canberra according to others")."""
    tokens = list(_tokens(text))
    theirs = _spans(tokens, _tokens(other))
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


def _slot_fillers(text: str, golds: tuple[GoldAnswer, ...], roles: QuestionRoles) -> list[str]:
    """What fills, at the edge of another clause, the slot the gold fills at the edge of its own:
    the last words after the same two frame words ("有人说巴黎，有人说里昂" gives "里 昂"), or the
    first words before the same frame word ("巴黎在一些书里，里昂在另一些书里")."""
    clauses = [list(prepared_tokens(c)) for c in split_clauses(text)]
    if len(clauses) < 2:
        return []
    # the frame: a word before an English answer, two characters before a Chinese one ("人说")
    longest, width = (3, 1) if text.isascii() else (4, 2)
    out = []
    for ci, toks in enumerate(clauses):
        for g in golds:
            for s, e in _spans(toks, g.tokens):
                framed = e == len(toks) and s >= width and toks[s - 1] not in _PLAIN | PREPOSITIONS
                before = toks[s - width:s] if framed else None
                after = toks[e] if e < len(toks) and all(t in CUE_WORDS for t in toks[:s]) \
                    and toks[e] not in _PLAIN else None
                for cj, other in enumerate(clauses):
                    if cj == ci:
                        continue
                    at = next((i + width for i in range(len(other) - width) if before and other[i:i + width] == before),
                              None)
                    if at is not None and len(other) - at <= longest:
                        out.append(other[at:])
                    if after in other[1:longest + 1]:
                        filler = other[:other.index(after)]
                        out.append([t for t in filler if t not in CUE_WORDS] or filler)
    gold_words = {t for g in golds for t in g.tokens}
    return [" ".join(f) for f in out if f and gold_words.isdisjoint(f) and not set(f) <= CUE_WORDS | roles.tokens]
