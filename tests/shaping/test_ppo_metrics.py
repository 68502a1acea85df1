"""Step metrics: the names each statistic is logged under, and the logging window."""

import math

import pytest
import torch
from accelerate import Accelerator

from shaping.ppo.metrics import MetricLog, reward_metrics, rollout_metrics
from shaping.ppo.rollout import Rollout


def rollout():
    mask = torch.tensor([[1, 1, 0], [1, 1, 1]])
    return Rollout(torch.zeros(2, 5), mask, torch.zeros(2, 3), mask, torch.tensor([True, False]),
                   logprobs=torch.full((2, 3), -1.0), ref_logprobs=None, values=None,
                   scores=torch.tensor([1.0, -1.0]), per_reward=torch.tensor([[1.0], [-1.0]]))


def test_rollout_metrics_have_trls_names_and_values():
    kl = torch.full((2, 3), 0.5)
    non_score_reward = -0.1 * kl * rollout().mask
    out = rollout_metrics(rollout(), kl, non_score_reward, gather=lambda x: x)
    assert list(out) == ["objective/kl", "objective/entropy", "objective/non_score_reward", "objective/rlhf_reward",
                         "objective/scores", "val/num_eos_tokens", "completions/mean_length",
                         "completions/clipped_ratio"]
    assert out["objective/kl"].item() == pytest.approx(1.25)  # (1.0 + 1.5) / 2 over the response tokens
    assert out["objective/entropy"].item() == pytest.approx(2.5)
    assert out["objective/non_score_reward"].item() == pytest.approx(-0.125)
    assert out["objective/scores"].item() == 0.0 and out["val/num_eos_tokens"].item() == 1.0
    assert out["completions/mean_length"].item() == 2.5 and out["completions/clipped_ratio"].item() == 0.5


def test_reward_metrics_skip_none_and_weight_the_total():
    per_reward = torch.tensor([[1.0, math.nan], [3.0, 2.0]])
    out = reward_metrics(per_reward, ["a", "b"], lambda x: (x * torch.tensor([1.0, 2.0])).nansum(1))
    assert list(out) == ["rewards/a/mean", "rewards/a/std", "rewards/b/mean", "rewards/b/std", "reward", "reward_std"]
    assert out["rewards/b/mean"].item() == 2.0 and math.isnan(out["rewards/b/std"].item())
    assert out["reward"].item() == 4.0 and out["reward_std"].item() == pytest.approx(math.sqrt(18))
    single = reward_metrics(torch.tensor([[1.0]]), ["a"], lambda x: x.sum(1))
    assert single["reward_std"].item() == 0.0


def test_metric_log_averages_the_window_and_the_custom_metrics():
    log = MetricLog(Accelerator(cpu=True))
    log.log_metric("outcome/correct", 0.5)
    log.log_metric("outcome/correct", 1.0)
    log.add({"reward": torch.tensor(1.0)})
    log.add({"reward": 3.0})
    assert log.pending
    assert log.flush() == {"reward": 2.0, "outcome/correct": 0.75}
    assert not log.pending
