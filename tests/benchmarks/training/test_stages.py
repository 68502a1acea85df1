"""The demo's stages: the shared RL run on a tiny policy, the stage helpers and the report stage."""

import json
import math
from dataclasses import replace

from benchmarks.training.config import DemoConfig
from benchmarks.training.runs import BinaryCorrectReward
from benchmarks.training.stages import (
    TRAINING_KEYS,
    load_labels,
    load_model,
    save_run,
    start_model,
    train_rl,
    training_rows,
)
from tests.benchmarks.training.demo_folder import tiny_demo_folder


def test_train_rl_trains_from_the_start_model_and_selects_on_validation(tmp_path):
    out, config = tiny_demo_folder(tmp_path)
    assert start_model(out, config) == config.model
    assert str(start_model(out, DemoConfig(warm_start=True))).endswith("warm-start/model")
    labels = load_labels(out)
    run = train_rl(out, config, BinaryCorrectReward(), labels, tmp_path / "run")
    steps = [h for h in run.history if "reward" in h]
    assert len(steps) == 2 and all(math.isfinite(h["reward"]) for h in steps)
    assert [h["step"] for h in run.selector.history] == [0, 1, 2] and run.selector.best is not None
    assert any("validation/truthfulness" in h for h in run.history)
    assert run.timing(config.steps)["seconds_per_step"] == run.seconds / 2
    save_run(run, tmp_path / "saved", config.steps)
    assert json.loads((tmp_path / "saved" / "timing.json").read_text())["train_seconds"] == run.seconds
    assert len(json.loads((tmp_path / "saved" / "log_history.json").read_text())) == len(run.history)
    model, tokenizer = load_model(tmp_path / "saved" / "model")
    assert model.num_parameters() == run.policy.num_parameters()
    unselected = train_rl(out, replace(config, steps=1), BinaryCorrectReward(), labels, tmp_path / "run2",
                          select=False)
    assert unselected.selector is None and not any("validation/correct" in h for h in unselected.history)


def test_training_rows_balance_known_questions_when_asked(tmp_path):
    out, config = tiny_demo_folder(tmp_path)
    rows = [{"id": f"t{i}"} for i in range(4)]
    labels = load_labels(out)
    assert [r["id"] for r in training_rows(rows, labels, config)] == ["t1", "t0", "t2", "t0", "t3", "t0"]
    no_balance = DemoConfig(balance_known=False)
    assert training_rows(rows, labels, no_balance) == rows


def test_training_keys_use_the_validation_prefix():
    assert "validation/truthfulness" in TRAINING_KEYS and not any(k.startswith("val/") for k in TRAINING_KEYS)


def _results(path, outcomes):
    records = [{"id": f"q{i}", "question": f"Q{i}?", "answers": ["A"], "query_type": "knowledge-seeking",
                "relation": "country_capital", "entity": f"E{i}", "popularity": float(i + 1), "passage": "",
                "response": "x", "outcome": o, "hedged": False, "matched": None, "reason": "", "logprob": -1.0 - i / 10,
                "sum_logprob": -3.0, "num_tokens": 3, "samples": [], "p_correct": None, "p_abstain": None,
                "agreement": None, "known": None} for i, o in enumerate(outcomes)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records))


def test_report_stage_writes_summary_with_targets(tmp_path):
    from benchmarks.training.stages import stage_report

    base = ["correct", "correct", "wrong", "wrong", "wrong", "wrong", "wrong", "correct"]
    after = ["correct", "correct", "abstain", "abstain", "abstain", "wrong", "abstain", "correct"]
    _results(tmp_path / "base-eval" / "eval.jsonl", base)
    _results(tmp_path / "warm-start" / "eval.jsonl", base)
    _results(tmp_path / "eval" / "eval.jsonl", after)
    (tmp_path / "train").mkdir()
    history = [{"step": s, "reward": 0.1 * s, "known/abstain_rate": 0.0, "objective/kl": 0.01 * s} for s in range(1, 4)]
    (tmp_path / "train" / "log_history.json").write_text(json.dumps(history))
    (tmp_path / "train" / "selection.json").write_text(json.dumps(
        {"best": {"step": 2, "validation/truthfulness": 0.25}, "history": [], "min_accuracy": 0.3}))
    stage_report(tmp_path, DemoConfig())
    summary = (tmp_path / "SUMMARY.md").read_text()
    assert "| PPO shaped (selected) | 37.5% | 50.0% | 12.5% |" in summary
    assert "- hallucination_cut >= 0.5: yes" in summary and "- abstain_known <= 0.1: yes" in summary
    assert (tmp_path / "report" / "training_curves.png").exists()
    assert (tmp_path / "report" / "decline_map.png").stat().st_size > 2000 and "report/decline_map.png" in summary
    assert (tmp_path / "report" / "after" / "report.md").exists()
    assert "Selected checkpoint: step 2 (validation truthfulness 0.250" in summary
    (tmp_path / "train" / "selection.json").write_text(json.dumps({"best": None, "history": [], "min_accuracy": 0.3}))
    stage_report(tmp_path, DemoConfig())
    assert "No checkpoint reached the validation accuracy floor (0.300)" in (tmp_path / "SUMMARY.md").read_text()


