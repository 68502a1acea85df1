"""The Markdown of the demo and the training benchmarks: intervals, ceilings, targets, selection."""

import pytest

from benchmarks.training.ceilings import grouped_ceiling
from benchmarks.training.config import DemoConfig
from benchmarks.training.report import (
    demo_summary,
    interval_table,
    selection_line,
    training_results,
    uncertainty_section,
)
from benchmarks.training.summary import summary_table


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


def test_interval_table_states_its_level():
    base = [{"id": str(i), "outcome": "correct" if i < 4 else "wrong"} for i in range(12)]
    lines = interval_table({"base": base}, base, level=0.8)
    assert lines[0].endswith("80% intervals)") and lines[-1].startswith("| base | 100-100% | 0-0% | ")


def test_selection_line_reads_old_and_new_folders():
    new = {"best": {"step": 4, "validation/truthfulness": 0.125}, "min_accuracy": 0.5}
    assert selection_line(new) == ("Selected checkpoint: step 4 (validation truthfulness 0.125, "
                                   "accuracy floor 0.500).")
    old = {"best": {"step": 4, "val/truthfulness": 0.125}, "min_accuracy": 0.5}  # written before the rename
    assert selection_line(old) == selection_line(new)
    assert selection_line({"best": None, "min_accuracy": 0.5}).startswith("No checkpoint reached")


def _results(outcomes):
    return [{"id": str(i), "outcome": o, "answers": ["x"], "logprob": -i / 10} for i, o in enumerate(outcomes)]


def test_demo_summary_checks_the_last_row_against_the_targets():
    base = _results(["correct", "correct", "wrong", "wrong"])
    ours = _results(["correct", "correct", "abstain", "wrong"])
    named = {"base": base, "ours": ours}
    table = summary_table(named, base)
    text = demo_summary(named, base, table, relations=["r1", "r2"], figures=["report/a.png", "report/b.png"],
                        selection={"best": None, "min_accuracy": 0.25})
    assert text.startswith("# Demo summary") and "Held-out questions: 4 (r1, r2;" in text
    assert "- hallucination_cut >= 0.5: yes" in text and "- accuracy_kept >= 0.9: yes" in text
    assert "- best truthfulness: yes" in text and "- abstain_known <= 0.1: yes" in text
    assert text.rstrip().endswith("curves: report/a.png; report/b.png")


def test_training_results_name_the_settings_and_timings():
    base = _results(["correct", "wrong"])
    named = {"base": base}
    text = training_results(named, base, summary_table(named, base), config=DemoConfig(steps=7),
                            timings={"ppo-rm": {"seconds_per_step": 2.25}})
    assert "7 PPO steps x 2 prompts x 8 samples, seed 0" in text and "Seconds per RL step: ppo-rm 2.2" in text
