"""Running ``shaping demo``'s stages in order, resumably, in one output folder.

:func:`run_stages` is the one stage loop: the demo runs every stage with it, and the
training benchmark runs the first four (the same data, labels, RM and warm start) before
its own compared runs. :func:`check_same_config` guards a folder against being resumed with
other settings.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from pathlib import Path
from typing import Sequence

from benchmarks.artifacts import atomic_write_text
from benchmarks.training.config import STAGES, DemoConfig, mark_done, plan_stages, stage_dir

logger = logging.getLogger("shaping.demo")
CONFIG_FILE = "config.json"


def check_same_config(out: Path, config: DemoConfig, *, force: bool = False) -> None:
    """Store ``config`` in ``<out>/config.json``; raise if the folder holds a run with other settings.

    A setting added after a folder was written is missing from its ``config.json`` and counts
    as its default, so an older folder with the same settings is still recognised. With
    ``force`` the stored settings are overwritten.
    """
    compare_config(out, config, force=force)
    # a kill never leaves a truncated config.json
    atomic_write_text(Path(out) / CONFIG_FILE, json.dumps(config.to_dict(), indent=1))


def compare_config(out: Path, config: DemoConfig, *, force: bool = False) -> None:
    """Raise ``ValueError`` when ``<out>/config.json`` holds other settings (or cannot be read);
    ``shaping demo --plan`` and the run check the same way."""
    path = Path(out) / CONFIG_FILE
    if not path.exists() or force:
        return
    try:
        stored = {**DemoConfig().to_dict(), **json.loads(path.read_text(encoding="utf-8"))}
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path} is not readable JSON ({exc}); pass --force to redo the run there, or a new "
                         "--out.") from exc
    wanted = config.to_dict()
    if stored != wanted:
        changed = sorted(k for k in set(stored) | set(wanted) if stored.get(k) != wanted.get(k))
        raise ValueError(f"{out} holds a run with other settings ({changed}); pass --force to redo it "
                         "or a new --out.")


def run_stages(out: Path, config: DemoConfig, *, force: bool = False,
               stages: Sequence[str] = STAGES) -> list[str]:
    """Run the ``stages`` that :func:`~benchmarks.training.config.plan_stages` says are due; return them.

    Each stage writes ``<out>/<stage>/DONE`` last, so an interrupted run resumes at the stage
    it stopped in (that stage resumes its evaluations by question id). A stage that runs
    after an earlier one ran, or with ``force``, starts from an empty folder: its outputs were
    made from inputs that are being rebuilt.
    """
    from benchmarks.training import stages as demo_stages

    unknown = [s for s in stages if s not in STAGES]
    if unknown:
        raise ValueError(f"Unknown stage(s) {unknown}; the demo's stages are {list(STAGES)}.")
    ran, upstream_ran = [], False
    for stage, status in plan_stages(out, config, force=force):
        if stage not in stages or status != "run":
            continue
        folder = stage_dir(out, stage)
        if (force or upstream_ran) and folder.exists():
            logger.info("clearing %s: its inputs are being rebuilt", folder)
            shutil.rmtree(folder)
        upstream_ran = True
        t0 = time.monotonic()
        logger.info("=== %s ===", stage)
        getattr(demo_stages, "stage_" + stage.replace("-", "_"))(Path(out), config)
        mark_done(out, stage)
        logger.info("=== %s done in %.1f min ===", stage, (time.monotonic() - t0) / 60)
        ran.append(stage)
    return ran


def run_demo(out: Path, config: DemoConfig, *, force: bool = False) -> Path:
    """The whole demo in ``out``: check the stored settings, run the due stages; the SUMMARY.md path."""
    started = time.monotonic()
    check_same_config(out, config, force=force)
    run_stages(out, config, force=force)
    summary = Path(out) / "SUMMARY.md"
    logger.info("demo finished in %.1f min; summary: %s", (time.monotonic() - started) / 60, summary)
    return summary
