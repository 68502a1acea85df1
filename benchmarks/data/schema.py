"""The benchmark's row format: columns, query types, the system prompt and one row builder.

Every builder in this package returns rows made by :func:`make_row`, so the columns are
defined once. ``group`` is the unit of the train/eval split (a country, a US state, an
element, an invented name): all rows about one group land in the same split, so no entity,
and no country behind a city, is shared between train and eval.

>>> row = make_row("country_capital", "France", "What is the capital of France?", ["Paris"], popularity=6.8e7)
>>> row["query_type"], row["answers"], row["group"]
('knowledge-seeking', ['Paris'], 'France')
"""

from __future__ import annotations

import hashlib

DEFAULT_SYSTEM_PROMPT = (
    'Answer the question in one short sentence. If you do not know the answer, say "I don\'t know".'
)
KNOWLEDGE, GROUNDED, CREATIVE = "knowledge-seeking", "text-grounded", "creative"
QUERY_TYPES = (KNOWLEDGE, GROUNDED, CREATIVE)
# Columns of the saved DatasetDict, in order (see docs/results_schema.md); popularity_pct
# is the row's popularity as a percentile within its relation (0 = least known), or None.
COLUMNS = (
    "id", "prompt", "question", "answers", "query_type", "relation", "entity",
    "popularity", "popularity_pct", "passage", "group", "competitors",
)
# What evaluation needs from a dataset (prompt is rebuilt from question when absent).
REQUIRED_COLUMNS = ("id", "question", "answers", "query_type")


def make_row(
    relation: str,
    entity: str,
    question: str,
    answers: list[str],
    *,
    popularity: float | None = None,
    query_type: str = KNOWLEDGE,
    passage: str = "",
    group: str | None = None,
) -> dict:
    """One benchmark row (without ``prompt``/``popularity_pct``, added when the set is built).

    >>> make_row("creative", "the sea", "Write a poem about the sea.", [], query_type="creative")["id"]
    'creative-e5381cdab3'
    """
    if query_type not in QUERY_TYPES:
        raise ValueError(f"query_type={query_type!r} is not one of {QUERY_TYPES}.")
    if popularity is not None and not popularity > 0:
        raise ValueError(f"popularity={popularity!r} for {entity!r} must be positive or None.")
    digest = hashlib.sha1(f"{relation}|{question}".encode()).hexdigest()[:10]
    return {
        "id": f"{relation}-{digest}",
        "question": question,
        "answers": list(answers),
        "query_type": query_type,
        "relation": relation,
        "entity": entity,
        "popularity": None if popularity is None else float(popularity),
        "passage": passage,
        "group": group or entity,
    }


def chat_prompt(question: str, system_prompt: str = DEFAULT_SYSTEM_PROMPT) -> list[dict]:
    """The TRL conversational prompt of a question: the system message, then the user turn.

    >>> [m["role"] for m in chat_prompt("What is the capital of Peru?")]
    ['system', 'user']
    """
    messages = [{"role": "system", "content": system_prompt}] if system_prompt else []
    return messages + [{"role": "user", "content": question}]
