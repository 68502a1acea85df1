"""Gold answers prepared for matching: normalized tokens, symbols, aliases and surnames.

Each acceptable answer becomes a :class:`GoldAnswer`: its normalized tokens (numbers
written one way, see :mod:`rewards.text`) and the " tok tok " pattern the judge looks
for on token boundaries. One- and two-letter golds (chemical symbols such as "Fe", "C",
"I") are matched case-sensitively on the raw text instead, and "I" as the pronoun never
counts. A parenthetical alias ("Yangon (Rangoon)") names the answer too, and so does a
person's surname when the question asks "who".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rewards.number_words import NUMBER_WORDS
from rewards.text import answer_tokens, fold

__all__ = ["GoldAnswer", "gold_answers", "is_who_question", "only_elsewhere", "question_pattern", "surname_answers"]

_WHO_RE = re.compile(r"\s*(?:who|whom|whose)\b|.*谁", re.IGNORECASE)
_PARENTHETICAL_RE = re.compile(r"\(([^()]*)\)")
_LETTER_RUN_RE = re.compile(r"[^\W\d_]+")
_SPELLED = NUMBER_WORDS | {"and", "point"}
_SYMBOL_RE = re.compile(r"^[A-Z][a-z]?$")
_PRONOUN_FOLLOWERS = (
    r"(?!\s*['\u2019]|\s+(?:am|was|think|believe|guess|suppose|don|do|did|have|had|can|could|cannot|would|will|"
    r"know|hope|must|should|might|may|need|feel|recall|remember|understand|see|assume|mean|wonder|say|said|"
    r"apologi[sz]e|want|wish|am|really|also|just|only|still|found|checked|looked)\b)"
)


@dataclass(frozen=True)
class GoldAnswer:
    """One acceptable answer, ready to be looked for in a response.

    Attributes:
        text: the answer as given (what a :class:`~rewards.judging.Verdict` reports as matched).
        tokens: its normalized tokens.
        pattern: ``" tok tok "``, for a search on token boundaries.
        symbol: a case-sensitive regex for a one- or two-letter symbol, else None.
        key: a run of letters every match must contain in the folded response ("" if none);
            a response without it cannot match, so it skips tokenization.
        literal: the symbol as written (NFKC), which every ``symbol`` match contains.

    >>> gold_answers(("Seventy-four",))[0].pattern
    ' 74 '
    """

    text: str
    tokens: tuple[str, ...]
    pattern: str
    symbol: re.Pattern | None
    key: str
    literal: str = ""

    def renamed(self, text: str) -> "GoldAnswer":
        """The same match, reported under another answer's text (an alias of it)."""
        return GoldAnswer(text, self.tokens, self.pattern, self.symbol, self.key, self.literal)


_CONTINENT_ADJECTIVES = {"africa": "African", "asia": "Asian", "europe": "European", "north america": "North American",
                         "south america": "South American", "oceania": "Oceanian", "antarctica": "Antarctic",
                         "australia": "Australian"}


#: Spellings of one unit: a gold "979 m" is given as "979 metres" too.
_UNIT_GROUPS = (("m", "metre", "metres", "meter", "meters"),
                ("km", "kilometre", "kilometres", "kilometer", "kilometers"),
                ("cm", "centimetre", "centimetres", "centimeter", "centimeters"),
                ("mm", "millimetre", "millimetres", "millimeter", "millimeters"), ("ft", "foot", "feet"),
                ("mi", "mile", "miles"), ("kg", "kilogram", "kilograms", "kilos"), ("g", "gram", "grams"),
                ("lb", "lbs", "pound", "pounds"), ("l", "litre", "litres", "liter", "liters"),
                ("s", "sec", "second", "seconds"), ("min", "minute", "minutes"), ("h", "hr", "hour", "hours"),
                ("km2", "sq km", "square kilometres", "square kilometers"))
_UNIT_OF = {spelling: group for group in _UNIT_GROUPS for spelling in group}


def _unit_spellings(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """The gold's other spellings when it is a number and a unit ("979 m" -> "979 metres", ...)."""
    if len(tokens) < 2 or not tokens[0][:1].isdigit() or tokens[1:] == ("s",) and tokens[0].endswith("0"):
        return ()  # no number, or a decade ("1990s" is no time in seconds)
    unit = " ".join(tokens[1:])
    group = _UNIT_OF.get(unit)
    return tuple(f"{tokens[0]} {other}" for other in group if other != unit) if group else ()


@lru_cache(maxsize=16384)
def gold_answers(answers: tuple[str, ...], spell_units: bool = True) -> tuple[GoldAnswer, ...]:
    """Prepare every answer of ``answers`` (and its parenthetical aliases) for matching.

    Raises ``TypeError`` when an answer is not a string.

    >>> [g.pattern for g in gold_answers(("Yangon (Rangoon)",))]
    [' yangon rangoon ', ' yangon ', ' rangoon ']
    """
    out = []
    for text in answers:
        if not isinstance(text, str):
            raise TypeError(f"judge needs the gold answers as a list of strings, got {answers!r}; use [] for none.")
        raw = unicodedata.normalize("NFKC", text).strip()
        tokens = tuple(answer_tokens(raw))
        symbol = None
        if _SYMBOL_RE.match(raw):
            follow = _PRONOUN_FOLLOWERS if raw == "I" else ""
            symbol = re.compile(rf"(?<![\w'\u2019]){re.escape(raw)}(?![\w'\u2019]){follow}")
        # A letters-only gold matches only where its longest run of letters appears in the
        # folded response, so most non-matching responses skip tokenization.
        runs = _LETTER_RUN_RE.findall(fold(raw))
        spelled_number = any(t[0].isdigit() for t in tokens) or any(r in _SPELLED for r in runs)
        key = max(runs, key=len) if runs and not spelled_number and symbol is None else ""
        if tokens or symbol:
            pattern = " " + " ".join(tokens) + " "
            out.append(GoldAnswer(text, tokens, pattern, symbol, key if len(key) >= 3 else "", raw))
        adjective = _CONTINENT_ADJECTIVES.get(raw.casefold())
        if adjective:  # "part of the South American continent" names South America
            out += [g.renamed(text) for g in gold_answers((f"{adjective} continent",))]
        spelled = _unit_spellings(tokens) if spell_units else ()
        if spelled:  # "979 m": "979 metres" and "979 meters" give it too
            out += [g.renamed(text) for g in gold_answers(spelled, False)]
        bare = _PARENTHETICAL_RE.sub(" ", raw).strip()
        if bare and bare != raw:  # "Yangon (Rangoon)": "Yangon" and "Rangoon" name it too
            extra = [bare] + [inner.strip() for inner in _PARENTHETICAL_RE.findall(raw)]
            out += [g.renamed(text) for g in gold_answers(tuple(e for e in extra if e))]
    return tuple(out)


@lru_cache(maxsize=16384)
def is_who_question(question: str) -> bool:
    """Whether the question asks for a person ("Who ...", "谁").

    >>> is_who_question("Who discovered oxygen?"), is_who_question("What is oxygen?")
    (True, False)
    """
    return _WHO_RE.match(question) is not None


@lru_cache(maxsize=16384)
def surname_answers(answers: tuple[str, ...]) -> tuple[GoldAnswer, ...]:
    """For a "who" question, a person's last name names them ("Priestley" for "Joseph Priestley").

    >>> [(g.text, g.pattern) for g in surname_answers(("Joseph Priestley",))]
    [('Joseph Priestley', ' priestley ')]
    """
    out = []
    for text in answers:
        words = unicodedata.normalize("NFKC", text).split()
        if len(words) >= 2 and words[-1][:1].isupper() and words[-1].isalpha() and len(words[-1]) >= 4:
            out += [g.renamed(text) for g in gold_answers((words[-1],))]
    return tuple(out)


@lru_cache(maxsize=16384)
def question_pattern(question: str) -> str:
    """The question's normalized tokens as ``" tok tok "``, to find a gold answer inside it.

    >>> question_pattern("What is the capital of Guinea-Bissau?")
    ' what is capital of guinea bissau '
    """
    return " " + " ".join(answer_tokens(question)) + " "


_FORMULA_RE = re.compile(r"(?=[A-Za-z0-9₀-₉]*\d)[A-Z][A-Za-z0-9₀-₉]{1,15}")
_ZH_RELATION = r"的(?:好|老)?(?:朋友|妻子|丈夫|学生|老师|儿子|女儿|父亲|母亲|兄弟|姐妹|弟子|同事|助手)"


def only_elsewhere(gold: GoldAnswer, response: str) -> str | None:
    """Why every occurrence of ``gold`` in ``response`` is part of something else, or None:
    a formula inside a longer one ("H2O2" for "H2O"), a Chinese name as someone's relative (李白的好朋友).

    >>> only_elsewhere(gold_answers(("H2O",))[0], "It is H2O2.")
    "names 'H2O' only inside a longer formula"
    """
    if _FORMULA_RE.fullmatch(gold.literal) and not re.search(re.escape(gold.literal) + r"(?![0-9A-Za-z₀-₉])",
                                                             response):
        return f"names {gold.text!r} only inside a longer formula"
    if not gold.text.isascii() and re.search(re.escape(gold.text) + _ZH_RELATION, response):
        return f"names {gold.text!r} only as someone else's relative or associate"
    return None
