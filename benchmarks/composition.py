"""Response groups and the reward compositions that the dominance check compares.

``shaping check-dominance`` and ``benchmarks/bench_composition.py`` read groups of responses
to the same question (:func:`load_response_groups`) and score them with the RM alone, a
plain weighted sum and the dominance-safe composition (:func:`build_schemes`), to count how
often each ranks a wrong answer above an abstention or an abstention above a correct one
(:func:`rewards.compose.dominance.check_dominance`).
"""

from __future__ import annotations

import json
from pathlib import Path

#: Abstentions added to every question with ``--add-abstentions`` (policies rarely say it unprompted).
ABSTENTIONS = (
    "I don't know.",
    "I'm not sure about that, so I'd rather not guess.",
    "Sorry, I don't have reliable information to answer that.",
)
SCHEMES = ("rm", "sum", "dominance-safe")


def load_response_groups(path: str | Path, *, add_abstentions: bool = False):
    """Read ``(questions, responses_per_question, answers)`` from a JSONL file.

    >>> load_response_groups("missing.jsonl")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    FileNotFoundError: missing.jsonl does not exist ...
    """
    file = Path(path)
    if not file.exists():
        raise FileNotFoundError(f"{path} does not exist; pass a JSONL with question, answers and response(s).")
    groups: dict[str, dict] = {}
    for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        missing = [k for k in ("question", "answers") if k not in row]
        if missing or ("response" not in row and "responses" not in row):
            raise KeyError(f"{path}:{number} lacks {missing or ['response or responses']}; got keys {sorted(row)}.")
        group = groups.setdefault(row["question"], {"answers": row["answers"], "responses": []})
        new = row["responses"] if "responses" in row else [row["response"]]
        group["responses"] += [r for r in new if r not in group["responses"]]
    if add_abstentions:
        for group in groups.values():
            group["responses"] += [a for a in ABSTENTIONS if a not in group["responses"]]
    questions = list(groups)
    return questions, [groups[q]["responses"] for q in questions], [groups[q]["answers"] for q in questions]


def build_schemes(rm, *, correct: float = 1.0, abstain: float = 0.0, wrong: float = -1.0,
                  weights: tuple[float, float] = (1.0, 1.0), band: float = 0.5) -> dict:
    """The three compositions compared: the RM alone, truthfulness + standardised RM, dominance-safe."""
    from rewards.compose import DominanceSafe, WeightedSum
    from rewards.truthfulness import TruthfulnessReward

    truth = TruthfulnessReward(correct=correct, abstain=abstain, wrong=wrong)
    return {
        "rm": rm,
        "sum": WeightedSum([truth, rm], list(weights), normalize="running", name="weighted_sum"),
        "dominance-safe": DominanceSafe(truth, rm, band=band, name="dominance_safe"),
    }
