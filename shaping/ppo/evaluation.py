"""Evaluate the policy on a held-out set: one greedy completion per prompt, scored by the rewards."""

from __future__ import annotations

import copy
import math
from collections import defaultdict
from typing import Any

import torch
from accelerate.utils import gather_object
from tqdm.auto import tqdm

from shaping.ppo.rollout import completion_messages, decode, generate


@torch.no_grad()
def evaluate_policy(trainer: Any, dataset: Any, *, batch_size: int, prefix: str = "eval_") -> dict[str, float]:
    """Greedy-decode every prompt of ``dataset`` (split across processes) and score it with the trainer's rewards.

    Returns ``{prefix + "reward": ..., prefix + "rewards/<name>/mean": ..., prefix + <log_metric name>: ...}``
    (a reward's ``log_metric`` values, such as outcome rates, are averaged weighted by batch size).

    >>> metrics = evaluate_policy(trainer, data["eval"], batch_size=16)     # doctest: +SKIP
    >>> metrics["eval_truthfulness/wrong_rate"]                               # doctest: +SKIP
    0.41
    """
    if dataset is None or len(dataset) == 0:
        raise ValueError("No evaluation data: pass eval_dataset to PPOTrainer (a dataset with a 'prompt' column).")
    acc, args = trainer.accelerator, trainer.args
    model = acc.unwrap_model(trainer.model)
    model.eval()
    config = copy.deepcopy(trainer.generation_config)
    config.do_sample, config.temperature, config.top_p, config.top_k = False, None, None, None
    indices = list(range(acc.process_index, len(dataset), acc.num_processes))
    scores: list[list[float]] = []
    custom: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for start in tqdm(range(0, len(indices), batch_size), desc="Evaluating", leave=False,
                      disable=not acc.is_local_main_process):
        rows = [dict(dataset[i]) for i in indices[start:start + batch_size]]
        prompts = [row["prompt"] for row in rows]
        _, _, responses, mask, _ = generate(
            model, trainer.processing_class, prompts, max_prompt_length=args.max_prompt_length,
            generation_config=config, stop_token_ids=trainer.stop_token_ids,
            chat_template_kwargs=args.chat_template_kwargs)
        texts, ids = decode(trainer.processing_class, responses, mask)
        per_reward = trainer.rewards(
            prompts, completion_messages(prompts, texts), rows, completion_ids=ids, trainer_state=trainer.state,
            log_metric=lambda name, value, n=len(rows): custom[name].append((float(value), n)),
            chat_template_kwargs=args.chat_template_kwargs)
        scores.extend(per_reward.tolist())
    all_scores = torch.tensor(gather_object(scores) if acc.num_processes > 1 else scores, dtype=torch.float32)
    all_custom = gather_object([dict(custom)]) if acc.num_processes > 1 else [dict(custom)]
    names = trainer.rewards.names
    out = {f"{prefix}rewards/{name}/mean": float(torch.nanmean(all_scores[:, i])) for i, name in enumerate(names)}
    out[f"{prefix}reward"] = float(trainer.rewards.total(all_scores).mean())
    merged: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for part in all_custom:
        for name, values in part.items():
            merged[name].extend(values)
    for name, values in sorted(merged.items()):
        total = sum(n for _, n in values)
        out[prefix + name] = sum(v * n for v, n in values) / total if total else math.nan
    return out
