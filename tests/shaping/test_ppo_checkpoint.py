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


def _save(t, root, step, tokenizer):
    t.state.global_step = step
    save_checkpoint(root / f"checkpoint-{step}", model=t.policy_and_value, tokenizer=tokenizer, optimizer=t.optimizer,
                    lr_scheduler=t.lr_scheduler, state=t.state, accelerator=t.accelerator)


def test_a_save_cut_short_leaves_the_previous_checkpoint_to_resume_from(tmp_path, tokenizer, monkeypatch):
    import shaping.ppo.checkpoint as ck

    a = trainer(tmp_path / "a", tokenizer)
    a.train()
    root = tmp_path / "ckpt"
    _save(a, root, 1, tokenizer)

    def killed(*args, **kwargs):  # the process dies while writing the optimizer state
        raise KeyboardInterrupt

    monkeypatch.setattr(ck.torch, "save", killed)
    with pytest.raises(KeyboardInterrupt):
        _save(a, root, 2, tokenizer)
    monkeypatch.undo()
    assert not (root / "checkpoint-2").exists()  # only a hidden partial folder was written
    assert latest_checkpoint(root).name == "checkpoint-1"
    (root / "checkpoint-3").mkdir()  # an incomplete folder from an older version is skipped too
    assert latest_checkpoint(root).name == "checkpoint-1"


def test_a_truncated_checkpoint_file_names_the_checkpoint(tmp_path, tokenizer):
    a = trainer(tmp_path / "a", tokenizer)
    a.train()
    _save(a, tmp_path / "ckpt", 1, tokenizer)
    path = tmp_path / "ckpt" / "checkpoint-1"
    data = (path / "value.safetensors").read_bytes()
    (path / "value.safetensors").write_bytes(data[: len(data) // 2])
    b = trainer(tmp_path / "b", tokenizer, seed=1)
    with pytest.raises(ValueError, match=r"checkpoint-1 is damaged .*Delete it to resume from the checkpoint before"):
        load_checkpoint(path, model=b.policy_and_value, optimizer=b.optimizer, lr_scheduler=b.lr_scheduler)
