"""Before/after tables of trained policies: outcome rates, abstention on known questions, targets.

The demo and ``benchmarks/bench_training.py`` compare several policies on the same held-out
questions against the base model. "Known" questions are those the *base* model answers
right greedily, so ``abstain_known`` measures how much of what the base model knew a
trained policy gave up by declining.

The rates and targets are computed on *answerable* questions only. On a question with no
true answer (``answers == []``) declining is judged correct, so mixing those rows in would
let a policy that declines everything look as accurate as the base model; they get their
own column, ``declined_unanswerable``.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from benchmarks.artifacts import results_frame
from rewards.outcome import has_no_true_answer

logger = logging.getLogger(__name__)

TARGETS = {
    "hallucination_cut": 0.5,  # wrong rate at most half the base model's
    "accuracy_kept": 0.9,  # at least 90% of the base model's accuracy
    "abstain_known": 0.10,  # declines at most 10% of the questions the base model answers right
}


def summary_row(results: Any, base: Any) -> dict[str, float]:
    """Outcome rates of ``results`` and its abstention on the base model's known questions.

    >>> base = [{"id": "a", "outcome": "correct"}, {"id": "b", "outcome": "wrong"}]
    >>> after = [{"id": "a", "outcome": "correct"}, {"id": "b", "outcome": "abstain"}]
    >>> summary_row(after, base)["abstain_known"], summary_row(after, base)["wrong"]
    (0.0, 0.0)
    """
    df, base_df = results_frame(results), results_frame(base)
    df = df[df["outcome"].notna()]
    if df.empty:
        raise ValueError("No judged rows (all outcomes are null); evaluate knowledge-seeking questions.")
    no_answer = _unanswerable(df)
    unanswerable, df = df[no_answer], df[~no_answer]
    if df.empty:
        raise ValueError("Every judged row is unanswerable (answers == []); the rates need answerable questions.")
    base_df = base_df[~_unanswerable(base_df)]
    known_ids = set(base_df.loc[base_df["outcome"] == "correct", "id"].astype(str))
    rates = {o: float((df["outcome"] == o).mean()) for o in ("correct", "abstain", "wrong")}
    known = df[df["id"].astype(str).isin(known_ids)]
    rates["truthfulness"] = rates["correct"] - rates["wrong"]
    rates["abstain_known"] = float((known["outcome"] == "abstain").mean()) if len(known) else float("nan")
    # on a question with no true answer, declining is judged correct and anything else wrong
    rates["declined_unanswerable"] = float((unanswerable["outcome"] != "wrong").mean()) if len(unanswerable) else float("nan")
    rates["n"] = int(len(df))
    return rates


def _unanswerable(df: pd.DataFrame) -> pd.Series:
    if "answers" not in df.columns:
        return pd.Series(False, index=df.index)
    return df["answers"].map(has_no_true_answer).astype(bool)


def summary_table(named_results: Mapping[str, Any], base: Any) -> pd.DataFrame:
    """One :func:`summary_row` per policy, plus accuracy kept and hallucination cut vs ``base``.

    >>> base = [{"id": "a", "outcome": "correct"}, {"id": "b", "outcome": "wrong"}]
    >>> float(summary_table({"base": base}, base).loc["base", "accuracy_kept"])
    1.0
    """
    if not named_results:
        raise ValueError("summary_table needs at least one named result set.")
    ref = summary_row(base, base)
    rows = {}
    for name, results in named_results.items():
        row = summary_row(results, base)
        row["accuracy_kept"] = row["correct"] / ref["correct"] if ref["correct"] else float("nan")
        row["hallucination_cut"] = 1 - row["wrong"] / ref["wrong"] if ref["wrong"] else float("nan")
        rows[name] = row
    table = pd.DataFrame.from_dict(rows, orient="index")
    return table[["correct", "abstain", "wrong", "truthfulness", "abstain_known", "accuracy_kept", "hallucination_cut",
                  "declined_unanswerable", "n"]]


def _judged_answerable(results: Any) -> pd.DataFrame:
    """The judged rows of questions that have a true answer."""
    df = results_frame(results)
    return df[df["outcome"].notna() & ~_unanswerable(df)]


def _answerable_outcomes(results: Any) -> pd.Series:
    df = _judged_answerable(results)
    return df.set_index(df["id"].astype(str))["outcome"]


def bootstrap_intervals(named_results: Mapping[str, Any], base: Any, *, n_resamples: int = 2000,
                        level: float = 0.9, seed: int = 0) -> pd.DataFrame:
    """Paired bootstrap intervals of accuracy kept, hallucination cut and truthfulness.

    Held-out sets here are small (a question is 1-2 points of a rate), so a target met or
    missed by a few points may be noise. Each resample draws the answerable questions with
    replacement and scores every policy *and* the base model on the same draw, so the
    ratios keep their pairing. Returns one row per policy with ``<metric>_low`` /
    ``<metric>_high`` columns (the central ``level`` interval).

    >>> base = [{"id": str(i), "outcome": "correct" if i < 3 else "wrong"} for i in range(10)]
    >>> ours = [{"id": str(i), "outcome": "correct" if i < 3 else "abstain"} for i in range(10)]
    >>> t = bootstrap_intervals({"ours": ours}, base, n_resamples=200)
    >>> float(t.loc["ours", "hallucination_cut_low"]), float(t.loc["ours", "accuracy_kept_high"])
    (1.0, 1.0)
    """
    if not 0 < level < 1 or n_resamples < 1:
        raise ValueError(f"level={level} must lie in (0, 1) and n_resamples={n_resamples} be >= 1.")
    ref = _answerable_outcomes(base)
    ids = ref.index.to_numpy()
    if len(ids) == 0:
        raise ValueError("The base results have no answerable judged questions to resample.")
    codes = {"correct": 1, "wrong": -1}
    base_codes = ref.map(codes).fillna(0).to_numpy()
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(ids), size=(n_resamples, len(ids)))
    base_correct = (base_codes[draws] == 1).mean(1)
    base_wrong = (base_codes[draws] == -1).mean(1)
    lo, hi = (1 - level) / 2, 1 - (1 - level) / 2
    rows = {}
    for name, results in named_results.items():
        outcomes = _answerable_outcomes(results)
        missing = set(ids) - set(outcomes.index)
        if missing:
            raise ValueError(f"{name!r} has no judged outcome for {len(missing)} of the base model's questions "
                             f"(e.g. {sorted(missing)[0]!r}); evaluate every policy on the same questions.")
        c = outcomes.loc[ids].map(codes).fillna(0).to_numpy()[draws]
        correct, wrong = (c == 1).mean(1), (c == -1).mean(1)
        with np.errstate(divide="ignore", invalid="ignore"):
            metrics = {"accuracy_kept": correct / base_correct, "hallucination_cut": 1 - wrong / base_wrong,
                       "truthfulness": correct - wrong}
        row = {}
        for metric, values in metrics.items():
            values = values[np.isfinite(values)]
            row[f"{metric}_low"], row[f"{metric}_high"] = (np.quantile(values, [lo, hi]) if len(values)
                                                           else (float("nan"), float("nan")))
        rows[name] = row
    return pd.DataFrame.from_dict(rows, orient="index")


def selective_ceiling(base: Any, *, accuracy_kept: float = 0.9, confidence: str = "logprob") -> dict[str, float]:
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

    df = _judged_answerable(base)
    if confidence not in df.columns or df[confidence].isna().all():
        raise KeyError(f"The base results have no {confidence!r} column; evaluate with evaluate_policy (it "
                       "records 'logprob') or pass another confidence column.")
    df = df[df[confidence].notna()]
    sweep = selective_sweep(df["outcome"].tolist(), df[confidence].to_numpy(dtype=float))
    acc0, wrong0 = float((df["outcome"] == "correct").mean()), float((df["outcome"] == "wrong").mean())
    ok = sweep[sweep["accuracy"] >= accuracy_kept * acc0 - 1e-12]
    best = ok.loc[ok["hallucination_rate"].idxmin()]
    return {"accuracy_kept": float(best["accuracy"] / acc0) if acc0 else float("nan"),
            "hallucination_cut": float(1 - best["hallucination_rate"] / wrong0) if wrong0 else float("nan"),
            "abstention": float(best["abstention_rate"]), "n": int(len(df))}


def grouped_ceiling(base: Any, *, by: str = "relation", accuracy_kept: float = 0.9,
                    confidence: str = "logprob") -> dict[str, Any]:
    """The most hallucination declining could shed with the best decline rule per ``by`` group.

    An *oracle* bound, chosen after seeing the outcomes: within each group (e.g. relation)
    it declines some number of the base model's least confident answers, the numbers picked
    to remove the most wrong answers while keeping ``accuracy_kept`` of the right ones. A
    policy that only declines, with no new knowledge, keeps ``1 - abstain_known`` of the
    accuracy, so at 0.9 this is also the bound for "abstention on known questions <= 10%".
    When even this stays under a 50% cut, meeting that target takes new right answers
    (wrong ones turned right), not better abstention. ``truthfulness`` is the same oracle's
    best accuracy minus hallucination rate within that accuracy budget: another policy with
    a higher score (one that declines much more) cannot be outscored at ``accuracy_kept``
    by declining alone.

    >>> base = [{"id": str(i), "relation": r, "outcome": o, "logprob": lp} for i, (r, o, lp) in enumerate(
    ...     [("a", "wrong", -0.9), ("a", "correct", -0.1), ("b", "wrong", -0.2), ("b", "wrong", -0.3)])]
    >>> c = grouped_ceiling(base, accuracy_kept=1.0)
    >>> c["hallucination_cut"], c["declined"], c["truthfulness"]
    (1.0, {'a': 1, 'b': 2}, 0.25)
    """
    df = _judged_answerable(base)
    for column in (by, confidence):
        if column not in df.columns or df[column].isna().all():
            raise KeyError(f"The base results have no {column!r} column; pass by=/confidence= naming columns "
                           f"they have ({sorted(df.columns)}).")
    if not 0.0 <= accuracy_kept <= 1.0:
        raise ValueError(f"accuracy_kept={accuracy_kept} must lie in [0, 1].")
    df = df[df[confidence].notna()]
    n_known, n_wrong = int((df["outcome"] == "correct").sum()), int((df["outcome"] == "wrong").sum())
    budget = int(np.floor((1 - accuracy_kept) * n_known + 1e-9))  # right answers that may be declined
    # per group: (right answers lost, wrong answers removed) after declining its j least confident
    options = {}
    for group, g in df.sort_values(confidence, kind="stable").groupby(by, sort=True):
        outcomes = g["outcome"].tolist()
        options[group] = [(sum(o == "correct" for o in outcomes[:j]), sum(o == "wrong" for o in outcomes[:j]))
                          for j in range(len(outcomes) + 1)]
    best = {0: (0, {})}  # right answers lost -> (wrong removed, declines per group)
    for group, opts in options.items():
        nxt: dict[int, tuple[int, dict]] = {}
        for lost, (removed, plan) in best.items():
            for j, (l, w) in enumerate(opts):
                key = lost + l
                if key <= budget and (key not in nxt or removed + w > nxt[key][0]):
                    nxt[key] = (removed + w, {**plan, group: j})
        best = nxt
    lost, (removed, plan) = max(best.items(), key=lambda kv: (kv[1][0], -kv[0]))
    # truthfulness = (right kept - wrong left) / n; for each number of right answers lost, the
    # table holds the most wrong ones removed, so the best score is the best over its entries
    truthful = max((n_known - l - n_wrong + r) / len(df) for l, (r, _) in best.items())
    return {"hallucination_cut": removed / n_wrong if n_wrong else float("nan"),
            "accuracy_kept": 1 - lost / n_known if n_known else float("nan"),
            "abstention": sum(plan.values()) / len(df), "declined": {str(k): int(v) for k, v in plan.items()},
            "truthfulness": float(truthful), "n": int(len(df))}


def decline_ceilings(base: Any, *, by: str = "relation", confidence: str = "logprob", points: int = 21) -> pd.DataFrame:
    """How far declining alone can cut hallucination, for each budget of abstention on known questions.

    One row per budget ``abstain_known`` in ``[0, 1]`` (``points`` of them): the largest
    hallucination cut of a policy that only declines (no new right answers) and gives up at
    most that share of the base model's right answers, by the base model's own confidence
    (``selective_cut``, :func:`selective_ceiling`) and by the per-``by`` oracle chosen in
    hindsight (``oracle_cut``, :func:`grouped_ceiling`; NaN without a ``by`` column). A
    trained policy above ``oracle_cut`` at its own ``abstain_known`` has turned wrong
    answers right. :func:`benchmarks.plots.plot_decline_map` draws it.

    >>> base = [{"id": str(i), "relation": "r", "outcome": o, "logprob": lp}
    ...         for i, (o, lp) in enumerate([("correct", -0.1), ("wrong", -0.9), ("wrong", -0.2), ("correct", -0.3)])]
    >>> decline_ceilings(base, points=3).round(2).values.tolist()
    [[0.0, 0.5, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, 1.0]]
    """
    if points < 2:
        raise ValueError(f"points={points} must be >= 2 (the budgets run from 0 to 1).")
    rows = []
    for budget in np.linspace(0.0, 1.0, points):
        row = {"abstain_known": float(budget),
               "selective_cut": selective_ceiling(base, accuracy_kept=1 - budget, confidence=confidence)["hallucination_cut"]}
        try:
            row["oracle_cut"] = grouped_ceiling(base, by=by, accuracy_kept=1 - budget, confidence=confidence)["hallucination_cut"]
        except KeyError:  # no ``by`` column: only the confidence bound
            row["oracle_cut"] = float("nan")
        rows.append(row)
    return pd.DataFrame(rows)


def write_decline_map(base: Any, table: pd.DataFrame, out_path: str | os.PathLike) -> Path | None:
    """Draw ``table``'s rows (from :func:`summary_table`) against :func:`decline_ceilings` of
    ``base`` with :func:`benchmarks.plots.plot_decline_map`; the PNG's path, or None (and a
    warning) when the base results have no confidence column to bound declining with."""
    from benchmarks.plots import plot_decline_map

    try:
        ceilings = decline_ceilings(base)
    except KeyError as exc:
        logger.warning("No %s: %s", Path(out_path).name, exc)
        return None
    return plot_decline_map(ceilings, table, out_path)


def target_checks(table: pd.DataFrame, row: str) -> dict[str, bool]:
    """Whether ``row`` meets the targets (hallucination halved, 90% accuracy kept, best truthfulness,
    abstention on known questions <= 10%).

    >>> t = pd.DataFrame({"truthfulness": [0.1, -0.4], "hallucination_cut": [0.6, 0.0],
    ...                   "accuracy_kept": [0.95, 1.0], "abstain_known": [0.05, 0.0]}, index=["ours", "base"])
    >>> all(target_checks(t, "ours").values())
    True
    """
    if row not in table.index:
        raise KeyError(f"No row {row!r} in the table; rows are {list(table.index)}.")
    r = table.loc[row]
    return {
        "hallucination_cut >= 0.5": bool(r["hallucination_cut"] >= TARGETS["hallucination_cut"]),
        "accuracy_kept >= 0.9": bool(r["accuracy_kept"] >= TARGETS["accuracy_kept"]),
        "best truthfulness": bool(r["truthfulness"] >= table["truthfulness"].max()),
        "abstain_known <= 0.10": bool(r["abstain_known"] <= TARGETS["abstain_known"]),
    }


def markdown(table: pd.DataFrame, *, digits: int = 3) -> str:
    """The table as GitHub Markdown (rates as percentages)."""
    pct = ["correct", "abstain", "wrong", "abstain_known", "accuracy_kept", "hallucination_cut", "declined_unanswerable"]
    lines = ["| policy | " + " | ".join(table.columns) + " |", "|---" * (len(table.columns) + 1) + "|"]
    for name, r in table.iterrows():
        cells = []
        for col in table.columns:
            v = r[col]
            if col == "n":
                cells.append(str(int(v)))
            elif pd.isna(v):
                cells.append("-")
            elif col in pct:
                cells.append(f"{100 * v:.1f}%")
            else:
                cells.append(f"{v:.{digits}f}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def uncertainty_section(named_results: Mapping[str, Any], base: Any, *, level: float = 0.9) -> list[str]:
    """Markdown lines: paired bootstrap intervals of every policy's ratios, and the base
    model's selective ceiling (see :func:`bootstrap_intervals`, :func:`selective_ceiling`)."""
    t = bootstrap_intervals(named_results, base, level=level)
    lines = [f"## How sure (paired bootstrap over the questions, {level:.0%} intervals)", "",
             "| policy | accuracy_kept | hallucination_cut | truthfulness |", "|---|---|---|---|"]
    for name, r in t.iterrows():
        lines.append(f"| {name} | {100 * r['accuracy_kept_low']:.0f}-{100 * r['accuracy_kept_high']:.0f}% | "
                     f"{100 * r['hallucination_cut_low']:.0f}-{100 * r['hallucination_cut_high']:.0f}% | "
                     f"{r['truthfulness_low']:.2f} to {r['truthfulness_high']:.2f} |")
    try:
        c = selective_ceiling(base)
    except KeyError:  # results without a confidence column: no ceiling to report
        return lines
    lines += ["", f"Ceiling from the base model's own confidence: declining its least confident answers (mean "
              f"log-probability) while keeping >= 90% of its accuracy cuts hallucination by at most "
              f"{100 * c['hallucination_cut']:.0f}% on these {c['n']} questions."]
    if c["hallucination_cut"] < TARGETS["hallucination_cut"]:
        lines[-1] += (" A policy that only learns when to decline, with no new knowledge and no better confidence "
                      f"than this, cannot reach a {TARGETS['hallucination_cut']:.0%} cut at 90% accuracy kept.")
    try:
        g = grouped_ceiling(base)
    except KeyError:  # results without a relation column: no per-relation bound
        return lines
    lines += ["", f"Oracle ceiling per relation: with the best number of least-confident answers to decline in "
              f"each relation, chosen after seeing the outcomes, declining alone cuts hallucination by at most "
              f"{100 * g['hallucination_cut']:.0f}% at >= 90% accuracy kept (which, for a policy that only "
              "declines, is also abstention on known questions <= 10%). Past that, only answers turned from "
              "wrong to right count."]
    scores = {name: summary_row(results, base)["truthfulness"] for name, results in named_results.items()}
    lines[-1] += (f" The same oracle's best truthfulness at >= 90% accuracy kept is {g['truthfulness']:.3f}.")
    above = {name: score for name, score in scores.items() if score > g["truthfulness"] + 1e-9}
    if above:
        lines[-1] += (" Above that: " + ", ".join(f"{name} ({score:.3f})" for name, score in above.items())
                      + ". A policy that keeps >= 90% of the accuracy outscores these only with answers turned "
                      "from wrong to right.")
    return lines
