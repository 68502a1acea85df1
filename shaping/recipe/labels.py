"""Knowledge labels from the policy itself: sample each question k times, judge, refresh.

:func:`sample_outcomes` generates (greedy or sampled) answers in batches and judges them;
:func:`estimate_p_correct` turns k samples per question into P(correct);
:class:`KnowledgeRefreshCallback` re-estimates the training questions with the current
policy every N steps, so the labels that
:class:`rewards.knowledge.KnowledgeAwareTruthfulness` reads follow the policy as it learns.
"""

from __future__ import annotations

import logging
import random
from typing import Any, Mapping, Sequence

from transformers import TrainerCallback

from rewards import Outcome
from rewards.judging import judge_completion
from rewards.knowledge import KnowledgeLabels
from rewards.outcome import outcome_rates
from shaping.generation import generate

logger = logging.getLogger(__name__)


def generate_responses(
    model,
    tokenizer,
    prompts: Sequence[Any],
    *,
    k: int = 1,
    do_sample: bool = False,
    temperature: float = 1.0,
    max_new_tokens: int = 32,
    batch_size: int = 128,
    seed: int = 0,
    desc: str = "generate",
) -> list[list[str]]:
    """Generate ``k`` responses per prompt (chat messages or text); returns one list per prompt.

    Uses :func:`shaping.generation.generate` (each prompt encoded once, finished rows leave
    the batch); the model is put in eval mode for the call and restored after.

    >>> generate_responses(model, tokenizer, [[{"role": "user", "content": "Hi"}]],
    ...                    k=2, do_sample=True)  # doctest: +SKIP
    [['Hello!', 'Hi there.']]
    """
    if k < 1:
        raise ValueError(f"k={k} must be >= 1.")
    if k > 1 and not do_sample:
        raise ValueError(f"k={k} greedy responses would be identical; pass do_sample=True or k=1.")
    was_training = model.training
    model.eval()
    try:
        gens = generate(model, tokenizer, prompts, max_new_tokens=max_new_tokens, do_sample=do_sample,
                        num_samples=k, temperature=temperature, batch_size=batch_size, seed=seed, progress=True,
                        desc=desc)
    finally:
        model.train(was_training)
    return [[g.text for g in row] for row in gens]


def sample_outcomes(
    model, tokenizer, rows: Sequence[Mapping[str, Any]], *, k: int = 1, do_sample: bool = False, **kwargs: Any
) -> list[list[Outcome]]:
    """Generate ``k`` responses per row (``prompt``, ``answers``) and judge each one."""
    for i, row in enumerate(rows):
        if "prompt" not in row or "answers" not in row:
            raise KeyError(f"Row {i} needs 'prompt' and 'answers' columns; it has {sorted(row)}.")
    responses = generate_responses(model, tokenizer, [r["prompt"] for r in rows], k=k, do_sample=do_sample, **kwargs)
    return [
        [judge_completion(row["prompt"], text, row["answers"], row.get("competitors")).outcome for text in texts]
        for row, texts in zip(rows, responses)
    ]


def estimate_p_correct(
    model, tokenizer, rows: Sequence[Mapping[str, Any]], *, k: int = 4, key: str = "id", **kwargs: Any
) -> dict[str, float]:
    """P(correct) per question from ``k`` samples at temperature 1 (the k-sample knowledge boundary).

    >>> estimate_p_correct(model, tokenizer, rows, k=4)  # doctest: +SKIP
    {'capital-france': 1.0, 'capital-burkina-faso': 0.0}
    """
    outcomes = sample_outcomes(model, tokenizer, rows, k=k, do_sample=True, **kwargs)
    return {str(row[key]): outcome_rates(outs)["correct"] for row, outs in zip(rows, outcomes)}


class KnowledgeRefreshCallback(TrainerCallback):
    """Every ``every`` steps, re-sample (a slice of) the training questions and update the labels.

    Logs ``known/fraction`` and the newly known count into ``state.log_history``.

    Args:
        labels: the store the knowledge-aware reward reads.
        rows: training rows with ``prompt``, ``answers`` and the key column.
        tokenizer: the policy's tokenizer.
        every: refresh period in optimizer steps.
        k: samples per question.
        limit: re-sample at most this many questions each time (a random slice), or all.

    >>> cb = KnowledgeRefreshCallback(labels, train_rows, tokenizer, every=20, k=4, limit=64)  # doctest: +SKIP
    """

    def __init__(
        self,
        labels: KnowledgeLabels,
        rows: Sequence[Mapping[str, Any]],
        tokenizer,
        *,
        every: int = 20,
        k: int = 4,
        limit: int | None = None,
        key: str = "id",
        max_new_tokens: int = 32,
        seed: int = 0,
    ) -> None:
        if every < 1 or k < 1:
            raise ValueError(f"every={every} and k={k} must both be >= 1.")
        rows = [r for r in rows if r.get("query_type", "knowledge-seeking") == "knowledge-seeking"]
        if not rows:
            raise ValueError("KnowledgeRefreshCallback got no knowledge-seeking rows to re-sample.")
        self.labels, self.rows, self.tokenizer = labels, list(rows), tokenizer
        self.every, self.k, self.limit, self.key = every, k, limit, key
        self.max_new_tokens = max_new_tokens
        self._rng = random.Random(seed)

    def on_step_end(self, args, state, control, model=None, **kwargs):
        if model is None or state.global_step % self.every:
            return control
        rows = self.rows
        if self.limit and len(rows) > self.limit:
            rows = self._rng.sample(rows, self.limit)
        estimates = estimate_p_correct(
            model, self.tokenizer, rows, k=self.k, key=self.key, max_new_tokens=self.max_new_tokens,
            seed=state.global_step,  # fresh samples at every refresh
        )
        newly = self.labels.update_many(estimates)
        record = {
            "step": state.global_step,
            "known/fraction": self.labels.known_fraction(),
            "known/newly_known": newly,
            "known/sampled_p_correct": sum(estimates.values()) / len(estimates),
        }
        state.log_history.append(record)
        logger.info("step %d: refreshed %d knowledge labels (%d newly known)", state.global_step, len(rows), newly)
        return control
