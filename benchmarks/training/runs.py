"""The training benchmark's compared runs: what each reward does to accuracy, abstention and hallucination.

Same questions, seed and number of steps for every row, all RL runs from the same start
(the demo's warm start): the RM alone, a binary reward (1 correct, 0 otherwise) and the
shaped reward, whose final step and validation-selected checkpoint are both scored. Every
run trains with :func:`benchmarks.training.stages.train_rl`, the demo's own RL run, on the
data, labels and RM of the demo's first stages (:func:`benchmarks.training.pipeline.run_stages`).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd

from benchmarks.training.config import DemoConfig, answer_tokens, is_done, quick
from benchmarks.training.rows import load_rows
from benchmarks.training.stages import demo_reward, evaluate, load_labels, save_run, train_rl
from rewards import Outcome, Reward
from rewards.judging import judge_completion

logger = logging.getLogger("bench_training")
RUNS = ("ppo-rm", "ppo-binary", "ppo-shaped", "ppo-shaped-selected")
RUN_LABELS = {"ppo-rm": "PPO, RM alone", "ppo-binary": "PPO, binary 1/0", "ppo-shaped": "PPO, shaped (final step)",
              "ppo-shaped-selected": "PPO, shaped (selected on validation)"}
"""Each run's name in the results tables."""
#: The demo stages every run starts from (data, knowledge labels, RM, warm start).
SHARED_STAGES = ("data", "base-eval", "rm", "warm-start")
CURVE_KEYS = ("reward", "known/abstain_rate", "unknown/abstain_rate", "validation/truthfulness",
              "validation/abstain_known")


class BinaryCorrectReward(Reward):
    """1 for a correct answer, 0 for anything else (abstaining and guessing wrong cost the same).

    >>> BinaryCorrectReward()(["Capital of France?"] * 2, ["Paris.", "I don't know."], answers=[["Paris"]] * 2)
    [1.0, 0.0]
    """

    columns = ("answers",)
    name = "binary_correct"

    def score(self, prompt, completion, **row):
        verdict = judge_completion(prompt, completion, row["answers"], row.get("competitors"))
        return 1.0 if verdict.outcome == Outcome.CORRECT else 0.0


def benchmark_config(*, quick_run: bool = False, steps: int | None = None, limit: int | None = None) -> DemoConfig:
    """The demo's settings (its ``--quick`` ones with ``quick_run``), with other ``steps`` / ``n_eval``.

    >>> benchmark_config(quick_run=True, steps=3).steps, benchmark_config(limit=40).n_eval
    (3, 40)
    """
    config = quick(DemoConfig()) if quick_run else DemoConfig()
    config.steps = config.steps if steps is None else steps
    config.n_eval = config.n_eval if limit is None else limit
    return config


def reward_for(run: str, out: Path, labels, config: DemoConfig):
    """The reward ``run`` trains on: the RM in ``out`` alone, :class:`BinaryCorrectReward`, or the demo's."""
    from shaping.rm.score import RewardModelReward

    if run not in RUNS:
        raise ValueError(f"run={run!r} is not one of {RUNS}.")
    if run == "ppo-rm":
        return RewardModelReward(str(out / "rm" / "model"))
    if run == "ppo-binary":
        return BinaryCorrectReward()
    return demo_reward(out, labels, config)


def eval_path(out: Path, run: str) -> Path:
    """``run``'s held-out answers: the demo's own eval stage for the selected shaped run."""
    if run == "ppo-shaped-selected":
        return Path(out) / "eval" / "eval.jsonl"
    return Path(out) / "bench" / run / "eval.jsonl"


def history_path(out: Path, run: str) -> Path:
    """``run``'s training log: the demo's own train stage for the selected shaped run."""
    folder = Path(out) / "train" if run == "ppo-shaped-selected" else Path(out) / "bench" / run
    return folder / "log_history.json"


def train_run(run: str, out: Path, config: DemoConfig) -> dict:
    """Train one RL row from the demo's start and evaluate it; its timing (resumable: skipped when done).

    ``ppo-shaped-selected`` is the demo's own train and eval stages (same settings), so it
    trains nothing here. ``ppo-shaped`` scores both its final step (``eval.jsonl``) and the
    checkpoint its validation selector kept (``eval_selected.jsonl``).
    """
    d = Path(out) / "bench" / run
    if (d / "eval.jsonl").exists() and (d / "DONE").exists():
        return json.loads((d / "timing.json").read_text())
    if run == "ppo-shaped-selected":
        if not (is_done(out, "train") and is_done(out, "eval")):
            raise FileNotFoundError(f"{run} reuses `shaping demo --out {out}`; run the demo first or use ppo-shaped.")
        timing = Path(out) / "train" / "timing.json"
        return json.loads(timing.read_text()) if timing.exists() else {"seconds_per_step": float("nan")}
    d.mkdir(parents=True, exist_ok=True)
    for stale in ("eval.jsonl", "eval_selected.jsonl"):  # from an interrupted run: a new policy is trained
        (d / stale).unlink(missing_ok=True)
    labels = load_labels(out)
    shaped = run == "ppo-shaped"  # only the shaped recipe evaluates the validation slice
    result = train_rl(out, config, reward_for(run, out, labels, config), labels, d / "run",
                      select=shaped, restore_best=False)
    save_run(result, d, config.steps)  # the final step, for other benchmarks (bench_transfer.py)
    eval_rows, tokens = load_rows(out)["eval"], answer_tokens(config)
    evaluate(result.policy, result.tokenizer, eval_rows, d / "eval.jsonl", k=0, max_new_tokens=tokens)
    if shaped and result.selector.best_state is not None:
        result.policy.load_state_dict(result.selector.best_state)
        evaluate(result.policy, result.tokenizer, eval_rows, d / "eval_selected.jsonl", k=0, max_new_tokens=tokens)
        (d / "selection.json").write_text(json.dumps({"best": result.selector.best}, default=float))
    (d / "DONE").write_text("ok\n")
    return result.timing(config.steps)


def run_results(out: Path, runs: list[str]) -> dict[str, pd.DataFrame]:
    """``{table name: held-out answers}``: the base, the warm start and every run, in that order."""
    out = Path(out)
    named = {"base (prompted to say I don't know)": pd.read_json(out / "base-eval" / "eval.jsonl", lines=True),
             "warm start alone": pd.read_json(out / "warm-start" / "eval.jsonl", lines=True)}
    for run in runs:
        named[RUN_LABELS[run]] = pd.read_json(eval_path(out, run), lines=True)
    selected = out / "bench" / "ppo-shaped" / "eval_selected.jsonl"
    if "ppo-shaped" in runs and selected.exists():
        named[RUN_LABELS["ppo-shaped-selected"]] = pd.read_json(selected, lines=True)
    return named


def write_results(out: Path, config: DemoConfig, runs: list[str], timings: dict[str, dict]) -> str:
    """``results.md``, ``summary.csv``, ``outcomes.png``, ``decline_map.png`` and one
    ``curves-<run>.png`` per run in ``out``; returns the Markdown."""
    from benchmarks.plots import plot_comparison, plot_training_curves
    from benchmarks.training.ceilings import write_decline_map
    from benchmarks.training.report import training_results
    from benchmarks.training.summary import summary_table

    out = Path(out)
    named = run_results(out, runs)
    base = next(iter(named.values()))
    table = summary_table(named, base)
    text = training_results(named, base, table, config=config, timings=timings)
    (out / "results.md").write_text(text)
    table.to_csv(out / "summary.csv")
    plot_comparison({n: table.loc[n, ["correct", "abstain", "wrong", "truthfulness"]].to_dict() for n in table.index},
                    out / "outcomes.png", title="Held-out outcomes by training recipe")
    write_decline_map(base, table, out / "decline_map.png")
    for run in runs:
        history = json.loads(history_path(out, run).read_text())
        keys = [k for k in CURVE_KEYS if any(k in h for h in history)]
        plot_training_curves(history, out / f"curves-{run}.png", keys=keys, title=RUN_LABELS[run])
    return text
