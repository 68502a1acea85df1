"""The PPO math against values computed by hand."""

import math

import pytest
import torch

from shaping.ppo import core


def test_gae_matches_hand_computation():
    # two tokens, gamma 0.9, lam 0.5: delta1 = r1 - V1 = 1 - 0.5 = 0.5 (V past the end is 0)
    # delta0 = r0 + 0.9 * V1 - V0 = 0 + 0.45 - 0.2 = 0.25; A0 = 0.25 + 0.9 * 0.5 * 0.5 = 0.475
    rewards, values, mask = torch.tensor([[0.0, 1.0]]), torch.tensor([[0.2, 0.5]]), torch.tensor([[1, 1]])
    adv, ret = core.compute_advantages_and_returns(rewards, values, mask, gamma=0.9, lam=0.5)
    assert torch.allclose(adv, torch.tensor([[0.475, 0.5]]))
    assert torch.allclose(ret, torch.tensor([[0.675, 1.0]]))


def test_gae_ignores_padding_after_the_response():
    # the value and reward on the padded third position must not leak into the advantages
    rewards = torch.tensor([[0.0, 1.0, 5.0]])
    values = torch.tensor([[0.2, 0.5, 7.0]])
    adv, ret = core.compute_advantages_and_returns(rewards, values, torch.tensor([[1, 1, 0]]), gamma=0.9, lam=0.5)
    assert torch.allclose(adv, torch.tensor([[0.475, 0.5, 0.0]]))
    assert ret[0, 2] == 0


def test_gae_with_lambda_one_is_return_minus_value():
    rewards, values = torch.tensor([[0.1, 0.2, 0.3]]), torch.tensor([[1.0, 2.0, 3.0]])
    adv, ret = core.compute_advantages_and_returns(rewards, values, torch.ones(1, 3), gamma=1.0, lam=1.0)
    assert torch.allclose(ret, torch.tensor([[0.6, 0.5, 0.3]]))
    assert torch.allclose(adv, ret - values)


def test_token_rewards_put_the_score_on_the_last_response_token():
    kl = torch.tensor([[0.2, 0.4, 0.6], [1.0, 1.0, 1.0]])
    mask = torch.tensor([[1, 1, 0], [1, 1, 1]])
    rewards, non_score = core.token_rewards(torch.tensor([2.0, -1.0]), kl, mask, kl_coef=0.5)
    assert torch.allclose(rewards, torch.tensor([[-0.1, 1.8, 0.0], [-0.5, -0.5, -1.5]]))
    assert torch.allclose(non_score.sum(1), torch.tensor([-0.3, -1.5]))


def test_kl_estimators():
    logp, ref = torch.tensor([math.log(0.5)]), torch.tensor([math.log(0.25)])
    assert torch.allclose(core.kl_penalty(logp, ref, "k1"), torch.tensor([math.log(2.0)]))
    # k3 = (r - 1) - log r with r = q/p = 0.5: -0.5 + log 2
    assert torch.allclose(core.kl_penalty(logp, ref, "k3"), torch.tensor([-0.5 + math.log(2.0)]))
    assert core.kl_penalty(ref, logp, "k3").item() >= 0
    with pytest.raises(ValueError, match="kl_estimator='k9'"):
        core.kl_penalty(logp, ref, "k9")


def test_whiten_uses_only_masked_positions():
    values, mask = torch.tensor([[1.0, 3.0, 100.0]]), torch.tensor([[1, 1, 0]])
    out = core.whiten(values, mask)
    # mean 2, unbiased variance 2 -> (x - 2) / sqrt(2)
    assert torch.allclose(out, torch.tensor([[-1 / math.sqrt(2), 1 / math.sqrt(2), 0.0]]), atol=1e-6)
    kept = core.whiten(values, mask, shift_mean=False)
    assert torch.allclose(kept[0, :2], torch.tensor([2 - 1 / math.sqrt(2), 2 + 1 / math.sqrt(2)]), atol=1e-6)


def test_whiten_refuses_a_single_value():
    with pytest.raises(ValueError, match="at least two"):
        core.whiten(torch.tensor([[1.0, 2.0]]), torch.tensor([[1, 0]]))


def test_policy_loss_clips_the_ratio():
    # ratio e^0.5 = 1.6487 > 1.2 with advantage +1: the clipped term (-1.2) is the max of the two negatives
    logp, old, adv, mask = torch.tensor([[0.5, 0.0]]), torch.zeros(1, 2), torch.tensor([[1.0, -2.0]]), torch.ones(1, 2)
    loss, clipfrac, approx_kl = core.policy_loss(logp, old, adv, mask, cliprange=0.2)
    # token 0: max(-1.6487, -1.2) = -1.2 (clipped); token 1: ratio 1, loss 2
    assert loss.item() == pytest.approx((-1.2 + 2.0) / 2)
    assert clipfrac.item() == pytest.approx(0.5)
    assert approx_kl.item() == pytest.approx(0.5 * (0.25 + 0) / 2)


def test_policy_loss_is_minus_advantage_at_ratio_one():
    adv = torch.tensor([[0.3, -0.7]])
    loss, clipfrac, _ = core.policy_loss(torch.zeros(1, 2), torch.zeros(1, 2), adv, torch.ones(1, 2), 0.2)
    assert loss.item() == pytest.approx(0.2)
    assert clipfrac.item() == 0


def test_value_loss_takes_the_larger_of_clipped_and_unclipped():
    values, old = torch.tensor([[1.0, 0.1]]), torch.zeros(1, 2)
    returns, mask = torch.tensor([[0.0, 0.1]]), torch.ones(1, 2)
    loss, clipfrac = core.value_loss(values, old, returns, mask, cliprange_value=0.2)
    # token 0: unclipped (1-0)^2 = 1, clipped (0.2-0)^2 = 0.04 -> 1; token 1: both 0
    assert loss.item() == pytest.approx(0.5 * (1.0 + 0.0) / 2)
    assert clipfrac.item() == 0
    loss, clipfrac = core.value_loss(torch.tensor([[1.0]]), torch.zeros(1, 1), torch.tensor([[2.0]]), torch.ones(1, 1),
                                     0.2)
    # clipped 0.2 is further from 2 than 1 is: (1.8)^2 = 3.24
    assert loss.item() == pytest.approx(0.5 * 3.24)
    assert clipfrac.item() == 1


def test_response_mask_stops_after_the_first_stop_token():
    mask, has_eos = core.response_mask(torch.tensor([[4, 9, 9, 3], [4, 5, 6, 7], [9, 1, 1, 1]]), [9])
    assert mask.tolist() == [[1, 1, 0, 0], [1, 1, 1, 1], [1, 0, 0, 0]]
    assert has_eos.tolist() == [True, False, True]


def test_entropy_and_logprobs():
    logits = torch.log(torch.tensor([[[0.5, 0.25, 0.25]]]))
    assert core.entropy_from_logits(logits).item() == pytest.approx(1.5 * math.log(2))
    assert core.logprobs_from_logits(logits, torch.tensor([[1]])).item() == pytest.approx(math.log(0.25))


def test_masked_mean_per_row():
    values, mask = torch.tensor([[1.0, 3.0], [5.0, 7.0]]), torch.tensor([[1, 0], [1, 1]])
    assert core.masked_mean(values, mask, dim=1).tolist() == [1.0, 6.0]
