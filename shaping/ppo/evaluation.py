"""Evaluate the policy on a held-out set: one greedy completion per prompt, scored by the rewards."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import torch
from accelerate.utils import gather_object
from tqdm.auto import tqdm

from shaping.ppo.modeling import PolicyAndValue
from shaping.ppo.rollout import Decoding, completion_messages, decode, generate
from shaping.ppo.scoring import RewardSet


@torch.no_grad()
def evaluate_policy(model: PolicyAndValue, dataset: Any, rewards: RewardSet, decoding: Decoding, *,
                    accelerator: Any, batch_size: int, trainer_state: Any = None,
                    prefix: str = "eval_") -> dict[str, float]:
    """Greedy-decode every prompt of ``dataset`` (split across processes) and score it with ``rewards``.

    Args:
        model: the policy with its value function (``PPOTrainer.policy_and_value``).
        decoding: how the trainer samples; evaluation uses its greedy version.
        accelerator: splits the prompts across processes and gathers the scores.
        trainer_state: passed to the rewards as ``trainer_state``, as in training.

    Returns:
        ``{prefix + "reward": ..., prefix + "rewards/<name>/mean": ..., prefix + <log_metric name>: ...}``
        (a reward's ``log_metric`` values, such as outcome rates, are averaged weighted by batch size).

    >>> metrics = evaluate_policy(trainer.policy_and_value, data["eval"], trainer.rewards, trainer.decoding,
    ...                           accelerator=trainer.accelerator, batch_size=16)     # doctest: +SKIP
    >>> metrics["eval_truthfulness/wrong_rate"]                                        # doctest: +SKIP
    0.41
    """
    if dataset is None or len(dataset) == 0:
        raise ValueError("No evaluation data: pass eval_dataset to PPOTrainer (a dataset with a 'prompt' column).")
    model.eval()
    greedy = decoding.greedy()
    indices = list(range(accelerator.process_index, len(dataset), accelerator.num_processes))
    scores: list[list[float]] = []
    custom: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for start in tqdm(range(0, len(indices), batch_size), desc="Evaluating", leave=False,
                      disable=not accelerator.is_local_main_process):
        rows = [dict(dataset[i]) for i in indices[start:start + batch_size]]
        prompts = [row["prompt"] for row in rows]
        _, _, responses, mask, _ = generate(model, prompts, greedy)
        texts, ids = decode(decoding.tokenizer, responses, mask)
        per_reward = rewards(
            prompts, completion_messages(prompts, texts), rows, completion_ids=ids, trainer_state=trainer_state,
            log_metric=lambda name, value, n=len(rows): custom[name].append((float(value), n)),
            chat_template_kwargs=decoding.chat_template_kwargs)
        scores.extend(per_reward.tolist())
    several = accelerator.num_processes > 1
    all_scores = torch.tensor(gather_object(scores) if several else scores, dtype=torch.float32)
    all_custom = gather_object([dict(custom)]) if several else [dict(custom)]
    out = {f"{prefix}rewards/{name}/mean": float(torch.nanmean(all_scores[:, i]))
           for i, name in enumerate(rewards.names)}
    out[f"{prefix}reward"] = float(rewards.total(all_scores).mean())
    merged: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for part in all_custom:
        for name, values in part.items():
            merged[name].extend(values)
    for name, values in sorted(merged.items()):
        total = sum(n for _, n in values)
        out[prefix + name] = sum(v * n for v, n in values) / total if total else math.nan
    return out
