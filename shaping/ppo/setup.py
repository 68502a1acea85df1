"""The PPO trainer's setup steps, each a function of the values it uses.

:class:`shaping.ppo.PPOTrainer` calls them in this order: check the data and rewards,
add LoRA adapters, make the frozen reference, join the policy with its value function,
build the optimiser and its schedule, and set up sampling. The order matters: the reference
is a copy of the policy before dropout is turned off, and the random draws (LoRA and value
head initialisation) happen in the same order in every run with the same seed.
"""

from __future__ import annotations

import copy
from typing import Any, Sequence

import torch
from transformers import GenerationConfig

from shaping.ppo.config import PPOConfig
from shaping.ppo.config_checks import legacy_lora_config
from shaping.ppo.data import check_dataset
from shaping.ppo.modeling import PolicyAndValue, disable_dropout, stop_token_ids
from shaping.ppo.rollout import Decoding
from shaping.ppo.scoring import RewardSet


def check_inputs(model: Any, rewards: RewardSet, tokenizer: Any, args: PPOConfig, datasets: Sequence[Any]) -> None:
    """Fail at step 0, not hours in: each dataset's columns and prompt lengths, and a dry run of the rewards."""
    max_positions = getattr(model.config.get_text_config(), "max_position_embeddings", None)
    for data in datasets:
        check_dataset(data, rewards, tokenizer, max_prompt_length=args.max_prompt_length,
                      truncate_prompts=args.truncate_prompts, max_completion_length=args.max_completion_length,
                      max_positions=max_positions, chat_template_kwargs=args.chat_template_kwargs)


def add_adapters(model: Any, args: PPOConfig, peft_config: Any = None) -> Any:
    """``model`` with LoRA adapters when ``peft_config`` is given (or the deprecated ``use_peft=True`` asks)."""
    peft_config = peft_config if peft_config is not None else legacy_lora_config(args)
    if peft_config is None:
        return model
    from peft import get_peft_model

    return get_peft_model(model, peft_config)


def frozen_reference(model: Any, ref_model: Any, *, kl_coef: float, device: Any) -> Any:
    """The frozen reference policy for the KL penalty, or None where none is held.

    ``ref_model`` when given; else a copy of ``model`` as it starts; None for a LoRA policy
    (its reference is the policy with the adapters disabled) and for ``kl_coef=0``.
    """
    if kl_coef > 0 and ref_model is None and not hasattr(model, "peft_config"):
        ref_model = copy.deepcopy(model)
    if ref_model is not None:
        ref_model.requires_grad_(False).eval()
        ref_model.to(device)
    return ref_model


def policy_and_value(model: Any, args: PPOConfig, value_model: Any = None) -> PolicyAndValue:
    """Prepare the policy for training (dropout off, gradient checkpointing) and join it with its value function."""
    if args.disable_dropout:
        disable_dropout(model)
    if args.gradient_checkpointing:
        kwargs = args.gradient_checkpointing_kwargs or {"use_reentrant": False}
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs=kwargs)
        if hasattr(model, "peft_config"):
            model.enable_input_require_grads()
    wrapper = PolicyAndValue.build(model, args.value_model, value_model)
    if args.disable_dropout:
        disable_dropout(wrapper)
    return wrapper


def optimizer_and_schedule(model: torch.nn.Module, args: PPOConfig,
                           max_steps: int | None = None) -> tuple[torch.optim.Optimizer, Any]:
    """AdamW over the trainable parameters, and its learning-rate schedule (stepped once per PPO step).

    ``lr_scheduler_type``, ``warmup_steps`` and ``lr_scheduler_kwargs`` are transformers' (``get_scheduler``),
    over ``max_steps`` PPO steps. "linear" is written out here so that a run without warmup decays by
    exactly ``1 - step / max_steps``, as before ``PPOConfig`` became ``TrainingArguments`` (the same seed
    gives the same weights); with warmup it equals transformers' linear schedule.
    """
    from transformers import get_scheduler

    max_steps = max_steps or args.max_steps
    params = [p for p in model.parameters() if p.requires_grad]
    fused = True if getattr(args.optim, "value", args.optim) == "adamw_torch_fused" else None
    optimizer = torch.optim.AdamW(params, lr=args.learning_rate, betas=(args.adam_beta1, args.adam_beta2),
                                  eps=args.adam_epsilon, weight_decay=args.weight_decay, fused=fused)
    warmup = args.get_warmup_steps(max_steps)
    if getattr(args.lr_scheduler_type, "value", args.lr_scheduler_type) == "linear" and not args.lr_scheduler_kwargs:
        def decay(step: int) -> float:
            if step < warmup:
                return step / warmup
            return max(0.0, 1.0 - (step - warmup) / (max_steps - warmup)) if max_steps > warmup else 0.0

        return optimizer, torch.optim.lr_scheduler.LambdaLR(optimizer, decay)
    return optimizer, get_scheduler(args.lr_scheduler_type, optimizer=optimizer, num_warmup_steps=warmup,
                                    num_training_steps=max_steps, scheduler_specific_kwargs=args.lr_scheduler_kwargs)


def accelerator(args: PPOConfig) -> Any:
    """The ``Accelerator``: mixed precision from ``bf16``/``fp16``, ``gradient_accumulation_steps``, ``use_cpu``."""
    from accelerate import Accelerator

    precision = "bf16" if args.bf16 else "fp16" if args.fp16 else "no"
    return Accelerator(mixed_precision=precision, gradient_accumulation_steps=args.gradient_accumulation_steps,
                       cpu=args.use_cpu)


def callback_handler(args: PPOConfig, callbacks: Sequence[Any], trainer: Any) -> Any:
    """transformers' ``CallbackHandler``: ``DefaultFlowCallback``, one callback per ``report_to`` tracker
    (TensorBoard, W&B, trackio...), then the user's callbacks (classes or instances), as ``Trainer`` orders them.

    Every event also gets ``trainer=`` (the PPOTrainer) besides transformers' keywords.
    """
    from transformers.integrations import get_reporting_integration_callbacks
    from transformers.trainer_callback import CallbackHandler, DefaultFlowCallback

    class Handler(CallbackHandler):
        def call_event(self, event: str, args: Any, state: Any, control: Any, **kwargs: Any) -> Any:
            return super().call_event(event, args, state, control, trainer=trainer, **kwargs)

    defaults = [DefaultFlowCallback, *get_reporting_integration_callbacks(args.report_to)]
    return Handler([*defaults, *callbacks], trainer.policy, trainer.processing_class, trainer.optimizer,
                   trainer.lr_scheduler)


#: The value of each sampling setting at which it leaves the distribution unchanged.
NEUTRAL_SAMPLING = {"top_k": 0, "min_p": 0.0, "typical_p": 1.0, "epsilon_cutoff": 0.0, "eta_cutoff": 0.0,
                    "repetition_penalty": 1.0, "encoder_repetition_penalty": 1.0, "no_repeat_ngram_size": 0}


def sampling(model: Any, tokenizer: Any, args: PPOConfig) -> Decoding:
    """How rollouts are sampled: ``temperature`` and ``top_p`` over the whole vocabulary, stopping at EOS."""
    stop = stop_token_ids(model, tokenizer)
    changed = {k: v for k, v in args.generation_kwargs.items() if k in NEUTRAL_SAMPLING and v != NEUTRAL_SAMPLING[k]}
    if changed:
        raise ValueError(f"generation_kwargs={changed} change how tokens are sampled, but PPO's log-probs assume "
                         "plain softmax(logits / temperature) with top_p; drop them (or set their neutral values "
                         f"{ {k: NEUTRAL_SAMPLING[k] for k in changed} }).")
    # every logits processor set to its neutral value explicitly: transformers fills fields left unset from the
    # model's own generation_config (Qwen2.5-Instruct ships repetition_penalty=1.05), which would sample from
    # another distribution than the one the log-probs are computed on
    config = GenerationConfig(**{
        **NEUTRAL_SAMPLING, "do_sample": True, "temperature": args.temperature, "top_p": args.top_p,
        "max_new_tokens": args.max_completion_length, "pad_token_id": tokenizer.pad_token_id, "eos_token_id": stop,
        **args.generation_kwargs})
    return Decoding(tokenizer, config, stop, args.max_prompt_length, args.chat_template_kwargs)
