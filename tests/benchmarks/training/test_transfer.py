"""Transfer to untrained relations: question selection, policy discovery, the tables."""

import json

import pandas as pd
import pytest
from datasets import Dataset, DatasetDict

from benchmarks.training.transfer import (
    demo_policies,
    pick_policies,
    policy_slug,
    read_demo_folder,
    relation_table,
    transfer_results,
    transfer_rows,
)


def _row(relation, i, answers=("X",), query_type="knowledge-seeking"):
    return {"id": f"{relation}-{i}", "question": f"Question {i} about {relation}?", "answers": list(answers),
            "query_type": query_type, "relation": relation, "entity": f"E{i}", "popularity": 1.0,
            "passage": "", "group": f"{relation}-{i}"}


def benchmark():
    rows = ([_row("trained", i) for i in range(4)] + [_row("new", i) for i in range(5)]
            + [_row("fictional_new", i, answers=()) for i in range(3)]
            + [_row("poem", i, answers=(), query_type="creative") for i in range(2)])
    return DatasetDict(train=Dataset.from_list(rows[:1]), eval=Dataset.from_list(rows))


def test_transfer_rows_take_only_untrained_knowledge_relations_stratified():
    rows = transfer_rows(benchmark(), ["trained"], per_relation=2)
    assert [r["relation"] for r in rows] == ["fictional_new", "new"] * 2
    assert len({r["id"] for r in rows}) == 4
    assert transfer_rows(benchmark(), ["trained"], per_relation=2) == rows  # seeded
    assert len(transfer_rows(benchmark(), ["trained"], relations=["new"], per_relation=50)) == 5


@pytest.mark.parametrize("kwargs, match", [
    ({"relations": ["trained"]}, r"trained \(trained on\)"),
    ({"relations": ["poem"]}, "not a knowledge-seeking relation"),
    ({"per_relation": 0}, "per_relation=0"),
])
def test_transfer_rows_errors_name_the_value(kwargs, match):
    with pytest.raises(ValueError, match=match):
        transfer_rows(benchmark(), ["trained"], **kwargs)
    with pytest.raises(ValueError, match="nothing left"):
        transfer_rows(benchmark(), ["trained", "new", "fictional_new"])


def test_relation_table_cells_are_outcome_percentages():
    base = pd.DataFrame({"relation": ["a", "a", "b"], "outcome": ["correct", "wrong", "abstain"]})
    text = relation_table({"base": base, "other": base.assign(outcome="wrong")})
    assert text.splitlines()[:2] == ["| relation | n | base | other |", "|---|---|---|---|"]
    assert "| a | 2 | 50 / 0 / 50 | 0 / 0 / 100 |" in text
    assert "| b | 1 | 0 / 100 / 0 | 0 / 0 / 100 |" in text


def test_policies_are_found_and_picked(tmp_path):
    for where in ("warm-start/model", "bench/ppo-rm/model"):
        (tmp_path / where).mkdir(parents=True)
        (tmp_path / where / "config.json").write_text("{}")
    found = demo_policies(tmp_path, "smollm2")
    assert list(found) == ["base", "warm start", "PPO, RM alone"]
    assert pick_policies(found, None) == found
    assert list(pick_policies(found, ["PPO, RM alone"])) == ["base", "PPO, RM alone"]
    with pytest.raises(ValueError, match="No policy named"):
        pick_policies(found, ["PPO, binary 1/0"])
    assert policy_slug("PPO, RM alone") == "ppo-rm-alone"


def test_read_demo_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="shaping demo --out"):
        read_demo_folder(tmp_path)
    (tmp_path / "data" / "benchmark").mkdir(parents=True)
    (tmp_path / "config.json").write_text(json.dumps({"relations": ["trained"]}))
    assert read_demo_folder(tmp_path) == ({"relations": ["trained"]}, tmp_path / "data" / "benchmark")


def test_transfer_results_put_the_base_first():
    rows = [_row("new", i) for i in range(4)]
    base = pd.DataFrame([{**r, "outcome": o, "logprob": -0.1} for r, o in zip(rows, ["correct", "wrong"] * 2)])
    named = {"base": base, "ours": base.assign(outcome=["correct", "abstain"] * 2)}
    text, table = transfer_results(named, rows, trained=["trained"], per_relation=2)
    assert list(table.index) == ["base", "ours"] and table.loc["ours", "hallucination_cut"] == 1.0
    assert "4 held-out questions on new (at most 2 each), greedy; trained on trained." in text
    assert "| new | 4 | 50 / 0 / 50 | 50 / 50 / 0 |" in text
