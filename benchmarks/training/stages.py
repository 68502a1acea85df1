"""The stages of ``shaping demo``; each reads and writes under ``out`` (see :mod:`benchmarks.training.pipeline`).

data -> base-eval (greedy on held-out questions, k samples on training questions for the
knowledge labels) -> rm (preference RM on MiniLM) -> warm-start (balanced R-Tuning) ->
train (RL on knowledge-aware truthfulness composed dominance-safely with the RM, best
checkpoint by validation truthfulness) -> eval -> probe (a probe gate fitted on the base
model's training answers and applied to its held-out ones; it reads only base-eval's
answers, and runs last so that adding it to a finished folder redoes no training) -> report.
:func:`train_rl` is the RL run itself, shared with the training benchmark's compared runs
(:mod:`benchmarks.training.runs`).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from benchmarks.training.config import ANSWER_TOKENS, DemoConfig, answer_tokens, rl_settings, stage_dir
from benchmarks.training.rows import load_rows, save_rows, select_rows, validation_rows
from rewards.knowledge import KnowledgeLabels

logger = logging.getLogger("shaping.demo")

#: Log keys drawn in the demo's training curves (those the run logged).
TRAINING_KEYS = ("reward", "objective/kl", "known/abstain_rate", "unknown/abstain_rate", "known/correct_rate",
                 "unknown/wrong_rate", "validation/truthfulness", "validation/abstain_known", "validation/correct")


def _folder(out: Path, stage: str) -> Path:
    path = stage_dir(out, stage)
    path.mkdir(parents=True, exist_ok=True)
    return path


def load_model(path: str | Path):
    """A policy and its tokenizer: ``"smollm2"`` (the embedded model) or a saved model folder."""
    from shaping.models import load_policy

    return load_policy(str(path))


def evaluate(model, tokenizer, rows: list[dict], path: Path, *, k: int,
             max_new_tokens: int = ANSWER_TOKENS) -> pd.DataFrame:
    """Greedy answers (and ``k`` samples) to ``rows``, judged and appended to ``path`` (resumable)."""
    from benchmarks.evaluate import evaluate_policy

    return evaluate_policy(model, tokenizer, rows, k=k, out_path=path, max_new_tokens=max_new_tokens)


def load_labels(out: Path) -> KnowledgeLabels:
    """The knowledge labels the base-eval stage wrote (P(correct) of each training question)."""
    return KnowledgeLabels.load(Path(out) / "base-eval" / "labels.json")


def start_model(out: Path, config: DemoConfig) -> str | Path:
    """Where RL starts: the warm-started model, or the base model without a warm start."""
    return Path(out) / "warm-start" / "model" if config.warm_start else config.model


def stage_data(out: Path, config: DemoConfig) -> None:
    """Build (or load) the benchmark and pick the demo's train / val / eval questions."""
    from benchmarks.data.build import build_benchmark, load_benchmark

    path = _folder(out, "data") / "benchmark"
    dd = load_benchmark(path) if path.exists() else build_benchmark(path, seed=config.seed)
    rows = select_rows(dd, config)
    save_rows(out, rows)
    logger.info("questions: %s", {k: len(v) for k, v in rows.items()})


def stage_base_eval(out: Path, config: DemoConfig) -> None:
    """Greedy base results on held-out questions; k samples on train+val for the knowledge labels."""
    rows, d = load_rows(out), _folder(out, "base-eval")
    model, tokenizer = load_model(config.model)
    evaluate(model, tokenizer, rows["eval"], d / "eval.jsonl", k=0)
    train = evaluate(model, tokenizer, rows["train"] + rows["val"], d / "train.jsonl", k=config.k)
    train_ids = {r["id"] for r in rows["train"]}
    labels = KnowledgeLabels.from_records(train[train["id"].isin(train_ids)].to_dict("records"))
    labels.save(d / "labels.json")
    logger.info("knowledge labels: %s", labels)


def stage_rm(out: Path, config: DemoConfig) -> None:
    """Train the preference RM (helpfulness / style) on the embedded MiniLM."""
    from shaping.rm.data import build_preference_data
    from shaping.rm.train import pairwise_accuracy, train_reward_model

    data = build_preference_data(config.rm_pairs, seed=config.seed)
    path = train_reward_model(data["train"], output_dir=_folder(out, "rm") / "model", model=config.rm_model,
                              epochs=config.rm_epochs, seed=config.seed)
    acc = pairwise_accuracy(str(path), data["test"])
    (out / "rm" / "metrics.json").write_text(json.dumps({"pairwise_accuracy": acc}, default=str))
    logger.info("RM held-out pairwise accuracy: %s", acc)


def stage_warm_start(out: Path, config: DemoConfig) -> None:
    """Balanced R-Tuning on the base model's own training answers (drafted with ``policy="draft"``),
    then a greedy held-out check."""
    from shaping.recipe.warm_start import build_rtuning_dataset, warm_start

    rows, d = load_rows(out), _folder(out, "warm-start")
    train_ids = {r["id"] for r in rows["train"]}
    results = pd.read_json(out / "base-eval" / "train.jsonl", lines=True)
    results = results[results["id"].isin(train_ids)]
    idk_max_p = config.warm_idk_max_p if config.warm_idk_max_p < 1.0 else None
    stratify = None if config.warm_stratify == "none" else config.warm_stratify
    dataset = build_rtuning_dataset(results, max_per_class=config.warm_per_class, idk_max_p=idk_max_p,
                                    stratify=stratify, sampled_answers=config.warm_answers == "samples",
                                    drafts=config.policy == "draft", seed=config.seed)
    model, tokenizer = load_model(config.model)
    tuned = warm_start(model, tokenizer, dataset, epochs=config.warm_epochs, lr=config.warm_lr,
                       output_dir=d / "model", seed=config.seed)
    evaluate(tuned, tokenizer, rows["eval"], d / "eval.jsonl", k=0, max_new_tokens=answer_tokens(config))


def training_rows(rows: list[dict], labels: KnowledgeLabels, config: DemoConfig) -> list[dict]:
    """The RL prompts: the training questions, known and unknown balanced when configured."""
    from shaping.recipe.train import balance_by_knowledge

    return balance_by_knowledge(rows, labels) if config.balance_known else rows


def demo_reward(out: Path, labels: KnowledgeLabels, config: DemoConfig):
    """The shaped reward with the demo's settings and the RM trained in ``out``."""
    from shaping.recipe.train import shaped_reward

    return shaped_reward(labels, out / "rm" / "model", correct=config.correct, abstain=config.abstain,
                         wrong=config.wrong, band=config.rm_band)


@dataclass
class RLRun:
    """What :func:`train_rl` returns: the trained policy and what its run recorded."""

    policy: Any
    tokenizer: Any
    history: list[dict]
    selector: Any
    """The :class:`~shaping.recipe.selection.ValidationSelectionCallback`, or None when not selecting."""
    seconds: float

    def timing(self, steps: int) -> dict[str, float]:
        """``{"train_seconds", "seconds_per_step"}`` as ``timing.json`` stores them."""
        return {"train_seconds": self.seconds, "seconds_per_step": self.seconds / steps}


def train_rl(out: Path, config: DemoConfig, reward: Callable, labels: KnowledgeLabels, run_dir: Path, *,
             select: bool = True, restore_best: bool = True) -> RLRun:
    """RL from :func:`start_model` on the demo's training questions with ``reward``.

    Args:
        labels: the knowledge labels ``reward`` reads (refreshed in place with ``--refresh-every``).
        run_dir: the trainer's output folder.
        select: evaluate the validation slice every ``val_every`` steps and track the best checkpoint.
        restore_best: with ``select``, end with the best checkpoint's weights instead of the last step's.
    """
    from shaping.recipe.labels import KnowledgeRefreshCallback
    from shaping.recipe.selection import ValidationSelectionCallback
    from shaping.recipe.train import train_policy

    rows = load_rows(out)
    model, tokenizer = load_model(start_model(out, config))
    callbacks, selector = [], None
    if select:
        val, base_val_accuracy = validation_rows(out)
        selector = ValidationSelectionCallback(val, tokenizer, every=config.val_every, restore_best=restore_best,
                                               min_accuracy=config.min_accuracy_ratio * base_val_accuracy,
                                               max_new_tokens=answer_tokens(config))
        callbacks.append(selector)
    if config.refresh_every:
        callbacks.append(KnowledgeRefreshCallback(labels, rows["train"], tokenizer, every=config.refresh_every,
                                                  k=max(config.k, 2), limit=64, seed=config.seed))
    t0 = time.monotonic()
    policy, history = train_policy(model, tokenizer, reward, training_rows(rows["train"], labels, config),
                                   output_dir=run_dir, settings=rl_settings(config), trainer=config.trainer,
                                   callbacks=callbacks)
    return RLRun(policy, tokenizer, history, selector, time.monotonic() - t0)


def save_run(run: RLRun, folder: Path, steps: int) -> None:
    """Write a run's policy (``model/``), ``log_history.json`` and ``timing.json`` into ``folder``."""
    run.policy.save_pretrained(folder / "model")
    run.tokenizer.save_pretrained(folder / "model")
    (folder / "log_history.json").write_text(json.dumps(run.history, default=float))
    (folder / "timing.json").write_text(json.dumps(run.timing(steps)))


def stage_train(out: Path, config: DemoConfig) -> None:
    """RL with the shaped reward; the best validation checkpoint is kept and saved."""
    d = _folder(out, "train")
    labels = load_labels(out)
    run = train_rl(out, config, demo_reward(out, labels, config), labels, d / "run")
    save_run(run, d, config.steps)
    labels.save(d / "labels.json")
    selector = run.selector
    (d / "selection.json").write_text(json.dumps({"best": selector.best, "history": selector.history,
                                                  "min_accuracy": selector.min_accuracy}, default=float))


def stage_eval(out: Path, config: DemoConfig) -> None:
    """Greedy evaluation of the selected policy on the held-out questions."""
    model, tokenizer = load_model(out / "train" / "model")
    evaluate(model, tokenizer, load_rows(out)["eval"], _folder(out, "eval") / "eval.jsonl", k=0,
             max_new_tokens=answer_tokens(config))


def stage_probe(out: Path, config: DemoConfig) -> None:
    """A probe gate on the base model's hidden states (:mod:`benchmarks.training.probe`)."""
    from benchmarks.training.probe import stage_probe as fit_and_apply

    fit_and_apply(out, config)


def stage_report(out: Path, config: DemoConfig) -> None:
    """Before/after reports, their comparison, training curves and SUMMARY.md."""
    from benchmarks.compare import compare_reports
    from benchmarks.plots import plot_training_curves
    from benchmarks.report import write_report
    from benchmarks.training.ceilings import write_decline_map
    from benchmarks.training.probe import PROBE_CURVE, probe_lines, probe_results
    from benchmarks.training.report import demo_summary
    from benchmarks.training.summary import summary_table

    d = _folder(out, "report")
    base = pd.read_json(out / "base-eval" / "eval.jsonl", lines=True)
    after = pd.read_json(out / "eval" / "eval.jsonl", lines=True)
    write_report(base, d / "base", title="Base SmolLM2 (held-out questions)")
    kind = ", draft-then-decide" if config.policy == "draft" else ""
    write_report(after, d / "after", title=f"After shaped RL{kind} (held-out questions)")
    compare_reports(d / "base", d / "after", d / "compare", names=("base", "shaped"))
    named, draft = {"base": base}, "draft " if config.policy == "draft" else ""
    if config.warm_start:
        named[f"{draft}warm start"] = pd.read_json(out / "warm-start" / "eval.jsonl", lines=True)
    gated, curves = probe_results(out), {}
    if gated:  # the gate on the base answers, and its P(correct) as a curve on the decline map
        named.update(gated)
        base = base.merge(next(iter(gated.values()))[["id", "probe_p"]], on="id", how="left")
        curves[PROBE_CURVE] = "probe_p"
    named[f"{config.trainer.upper()} {draft}shaped (selected)"] = after
    table = summary_table(named, base)
    history = json.loads((out / "train" / "log_history.json").read_text())
    present = {k for r in history for k in r}
    plot_training_curves(history, d / "training_curves.png", keys=[k for k in TRAINING_KEYS if k in present],
                         title="Shaped RL: rewards, KL, abstention on known / unknown questions, validation")
    figures = ["report/training_curves.png"]
    if write_decline_map(base, table, d / "decline_map.png", curves=curves):
        figures.append("report/decline_map.png (each policy against what declining alone can do)")
    selection = json.loads((out / "train" / "selection.json").read_text())
    text = demo_summary(named, base, table, relations=config.relations, selection=selection, figures=figures,
                        extra=probe_lines(out))
    (out / "SUMMARY.md").write_text(text)
    table.to_csv(d / "summary.csv")
