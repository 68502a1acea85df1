"""The reward contract: TRL's ``reward_funcs`` signature, validated, for every reward.

A reward is called as ``reward(prompts, completions, **columns) -> list[float | None]``.
``None`` means "this reward does not apply to this row"; an error always raises, because a
silent 0 looks like an abstention and trains the policy on a lie.

Subclass :class:`Reward` and implement :meth:`Reward.score` for a reward with state or
parameters, or wrap a plain per-response function with :func:`reward_rule`.
"""

from __future__ import annotations

import importlib
import math
import numbers
from typing import Any, Callable, Iterable, Mapping, Sequence

from rewards.messages import completion_text, query_text
from rewards.outcome import Outcome

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

    def __call__(
        self, prompts: Sequence[Any], completions: Sequence[Any], **columns: Any
    ) -> list[float | None]:
        if len(prompts) != len(completions):
            raise ValueError(
                f"Got {len(prompts)} prompts for {len(completions)} completions; pass one "
                "prompt per completion (repeat a prompt for each of its completions)."
            )
        self.check_columns(columns)
        rows = batch_rows(len(completions), columns)
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


# Default values an Outcome maps to when a rule returns one.
DEFAULT_OUTCOME_VALUES = {Outcome.CORRECT: 1.0, Outcome.ABSTAIN: 0.0, Outcome.WRONG: -1.0}


def _resolve(module: str, qualname: str) -> Any:
    obj: Any = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


class RuleReward(Reward):
    """A per-response function lifted to a batch reward; made by :func:`reward_rule`."""

    def __init__(
        self,
        fn: Callable[..., Any],
        *,
        name: str | None = None,
        columns: Sequence[str] = (),
        outcome_values: Mapping[Outcome | str, float] | None = None,
    ) -> None:
        if not callable(fn):
            raise TypeError(f"reward_rule needs a function, got {fn!r}.")
        self.fn = fn
        self.name = name or getattr(fn, "__name__", type(fn).__name__)
        self.columns = tuple(columns)
        values = dict(DEFAULT_OUTCOME_VALUES)
        for key, value in (outcome_values or {}).items():
            values[Outcome(key)] = float(value)
        if not values[Outcome.CORRECT] > values[Outcome.ABSTAIN] > values[Outcome.WRONG]:
            raise ValueError(
                f"outcome_values must order correct > abstain > wrong; got {values}. "
                "Raise the correct value or lower the wrong one."
            )
        self.outcome_values = values
        self.__doc__ = getattr(fn, "__doc__", None)
        self.__wrapped__ = fn

    def score(self, prompt: Any, completion: Any, **row: Any) -> float | None:
        value = self.fn(completion_text(completion), query_text(prompt), **row)
        if isinstance(value, Outcome):
            return self.outcome_values[value]
        return value

    def __reduce__(self):
        # ``@reward_rule`` replaces the module attribute with this object, so pickle
        # it by reference when it is reachable that way (like a plain function).
        module = getattr(self.fn, "__module__", None)
        qualname = getattr(self.fn, "__qualname__", "")
        if module and "<" not in qualname:
            try:
                if _resolve(module, qualname) is self:
                    return (_resolve, (module, qualname))
            except (ImportError, AttributeError):
                pass
        return (_rebuild_rule, (self.fn, self.name, self.columns, self.outcome_values))


def _rebuild_rule(fn, name, columns, outcome_values) -> RuleReward:
    return RuleReward(fn, name=name, columns=columns, outcome_values=outcome_values)


def reward_rule(
    fn: Callable[..., Any] | None = None,
    *,
    name: str | None = None,
    columns: Sequence[str] = (),
    outcome_values: Mapping[Outcome | str, float] | None = None,
):
    """Turn ``fn(response, question, **row) -> float | Outcome | None`` into a batch reward.

    The result follows the whole contract: TRL's signature, strings or chat messages,
    ``None`` passed through, a readable ``__name__``, picklable (when ``fn`` is defined at
    module level), and errors raised, never scored. An :class:`Outcome` return is mapped
    through ``outcome_values`` (default correct 1, abstain 0, wrong -1).

    >>> @reward_rule(columns=["answers"])
    ... def cites_a_year(response, question, answers, **row):
    ...     return 0.5 if any(ch.isdigit() for ch in response) else 0.0
    >>> cites_a_year(["When?"], ["In 1066."], answers=[["1066"]])
    [0.5]
    """

    def wrap(f: Callable[..., Any]) -> RuleReward:
        return RuleReward(f, name=name, columns=columns, outcome_values=outcome_values)

    return wrap(fn) if fn is not None else wrap
