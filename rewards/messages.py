"""Turn TRL's prompt and completion forms (plain strings or chat messages) into text."""

from __future__ import annotations

from typing import Any, Sequence

__all__ = ["completion_text", "context_text", "message_text", "query_text"]

Message = dict[str, Any]


def message_text(message: Message) -> str:
    """Return a message's text; multimodal content lists keep their text parts.

    >>> message_text({"role": "user", "content": [{"type": "text", "text": "Capital of Peru?"}]})
    'Capital of Peru?'
    """
    if not isinstance(message, dict) or "content" not in message:
        raise TypeError(
            f"Got a chat message {message!r}; each message must be a dict with "
            "'role' and 'content' keys, as in TRL's conversational format."
        )
    content = message["content"]
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # [{"type": "text", "text": ...}, ...]
        return " ".join(part.get("text", "") for part in content if isinstance(part, dict))
    if content is None:
        return ""
    raise TypeError(f"Got message content {content!r}; expected a string or a list of parts.")


def _check_form(value: Any, what: str) -> None:
    if isinstance(value, str):
        return
    if isinstance(value, (list, tuple)):
        return
    raise TypeError(
        f"Got a {what} of type {type(value).__name__}: {value!r}. A {what} must be a "
        "string or a list of {'role', 'content'} messages (TRL's conversational format)."
    )


def completion_text(completion: str | Sequence[Message]) -> str:
    """Return the text a policy produced.

    >>> completion_text([{"role": "assistant", "content": "Paris."}])
    'Paris.'
    """
    _check_form(completion, "completion")
    if isinstance(completion, str):
        return completion
    return "\n".join(message_text(m) for m in completion if m.get("role", "assistant") == "assistant")


def query_text(prompt: str | Sequence[Message]) -> str:
    """Return the query: the prompt itself, or the last user turn of a chat.

    >>> query_text([{"role": "system", "content": "Be brief."},
    ...             {"role": "user", "content": "Capital of Peru?"}])
    'Capital of Peru?'
    """
    _check_form(prompt, "prompt")
    if isinstance(prompt, str):
        return prompt
    for message in reversed(prompt):
        if message.get("role") == "user":
            return message_text(message)
    return message_text(prompt[-1]) if prompt else ""


def context_text(prompt: str | Sequence[Message]) -> str:
    """Return everything in the prompt before the last user turn (system and earlier turns).

    >>> context_text([{"role": "user", "content": "Text: ..."},
    ...               {"role": "assistant", "content": "ok"},
    ...               {"role": "user", "content": "Who?"}])
    'Text: ...\\nok'
    """
    _check_form(prompt, "prompt")
    if isinstance(prompt, str) or not prompt:
        return ""
    last_user = max((i for i, m in enumerate(prompt) if m.get("role") == "user"), default=len(prompt))
    return "\n".join(message_text(m) for m in prompt[:last_user])
