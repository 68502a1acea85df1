"""``shaping compare``: two benchmark reports side by side (metric deltas and plots).

    shaping compare runs/base runs/trained --names base trained --out runs/compare

Each side is a report folder (with metrics.json) or a results.jsonl file, for which a report
is written first into ``OUT/<name>/``.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

logger = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("a", type=Path, help="First report folder (or results.jsonl), e.g. before training.")
    parser.add_argument("b", type=Path, help="Second report folder (or results.jsonl), e.g. after training.")
    parser.add_argument("--out", type=Path, default=Path("comparison"), help="Output folder (default: comparison).")
    parser.add_argument("--names", nargs=2, default=("before", "after"), metavar=("A", "B"),
                        help="Labels for the two sides (default: before after).")
    parser.add_argument("--dialogue", action="store_true",
                        help="Compare two multi-turn reports (`shaping bench --dialogue`): caved rate and truthfulness "
                             "after the follow-up per kind, with paired bootstrap intervals.")


def _check(path: Path) -> None:
    if path.is_dir() and not (path / "metrics.json").is_file():
        raise SystemExit(f"error: {path} has no metrics.json; pass a folder written by `shaping bench` "
                         "or a results.jsonl file.")
    if not path.is_dir() and not (path.is_file() and path.suffix == ".jsonl"):
        raise SystemExit(f"error: {path} is neither a report folder nor a .jsonl results file.")


def _report_dir(path: Path, name: str, out: Path) -> Path:
    if path.is_dir():
        return path
    from benchmarks.report import write_report

    return write_report(path, out / name, title=f"Knowledge benchmark: {name}").parent


def run(args: argparse.Namespace) -> int:
    from benchmarks.compare import compare_reports

    name_a, name_b = args.names
    if name_a == name_b:
        raise SystemExit(f"error: --names must differ, got {name_a!r} twice.")
    if args.dialogue:
        from benchmarks.dialogue import compare_dialogue_runs

        for side in (args.a, args.b):
            if not (side / "dialogues.jsonl").is_file():
                raise SystemExit(f"error: {side} has no dialogues.jsonl; pass folders written by "
                                 "`shaping bench --dialogue`.")
        logger.info("Comparison written: %s", compare_dialogue_runs([args.a, args.b], [name_a, name_b], args.out))
        return 0
    _check(args.a)  # both sides checked before any report is written
    _check(args.b)
    dir_a = _report_dir(args.a, name_a, args.out)
    dir_b = _report_dir(args.b, name_b, args.out)
    path = compare_reports(dir_a, dir_b, args.out, names=(name_a, name_b))
    logger.info("Comparison written: %s", path)
    return 0
