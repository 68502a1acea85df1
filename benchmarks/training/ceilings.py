"""How far declining alone can cut the base model's hallucination: confidence and oracle ceilings.

A trained policy that only learns *when* to decline, with no new knowledge, cannot beat
these bounds: :func:`selective_ceiling` declines the base model's least confident answers,
:func:`grouped_ceiling` picks the best number to decline in each relation with hindsight,
and :func:`decline_ceilings` traces both over every budget of abstention on known
questions (the decline map, drawn by :func:`write_decline_map`).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from benchmarks.metrics import answerable_results
from benchmarks.training.summary import TARGETS
from rewards.outcome import outcome_rates

logger = logging.getLogger(__name__)


def selective_ceiling(base: Any, *, accuracy_kept: float = TARGETS["accuracy_kept"],
                      confidence: str = "logprob") -> dict[str, float]:
    """The most hallucination the base model could shed by declining its least confident answers.

    Thresholds the base model's own ``confidence`` (a results column, e.g. the greedy
    answer's mean log-probability) on the answerable questions and returns the largest
    hallucination cut whose accuracy stays at or above ``accuracy_kept`` of the base's.
    A trained policy that only learns *when* to decline, with no new knowledge, cannot do
    better than a confidence it can read; when this ceiling is under the target, meeting
    the target takes new accuracy, not only abstention.

    >>> base = [{"id": str(i), "outcome": o, "logprob": lp} for i, (o, lp) in
    ...         enumerate([("correct", -0.1), ("wrong", -0.9), ("wrong", -0.2), ("correct", -0.3)])]
    >>> selective_ceiling(base)["hallucination_cut"]
    0.5
    """
    from benchmarks.selective import selective_sweep

    df = answerable_results(base)
    if confidence not in df.columns or df[confidence].isna().all():
        raise KeyError(f"The base results have no {confidence!r} column; evaluate with evaluate_policy (it "
                       "records 'logprob') or pass another confidence column.")
    df = df[df[confidence].notna()]
    sweep = selective_sweep(df["outcome"].tolist(), df[confidence].to_numpy(dtype=float))
    rates = outcome_rates(df["outcome"])
    acc0, wrong0 = rates["correct"], rates["wrong"]
    ok = sweep[sweep["accuracy"] >= accuracy_kept * acc0 - 1e-12]
    best = ok.loc[ok["hallucination_rate"].idxmin()]
    return {"accuracy_kept": float(best["accuracy"] / acc0) if acc0 else float("nan"),
            "hallucination_cut": float(1 - best["hallucination_rate"] / wrong0) if wrong0 else float("nan"),
            "abstention": float(best["abstention_rate"]), "n": int(len(df))}


def _decline_options(df: pd.DataFrame, by: str, confidence: str) -> dict[Any, list[tuple[int, int]]]:
    """Per group: (right answers lost, wrong answers removed) after declining its j least confident."""
    options = {}
    for group, g in df.sort_values(confidence, kind="stable").groupby(by, sort=True):
        outcomes = g["outcome"].tolist()
        options[group] = [(sum(o == "correct" for o in outcomes[:j]), sum(o == "wrong" for o in outcomes[:j]))
                          for j in range(len(outcomes) + 1)]
    return options


def _best_plans(options: dict[Any, list[tuple[int, int]]], budget: int) -> dict[int, tuple[int, dict]]:
    """For each number of right answers lost (within ``budget``): the most wrong ones removed and the plan."""
    best: dict[int, tuple[int, dict]] = {0: (0, {})}  # right answers lost -> (wrong removed, declines per group)
    for group, opts in options.items():
        nxt: dict[int, tuple[int, dict]] = {}
        for lost, (removed, plan) in best.items():
            for j, (lost_here, removed_here) in enumerate(opts):
                key = lost + lost_here
                if key <= budget and (key not in nxt or removed + removed_here > nxt[key][0]):
                    nxt[key] = (removed + removed_here, {**plan, group: j})
        best = nxt
    return best


def grouped_ceiling(base: Any, *, by: str = "relation", accuracy_kept: float = TARGETS["accuracy_kept"],
                    confidence: str = "logprob") -> dict[str, Any]:
    """The most hallucination declining could shed with the best decline rule per ``by`` group.

    An *oracle* bound, chosen after seeing the outcomes: within each group (e.g. relation)
    it declines some number of the base model's least confident answers, the numbers picked
    to remove the most wrong answers while keeping ``accuracy_kept`` of the right ones. A
    policy that only declines, with no new knowledge, keeps ``1 - abstain_known`` of the
    accuracy, so this is also the bound for abstention on known questions at most
    ``1 - accuracy_kept``. When even this stays under the cut targeted, meeting it takes new
    right answers (wrong ones turned right), not better abstention. ``truthfulness`` is the
    same oracle's best accuracy minus hallucination rate within that accuracy budget: another
    policy with a higher score (one that declines much more) cannot be outscored at
    ``accuracy_kept`` by declining alone.

    >>> base = [{"id": str(i), "relation": r, "outcome": o, "logprob": lp} for i, (r, o, lp) in enumerate(
    ...     [("a", "wrong", -0.9), ("a", "correct", -0.1), ("b", "wrong", -0.2), ("b", "wrong", -0.3)])]
    >>> c = grouped_ceiling(base, accuracy_kept=1.0)
    >>> c["hallucination_cut"], c["declined"], c["truthfulness"]
    (1.0, {'a': 1, 'b': 2}, 0.25)
    """
    df = answerable_results(base)
    for column in (by, confidence):
        if column not in df.columns or df[column].isna().all():
            raise KeyError(f"The base results have no {column!r} column; pass by=/confidence= naming columns "
                           f"they have ({sorted(df.columns)}).")
    if not 0.0 <= accuracy_kept <= 1.0:
        raise ValueError(f"accuracy_kept={accuracy_kept} must lie in [0, 1].")
    df = df[df[confidence].notna()]
    n_known, n_wrong = int((df["outcome"] == "correct").sum()), int((df["outcome"] == "wrong").sum())
    budget = int(np.floor((1 - accuracy_kept) * n_known + 1e-9))  # right answers that may be declined
    best = _best_plans(_decline_options(df, by, confidence), budget)
    lost, (removed, plan) = max(best.items(), key=lambda kv: (kv[1][0], -kv[0]))
    # truthfulness = (right kept - wrong left) / n; for each number of right answers lost, the
    # table holds the most wrong ones removed, so the best score is the best over its entries
    truthful = max((n_known - lost_here - n_wrong + removed_here) / len(df)
                   for lost_here, (removed_here, _) in best.items())
    return {"hallucination_cut": removed / n_wrong if n_wrong else float("nan"),
            "accuracy_kept": 1 - lost / n_known if n_known else float("nan"),
            "abstention": sum(plan.values()) / len(df), "declined": {str(k): int(v) for k, v in plan.items()},
            "truthfulness": float(truthful), "n": int(len(df))}


def decline_ceilings(base: Any, *, by: str = "relation", confidence: str = "logprob",
                     points: int = 21, also: Sequence[str] = ()) -> pd.DataFrame:
    """How far declining alone can cut hallucination, for each budget of abstention on known questions.

    One row per budget ``abstain_known`` in ``[0, 1]`` (``points`` of them): the largest
    hallucination cut of a policy that only declines (no new right answers) and gives up at
    most that share of the base model's right answers, by the base model's own confidence
    (``selective_cut``, :func:`selective_ceiling`) and by the per-``by`` oracle chosen in
    hindsight (``oracle_cut``, :func:`grouped_ceiling`; NaN without a ``by`` column). A
    trained policy above ``oracle_cut`` at its own ``abstain_known`` has turned wrong
    answers right. Each column in ``also`` (another confidence, e.g. a probe's P(correct)) adds
    its own selective bound as ``<column>_cut``. :func:`benchmarks.plots.plot_decline_map` draws it.

    >>> base = [{"id": str(i), "relation": "r", "outcome": o, "logprob": lp}
    ...         for i, (o, lp) in enumerate([("correct", -0.1), ("wrong", -0.9), ("wrong", -0.2), ("correct", -0.3)])]
    >>> decline_ceilings(base, points=3).round(2).values.tolist()
    [[0.0, 0.5, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, 1.0]]
    """
    if points < 2:
        raise ValueError(f"points={points} must be >= 2 (the budgets run from 0 to 1).")
    rows = []
    for budget in np.linspace(0.0, 1.0, points):
        kept = 1 - budget
        row = {"abstain_known": float(budget),
               "selective_cut": selective_ceiling(base, accuracy_kept=kept, confidence=confidence)["hallucination_cut"]}
        try:
            row["oracle_cut"] = grouped_ceiling(base, by=by, accuracy_kept=kept,
                                                confidence=confidence)["hallucination_cut"]
        except KeyError:  # no ``by`` column: only the confidence bound
            row["oracle_cut"] = float("nan")
        for column in also:
            row[f"{column}_cut"] = selective_ceiling(base, accuracy_kept=kept, confidence=column)["hallucination_cut"]
        rows.append(row)
    return pd.DataFrame(rows)


def write_decline_map(base: Any, table: pd.DataFrame, out_path: str | os.PathLike, *,
                      curves: Mapping[str, str] | None = None) -> Path | None:
    """Draw ``table``'s rows (from :func:`~benchmarks.training.summary.summary_table`) against
    :func:`decline_ceilings` of ``base`` with :func:`benchmarks.plots.plot_decline_map`; the PNG's
    path, or None (and a warning) when the base results have no confidence column to bound declining with.
    ``curves`` maps a label to another confidence column of ``base`` (e.g. a probe's P(correct)),
    drawn as one more declining-alone curve."""
    from benchmarks.plots import plot_decline_map

    curves = dict(curves or {})
    try:
        ceilings = decline_ceilings(base, also=list(curves.values()))
    except KeyError as exc:
        logger.warning("No %s: %s", Path(out_path).name, exc)
        return None
    return plot_decline_map(ceilings, table, out_path, curves={k: f"{v}_cut" for k, v in curves.items()})
