"""The training benchmark's binary reward and its command line."""

import pytest

from benchmarks.bench_training import RUNS, BinaryCorrectReward, main


def test_binary_reward_prices_abstention_like_a_wrong_answer():
    r = BinaryCorrectReward()
    q = "What is the capital of France?"
    assert r([q] * 3, ["Paris.", "I don't know.", "Lyon."], answers=[["Paris"]] * 3) == [1.0, 0.0, 0.0]
    with pytest.raises(KeyError, match="answers"):
        r([q], ["Paris."], id=["x"])


def test_cli_rejects_unknown_runs_and_bad_steps(tmp_path):
    with pytest.raises(SystemExit):
        main(["--out", str(tmp_path), "--runs", "dpo"])
    with pytest.raises(ValueError, match="steps=0"):
        main(["--out", str(tmp_path / "o"), "--steps", "0"])
    assert "ppo-shaped" in RUNS
