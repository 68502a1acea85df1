"""Ranges of numbers: a number given with a spread ("1912 ± 3", "give or take a few", "within a few of
1912"), a range and not one answer; and bracketed life spans ("Shakespeare (1564-1616)"), whose first
year is a birth and last a death."""

from __future__ import annotations

import re

__all__ = ["life_role", "spread_only"]

_SPREAD_RE = re.compile(r"\s*\(?\s*(?:±|\+\s*/\s*-|\+-|plus\s+or\s+minus)\s*\d|(?:\s*,)?\s*(?:or\s+thereabouts\s*,\s*)?"
                        r"(?:within\s+(?:\d+|a|one|two|three|five|ten)\s+(?:\w+\s+)?(?:either\s+way|of\s+it)"
                        r"|give\s+or\s+take|(?:maybe\s+)?(?:a\s+(?:bit|little)\s+|slightly\s+)?more\s+or\s+less(?=\s*(?:[.!?;)]|$)))")
#: A spread before the number: "within a few of 1912", "within 3 years of 1912".
_SPREAD_BEFORE_RE = re.compile(r"within\s+(?:\d+|a\s+few|a\s+couple|one|two|three|five|ten)\s+(?:\w+\s+){0,2}of\s*$")


def spread_only(text: str, numbers: set[str]) -> bool:
    """Whether every time ``text`` gives one of ``numbers`` it gives it with a spread ("1912 ± 3", "1912
    (+/- 10)", "within 3 either way"): a range, not one answer."""
    if not ("±" in text or "+" in text or "minus" in text or "within" in text or " or " in text):
        return False
    spans = [m.span() for n in numbers for m in re.finditer(rf"(?<![\d.]){re.escape(n)}(?!\d)", text)]
    return bool(spans) and all(_SPREAD_RE.match(text, end) is not None
                               or _SPREAD_BEFORE_RE.search(text, max(0, start - 30), start) for start, end in spans)


_LIFE_DATES_RE = re.compile(r"\(\s*(?:[^\W\d][\w.'-]*\s*:?\s*)?(\d{3,4})\s*[-–]")
_LIFE_SPAN_RE = re.compile(r"([^\W\d][\w.'-]*)\s*\(\s*(?:[^\W\d][\w.'-]*\s*:?\s*)?(\d{3,4})\s*[-–]\s*(\d{3,4})\s*\)"
                           r"|\(\s*([^\W\d][\w.'-]*)\s*:?\s*(\d{3,4})\s*[-–]\s*(\d{3,4})\s*\)")


def life_role(text: str, year: str, question_tokens: frozenset[str], event: str | None) -> bool | None:
    """Whether ``year`` in a bracketed life span ("(1634-1700)") answers the question: the span of the
    question's own subject ("Shakespeare (1564-1616)", "(Mozart: 1756-1791)") gives the birth year first
    and the death year last; someone else's span answers nothing. None: no span says."""
    if "(" not in text:
        return None
    for m in _LIFE_SPAN_RE.finditer(text):
        name, start, end = (m.group(1), m.group(2), m.group(3)) if m.group(2) else m.groups()[3:]
        if year not in (start, end):
            continue
        if name.lower() in question_tokens:
            return year == (start if event == "born" else end) if event in ("born", "die") else None
        return False  # "his wife Catherine (1815-1879)": another person's life
    return False if year in _LIFE_DATES_RE.findall(text) else None  # "(1634-" cut off: a span's start
