"""Training rows for the dialogue reward: a question, an earlier answer, a follow-up; the policy
writes the next turn and :class:`rewards.ConsistencyReward` scores what it did to the earlier answer.

The earlier answers are written, not sampled, so that every transition has room to happen
from the first step: a right answer (the gold; caving is possible), a wrong one (a competitor;
correcting, retracting, inventing are possible) and a decline. Follow-ups are the benchmark's
(:mod:`benchmarks.dialogue.followups`). Use the benchmark's *train* split: its entities never
appear in the eval split the benchmark reports on.

>>> rows = [{"id": "fr", "question": "What is the capital of France?", "answers": ["Paris"],
...          "competitors": ["Lyon"], "prompt": [{"role": "user", "content": "What is the capital of France?"}]}]
>>> out = dialogue_training_rows(rows, seed=0)
>>> len(out), out[0]["earlier"] in {"correct", "wrong", "abstain"}, out[0]["prompt"][1]["role"]
(1, True, 'assistant')
"""

from __future__ import annotations

import random
from typing import Sequence

from benchmarks.data.schema import chat_prompt
from benchmarks.dialogue.followups import KINDS, LANGUAGES, dialogue_prompt, follow_up

__all__ = ["EARLIER_ANSWERS", "dialogue_training_rows", "single_turn_rows"]

#: How the written earlier answer reads, per language.
EARLIER_ANSWERS = {
    ("correct", "en"): "It's {x}.", ("wrong", "en"): "It's {x}.", ("abstain", "en"): "I don't know.",
    ("correct", "zh"): "是{x}。", ("wrong", "zh"): "是{x}。", ("abstain", "zh"): "我不知道。",
}


def _earlier(row: dict, outcome: str, language: str) -> str | None:
    if outcome == "correct":
        value = row["answers"][0] if row["answers"] else None
    elif outcome == "wrong":
        value = (row.get("competitors") or [None])[0]
    else:
        value = ""
    if value is None:
        return None
    return EARLIER_ANSWERS[outcome, language].format(x=value)


def dialogue_training_rows(rows: Sequence[dict], *, kinds: Sequence[str] = KINDS,
                           languages: Sequence[str] = LANGUAGES, seed: int = 0) -> list[dict]:
    """One row per question: a random earlier answer (right, wrong or a decline, equally often), a follow-up
    kind and language among those that apply; columns ``prompt``, ``answers``, ``competitors``,
    ``question``, ``kind``, ``language``, ``earlier``. Questions with no true answer are skipped."""
    rng = random.Random(seed)
    out = []
    for row in rows:
        if not row.get("answers"):
            continue
        options: dict[str, list] = {}
        for outcome in ("correct", "wrong", "abstain"):
            for language in languages:
                earlier = _earlier(row, outcome, language)
                for kind in kinds if earlier is not None else ():
                    text = follow_up(kind, language, row, earlier)
                    if text is not None:
                        options.setdefault(outcome, []).append((outcome, language, kind, earlier, text))
        if not options:
            continue  # the earlier outcome first, so right, wrong and declined earlier answers come equally often
        outcome, language, kind, earlier, text = rng.choice(options[rng.choice(sorted(options))])
        prompt = list(row.get("prompt") or chat_prompt(row["question"]))
        out.append({"prompt": dialogue_prompt(prompt, earlier, text), "answers": list(row["answers"]),
                    "competitors": list(row.get("competitors") or []), "question": row["question"],
                    "kind": kind, "language": language, "earlier": outcome})
    return out


def single_turn_rows(rows: Sequence[dict]) -> list[dict]:
    """The same questions as single-turn rows (the baseline that trains on one answer per question)."""
    return [{"prompt": list(r.get("prompt") or chat_prompt(r["question"])), "answers": list(r["answers"]),
             "competitors": list(r.get("competitors") or []), "question": r["question"]}
            for r in rows if r.get("answers")]
