"""Before/after tables of trained policies."""

import math

import pandas as pd
import pytest

from benchmarks.training.summary import (
    bootstrap_intervals,
    grouped_ceiling,
    markdown,
    selective_ceiling,
    summary_row,
    summary_table,
    target_checks,
    uncertainty_section,
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
    assert not checks["accuracy_kept >= 0.9"] and not checks["abstain_known <= 0.10"]
    assert not target_checks(table, "base")["hallucination_cut >= 0.5"]
    text = markdown(table)
    assert "| good | 50.0% | 25.0% | 25.0% | 0.250 | 0.0% | 100.0% | 50.0% | - | 4 |" in text


def test_unanswerable_rows_are_kept_out_of_the_rates():
    # declining a question with no true answer is judged correct; counted in, a policy that
    # declines everything would look as accurate as the base model
    base = [{"id": "a", "answers": ["A"], "outcome": "correct"}, {"id": "b", "answers": ["B"], "outcome": "wrong"},
            {"id": "f", "answers": [], "outcome": "wrong"}]
    declines_all = [{"id": "a", "answers": ["A"], "outcome": "abstain"}, {"id": "b", "answers": ["B"], "outcome": "abstain"},
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
    assert markdown(pd.DataFrame({"abstain_known": [float("nan")]}, index=["x"])).endswith("| x | - |")


def test_bootstrap_intervals_are_paired_and_bracket_the_point_estimate():
    base = [{"id": str(i), "outcome": "correct" if i < 10 else "wrong", "answers": ["x"]} for i in range(40)]
    # ours keeps 9 of 10 right answers and declines half of the 30 wrong ones
    ours = [{"id": str(i), "outcome": "correct" if i < 9 else ("abstain" if i < 25 else "wrong"), "answers": ["x"]}
            for i in range(40)]
    ours.append({"id": "fict", "outcome": "wrong", "answers": []})  # unanswerable: not resampled
    table = bootstrap_intervals({"ours": ours, "base": base}, base, n_resamples=500)
    point = summary_table({"ours": ours}, base).loc["ours"]
    for metric in ("accuracy_kept", "hallucination_cut", "truthfulness"):
        low, high = table.loc["ours", f"{metric}_low"], table.loc["ours", f"{metric}_high"]
        assert low < point[metric] < high, metric
    # the base against itself: the ratios are exact on every paired resample
    assert table.loc["base", "accuracy_kept_low"] == table.loc["base", "accuracy_kept_high"] == 1.0
    assert table.loc["base", "hallucination_cut_low"] == table.loc["base", "hallucination_cut_high"] == 0.0
    with pytest.raises(ValueError, match="same questions"):
        bootstrap_intervals({"short": ours[:5]}, base)
    with pytest.raises(ValueError, match="level"):
        bootstrap_intervals({"ours": ours}, base, level=1.5)


def test_selective_ceiling_thresholds_the_base_confidence():
    # right answers are mostly confident; one wrong answer is more confident than a right one
    rows = [("correct", -0.1), ("correct", -0.2), ("wrong", -0.25), ("correct", -0.3), ("wrong", -0.8),
            ("wrong", -0.9), ("wrong", -1.0), ("correct", -1.1)]
    base = [{"id": str(i), "outcome": o, "logprob": lp, "answers": ["x"]} for i, (o, lp) in enumerate(rows)]
    # keeping >= 75% of 4 right answers allows declining the 4 least confident: 3 wrong + 1 right
    ceiling = selective_ceiling(base, accuracy_kept=0.75)
    assert ceiling["hallucination_cut"] == 0.75 and ceiling["accuracy_kept"] == 0.75 and ceiling["abstention"] == 0.5
    assert selective_ceiling(base, accuracy_kept=1.0)["hallucination_cut"] == 0.0  # -1.1 is right: nothing to decline
    with pytest.raises(KeyError, match="logprob"):
        selective_ceiling([{"id": "a", "outcome": "correct"}])


def test_grouped_ceiling_picks_the_best_decline_count_per_relation():
    # relation "a": the base is right on its confident answers; "b": always wrong; "c": a right
    # answer is its least confident, so declining there costs accuracy
    rows = [("a", "correct", -0.1), ("a", "correct", -0.2), ("a", "wrong", -0.9),
            ("b", "wrong", -0.1), ("b", "wrong", -0.5),
            ("c", "correct", -0.9), ("c", "wrong", -0.2), ("c", "wrong", -0.3), ("c", "correct", -0.05)]
    base = [{"id": str(i), "relation": r, "outcome": o, "logprob": lp, "answers": ["x"]}
            for i, (r, o, lp) in enumerate(rows)]
    base.append({"id": "u", "relation": "b", "outcome": "abstain", "logprob": -2.0, "answers": []})  # unanswerable: left out
    strict = grouped_ceiling(base, accuracy_kept=1.0)  # no right answer may go: "c" stays answered
    assert strict["declined"] == {"a": 1, "b": 2, "c": 0} and strict["hallucination_cut"] == 3 / 5
    assert strict["accuracy_kept"] == 1.0 and strict["n"] == 9
    loose = grouped_ceiling(base, accuracy_kept=0.75)  # one of 4 right answers may go: decline "c"'s three
    assert loose["declined"]["c"] == 3 and loose["hallucination_cut"] == 1.0 and loose["accuracy_kept"] == 0.75
    # truthfulness = (right kept - wrong left) / 9: strict keeps 4 right and leaves 2 wrong, loose 3 and 0
    assert strict["truthfulness"] == pytest.approx(2 / 9) and loose["truthfulness"] == pytest.approx(3 / 9)
    # the global confidence order cannot do as well: "b"'s -0.1 wrong answer outranks right ones
    assert selective_ceiling(base, accuracy_kept=0.75)["hallucination_cut"] < loose["hallucination_cut"]
    with pytest.raises(KeyError, match="'topic'"):
        grouped_ceiling(base, by="topic")
    with pytest.raises(ValueError, match="accuracy_kept=2"):
        grouped_ceiling(base, accuracy_kept=2)


def test_uncertainty_section_lists_every_policy_and_the_ceiling():
    base = [{"id": str(i), "outcome": "correct" if i < 4 else "wrong", "logprob": -i / 10, "answers": ["x"]}
            for i in range(12)]
    text = "\n".join(uncertainty_section({"base": base, "ours": base}, base))
    assert "| ours | 100-100% | 0-0% |" in text and "cuts hallucination by at most 100%" in text
    assert "cannot reach" not in text  # here confidence separates right from wrong perfectly
    assert "Oracle ceiling" not in text  # no relation column
    by_relation = [dict(r, relation="ab"[int(r["id"]) % 2]) for r in base]
    assert "Oracle ceiling per relation" in "\n".join(uncertainty_section({"ours": by_relation}, by_relation))
    no_confidence = [{k: v for k, v in r.items() if k != "logprob"} for r in base]
    assert "Ceiling" not in "\n".join(uncertainty_section({"base": no_confidence}, no_confidence))


def test_uncertainty_section_names_rows_a_declining_policy_cannot_outscore():
    # in relation "a" the right answer is the least confident, so no wrong answer there can be
    # declined without losing it; at >= 90% kept the oracle declines nothing: (2 - 3) / 5 = -0.2
    rows = [("a", "correct", -0.9), ("a", "wrong", -0.2), ("a", "wrong", -0.1),
            ("b", "correct", -0.5), ("b", "wrong", -0.05)]
    base = [{"id": str(i), "relation": r, "outcome": o, "logprob": lp, "answers": ["x"]}
            for i, (r, o, lp) in enumerate(rows)]
    assert grouped_ceiling(base)["truthfulness"] == pytest.approx(-0.2)
    cautious = [dict(r, outcome="abstain" if r["outcome"] == "wrong" else "correct") for r in base]
    text = "\n".join(uncertainty_section({"base": base, "cautious": cautious}, base))
    assert "best truthfulness at >= 90% accuracy kept is -0.200" in text
    assert "Above that: cautious (0.400)." in text and "base (" not in text
    text = "\n".join(uncertainty_section({"base": base}, base))
    assert "Above that" not in text
