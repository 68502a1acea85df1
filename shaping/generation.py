"""Batched generation for evaluation and knowledge labels: chat template, left padding, length-sorted batches,
greedy or sampled decoding, and the log-probability of every greedy response.

Prompts are sorted by token length before batching, so a batch holds prompts of similar
length and wastes little compute on padding; results come back in the input order.

The decoding loop (:func:`_decode`) is our own, on the model's key/value cache, for two
savings ``model.generate`` does not make: each prompt is encoded once and its cache shared
by its greedy row and its k sampled rows (``generate`` encodes the prompt once per
returned sequence), and a row that has emitted its end-of-sequence token leaves the batch
(``generate`` keeps decoding it as padding until the longest row ends). Greedy rows are
identical to ``model.generate(do_sample=False)``; their per-token log-probabilities are
summed while decoding, so no second forward pass is needed.

>>> gens = generate(model, tokenizer, ["What is the capital of Peru?"])   # doctest: +SKIP
>>> gens[0][0].text, round(gens[0][0].mean_logprob, 2)                     # doctest: +SKIP
('The capital of Peru is Lima.', -0.21)
"""

from __future__ import annotations

import inspect
import logging
import zlib
from dataclasses import dataclass
from typing import Sequence

import torch
from tqdm.auto import tqdm

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


def _top_p_filter(logits: torch.Tensor, top_p: float) -> torch.Tensor:
    """Nucleus filtering: keep the smallest set of tokens whose probability reaches ``top_p``."""
    if top_p >= 1.0:
        return logits
    sorted_logits, order = logits.sort(dim=-1, descending=True)
    probs = sorted_logits.softmax(-1)
    drop = probs.cumsum(-1) - probs > top_p  # the first token is always kept
    return logits.scatter(1, order, sorted_logits.masked_fill(drop, float("-inf")))


@torch.inference_mode()
def _decode(model, input_ids: torch.Tensor, attention_mask: torch.Tensor, *, per_prompt: int, greedy: bool,
            max_new_tokens: int, temperature: float, top_p: float, eos: torch.Tensor,
            generator: torch.Generator) -> tuple[list[list[int]], list[float]]:
    """Decode ``per_prompt`` rows per left-padded prompt; rows leave the batch as they finish.

    Each prompt is encoded once; its key/value cache is repeated for its rows (the greedy
    row first when ``greedy``, then the sampled ones). A row that emits an end-of-sequence
    token is dropped from the cache, so the cost follows the tokens actually generated, not
    the longest row times the batch. Returns the new tokens of every row (ending with the
    end-of-sequence token when one came) and the summed log-probability of each greedy row
    (NaN for sampled rows).
    """
    from transformers import DynamicCache

    positions = (attention_mask.long().cumsum(-1) - 1).clamp(min=0)
    cache = DynamicCache(config=model.config)
    params = inspect.signature(model.forward).parameters
    last_only = {"logits_to_keep": 1} if "logits_to_keep" in params else {}
    cache_arg = "cache" if "cache" in params else "past_key_values"  # transformers renames it in 5.x
    out = model(input_ids=input_ids, attention_mask=attention_mask, position_ids=positions, use_cache=True,
                **{cache_arg: cache}, **last_only)
    logits = out.logits[:, -1].float().repeat_interleave(per_prompt, 0)
    if per_prompt > 1:
        cache.batch_repeat_interleave(per_prompt)
    mask = attention_mask.repeat_interleave(per_prompt, 0)
    next_pos = positions[:, -1].repeat_interleave(per_prompt, 0) + 1
    rows = input_ids.shape[0] * per_prompt
    alive = torch.arange(rows, device=input_ids.device)
    tokens: list[list[int]] = [[] for _ in range(rows)]
    sums = [float("nan")] * rows
    for step in range(max_new_tokens):
        is_greedy = (alive % per_prompt == 0) if greedy else torch.zeros_like(alive, dtype=torch.bool)
        chosen = logits.argmax(-1)
        if not bool(is_greedy.all()):
            probs = _top_p_filter(logits / temperature, top_p).softmax(-1)
            sampled = torch.multinomial(probs, 1, generator=generator).squeeze(1)
            chosen = torch.where(is_greedy, chosen, sampled)
        if bool(is_greedy.any()):
            logprob = logits.log_softmax(-1).gather(1, chosen[:, None]).squeeze(1)
            for row, lp in zip(alive[is_greedy].tolist(), logprob[is_greedy].tolist()):
                sums[row] = lp if step == 0 else sums[row] + lp
        for row, token in zip(alive.tolist(), chosen.tolist()):
            tokens[row].append(token)
        keep = ~torch.isin(chosen, eos)
        if step == max_new_tokens - 1 or not bool(keep.any()):
            break
        if not bool(keep.all()):
            index = keep.nonzero().squeeze(1)
            cache.batch_select_indices(index)
            alive, mask, next_pos, chosen = alive[index], mask[index], next_pos[index], chosen[index]
        mask = torch.cat([mask, mask.new_ones(mask.shape[0], 1)], dim=1)
        out = model(input_ids=chosen[:, None], attention_mask=mask, position_ids=next_pos[:, None],
                    use_cache=True, **{cache_arg: cache})
        logits = out.logits[:, -1].float()
        next_pos = next_pos + 1
    return tokens, sums


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
    eos = torch.tensor(sorted(_eos_ids(model, tokenizer)), device=model.device)
    generator = torch.Generator(device=model.device).manual_seed(seed)
    tokens, sums = _decode(model, enc["input_ids"], enc["attention_mask"], per_prompt=per_prompt, greedy=greedy,
                           max_new_tokens=max_new_tokens, temperature=temperature, top_p=top_p, eos=eos,
                           generator=generator)
    out: list[list[Generation]] = []
    for row, ids in enumerate(tokens):
        if row % per_prompt == 0:
            out.append([])
        out[-1].append(Generation(tokenizer.decode(ids, skip_special_tokens=True).strip(), sums[row], len(ids)))
    return out


def generate(model, tokenizer, prompts: Sequence, *, max_new_tokens: int = 48, do_sample: bool = False,
             num_samples: int = 1, temperature: float = 1.0, top_p: float = 1.0, batch_size: int = 16,
             seed: int = 0, progress: bool = False, with_greedy: bool = False,
             desc: str | None = None) -> list[list[Generation]]:
    """Generate ``num_samples`` responses per prompt in length-sorted, left-padded batches.

    Args:
        prompts: chat prompts (lists of ``{"role", "content"}``) or already-rendered strings.
        do_sample: sample (with ``temperature``/``top_p``) instead of greedy decoding.
        batch_size: sequences decoded together; a call holds
            ``max(1, batch_size // sequences per prompt)`` prompts.
        with_greedy: with ``do_sample``, also decode each prompt's greedy response in the
            same call (it comes first in the prompt's list, with its log-probability). The
            prompt is encoded once and its cache shared by the greedy row and the samples.
        seed: sampling seed; each batch is seeded from it and its first prompt, so a resumed
            run samples the same responses.
        progress, desc: show a progress bar (over prompts), with this label.

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
        raise ValueError(
            "with_greedy=True adds a greedy row to sampled ones; pass do_sample=True (or drop with_greedy).")
    if tokenizer.pad_token_id is None:
        raise ValueError("The tokenizer has no pad token; set tokenizer.pad_token = tokenizer.eos_token.")
    texts = render_prompts(tokenizer, prompts)
    lengths = [len(ids) for ids in tokenizer(texts, add_special_tokens=False)["input_ids"]]
    order = sorted(range(len(texts)), key=lambda i: (-lengths[i], i))
    greedy = with_greedy or not do_sample
    samples = num_samples if do_sample else 0
    per_call = max(1, batch_size // (int(greedy) + samples))
    results: list[list[Generation] | None] = [None] * len(texts)
    bar = tqdm(total=len(texts), desc=desc or ("sampling" if do_sample else "generating"), disable=not progress,
               unit="q", leave=False)
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
