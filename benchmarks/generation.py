"""Batched generation for evaluation: chat template, left padding, length-sorted batches,
greedy or sampled decoding, and the log-probability of every greedy response.

Prompts are sorted by token length before batching, so a batch holds prompts of similar
length and wastes little compute on padding; results come back in the input order. The
per-token log-probabilities of greedy responses are recorded during decoding by a logits
processor (the log-softmax of the model's logits at each step, gathered at the chosen token),
so no second forward pass and no (batch x steps x vocabulary) tensor is needed.

>>> gens = generate(model, tokenizer, ["What is the capital of Peru?"])   # doctest: +SKIP
>>> gens[0][0].text, round(gens[0][0].mean_logprob, 2)                     # doctest: +SKIP
('The capital of Peru is Lima.', -0.21)
"""

from __future__ import annotations

import logging
import zlib
from dataclasses import dataclass
from typing import Sequence

import torch
from tqdm.auto import tqdm
from transformers import LogitsProcessor, LogitsProcessorList

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Generation:
    """One response: its text, the sum of its token log-probabilities and its length in tokens.

    ``sum_logprob`` is NaN for sampled responses (only greedy responses are scored).

    >>> Generation("Lima.", -1.0, 4).mean_logprob
    -0.25
    """

    text: str
    sum_logprob: float
    num_tokens: int

    @property
    def mean_logprob(self) -> float:
        return self.sum_logprob / self.num_tokens if self.num_tokens else float("nan")


class _LogprobRecorder(LogitsProcessor):
    """Keeps log-softmax(scores) of each step and gathers it at the token chosen next."""

    def __init__(self) -> None:
        self.prompt_len: int | None = None
        self.last: torch.Tensor | None = None
        self.steps: list[torch.Tensor] = []

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        if self.prompt_len is None:
            self.prompt_len = input_ids.shape[1]
        elif self.last is not None:
            self.steps.append(self.last.gather(1, input_ids[:, -1:]).squeeze(1))
        self.last = torch.log_softmax(scores.float(), dim=-1)
        return scores

    def token_logprobs(self, sequences: torch.Tensor) -> torch.Tensor:
        """(rows, new tokens) log-probabilities of the generated tokens."""
        steps = list(self.steps)
        if self.last is not None and len(steps) < sequences.shape[1] - self.prompt_len:
            steps.append(self.last.gather(1, sequences[:, -1:]).squeeze(1))
        return torch.stack(steps, dim=1)


def render_prompts(tokenizer, prompts: Sequence) -> list[str]:
    """Chat prompts (lists of messages) through the chat template; plain strings as they are.

    >>> render_prompts(None, ["Say hi."])
    ['Say hi.']
    """
    out = []
    for prompt in prompts:
        if isinstance(prompt, str):
            out.append(prompt)
        else:
            out.append(tokenizer.apply_chat_template(list(prompt), tokenize=False, add_generation_prompt=True))
    return out


def _eos_ids(model, tokenizer) -> set[int]:
    ids = {tokenizer.eos_token_id}
    eos = getattr(model.generation_config, "eos_token_id", None)
    ids.update(eos if isinstance(eos, (list, tuple)) else [eos])
    return {i for i in ids if i is not None}


@torch.inference_mode()
def _generate_batch(model, tokenizer, texts: list[str], *, max_new_tokens: int, do_sample: bool,
                    num_samples: int, temperature: float, top_p: float, seed: int) -> list[list[Generation]]:
    side, tokenizer.padding_side = tokenizer.padding_side, "left"
    try:
        enc = tokenizer(texts, return_tensors="pt", padding=True, add_special_tokens=False).to(model.device)
    finally:
        tokenizer.padding_side = side
    recorder = None if do_sample else _LogprobRecorder()
    kwargs = dict(max_new_tokens=max_new_tokens, do_sample=do_sample, num_return_sequences=num_samples,
                  pad_token_id=tokenizer.pad_token_id, logits_processor=LogitsProcessorList([recorder] if recorder else []))
    kwargs.update(temperature=temperature, top_p=top_p, top_k=0) if do_sample else kwargs.update(
        temperature=None, top_p=None, top_k=None)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        sequences = model.generate(**enc, **kwargs)
    new = sequences[:, enc["input_ids"].shape[1]:]
    logprobs = recorder.token_logprobs(sequences) if recorder else None
    eos = torch.tensor(sorted(_eos_ids(model, tokenizer)), device=new.device)
    is_eos = torch.isin(new, eos)
    # length = up to and including the first end-of-sequence token (padding after it is ignored)
    lengths = torch.where(is_eos.any(1), is_eos.int().argmax(1) + 1, torch.full_like(is_eos[:, 0], new.shape[1], dtype=torch.long))
    out: list[list[Generation]] = []
    for row in range(new.shape[0]):
        n = int(lengths[row])
        text = tokenizer.decode(new[row, :n], skip_special_tokens=True).strip()
        total = float(logprobs[row, :n].sum()) if logprobs is not None else float("nan")
        if row % num_samples == 0:
            out.append([])
        out[-1].append(Generation(text, total, n))
    return out


def generate(model, tokenizer, prompts: Sequence, *, max_new_tokens: int = 48, do_sample: bool = False,
             num_samples: int = 1, temperature: float = 1.0, top_p: float = 1.0, batch_size: int = 16,
             seed: int = 0, progress: bool = False) -> list[list[Generation]]:
    """Generate ``num_samples`` responses per prompt in length-sorted, left-padded batches.

    Args:
        prompts: chat prompts (lists of ``{"role", "content"}``) or already-rendered strings.
        do_sample: sample (with ``temperature``/``top_p``) instead of greedy decoding.
        batch_size: sequences per ``model.generate`` call; with sampling a call holds
            ``max(1, batch_size // num_samples)`` prompts.
        seed: sampling seed; each batch is seeded from it and its first prompt, so a resumed
            run samples the same responses.

    Returns:
        For each prompt, in input order, a list of ``num_samples`` :class:`Generation`.

    >>> generate(model, tokenizer, ["Hi"], num_samples=2, do_sample=True)[0][1].text   # doctest: +SKIP
    'Hello! How can I help?'
    """
    if max_new_tokens < 1 or batch_size < 1 or num_samples < 1:
        raise ValueError(f"max_new_tokens={max_new_tokens}, batch_size={batch_size} and "
                         f"num_samples={num_samples} must all be at least 1.")
    if num_samples > 1 and not do_sample:
        raise ValueError(f"num_samples={num_samples} needs do_sample=True (greedy decoding gives one response).")
    if tokenizer.pad_token_id is None:
        raise ValueError("The tokenizer has no pad token; set tokenizer.pad_token = tokenizer.eos_token.")
    texts = render_prompts(tokenizer, prompts)
    lengths = [len(ids) for ids in tokenizer(texts, add_special_tokens=False)["input_ids"]]
    order = sorted(range(len(texts)), key=lambda i: (-lengths[i], i))
    per_call = max(1, batch_size // num_samples)
    results: list[list[Generation] | None] = [None] * len(texts)
    bar = tqdm(total=len(texts), desc="sampling" if do_sample else "generating", disable=not progress, unit="q")
    for start in range(0, len(order), per_call):
        idx = order[start:start + per_call]
        batch_seed = (seed * 1_000_003 + zlib.crc32(texts[idx[0]].encode())) % 2**31
        outs = _generate_batch(model, tokenizer, [texts[i] for i in idx], max_new_tokens=max_new_tokens,
                               do_sample=do_sample, num_samples=num_samples, temperature=temperature,
                               top_p=top_p, seed=batch_seed)
        for i, gens in zip(idx, outs):
            results[i] = gens
        bar.update(len(idx))
    bar.close()
    return results  # type: ignore[return-value]
