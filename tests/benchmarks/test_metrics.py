"""Outcome metrics: hand-computed values, errors, and common invariance checks over METRICS."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.metrics import (
    METRICS,
    MissingColumnsError,
    UndefinedMetricWarning,
    abstention_rate,
    accuracy_score,
    answered_precision_score,
    check_columns,
    hallucination_rate,
    popularity_buckets,
    sampled_rates,
    summarize,
    truthfulness_score,
)
from rewards import Outcome
from tests.benchmarks.synthetic_results import make_results

OUTCOMES = ["correct", "correct", "correct", "abstain", "wrong", "wrong", "abstain", "correct", "wrong", "correct"]
RANGES = {"truthfulness": (-1.0, 1.0)}
outcome_lists = st.lists(st.sampled_from(["correct", "abstain", "wrong"]), min_size=1, max_size=40)


def test_hand_computed_values():
    # 5 correct, 2 abstain, 3 wrong out of 10
    assert accuracy_score(OUTCOMES) == 0.5
    assert abstention_rate(OUTCOMES) == 0.2
    assert hallucination_rate(OUTCOMES) == pytest.approx(0.3)
    assert truthfulness_score(OUTCOMES) == pytest.approx(0.2)
    assert answered_precision_score(OUTCOMES) == pytest.approx(5 / 8)


def test_answered_precision_warns_and_returns_nan_when_nothing_answered():
    with pytest.warns(UndefinedMetricWarning, match="abstained on all 2"):
        assert math.isnan(answered_precision_score(["abstain", "abstain"]))


@pytest.mark.parametrize("name", sorted(METRICS))
def test_every_metric_accepts_lists_enums_series_and_frames_alike(name):
    metric = METRICS[name]
    expected = metric(OUTCOMES)
    assert metric([Outcome(o) for o in OUTCOMES]) == expected
    assert metric(pd.Series(OUTCOMES)) == expected
    assert metric(np.array(OUTCOMES)) == expected
    assert metric(pd.DataFrame({"outcome": OUTCOMES, "x": 1})) == expected


@pytest.mark.parametrize("name", sorted(METRICS))
@settings(max_examples=40, deadline=None)
@given(outcomes=outcome_lists, seed=st.integers(0, 2**16))
def test_every_metric_is_permutation_invariant_and_in_range(name, outcomes, seed):
    metric = METRICS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        value = metric(outcomes)
        shuffled = metric(list(np.random.default_rng(seed).permutation(outcomes)))
    if math.isnan(value):
        assert name == "answered_precision" and set(outcomes) == {"abstain"}
        assert math.isnan(shuffled)
        return
    assert shuffled == pytest.approx(value)
    low, high = RANGES.get(name, (0.0, 1.0))
    assert low <= value <= high


@given(outcomes=outcome_lists)
def test_rates_sum_to_one_and_truthfulness_is_their_difference(outcomes):
    total = accuracy_score(outcomes) + abstention_rate(outcomes) + hallucination_rate(outcomes)
    assert total == pytest.approx(1.0)
    assert truthfulness_score(outcomes) == pytest.approx(accuracy_score(outcomes) - hallucination_rate(outcomes))


@pytest.mark.parametrize("name", sorted(METRICS))
def test_every_metric_rejects_bad_input(name):
    metric = METRICS[name]
    with pytest.raises(ValueError, match="0 outcomes"):
        metric([])
    with pytest.raises(ValueError, match=r"'maybe'.*one of \['correct', 'abstain', 'wrong'\]"):
        metric(["correct", "maybe"])
    for missing in (None, float("nan"), pd.NA):
        with pytest.raises(ValueError, match="creative rows"):
            metric(["correct", missing])
    with pytest.raises(ValueError, match="creative rows"):
        metric(pd.Series(["correct", None], dtype="string"))
    with pytest.raises(MissingColumnsError, match=r"needs column\(s\) \['outcome'\].*present: \['response'\]"):
        metric(pd.DataFrame({"response": ["x"]}))
    with pytest.raises(TypeError, match="single string"):
        metric("correct")


def test_check_columns_lists_missing_and_present_columns():
    df = pd.DataFrame({"outcome": ["correct"], "id": ["q"]})
    with pytest.raises(KeyError) as info:
        check_columns(df, ["outcome", "relation", "popularity"], what="summarize")
    message = str(info.value)
    assert "['relation', 'popularity']" in message and "['id', 'outcome']" in message
    assert not message.startswith('"')  # readable, not KeyError's quoted repr


def test_popularity_buckets_are_quantiles_within_each_relation():
    df = pd.DataFrame({"relation": ["a"] * 6 + ["b"] * 3 + ["c"],
                       "popularity": [1, 2, 3, 4, 5, 6, 1000, 10, 100, None]})
    buckets = popularity_buckets(df).tolist()
    assert buckets[:6] == ["low", "low", "mid", "mid", "high", "high"]
    assert buckets[6:9] == ["high", "low", "mid"]  # ranked inside b, not against a
    assert buckets[9] == "n/a"
    overall = popularity_buckets(df, within=None, n_buckets=2).tolist()
    assert overall[6] == "high" and overall[0] == "low"
    with pytest.raises(ValueError, match="n_buckets=7 is not supported"):
        popularity_buckets(df, n_buckets=7)


def test_summarize_overall_and_groups():
    df = pd.DataFrame({
        "outcome": ["correct", "wrong", "abstain", "correct", None],
        "query_type": ["knowledge-seeking", "knowledge-seeking", "text-grounded", "text-grounded", "creative"],
        "relation": ["r", "r", "r", "s", "creative"],
        "popularity": [1.0, 2.0, 3.0, 4.0, None],
    })
    table = summarize(df)
    overall = table.iloc[0]
    assert (overall["group"], overall["n"], overall["accuracy"]) == ("overall", 4, 0.5)
    by_type = table[table["group"] == "query_type"].set_index("value")
    assert "creative" not in by_type.index  # no outcome: not counted
    assert by_type.loc["text-grounded", "abstention_rate"] == 0.5
    pop = table[table["group"] == "popularity"]
    assert pop["value"].tolist() == ["low", "mid", "high"]  # bucket order, not alphabetical
    assert pop["n"].sum() == 4


def test_summarize_all_abstain_group_is_nan_not_zero():
    df = pd.DataFrame({"outcome": ["abstain", "correct"], "relation": ["a", "b"]})
    table = summarize(df, by="relation").set_index("value")
    assert math.isnan(table.loc["a", "answered_precision"])


def test_summarize_errors_name_the_problem():
    with pytest.raises(MissingColumnsError, match="relation"):
        summarize(pd.DataFrame({"outcome": ["correct"]}), by=["relation"])
    with pytest.raises(ValueError, match="none has an outcome"):
        summarize(pd.DataFrame({"outcome": [None, None]}), by=[])
    with pytest.raises(ValueError, match="none has an outcome"):
        summarize(pd.DataFrame({"outcome": []}), by=[])


def test_summarize_on_schema_shaped_results():
    df = make_results(120)
    table = summarize(df)
    assert set(table["group"]) == {"overall", "query_type", "relation", "popularity"}
    assert table.iloc[0]["n"] == 120
    pop = table[table["group"] == "popularity"].set_index("value")
    assert pop.loc["high", "accuracy"] > pop.loc["low", "accuracy"]  # the synthetic data's built-in trend


def test_summarize_answerable_group():
    df = pd.DataFrame({"outcome": ["correct", "abstain", "wrong"], "answers": [["Paris"], [], []]})
    table = summarize(df, by="answerable").set_index("value")
    assert table.loc["answerable", "accuracy"] == 1.0
    assert table.loc["unanswerable", "abstention_rate"] == 0.5
    with pytest.raises(MissingColumnsError, match=r"\['answers'\]"):
        summarize(df.drop(columns="answers"), by="answerable")
    with pytest.raises(ValueError, match="list of gold answers"):
        summarize(df.assign(answers=["Paris", None, None]), by="answerable")


def test_sampled_rates():
    df = pd.DataFrame({"id": ["a", "b", "c"], "outcome": ["correct", "abstain", None],
                       "p_correct": [0.75, 0.0, None], "p_abstain": [0.25, 0.5, None]})
    rates = sampled_rates(df)
    assert rates == {"n": 2, "accuracy": 0.375, "abstention_rate": 0.375, "hallucination_rate": 0.25}
    with pytest.raises(ValueError, match="--samples"):
        sampled_rates(df.assign(p_correct=None))
    with pytest.raises(ValueError, match="id='a'"):
        sampled_rates(df.assign(p_abstain=[0.5, 0.5, None]))
    with pytest.raises(MissingColumnsError, match="p_abstain"):
        sampled_rates(df.drop(columns="p_abstain"))


def test_answerable_results_keep_judged_rows_with_a_true_answer():
    from benchmarks.metrics import answerable_results, unanswerable_mask

    rows = [{"id": "a", "outcome": "correct", "answers": ["A"]}, {"id": "f", "outcome": "correct", "answers": []},
            {"id": "p", "outcome": None, "answers": []}, {"id": "b", "outcome": "wrong", "answers": ["B"]}]
    assert answerable_results(rows)["id"].tolist() == ["a", "b"]
    assert unanswerable_mask(pd.DataFrame(rows)).tolist() == [False, True, True, False]
    no_answers = pd.DataFrame({"outcome": ["wrong", None]})
    assert not unanswerable_mask(no_answers).any() and len(answerable_results(no_answers)) == 1
