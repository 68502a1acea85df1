"""Bootstrap confidence intervals for the outcome metrics: one run, paired deltas, paired ratios.

On a few hundred questions a difference of a few points in accuracy or hallucination can
be noise. Percentile bootstrap intervals (Efron & Tibshirani, 1993, *An Introduction to
the Bootstrap*, ch. 13) resample the questions with replacement; for runs on the same
questions the resampling is *paired* (the same questions drawn for all), which removes
the between-question variance the runs share. Every function here takes ``level``,
``n_resamples`` and ``random_state`` and draws its resamples the same way.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

import numpy as np
import pandas as pd

from benchmarks.metrics import OUTCOMES, answerable_results, check_columns, outcome_array

#: Metrics that have a bootstrap interval: name -> f(correct, abstain, wrong counts) per resample.
INTERVAL_METRICS = {
    "accuracy": lambda c, a, w: c / (c + a + w),
    "abstention_rate": lambda c, a, w: a / (c + a + w),
    "hallucination_rate": lambda c, a, w: w / (c + a + w),
    "truthfulness": lambda c, a, w: (c - w) / (c + a + w),
}


def _resampled_counts(codes: np.ndarray, index: np.ndarray) -> tuple[np.ndarray, ...]:
    drawn = codes[index]  # (n_resamples, n)
    return tuple((drawn == k).sum(axis=1).astype(float) for k in range(len(OUTCOMES)))


def _check_level(level: float) -> None:
    if not 0 < level < 1:
        raise ValueError(f"level={level} must lie strictly between 0 and 1, e.g. 0.95.")


def _resamples(n: int, n_resamples: int, random_state: int) -> np.ndarray:
    if n_resamples < 100:
        raise ValueError(f"n_resamples={n_resamples} is too few for a percentile interval; "
                         "use at least 100 (e.g. 2000).")
    return np.random.default_rng(random_state).integers(0, n, size=(n_resamples, n))


def _interval(values: np.ndarray, level: float) -> tuple[float, float]:
    _check_level(level)
    low, high = np.percentile(values, [50 * (1 - level), 50 * (1 + level)])
    return float(low), float(high)


def bootstrap_intervals(outcomes: Any, *, level: float = 0.95, n_resamples: int = 2000,
                        random_state: int = 0) -> dict[str, tuple[float, float]]:
    """Percentile bootstrap interval of every metric in :data:`INTERVAL_METRICS`.

    >>> ci = bootstrap_intervals(["correct"] * 30 + ["wrong"] * 10)
    >>> low, high = ci["accuracy"]
    >>> bool(low < 0.75 < high)
    True
    """
    codes = _codes(outcomes)
    counts = _resampled_counts(codes, _resamples(len(codes), n_resamples, random_state))
    return {name: _interval(fn(*counts), level) for name, fn in INTERVAL_METRICS.items()}


def bootstrap_statistic(statistic: Callable[[np.ndarray], float], n: int, *, level: float = 0.95,
                        n_resamples: int = 2000, random_state: int = 0) -> tuple[float, float]:
    """Percentile interval of ``statistic(index)`` over resamples (with replacement) of ``n`` items.

    ``statistic`` gets the drawn row indices and returns a number; resamples where it is not
    finite (a class missing from the draw) are left out. Two statistics with the same
    ``random_state`` see the same draws, so their intervals are paired.

    >>> x = np.arange(100.0)
    >>> low, high = bootstrap_statistic(lambda i: x[i].mean(), len(x), n_resamples=500)
    >>> bool(low < 49.5 < high)
    True
    """
    values = np.array([statistic(index) for index in _resamples(n, n_resamples, random_state)], dtype=float)
    values = values[np.isfinite(values)]
    if len(values) == 0:
        raise ValueError("The statistic was undefined on every resample; check that both classes are present.")
    return _interval(values, level)


def _codes(outcomes: Any) -> np.ndarray:
    values = outcome_array(outcomes)
    return np.select([values == o for o in OUTCOMES], range(len(OUTCOMES)))


def paired_delta_intervals(results_a: pd.DataFrame, results_b: pd.DataFrame, *, on: str = "id",
                           level: float = 0.95, n_resamples: int = 2000,
                           random_state: int = 0) -> dict[str, tuple[float, float]]:
    """Interval of ``metric(b) - metric(a)`` over the questions both runs judged, paired by ``on``.

    >>> a = pd.DataFrame({"id": range(40), "outcome": ["wrong"] * 20 + ["correct"] * 20})
    >>> b = a.assign(outcome=["abstain"] * 20 + ["correct"] * 20)
    >>> ci = paired_delta_intervals(a, b)
    >>> ci["accuracy"], bool(ci["hallucination_rate"][1] < 0)  # same right answers; fewer wrong ones
    ((0.0, 0.0), True)
    """
    for name, df in (("first", results_a), ("second", results_b)):
        check_columns(df, [on, "outcome"], what=f"paired_delta_intervals ({name} run)")
    a = results_a[results_a["outcome"].notna()].drop_duplicates(on).set_index(on)
    b = results_b[results_b["outcome"].notna()].drop_duplicates(on).set_index(on)
    shared = a.index.intersection(b.index)
    if len(shared) == 0:
        raise ValueError(f"The two runs share no judged question (matched on {on!r}); "
                         "compare runs evaluated on the same questions.")
    index = _resamples(len(shared), n_resamples, random_state)
    counts_a = _resampled_counts(_codes(a.loc[shared, "outcome"]), index)
    counts_b = _resampled_counts(_codes(b.loc[shared, "outcome"]), index)
    return {name: _interval(fn(*counts_b) - fn(*counts_a), level) for name, fn in INTERVAL_METRICS.items()}


def _answerable_outcomes(results: Any) -> pd.Series:
    df = answerable_results(results)
    return df.set_index(df["id"].astype(str))["outcome"]


def paired_ratio_intervals(named_results: Mapping[str, Any], base: Any, *, level: float = 0.95,
                           n_resamples: int = 2000, random_state: int = 0) -> pd.DataFrame:
    """Paired intervals of each run's accuracy kept, hallucination cut and truthfulness against ``base``.

    Held-out sets are small (a question is 1-2 points of a rate), so a target met or missed
    by a few points may be noise. Each resample draws the base model's answerable judged
    questions with replacement and scores every run *and* the base on the same draw, so the
    ratios keep their pairing; a resample where a ratio is undefined (the base has no right
    or no wrong answer in it) is left out of that ratio. Returns one row per run with
    ``<metric>_low`` / ``<metric>_high`` columns (the central ``level`` interval).

    >>> base = [{"id": str(i), "outcome": "correct" if i < 3 else "wrong"} for i in range(10)]
    >>> ours = [{"id": str(i), "outcome": "correct" if i < 3 else "abstain"} for i in range(10)]
    >>> t = paired_ratio_intervals({"ours": ours}, base, n_resamples=200)
    >>> float(t.loc["ours", "hallucination_cut_low"]), float(t.loc["ours", "accuracy_kept_high"])
    (1.0, 1.0)
    """
    _check_level(level)
    ref = _answerable_outcomes(base)
    ids = ref.index.to_numpy()
    if len(ids) == 0:
        raise ValueError("The base results have no answerable judged questions to resample.")
    n, draws = len(ids), _resamples(len(ids), n_resamples, random_state)
    base_correct, _, base_wrong = (count / n for count in _resampled_counts(_codes(ref), draws))
    rows = {}
    for name, results in named_results.items():
        outcomes = _answerable_outcomes(results)
        missing = set(ids) - set(outcomes.index)
        if missing:
            raise ValueError(f"{name!r} has no judged outcome for {len(missing)} of the base model's questions "
                             f"(e.g. {sorted(missing)[0]!r}); evaluate every policy on the same questions.")
        correct, _, wrong = (count / n for count in _resampled_counts(_codes(outcomes.loc[ids]), draws))
        with np.errstate(divide="ignore", invalid="ignore"):
            ratios = {"accuracy_kept": correct / base_correct, "hallucination_cut": 1 - wrong / base_wrong,
                      "truthfulness": correct - wrong}
        row = {}
        for metric, values in ratios.items():
            values = values[np.isfinite(values)]
            row[f"{metric}_low"], row[f"{metric}_high"] = (_interval(values, level) if len(values)
                                                           else (float("nan"), float("nan")))
        rows[name] = row
    return pd.DataFrame.from_dict(rows, orient="index")


def paired_rate_delta_interval(hits_a: pd.Series, hits_b: pd.Series, *, level: float = 0.95,
                               n_resamples: int = 2000, random_state: int = 0) -> tuple[float, float]:
    """Interval of ``rate(b) - rate(a)`` for a rate with its own denominator in each run, paired by index.

    Each value is 1 (the event: a caved answer), 0 (in the denominator, no event) or NaN (not in
    this run's denominator: a question it got wrong the first time has no right answer to cave
    from). The shared index is resampled with replacement; a resample where either rate has an
    empty denominator is left out.

    >>> a = pd.Series([1.0, 1.0, 0.0, 0.0, float("nan")] * 8)
    >>> b = pd.Series([0.0, 0.0, 0.0, 0.0, 1.0] * 8)
    >>> low, high = paired_rate_delta_interval(a, b, n_resamples=200)
    >>> bool(high < 0)
    True
    """
    shared = hits_a.index.intersection(hits_b.index)
    if len(shared) == 0:
        raise ValueError("The two runs share no question; compare runs evaluated on the same questions.")
    index = _resamples(len(shared), n_resamples, random_state)
    rates = []
    for hits in (hits_a, hits_b):
        drawn = hits.loc[shared].to_numpy(dtype=float)[index]
        with np.errstate(divide="ignore", invalid="ignore"):
            rates.append(np.nansum(drawn, axis=1) / (~np.isnan(drawn)).sum(axis=1))
    delta = rates[1] - rates[0]
    delta = delta[np.isfinite(delta)]
    return _interval(delta, level) if len(delta) else (float("nan"), float("nan"))
