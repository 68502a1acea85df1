"""``shaping check-dominance``: does a composed reward ever rank wrong > abstain or abstain > correct?

Reads a JSONL of questions with gold ``answers`` and either a ``responses`` list per line
or one ``response`` per line (grouped by question), scores them with the RM alone, a plain
weighted sum and the dominance-safe composition, and prints each one's violation report::

    shaping check-dominance examples/data/smollm2_responses.jsonl --rm runs/rm --add-abstentions
"""

from __future__ import annotations

import argparse
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


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", help="JSONL with question, answers and response (or responses).")
    parser.add_argument("--rm", required=True, help="Reward model checkpoint (from `shaping train-rm`).")
    parser.add_argument("--scheme", choices=SCHEMES, action="append",
                        help="Composition(s) to check (repeatable; default all three).")
    parser.add_argument("--correct", type=float, default=1.0)
    parser.add_argument("--abstain", type=float, default=0.0)
    parser.add_argument("--wrong", type=float, default=-1.0)
    parser.add_argument("--weights", type=float, nargs=2, default=(1.0, 1.0), metavar=("TRUTH", "RM"),
                        help="Weights of the plain weighted sum (default 1 1; both standardised).")
    parser.add_argument("--band", type=float, default=0.5, help="Dominance-safe band (fraction of the gap).")
    parser.add_argument("--add-abstentions", action="store_true",
                        help=f"Add {len(ABSTENTIONS)} abstentions to every question's responses.")
    parser.add_argument("--examples", type=int, default=3, help="Violating pairs to print per scheme.")
    parser.add_argument("--fail-on-violation", action="store_true",
                        help="Exit with status 1 when a checked scheme has any violation (for CI).")


def run(args: argparse.Namespace) -> int:
    from rewards.compose.dominance import check_dominance
    from shaping.rm.train import RewardModelReward

    questions, responses, answers = load_response_groups(args.path, add_abstentions=args.add_abstentions)
    schemes = build_schemes(RewardModelReward(args.rm), correct=args.correct, abstain=args.abstain,
                            wrong=args.wrong, weights=tuple(args.weights), band=args.band)
    violated = False
    for name in args.scheme or SCHEMES:
        report = check_dominance(schemes[name], questions, responses, answers=answers,
                                 max_examples=args.examples)
        print(f"== {name}\n{report.summary()}")
        violated = violated or report.rate > 0
    return 1 if violated and args.fail_on_violation else 0
