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

from .artifacts import results_frame

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
    return df["answers"].map(lambda a: a is not None and hasattr(a, "__len__") and len(a) == 0)


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
