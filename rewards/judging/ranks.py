"""Ranks a response gives a name: another rank than the one asked ("Saturn is the second largest"),
a place among ranked guesses ("first choice Sydney, second choice Canberra"), or one more possible
answer ("Sydney is equally likely")."""

from __future__ import annotations

from rewards.judging.roles import QuestionRoles, stem
from rewards.judging.words import COPULAS, CUE_WORDS

__all__ = ["OTHER_RANK", "alternative_offered", "merely_mentioned", "offered_too", "other_rank", "ranked_guess"]

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
_POSSIBLE = frozenset("likely plausible possible candidate fits option alternative given cited quoted bell mind right "
                      "correct valid works recall remember".split())
_POSSIBLE_FILLER = CUE_WORDS | frozenset("equally just as also another strong good too seems fit rings comes springs "
                                         "to what".split())


def offered_too(right: list[str]) -> bool:
    """Whether the words after a name offer it as another possible answer ("is equally likely")."""
    return 0 < len(right) <= 5 and bool(_POSSIBLE & set(right)) and all(
        t in _POSSIBLE or t in _POSSIBLE_FILLER for t in right)


#: Frames that put up a name as the answer the speaker may mean instead, with the words one of which
#: must come before the frame ("unless I'm thinking of Sydney", "but I could be confusing it with
#: Sydney", "though some attribute it to Sydney"); "you might be thinking of Sydney" explains, it offers
#: nothing, and "I mean Sydney" corrects.
_FIRST_PERSON = frozenset("i im ive id me my unless".split())
_ALTERNATIVE_FRAMES = (
    (("thinking", "of"), _FIRST_PERSON), (("confusing", "it", "with"), _FIRST_PERSON),
    (("confusing", "with"), _FIRST_PERSON), (("mixing", "it", "up", "with"), _FIRST_PERSON),
    (("mixing", "up", "with"), _FIRST_PERSON), (("asking", "about"), {"unless"}), (("mean",), {"unless"}),
    (("meant",), {"unless"}), (("referring", "to"), {"unless"}), (("attribute", "it", "to"), None),
    (("attributes", "it", "to"), None), (("credit", "it", "to"), None), (("credits", "it", "to"), None))
#: Adverbs that give a name as the answer in another sense ("strictly Canberra, but loosely Sydney", "de facto Sydney").
_SENSE_ADVERBS = frozenset("loosely practically colloquially informally unofficially popularly facto jure officially "
                            "formally legally nominally technically strictly".split())


#: The same in Chinese, looked for in the characters before the candidate ("除非你指的是1911").
_ZH_ALTERNATIVE_KEYS = ("除非", "有人认为", "有人说", "备选", "第二是", "其次是", "也可能是", "也有可能是")


def alternative_offered(left: list[str]) -> bool:
    """Whether the words before a name put it up as another answer the speaker may mean."""
    if left and left[-1] in _SENSE_ADVERBS:
        return True
    if left and not left[-1].isascii():
        joined = "".join(left[-8:])
        return any(key in joined for key in _ZH_ALTERNATIVE_KEYS)
    for frame, before in _ALTERNATIVE_FRAMES:
        if tuple(left[-len(frame):]) == frame and (before is None or not before.isdisjoint(left[:-len(frame)])):
            return True
    return False


#: Predicates that say a name is talked about, not that it answers ("Canberra comes up a lot", "is often
#: mentioned", "matters", "is well known"), and the words that may stand beside them.
_MENTION_WORDS = frozenset("mentioned discussed debated talked comes come pops matters matter famous popular relevant "
                           "notable known noteworthy".split())
_MENTION_FILLER = frozenset("is are was were often frequently a lot widely very much too also up well quite really "
                            "always sometimes here about".split())


def merely_mentioned(right: list[str]) -> bool:
    """Whether the words after a name, to its clause's end, only say it is talked about."""
    return 0 < len(right) <= 6 and not _MENTION_WORDS.isdisjoint(right) and all(
        t in _MENTION_WORDS or t in _MENTION_FILLER for t in right)
