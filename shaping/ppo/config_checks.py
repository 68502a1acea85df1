"""The checks :class:`shaping.ppo.PPOConfig` runs at construction, and its deprecated names.

Each check raises ``ValueError`` naming the setting and the fix, before any model loads:
NaN/inf anywhere, PPO's own ranges, ``TrainingArguments`` settings the trainer cannot honour yet,
and ``report_to`` trackers that transformers does not know or that are not installed.
"""

from __future__ import annotations

import json
import math
import warnings
from dataclasses import fields
from typing import Any

from shaping.ppo.core import KL_ESTIMATORS

#: The LoRA settings that moved to TRL's ``ModelConfig`` (``--use_peft``, ``--lora_r``, ...).
LEGACY_PEFT = ("use_peft", "lora_r", "lora_alpha", "lora_dropout", "lora_target_modules")

#: Optimisers the trainer builds (``torch.optim.AdamW``, fused or not).
OPTIMIZERS = ("adamw_torch", "adamw_torch_fused")

#: ``TrainingArguments`` settings PPOTrainer does not honour yet: (name, value that is fine, why).
UNSUPPORTED = (
    ("deepspeed", None, "DeepSpeed needs engine-aware generation; use accelerate's DDP (`accelerate launch`)"),
    ("fsdp", None, "FSDP needs sharded generation; use accelerate's DDP (`accelerate launch`)"),
    ("torch_compile", False, "the rollout's variable shapes would recompile every step"),
    ("use_liger_kernel", False, "the loss is PPO's, not a language-modelling loss Liger could fuse"),
    ("neftune_noise_alpha", None, "NEFTune perturbs supervised fine-tuning inputs, not sampled rollouts"),
    ("label_smoothing_factor", 0.0, "PPO has no labels"),
    ("load_best_model_at_end", False, "keep the best weights with a callback (shaping.recipe.selection)"),
    ("auto_find_batch_size", False, "set per_device_train_batch_size and gradient_accumulation_steps"),
    ("torch_empty_cache_steps", None, "not wired into the PPO step"),
    ("save_only_model", False, "checkpoints always hold the optimiser to resume exactly"),
    ("dataloader_num_workers", 0, "rows are read from the dataset directly, without a DataLoader"),
)


def _value(setting: Any) -> Any:
    """An enum setting's plain value (``TrainingArguments`` turns strings into enums in ``__post_init__``)."""
    return getattr(setting, "value", setting)


def as_dict(value: Any, name: str) -> dict:
    """A dict setting given as a dict, a JSON string (from the command line) or None.

    >>> as_dict('{"min_new_tokens": 4}', "generation_kwargs")
    {'min_new_tokens': 4}
    """
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as error:
            raise ValueError(f"{name}={value!r} is not a JSON object ({error}); "
                             "write it as '{\"key\": value}'.") from error
    if value is not None and not isinstance(value, dict):
        raise ValueError(f"{name}={value!r} must be a dict (or a JSON object string).")
    return dict(value or {})


def check_finite(config: Any) -> None:
    """NaN and inf pass every comparison below: reject them first, naming the setting."""
    values = [(spec.name, getattr(config, spec.name)) for spec in fields(config)]
    for name, value in values + list(config.legacy_peft.items()):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"{name}={value!r} must be a finite number; NaN or inf would turn the "
                             "weights into NaN after the first update.")


def apply_deprecated(config: Any) -> None:
    """Move deprecated names to their TRL names with a warning: ``kl_coef`` -> ``beta``,
    ``warmup_ratio`` -> ``warmup_steps``, ``use_peft``/``lora_*`` -> ``peft_config`` (TRL's ModelConfig)."""
    if config.kl_coef is not None:
        warnings.warn(f"PPOConfig(kl_coef={config.kl_coef}) is deprecated; use beta={config.kl_coef} (TRL's name).",
                      FutureWarning, stacklevel=5)
        config.beta, config.kl_coef = config.kl_coef, None
    if config.warmup_ratio is not None:
        warnings.warn(f"warmup_ratio={config.warmup_ratio} is deprecated (transformers 5 removed it); use "
                      f"warmup_steps={config.warmup_ratio}: a value below 1 is a ratio of max_steps.",
                      FutureWarning, stacklevel=5)
        if not 0 <= config.warmup_ratio < 1:
            raise ValueError(f"warmup_ratio={config.warmup_ratio!r} must lie in [0, 1).")
        config.warmup_steps, config.warmup_ratio = config.warmup_ratio, None
    if config.legacy_peft:
        warnings.warn(f"PPOConfig({', '.join(f'{k}={v!r}' for k, v in config.legacy_peft.items())}) is deprecated: "
                      "LoRA settings belong to TRL's ModelConfig; pass peft_config=LoraConfig(...) (or "
                      "trl.get_peft_config(model_args)) to PPOTrainer.", FutureWarning, stacklevel=5)
        dropout = config.legacy_peft.get("lora_dropout", 0.0)
        if not 0 <= dropout < 1:
            raise ValueError(f"lora_dropout={dropout!r} must lie in [0, 1).")


def legacy_lora_config(config: Any) -> Any:
    """The ``peft.LoraConfig`` that the deprecated ``use_peft=True``/``lora_*`` keywords describe, or None."""
    legacy = getattr(config, "legacy_peft", {})
    if not legacy.get("use_peft"):
        return None
    from peft import LoraConfig

    return LoraConfig(r=legacy.get("lora_r", 16), lora_alpha=legacy.get("lora_alpha", 32),
                      lora_dropout=legacy.get("lora_dropout", 0.0),
                      target_modules=legacy.get("lora_target_modules", "all-linear"), task_type="CAUSAL_LM")


def check_unsupported(config: Any) -> None:
    """Raise for a setting the trainer would otherwise silently ignore."""
    for name, fine, why in UNSUPPORTED:
        value = getattr(config, name)
        if value != fine and not (fine is None and value in ("", [], False)):
            raise ValueError(f"{name}={value!r} is not supported by shaping.ppo.PPOTrainer ({why}); "
                             f"leave it at {fine!r}.")
    if _value(config.optim) not in OPTIMIZERS:
        raise ValueError(f"optim={config.optim!r}: PPOTrainer builds AdamW itself; use one of {OPTIMIZERS}.")
    if _value(config.save_strategy) == "best":
        raise ValueError("save_strategy='best' needs a metric PPOTrainer does not track; use 'steps', 'epoch' "
                         "or 'no', and keep the best weights with a callback (shaping.recipe.selection).")
    if _value(config.lr_scheduler_type) in ("reduce_lr_on_plateau", "greedy"):
        raise ValueError(f"lr_scheduler_type={config.lr_scheduler_type!r} needs an evaluation metric each step; "
                         "use 'linear', 'cosine', 'constant', 'constant_with_warmup' or another step schedule.")
    if _value(config.hub_strategy) in ("checkpoint", "all_checkpoints"):
        raise ValueError(f"hub_strategy={config.hub_strategy!r} is not supported; use 'every_save' or 'end'.")
    if config.remove_unused_columns:
        raise ValueError("remove_unused_columns=True would hide the columns the rewards read (e.g. 'answers'); "
                         "PPOTrainer passes every dataset column to them: leave it False.")


def check_ppo(config: Any) -> None:
    """PPO's own ranges (before ``TrainingArguments`` adds its checks)."""
    positive = ("learning_rate", "per_device_train_batch_size", "num_generations", "max_completion_length",
                "logging_steps", "num_ppo_epochs", "num_mini_batches", "temperature", "gradient_accumulation_steps")
    for name in positive:
        if not getattr(config, name) > 0:
            raise ValueError(f"{name}={getattr(config, name)!r} must be > 0.")
    if config.max_steps == 0 or config.max_steps < -1:
        raise ValueError(f"max_steps={config.max_steps!r} must be > 0, or -1 to run num_train_epochs "
                         f"(={config.num_train_epochs}) over the dataset.")
    for name in ("beta", "vf_coef", "cliprange", "cliprange_value"):
        if getattr(config, name) < 0:
            raise ValueError(f"{name}={getattr(config, name)!r} must be >= 0.")
    if not 0 < config.top_p <= 1:
        raise ValueError(f"top_p={config.top_p!r} must be in (0, 1].")
    if not (0 <= config.gamma <= 1 and 0 <= config.lam <= 1):
        raise ValueError(f"gamma={config.gamma} and lam={config.lam} must lie in [0, 1].")
    per_update = config.num_mini_batches * config.gradient_accumulation_steps
    if config.rollouts_per_step % per_update:
        raise ValueError(
            f"num_mini_batches={config.num_mini_batches} x gradient_accumulation_steps="
            f"{config.gradient_accumulation_steps} does not divide the {config.rollouts_per_step} rollouts per "
            "step (per_device_train_batch_size * num_generations); pick divisors.")
    if config.value_model not in ("shared", "separate"):
        raise ValueError(f"value_model={config.value_model!r}; use 'shared' or 'separate'.")
    if config.kl_estimator not in KL_ESTIMATORS:
        raise ValueError(f"kl_estimator={config.kl_estimator!r}; use one of {KL_ESTIMATORS}.")
    _check_intervals(config)
    if config.max_grad_norm <= 0 or config.adam_epsilon <= 0:
        raise ValueError(f"max_grad_norm={config.max_grad_norm!r} and adam_epsilon={config.adam_epsilon!r} "
                         "must be > 0.")


def _check_intervals(config: Any) -> None:
    """``save_steps``/``eval_steps``: positive or None; None (or unset) keeps the old meaning."""
    for name in ("save_steps", "eval_steps"):
        if getattr(config, name) is not None and getattr(config, name) <= 0:
            raise ValueError(f"{name}={getattr(config, name)!r} must be a positive number of steps or None.")
    if config.save_steps is None:  # the old spelling of "no checkpoints during training"
        config.save_strategy, config.save_steps = "no", 500
    if config.eval_steps is not None and _value(config.eval_strategy) == "no":  # eval_steps alone turned evaluation on
        config.eval_strategy = "steps"
    if config.save_total_limit is not None and config.save_total_limit < 1:
        raise ValueError(f"save_total_limit={config.save_total_limit!r} would delete every checkpoint as it is "
                         "written; use a positive number or None to keep them all.")


def check_report_to(config: Any) -> None:
    """Every ``report_to`` tracker must be one transformers integrates and installed here."""
    from transformers.integrations import get_available_reporting_integrations
    from transformers.integrations.integration_utils import INTEGRATION_TO_CALLBACK

    installed = get_available_reporting_integrations()
    for name in config.report_to:
        if name not in INTEGRATION_TO_CALLBACK:
            raise ValueError(f"report_to={name!r} is not a tracker transformers integrates (it knows "
                             f"{sorted(INTEGRATION_TO_CALLBACK)}); installed here: {installed or 'none'}.")
        if name not in installed:
            raise ValueError(f"report_to={name!r}: {name} is not installed (installed trackers: "
                             f"{installed or 'none'}); `pip install {name}` or use report_to='none'.")
