"""Benchmark: does a learned RM override truthfulness, and does the dominance-safe composition stop it?

On real SmolLM2-135M-Instruct answers to the benchmark's factual questions
(``examples/data/smollm2_responses.jsonl``), plus three abstentions added to every
question, it scores each response with

- the RM alone (baseline 1),
- a plain weighted sum: truthfulness (1 / 0 / -1) + RM, both standardised by running
  moments, weights 1 : 1 (baseline 2; ``sum-raw``: the same without standardisation),
- the dominance-safe composition (ours): the RM squashed into a band inside each outcome,

and counts, over every pair of responses to the same question with different outcomes,
how often each ranks a wrong answer above an abstention, an abstention above a correct
answer, or a wrong answer above a correct one (:func:`rewards.compose.dominance.check_dominance`).
It also measures how well each composition keeps the RM's order within an outcome
(Spearman rank correlation with the RM, per outcome), and the RM's CPU scoring throughput
at batch sizes 1 and 32 (:func:`benchmarks.composition.composition_benchmark`). Run (loads the RM)::

    python -m benchmarks.bench_composition --rm runs/rm-minilm
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_RESPONSES = ROOT / "examples" / "data" / "smollm2_responses.jsonl"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rm", default="runs/rm-minilm", help="RM checkpoint (shaping train-rm --output-dir).")
    parser.add_argument("--responses", default=str(DEFAULT_RESPONSES), help="JSONL of question/answers/response.")
    parser.add_argument("--band", type=float, default=0.5)
    parser.add_argument("--limit", type=int, default=0, help="Use only the first N questions (0 = all).")
    parser.add_argument("--throughput-n", type=int, default=256, help="Responses timed per batch size.")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch CPU threads (default 1: on a shared 2-core machine 2 threads spin-wait).")
    parser.add_argument("--out", default="runs/bench_composition.json")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    from benchmarks.composition import composition_benchmark, composition_table

    try:
        result = composition_benchmark(args.rm, args.responses, band=args.band, limit=args.limit,
                                       throughput_n=args.throughput_n, threads=args.threads)
    except FileNotFoundError as err:
        raise SystemExit(str(err)) from err
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2))
    print(composition_table(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
