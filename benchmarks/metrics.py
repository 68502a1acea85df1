"""Outcome metrics for the knowledge benchmark, in scikit-learn's style.

Every metric takes the outcomes positionally: a sequence of ``"correct"`` / ``"abstain"`` /
``"wrong"`` (strings or :class:`rewards.Outcome`), a pandas Series of them, or a DataFrame
of per-question results (its ``outcome`` column is used; see docs/results_schema.md).
Creative rows have no outcome (``None``): pass them and the metric raises, because their
"hallucination" is not defined; :func:`summarize` drops them and counts them.

All rates are over *all* judged questions, so ``accuracy + abstention + hallucination = 1``;
``answered_precision_score`` is over answered questions only and is undefined (warning, NaN)
when the policy answered nothing.
"""

from __future__ import annotations

import warnings
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from benchmarks.artifacts import results_frame
from rewards.outcome import has_no_true_answer, outcome_rates

OUTCOMES = ("correct", "abstain", "wrong")
DEFAULT_GROUPS = ("query_type", "relation", "popularity")
#: Groupings computed from another column: group name -> the column it needs.
DERIVED_GROUPS = {"popularity": "popularity", "answerable": "answers"}
BUCKET_LABELS = {2: ("low", "high"), 3: ("low", "mid", "high"), 4: ("low", "mid-low", "mid-high", "high")}


class UndefinedMetricWarning(UserWarning):
    """A metric is undefined on this input (e.g. precision with no answered question)."""


class MissingColumnsError(KeyError):
    """A results table lacks columns a metric needs. The message lists missing and present ones."""

    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0])


def check_columns(df: pd.DataFrame, required: Sequence[str], *, what: str = "this metric") -> None:
    """Raise :class:`MissingColumnsError` naming the missing columns and the ones present.

    >>> check_columns(pd.DataFrame({"outcome": ["correct"]}), ["outcome"])
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{what} needs a pandas DataFrame of per-question results, got {type(df).__name__}.")
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise MissingColumnsError(
            f"{what} needs column(s) {missing}, which the results lack; columns present: "
            f"{sorted(map(str, df.columns))}. Produce the results with `shaping bench` "
            "(see docs/results_schema.md) or add the columns."
        )


def _is_missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def outcome_array(outcomes: Any) -> np.ndarray:
    """Validate outcomes and return them as a numpy array of plain strings.

    >>> outcome_array(["correct", "wrong"]).tolist()
    ['correct', 'wrong']
    """
    if isinstance(outcomes, pd.DataFrame):
        check_columns(outcomes, ["outcome"], what="An outcome metric")
        outcomes = outcomes["outcome"]
    if isinstance(outcomes, (str, bytes)):
        raise TypeError(f"Pass a sequence of outcomes, not the single string {outcomes!r}.")
    values = [None if _is_missing(v) else getattr(v, "value", v) for v in list(outcomes)]
    if not values:
        raise ValueError("Got 0 outcomes; the metric is undefined on an empty set. Evaluate some questions first.")
    bad = sorted({repr(v) for v in values if v not in OUTCOMES})
    if bad:
        hint = " (None/NaN marks creative rows: drop them first)" if None in values else ""
        raise ValueError(f"Outcome value(s) {', '.join(bad[:5])} are not valid{hint}; "
                         f"each outcome must be one of {list(OUTCOMES)}.")
    return np.asarray(values, dtype=object)


def _rates(outcomes: Any) -> dict[str, float]:
    return outcome_rates(outcome_array(outcomes))


def unanswerable_mask(df: pd.DataFrame) -> pd.Series:
    """True on the rows of questions with no true answer (``answers == []``); all False without ``answers``.

    >>> unanswerable_mask(pd.DataFrame({"answers": [["Paris"], []]})).tolist()
    [False, True]
    """
    if "answers" not in df.columns:
        return pd.Series(False, index=df.index)
    return df["answers"].map(has_no_true_answer).astype(bool)


def answerable_results(results: Any) -> pd.DataFrame:
    """The judged rows (outcome not null) of questions that have a true answer.

    Declining a question with no true answer is judged correct, so rates that mix those
    rows in would let a policy that declines everything look accurate.

    >>> answerable_results([{"outcome": "wrong", "answers": ["A"]}, {"outcome": "correct", "answers": []}]).shape
    (1, 2)
    """
    df = results_frame(results)
    return df[df["outcome"].notna() & ~unanswerable_mask(df)]


def accuracy_score(outcomes: Any) -> float:
    """Fraction of questions answered correctly (over all questions, abstentions included).

    >>> accuracy_score(["correct", "abstain", "wrong", "correct"])
    0.5
    """
    return _rates(outcomes)["correct"]


def abstention_rate(outcomes: Any) -> float:
    """Fraction of questions the policy declined ("I don't know").

    >>> abstention_rate(["correct", "abstain", "wrong", "correct"])
    0.25
    """
    return _rates(outcomes)["abstain"]


def hallucination_rate(outcomes: Any) -> float:
    """Fraction of all questions answered wrongly (wrong / all, not wrong / answered).

    >>> hallucination_rate(["correct", "abstain", "wrong", "correct"])
    0.25
    """
    return _rates(outcomes)["wrong"]


def truthfulness_score(outcomes: Any) -> float:
    """Accuracy minus hallucination rate, in [-1, 1]; abstaining scores 0, between the two.

    >>> truthfulness_score(["correct", "abstain", "wrong", "correct"])
    0.25
    """
    return _rates(outcomes)["truthfulness"]


def answered_precision_score(outcomes: Any) -> float:
    """Correct / (correct + wrong): precision on the questions the policy answered.

    Undefined when nothing was answered: warns :class:`UndefinedMetricWarning`, returns NaN.

    >>> round(answered_precision_score(["correct", "abstain", "wrong", "correct"]), 4)
    0.6667
    """
    values = outcome_array(outcomes)
    answered = int(np.sum(values != "abstain"))
    if answered == 0:
        warnings.warn("answered_precision_score is undefined: the policy abstained on all "
                      f"{len(values)} questions; returning NaN.", UndefinedMetricWarning, stacklevel=2)
        return float("nan")
    return float(np.sum(values == "correct") / answered)


def sampled_rates(df: pd.DataFrame) -> dict[str, float]:
    """Outcome rates under sampling: the mean over questions of each question's k-sample shares.

    Greedy decoding can hide what a policy does when sampled (a policy with most of its
    mass on "I don't know" looks fully collapsed under greedy decoding while it still
    samples answers), and RL trains on samples; read these beside the greedy rates.

    >>> df = pd.DataFrame({"outcome": ["abstain", "abstain"], "p_correct": [0.5, 0.25], "p_abstain": [0.5, 0.5]})
    >>> sampled_rates(df)
    {'n': 2, 'accuracy': 0.375, 'abstention_rate': 0.5, 'hallucination_rate': 0.125}
    """
    check_columns(df, ["outcome", "p_correct", "p_abstain"], what="sampled_rates")
    rows = df[df["outcome"].notna() & df["p_correct"].notna()]
    if rows.empty:
        raise ValueError("sampled_rates needs k-sample shares, but no judged row has `p_correct` "
                         "(the evaluation ran with k = 0). Re-run `shaping bench` with --samples 4 or more.")
    p_correct = rows["p_correct"].to_numpy(float)
    p_abstain = rows["p_abstain"].to_numpy(float)
    p_wrong = 1.0 - p_correct - p_abstain
    lowest = np.minimum.reduce([p_correct, p_abstain, p_wrong + 1e-9])
    if (lowest < 0).any():
        raise ValueError("`p_correct` and `p_abstain` must be shares in [0, 1] whose sum is at most 1; "
                         f"first bad row: id={rows.iloc[int(np.argmax(lowest < 0))].get('id')!r}.")
    return {"n": len(rows), "accuracy": float(p_correct.mean()), "abstention_rate": float(p_abstain.mean()),
            "hallucination_rate": float(np.clip(p_wrong, 0, 1).mean())}


#: Name in reports -> metric function; every entry goes through the common tests.
METRICS: dict[str, Callable[[Any], float]] = {
    "accuracy": accuracy_score,
    "abstention_rate": abstention_rate,
    "hallucination_rate": hallucination_rate,
    "truthfulness": truthfulness_score,
    "answered_precision": answered_precision_score,
}


def popularity_buckets(df: pd.DataFrame, *, n_buckets: int = 3, within: str | None = "relation") -> pd.Series:
    """Label each row low/mid/high by the quantile of its popularity.

    Buckets are equal-count quantiles of the popularity *rank* (ties broken by row order),
    computed separately within each ``within`` group (default: each relation, since a
    country's population and an element's abundance are not comparable); ``within=None``
    ranks all rows together. Rows without a popularity get ``"n/a"``.

    >>> df = pd.DataFrame({"relation": ["r"] * 3, "popularity": [10.0, 1.0, 5.0]})
    >>> popularity_buckets(df).tolist()
    ['high', 'low', 'mid']
    """
    if n_buckets not in BUCKET_LABELS:
        raise ValueError(f"n_buckets={n_buckets} is not supported; use one of {sorted(BUCKET_LABELS)}.")
    check_columns(df, ["popularity"] + ([within] if within else []), what="popularity_buckets")
    labels = np.asarray(BUCKET_LABELS[n_buckets], dtype=object)
    popularity = pd.to_numeric(df["popularity"], errors="coerce")
    out = pd.Series("n/a", index=df.index, dtype=object)
    keys = df[within] if within else pd.Series(0, index=df.index)
    for _, index in popularity.groupby(keys, dropna=False).groups.items():
        values = popularity.loc[index].dropna()
        if values.empty:
            continue
        ranks = values.rank(method="first").to_numpy() - 1
        out.loc[values.index] = labels[(ranks * n_buckets // len(values)).astype(int)]
    return out


def _metrics_row(outcomes: np.ndarray) -> dict[str, float]:
    with warnings.catch_warnings():  # an all-abstain group has NaN precision; the table shows it
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        row = {name: fn(outcomes) for name, fn in METRICS.items()}
    return {"n": len(outcomes), **row}


def _group_keys(judged: pd.DataFrame, group: str, *, n_buckets: int) -> tuple[pd.Series, list[str]]:
    """Each row's value for ``group`` and the order in which to list the values."""
    if group == "popularity":
        keys = popularity_buckets(judged, n_buckets=n_buckets,
                                  within="relation" if "relation" in judged.columns else None)
        return keys, [*BUCKET_LABELS[n_buckets], "n/a"]
    if group == "answerable":
        has_answer = judged["answers"].map(lambda a: len(a) > 0 if isinstance(a, (list, tuple, np.ndarray)) else None)
        if has_answer.isna().any():
            raise ValueError("Column `answers` must hold a list of gold answers on every judged row "
                             f"([] = unanswerable); found {judged['answers'][has_answer.isna()].iloc[0]!r}.")
        keys = has_answer.map({True: "answerable", False: "unanswerable"})
        return keys, ["answerable", "unanswerable"]
    keys = judged[group].astype(object).where(judged[group].notna(), "n/a").astype(str)
    return keys, sorted(set(keys))


def summarize(df: pd.DataFrame, by: str | Sequence[str] | None = None, *, n_buckets: int = 3) -> pd.DataFrame:
    """Every metric overall and per group, as one long table.

    Args:
        df: per-question results with an ``outcome`` column; rows whose outcome is null
            (creative prompts) are left out.
        by: groupings to add after the ``overall`` row: any of ``"query_type"``,
            ``"relation"``, ``"popularity"`` (quantile buckets within each relation, see
            :func:`popularity_buckets`), ``"answerable"`` (answerable vs unanswerable, from
            ``answers == []``) or any other column. ``None`` means the first three.
        n_buckets: number of popularity buckets (2-4).

    Returns:
        DataFrame with columns ``group, value, n`` and one column per metric.

    >>> df = pd.DataFrame({"outcome": ["correct", "wrong"], "relation": ["a", "b"]})
    >>> summarize(df, by="relation")[["group", "value", "accuracy"]].values.tolist()
    [['overall', 'all', 0.5], ['relation', 'a', 1.0], ['relation', 'b', 0.0]]
    """
    by = list(DEFAULT_GROUPS) if by is None else [by] if isinstance(by, str) else list(by)
    check_columns(df, ["outcome"] + [DERIVED_GROUPS.get(g, g) for g in by], what="summarize")
    judged = df[df["outcome"].notna()]
    if judged.empty:
        raise ValueError(f"summarize got {len(df)} rows and none has an outcome (all creative or empty); "
                         "evaluate knowledge-seeking or text-grounded questions.")
    rows = [{"group": "overall", "value": "all", **_metrics_row(outcome_array(judged))}]
    for group in by:
        keys, order = _group_keys(judged, group, n_buckets=n_buckets)
        for value in order:
            part = judged[keys == value]
            if len(part):
                rows.append({"group": group, "value": str(value), **_metrics_row(outcome_array(part))})
    return pd.DataFrame(rows)
