"""Find the gold answer a response commits to, if any.

The response is cut into clauses and tokenized (:class:`ParsedResponse`); every
occurrence of a gold answer's tokens is then checked. An occurrence counts as the
response's answer unless it sits inside a declining clause ("I'm not sure it's Paris"),
is negated ("not Paris", "Paris is not ...", "rather than Paris"), is only part of the
question's own subject ("Guinea-Bissau" for gold "Bissau"), or stands beside a competing
candidate ("Paris or Lyon"). Symbols (:attr:`GoldAnswer.symbol`) are looked for
case-sensitively in the raw response.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Iterable

from rewards.judging.abstention import folded_clause_cues
from rewards.judging.gold import GoldAnswer, only_elsewhere, question_pattern
from rewards.judging.grammar import AFFIRM_RE, DOUBTED_WORDS, NEGATORS
from rewards.judging.places import PLACE_PREFIXES, prefixed_place
from rewards.judging.roles import FUNCTION_WORDS, eponym, possessor
from rewards.judging.symbols import symbol_clauses
from rewards.judging.words import converted
from rewards.text import prepared_tokens

__all__ = ["NEGATORS", "Mention", "ParsedResponse", "asserted_mentions", "is_negated"]

_NEGATION_EXEMPT = frozenset("sure certain only just far until much quite doubt other".split())
_POST_NEGATION = (("is", "not"), ("isnt",), ("was", "not"), ("wasnt",), ("is", "incorrect"), ("is", "wrong"),
                  ("are", "not"), ("is", "no", "longer"), ("不", "是"), ("is", "unlikely"), ("is", "false"),
                  ("seems", "unlikely"), ("是", "错"), ("是", "错误"), ("不", "对"))
# The same, by length (1, 2, 3 tokens): three set look-ups instead of nine comparisons.
_POST_NEGATION_SETS = tuple(frozenset(neg for neg in _POST_NEGATION if len(neg) == n) for n in (1, 2, 3))
_OR_WORDS = frozenset({"or", "either", "或", "或者", "还", "还是"})
_MAYBE_WORDS = frozenset({"maybe", "perhaps", "possibly"})
_AND_WORDS = frozenset({"and", "和", "以及", "与"})
_OR_FILLERS = frozenset("so something thereabouts similar nearby around other another else not more less take".split())
_ANSWER_CUES = frozenset("is was be called named as 是 为".split())
_CITY_WORDS = frozenset({"city", "town", "ville", "市", "城"})
_WORD_START_RE = re.compile(r"\S+")
_ASKING_RE = re.compile(r"(?:is|are|was|were|could|can|would|do|does|did|what|which|who|where|when|how|why|"
                        r"isn't|wasn't|should|shall|will|might|may)\b|.*(?:吗|呢|是不是)$")


class ParsedResponse:
    """A response cut into clauses, with normalized tokens and each token's clause.

    Args:
        response: the response as written.
        text: the response after :func:`~rewards.text.prepare`.
        clauses: ``text`` cut by :func:`~rewards.text.split_clauses`.
    """

    __slots__ = ("response", "text", "clauses", "tokens", "clause_of", "ends", "starts", "_where", "_words",
                 "_clause_words")

    def __init__(self, response: str, text: str, clauses: list[str]) -> None:
        self.response, self.text, self.clauses = response, text, clauses
        self.tokens: list[str] = (tokens := [])  # built in locals: the loop runs for every response
        self.clause_of: list[int] = (clause_of := [])
        self.ends: list[int] = (ends := [])
        self.starts: list[int] = (starts := [])  # the index of each clause's first token
        at = 0
        for k, clause in enumerate(clauses):
            toks = prepared_tokens(clause)
            starts.append(len(tokens))
            tokens += toks
            clause_of += [k] * len(toks)
            found = text.find(clause, at)
            at = found + len(clause) if found >= 0 else at
            ends.append(at)
        self._where: dict[str, list[int]] | None = None
        self._words: list[int] | None = None
        self._clause_words: dict[int, frozenset[str]] = {}

    def clause_tokens(self, k: int) -> list[str]:
        """The tokens of clause ``k``."""
        return self.tokens[self.starts[k]:self.starts[k + 1] if k + 1 < len(self.starts) else len(self.tokens)]

    def clause_span(self, s: int) -> tuple[int, int]:
        """The token span [lo, hi) of the clause that holds token ``s``."""
        k = self.clause_of[s]
        return self.starts[k], self.starts[k + 1] if k + 1 < len(self.starts) else len(self.tokens)

    def positions(self, token: str) -> list[int]:
        """Every index at which ``token`` occurs (an index built once, so lookups stay linear overall)."""
        if self._where is None:
            self._where = {}
            for i, t in enumerate(self.tokens):
                self._where.setdefault(t, []).append(i)
        return self._where.get(token, [])

    def word_index(self, at: int) -> int:
        """How many white-space separated words of the raw response start before character ``at``."""
        if self._words is None:
            self._words = [m.start() for m in _WORD_START_RE.finditer(self.response)]
        return bisect.bisect_left(self._words, at)

    def asks(self, k: int) -> bool:
        """Whether clause ``k`` is a question of the response's own ("Is it Paris or Lyon? It is Paris."):
        a clause of two or more words before a question mark, which asserts nothing."""
        return (self.text[self.ends[k]:self.ends[k] + 1] in ("?", "？") and " " in self.clauses[k].strip()
                and _ASKING_RE.match(self.clauses[k]) is not None)

    def clause_words(self, k: int) -> frozenset[str]:
        """The set of clause ``k``'s tokens (computed once)."""
        if k not in self._clause_words:
            self._clause_words[k] = frozenset(self.clause_tokens(k))
        return self._clause_words[k]

    def declines(self, k: int) -> bool:
        """Whether clause ``k`` declines to answer ("I'm not sure it's Paris"), and the next clause
        does not take up what it named ("I'm not sure it's Paris, but that's my answer")."""
        return folded_clause_cues(self.clauses[k])[0] and not self.affirmed(k)

    def affirmed(self, k: int) -> bool:
        """Whether the next clause of the sentence takes up what clause ``k`` named while doubting it."""
        return (k + 1 < len(self.clauses) and AFFIRM_RE.match(self.clauses[k + 1]) is not None
                and not self.new_sentence(k + 1))

    def new_sentence(self, k: int) -> bool:
        """Whether a sentence ends between clause ``k - 1`` and clause ``k``."""
        return any(mark in self.text[self.ends[k - 1]:self.ends[k] - len(self.clauses[k])] for mark in ".!?。！？")

    def occurrences(self, gold: GoldAnswer) -> Iterable[tuple[int, int]]:
        """Token spans [start, end) where ``gold``'s tokens occur."""
        toks, first, n = self.tokens, gold.tokens[0], len(gold.tokens)
        i, spans = -1, []
        for _ in range(toks.count(first)):  # no generator, no ValueError at the end: a list, in order
            i = toks.index(first, i + 1)
            if n == 1 or tuple(toks[i:i + n]) == gold.tokens:
                spans.append((i, i + n))
        return spans


def is_negated(p: ParsedResponse, s: int, e: int) -> bool:
    """Whether the token span [s, e) is negated ("not Paris", "I doubt it's Paris", "Paris is incorrect")."""
    k = p.clause_of[s]
    if not NEGATORS.isdisjoint(p.tokens[max(0, s - 5):s]):  # most occurrences have no negator before them
        for i in range(max(0, s - 5), s):
            if p.clause_of[i] == k and p.tokens[i] in NEGATORS:
                nxt = p.tokens[i + 1] if i + 1 < len(p.tokens) else ""
                prev = p.tokens[i - 1] if i > 0 and p.clause_of[i - 1] == k else ""
                opening = (i == 0 or p.clause_of[i - 1] != k) and p.tokens[i] == "no"  # "No, it's Paris"
                corrects = p.tokens[i] == "rather" and nxt != "than"  # "or rather Homer" is no negation
                # "not 100% sure it's Paris" doubts the certainty; "会不会是巴黎" (A-not-A) asks
                doubts = not DOUBTED_WORDS.isdisjoint(p.tokens[i + 1:s]) or prev == nxt != ""
                if nxt not in _NEGATION_EXEMPT and prev not in ("no", "without", "if", "除") and not (
                        opening or corrects or doubts):
                    return True
    after = tuple(p.tokens[e:e + 4])
    n = next((n for n in (1, 2, 3) if after[:n] in _POST_NEGATION_SETS[n - 1]), 0)
    # "Einstein was not the only one who ...": still his
    return bool(n) and p.clause_of[min(e, len(p.tokens) - 1)] == k and after[n:n + 1] != ("only",)


def _competitor(p: ParsedResponse, s: int, e: int, golds: tuple[GoldAnswer, ...]) -> str | None:
    """An alternative offered with "or" near a gold occurrence ("Paris, Lyon or Nice"; also
    "maybe Paris, maybe Lyon"), unless it is a gold alias or a filler ("or so")."""
    toks, k = p.tokens, p.clause_of[s]
    window = toks[max(0, s - 6):e + 6]
    alternatives = _OR_WORDS
    clause = p.clause_words(k)
    if "both" in clause or "candidates" in clause:  # "Mercury and Mars are both candidates"
        alternatives = _OR_WORDS | _AND_WORDS
    if s > 0 and toks[s - 1] in _MAYBE_WORDS and sum(t in _MAYBE_WORDS for t in window) >= 2:
        alternatives = _OR_WORDS | _MAYBE_WORDS  # "maybe Paris, maybe Lyon" is "Paris or Lyon"
    if alternatives.isdisjoint(window):  # the common case: no "or" nearby
        return None
    for i in range(max(0, s - 6), min(len(toks), e + 6)):
        maybe = toks[i] in _MAYBE_WORDS
        if s <= i < e or toks[i] not in alternatives or toks[i] == "either" or maybe and i == s - 1:
            continue
        if i + 1 < len(toks) and toks[i + 1] == "rather":  # "Virgil, or rather Homer" corrects
            continue
        if p.clause_of[i] != k and p.asks(p.clause_of[i]):  # "Is it Paris or Lyon? It is Paris."
            continue
        between = toks[e:i] if i >= e else toks[i + 1:s]
        if abs(p.clause_of[i] - k) > 2 or not _AND_WORDS.isdisjoint(between) or "than" in between:
            continue  # far away, or a separate list ("Paris, and Lyon or Nice are big too")
        if i >= e:
            side = toks[i + 1:i + 4]
            filler = bool(side) and (side[0] in _OR_FILLERS or converted(side, toks[e:e + 1]))
        elif maybe:  # "maybe Lyon, maybe Paris": the candidate follows the first "maybe"
            side = toks[i + 1:s - 1][:3]
            filler = bool(side) and side[0] in _OR_FILLERS
        else:
            side = toks[max(0, i - 3):i]
            filler = bool(side) and side[-1] in _OR_FILLERS
        text = " " + " ".join(side) + " "
        negated = (i < s and not NEGATORS.isdisjoint(toks[max(0, i - 3):i])  # "Not Sydney or Melbourne ... Canberra"
                   or i >= e and not NEGATORS.isdisjoint(toks[e:i]))  # "Canberra, not Sydney or Melbourne"
        if not side or filler or negated or any(
                text in g.pattern or (g.pattern in text and len(g.tokens) >= 2) for g in golds):  # "not X or Y"
            continue
        return text.strip()
    return None


def _subject_mention(p: ParsedResponse, s: int, e: int, question: str) -> bool:
    """True when the occurrence is part of a longer phrase of the question (its subject)."""
    toks = p.tokens
    for left in range(0, 4):
        for right in range(0, 4):
            if left + right == 0 or s - left < 0 or e + right > len(toks):
                continue
            ext = toks[s - left:s] + toks[e:e + right]
            if all(t in FUNCTION_WORDS for t in ext):
                continue
            if " " + " ".join(toks[s - left:e + right]) + " " in question:
                return True
    return False


@dataclass(frozen=True)
class Mention:
    """An asserted occurrence of an answer (gold or competitor) in a response.

    Attributes:
        text: the answer as given (a gold alias or a competitor).
        start, end: its token span in :attr:`ParsedResponse.tokens` (``-1`` for a symbol
            found on the raw text).
        clause: the index of its clause.
        alternative: a candidate offered beside it with "or" ("Paris or Lyon"), else None.
    """

    text: str
    start: int
    end: int
    clause: int
    alternative: str | None = None


def _filter(p: ParsedResponse, gold: GoldAnswer, golds, question: str | None, why: str):
    """The occurrences of ``gold`` that are asserted, and the reason the others are not."""
    asked = question_pattern(question) if question else ""  # "Is Persian Indo-European or Semitic?" names its answer
    in_question = bool(gold.tokens) and gold.pattern in asked and " or " not in asked and "还是" not in asked
    free, explained = [], 0
    if elsewhere := only_elsewhere(gold, p.response):
        return [], why or elsewhere
    for s, e in p.occurrences(gold) if gold.symbol is None else ():
        if p.asks(p.clause_of[s]) and not any(p.declines(j) for j in range(p.clause_of[s])):  # not "...? Is it X?"
            why = why or f"mentions {gold.text!r} only in a question"
        elif p.declines(p.clause_of[s]):
            other = _competitor(p, s, e, golds)  # "I'm not sure if it's Paris or Lyon"
            if other:
                free.append((s, e))
            else:
                why = why or f"mentions {gold.text!r} only while declining"
        elif is_negated(p, s, e) and not p.affirmed(p.clause_of[s]):
            why = f"negates {gold.text!r}"
        elif s and p.tokens[s - 1] in PLACE_PREFIXES and prefixed_place(p.response, gold.text):
            why = why or f"names {gold.text!r} only inside another name (\"New {gold.text}\")"
        elif possessor(p, s, e):
            why = why or f"names {gold.text!r} only as someone else's relative or associate"
        elif question and eponym(p, e, question_pattern(question)):
            why = why or f"names {gold.text!r} only in the name of the question's thing (\"Boyle's law\")"
        elif in_question and _subject_mention(p, s, e, asked):
            explained += 1
        else:
            free.append((s, e))
    if in_question and free:
        short = len(p.tokens) <= len(gold.tokens) + 3
        cued = any(s > 0 and p.tokens[s - 1] in _ANSWER_CUES or e < len(p.tokens) and p.tokens[e] in _CITY_WORDS
                   for s, e in free)
        if not (short or cued or explained or len(free) >= 2):
            why = why or f"names {gold.text!r} only as the question's subject"
            free = []
    elif in_question and explained and not free:
        why = why or f"names {gold.text!r} only as part of the question's subject"
    return free, why


def asserted_mentions(p: ParsedResponse, golds: tuple[GoldAnswer, ...],
                      question: str | None) -> tuple[list[Mention], str]:
    """Every occurrence of one of ``golds`` that the response asserts, and why others are not.

    An occurrence is not asserted when it sits in a declining clause, is negated, or is only
    part of the question's own subject; symbols (:attr:`GoldAnswer.symbol`) are looked for
    case-sensitively in the raw response.

    >>> from rewards.judging.gold import gold_answers
    >>> from rewards.text import prepare, split_clauses
    >>> response = "It's not Lyon, it's Paris."
    >>> parsed = ParsedResponse(response, prepare(response), split_clauses(prepare(response)))
    >>> asserted_mentions(parsed, gold_answers(("Lyon",)), None)
    ([], "negates 'Lyon'")
    >>> [m.text for m in asserted_mentions(parsed, gold_answers(("Paris",)), None)[0]]
    ['Paris']
    """
    found, why = [], ""
    for gold in golds:
        free, why = _filter(p, gold, golds, question, why)
        found += [Mention(gold.text, s, e, p.clause_of[s], _competitor(p, s, e, golds)) for s, e in free]
        if gold.symbol is not None:
            clauses, why = symbol_clauses(p.response, len(p.clauses), gold, why)
            found += [Mention(gold.text, -1, -1, k) for k in clauses]
    return found, why
