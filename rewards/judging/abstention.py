"""Abstention and hedge detection for responses to knowledge-seeking questions.

A response *abstains* when it declines to answer ("I don't know", "I can't answer that",
"There is no such country", "我不知道") and commits to nothing. A decline followed by an
answer ("I'm not sure, Lyon is the capital.", "I don't know. Lyon is my guess.") is not an
abstention: it is a *hedged* answer, judged on that answer. Empty, whitespace-only or
degenerate text is never an abstention, or a policy could farm the abstention reward by
saying nothing.

The text is cut into clauses (at punctuation and at "but", "however", "但是" ...); each
clause declines (a decline or premise-rejection cue of :mod:`rewards.judging.grammar`),
commits (a guess or assertion cue with some content after it, or a bare candidate) or
neither.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rewards.judging.grammar import (
    ASCII_DECLINE_KEYS,
    ASCII_HEDGE_KEYS,
    COMMIT_RE,
    DECLINE_KEYS,
    DECLINE_RE,
    DEGREE_DOUBT_RE,
    HEDGE_KEYS,
    HEDGE_RE,
    PREMISE_RE,
    WORLD_UNKNOWN_RE,
    has_any,
)
from rewards.text import fold, split_clauses

__all__ = [
    "abstains_in",
    "abstention_clauses",
    "clause_cues",
    "commits_to_answer",
    "declines_in",
    "folded_clause_cues",
    "hedged_in",
    "is_abstention",
    "is_degenerate",
    "is_hedged",
    "denies_an_answer",
    "rejects_premise",
]

_WORD_RE = re.compile(r"\w", re.UNICODE)
#: A decline quoted as a phrase, not said: 'options such as "I don't know"', '"I don't know" is a common phrase'.
_MENTIONED_RE = re.compile(r'(?:such\s+as|like|the\s+(?:phrase|words?|text|answer\s+is\s+not)|options?|is\s+not)'
                           r'\s+"[^"]{1,60}"?'
                           r'(?:,?\s+(?:or|and)\s+"[^"]{1,60}"?)*|"[^"]{1,60}"\s+(?:is|was|are)\s+(?:a|an|the|not)\b')
_SENTENCE_END_RE = re.compile(r"[.!?。！？\n]+")
_BARE_WORD_RE = re.compile(r"[\w']+")
# Short clauses made only of these are politeness or filler, not a candidate answer.
_NON_ANSWER_WORDS = frozenset(
    """sorry unfortunately honestly frankly truly really well hmm hm um uh oh ah alas apologies apologize
    thanks thank you please ok okay yes no nope sure actually again so anyway indeed i i'm im me my am
    hello hi hey greetings for asking glad happy pleasure welcome
    afraid to be honest question good great interesting tough hard difficult tricky one that this it
    as an a the ai assistant language model luck hope helps help check see ask consult try search
    look verify maybe perhaps possibly probably either neither nor or and not
    sadly regrettably admittedly truthfully all said being having considered things told honestly frankly
    抱歉 很抱歉 非常抱歉 真抱歉 十分抱歉 实在抱歉 对不起 真对不起 不好意思 真不好意思
    嗯 哦 说实话 老实说 很遗憾 遗憾的是 好问题 谢谢 你好 这个问题
    作为ai 作为一个ai 作为人工智能 作为一个人工智能 作为ai助手 作为语言模型 作为一个语言模型"""
    .split()
)


def _prepare(text: str) -> str:
    return " ".join(fold(text).split())


@lru_cache(maxsize=65536)
def declines_in(clause: str) -> bool:
    """Whether a folded clause declines or rejects the question's premise.

    >>> declines_in("as a language model i am not equipped to answer that"), declines_in("paris")
    (True, False)
    """
    if not has_any(clause, DECLINE_KEYS, ASCII_DECLINE_KEYS):
        return False
    if '"' in clause:
        clause = _MENTIONED_RE.sub(" ", clause)
    return DECLINE_RE.search(clause) is not None or PREMISE_RE.search(clause) is not None


@lru_cache(maxsize=65536)
def rejects_premise(clause: str) -> bool:
    """Whether a folded clause says the question's subject does not exist or its premise is false.

    >>> rejects_premise("it's a fictional country"), rejects_premise("i don't know")
    (True, False)
    """
    return has_any(clause, DECLINE_KEYS, ASCII_DECLINE_KEYS) and PREMISE_RE.search(clause) is not None


def denies_an_answer(clause: str) -> bool:
    """Whether a folded clause claims the question has no answer: its premise is false, or the
    answer is unknown to the world ("The author is unknown.", "No one knows.", "unknown to
    history"), not to the speaker ("unknown to me" is a decline). On a question that has an
    answer such a claim is false, so it is a wrong answer, not an abstention.

    >>> denies_an_answer("the author is unknown"), denies_an_answer("the author is unknown to me")
    (True, False)
    """
    return rejects_premise(clause) or WORLD_UNKNOWN_RE.search(clause) is not None


@lru_cache(maxsize=65536)
def folded_clause_cues(clause: str) -> tuple[bool, bool]:
    """:func:`clause_cues` of a clause that is already folded (:func:`rewards.text.fold`); cached.

    >>> folded_clause_cues("i'm not sure"), folded_clause_cues("sydney")
    ((True, False), (False, True))
    """
    if declines_in(clause):
        if DEGREE_DOUBT_RE.search(clause) is None:
            return True, False
        return False, True  # "i'm not 100% sure it's lyon" commits to lyon, hedged
    commit = COMMIT_RE.search(clause)
    # A commitment needs content beside its cue ("maybe." alone commits to nothing; "Lyon is my
    # guess" and "it might be Lyon" do).
    if commit is not None and (_has_content(clause[commit.end():]) or _has_content(clause[:commit.start()])):
        return False, True
    # A bare candidate ("Sydney, I'm not sure.") commits too; "Sorry, I don't know." does not.
    words = _BARE_WORD_RE.findall(clause)
    return False, 0 < len(words) <= 3 and not all(w in _NON_ANSWER_WORDS for w in words)


def _has_content(text: str) -> bool:
    """Whether ``text`` holds a word that is not politeness or filler."""
    return any(w not in _NON_ANSWER_WORDS for w in _BARE_WORD_RE.findall(text)) or (
        not text.isascii() and _WORD_RE.search(text) is not None)


def clause_cues(clause: str) -> tuple[bool, bool]:
    """Return (declines, commits) for one clause: a decline cue; a guess or assertion cue.

    >>> clause_cues("I don't know"), clause_cues("I think it's Paris")
    ((True, False), (False, True))
    """
    return folded_clause_cues(_prepare(clause))


def abstains_in(text: str, clauses: list[str] | None = None) -> bool:
    """The abstention decision on folded ``text``, optionally already cut into ``clauses``.

    >>> abstains_in("i don't know, sorry"), abstains_in("i don't know. lyon is my guess")
    (True, False)
    """
    if not has_any(text, DECLINE_KEYS, ASCII_DECLINE_KEYS):
        return False
    declines = commits = False
    for clause in split_clauses(text) if clauses is None else clauses:
        d, c = folded_clause_cues(clause)
        declines, commits = declines or d, commits or c
    return declines and not commits


def hedged_in(text: str) -> bool:
    """:func:`is_hedged` on folded text.

    >>> hedged_in("probably paris"), hedged_in("paris")
    (True, False)
    """
    return (has_any(text, HEDGE_KEYS, ASCII_HEDGE_KEYS) and HEDGE_RE.search(text) is not None
            or DEGREE_DOUBT_RE.search(text) is not None)


def is_degenerate(text: str) -> bool:
    """True for text with no content: empty, white space, punctuation, one token repeated.

    >>> is_degenerate("  ... "), is_degenerate("the the the the the"), is_degenerate("Paris")
    (True, True, False)
    >>> is_degenerate("I'm not sure. " * 5)
    True
    """
    if not isinstance(text, str) or not _WORD_RE.search(text):
        return True
    if len(text) > 40 and len(_SENTENCE_END_RE.findall(text)) >= 3:
        sentences = [s.strip().lower() for s in _SENTENCE_END_RE.split(text) if s.strip()]
        if len(sentences) >= 4 and max(map(sentences.count, set(sentences))) >= 0.8 * len(sentences):
            return True  # one sentence said over and over ("I'm not sure. I'm not sure. ...")
    words = text.split(None, 5)[:5]
    if len(words) < 4 or len(set(words)) > 3:
        return False
    tokens = re.findall(r"\w+", text.lower())
    return len(tokens) >= 4 and len(set(tokens)) == 1


def abstention_clauses(text: str) -> list[str]:
    """Return the clauses of ``text`` that decline to answer (folded).

    >>> abstention_clauses("I'm not sure, but I think it's Paris.")
    ["i'm not sure"]
    """
    return [c for c in split_clauses(_prepare(text)) if folded_clause_cues(c)[0]]


def commits_to_answer(text: str) -> bool:
    """True when some clause without a decline cue guesses or asserts something.

    >>> commits_to_answer("I don't know, but it might be Lyon."), commits_to_answer("I don't know.")
    (True, False)
    """
    return any(folded_clause_cues(c)[1] for c in split_clauses(_prepare(text)))


def is_abstention(text: str) -> bool:
    """True when ``text`` declines to answer and commits to no answer.

    >>> is_abstention("I don't know."), is_abstention("我無法回答這個問題。")
    (True, True)
    >>> is_abstention("I'm not sure, but I think it's Paris."), is_abstention("")
    (False, False)
    """
    if is_degenerate(text):
        return False
    return abstains_in(_prepare(text))


def is_hedged(text: str) -> bool:
    """True when ``text`` voices doubt ("I think", "probably", "not sure", "可能").

    >>> is_hedged("I think it's Paris."), is_hedged("It is Paris.")
    (True, False)
    """
    return hedged_in(_prepare(text))
