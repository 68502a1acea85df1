"""Abstention and hedge detection for responses to knowledge-seeking questions.

A response *abstains* when it declines to answer ("I don't know", "I can't answer that",
"There is no such country", "我不知道") and commits to nothing. Doubt followed by a guess
("I'm not sure, but I think it's Paris") is not an abstention: it is a *hedged* answer,
judged on its content. Empty, whitespace-only or degenerate text is never an abstention,
or a policy could farm the abstention reward by saying nothing.

The text is cut into clauses (at punctuation and at "but", "however", "但是" ...); each
clause is an abstention clause (it holds a decline cue), a commitment clause (it holds a
guess or assertion cue with some content after it) or neither.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rewards.text import fold, split_clauses

__all__ = [
    "abstains_in",
    "abstention_clauses",
    "clause_cues",
    "commits_to_answer",
    "folded_clause_cues",
    "hedged_in",
    "is_abstention",
    "is_degenerate",
    "is_hedged",
]


# Decline cues. English is matched on lower-cased text with straight apostrophes.
_EN_ABSTAIN = r"""
    \bi\s*(?:do\s*n[o']?t|dont|don't|really\s+don't|do\s+not)\s+(?:really\s+)?
        (?:know|have\s+(?:[\w-]+\s+){0,2}?(?:information|info|data|knowledge|details|an?\s+answer|access|idea)
           |recall|remember)
  | \b(?:don't|do\s+not|dont)\s+know\b
  | ^\s*(?:not\s+(?:sure|certain)|unsure|uncertain|unknown|dunno|no\s+clue)\b | \bdunno\b
  | \bidk\b | \bno\s+idea\b | \bnot\s+a\s+clue\b | \bno\s+clue\b
  | \b(?:i'?m|i\s+am|im)\s+(?:not\s+(?:sure|certain|aware|familiar)|unsure|uncertain|unaware|unable|afraid\s+i)
  | \bnot\s+(?:entirely|completely|totally|really|quite|100%)\s+(?:sure|certain)
  | \b(?:i|we)\s+(?:can\s*n?o?'?t|cannot|could\s*n'?t|could\s+not|am\s+unable\s+to|'m\s+unable\s+to
                  |are\s+unable\s+to|won't\s+be\s+able\s+to)\s+(?:\w+\s+)?
        (?:answer|say|tell|determine|provide|find|confirm|verify|know|help|give|recall|identify|be\s+sure|access|locate)
  | \b(?:unable|not\s+able)\s+to\s+(?:\w+\s+)?
        (?:answer|determine|provide|find|confirm|verify|say|tell|identify|know|give|recall|locate)
  | \b(?:i|we)\s+(?:have|had|possess)\s+no\s+(?:\w+\s+)?
        (?:information|info|data|knowledge|record|details|idea|answer|access)
  | \bno\s+(?:reliable\s+|available\s+|specific\s+|known\s+|such\s+)?(?:information|data|records?)\s+
        (?:is\s+|are\s+)?(?:available|about|on|regarding|exists?)
  | \b(?:there\s+is|there's|there\s+are|there\s+exists?)\s+no\s+
        (?:such|known|official|real|recorded|country|nation|state|element|city|capital|place|answer|information|data
           |record|evidence|way\s+to\s+(?:know|tell|determine))
  | \bno\s+such\s+(?:country|nation|state|element|city|place|thing|entity|person)\b
  | \b(?:does|do|did)\s*(?:n't|\s+not)\s+(?:exist|have\s+(?:a|an|any)\s+(?:capital|official|atomic|known|chemical))
  | \b(?:isn't|is\s+not|aren't|are\s+not|not)\s+(?:a\s+)?(?:real|recogni[sz]ed|existing)\s+
        (?:country|nation|state|element|place)
  | \b(?:fictional|fictitious|imaginary|made[-\s]up(?!\s+of)|hypothetical|non-?existent)\b
  | \b(?:no\s*one|nobody)\s+(?:really\s+)?knows\b
  | \b(?:is|are|remains?|was)\s+(?:currently\s+|still\s+)?
        (?:unknown|not\s+known(?!\s+for)|unclear|uncertain|undetermined|a\s+mystery)\b(?!\s+for\b)
  | \b(?:there\s+(?:isn't|is\s+not|aren't|are\s+not|was\s+not|wasn't))\s+(?:a|an|any)\s+(?:such\s+)?
        (?:country|nation|state|element|city|capital|place|record|information)
  | ^\s*(?:can't|cannot|couldn't|can\s+not)\s+(?:\w+\s+)?(?:say|tell|answer|determine|be\s+sure|recall)
  | ^\s*who\s+knows\b | \bbeats\s+me\b | \bwish\s+i\s+knew\b | \bmystery\s+to\s+me\b | 's\s+a\s+mystery\b
  | \bnot\s+in\s+a\s+position\s+to\b | \brather\s+not\s+(?:say|speculate|guess)\b | \b(?:won't|will\s+not)\s+speculate\b
  | \bmy\s+knowledge\s+(?:doesn't|does\s+not)\s+(?:cover|include|extend)
  | \b(?:refuse|decline|prefer\s+not)\s+to\s+(?:answer|say|guess|speculate)\b
  | \b(?:is|are)\s+not\s+(?:available|clear)\s+to\s+me\b | \b(?:it's|it\s+is)\s+not\s+clear\b
  | \bthere(?:'s|\s+is|\s+are)\s+no\s+(?:\w+\s+)?(?:answer|consensus|records?|information|data|evidence)\b
  | \bnever\s+heard\s+of\b | \bi\s+lack\s+(?:the\s+)?(?:information|knowledge|data)
  | \b(?:impossible|hard|difficult)\s+(?:for\s+me\s+)?to\s+(?:say|tell|know|determine|answer)\b
  | \b(?:rather\s+not|won't|will\s+not|can't|cannot)\s+guess\b
  | \bnot\s+in\s+my\s+(?:training|knowledge|data)\b
  | \b(?:has|have)\s+no\s+(?:official\s+|known\s+)?(?:capital|atomic\s+number|symbol)\b
  | \bbeyond\s+my\s+knowledge\b | \boutside\s+(?:of\s+)?my\s+knowledge\b
  | \bi\s+(?:can't|cannot)\s+be\s+(?:sure|certain)\b
  | \bcan(?:'t|not|\s+not)\s+be\s+(?:determined|answered|known)\b
  | \bnot\s+(?:something\s+)?i\s+(?:know|can\s+answer)\b
  | \b(?:i'?m|i\s+am)\s+(?:sorry|afraid),?\s+(?:but\s+)?i\s+(?:can't|cannot|don't|do\s+not|have\s+no)
"""
_ZH_ABSTAIN = (
    r"不知道|不晓得|不确定|不能确定|无法确定|无法回答|不能回答|回答不了|无法提供|不能提供|不清楚|"
    r"不了解|没有相关信息|没有相关的信息|没有关于.{0,20}?的?信息|没有.{0,6}资料|没有这方面|无从得知|不得而知|"
    r"没有人知道|无人知道|无人知晓|没人知道|并不存在|不存在|没有这个国家|没有这样的|虚构的|未知|不太确定|说不准|"
    r"无法得知|无法判断|不能判断|我不记得|记不清|没有找到|找不到|无从知晓|很难说|难以确定|无法知道|不知晓|没听说过|"
    r"说不上来|暂无|无可奉告"
)


def _apostrophe_optional(pattern: str) -> str:
    """Let "don't" also match "dont" (answer normalization drops apostrophes)."""
    return pattern.replace("'?", "'").replace("'", "'?")


_ABSTAIN_RE = re.compile(_apostrophe_optional(_EN_ABSTAIN) + "|" + _ZH_ABSTAIN, re.VERBOSE)
# Every decline cue above contains one of these; text without any skips the regex (it is slow).
_ABSTAIN_KEYS = (
    "n't", "nt ", "not", "dont", "idk", "dunno", "no ", "noone", "nobody", "unable", "unsure", "uncertain", "unaware",
    "unknown", "unclear", "undetermined", "cannot", "fiction", "imaginar", "made", "hypothet", "exist",
    "mystery", "beyond", "outside", "sorry", "afraid", "never", "lack", "impossible", "hard", "difficult",
    "guess", "has no", "have no", "难", "who knows", "beats", "refuse", "decline", "prefer", "available", "clear",
    "wish", "position", "speculate", "暂", "奉告", "不", "无", "没", "未", "虚",
)

_ASCII_ABSTAIN_KEYS = tuple(k for k in _ABSTAIN_KEYS if k.isascii())  # all an ASCII text can hold

# Cues that a clause commits to an answer despite doubt elsewhere.
_EN_COMMIT = r"""
    \b(?:i\s+(?:think|believe|guess|suppose|suspect|reckon|recall)|i'd\s+(?:say|guess)|i\s+would\s+(?:say|guess)
       |my\s+(?:best\s+)?guess|best\s+guess|probably|perhaps|maybe|possibly|likely|presumably
       |(?:might|may|could|should|would|must)\s+be|(?:it's|it\s+is|it\s+was)(?!\s+an?\s)|that\s+(?:is|would\s+be)
       |the\s+answer\s+(?:is|would\s+be|might\s+be)|the\s+(?:capital|answer|number|symbol)\s+(?:of\s+[\w\s-]{1,60}?\s+)?is
       |if\s+i\s+(?:had\s+to|were\s+to)\s+guess|as\s+far\s+as\s+i\s+know|if\s+i\s+recall)\b
"""
_ZH_COMMIT = r"我认为|我觉得|我猜|可能是|也许是|大概是|应该是|或许是|估计是|答案是|首都是|是"
_COMMIT_RE = re.compile(_apostrophe_optional(_EN_COMMIT) + "|" + _ZH_COMMIT, re.VERBOSE)

# Doubt cues: a committed answer that carries one of these is "hedged".
_HEDGE_RE = re.compile(
    _apostrophe_optional(r"""\b(?:not\s+(?:\w+\s+)?(?:sure|certain)|unsure|uncertain|i\s+(?:think|believe|guess|suppose|suspect|reckon)
       |probably|perhaps|maybe|possibly|likely|might|may\s+be|could\s+be|my\s+(?:best\s+)?guess|if\s+i\s+recall
       |as\s+far\s+as\s+i\s+know|i'd\s+say|i\s+would\s+say|don't\s+know|do\s+not\s+know|no\s+idea|not\s+100%
       |(?:pretty|fairly|reasonably)\s+(?:sure|certain|confident)|if\s+i'm\s+not\s+mistaken|if\s+memory\s+serves
       |i'm\s+guessing|i\s+guess)\b
       |不确定|可能|也许|大概|或许|我认为|我觉得|估计|应该是|不知道"""),
    re.VERBOSE,
)
# The same cues, for :func:`hedged_in` (which only asks whether one occurs): the English ones
# grouped by first letter, so each branch starts with a literal and Python's re jumps between
# candidate letters instead of trying every cue at every word boundary (much faster on long
# answers); ``(?<!\w.)`` after that letter is the ``\b`` before it. The Chinese cues only
# occur in non-ASCII text.
_HEDGE_EN_RE = re.compile(
    _apostrophe_optional(r"""(?:
        n(?<!\w.)(?:ot\s+(?:\w+\s+)?(?:sure|certain)|o\s+idea|ot\s+100%)
       |u(?<!\w.)(?:nsure|ncertain)
       |i(?<!\w.)(?:\s+(?:think|believe|guess|suppose|suspect|reckon)|'d\s+(?:say|guess)|\s+would\s+say|f\s+i\s+recall
                   |f\s+i'm\s+not\s+mistaken|f\s+memory\s+serves|'m\s+guessing|\s+guess)
       |p(?<!\w.)(?:robably|erhaps|ossibly|retty\s+(?:sure|certain|confident))
       |m(?<!\w.)(?:aybe|ight|ay\s+be|y\s+(?:best\s+)?guess)
       |l(?<!\w.)ikely
       |c(?<!\w.)ould\s+be
       |a(?<!\w.)s\s+far\s+as\s+i\s+know
       |d(?<!\w.)(?:on't\s+know|o\s+not\s+know)
       |f(?<!\w.)airly\s+(?:sure|certain|confident)
       |r(?<!\w.)easonably\s+(?:sure|certain|confident)
       )\b"""),
    re.VERBOSE,
)
_HEDGE_ZH_RE = re.compile(r"不确定|可能|也许|大概|或许|我认为|我觉得|估计|应该是|不知道")
_HEDGE_KEYS = (
    "sure", "certain", "think", "believe", "guess", "suppose", "suspect", "reckon", "probabl", "perhaps",
    "maybe", "possibl", "likely", "might", "may be", "could be", "recall", "as far as", "say", "know",
    "idea", "100%", "mistaken", "memory", "guess",
    "确定", "可能", "也许", "大概", "或许", "认为", "觉得", "估计", "应该", "知道",
)

_ASCII_HEDGE_KEYS = tuple(k for k in _HEDGE_KEYS if k.isascii())

_WORD_RE = re.compile(r"\w", re.UNICODE)
_BARE_WORD_RE = re.compile(r"[\w']+")
# Short clauses made only of these are politeness or filler, not a candidate answer.
_NON_ANSWER_WORDS = frozenset(
    """sorry unfortunately honestly frankly truly really well hmm hm um uh oh ah alas apologies apologize
    thanks thank you please ok okay yes no nope sure actually again so anyway indeed i i'm im me my am
    afraid to be honest question good great interesting tough hard difficult tricky one that this it
    as an a the ai assistant language model luck hope helps help check see ask consult try search
    look verify maybe perhaps possibly probably either neither nor or and not
    抱歉 对不起 不好意思 嗯 哦 说实话 老实说 很遗憾 遗憾的是 好问题 谢谢 你好 这个问题"""
    .split()
)


def _prepare(text: str) -> str:
    return " ".join(fold(text).split())


def _has_any(text: str, keys: tuple[str, ...], ascii_keys: tuple[str, ...]) -> bool:
    """Whether ``text`` holds one of ``keys`` (``ascii_keys``: those of them in ASCII)."""
    for key in ascii_keys if text.isascii() else keys:
        if key in text:
            return True
    return False


@lru_cache(maxsize=65536)
def folded_clause_cues(clause: str) -> tuple[bool, bool]:
    """:func:`clause_cues` of a clause that is already folded (:func:`rewards.text.fold`); cached.

    The judge reads clauses of folded text, and the same short clauses ("i'm not sure")
    recur across responses.

    >>> folded_clause_cues("i'm not sure"), folded_clause_cues("sydney")
    ((True, False), (False, True))
    """
    if _has_any(clause, _ABSTAIN_KEYS, _ASCII_ABSTAIN_KEYS) and _ABSTAIN_RE.search(clause) is not None:
        return True, False
    commit = _COMMIT_RE.search(clause)
    # A commitment needs content after its cue ("maybe." alone commits to nothing).
    if commit is not None and _WORD_RE.search(clause, commit.end()) is not None:
        return False, True
    # A bare candidate ("Sydney, I'm not sure.") commits too; "Sorry, I don't know." does not.
    words = _BARE_WORD_RE.findall(clause)
    return False, 0 < len(words) <= 3 and not all(w in _NON_ANSWER_WORDS for w in words)


def clause_cues(clause: str) -> tuple[bool, bool]:
    """Return (declines, commits) for one clause: a decline cue; a guess or assertion cue.

    >>> clause_cues("I don't know"), clause_cues("I think it's Paris")
    ((True, False), (False, True))
    """
    return folded_clause_cues(_prepare(clause))


def abstains_in(text: str, clauses: list[str] | None = None) -> bool:
    """The abstention decision on lower-cased ``text`` already cut into ``clauses``.

    >>> abstains_in("i don't know, sorry", ["i don't know", "sorry"])
    True
    """
    if not _has_any(text, _ABSTAIN_KEYS, _ASCII_ABSTAIN_KEYS):
        return False
    declines = commits = False
    for clause in split_clauses(text) if clauses is None else clauses:
        d, c = folded_clause_cues(clause)
        declines, commits = declines or d, commits or c
    return declines and not commits


def hedged_in(text: str) -> bool:
    """:func:`is_hedged` on lower-cased text.

    >>> hedged_in("probably paris"), hedged_in("paris")
    (True, False)
    """
    if not _has_any(text, _HEDGE_KEYS, _ASCII_HEDGE_KEYS):
        return False
    if _HEDGE_EN_RE.search(text) is not None:
        return True
    return not text.isascii() and _HEDGE_ZH_RE.search(text) is not None


def is_degenerate(text: str) -> bool:
    """True for text with no content: empty, white space, punctuation, one token repeated.

    >>> is_degenerate("  ... "), is_degenerate("the the the the the"), is_degenerate("Paris")
    (True, True, False)
    """
    if not isinstance(text, str) or not _WORD_RE.search(text):
        return True
    words = text.split(None, 5)[:5]
    if len(words) < 4 or len(set(words)) > 3:
        return False
    tokens = re.findall(r"\w+", text.lower())
    return len(tokens) >= 4 and len(set(tokens)) == 1


def abstention_clauses(text: str) -> list[str]:
    """Return the clauses of ``text`` that decline to answer (lower-cased).

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

    >>> is_abstention("I don't know."), is_abstention("我不知道。")
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
