"""Numbers written in words read as digits: English ("seventy-four", "two million",
"fourteenth", "nineteen eighty-four") and Chinese ("七十四", "二零二四", "三万").

Part of answer normalization (:mod:`rewards.text`): a gold answer "74" and a response
"seventy-four" must reduce to the same token.
"""

from __future__ import annotations

import re

__all__ = ["NUMBER_WORDS", "chinese_numerals_to_digits", "number_value", "words_to_numbers"]

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
#: Every English word that :func:`words_to_numbers` reads as part of a number.
NUMBER_WORDS = frozenset(_UNITS) | frozenset(_TENS) | frozenset(_SCALES) | {"hundred", "dozen"} | frozenset(_ORDINALS)
_DIGITS_RE = re.compile(r"^\d+(?:\.\d+)?$")


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


def chinese_numerals_to_digits(text: str) -> str:
    """Rewrite each run of Chinese numerals as digits, set apart by spaces.

    >>> chinese_numerals_to_digits("七十四年")
    ' 74 年'
    """
    if _ZH_NUMBER_RE.search(text):
        text = _ZH_NUMBER_RE.sub(_zh_number, text)
    return text


def number_value(token: str) -> str:
    """A decimal written without trailing zeros.

    >>> number_value("74.50"), number_value("74.0"), number_value("1066")
    ('74.5', '74', '1066')
    """
    if "." in token and token.endswith("0"):
        return token.rstrip("0").rstrip(".")
    return token


def _format(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else number_value(repr(value))


_MULTIPLIERS = {"hundred": 100, "dozen": 12}
_PRONOUN_ONE_NEXT = frozenset("of another who that which such".split())
_PRONOUN_ONE_PREV = frozenset("the no any every each this that which some another".split())


def _is_pronoun_one(tokens: list[str], i: int) -> bool:
    """ "one" as a pronoun ("one of the largest", "the one that", "no one"), not the number 1."""
    nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
    return nxt in _PRONOUN_ONE_NEXT or (i > 0 and tokens[i - 1] in _PRONOUN_ONE_PREV)


def _starts_number(tokens: list[str], i: int) -> bool:
    tok, nxt = tokens[i], tokens[i + 1] if i + 1 < len(tokens) else ""
    if tok == "one" and _is_pronoun_one(tokens, i):
        return False
    if tok in NUMBER_WORDS:
        return True
    if tok == "a" or tok == "hundred":
        return nxt in ("hundred", "thousand", "million", "billion", "dozen")
    if tok == "half":  # "half a dozen"
        return nxt == "a" and i + 2 < len(tokens) and (tokens[i + 2] in _MULTIPLIERS or tokens[i + 2] in _SCALES)
    return bool(_DIGITS_RE.match(tok)) and (nxt in _SCALES or nxt in _MULTIPLIERS)


def _read_number(tokens: list[str], i: int) -> tuple[float, int]:
    """The value of the number words starting at ``i``, and the index after them."""
    total, current, j, used, n = 0.0, 0.0, i, False, len(tokens)
    while j < n:
        t = tokens[j]
        if t in _UNITS or t in _ORDINALS:
            if used and current % 10 and current < 100:
                break  # "one two" is two numbers
            current += _UNITS.get(t, _ORDINALS.get(t, 0))
        elif t in _TENS:
            if used and current % 100:
                break
            current += _TENS[t]
        elif t in _MULTIPLIERS:
            current = (current or 1) * _MULTIPLIERS[t]
        elif t in _SCALES:
            total += (current or 1) * _SCALES[t]
            current = 0
        elif t == "a" and j == i:
            current = 1
        elif t == "half" and j == i:
            current, j = 0.5, j + 2  # "half a": the multiplier comes next
            continue
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
    return total + current, j


def words_to_numbers(tokens: list[str]) -> list[str]:
    """Replace runs of English number words (and digits before a scale) by digits.

    "one" as a pronoun ("one of the ...") stays a word, and "a dozen" is 12.

    >>> words_to_numbers("seventy four".split()), words_to_numbers("2 million people".split())
    (['74'], ['2000000', 'people'])
    >>> words_to_numbers("one thousand and sixty six".split()), words_to_numbers("one of a dozen".split())
    (['1066'], ['one', 'of', '12'])
    """
    out: list[str] = []
    spoken: list[bool] = []  # whether out[k] was read from words (for "nineteen eighty")
    i, n = 0, len(tokens)
    while i < n:
        tok = tokens[i]
        if not _starts_number(tokens, i):
            out.append(tok)
            spoken.append(False)
            i += 1
            continue
        value, i = _read_number(tokens, i)
        if spoken and spoken[-1] and 10 <= value <= 99 and out[-1].isdigit() and 10 <= int(out[-1]) <= 20:
            out[-1] = str(int(out[-1]) * 100 + int(value))  # a year read in pairs: "nineteen eighty-four"
            spoken[-1] = False
        else:
            out.append(_format(value))
            spoken.append(not _DIGITS_RE.match(tok))
    return out
