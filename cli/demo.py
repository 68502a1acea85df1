"""``shaping demo``: the end-to-end job on the embedded defaults.

Stages (each writes ``<out>/<stage>/DONE`` last and is skipped on a re-run when done):
data -> base-eval (greedy on held-out questions, k samples on training questions for the
knowledge labels) -> rm (preference RM on MiniLM) -> warm-start (balanced R-Tuning) ->
train (PPO on knowledge-aware truthfulness composed dominance-safely with the RM, best
checkpoint by validation truthfulness) -> eval -> report (before/after reports, training
curves, ``SUMMARY.md``). Like ``cli/main.py`` this is a top-level entry point, so it may
import ``benchmarks``.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import shutil
import time
from collections import Counter
from dataclasses import fields
from pathlib import Path

from benchmarks.training.config import DemoConfig, mark_done, plan_stages, quick, stage_dir, validate

logger = logging.getLogger("shaping.demo")
_CONFIG_FIELDS = [f.name for f in fields(DemoConfig) if f.name not in ("extra", "relations", "warm_start", "balance_known")]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default="demo-output", help="Output directory (default: demo-output).")
    parser.add_argument("--quick", action="store_true", help="A small run (under 10 minutes on 2 idle cores).")
    parser.add_argument("--force", action="store_true", help="Re-run every stage even when its outputs exist.")
    parser.add_argument("--plan", action="store_true", help="Print the stage plan and exit.")
    parser.add_argument("--relations", nargs="+", help="Knowledge relations to use (default: the ten in benchmarks.training.config.DEMO_RELATIONS).")
    parser.add_argument("--no-warm-start", dest="warm_start", action="store_false", default=None,
                        help="Skip the R-Tuning warm start.")
    parser.add_argument("--no-balance-known", dest="balance_known", action="store_false", default=None,
                        help="Train on the questions as drawn instead of balancing known and unknown ones.")
    defaults = DemoConfig()
    for name in _CONFIG_FIELDS:
        value = getattr(defaults, name)
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=None,
                            help=f"(default {value}{'; smaller with --quick' if name in quick_fields() else ''})")


def quick_fields() -> set[str]:
    from benchmarks.training.config import QUICK

    return set(QUICK)


def config_from_args(args: argparse.Namespace) -> DemoConfig:
    """Defaults, then ``--quick``, then explicit flags; validated (raises before any work)."""
    config = quick(DemoConfig()) if args.quick else DemoConfig()
    for name in _CONFIG_FIELDS:
        if getattr(args, name, None) is not None:
            setattr(config, name, getattr(args, name))
    if args.relations:
        config.relations = tuple(args.relations)
    if args.warm_start is not None:
        config.warm_start = args.warm_start
    if getattr(args, "balance_known", None) is not None:
        config.balance_known = args.balance_known
    validate(config, args.out)
    return config


def _check_same_config(out: Path, config: DemoConfig, force: bool) -> None:
    path = out / "config.json"
    if path.exists() and not force:
        # a setting added after the run was stored behaves as its default did then
        stored = {**DemoConfig().to_dict(), **json.loads(path.read_text())}
        if stored != config.to_dict():
            changed = sorted(k for k in set(stored) | set(config.to_dict()) if stored.get(k) != config.to_dict().get(k))
            raise ValueError(f"{out} holds a run with other settings ({changed}); pass --force to redo it "
                             "or a new --out.")
    out.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(config.to_dict(), indent=1))


def run(args: argparse.Namespace) -> int:
    try:
        config = config_from_args(args)
    except (ValueError, PermissionError) as err:
        logger.error("%s", err)
        return 2
    out = Path(args.out)
    plan = plan_stages(out, config, force=args.force)
    for stage, status in plan:
        logger.info("stage %-10s %s", stage, status)
    if args.plan:
        return 0
    _check_same_config(out, config, args.force)
    from benchmarks.training import stages as demo_stages

    started = time.monotonic()
    upstream_ran = False
    for stage, status in plan:
        if status != "run":
            continue
        folder = stage_dir(out, stage)
        if (args.force or upstream_ran) and folder.exists():
            # Stages resume their evaluations by question id; outputs made from an older
            # input (a re-trained warm start, a re-built label set) must not be resumed.
            logger.info("clearing %s: its inputs are being rebuilt", folder)
            shutil.rmtree(folder)
        upstream_ran = True
        t0 = time.monotonic()
        logger.info("=== %s ===", stage)
        getattr(demo_stages, "stage_" + stage.replace("-", "_"))(out, config)
        mark_done(out, stage)
        logger.info("=== %s done in %.1f min ===", stage, (time.monotonic() - t0) / 60)
    logger.info("demo finished in %.1f min; summary: %s", (time.monotonic() - started) / 60, out / "SUMMARY.md")
    print((out / "SUMMARY.md").read_text())
    return 0


def _interleave(rows: list[dict], rng: random.Random) -> list[dict]:
    """Shuffle each relation's rows, then deal them out one relation at a time (a stratified order)."""
    by_relation: dict[str, list[dict]] = {}
    for row in rows:
        by_relation.setdefault(row["relation"], []).append(row)
    lists = [by_relation[k] for k in sorted(by_relation)]
    for rows_of in lists:
        rng.shuffle(rows_of)
    return [rows_of[i] for i in range(max(map(len, lists), default=0)) for rows_of in lists if i < len(rows_of)]


def select_rows(dd, config: DemoConfig) -> dict[str, list[dict]]:
    """Pick the train / val / eval questions of the configured relations.

    Each split is stratified by relation (the relations take turns, so a relation with
    thousands of rows does not crowd out one with dozens), and validation takes whole
    entity groups that training never sees. The held-out questions depend only on the seed,
    the relations and ``n_eval``, so runs with other training sizes are scored on the same ones.
    """
    known = sorted(set(dd["train"]["relation"]) | set(dd["eval"]["relation"]))
    bad = [r for r in config.relations if r not in known]
    if bad:
        raise ValueError(f"Unknown relation(s) {bad}; the benchmark has {known}.")
    rng = random.Random(config.seed)

    def pick(split: str) -> list[dict]:
        return [r for r in dd[split].to_list() if r["relation"] in config.relations and r["query_type"] == "knowledge-seeking"]

    train, evals = pick("train"), pick("eval")
    need = config.n_train + config.n_val
    if len(train) < need or len(evals) < config.n_eval:
        raise ValueError(f"The relations {list(config.relations)} have {len(train)} train / {len(evals)} eval rows; "
                         f"asked for {need} train+val / {config.n_eval} eval. Lower --n-train/--n-val/--n-eval "
                         "or add --relations.")
    order = _interleave(train, rng)
    relations = sorted({r["relation"] for r in order})
    per_relation = -(-config.n_val // len(relations))
    available = Counter(r["relation"] for r in order)
    val_groups: set[str] = set()
    held = Counter()
    for row in order:  # whole entity groups go to validation until each relation has its share
        if all(held[rel] >= min(per_relation, available[rel]) for rel in relations):
            break
        if row["group"] not in val_groups and held[row["relation"]] < per_relation:
            val_groups.add(row["group"])
            held.update(r["relation"] for r in order if r["group"] == row["group"])
    val = _interleave([r for r in order if r["group"] in val_groups], rng)[: config.n_val]
    rest = _interleave([r for r in order if r["group"] not in val_groups], rng)[: config.n_train]
    if len(rest) < config.n_train:
        raise ValueError(f"Only {len(rest)} training rows remain outside the validation entities; lower --n-train "
                         "or add --relations.")
    # the held-out questions get their own generator, so they do not change with --n-train / --n-val
    return {"train": rest, "val": val, "eval": _interleave(evals, random.Random(config.seed))[: config.n_eval]}


def stage_dir_of(out: Path, stage: str) -> Path:
    path = stage_dir(out, stage)
    path.mkdir(parents=True, exist_ok=True)
    return path
