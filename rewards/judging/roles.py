"""What the question asks for, in words a response can be checked against.

- its *predicate*: the content words that say what is asked ("capital", "wrote", "painted");
  a name standing next to one of them in a response is offered as the answer;
- its *event* for a year ("born", "died", "signed"): a year a response attaches to another
  event ("born in 1809" for a death-year question) is in another role;
- its *counted noun* for "how many" ("legs"): a number counting something else is in
  another role.

>>> q = question_roles("When did Abraham Lincoln die?")
>>> q.event, sorted(q.predicate)
('die', ['die'])
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rewards.text import answer_tokens, prepare

__all__ = ["FUNCTION_WORDS", "HAN_RE", "RELATION_NOUNS", "QuestionRoles", "eponym", "event_of", "is_known_event",
           "possessor", "question_roles", "stem"]

_FUNCTION = frozenset(
    """what which who whom whose when where why how is was are were be been being do does did has have had
    the a an of in on at to for by with from about as into than that this these those it its their his her
    and or name tell me give please year many much number s 的 是 什 么 哪 谁 几 多少 年""".split()
)
_IRREGULAR = {
    "wrote": "writ", "written": "writ", "write": "writ", "writer": "writ", "author": "writ", "authored": "writ",
    "built": "build", "born": "born", "birth": "born", "died": "die", "death": "die", "dead": "die",
    "passed": "die", "began": "start", "begun": "start", "begin": "start", "started": "start",
    "fell": "end", "fall": "end", "ended": "end", "end": "end", "won": "win", "win": "win", "drew": "draw",
    "complete": "build", "finish": "build",
    "founded": "found", "founder": "found", "established": "found", "formed": "found", "created": "found",
    "discovery": "discover", "invention": "invent", "inventor": "invent", "publication": "publish",
    "released": "publish", "release": "publish", "completed": "build", "finished": "build", "constructed": "build",
    "opened": "build", "sank": "sink", "sunk": "sink", "became": "become", "gave": "give",
    "came": "come", "made": "make", "led": "lead", "ran": "run", "sang": "sing", "sung": "sing",
    "happened": "occur", "happen": "occur", "happens": "occur", "occurred": "occur", "occur": "occur",
    "took": "occur", "take": "occur", "fought": "occur", "struck": "occur", "collapsed": "end",
    "collapse": "end", "demolished": "end", "dissolved": "end", "dissolve": "end", "killed": "die",
    "assassinated": "die", "murdered": "die", "erected": "build", "launched": "start", "until": "end", "till": "end",
}
_SUFFIXES = ("ings", "ing", "ers", "er", "ors", "or", "ed", "es", "s", "ation")
#: Words that say when something happened to a subject (a year is attached to the nearest one).
_EVENT_STEMS = frozenset(
    "born die start end win found discover invent publish build sign writ paint compos direct elect crown marri "
    "join leav retir launch land sink take become declar abolish introduc ratifi assassin captur conquer "
    "liberat independ record premier open close award receiv graduat occur".split()
)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude stem for comparing word forms: "painted", "painter", "painting" -> "paint".

    >>> stem("painted"), stem("wrote"), stem("legs")
    ('paint', 'writ', 'leg')
    """
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word[:6]


#: Nouns that put a person in another role than the answer's ("Picasso's friend", "his assistant, Boris").
RELATION_NOUNS = frozenset("""friend husband wife son daughter brother sister father mother parent child children
    student
    pupil teacher mentor rival contemporary colleague assistant partner apprentice successor predecessor nephew niece
    cousin uncle aunt grandson granddaughter grandfather grandmother widow widower biographer secretary protege
    collaborator spouse fiance patron neighbour neighbor twin""".split())


def is_known_event(event: str) -> bool:
    """Whether ``event`` is one of the events this module knows by name (born, died, founded ...).

    >>> is_known_event("born"), is_known_event("fought")
    (True, False)
    """
    return event in _EVENT_STEMS


def event_of(word: str) -> str | None:
    """The event a word names, or None: "born" -> "born", "signed" -> "sign", "Paris" -> None.

    >>> event_of("signed"), event_of("death"), event_of("city")
    ('sign', 'die', None)
    """
    s = stem(word)
    if s in _EVENT_STEMS:
        return s
    return s if word.endswith("ed") and len(word) > 5 and not word.endswith("eed") else None


@dataclass(frozen=True)
class QuestionRoles:
    """The question's predicate stems, its event (or None), its counted noun's stem (or None)
    and the set of its normalized tokens."""

    predicate: frozenset[str]
    event: str | None
    counted: str | None
    tokens: frozenset[str]
    asks_year: bool
    stems: frozenset[str] = frozenset()
    place_words: frozenset[str] = frozenset()
    """Prepositions that open or close the question ("Which country is Kyoto in?", "In which
    country ...") or stand before its "which" ("moons of which planet?"): a name after one of
    them in a response stands where the answer does."""
    zh_key: str = ""
    """The two characters that tie a Chinese question's number to it: the verb a year question
    dates ("登月" in "人类第一次登月是在哪一年？"), the subject a quantity question measures ("海里"
    in "一海里等于多少米？"); or ""."""


#: One Chinese character (the basic block).
HAN_RE = re.compile(r"[\u4e00-\u9fff]")
_ZH_WHEN = r"(?:哪一年|哪年|何年|什么时候|几几年)"
_ZH_VERB_AFTER_RE = re.compile(_ZH_WHEN + r"([\u4e00-\u9fff]{2})")
_ZH_VERB_BEFORE_RE = re.compile(r"([\u4e00-\u9fff]{2})是?(?:在|于)?" + _ZH_WHEN)
_ZH_SUBJECT_RE = re.compile(r"([\u4e00-\u9fff]{2})(?:通常|一般|大约|大概|总共|一共|平均)?(?:有|等于|是|为|约)?"
                            r"(?:多少|几)")


def _zh_key(question: str, asks_year: bool) -> str:
    """:attr:`QuestionRoles.zh_key`: for a year, the verb after "哪一年" ("是哪一年爆发的"), else
    before it ("成立于哪一年", "登月是在哪一年"), after the subject's last two characters and "|"
    ("和国|成立"); for a quantity, the subject before "(有)多少"."""
    text = prepare(question)
    if not asks_year:
        subject = _ZH_SUBJECT_RE.search(text)
        return subject.group(1) if subject and not {"是", "有", "的"} & set(subject.group(1)) else ""
    after = _ZH_VERB_AFTER_RE.search(text)
    if after and "的" not in after.group(1):
        verb, subject = after.group(1), text[:after.start()]
    else:
        before = _ZH_VERB_BEFORE_RE.search(text)
        if not before or "是" in before.group(1):
            return ""
        verb, subject = before.group(1), text[:before.start(1)]
    tail = "".join(HAN_RE.findall(subject.rstrip("是在于 ")))[-2:]  # "中华人民共和国" -> "和国"
    return f"{tail}|{verb}" if len(tail) == 2 and not {"第", "次"} & set(tail) else verb


_NO_ROLES = QuestionRoles(frozenset(), None, None, frozenset(), False)
_CAPITALIZED_RE = re.compile(r"\b[A-Z][\w'\u2019-]*")


@lru_cache(maxsize=16384)
def question_roles(question: str | None) -> QuestionRoles:
    """Read the predicate, event and counted noun off ``question`` (see the module docstring).

    >>> question_roles("How many legs does a spider have?").counted
    'leg'
    """
    if not question:
        return _NO_ROLES
    names = {t for m in _CAPITALIZED_RE.findall(question) for t in answer_tokens(m)}
    tokens = answer_tokens(question)
    first = tokens[0] if tokens else ""
    names.discard(first)  # the question's first word is capitalized as a sentence start
    content = [t for t in tokens if t not in _FUNCTION and t not in names and not t.isdigit()]
    predicate = frozenset(stem(t) for t in content)
    events = [e for e in (event_of(t) for t in content) if e]
    counted = None
    after_many = [t for a, t in zip(tokens, tokens[1:]) if a in ("many", "much")]
    if after_many:
        at = tokens.index(after_many[0])
        nouns = [t for t in tokens[at:] if t not in _FUNCTION and t not in names]
        counted = stem(nouns[0]) if nouns else None
    if "几" in tokens[:-1]:  # "有几名球员": the classifier after 几 is what is counted
        counted = tokens[tokens.index("几") + 1]
    low = question.lower()
    asks_year = "year" in tokens or "when" in tokens or "decade" in tokens or "年" in question or "哪一年" in low
    if asks_year and not events:  # "When did the Soviet Union dissolve?": the last verb is the event
        verbs = [t for t in content if t.isalpha() and t not in ("year", "first", "last")]
        events = [stem(verbs[-1])] if verbs else []
    ends = frozenset(t for t in tokens[:1] + tokens[-1:] if t in ("in", "on", "from", "at")) | frozenset(
        a for a, b in zip(tokens, tokens[1:]) if a in ("in", "on", "from", "at", "of") and b in ("which", "what"))
    return QuestionRoles(predicate, events[0] if events else None, counted, frozenset(tokens), asks_year,
                         frozenset(stem(t) for t in tokens) | _acronyms(question), ends,
                         _zh_key(question, asks_year) if not question.isascii() else "")


_CAPITALIZED_RUN_RE = re.compile(r"(?:\b[A-Z][a-z]+(?:\s+(?:of|and|for|the)\s+|\s+)){1,5}[A-Z][a-z]+\b")


def _acronyms(question: str) -> frozenset[str]:
    """The initials of the question's multi-word names ("un" for "United Nations", "who" for "World Health
    Organization"): a response may name its subject so."""
    return frozenset("".join(w[0] for w in run.split() if w[0].isupper()).lower()
                     for run in _CAPITALIZED_RUN_RE.findall(question))


#: Words that join or frame a name without being part of it.
FUNCTION_WORDS = frozenset("is was are of in what which who whom to for and on at by with its it s 的 是 什 么".split())
#: Interjections and pleasantries a response opens or closes with ("Great question!", "Hello!",
#: "Hope this helps!"): never a name, never a bare answer.
PLEASANTRIES = frozenset("hello hi hey thanks thank welcome absolutely certainly indeed exactly alright hope great "
                         "good excellent interesting nice wonderful fantastic awesome perfect bien voila claro bueno "
                         "ciao bonjour hola salut hmm hm um uh oh ah".split())


def possessor(p: Any, s: int, e: int) -> bool:
    """Whether the span is a possessor of a relation noun ("Picasso's friend Georges Braque")."""
    noun = next((i for i in range(e, min(e + 4, len(p.tokens))) if p.tokens[i] in RELATION_NOUNS), None)
    if noun is None or p.clause_of[noun] != p.clause_of[s]:
        return False  # "Picasso's friend", "Leonardo da Vinci's famous student"
    for owner in range(e - 1, noun):  # the word that takes the "'s": the gold's last, or a word of its name
        if owner >= e and (p.tokens[owner] in FUNCTION_WORDS or p.tokens[owner].endswith("ed")):
            return False
        if re.search(re.escape(p.tokens[owner]) + r"(?:'s|s'|')\s+(?:\w+\s+)?" + p.tokens[noun] + r"\b", p.text):
            return True
    return False


#: Nouns a discovery is named with after its discoverer ("Boyle's law", "Halley's comet").
_EPONYM_HEADS = frozenset("""law laws comet theorem principle equation equations constant effect paradox rule disease
    syndrome conjecture hypothesis method algorithm scale cycle test formula lemma series sequence triangle
    experiment razor number""".split())


def eponym(p: Any, e: int, question: str) -> bool:
    """Whether the name ending at token ``e`` owns a noun of a who-question ("is known as Boyle's
    law" for "Who formulated the law ...?"): it names the thing asked about, not who made it."""
    if " who " not in question or e >= len(p.tokens) or p.tokens[e] not in _EPONYM_HEADS \
            or f" {p.tokens[e]} " not in question:
        return False
    word = p.tokens[e - 1]
    nth = p.tokens[:e - 1].count(word)  # this occurrence of the word, in the text
    found = list(re.finditer(rf"(?<![\w']){re.escape(word)}(?![\w])", p.text))
    return nth < len(found) and re.match(r"(?:'s|s'|')\s", p.text[found[nth].end():found[nth].end() + 3]) is not None


_ZH_TITLE_RE = re.compile(r"《([^《》]{1,40})》")


def other_title(clause: str, roles: QuestionRoles) -> bool:
    """Whether a folded clause is about another work than the question's: it names titles in 《》 and none
    of them is the question's ("《水浒传》的作者是施耐庵" for 《西游记》)."""
    if "《" not in clause or not roles.tokens:
        return False
    titles = _ZH_TITLE_RE.findall(clause)
    return bool(titles) and not any(set(answer_tokens(t)) <= roles.tokens for t in titles)
