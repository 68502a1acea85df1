"""benchmarks.data.verl_export: the benchmark as verl's parquet, scored back by the verl adapter."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from datasets import Dataset, DatasetDict

from benchmarks.artifacts import atomic_write
from benchmarks.data import chat_prompt, make_row
from benchmarks.data.verl_export import export_verl
from rewards.integrations.verl import compute_score


def tiny_benchmark() -> DatasetDict:
    """A few rows of every kind in the benchmark's columns: answerable, no true answer, grounded, creative."""
    rows = [make_row("country_capital", "France", "What is the capital of France?", ["Paris"]),
            make_row("country_capital", "Peru", "What is the capital of Peru?", ["Lima"]),
            make_row("fictional_country_capital", "Zembla", "What is the capital of Zembla?", []),
            make_row("grounded_country_capital", "Chad", "Chad's capital is N'Djamena. What is the capital of Chad?",
                     ["N'Djamena"], query_type="text-grounded", passage="Chad's capital is N'Djamena."),
            make_row("creative", "the sea", "Write a poem about the sea.", [], query_type="creative")]
    for row in rows:
        row["prompt"] = chat_prompt(row["question"])
        row["competitors"] = [a for a in ("Paris", "Lima") if a not in row["answers"]] if row["answers"] else []
    return DatasetDict({"train": Dataset.from_list(rows[::2]), "eval": Dataset.from_list(rows[1::2])})


def test_export_writes_verl_columns_for_the_knowledge_rows(tmp_path):
    written = export_verl(tiny_benchmark(), tmp_path)
    assert sorted(written) == ["eval", "train"] and all(p.suffix == ".parquet" for p in written.values())
    train = pd.read_parquet(written["train"])  # as verl's main_eval reads it: lists become numpy arrays
    assert list(train.columns) == ["data_source", "prompt", "ability", "reward_model", "extra_info"]
    assert list(train["data_source"]) == ["hallucination_shaping/country_capital",
                                          "hallucination_shaping/fictional_country_capital"]
    first = train.iloc[0]
    assert [m["role"] for m in first["prompt"]] == ["system", "user"]
    assert first["ability"] == "knowledge-seeking" and first["reward_model"]["style"] == "rule"
    assert list(first["reward_model"]["ground_truth"]) == ["Paris"]
    extra = first["extra_info"]
    assert (extra["question"], extra["split"], extra["index"], extra["relation"]) == (
        "What is the capital of France?", "train", 0, "country_capital")
    assert list(extra["competitors"]) == ["Lima"] and extra["id"].startswith("country_capital-")
    assert len(train.iloc[1]["reward_model"]["ground_truth"]) == 0  # no true answer: an empty gold list
    assert len(pd.read_parquet(written["eval"])) == 1  # the grounded row is left out


def test_every_exported_row_scores_its_gold_answer_correct(tmp_path):
    for path in export_verl(tiny_benchmark(), tmp_path).values():
        for row in pd.read_parquet(path).itertuples():
            gold = row.reward_model["ground_truth"]
            response = f"It is {gold[0]}." if len(gold) else "I don't know."
            got = compute_score(row.data_source, response, gold, row.extra_info, wrong=-3.0)
            assert (got["outcome"], got["score"]) == ("correct", 1.0), row.extra_info["question"]
            assert compute_score(row.data_source, "It is Atlantis.", gold, row.extra_info)["outcome"] == "wrong"


def test_bad_benchmarks_raise_and_leave_earlier_files(tmp_path):
    export_verl(tiny_benchmark(), tmp_path)
    before = (tmp_path / "train.parquet").read_bytes()
    with pytest.raises(KeyError, match=r"lacks the columns \['question'\]"):
        export_verl(DatasetDict({"train": tiny_benchmark()["train"].remove_columns("question")}), tmp_path)
    creative = tiny_benchmark()["train"].filter(lambda row: row["query_type"] == "creative")
    with pytest.raises(ValueError, match="no knowledge-seeking rows"):
        export_verl(DatasetDict({"train": creative}), tmp_path)
    with pytest.raises(ValueError, match="has no splits"):
        export_verl(DatasetDict(), tmp_path)
    assert (tmp_path / "train.parquet").read_bytes() == before


def test_atomic_write_keeps_the_old_file_when_the_writer_fails(tmp_path):
    path = tmp_path / "data.parquet"
    path.write_text("old")

    def half_write(tmp):
        Path(tmp).write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write(path, half_write)
    assert path.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["data.parquet"]
