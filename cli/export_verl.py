"""``shaping export-verl``: write the benchmark as verl's parquet (one file per split).

>>> from cli.main import main
>>> main(["export-verl", "--out", "data/verl"])                       # doctest: +SKIP
0
"""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, help="Folder for <split>.parquet (train.parquet, eval.parquet).")
    parser.add_argument("--data", default=None,
                        help="A benchmark saved by `shaping build-data`; without it the benchmark is built "
                             "now with --seed and --eval-fraction.")
    parser.add_argument("--seed", type=int, default=0, help="Seed of the train/eval split (default: 0).")
    parser.add_argument("--eval-fraction", type=float, default=0.2, help="Share of rows in eval (default: 0.2).")


def run(args: argparse.Namespace) -> int:
    from benchmarks.data import build_benchmark, load_benchmark
    from benchmarks.data.verl_export import export_verl

    if args.data is None and not 0.0 < args.eval_fraction < 1.0:
        raise SystemExit(f"error: --eval-fraction {args.eval_fraction} must lie strictly between 0 and 1, e.g. 0.2.")
    try:
        dd = load_benchmark(args.data) if args.data is not None else build_benchmark(
            seed=args.seed, eval_fraction=args.eval_fraction)
        written = export_verl(dd, args.out)
    except (FileNotFoundError, KeyError, ValueError) as err:
        raise SystemExit(f"error: {err.args[0] if err.args else err}") from None
    for split, path in written.items():
        print(f"{split}: {path}")
    return 0
