"""How far declining alone can cut hallucination: the confidence and oracle ceilings and the decline map."""

import pytest

from benchmarks.training.ceilings import decline_ceilings, grouped_ceiling, selective_ceiling, write_decline_map
from benchmarks.training.summary import summary_table


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
    # unanswerable: left out
    base.append({"id": "u", "relation": "b", "outcome": "abstain", "logprob": -2.0, "answers": []})
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


def test_decline_ceilings_rise_with_the_budget_and_need_two_points():
    base = [{"id": str(i), "relation": "ab"[i % 2], "outcome": o, "logprob": -i / 10, "answers": ["x"]}
            for i, o in enumerate(["correct", "wrong", "correct", "wrong", "wrong", "correct"])]
    table = decline_ceilings(base, points=5)
    assert list(table.columns) == ["abstain_known", "selective_cut", "oracle_cut"]
    assert table["abstain_known"].tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert table["selective_cut"].is_monotonic_increasing and (table["oracle_cut"] >= table["selective_cut"]).all()
    no_relation = [{k: v for k, v in r.items() if k != "relation"} for r in base]
    assert decline_ceilings(no_relation, points=2)["oracle_cut"].isna().all()
    with pytest.raises(ValueError, match="points=1"):
        decline_ceilings(base, points=1)


def test_write_decline_map_skips_without_a_confidence(tmp_path, caplog):
    base = [{"id": str(i), "outcome": o, "logprob": -i / 10} for i, o in enumerate(["correct", "wrong", "wrong"])]
    table = summary_table({"base": base}, base)
    assert write_decline_map(base, table, tmp_path / "map.png").read_bytes().startswith(b"\x89PNG")
    no_confidence = [{k: v for k, v in r.items() if k != "logprob"} for r in base]
    assert write_decline_map(no_confidence, table, tmp_path / "none.png") is None and "No none.png" in caplog.text
    assert not (tmp_path / "none.png").exists()


def test_decline_ceilings_add_a_curve_per_extra_confidence(tmp_path):
    base = [{"id": str(i), "relation": "ab"[i % 2], "outcome": o, "logprob": -i / 10, "probe_p": (i % 3) / 3,
             "answers": ["x"]} for i, o in enumerate(["correct", "wrong", "correct", "wrong", "wrong", "correct"])]
    table = decline_ceilings(base, points=5, also=["probe_p"])
    assert table["probe_p_cut"].tolist() == decline_ceilings(base, points=5, confidence="probe_p")[
        "selective_cut"].tolist()
    summary = summary_table({"base": base}, base)
    path = write_decline_map(base, summary, tmp_path / "map.png", curves={"by the probe": "probe_p"})
    assert path.read_bytes().startswith(b"\x89PNG")
    with pytest.raises(KeyError, match="'nope'"):
        decline_ceilings(base, points=2, also=["nope"])
