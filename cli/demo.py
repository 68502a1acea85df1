"""``shaping demo``: the end-to-end job on the embedded defaults.

Stages (each writes ``<out>/<stage>/DONE`` last and is skipped on a re-run when done):
data -> base-eval -> rm -> warm-start -> train -> eval -> probe -> report; see
:mod:`benchmarks.training.stages`. This module only turns flags into a
:class:`~benchmarks.training.config.DemoConfig` and calls
:func:`benchmarks.training.pipeline.run_demo`.
"""

from __future__ import annotations

import argparse
import logging
from dataclasses import fields
from pathlib import Path

from benchmarks.training.config import QUICK, DemoConfig, for_policy, plan_stages, quick, validate
from benchmarks.training.pipeline import compare_config, run_demo

logger = logging.getLogger("shaping.demo")
#: Settings that get a ``--flag`` of their own type; the others have flags of their own below.
FLAG_FIELDS = [f.name for f in fields(DemoConfig)
               if f.name not in ("extra", "relations", "warm_start", "balance_known")]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default="demo-output", help="Output directory (default: demo-output).")
    parser.add_argument("--quick", action="store_true", help="A small run (under 10 minutes on 2 idle cores).")
    parser.add_argument("--force", action="store_true", help="Re-run every stage even when its outputs exist.")
    parser.add_argument("--plan", action="store_true", help="Print the stage plan and exit.")
    parser.add_argument("--relations", nargs="+",
                        help="Knowledge relations to use "
                             "(default: the ten in benchmarks.training.config.DEMO_RELATIONS).")
    parser.add_argument("--no-warm-start", dest="warm_start", action="store_false", default=None,
                        help="Skip the R-Tuning warm start.")
    parser.add_argument("--no-balance-known", dest="balance_known", action="store_false", default=None,
                        help="Train on the questions as drawn instead of balancing known and unknown ones.")
    defaults = DemoConfig()
    for name in FLAG_FIELDS:
        value = getattr(defaults, name)
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=None,
                            help=f"(default {value}{'; smaller with --quick' if name in QUICK else ''})")


def config_from_args(args: argparse.Namespace) -> DemoConfig:
    """Defaults, then ``--quick``, then explicit flags; validated (raises before any work)."""
    config = quick(DemoConfig()) if args.quick else DemoConfig()
    for name in FLAG_FIELDS:
        if getattr(args, name, None) is not None:
            setattr(config, name, getattr(args, name))
    if args.relations:
        config.relations = tuple(args.relations)
    if args.warm_start is not None:
        config.warm_start = args.warm_start
    if getattr(args, "balance_known", None) is not None:
        config.balance_known = args.balance_known
    if getattr(args, "max_completion_length", None) is None:  # a draft needs room; an explicit length wins
        config = for_policy(config)
    validate(config, args.out)
    return config


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    try:
        config = config_from_args(args)
        compare_config(out, config, force=args.force)  # --plan says what the run would: refuse
    except (ValueError, PermissionError) as err:
        logger.error("%s", err)
        return 2
    for stage, status in plan_stages(out, config, force=args.force):
        logger.info("stage %-10s %s", stage, status)
    if args.plan:
        return 0
    summary = run_demo(out, config, force=args.force)
    print(summary.read_text())
    return 0
