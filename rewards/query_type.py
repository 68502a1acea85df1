"""Classify a query as text-grounded, knowledge-seeking or creative, in English and Chinese.

Each kind gets its own shaping: a text-grounded answer must stay faithful to the text the
user supplied, a knowledge-seeking answer is judged correct / abstain / wrong, and a
creative request has no single true answer, so "hallucination" is never penalised there.

The rules, in order of precedence:

1. A short follow-up ("Make it funnier.", "再来一个。") inherits the previous request's kind.
2. A request for a creative form (poem, story, joke, slogan, a name *for* something) or a
   creative frame (imagine, pretend, role-play, in the style of) is CREATIVE, even when
   it mentions facts or supplies a text ("Rewrite this paragraph as a poem: ...").
3. A query that supplies a text (a passage, a quoted sentence to translate, a code block),
   points at one ("according to the passage", "根据上文"), or comes after a passage in the
   conversation is TEXT_GROUNDED.
4. Everything else (wh-questions, "explain", "how do I", "写一个排序函数") is KNOWLEDGE_SEEKING.
"""

from __future__ import annotations

import re
from typing import Any, Sequence

from rewards import query_cues as cues
from rewards.messages import message_text, query_text
from rewards.outcome import ValueEnum

__all__ = ["QueryType", "classify_query", "has_passage", "is_question", "sentences", "text_size"]


class QueryType(ValueEnum):
    """The three kinds of user query, each shaped differently.

    >>> QueryType.CREATIVE == "creative"
    True
    """

    TEXT_GROUNDED = "text-grounded"
    KNOWLEDGE_SEEKING = "knowledge-seeking"
    CREATIVE = "creative"


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’-][A-Za-z0-9]+)*")
_SENTENCE = re.compile(r"(?:[^.!?。！？\n]|\.(?=\S))+[.!?。！？]*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def text_size(text: str) -> float:
    """Length in word units: Latin words plus CJK characters / 1.5 (about a word each).

    >>> text_size("Paris is big."), text_size("巴黎很大") * 1.5
    (3.0, 4.0)
    """
    return len(_WORD.findall(text)) + len(_CJK.findall(text)) / 1.5


def sentences(text: str) -> list[str]:
    """Sentences with their end punctuation kept (so a question still ends with "?").

    >>> sentences("It opened in 1937. When did it close?")
    ['It opened in 1937.', 'When did it close?']
    """
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def is_question(sentence: str) -> bool:
    """True when a sentence asks something: a question mark, a question word first, or a Chinese question cue.

    >>> is_question("When did it open"), is_question("It opened in 1937.")
    (True, False)
    """
    s = sentence.strip().lower()
    return s.endswith(("?", "？")) or bool(cues.QUESTION_START.match(s)) or bool(cues.ZH_QUESTION.search(s))


def has_passage(text: str, *, min_size: float = 25.0) -> bool:
    """True when ``text`` holds a passage: marked ("Context: ...", a code block) or a
    block of several third-person declarative sentences, not instructions or a personal
    situation, and not a short arithmetic word problem.

    >>> has_passage("Context: Paris is the capital of France.")
    True
    >>> has_passage("You are a helpful assistant. Answer briefly.")
    False
    """
    if not text.strip():
        return False
    lowered = text.lower()
    if cues.PASSAGE_MARKER.search(lowered) or "```" in text:
        return True
    statements = [s for s in sentences(text) if not is_question(s)]
    body = " ".join(statements)
    if len(statements) < 2 or text_size(body) < min_size:
        return False
    words = max(text_size(body), 1.0)
    if len(cues.PERSONAL.findall(body.lower())) / words > 0.04:  # "I", "my", "you", "your"...
        return False
    if len(cues.INSTRUCTION.findall(body.lower())) / words > 0.03:  # "always", "should", "answer"...
        return False
    questions = " ".join(s for s in sentences(text) if is_question(s)).lower()
    if len(_NUMBER.findall(body)) >= 2 and cues.ARITHMETIC.search(questions) and text_size(body) < 60:
        return False
    return True


def _supplies_text(query: str) -> bool:
    """True when the query itself carries or points at a text to work on."""
    lowered = query.lower()
    if cues.POINTS_AT_TEXT.search(lowered) or cues.ZH_POINTS_AT_TEXT.search(query):
        return True
    if cues.TRANSFORM.search(lowered) or cues.ZH_TRANSFORM.search(query):
        # "Translate 'good morning' into Spanish", "Summarize: ...", "把这句话翻译成英文"
        if cues.QUOTED.search(query) or cues.COLON_CONTENT.search(query) or cues.DEICTIC.search(lowered):
            return True
        if cues.ZH_DEICTIC.search(query):
            return True
        if text_size(query) >= 30:  # a transform verb with a text pasted after it
            return True
    return has_passage(query, min_size=30.0)


def _first(pattern: re.Pattern[str], text: str) -> int:
    match = pattern.search(text)
    return match.start() if match else len(text) + 1


def _imperative(lowered: str, start: int) -> bool:
    """True when the verb at ``start`` opens its sentence as a request ("Please write ...")."""
    sentence_start = max(lowered.rfind(ch, 0, start) for ch in ".!?;:,\n") + 1
    return bool(cues.IMPERATIVE_PREFIX.match(lowered[sentence_start:start]))


def _asks_for_writing(lowered: str) -> bool:
    """A writing verb whose object is a creative form, or a bare writing verb ("Write a
    letter to my future self") whose object is not factual, grounded or code."""
    for verbs, bare_is_creative in ((cues.WRITE_VERB, True), (cues.REQUEST_VERB, False)):
        for match in verbs.finditer(lowered):
            obj = re.split(r"[.?!:;\n]", lowered[match.end():match.end() + 60], maxsplit=1)[0]
            if not bare_is_creative and re.match(r"\s+(?:me\s+|us\s+)?about\b", obj):
                continue  # "tell me about the plot of ..." asks for facts
            form, code, factual = (_first(p, obj) for p in (cues.CREATIVE_FORM, cues.CODE_REQUEST, cues.FACTUAL_OBJECT))
            if bare_is_creative and not _imperative(lowered, match.start()):
                continue  # "Keats decided to write a poem", "What did he write about?"
            if form < min(code, factual) and (bare_is_creative or len(obj[:form].split()) <= 5):
                return True
            near = min(code, factual if len(obj[:factual].split()) <= 4 else len(obj) + 1)
            if bare_is_creative and min(form, near) > len(obj):
                return True
    return False


_SHORT_QUOTE = re.compile(r"[\"“«「『][^\"”»」』]{1,80}[\"”»」』]|(?<!\w)'[^'\n]{1,80}'(?!\w)")


def _is_creative(query: str) -> bool:
    # Supplied texts and quoted titles ("Who wrote the song 'Imagine'?") are not requests.
    query = _SHORT_QUOTE.sub(" [text] ", cues.SUPPLIED_SPAN.sub(" [text] ", query))
    lowered = query.lower()
    if cues.GROUNDED_TITLE.search(lowered) or cues.ZH_GROUNDED_TITLE.search(query):
        return False
    if cues.CREATIVE_FRAME.search(lowered) or cues.ZH_CREATIVE_FRAME.search(query):
        return True
    if cues.FORM_ONLY.match(lowered) or cues.NAME_MY.search(lowered):
        return True
    if _asks_for_writing(lowered) or cues.TURN_INTO.search(lowered):
        return True
    if cues.CREATIVE_OBJECT_REQUEST.search(lowered):
        return True
    return bool(cues.ZH_CREATIVE.search(query)) and not cues.ZH_FACTUAL_OBJECT.search(query)


def _turns(prompt: Sequence[Any]) -> tuple[list[str], list[str], str]:
    """Split a chat into (system texts, earlier user texts, last user turn)."""
    for message in prompt:
        if not isinstance(message, dict):
            raise TypeError(
                f"classify_query got a chat message {message!r}; each message must be a dict with "
                "'role' and 'content' keys, as in TRL's conversational format."
            )
    last_user = max((i for i, m in enumerate(prompt) if m.get("role") == "user"),
                    default=len(prompt) - 1)
    system = [message_text(m) for m in prompt[:last_user] if m.get("role") == "system"]
    users = [message_text(m) for m in prompt[:last_user] if m.get("role") == "user"]
    return system, users, query_text(list(prompt[:last_user + 1]))


def classify_query(prompt: str | Sequence[dict[str, Any]]) -> QueryType:
    """Return the kind of a query: a string, or a chat whose last user turn is the query.

    Earlier turns and the system message are the query's context: a passage supplied
    there makes a question about it text-grounded.

    >>> classify_query("What is the capital of Mongolia?")
    <QueryType.KNOWLEDGE_SEEKING: 'knowledge-seeking'>
    >>> classify_query("写一个关于月亮的故事")
    <QueryType.CREATIVE: 'creative'>
    >>> classify_query("Translate this sentence: Je suis fatigué.")
    <QueryType.TEXT_GROUNDED: 'text-grounded'>
    """
    if isinstance(prompt, str):
        system, users, query = [], [], prompt
    elif isinstance(prompt, (list, tuple)):
        system, users, query = _turns(prompt)
    else:
        raise TypeError(
            f"classify_query got a {type(prompt).__name__}: {prompt!r}; pass a string or a "
            "list of {'role', 'content'} messages."
        )
    query, system, users = _clip(query), [_clip(s) for s in system], [_clip(u) for u in users]
    if users and (_is_follow_up(query) or _answers_a_clarifying_question(prompt, query)):
        user_turns = [i for i, m in enumerate(prompt) if m.get("role") == "user"]
        return classify_query(list(prompt[:user_turns[-2] + 1]))
    if _is_creative(query):
        return QueryType.CREATIVE
    if any(cues.CREATIVE_PERSONA.search(s.lower()) for s in system) and not _asks_something(query):
        return QueryType.CREATIVE  # "You are a poet." + "Something about autumn, please."
    if _supplies_text(query):
        return QueryType.TEXT_GROUNDED
    context_passage = any(has_passage(u) for u in users) or any(has_passage(s, min_size=60.0) for s in system)
    if context_passage:
        return QueryType.TEXT_GROUNDED
    return QueryType.KNOWLEDGE_SEEKING


#: Longer texts are read as their first and last MAX_READ // 2 characters: the cues of a query
#: (an instruction, a "Passage:" marker, the question) sit at its ends, and reading every
#: character of a megabyte would let one prompt stall a training step.
MAX_READ = 32_000


def _clip(text: str) -> str:
    """``text``, or its two ends when it is longer than :data:`MAX_READ` characters."""
    if len(text) <= MAX_READ:
        return text
    half = MAX_READ // 2
    return text[:half] + "\n" + text[-half:]


def _asks_something(query: str) -> bool:
    return any(is_question(s) for s in sentences(query))


def _answers_a_clarifying_question(prompt: Sequence[dict[str, Any]], query: str) -> bool:
    """A short reply ("About a talking cat.") to the assistant's question just before it."""
    last_user = max(i for i, m in enumerate(prompt) if m.get("role") == "user")
    before = [m for m in prompt[:last_user] if m.get("role") == "assistant"]
    asked = (bool(before) and prompt[last_user - 1] is before[-1]
             and message_text(before[-1]).rstrip().endswith(("?", "？")))
    return asked and text_size(query) <= 15 and not _asks_something(query)


def _is_follow_up(query: str) -> bool:
    """A short edit or "another one" request that only makes sense after an earlier turn."""
    return text_size(query) <= 10 and bool(cues.FOLLOW_UP.match(query.strip().lower()))
