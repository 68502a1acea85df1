"""The stages of ``shaping demo`` (see :mod:`cli.demo`); each reads and writes under ``out``.

Part of the demo entry point, so, like the CLI, it may import ``benchmarks``.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import pandas as pd

from benchmarks.training.config import DemoConfig, rl_settings
from cli.demo import select_rows, stage_dir_of
from rewards.knowledge import KnowledgeLabels
from rewards.outcome import has_no_true_answer

logger = logging.getLogger("shaping.demo")


def _rows(out: Path) -> dict[str, list[dict]]:
    return json.loads((out / "data" / "rows.json").read_text())


def _load(path: str | Path):
    from shaping.models import load_policy

    return load_policy(str(path))


def _evaluate(model, tokenizer, rows, path: Path, *, k: int) -> pd.DataFrame:
    from benchmarks.evaluate import evaluate_policy

    return evaluate_policy(model, tokenizer, rows, k=k, out_path=path, max_new_tokens=32)


def stage_data(out: Path, config: DemoConfig) -> None:
    """Build (or load) the benchmark and pick the demo's train / val / eval questions."""
    from benchmarks.data.build import build_benchmark, load_benchmark

    path = stage_dir_of(out, "data") / "benchmark"
    dd = load_benchmark(path) if path.exists() else build_benchmark(path, seed=config.seed)
    rows = select_rows(dd, config)
    (out / "data" / "rows.json").write_text(json.dumps(rows))
    logger.info("questions: %s", {k: len(v) for k, v in rows.items()})


def stage_base_eval(out: Path, config: DemoConfig) -> None:
    """Greedy base results on held-out questions; k samples on train+val for the knowledge labels."""
    rows, d = _rows(out), stage_dir_of(out, "base-eval")
    model, tokenizer = _load(config.model)
    _evaluate(model, tokenizer, rows["eval"], d / "eval.jsonl", k=0)
    train = _evaluate(model, tokenizer, rows["train"] + rows["val"], d / "train.jsonl", k=config.k)
    labels = KnowledgeLabels.from_records(train[train["id"].isin({r["id"] for r in rows["train"]})].to_dict("records"))
    labels.save(d / "labels.json")
    logger.info("knowledge labels: %s", labels)


def stage_rm(out: Path, config: DemoConfig) -> None:
    """Train the preference RM (helpfulness / style) on the embedded MiniLM."""
    from shaping.rm.data import build_preference_data
    from shaping.rm.train import pairwise_accuracy, train_reward_model

    data = build_preference_data(config.rm_pairs, seed=config.seed)
    path = train_reward_model(data["train"], output_dir=stage_dir_of(out, "rm") / "model", model=config.rm_model,
                              epochs=config.rm_epochs,
                              seed=config.seed)
    acc = pairwise_accuracy(str(path), data["test"])
    (out / "rm" / "metrics.json").write_text(json.dumps({"pairwise_accuracy": acc}, default=str))
    logger.info("RM held-out pairwise accuracy: %s", acc)


def stage_warm_start(out: Path, config: DemoConfig) -> None:
    """Balanced R-Tuning on the base model's own training answers, then a greedy held-out check."""
    from shaping.recipe.warm_start import build_rtuning_dataset, warm_start

    rows, d = _rows(out), stage_dir_of(out, "warm-start")
    train_ids = {r["id"] for r in rows["train"]}
    results = pd.read_json(out / "base-eval" / "train.jsonl", lines=True)
    results = results[results["id"].isin(train_ids)]
    idk_max_p = config.warm_idk_max_p if config.warm_idk_max_p < 1.0 else None
    stratify = None if config.warm_stratify == "none" else config.warm_stratify
    dataset = build_rtuning_dataset(results, max_per_class=config.warm_per_class, idk_max_p=idk_max_p,
                                    stratify=stratify, sampled_answers=config.warm_answers == "samples",
                                    seed=config.seed)
    model, tokenizer = _load(config.model)
    tuned = warm_start(model, tokenizer, dataset, epochs=config.warm_epochs, lr=config.warm_lr,
                       output_dir=d / "model", seed=config.seed)
    _evaluate(tuned, tokenizer, rows["eval"], d / "eval.jsonl", k=0)


def _val_rows(out: Path) -> tuple[list[dict], float]:
    """Validation rows marked ``known`` (the base model's greedy answer was right) and the
    base model's accuracy over the answerable ones (the selection's accuracy reference)."""
    rows = _rows(out)
    base = pd.read_json(out / "base-eval" / "train.jsonl", lines=True).set_index("id")
    val = [{**r, "known": not has_no_true_answer(r["answers"]) and base.loc[r["id"], "outcome"] == "correct"}
           for r in rows["val"]]
    answerable = [r for r in val if not has_no_true_answer(r["answers"])] or val
    accuracy = sum(r["known"] for r in answerable) / len(answerable)
    return val, accuracy


def training_rows(rows: list[dict], labels: KnowledgeLabels, config: DemoConfig) -> list[dict]:
    """The RL prompts: the training questions, known and unknown balanced when configured."""
    from shaping.recipe.train import balance_by_knowledge

    return balance_by_knowledge(rows, labels) if config.balance_known else rows


def demo_reward(out: Path, labels: KnowledgeLabels, config: DemoConfig):
    """The shaped reward with the demo's settings and the RM trained in ``out``."""
    from shaping.recipe.train import shaped_reward

    return shaped_reward(labels, out / "rm" / "model", correct=config.correct, abstain=config.abstain,
                         wrong=config.wrong, band=config.rm_band)


def stage_train(out: Path, config: DemoConfig) -> None:
    """RL with the shaped reward; the best validation checkpoint is kept and saved."""
    from shaping.recipe.labels import KnowledgeRefreshCallback
    from shaping.recipe.selection import ValidationSelectionCallback
    from shaping.recipe.train import train_policy

    rows, d = _rows(out), stage_dir_of(out, "train")
    start = out / "warm-start" / "model" if config.warm_start else config.model
    model, tokenizer = _load(start)
    labels = KnowledgeLabels.load(out / "base-eval" / "labels.json")
    reward = demo_reward(out, labels, config)
    val, base_val_accuracy = _val_rows(out)
    selector = ValidationSelectionCallback(val, tokenizer, every=config.val_every,
                                           min_accuracy=config.min_accuracy_ratio * base_val_accuracy)
    callbacks = [selector]
    if config.refresh_every:
        callbacks.append(KnowledgeRefreshCallback(labels, rows["train"], tokenizer, every=config.refresh_every,
                                                  k=max(config.k, 2), limit=64, seed=config.seed))
    settings = rl_settings(config)
    t0 = time.monotonic()
    policy, history = train_policy(model, tokenizer, reward, training_rows(rows["train"], labels, config),
                                   output_dir=d / "run",
                                   settings=settings, trainer=config.trainer, callbacks=callbacks)
    seconds = time.monotonic() - t0
    (d / "timing.json").write_text(json.dumps({"train_seconds": seconds, "seconds_per_step": seconds / config.steps}))
    policy.save_pretrained(d / "model")
    tokenizer.save_pretrained(d / "model")
    labels.save(d / "labels.json")
    (d / "log_history.json").write_text(json.dumps(history, default=float))
    (d / "selection.json").write_text(json.dumps({"best": selector.best, "history": selector.history,
                                                  "min_accuracy": selector.min_accuracy}, default=float))


def stage_eval(out: Path, config: DemoConfig) -> None:
    """Greedy evaluation of the selected policy on the held-out questions."""
    model, tokenizer = _load(out / "train" / "model")
    _evaluate(model, tokenizer, _rows(out)["eval"], stage_dir_of(out, "eval") / "eval.jsonl", k=0)


TRAINING_KEYS = ("reward", "objective/kl", "known/abstain_rate", "unknown/abstain_rate", "known/correct_rate",
                 "unknown/wrong_rate", "val/truthfulness", "val/abstain_known", "val/correct")


def stage_report(out: Path, config: DemoConfig) -> None:
    """Before/after reports, their comparison, training curves and SUMMARY.md."""
    from benchmarks.compare import compare_reports
    from benchmarks.plots import plot_training_curves
    from benchmarks.report import write_report
    from benchmarks.training.summary import (
        markdown,
        summary_table,
        target_checks,
        uncertainty_section,
        write_decline_map,
    )

    d = stage_dir_of(out, "report")
    base = pd.read_json(out / "base-eval" / "eval.jsonl", lines=True)
    after = pd.read_json(out / "eval" / "eval.jsonl", lines=True)
    write_report(base, d / "base", title="Base SmolLM2 (held-out questions)")
    write_report(after, d / "after", title="After shaped RL (held-out questions)")
    compare_reports(d / "base", d / "after", d / "compare", names=("base", "shaped"))
    named = {"base": base}
    if config.warm_start:
        named["warm start"] = pd.read_json(out / "warm-start" / "eval.jsonl", lines=True)
    named[f"{config.trainer.upper()} shaped (selected)"] = after
    table = summary_table(named, base)
    checks = target_checks(table, list(named)[-1])
    history = json.loads((out / "train" / "log_history.json").read_text())
    present = {k for r in history for k in r}
    plot_training_curves(history, d / "training_curves.png", keys=[k for k in TRAINING_KEYS if k in present],
                         title="Shaped RL: rewards, KL, abstention on known / unknown questions, validation")
    maps = (["report/decline_map.png (each policy against what declining alone can do)"]
            if write_decline_map(base, table, d / "decline_map.png") else [])
    selection = json.loads((out / "train" / "selection.json").read_text())
    best = selection.get("best") or {}
    lines = ["# Demo summary", "", f"Held-out questions: {int(table['n'].iloc[0])} ({', '.join(config.relations)}; "
             "entities unseen in training). Greedy decoding. Rates over the answerable questions; "
             "declined_unanswerable: declines among those with no true answer (fictitious entities).", "",
             markdown(table), "",
             "abstain_known: declines among the questions the base model answers right.", "",
             *uncertainty_section(named, base), "",
             "## Targets", ""] + [f"- {k}: {'yes' if v else 'NO'}" for k, v in checks.items()] + [
             "", (f"Selected checkpoint: step {best['step']} (validation truthfulness "
                  f"{best['val/truthfulness']:.3f}, accuracy floor {selection['min_accuracy']:.3f})." if best else
                  f"No checkpoint reached the validation accuracy floor ({selection['min_accuracy']:.3f}); "
                  "the final weights were kept."),
             "", "Reports: report/base/report.md, report/after/report.md, report/compare/; curves: "
             "report/training_curves.png" + "".join(f"; {m}" for m in maps)]
    (out / "SUMMARY.md").write_text("\n".join(lines) + "\n")
    table.to_csv(d / "summary.csv")
