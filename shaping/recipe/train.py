"""The no-collapse recipe: shaped reward, RL trainer and the callbacks that hold the good point.

One place that assembles what ``shaping demo`` and ``benchmarks/bench_training.py`` train:

- :func:`shaped_reward`: knowledge-aware truthfulness (declining a question the policy
  knows is priced like a wrong answer), composed dominance-safely with a preference RM
  so the RM can reorder responses only within an outcome;
- :func:`train_policy`: our PPO trainer (value model = per-question baseline, KL to the
  frozen start) or TRL's GRPOTrainer on the same rewards, with
  :class:`~shaping.recipe.selection.ValidationSelectionCallback` (best checkpoint by validation
  truthfulness with an accuracy floor) and, optionally,
  :class:`~shaping.recipe.labels.KnowledgeRefreshCallback`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from rewards.knowledge import KnowledgeAwareTruthfulness, KnowledgeLabels

logger = logging.getLogger(__name__)

TRAINERS = ("ppo", "grpo")
_COLUMNS = ("prompt", "answers", "id", "query_type")


@dataclass
class RLSettings:
    """Settings of one RL run (the demo's defaults hold the good point on 2 CPU cores)."""

    steps: int = 40
    """Optimizer steps."""
    learning_rate: float = 5e-6
    """Adam learning rate."""
    kl_coef: float = 0.1
    """KL penalty to the starting policy (PPO ``kl_coef``, GRPO ``beta``)."""
    prompts_per_step: int = 2
    """Questions per step."""
    num_generations: int = 8
    """Sampled completions per question."""
    max_completion_length: int = 24
    """Tokens per completion (answers are one short sentence)."""
    temperature: float = 0.7
    """Sampling temperature during training. Below 1 the rollouts sit closer to the greedy
    answers the policy is judged on, so "you know this one" is paid where greedy decoding
    knows it. Measured on the demo (same warm start): 0.7 declined 18% of base-known held-out
    questions against 32% at 1.0."""
    max_prompt_length: int = 256
    """Longest prompt in tokens (PPO checks it at step 0)."""
    seed: int = 0


def shaped_reward(
    labels: KnowledgeLabels,
    rm_path: str | Path | None = None,
    *,
    correct: float = 1.0,
    abstain: float = 0.0,
    wrong: float = -1.0,
    abstain_known: float | None = None,
    band: float = 0.5,
) -> Callable:
    """Knowledge-aware truthfulness, dominance-safely composed with the RM at ``rm_path`` (if any).

    Declining a question the policy is known to know scores ``abstain_known``, by default
    ``wrong`` (the demo's recipe): the decline is then priced like a wrong answer, but it is
    still judged and logged as a decline of a known question (``abstain_known_rate``). Any
    value in ``[wrong, abstain)`` works with the RM: the composition builds a band around
    every value the truthfulness reward gives, so the RM never moves a response across to
    another value's band.

    >>> from rewards.knowledge import KnowledgeLabels
    >>> r = shaped_reward(KnowledgeLabels({"fr": 1.0}))
    >>> r(["Capital of France?"], ["I don't know."], answers=[["Paris"]], id=["fr"])
    [-1.0]
    """
    truth = KnowledgeAwareTruthfulness(
        labels, correct=correct, abstain=abstain, wrong=wrong,
        abstain_known=wrong if abstain_known is None else abstain_known, name="truthfulness",
    )
    if rm_path is None:
        return truth
    from rewards.compose.dominance_safe import DominanceSafe
    from shaping.rm.score import RewardModelReward

    return DominanceSafe(truth, RewardModelReward(str(rm_path)), band=band)


def balance_by_knowledge(rows: Sequence[dict], labels: KnowledgeLabels, *, key: str = "id") -> list[dict]:
    """Repeat the rarer of known / not-known questions so RL sees both about equally often.

    A small model knows a minority of its training questions, so most RL prompts say
    "declining pays here" and few say "answer: you know this"; the policy then learns to
    decline everywhere. Balancing the prompts makes both lessons equally frequent. Rows
    without a label count as not known; the order is known/unknown interleaved.

    >>> labels = KnowledgeLabels({"a": 1.0, "b": 0.0, "c": 0.0, "d": 0.0})
    >>> [r["id"] for r in balance_by_knowledge([{"id": k} for k in "abcd"], labels)]
    ['b', 'a', 'c', 'a', 'd', 'a']
    """
    known = [r for r in rows if labels.is_known(str(r[key]))]
    unknown = [r for r in rows if not labels.is_known(str(r[key]))]
    if not known or not unknown:
        logger.warning("balance_by_knowledge: %d known and %d unknown questions; nothing to balance.",
                       len(known), len(unknown))
        return list(rows)
    out = []
    for i in range(max(len(known), len(unknown))):  # the shorter list cycles
        out += [unknown[i % len(unknown)], known[i % len(known)]]
    logger.info("balanced RL prompts: %d known, %d unknown -> %d rows", len(known), len(unknown), len(out))
    return out


def training_dataset(rows: Sequence[dict]):
    """The RL training set: the prompt plus the columns rewards read, nothing else."""
    from datasets import Dataset

    if not rows:
        raise ValueError("No training rows: build the benchmark first or raise --train.")
    missing = [c for c in _COLUMNS if c not in rows[0]]
    if missing:
        raise KeyError(f"Training rows need the columns {missing}; they have {sorted(rows[0])}.")
    return Dataset.from_list([{c: r[c] for c in _COLUMNS} for r in rows])


def train_policy(
    model,
    tokenizer,
    reward_funcs: Callable | Sequence[Callable],
    rows: Sequence[dict],
    *,
    output_dir: str | Path,
    settings: RLSettings | None = None,
    trainer: str = "ppo",
    callbacks: Sequence[Any] = (),
) -> tuple[Any, list[dict]]:
    """Train ``model`` on ``rows`` with ``reward_funcs``; return (trained model, log history).

    >>> model, history = train_policy(model, tok, reward, train_rows, output_dir="out/ppo",
    ...                               settings=RLSettings(steps=40), callbacks=[selector])  # doctest: +SKIP
    """
    s = settings or RLSettings()
    if trainer not in TRAINERS:
        raise ValueError(f"trainer={trainer!r} is not one of {TRAINERS}.")
    if s.steps < 1 or s.prompts_per_step < 1 or s.num_generations < 2:
        raise ValueError(
            f"steps={s.steps} and prompts_per_step={s.prompts_per_step} must be >= 1 and "
            f"num_generations={s.num_generations} >= 2 (a group needs two samples to compare)."
        )
    dataset = training_dataset(rows)
    funcs = list(reward_funcs) if isinstance(reward_funcs, (list, tuple)) else [reward_funcs]
    if trainer == "ppo":
        from shaping.ppo import PPOConfig, PPOTrainer

        config = PPOConfig(
            output_dir=str(output_dir), max_steps=s.steps, learning_rate=s.learning_rate, kl_coef=s.kl_coef,
            per_device_train_batch_size=s.prompts_per_step, num_generations=s.num_generations,
            max_completion_length=s.max_completion_length, temperature=s.temperature, seed=s.seed,
            max_prompt_length=s.max_prompt_length, logging_steps=1, save_final=False,
        )
        engine = PPOTrainer(model=model, reward_funcs=funcs, args=config, train_dataset=dataset,
                            processing_class=tokenizer, callbacks=list(callbacks))
        engine.train()
        return engine.policy, list(engine.state.log_history)
    import torch
    from trl import GRPOConfig, GRPOTrainer

    config = GRPOConfig(
        output_dir=str(output_dir), max_steps=s.steps, learning_rate=s.learning_rate, beta=s.kl_coef,
        per_device_train_batch_size=s.prompts_per_step * s.num_generations, num_generations=s.num_generations,
        max_completion_length=s.max_completion_length, temperature=s.temperature, seed=s.seed,
        logging_steps=1, save_strategy="no", report_to=[], gradient_checkpointing=False,
        bf16=torch.cuda.is_available() and torch.cuda.is_bf16_supported(),
    )
    engine = GRPOTrainer(model=model, reward_funcs=funcs, args=config, train_dataset=dataset,
                         processing_class=tokenizer, callbacks=list(callbacks))
    engine.train()
    return engine.model, list(engine.state.log_history)
