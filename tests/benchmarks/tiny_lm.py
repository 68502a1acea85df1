"""A tiny random Llama with the embedded SmolLM2 tokenizer, for the evaluation tests (no real model)."""

import torch
from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

from shaping.models import policy_path


def tiny_lm(seed: int = 0):
    """(model, tokenizer): 2 layers, hidden size 32, left padding; built in well under a second."""
    tokenizer = AutoTokenizer.from_pretrained(policy_path(), padding_side="left")
    torch.manual_seed(seed)
    config = LlamaConfig(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, num_key_value_heads=1,
                         intermediate_size=64, vocab_size=len(tokenizer), max_position_embeddings=512,
                         pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id,
                         bos_token_id=tokenizer.bos_token_id)
    return LlamaForCausalLM(config).eval(), tokenizer


def question_rows(n: int = 6) -> list[dict]:
    """Benchmark-shaped rows of varied prompt length, with one creative and one unanswerable row."""
    rows = []
    for i in range(n):
        question = f"What is the capital of country number {i}?" + " Please be brief." * (i % 3)
        rows.append({"id": f"q{i}", "question": question, "answers": [f"City{i}"], "query_type": "knowledge-seeking",
                     "relation": "country_capital", "entity": f"Country{i}", "popularity": float(i + 1),
                     "passage": ""})
    rows[-1].update(query_type="creative", answers=[], question="Write a haiku about the sea.")
    rows[-2].update(answers=[], question="What is the capital of Velmoria?")
    return rows
