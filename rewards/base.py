"""The reward contract: TRL's ``reward_funcs`` signature, validated, for every reward.

A reward is called as ``reward(prompts, completions, **columns) -> list[float | None]``.
``None`` means "this reward does not apply to this row"; an error always raises, because a
silent 0 looks like an abstention and trains the policy on a lie.

Subclass :class:`Reward` and implement :meth:`Reward.score` for a reward with state or
parameters, or wrap a plain per-response function with :func:`rewards.rule.reward_rule`.
A reward whose value follows from the response's :class:`~rewards.outcome.Outcome`
subclasses :class:`OutcomeReward`: besides the plain floats it gives each row's
:class:`~rewards.outcome.OutcomeScore` (:meth:`OutcomeReward.score_with_outcomes`), which
is what compositions read.

Each score is validated once, where it is produced: by :meth:`Reward.__call__` (and
:meth:`OutcomeReward.score_with_outcomes`) for a reward, by the composition for a composed
reward or a plain function it calls.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Callable, Iterable, Mapping, Sequence

from rewards.outcome import OutcomeScore

# Keyword arguments TRL passes to reward functions that are not dataset columns.
TRAINER_KWARGS = frozenset({"trainer_state", "log_metric", "log_extra", "completion_ids", "environments"})

#: Every reward class registered with :func:`register`, by name (used by the contract tests).
REGISTRY: dict[str, type] = {}


def register(cls: type) -> type:
    """Class decorator: list a reward class in :data:`REGISTRY`."""
    REGISTRY[cls.__name__] = cls
    return cls


def batch_rows(n: int, columns: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Split the batch-aligned columns into one dict per row; other keywords are dropped.

    TRL passes dataset columns as lists of the batch's length, and a few trainer keywords
    (``trainer_state``, ``log_metric``) that are not per-row data.
    """
    columns = {key: (value.tolist() if hasattr(value, "tolist") and not isinstance(value, str) else value)
               for key, value in columns.items()}  # a numpy array or pandas Series of the batch's length
    per_row = {
        key: value
        for key, value in columns.items()
        if key not in TRAINER_KWARGS and isinstance(value, (list, tuple)) and len(value) == n
    }
    for key, value in columns.items():
        if key in TRAINER_KWARGS or key in per_row:
            continue
        if isinstance(value, (list, tuple)) and len(value) != n:
            raise ValueError(
                f"Column {key!r} has {len(value)} values for a batch of {n} completions; "
                "pass one value per completion (repeat each prompt's row for its completions)."
            )
    return [{key: value[i] for key, value in per_row.items()} for i in range(n)]


def check_column_names(**names: Any) -> None:
    """Raise ``ValueError`` unless every keyword names a column (a non-empty string).

    >>> check_column_names(answers_column="answers")
    >>> check_column_names(answers_column="")
    Traceback (most recent call last):
    ValueError: answers_column='' must be a column name (a non-empty string).
    """
    for key, value in names.items():
        if not isinstance(value, str) or not value:
            raise ValueError(f"{key}={value!r} must be a column name (a non-empty string).")


def check_finite(name: str, value: Any) -> float:
    """Return a constructor argument as a float; raise ``ValueError`` naming it unless it is a
    finite real number (bools are rejected: ``True`` is not a reward value).

    >>> check_finite("wrong", -3)
    -3.0
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"{name}={value!r} must be a finite number.")
    return float(value)


def check_score(value: Any, *, reward: str, index: int) -> float | None:
    """Return ``value`` as a float (or None); raise on anything that is not a finite number."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"Reward {reward!r} returned {value!r} ({type(value).__name__}) for row {index}; "
            "a reward must return a finite float, or None when it does not apply to the row."
        )
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(
            f"Reward {reward!r} returned {value} for row {index}; rewards must be finite. "
            "Fix the rule (or clip its output) instead of letting a NaN/inf reach the optimiser."
        )
    return value


class Reward:
    """Base class for batch rewards with TRL's ``reward_funcs`` signature.

    Subclasses set ``columns`` (the dataset columns they need) and implement
    :meth:`score`, which sees one row. ``__call__`` checks the batch, calls ``score`` per
    row, validates every value and, when TRL passes ``log_metric``, calls :meth:`log`.
    A subclass that overrides ``__call__`` must validate its values the same way
    (:func:`check_score`): compositions trust a :class:`Reward`'s values as they come.
    """

    #: Dataset columns the reward needs; a batch without them raises ``KeyError``.
    columns: tuple[str, ...] = ()

    @property
    def __name__(self) -> str:  # TRL logs rewards under ``reward_func.__name__``
        return getattr(self, "name", None) or type(self).__name__

    def score(self, prompt: Any, completion: Any, **row: Any) -> float | None:
        """Score one response; ``row`` holds that row's dataset columns."""
        raise NotImplementedError

    def check_columns(self, given: Iterable[str]) -> None:
        """Raise ``KeyError`` naming the first missing column and the columns given."""
        given = sorted(k for k in given if k not in TRAINER_KWARGS)
        for column in self.columns:
            if column not in given:
                raise KeyError(
                    f"{self.__name__} needs the dataset column {column!r}, but the batch has "
                    f"columns {given}. Add {column!r} to the dataset, or pass the name of the "
                    "column that holds it when you build the reward."
                )

    def check_batch(self, prompts: Sequence[Any], completions: Sequence[Any], columns: Mapping[str, Any]) -> list[dict]:
        """Check the batch (one prompt per completion, the columns the reward needs) and split
        its columns into one dict per row."""
        if len(prompts) != len(completions):
            raise ValueError(
                f"Got {len(prompts)} prompts for {len(completions)} completions; pass one "
                "prompt per completion (repeat a prompt for each of its completions)."
            )
        self.check_columns(columns)
        rows = batch_rows(len(completions), columns)
        for column in self.columns:
            if rows and column not in rows[0]:
                value = columns[column]
                raise TypeError(f"{self.__name__}: column {column!r} holds a {type(value).__name__} ({value!r:.60}), "
                                f"not one value per completion; pass a list of {len(completions)} values, e.g. "
                                f"{column}=[['Paris'], ...] (one list of gold answers per completion).")
        return rows

    def __call__(
        self, prompts: Sequence[Any], completions: Sequence[Any], **columns: Any
    ) -> list[float | None]:
        rows = self.check_batch(prompts, completions, columns)
        scores = [
            check_score(self.score(p, c, **row), reward=self.__name__, index=i)
            for i, (p, c, row) in enumerate(zip(prompts, completions, rows))
        ]
        log_metric = columns.get("log_metric")
        if callable(log_metric):
            self.log(log_metric, prompts, completions, scores, rows)
        return scores

    def log(self, log_metric: Callable[[str, float], None], prompts, completions, scores, rows) -> None:
        """Hook for extra metrics; called only when the trainer passes ``log_metric``."""

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if not k.startswith("_"))
        return f"{type(self).__name__}({fields})"


class OutcomeReward(Reward):
    """A reward whose value on each row is set by the response's :class:`~rewards.outcome.Outcome`.

    Subclasses implement :meth:`score_outcome` (one row) and :attr:`outcome_levels`.
    :meth:`score_with_outcomes` gives each row's :class:`~rewards.outcome.OutcomeScore`
    (value, outcome and, for knowledge-aware rewards, whether the question is known);
    ``__call__`` gives the same values as plain floats, as TRL expects. Both do the same
    work (logging, label refreshes), so a composition may call either. The hooks are
    :meth:`log_outcomes` (in place of :meth:`Reward.log`) and :meth:`after_batch`.
    """

    @property
    def outcome_levels(self) -> dict[str, float]:
        """Every value the reward gives, by :attr:`OutcomeScore.label`: ``correct``,
        ``abstain``, ``wrong`` (and ``abstain_known`` for a knowledge-aware reward)."""
        raise NotImplementedError

    def score_outcome(self, prompt: Any, completion: Any, **row: Any) -> OutcomeScore:
        """Score one response; ``row`` holds that row's dataset columns."""
        raise NotImplementedError

    def score(self, prompt: Any, completion: Any, **row: Any) -> float | None:
        return self.score_outcome(prompt, completion, **row).value

    def score_with_outcomes(self, prompts: Sequence[Any], completions: Sequence[Any],
                            **columns: Any) -> list[OutcomeScore]:
        """Like ``__call__``, but each row's :class:`OutcomeScore` instead of its bare value."""
        rows = self.check_batch(prompts, completions, columns)
        scored = []
        for i, (p, c, row) in enumerate(zip(prompts, completions, rows)):
            s = self.score_outcome(p, c, **row)
            scored.append(OutcomeScore(check_score(s.value, reward=self.__name__, index=i), s.outcome, s.known))
        log_metric = columns.get("log_metric")
        if callable(log_metric):
            self.log_outcomes(log_metric, scored)
        self.after_batch(prompts, rows, scored)
        return scored

    def __call__(
        self, prompts: Sequence[Any], completions: Sequence[Any], **columns: Any
    ) -> list[float | None]:
        return [s.value for s in self.score_with_outcomes(prompts, completions, **columns)]

    def log_outcomes(self, log_metric: Callable[[str, float], None], scored: list[OutcomeScore]) -> None:
        """Hook for extra metrics; called only when the trainer passes ``log_metric``."""

    def after_batch(self, prompts: Sequence[Any], rows: list[dict], scored: list[OutcomeScore]) -> None:
        """Hook called after each batch is scored and logged (a knowledge-aware reward
        refreshes its labels here)."""
