"""PPOConfig: every knob of the PPO trainer, with a docstring line under each field."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from shaping.ppo.core import KL_ESTIMATORS


@dataclass
class PPOConfig:
    """Settings of :class:`shaping.ppo.PPOTrainer`; names follow TRL where TRL has one.

    One step samples ``per_device_train_batch_size`` prompts per process, draws
    ``num_generations`` completions for each, scores them, and runs ``num_ppo_epochs``
    passes of ``num_mini_batches`` mini-batches over those rollouts.

    >>> PPOConfig(output_dir="out", max_steps=10).rollouts_per_step
    32
    """

    output_dir: str = "ppo-output"
    """Where checkpoints, the final model and tensorboard logs go."""
    learning_rate: float = 3e-6
    """Adam learning rate for the policy and the value model."""
    lr_scheduler_type: str = "linear"
    """"linear" (decay to 0 at ``max_steps``) or "constant"."""
    adam_epsilon: float = 1e-5
    """Adam epsilon (1e-5, as in Huang et al. 2024)."""
    weight_decay: float = 0.0
    """AdamW weight decay."""
    max_grad_norm: float = 1.0
    """Gradient clipping norm; 0 disables clipping."""
    per_device_train_batch_size: int = 4
    """Prompts per step on each process."""
    num_generations: int = 8
    """Completions sampled per prompt."""
    max_prompt_length: int | None = 512
    """Longest prompt in tokens; longer prompts raise at start-up (or are cut, see ``truncate_prompts``)."""
    truncate_prompts: bool = False
    """Cut prompts longer than ``max_prompt_length`` from the left instead of raising."""
    max_completion_length: int = 64
    """Most tokens generated per completion."""
    temperature: float = 0.7
    """Sampling temperature; log-probabilities are computed at the same temperature."""
    top_p: float = 1.0
    """Nucleus sampling; 1.0 samples from the whole distribution."""
    generation_kwargs: dict[str, Any] = field(default_factory=dict)
    """Extra ``GenerationConfig`` settings for sampling (e.g. ``{"min_new_tokens": 16}``)."""
    kl_coef: float = 0.05
    """Weight of the per-token KL penalty to the reference policy (beta)."""
    kl_estimator: str = "k1"
    """Per-token KL estimator in the reward: "k1" (log ratio) or "k3"."""
    gamma: float = 1.0
    """Discount factor in GAE."""
    lam: float = 0.95
    """Lambda in GAE."""
    cliprange: float = 0.2
    """Clip range of the policy ratio."""
    cliprange_value: float = 0.2
    """Clip range of the value prediction around its old value."""
    vf_coef: float = 0.1
    """Weight of the value loss in the total loss."""
    num_ppo_epochs: int = 1
    """Optimisation passes over each step's rollouts."""
    num_mini_batches: int = 1
    """Mini-batches per pass (one optimiser step each)."""
    whiten_rewards: bool = False
    """Whiten the per-token rewards (keeping their mean) before GAE."""
    whiten_advantages: bool = True
    """Whiten the advantages over the batch (standard; Huang et al. 2024)."""
    missing_eos_penalty: float | None = None
    """Subtract this from the score of completions that hit ``max_completion_length`` without EOS."""
    max_steps: int = 100
    """Number of PPO steps (one step = generate, score, optimise)."""
    logging_steps: int = 1
    """Log averaged metrics every this many steps."""
    eval_steps: int | None = None
    """Evaluate on ``eval_dataset`` (greedy, one completion per prompt) every this many steps."""
    per_device_eval_batch_size: int = 16
    """Prompts per generation batch during evaluation."""
    save_steps: int | None = None
    """Write a checkpoint every this many steps (None: only at the end if ``save_final``)."""
    save_total_limit: int | None = None
    """Keep only the newest N checkpoints (None keeps all)."""
    save_final: bool = True
    """Save the trained policy (and value head) to ``output_dir`` after training."""
    seed: int = 42
    """Seed for sampling, data order and initialisation of the value head."""
    report_to: str = "none"
    """"none" or "tensorboard" (logs under ``output_dir/runs``)."""
    run_name: str = "ppo"
    """Name of the tensorboard run."""
    value_model: str = "shared"
    """"shared": a value head on the policy's backbone; "separate": a copy of the policy with a value head."""
    use_peft: bool = False
    """Train LoRA adapters (the reference is the adapter-disabled policy: no second copy)."""
    lora_r: int = 16
    """LoRA rank (``use_peft`` only)."""
    lora_alpha: int = 32
    """LoRA alpha (``use_peft`` only)."""
    lora_dropout: float = 0.0
    """LoRA dropout (``use_peft`` only; 0 keeps PPO's log-probabilities exact)."""
    lora_target_modules: list[str] | str | None = "all-linear"
    """Modules that get adapters (``use_peft`` only)."""
    gradient_checkpointing: bool = False
    """Trade compute for memory in the training forward pass."""
    disable_dropout: bool = True
    """Turn dropout off in the policy and value model (Huang et al. 2024, detail 5)."""
    chat_template_kwargs: dict[str, Any] = field(default_factory=dict)
    """Extra keywords for ``apply_chat_template`` on conversational prompts."""
    log_completions: bool = False
    """Log one sampled prompt/completion/score per logging step (at INFO level)."""

    @property
    def rollouts_per_step(self) -> int:
        """Completions per process per step."""
        return self.per_device_train_batch_size * self.num_generations

    def __post_init__(self) -> None:
        for spec in fields(self):  # NaN and inf pass every comparison below: reject them first
            value = getattr(self, spec.name)
            if isinstance(value, float) and not math.isfinite(value):
                raise ValueError(f"{spec.name}={value!r} must be a finite number; NaN or inf would turn the "
                                 "weights into NaN after the first update.")
        positive = ("learning_rate", "per_device_train_batch_size", "num_generations",
                    "max_completion_length", "max_steps", "logging_steps", "num_ppo_epochs",
                    "num_mini_batches", "temperature")
        for name in positive:
            if not getattr(self, name) > 0:
                raise ValueError(f"{name}={getattr(self, name)!r} must be > 0.")
        for name in ("kl_coef", "vf_coef", "cliprange", "cliprange_value"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name}={getattr(self, name)!r} must be >= 0.")
        if not 0 < self.top_p <= 1:
            raise ValueError(f"top_p={self.top_p!r} must be in (0, 1].")
        if not (0 <= self.gamma <= 1 and 0 <= self.lam <= 1):
            raise ValueError(f"gamma={self.gamma} and lam={self.lam} must lie in [0, 1].")
        if self.rollouts_per_step % self.num_mini_batches:
            raise ValueError(
                f"num_mini_batches={self.num_mini_batches} does not divide the "
                f"{self.rollouts_per_step} rollouts per step (per_device_train_batch_size * "
                "num_generations); pick a divisor."
            )
        if self.value_model not in ("shared", "separate"):
            raise ValueError(f"value_model={self.value_model!r}; use 'shared' or 'separate'.")
        if self.report_to not in ("none", "tensorboard"):
            raise ValueError(f"report_to={self.report_to!r}; use 'none' or 'tensorboard'.")
        if self.kl_estimator not in KL_ESTIMATORS:
            raise ValueError(f"kl_estimator={self.kl_estimator!r}; use one of {KL_ESTIMATORS}.")
        if self.lr_scheduler_type not in ("linear", "constant"):
            raise ValueError(f"lr_scheduler_type={self.lr_scheduler_type!r}; use 'linear' or 'constant'.")
        for name in ("save_steps", "eval_steps"):
            if getattr(self, name) is not None and getattr(self, name) <= 0:
                raise ValueError(f"{name}={getattr(self, name)!r} must be a positive number of steps or None.")
        if self.save_total_limit is not None and self.save_total_limit < 1:
            raise ValueError(f"save_total_limit={self.save_total_limit!r} would delete every checkpoint as it is "
                             "written; use a positive number or None to keep them all.")
        if self.max_grad_norm <= 0 or self.adam_epsilon <= 0:
            raise ValueError(f"max_grad_norm={self.max_grad_norm!r} and adam_epsilon={self.adam_epsilon!r} "
                             "must be > 0.")

    def to_dict(self) -> dict[str, Any]:
        """The settings as a plain dict (for logs and checkpoints)."""
        return asdict(self)
