"""The part of a response that states its final answer.

A response may think aloud before it answers (``<think>draft</think> final``), or say
"Final answer: ..." after some reasoning; only the final part is judged, and a reasoning
block with no final part after it answers nothing. A response may also take an answer back
("Lyon. No wait, Paris.", "Lyon, but actually Paris", "X is the highest mountain, but that
is not right: it is Y"): what it said before the retraction is not what it commits to.

>>> final_part("<think>Lyon? No, Paris.</think> Paris.")
' Paris.'
>>> final_part("<think>Lyon? No, Paris.")
''
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["FINAL_ANSWER_RE", "RETRACTION_KEYS", "RETRACTION_WORDS", "draft_response", "final_part",
           "is_hard_retraction", "missing_final_reason", "retraction_at", "without_retraction"]

_THINK_OPEN_RE = re.compile(r"<\s*(?:think|thinking|reasoning|scratchpad)\s*>", re.IGNORECASE)
_THINK_CLOSE_RE = re.compile(r"<\s*/\s*(?:think|thinking|reasoning|scratchpad)\s*>", re.IGNORECASE)
#: "Final answer:" and its kin: what follows the last one is the answer.
FINAL_ANSWER_RE = re.compile(r"\b(?:(?:my\s+)?final\s+answer(?:\s+is)?|so\s+the\s+answer\s+is|answer)\s*[:：]|"
                             r"\bmy\s+final\s+answer\s+is\b|最终答案\s*[:：是]?",
                             re.IGNORECASE)
#: Labels of someone else's answer ("Expected answer:", "Reference answer:"), taken out before the
#: marks above are read: a sentence break, not the response's own mark; the answer after them is asserted.
_OTHERS_LABEL_RE = re.compile(r"\b(?:expected|reference|correct|gold|true|official|right|model|sample|target)\s+"
                              r"answer\s*[:：]", re.IGNORECASE)
#: Labels of one more answer offered ("Alternative: Ir", "Second guess: 1911", "备选：里昂"): a sentence break,
#: so what follows them is asserted beside the answer.
_ALTERNATIVE_LABEL_RE = re.compile(
    r"\b(?:alternatives?|alternate|alt|backup|fallback|second\s+(?:guess|choice|option|pick)|other\s+(?:answer|option|"
    r"possibility|candidate)s?)(?:\s+answers?)?\W{0,4}[:：]|备选(?:答案)?\s*[:：]", re.IGNORECASE)
#: A line of keywords or tags ("Keywords: the Titanic, 1912, history."): topics listed, nothing asserted.
_KEYWORDS_RE = re.compile(r"(?im)^[^\w\n]*(?:key\s*words?|tags?|hashtags?|topics?|related\s+(?:terms|topics|words))"
                          r"\s*[:：][^\n]*")
#: The strong form: a response that gives two "Final answer:"s commits to both.
_FINAL_MARK_RE = re.compile(r"\bfinal\s+answer|最终答案", re.IGNORECASE)
#: Answer containers of RL formats: ``<answer>...</answer>`` and ``\boxed{...}``.
_CONTAINER_RE = re.compile(r"<\s*answer\s*>(.*?)(?:<\s*/\s*answer\s*>|$)|\\boxed\s*\{([^{}]*)\}",
                           re.IGNORECASE | re.DOTALL)
#: Text a reader does not see as asserted: struck through, or an HTML comment.
_HIDDEN_RE = re.compile(r"~~[^~]*~~|<\s*(s|del|strike)\s*>.*?<\s*/\s*\1\s*>|<!--.*?(?:-->|$)",
                        re.IGNORECASE | re.DOTALL)

_REASONING_RE = re.compile(r"\s*(?:let\s+me\s+(?:think|reason|see|work|recall|check)|let'?s\s+(?:think|see|reason)|"
                           r"step\s*1|first,|reasoning:|thinking:|让我想想|我想一想)", re.IGNORECASE)
_CONCLUSION_RE = re.compile(r"\b(?:so|therefore|thus|hence|which\s+means|that\s+means)\b[,:]?|所以|因此", re.IGNORECASE)

# Retraction cues, on folded clause text: the one table every retraction reader builds on. A
# *hard* retraction says the earlier answer is wrong ("that's wrong", "no wait", "scratch that");
# a *soft* one corrects without saying so ("actually", "I mean") and retracts only when another
# answer follows.
_HARD = (r"(?:no[,\s]+wait|wait[,\s]+no|scratch\s+that|strike\s+that|(?:that|this|it)(?:'s|\s+is|\s+was)\s+"
         r"(?:not\s+(?:right|correct|true|it)|wrong|incorrect|a\s+mistake|false)|i\s+was\s+wrong|my\s+mistake|"
         r"let\s+me\s+correct|correction|i\s+stand\s+corrected|just\s+kidding|(?:i'?m|i\s+am)\s+(?:just\s+)?joking|"
         r"i\s+take\s+(?:that|it)\s+back|never\s*mind|forget\s+(?:that|it))")
_ZH_HARD = "不对|错了|说错了|更正|开玩笑|哦不|不不|收回|算了|改一下|改正"  # Chinese needs no word boundary
_SOFT = (r"(?:actually|i\s+meant?|rather(?!\s+(?:not|than))|wait|on\s+second\s+thoughts?|on\s+reflection|"
         r"come\s+to\s+think\s+of\s+it|sorry|oops|or\s+rather|hold\s+on|hmm+|um+|er|oh|make\s+that|"
         r"second\s+thoughts?|let\s+me\s+(?:reconsider|rethink)|"
         r"to\s+be\s+precise|more\s+accurately|technically|strictly\s+speaking|officially|more\s+correctly|"
         r"(?:a|the)\s+(?:more|most)\s+(?:fitting|accurate|correct|likely|precise)\s+answer)")
_ZH_SOFT = "其实|我是说|应该说|准确地说|等等|等一下|嗯"
_HARD_RE = re.compile(rf"(?:^|\b|(?<=\W)){_HARD}|{_ZH_HARD}")
_SOFT_RE = re.compile(rf"(?:^|\b){_SOFT}\b|{_ZH_SOFT}")
_BARE_NO = frozenset({"no", "nope", "no no", "not quite", "不", "不对", "不是"})
#: Every word the cues above are made of (a Chinese cue's characters one by one): what a
#: retraction clause says besides its new answer ("no wait, it's Paris" moves to "paris").
RETRACTION_WORDS = frozenset(re.findall(r"[a-z]+|[\u4e00-\u9fff]", re.sub(
    r"\\[sbwW]", " ", _HARD + _SOFT + _ZH_HARD + _ZH_SOFT))) | {"mean", "thought", "2"}
#: The prefilter: every cue above holds one of these, so a clause without any skips the regexes
#: (kept beside the cues: a new cue needs a key here).
RETRACTION_KEYS = ("wait", "scratch", "strike", "not right", "not correct", "not true", "not it", "wrong", "incorrect",
                   "mistake", "false", "correct", "actually", "mean", "rather", "second thought", "reflection",
                   "think of it", "sorry", "oops", "hold on", "hmm", "um", "er", "oh", "make that", "reconsider",
                   "rethink", "precise", "accurate", "fitting",
                   "likely answer", "kidding", "joking", "technically", "strictly", "officially", "take that back",
                   "take it back", "never mind", "nevermind", "forget",
                   "开玩笑", "不对", "错", "更正", "其实", "我是说", "应该说", "准确", "哦不", "不不", "收回", "等等",
                   "等一下", "算了", "改一下", "改正", "嗯")
#: Short keys match as whole words only ("er" in "other" is no cue).
_KEYS_RE = re.compile("|".join(rf"\b{re.escape(k)}\b" if len(k) <= 3 and k.isascii() else re.escape(k)
                               for k in RETRACTION_KEYS))


def final_part(response: str) -> str:
    """The text that states the final answer: after the last reasoning block or "Final answer:".

    A reasoning block that is opened and never closed (also one opened after the last block
    closed) leaves nothing final (``""``), so a response that only thinks aloud answers nothing.

    >>> final_part("Let me think. Paris is big. Final answer: Lyon")
    ' Lyon'
    >>> final_part("It is Paris.")
    'It is Paris.'
    """
    response = _visible(response)
    if "<" in response:
        closes = list(_THINK_CLOSE_RE.finditer(response))
        if closes:
            response = response[closes[-1].end():]
        if _THINK_OPEN_RE.search(response):  # a block opened and never closed: the response stops mid-thought
            return ""
    response = _contained(response)
    if ":" in response or "：" in response:
        response = _KEYWORDS_RE.sub(" ", _ALTERNATIVE_LABEL_RE.sub(". ", response))
    if _REASONING_RE.match(response):  # "Let me think: ... so it is Y": what the reasoning concludes
        conclusions = list(_CONCLUSION_RE.finditer(response))
        if conclusions and response[conclusions[-1].end():].strip():
            response = response[conclusions[-1].end():]
    low = response.lower()
    # every label and mark holds a colon, "my ... nal" ("my final answer is") or 最终答案: without one, nothing to cut
    if ("answer" in low or "答案" in response) and (
            ":" in response or "：" in response or "最终答案" in response or ("my" in low and "nal" in low)):
        response = _after_answer_marks(_OTHERS_LABEL_RE.sub(". ", response))
    return response


def _visible(response: str) -> str:
    """``response`` without struck-through text and HTML comments ("~~Lyon~~ Paris" asserts Paris)."""
    if "~~" in response or "<" in response:
        return _HIDDEN_RE.sub(" ", response)
    return response


def _contained(response: str) -> str:
    """What the answer containers hold (``<answer>Lyon</answer>``, ``\\boxed{Lyon}``), each as a
    sentence, and what follows the last one; the response itself when it has none."""
    if "<" not in response and "boxed" not in response:
        return response
    found = list(_CONTAINER_RE.finditer(response))
    if not found:
        return response
    held = [m.group(1) if m.group(1) is not None else m.group(2) for m in found]
    return ". ".join(h.strip().rstrip(".") for h in held) + ". " + response[found[-1].end():]


def _after_answer_marks(response: str) -> str:
    """The text after the last "Answer:" label; after each "Final answer:" when there are several,
    and after each "Answer:" when there are several and none is final ("Answer: Lyon\nAnswer:
    Paris", "Short answer: Lyon. Long answer: Paris."): two different answers are both asserted."""
    marks = list(FINAL_ANSWER_RE.finditer(response))
    if not marks or not response[marks[-1].end():].strip():
        return response
    finals = [m for m in marks if _FINAL_MARK_RE.search(m.group(0))] or marks
    if len(finals) < 2:
        return response[marks[-1].end():]
    ends = [m.start() for m in finals[1:]] + [len(response)]
    return ". ".join(response[m.end():end].strip().rstrip(".") for m, end in zip(finals, ends))


def draft_response(draft: str, final: str) -> str:
    """A draft-then-decide response: the draft in a reasoning block, then the final part that is judged.

    >>> draft_response("Lyon.", "I don't know.")
    "<think>Lyon.</think> I don't know."
    """
    return f"<think>{draft.strip()}</think> {final.strip()}"


def missing_final_reason(response: str) -> str:
    """Why a response whose final part is empty answers nothing (a :class:`Verdict` reason).

    >>> missing_final_reason("<think>Paris."), missing_final_reason("<think>Paris.</think>")
    ('the reasoning block is never closed: no final answer', 'nothing after the reasoning block: no final answer')
    """
    if "<" in response:
        closes = list(_THINK_CLOSE_RE.finditer(response))
        if not closes and _THINK_OPEN_RE.search(response):
            return "the reasoning block is never closed: no final answer"
        if closes and _THINK_OPEN_RE.search(response, closes[-1].end()):
            return "a reasoning block after the last one closed is never closed: no final answer"
        if closes and not response[closes[-1].end():].strip():
            return "nothing after the reasoning block: no final answer"
    return "reasons without a final answer"


@lru_cache(maxsize=65536)
def retraction_at(clause: str) -> tuple[bool, bool]:
    """Return (retracts, hard) for a folded clause: whether it takes an earlier answer back.

    A bare "No" after an answer ("1988? No, 1986.") takes it back too.

    >>> retraction_at("no wait"), retraction_at("but actually paris"), retraction_at("paris")
    ((True, True), (True, False), (False, False))
    """
    if clause.strip(" !") in _BARE_NO:
        return True, True
    if _KEYS_RE.search(clause) is None:
        return False, False
    if _HARD_RE.search(clause):
        return True, True
    return (_SOFT_RE.search(clause) is not None), False


def without_retraction(clause: str) -> str:
    """A folded clause with its retraction cues cut out: what it moves to ("on reflection, paris"
    -> ", paris"; "i take that back: paris" -> ": paris").

    >>> without_retraction("no wait, it's paris").strip(" ,")
    "it's paris"
    """
    return _SOFT_RE.sub(" ", _HARD_RE.sub(" ", clause)) if _KEYS_RE.search(clause) else clause


def is_hard_retraction(clause: str) -> bool:
    """Whether a folded clause says the answer before it was wrong ("that's not right").

    >>> is_hard_retraction("that's not right"), is_hard_retraction("actually")
    (True, False)
    """
    return retraction_at(clause)[1]
