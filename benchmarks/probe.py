"""A probe gate measured on benchmark results: its P(correct) beside the answer log-probability.

:func:`fit_on_results` fits a :class:`~shaping.probe.ProbeGate` on a results file's greedy
answers (no new generation), :func:`score_results` adds each answer's ``probe_p``,
:func:`gated_results` turns the results into the gated policy's (answers below the
threshold replaced by "I don't know.", judged again), and :func:`signal_table` compares
confidence signals: AUROC of right against wrong answers and the hallucination cut of
declining by each signal at a budget of abstention on known questions, with bootstrap
intervals over the questions (the same draws for every signal).
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from benchmarks.artifacts import results_frame
from benchmarks.data.schema import chat_prompt
from benchmarks.metrics import answerable_results
from benchmarks.selective import risk_coverage_curve
from benchmarks.tables import markdown_table
from benchmarks.training.ceilings import selective_ceiling
from benchmarks.uncertainty import bootstrap_statistic
from rewards.judging import judge
from shaping.probe import DECLINE, fit_gate

#: Confidence columns a results frame may carry -> what they are (higher = more confident).
SIGNALS = {"logprob": "mean answer log-prob", "probe_p": "probe P(correct)"}


def with_prompts(results: Any, prompts: Mapping[str, Any] | None = None) -> list[dict]:
    """Result records with the ``prompt`` each answer was generated from: from ``prompts`` by id, else the
    record's own ``prompt``, else the benchmark's chat prompt of its ``question``."""
    prompts = prompts or {}
    records = results_frame(results).to_dict("records")
    return [{**r, "prompt": prompts.get(str(r.get("id"))) or _own_prompt(r)} for r in records]


def _own_prompt(record: dict) -> Any:
    prompt = record.get("prompt")
    return prompt if isinstance(prompt, (str, list)) and prompt else chat_prompt(record["question"])


def fit_on_results(model, tokenizer, results: Any, *, prompts: Mapping[str, Any] | None = None, **kwargs):
    """:func:`shaping.probe.fit_gate` on a results file's greedy answers (kwargs go to it)."""
    rows = with_prompts(results, prompts)
    return fit_gate(model, tokenizer, rows, responses=[str(r["response"]) for r in rows], **kwargs)


def score_results(gate, model, tokenizer, results: Any, *, prompts: Mapping[str, Any] | None = None,
                  batch_size: int = 16, progress: bool = False) -> pd.DataFrame:
    """``results`` with ``probe_p``, the gate's P(correct) of every greedy answer."""
    rows = with_prompts(results, prompts)
    p = gate.p_correct(model, tokenizer, [r["prompt"] for r in rows], [str(r["response"]) for r in rows],
                       batch_size=batch_size, progress=progress)
    return results_frame(results).assign(probe_p=p)


def gated_results(scored: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """The gated policy's results: answers with ``probe_p`` below ``threshold`` become "I don't know.", judged again.

    >>> df = pd.DataFrame({"question": ["Q?"] * 2, "answers": [["A"], []], "response": ["B.", "A."],
    ...                    "outcome": ["wrong", "wrong"], "probe_p": [0.1, 0.2]})
    >>> gated_results(df, 0.5)["outcome"].tolist()  # declining a question with no true answer is correct
    ['abstain', 'correct']
    """
    out = scored.copy()
    declined = out["probe_p"].lt(threshold) & out["outcome"].notna() & out["outcome"].ne("abstain")
    for i in out.index[declined]:
        verdict = judge(DECLINE, list(out.at[i, "answers"]), question=out.at[i, "question"])
        out.at[i, "response"], out.at[i, "outcome"] = DECLINE, verdict.outcome.value
        if "hedged" in out.columns:
            out.at[i, "hedged"] = False
        if "reason" in out.columns:
            out.at[i, "reason"] = f"probe gate: P(correct) {out.at[i, 'probe_p']:.2f} < {threshold:.2f}"
    return out


def auroc_score(y: Any, scores: Any) -> float:
    """Area under the ROC curve of ``scores`` for the positives in ``y`` (scikit-learn's
    ``roc_auc_score``: ties count half); NaN when ``y`` holds one class (a bootstrap resample may).

    >>> auroc_score([1, 1, 0, 0], [0.9, 0.5, 0.5, 0.1])
    0.875
    """
    from sklearn.metrics import roc_auc_score

    y = np.asarray(y, dtype=bool)
    if y.all() or not y.any():
        return float("nan")
    return float(roc_auc_score(y, np.asarray(scores, dtype=float)))


def _cut(outcomes: np.ndarray, confidence: np.ndarray, budget: float) -> float:
    """:func:`~benchmarks.training.ceilings.selective_ceiling`'s cut on arrays (no frames: one per resample)."""
    coverage, risk, _ = risk_coverage_curve(outcomes, confidence)
    right, wrong = np.mean(outcomes == "correct"), np.mean(outcomes == "wrong")
    ok = coverage * (1 - risk) >= (1 - budget) * right - 1e-12
    return float(1 - (coverage * risk)[ok].min() / wrong) if wrong else float("nan")


def signal_table(results: Any, signals: Mapping[str, str], *, budgets: Sequence[float] = (0.1, 0.2),
                 level: float = 0.9, n_resamples: int = 1000, random_state: int = 0) -> pd.DataFrame:
    """AUROC and hallucination cut at each budget of abstention on known questions, per confidence signal.

    Over the answerable questions of ``results`` (the base model's): ``auroc`` ranks its right
    answers against its wrong ones by the signal; ``cut_<budget>`` is the largest hallucination
    cut of declining its least confident answers while declining at most ``budget`` of the right
    ones (:func:`~benchmarks.training.ceilings.selective_ceiling`). ``_low`` / ``_high``: the
    central ``level`` bootstrap interval over the questions, the same draws for every signal.

    Args:
        signals: label -> confidence column of ``results`` (e.g. ``{"probe": "probe_p"}``).
    """
    df = answerable_results(results).reset_index(drop=True)
    answered = df[df["outcome"] != "abstain"].reset_index(drop=True)
    y = (answered["outcome"] == "correct").to_numpy()
    boot = dict(level=level, n_resamples=n_resamples, random_state=random_state)
    rows = {}
    for label, column in signals.items():
        scores = answered[column].to_numpy(dtype=float)
        row = {"auroc": auroc_score(y, scores)}
        row["auroc_low"], row["auroc_high"] = bootstrap_statistic(
            lambda i, s=scores: auroc_score(y[i], s[i]), len(y), **boot)
        outcomes, confidence = df["outcome"].to_numpy(dtype=object), df[column].to_numpy(dtype=float)
        for budget in budgets:
            key = f"cut_at_{budget:g}"
            row[key] = selective_ceiling(df, accuracy_kept=1 - budget, confidence=column)["hallucination_cut"]
            row[f"{key}_low"], row[f"{key}_high"] = bootstrap_statistic(
                lambda i, b=budget, c=confidence: _cut(outcomes[i], c[i], b), len(df), **boot)
        row["n"] = len(df)
        rows[label] = row
    return pd.DataFrame.from_dict(rows, orient="index")


def signal_markdown(table: pd.DataFrame) -> str:
    """:func:`signal_table` as Markdown: each value with its interval in brackets.

    >>> t = pd.DataFrame({"auroc": [0.8], "auroc_low": [0.75], "auroc_high": [0.85], "n": [10]}, index=["probe"])
    >>> print(signal_markdown(t))
    | confidence signal | auroc | n |
    |---|---|---|
    | probe | 0.80 (0.75-0.85) | 10 |
    """
    shown = pd.DataFrame(index=table.index)
    for column in table.columns:
        if column.endswith(("_low", "_high")):
            continue
        if column == "n":
            shown[column] = table[column].astype(int).astype(str)
            continue
        pct = column.startswith("cut_at_")
        fmt = (lambda v: f"{100 * v:.0f}%") if pct else (lambda v: f"{v:.2f}")
        shown[column] = [f"{fmt(v)} ({fmt(lo)}-{fmt(hi)})" for v, lo, hi in
                         zip(table[column], table[f"{column}_low"], table[f"{column}_high"])]
    return markdown_table(shown, index="confidence signal")
