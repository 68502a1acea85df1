"""One PPO rollout: sample completions, score them, and compute per-token quantities.

Kept apart from the trainer so the data flow of a step reads top to bottom:
prompts -> completions -> scores -> log-probs, reference log-probs, values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import torch

from shaping.ppo import core
from shaping.ppo.data import encode_prompts, prompt_texts
from shaping.ppo.modeling import PolicyAndValue, reference_policy
from shaping.ppo.scoring import is_conversational


@dataclass
class Rollout:
    """Everything one step's optimisation needs, ``(N, L)`` tensors for N completions of L tokens."""

    input_ids: torch.Tensor
    attention_mask: torch.Tensor
    responses: torch.Tensor
    mask: torch.Tensor
    has_eos: torch.Tensor
    logprobs: torch.Tensor | None  # None until the training forward pass fills it (single-pass steps)
    ref_logprobs: torch.Tensor | None
    values: torch.Tensor | None
    scores: torch.Tensor
    per_reward: torch.Tensor
    prompts: list = field(default_factory=list)
    completions: list = field(default_factory=list)

    def __len__(self) -> int:
        return self.responses.shape[0]


def token_logprobs(logits: torch.Tensor, responses: torch.Tensor, temperature: float) -> torch.Tensor:
    """Log-probs of the response tokens from logits over ``[prompt end, response[:-1]]``."""
    return core.logprobs_from_logits(logits[:, :-1] / temperature, responses)


@torch.no_grad()
def generate(model: PolicyAndValue, tokenizer: Any, prompts: list, *, max_prompt_length: int | None,
             generation_config: Any, stop_token_ids: list[int], chat_template_kwargs: dict | None = None):
    """Sample one completion per prompt; returns ``(input_ids, attention_mask, responses, mask, has_eos)``."""
    device = next(model.parameters()).device
    enc = encode_prompts(prompt_texts(prompts, tokenizer, chat_template_kwargs), tokenizer, max_prompt_length)
    enc = {k: v.to(device) for k, v in enc.items()}
    sequences = model.policy.generate(**enc, generation_config=generation_config)
    responses = sequences[:, enc["input_ids"].shape[1]:]
    if responses.shape[1] == 0:
        raise RuntimeError("generate() returned no new tokens; check max_completion_length and the model.")
    mask, has_eos = core.response_mask(responses, stop_token_ids)
    responses = responses.masked_fill(mask == 0, tokenizer.pad_token_id)
    input_ids = torch.cat([enc["input_ids"], responses], dim=1)
    attention_mask = torch.cat([enc["attention_mask"], mask], dim=1)
    return input_ids, attention_mask, responses, mask, has_eos


@torch.no_grad()
def evaluate_tokens(model: PolicyAndValue, ref_model: Any, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                    responses: torch.Tensor, *, temperature: float, need_policy: bool, need_ref: bool,
                    batch_size: int | None):
    """Policy log-probs, values and reference log-probs of the sampled responses (None where not needed)."""
    keep = responses.shape[1] + 1
    logprobs, values, ref_logprobs = [], [], []
    step = batch_size or len(input_ids)
    for start in range(0, len(input_ids), step):
        chunk = slice(start, start + step)
        if need_policy:
            logits, value = model(input_ids[chunk], attention_mask[chunk], keep)
            logprobs.append(token_logprobs(logits, responses[chunk], temperature))
            values.append(value[:, :-1])
            del logits
        if need_ref:
            with reference_policy(model.policy, ref_model) as ref:
                ref_logits = ref(input_ids=input_ids[chunk], attention_mask=attention_mask[chunk],
                                 position_ids=(attention_mask[chunk].cumsum(1) - 1).clamp(min=0),
                                 use_cache=False, logits_to_keep=keep).logits[:, -keep:]
            ref_logprobs.append(token_logprobs(ref_logits, responses[chunk], temperature))
    logprobs = torch.cat(logprobs) if need_policy else None
    values = torch.cat(values) if need_policy else None
    ref = torch.cat(ref_logprobs) if need_ref else (logprobs.clone() if need_policy else None)
    return logprobs, ref, values


def completion_messages(prompts: list, texts: list[str]) -> list:
    """Completions in the prompts' form: assistant messages for chats, plain strings otherwise."""
    return [[{"role": "assistant", "content": t}] if is_conversational(p) else t for p, t in zip(prompts, texts)]


def decode(tokenizer: Any, responses: torch.Tensor, mask: torch.Tensor) -> tuple[list[str], list[list[int]]]:
    """Text and token ids of each response, up to and including its stop token."""
    ids = [row[: int(m.sum())].tolist() for row, m in zip(responses, mask)]
    return tokenizer.batch_decode(ids, skip_special_tokens=True), ids
