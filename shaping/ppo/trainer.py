"""PPOTrainer: PPO for language models with Python reward functions, on accelerate.

Each step: sample prompts (a per-process, step-addressable order), generate
``num_generations`` completions each, score them with the reward functions, add a per-token
KL penalty to a frozen reference, estimate advantages with GAE on a learned value function,
and run ``num_ppo_epochs`` passes of clipped policy and value updates over mini-batches
(Ouyang et al. 2022; Huang et al. 2024). Metrics are gathered over processes.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from pathlib import Path
from typing import Any, Sequence

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from tqdm.auto import tqdm
from transformers import TrainerControl, TrainerState

from shaping.ppo import core, setup
from shaping.ppo.checkpoint import PREFIX, latest_checkpoint, load_checkpoint, save_checkpoint, save_policy
from shaping.ppo.config import PPOConfig
from shaping.ppo.data import as_dataset, step_indices
from shaping.ppo.evaluation import evaluate_policy
from shaping.ppo.metrics import MetricLog, reward_metrics, rollout_metrics, scalars
from shaping.ppo.modeling import PolicyAndValue, load_model
from shaping.ppo.rollout import Rollout, sample, token_logprobs
from shaping.ppo.scoring import RewardSet

logger = logging.getLogger(__name__)


class PPOTrainer:
    """Train a causal LM with PPO on ``reward_funcs`` (TRL's reward-function convention).

    >>> trainer = PPOTrainer("smollm2", TruthfulnessReward(), PPOConfig(max_steps=50),
    ...                      train_dataset=data["train"])            # doctest: +SKIP
    >>> trainer.train()                                               # doctest: +SKIP
    """

    def __init__(self, model: Any, reward_funcs: Any, args: PPOConfig | None = None, train_dataset: Any = None,
                 processing_class: Any = None, reward_weights: Sequence[float] | None = None,
                 peft_config: Any = None, callbacks: Sequence[Any] | None = None, eval_dataset: Any = None,
                 ref_model: Any = None, value_model: Any = None,
                 reward_processing_classes: Sequence[Any] | None = None) -> None:
        self.args = args = args or PPOConfig()
        set_seed(args.seed)
        self.accelerator = Accelerator(log_with="tensorboard" if args.report_to == "tensorboard" else None,
                                       project_dir=args.output_dir)
        device = self.accelerator.device
        model, self.processing_class = load_model(model, processing_class)
        # 1. rewards and data, checked before any copy or adapter is made
        self.rewards = RewardSet(reward_funcs, reward_weights, reward_processing_classes)
        train_dataset = as_dataset(train_dataset, "train_dataset")
        eval_dataset = as_dataset(eval_dataset, "eval_dataset")
        self.train_dataset, self.eval_dataset = train_dataset, eval_dataset
        setup.check_inputs(model, self.rewards, self.processing_class, args,
                           (train_dataset, eval_dataset) if eval_dataset is not None else (train_dataset,))
        for reward_model in self.rewards.models:
            reward_model.to(device)
        # 2. the policy (with LoRA adapters), its frozen reference, its value function
        model = setup.add_adapters(model, args, peft_config)
        self.is_peft = hasattr(model, "peft_config")
        self.ref_model = setup.frozen_reference(model, ref_model, kl_coef=args.kl_coef, device=device)
        wrapper = setup.policy_and_value(model, args, value_model)
        # 3. optimiser and schedule, prepared by accelerate
        optimizer, self.lr_scheduler = setup.optimizer_and_schedule(wrapper, args)
        self.model, self.optimizer = self.accelerator.prepare(wrapper, optimizer)
        set_seed(args.seed, device_specific=True)  # same initial weights everywhere, different samples per process
        # 4. callbacks, state, sampling and the metric log
        self.callbacks = list(callbacks or [])
        self.state = TrainerState(max_steps=args.max_steps, logging_steps=args.logging_steps,
                                  save_steps=args.save_steps or 0,
                                  is_world_process_zero=self.accelerator.is_main_process)
        self.control = TrainerControl()
        self.decoding = setup.sampling(model, self.processing_class, args)
        self.metrics = MetricLog(self.accelerator)

    # ------------------------------------------------------------------ public API
    @property
    def policy(self) -> Any:
        """The policy model being trained (unwrapped; a PeftModel with LoRA)."""
        return self.policy_and_value.policy

    @property
    def policy_and_value(self) -> PolicyAndValue:
        """The policy joined with its value function, unwrapped from accelerate (what checkpoints hold)."""
        return self.accelerator.unwrap_model(self.model)

    @property
    def global_batch_size(self) -> int:
        """Prompts per PPO step over all processes (each samples ``num_generations`` completions of each)."""
        return self.args.per_device_train_batch_size * self.accelerator.num_processes

    def train(self, resume_from_checkpoint: str | bool | None = None) -> TrainerState:
        """Run PPO until ``max_steps``; ``resume_from_checkpoint`` is a checkpoint path or True (the latest)."""
        args = self.args
        if resume_from_checkpoint:
            self._resume(resume_from_checkpoint)
        if args.report_to == "tensorboard":
            self.accelerator.init_trackers(args.run_name, config=scalars(args.to_dict()))
        self._event("on_train_begin")
        bar = tqdm(total=args.max_steps, initial=self.state.global_step, desc="PPO",
                   disable=not self.accelerator.is_local_main_process)
        while self.state.global_step < args.max_steps and not self.control.should_training_stop:
            self._event("on_step_begin")
            self.metrics.add(self._step())
            self.state.global_step += 1
            self.state.epoch = self.state.global_step * self.global_batch_size / len(self.train_dataset)
            bar.update(1)
            self.control = self._event("on_step_end")
            if self.state.global_step % args.logging_steps == 0 or self.control.should_log:
                self._log(bar)
            if self.eval_dataset is not None and args.eval_steps and self.state.global_step % args.eval_steps == 0:
                self.evaluate()
            if (args.save_steps and self.state.global_step % args.save_steps == 0) or self.control.should_save:
                self.save_checkpoint()
        bar.close()
        if self.metrics.pending:
            self._log(bar)
        self._event("on_train_end")  # before saving, so a callback that restores the best weights is saved
        if args.save_final:
            self.save_model(args.output_dir)
        if args.report_to == "tensorboard":
            self.accelerator.end_training()
        return self.state

    def evaluate(self, dataset: Any = None) -> dict[str, float]:
        """Score one greedy completion per prompt of ``dataset`` (default: ``eval_dataset``); log and return it.

        Metrics are prefixed ``eval_`` (``eval_reward``, ``eval_rewards/<name>/mean``, and what the rewards
        log, e.g. ``eval_truthfulness/wrong_rate``); callbacks get ``on_evaluate(metrics=...)`` and ``on_log``.
        """
        metrics = evaluate_policy(self.policy_and_value, self.eval_dataset if dataset is None else dataset,
                                  self.rewards, self.decoding, accelerator=self.accelerator,
                                  batch_size=self.args.per_device_eval_batch_size, trainer_state=self.state)
        logs = {**metrics, "step": self.state.global_step}
        self.state.log_history.append(logs)
        if self.args.report_to == "tensorboard":
            self.accelerator.log(metrics, step=self.state.global_step)
        self.control = self._event("on_evaluate", metrics=metrics)
        self.control = self._event("on_log", logs=logs)
        return metrics

    def save_checkpoint(self) -> Path:
        """Write ``output_dir/checkpoint-<step>`` and return its path."""
        path = Path(self.args.output_dir) / f"{PREFIX}{self.state.global_step}"
        save_checkpoint(path, model=self.policy_and_value, tokenizer=self.processing_class,
                        optimizer=self.optimizer, lr_scheduler=self.lr_scheduler, state=self.state,
                        accelerator=self.accelerator, save_total_limit=self.args.save_total_limit)
        self.control = self._event("on_save")
        self.control.should_save = False
        return path

    def save_model(self, output_dir: str | Path) -> None:
        """Save the policy (``save_pretrained``; the adapter for LoRA) and tokenizer to ``output_dir``."""
        if self.accelerator.is_main_process:
            save_policy(self.policy, self.processing_class, Path(output_dir))
        self.accelerator.wait_for_everyone()

    def _resume(self, checkpoint: str | bool) -> None:
        path = latest_checkpoint(self.args.output_dir) if checkpoint is True else Path(checkpoint)
        if path is None:
            raise FileNotFoundError(
                f"resume_from_checkpoint=True but {self.args.output_dir} has no '{PREFIX}<step>' folder.")
        self.state = load_checkpoint(path, model=self.policy_and_value, optimizer=self.optimizer,
                                     lr_scheduler=self.lr_scheduler, process_index=self.accelerator.process_index)
        logger.info("Resumed from %s at step %d", path, self.state.global_step)

    # ------------------------------------------------------------------ one PPO step
    def _step(self) -> dict[str, Any]:
        """One PPO step (Ouyang et al. 2022; Huang et al. 2024): rollout, reward, advantages, PPO epochs, logging."""
        args, single_pass = self.args, self._single_pass()
        # ---- rollout: num_generations completions of each of this step's prompts; reference log-probs; old
        # log-probs and values (in a single-pass step, from the training forward pass below)
        rows = self._rows()
        ro = sample(self.policy_and_value, self.ref_model, [row["prompt"] for row in rows], self.decoding,
                    temperature=args.temperature, need_policy=not single_pass, need_ref=args.kl_coef > 0,
                    batch_size=args.rollouts_per_step // args.num_mini_batches)
        # ---- reward: the rewards' weighted score (less missing_eos_penalty) on the last token, -kl_coef * KL on each
        ro.per_reward = self.rewards(ro.prompts, ro.completions, rows, completion_ids=ro.completion_ids,
                                     trainer_state=self.state, log_metric=self.metrics.log_metric,
                                     chat_template_kwargs=args.chat_template_kwargs)
        ro.scores = self.rewards.total(ro.per_reward).to(ro.responses.device)
        if args.missing_eos_penalty is not None:
            ro.scores = ro.scores - args.missing_eos_penalty * (~ro.has_eos).float()
        self.model.train()
        first_pass = self._first_pass(ro) if single_pass else None  # single pass: the KL's log-probs come from it
        kl = core.kl_penalty(ro.logprobs, ro.ref_logprobs, args.kl_estimator)
        rewards, non_score_reward = core.token_rewards(ro.scores, kl, ro.mask, args.kl_coef)
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
        """One epoch of one mini-batch: the training forward pass doubles as the rollout's."""
        return self.args.num_ppo_epochs == 1 and self.args.num_mini_batches == 1 and self.args.disable_dropout

    def _rows(self) -> list[dict]:
        """This step's dataset rows on this process, each repeated ``num_generations`` times."""
        args = self.args
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
        """``num_ppo_epochs`` passes of ``num_mini_batches`` updates; each statistic logged under TRL's name."""
        args, stats = self.args, defaultdict(list)
        size = len(ro) // args.num_mini_batches
        for _ in range(args.num_ppo_epochs):
            order = torch.arange(len(ro)) if first_pass is not None else torch.randperm(len(ro))
            order = order.to(ro.responses.device)
            for start in range(0, len(ro), size):
                idx = order[start:start + size]
                mask = ro.mask[idx]
                logits, vpred, logprobs = first_pass if first_pass is not None else self._forward(ro, idx)
                first_pass = None
                pg_loss, pg_clipfrac, approx_kl = core.policy_loss(
                    logprobs, ro.logprobs[idx], advantages[idx], mask, args.cliprange)
                vf_loss, vf_clipfrac = core.value_loss(
                    vpred, ro.values[idx], returns[idx], mask, args.cliprange_value)
                loss = pg_loss + args.vf_coef * vf_loss
                self.accelerator.backward(loss)
                if args.max_grad_norm:
                    self.accelerator.clip_grad_norm_(self.model.parameters(), args.max_grad_norm)
                self.optimizer.step()
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
                del logits, vpred, loss
        return stats

    # ------------------------------------------------------------------ logging and callbacks
    def _log(self, bar: Any) -> None:
        logs = self.metrics.flush()
        logs["epoch"] = round(float(self.state.epoch or 0.0), 4)
        logs["step"] = self.state.global_step
        self.state.log_history.append(logs)
        if self.args.report_to == "tensorboard":
            self.accelerator.log({k: v for k, v in logs.items() if isinstance(v, (int, float))},
                                 step=self.state.global_step)
        bar.set_postfix({k: f"{logs[k]:.3g}" for k in ("reward", "objective/kl") if logs.get(k) is not None})
        self.control = self._event("on_log", logs=logs)
        self.control.should_log = False

    def _event(self, name: str, **kwargs: Any) -> TrainerControl:
        for callback in self.callbacks:
            result = getattr(callback, name)(self.args, self.state, self.control, model=self.policy,
                                             processing_class=self.processing_class, optimizer=self.optimizer,
                                             lr_scheduler=self.lr_scheduler, trainer=self, **kwargs)
            if isinstance(result, TrainerControl):
                self.control = result
        return self.control
