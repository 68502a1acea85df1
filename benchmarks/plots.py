"""Plots for the benchmark report. They draw only what was computed elsewhere.

Every function takes tables or arrays from :mod:`benchmarks.metrics`,
:mod:`benchmarks.selective` or :mod:`benchmarks.schemes`, writes one PNG (atomically, with
matplotlib's Agg canvas; no display or pyplot state) and returns its path.
"""

from __future__ import annotations

import logging
import math
import os
import tempfile
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from benchmarks.training.summary import TARGETS

logger = logging.getLogger(__name__)
OUTCOME_COLORS = {"accuracy": ("correct", "#2e7d32"), "abstention_rate": ("abstain", "#9e9e9e"),
                  "hallucination_rate": ("wrong", "#c62828")}
TRAINING_KEYS = ("rewards/truthfulness/mean", "rewards/truthfulness/abstain_rate", "known/abstain_rate",
                 "unknown/abstain_rate", "objective/kl", "kl", "reward")


def _figure(width: float = 6.4, height: float = 4.2) -> Figure:
    fig = Figure(figsize=(width, height), dpi=110)
    FigureCanvasAgg(fig)
    return fig


def save_figure(fig: Figure, out_path: str | os.PathLike) -> Path:
    """Write ``fig`` as a PNG through a temporary file, so a reader never sees half a file.

    >>> import tempfile
    >>> save_figure(_figure(), tempfile.mkdtemp() + "/empty.png").suffix
    '.png'
    """
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fd, tmp = tempfile.mkstemp(suffix=".png", dir=out_path.parent)
    os.close(fd)
    try:
        fig.savefig(tmp, format="png")
        os.chmod(tmp, 0o644)  # mkstemp makes 0600
        os.replace(tmp, out_path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return out_path


def plot_frontier(sweeps: Mapping[str, pd.DataFrame], out_path: str | os.PathLike, *,
                  policy_points: Mapping[str, tuple[float, float]] | None = None,
                  title: str = "Accuracy vs abstention") -> Path:
    """Accuracy (solid) and hallucination (dashed) against abstention, one line per confidence.

    ``sweeps`` maps a label to :func:`benchmarks.selective.selective_sweep`'s table (one per
    confidence, or per run); ``policy_points`` maps a label to a policy's own
    ``(abstention_rate, accuracy)``, drawn as stars.

    >>> import tempfile; from benchmarks.selective import selective_sweep
    >>> sweep = selective_sweep(["correct", "wrong", "abstain"], [-0.2, -1.5, 0.0])
    >>> plot_frontier({"logprob": sweep}, tempfile.mkdtemp() + "/frontier.png").name
    'frontier.png'
    """
    fig = _figure()
    ax = fig.add_subplot()
    for i, (name, sweep) in enumerate(sweeps.items()):
        color = f"C{i}"
        marker = "." if len(sweep) <= 30 else None  # few thresholds: show where the real points are
        abstention = np.r_[1.0, sweep["abstention_rate"]]  # declining everything is always reachable
        ax.plot(abstention, np.r_[0.0, sweep["accuracy"]], color=color, marker=marker, label=f"accuracy, {name}")
        ax.plot(abstention, np.r_[0.0, sweep["hallucination_rate"]], color=color, ls="--", marker=marker,
                label=f"hallucination, {name}")
    for i, (label, point) in enumerate((policy_points or {}).items()):
        ax.plot(*point, "*", color="k" if len(policy_points) == 1 else f"C{i}", mec="k", ms=13, label=label, zorder=5)
    ax.set(xlabel="abstention rate (own declines + declined below threshold)", ylabel="rate over all questions",
           xlim=(-0.02, 1.02), ylim=(-0.02, 1.02), title=title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return save_figure(fig, out_path)


def plot_risk_coverage(curves: Mapping[str, tuple[np.ndarray, np.ndarray]], out_path: str | os.PathLike, *,
                       aurc: Mapping[str, float] | None = None, title: str = "Risk-coverage") -> Path:
    """Selective risk against coverage, one line per confidence (the legend shows AURC).

    >>> import tempfile; from benchmarks.selective import risk_coverage_curve
    >>> cov, risk, _ = risk_coverage_curve([True, False, True], [0.9, 0.2, 0.6])
    >>> plot_risk_coverage({"logprob": (cov, risk)}, tempfile.mkdtemp() + "/rc.png").name
    'rc.png'
    """
    fig = _figure()
    ax = fig.add_subplot()
    for name, (coverage, risk) in curves.items():
        label = name if not aurc or name not in aurc else f"{name} (AURC {aurc[name]:.3f})"
        ax.plot(coverage, risk, marker="." if len(coverage) <= 30 else None, label=label)
    ax.set(xlabel="coverage (answered / all questions)", ylabel="risk (wrong / answered)",
           xlim=(0, 1.02), ylim=(-0.02, 1.02), title=title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return save_figure(fig, out_path)


def plot_outcome_rates(summary: pd.DataFrame, out_path: str | os.PathLike, *, group: str = "popularity",
                       title: str | None = None) -> Path:
    """Stacked bars of correct / abstain / wrong rates for each value of ``group`` in a summary.

    >>> import tempfile; from benchmarks.metrics import summarize
    >>> table = summarize(pd.DataFrame({"outcome": ["correct", "wrong"], "popularity": [1.0, 2.0]}), by="popularity")
    >>> plot_outcome_rates(table, tempfile.mkdtemp() + "/pop.png").name
    'pop.png'
    """
    rows = summary[summary["group"] == group]
    if rows.empty:
        raise ValueError(f"The summary has no rows for group {group!r}; groups present: "
                         f"{sorted(summary['group'].unique())}.")
    fig = _figure(max(4.0, 1.1 * len(rows) + 2), 4.2)
    ax = fig.add_subplot()
    labels = [f"{v}\n(n={n})" for v, n in zip(rows["value"], rows["n"])]
    bottom = np.zeros(len(rows))
    for metric, (label, color) in OUTCOME_COLORS.items():
        values = rows[metric].to_numpy(float)
        ax.bar(labels, values, bottom=bottom, color=color, label=label)
        bottom += values
    ax.set(ylabel="share of questions", ylim=(0, 1.0), title=title or f"Outcomes by {group}")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return save_figure(fig, out_path)


def plot_reward_vs_penalty(sweep: pd.DataFrame, out_path: str | os.PathLike, *,
                           title: str = "Expected reward vs wrong-answer penalty") -> Path:
    """Policy, selective, oracle (and sampled) reward per question against the penalty.

    >>> import tempfile; from benchmarks.schemes import penalty_sweep
    >>> sweep = penalty_sweep(pd.DataFrame({"outcome": ["correct", "wrong"], "p_correct": [0.9, 0.2]}))
    >>> plot_reward_vs_penalty(sweep, tempfile.mkdtemp() + "/rp.png").name
    'rp.png'
    """
    fig = _figure()
    ax = fig.add_subplot()
    styles = {"policy_reward": ("policy as is", "C3", "o-"), "selective_reward": ("selective at threshold", "C0", "s-"),
              "sampled_reward": ("policy, sampled", "C1", "^:"), "oracle_reward": ("oracle", "0.4", "--")}
    for column, (label, color, fmt) in styles.items():
        if column in sweep.columns and sweep[column].notna().any():
            ax.plot(sweep["penalty"], sweep[column], fmt, color=color, label=label, ms=4)
    ax.set_xscale("log")
    ax.set_xticks(sweep["penalty"], [f"{p:g}\n(t={t:.2f})" for p, t in zip(sweep["penalty"], sweep["threshold"])],
                  fontsize=7)
    ax.minorticks_off()
    ax.axhline(0.0, color="k", lw=0.6)
    ax.set(xlabel="penalty for a wrong answer (implied threshold t)", ylabel="mean reward per question", title=title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return save_figure(fig, out_path)


def plot_training_curves(log_history_records: Sequence[Mapping[str, Any]], out_path: str | os.PathLike, *,
                         keys: Sequence[str] | None = None, title: str = "Training", smooth: int = 5) -> Path:
    """One small panel per logged metric against the step (e.g. a TRL ``state.log_history``).

    Args:
        log_history_records: one dict per logging step; ``step`` is read when present, else
            the record's position. Records without a key are skipped for that key.
        keys: metrics to draw; default: those of ``TRAINING_KEYS`` present, else every
            numeric key.
        smooth: per-step RL metrics from a few prompts a step are noisy; a metric with more
            than ``2 * smooth`` points is drawn faintly with its centred rolling mean over
            ``smooth`` logged points on top (0 or 1: raw points only).

    >>> import tempfile
    >>> logs = [{"step": s, "objective/kl": 0.01 * s, "known/abstain_rate": 0.1} for s in range(5)]
    >>> plot_training_curves(logs, tempfile.mkdtemp() + "/train.png").name
    'train.png'
    """
    records = list(log_history_records)
    numeric = {k for r in records for k, v in r.items()
               if isinstance(v, (int, float)) and not isinstance(v, bool) and k != "step"}
    if keys is None:
        keys = [k for k in TRAINING_KEYS if k in numeric] or sorted(numeric)
    logged = {k for r in records for k in r}
    missing = [k for k in keys if k not in logged]
    if not records or missing or not keys:
        raise ValueError(f"Cannot plot keys {missing or list(keys)} from {len(records)} records; "
                         f"numeric keys present: {sorted(numeric)}.")
    empty = [k for k in keys if k not in numeric]
    if empty:  # logged, but only as None/strings (e.g. a metric with no sample yet): skip, say so
        logger.warning("plot_training_curves: %s never hold a number; left out of %s.", empty, out_path)
        keys = [k for k in keys if k in numeric]
        if not keys:
            raise ValueError(f"None of the keys {empty} holds a number in any of the {len(records)} records.")
    cols = min(3, len(keys))
    rows = math.ceil(len(keys) / cols)
    fig = _figure(4.0 * cols, 2.8 * rows)
    for i, key in enumerate(keys):
        ax = fig.add_subplot(rows, cols, i + 1)
        points = [(r.get("step", j), r[key]) for j, r in enumerate(records) if isinstance(r.get(key), (int, float))]
        if smooth > 1 and len(points) > 2 * smooth:
            steps, values = zip(*points)
            ax.plot(steps, values, ".-", ms=2, lw=0.8, alpha=0.35, label="per step")
            mean = pd.Series(values, dtype=float).rolling(smooth, center=True, min_periods=1).mean()
            ax.plot(steps, mean, "-", lw=2, color="C0", label=f"mean of {smooth}")
            ax.legend(fontsize=7, loc="best")
        else:
            ax.plot(*zip(*points), ".-", ms=3)
        ax.set_title(key, fontsize=9)
        ax.set_xlabel("step", fontsize=8)
        ax.grid(alpha=0.3)
    fig.suptitle(title)
    return save_figure(fig, out_path)


def plot_comparison(overall: Mapping[str, Mapping[str, float]], out_path: str | os.PathLike, *,
                    title: str = "Comparison") -> Path:
    """Grouped bars of the same metrics for several runs: ``{run name: {metric: value}}``.

    >>> import tempfile
    >>> runs = {"base": {"accuracy": 0.3}, "trained": {"accuracy": 0.35}}
    >>> plot_comparison(runs, tempfile.mkdtemp() + "/cmp.png").name
    'cmp.png'
    """
    names = list(overall)
    metrics = [m for m in next(iter(overall.values())) if all(m in overall[n] for n in names)]
    fig = _figure(max(6.0, 1.3 * len(metrics) + 2), 4.2)
    ax = fig.add_subplot()
    width = 0.8 / len(names)
    x = np.arange(len(metrics))
    for i, name in enumerate(names):
        values = [overall[name][m] for m in metrics]
        bars = ax.bar(x + (i - (len(names) - 1) / 2) * width, values, width, label=name)
        ax.bar_label(bars, fmt="%.2f", fontsize=7)
    ax.set_xticks(x, [m.replace("_", "\n") for m in metrics], fontsize=8)
    ax.axhline(0.0, color="k", lw=0.6)
    ax.set(title=title, ylabel="value")
    ax.legend(fontsize=8)
    return save_figure(fig, out_path)


def plot_decline_map(ceilings: pd.DataFrame, points: pd.DataFrame | Mapping[str, tuple[float, float]],
                     out_path: str | os.PathLike, *,
                     target: tuple[float, float] | None = (TARGETS["abstain_known"], TARGETS["hallucination_cut"]),
                     title: str = "Hallucination cut vs abstention on known questions",
                     curves: Mapping[str, str] | None = None) -> Path:
    """Where each policy lands against what declining alone can do.

    ``ceilings`` is :func:`benchmarks.training.ceilings.decline_ceilings`' table (lines:
    the base model's own-confidence bound and the per-relation hindsight oracle);
    ``points`` maps a policy to its ``(abstain_known, hallucination_cut)``, or is
    :func:`benchmarks.training.summary.summary_table`'s table (one point per row); ``target``
    shades the corner a policy should reach (at most this abstention, at least this cut;
    by default the demo's :data:`~benchmarks.training.summary.TARGETS`); ``curves`` maps a label
    to another column of ``ceilings`` drawn as a line (e.g. declining by a probe's P(correct)).

    >>> import tempfile
    >>> c = pd.DataFrame({"abstain_known": [0.0, 1.0], "selective_cut": [0.1, 1.0], "oracle_cut": [0.3, 1.0]})
    >>> plot_decline_map(c, {"ours": (0.2, 0.4)}, tempfile.mkdtemp() + "/map.png").name
    'map.png'
    """
    missing = {"abstain_known", "selective_cut", "oracle_cut"} - set(ceilings.columns)
    if missing:
        raise KeyError(f"ceilings lacks {sorted(missing)}; build it with "
                       "benchmarks.training.ceilings.decline_ceilings.")
    if isinstance(points, pd.DataFrame):
        points = {str(name): (float(r["abstain_known"]), float(r["hallucination_cut"]))
                  for name, r in points.iterrows()}
    fig = _figure(6.4, 4.6)
    ax = fig.add_subplot()
    if target is not None:
        ax.fill_between([-0.02, target[0]], target[1], 1.02, color="#2e7d32", alpha=0.12, lw=0,
                        label=f"target (<= {target[0]:.0%} declined, >= {target[1]:.0%} cut)")
    ax.plot(ceilings["abstain_known"], ceilings["selective_cut"], color="#616161",
            label="declining alone, by the base model's own confidence")
    if ceilings["oracle_cut"].notna().any():
        ax.plot(ceilings["abstain_known"], ceilings["oracle_cut"], color="#616161", ls="--",
                label="declining alone, per-relation oracle (hindsight)")
    for i, (label, column) in enumerate((curves or {}).items()):
        ax.plot(ceilings["abstain_known"], ceilings[column], color=("#6a1b9a", "#00838f")[i % 2], ls="-.", label=label)
    for i, (label, (x, y)) in enumerate(points.items()):
        ax.plot(x, y, "o", color=f"C{i}", mec="k", ms=8, zorder=5, label=label)
    ax.set(xlabel="abstention on questions the base model answers right", ylabel="hallucination cut vs base",
           xlim=(-0.02, 1.02), ylim=(min(-0.02, *(y - 0.05 for _, y in points.values())), 1.02), title=title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="lower right")
    return save_figure(fig, out_path)
