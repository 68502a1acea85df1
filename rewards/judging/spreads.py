"""Numbers given with a spread ("1912 ± 3", "give or take a few", "within a few of 1912"): a range,
not one answer."""

from __future__ import annotations

import re

__all__ = ["spread_only"]

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
