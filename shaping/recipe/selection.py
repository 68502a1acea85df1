"""Checkpoint selection on validation truthfulness, with a floor on accuracy.

RL on an abstention-friendly reward passes through a good point (accuracy kept,
hallucination cut) and can then drift into abstaining everywhere (docs/demo.md). The
:class:`ValidationSelectionCallback` evaluates a held-out validation slice greedily every
N steps, scores it by truthfulness = accuracy - hallucination rate, and keeps the best
checkpoint among those whose accuracy stays at or above ``min_accuracy``: a collapsed
policy (nothing wrong, but nothing correct either) scores a truthfulness near 0 that would
beat most base models, so the accuracy floor is what makes the selection mean "answers
what it knows, declines what it does not".

Its records use the ``validation/`` prefix (``validation/truthfulness``,
``validation/correct``, ...); ``val/`` is TRL's prefix for the PPO value function.
"""

from __future__ import annotations

import copy
import logging
from pathlib import Path
from typing import Any, Mapping, Sequence

from transformers import TrainerCallback

from rewards.outcome import has_no_true_answer, outcome_rates
from shaping.recipe.labels import sample_outcomes

logger = logging.getLogger(__name__)

PREFIX = "validation/"


class ValidationSelectionCallback(TrainerCallback):
    """Evaluate ``rows`` greedily every ``every`` steps; keep the best checkpoint by truthfulness.

    Args:
        rows: validation rows (``prompt``, ``answers``; optional ``known`` bool from the
            base evaluation, which adds ``validation/abstain_known``).
        tokenizer: the policy's tokenizer.
        every: evaluation period in optimizer steps (also evaluated at step 0 and at the end).
        min_accuracy: a checkpoint qualifies only with validation accuracy >= this.
        save_dir: where the best weights are saved (``save_pretrained``); None keeps them
            in memory only.
        restore_best: at the end of training, load the best weights back into the model.

    >>> cb = ValidationSelectionCallback(val_rows, tokenizer, every=10,
    ...                                  min_accuracy=0.9 * base_accuracy)  # doctest: +SKIP
    """

    def __init__(
        self,
        rows: Sequence[Mapping[str, Any]],
        tokenizer,
        *,
        every: int = 10,
        min_accuracy: float = 0.0,
        save_dir: str | Path | None = None,
        restore_best: bool = True,
        max_new_tokens: int = 32,
    ) -> None:
        if not rows:
            raise ValueError("ValidationSelectionCallback needs at least one validation row.")
        if every < 1:
            raise ValueError(f"every={every} must be >= 1.")
        if not 0.0 <= min_accuracy <= 1.0:
            raise ValueError(f"min_accuracy={min_accuracy} must be a fraction in [0, 1].")
        self.rows, self.tokenizer = list(rows), tokenizer
        self.every, self.min_accuracy = every, min_accuracy
        self.save_dir = Path(save_dir) if save_dir else None
        self.restore_best, self.max_new_tokens = restore_best, max_new_tokens
        self.best: dict[str, float] | None = None
        self.history: list[dict[str, float]] = []
        self._best_state: dict[str, Any] | None = None

    @property
    def best_state(self) -> dict[str, Any] | None:
        """A copy of the best qualifying weights (a ``state_dict``), or None while none qualified.

        ``model.load_state_dict(callback.best_state)`` restores them (``restore_best`` does
        that at the end of training).
        """
        return self._best_state

    def evaluate(self, model, step: int) -> dict[str, float]:
        """Greedy validation rates at ``step`` (also appended to :attr:`history`).

        The rates (``validation/correct``, ``/abstain``, ``/wrong``, ``/truthfulness``) are
        over answerable rows; on rows with no true answer (``answers == []``) declining is
        judged correct, so they are reported apart as ``validation/declined_unanswerable``
        and cannot lift the accuracy of a policy that declines everything over the floor.
        ``validation/abstain_known`` is the abstention rate on rows marked ``known``.
        """
        outcomes = [o[0] for o in sample_outcomes(model, self.tokenizer, self.rows, k=1,
                                                  max_new_tokens=self.max_new_tokens)]
        none = [has_no_true_answer(row["answers"]) for row in self.rows]
        answerable = [o for o, no in zip(outcomes, none) if not no]
        record = {"step": step, **{PREFIX + k: v for k, v in outcome_rates(answerable or outcomes).items()}}
        unanswerable = [o for o, no in zip(outcomes, none) if no]
        if unanswerable:
            declined = outcome_rates(unanswerable)  # the judge calls a decline "correct" here
            record[PREFIX + "declined_unanswerable"] = declined["correct"] + declined["abstain"]
        known = [o for o, row, no in zip(outcomes, self.rows, none) if row.get("known") and not no]
        if known:
            record[PREFIX + "abstain_known"] = outcome_rates(known)["abstain"]
        self.history.append(record)
        return record

    def _consider(self, model, record: dict[str, float]) -> None:
        qualifies = record[PREFIX + "correct"] >= self.min_accuracy
        better = self.best is None or record[PREFIX + "truthfulness"] > self.best[PREFIX + "truthfulness"]
        if qualifies and better:
            self.best = record
            self._best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            if self.save_dir:
                model.save_pretrained(self.save_dir)
                self.tokenizer.save_pretrained(self.save_dir)
            logger.info("step %d: new best validation truthfulness %.3f", record["step"],
                        record[PREFIX + "truthfulness"])

    def _run(self, args, state, model) -> None:
        record = self.evaluate(model, state.global_step)
        self._consider(model, record)
        state.log_history.append(copy.copy(record))

    def on_train_begin(self, args, state, control, model=None, **kwargs):
        if model is not None and not self.history:
            self._run(args, state, model)
        return control

    def on_step_end(self, args, state, control, model=None, **kwargs):
        if model is not None and state.global_step % self.every == 0:
            self._run(args, state, model)
        return control

    def on_train_end(self, args, state, control, model=None, **kwargs):
        if model is None:
            return control
        if not self.history or self.history[-1]["step"] != state.global_step:
            self._run(args, state, model)
        if self.restore_best and self._best_state is not None:
            model.load_state_dict(self._best_state)
            logger.info("restored the best checkpoint (step %d, validation %s)", self.best["step"], self.best)
        elif self._best_state is None:
            logger.warning(
                "No checkpoint reached validation accuracy >= %.3f; keeping the final weights.", self.min_accuracy
            )
        return control
