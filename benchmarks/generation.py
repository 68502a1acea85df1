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


class _GreedyRows(LogitsProcessor):
    """Makes every ``period``-th row (from row 0) deterministic: all mass on its arg-max token.

    With this, one sampling call decodes a prompt's greedy answer beside its samples: the
    greedy row draws from a one-hot distribution, which temperature and top-p leave as it is.
    """

    def __init__(self, period: int) -> None:
        self.period = period

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        rows = scores[:: self.period]
        onehot = torch.full_like(rows, float("-inf")).scatter_(1, rows.argmax(1, keepdim=True), 0.0)
        scores = scores.clone()
        scores[:: self.period] = onehot
        return scores


def _shared_prefill(model, enc, copies: int):
    """Run the prompts (all but their last token) once and repeat the cache ``copies`` times.

    ``generate`` then decodes every copy from the same cached prefix instead of encoding
    each prompt once per sample. Returns the ``generate`` keyword arguments, or None when the
    prompts are too short to split (``generate`` then encodes them as usual).
    """
    from transformers import DynamicCache

    ids, mask = enc["input_ids"], enc["attention_mask"]
    if copies < 2 or ids.shape[1] < 2:
        return None
    positions = (mask.long().cumsum(-1) - 1).clamp(min=0)  # what generate derives from a left-padded mask
    cache = DynamicCache(config=model.config)
    model(input_ids=ids[:, :-1], attention_mask=mask[:, :-1], position_ids=positions[:, :-1],
          past_key_values=cache, use_cache=True)
    cache.batch_repeat_interleave(copies)
    return dict(input_ids=ids.repeat_interleave(copies, 0), attention_mask=mask.repeat_interleave(copies, 0),
                past_key_values=cache)


@torch.inference_mode()
def _generate_batch(model, tokenizer, texts: list[str], *, max_new_tokens: int, greedy: bool,
                    num_samples: int, temperature: float, top_p: float, seed: int) -> list[list[Generation]]:
    """Per prompt: its greedy response first (when ``greedy``), then ``num_samples`` sampled ones."""
    side, tokenizer.padding_side = tokenizer.padding_side, "left"
    try:
        enc = tokenizer(texts, return_tensors="pt", padding=True, add_special_tokens=False).to(model.device)
    finally:
        tokenizer.padding_side = side
    per_prompt = int(greedy) + num_samples
    recorder = _LogprobRecorder() if greedy else None
    processors = [p for p in (recorder, _GreedyRows(per_prompt) if greedy and num_samples else None) if p]
    kwargs = dict(max_new_tokens=max_new_tokens, do_sample=bool(num_samples), pad_token_id=tokenizer.pad_token_id,
                  logits_processor=LogitsProcessorList(processors))
    kwargs.update(temperature=temperature, top_p=top_p, top_k=0) if num_samples else kwargs.update(
        temperature=None, top_p=None, top_k=None)
    prompt_len = enc["input_ids"].shape[1]
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        shared = _shared_prefill(model, enc, per_prompt)
        if shared is None:
            sequences = model.generate(**enc, num_return_sequences=per_prompt, **kwargs)
        else:
            sequences = model.generate(**shared, **kwargs)
    new = sequences[:, prompt_len:]
    logprobs = recorder.token_logprobs(sequences) if recorder else None
    eos = torch.tensor(sorted(_eos_ids(model, tokenizer)), device=new.device)
    is_eos = torch.isin(new, eos)
    # length = up to and including the first end-of-sequence token (padding after it is ignored)
    lengths = torch.where(is_eos.any(1), is_eos.int().argmax(1) + 1, torch.full_like(is_eos[:, 0], new.shape[1], dtype=torch.long))
    out: list[list[Generation]] = []
    for row in range(new.shape[0]):
        n = int(lengths[row])
        text = tokenizer.decode(new[row, :n], skip_special_tokens=True).strip()
        scored = logprobs is not None and row % per_prompt == 0
        total = float(logprobs[row, :n].sum()) if scored else float("nan")
        if row % per_prompt == 0:
            out.append([])
        out[-1].append(Generation(text, total, n))
    return out


def generate(model, tokenizer, prompts: Sequence, *, max_new_tokens: int = 48, do_sample: bool = False,
             num_samples: int = 1, temperature: float = 1.0, top_p: float = 1.0, batch_size: int = 16,
             seed: int = 0, progress: bool = False, with_greedy: bool = False) -> list[list[Generation]]:
    """Generate ``num_samples`` responses per prompt in length-sorted, left-padded batches.

    Args:
        prompts: chat prompts (lists of ``{"role", "content"}``) or already-rendered strings.
        do_sample: sample (with ``temperature``/``top_p``) instead of greedy decoding.
        batch_size: sequences per ``model.generate`` call; with sampling a call holds
            ``max(1, batch_size // sequences per prompt)`` prompts.
        with_greedy: with ``do_sample``, also decode each prompt's greedy response in the
            same call (it comes first in the prompt's list, with its log-probability). The
            prompt is encoded once and its cache shared by the greedy row and the samples.
        seed: sampling seed; each batch is seeded from it and its first prompt, so a resumed
            run samples the same responses.

    Returns:
        For each prompt, in input order, a list of ``num_samples`` :class:`Generation`
        (``1 + num_samples`` with ``with_greedy``, the greedy one first).

    >>> generate(model, tokenizer, ["Hi"], num_samples=2, do_sample=True)[0][1].text   # doctest: +SKIP
    'Hello! How can I help?'
    """
    if max_new_tokens < 1 or batch_size < 1 or num_samples < 1:
        raise ValueError(f"max_new_tokens={max_new_tokens}, batch_size={batch_size} and "
                         f"num_samples={num_samples} must all be at least 1.")
    if num_samples > 1 and not do_sample:
        raise ValueError(f"num_samples={num_samples} needs do_sample=True (greedy decoding gives one response).")
    if with_greedy and not do_sample:
        raise ValueError("with_greedy=True adds a greedy row to sampled ones; pass do_sample=True (or drop with_greedy).")
    if tokenizer.pad_token_id is None:
        raise ValueError("The tokenizer has no pad token; set tokenizer.pad_token = tokenizer.eos_token.")
    texts = render_prompts(tokenizer, prompts)
    lengths = [len(ids) for ids in tokenizer(texts, add_special_tokens=False)["input_ids"]]
    order = sorted(range(len(texts)), key=lambda i: (-lengths[i], i))
    greedy = with_greedy or not do_sample
    samples = num_samples if do_sample else 0
    per_call = max(1, batch_size // (int(greedy) + samples))
    results: list[list[Generation] | None] = [None] * len(texts)
    bar = tqdm(total=len(texts), desc="sampling" if do_sample else "generating", disable=not progress, unit="q")
    for start in range(0, len(order), per_call):
        idx = order[start:start + per_call]
        batch_seed = (seed * 1_000_003 + zlib.crc32(texts[idx[0]].encode())) % 2**31
        outs = _generate_batch(model, tokenizer, [texts[i] for i in idx], max_new_tokens=max_new_tokens,
                               greedy=greedy, num_samples=samples, temperature=temperature,
                               top_p=top_p, seed=batch_seed)
        for i, gens in zip(idx, outs):
            results[i] = gens
        bar.update(len(idx))
    bar.close()
    return results  # type: ignore[return-value]
