"""The benchmark data: size, relations, unanswerable share, splits, columns, facts and aliases."""

from collections import Counter

import pytest

from benchmarks.data import COLUMNS, DEFAULT_SYSTEM_PROMPT, all_rows, build_benchmark, load_benchmark, split_rows
from benchmarks.data.aliases import place_aliases
from benchmarks.data.elements import discoverer_aliases
from benchmarks.data.geography import countries
from benchmarks.data.unanswerable import invented_names


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    path = tmp_path_factory.mktemp("bench") / "data"
    build_benchmark(path, seed=0)
    return path


@pytest.fixture(scope="module")
def dd(saved):
    return load_benchmark(saved)


@pytest.fixture(scope="module")
def rows():
    return all_rows()


def _find(rows, relation, entity):
    return next(r for r in rows if r["relation"] == relation and r["entity"] == entity)


def test_size_relations_and_unanswerable_share(rows):
    knowledge = [r for r in rows if r["query_type"] == "knowledge-seeking"]
    answerable = [r for r in knowledge if r["answers"]]
    assert len(answerable) >= 3000
    assert len({r["relation"] for r in answerable}) >= 8
    judged = [r for r in rows if r["query_type"] != "creative"]
    assert sum(not r["answers"] for r in judged) / len(judged) >= 0.10


def test_all_three_query_types_in_both_splits(dd):
    for split in dd.values():
        assert set(split["query_type"]) == {"knowledge-seeking", "text-grounded", "creative"}
        grounded = split.filter(lambda r: r["query_type"] == "text-grounded")
        assert {bool(a) for a in grounded["answers"]} == {True, False}  # passages with and without the fact


def test_no_entity_or_group_shared_between_splits(dd):
    assert not set(dd["train"]["entity"]) & set(dd["eval"]["entity"])
    assert not set(dd["train"]["group"]) & set(dd["eval"]["group"])
    assert 0.15 < dd["eval"].num_rows / (dd["train"].num_rows + dd["eval"].num_rows) < 0.25


def test_columns_and_conversational_prompt(dd):
    for split in dd.values():
        assert split.column_names == list(COLUMNS)
        row = split[0]
        assert row["prompt"] == [{"role": "system", "content": DEFAULT_SYSTEM_PROMPT},
                                 {"role": "user", "content": row["question"]}]
    ids = list(dd["train"]["id"]) + list(dd["eval"]["id"])
    assert len(ids) == len(set(ids))


def test_splits_are_reproducible_and_seed_dependent(rows):
    a = split_rows([dict(r) for r in rows], eval_fraction=0.2, seed=0)
    b = split_rows([dict(r) for r in rows], eval_fraction=0.2, seed=0)
    c = split_rows([dict(r) for r in rows], eval_fraction=0.2, seed=1)
    assert [r["id"] for r in a["eval"]] == [r["id"] for r in b["eval"]]
    assert {r["id"] for r in a["eval"]} != {r["id"] for r in c["eval"]}
    assert [r["id"] for r in all_rows()] == [r["id"] for r in rows]  # the questions do not depend on the seed
    with pytest.raises(ValueError, match="eval_fraction=1.5"):
        split_rows(rows, eval_fraction=1.5, seed=0)


def test_real_facts(rows):
    assert "Paris" in _find(rows, "country_capital", "France")["answers"]
    assert _find(rows, "element_symbol", "Iron")["answers"] == ["Fe"]
    assert _find(rows, "element_number", "Oxygen")["answers"] == ["8"]
    assert _find(rows, "state_statehood", "Minnesota")["answers"] == ["1858"]
    assert "Ramsay" in _find(rows, "element_discoverer", "Helium")["answers"]
    assert "Japan" in _find(rows, "city_country", "Osaka")["answers"]
    assert "Asia" in _find(rows, "country_continent", "Mongolia")["answers"]
    assert "Tugrik" in _find(rows, "country_currency", "Mongolia")["answers"]


def test_aliases(rows):
    assert {"Ulaanbaatar", "Ulan Bator"} <= set(_find(rows, "country_capital", "Mongolia")["answers"])
    assert {"Saint Paul", "St. Paul"} <= set(_find(rows, "state_capital", "Minnesota")["answers"])
    assert {"Aluminum", "Aluminium"} <= set(_find(rows, "number_element", "Aluminum")["answers"])
    assert "USA" in _find(rows, "city_country", "Houston")["answers"]
    assert place_aliases("Kyiv", ["Kiev", "Civ", "kiu", "KBP"]) == ["Kyiv", "Kiev"]
    assert discoverer_aliases("Pierre and Marie Curie") == ["Marie Curie", "Curie"]
    short = {r["relation"] for r in rows for a in r["answers"] if len(a) < 2}
    assert short <= {"element_symbol", "element_number"}  # "H", "8": nothing else is a single character


def test_popularity(rows):
    knowledge = [r for r in rows if r["query_type"] == "knowledge-seeking" and r["answers"]]
    assert all(r["popularity"] > 0 and 0 <= r["popularity_pct"] <= 1 for r in knowledge)
    china, nauru = (_find(rows, "country_capital", c)["popularity"] for c in ("China", "Nauru"))
    assert china > nauru
    assert all(r["popularity"] is None for r in rows if r["relation"].startswith("fictional_"))


def test_invented_names_are_not_real():
    real = {c["name"].lower() for c in countries()} | {a.lower() for c in countries() for a in c["aliases"]}
    names = invented_names("country", 50) + invented_names("city", 50)
    assert len(set(names)) == 100 and not {n.lower() for n in names} & real
    assert invented_names("element", 5) == invented_names("element", 5)


def test_grounded_passages_hold_or_lack_the_fact(rows):
    grounded = [r for r in rows if r["relation"] == "grounded_country_capital"]
    for r in grounded:
        assert r["passage"] in r["question"]
        assert ("capital" in r["passage"]) == bool(r["answers"])
        if r["answers"]:
            assert r["answers"][0] in r["passage"]


def test_creative_prompts_are_varied(rows):
    creative = [r for r in rows if r["query_type"] == "creative"]
    assert len(creative) >= 30 and all(r["answers"] == [] and r["popularity"] is None for r in creative)
    assert len(Counter(r["question"].split()[0] for r in creative)) >= 4


def test_missing_dataset_names_the_fix(tmp_path):
    with pytest.raises(FileNotFoundError, match="shaping build-data"):
        load_benchmark(tmp_path / "nope")
