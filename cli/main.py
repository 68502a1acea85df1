"""The ``shaping`` command line: one sub-command per job.

Each sub-command lives in its own module, which defines ``add_arguments(parser)`` and
``run(args) -> int``; modules are imported only when their command runs, so
``shaping judge`` never pays for importing torch. The CLI is the project's top-level
entry point, so it is the one place allowed to reach into ``benchmarks``.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

# name -> (module, one-line help). Keep alphabetical.
COMMANDS: dict[str, tuple[str, str]] = {
    "bench": ("cli.bench", "Evaluate a policy on the knowledge benchmark and write a report."),
    "build-data": ("cli.data", "Build the benchmark DatasetDict (questions, answers, splits)."),
    "check-dominance": ("cli.dominance", "Search a composed reward for rankings that break correct > abstain > wrong."),
    "compare": ("cli.compare", "Compare two benchmark reports side by side."),
    "demo": ("cli.demo", "The end-to-end job: data, base eval, RM, PPO, eval again, report."),
    "export-verl": ("cli.export_verl", "Write the benchmark as verl's parquet (prompt, reward_model, extra_info)."),
    "judge": ("cli.judge", "Judge a JSONL/CSV of questions, gold answers and responses."),
    "ppo": ("cli.ppo", "Train a policy with PPO on shaped rewards."),
    "probe": ("cli.probe", "Fit a probe gate on a model's hidden states (fit), or measure one (eval)."),
    "serve-reward": ("cli.serve", "Serve the composed reward over HTTP (OpenRLHF's remote reward form)."),
    "train-rm": ("cli.rm", "Train a preference reward model with TRL's RewardTrainer."),
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shaping", description="Hallucination-aware reward shaping for RLHF."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="Log at DEBUG level.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        if name == only:  # only import the module of the command being run
            importlib.import_module(module).add_arguments(cmd)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(command if command in COMMANDS else None)
    args, extra = parser.parse_known_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    module = importlib.import_module(COMMANDS[args.command][0])
    if extra and not getattr(module, "ACCEPTS_EXTRA_ARGS", False):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.extra_args = extra  # a command that parses its own options (``shaping ppo``: trl.TrlParser) reads them
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    return int(module.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
