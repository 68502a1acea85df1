"""PPOTrainer: PPO for language models with Python reward functions, on accelerate.

The step itself (rollout, reward, GAE, clipped updates) is :class:`shaping.ppo.step.PPOStep`;
this module holds the trainer's ``transformers.Trainer``-shaped API: ``train()`` returning a
``TrainOutput``, every ``TrainerCallback`` event through transformers' ``CallbackHandler``
(``DefaultFlowCallback`` decides when to log, evaluate and save; ``report_to`` trackers are
transformers' integration callbacks), ``evaluate``, checkpoints, ``save_model``, ``push_to_hub``,
``log_metrics``/``save_metrics``/``save_state``.
"""

from __future__ import annotations

import logging
import math
import time
from pathlib import Path
from typing import Any, Sequence

from accelerate.utils import set_seed
from tqdm.auto import tqdm
from transformers import TrainerControl, TrainerState
from transformers.trainer_callback import ExportableState
from transformers.trainer_pt_utils import log_metrics, metrics_format, save_metrics, save_state
from transformers.trainer_utils import TrainOutput, speed_metrics

from shaping.ppo import setup
from shaping.ppo.checkpoint import PREFIX, latest_checkpoint, load_checkpoint, save_checkpoint, save_policy
from shaping.ppo.config import PPOConfig
from shaping.ppo.data import StreamRows, as_dataset, is_iterable
from shaping.ppo.evaluation import evaluate_policy
from shaping.ppo.hub import push_folder
from shaping.ppo.metrics import MetricLog
from shaping.ppo.modeling import PolicyAndValue, load_model
from shaping.ppo.scoring import RewardSet
from shaping.ppo.step import PPOStep

logger = logging.getLogger(__name__)


class PPOTrainer(PPOStep):
    """Train a causal LM with PPO on ``reward_funcs`` (TRL's reward-function convention).

    >>> trainer = PPOTrainer("smollm2", TruthfulnessReward(), PPOConfig(max_steps=50),
    ...                      train_dataset=data["train"])            # doctest: +SKIP
    >>> trainer.train().global_step                                   # doctest: +SKIP
    50
    """

    log_metrics, metrics_format, save_metrics, save_state = log_metrics, metrics_format, save_metrics, save_state

    def __init__(self, model: Any, reward_funcs: Any, args: PPOConfig | None = None, train_dataset: Any = None,
                 processing_class: Any = None, reward_weights: Sequence[float] | None = None,
                 peft_config: Any = None, callbacks: Sequence[Any] | None = None, eval_dataset: Any = None,
                 ref_model: Any = None, value_model: Any = None,
                 reward_processing_classes: Sequence[Any] | None = None) -> None:
        self.args = args = args or PPOConfig()
        set_seed(args.seed)
        self.accelerator = setup.accelerator(args)
        device = self.accelerator.device
        model, self.processing_class = load_model(model, processing_class)
        # 1. rewards and data, checked before any copy or adapter is made
        self.rewards = RewardSet(reward_funcs, reward_weights, reward_processing_classes)
        self.train_dataset = train_dataset = as_dataset(train_dataset, "train_dataset")
        self.eval_dataset = eval_dataset = as_dataset(eval_dataset, "eval_dataset")
        self.max_steps = self._total_steps()
        setup.check_inputs(model, self.rewards, self.processing_class, args,
                           (train_dataset, eval_dataset) if eval_dataset is not None else (train_dataset,))
        for reward_model in self.rewards.models:
            reward_model.to(device)
        # 2. the policy (with LoRA adapters), its frozen reference, its value function
        model = setup.add_adapters(model, args, peft_config)
        self.is_peft = hasattr(model, "peft_config")
        self.ref_model = setup.frozen_reference(model, ref_model, kl_coef=args.beta, device=device)
        wrapper = setup.policy_and_value(model, args, value_model)
        # 3. optimiser and schedule, prepared by accelerate
        optimizer, self.lr_scheduler = setup.optimizer_and_schedule(wrapper, args, self.max_steps)
        self.model, self.optimizer = self.accelerator.prepare(wrapper, optimizer)
        set_seed(args.seed, device_specific=True)  # same initial weights everywhere, different samples per process
        # 4. callbacks, state, sampling and the metric log
        self.callback_handler = setup.callback_handler(args, list(callbacks or []), self)
        self.control = TrainerControl()
        self.state = self._new_state()
        self.stream = StreamRows(train_dataset) if is_iterable(train_dataset) else None
        self.decoding = setup.sampling(model, self.processing_class, args)
        self.metrics = MetricLog(self.accelerator)
        self._event("on_init_end")

    def _total_steps(self) -> int:
        """``max_steps``, or ``num_train_epochs`` over the dataset when ``max_steps=-1``."""
        args = self.args
        if is_iterable(self.eval_dataset):
            raise ValueError("eval_dataset has no length (an IterableDataset); evaluation goes over the whole set, "
                             "so pass a datasets.Dataset (e.g. Dataset.from_list(list(stream.take(n)))).")
        if self.eval_dataset is None and str(getattr(args.eval_strategy, "value", args.eval_strategy)) != "no":
            raise ValueError(f"eval_strategy={args.eval_strategy.value!r} (or eval_steps={args.eval_steps}) needs an "
                             "eval_dataset; pass one to PPOTrainer or set eval_strategy='no'.")
        if args.max_steps > 0:
            return args.max_steps
        if is_iterable(self.train_dataset):
            raise ValueError("train_dataset has no length (an IterableDataset), so max_steps=-1 cannot be turned "
                             "into a number of steps from num_train_epochs; set max_steps (PPO steps) instead.")
        batch = args.per_device_train_batch_size * self.accelerator.num_processes
        return max(1, math.ceil(args.num_train_epochs * len(self.train_dataset) / batch))

    def _new_state(self) -> TrainerState:
        exportable = [cb for cb in [*self.callback_handler.callbacks, self.control] if isinstance(cb, ExportableState)]
        state = TrainerState(max_steps=self.max_steps, num_train_epochs=self.args.num_train_epochs,
                             train_batch_size=self.args.per_device_train_batch_size,
                             is_local_process_zero=self.accelerator.is_local_main_process,
                             is_world_process_zero=self.accelerator.is_main_process, stateful_callbacks=exportable)
        state.compute_steps(self.args, self.max_steps)
        return state

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

    def add_callback(self, callback: Any) -> None:
        """Add a ``TrainerCallback`` (class or instance), as ``transformers.Trainer.add_callback``."""
        self.callback_handler.add_callback(callback)

    def pop_callback(self, callback: Any) -> Any:
        """Remove and return a callback (class or instance)."""
        return self.callback_handler.pop_callback(callback)

    def remove_callback(self, callback: Any) -> None:
        """Remove a callback (class or instance)."""
        self.callback_handler.remove_callback(callback)

    def is_world_process_zero(self) -> bool:
        """True on the process that writes files (for ``log_metrics``/``save_metrics``)."""
        return self.accelerator.is_main_process

    def train(self, resume_from_checkpoint: str | bool | None = None, **kwargs: Any) -> TrainOutput:
        """Run PPO for ``max_steps`` steps; ``resume_from_checkpoint`` is a checkpoint path or True (the latest).

        Returns ``transformers.trainer_utils.TrainOutput(global_step, training_loss, metrics)``: the
        mean total loss (policy + ``vf_coef`` x value) per PPO step, and ``train_runtime``,
        ``train_samples_per_second`` (completions), ``train_steps_per_second``, ``train_loss``, ``epoch``.
        """
        if kwargs:
            raise TypeError(f"PPOTrainer.train() got unexpected keyword arguments {sorted(kwargs)}.")
        args, start, first_step = self.args, time.time(), self.state.global_step
        if resume_from_checkpoint:
            self._resume(resume_from_checkpoint)
            first_step = self.state.global_step
        self.control = self.callback_handler.on_train_begin(args, self.state, self.control)
        if args.eval_on_start and self.eval_dataset is not None:
            self.evaluate()
        bar = tqdm(total=self.max_steps, initial=self.state.global_step, desc="PPO",
                   disable=not self.accelerator.is_local_main_process)
        total_loss, in_epoch = 0.0, False
        while self.state.global_step < self.max_steps and not self.control.should_training_stop:
            if not in_epoch:
                self.control, in_epoch = self.callback_handler.on_epoch_begin(args, self.state, self.control), True
            self.control = self.callback_handler.on_step_begin(args, self.state, self.control)
            step_metrics = self._step()
            total_loss += float(step_metrics["loss/policy_avg"]) + args.vf_coef * float(step_metrics["loss/value_avg"])
            self.metrics.add(step_metrics)
            self.state.global_step += 1
            epoch_ended = self._advance_epoch()
            bar.update(1)
            self.control = self.callback_handler.on_step_end(args, self.state, self.control)
            self._maybe_log_evaluate_save(bar)
            if epoch_ended or self.control.should_epoch_stop:
                self.control, in_epoch = self.callback_handler.on_epoch_end(args, self.state, self.control), False
                self._maybe_log_evaluate_save(bar)
        bar.close()
        if in_epoch:
            self.control = self.callback_handler.on_epoch_end(args, self.state, self.control)
            self._maybe_log_evaluate_save(bar)
        if self.metrics.pending:
            self._log(bar)
        return self._finish(start, total_loss, self.state.global_step - first_step)

    def _finish(self, start: float, total_loss: float, steps: int) -> TrainOutput:
        """``on_train_end`` (before saving, so a callback that restores the best weights is saved), save, push."""
        args = self.args
        completions = steps * self.global_batch_size * args.num_generations
        metrics = speed_metrics("train", start, num_samples=completions, num_steps=steps)
        metrics["train_loss"] = total_loss / steps if steps else 0.0
        metrics["epoch"] = self.state.epoch
        self.control = self.callback_handler.on_train_end(args, self.state, self.control)
        if args.save_final:
            self.save_model(args.output_dir)
        if args.push_to_hub:
            self.push_to_hub()
        return TrainOutput(self.state.global_step, metrics["train_loss"], metrics)

    def _advance_epoch(self) -> bool:
        """Set ``state.epoch`` after a step; True when the step finished a pass over the dataset."""
        before = self.state.epoch or 0.0
        if self.stream is not None:
            self.state.epoch = float(self.stream.passes)
        else:
            self.state.epoch = self.state.global_step * self.global_batch_size / len(self.train_dataset)
        return math.floor(self.state.epoch) > math.floor(before)

    def _maybe_log_evaluate_save(self, bar: Any) -> None:
        """Log, evaluate and checkpoint where ``DefaultFlowCallback`` (or another callback) asked to."""
        if self.control.should_log:
            self._log(bar)
        if self.control.should_evaluate:
            self.evaluate()
        if self.control.should_save:
            self.save_checkpoint()

    def evaluate(self, dataset: Any = None) -> dict[str, float]:
        """Score one greedy completion per prompt of ``dataset`` (default: ``eval_dataset``); log and return it.

        Metrics are prefixed ``eval_`` (``eval_reward``, ``eval_rewards/<name>/mean``, and what the rewards
        log, e.g. ``eval_truthfulness/wrong_rate``); callbacks get ``on_evaluate(metrics=...)`` and ``on_log``.
        """
        dataset = self.eval_dataset if dataset is None else as_dataset(dataset, "dataset")
        if dataset is None or is_iterable(dataset):
            raise ValueError("evaluate() needs a dataset with a length: pass eval_dataset to PPOTrainer or here.")
        metrics = evaluate_policy(self.policy_and_value, dataset,
                                  self.rewards, self.decoding, accelerator=self.accelerator,
                                  batch_size=self.args.per_device_eval_batch_size, trainer_state=self.state)
        logs = {**metrics, "step": self.state.global_step}
        self.state.log_history.append(logs)
        self.control = self.callback_handler.on_evaluate(self.args, self.state, self.control, metrics=metrics)
        self.control = self.callback_handler.on_log(self.args, self.state, self.control, logs=logs)
        return metrics

    def save_checkpoint(self) -> Path:
        """Write ``output_dir/checkpoint-<step>`` (``save_total_limit`` rotates old ones) and return its path."""
        path = Path(self.args.output_dir) / f"{PREFIX}{self.state.global_step}"
        save_checkpoint(path, model=self.policy_and_value, tokenizer=self.processing_class,
                        optimizer=self.optimizer, lr_scheduler=self.lr_scheduler, state=self.state,
                        accelerator=self.accelerator, save_total_limit=self.args.save_total_limit)
        self.control = self.callback_handler.on_save(self.args, self.state, self.control)
        if self.args.push_to_hub and getattr(self.args.hub_strategy, "value", None) == "every_save":
            self.push_to_hub(commit_message=f"Training in progress, step {self.state.global_step}")
        return path

    def save_model(self, output_dir: str | Path | None = None, _internal_call: bool = False) -> None:
        """Save the policy (``save_pretrained``; the adapter for LoRA) and tokenizer to ``output_dir``
        (default: ``args.output_dir``)."""
        if self.accelerator.is_main_process:
            save_policy(self.policy, self.processing_class, Path(output_dir or self.args.output_dir))
        self.accelerator.wait_for_everyone()

    def push_to_hub(self, commit_message: str = "End of training", token: str | None = None,
                    revision: str | None = None, **kwargs: Any) -> str | None:
        """Save the policy to ``output_dir`` and upload it to ``hub_model_id`` (default: the folder's name).

        Raises ``RuntimeError`` naming the repository when the upload fails (offline, no token);
        the model stays saved locally. Returns the commit URL (None on other processes).
        """
        self.save_model(self.args.output_dir)
        self.control = self.callback_handler.on_push_begin(self.args, self.state, self.control)
        if not self.accelerator.is_main_process:
            return None
        return push_folder(self.args.output_dir, self.args, commit_message=commit_message, token=token,
                           revision=revision)

    def _resume(self, checkpoint: str | bool) -> None:
        path = latest_checkpoint(self.args.output_dir) if checkpoint is True else Path(checkpoint)
        if path is None:
            raise FileNotFoundError(
                f"resume_from_checkpoint=True but {self.args.output_dir} has no '{PREFIX}<step>' folder.")
        saved = load_checkpoint(path, model=self.policy_and_value, optimizer=self.optimizer,
                                lr_scheduler=self.lr_scheduler, process_index=self.accelerator.process_index)
        self.state = self._new_state()  # this run's max_steps and intervals; the saved step, epoch and logs
        for name in ("global_step", "epoch", "log_history", "total_flos", "best_metric", "best_global_step"):
            setattr(self.state, name, getattr(saved, name))
        if self.stream is not None:  # a stream is not step-addressable: read past the rows already trained on
            self.stream.take(self.state.global_step * self.global_batch_size)
        logger.info("Resumed from %s at step %d", path, self.state.global_step)

    # ------------------------------------------------------------------ logging and callbacks
    def _log(self, bar: Any) -> None:
        logs = self.metrics.flush()
        logs["epoch"] = round(float(self.state.epoch or 0.0), 4)
        logs["step"] = self.state.global_step
        self.state.log_history.append(logs)
        bar.set_postfix({k: f"{logs[k]:.3g}" for k in ("reward", "objective/kl") if logs.get(k) is not None})
        self.control = self.callback_handler.on_log(self.args, self.state, self.control, logs=logs)

    def _event(self, name: str, **kwargs: Any) -> TrainerControl:
        """Call ``name`` on every callback through transformers' ``CallbackHandler``."""
        self.control = getattr(self.callback_handler, name)(self.args, self.state, self.control, **kwargs)
        return self.control
