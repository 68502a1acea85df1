"""Answer normalization: the text both sides of an answer comparison are reduced to.

:func:`normalize_answer` folds case, width (NFKC: full-width "ＰＡＲＩＳ" -> "paris"),
diacritics ("Bogotá" -> "bogota"), punctuation, the English articles and white space,
and writes numbers one way (:mod:`rewards.number_words`): "seventy-four", "74" and "74.0"
all become "74", "1,234" becomes "1234", "two million" becomes "2000000", "14th" and
"fourteenth" become "14", and digits glued to letters are split ("1066AD" -> "1066 ad"), so
the year inside a date is a token of its own. CJK characters become one token each, so a
Chinese gold answer matches inside an unspaced Chinese sentence. Pure Python.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rewards.number_words import NUMBER_WORDS, chinese_numerals_to_digits, number_value, words_to_numbers

__all__ = [
    "answer_tokens",
    "clause_tokens",
    "fold",
    "normalize_answer",
    "prepare",
    "prepared_tokens",
    "split_clauses",
]

_ARTICLES = frozenset({"a", "an", "the"})

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
# Patterns start with a literal or a class where they can: Python's re scans those fast.
_THOUSANDS_RE = re.compile(r",(?<=\d,)(?=\d{3}(?!\d))")  # the comma first: re skips ahead to commas
_ABBREV_DOT_RE = re.compile(r"\.(?<=\b[^\W\d_]\.)(?=[^\W\d_]\b)")  # D.C. -> DC, U.S. -> US
_POSSESSIVE_RE = re.compile(r"'s\b")
_KEEP_RE = re.compile(r"\d+\.\d+|[^\W_]+", re.UNICODE)  # decimals, then word characters
_MIXED_RE = re.compile(r"\d+(?:\.\d+)?|[^\W\d_]+")  # "1066ad" -> "1066", "ad"
_ORDINAL_SUFFIXES = frozenset({"st", "nd", "rd", "th"})
_PUNCT_CHARS = "!\"#$%&'()*+,-/:;<=>?@[\\]^_`{|}~"  # ASCII punctuation but "."
# bytes.translate does this one-for-one mapping much faster than str.translate.
_ASCII_PUNCT = bytes.maketrans(_PUNCT_CHARS.encode(), b" " * len(_PUNCT_CHARS))
# Clause boundaries: sentence punctuation, brackets, dashes; then contrastive conjunctions.
_P = r"[.;:!?\n。；：！？，,、()\[\]]"  # sentence punctuation and brackets
_Q = r"[.;:!?,]"  # ASCII punctuation that NFKC makes of the full-width "，" and friends
_D = r"[-\u2013\u2014]"  # dashes
_PUNCT_SPLIT_RE = re.compile(
    # Each run of punctuation is tried once, from its start (the look-behinds), so a long run
    # costs linear time instead of quadratic. Every branch first consumes one character of the
    # leading class, which lets Python's re skip ahead to candidate positions;
    # the look-behinds after it then pick the branch that character starts. Branches in order:
    # punctuation run followed by a space or the end; a CJK/bracket/newline mark on its own;
    # a spaced dash; ASCII punctuation glued to CJK text (before CJK, or after it before a digit).
    rf"[.;:!?\n。；：！？，,、()\[\]\s](?:(?<={_P})(?<!{_P}{_P}){_P}*(?:\s|$)|(?<=[。；：！？，、()\[\]\n])"
    rf"|(?<=\s)(?<!{_D}\s){_D}+\s|(?<={_Q})(?<!{_Q}{_Q}){_Q}*(?=[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af])"
    rf"|(?<=[\u3400-\u9fff]{_Q}){_Q}*(?=\d))"
)
_CONJ_SPLIT_RE = re.compile(r"\b(?:but|however|though|although|yet|whereas)\b|但是|不过|然而|但", re.IGNORECASE)
_CONJ_KEYS = ("but", "however", "though", "yet", "whereas", "但", "不过", "然而")
_ASCII_CONJ_KEYS = tuple(k for k in _CONJ_KEYS if k.isascii())  # all an ASCII text can hold
_HAN_RE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK_RE = re.compile(
    "([\u2e80-\u2fdf\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
    "\U00020000-\U0002fa1f])"
)


def fold(text: str) -> str:
    """Fold width, case, diacritics and apostrophes; punctuation stays in place.

    The first step of every comparison of a response with an answer or a cue, so that
    "ＰＡＲＩＳ", "Paris" and "paris" read alike and "don’t" matches "don't".

    >>> fold("Bogotá DON’T")
    "bogota don't"
    """
    if text.isascii():
        text = text.lower()
    else:
        text = unicodedata.normalize("NFKC", text).casefold()
        if not unicodedata.is_normalized("NFKD", text):  # something to decompose: strip the marks
            text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
            text = unicodedata.normalize("NFKC", text).casefold()
        text = text.translate(_APOSTROPHES)
        if _HAN_RE.search(text):
            text = to_simplified(text)
    return text


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # only texts with Chinese characters need it

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional Chinese characters as Simplified (OpenCC's ``t2s``), the rest unchanged.

    Gold answers and responses are compared in Simplified, so ``臺北`` matches ``台北`` and
    ``我不確定`` reads as the decline ``我不确定``.

    >>> to_simplified("我無法回答這個問題。臺北")
    '我无法回答这个问题。台北'
    """
    return _t2s().convert(text)


def split_clauses(text: str) -> list[str]:
    """Cut ``text`` at sentence punctuation and contrastive words ("but", "however", "但是").

    >>> split_clauses("I'm not sure, but I think it's Paris.")
    ["I'm not sure", "I think it's Paris"]
    """
    low = text.lower()
    for key in _CONJ_KEYS if not low.isascii() else _ASCII_CONJ_KEYS:
        if key in low:
            break
    else:
        return [c for c in map(str.strip, _PUNCT_SPLIT_RE.split(text)) if c]
    out = []
    for part in _PUNCT_SPLIT_RE.split(text):
        out += _CONJ_SPLIT_RE.split(part)
    return [c for c in map(str.strip, out) if c]


# Written to start with the capital (the look-behind after it), so that re skips ahead to capitals.
_INITIAL_RE = re.compile(r"([A-Z](?<![\w.][A-Z])(?:\.[A-Z])*)\.(?=\s+[A-Z])")
_CAPITAL_BEFORE_RE = re.compile(r"(?:\b[A-Z][\w'\u2019-]*|\b[A-Z]\.)$")
_NAME_AFTER_RE = re.compile(r"\s+(?:[A-Z][\w'\u2019-]*\s+[A-Z]|[A-Z]\.)")


def _join_initials(text: str) -> str:
    """Drop the full stop of a name's initial, so it ends no sentence: "F. Scott Fitzgerald", "George
    W. Bush", "J. K. Rowling" (a capital letter and a full stop after a name, or before two more
    capitalized words or another initial); "The answer is C. It is carbon." keeps its sentence end."""
    def join(m: re.Match) -> str:
        before = text[max(0, m.start() - 40):m.start()].rstrip()
        named = ("." in m.group(1) or _CAPITAL_BEFORE_RE.search(before) is not None
                 or _NAME_AFTER_RE.match(text, m.end()) is not None)  # "J.R.R. Tolkien"
        return m.group(1) if named else m.group(0)

    return _INITIAL_RE.sub(join, text)


def prepare(text: str) -> str:
    """:func:`fold`, then join abbreviations and thousands separators; punctuation stays.

    The text the judge reads: ready to be cut into clauses (:func:`split_clauses`) and each
    clause tokenized (:func:`prepared_tokens`).

    >>> prepare("Washington, D.C. has 689,545 people.")
    'washington, dc. has 689545 people.'
    """
    if ". " in text:
        text = _join_initials(text)
    text = fold(text)
    if "." in text:
        text = _ABBREV_DOT_RE.sub("", text)
    if "," in text:
        text = _THOUSANDS_RE.sub("", text)
    return text


def _split_mixed(token: str) -> list[str]:
    """'1066ad' -> ['1066', 'ad'], '14th' -> ['14'], '74.0' -> ['74'], 'etc.' -> ['etc']."""
    parts = _MIXED_RE.findall(token)
    out: list[str] = []
    for part in parts:
        if part[0].isdigit():
            out.append(number_value(part))
        elif not (part in _ORDINAL_SUFFIXES and out and out[-1].isdigit()):
            out.append(part)
    return out


def _tokens(text: str) -> list[str]:
    if "'" in text:  # "France's" -> "france", "N'Djamena" -> "ndjamena", "isn't" -> "isnt"
        text = _POSSESSIVE_RE.sub("", text).replace("'", "")
    if text.isascii():
        raw = text.encode().translate(_ASCII_PUNCT).decode().split()
    else:
        text = chinese_numerals_to_digits(text)
        raw = _KEEP_RE.findall(_CJK_RE.sub(r" \1 ", text))
    if "".join(raw).isalpha():  # the common case: words only
        tokens = raw
    else:
        tokens = []
        for t in raw:
            if t.isalpha() or t.isdigit():
                tokens.append(t)
            else:
                tokens += _split_mixed(t)
    if not NUMBER_WORDS.isdisjoint(tokens):  # before dropping articles: "a hundred" is 100
        tokens = words_to_numbers(tokens)
    if not _ARTICLES.isdisjoint(tokens):
        tokens = [t for t in tokens if t not in _ARTICLES]
    return tokens


@lru_cache(maxsize=65536)
def prepared_tokens(clause: str) -> tuple[str, ...]:
    """The normalized tokens of one clause of text already passed through :func:`prepare` (cached).

    Cached because short clauses ("i'm not sure", "i think") recur across responses, and
    the judge tokenizes every clause of every response it reads.

    >>> prepared_tokens("it's seventy-four")
    ('it', '74')
    """
    return tuple(_tokens(clause))


def answer_tokens(text: str) -> list[str]:
    """Return the normalized tokens of ``text`` (see :func:`normalize_answer`).

    >>> answer_tokens("The atomic number is Seventy-Four.")
    ['atomic', 'number', 'is', '74']
    """
    return _tokens(prepare(text))


def clause_tokens(text: str) -> list[tuple[str, list[str]]]:
    """Split ``text`` into clauses; return each folded clause with its normalized tokens.

    >>> clause_tokens("It's not Lyon, it's Paris.")
    [("it's not lyon", ['it', 'not', 'lyon']), ("it's paris", ['it', 'paris'])]
    """
    return prepared_clauses(text)[1]


def prepared_clauses(text: str) -> tuple[str, list[tuple[str, list[str]]]]:
    """:func:`clause_tokens` plus the whole folded text (what the judge works on).

    >>> prepared_clauses("Paris. Not Lyon.")
    ('paris. not lyon.', [('paris', ['paris']), ('not lyon', ['not', 'lyon'])])
    """
    text = prepare(text)
    return text, [(clause, _tokens(clause)) for clause in split_clauses(text)]


@lru_cache(maxsize=65536)
def normalize_answer(text: str) -> str:
    """Reduce an answer to the form that answer matching compares.

    >>> normalize_answer("  The Bogotá, D.C.! ")
    'bogota dc'
    >>> normalize_answer("seventy-four"), normalize_answer("1,234.50"), normalize_answer("ＰＡＲＩＳ")
    ('74', '1234.5', 'paris')
    >>> normalize_answer("October 14th, 1066 AD")
    'october 14 1066 ad'
    """
    out = " ".join(answer_tokens(text))
    for _ in range(3):  # a few exotic characters only settle on a second pass
        again = " ".join(answer_tokens(out))
        if again == out:
            break
        out = again
    return out
