"""classify_query on realistic English and Chinese queries and chats.

tests/rewards/data/query_types.jsonl holds 483 labelled queries (strings and chats). Rows
192-289, 290-367, 368-415, 416-453 and 454-483 were written as five held-out batches before
the rules were tuned on them; the rules scored 91/98, 69/78, 41/48, 30/38 and 23/30 on them
at first sight (254/292 = 87%: an honest estimate of accuracy on unseen queries, lower on
instruction-dataset tasks and chats with unusual system prompts).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rewards import QueryType, classify_query
from rewards.query_type import has_passage

CASES = [json.loads(line) for line in (Path(__file__).parent / "data" / "query_types.jsonl").open(encoding="utf-8")]
KS, TG, CR = QueryType.KNOWLEDGE_SEEKING, QueryType.TEXT_GROUNDED, QueryType.CREATIVE


def _is_chinese(prompt) -> bool:
    text = prompt if isinstance(prompt, str) else " ".join(m["content"] for m in prompt)
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_labelled_set_accuracy():
    wrong = [(c["label"], classify_query(c["prompt"]).value, c["prompt"]) for c in CASES
             if classify_query(c["prompt"]).value != c["label"]]
    assert len(CASES) >= 480
    assert Counter(c["label"] for c in CASES).most_common()[-1][1] >= 60  # every type well covered
    assert len(wrong) / len(CASES) <= 0.03, wrong


@pytest.mark.parametrize("chinese", [False, True])
def test_accuracy_per_language(chinese):
    cases = [c for c in CASES if _is_chinese(c["prompt"]) == chinese]
    right = sum(classify_query(c["prompt"]).value == c["label"] for c in cases)
    assert len(cases) >= 60 and right / len(cases) >= 0.95


@pytest.mark.parametrize(
    "prompt, expected",
    [
        ("What is the capital of Mongolia?", KS),
        ("写一个关于月亮的故事", CR),
        ("Summarize this article: The council voted to expand bike lanes by 40 km at a cost of $12 million.", TG),
        ("Write a poem about the capital of France", CR),
        ("Explain why the sky is blue", KS),
        ("Translate this sentence: Je suis fatigué.", TG),
        ("Give me a name for my cat", CR),
        ("How do I sort a list in Python?", KS),
        ("Summarize the plot of Hamlet.", KS),  # no text supplied: from the model's knowledge
        ("Write a Python function that reverses a string.", KS),  # code has a right answer
        ("Write a biography of Ada Lovelace.", KS),
        ("Rewrite this paragraph as a poem: The river runs past the old mill.", CR),
        ("Write a one-sentence summary of the following text: Bees can recognise faces.", TG),
        ("Who said 'I think, therefore I am'?", KS),  # a quotation is not a supplied text
        ("Who is the author of 'One Hundred Years of Solitude'?", KS),
        ("What is the tone of this poem?\n\nThe fog comes on little cat feet.", TG),
        ("Tell me a joke about cats.", CR),
        ("Tell me about the plot of the story Cinderella.", KS),
        ("John has 5 apples and gives 2 to Mary. How many apples does he have left?", KS),
        ("《红楼梦》的作者是谁？", KS),
        ("根据上文，作者为什么离开了家乡？", TG),
        ("把这句话翻译成英文：我今天很开心。", TG),
        ("用Python写一个快速排序函数。", KS),
        ("给我的狗起个名字。", CR),
        ("作者写这首诗的目的是什么？", TG),
        ("Passage: Keats decided to write a poem about a nightingale.\nQuestion: What did Keats write about?", TG),
        ("Keats decided to write a poem about a nightingale after hearing one sing in his garden in Hampstead "
         "in the spring of 1819. He finished it in a single morning. What did Keats write about?", TG),
        ("What did Shakespeare write about?", KS),
        ("For my mom's birthday, write a poem.", CR),
        ("I'd like a poem about the sea.", CR),
        ("Who wrote the song 'Imagine'?", KS),  # a quoted title is not a request
        ("a short story about a ghost who is afraid of people", CR),
        ("Name my band. We play jazz-punk.", CR),
        ("Give me a title for this article: Researchers built a robot that folds laundry.", TG),
        ("用鲁迅的风格写一段话。", CR),
    ],
)
def test_named_cases(prompt, expected):
    assert classify_query(prompt) is expected


def test_passage_in_an_earlier_turn_makes_the_question_grounded():
    chat = [{"role": "user", "content": "Text: The Treaty of Westphalia was signed in 1648."},
            {"role": "assistant", "content": "OK."},
            {"role": "user", "content": "When was it signed?"}]
    assert classify_query(chat) is TG
    assert classify_query(chat[-1:]) is KS


def test_long_instruction_system_prompt_is_not_a_passage():
    system = ("You are a helpful, honest assistant. Always answer as helpfully as possible. If you don't know "
              "the answer, please say so and do not share false information. Be concise and polite. ") * 2
    chat = [{"role": "system", "content": system}, {"role": "user", "content": "Who painted the Mona Lisa?"}]
    assert classify_query(chat) is KS


def test_rag_system_prompt_is_a_passage():
    chat = [{"role": "system", "content": "Answer using only the context below.\nContext: Returns within 30 days."},
            {"role": "user", "content": "Can I return an item after 45 days?"}]
    assert classify_query(chat) is TG


@pytest.mark.parametrize(
    "first, follow_up, expected",
    [("Write a poem about cats.", "Make it funnier.", CR),
     ("给我讲个故事。", "再来一个。", CR),
     ("What is the capital of Chad?", "And its population?", KS),
     ("Summarize this: Revenue rose 12% and costs fell 3% in 2024.", "Make it shorter.", TG)],
)
def test_follow_ups_inherit_the_earlier_request(first, follow_up, expected):
    chat = [{"role": "user", "content": first}, {"role": "assistant", "content": "..."},
            {"role": "user", "content": follow_up}]
    assert classify_query(chat) is expected


def test_creative_persona_and_clarifying_answers():
    poet = [{"role": "system", "content": "You are a poet."}, {"role": "user", "content": "Something about autumn."}]
    assert classify_query(poet) is CR
    poet[1]["content"] = "Who wrote The Waste Land?"
    assert classify_query(poet) is KS
    chat = [{"role": "user", "content": "帮我写个故事"},
            {"role": "assistant", "content": "好的，你想要什么主题的故事？"},
            {"role": "user", "content": "关于一只会说话的猫。"}]
    assert classify_query(chat) is CR


def test_structured_records_and_retrieved_documents_are_passages():
    assert classify_query("Title: The Hobbit\nAuthor: J.R.R. Tolkien\nPublished: 1937\n\nWhen was it published?") is TG
    rag = [{"role": "system", "content": "Use the retrieved documents to answer.\n\n[1] The tower is 330 m tall."},
           {"role": "user", "content": "How tall is it?"}]
    assert classify_query(rag) is TG


def test_query_type_is_a_str_enum():
    assert QueryType("text-grounded") is TG
    assert KS == "knowledge-seeking" and str(CR) == "creative"


@pytest.mark.parametrize("bad", [42, None, b"bytes", ["a string, not a message"]])
def test_bad_input_raises_type_error(bad):
    with pytest.raises(TypeError):
        classify_query(bad)


def test_has_passage():
    assert has_passage("Context: Lima is the capital of Peru.")
    assert has_passage("```python\nprint(1)\n```")
    assert not has_passage("I have a cat. She is three years old and I love her very much, but she keeps "
                           "scratching my sofa every day when I am at work.")
    assert not has_passage("")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gets_a_type_and_chat_form_agrees(text):
    kind = classify_query(text)
    assert isinstance(kind, QueryType)
    assert classify_query([{"role": "user", "content": text}]) is kind
    assert classify_query([{"role": "system", "content": "You are a helpful assistant."},
                           {"role": "user", "content": text}]) is kind


@settings(max_examples=50, deadline=None)
@given(st.sampled_from([c["prompt"] for c in CASES if isinstance(c["prompt"], str)]),
       st.sampled_from(["", " ", "\n", "  \n"]))
def test_surrounding_whitespace_does_not_change_the_type(prompt, pad):
    assert classify_query(pad + prompt + pad) is classify_query(prompt)
