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

from typing import Any, Mapping

import pandas as pd

from benchmarks.artifacts import results_frame
from benchmarks.metrics import answerable_results, unanswerable_mask
from benchmarks.tables import markdown_table
from rewards.outcome import outcome_rates

#: What a trained policy should reach against the base model on the held-out questions.
TARGETS = {
    "hallucination_cut": 0.5,  # wrong rate at most half the base model's
    "accuracy_kept": 0.9,  # at least this share of the base model's accuracy
    "abstain_known": 0.10,  # declines at most this share of the questions the base model answers right
}
COLUMNS = ("correct", "abstain", "wrong", "truthfulness", "abstain_known", "accuracy_kept", "hallucination_cut",
           "declined_unanswerable", "n")
#: Columns that are rates (shown as percentages).
RATE_COLUMNS = ("correct", "abstain", "wrong", "abstain_known", "accuracy_kept", "hallucination_cut",
                "declined_unanswerable")


def summary_row(results: Any, base: Any) -> dict[str, float]:
    """Outcome rates of ``results`` and its abstention on the base model's known questions.

    >>> base = [{"id": "a", "outcome": "correct"}, {"id": "b", "outcome": "wrong"}]
    >>> after = [{"id": "a", "outcome": "correct"}, {"id": "b", "outcome": "abstain"}]
    >>> summary_row(after, base)["abstain_known"], summary_row(after, base)["wrong"]
    (0.0, 0.0)
    """
    df = results_frame(results)
    df = df[df["outcome"].notna()]
    if df.empty:
        raise ValueError("No judged rows (all outcomes are null); evaluate knowledge-seeking questions.")
    no_answer = unanswerable_mask(df)
    unanswerable, df = df[no_answer], df[~no_answer]
    if df.empty:
        raise ValueError("Every judged row is unanswerable (answers == []); the rates need answerable questions.")
    base_df = answerable_results(base)
    known_ids = set(base_df.loc[base_df["outcome"] == "correct", "id"].astype(str))
    rates = outcome_rates(df["outcome"])
    known = df[df["id"].astype(str).isin(known_ids)]
    rates["abstain_known"] = outcome_rates(known["outcome"])["abstain"] if len(known) else float("nan")
    if len(unanswerable):  # on a question with no true answer, declining is judged correct
        declined = outcome_rates(unanswerable["outcome"])
        rates["declined_unanswerable"] = declined["correct"] + declined["abstain"]
    else:
        rates["declined_unanswerable"] = float("nan")
    rates["n"] = int(len(df))
    return rates


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
    return pd.DataFrame.from_dict(rows, orient="index")[list(COLUMNS)]


def summary_markdown(table: pd.DataFrame) -> str:
    """:func:`summary_table`'s table in Markdown, one row per policy, rates as percentages.

    >>> print(summary_markdown(pd.DataFrame({"correct": [0.25], "n": [4]}, index=["base"])))
    | policy | correct | n |
    |---|---|---|
    | base | 25.0% | 4 |
    """
    return markdown_table(table, percent=RATE_COLUMNS, index="policy")


def target_names() -> dict[str, str]:
    """Each target's line in a report, from :data:`TARGETS`: ``{"hallucination_cut": "hallucination_cut >= 0.5", ...}``.

    >>> target_names()["abstain_known"]
    'abstain_known <= 0.1'
    """
    at_most = {"abstain_known"}
    return {k: f"{k} {'<=' if k in at_most else '>='} {v:g}" for k, v in TARGETS.items()}


def target_checks(table: pd.DataFrame, row: str) -> dict[str, bool]:
    """Whether ``row`` meets each of :data:`TARGETS` and has the best truthfulness of the table.

    >>> t = pd.DataFrame({"truthfulness": [0.1, -0.4], "hallucination_cut": [0.6, 0.0],
    ...                   "accuracy_kept": [0.95, 1.0], "abstain_known": [0.05, 0.0]}, index=["ours", "base"])
    >>> all(target_checks(t, "ours").values())
    True
    """
    if row not in table.index:
        raise KeyError(f"No row {row!r} in the table; rows are {list(table.index)}.")
    r, names = table.loc[row], target_names()
    return {
        names["hallucination_cut"]: bool(r["hallucination_cut"] >= TARGETS["hallucination_cut"]),
        names["accuracy_kept"]: bool(r["accuracy_kept"] >= TARGETS["accuracy_kept"]),
        "best truthfulness": bool(r["truthfulness"] >= table["truthfulness"].max()),
        names["abstain_known"]: bool(r["abstain_known"] <= TARGETS["abstain_known"]),
    }
