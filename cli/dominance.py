"""``shaping check-dominance``: does a composed reward ever rank wrong > abstain or abstain > correct?

Reads a JSONL of questions with gold ``answers`` and either a ``responses`` list per line
or one ``response`` per line (grouped by question), scores them with the RM alone, a plain
weighted sum and the dominance-safe composition, and prints each one's violation report::

    shaping check-dominance examples/data/smollm2_responses.jsonl --rm runs/rm --add-abstentions
"""

from __future__ import annotations

import argparse

from benchmarks.composition import ABSTENTIONS, SCHEMES, build_schemes, load_response_groups


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
    from shaping.rm.score import RewardModelReward

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
