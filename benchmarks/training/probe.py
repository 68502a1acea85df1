"""The demo's probe stage: a probe gate fitted on the base model's training answers, applied to its held-out ones.

Reads what base-eval wrote (greedy answers to the training and validation questions, and to
the held-out ones) and needs no generation: one forward pass per answer. Writes under
``<out>/probe/``: the gate (``gate/probe.json``), the layer search (``layers.csv``), the
gated policy's held-out results with every answer's ``probe_p`` (``eval.jsonl``) and the
probe's AUROC and cuts beside the log-probability's (``metrics.json``). The threshold is the
one the demo's reward implies, (abstain - wrong) / (correct - wrong). The report stage draws
the gate as a point and its P(correct) as a curve on the decline map.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.artifacts import read_jsonl, write_json, write_jsonl
from benchmarks.probe import SIGNALS, fit_on_results, gated_results, score_results, signal_markdown, signal_table
from benchmarks.training.config import DemoConfig
from benchmarks.training.rows import load_rows
from benchmarks.training.summary import TARGETS
from rewards import TruthfulnessReward
from shaping.probe.fit import budget_threshold

logger = logging.getLogger("shaping.demo")
PROBE_LABEL = "probe gate on base answers"
#: The same gate with the threshold that declines the target share of right training answers (out of fold).
BUDGET_LABEL = "probe gate, {budget:.0%} budget"
PROBE_CURVE = "declining alone, by the probe's P(correct)"


def stage_probe(out: Path, config: DemoConfig) -> None:
    """Fit the gate on base-eval's training answers; score and gate its held-out answers."""
    from shaping.models import load_policy

    d = Path(out) / "probe"
    d.mkdir(parents=True, exist_ok=True)
    rows = load_rows(out)
    prompts = {str(r["id"]): r["prompt"] for split in rows.values() for r in split}
    train = read_jsonl(Path(out) / "base-eval" / "train.jsonl")
    base = read_jsonl(Path(out) / "base-eval" / "eval.jsonl")
    model, tokenizer = load_policy(config.model)
    reward = TruthfulnessReward(config.correct, config.abstain, config.wrong)
    try:
        gate, report = fit_on_results(model, tokenizer, train, prompts=prompts, threshold=reward, seed=config.seed,
                                      progress=True)
    except ValueError as exc:  # too few right or wrong answers (a --quick run): the report goes on without it
        logger.warning("probe gate skipped: %s", exc)
        write_json(d / "skipped.json", {"reason": str(exc)})
        return
    gate.save(d / "gate")
    report.search.to_csv(d / "layers.csv", index=False)
    scored = score_results(gate, model, tokenizer, base, prompts=prompts, progress=True)
    write_jsonl(d / "eval.jsonl", gated_results(scored, gate.threshold).to_dict("records"))
    y = np.array([o == "correct" for o in report.outcomes if o != "abstain"])
    budget = budget_threshold(report.oof_p_correct, y, TARGETS["abstain_known"])
    write_jsonl(d / "eval-budget.jsonl", gated_results(scored, budget).to_dict("records"))
    signals = signal_table(scored, {SIGNALS[c]: c for c in ("logprob", "probe_p")}, n_resamples=500,
                           random_state=config.seed)
    write_json(d / "metrics.json", {"layer": gate.layer, "threshold": gate.threshold, "budget_threshold": budget,
                                    "fit": gate.info, "signals": signals.to_dict("index")})
    logger.info("probe gate: layer %d, threshold %.2f\n%s", gate.layer, gate.threshold, signal_markdown(signals))


def probe_results(out: Path) -> dict[str, pd.DataFrame]:
    """The gated policies' held-out results (with ``probe_p``) by table name: the gate at the reward's
    threshold and at the abstain-on-known budget; empty when the stage did not fit a gate."""
    d = Path(out) / "probe"
    named = {}
    if (d / "eval.jsonl").exists():
        named[PROBE_LABEL] = read_jsonl(d / "eval.jsonl")
    if (d / "eval-budget.jsonl").exists():
        named[BUDGET_LABEL.format(budget=TARGETS["abstain_known"])] = read_jsonl(d / "eval-budget.jsonl")
    return named


def probe_lines(out: Path) -> list[str]:
    """SUMMARY.md's lines on the probe gate: its layer, threshold, and AUROC and cuts beside the log-prob's."""
    path = Path(out) / "probe"
    if (path / "skipped.json").exists():
        reason = json.loads((path / "skipped.json").read_text(encoding="utf-8")).get("reason")
        return ["## Probe gate", "", f"Not fitted: {reason}"]
    if not (path / "metrics.json").exists():
        return []
    m = json.loads((path / "metrics.json").read_text(encoding="utf-8"))
    fit = m["fit"]
    table = pd.DataFrame.from_dict(m["signals"], orient="index")
    return ["## Probe gate (the base model's own hidden states)", "",
            f"A logistic probe on the mean answer-token hidden state of layer {m['layer']} (chosen by grouped "
            f"cross-validation, AUROC {fit['cv_auroc']:.2f} on {fit['n_answers']} training answers, "
            f"{fit['n_correct']} right), calibrated to P(correct); the gate declines below {m['threshold']:.2f} "
            f"({fit['threshold_source']}). Row '{PROBE_LABEL}' above is the base model with the gate; row "
            f"'{BUDGET_LABEL.format(budget=TARGETS['abstain_known'])}' the same gate declining below "
            f"{m.get('budget_threshold', float('nan')):.2f}, the threshold that declines that share of the right "
            "training answers (out of fold). "
            "Confidence signals on the held-out answerable questions (cut_at_b: hallucination cut when declining "
            "at most b of the right answers; 90% bootstrap intervals):", "", signal_markdown(table)]

