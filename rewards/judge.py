"""Judge a response to a knowledge-seeking question: correct, abstain or wrong, and why.

:func:`judge` cuts the response into clauses (at punctuation and "but"/"however"/"但是"),
normalizes each (:mod:`rewards.text`) and looks for every gold answer on token boundaries.
A gold occurrence counts as the response's answer unless it sits inside a declining clause
("I'm not sure it's Paris"), is negated ("not Paris", "Paris is not ...", "rather than
Paris"), is only part of the question's own subject ("Guinea-Bissau" for gold "Bissau"),
or stands beside a competing candidate ("Paris or Lyon"). One- and two-letter golds
(chemical symbols such as "Fe", "C", "I") are matched case-sensitively on the raw text,
and "I" as the pronoun never counts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from rewards.abstention import _cues, abstains_in, clause_cues, hedged_in, is_degenerate
from rewards.outcome import Outcome
from rewards.text import _NUMBER_WORDS, _clause_tokens, _fold, _prepare, answer_tokens, split_clauses

__all__ = ["Verdict", "judge"]

_NEGATORS = frozenset(
    "not no never neither nor isnt wasnt arent werent doesnt dont didnt cannot cant wont "
    "rather instead except unlike 不 非 没".split()
)
_NEGATION_EXEMPT = frozenset("sure certain only just far until much quite doubt".split())
_POST_NEGATION = (("is", "not"), ("isnt",), ("was", "not"), ("wasnt",), ("is", "incorrect"), ("is", "wrong"),
                  ("are", "not"), ("is", "no", "longer"), ("不", "是"))
# The same, by length (1, 2, 3 tokens): three set look-ups instead of nine comparisons.
_POST_NEGATION_SETS = tuple(frozenset(neg for neg in _POST_NEGATION if len(neg) == n) for n in (1, 2, 3))
_OR_WORDS = frozenset({"or", "either", "或", "或者", "还", "还是"})
_MAYBE_WORDS = frozenset({"maybe", "perhaps", "possibly"})
_AND_WORDS = frozenset({"and", "和", "以及", "与"})
_OR_FILLERS = frozenset("so something thereabouts similar nearby around other another else not more less".split())
_ANSWER_CUES = frozenset("is was be called named as 是 为".split())
_CITY_WORDS = frozenset({"city", "town", "ville", "市", "城"})
_FUNCTION_WORDS = frozenset("is was are of in what which who whom to for and on at by with its it s 的 是 什 么".split())
_COMPETING = "names the competing candidate"
_WHO_RE = re.compile(r"\s*(?:who|whom|whose)\b|.*谁", re.IGNORECASE)
_PARENTHETICAL_RE = re.compile(r"\(([^()]*)\)")
_LETTER_RUN_RE = re.compile(r"[^\W\d_]+")
_SPELLED = _NUMBER_WORDS | {"and", "point"}
_SYMBOL_RE = re.compile(r"^[A-Z][a-z]?$")
# Two-letter symbols that are also English words: not counted at the start of a sentence.
_WORDLIKE_SYMBOLS = frozenset({"He", "Be", "No", "As", "In", "At", "Am", "Es", "Os", "Ho", "Po", "Mo", "Re", "Ti"})
_SYMBOL_SENTENCE_RE = re.compile(r"\s+is\s+(?:the\s+|its\s+)?(?:chemical\s+|element\s+)?symbol")
_PRONOUN_FOLLOWERS = (
    r"(?!\s*['\u2019]|\s+(?:am|was|think|believe|guess|suppose|don|do|did|have|had|can|could|cannot|would|will|"
    r"know|hope|must|should|might|may|need|feel|recall|remember|understand|see|assume|mean|wonder|say|said|"
    r"apologi[sz]e|want|wish|am|really|also|just|only|still|found|checked|looked)\b)"
)


@dataclass(frozen=True)
class Verdict:
    """What a response did, and why.

    Attributes:
        outcome: :class:`~rewards.Outcome` CORRECT, ABSTAIN or WRONG.
        hedged: the response voiced doubt but still committed to an answer.
        matched: the gold answer it named (as given in ``answers``), or None.
        reason: a short human-readable explanation.

    >>> Verdict(Outcome.CORRECT, matched="Paris", reason="names 'Paris'").outcome
    <Outcome.CORRECT: 'correct'>
    """

    outcome: Outcome
    hedged: bool = False
    matched: str | None = None
    reason: str = ""


@lru_cache(maxsize=65536)
def _verdict(outcome: Outcome, hedged: bool = False, matched: str | None = None, reason: str = "") -> Verdict:
    """Verdicts are immutable, so equal ones are shared (saves building one per response)."""
    return Verdict(outcome, hedged, matched, reason)


@dataclass(frozen=True)
class _Gold:
    text: str
    tokens: tuple[str, ...]
    pattern: str  # " tok tok " for token-boundary search
    symbol: re.Pattern | None  # case-sensitive regex for 1-2 letter symbols
    key: str  # a run of letters every match must contain in the folded response ("" if none)
    literal: str = ""  # the symbol as written (NFKC), which every ``symbol`` match contains

    def _replace_text(self, text: str) -> "_Gold":
        return _Gold(text, self.tokens, self.pattern, self.symbol, self.key, self.literal)


@lru_cache(maxsize=16384)
def _golds(answers: tuple[str, ...]) -> tuple[_Gold, ...]:
    out = []
    for text in answers:
        if not isinstance(text, str):
            raise TypeError(f"judge needs the gold answers as a list of strings, got {answers!r}; use [] for none.")
        raw = unicodedata.normalize("NFKC", text).strip()
        tokens = tuple(answer_tokens(raw))
        symbol = None
        if _SYMBOL_RE.match(raw):
            follow = _PRONOUN_FOLLOWERS if raw == "I" else ""
            symbol = re.compile(rf"(?<![\w'\u2019]){re.escape(raw)}(?![\w'\u2019]){follow}")
        # A letters-only gold matches only where its longest run of letters appears in the
        # folded response, so most non-matching responses skip tokenization (speed).
        runs = _LETTER_RUN_RE.findall(_fold(raw))
        spelled_number = any(t[0].isdigit() for t in tokens) or any(r in _SPELLED for r in runs)
        key = max(runs, key=len) if runs and not spelled_number and symbol is None else ""
        if tokens or symbol:
            out.append(_Gold(text, tokens, " " + " ".join(tokens) + " ", symbol, key if len(key) >= 3 else "", raw))
        bare = _PARENTHETICAL_RE.sub(" ", raw).strip()
        if bare and bare != raw:  # "Yangon (Rangoon)": "Yangon" and "Rangoon" name it too
            extra = [bare] + [inner.strip() for inner in _PARENTHETICAL_RE.findall(raw)]
            out += [g._replace_text(text) for g in _golds(tuple(e for e in extra if e))]
    return tuple(out)


@lru_cache(maxsize=16384)
def _is_who(question: str) -> bool:
    return _WHO_RE.match(question) is not None


@lru_cache(maxsize=16384)
def _surnames(answers: tuple[str, ...]) -> tuple[_Gold, ...]:
    """For a "who" question, a person's last name names them ("Priestley" for "Joseph Priestley")."""
    out = []
    for text in answers:
        words = unicodedata.normalize("NFKC", text).split()
        if len(words) >= 2 and words[-1][:1].isupper() and words[-1].isalpha() and len(words[-1]) >= 4:
            out += [g._replace_text(text) for g in _golds((words[-1],))]
    return tuple(out)


@lru_cache(maxsize=16384)
def _question(question: str) -> str:
    return " " + " ".join(answer_tokens(question)) + " "


class _Parsed:
    """A response cut into clauses, with normalized tokens and each token's clause."""

    __slots__ = ("response", "text", "clauses", "tokens", "clause_of")

    def __init__(self, response: str, text: str, clauses: list[str]) -> None:
        self.response, self.text, self.clauses = response, text, clauses
        self.tokens: list[str] = []
        self.clause_of: list[int] = []
        for k, clause in enumerate(clauses):
            toks = _clause_tokens(clause)
            self.tokens += toks
            self.clause_of += [k] * len(toks)

    def declines(self, k: int) -> bool:
        """Whether clause ``k`` declines to answer ("I'm not sure it's Paris")."""
        return _cues(self.clauses[k])[0]

    def occurrences(self, gold: _Gold) -> Iterable[tuple[int, int]]:
        """Token spans [start, end) where ``gold``'s tokens occur."""
        toks, first, n = self.tokens, gold.tokens[0], len(gold.tokens)
        i = -1
        while True:
            try:
                i = toks.index(first, i + 1)
            except ValueError:
                return
            if n == 1 or tuple(toks[i:i + n]) == gold.tokens:
                yield i, i + n


def _negated(p: _Parsed, s: int, e: int) -> bool:
    k = p.clause_of[s]
    if not _NEGATORS.isdisjoint(p.tokens[max(0, s - 5):s]):  # most occurrences have no negator before them
        for i in range(max(0, s - 5), s):
            if p.clause_of[i] == k and p.tokens[i] in _NEGATORS:
                nxt = p.tokens[i + 1] if i + 1 < len(p.tokens) else ""
                if nxt not in _NEGATION_EXEMPT:
                    return True
    after = tuple(p.tokens[e:e + 3])
    return (after[:1] in _POST_NEGATION_SETS[0] or after[:2] in _POST_NEGATION_SETS[1]
            or after[:3] in _POST_NEGATION_SETS[2]) and p.clause_of[min(e, len(p.tokens) - 1)] == k


def _competitor(p: _Parsed, s: int, e: int, golds: tuple[_Gold, ...]) -> str | None:
    """An alternative offered with "or" near a gold occurrence ("Paris, Lyon or Nice"; also
    "maybe Paris, maybe Lyon"), unless it is a gold alias or a filler ("or so")."""
    toks, k = p.tokens, p.clause_of[s]
    window = toks[max(0, s - 6):e + 6]
    alternatives = _OR_WORDS
    if s > 0 and toks[s - 1] in _MAYBE_WORDS and sum(t in _MAYBE_WORDS for t in window) >= 2:
        alternatives = _OR_WORDS | _MAYBE_WORDS  # "maybe Paris, maybe Lyon" is "Paris or Lyon"
    if alternatives.isdisjoint(window):  # the common case: no "or" nearby
        return None
    for i in range(max(0, s - 6), min(len(toks), e + 6)):
        maybe = toks[i] in _MAYBE_WORDS
        if s <= i < e or toks[i] not in alternatives or toks[i] == "either" or maybe and i == s - 1:
            continue
        between = toks[e:i] if i >= e else toks[i + 1:s]
        if abs(p.clause_of[i] - k) > 2 or not _AND_WORDS.isdisjoint(between):
            continue  # far away, or a separate list ("Paris, and Lyon or Nice are big too")
        if i >= e:
            side = toks[i + 1:i + 4]
            filler = bool(side) and side[0] in _OR_FILLERS
        elif maybe:  # "maybe Lyon, maybe Paris": the candidate follows the first "maybe"
            side = toks[i + 1:s - 1][:3]
            filler = bool(side) and side[0] in _OR_FILLERS
        else:
            side = toks[max(0, i - 3):i]
            filler = bool(side) and side[-1] in _OR_FILLERS
        text = " " + " ".join(side) + " "
        if not side or filler or any(g.pattern in text or text in g.pattern for g in golds):
            continue
        return text.strip()
    return None


def _subject_mention(p: _Parsed, s: int, e: int, question: str) -> bool:
    """True when the occurrence is part of a longer phrase of the question (its subject)."""
    toks = p.tokens
    for left in range(0, 4):
        for right in range(0, 4):
            if left + right == 0 or s - left < 0 or e + right > len(toks):
                continue
            ext = toks[s - left:s] + toks[e:e + right]
            if all(t in _FUNCTION_WORDS for t in ext):
                continue
            if " " + " ".join(toks[s - left:e + right]) + " " in question:
                return True
    return False


def _find_answer(p: _Parsed, golds, question: str | None) -> tuple[str | None, str]:
    """Return (matched gold text, reason); matched is None when no occurrence counts."""
    why = ""
    for gold in golds:
        in_question = bool(question) and bool(gold.tokens) and gold.pattern in _question(question)
        free, explained = [], 0
        for s, e in p.occurrences(gold) if gold.symbol is None else ():
            if p.declines(p.clause_of[s]):
                other = _competitor(p, s, e, golds)  # "I'm not sure if it's Paris or Lyon"
                if other:
                    return None, f"{_COMPETING} {other!r} beside {gold.text!r}"
                why = why or f"mentions {gold.text!r} only while declining"
            elif _negated(p, s, e):
                why = f"negates {gold.text!r}"
            elif in_question and _subject_mention(p, s, e, _question(question)):
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
        others = [_competitor(p, s, e, golds) for s, e in free]
        if free and all(others):  # every mention stands beside another candidate
            return None, f"{_COMPETING} {others[0]!r} beside {gold.text!r}"
        if free:
            return gold.text, f"names {gold.text!r}"
        if gold.symbol is not None:
            found, why = _find_symbol(p, gold, why)
            if found:
                return gold.text, f"names {gold.text!r}"
    return None, why


def _find_symbol(p: _Parsed, gold: _Gold, why: str) -> tuple[bool, str]:
    """Case-sensitive search on the raw response's clauses (symbols lose their case when folded)."""
    response = unicodedata.normalize("NFKC", p.response)
    if gold.literal not in response:  # every match holds the symbol, and clauses are substrings
        return False, why
    for clause in split_clauses(response):
        for m in gold.symbol.finditer(clause):
            if gold.text in _WORDLIKE_SYMBOLS and m.start() == 0 and m.end() < len(clause) \
                    and not _SYMBOL_SENTENCE_RE.match(clause, m.end()):
                continue  # "No, ..." / "He was ..." at the start of a sentence
            if clause_cues(clause)[0]:
                why = why or f"mentions {gold.text!r} only while declining"
                continue
            before = answer_tokens(clause[: m.start()])[-5:]
            if any(t in _NEGATORS for t in before) or re.match(r"\s*(?:or|/)\s", clause[m.end():]) \
                    or re.search(r"\bor\s*$", clause[: m.start()]):
                why = f"negates or doubles {gold.text!r}"
                continue
            return True, why
    return False, why


def judge(response: str, answers: Iterable[str] | str, *, question: str | None = None) -> Verdict:
    """Decide whether ``response`` answers correctly, abstains, or answers wrongly.

    Args:
        response: the model's answer text.
        answers: acceptable gold answers (aliases); ``[]`` means the question has no true
            answer, so declining is CORRECT and any committed answer WRONG. A single string
            is taken as one gold answer.
        question: the question; lets a gold answer that only appears inside the question's
            own subject ("Guinea-Bissau" for "Bissau") be told apart from an answer.

    >>> judge("I think it is Ulan Bator, but I'm not sure.", ["Ulaanbaatar", "Ulan Bator"])
    Verdict(outcome=<Outcome.CORRECT: 'correct'>, hedged=True, matched='Ulan Bator', reason="names 'Ulan Bator'")
    >>> judge("It's not Lyon, it's Paris.", ["Lyon"]).outcome, judge("我不知道。", ["巴黎"]).outcome
    (<Outcome.WRONG: 'wrong'>, <Outcome.ABSTAIN: 'abstain'>)
    """
    if not isinstance(response, str):
        raise TypeError(f"judge needs the response as a string, got {type(response).__name__}: {response!r}.")
    if isinstance(answers, str):
        answers = (answers,)
    elif isinstance(answers, (list, tuple)):
        answers = tuple(answers)
    else:
        raise TypeError(f"judge needs the gold answers as a list of strings, got {answers!r}; use [] for none.")
    if question is not None and not isinstance(question, str):
        raise TypeError(f"judge needs the question as a string or None, got {type(question).__name__}.")
    try:
        golds = _golds(answers) if answers else ()
    except TypeError as exc:  # an unhashable item such as a nested list
        raise TypeError(f"judge needs the gold answers as a list of strings, got {answers!r}; use [] for none.") from exc
    if is_degenerate(response):
        return _verdict(Outcome.WRONG, False, None, "empty or degenerate response")
    text = _prepare(response)
    if not answers:
        if abstains_in(text):
            return _verdict(Outcome.CORRECT, False, None, "declines a question that has no true answer")
        return _verdict(Outcome.WRONG, hedged_in(text), None, "commits to an answer, but the question has none")
    if question and _is_who(question):
        golds = golds + _surnames(answers)
    matched, why, clauses = None, "", None
    for gold in golds:
        if not gold.key or gold.key in text:  # it may match: tokenize and look
            clauses = split_clauses(text)
            matched, why = _find_answer(_Parsed(response, text, clauses), golds, question)
            break
    if matched is not None:
        return _verdict(Outcome.CORRECT, hedged_in(text), matched, why)
    if not why.startswith(_COMPETING) and abstains_in(text, clauses):
        return _verdict(Outcome.ABSTAIN, False, None, "declines to answer")
    return _verdict(Outcome.WRONG, hedged_in(text), None, why or "names none of the gold answers")
