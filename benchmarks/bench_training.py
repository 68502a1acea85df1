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
``benchmarks/bench_transfer.py`` can score it on relations it never trained on).

    python benchmarks/bench_training.py --out bench-training --steps 40 --limit 80
    python benchmarks/bench_training.py --out bench-training --steps 10 --limit 40 --quick  # shorter
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

import pandas as pd

from rewards import Outcome, Reward, completion_text, judge, query_text

logger = logging.getLogger("bench_training")
RUNS = ("ppo-rm", "ppo-binary", "ppo-shaped", "ppo-shaped-selected")
RUN_LABELS = {"ppo-rm": "PPO, RM alone", "ppo-binary": "PPO, binary 1/0", "ppo-shaped": "PPO, shaped (final step)",
              "ppo-shaped-selected": "PPO, shaped (selected on validation)"}
"""Each run's name in the results tables."""


class BinaryCorrectReward(Reward):
    """1 for a correct answer, 0 for anything else (abstaining and guessing wrong cost the same).

    >>> BinaryCorrectReward()(["Capital of France?"] * 2, ["Paris.", "I don't know."], answers=[["Paris"]] * 2)
    [1.0, 0.0]
    """

    columns = ("answers",)
    name = "binary_correct"

    def score(self, prompt, completion, **row):
        verdict = judge(completion_text(completion), row["answers"], question=query_text(prompt))
        return 1.0 if verdict.outcome == Outcome.CORRECT else 0.0


def reward_for(run: str, out: Path, labels, config):
    from benchmarks.training.stages import demo_reward
    from shaping.rm.score import RewardModelReward

    if run == "ppo-rm":
        return RewardModelReward(str(out / "rm" / "model"))
    if run == "ppo-binary":
        return BinaryCorrectReward()
    return demo_reward(out, labels, config)


def train_run(run: str, out: Path, config) -> dict:
    """Train one RL row from the warm start and evaluate it (resumable: skipped when its eval exists)."""
    from benchmarks.training.config import is_done, rl_settings
    from benchmarks.training.stages import _evaluate, _load, _rows, _val_rows, training_rows
    from rewards.knowledge import KnowledgeLabels
    from shaping.recipe.selection import ValidationSelectionCallback
    from shaping.recipe.train import train_policy

    d = out / "bench" / run
    if (d / "eval.jsonl").exists() and (d / "DONE").exists():
        return json.loads((d / "timing.json").read_text())
    if run == "ppo-shaped-selected":  # the demo's own train + eval stages (same settings)
        if not (is_done(out, "train") and is_done(out, "eval")):
            raise FileNotFoundError(f"{run} reuses `shaping demo --out {out}`; run the demo first or use ppo-shaped.")
        timing = out / "train" / "timing.json"
        return json.loads(timing.read_text()) if timing.exists() else {"seconds_per_step": float("nan")}
    d.mkdir(parents=True, exist_ok=True)
    for stale in ("eval.jsonl", "eval_selected.jsonl"):  # from an interrupted run: a new policy is trained
        (d / stale).unlink(missing_ok=True)
    rows = _rows(out)
    model, tokenizer = _load(out / "warm-start" / "model" if config.warm_start else config.model)
    labels = KnowledgeLabels.load(out / "base-eval" / "labels.json")
    val, base_acc = _val_rows(out)
    # only the shaped recipe evaluates the validation slice (for its selected checkpoint)
    selector = ValidationSelectionCallback(val, tokenizer, every=config.val_every,
                                           min_accuracy=config.min_accuracy_ratio * base_acc,
                                           restore_best=False)
    callbacks = [selector] if run == "ppo-shaped" else []
    settings = rl_settings(config)
    t0 = time.monotonic()
    policy, history = train_policy(model, tokenizer, reward_for(run, out, labels, config),
                                   training_rows(rows["train"], labels, config),
                                   output_dir=d / "run", settings=settings, trainer=config.trainer,
                                   callbacks=callbacks)
    seconds = time.monotonic() - t0
    (d / "log_history.json").write_text(json.dumps(history, default=float))
    policy.save_pretrained(d / "model")  # the final step, for other benchmarks (bench_transfer.py)
    tokenizer.save_pretrained(d / "model")
    _evaluate(policy, tokenizer, rows["eval"], d / "eval.jsonl", k=0)
    if run == "ppo-shaped" and selector._best_state is not None:
        policy.load_state_dict(selector._best_state)
        _evaluate(policy, tokenizer, rows["eval"], d / "eval_selected.jsonl", k=0)
        (d / "selection.json").write_text(json.dumps({"best": selector.best}, default=float))
    timing = {"train_seconds": seconds, "seconds_per_step": seconds / config.steps}
    (d / "timing.json").write_text(json.dumps(timing))
    (d / "DONE").write_text("ok\n")
    return timing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="bench-training", help="Output folder (shared with `shaping demo --out`).")
    parser.add_argument("--steps", type=int, default=None, help="RL steps per run (default: the demo's 40).")
    parser.add_argument("--limit", type=int, default=None, help="Held-out questions (default: the demo's n_eval).")
    parser.add_argument("--quick", action="store_true", help="Start from the demo's --quick settings.")
    parser.add_argument("--runs", nargs="+", choices=RUNS, default=list(RUNS[:3]),
                        help="RL rows to train; ppo-shaped-selected reuses the demo's trained policy instead of "
                             "training ppo-shaped again (then only its selected checkpoint is reported).")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    from benchmarks.plots import plot_comparison, plot_training_curves
    from benchmarks.training import stages as demo_stages
    from benchmarks.training.config import DemoConfig, is_done, mark_done, quick, validate
    from benchmarks.training.summary import markdown, summary_table, uncertainty_section, write_decline_map
    from cli.demo import _check_same_config

    config = quick(DemoConfig()) if args.quick else DemoConfig()
    config.steps = config.steps if args.steps is None else args.steps
    config.n_eval = config.n_eval if args.limit is None else args.limit
    out = Path(args.out)
    validate(config, out)
    _check_same_config(out, config, force=False)
    for stage in ("data", "base-eval", "rm", "warm-start"):  # the demo's stages, resumable
        if not is_done(out, stage):
            logger.info("=== %s ===", stage)
            getattr(demo_stages, "stage_" + stage.replace("-", "_"))(out, config)
            mark_done(out, stage)
    timings = {run: train_run(run, out, config) for run in args.runs}

    base = pd.read_json(out / "base-eval" / "eval.jsonl", lines=True)
    named = {"base (prompted to say I don't know)": base,
             "warm start alone": pd.read_json(out / "warm-start" / "eval.jsonl", lines=True)}
    for run in args.runs:
        path = out / "eval" / "eval.jsonl" if run == "ppo-shaped-selected" else out / "bench" / run / "eval.jsonl"
        named[RUN_LABELS[run]] = pd.read_json(path, lines=True)
    selected = out / "bench" / "ppo-shaped" / "eval_selected.jsonl"
    if "ppo-shaped" in args.runs and selected.exists():
        named[RUN_LABELS["ppo-shaped-selected"]] = pd.read_json(selected, lines=True)
    table = summary_table(named, base)
    text = "\n".join([
        "# Training benchmark", "",
        f"{int(table['n'].iloc[0])} held-out questions ({', '.join(config.relations)}), greedy; "
        f"{config.steps} {config.trainer.upper()} steps x {config.prompts_per_step} prompts x "
        f"{config.num_generations} samples, seed {config.seed}; all RL runs start from the warm start.", "",
        markdown(table), "",
        *uncertainty_section(named, base), "",
        "Seconds per RL step: " + ", ".join(f"{r} {t['seconds_per_step']:.1f}" for r, t in timings.items()), "",
    ])
    (out / "results.md").write_text(text)
    table.to_csv(out / "summary.csv")
    plot_comparison({n: table.loc[n, ["correct", "abstain", "wrong", "truthfulness"]].to_dict() for n in table.index},
                    out / "outcomes.png", title="Held-out outcomes by training recipe")
    write_decline_map(base, table, out / "decline_map.png")
    for run in args.runs:
        folder = out / "train" if run == "ppo-shaped-selected" else out / "bench" / run
        history = json.loads((folder / "log_history.json").read_text())
        keys = [k for k in ("reward", "known/abstain_rate", "unknown/abstain_rate", "val/truthfulness",
                            "val/abstain_known") if any(k in h for h in history)]
        plot_training_curves(history, out / f"curves-{run}.png", keys=keys, title=RUN_LABELS[run])
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
