"""Measuring a probe gate on results: gating, the signal table with bootstrap intervals, prompts."""

import numpy as np
import pandas as pd
import pytest

from benchmarks.probe import gated_results, signal_markdown, signal_table, with_prompts


def _results(n=60, seed=0):
    rng = np.random.default_rng(seed)
    right = rng.random(n) < 0.4
    return pd.DataFrame({
        "id": [f"q{i}" for i in range(n)], "question": [f"Capital of country {i}?" for i in range(n)],
        "answers": [["City"]] * n, "response": ["City." if r else "Other." for r in right],
        "outcome": np.where(right, "correct", "wrong"),
        "probe_p": np.where(right, 0.7, 0.3) + rng.normal(0, 0.05, n),  # separates right from wrong
        "logprob": rng.normal(-1, 0.3, n)})  # knows nothing


def test_signal_table_ranks_a_separating_signal_above_noise():
    t = signal_table(_results(), {"noise": "logprob", "probe": "probe_p"}, n_resamples=200)
    assert t.loc["probe", "auroc"] == pytest.approx(1.0)
    assert t.loc["probe", "cut_at_0.1"] == pytest.approx(1.0)  # declining all wrong answers costs no right one
    assert t.loc["noise", "auroc_high"] < 0.85 and t.loc["noise", "cut_at_0.1"] < 0.5
    for label in t.index:
        for key in ("auroc", "cut_at_0.1", "cut_at_0.2"):
            assert t.loc[label, f"{key}_low"] <= t.loc[label, key] + 1e-9 <= t.loc[label, f"{key}_high"] + 2e-9
    assert (t["n"] == 60).all()
    text = signal_markdown(t)
    assert "| probe | 1.00 (1.00-1.00) | 100% (100%-100%)" in text


def test_signal_table_leaves_own_declines_and_unanswerable_rows_out_of_the_auroc():
    df = _results()
    df.loc[0, "outcome"], df.loc[1, "answers"] = "abstain", []
    t = signal_table(df, {"probe": "probe_p"}, n_resamples=100)
    assert t.loc["probe", "n"] == 59  # answerable questions; the decline stays in for the cuts


def test_gated_results_decline_below_the_threshold_and_judge_again():
    df = _results(10)
    gated = gated_results(df, 0.5)
    low = df["probe_p"] < 0.5
    assert (gated.loc[low, "response"] == "I don't know.").all()
    assert (gated.loc[low, "outcome"] == "abstain").all()
    assert gated.loc[~low].equals(df.loc[~low])
    assert df["response"].ne("I don't know.").all()  # the input is left as it was


def test_with_prompts_prefers_given_then_own_then_the_chat_prompt():
    records = [{"id": "a", "question": "Q1?"}, {"id": "b", "question": "Q2?", "prompt": "Own prompt"},
               {"id": "c", "question": "Q3?"}]
    rows = with_prompts(records, {"a": "Given"})
    assert [r["prompt"] for r in rows[:2]] == ["Given", "Own prompt"]
    assert rows[2]["prompt"][-1] == {"role": "user", "content": "Q3?"}
