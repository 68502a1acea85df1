"""Answers a response offers that no typed candidate finds, and near spellings of the gold.

- a clause that guesses or asserts short content ("maybe lyon") after a decline;
- a Chinese answer offered by a cue at a clause's end ("也可能是里昂", "其实是尼斯");
- a bare answer that opens or closes the response ("copper. iron comes second.",
  "... I'm not sure. copper.");
- what a retraction moves to ("iron, but actually copper");
- another person who shares the gold's surname ("Ian Fleming" for "Alexander Fleming");
- a one-step transliteration of the gold ("Ulanbaatar", "Krushchev"), which names it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rewards.judging.abstention import folded_clause_cues
from rewards.judging.gold import GoldAnswer
from rewards.judging.grammar import COMMIT_RE, NEGATORS
from rewards.judging.mentions import Mention, ParsedResponse
from rewards.judging.roles import PLEASANTRIES, QuestionRoles, other_title, stem
from rewards.judging.words import COMMON_LIST_RE, CUE_WORDS, GENERIC, PREPOSITIONS, PRONOUNS, TITLES
from rewards.text import answer_tokens, fold

__all__ = ["bare_first_sentence", "bare_last_sentence", "cjk_offers", "near_gold", "offers_answer", "other_person",
           "second_answers", "sound_key", "transliterated"]

_NOT_BARE = NEGATORS | frozenset("january february march april may june july august september october "
                      "november december".split())
#: Pleasantries a response may open or close with ("Great question!", "Hello!"): never a bare answer.
_PLEASANTRIES = PLEASANTRIES | frozenset("question questions glad happy cool sure ah aha hmm fun helps honestly "
                                         "frankly".split())
_CJK_OFFER_RE = re.compile(r"(?:(?:可能|应该|也许|大概|或许|估计|其实|要么|或者|还是|就|确实|也|作者|首都|答案|说|可以"
                           r"|认为|指的|第二|其次|猜测)是|(?:首选|备选|次选|我选|我会选|我就选|选择)[是：:]?)([\u4e00-\u9fff]{1,8})$"
                           # "里昂同样有可能", "但里昂也有可能": one more answer put up
                           r"|^(?:但|不过|而)?([\u4e00-\u9fff]{1,8}?)(?:同样|也|亦)有?可能(?:是答案|正确|对)?$")
#: A Chinese agent offered as the answer: "是施耐庵写的", "施耐庵写的".
_CJK_AGENT_RE = re.compile(r"^(?:是|由)?([\u4e00-\u9fff]{2,4}?)(?:所)?(?:写|画|创作|发明|发现|设计|建立|创立|作)的")
#: Several offers in one clause: "可能是巴黎也可能是里昂".
_CJK_OFFERS_RE = re.compile(r"(?:可能|也许|大概|或许|估计|要么|或者|还是)是?([\u4e00-\u9fff]{1,6}?)(?=也|或|还|要么|$)")

_SOUND_ALIKE = frozenset({("i", "y"), ("k", "c"), ("v", "w"), ("s", "z"), ("j", "y"), ("k", "q"), ("f", "v")})


_DOUBLED_RE = re.compile(r"(.)\1")
_SOUND_STEPS = (("tsch", "ch"), ("tch", "ch"), ("sch", "sh"), ("ph", "f"), ("ck", "k"), ("kh", "k"), ("w", "v"),
                ("y", "i"), ("ie", "e"), ("ii", "i"), ("ou", "u"), ("j", "i"))


@lru_cache(maxsize=65536)
def sound_key(word: str) -> str:
    """``word`` spelled by sound, for names that reach English by several transliterations:
    German "tsch" and "w", "y" for "i", doubled letters ("Tschaikowsky" and "Tchaikovsky" agree).

    >>> sound_key("tschaikowsky") == sound_key("tchaikovsky"), sound_key("dostoievski") == sound_key("dostoevsky")
    (True, True)
    """
    for old, new in _SOUND_STEPS:
        if old in word:
            word = word.replace(old, new)
    return _DOUBLED_RE.sub(r"\1", word)


def transliterated(a: str, b: str) -> bool:
    """Whether ``a`` spells ``b`` another way by one transliteration step: a doubled letter, an
    "h" or a vowel dropped or added ("Ulanbaatar", "Krushchev"), or one sound-alike letter
    swapped for another ("Tchaikowsky", "Tchaikovski"). "Bratislana" is not "Bratislava".

    >>> transliterated("ulanbaatar", "ulaanbaatar"), transliterated("bratislana", "bratislava")
    (True, False)
    """
    if a == b:
        return True
    if len(b) >= 6 and a[:1] in b[:2] and sound_key(a) == sound_key(b):
        return True
    return _one_step(a, b) or _one_step(sound_key(a), sound_key(b))


def _one_step(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by one doubled, dropped or sound-alike letter."""
    if abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        pair = tuple(sorted((a[i], b[i])))
        return a[i + 1:] == b[i + 1:] and (pair in _SOUND_ALIKE or pair[::-1] in _SOUND_ALIKE)
    long, short = (a, b) if len(a) > len(b) else (b, a)
    extra = long[i]
    neighbours = long[i - 1:i] + long[i + 1:i + 2]
    # "Sotchi"/"Sochi", "Matsumoto"/"Matumoto": a "t" before "ch" or an "s" after "t" (tsu, tu) is one step too
    return long[i + 1:] == short[i:] and (extra in neighbours or extra in "haeiouy" or (
        extra == "t" and long[i + 1:i + 3] == "ch") or (extra == "s" and long[i - 1:i] == "t"))


def _splits(text: str, words: frozenset[str]) -> bool:
    """Whether ``text`` splits wholly into ``words`` of two letters or more (empty text does)."""
    ends = {0}
    for i in range(2, len(text) + 1):
        if any(i - j >= 2 and text[j:i] in words for j in ends):
            ends.add(i)
    return len(text) in ends


def _respaced(tokens: list[str], golds: tuple[GoldAnswer, ...]) -> GoldAnswer | None:
    """The gold whose words a name spaces otherwise ("Qin Shi Huang Di" for "Shi Huangdi", "Mao Ze
    Dong" for "Mao Zedong"): the name's letters, run together, hold the gold's in order, and what
    is left splits into the golds' words."""
    joined = "".join(tokens)
    words = frozenset(t for g in golds for t in g.tokens)
    for g in golds:
        key = "".join(g.tokens)
        if len(key) >= 5 and len(joined) <= 60 and key in joined:
            head, _, tail = joined.partition(key)
            if _splits(head, words) and _splits(tail, words):
                return g
    return None


def near_gold(name: str, golds: tuple[GoldAnswer, ...]) -> GoldAnswer | None:
    """The gold a name misspells by one letter ("Ulanbaatar" for "Ulaanbaatar", "Nikita Krushchev"
    for "Nikita Khrushchev"), if any: its last word one edit away, its other words the gold's."""
    tokens = answer_tokens(name)
    if not tokens or not "".join(tokens).isalpha():
        return None
    respaced = _respaced(tokens, golds)
    if respaced is not None:
        return respaced
    for g in golds:
        if not g.tokens:
            continue
        if not set(tokens[:-1]) <= set(g.tokens):
            joined = "".join(g.tokens)
            if len(joined) >= 6 and sound_key("".join(tokens)) == sound_key(joined):
                return g  # "Qin Shihuang" for "Qin Shi Huang"
            continue
        last, target = tokens[-1], g.tokens[-1]
        if len(target) >= 6 and last[:1] == target[:1] and transliterated(last, target):
            return g
        joined = "".join(g.tokens)
        if len(tokens) == 1 and len(joined) >= 6 and last[:1] == joined[:1] and transliterated(last, joined):
            return g
        if len(joined) >= 6 and sound_key("".join(tokens)) == sound_key(joined):
            return g  # "Qin Shihuang" for "Qin Shi Huang"
    return None


_DETERMINERS = frozenset("a an one another this these those some any every each no our your their his her".split())


def other_person(p: ParsedResponse, mention: Mention, golds: tuple[GoldAnswer, ...]) -> str | None:
    """The other person a one-word gold (a surname) belongs to here: "Ian Fleming" for
    "Alexander Fleming", "Hillary Clinton" for "Edmund Hillary"; None when it is the gold's."""
    tokens = p.tokens[mention.start:mention.end] if mention.start >= 0 else []
    if len(tokens) != 1 or not any(len(g.tokens) >= 2 and tokens[0] in g.tokens and g.tokens[-1] not in GENERIC
                                   for g in golds):
        return None  # not a person's name ("the Great Pacific Ocean" names the Pacific Ocean)
    gold_words = frozenset(t for g in golds for t in g.tokens)
    others = []
    for m in re.finditer(rf"(?i)(?<![\w'])({re.escape(tokens[0])})(?![\w'])", p.response):
        run = re.search(r"((?:[A-Z][\w'\u2019-]*\s+){1,3})$", p.response[max(0, m.start() - 60):m.start()])
        if run and any(w.lower() in gold_words for w in run.group(1).split()[:-1]):
            return None  # "Neil Aldabraffus Armstrong": the gold's given name, a middle name between
        before = re.search(r"([A-Z][\w'\u2019-]*)[^\S\n]+$", p.response[max(0, m.start() - 60):m.start()])
        after = re.match(r"[^\S\n]+([A-Z][\w'\u2019-]*)", p.response[m.end():])  # a name keeps to its line
        for side in (before, after):
            word = side.group(1).lower() if side else ""
            # "An eagle ...": a sentence's first word, not a given name
            if word and word not in gold_words and word not in TITLES and word not in GENERIC \
                    and word not in CUE_WORDS and word not in _DETERMINERS:
                others.append(side.group(1))
                break
        else:
            return None  # one occurrence names the gold's person
    return f"{others[0]} {tokens[0].title()}" if others else None


_INDEFINITE_END_RE = re.compile(r"\b(?:is|was|be|are|were)\s+an?\s+(?:[a-z]+\s+)?[a-z]+$")
_GUESS_RE = re.compile(r"\b(?:maybe|perhaps|probably|possibly|likely|i\s+(?:think|guess|believe|suppose))\b"
                       r"|可能|也许|大概|或许|估计")


def offers_answer(p: ParsedResponse, k: int, roles: QuestionRoles, *, vague: bool = False) -> str | None:
    """The clause, when it guesses or asserts some content ("maybe lyon"), for lack of a typed candidate.

    ``vague``: also a guess that opens with a preposition ("maybe around the early 1800s", "probably
    in the spring"): on a question with no true answer any guess is an invented answer."""
    clause = p.clauses[k]
    if p.text[p.ends[k]:p.ends[k] + 1] in (":", "："):
        return None  # "You asked: ...", "My guess: Lyon": a clause that introduces the next one
    if p.asks(k) or not folded_clause_cues(clause)[1] or (COMMIT_RE.search(clause) is None and len(p.tokens) > 12):
        return None  # in a long text only a guess or assertion cue offers an answer, not a bare phrase
    if _INDEFINITE_END_RE.search(clause):
        return None  # "legend says it was a great city": a description, no answer named
    words = p.clause_tokens(k)
    while words and words[0] in CUE_WORDS:
        words = words[1:]
    longest = 12 if not clause.isascii() else 6  # Chinese characters are a token each
    opens = words[0] in PREPOSITIONS and not (vague and _GUESS_RE.search(clause)) if words else False
    if not words or len(words) > longest or opens or words[0] in NEGATORS or all(
            w in roles.tokens or w in CUE_WORDS for w in words):
        return None
    return clause


def cjk_offers(p: ParsedResponse, golds: tuple[GoldAnswer, ...], roles: QuestionRoles) -> list[tuple[str, int]]:
    """Chinese answers offered by a cue at a clause's end ("也可能是里昂", "其实是尼斯") that are not gold,
    unless the clause is about another work ("《水浒传》的作者是施耐庵")."""
    found = []
    for k, clause in enumerate(p.clauses):
        if clause.isascii() or p.declines(k) or other_title(clause, roles):  # every pattern below needs Chinese
            continue
        offers = _CJK_OFFERS_RE.findall(clause) if clause.count("是") >= 2 else []
        m = _CJK_OFFER_RE.search(clause) or _CJK_AGENT_RE.search(clause)
        for offer in (offers if len(offers) >= 2 else [m.group(1) or m.group(2)] if m else []):
            if not offer.endswith("的") and not any(fold(g.text) in offer or offer in fold(g.text) for g in golds):
                found.append((offer, k))
                break
    return found


_ZH_NOT_BARE = frozenset("抱歉 对不起 不好意思 你好 您好 谢谢 嗯 好的 好吧 哈哈 其实 首先 答案 回答".split())


def bare_first_sentence(p: ParsedResponse, golds, roles: QuestionRoles) -> tuple[str, int] | None:
    """A response that opens with a bare answer ("copper. iron comes second."): that answer."""
    first = p.clauses[0]
    words = p.clause_tokens(0)
    ends_sentence = p.text.lstrip().startswith(first) and p.text.lstrip()[len(first):len(first) + 1] in ".!,;\n。！；"
    text = " " + " ".join(words) + " "
    if (not ends_sentence or not words or len(words) > 3 or len("".join(words)) < (3 if first.isascii() else 2)
            or any(w in CUE_WORDS or w in _NOT_BARE or w in PREPOSITIONS or (w in roles.tokens and w.isascii())
                   or w[:1].isdigit() or w in _PLEASANTRIES for w in words)
            or COMMON_LIST_RE.match(p.response.lstrip(), len(p.response.lstrip().split(",")[0])) is not None
            or set(words) <= roles.tokens or any(g.pattern in text or text in g.pattern for g in golds)
            or p.declines(0) or first in _ZH_NOT_BARE
            or (first.startswith(("the ", "a ", "an ", "as ")) and p.text.lstrip()[len(first):len(first) + 1] == ",")):
        return None  # "The French naval vessel, the Nautilus, ...": a subject set off by a comma, no answer
    return " ".join(words), 0


def bare_last_sentence(p: ParsedResponse, golds, roles: QuestionRoles) -> tuple[str, int] | None:
    """A response that ends on a bare answer after other sentences ("... I'm not sure. copper.")."""
    k = len(p.clauses) - 1
    words = p.clause_tokens(k)
    before = p.text.rstrip(" .!")[: -len(p.clauses[k])].rstrip(" \t")
    text = " " + " ".join(words) + " "
    if (k == 0 or not before.endswith((".", "!", "?", "\n")) or not words or len(words) > 3 or len("".join(words)) < 3
            or any(w in CUE_WORDS or w in _NOT_BARE or w[:1].isdigit() or w in _PLEASANTRIES for w in words)
            or p.declines(k)
            or set(words) <= roles.tokens or any(g.pattern in text or text in g.pattern for g in golds)
            or _cut_word(p, words[-1], roles) or (words[0] in PRONOUNS and p.text.rstrip()[-1:].isalnum())):
        return None
    return " ".join(words), k


def _cut_word(p: ParsedResponse, word: str, roles: QuestionRoles) -> bool:
    """Whether ``word`` ends the response cut off inside a word said before ("... mammals. The plat")."""
    return p.text.rstrip()[-1:].isalnum() and any(
        len(t) > len(word) and t.startswith(word) for t in roles.tokens.union(p.tokens[:-1]))


_JOINS = frozenset("and plus then".split())
_NEXT_JOINS = frozenset("unless alternatively otherwise then or".split())
_ALSO_FINE = frozenset("correct acceptable valid right fine possible".split())
_AS_WELL_AS = ("as", "well", "as")


def second_answers(p: ParsedResponse, mentions: list[Mention], golds, roles: QuestionRoles) -> list[tuple[str, int]]:
    """Short answers joined on after a gold mention, in its clause or the next ("iron and copper",
    "iron, unless it is copper", "iron (copper is also correct)"), whatever their case or type."""
    found = []
    for m in mentions:
        if m.start < 0:
            continue
        k = m.clause
        rest = p.tokens[m.end:p.starts[k + 1] if k + 1 < len(p.starts) else len(p.tokens)]
        if rest[:3] == list(_AS_WELL_AS):
            rest = ["and"] + rest[3:]
        tail = [("and" if rest[:1] and rest[0] in _JOINS else "")] + rest[1:] if rest else []
        candidates = [(tail[1:], k)] if tail[:1] == ["and"] else []
        if k + 1 < len(p.clauses) and not p.asks(k + 1):
            words = p.clause_tokens(k + 1)
            copula = next((i for i, w in enumerate(words) if w in ("is", "are")), None)
            if words[:2] == ["if", "not"]:  # "iron, if not copper"
                words = words[2:]
            elif copula and "also" in words[copula:] and {stem(w) for w in words[copula:]} & roles.predicate:
                words = words[:copula]  # "the won is also an official currency there": another answer
            elif not (words[:1] and words[0] in _NEXT_JOINS or words[:3] == ["my", "2", "guess"]
                      or ("also" in words and words[-1] in _ALSO_FINE)) or p.declines(k + 1):
                words = []
            candidates.append(([w for w in words if w not in CUE_WORDS], k + 1))
        for words, clause in candidates:
            text = " " + " ".join(words) + " "
            if (0 < len(words) <= 3 and not set(words) <= roles.tokens and not _NOT_BARE & set(words)
                    and not any(w in PREPOSITIONS for w in words)
                    and not any(g.pattern in text or text in g.pattern for g in golds)):
                found.append((" ".join(words), clause))
    return found
