"""PPOConfig and the reward weights refuse settings that would break training later: NaN or inf in
any number, a checkpoint limit that deletes every checkpoint, non-positive clipping norms."""

from __future__ import annotations

import math

import pytest

from shaping.ppo.config import PPOConfig
from shaping.ppo.scoring import RewardSet


@pytest.mark.parametrize("name", ["beta", "kl_coef", "vf_coef", "cliprange", "cliprange_value", "max_grad_norm",
                                  "missing_eos_penalty", "learning_rate", "temperature", "gamma", "lam",
                                  "adam_epsilon", "weight_decay", "lora_dropout"])
@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_nan_and_inf_are_refused_naming_the_setting(name, value):
    with pytest.raises(ValueError, match=rf"{name}=.*must be a finite number"):
        PPOConfig(**{name: value})


def test_a_checkpoint_limit_below_one_is_refused():
    with pytest.raises(ValueError, match="save_total_limit=-1 would delete every checkpoint"):
        PPOConfig(save_total_limit=-1)
    assert PPOConfig(save_total_limit=1).save_total_limit == 1


def test_max_grad_norm_must_be_positive():
    with pytest.raises(ValueError, match="max_grad_norm=0.0"):
        PPOConfig(max_grad_norm=0.0)


def test_nan_reward_weights_are_refused():
    with pytest.raises(ValueError, match=r"reward_weights=\[nan\] must be finite"):
        RewardSet([lambda prompts, completions, **kw: [1.0] * len(prompts)], [math.nan])


def test_a_plain_list_of_dicts_or_a_dataframe_is_a_training_set():
    import pandas as pd

    from shaping.ppo.data import as_dataset

    rows = [{"prompt": "Capital of France?", "answers": ["Paris"]}, {"prompt": "Capital of Peru?", "answers": ["Lima"]}]
    assert as_dataset(rows, "train_dataset")[1]["answers"] == ["Lima"]
    assert as_dataset(pd.DataFrame(rows), "train_dataset")[0]["prompt"] == "Capital of France?"
    with pytest.raises(TypeError, match="train_dataset is a list holding a str"):
        as_dataset(["Capital of France?"], "train_dataset")


def test_the_trainer_trains_on_a_plain_list_of_dicts(tmp_path):
    from transformers import AutoTokenizer

    from rewards import TruthfulnessReward
    from shaping.models import policy_path
    from shaping.ppo import PPOTrainer
    from tests.shaping.tiny import capitals, ppo_config, tiny_model

    tokenizer = AutoTokenizer.from_pretrained(policy_path())
    rows = [dict(row) for row in capitals()]
    trainer = PPOTrainer(tiny_model(tokenizer, 0), TruthfulnessReward(), ppo_config(tmp_path, max_steps=1),
                         train_dataset=rows, processing_class=tokenizer)
    trainer.train()
    assert trainer.state.global_step == 1


def test_rollouts_sample_what_the_log_probs_assume():
    from transformers import AutoTokenizer

    from shaping.models import policy_path
    from shaping.ppo.setup import NEUTRAL_SAMPLING, sampling
    from tests.shaping.tiny import tiny_model

    tokenizer = AutoTokenizer.from_pretrained(policy_path())
    model = tiny_model(tokenizer, 0)
    model.generation_config.repetition_penalty = 1.05  # as Qwen2.5-Instruct ships it
    model.generation_config.no_repeat_ngram_size = 3
    decoding = sampling(model, tokenizer, PPOConfig(temperature=0.7))
    prepared = model._prepare_generation_config(decoding.generation_config)
    prepared = prepared[0] if isinstance(prepared, tuple) else prepared
    for name, neutral in NEUTRAL_SAMPLING.items():
        assert getattr(prepared, name) == neutral, name  # not the model's own value
    with pytest.raises(ValueError, match=r"generation_kwargs=\{'repetition_penalty': 1.2\} change how tokens"):
        sampling(model, tokenizer, PPOConfig(generation_kwargs={"repetition_penalty": 1.2}))


def test_disable_dropout_also_turns_off_attention_dropout_read_from_the_config():
    from transformers import AutoTokenizer

    from shaping.models import policy_path
    from shaping.ppo.modeling import disable_dropout
    from tests.shaping.tiny import tiny_model

    model = tiny_model(AutoTokenizer.from_pretrained(policy_path()), 0)
    model.config.attention_dropout = 0.1
    for module in model.modules():
        if hasattr(module, "attention_dropout"):
            module.attention_dropout = 0.1  # what a checkpoint that sets it gives every attention layer
    disable_dropout(model)
    assert model.config.attention_dropout == 0.0
    assert all(m.attention_dropout == 0.0 for m in model.modules() if hasattr(m, "attention_dropout"))
    assert any(hasattr(m, "attention_dropout") for m in model.modules())
