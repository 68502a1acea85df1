"""The demo's questions: stratified splits, validation entities apart, stored and read back."""

import json
import random
from collections import Counter

import pytest
from datasets import Dataset, DatasetDict

from benchmarks.training.config import DemoConfig
from benchmarks.training.rows import interleave, load_rows, save_rows, select_rows, validation_rows


def fake_benchmark():
    def rows(split, n):
        return [{"id": f"{split}{i}", "question": f"Q{i}?", "answers": ["A"], "relation": "country_capital",
                 "query_type": "knowledge-seeking", "group": f"{split}-g{i // 2}"} for i in range(n)]
    extra = [{**rows("train", 1)[0], "id": "poem", "relation": "creative", "query_type": "creative", "group": "p"}]
    return DatasetDict(train=Dataset.from_list(rows("train", 20) + extra), eval=Dataset.from_list(rows("eval", 8)))


CC = ("country_capital",)


def test_select_rows_keeps_validation_groups_apart():
    picked = select_rows(fake_benchmark(), DemoConfig(relations=CC, n_train=10, n_val=4, n_eval=6))
    assert [len(picked[s]) for s in ("train", "val", "eval")] == [10, 4, 6]
    assert not {r["group"] for r in picked["train"]} & {r["group"] for r in picked["val"]}
    assert all(r["relation"] == "country_capital" for s in picked.values() for r in s)


def test_select_rows_stratifies_every_split_by_relation():
    # one big relation (city_country, 6 cities per country group) and two small ones
    def rows(split, relation, n, per_group):
        return [{"id": f"{split}-{relation}{i}", "question": f"Q{i}?", "answers": ["A"], "relation": relation,
                 "query_type": "knowledge-seeking", "group": f"{relation[:4]}{i // per_group}"} for i in range(n)]
    dd = DatasetDict({split: Dataset.from_list(rows(split, "city_country", 120, 6)
                                               + rows(split, "element_symbol", 20, 1)
                                               + rows(split, "state_capital", 20, 1)) for split in ("train", "eval")})
    picked = select_rows(dd, DemoConfig(relations=("city_country", "element_symbol", "state_capital"),
                                        n_train=24, n_val=9, n_eval=12))
    for split, n in (("train", 8), ("val", 3), ("eval", 4)):
        counts = Counter(r["relation"] for r in picked[split])
        assert counts == {"city_country": n, "element_symbol": n, "state_capital": n}, (split, counts)
    assert not {r["group"] for r in picked["train"]} & {r["group"] for r in picked["val"]}
    # other training sizes are scored on the same held-out questions; another seed draws others
    ids = [r["id"] for r in picked["eval"]]
    for n_train, n_val, seed in ((24, 3, 0), (12, 9, 0)):
        other = select_rows(dd, DemoConfig(relations=("city_country", "element_symbol", "state_capital"),
                                           n_train=n_train, n_val=n_val, n_eval=12, seed=seed))
        assert [r["id"] for r in other["eval"]] == ids
    reseeded = select_rows(dd, DemoConfig(relations=("city_country", "element_symbol", "state_capital"),
                                          n_train=24, n_val=9, n_eval=12, seed=1))
    assert [r["id"] for r in reseeded["eval"]] != ids


@pytest.mark.parametrize("config, match", [
    (DemoConfig(relations=("nope",)), "Unknown relation"),
    (DemoConfig(relations=CC, n_train=30, n_val=4, n_eval=2), "asked for 34"),
])
def test_select_rows_errors(config, match):
    with pytest.raises(ValueError, match=match):
        select_rows(fake_benchmark(), config)


def test_interleave_deals_relations_in_turn_and_keeps_every_row():
    rows = [{"relation": "b", "i": i} for i in range(3)] + [{"relation": "a", "i": i} for i in range(1)]
    order = interleave(rows, random.Random(0))
    assert [r["relation"] for r in order] == ["a", "b", "b", "b"]
    assert sorted(r["i"] for r in order if r["relation"] == "b") == [0, 1, 2]
    assert interleave([], random.Random(0)) == []


def test_rows_are_stored_and_read_back(tmp_path):
    rows = {"train": [{"id": "t"}], "val": [], "eval": [{"id": "e"}]}
    assert save_rows(tmp_path, rows) == tmp_path / "data" / "rows.json"
    assert load_rows(tmp_path) == rows
    with pytest.raises(FileNotFoundError, match="data stage"):
        load_rows(tmp_path / "elsewhere")


def test_validation_rows_mark_what_the_base_model_knew(tmp_path):
    val = [{"id": "a", "answers": ["A"]}, {"id": "b", "answers": ["B"]}, {"id": "f", "answers": []}]
    save_rows(tmp_path, {"train": [], "val": val, "eval": []})
    base = [{"id": "a", "outcome": "correct"}, {"id": "b", "outcome": "wrong"}, {"id": "f", "outcome": "correct"}]
    (tmp_path / "base-eval").mkdir()
    (tmp_path / "base-eval" / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in base))
    rows, accuracy = validation_rows(tmp_path)
    assert [r["known"] for r in rows] == [True, False, False]  # no true answer: never "known"
    assert accuracy == 0.5  # over the answerable rows only
