"""Bootstrap intervals: coverage of the true value, pairing, and errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from benchmarks.metrics import MissingColumnsError, accuracy_score
from benchmarks.uncertainty import INTERVAL_METRICS, bootstrap_intervals, paired_delta_intervals, paired_ratio_intervals


def _run(n: int, p_correct: float, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    return list(rng.choice(["correct", "abstain", "wrong"], n, p=[p_correct, 0.1, 0.9 - p_correct]))


def test_intervals_hold_the_estimate_and_narrow_with_more_questions():
    small, large = _run(100, 0.5, 0), _run(2000, 0.5, 0)
    ci_small, ci_large = bootstrap_intervals(small), bootstrap_intervals(large)
    assert set(ci_small) == set(INTERVAL_METRICS)
    low, high = ci_small["accuracy"]
    assert low <= accuracy_score(small) <= high
    assert ci_large["accuracy"][1] - ci_large["accuracy"][0] < (high - low) / 2
    assert ci_large["accuracy"][0] < 0.5 < ci_large["accuracy"][1]
    assert bootstrap_intervals(small, random_state=3) != ci_small  # the seed matters, and is fixed by default
    assert bootstrap_intervals(small) == ci_small


def test_pairing_removes_the_shared_variance():
    base = pd.DataFrame({"id": range(300), "outcome": _run(300, 0.5, 1)})
    after = base.copy()
    flip = after.index[(after["outcome"] == "wrong").to_numpy()][:30]
    after.loc[flip, "outcome"] = "abstain"  # 30 of the wrong answers become declines: -0.1 hallucination
    low, high = paired_delta_intervals(base, after)["hallucination_rate"]
    assert low <= -0.1 <= high and high < 0
    unpaired = np.subtract(bootstrap_intervals(after["outcome"])["hallucination_rate"],
                           bootstrap_intervals(base["outcome"])["hallucination_rate"][::-1])
    assert high - low < unpaired[1] - unpaired[0]  # paired interval is narrower


def test_only_shared_judged_questions_are_paired_and_errors():
    a = pd.DataFrame({"id": [1, 2, 3, 4], "outcome": ["correct", "wrong", None, "wrong"]})
    b = pd.DataFrame({"id": [2, 1, 3], "outcome": ["wrong", "correct", "correct"]})
    assert paired_delta_intervals(a, b)["accuracy"] == (0.0, 0.0)  # ids 1 and 2, in any order
    with pytest.raises(ValueError, match="share no judged question"):
        paired_delta_intervals(a, b.assign(id=[7, 8, 9]))
    with pytest.raises(MissingColumnsError, match="second run"):
        paired_delta_intervals(a, b.drop(columns="id"))
    with pytest.raises(ValueError, match="n_resamples=10"):
        bootstrap_intervals(["correct"], n_resamples=10)
    with pytest.raises(ValueError, match="level=95"):
        bootstrap_intervals(["correct"], level=95)


def test_paired_ratio_intervals_are_paired_and_bracket_the_point_estimate():
    base = [{"id": str(i), "outcome": "correct" if i < 10 else "wrong", "answers": ["x"]} for i in range(40)]
    # ours keeps 9 of 10 right answers and declines half of the 30 wrong ones
    ours = [{"id": str(i), "outcome": "correct" if i < 9 else ("abstain" if i < 25 else "wrong"), "answers": ["x"]}
            for i in range(40)]
    ours.append({"id": "fict", "outcome": "wrong", "answers": []})  # unanswerable: not resampled
    table = paired_ratio_intervals({"ours": ours, "base": base}, base, level=0.9, n_resamples=500)
    point = {"accuracy_kept": 9 / 10, "hallucination_cut": 1 - 15 / 30, "truthfulness": (9 - 15) / 40}
    for metric, value in point.items():
        assert table.loc["ours", f"{metric}_low"] < value < table.loc["ours", f"{metric}_high"], metric
    # the base against itself: the ratios are exact on every paired resample
    assert table.loc["base", "accuracy_kept_low"] == table.loc["base", "accuracy_kept_high"] == 1.0
    assert table.loc["base", "hallucination_cut_low"] == table.loc["base", "hallucination_cut_high"] == 0.0
    wider = paired_ratio_intervals({"ours": ours}, base, n_resamples=500)  # level 0.95 by default
    assert wider.loc["ours", "truthfulness_low"] <= table.loc["ours", "truthfulness_low"]
    assert not paired_ratio_intervals({"ours": ours}, base, random_state=1).equals(
        paired_ratio_intervals({"ours": ours}, base))
    with pytest.raises(ValueError, match="same questions"):
        paired_ratio_intervals({"short": ours[:5]}, base)
    with pytest.raises(ValueError, match="level=1.5"):
        paired_ratio_intervals({"ours": ours}, base, level=1.5)
    with pytest.raises(ValueError, match="no answerable"):
        paired_ratio_intervals({"ours": ours}, [{"id": "f", "outcome": "correct", "answers": []}])
