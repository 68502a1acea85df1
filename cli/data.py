"""``shaping build-data``: build the benchmark DatasetDict and save it to disk.

>>> from cli.main import main
>>> main(["build-data", "--out", "data/benchmark"])                   # doctest: +SKIP
0
"""

from __future__ import annotations

import argparse
import logging
from collections import Counter

from shaping.models import cache_dir

logger = logging.getLogger(__name__)


def default_data_dir() -> str:
    """Where the benchmark is saved when no folder is named (inside the shaping cache)."""
    return str(cache_dir() / "benchmark")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default=default_data_dir(),
                        help="Folder to save the DatasetDict in (default: %(default)s).")
    parser.add_argument("--seed", type=int, default=0, help="Seed of the train/eval split (default: 0).")
    parser.add_argument("--eval-fraction", type=float, default=0.2, help="Share of rows in eval (default: 0.2).")
    parser.add_argument("--min-city-population", type=int, default=200_000,
                        help="Smallest city asked about in city_country (default: 200000).")


def summary(dd) -> str:
    """A few lines on a built benchmark: rows per split, query type, relation, unanswerable share."""
    lines = []
    for name, split in dd.items():
        types = Counter(split["query_type"])
        unanswerable = sum(1 for a, t in zip(split["answers"], split["query_type"]) if not a and t != "creative")
        lines.append(f"{name}: {split.num_rows} rows, {dict(types)}, {len(set(split['relation']))} relations, "
                     f"{unanswerable / max(split.num_rows, 1):.1%} unanswerable")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from benchmarks.data import build_benchmark

    if not 0.0 < args.eval_fraction < 1.0:
        raise SystemExit(f"error: --eval-fraction {args.eval_fraction} must lie strictly between 0 and 1, e.g. 0.2.")
    dd = build_benchmark(args.out, seed=args.seed, eval_fraction=args.eval_fraction,
                         min_city_population=args.min_city_population)
    print(summary(dd))
    print(f"Saved to {args.out}")
    return 0
