"""The demo's stage loop and the guard against resuming a folder with other settings."""

import json

import pytest

from benchmarks.training.config import DemoConfig, mark_done, quick
from benchmarks.training.pipeline import check_same_config, run_demo, run_stages
from tests.benchmarks.training.demo_folder import fake_stages

#: ``config.json`` as ``shaping demo --quick`` wrote it before the RL settings were inherited
#: from RLSettings (no ``max_prompt_length``, another key order).
QUICK_CONFIG_WRITTEN_BEFORE = {
    "relations": ["country_capital", "capital_country", "city_country", "country_currency", "country_continent",
                  "element_symbol", "element_number", "state_capital", "fictional_country_capital",
                  "fictional_element_symbol"],
    "n_train": 48, "n_val": 16, "n_eval": 40, "k": 2, "rm_pairs": 300, "rm_epochs": 1.0, "rm_model": "minilm",
    "warm_start": True, "warm_per_class": 16, "warm_epochs": 2.0, "warm_lr": 2e-05, "warm_idk_max_p": 0.0,
    "warm_stratify": "none", "warm_answers": "greedy", "balance_known": True, "trainer": "ppo", "steps": 10,
    "learning_rate": 5e-06, "kl_coef": 0.1, "prompts_per_step": 2, "num_generations": 4,
    "max_completion_length": 24, "temperature": 0.7, "val_every": 5, "min_accuracy_ratio": 0.9,
    "refresh_every": 0, "correct": 1.0, "abstain": 0.0, "wrong": -1.5, "rm_band": 0.5, "model": "smollm2",
    "seed": 0, "extra": {}}


def test_changed_settings_in_an_old_output_dir_raise(tmp_path):
    check_same_config(tmp_path, DemoConfig())
    with pytest.raises(ValueError, match="steps"):
        check_same_config(tmp_path, DemoConfig(steps=5))
    check_same_config(tmp_path, DemoConfig(steps=5), force=True)
    # a folder written before a setting existed: the missing setting counts as its default
    stored = json.loads((tmp_path / "config.json").read_text())
    del stored["rm_band"]
    (tmp_path / "config.json").write_text(json.dumps(stored))
    check_same_config(tmp_path, DemoConfig(steps=5))
    with pytest.raises(ValueError, match="rm_band"):
        check_same_config(tmp_path, DemoConfig(steps=5, rm_band=0.8))


def test_a_folder_written_before_is_recognised(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps(QUICK_CONFIG_WRITTEN_BEFORE, indent=1))
    check_same_config(tmp_path, quick(DemoConfig()))
    with pytest.raises(ValueError, match=r"\['temperature'\]"):
        check_same_config(tmp_path, quick(DemoConfig(temperature=1.0)))


def test_run_stages_runs_a_prefix_and_resumes(tmp_path, monkeypatch):
    seen = {}
    fake_stages(monkeypatch, seen)
    shared = ("data", "base-eval", "rm", "warm-start")
    assert run_stages(tmp_path, DemoConfig(), stages=shared) == list(shared)
    assert set(seen) == set(shared) and not (tmp_path / "train").exists()
    seen.clear()
    assert run_stages(tmp_path, DemoConfig(), stages=shared) == []  # all done
    mark_done(tmp_path, "eval")  # a stage after one that runs re-runs, from an empty folder
    (tmp_path / "eval" / "stale.jsonl").write_text("{}\n")
    assert run_stages(tmp_path, DemoConfig()) == ["train", "eval", "probe", "report"]
    assert seen["eval"] == []
    with pytest.raises(ValueError, match="Unknown stage"):
        run_stages(tmp_path, DemoConfig(), stages=("train", "deploy"))


def test_run_demo_stores_the_settings_and_returns_the_summary(tmp_path, monkeypatch):
    fake_stages(monkeypatch, {})
    summary = run_demo(tmp_path / "o", DemoConfig(warm_start=False))
    assert summary.read_text() == "# summary\n"
    assert json.loads((tmp_path / "o" / "config.json").read_text())["warm_start"] is False
    assert not (tmp_path / "o" / "warm-start").exists()
