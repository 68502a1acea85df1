"""The PPO trainer's setup steps, and the plain values the trainer hands its helpers."""

import pytest
import torch
from transformers import AutoTokenizer

from rewards import TruthfulnessReward
from shaping.models import policy_path
from shaping.ppo import PPOTrainer, setup
from shaping.ppo.modeling import PolicyAndValue
from shaping.ppo.rollout import Decoding, sample
from tests.shaping.tiny import capitals, ppo_config, tiny_model


@pytest.fixture(scope="module")
def tokenizer():
    return AutoTokenizer.from_pretrained(policy_path())


def test_frozen_reference_is_a_frozen_copy_or_none(tmp_path, tokenizer):
    model = tiny_model(tokenizer)
    ref = setup.frozen_reference(model, None, kl_coef=0.1, device="cpu")
    assert ref is not model and not ref.training and not any(p.requires_grad for p in ref.parameters())
    assert all(torch.equal(p, q) for p, q in zip(model.parameters(), ref.parameters()))
    assert setup.frozen_reference(model, None, kl_coef=0.0, device="cpu") is None
    given = tiny_model(tokenizer, seed=1)
    assert setup.frozen_reference(model, given, kl_coef=0.0, device="cpu") is given


def test_optimizer_trains_what_requires_grad_and_the_schedule_decays(tmp_path, tokenizer):
    wrapper = setup.policy_and_value(tiny_model(tokenizer), ppo_config(tmp_path, max_steps=4))
    assert isinstance(wrapper, PolicyAndValue) and wrapper.value_backbone is None
    optimizer, schedule = setup.optimizer_and_schedule(wrapper, ppo_config(tmp_path, max_steps=4))
    trained = sum(p.numel() for group in optimizer.param_groups for p in group["params"])
    assert trained == sum(p.numel() for p in wrapper.parameters() if p.requires_grad)
    rates = []
    for _ in range(4):
        rates.append(schedule.get_last_lr()[0])
        optimizer.step()
        schedule.step()
    assert rates == pytest.approx([1e-3, 7.5e-4, 5e-4, 2.5e-4])
    _, constant = setup.optimizer_and_schedule(wrapper, ppo_config(tmp_path, lr_scheduler_type="constant"))
    constant.optimizer.step()
    constant.step()
    assert constant.get_last_lr() == [1e-3]


def test_sampling_and_its_greedy_version(tmp_path, tokenizer):
    decoding = setup.sampling(tiny_model(tokenizer), tokenizer, ppo_config(tmp_path, temperature=0.5))
    assert decoding.tokenizer is tokenizer and tokenizer.eos_token_id in decoding.stop_token_ids
    config = decoding.generation_config
    assert config.do_sample and config.temperature == 0.5 and config.max_new_tokens == 4
    greedy = decoding.greedy()
    assert isinstance(greedy, Decoding) and not greedy.generation_config.do_sample
    assert greedy.generation_config.temperature is None and decoding.generation_config.do_sample  # a copy
    assert greedy.stop_token_ids == decoding.stop_token_ids and greedy.max_prompt_length == 48


def test_trainer_hands_its_helpers_plain_values(tmp_path, tokenizer):
    trainer = PPOTrainer(tiny_model(tokenizer), TruthfulnessReward(), ppo_config(tmp_path), train_dataset=capitals(),
                         processing_class=tokenizer)
    assert trainer.global_batch_size == 2  # prompts per step, one process
    assert trainer.policy_and_value is trainer.accelerator.unwrap_model(trainer.model)
    assert trainer.policy is trainer.policy_and_value.policy
    assert trainer.decoding.generation_config.do_sample and trainer.decoding.max_prompt_length == 48
    prompts = [row["prompt"] for row in capitals(2)]
    ro = sample(trainer.policy_and_value, trainer.ref_model, prompts, trainer.decoding, temperature=0.7,
                need_policy=True, need_ref=True, batch_size=None)
    assert len(ro) == 2 and ro.logprobs.shape == ro.ref_logprobs.shape == ro.values.shape == ro.mask.shape
    assert ro.scores is None and ro.per_reward is None  # the trainer scores a rollout in its reward section
    assert [c[0]["role"] for c in ro.completions] == ["assistant", "assistant"] and len(ro.completion_ids) == 2


def test_a_new_value_head_starts_every_value_at_zero(tmp_path, tokenizer):
    """A random head gave values far outside the reward range at step 0 (mean -2.1 on SmolLM2),
    so the first advantages were mostly value noise."""
    wrapper = setup.policy_and_value(tiny_model(tokenizer), ppo_config(tmp_path))
    ids = torch.tensor([[1, 5, 9, 13, 2], [3, 4, 5, 6, 7]])
    _, values = wrapper(ids, torch.ones_like(ids), keep=5)
    assert torch.count_nonzero(values) == 0
    separate = setup.policy_and_value(tiny_model(tokenizer), ppo_config(tmp_path, value_model="separate"))
    assert torch.count_nonzero(separate(ids, torch.ones_like(ids), keep=5)[1]) == 0
