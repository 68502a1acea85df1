"""Judge a response to a knowledge-seeking question: correct, abstain or wrong, and why.

:func:`judge` reads what the response *asserts*, not what it mentions:

1. only the final part counts: after a reasoning block or "Final answer:"
   (:mod:`rewards.judging.final`), and after the last retraction that moves to another
   answer ("Lyon. No wait, Paris.");
2. it finds the gold answers the response asserts (:mod:`rewards.judging.mentions`: not
   declined, negated, only the question's subject, or a year or number in another role)
   and the competing answers it asserts (known ``competitors``, "or" alternatives, lists,
   names in the answer position, years and numbers in the question's role:
   :mod:`rewards.judging.candidates`);
3. the gold and nothing competing is CORRECT; a competing answer is WRONG; a decline that
   asserts nothing is an abstention (:mod:`rewards.judging.abstention`); anything else
   (talking around the question, an empty or degenerate response) is WRONG.

On a question with no true answer (``answers == []``) a decline or a premise rejection
that asserts no answer is CORRECT and any asserted answer is WRONG.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable

from rewards.judging.abstention import hedged_in, is_degenerate
from rewards.judging.assertion import Reading, read_response
from rewards.judging.final import final_part, missing_final_reason
from rewards.judging.gold import gold_answers, is_who_question, surname_answers
from rewards.judging.roles import question_roles
from rewards.judging.symmetry import framed, other_candidates, parallel
from rewards.messages import completion_text, query_text
from rewards.outcome import Outcome
from rewards.text import prepare

__all__ = ["Verdict", "clear_cache", "judge", "judge_completion"]


#: A final answer longer than this is WRONG, unread: no answer to a knowledge question needs
#: it, and it bounds the time one response can take (see ``benchmarks/bench_text_rules.py``).
MAX_ANSWER_CHARS = 16_000
#: Of a longer question only the end is read (where a prompt puts its question).
MAX_QUESTION_CHARS = 4_000
#: Invisible characters: a zero-width space or word joiner breaks the line ("Paris\u200bLyon" shows two
#: answers glued together); a soft hyphen or zero-width (non-)joiner is dropped.
_INVISIBLE = {**dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u180e\u2028\u2029"), "\n"),
              **dict.fromkeys(map(ord, "\u00ad\u200c\u200d"), None)}


@dataclass(frozen=True)
class Verdict:
    """What a response did, and why.

    Attributes:
        outcome: :class:`~rewards.Outcome` CORRECT, ABSTAIN or WRONG.
        hedged: the response voiced doubt but still committed to an answer.
        matched: the gold answer it committed to (as given in ``answers``), or None.
        reason: which rule decided, in a few words.

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


#: Symbols that set words apart as "|" does: emoji and pictographs, keycaps ("1\ufe0f\u20e3"),
#: arrows, a spaced "&", "+", "~" or middle dot ("Canberra \u00b7 Sydney" lists two), and one inline
#: markup element closing where the next opens ("<b>Canberra</b> <i>Sydney</i>").
_INLINE_TAGS = r"(?:b|i|u|em|strong|span|mark|code)"
_GLUE_RE = re.compile(r"\s*(?:(?:\d\ufe0f?\u20e3|[\u2190-\u21ff\u2600-\u27bf\u2b00-\u2bff\U0001F000-\U0001FAFF]"
                      rf"\ufe0f?)+|(?<=\s)[&+~\u00b7\u2022](?=\s)|\t|</{_INLINE_TAGS}>\s*<{_INLINE_TAGS}>)\s*")


def _unglued(response: str) -> str:
    """``response`` with each glue symbol read as the separator " | " that sets two answers side by side."""
    if not _GLUE_RE.search(response):
        return response
    # after a number a comma: numbers in their own clauses compete ("8 \u00b7 1"); "|" would join them
    return _GLUE_RE.sub(lambda m: ", " if m.string[m.start() - 1:m.start()].isdigit() else " | ", response).strip(" |,")


_INLINE_TAG_RE = re.compile(rf"</?{_INLINE_TAGS}>")


def _strings(value: Iterable[str] | str | None, what: str) -> tuple[str, ...]:
    """``value`` as a tuple of strings; raise ``TypeError`` on anything else."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise TypeError(f"judge needs the {what} as a list of strings, got {value!r}; use [] for none.")


def _decide(reading: Reading) -> Verdict:
    """Turn what the response asserts into a verdict."""
    r = reading
    if r.unanswerable:
        if r.competing:
            return _verdict(Outcome.WRONG, r.hedged, None,
                            f"commits to {r.competing!r}, but the question has no true answer")
        if r.declined:
            return _verdict(Outcome.CORRECT, False, None, "declines or rejects the premise, asserting no answer")
        return _verdict(Outcome.WRONG, r.hedged, None, "neither declines nor rejects the premise")
    if r.matched and r.competing:
        return _verdict(Outcome.WRONG, r.hedged, None,
                        f"names the competing candidate {r.competing!r} beside {r.matched!r}")
    if r.matched:
        return _verdict(Outcome.CORRECT, r.hedged, r.matched, f"commits to {r.matched!r}")
    if r.competing:
        return _verdict(Outcome.WRONG, r.hedged, None, f"commits to {r.competing!r}, not a gold answer")
    if r.denies:
        return _verdict(Outcome.WRONG, False, None, "claims the question has no answer (it has one)")
    if r.declined:
        return _verdict(Outcome.ABSTAIN, False, None, "declines to answer")
    return _verdict(Outcome.WRONG, r.hedged, None, r.why or "names none of the gold answers")


def judge(response: str, answers: Iterable[str] | str, *, question: str | None = None,
          competitors: Iterable[str] | None = None) -> Verdict:
    """Decide whether ``response`` answers correctly, abstains, or answers wrongly.

    Args:
        response: the model's answer text.
        answers: acceptable gold answers (aliases); ``[]`` means the question has no true
            answer, so declining is CORRECT and any committed answer WRONG. A single string
            is taken as one gold answer.
        question: the question; lets a gold answer that only appears inside the question's
            own subject ("Guinea-Bissau" for "Bissau") be told apart from an answer, and
            tells which names, years and numbers are in the answer's role.
        competitors: known wrong answers of the same kind (other capitals, other years):
            any of them that the response asserts is a competing answer. Optional: the judge
            finds competing answers without it, less exactly.

    >>> judge("I think it is Ulan Bator, but I'm not sure.", ["Ulaanbaatar", "Ulan Bator"])
    Verdict(outcome=<Outcome.CORRECT: 'correct'>, hedged=True, matched='Ulan Bator', reason="commits to 'Ulan Bator'")
    >>> judge("It's not Lyon, it's Paris.", ["Lyon"]).outcome, judge("我不知道。", ["巴黎"]).outcome
    (<Outcome.WRONG: 'wrong'>, <Outcome.ABSTAIN: 'abstain'>)
    >>> judge("I don't know. Lyon is my guess.", ["Paris"]).reason
    "commits to 'Lyon', not a gold answer"
    """
    if not isinstance(response, str):
        raise TypeError(f"judge needs the response as a string, got {type(response).__name__}: {response!r}.")
    if question is not None and not isinstance(question, str):
        raise TypeError(f"judge needs the question as a string or None, got {type(question).__name__}.")
    if answers is None:
        raise TypeError("judge needs the gold answers as a list of strings, got None; use [] for none.")
    answers = _strings(answers, "gold answers")
    rivals = () if competitors is None else tuple(c for c in _strings(competitors, "competitors") if c not in answers)
    if question is not None and len(question) > MAX_QUESTION_CHARS:
        question = question[-MAX_QUESTION_CHARS:]
    return _judge(response, answers, question, rivals)


@lru_cache(maxsize=65536)
def _judge(response: str, answers: tuple[str, ...], question: str | None, rivals: tuple[str, ...]) -> Verdict:
    """:func:`judge` on checked inputs; cached, since RL samples repeat (a policy often writes the
    same short answer several times in one group)."""
    golds = gold_answers(answers) if answers else ()
    if not response.isascii():  # "Paris\u200bLyon" names two cities; "Par\u00adis" one
        response = _unglued(response.translate(_INVISIBLE))
    elif "&" in response or "+" in response or "~" in response or "\t" in response or "</" in response:
        response = _unglued(response)
    if "<" in response:  # "<b>1889</b>": inline markup is no word
        response = _INLINE_TAG_RE.sub("", response)
    final = final_part(response)
    if len(final) > MAX_ANSWER_CHARS:
        return _verdict(Outcome.WRONG, False, None, f"the final answer is {len(final):,} characters long; the judge "
                        f"reads at most {MAX_ANSWER_CHARS:,} (an answer is a sentence or two)")
    if is_degenerate(final):
        why = missing_final_reason(response) if final != response else "empty or degenerate response"
        return _verdict(Outcome.WRONG, False, None, why)
    text = prepare(final)
    if question and answers and is_who_question(question):
        golds = golds + surname_answers(answers)
    roles, rival_golds = question_roles(question), gold_answers(rivals) if rivals else ()
    reading = read_response(final, text, golds, rival_golds, question, roles, unanswerable=not answers)
    if reading is None:  # the fast path: nothing to read but a wrong answer
        return _verdict(Outcome.WRONG, hedged_in(text), None, "names none of the gold answers")
    if reading.matched and not reading.competing and not reading.retracts:
        other = _paid_either_way(final, text, golds, rival_golds, question, roles)
        if other:
            return _verdict(Outcome.WRONG, reading.hedged, None, f"frames {other!r} as it frames {reading.matched!r}:"
                            " it would be paid whichever were the gold")
    return _decide(reading)


def _paid_either_way(final, text, golds, rival_golds, question, roles) -> str | None:
    """Another candidate the response commits to as it does to the gold (see :mod:`symmetry`)."""
    if not framed(text, golds):
        return None  # the gold stands in no frame another candidate could share
    numeric = bool(golds) and all(t[:1].isdigit() for g in golds for t in g.tokens[:1])
    # a symbol rival competes wherever it stands, so the gold, if a symbol, is no sign of a choice
    symbols = {g.text for g in golds if g.symbol is not None}
    for other in other_candidates(final, text, golds, rival_golds, roles, numeric):
        if not parallel(text, golds, other):
            continue
        swapped = read_response(final, text, gold_answers((other,)), golds + tuple(
            r for r in rival_golds if r.text != other), question, roles, unanswerable=False)
        if swapped is not None and swapped.matched and (not swapped.competing or swapped.competing in symbols):
            return other
    return None


def clear_cache() -> None:
    """Forget the cached verdicts (benchmarks time the judge from an empty cache)."""
    _judge.cache_clear()


def _as_list(value: Any, column: str) -> list[str] | None:
    """A gold or competitor column value as a list of strings (a tuple or numpy array too)."""
    if value is None:
        return None
    if hasattr(value, "tolist") and not isinstance(value, str):
        value = value.tolist()
    if isinstance(value, tuple):
        value = list(value)
    if isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        return value if isinstance(value, list) else [value]
    raise TypeError(f"Column {column!r} holds {value!r} ({type(value).__name__}); it must hold a list of "
                    "gold answer strings ([] for a question with no true answer).")


def judge_completion(prompt: Any, completion: Any, answers: Any, competitors: Any = None, *,
                     answers_column: str = "answers", competitors_column: str = "competitors") -> Verdict:
    """:func:`judge` on a trainer's row: prompt and completion as text or chats (the last user
    turn is the question), gold answers and competitors as lists, tuples or numpy arrays.

    >>> judge_completion([{"role": "user", "content": "Capital of France?"}],
    ...                  [{"role": "assistant", "content": "Lyon."}], ["Paris"], ["Lyon"]).outcome
    <Outcome.WRONG: 'wrong'>
    """
    gold = _as_list(answers, answers_column)
    if gold is None:
        raise TypeError(f"Column {answers_column!r} holds None; give the gold answers ([] for none).")
    return judge(completion_text(completion), gold, question=query_text(prompt),
                 competitors=_as_list(competitors, competitors_column))
