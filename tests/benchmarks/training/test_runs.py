"""The training benchmark's runs: the binary reward, the settings, one tiny run end to end, the results."""

import json
from dataclasses import replace

import pandas as pd
import pytest

from benchmarks.training.runs import (
    RUN_LABELS,
    RUNS,
    BinaryCorrectReward,
    benchmark_config,
    eval_path,
    history_path,
    reward_for,
    run_results,
    train_run,
    write_results,
)
from tests.benchmarks.training.demo_folder import tiny_demo_folder


def test_binary_reward_prices_abstention_like_a_wrong_answer():
    r = BinaryCorrectReward()
    q = "What is the capital of France?"
    assert r([q] * 3, ["Paris.", "I don't know.", "Lyon."], answers=[["Paris"]] * 3) == [1.0, 0.0, 0.0]
    with pytest.raises(KeyError, match="answers"):
        r([q], ["Paris."], id=["x"])


def test_benchmark_config_starts_from_the_demo_settings():
    from benchmarks.training.config import DemoConfig, quick

    assert benchmark_config() == DemoConfig()
    assert benchmark_config(quick_run=True) == quick(DemoConfig())
    config = benchmark_config(steps=3, limit=20)
    assert (config.steps, config.n_eval) == (3, 20)


def test_every_run_has_a_label_and_its_own_files(tmp_path):
    assert set(RUN_LABELS) == set(RUNS)
    assert eval_path(tmp_path, "ppo-rm") == tmp_path / "bench" / "ppo-rm" / "eval.jsonl"
    assert eval_path(tmp_path, "ppo-shaped-selected") == tmp_path / "eval" / "eval.jsonl"  # the demo's own
    assert history_path(tmp_path, "ppo-shaped-selected") == tmp_path / "train" / "log_history.json"
    assert isinstance(reward_for("ppo-binary", tmp_path, None, None), BinaryCorrectReward)
    with pytest.raises(ValueError, match="run='dpo'"):
        reward_for("dpo", tmp_path, None, None)


def test_the_selected_run_needs_the_demo(tmp_path):
    with pytest.raises(FileNotFoundError, match="run the demo first"):
        train_run("ppo-shaped-selected", tmp_path, benchmark_config())


def test_a_tiny_binary_run_trains_evaluates_and_resumes(tmp_path):
    out, config = tiny_demo_folder(tmp_path)
    config = replace(config, steps=1)
    timing = train_run("ppo-binary", out, config)
    d = out / "bench" / "ppo-binary"
    assert (d / "DONE").exists() and (d / "model" / "config.json").exists()
    assert len((d / "eval.jsonl").read_text().splitlines()) == 3
    assert not (d / "selection.json").exists()  # only the shaped run selects on validation
    assert json.loads((d / "timing.json").read_text()) == timing
    assert train_run("ppo-binary", out, config) == timing  # done: not trained again


def _answers(path, outcomes):
    path.parent.mkdir(parents=True, exist_ok=True)
    records = [{"id": f"q{i}", "answers": ["A"], "outcome": o, "logprob": -i / 10, "relation": "r"}
               for i, o in enumerate(outcomes)]
    path.write_text("".join(json.dumps(r) + "\n" for r in records))


def test_results_name_every_row_and_write_the_files(tmp_path):
    base = ["correct", "wrong", "wrong", "correct"]
    _answers(tmp_path / "base-eval" / "eval.jsonl", base)
    _answers(tmp_path / "warm-start" / "eval.jsonl", ["correct", "abstain", "wrong", "abstain"])
    _answers(eval_path(tmp_path, "ppo-shaped"), ["correct", "abstain", "abstain", "correct"])
    _answers(tmp_path / "bench" / "ppo-shaped" / "eval_selected.jsonl", base)
    history = [{"step": s, "reward": 0.1 * s, "validation/truthfulness": 0.0} for s in range(3)]
    history_path(tmp_path, "ppo-shaped").write_text(json.dumps(history))
    named = run_results(tmp_path, ["ppo-shaped"])
    assert list(named) == ["base (prompted to say I don't know)", "warm start alone", RUN_LABELS["ppo-shaped"],
                           RUN_LABELS["ppo-shaped-selected"]]
    config = benchmark_config(steps=2)
    text = write_results(tmp_path, config, ["ppo-shaped"], {"ppo-shaped": {"seconds_per_step": 1.5}})
    assert text.startswith("# Training benchmark") and "2 PPO steps" in text and "ppo-shaped 1.5" in text
    assert f"| {RUN_LABELS['ppo-shaped']} | 50.0% | 50.0% | 0.0% |" in text
    assert (tmp_path / "results.md").read_text() == text
    assert len(pd.read_csv(tmp_path / "summary.csv")) == 4
    for png in ("outcomes.png", "decline_map.png", "curves-ppo-shaped.png"):
        assert (tmp_path / png).read_bytes().startswith(b"\x89PNG")
