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
    """Settings of one RL run, and their defaults (the demo's): the one place they live.

    :meth:`trainer_config` turns them into the trainer's own config; ``shaping demo``'s
    ``DemoConfig`` extends them.
    """

    steps: int = 40
    """Optimizer steps."""
    learning_rate: float = 5e-6
    """Adam learning rate."""
    kl_coef: float = 0.1
    """KL penalty to the starting policy (``beta`` of PPOConfig and GRPOConfig)."""
    prompts_per_step: int = 2
    """Questions per step."""
    num_generations: int = 8
    """Sampled completions per question."""
    max_completion_length: int = 24
    """Tokens per completion (answers are one short sentence)."""
    temperature: float = 0.7
    """Sampling temperature of the rollouts (evaluation is greedy). Below 1 the rollouts sit
    closer to the greedy answers the policy is judged on, so "you know this one" is paid
    where greedy decoding knows it (docs/training.md, "The recipe's RL settings")."""
    max_prompt_length: int = 256
    """Longest prompt in tokens (PPO checks it at step 0)."""
    seed: int = 0
    """Seed of the RL run (sampling, data order, value head)."""
    ppo_epochs: int = 1
    """Optimisation passes over each batch of rollouts (PPO's ``num_ppo_epochs``, GRPO's
    ``num_iterations``). At 1 epoch of 1 mini-batch the clipped objective never acts."""
    mini_batches: int = 1
    """Mini-batches each pass is cut into (PPO's ``num_mini_batches``; PPO only)."""

    def trainer_config(self, trainer: str, output_dir: str | Path) -> Any:
        """These settings as ``trainer``'s config: :class:`shaping.ppo.PPOConfig` or TRL's ``GRPOConfig``.

        Both configs are ``transformers.TrainingArguments``. Each setting maps to one field (``steps`` ->
        ``max_steps``, ``kl_coef`` -> ``beta``; GRPO counts ``per_device_train_batch_size`` in
        completions); the rest are the recipe's choices: log every step, no trackers, no checkpoints
        or final save (the caller keeps the model it gets back).

        >>> RLSettings(steps=5).trainer_config("ppo", "out").max_steps
        5
        """
        if trainer not in TRAINERS:
            raise ValueError(f"trainer={trainer!r} is not one of {TRAINERS}.")
        if self.steps < 1 or self.prompts_per_step < 1 or self.num_generations < 2:
            raise ValueError(
                f"steps={self.steps} and prompts_per_step={self.prompts_per_step} must be >= 1 and "
                f"num_generations={self.num_generations} >= 2 (a group needs two samples to compare)."
            )
        shared = dict(output_dir=str(output_dir), max_steps=self.steps, learning_rate=self.learning_rate,
                      num_generations=self.num_generations, max_completion_length=self.max_completion_length,
                      temperature=self.temperature, seed=self.seed, logging_steps=1, save_strategy="no",
                      report_to="none")
        if self.ppo_epochs < 1 or self.mini_batches < 1:
            raise ValueError(f"ppo_epochs={self.ppo_epochs} and mini_batches={self.mini_batches} must be >= 1.")
        if trainer == "ppo":
            from shaping.ppo import PPOConfig

            return PPOConfig(**shared, beta=self.kl_coef, per_device_train_batch_size=self.prompts_per_step,
                             max_prompt_length=self.max_prompt_length, save_final=False,
                             num_ppo_epochs=self.ppo_epochs, num_mini_batches=self.mini_batches)
        if self.mini_batches != 1:
            raise ValueError(f"mini_batches={self.mini_batches} applies to trainer='ppo' only; GRPO takes one "
                             "batch per step here. Set mini_batches=1.")
        import torch
        from trl import GRPOConfig

        return GRPOConfig(**shared, beta=self.kl_coef, num_iterations=self.ppo_epochs,
                          per_device_train_batch_size=self.prompts_per_step * self.num_generations,
                          gradient_checkpointing=False,
                          bf16=torch.cuda.is_available() and torch.cuda.is_bf16_supported())


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
    """The RL training set: the prompt plus the columns rewards read (``competitors`` when every
    row has it), nothing else."""
    from datasets import Dataset

    if not rows:
        raise ValueError("No training rows: build the benchmark first or raise --train.")
    missing = [c for c in _COLUMNS if c not in rows[0]]
    if missing:
        raise KeyError(f"Training rows need the columns {missing}; they have {sorted(rows[0])}.")
    columns = _COLUMNS + (("competitors",) if all("competitors" in r for r in rows) else ())
    return Dataset.from_list([{c: r[c] for c in columns} for r in rows])


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

    ``settings`` (default :class:`RLSettings`) become the trainer's config through
    :meth:`RLSettings.trainer_config`.

    >>> model, history = train_policy(model, tok, reward, train_rows, output_dir="out/ppo",
    ...                               settings=RLSettings(steps=40), callbacks=[selector])  # doctest: +SKIP
    """
    config = (settings or RLSettings()).trainer_config(trainer, output_dir)
    dataset = training_dataset(rows)
    funcs = list(reward_funcs) if isinstance(reward_funcs, (list, tuple)) else [reward_funcs]
    if trainer == "ppo":
        from shaping.ppo import PPOTrainer

        engine = PPOTrainer(model=model, reward_funcs=funcs, args=config, train_dataset=dataset,
                            processing_class=tokenizer, callbacks=list(callbacks))
        engine.train()
        return engine.policy, list(engine.state.log_history)
    from trl import GRPOTrainer

    engine = GRPOTrainer(model=model, reward_funcs=funcs, args=config, train_dataset=dataset,
                         processing_class=tokenizer, callbacks=list(callbacks))
    engine.train()
    return engine.model, list(engine.state.log_history)
