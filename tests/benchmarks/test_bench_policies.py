"""``python benchmarks/bench_policies.py``: two demo folders' policies side by side."""

import json

from benchmarks.bench_policies import main
from tests.benchmarks.training.test_stages import _results

BASE = ["correct", "correct", "correct", "correct", "wrong", "wrong", "wrong", "wrong", "wrong", "wrong"]


def _folder(path, policy, warm, trained):
    _results(path / "base-eval" / "eval.jsonl", BASE)
    _results(path / "warm-start" / "eval.jsonl", warm)
    _results(path / "eval" / "eval.jsonl", trained)
    (path / "config.json").write_text(json.dumps({"policy": policy, "steps": 10}))


def test_two_folders_in_one_table_with_paired_differences_and_the_target(tmp_path):
    _folder(tmp_path / "direct", "direct", ["abstain"] * 10, BASE[:4] + ["abstain"] * 3 + ["wrong"] * 3)
    # the draft policy keeps every known answer and declines all but one of the wrong ones
    _folder(tmp_path / "draft", "draft", ["abstain"] * 10, BASE[:4] + ["abstain"] * 5 + ["wrong"])
    assert main([str(tmp_path / "direct"), str(tmp_path / "draft"), "--out", str(tmp_path / "cmp")]) == 0
    text = (tmp_path / "cmp" / "results.md").read_text()
    for row in ("| base |", "| warm start |", "| PPO shaped, 10 steps |", "| draft warm start |",
                "| PPO draft shaped, 10 steps |"):
        assert row in text
    assert "| PPO draft shaped, 10 steps | PPO shaped, 10 steps | +0.0 to +0.0 |" in text  # same right answers
    assert "- PPO draft shaped, 10 steps: met (cut 83%, abstain_known 0%, kept 100%)" in text
    assert "- PPO shaped, 10 steps: not met (cut 50%" not in text and "- PPO shaped, 10 steps: met (cut 50%" in text
    assert "- warm start: not met" in text  # declines everything: keeps nothing
    assert (tmp_path / "cmp" / "decline_map.png").stat().st_size > 0


def test_folders_with_other_base_answers_are_refused(tmp_path, caplog):
    _folder(tmp_path / "a", "direct", BASE, BASE)
    _folder(tmp_path / "b", "draft", BASE, BASE)
    _results(tmp_path / "b" / "base-eval" / "eval.jsonl", ["wrong"] * 10)
    assert main([str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(tmp_path / "cmp")]) == 2
    assert "another base evaluation" in caplog.text and not (tmp_path / "cmp").exists()
    assert main([str(tmp_path / "missing"), "--out", str(tmp_path / "cmp")]) == 2
    assert "no base-eval/eval.jsonl" in caplog.text
