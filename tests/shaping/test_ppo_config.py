"""PPOConfig and the reward weights refuse settings that would break training later: NaN or inf in
any number, a checkpoint limit that deletes every checkpoint, non-positive clipping norms."""

from __future__ import annotations

import math

import pytest

from shaping.ppo.config import PPOConfig
from shaping.ppo.scoring import RewardSet


@pytest.mark.parametrize("name", ["kl_coef", "vf_coef", "cliprange", "cliprange_value", "max_grad_norm",
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
