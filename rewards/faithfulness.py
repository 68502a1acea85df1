"""Faithfulness to a supplied text: the reward for text-grounded queries.

On a text-grounded query (a passage, a document, "according to the article") the answer
must come from the text the user supplied. The reward measures how much of a response the
text supports -- its content words, and above all its numbers and names, which are where
an ungrounded answer shows -- and rewards declining when the text lacks the answer.
Lexical support is a cheap, deterministic proxy for entailment (in the spirit of the
token-overlap checks of Dziri et al., 2022, "On the origin of hallucinations in
conversational models"): it catches invented numbers and names, not subtle paraphrase
errors.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from rewards.base import Reward, check_column_names, register
from rewards.judging import judge
from rewards.judging.abstention import folded_clause_cues, is_abstention, is_degenerate
from rewards.messages import completion_text, context_text, query_text
from rewards.outcome import Outcome, check_outcome_order, has_no_true_answer
from rewards.query_type import QueryType, classify_query, is_question, sentences, text_size
from rewards.text import answer_tokens, prepare, split_clauses

__all__ = ["FaithfulnessReward", "declines_from_text", "support"]

_STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each either few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just me more most my
    myself no nor not of off on once only or other our ours out over own same she should so some such than that
    the their theirs them then there these they this those through to too under until up very was we were what
    when where which while who whom why will with would you your yours yes yeah ok okay well there's it's that's
    answer answers text passage article document context paragraph excerpt according mentioned mentions mention
    says said say states stated state based given provided following above below author writes written question
    one called named known also however therefore thus many much may might must shall let like get got
    的 了 是 在 和 与 及 也 都 就 而 且 或 把 被 对 从 到 为 以 于 之 其 这 那
    个 一 有 中 上 下 不 没 吗 呢 吧 啊 着 过 给 让 文 章 根 据""".split()
)
# Declines that refer to the text rather than to the model's knowledge.
_TEXT_DECLINE = re.compile(
    r"""\b(?:the\s+)?(?:text|passage|article|document|context|paragraph|excerpt|source|email|story|report)s?\s+
          (?:does\s*(?:n['’]t|\s+not)|did\s*(?:n['’]t|\s+not)|do\s*(?:n['’]t|\s+not))\s+(?:\w+\s+)?
          (?:say|mention|state|specify|provide|include|contain|give|tell|indicate|discuss|address|cover|reveal)
      | \bnot\s+(?:mentioned|stated|specified|given|provided|included|addressed|covered|discussed|said)\s+
          (?:in|by)\s+the\b
      | \bno\s+(?:information|mention|details?|data|answer)\s+(?:about|on|of|regarding\s+)?.{0,40}?
          \b(?:in|from)\s+the\s+(?:text|passage|article|document|context|paragraph|excerpt)
      | \b(?:the\s+)?(?:text|passage|article|document|context)\s+
          (?:is\s+silent|has\s+no|gives\s+no|provides\s+no|contains\s+no)
      | (?:文中|文章|原文|材料|短文|段落|上文|这段话|资料|文本)(?:中|里)?(?:并)?(?:没有|没|未)(?:有)?
          (?:提到|提及|说明|给出|涉及|交代|写|说)""",
    re.VERBOSE | re.IGNORECASE,
)
_MIN_MATERIAL = 5  # words of non-question text a prompt must supply to count as a passage
_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CJK_RUN_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_ENTITY_RE = re.compile(r"(?<![\w'’])[A-Z][\w'’-]*")
_TRANSLATE_RE = re.compile(
    r"\btranslat\w*\b|翻译|译成|译为|[用说]\w{0,4}(?:英语|英文|中文|日语|法语|德语)", re.IGNORECASE
)


def declines_from_text(response: str) -> bool:
    """True when a response declines ("I don't know", "The passage does not say") and asserts
    nothing else: a decline followed by an answer is an answer.

    >>> declines_from_text("The passage does not mention when it opened.")
    True
    >>> declines_from_text("It opened in 1937.")
    False
    >>> declines_from_text("The passage does not say, but it was John Smith in 1938.")
    False
    """
    if is_abstention(response):
        return True
    if not _TEXT_DECLINE.search(response):
        return False
    for clause in split_clauses(prepare(response)):
        if _TEXT_DECLINE.search(clause) or folded_clause_cues(clause)[0]:
            continue
        if folded_clause_cues(clause)[1] or any(ch.isdigit() for ch in clause):
            return False  # "..., but it was John Smith in 1938": an answer after the decline
    return True


def _stem(token: str) -> str:
    for suffix, repl in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""), ("ly", "")):
        if len(token) > len(suffix) + 3 and token.endswith(suffix):
            return token[: -len(suffix)] + repl
    return token


def _content(tokens: list[str]) -> list[str]:
    return [_stem(t) for t in tokens if t not in _STOPWORDS]


def _cjk_bigrams(text: str) -> list[list[str]]:
    """For each Chinese run, its character bigrams (stopword characters dropped from long runs;
    single characters carry little meaning, and "唐代" and "宋代" share one)."""
    out = []
    for run in _CJK_RUN_RE.findall(unicodedata.normalize("NFKC", text)):
        chars = [ch for ch in run if ch not in _STOPWORDS] if len(run) > 2 else list(run)
        out.append(["".join(pair) for pair in zip(chars, chars[1:])] or chars)
    return out


def support(response: str, text: str) -> tuple[float, int]:
    """Return (share of the response's content units found in ``text``, number of its
    claims that ``text`` lacks: numbers, capitalised names, and Chinese spans of two or more
    unsupported bigrams, which is how a new name or fact shows in Chinese).

    >>> support("It opened in 1937 in San Francisco.", "The bridge opened in 1937 in San Francisco.")
    (1.0, 0)
    >>> support("It opened in 1938.", "The bridge opened in 1937.")
    (0.5, 1)
    >>> support("李白出生于碎叶城。", "李白是唐代著名诗人。")  # doctest: +ELLIPSIS
    (0.16..., 1)
    """
    source = set(_content([t for t in answer_tokens(text) if not _CJK_RE.fullmatch(t)]))
    for run in _CJK_RUN_RE.findall(unicodedata.normalize("NFKC", text)):
        source.update(run)  # a one-character answer is supported by any occurrence
        source.update("".join(pair) for pair in zip(run, run[1:]))
    words = _content([t for t in answer_tokens(response) if not _CJK_RE.fullmatch(t)])
    claims = {w for w in words if w[0].isdigit()}
    for name in _ENTITY_RE.findall(response):
        claims.update(_content(answer_tokens(name)))
    missing = sum(1 for c in claims if c not in source)
    for bigrams in _cjk_bigrams(response):
        words += bigrams
        flags = "".join("1" if b in source else "0" for b in bigrams)
        missing += len(re.findall("00+", flags))
    share = sum(w in source for w in words) / len(words) if words else 1.0
    return share, missing


@register
class FaithfulnessReward(Reward):
    """Reward answers that the user's text supports; reward declining when it lacks the answer.

    A row's text is its ``passage_column`` value or, when that is missing or empty,
    the passage in the prompt (earlier chat turns, the system message or the query itself)
    of a query that :func:`~rewards.classify_query` finds text-grounded. Rows without a
    text get None (the reward does not apply), as do translations, which share few words
    with their source.

    A response scores ``unsupported + (supported - unsupported) * share * 0.5 ** missing``,
    where ``share`` is the fraction of its content words the text holds and ``missing``
    counts its numbers and names the text lacks. With an ``answers_column`` (gold answers
    found in the text; ``[]`` when the text lacks the answer): declining scores
    ``supported`` when the text lacks the answer and ``abstain`` when it holds it; an
    answer when the text lacks one, or one that misses every gold answer, scores
    ``unsupported``. Without gold answers, declining scores ``abstain``.

    >>> r = FaithfulnessReward()
    >>> passage = "The Golden Gate Bridge opened in 1937. It was designed by Joseph Strauss."
    >>> r(["When did the bridge open?"] * 3,
    ...   ["It opened in 1937.", "It opened in 1938, designed by John Smith.", "The text does not say."],
    ...   passage=[passage] * 3)
    [1.0, -0.9..., 0.0]
    """

    def __init__(
        self,
        supported: float = 1.0,
        abstain: float = 0.0,
        unsupported: float = -1.0,
        *,
        passage_column: str = "passage",
        answers_column: str = "answers",
        name: str = "faithfulness",
    ) -> None:
        check_outcome_order(supported, abstain, unsupported, where=type(self).__name__,
                            names=("supported", "abstain", "unsupported"))
        check_column_names(passage_column=passage_column, answers_column=answers_column)
        self.supported, self.abstain, self.unsupported = float(supported), float(abstain), float(unsupported)
        self.passage_column, self.answers_column, self.name = passage_column, answers_column, name

    def source_text(self, prompt: Any, row: dict[str, Any]) -> str | None:
        """The text a response must stay faithful to, or None when the row has none."""
        if self.passage_column in row:
            passage = row[self.passage_column]
            if passage is not None and not isinstance(passage, str):
                raise TypeError(
                    f"Column {self.passage_column!r} holds {type(passage).__name__} {passage!r}; "
                    "it must hold the passage text (a string), or None for rows without one."
                )
            if passage and passage.strip():
                return passage
        if classify_query(prompt) is not QueryType.TEXT_GROUNDED:
            return None
        text = "\n".join(t for t in (context_text(prompt), query_text(prompt)) if t)
        # "According to the passage, ...?" with no passage anywhere: nothing to check against.
        material = [s for s in sentences(text) if not is_question(s)]
        return text if text_size(" ".join(material)) >= _MIN_MATERIAL else None

    def log(self, log_metric, prompts, completions, scores, rows) -> None:
        """Log the share of rows the reward applied to and their mean score."""
        applied = [s for s in scores if s is not None]
        log_metric(f"{self.__name__}/applicable_rate", len(applied) / len(scores) if scores else 0.0)
        if applied:
            log_metric(f"{self.__name__}/mean", sum(applied) / len(applied))

    def score(self, prompt: Any, completion: Any, **row: Any) -> float | None:
        text = self.source_text(prompt, row)
        question = query_text(prompt)
        if text is None or _TRANSLATE_RE.search(question):
            return None
        response = completion_text(completion)
        answers = row.get(self.answers_column)
        if answers is not None and not isinstance(answers, (list, tuple)):
            raise TypeError(
                f"Column {self.answers_column!r} holds {answers!r}; it must hold a list of gold "
                "answers ([] when the text lacks the answer), or None."
            )
        if is_degenerate(response):
            return self.unsupported
        if declines_from_text(response):
            return self.supported if has_no_true_answer(answers) else self.abstain
        if answers is not None and (has_no_true_answer(answers)
                                    or judge(response, list(answers)).outcome is not Outcome.CORRECT):
            return self.unsupported
        share, missing = support(response, text + "\n" + question)
        return self.unsupported + (self.supported - self.unsupported) * share * 0.5**missing
