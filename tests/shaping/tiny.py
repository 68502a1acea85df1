"""A tiny random Llama policy with the embedded SmolLM2 tokenizer, shared by the demo's tests."""

import torch
from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

from shaping.models import policy_path


def tiny_policy(seed: int = 0):
    tokenizer = AutoTokenizer.from_pretrained(policy_path())
    torch.manual_seed(seed)
    config = LlamaConfig(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, num_key_value_heads=2,
                         intermediate_size=64, vocab_size=len(tokenizer), max_position_embeddings=256,
                         pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id,
                         bos_token_id=tokenizer.bos_token_id)
    return LlamaForCausalLM(config), tokenizer


def rows(n: int = 4):
    return [{"id": f"q{i}", "prompt": [{"role": "user", "content": f"What is the capital of country {i}?"}],
             "answers": [f"City{i}"], "query_type": "knowledge-seeking"} for i in range(n)]
