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
    """``model`` with LoRA adapters when ``peft_config`` is given or ``args.use_peft`` asks for them."""
    if args.use_peft and peft_config is None:
        from peft import LoraConfig

        peft_config = LoraConfig(r=args.lora_r, lora_alpha=args.lora_alpha, lora_dropout=args.lora_dropout,
                                 target_modules=args.lora_target_modules, task_type="CAUSAL_LM")
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
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        if hasattr(model, "peft_config"):
            model.enable_input_require_grads()
    wrapper = PolicyAndValue.build(model, args.value_model, value_model)
    if args.disable_dropout:
        disable_dropout(wrapper)
    return wrapper


def optimizer_and_schedule(model: torch.nn.Module, args: PPOConfig) -> tuple[torch.optim.Optimizer, Any]:
    """AdamW over the trainable parameters, and its learning-rate schedule (stepped once per PPO step)."""
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=args.learning_rate, eps=args.adam_epsilon,
                                  weight_decay=args.weight_decay)
    decay = (lambda s: max(0.0, 1.0 - s / args.max_steps)) if args.lr_scheduler_type == "linear" else (lambda s: 1.0)
    return optimizer, torch.optim.lr_scheduler.LambdaLR(optimizer, decay)


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
