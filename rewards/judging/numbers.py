"""Numbers and years a response gives in the question's role, not another event's or noun's.

"He was born in 1809 and died in 1865" gives 1865 for "When did Lincoln die?"; "A spider has
eight legs, unlike insects, which have six" gives eight for "How many legs ..."; "its atomic
mass is 16" measures something else than the atomic number asked.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rewards.judging.mentions import ParsedResponse, is_negated
from rewards.judging.ranks import alternative_offered
from rewards.judging.roles import FUNCTION_WORDS, HAN_RE, QuestionRoles, event_of, is_known_event, stem
from rewards.judging.spreads import life_role
from rewards.judging.words import COPULAS, CUE_WORDS, PREPOSITIONS
from rewards.judging.words import UNITS as _UNITS

__all__ = ["ZH_COUNTERS", "asserted_numbers", "number_in_role"]

_MONTH_NAMES = frozenset(
    "january february march april may june july august september october november december".split())
_MONTHS = _MONTH_NAMES | frozenset("jan feb mar apr jun jul aug sep sept oct nov dec".split())
_ROLE_FILLER = CUE_WORDS | COPULAS | PREPOSITIONS | _MONTHS | frozenset(
    "has have had about around approximately roughly nearly almost exactly only just total and its their his her "
    "he she they which who that this these there some no not 是 为 有 约 大约 ad bc ce bce year years "
    "than other anything something else exactly precisely been being can cant could would will must have "
    "was were do does did it total number answer value figure count equally plausible fits candidate option "
    "alternative strong another too as given quoted cited listed reported mentioned recall remember mind bell rings "
    "comes springs what".split())
#: Words that place a date within its year ("in late 1689", "the summer of 1689"): no other noun.
_TIME_WORDS = frozenset("late early mid middle end beginning spring summer autumn fall winter hours night evening "
                        "morning afternoon dawn dusk midnight noon day".split())
_NUMBER_FILLER = _MONTH_NAMES | frozenset(
    "vs versus about around approximately roughly nearly almost exactly only just some over under ad bc ce bce "
    "circa ca 约 大约".split()) | _TIME_WORDS
_REFERENCES = frozenset("page pages chapter section verse line figure table volume edition footnote item step".split())


def number_in_role(p: ParsedResponse, s: int, e: int, roles: QuestionRoles, *, objects: bool = False) -> bool:
    """Whether the number at [s, e) answers the question's role (not another event or noun).

    ``objects``: also read the event verb's object ("he conquered Egypt in 1798" does not date the
    conquest of China). Off by default: an answer may name the question's object in other words
    ("reached the Caribbean in 1492" for "reach the Americas").

    A number put up as one more guess ("with 23 a close second", "1912, unless I'm thinking of
    1911") is in the role.

    >>> from rewards.judging.roles import question_roles
    >>> from rewards.text import prepare, split_clauses
    >>> text = prepare("He was born in 1809 and died in 1865.")
    >>> p = ParsedResponse(text, text, split_clauses(text))
    >>> roles = question_roles("When did Lincoln die?")
    >>> number_in_role(p, 4, 5, roles), number_in_role(p, 8, 9, roles)
    (False, True)
    """
    lo, hi = p.clause_span(s)
    if not roles.tokens or p.tokens[e:e + 2] == ["close", "2"] or alternative_offered(p.tokens[lo:s]):  # one more guess
        return True
    if _compares(p, p.clause_of[s]) or _other_subject(p, lo, s, roles):
        return False
    if _marked_elsewhere(p, s, e, lo, roles):
        return False
    units = [_DEGREES.get(t, t) for t in p.tokens[e:min(hi, e + 3)] if t in _UNITS or t == p.tokens[e] in _DEGREES]
    if units and units[0] not in roles.tokens and _UNITS & roles.tokens:
        return False  # "100 degrees Celsius, which is 212 degrees Fahrenheit": another unit
    if roles.asks_year and e < hi and p.tokens[e] in ("year", "years", "yr", "yrs", "century", "centuries", "世"):
        return False  # "a 192 year discrepancy": a duration, not a year; "the 19th century", "19世纪": a century
    before = [t for t in p.tokens[max(lo, s - 6):s] if not t[:1].isdigit()]
    if roles.event:
        # "at the end of 1689", "the beginning of 1914": a time within the year, no other event
        for t in reversed(_without_times(before)):
            event = event_of(t)
            if event:  # an event other than the question's puts the number in another role
                same = event == roles.event or stem(t) in roles.predicate or (
                    not is_known_event(roles.event) and event not in _LIFE_EVENTS)  # "died in 1506" for "reach"
                verb = max(i for i in range(lo, s) if p.tokens[i] == t)
                # the same verb, another object ("conquered Egypt" for China) or named subject ("Beethoven died")
                return same and not (objects and _other_object(p, verb, s, roles)) and not _named_other(
                    p, lo, verb, roles)
        # "In 1492, Columbus was born": an opening "in <year>" clause dates the next one
        opening = e == hi and hi - lo == 2 and p.tokens[lo] == "in"
        # only a year that opens its clause dates the verb after it ("1776 was ...", "In 1492, X was born")
        end = min(len(p.tokens), e + 6) if opening else min(hi, e + 6) if s == lo else e
        for t in p.tokens[e:end]:
            event = event_of(t) or (stem(t) if t.endswith("ed") and len(t) > 4 and t not in _NOT_EVENTS else None)
            if event and (is_known_event(event) or opening):  # "In 1492, Columbus was born"; "In 1564, he moved"
                return event == roles.event or stem(t) in roles.predicate
    if roles.asks_year and (life := life_role(p.text, p.tokens[s], roles.tokens, roles.event)) is not None:
        return life  # someone else's life dates ("to Mary Newton (1634-1700)"), or the subject's own ("(1564-1616)")
    if roles.counted and e < hi:
        nxt = p.tokens[e]
        if not nxt.isascii() and roles.counted.isascii():
            pass  # "六条边" for "How many sides ...": a Chinese classifier, not another noun
        elif nxt.isalpha() and nxt not in _ROLE_FILLER and stem(nxt) != roles.counted:
            return False
    # "its atomic mass is (about) 16": the noun before the copula names what the number measures
    rest = list(before)
    while rest and rest[-1] in _NUMBER_FILLER:
        rest.pop()
    copula = len(rest) >= 2 and rest[-1] in COPULAS | {"of"}
    noun = rest[-2] if copula else rest[-1] if rest and (roles.asks_year or rest[-1] in _REFERENCES) else ""
    noun = "" if noun in _TIME_WORDS else noun
    modifier = rest[-3] if copula and len(rest) >= 3 else ""
    if noun in roles.tokens and modifier.isalpha() and modifier.isascii() and modifier not in _ROLE_FILLER \
            and modifier not in roles.tokens and event_of(modifier) is None:
        return False  # "a mass number of 12" when the atomic number is asked
    if noun.isascii() and noun.isalpha() and noun not in _ROLE_FILLER and event_of(noun) is None:
        return _names_asked(noun, roles)
    after = p.tokens[e:hi]
    if after[:1] and after[0] in COPULAS:  # "(12 is its mass number)"
        nouns = [t for t in after[1:] if t.isascii() and t.isalpha() and t not in _ROLE_FILLER]
        # "1912 is the usual answer": offered as the answer, whatever the adjective
        return not nouns or any(_names_asked(t, roles) for t in nouns) or "answer" in after
    return True


def _named_other(p: ParsedResponse, lo: int, verb: int, roles: QuestionRoles) -> bool:
    """Whether the subject right before an event's verb is a proper name none of whose words is the
    question's ("Beethoven died in 1827", "by comparison Haydn died in 1809" when Mozart's is asked)."""
    name = []
    for t in reversed(p.tokens[lo:verb]):
        if not (t.isalpha() and t.isascii() and re.search(rf"\b{t.capitalize()}\b", p.response)):
            break
        name.append(t)
    return bool(name) and roles.tokens.isdisjoint(name) and not set(name) <= _ROLE_FILLER


def _without_times(before: list[str]) -> list[str]:
    """The words before a year without the times within it they end on ("at the end of the summer of")."""
    while before[-1:] == ["of"] and before[-2:-1] and before[-2] in _TIME_WORDS:
        before = before[:-2]
    return before


def _marked_elsewhere(p: ParsedResponse, s: int, e: int, lo: int, roles: QuestionRoles) -> bool:
    """Whether words right at the number put it in another role: "1961年第一次进入太空，1969年第一次
    登月" (1961 dates another event), "1989年的莱比锡游行" (a year of another noun), "the last two"
    (a part, not the count)."""
    return ((roles.zh_key != "" and p.tokens[s] in _zh_elsewhere(p.text, roles.zh_key))
            or p.tokens[e:e + 2] == ["年", "的"] or (s > lo and p.tokens[s - 1] in _SUBSET_WORDS))


_OBJECT_FILLER = frozenset("them him her it this that these those one place part".split())


def _other_object(p: ParsedResponse, verb: int, s: int, roles: QuestionRoles) -> bool:
    """Whether the event's verb at ``verb`` has a direct object before the number at ``s`` that is
    none of the question's words ("conquered Egypt in 1798" when China is asked)."""
    words = []
    for t in p.tokens[verb + 1:s]:
        if t in PREPOSITIONS:
            break
        words.append(t)
    content = [t for t in words if t.isalpha() and t not in _ROLE_FILLER and t not in _OBJECT_FILLER]
    return bool(content) and not any(t in roles.tokens or stem(t) in roles.stems for t in content)


_COMPARE_RE = re.compile(r"^(?:unlike|compared\s+(?:to|with)|whereas|as\s+opposed\s+to|in\s+contrast\s+to|"
                         r"while)\b|^(?:than|与|和)\b")
_VIEW_RE = re.compile(r"(?:while|whereas)\s+(?:\w+\s+){0,2}(?:believe|think|say|claim|argue|suggest|guess)")
_BY_COMPARISON_RE = re.compile(r"^(?:by|in)\s+(?:comparison|contrast)\b|^(?:相比之下|相比|对比之下)")
_SUBJECT_VERBS = frozenset("is was are were has have had gets got contains includes holds making makes accounting "
                           "accounts forming forms".split())
_NOT_EVENTS = frozenset("based named called used known located situated considered regarded".split())


_ZH_NUMBER_RE = re.compile(r"(?<![\d.])\d{2,}(?:\.\d+)?")  # not 1: "第一次", "一般" read as 1
_ZH_BREAK_RE = re.compile(r"[,;!?，。；！？、()（）]|\.(?!\d)")


@lru_cache(maxsize=4096)
def _zh_elsewhere(text: str, key: str) -> frozenset[str]:
    """The numbers of ``text`` whose own words (from the previous number or mark to the next) lack
    the question's key (:attr:`QuestionRoles.zh_key`), when another number's words hold it: those
    date another event or measure another subject ("一英里约1609米，一海里是1852米")."""
    tail, _, verb = key.rpartition("|")
    own, others = {}, set()
    for part in _ZH_BREAK_RE.split(text):
        numbers = list(_ZH_NUMBER_RE.finditer(part))
        for k, m in enumerate(numbers):
            words = part[numbers[k - 1].end() if k else 0:numbers[k + 1].start() if k + 1 < len(numbers) else len(part)]
            # "中华民国成立于1912年" for the People's Republic: the verb with another named subject
            other = bool(tail) and verb in words and tail not in words and len(
                HAN_RE.findall(words[:words.index(verb)])) >= 2
            own.setdefault(m.group(), []).append(verb in words and not other)
            if other:
                others.add(m.group())
    if not any(any(marks) for marks in own.values()):
        return frozenset(others)
    return frozenset(number for number, marks in own.items() if not any(marks)) | others


_LIFE_EVENTS = frozenset({"born", "die"})
#: Classifiers and units a Chinese count stands before ("一颗", "一座", "一米").
ZH_COUNTERS = frozenset("个颗只条本位名座张块次年月日天种件部根首头匹辆架艘台"
                        "枚层岁米克度分秒周倍对双人家所门项场届粒片节升吨里尺寸斤亿万千百十")
_SUBSET_WORDS = frozenset("last first other remaining final".split())
_OTHER_SUBSET = frozenset("older earlier early old ancient vintage antique".split())
_MODALS = frozenset("can may could will would usually often typically normally".split())


def _compares(p: ParsedResponse, k: int) -> bool:
    """Whether clause ``k`` (or the clause it continues) sets another thing beside the answer:
    "unlike insects, which have six" ("while others believe 23" reports another view: no comparison)."""
    return (_COMPARE_RE.match(p.clauses[k]) is not None and _VIEW_RE.match(p.clauses[k]) is None) or (
        k > 0 and p.clauses[k].startswith(("which ", "who ")) and _COMPARE_RE.match(p.clauses[k - 1]) is not None) or (
        k > 0 and _BY_COMPARISON_RE.match(p.clauses[k - 1]) is not None)  # "Insects, by comparison, have 6"


def _relative_to_other(p: ParsedResponse, k: int, roles: QuestionRoles) -> bool:
    """Whether clause ``k`` is a relative clause about another named thing than the question's subject:
    "..., replacing the League of Nations, which had been established in 1920" for the UN's founding."""
    if k == 0 or not p.clauses[k].startswith(("which ", "who ")) or not roles.tokens:
        return False
    before = [t for t in p.clause_tokens(k - 1)[-3:] if t not in FUNCTION_WORDS and not t[:1].isdigit()]
    return any(t not in roles.tokens and stem(t) not in roles.stems and t not in CUE_WORDS for t in before)


def _other_subject(p: ParsedResponse, lo: int, s: int, roles: QuestionRoles) -> bool:
    """Whether the clause gives its number to another subject than the question's: "(and) a baby
    is born with about 270" for "How many bones are in the adult human body?"."""
    i = lo + (p.tokens[lo] in ("and", "but", "while", "whereas", "with") if lo < s else 0)
    if i + 2 < s and p.tokens[i] in roles.tokens and p.tokens[i + 1].isdigit() and p.tokens[i + 1] not in roles.tokens:
        return True  # "Apollo 13 flew in 1970" for Apollo 11: another numbered subject
    subset = False
    while i + 2 < s and (p.tokens[i] in _OTHER_SUBSET or p.tokens[i] in ("many", "some", "most")):
        i, subset = i + 1, subset or p.tokens[i] in _OTHER_SUBSET  # "many older pianos had 85": another kind
    verb = i + 1 + (i + 2 < s and p.tokens[i + 1] in _MODALS)  # "a roster can have up to 12"
    if verb >= s or p.tokens[verb] not in _SUBJECT_VERBS:
        return False
    noun = p.tokens[i]
    if subset:
        return noun in roles.tokens or stem(noun) in roles.stems or stem(noun) == roles.counted
    return (noun.isascii() and noun.isalpha() and noun not in _ROLE_FILLER and noun not in roles.tokens
            and stem(noun) not in roles.stems and stem(noun) not in roles.predicate and event_of(noun) is None
            and (roles.counted is not None or "percentage" in roles.tokens) and stem(noun) != roles.counted)


def _names_asked(word: str, roles: QuestionRoles) -> bool:
    return word in roles.tokens or stem(word) in roles.predicate or stem(word) in roles.stems


#: An ordinal word and the digits it is read as: "first" becomes "1" ("it was first awarded in 1901").
_ORDINALS = {str(n): (re.compile(rf"\b{word}\b"), re.compile(rf"(?<!\d){n}(?!\d)")) for n, word in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth".split(), start=1)}


def asserted_numbers(p: ParsedResponse, roles: QuestionRoles, gold_spans: set[int], *,
                     years_only: bool, objects: bool = False) -> list[tuple[str, int]]:
    """``[(number, clause)]`` for the numbers the response gives in the question's role."""
    found = []
    named = named_numbers(p.text)  # "carbon-12", "COVID-19": names
    for i, tok in enumerate(p.tokens):
        if i in gold_spans or not tok[:1].isdigit() or tok in roles.tokens or tok in named:
            continue
        if years_only and not (3 <= len(tok) <= 4 and tok.isdigit()):
            continue
        if tok == "1" and i + 1 < len(p.tokens) and not p.tokens[i + 1].isascii() \
                and p.tokens[i + 1] not in ZH_COUNTERS:
            continue  # "值得一提", "一般", "统一": 一 inside a word, not a count
        if tok.isdigit() and int(tok) <= 10 and i + 1 < len(p.tokens) and p.tokens[i + 1][:1].isdigit() \
                and p.clause_of[i + 1] == p.clause_of[i]:
            continue  # "the first 5 stripes": an ordinal before the count
        if roles.asks_year and tok.isdigit() and int(tok) <= 31 and not _MONTHS.isdisjoint(
                p.tokens[max(0, i - 1):i] + p.tokens[i + 1:i + 2]):
            continue  # "on 19 August AD 14": the day of a date, not its year
        word, digits = _ORDINALS.get(tok, (None, None))
        if word and word.search(p.clauses[p.clause_of[i]]) and not digits.search(p.clauses[p.clause_of[i]]):
            continue  # "it was first awarded in 1901": an ordinal word read as a number, not a count
        word, digits = _ORDINALS.get(p.tokens[i - 1], (None, None)) if i else (None, None)
        if word and word.search(p.clauses[p.clause_of[i]]) and not digits.search(p.clauses[p.clause_of[i]]):
            continue  # "the first 5 stripes": a part of the count, after an ordinal word
        if p.declines(p.clause_of[i]) or is_negated(p, i, i + 1) or not number_in_role(
                p, i, i + 1, roles, objects=objects) or _relative_to_other(p, p.clause_of[i], roles):
            continue
        found.append((tok, p.clause_of[i]))
    return found


def named_numbers(text: str) -> set[str]:
    """The numbers ``text`` joins to a word by a hyphen ("carbon-12", "COVID-19"): parts of names."""
    return set(_NAMED_NUMBER_RE.findall(text)) if "-" in text else set()


_DEGREES = {"c": "celsius", "f": "fahrenheit", "k": "kelvin"}  # "212 °F" is 212 degrees Fahrenheit
_NAMED_NUMBER_RE = re.compile(r"(?<![\w-])(?!(?:mid|pre|post|early|late)-)[^\W\d_]+-(\d+)(?![\d.,]\d|\w)")
