"""Training benchmark: what each reward does to accuracy, abstention and hallucination.

Same questions, seed and number of steps for every row, all RL runs from the same start
(the balanced R-Tuning warm start):

- base: SmolLM2 prompted to say "I don't know" when unsure (the benchmark's system prompt);
- warm start alone;
- PPO with the preference RM alone;
- PPO with a binary reward (1 correct, 0 otherwise);
- PPO with the shaped reward (knowledge-aware truthfulness, dominance-safe with the RM),
  both its final step and the checkpoint selected on validation truthfulness.

It reuses (and resumes) the stages of ``shaping demo`` in ``--out``, so running the demo
first makes this cheaper. Writes ``results.md``, ``summary.csv``, ``outcomes.png``,
``decline_map.png`` (each row against what declining alone can do) and one training-curve
PNG per run; each run's final policy is saved in ``bench/<run>/model`` (so
``benchmarks/bench_transfer.py`` can score it on relations it never trained on). The runs
themselves are :mod:`benchmarks.training.runs`.

    python benchmarks/bench_training.py --out bench-training --steps 40 --limit 80
    python benchmarks/bench_training.py --out bench-training --steps 10 --limit 40 --quick  # shorter
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from benchmarks.training.runs import RUNS


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="bench-training", help="Output folder (shared with `shaping demo --out`).")
    parser.add_argument("--steps", type=int, default=None, help="RL steps per run (default: the demo's 40).")
    parser.add_argument("--limit", type=int, default=None, help="Held-out questions (default: the demo's n_eval).")
    parser.add_argument("--quick", action="store_true", help="Start from the demo's --quick settings.")
    parser.add_argument("--ppo-epochs", type=int, default=None,
                        help="PPO epochs per batch (default: the demo's 1; with --mini-batches, clipping acts).")
    parser.add_argument("--mini-batches", type=int, default=None, help="PPO mini-batches per epoch (default: 1).")
    parser.add_argument("--runs", nargs="+", choices=RUNS, default=list(RUNS[:3]),
                        help="RL rows to train; ppo-shaped-selected reuses the demo's trained policy instead of "
                             "training ppo-shaped again (then only its selected checkpoint is reported).")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from benchmarks.training.config import validate
    from benchmarks.training.pipeline import check_same_config, run_stages
    from benchmarks.training.runs import SHARED_STAGES, benchmark_config, train_run, write_results

    config = benchmark_config(quick_run=args.quick, steps=args.steps, limit=args.limit)
    config.ppo_epochs = config.ppo_epochs if args.ppo_epochs is None else args.ppo_epochs
    config.mini_batches = config.mini_batches if args.mini_batches is None else args.mini_batches
    out = Path(args.out)
    validate(config, out)
    check_same_config(out, config)
    run_stages(out, config, stages=SHARED_STAGES)  # the demo's stages, resumable
    timings = {run: train_run(run, out, config) for run in args.runs}
    print(write_results(out, config, args.runs, timings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
