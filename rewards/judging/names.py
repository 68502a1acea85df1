"""Names a response offers as its answer: capitalized runs (not sentence-initial function words,
descriptions after "a/an", abbreviations in brackets) that stand in an answer position."""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from rewards.judging.candidates import in_answer_position
from rewards.judging.fallbacks import transliterated
from rewards.judging.final import RETRACTION_WORDS
from rewards.judging.mentions import ParsedResponse
from rewards.judging.places import region_of_place
from rewards.judging.roles import PLEASANTRIES, QuestionRoles, stem
from rewards.judging.words import COMMON_LIST_RE, GENERIC, NAME_CHARS, TITLES
from rewards.text import answer_tokens

__all__ = ["asserted_names"]

_NAME_RE = re.compile(
    rf"[A-Z](?<![{NAME_CHARS}][A-Z])[{NAME_CHARS}-]*(?:[^\S\n]+(?:(?:de|da|di|del|della|van|von|der|den|la|le|du|of|bin|"
    rf"ibn|al|y)[^\S\n]+)?[A-Z][{NAME_CHARS}-]*){{0,5}}"  # a name has at most six words, on one line
)
_NOT_NAMES = frozenset(
    """i i'm im it it's its the a an this that these those there he she they we you my our your his her their
    yes no not sure sorry well however but and or so as in on at of for to by with from if when while although
    what which who whom whose where why how answer final maybe perhaps probably possibly likely actually also
    okay ok hmm note unfortunately honestly frankly based according let step first second third then finally
    correction wait oops oh no nope nobody none noone neither nothing everyone someone currently i've ive i'll i'd
    we're we've you're they're he's she's that's there's before after during since until among amongst like
    unlike between within without beside besides despite
    is are was were do does did can could would should will has have had ai
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday bc ad ce bce
    sadly regrettably alas admittedly truthfully fortunately luckily hopefully
    all each every both some any most many much few several such here now still yet just even only again thus
    hence therefore instead otherwise meanwhile anyway overall given having being whatever whichever
    regarding concerning q note fun fact question summary explanation source reasoning context background trivia
    bonus tip hint ps nb""".split()
) | PLEASANTRIES | frozenset(w for w in RETRACTION_WORDS if w.isascii() and len(w) > 2) | {"er", "um"}  # "Strike that"
_PLURAL_VERB_RE = re.compile(r"\s+(?:are|were|have|do|often|usually|generally|say|think|agree|disagree|believe|"
                             r"argue|claim|suggest|tend|may|might|can|could|would|will)\b")


@lru_cache(maxsize=65536)
def _name_tokens(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The words of a capitalized run that may name something, and their normalized tokens."""
    words = name.split()
    while words and words[0].lower().strip("'\u2019") in _NOT_NAMES:
        words = words[1:]  # "The Hague" keeps "Hague"; "However Lyon" keeps "Lyon"
    return tuple(words), tuple(answer_tokens(" ".join(words)))  # cached and shared: immutable


def _sentence_initial_word(text: str, match: re.Match) -> bool:
    """A lone capitalized word that starts a sentence and a list of common nouns ("Encyclopedias,
    atlases and textbooks cover this."): capitalized for the sentence, not because it is a name."""
    before = text[max(0, match.start() - 40): match.start()].rstrip()
    if " " in match.group(0) or (before[-1:] not in (".", "!", "?", ":", ";", "\n") and (before or match.start() > 40)):
        return False
    return (COMMON_LIST_RE.match(text, match.end()) is not None
            or (match.group(0).endswith("s") and _PLURAL_VERB_RE.match(text, match.end()) is not None))


_ACRONYM_RE = re.compile(r"[A-Z]{2,6}")
_CURRENCY_SIGNS = frozenset("$€£¥₹₩₽")
_INDEFINITE_RE = re.compile(r"(?<![\w'])(?:an?|one|another)\s+$", re.IGNORECASE)
#: A second name for what was just named ("Paris, also called the City of Light"), as "known as" already is.
#: The same, after a name: what follows is another name of what it names.
_ALIAS_NEXT_RE = re.compile(r"\s*[,(]?\s*(?:also\s+known\s+as|better\s+known\s+as|aka|a\.k\.a\.|also\s+called)\s",
                            re.IGNORECASE)
_ALIAS_RE = re.compile(r"\b(?:(?:also|often|sometimes|commonly|popularly|affectionately)\s+(?:called|named)|"
                       r"nicknamed|dubbed)\s+(?:the\s+)?$", re.IGNORECASE)


def _spans(p: ParsedResponse, tokens: tuple[str, ...], at: int):
    """The token span of a name found at character ``at`` of the raw response (nearest match)."""
    n = len(tokens)
    guess = p.word_index(at)  # about the token index (the nearest match wins)
    where = p.positions(tokens[0])
    j = bisect.bisect_left(where, guess)
    near = sorted(where[max(0, j - 3):j + 3], key=lambda i: abs(i - guess))
    for i in near:
        if tuple(p.tokens[i:i + n]) == tokens:
            yield i, i + n
            return


def _region_of_place(p: ParsedResponse, s: int, e: int, roles: QuestionRoles) -> bool:
    """Whether the name at [s, e) opens its clause as the region of the place the clause before
    ends on, in one sentence ("in San Francisco, California")."""
    k = p.clause_of[s]
    return (k > 0 and s == p.starts[k] and region_of_place(p.tokens[s:e], roles.tokens)
            and not p.new_sentence(k))


def _questions_own(tokens: tuple[str, ...], roles: QuestionRoles, p: ParsedResponse, end: int) -> bool:
    """Whether a name is the question's own subject, words of the question or misspellings of them
    ("Karthelios" for "Karthelos"), or its start where the response is cut off ("... of Drav"); a
    heading made of them ("Mongol Empire Founder: ...") too."""
    last = not p.response[end:].strip(" \"'\u201d)")  # cut off: no sentence ends after it
    return all(t in roles.tokens or stem(t) in roles.stems or t in ("of", "the", "de") or (len(t) >= 5 and any(
        len(q) >= 6 and q[0] == t[0] and (transliterated(t, q) or (last and t == tokens[-1] and q.startswith(t)))
        for q in roles.tokens)) for t in tokens)


def asserted_names(p: ParsedResponse, roles: QuestionRoles, exclude: frozenset[str], *,
                   lenient: bool = False, regions: bool = False, aliases: bool = False) -> list[tuple[str, int]]:
    """``[(name, clause)]`` for the names the response offers as its answer.

    ``exclude`` holds normalized tokens (the gold answers' words): a name made only of them, or
    only of the question's own words, is not a candidate. ``regions``: a country or region after
    a place ("San Francisco, California") says where it lies (for a gold that is no region). ``aliases``
    (the known competitors are given, so one of them is caught as such): a name followed by "also known
    as" and the gold is another name for the gold ("Guido Boog (also known as Guido van Rossum)").
    """
    found = []
    for match in _NAME_RE.finditer(p.response):
        words, tokens = _name_tokens(match.group(0))  # the cheap tests first ("I", "It", the gold): all pure
        # "the Roman Emperor Constantine": the gold with a title and the question's words is the gold
        if not tokens or set(tokens) - TITLES - GENERIC - (roles.tokens if set(tokens) & exclude else set()) <= exclude:
            continue
        before = p.response[max(0, match.start() - 30):match.start()]
        if _sentence_initial_word(p.response, match) or _INDEFINITE_RE.search(before[-12:]) or _ALIAS_RE.search(before):
            continue
        if aliases and _ALIAS_NEXT_RE.match(p.response, match.end()) and not exclude.isdisjoint(
                answer_tokens(p.response[match.end():match.end() + 60])):
            continue  # "Guido Boog (also known as Guido van Rossum)": another name for the gold
        if p.response[match.start() - 1:match.start()] == "(" and (_ACRONYM_RE.fullmatch(match.group(0)) or (
                p.response[match.end():match.end() + 1] in _CURRENCY_SIGNS)):
            continue  # "the South Korean won (RSK)", "the real (R$)": an abbreviation of what precedes it
        if _questions_own(tokens, roles, p, match.end()):
            continue
        for s, e in _spans(p, tokens, match.start()):
            if regions and _region_of_place(p, s, e, roles):
                break
            if in_answer_position(p, s, e, roles, lenient=lenient):
                found.append((" ".join(words), p.clause_of[s]))
                break
    return found
