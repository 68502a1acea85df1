"""Read what a response asserts: the gold answer it commits to, a competing answer, a decline.

:func:`read_response` gathers every answer the response offers (gold mentions, known
competitors, "or" alternatives, names, years and numbers in the answer's role, lists),
keeps those after the last retraction, and reports what remains as a :class:`Reading`,
which :func:`rewards.judging.decide.judge` turns into a verdict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rewards.judging.abstention import denies_an_answer, hedged_in
from rewards.judging.candidates import in_answer_position
from rewards.judging.fallbacks import (
    bare_first_sentence,
    bare_last_sentence,
    cjk_offers,
    near_gold,
    offers_answer,
    other_person,
    second_answers,
    sound_key,
)
from rewards.judging.final import retraction_at
from rewards.judging.gold import GoldAnswer
from rewards.judging.grammar import ASCII_DECLINE_KEYS, DECLINE_KEYS, has_any
from rewards.judging.lists import listed_items
from rewards.judging.mentions import Mention, ParsedResponse, asserted_mentions
from rewards.judging.names import asserted_names
from rewards.judging.numbers import ZH_COUNTERS, asserted_numbers, named_numbers, number_in_role
from rewards.judging.places import is_region, region_of_place
from rewards.judging.ranks import merely_mentioned
from rewards.judging.roles import PLEASANTRIES, QuestionRoles
from rewards.judging.scope import BELIEF_RE, SHIFT_RE, answer_scope, former_clauses, retracted_to
from rewards.judging.spreads import spread_only
from rewards.judging.symbols import of_other_subject
from rewards.text import answer_tokens, split_clauses

__all__ = ["Reading", "read_response"]


@dataclass(frozen=True)
class Reading:
    """What a response asserts, after its last retraction.

    Attributes:
        matched: the gold answer it commits to, or None.
        competing: an answer it asserts that is not gold (the first found), or None.
        declined: some clause declines or rejects the premise.
        hedged: it voices doubt (or declines) and still commits to an answer.
        unanswerable: the question has no true answer.
        why: why no gold answer counted, when none did.
        denies: some clause claims the question has no answer (a premise rejection, "the
            author is unknown").
        retracts: some clause takes an answer back ("no wait", "actually").
    """

    matched: str | None
    competing: str | None
    declined: bool
    hedged: bool
    unanswerable: bool
    why: str = ""
    denies: bool = False
    retracts: bool = False


def _may_name(text: str, golds: tuple[GoldAnswer, ...]) -> bool:
    """Whether some gold answer (or a one-letter variant or another transliteration of it) may
    occur in ``text``."""
    for g in golds:
        if not g.key or g.key in text or (len(g.key) >= 6 and (g.key[:4] in text or g.key[-4:] in text)):
            return True
    keys = [sound_key(g.key) for g in golds if len(g.key) >= 6]
    if keys:
        sounded = sound_key(text)
        return any(k[:4] in sounded or k[-4:] in sounded for k in keys)
    return False


#: Words that make the answers on either side one and the same ("Everest, also known as K2").
_ALIAS_GAPS = frozenset({("also", "known", "as"), ("known", "as"), ("better", "known", "as"), ("aka",),
                         ("otherwise", "known", "as"), ("commonly", "known", "as"), ("also", "called"),
                         ("sometimes", "called"), ("also", "named"), ("a", "k", "a"), ("i", "e"), ("that", "is"),
                         ("也称",), ("又称",), ("也叫",), ("又名",), ("即",), ("也就是",)})


#: Words that join two answers; at the end of a sentence they list both ("首都是上海和北京。").
_JOINS = frozenset({("and",), ("or",), ("和",), ("与",), ("或",), ("或者",), ("及",), ("跟",)})


def _beside(m: Mention, spans: set[tuple[int, int, int]], p: ParsedResponse) -> bool:
    """Whether a known competitor stands right beside an asserted gold mention in its sentence, with
    no word between ("Basel Bern", "iron nickel"), only words that equate the two ("Mount Everest,
    also known as K2"), or a join at the sentence's end ("上海和北京。"): two answers given as one."""
    if m.start < 0:
        return False
    for s, e, c in spans:
        if s < m.end and m.start < e:
            continue  # inside the gold ("Virginia" in "West Virginia")
        gap = tuple(p.tokens[m.end:s]) if m.end <= s else tuple(p.tokens[e:m.start])
        last = max(e, m.end)
        if (c == m.clause or 0 < len(gap) <= 3) and (not gap or gap in _ALIAS_GAPS or (
                gap in _JOINS and c == m.clause and last == p.clause_span(m.start)[1])):
            return True
    return False


_NOT_CENTURY_RE = re.compile(r"\d+(?!\d)(?!(?:st|nd|rd|th)?\s*(?:century|centuries|世))")


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


#: Words a year or number may carry in a gold answer ("208 AD", "公元208年") that leave it a number.
_ERA_WORDS = frozenset({"ad", "ce", "年", "公", "元", "year", "c", "circa"})


def _number_of(g: GoldAnswer) -> str | None:
    """The number a gold answer is ("208" for "208", "208 AD", "公元208年"; "206" for "206块"; "2000" for the
    decade "2000s"), or None."""
    digits = [t for t in g.tokens if t[:1].isdigit()]
    decade = g.tokens[-1:] == ("s",) and digits[:1] != [] and digits[0].endswith("0")
    if len(digits) == 1 and all(t in _ERA_WORDS or t in ZH_COUNTERS or t[:1].isdigit() or decade for t in g.tokens):
        return digits[0]
    return None


def _numeric(golds: tuple[GoldAnswer, ...]) -> bool:
    """Whether every gold answer is a number (a year, a count), so numbers in its role compete."""
    known = _NUMERIC.get(id(golds))  # the same gold tuple comes back for every response to a question
    if known is not None and known[0] is golds:
        return known[1]
    if len(_NUMERIC) >= 4096:
        _NUMERIC.clear()
    numeric = bool(golds) and all(_number_of(g) for g in golds if g.tokens)
    _NUMERIC[id(golds)] = (golds, numeric)  # the tuple is kept, so its id is not reused while it is here
    return numeric


_NUMERIC: dict[int, tuple[tuple[GoldAnswer, ...], bool]] = {}


def _candidates(p, golds, rivals, question, roles, unanswerable, shifted):
    """(gold mentions, [(competing answer, clause)], why)."""
    numeric = _numeric(golds)
    found, why = asserted_mentions(p, golds, question) if golds else ([], "")
    if numeric:
        found = [m for m in found if m.start < 0 or number_in_role(p, m.start, m.end, roles)]
        if spread_only(p.text, {_number_of(g) for g in golds if g.tokens}):  # "1912 ± 3": a range, no answer
            found, why = [], f"gives {golds[0].text!r} only as the middle of a range"
    # "Canberra comes up a lot": talked about, not given as the answer
    found = [m for m in found if m.start < 0 or not merely_mentioned(p.tokens[m.end:p.clause_span(m.start)[1]])]
    gold_words = frozenset(t for g in golds for t in g.tokens)
    spans = {(m.start, m.end, m.clause) for m in found if m.start >= 0}
    competing = [(m.text, m.clause) for m in asserted_mentions(p, rivals, question)[0] if (
        m.start < 0 and not of_other_subject(p.response, m.text, roles.tokens)) or (
        number_in_role(p, m.start, m.end, roles) if numeric else in_answer_position(p, m.start, m.end, roles))
        or _beside(m, spans, p)]
    if numeric and competing and (named := named_numbers(p.text)):
        competing = [(t, c) for t, c in competing if t not in named]  # "carbon-12"
    kept = []
    for m in found:
        other = other_person(p, m, golds)
        if other:
            competing.append((other, m.clause))
        else:
            kept.append(m)
    competing += [(m.alternative, m.clause) for m in kept if m.alternative]
    if unanswerable or any(not g.text.isascii() for g in golds):
        competing += cjk_offers(p, golds, roles)
    answered = {c for _, c in competing} | {m.clause for m in kept}
    for k, clause in enumerate(p.clauses if shifted else ()):
        if k not in answered and (retraction_at(clause)[0] or (k > 0 and BELIEF_RE.search(p.clauses[k - 1]))):
            moved = retracted_to(p, k, golds, roles)
            if moved:
                competing.append((moved, k))
    competing += second_answers(p, kept, golds, roles)
    bare = bare_first_sentence(p, golds, roles) if kept and len(p.clauses) > 1 else None
    if bare and (not numeric or any(ch.isdigit() for ch in bare[0])):  # a year asked: a name is no rival
        competing.append(bare)
    last = bare_last_sentence(p, golds, roles) if len(p.clauses) > 1 else None
    if last and (not numeric or any(ch.isdigit() for ch in last[0])):
        competing.append(last)
    if numeric or (unanswerable and (roles.asks_year or roles.counted or not roles.tokens)):
        spans = {i for m in kept if m.start >= 0 for i in range(m.start, m.end)}
        years = numeric and all(3 <= len(_number_of(g)) <= 4 for g in golds if g.tokens) and (
            roles.asks_year or not roles.tokens)
        decades = {g.tokens[0][:3] for g in golds if g.tokens[-1:] == ("s",) and len(g.tokens[0]) == 4}
        competing += [(n, c) for n, c in asserted_numbers(p, roles, spans, years_only=years, objects=unanswerable)
                      if not (len(n) == 4 and n[:3] in decades) and not (why and n in gold_words)]  # 2008: 2000s
    if not numeric:
        regions = bool(golds) and not any(is_region(g.tokens) for g in golds)  # "Paris, France": where it lies
        for name, clause in asserted_names(p, roles, gold_words, lenient=unanswerable, regions=regions,
                                             aliases=bool(rivals)):
            near = None if unanswerable else near_gold(name, golds)
            if near is not None:  # the gold spelled or spaced otherwise ("Qin Shi Huang Di"): no rival
                if not kept:
                    kept.append(Mention(near.text, -1, -1, clause))
            elif not _subject_of_gold(p.clauses[clause], name, golds):
                competing.append((name, clause))
    return kept, competing, why


def _subject_of_gold(clause: str, name: str, golds: tuple[GoldAnswer, ...]) -> bool:
    """Whether ``name`` is the subject the clause says is the gold ("Farsi is an Indo-European
    language" for "Is Persian Indo-European or Semitic?"): another name of the question's subject."""
    head = re.match(rf"(?:the\s+)?{re.escape(name.lower())}\s+(?:is|was|are)\s+(?:(?:a|an|the)\s+)?(.*)", clause)
    return head is not None and any(g.pattern in " " + " ".join(answer_tokens(head.group(1))[:len(g.tokens)]) + " "
                                    for g in golds if g.tokens)


def _cut_off(final: str) -> bool:
    """Whether the response stops mid-sentence (a generation cut at its token limit)."""
    return not final.rstrip().endswith((".", "!", "?", "。", "！", "？", ")", '"', "'", "”", "」"))


def _begins_gold(name: str, golds: tuple[GoldAnswer, ...]) -> bool:
    """Whether ``name`` ends on the cut-off start of a gold answer ("held in 189" for 1896, "H 2 O" for H2O2)."""
    tokens = answer_tokens(name)
    keys = ["".join(g.tokens) for g in golds if g.tokens]
    for k in range(1, min(3, len(tokens)) + 1):
        tail = "".join(tokens[-k:])
        if any(len(tail) < len(key) and key.startswith(tail) for key in keys):
            return True
    return False


#: Words that are no list item: interjections and retraction words ("Hmm, no, Paris").
_NOT_ITEMS = PLEASANTRIES | frozenset("no nope yes yeah wait actually sorry oops well so ok okay hmm um er".split()) | {
    "嗯", "哦", "啊", "不"}


def _listed(final: str, golds: tuple[GoldAnswer, ...], roles: QuestionRoles) -> str | None:
    """A non-gold item of a list that also holds a gold answer ("Sydney, Canberra, Perth.")."""
    patterns = [g.pattern for g in golds if g.tokens]
    regions = not any(is_region(g.tokens) for g in golds)
    for items in listed_items(final):
        tokens = [" " + " ".join(answer_tokens(i)) + " " for i in items]
        turns = [n for n, t in enumerate(tokens) if t.split() and set(t.split()) <= _NOT_ITEMS]
        if turns:  # "里昂，嗯，巴黎。", "Lyon, hmm, Paris": what comes before a hesitation is taken back
            items, tokens = items[turns[-1] + 1:], tokens[turns[-1] + 1:]
        has_gold = any(t == pat for t in tokens for pat in patterns)
        # "Lyon. Hmm, no, Paris.": no list; "San Francisco, California, USA": a place and its regions
        others = [i for i, t in zip(items, tokens) if t not in patterns and not set(t.split()) <= roles.tokens
                  and not set(t.split()) <= _NOT_ITEMS and not (regions and region_of_place(t.split(), roles.tokens))]
        if has_gold and others:
            return others[0]
    return None


def read_response(final: str, text: str, golds: tuple[GoldAnswer, ...], rivals: tuple[GoldAnswer, ...],
                  question: str | None, roles: QuestionRoles, *, unanswerable: bool) -> Reading | None:
    """What ``final`` (the response's final part; ``text`` is it prepared) asserts.

    Returns None when nothing needs reading: no gold answer can occur and nothing declines,
    so the response is wrong whatever else it says.
    """
    may_name = unanswerable or _may_name(text, golds)
    if not may_name and not has_any(text, DECLINE_KEYS, ASCII_DECLINE_KEYS):
        return None
    p = ParsedResponse(final, text, split_clauses(text))
    if not p.clauses or (not may_name and not any(p.declines(k) for k in range(len(p.clauses)))):
        return None  # no gold answer and no decline: wrong whatever else it says
    shifted = SHIFT_RE.search(p.text) is not None  # any retraction, belief or contrast cue at all
    found, competing, why = _candidates(p, golds, rivals, question, roles, unanswerable, shifted)
    listed = _listed(final, golds, roles) if found else None
    if listed:
        competing.append((listed, 0))
    if found and competing and _cut_off(final):
        competing = [(name, c) for name, c in competing if not _begins_gold(name, golds)]
    start, retracted = answer_scope(p, {m.clause for m in found} | {c for _, c in competing}, shifted=shifted)
    found = [m for m in found if m.clause >= start]
    if (found or competing) and shifted:  # a former answer the next clause replaces is not asserted
        former = former_clauses(p)
        found = [m for m in found if m.clause not in former]
        competing = [(name, c) for name, c in competing if c not in former]
    competing = [(name, c) for name, c in competing if c >= start or (name == listed and found)]
    declined = any(p.declines(k) for k in range(start, len(p.clauses)))
    if not found and not competing and (declined or unanswerable):
        offers = (offers_answer(p, k, roles, vague=unanswerable) for k in range(start, len(p.clauses))
                  if not p.declines(k))
        numeric = _numeric(golds)
        # a number asked: only an offer with a number answers it ("Mandarin. I don't know." declines); a
        # year asked: not one whose numbers are all centuries ("it was invented in the 19th century")
        competing = [(o, 0) for o in offers if o and (not numeric or _has_digit(o)) and not (
            roles.asks_year and _has_digit(o) and not _NOT_CENTURY_RE.search(o))]
    scope_text = " ".join(p.clauses[start:])
    # doubt voiced before the answer's scope still hedges it ("I'm not completely sure, but it's X")
    hedged = bool(found or competing) and (declined or hedged_in(scope_text) or any(map(p.declines, range(start))))
    if retracted and not found and not competing:
        why = "takes its answer back"
    denies = declined and any(denies_an_answer(p.clauses[k]) for k in range(start, len(p.clauses)))
    retracts = shifted and any(retraction_at(c)[0] for c in p.clauses)  # every cue is a SHIFT_RE key
    return Reading(found[0].text if found else None, competing[0][0] if competing else None, declined, hedged,
                   unanswerable, why, denies, retracts)
