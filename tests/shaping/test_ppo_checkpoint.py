"""Checkpoint and evaluation helpers, called with the values they use (no trainer)."""

import pytest
import torch
from transformers import AutoTokenizer

from rewards import TruthfulnessReward
from shaping.models import policy_path
from shaping.ppo import PPOTrainer
from shaping.ppo.checkpoint import latest_checkpoint, load_checkpoint, save_checkpoint
from shaping.ppo.evaluation import evaluate_policy
from tests.shaping.tiny import capitals, ppo_config, tiny_model


@pytest.fixture(scope="module")
def tokenizer():
    return AutoTokenizer.from_pretrained(policy_path())


def trainer(tmp_path, tokenizer, seed=0):
    return PPOTrainer(tiny_model(tokenizer, seed), TruthfulnessReward(), ppo_config(tmp_path, max_steps=1),
                      train_dataset=capitals(), processing_class=tokenizer)


def test_save_and_load_round_trip_and_rotation(tmp_path, tokenizer):
    a = trainer(tmp_path / "a", tokenizer)
    a.train()
    for step in (1, 2, 3):
        a.state.global_step = step
        save_checkpoint(tmp_path / "ckpt" / f"checkpoint-{step}", model=a.policy_and_value, tokenizer=tokenizer,
                        optimizer=a.optimizer, lr_scheduler=a.lr_scheduler, state=a.state,
                        accelerator=a.accelerator, save_total_limit=2)
    assert sorted(p.name for p in (tmp_path / "ckpt").iterdir()) == ["checkpoint-2", "checkpoint-3"]
    b = trainer(tmp_path / "b", tokenizer, seed=1)  # other weights, restored from the checkpoint
    state = load_checkpoint(latest_checkpoint(tmp_path / "ckpt"), model=b.policy_and_value, optimizer=b.optimizer,
                            lr_scheduler=b.lr_scheduler)
    assert state.global_step == 3 and state.log_history == a.state.log_history
    for (name, p), q in zip(a.policy_and_value.state_dict().items(), b.policy_and_value.state_dict().values()):
        assert torch.equal(p, q), name
    assert b.lr_scheduler.state_dict() == a.lr_scheduler.state_dict()
    with pytest.raises(FileNotFoundError, match="not a PPOTrainer checkpoint"):
        load_checkpoint(tmp_path, model=b.policy_and_value, optimizer=b.optimizer, lr_scheduler=b.lr_scheduler)


def test_evaluate_policy_takes_values_and_matches_trainer_evaluate(tmp_path, tokenizer):
    t = trainer(tmp_path, tokenizer)
    direct = evaluate_policy(t.policy_and_value, capitals(3), t.rewards, t.decoding, accelerator=t.accelerator,
                             batch_size=2, prefix="test_")
    assert set(direct) >= {"test_reward", "test_rewards/TruthfulnessReward/mean", "test_truthfulness/wrong_rate"}
    via_trainer = t.evaluate(capitals(3))
    assert via_trainer == {"eval_" + k[len("test_"):]: v for k, v in direct.items()}  # greedy: the same answers
    with pytest.raises(ValueError, match="No evaluation data"):
        evaluate_policy(t.policy_and_value, None, t.rewards, t.decoding, accelerator=t.accelerator, batch_size=2)
