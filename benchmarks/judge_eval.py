"""Judging the judge: a substring baseline, generated rows for throughput, labelled sets and agreement.

The baseline is what a first reward function usually does: SQuAD answer normalization
(lower case, no punctuation or articles, single spaces), a gold answer counts if it is a
substring of the response, otherwise a short list of abstention phrases decides between
abstain and wrong. Labelled sets are JSONL rows with ``question``, ``answers``, ``response``,
``label`` (``correct`` / ``abstain`` / ``wrong``) and optionally ``competitors``, ``hedged``,
``slice``, ``category``, ``origin``.
"""

from __future__ import annotations

import json
import random
import re
import string
import time
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable

from rewards import Outcome

__all__ = ["baseline_judge", "generated_rows", "agreement", "load_labelled", "squad_normalize", "throughput"]

# ---------------------------------------------------------------- the naive baseline
_BASELINE_ABSTAIN = ("i don't know", "i do not know", "not sure", "i cannot", "i can't", "no information",
                     "unable to", "我不知道", "不确定", "无法")


def squad_normalize(text: str) -> str:
    """SQuAD v1.1 ``normalize_answer``: lower, drop punctuation and articles, squeeze spaces."""
    exclude = set(string.punctuation)
    text = "".join(ch for ch in text.lower() if ch not in exclude)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def baseline_judge(response: str, answers: list[str], question: str | None = None) -> Outcome:
    """Substring match of a SQuAD-normalized gold answer, else a phrase list for abstention."""
    norm = squad_normalize(response)
    if answers and any(squad_normalize(a) and squad_normalize(a) in norm for a in answers):
        return Outcome.CORRECT
    declined = any(p in response.lower() for p in _BASELINE_ABSTAIN)
    if not answers:
        return Outcome.CORRECT if declined else Outcome.WRONG
    return Outcome.ABSTAIN if declined else Outcome.WRONG


# ---------------------------------------------------------------- generated rows
_FACTS = [  # (question, gold answers, a wrong answer of the same kind)
    ("What is the capital of France?", ["Paris"], "Lyon"),
    ("What is the capital of Australia?", ["Canberra"], "Sydney"),
    ("What is the capital of Burkina Faso?", ["Ouagadougou"], "Kouilou"),
    ("What is the capital of Guinea-Bissau?", ["Bissau"], "Conakry"),
    ("What is the capital of Mongolia?", ["Ulaanbaatar", "Ulan Bator"], "Darkhan"),
    ("What is the capital of Mexico?", ["Mexico City"], "Guadalajara"),
    ("What is the capital of Colombia?", ["Bogotá", "Bogota"], "Medellín"),
    ("What is the capital of Chad?", ["N'Djamena"], "Moundou"),
    ("What is the capital of the US state of Texas?", ["Austin"], "Houston"),
    ("What is the capital of the US state of Nevada?", ["Carson City"], "Las Vegas"),
    ("What is the atomic number of tungsten?", ["74"], "47"),
    ("What is the atomic number of iron?", ["26"], "28"),
    ("What is the atomic number of gold?", ["79"], "97"),
    ("What is the chemical symbol of iron?", ["Fe"], "Ir"),
    ("What is the chemical symbol of iodine?", ["I"], "Io"),
    ("What is the chemical symbol of gold?", ["Au"], "Ag"),
    ("法国的首都是什么？", ["巴黎"], "里昂"),
]
_TEMPLATES = [  # (template, what it names: "gold", "wrong" or None)
    ("{g}.", "gold"), ("The answer is {g}.", "gold"), ("The answer is {w}.", "wrong"),
    ("I think it's {g}, but I'm not sure.", "gold"), ("I'm not sure, but I think it's {w}.", "wrong"),
    ("It is not {g}.", "gold"), ("It's not {w}, it's {g}.", "gold"), ("Either {g} or {w}.", "gold"),
    ("I don't know.", None), ("I'm not sure about that, sorry.", None), ("我不知道。", None),
    ("I have no information about that.", None), ("That is an interesting question about the world.", None),
    ("Based on my knowledge, the answer to your question is {g}. It is widely known and often cited "
     "in textbooks, encyclopedias and atlases, so you can rely on it.", "gold"),
    ("Based on my knowledge, the answer to your question is {w}. It is widely known and often cited "
     "in textbooks, encyclopedias and atlases, so you can rely on it.", "wrong"),
    ("", None),
]


def generated_rows(n: int, seed: int = 0) -> list[tuple[str, list[str], str]]:
    """``n`` (response, answers, question) rows; about 10% have no true answer."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        question, answers, wrong = rng.choice(_FACTS)
        template, _ = rng.choice(_TEMPLATES)
        response = template.format(g=rng.choice(answers), w=wrong)
        if rng.random() < 0.3:  # vary the text so nothing is served from a cache
            response += f" (ref {rng.randrange(10**6)})"
        if rng.random() < 0.1:
            question, answers = f"What is the capital of Veltrania {i}?", []
        rows.append((response, answers, question))
    return rows


def throughput(fn, rows) -> tuple[float, float]:
    """(responses per CPU second, responses per wall second) of ``fn`` over ``rows``."""
    wall, cpu = time.perf_counter(), time.process_time()
    for response, answers, question in rows:
        fn(response, answers, question=question)
    return len(rows) / (time.process_time() - cpu), len(rows) / (time.perf_counter() - wall)


def load_labelled(path: str | Path) -> list[dict]:
    """The rows of a labelled JSONL set; raise naming the file and the row when one lacks a field.

    >>> load_labelled("missing.jsonl")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    FileNotFoundError: missing.jsonl ...
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist; pass the path of a labelled JSONL set.")
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        missing = [k for k in ("question", "answers", "response", "label") if k not in row]
        if missing:
            raise KeyError(f"{path}:{number} lacks {missing}; a labelled row needs question, answers, response, label.")
        rows.append(row)
    return rows


def agreement(fn: Callable, labelled: Iterable[dict], *, by: str = "origin",
              competitors: bool = True) -> dict[str, tuple[int, int]]:
    """``{group: (agreeing rows, rows)}`` of ``fn``'s outcome with the labels, overall ("all") and per
    value of the ``by`` field; ``fn`` gets the row's competitors when ``competitors`` is true.

    >>> rows = [{"question": "Q?", "answers": ["Paris"], "response": "Paris.", "label": "correct", "origin": "x"}]
    >>> agreement(baseline_judge, rows, competitors=False)
    {'all': (1, 1), 'x': (1, 1)}
    """
    hits: Counter = Counter()
    totals: Counter = Counter()
    for row in labelled:
        kwargs = {"competitors": row.get("competitors")} if competitors and row.get("competitors") else {}
        outcome = fn(row["response"], row["answers"], question=row["question"], **kwargs)
        outcome = getattr(outcome, "outcome", outcome)
        for key in ("all", str(row.get(by, "unknown"))):
            totals[key] += 1
            hits[key] += outcome.value == row["label"]
    return {key: (hits[key], totals[key]) for key in totals}


