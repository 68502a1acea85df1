"""Our rewards drive TRL's own GRPOTrainer and RLOOTrainer unchanged (tiny model, 1 step each)."""

import inspect
import math
import pickle

import pytest
import torch
from datasets import Dataset
from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

from rewards import TruthfulnessReward
from shaping.models import policy_path

trl = pytest.importorskip("trl")
from trl.trainer.utils import get_callable_name, is_async_callable  # noqa: E402


@pytest.fixture(scope="module")
def tokenizer():
    return AutoTokenizer.from_pretrained(policy_path())


def tiny_model_path(tokenizer, root):
    """A tiny Llama saved to disk: RLOO (beta > 0) loads its reference model from the path."""
    torch.manual_seed(0)
    config = LlamaConfig(hidden_size=16, num_hidden_layers=1, num_attention_heads=2, num_key_value_heads=2,
                         intermediate_size=32, vocab_size=len(tokenizer), max_position_embeddings=256,
                         eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)
    LlamaForCausalLM(config).save_pretrained(root / "tiny")
    tokenizer.save_pretrained(root / "tiny")
    return str(root / "tiny")


def dataset():
    pairs = [("France", "Paris"), ("Japan", "Tokyo"), ("Peru", "Lima"), ("Fiji", "Suva")]
    return Dataset.from_list([{"prompt": [{"role": "user", "content": f"What is the capital of {c}?"}],
                               "answers": [a]} for c, a in pairs])


def common_args(tmp_path):
    return dict(output_dir=str(tmp_path), max_steps=1, per_device_train_batch_size=4, num_generations=2,
                max_completion_length=4, logging_steps=1, report_to="none", save_strategy="no", use_cpu=True,
                learning_rate=1e-3, disable_tqdm=True)


def test_our_rewards_look_like_trl_reward_functions():
    reward = TruthfulnessReward()
    assert get_callable_name(reward) == "TruthfulnessReward"
    assert not is_async_callable(reward) and not inspect.iscoroutinefunction(reward)
    assert pickle.loads(pickle.dumps(reward)).__name__ == "TruthfulnessReward"


def check_logs(history):
    logs = history[0]
    assert "rewards/TruthfulnessReward/mean" in logs and math.isfinite(logs["rewards/TruthfulnessReward/mean"])
    rates = [logs[f"truthfulness/{o}_rate"] for o in ("correct", "abstain", "wrong")]
    assert sum(rates) == pytest.approx(1.0)


def test_grpo_trainer_takes_our_rewards(tmp_path, tokenizer):
    from trl import GRPOConfig, GRPOTrainer

    trainer = GRPOTrainer(model=tiny_model_path(tokenizer, tmp_path), reward_funcs=[TruthfulnessReward(wrong=-3.0)],
                          args=GRPOConfig(**common_args(tmp_path)), train_dataset=dataset(),
                          processing_class=tokenizer)
    trainer.train()
    check_logs(trainer.state.log_history)


def test_rloo_trainer_takes_our_rewards(tmp_path, tokenizer):
    from trl import RLOOConfig, RLOOTrainer

    trainer = RLOOTrainer(model=tiny_model_path(tokenizer, tmp_path), reward_funcs=[TruthfulnessReward(wrong=-3.0)],
                          args=RLOOConfig(**common_args(tmp_path)), train_dataset=dataset(),
                          processing_class=tokenizer)
    trainer.train()
    check_logs(trainer.state.log_history)
