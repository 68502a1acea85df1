"""What a probe reads: the mean hidden state of a response's tokens, at every layer, in one forward pass.

A causal LM is run once over prompt + response (the prompt through the chat template, as it
was when the response was generated); the hidden states of the response's tokens are averaged
at each requested layer. Layer 0 is the embeddings, layer ``i`` the output of block ``i``.
Rows are sorted by length and right-padded in batches, so the padding never enters a mean.

>>> x = answer_states(model, tokenizer, [[{"role": "user", "content": "Capital of Peru?"}]],
...                   ["Lima."], layers=[12, 18])                                # doctest: +SKIP
>>> x.shape                                                                      # doctest: +SKIP
(1, 2, 576)
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import torch
from tqdm.auto import tqdm

from shaping.generation import render_prompts


def num_layers(model) -> int:
    """Blocks of a causal LM (``config.num_hidden_layers``); hidden states run from 0 to it."""
    config = getattr(model, "config", None)
    layers = getattr(config, "num_hidden_layers", None)
    if not isinstance(layers, int) or layers < 1:
        raise ValueError(f"{type(model).__name__} has no config.num_hidden_layers; the probe needs a Hugging Face "
                         "causal LM that returns hidden states (AutoModelForCausalLM).")
    return layers


def check_layers(layers: Sequence[int], model) -> list[int]:
    """``layers`` as a sorted list of distinct ints, each within the model's ``0..num_hidden_layers``."""
    top = num_layers(model)
    chosen = sorted({int(layer) for layer in layers})
    bad = [layer for layer in chosen if not 0 <= layer <= top]
    if not chosen or bad:
        raise ValueError(f"layers={list(layers)} must be a non-empty list of layers in 0..{top} (0 = embeddings, "
                         f"{top} = the last block) for this model; out of range: {bad}.")
    return chosen


def _token_ids(tokenizer, prompts: Sequence, responses: Sequence[str]) -> list[tuple[list[int], list[int]]]:
    texts = render_prompts(tokenizer, prompts)
    prompt_ids = tokenizer(texts, add_special_tokens=False)["input_ids"]
    response_ids = tokenizer([str(r) for r in responses], add_special_tokens=False)["input_ids"]
    return list(zip(prompt_ids, response_ids))


@torch.inference_mode()
def _batch_states(model, pairs: list[tuple[list[int], list[int]]], layers: list[int], pad_id: int) -> np.ndarray:
    """``(len(pairs), len(layers), hidden)`` means over each response's tokens (the last prompt
    token stands in for an empty response)."""
    width = max(len(p) + len(r) for p, r in pairs)
    ids = torch.full((len(pairs), width), pad_id, dtype=torch.long)
    attention = torch.zeros((len(pairs), width), dtype=torch.long)
    take = torch.zeros((len(pairs), width), dtype=torch.float32)
    for row, (prompt, response) in enumerate(pairs):
        ids[row, :len(prompt) + len(response)] = torch.tensor(prompt + response)
        attention[row, :len(prompt) + len(response)] = 1
        if response:
            take[row, len(prompt):len(prompt) + len(response)] = 1.0
        else:
            take[row, len(prompt) - 1] = 1.0
    device = model.device
    body = getattr(model, "base_model", model)  # the blocks without the LM head: no logits over the vocabulary
    out = body(input_ids=ids.to(device), attention_mask=attention.to(device), output_hidden_states=True)
    weights = (take / take.sum(dim=1, keepdim=True)).to(device)
    means = [torch.einsum("bt,bth->bh", weights, out.hidden_states[layer].float()) for layer in layers]
    return torch.stack(means, dim=1).cpu().numpy()


def answer_states(model, tokenizer, prompts: Sequence, responses: Sequence[str], *,
                  layers: Sequence[int] | None = None, batch_size: int = 16,
                  progress: bool = False) -> np.ndarray:
    """Mean hidden state of each response's tokens at ``layers``, as ``(n, len(layers), hidden)`` float32.

    Args:
        prompts: chat prompts (lists of ``{"role", "content"}``) or rendered strings, as generated from.
        responses: the responses, one per prompt (the model's own answers, for a probe gate).
        layers: hidden-state indices (0 = embeddings .. ``num_hidden_layers``); default: every block.
        batch_size: rows per forward pass.
    """
    if len(prompts) != len(responses):
        raise ValueError(f"Got {len(prompts)} prompts and {len(responses)} responses; pass one response per prompt.")
    if batch_size < 1:
        raise ValueError(f"batch_size={batch_size} must be >= 1.")
    if tokenizer.pad_token_id is None:
        raise ValueError("The tokenizer has no pad token; set tokenizer.pad_token = tokenizer.eos_token.")
    layers = check_layers(range(1, num_layers(model) + 1) if layers is None else layers, model)
    pairs = _token_ids(tokenizer, prompts, responses)
    empty_prompt = [i for i, (p, _) in enumerate(pairs) if not p]
    if empty_prompt:
        raise ValueError(f"Prompt {empty_prompt[0]} renders to no tokens; every response needs the prompt it "
                         "answered.")
    hidden = int(model.config.hidden_size)
    states = np.zeros((len(pairs), len(layers), hidden), dtype=np.float32)
    order = sorted(range(len(pairs)), key=lambda i: -(len(pairs[i][0]) + len(pairs[i][1])))
    with tqdm(total=len(pairs), desc="hidden states", unit="answer", disable=not progress, leave=False) as bar:
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            states[idx] = _batch_states(model, [pairs[i] for i in idx], layers, tokenizer.pad_token_id)
            bar.update(len(idx))
    return states
