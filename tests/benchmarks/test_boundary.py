"""Knowledge boundary from k-sample labels: hand-computed values and errors."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from benchmarks.boundary import knowledge_boundary
from benchmarks.metrics import MissingColumnsError, UndefinedMetricWarning


def test_hand_computed_boundary():
    df = pd.DataFrame({
        "outcome": ["correct", "correct", "abstain", "wrong", "abstain", "abstain", "wrong", "correct", None],
        "known": [True, True, True, True, False, False, False, False, None],
    })
    b = knowledge_boundary(df)
    assert (b["n_known"], b["n_unknown"]) == (4, 4)
    assert b["known_accuracy"] == 0.5
    assert b["known_abstention"] == 0.25
    assert b["known_hallucination"] == 0.25
    assert b["unknown_abstention"] == 0.5
    assert b["unknown_hallucination"] == 0.25
    assert b["unknown_accuracy"] == 0.25
    assert b["boundary_agreement"] == 0.5  # 2 known+correct, 2 unknown+abstain out of 8


def test_rows_without_a_label_are_left_out():
    df = pd.DataFrame({"outcome": ["correct", "wrong", "abstain"], "known": [True, None, False]})
    b = knowledge_boundary(df)
    assert (b["n_known"], b["n_unknown"], b["boundary_agreement"]) == (1, 1, 1.0)


def test_empty_group_warns_and_is_nan():
    df = pd.DataFrame({"outcome": ["correct", "wrong"], "known": [True, True]})
    with pytest.warns(UndefinedMetricWarning, match="No unknown question"):
        b = knowledge_boundary(df)
    assert math.isnan(b["unknown_abstention"]) and b["known_accuracy"] == 0.5


def test_errors():
    with pytest.raises(MissingColumnsError, match=r"\['known'\]"):
        knowledge_boundary(pd.DataFrame({"outcome": ["correct"]}))
    with pytest.raises(ValueError, match="--samples"):
        knowledge_boundary(pd.DataFrame({"outcome": ["correct"], "known": [None]}))
    with pytest.raises(ValueError, match="booleans"):
        knowledge_boundary(pd.DataFrame({"outcome": ["correct"], "known": ["yes"]}))
