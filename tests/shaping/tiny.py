"""Tiny random Llama policies with the embedded SmolLM2 tokenizer, and rows to train them on."""

import torch
from datasets import Dataset
from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

from shaping.models import policy_path
from shaping.ppo import PPOConfig


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


def tiny_model(tokenizer, seed=0):
    """A one-layer Llama of width 16 for the PPO trainer's tests."""
    torch.manual_seed(seed)
    config = LlamaConfig(hidden_size=16, num_hidden_layers=1, num_attention_heads=2, num_key_value_heads=2,
                         intermediate_size=32, vocab_size=len(tokenizer), max_position_embeddings=256,
                         eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)
    return LlamaForCausalLM(config)


def capitals(n=6):
    """Up to six chat prompts asking for a capital, with ``answers`` and ``id`` columns."""
    countries = [("France", "Paris"), ("Japan", "Tokyo"), ("Peru", "Lima"), ("Chad", "N'Djamena"),
                 ("Fiji", "Suva"), ("Oman", "Muscat")]
    return Dataset.from_list([
        {"prompt": [{"role": "user", "content": f"What is the capital of {c}?"}], "answers": [a], "id": str(i)}
        for i, (c, a) in enumerate(countries[:n])])


def ppo_config(output_dir, **overrides):
    """Two tiny PPO steps of 2 prompts x 2 completions x 4 tokens, seed 7."""
    settings = dict(output_dir=str(output_dir), max_steps=2, per_device_train_batch_size=2, num_generations=2,
                    max_prompt_length=48, max_completion_length=4, learning_rate=1e-3, save_final=False, seed=7)
    settings.update(overrides)
    settings.setdefault("save_strategy", "steps" if "save_steps" in overrides else "no")
    return PPOConfig(**settings)
