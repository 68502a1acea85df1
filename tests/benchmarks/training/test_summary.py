"""Before/after tables of trained policies."""

import math

import pandas as pd
import pytest

from benchmarks.training.summary import (
    TARGETS,
    summary_markdown,
    summary_row,
    summary_table,
    target_checks,
    target_names,
)

BASE = [{"id": "a", "outcome": "correct"}, {"id": "b", "outcome": "correct"}, {"id": "c", "outcome": "wrong"},
        {"id": "d", "outcome": "wrong"}, {"id": "e", "outcome": None}]


def test_summary_row_counts_abstention_on_base_known_questions():
    after = [{"id": "a", "outcome": "abstain"}, {"id": "b", "outcome": "correct"}, {"id": "c", "outcome": "abstain"},
             {"id": "d", "outcome": "wrong"}, {"id": "e", "outcome": None}]
    row = summary_row(after, BASE)
    assert (row["correct"], row["abstain"], row["wrong"], row["n"]) == (0.25, 0.5, 0.25, 4)
    assert row["abstain_known"] == 0.5 and row["truthfulness"] == 0.0


def test_table_ratios_and_targets():
    good = [{"id": "a", "outcome": "correct"}, {"id": "b", "outcome": "correct"}, {"id": "c", "outcome": "abstain"},
            {"id": "d", "outcome": "wrong"}]
    collapsed = [{"id": i, "outcome": "abstain"} for i in "abcd"]
    table = summary_table({"base": BASE, "good": good, "collapsed": collapsed}, BASE)
    assert table.loc["good", "accuracy_kept"] == 1.0 and table.loc["good", "hallucination_cut"] == 0.5
    assert all(target_checks(table, "good").values())
    checks = target_checks(table, "collapsed")
    assert not checks["accuracy_kept >= 0.9"] and not checks["abstain_known <= 0.1"]
    assert not target_checks(table, "base")["hallucination_cut >= 0.5"]
    text = summary_markdown(table)
    assert "| good | 50.0% | 25.0% | 25.0% | 0.250 | 0.0% | 100.0% | 50.0% | - | 4 |" in text


def test_unanswerable_rows_are_kept_out_of_the_rates():
    # declining a question with no true answer is judged correct; counted in, a policy that
    # declines everything would look as accurate as the base model
    base = [{"id": "a", "answers": ["A"], "outcome": "correct"}, {"id": "b", "answers": ["B"], "outcome": "wrong"},
            {"id": "f", "answers": [], "outcome": "wrong"}]
    declines_all = [{"id": "a", "answers": ["A"], "outcome": "abstain"},
                    {"id": "b", "answers": ["B"], "outcome": "abstain"},
                    {"id": "f", "answers": [], "outcome": "correct"}]
    row = summary_row(declines_all, base)
    assert (row["correct"], row["abstain"], row["n"]) == (0.0, 1.0, 2)
    assert row["abstain_known"] == 1.0 and row["declined_unanswerable"] == 1.0
    assert summary_row(base, base)["declined_unanswerable"] == 0.0
    with pytest.raises(ValueError, match="unanswerable"):
        summary_row([{"id": "f", "answers": [], "outcome": "correct"}], base)


def test_errors():
    with pytest.raises(ValueError, match="No judged rows"):
        summary_row([{"id": "a", "outcome": None}], BASE)
    with pytest.raises(ValueError):
        summary_table({}, BASE)
    with pytest.raises(KeyError, match="rows are"):
        target_checks(summary_table({"base": BASE}, BASE), "nope")


def test_no_known_questions_gives_nan():
    base = [{"id": "a", "outcome": "wrong"}]
    assert math.isnan(summary_row(base, base)["abstain_known"])
    assert summary_markdown(pd.DataFrame({"abstain_known": [float("nan")]}, index=["x"])).endswith("| x | - |")


def test_target_lines_are_written_from_the_targets():
    assert target_names() == {"hallucination_cut": "hallucination_cut >= 0.5", "accuracy_kept": "accuracy_kept >= 0.9",
                              "abstain_known": "abstain_known <= 0.1"}
    assert set(target_names()) == set(TARGETS)
    table = pd.DataFrame({"truthfulness": [0.0], "hallucination_cut": [0.5], "accuracy_kept": [0.9],
                          "abstain_known": [0.1]}, index=["edge"])
    assert all(target_checks(table, "edge").values())  # each target is met at its bound
