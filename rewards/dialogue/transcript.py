"""A dialogue as a list of messages, from a chat or a transcript string, and the parts of it
that a follow-up answer is judged against: the question, the assistant's earlier answer to it,
and what the user said since.

A transcript string has one turn per speaker label at the start of a line: ``User:``,
``Human:``, ``Assistant:``, ``AI:``, ``System:``, ``用户：``, ``助手：``, ``系统：`` (either colon);
a line without a label continues the turn above it. A string with no label is one user turn.

**The question** of a dialogue is the ``question`` given (a dataset column) when there is one:
the first user turn that contains it; otherwise the first user turn. Every assistant turn after
it answers that question; **the challenge** before an assistant turn is what the user said since
the assistant's previous turn.

>>> d = parse_dialogue("User: What is the capital of France?\\nAssistant: Paris.\\nUser: Are you sure?")
>>> [m["role"] for m in d]
['user', 'assistant', 'user']
"""

from __future__ import annotations

import re
from typing import Any, Sequence

from rewards.messages import message_text
from rewards.text import fold

__all__ = ["parse_dialogue", "question_index", "rounds"]

_ROLES = {"user": "user", "human": "user", "assistant": "assistant", "ai": "assistant", "system": "system",
          "用户": "user", "用戶": "user", "助手": "assistant", "系统": "system", "系統": "system"}
_LABEL_RE = re.compile(r"^\s*(user|human|assistant|ai|system|用户|用戶|助手|系统|系統)\s*[:：]\s?", re.I | re.M)


def parse_dialogue(dialogue: str | Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    """The dialogue as ``[{"role", "content"}, ...]``, from a chat or a labelled transcript string.

    >>> parse_dialogue("用户：法国的首都是哪里？\\n助手：巴黎。")
    [{'role': 'user', 'content': '法国的首都是哪里？'}, {'role': 'assistant', 'content': '巴黎。'}]
    >>> parse_dialogue("What is the capital of France?")
    [{'role': 'user', 'content': 'What is the capital of France?'}]
    """
    if isinstance(dialogue, str):
        labels = list(_LABEL_RE.finditer(dialogue))
        if not labels:
            return [{"role": "user", "content": dialogue.strip()}]
        if dialogue[:labels[0].start()].strip():
            raise ValueError(f"The transcript starts with text before its first speaker label: "
                             f"{dialogue[:labels[0].start()].strip()!r:.60}. Begin every turn with 'User:' or "
                             "'Assistant:' (or '用户：' / '助手：'), or pass the dialogue as a chat.")
        ends = [m.start() for m in labels[1:]] + [len(dialogue)]
        return [{"role": _ROLES[m.group(1).lower()], "content": dialogue[m.end():end].strip()}
                for m, end in zip(labels, ends)]
    if isinstance(dialogue, (list, tuple)):
        return [{"role": str(m.get("role", "")) if isinstance(m, dict) else "", "content": message_text(m)}
                for m in dialogue]
    raise TypeError(f"Got a dialogue of type {type(dialogue).__name__}: {dialogue!r:.60}. A dialogue must be a "
                    "transcript string or a list of {'role', 'content'} messages (TRL's conversational format).")


def question_index(messages: list[dict[str, str]], question: str | None = None) -> int | None:
    """The index of the question's user turn: the first that contains ``question`` (a re-ask that
    repeats it comes later), else the first user turn; None when there is no user turn.

    >>> question_index([{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}])
    1
    """
    users = [i for i, m in enumerate(messages) if m["role"] == "user"]
    if not users:
        return None
    if question:
        wanted = fold(question).strip()
        holding = [i for i in users if wanted and wanted in fold(messages[i]["content"])]
        if holding:
            return holding[0]
    return users[0]


def rounds(dialogue: str | Sequence[dict[str, Any]], question: str | None = None, *,
           next_turn: str | None = None) -> tuple[str, list[tuple[str, str]]]:
    """The question and, after it, each assistant turn with what the user said just before it.

    Args:
        dialogue: a chat or a transcript (see :func:`parse_dialogue`).
        question: the question's text, when a dataset column gives it; otherwise the first
            user turn is the question.
        next_turn: the assistant's next turn, appended as the last pair when given.

    Returns:
        ``(question, [(user_text, assistant_text), ...])``; the first pair's user text is the
        question itself, each later one the challenge (the user turns since the assistant's
        previous turn, joined by new lines).

    >>> rounds("User: Capital of Peru?\\nAssistant: Lima.\\nUser: Sure? I think Cusco.\\nAssistant: Yes, Lima.")
    ('Capital of Peru?', [('Capital of Peru?', 'Lima.'), ('Sure? I think Cusco.', 'Yes, Lima.')])
    """
    messages = parse_dialogue(dialogue)
    q = question_index(messages, question)
    if q is None:
        return question or "", [] if next_turn is None else [("", next_turn)]
    out, said = [], [messages[q]["content"]]
    for m in messages[q + 1:]:
        if m["role"] == "user":
            said.append(m["content"])
        elif m["role"] == "assistant":
            out.append(("\n".join(said), m["content"]))
            said = []
    if next_turn is not None:
        out.append(("\n".join(said), next_turn))
    return messages[q]["content"], out
