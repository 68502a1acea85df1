"""Synthetic per-question results in the RESULTS_SCHEMA format, for the metrics/report tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

RELATIONS = ("country_capital", "element_symbol", "state_capital")


def make_results(n: int = 240, *, seed: int = 0, k: int = 4, creative: int = 6) -> pd.DataFrame:
    """A results table where popular facts are known more often and confidence tracks correctness."""
    rng = np.random.default_rng(seed)
    popularity = rng.lognormal(10, 2, n)
    relation = rng.choice(RELATIONS, n)
    rank = pd.Series(popularity).groupby(relation).rank(pct=True).to_numpy()
    p_true = 0.1 + 0.8 * rank  # chance a sample is correct
    p_correct = rng.binomial(k, p_true) / k
    p_abstain = np.minimum(1 - p_correct, rng.binomial(k, 0.15, n) / k)
    greedy = rng.random(n)
    outcome = np.where(greedy < p_true, "correct", np.where(greedy < p_true + 0.15, "abstain", "wrong"))
    logprob = np.where(outcome == "correct", rng.normal(-0.4, 0.3, n), rng.normal(-1.2, 0.5, n))
    rows = pd.DataFrame({
        "id": [f"q{i}" for i in range(n)], "question": [f"Question {i}?" for i in range(n)],
        "answers": [["a"]] * n, "query_type": rng.choice(["knowledge-seeking", "text-grounded"], n, p=[0.8, 0.2]),
        "relation": relation, "entity": [f"e{i}" for i in range(n)], "popularity": popularity, "passage": "",
        "response": "x", "outcome": outcome, "hedged": False, "matched": None, "reason": "",
        "logprob": logprob, "sum_logprob": logprob * 5, "num_tokens": 5,
        "samples": [[{"response": "x", "outcome": "correct"}] * k] * n,
        "p_correct": p_correct, "p_abstain": p_abstain,
        "agreement": np.clip(p_correct + rng.normal(0, 0.15, n), 0.25, 1.0),
        "known": p_correct >= 0.5,
    })
    extra = pd.DataFrame({
        "id": [f"c{i}" for i in range(creative)], "query_type": "creative", "relation": "creative",
        "popularity": None, "outcome": None, "response": "A poem.", "logprob": -1.0,
        "p_correct": None, "p_abstain": None, "agreement": None, "known": None,
    })
    return pd.concat([rows, extra], ignore_index=True) if creative else rows
