"""The PPO math as small pure functions on tensors (no model, no trainer state).

Formulas follow Schulman et al. 2017 (clipped surrogate), Schulman et al. 2016 (GAE),
Ouyang et al. 2022 (per-token KL penalty to a frozen reference, score at the last token)
and Huang et al. 2024, "The N+ Implementation Details of RLHF with PPO" (masked whitening,
clipped value loss, missing-EOS penalty). Tensors are ``(batch, response_length)``; ``mask``
is 1 on response tokens and 0 on padding after the end of the response.
"""

from __future__ import annotations

import torch

KL_ESTIMATORS = ("k1", "k3")


def masked_mean(values: torch.Tensor, mask: torch.Tensor, dim: int | None = None) -> torch.Tensor:
    """Mean of ``values`` over the positions where ``mask`` is 1.

    >>> masked_mean(torch.tensor([1.0, 2.0, 9.0]), torch.tensor([1, 1, 0]))
    tensor(1.5000)
    """
    mask = mask.to(values.dtype)
    if dim is None:
        return (values * mask).sum() / mask.sum().clamp(min=1)
    return (values * mask).sum(dim) / mask.sum(dim).clamp(min=1)


def masked_var(values: torch.Tensor, mask: torch.Tensor, unbiased: bool = True) -> torch.Tensor:
    """Variance of ``values`` over the masked positions (Bessel-corrected by default).

    >>> masked_var(torch.tensor([1.0, 3.0, 100.0]), torch.tensor([1, 1, 0]))
    tensor(2.)
    """
    mean = masked_mean(values, mask)
    var = masked_mean((values - mean) ** 2, mask)
    if unbiased:
        count = mask.sum()
        if count < 2:
            raise ValueError(
                f"Cannot compute an unbiased variance from {int(count)} value(s); whiten a "
                "batch with at least two response tokens (raise the batch size)."
            )
        var = var * count / (count - 1)
    return var


def whiten(values: torch.Tensor, mask: torch.Tensor, shift_mean: bool = True) -> torch.Tensor:
    """Normalise ``values`` to unit variance (and zero mean) over the masked positions.

    ``shift_mean=False`` keeps the mean, as for rewards (Huang et al. 2024, detail 3).
    Padding positions are set to 0.

    >>> whiten(torch.tensor([1.0, 3.0]), torch.tensor([1, 1]))
    tensor([-0.7071,  0.7071])
    """
    mean, var = masked_mean(values, mask), masked_var(values, mask)
    whitened = (values - mean) * torch.rsqrt(var + 1e-8)
    if not shift_mean:
        whitened = whitened + mean
    return whitened * mask.to(values.dtype)


def kl_penalty(logprobs: torch.Tensor, ref_logprobs: torch.Tensor, estimator: str = "k1") -> torch.Tensor:
    """Per-token estimate of KL(policy || reference) from log-probabilities of sampled tokens.

    ``k1`` is ``log p - log q`` (unbiased, can be negative; the estimator of Ouyang et al.
    2022); ``k3`` is ``(r - 1) - log r`` with ``r = q / p`` (unbiased, always >= 0;
    Schulman, "Approximating KL divergence", 2020).

    >>> kl_penalty(torch.tensor([-1.0]), torch.tensor([-2.0]))
    tensor([1.])
    """
    log_ratio = logprobs - ref_logprobs
    if estimator == "k1":
        return log_ratio
    if estimator == "k3":
        return torch.expm1(-log_ratio) + log_ratio
    raise ValueError(f"kl_estimator={estimator!r} is not supported; use one of {KL_ESTIMATORS}.")


def token_rewards(
    scores: torch.Tensor, kl: torch.Tensor, mask: torch.Tensor, kl_coef: float
) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-token rewards: ``-kl_coef * kl`` on every token plus the score on the last one.

    Returns ``(rewards, non_score_reward)``; the last token is the last position where
    ``mask`` is 1 (Ouyang et al. 2022, eq. 2).

    >>> r, _ = token_rewards(torch.tensor([1.0]), torch.tensor([[0.5, 0.5, 0.0]]),
    ...                      torch.tensor([[1, 1, 0]]), kl_coef=0.1)
    >>> r
    tensor([[-0.0500,  0.9500,  0.0000]])
    """
    mask = mask.to(kl.dtype)
    non_score_reward = torch.where(mask.bool(), -kl_coef * kl, torch.zeros_like(kl))
    rewards = non_score_reward.clone()
    lengths = mask.sum(dim=1).long()
    if (lengths == 0).any():
        raise ValueError("A response has no tokens; every response needs at least one token.")
    last = lengths - 1
    rewards[torch.arange(rewards.shape[0]), last] += scores.to(rewards.dtype)
    return rewards, non_score_reward


def compute_advantages_and_returns(
    rewards: torch.Tensor, values: torch.Tensor, mask: torch.Tensor, gamma: float = 1.0, lam: float = 0.95
) -> tuple[torch.Tensor, torch.Tensor]:
    """Generalised advantage estimation (Schulman et al. 2016) over each response.

    ``delta_t = r_t + gamma * V_{t+1} - V_t`` and ``A_t = delta_t + gamma * lam * A_{t+1}``,
    with ``V`` and ``A`` taken as 0 past the end of the response. Returns
    ``(advantages, returns)`` with ``returns = advantages + values``; padding is 0.

    >>> adv, ret = compute_advantages_and_returns(torch.tensor([[0.0, 1.0]]),
    ...     torch.tensor([[0.5, 0.5]]), torch.tensor([[1, 1]]), gamma=1.0, lam=1.0)
    >>> adv, ret
    (tensor([[0.5000, 0.5000]]), tensor([[1., 1.]]))
    """
    mask = mask.to(values.dtype)
    values = values * mask
    rewards = rewards * mask
    length = rewards.shape[1]
    next_advantage = torch.zeros_like(rewards[:, 0])
    advantages = torch.zeros_like(rewards)
    for t in reversed(range(length)):
        next_value = values[:, t + 1] if t + 1 < length else torch.zeros_like(values[:, 0])
        delta = rewards[:, t] + gamma * next_value - values[:, t]
        next_advantage = (delta + gamma * lam * next_advantage) * mask[:, t]
        advantages[:, t] = next_advantage
    returns = (advantages + values) * mask
    return advantages, returns


def policy_loss(
    logprobs: torch.Tensor, old_logprobs: torch.Tensor, advantages: torch.Tensor, mask: torch.Tensor,
    cliprange: float,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """PPO's clipped surrogate loss (Schulman et al. 2017, eq. 7), averaged over tokens.

    Returns ``(loss, clipfrac, approx_kl)``: the fraction of tokens where the clipped term
    was the larger loss, and ``0.5 * mean((log ratio)^2)``, the approximate KL that TRL logs.

    >>> loss, clipfrac, _ = policy_loss(torch.tensor([[0.0]]), torch.tensor([[-1.0]]),
    ...                                 torch.tensor([[1.0]]), torch.tensor([[1]]), 0.2)
    >>> round(loss.item(), 4), clipfrac.item()
    (-1.2, 1.0)
    """
    log_ratio = logprobs - old_logprobs
    ratio = torch.exp(log_ratio)
    unclipped = -advantages * ratio
    clipped = -advantages * torch.clamp(ratio, 1.0 - cliprange, 1.0 + cliprange)
    loss = masked_mean(torch.max(unclipped, clipped), mask)
    clipfrac = masked_mean((clipped > unclipped).float(), mask)
    approx_kl = 0.5 * masked_mean(log_ratio**2, mask)
    return loss, clipfrac, approx_kl


def value_loss(
    values: torch.Tensor, old_values: torch.Tensor, returns: torch.Tensor, mask: torch.Tensor,
    cliprange_value: float,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Clipped value loss: ``0.5 * max((V - R)^2, (clip(V, V_old +- c) - R)^2)``.

    Returns ``(loss, clipfrac)`` (Huang et al. 2024, detail 9; as in OpenAI's lm-human-preferences).

    >>> loss, clipfrac = value_loss(torch.tensor([[1.0]]), torch.tensor([[0.0]]),
    ...                             torch.tensor([[1.0]]), torch.tensor([[1]]), 0.2)
    >>> round(loss.item(), 4), clipfrac.item()
    (0.32, 1.0)
    """
    clipped = torch.clamp(values, old_values - cliprange_value, old_values + cliprange_value)
    unclipped_loss = (values - returns) ** 2
    clipped_loss = (clipped - returns) ** 2
    loss = 0.5 * masked_mean(torch.max(unclipped_loss, clipped_loss), mask)
    clipfrac = masked_mean((clipped_loss > unclipped_loss).float(), mask)
    return loss, clipfrac


def entropy_from_logits(logits: torch.Tensor) -> torch.Tensor:
    """Per-position entropy of the categorical distribution given by ``logits``.

    >>> entropy_from_logits(torch.zeros(1, 4))
    tensor([1.3863])
    """
    logp = torch.log_softmax(logits.float(), dim=-1)
    return -(logp.exp() * logp).sum(dim=-1)


def logprobs_from_logits(logits: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
    """Log-probability of each token in ``tokens`` under ``logits`` (same leading shape).

    >>> logprobs_from_logits(torch.zeros(1, 2, 4), torch.tensor([[0, 3]]))
    tensor([[-1.3863, -1.3863]])
    """
    logp = torch.log_softmax(logits.float(), dim=-1)
    return torch.gather(logp, -1, tokens.unsqueeze(-1)).squeeze(-1)


def response_mask(responses: torch.Tensor, stop_token_ids: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
    """Mask of the tokens up to and including the first stop token, and whether one was seen.

    >>> response_mask(torch.tensor([[5, 2, 7], [5, 6, 7]]), [2])
    (tensor([[1, 1, 0],
            [1, 1, 1]]), tensor([ True, False]))
    """
    is_stop = torch.isin(responses, torch.tensor(stop_token_ids, device=responses.device))
    # positions strictly after the first stop token are padding
    after_stop = (is_stop.cumsum(dim=1) - is_stop.long()) > 0
    return (~after_stop).long(), is_stop.any(dim=1)
