"""The transfer benchmark: question selection, policy discovery and a tiny end-to-end run."""

import json

import pytest
from datasets import Dataset, DatasetDict

from benchmarks.bench_transfer import demo_policies, main, relation_table, transfer_rows


def _row(relation, i, answers=("X",), query_type="knowledge-seeking"):
    return {"id": f"{relation}-{i}", "question": f"Question {i} about {relation}?", "answers": list(answers),
            "query_type": query_type, "relation": relation, "entity": f"E{i}", "popularity": 1.0,
            "passage": "", "group": f"{relation}-{i}"}


def _benchmark():
    rows = ([_row("trained", i) for i in range(4)] + [_row("new", i) for i in range(5)]
            + [_row("fictional_new", i, answers=()) for i in range(3)]
            + [_row("poem", i, answers=(), query_type="creative") for i in range(2)])
    return DatasetDict(train=Dataset.from_list(rows[:1]), eval=Dataset.from_list(rows))


def test_transfer_rows_take_only_untrained_knowledge_relations_stratified():
    rows = transfer_rows(_benchmark(), ["trained"], per_relation=2)
    assert [r["relation"] for r in rows] == ["fictional_new", "new"] * 2
    assert len({r["id"] for r in rows}) == 4
    assert transfer_rows(_benchmark(), ["trained"], per_relation=2) == rows  # seeded
    assert len(transfer_rows(_benchmark(), ["trained"], relations=["new"], per_relation=50)) == 5


@pytest.mark.parametrize("kwargs, match", [
    ({"relations": ["trained"]}, r"trained \(trained on\)"),
    ({"relations": ["poem"]}, "not a knowledge-seeking relation"),
    ({"per_relation": 0}, "per_relation=0"),
])
def test_transfer_rows_errors_name_the_value(kwargs, match):
    with pytest.raises(ValueError, match=match):
        transfer_rows(_benchmark(), ["trained"], **kwargs)
    with pytest.raises(ValueError, match="nothing left"):
        transfer_rows(_benchmark(), ["trained", "new", "fictional_new"])


def test_relation_table_cells_are_outcome_percentages():
    import pandas as pd

    base = pd.DataFrame({"relation": ["a", "a", "b"], "outcome": ["correct", "wrong", "abstain"]})
    text = relation_table({"base": base, "other": base.assign(outcome="wrong")})
    assert "| a | 2 | 50 / 0 / 50 | 0 / 0 / 100 |" in text
    assert "| b | 1 | 0 / 100 / 0 | 0 / 0 / 100 |" in text


def test_end_to_end_on_a_tiny_demo_folder(tmp_path, lm):
    model, tokenizer = lm
    out = tmp_path / "demo"
    for where in ("base", "warm-start/model", "bench/ppo-binary/model"):
        model.save_pretrained(out / where)
        tokenizer.save_pretrained(out / where)
    _benchmark().save_to_disk(str(out / "data" / "benchmark"))
    (out / "config.json").write_text(json.dumps({"relations": ["trained"], "model": str(out / "base"), "seed": 0}))
    assert list(demo_policies(out, str(out / "base"))) == ["base", "warm start", "PPO, binary 1/0"]

    with pytest.raises(ValueError, match="No policy named"):
        main(["--out", str(out), "--policies", "PPO, RM alone"])
    assert main(["--out", str(out), "--per-relation", "2", "--policies", "warm start"]) == 0
    text = (out / "transfer" / "results.md").read_text()
    assert "fictional_new, new" in text and "| warm start |" in text and "PPO, binary" not in text
    assert (out / "transfer" / "outcomes.png").stat().st_size > 0
    assert len((out / "transfer" / "warm-start.jsonl").read_text().splitlines()) == 4

    # the warm start is trained again: resuming its old answers raises, --no-resume re-evaluates
    from tests.benchmarks.tiny_lm import tiny_lm

    tiny_lm(seed=1)[0].save_pretrained(out / "warm-start" / "model")
    with pytest.raises(ValueError, match="no-resume"):
        main(["--out", str(out), "--per-relation", "2", "--policies", "warm start"])
    assert main(["--out", str(out), "--per-relation", "2", "--policies", "warm start", "--no-resume"]) == 0
    assert len((out / "transfer" / "warm-start.jsonl").read_text().splitlines()) == 4


def test_a_folder_that_is_not_a_demo_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="shaping demo --out"):
        main(["--out", str(tmp_path)])
