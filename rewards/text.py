"""Answer normalization: the text both sides of an answer comparison are reduced to.

:func:`normalize_answer` folds case, width (NFKC: full-width "ＰＡＲＩＳ" -> "paris"),
diacritics ("Bogotá" -> "bogota"), punctuation, the English articles and white space,
and writes numbers one way: "seventy-four", "74" and "74.0" all become "74", "1,234" becomes
"1234", "two million" becomes "2000000", "14th" and "fourteenth" become "14", and digits
glued to letters are split ("1066AD" -> "1066 ad"), so the year inside a date is a token of
its own. CJK characters become one token each, so a Chinese gold answer matches inside an
unspaced Chinese sentence. Pure Python.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["answer_tokens", "clause_tokens", "normalize_answer", "split_clauses", "words_to_numbers"]

_ARTICLES = frozenset({"a", "an", "the"})
_UNITS = {
    w: i for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = {w: 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)}
_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_ORDINALS = {
    w: i for i, w in enumerate(
        "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
        "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth".split()
    )
}
_ORDINALS.update({w[:-1] + "ieth": v for w, v in _TENS.items()})  # twentieth, thirtieth ...
_NUMBER_WORDS = frozenset(_UNITS) | frozenset(_TENS) | frozenset(_SCALES) | {"hundred"} | frozenset(_ORDINALS)
_DIGITS_RE = re.compile(r"^\d+(?:\.\d+)?$")

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
# Patterns start with a literal or a class where they can: Python's re scans those fast.
_THOUSANDS_RE = re.compile(r"(\d),(?=\d{3}(?!\d))")
_ABBREV_DOT_RE = re.compile(r"\.(?<=\b[^\W\d_]\.)(?=[^\W\d_]\b)")  # D.C. -> DC, U.S. -> US
_POSSESSIVE_RE = re.compile(r"'s\b")
_KEEP_RE = re.compile(r"\d+\.\d+|[^\W_]+", re.UNICODE)  # decimals, then word characters
_MIXED_RE = re.compile(r"\d+(?:\.\d+)?|[^\W\d_]+")  # "1066ad" -> "1066", "ad"
_ORDINAL_SUFFIXES = frozenset({"st", "nd", "rd", "th"})
_PUNCT_CHARS = "!\"#$%&'()*+,-/:;<=>?@[\\]^_`{|}~"  # ASCII punctuation but "."
_ASCII_PUNCT = bytes.maketrans(_PUNCT_CHARS.encode(), b" " * len(_PUNCT_CHARS))  # bytes.translate: ~3x str.translate
# Clause boundaries: sentence punctuation, brackets, dashes; then contrastive conjunctions.
_P = r"[.;:!?\n。；：！？，,、()\[\]]"  # sentence punctuation and brackets
_Q = r"[.;:!?,]"  # ASCII punctuation that NFKC makes of the full-width "，" and friends
_D = r"[-\u2013\u2014]"  # dashes
_PUNCT_SPLIT_RE = re.compile(
    # Each run of punctuation is tried once, from its start (the look-behinds), so a long run
    # costs linear time instead of quadratic. Every branch first consumes one character of the
    # leading class, which lets Python's re skip ahead to candidate positions (about 3x faster);
    # the look-behinds after it then pick the branch that character starts. Branches in order:
    # punctuation run followed by a space or the end; a CJK/bracket/newline mark on its own;
    # a spaced dash; ASCII punctuation glued to CJK text.
    rf"[.;:!?\n。；：！？，,、()\[\]\s](?:(?<={_P})(?<!{_P}{_P}){_P}*(?:\s|$)|(?<=[。；：！？，、()\[\]\n])"
    rf"|(?<=\s)(?<!{_D}\s){_D}+\s|(?<={_Q})(?<!{_Q}{_Q}){_Q}*(?=[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]))"
)
_CONJ_SPLIT_RE = re.compile(r"\b(?:but|however|though|although|yet|whereas)\b|但是|不过|然而|但", re.IGNORECASE)
_CONJ_KEYS = ("but", "however", "though", "yet", "whereas", "但", "不过", "然而")
_ASCII_CONJ_KEYS = tuple(k for k in _CONJ_KEYS if k.isascii())  # all an ASCII text can hold
_CJK_RE = re.compile(
    "([\u2e80-\u2fdf\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
    "\U00020000-\U0002fa1f])"
)


_ZH_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}
_ZH_DIGITS["两"] = 2
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000}
_ZH_BIG = {"万": 10**4, "亿": 10**8}
_ZH_NUMBER_RE = re.compile("[零一二两三四五六七八九十百千万亿]+")


def _zh_number(match: re.Match) -> str:
    """'七十四' -> ' 74 ', '二零二四' -> ' 2024 ' (digits read one by one), '三万' -> ' 30000 '."""
    run = match.group(0)
    if not any(c in _ZH_UNITS or c in _ZH_BIG for c in run):
        return " " + "".join(str(_ZH_DIGITS[c]) for c in run) + " "
    total = section = number = 0
    for c in run:
        if c in _ZH_DIGITS:
            number = _ZH_DIGITS[c]
        elif c in _ZH_UNITS:
            section += (number or 1) * _ZH_UNITS[c]
            number = 0
        else:
            total += (section + number or 1) * _ZH_BIG[c]
            section = number = 0
    return f" {total + section + number} "


def _number_value(token: str) -> str:
    """'74.50' -> '74.5', '74.0' -> '74'."""
    if "." in token and token.endswith("0"):
        return token.rstrip("0").rstrip(".")
    return token


def _format(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else _number_value(repr(value))


def words_to_numbers(tokens: list[str]) -> list[str]:
    """Replace runs of English number words (and digits before a scale) by digits.

    >>> words_to_numbers("seventy four".split()), words_to_numbers("2 million people".split())
    (['74'], ['2000000', 'people'])
    >>> words_to_numbers("one thousand and sixty six".split())
    ['1066']
    """
    out: list[str] = []
    spoken: list[bool] = []  # whether out[k] was read from words (for "nineteen eighty")
    i, n = 0, len(tokens)
    while i < n:
        tok = tokens[i]
        starts = tok in _NUMBER_WORDS or (
            tok in ("a", "hundred") and i + 1 < n and tokens[i + 1] in ("hundred", "thousand", "million", "billion")
        ) or (_DIGITS_RE.match(tok) and i + 1 < n and (tokens[i + 1] in _SCALES or tokens[i + 1] == "hundred"))
        if not starts:
            out.append(tok)
            spoken.append(False)
            i += 1
            continue
        total, current, j, used = 0.0, 0.0, i, False
        while j < n:
            t = tokens[j]
            if t in _UNITS or t in _ORDINALS:
                if used and current % 10 and current < 100 and t not in _SCALES:
                    break  # "one two" is two numbers
                current += _UNITS.get(t, _ORDINALS.get(t, 0))
            elif t in _TENS:
                if used and current % 100:
                    break
                current += _TENS[t]
            elif t == "hundred":
                current = (current or 1) * 100
            elif t in _SCALES:
                total += (current or 1) * _SCALES[t]
                current = 0
            elif t == "a" and j == i:
                current = 1
            elif _DIGITS_RE.match(t) and j == i:
                current = float(t)
            elif t == "and" and used and j + 1 < n and (tokens[j + 1] in _UNITS or tokens[j + 1] in _TENS):
                j += 1
                continue
            else:
                break
            used = True
            j += 1
            if t in _ORDINALS:
                break  # an ordinal ends the number ("twenty first")
        value = total + current
        if spoken and spoken[-1] and 10 <= value <= 99 and out[-1].isdigit() and 10 <= int(out[-1]) <= 20:
            out[-1] = str(int(out[-1]) * 100 + int(value))  # a year read in pairs: "nineteen eighty-four"
            spoken[-1] = False
        else:
            out.append(_format(value))
            spoken.append(not _DIGITS_RE.match(tok))
        i = j
    return out


def _fold(text: str) -> str:
    """Width, case, diacritics and apostrophes folded; punctuation still in place."""
    if text.isascii():
        text = text.lower()
    else:
        text = unicodedata.normalize("NFKC", text).casefold()
        if not unicodedata.is_normalized("NFKD", text):  # something to decompose: strip the marks
            text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
            text = unicodedata.normalize("NFKC", text).casefold()
        text = text.translate(_APOSTROPHES)
    return text


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


def _prepare(text: str) -> str:
    """Fold, then rewrite abbreviations and thousands separators; punctuation stays."""
    text = _fold(text)
    if "." in text:
        text = _ABBREV_DOT_RE.sub("", text)
    if "," in text:
        text = _THOUSANDS_RE.sub(r"\1", text)
    return text


def _split_mixed(token: str) -> list[str]:
    """'1066ad' -> ['1066', 'ad'], '14th' -> ['14'], '74.0' -> ['74'], 'etc.' -> ['etc']."""
    parts = _MIXED_RE.findall(token)
    out: list[str] = []
    for part in parts:
        if part[0].isdigit():
            out.append(_number_value(part))
        elif not (part in _ORDINAL_SUFFIXES and out and out[-1].isdigit()):
            out.append(part)
    return out


def _tokens(text: str) -> list[str]:
    if "'" in text:  # "France's" -> "france", "N'Djamena" -> "ndjamena", "isn't" -> "isnt"
        text = _POSSESSIVE_RE.sub("", text).replace("'", "")
    if text.isascii():
        raw = text.encode().translate(_ASCII_PUNCT).decode().split()
    else:
        if _ZH_NUMBER_RE.search(text):
            text = _ZH_NUMBER_RE.sub(_zh_number, text)
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
    if not _NUMBER_WORDS.isdisjoint(tokens):  # before dropping articles: "a hundred" is 100
        tokens = words_to_numbers(tokens)
    if not _ARTICLES.isdisjoint(tokens):
        tokens = [t for t in tokens if t not in _ARTICLES]
    return tokens


@lru_cache(maxsize=65536)
def _clause_tokens(clause: str) -> tuple[str, ...]:
    """:func:`_tokens` of one clause, cached: short clauses ("i'm not sure", "i think") recur
    across responses, and the judge tokenizes every clause of every response it reads."""
    return tuple(_tokens(clause))


def answer_tokens(text: str) -> list[str]:
    """Return the normalized tokens of ``text`` (see :func:`normalize_answer`).

    >>> answer_tokens("The atomic number is Seventy-Four.")
    ['atomic', 'number', 'is', '74']
    """
    return _tokens(_prepare(text))


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
    text = _prepare(text)
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
