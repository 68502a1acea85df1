"""PPOTrainer: PPO for language models with Python reward functions, on accelerate.

Each step: sample prompts (a per-process, step-addressable order), generate
``num_generations`` completions each, score them with the reward functions, add a per-token
KL penalty to a frozen reference, estimate advantages with GAE on a learned value function,
and run ``num_ppo_epochs`` passes of clipped policy and value updates over mini-batches
(Ouyang et al. 2022; Huang et al. 2024). Metrics are gathered over processes.
"""

from __future__ import annotations

import copy
import logging
from pathlib import Path
from typing import Any, Sequence

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from tqdm.auto import tqdm
from transformers import GenerationConfig, TrainerControl, TrainerState

from shaping.ppo import core
from shaping.ppo.checkpoint import PREFIX, latest_checkpoint, load_checkpoint, save_checkpoint, save_policy
from shaping.ppo.config import PPOConfig
from shaping.ppo.data import check_dataset, step_indices
from shaping.ppo.evaluation import evaluate_policy
from shaping.ppo.metrics import MetricLog, scalars, step_metrics
from shaping.ppo.modeling import PolicyAndValue, disable_dropout, load_model, stop_token_ids
from shaping.ppo.rollout import Rollout, completion_messages, decode, evaluate_tokens, generate, token_logprobs
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
        model, self.processing_class = load_model(model, processing_class)
        # check the data and rewards before any copy or adapter is made
        self.rewards = RewardSet(reward_funcs, reward_weights, reward_processing_classes)
        self.train_dataset, self.eval_dataset = train_dataset, eval_dataset
        max_positions = getattr(model.config.get_text_config(), "max_position_embeddings", None)
        for data in (train_dataset, eval_dataset) if eval_dataset is not None else (train_dataset,):
            check_dataset(data, self.rewards, self.processing_class, max_prompt_length=args.max_prompt_length,
                          truncate_prompts=args.truncate_prompts, max_completion_length=args.max_completion_length,
                          max_positions=max_positions, chat_template_kwargs=args.chat_template_kwargs)
        for reward_model in self.rewards.models:
            reward_model.to(self.accelerator.device)
        if args.use_peft and peft_config is None:
            from peft import LoraConfig

            peft_config = LoraConfig(r=args.lora_r, lora_alpha=args.lora_alpha, lora_dropout=args.lora_dropout,
                                     target_modules=args.lora_target_modules, task_type="CAUSAL_LM")
        if peft_config is not None:
            from peft import get_peft_model

            model = get_peft_model(model, peft_config)
        self.is_peft = hasattr(model, "peft_config")
        if args.kl_coef > 0 and ref_model is None and not self.is_peft:
            ref_model = copy.deepcopy(model)  # the frozen reference: the policy as it starts
        if ref_model is not None:
            ref_model.requires_grad_(False).eval()
            ref_model.to(self.accelerator.device)
        self.ref_model = ref_model
        if args.disable_dropout:
            disable_dropout(model)
        if args.gradient_checkpointing:
            model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
            if self.is_peft:
                model.enable_input_require_grads()
        wrapper = PolicyAndValue.build(model, args.value_model, value_model)
        if args.disable_dropout:
            disable_dropout(wrapper)
        params = [p for p in wrapper.parameters() if p.requires_grad]
        optimizer = torch.optim.AdamW(params, lr=args.learning_rate, eps=args.adam_epsilon,
                                      weight_decay=args.weight_decay)
        decay = (lambda s: max(0.0, 1.0 - s / args.max_steps)) if args.lr_scheduler_type == "linear" else (lambda s: 1.0)
        self.lr_scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, decay)  # stepped once per PPO step
        self.model, self.optimizer = self.accelerator.prepare(wrapper, optimizer)
        set_seed(args.seed, device_specific=True)  # same initial weights everywhere, different samples per process
        self.callbacks = list(callbacks or [])
        self.state = TrainerState(max_steps=args.max_steps, logging_steps=args.logging_steps,
                                  save_steps=args.save_steps or 0, is_world_process_zero=self.accelerator.is_main_process)
        self.control = TrainerControl()
        self.stop_token_ids = stop_token_ids(model, self.processing_class)
        self.generation_config = GenerationConfig(
            do_sample=True, temperature=args.temperature, top_p=args.top_p, top_k=0,
            max_new_tokens=args.max_completion_length, pad_token_id=self.processing_class.pad_token_id,
            eos_token_id=self.stop_token_ids, **args.generation_kwargs)
        self.metrics = MetricLog(self.accelerator)

    # ------------------------------------------------------------------ public API
    @property
    def policy(self) -> Any:
        """The policy model being trained (unwrapped; a PeftModel with LoRA)."""
        return self.accelerator.unwrap_model(self.model).policy

    def train(self, resume_from_checkpoint: str | bool | None = None) -> TrainerState:
        """Run PPO until ``max_steps``; ``resume_from_checkpoint`` is a checkpoint path or True (the latest)."""
        args = self.args
        if resume_from_checkpoint:
            path = latest_checkpoint(args.output_dir) if resume_from_checkpoint is True else Path(resume_from_checkpoint)
            if path is None:
                raise FileNotFoundError(f"resume_from_checkpoint=True but {args.output_dir} has no '{PREFIX}<step>' folder.")
            load_checkpoint(self, path)
            logger.info("Resumed from %s at step %d", path, self.state.global_step)
        if args.report_to == "tensorboard":
            self.accelerator.init_trackers(args.run_name, config=scalars(args.to_dict()))
        self._event("on_train_begin")
        bar = tqdm(total=args.max_steps, initial=self.state.global_step, desc="PPO",
                   disable=not self.accelerator.is_local_main_process)
        while self.state.global_step < args.max_steps and not self.control.should_training_stop:
            self._event("on_step_begin")
            self.metrics.add(self._step())
            self.state.global_step += 1
            self.state.epoch = self.state.global_step * self._global_batch() / len(self.train_dataset)
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
        metrics = evaluate_policy(self, self.eval_dataset if dataset is None else dataset,
                                  batch_size=self.args.per_device_eval_batch_size)
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
        save_checkpoint(self, path)
        self.control = self._event("on_save")
        self.control.should_save = False
        return path

    def save_model(self, output_dir: str | Path) -> None:
        """Save the policy (``save_pretrained``; the adapter for LoRA) and tokenizer to ``output_dir``."""
        if self.accelerator.is_main_process:
            save_policy(self.policy, self.processing_class, Path(output_dir))
        self.accelerator.wait_for_everyone()

    # ------------------------------------------------------------------ one PPO step
    def _global_batch(self) -> int:
        return self.args.per_device_train_batch_size * self.accelerator.num_processes

    def _rows(self) -> list[dict]:
        args = self.args
        indices = step_indices(self.state.global_step, len(self.train_dataset), self._global_batch(),
                               self.accelerator.process_index, args.per_device_train_batch_size, args.seed)
        rows = [dict(self.train_dataset[i]) for i in indices]
        return [row for row in rows for _ in range(args.num_generations)]

    def _single_pass(self) -> bool:
        """One epoch of one mini-batch: the training forward pass doubles as the rollout's."""
        return self.args.num_ppo_epochs == 1 and self.args.num_mini_batches == 1 and self.args.disable_dropout

    def _rollout(self, single_pass: bool) -> Rollout:
        args, model = self.args, self.accelerator.unwrap_model(self.model)
        rows = self._rows()
        prompts = [row["prompt"] for row in rows]
        model.eval()
        input_ids, attention_mask, responses, mask, has_eos = generate(
            model, self.processing_class, prompts, max_prompt_length=args.max_prompt_length,
            generation_config=self.generation_config, stop_token_ids=self.stop_token_ids,
            chat_template_kwargs=args.chat_template_kwargs)
        logprobs, ref_logprobs, values = evaluate_tokens(
            model, self.ref_model, input_ids, attention_mask, responses, temperature=args.temperature,
            need_policy=not single_pass, need_ref=args.kl_coef > 0,
            batch_size=args.rollouts_per_step // args.num_mini_batches)
        texts, ids = decode(self.processing_class, responses, mask)
        completions = completion_messages(prompts, texts)
        per_reward = self.rewards(prompts, completions, rows, completion_ids=ids, trainer_state=self.state,
                                  log_metric=self.metrics.log_metric, chat_template_kwargs=args.chat_template_kwargs)
        scores = self.rewards.total(per_reward).to(responses.device)
        if args.missing_eos_penalty is not None:
            scores = scores - args.missing_eos_penalty * (~has_eos).float()
        return Rollout(input_ids, attention_mask, responses, mask, has_eos, logprobs, ref_logprobs, values,
                       scores, per_reward, prompts, completions)

    def _forward(self, ro: Rollout, idx: torch.Tensor):
        """Training forward pass on rollouts ``idx``: logits, values and log-probs of the response tokens."""
        logits, values = self.model(ro.input_ids[idx], ro.attention_mask[idx], ro.responses.shape[1] + 1)
        return logits, values[:, :-1], token_logprobs(logits, ro.responses[idx], self.args.temperature)

    def _step(self) -> dict[str, torch.Tensor]:
        args, single_pass = self.args, self._single_pass()
        ro = self._rollout(single_pass)
        self.model.train()
        first = None
        if single_pass:  # old log-probs and values are those of this very forward pass (ratio 1)
            first = self._forward(ro, torch.arange(len(ro), device=ro.responses.device))
            ro.logprobs, ro.values = first[2].detach(), first[1].detach()
            if ro.ref_logprobs is None:
                ro.ref_logprobs = ro.logprobs
        kl = core.kl_penalty(ro.logprobs, ro.ref_logprobs, args.kl_estimator)
        rewards, non_score = core.token_rewards(ro.scores, kl, ro.mask, args.kl_coef)
        if args.whiten_rewards:
            rewards = core.whiten(rewards, ro.mask, shift_mean=False)
        advantages, returns = core.compute_advantages_and_returns(rewards, ro.values, ro.mask, args.gamma, args.lam)
        if args.whiten_advantages:
            advantages = core.whiten(advantages, ro.mask)
        stats: dict[str, list[torch.Tensor]] = {k: [] for k in (
            "policy/approxkl_avg", "policy/clipfrac_avg", "loss/policy_avg", "loss/value_avg",
            "val/clipfrac_avg", "policy/entropy_avg", "val/ratio", "val/ratio_var")}
        size = len(ro) // args.num_mini_batches
        for _ in range(args.num_ppo_epochs):
            order = torch.arange(len(ro)) if single_pass else torch.randperm(len(ro))
            order = order.to(ro.responses.device)
            for start in range(0, len(ro), size):
                idx = order[start:start + size]
                mask = ro.mask[idx]
                logits, vpred, logprobs = first if first is not None else self._forward(ro, idx)
                first = None
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
                for key, value in zip(stats, (approx_kl, pg_clipfrac, pg_loss, vf_loss, vf_clipfrac, entropy,
                                              ratio.mean(), ratio.var() if len(ratio) > 1 else ratio.sum() * 0)):
                    stats[key].append(value.detach())
                del logits, vpred, loss
        metrics = step_metrics(self, ro, kl, non_score, stats)  # logs the learning rate this step used
        self.lr_scheduler.step()
        return metrics

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
