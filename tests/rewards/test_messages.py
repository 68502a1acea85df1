"""Prompt and completion text from TRL's string and conversational forms."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rewards.messages import completion_text, context_text, query_text

CHAT = [
    {"role": "system", "content": "Answer briefly."},
    {"role": "user", "content": "Passage: Lima is the capital of Peru."},
    {"role": "assistant", "content": "Noted."},
    {"role": "user", "content": "What is the capital of Peru?"},
]


def test_query_is_the_last_user_turn():
    assert query_text(CHAT) == "What is the capital of Peru?"


def test_context_is_everything_before_the_last_user_turn():
    assert context_text(CHAT) == "Answer briefly.\nPassage: Lima is the capital of Peru.\nNoted."


def test_strings_pass_through():
    assert query_text("Capital of Peru?") == "Capital of Peru?"
    assert context_text("Capital of Peru?") == ""
    assert completion_text("Lima.") == "Lima."


def test_completion_keeps_assistant_turns_only():
    completion = [{"role": "assistant", "content": "Lima."}, {"role": "tool", "content": "lookup()"},
                  {"content": "It is in Peru."}]
    assert completion_text(completion) == "Lima.\nIt is in Peru."


def test_multimodal_content_keeps_text_parts():
    message = [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "What is this?"}]}]
    assert query_text(message) == " What is this?"


def test_none_content_is_empty():
    assert completion_text([{"role": "assistant", "content": None}]) == ""


def test_chat_without_user_turn_uses_last_message():
    assert query_text([{"role": "system", "content": "Hi"}]) == "Hi"
    assert query_text([]) == ""
    assert context_text([]) == ""


@pytest.mark.parametrize("bad", [42, None, {"role": "user", "content": "x"}])
def test_wrong_forms_raise_type_error_naming_the_form(bad):
    with pytest.raises(TypeError, match="prompt must be a string or a list"):
        query_text(bad)


def test_message_without_content_raises():
    with pytest.raises(TypeError, match="'role' and 'content'"):
        query_text([{"role": "user", "text": "hi"}])


@given(st.text())
def test_strings_are_their_own_query_and_completion(text):
    assert query_text(text) == text
    assert completion_text(text) == text
    assert query_text([{"role": "user", "content": text}]) == text
    assert completion_text([{"role": "assistant", "content": text}]) == text


@given(st.lists(st.sampled_from(["system", "user", "assistant"]), min_size=1, max_size=6), st.text(max_size=20))
def test_context_and_query_never_raise_on_any_chat(roles, text):
    chat = [{"role": role, "content": f"{text}{i}"} for i, role in enumerate(roles)]
    query, context = query_text(chat), context_text(chat)
    if "user" in roles:
        last = max(i for i, role in enumerate(roles) if role == "user")
        assert query == f"{text}{last}"
        assert context == "\n".join(f"{text}{i}" for i in range(last))
