"""Chemical symbols asserted in a response ("Fe", "Au"): found on the raw text, by case."""

from __future__ import annotations

import re
import unicodedata

from rewards.judging.abstention import clause_cues
from rewards.judging.gold import GoldAnswer
from rewards.judging.grammar import DOUBTED_WORDS, NEGATORS
from rewards.text import answer_tokens, split_clauses

__all__ = ["of_other_subject", "symbol_clauses"]

_WORDLIKE_SYMBOLS = frozenset({"He", "Be", "No", "As", "In", "At", "Am", "Es", "Os", "Ho", "Po", "Mo", "Re", "Ti"})
_SYMBOL_SENTENCE_RE = re.compile(r"\s+is\s+(?:the\s+|its\s+)?(?:chemical\s+|element\s+)?symbol")


def symbol_clauses(response: str, n_clauses: int, gold: GoldAnswer, why: str) -> tuple[list[int], str]:
    """The clauses where ``response`` asserts the chemical symbol ``gold`` (``n_clauses``: how many
    the folded response has), and why others are not: a case-sensitive search on the raw
    response's clauses, since symbols lose their case when folded."""
    response = unicodedata.normalize("NFKC", response)
    if gold.literal not in response:  # every match holds the symbol, and clauses are substrings
        return _other_case(response, n_clauses, gold), why
    found = []
    for k, clause in enumerate(split_clauses(response)):
        for m in gold.symbol.finditer(clause):
            if gold.text in _WORDLIKE_SYMBOLS and m.start() == 0 and m.end() < len(clause) \
                    and not _SYMBOL_SENTENCE_RE.match(clause, m.end()):
                continue  # "No, ..." / "He was ..." at the start of a sentence
            if clause_cues(clause)[0]:
                why = why or f"mentions {gold.text!r} only while declining"
                continue
            before = answer_tokens(clause[: m.start()])[-5:]
            negator = next((i for i, t in enumerate(before) if t in NEGATORS), None)
            negated = negator is not None and DOUBTED_WORDS.isdisjoint(before[negator:])  # "not 100% sure it's Au"
            if negated or re.match(r"\s*(?:or|/)\s", clause[m.end():]) or re.search(r"\bor\s*$", clause[: m.start()]):
                why = f"negates or doubles {gold.text!r}"
                continue
            found.append(min(k, n_clauses - 1))
            break
    return found, why


def _other_case(response: str, n_clauses: int, gold: GoldAnswer) -> list[int]:
    """The symbol in another case where nothing else can be meant: the whole response ("AU", "'au'")
    or what follows "symbol is" ("The symbol is AU."); a symbol that is also a word ("He", "No") never."""
    if gold.text in _WORDLIKE_SYMBOLS or gold.literal.lower() not in response.lower():
        return []
    sym = re.escape(gold.literal)
    if re.fullmatch(rf"[\s'\"`*.]*{sym}[\s'\"`*.!]*", response, re.IGNORECASE) or re.search(
            rf"\bsymbol\s+(?:is|:)\s*['\"`*]*{sym}(?![\w'])", response, re.IGNORECASE):
        return [n_clauses - 1]
    return []


def of_other_subject(response: str, symbol: str, roles_tokens: frozenset[str]) -> bool:
    """Whether every occurrence of ``symbol`` in ``response`` is given to another named subject than the
    question's ("Silver is Ag.", "Ag is silver's symbol", "potassium (K)"): a true side fact, no rival."""
    sym = re.escape(symbol)
    pattern = rf"(?<![\w'])([A-Za-z]+)(?:'s\s+symbol)?(?:,[^,.;]{{1,40}},)?\s+(?:is|=|:|\()\s*{sym}(?![\w'])" \
              rf"|(?<![\w']){sym}\s+(?:is|for|=|stands\s+for)\s+(?:the\s+symbol\s+(?:for|of)\s+)?([A-Za-z]+)"
    total = len(re.findall(rf"(?<![\w']){sym}(?![\w'])", response))
    others = [m for m in re.finditer(pattern, response)
              if (m.group(1) or m.group(2)).lower() not in roles_tokens | {"it", "this", "that", "symbol", "answer"}]
    return 0 < total == len(others)
