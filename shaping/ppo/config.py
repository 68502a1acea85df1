"""PPOConfig: every knob of the PPO trainer, a ``transformers.TrainingArguments`` the way TRL's configs are."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from transformers import TrainingArguments

from shaping.ppo import config_checks


def _help(text: str) -> dict[str, str]:
    return {"help": text}


@dataclass
class PPOConfig(TrainingArguments):
    """Settings of :class:`shaping.ppo.PPOTrainer`: ``TrainingArguments`` plus PPO's own fields.

    Like TRL's ``GRPOConfig`` and ``RLOOConfig`` it subclasses ``transformers.TrainingArguments``,
    so ``bf16``, ``gradient_accumulation_steps``, ``lr_scheduler_type``/``warmup_steps``,
    ``report_to`` (any installed tracker), ``save_strategy``/``save_total_limit``, ``seed`` and
    ``push_to_hub`` mean what they mean in TRL, and ``TrlParser`` reads it from the command line or a
    YAML file. Names follow TRL where TRL has the same idea (``beta``, not ``kl_coef``); the old
    names still work with a deprecation warning. Settings the trainer cannot honour yet
    (``deepspeed``, ``fsdp``, ``torch_compile``, other optimisers...) raise rather than being ignored.

    One step samples ``per_device_train_batch_size`` prompts per process, draws
    ``num_generations`` completions for each, scores them, and runs ``num_ppo_epochs``
    passes of ``num_mini_batches`` mini-batches over those rollouts, each mini-batch one optimiser
    step accumulated over ``gradient_accumulation_steps`` micro-batches.

    >>> PPOConfig(output_dir="out", max_steps=10).rollouts_per_step
    32
    """

    # ---- TrainingArguments fields whose defaults PPO changes (as TRL's configs do)
    output_dir: str | None = field(default="ppo-output", metadata=_help(
        "Where checkpoints, the final model and tracker logs go."))
    learning_rate: float = field(default=3e-6, metadata=_help(
        "AdamW learning rate for the policy and the value model."))
    adam_epsilon: float = field(default=1e-5, metadata=_help("Adam epsilon (1e-5, as in Huang et al. 2024)."))
    optim: str = field(default="adamw_torch", metadata=_help(
        "Optimiser: 'adamw_torch' or 'adamw_torch_fused' (others raise: the trainer builds AdamW itself)."))
    logging_steps: float = field(default=1, metadata=_help(
        "Log averaged metrics every this many PPO steps (a float in (0, 1) is a ratio of max_steps)."))
    per_device_train_batch_size: int = field(default=4, metadata=_help("Prompts per PPO step on each process."))
    per_device_eval_batch_size: int = field(default=16, metadata=_help(
        "Prompts per generation batch during evaluation."))
    max_steps: int = field(default=100, metadata=_help(
        "PPO steps (one step = generate, score, optimise); -1 runs num_train_epochs over the dataset."))
    bf16: bool = field(default=False, metadata=_help(
        "bf16 mixed precision (off by default: PPO's policy ratio is computed from log-probabilities)."))
    remove_unused_columns: bool = field(default=False, metadata=_help(
        "Must stay False: every dataset column is passed to the reward functions."))
    # ---- generation
    num_generations: int = field(default=8, metadata=_help("Completions sampled per prompt."))
    max_prompt_length: int | None = field(default=512, metadata=_help(
        "Longest prompt in tokens; longer prompts raise at start-up (or are cut, see truncate_prompts)."))
    truncate_prompts: bool = field(default=False, metadata=_help(
        "Cut prompts longer than max_prompt_length from the left instead of raising."))
    max_completion_length: int = field(default=64, metadata=_help("Most tokens generated per completion."))
    temperature: float = field(default=0.7, metadata=_help(
        "Sampling temperature; log-probabilities are computed at the same temperature."))
    top_p: float = field(default=1.0, metadata=_help("Nucleus sampling; 1.0 samples from the whole distribution."))
    generation_kwargs: dict | str | None = field(default=None, metadata=_help(
        'Extra GenerationConfig settings for sampling, e.g. {"min_new_tokens": 16}.'))
    chat_template_kwargs: dict | str | None = field(default=None, metadata=_help(
        "Extra keywords for apply_chat_template on conversational prompts."))
    # ---- the PPO objective (Ouyang et al. 2022; Huang et al. 2024)
    beta: float = field(default=0.05, metadata=_help(
        "Weight of the per-token KL penalty to the reference policy (TRL's name; formerly kl_coef)."))
    kl_coef: float | None = field(default=None, metadata=_help("Deprecated: use beta."))
    kl_estimator: str = field(default="k1", metadata=_help(
        "Per-token KL estimator in the reward: 'k1' (log ratio) or 'k3'."))
    gamma: float = field(default=1.0, metadata=_help("Discount factor in GAE."))
    lam: float = field(default=0.95, metadata=_help("Lambda in GAE."))
    cliprange: float = field(default=0.2, metadata=_help("Clip range of the policy ratio."))
    cliprange_value: float = field(default=0.2, metadata=_help(
        "Clip range of the value prediction around its old value."))
    vf_coef: float = field(default=0.1, metadata=_help("Weight of the value loss in the total loss."))
    num_ppo_epochs: int = field(default=1, metadata=_help("Optimisation passes over each step's rollouts."))
    num_mini_batches: int = field(default=1, metadata=_help("Mini-batches per pass (one optimiser step each)."))
    whiten_rewards: bool = field(default=False, metadata=_help(
        "Whiten the per-token rewards (keeping their mean) before GAE."))
    whiten_advantages: bool = field(default=True, metadata=_help(
        "Whiten the advantages over the batch (standard; Huang et al. 2024)."))
    missing_eos_penalty: float | None = field(default=None, metadata=_help(
        "Subtract this from the score of completions that hit max_completion_length without EOS."))
    # ---- models, saving, logging
    value_model: str = field(default="shared", metadata=_help(
        "'shared': a value head on the policy's backbone; 'separate': a copy of the policy with a value head."))
    disable_dropout: bool = field(default=True, metadata=_help(
        "Turn dropout off in the policy and value model (Huang et al. 2024, detail 5)."))
    save_final: bool = field(default=True, metadata=_help(
        "Save the trained policy (and tokenizer) to output_dir after training."))
    log_completions: bool = field(default=False, metadata=_help(
        "Log one sampled prompt/completion/score per step (at INFO level)."))
    warmup_ratio: float | None = field(default=None, metadata=_help(
        "Deprecated (removed from transformers 5): use warmup_steps, which takes a ratio below 1."))

    @property
    def rollouts_per_step(self) -> int:
        """Completions per process per step."""
        return self.per_device_train_batch_size * self.num_generations

    def __post_init__(self) -> None:
        config_checks.check_finite(self)
        config_checks.apply_deprecated(self)
        config_checks.check_unsupported(self)
        config_checks.check_ppo(self)
        super().__post_init__()
        self.generation_kwargs = config_checks.as_dict(self.generation_kwargs, "generation_kwargs")
        self.chat_template_kwargs = config_checks.as_dict(self.chat_template_kwargs, "chat_template_kwargs")
        config_checks.check_report_to(self)


_dataclass_init = PPOConfig.__init__


@wraps(_dataclass_init)
def _init(self: PPOConfig, *args: Any, **kwargs: Any) -> None:
    # the LoRA settings moved to TRL's ModelConfig (``--use_peft``, ``--lora_r``...); old keywords still work
    self.legacy_peft = {name: kwargs.pop(name) for name in config_checks.LEGACY_PEFT if name in kwargs}
    _dataclass_init(self, *args, **kwargs)


PPOConfig.__init__ = _init
