"""Your own rule as a reward: a per-response function lifted to a batch reward.

:func:`reward_rule` turns ``fn(response, question, **row) -> float | Outcome | None`` into a
reward that follows the whole contract (:mod:`rewards.base`): TRL's signature, strings or
chat messages, None passed through, a readable ``__name__``, picklable, errors raised.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable, Mapping, Sequence

from rewards.base import OutcomeReward
from rewards.messages import completion_text, query_text
from rewards.outcome import Outcome, OutcomeScore, check_outcome_order

__all__ = ["DEFAULT_OUTCOME_VALUES", "RuleReward", "reward_rule"]

# Default values an Outcome maps to when a rule returns one.
DEFAULT_OUTCOME_VALUES = {Outcome.CORRECT: 1.0, Outcome.ABSTAIN: 0.0, Outcome.WRONG: -1.0}


def _resolve(module: str, qualname: str) -> Any:
    obj: Any = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


class RuleReward(OutcomeReward):
    """A per-response function lifted to a batch reward; made by :func:`reward_rule`.

    A rule that returns an :class:`Outcome` gets that outcome's value from
    ``outcome_values``, and its rows carry the outcome; a number it returns is its value,
    with no outcome.
    """

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
        check_outcome_order(values[Outcome.CORRECT], values[Outcome.ABSTAIN], values[Outcome.WRONG],
                            where=f"outcome_values of {self.name}")
        self.outcome_values = values
        self.__doc__ = getattr(fn, "__doc__", None)
        self.__wrapped__ = fn

    @property
    def outcome_levels(self) -> dict[str, float]:
        """The value of each outcome the rule may return (``outcome_values``, by name)."""
        return {outcome.value: value for outcome, value in self.outcome_values.items()}

    def score_outcome(self, prompt: Any, completion: Any, **row: Any) -> OutcomeScore:
        value = self.fn(completion_text(completion), query_text(prompt), **row)
        if isinstance(value, Outcome):
            return OutcomeScore(self.outcome_values[value], value)
        return OutcomeScore(value)

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
