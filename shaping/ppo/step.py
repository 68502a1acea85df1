"""One PPO step of :class:`shaping.ppo.PPOTrainer`: rollout, reward, advantages, clipped updates.

Each step (Ouyang et al. 2022; Huang et al. 2024): sample this step's prompts, generate
``num_generations`` completions each, score them, add a per-token KL penalty to a frozen
reference, estimate advantages with GAE on a learned value function, and run
``num_ppo_epochs`` passes of ``num_mini_batches`` mini-batches, each one optimiser step
accumulated over ``gradient_accumulation_steps`` micro-batches (``accelerator.accumulate``).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any

import torch

from shaping.ppo import core
from shaping.ppo.data import is_iterable, step_indices
from shaping.ppo.metrics import reward_metrics, rollout_metrics
from shaping.ppo.rollout import Rollout, sample, token_logprobs

logger = logging.getLogger(__name__)


class PPOStep:
    """The PPO step, a mixin of :class:`shaping.ppo.PPOTrainer` (which holds the models, optimiser and data)."""

    def _step(self) -> dict[str, Any]:
        """One PPO step (Ouyang et al. 2022; Huang et al. 2024): rollout, reward, advantages, PPO epochs, logging."""
        args, single_pass = self.args, self._single_pass()
        # ---- rollout: num_generations completions of each of this step's prompts; reference log-probs; old
        # log-probs and values (in a single-pass step, from the training forward pass below)
        rows = self._rows()
        ro = sample(self.policy_and_value, self.ref_model, [row["prompt"] for row in rows], self.decoding,
                    temperature=args.temperature, need_policy=not single_pass, need_ref=args.beta > 0,
                    batch_size=self._micro_batch_size())
        # ---- reward: the rewards' weighted score (less missing_eos_penalty) on the last token, -beta * KL on each
        ro.per_reward = self.rewards(ro.prompts, ro.completions, rows, completion_ids=ro.completion_ids,
                                     trainer_state=self.state, log_metric=self.metrics.log_metric,
                                     chat_template_kwargs=args.chat_template_kwargs)
        ro.scores = self.rewards.total(ro.per_reward).to(ro.responses.device)
        if args.missing_eos_penalty is not None:
            ro.scores = ro.scores - args.missing_eos_penalty * (~ro.has_eos).float()
        self.model.train()
        first_pass = self._first_pass(ro) if single_pass else None  # single pass: the KL's log-probs come from it
        kl = core.kl_penalty(ro.logprobs, ro.ref_logprobs, args.kl_estimator)
        rewards, non_score_reward = core.token_rewards(ro.scores, kl, ro.mask, args.beta)
        if args.whiten_rewards:
            rewards = core.whiten(rewards, ro.mask, shift_mean=False)
        # ---- advantages: GAE on the value function (Schulman et al. 2016), whitened over the batch
        advantages, returns = core.compute_advantages_and_returns(rewards, ro.values, ro.mask, args.gamma, args.lam)
        if args.whiten_advantages:
            advantages = core.whiten(advantages, ro.mask)
        # ---- PPO epochs: clipped policy and value losses over mini-batches, one optimiser step each
        stats = self._ppo_epochs(ro, advantages, returns, first_pass)
        # ---- logging: the step's statistics under TRL's names, gathered over processes
        metrics = rollout_metrics(ro, kl, non_score_reward, self.accelerator.gather)
        metrics.update({name: self.accelerator.reduce(torch.stack(values).mean(), "mean")
                        for name, values in stats.items()})
        per_reward = self.accelerator.gather(ro.per_reward.to(self.accelerator.device))
        metrics.update(reward_metrics(per_reward, self.rewards.names, self.rewards.total))
        metrics["lr"] = self.lr_scheduler.get_last_lr()[0]  # the rate this step used
        metrics["episode"] = (self.state.global_step + 1) * self.global_batch_size * args.num_generations
        if args.log_completions and self.accelerator.is_main_process:
            logger.info("prompt=%r completion=%r score=%.3f", ro.prompts[0], ro.completions[0], float(ro.scores[0]))
        self.lr_scheduler.step()
        return metrics

    def _single_pass(self) -> bool:
        """One epoch of one mini-batch, not accumulated: the training forward pass doubles as the rollout's."""
        args = self.args
        return (args.num_ppo_epochs == 1 and args.num_mini_batches == 1 and args.disable_dropout
                and args.gradient_accumulation_steps == 1)

    def _micro_batch_size(self) -> int:
        """Rollouts per forward/backward pass: a mini-batch split into ``gradient_accumulation_steps``."""
        return self.args.rollouts_per_step // (self.args.num_mini_batches * self.args.gradient_accumulation_steps)

    def _rows(self) -> list[dict]:
        """This step's dataset rows on this process, each repeated ``num_generations`` times."""
        args = self.args
        if is_iterable(self.train_dataset):
            batch = self.stream.take(self.global_batch_size)
            start = self.accelerator.process_index * args.per_device_train_batch_size
            rows = batch[start:start + args.per_device_train_batch_size]
        else:
            indices = step_indices(self.state.global_step, len(self.train_dataset), self.global_batch_size,
                                   self.accelerator.process_index, args.per_device_train_batch_size, args.seed)
            rows = [dict(self.train_dataset[i]) for i in indices]
        return [row for row in rows for _ in range(args.num_generations)]

    def _first_pass(self, ro: Rollout) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """The training forward pass over the whole rollout, which gives its old log-probs and values (ratio 1).

        With one epoch of one mini-batch this pass is also the first (and only) update's.
        """
        first_pass = self._forward(ro, torch.arange(len(ro), device=ro.responses.device))
        ro.logprobs, ro.values = first_pass[2].detach(), first_pass[1].detach()
        if ro.ref_logprobs is None:
            ro.ref_logprobs = ro.logprobs
        return first_pass

    def _forward(self, ro: Rollout, idx: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Training forward pass on rollouts ``idx``: logits, values and log-probs of the response tokens."""
        logits, values = self.model(ro.input_ids[idx], ro.attention_mask[idx], ro.responses.shape[1] + 1)
        return logits, values[:, :-1], token_logprobs(logits, ro.responses[idx], self.args.temperature)

    def _ppo_epochs(self, ro: Rollout, advantages: torch.Tensor, returns: torch.Tensor,
                    first_pass: tuple | None) -> dict[str, list[torch.Tensor]]:
        """``num_ppo_epochs`` passes of ``num_mini_batches`` updates; each statistic logged under TRL's name.

        A mini-batch is ``gradient_accumulation_steps`` micro-batches, each a forward and backward pass;
        the optimiser steps after the last (``on_substep_end`` after the others).
        """
        args, stats = self.args, defaultdict(list)
        size = self._micro_batch_size()
        for _ in range(args.num_ppo_epochs):
            order = torch.arange(len(ro)) if first_pass is not None else torch.randperm(len(ro))
            order = order.to(ro.responses.device)
            for start in range(0, len(ro), size):
                with self.accelerator.accumulate(self.model):
                    self._update(ro, order[start:start + size], advantages, returns, first_pass, stats)
                first_pass = None
                if not self.accelerator.sync_gradients:
                    self._event("on_substep_end")
        return stats

    def _update(self, ro: Rollout, idx: torch.Tensor, advantages: torch.Tensor, returns: torch.Tensor,
                first_pass: tuple | None, stats: dict[str, list]) -> None:
        """Clipped policy and value losses on rollouts ``idx``; backward; the optimiser step where it is due."""
        args, mask = self.args, ro.mask[idx]
        logits, vpred, logprobs = first_pass if first_pass is not None else self._forward(ro, idx)
        pg_loss, pg_clipfrac, approx_kl = core.policy_loss(logprobs, ro.logprobs[idx], advantages[idx], mask,
                                                           args.cliprange)
        vf_loss, vf_clipfrac = core.value_loss(vpred, ro.values[idx], returns[idx], mask, args.cliprange_value)
        loss = pg_loss + args.vf_coef * vf_loss
        self.accelerator.backward(loss)
        if self.accelerator.sync_gradients:
            if args.max_grad_norm:
                self.accelerator.clip_grad_norm_(self.model.parameters(), args.max_grad_norm)
            self._event("on_pre_optimizer_step")
            self.optimizer.step()
            self._event("on_optimizer_step")
            self.optimizer.zero_grad()
        with torch.no_grad():
            ratio = core.masked_mean(torch.exp(logprobs - ro.logprobs[idx]), mask, dim=1)
            entropy = core.masked_mean(core.entropy_from_logits(logits[:, :-1] / args.temperature), mask)
        stats["policy/approxkl_avg"].append(approx_kl.detach())
        stats["policy/clipfrac_avg"].append(pg_clipfrac.detach())
        stats["loss/policy_avg"].append(pg_loss.detach())
        stats["loss/value_avg"].append(vf_loss.detach())
        stats["val/clipfrac_avg"].append(vf_clipfrac.detach())  # val/: TRL's value-function prefix
        stats["policy/entropy_avg"].append(entropy)
        stats["val/ratio"].append(ratio.mean())
        stats["val/ratio_var"].append(ratio.var() if len(ratio) > 1 else ratio.sum() * 0)
