"""One PPO rollout: sample completions and compute their per-token quantities.

Kept apart from the trainer so the data flow of a step reads top to bottom:
prompts -> completions -> log-probs, reference log-probs, values; the trainer then
scores the completions (:class:`shaping.ppo.scoring.RewardSet`) into ``Rollout.scores``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
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
    prompts: list = field(default_factory=list)
    completions: list = field(default_factory=list)
    completion_ids: list = field(default_factory=list)
    per_reward: torch.Tensor | None = None
    """``(N, rewards)`` scores of each reward, NaN where one gave None; set when the rollout is scored."""
    scores: torch.Tensor | None = None
    """``(N,)`` weighted total of the rewards (minus any missing-EOS penalty); set when scored."""

    def __len__(self) -> int:
        return self.responses.shape[0]


@dataclass(frozen=True)
class Decoding:
    """How prompts become completions: the tokenizer, the generation settings and the stop tokens.

    The trainer builds one for sampling (:func:`shaping.ppo.setup.sampling`); evaluation
    decodes greedily with :meth:`greedy`.
    """

    tokenizer: Any
    generation_config: Any
    stop_token_ids: list[int]
    max_prompt_length: int | None = None
    """Prompts keep at most their last this many tokens (None: whole prompts)."""
    chat_template_kwargs: dict = field(default_factory=dict)
    """Extra keywords for ``apply_chat_template`` on conversational prompts."""

    def greedy(self) -> "Decoding":
        """The same decoding without sampling (temperature, top-p and top-k unset)."""
        config = copy.deepcopy(self.generation_config)
        config.do_sample, config.temperature, config.top_p, config.top_k = False, None, None, None
        return replace(self, generation_config=config)


def token_logprobs(logits: torch.Tensor, responses: torch.Tensor, temperature: float) -> torch.Tensor:
    """Log-probs of the response tokens from logits over ``[prompt end, response[:-1]]``."""
    return core.logprobs_from_logits(logits[:, :-1] / temperature, responses)


@torch.no_grad()
def generate(model: PolicyAndValue, prompts: list, decoding: Decoding):
    """One completion per prompt; returns ``(input_ids, attention_mask, responses, mask, has_eos)``.

    ``mask`` is 1 on the response tokens up to and including the first stop token.
    """
    tokenizer = decoding.tokenizer
    device = next(model.parameters()).device
    texts = prompt_texts(prompts, tokenizer, decoding.chat_template_kwargs)
    enc = encode_prompts(texts, tokenizer, decoding.max_prompt_length)
    enc = {k: v.to(device) for k, v in enc.items()}
    sequences = model.policy.generate(**enc, generation_config=decoding.generation_config)
    responses = sequences[:, enc["input_ids"].shape[1]:]
    if responses.shape[1] == 0:
        raise RuntimeError("generate() returned no new tokens; check max_completion_length and the model.")
    mask, has_eos = core.response_mask(responses, decoding.stop_token_ids)
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


def sample(model: PolicyAndValue, ref_model: Any, prompts: list, decoding: Decoding, *, temperature: float,
           need_policy: bool, need_ref: bool, batch_size: int | None) -> Rollout:
    """Sample one completion per prompt (``model`` in eval mode) and take its per-token quantities.

    The policy's log-probs and values are left None unless ``need_policy`` (a single-pass
    step takes them from the training forward pass); the reference's unless ``need_ref``.
    """
    model.eval()
    input_ids, attention_mask, responses, mask, has_eos = generate(model, prompts, decoding)
    logprobs, ref_logprobs, values = evaluate_tokens(
        model, ref_model, input_ids, attention_mask, responses, temperature=temperature,
        need_policy=need_policy, need_ref=need_ref, batch_size=batch_size)
    texts, ids = decode(decoding.tokenizer, responses, mask)
    return Rollout(input_ids, attention_mask, responses, mask, has_eos, logprobs, ref_logprobs, values,
                   prompts, completion_messages(prompts, texts), ids)


def completion_messages(prompts: list, texts: list[str]) -> list:
    """Completions in the prompts' form: assistant messages for chats, plain strings otherwise."""
    return [[{"role": "assistant", "content": t}] if is_conversational(p) else t for p, t in zip(prompts, texts)]


def decode(tokenizer: Any, responses: torch.Tensor, mask: torch.Tensor) -> tuple[list[str], list[list[int]]]:
    """Text and token ids of each response, up to and including its stop token."""
    ids = [row[: int(m.sum())].tolist() for row, m in zip(responses, mask)]
    return tokenizer.batch_decode(ids, skip_special_tokens=True), ids
