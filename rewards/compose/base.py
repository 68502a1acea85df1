"""Building blocks of composed rewards: running moments, component calls, logging.

A composed reward calls its component rewards on the whole batch (each component checks
its own columns and raises on bad input), combines their values and logs each component's
mean and the outcome rates under ``rewards/<name>/...``. A component that carries its
outcomes (:meth:`rewards.base.OutcomeReward.score_with_outcomes`) is called through that
method, so each row's :class:`~rewards.outcome.OutcomeScore` travels with its value; any
other reward callable gives values alone.

Values are validated once, where they are produced: a :class:`~rewards.base.Reward`
validates its own, a plain function's are validated here when the composition calls it,
and the composition validates what it combines them into.
"""

from __future__ import annotations

import math
import threading
from typing import Any, Callable, Mapping, Sequence

from rewards.base import TRAINER_KWARGS, Reward, check_score
from rewards.outcome import ABSTAIN_KNOWN, Outcome, OutcomeScore, outcome_rates


class RunningMoments:
    """Running mean and standard deviation of a stream of batches (Chan et al., 1979, parallel update).

    One object is shared by every thread that calls its reward, so each method holds a lock,
    and :meth:`update_and_standardize` folds a batch in and standardises it as one step: a
    call never sees another call's half-written statistics, and none is lost.

    >>> m = RunningMoments()
    >>> m.update([1.0, 2.0, 3.0]); m.update([4.0])
    >>> m.count, m.mean, round(m.std, 4)
    (4, 2.5, 1.291)
    """

    def __init__(self) -> None:
        self.count, self.mean, self._m2 = 0, 0.0, 0.0
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:  # a lock does not pickle; each copy gets its own
        with self._lock:
            return {k: v for k, v in vars(self).items() if k != "_lock"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        vars(self).update(state)
        self._lock = threading.Lock()

    def _fold(self, values: Sequence[float]) -> None:
        n = len(values)
        if n == 0:
            return
        batch_mean = sum(values) / n
        batch_m2 = sum((v - batch_mean) ** 2 for v in values)
        total = self.count + n
        delta = batch_mean - self.mean
        self._m2 += batch_m2 + delta**2 * self.count * n / total
        self.mean += delta * n / total
        self.count = total

    def _std(self) -> float:
        return math.sqrt(self._m2 / (self.count - 1)) if self.count > 1 else 0.0

    def _scaled(self, values: Sequence[float]) -> list[float]:
        std = self._std()
        std = std if std > 1e-8 else 1.0
        return [(v - self.mean) / std for v in values]

    def update(self, values: Sequence[float]) -> None:
        """Fold a batch of values into the running statistics."""
        with self._lock:
            self._fold(values)

    @property
    def std(self) -> float:
        """Sample standard deviation (0 with fewer than two values)."""
        with self._lock:
            return self._std()

    def standardize(self, values: Sequence[float]) -> list[float]:
        """``(v - mean) / std``; with no spread yet, only centred."""
        with self._lock:
            return self._scaled(values)

    def update_and_standardize(self, values: Sequence[float]) -> list[float]:
        """Fold ``values`` in, then standardise them by the statistics that include them, as one step.

        >>> RunningMoments().update_and_standardize([1.0, 3.0])
        [-0.7071067811865475, 0.7071067811865475]
        """
        with self._lock:
            self._fold(values)
            return self._scaled(values)


def component_name(reward: Callable, taken: set[str]) -> str:
    """A log-friendly unique name for a component (its ``__name__``, suffixed when repeated)."""
    base = getattr(reward, "__name__", None) or type(reward).__name__
    name, k = base, 2
    while name in taken:
        name, k = f"{base}_{k}", k + 1
    taken.add(name)
    return name


def carries_outcomes(reward: Any) -> bool:
    """Whether a reward gives each row's :class:`OutcomeScore` (a ``score_with_outcomes`` method)."""
    return callable(getattr(reward, "score_with_outcomes", None))


def _check_length(values: Any, name: str, n: int) -> None:
    if not isinstance(values, (list, tuple)) or len(values) != n:
        raise ValueError(
            f"Component {name!r} returned {type(values).__name__} of length "
            f"{len(values) if hasattr(values, '__len__') else '?'} for {n} completions; "
            "a reward must return one float (or None) per completion."
        )


def component_values(reward: Callable, name: str, prompts, completions, columns: Mapping[str, Any]):
    """Call one component on the batch: one finite float (or None) per completion.

    A :class:`~rewards.base.Reward` has validated its values already; those of any other
    callable are validated here, where they enter the composition.
    """
    values = reward(prompts, completions, **columns)
    _check_length(values, name, len(completions))
    if isinstance(reward, Reward):
        return list(values)
    return [check_score(v, reward=name, index=i) for i, v in enumerate(values)]


def component_scores(reward: Callable, name: str, prompts, completions,
                     columns: Mapping[str, Any]) -> list[OutcomeScore]:
    """Call one component on the batch: each row's :class:`OutcomeScore`.

    A component that carries outcomes is called through ``score_with_outcomes``; any other
    gives its values with no outcome (``OutcomeScore(value)``).
    """
    if not carries_outcomes(reward):
        return [OutcomeScore(v) for v in component_values(reward, name, prompts, completions, columns)]
    scored = reward.score_with_outcomes(prompts, completions, **columns)
    _check_length(scored, name, len(completions))
    if isinstance(reward, Reward):
        return list(scored)
    return [OutcomeScore(check_score(s.value, reward=name, index=i), s.outcome, s.known) for i, s in enumerate(scored)]


def subset_columns(columns: Mapping[str, Any], index: Sequence[int], n: int) -> dict[str, Any]:
    """The columns of the rows in ``index``; trainer keywords and non-row values pass through."""
    out = {}
    for key, value in columns.items():
        if key not in TRAINER_KWARGS and isinstance(value, (list, tuple)) and len(value) == n:
            out[key] = [value[i] for i in index]
        else:
            out[key] = value
    return out


class ComposedReward(Reward):
    """Base of composed rewards: TRL's signature, whole-batch scoring, validated, logged.

    Subclasses implement :meth:`compose`. Like an outcome reward, a composed reward gives
    each row's :class:`OutcomeScore` (:meth:`score_with_outcomes`), carrying the outcome
    (and knowledge label) of the outcome reward inside it where it has one.
    """

    #: True for a composition whose values are its components' values unchanged (routing):
    #: they were validated where they were produced, so they are not checked again.
    passes_values_through = False

    def compose(self, prompts, completions, columns: dict[str, Any],
                metrics: dict[str, float]) -> list[OutcomeScore]:
        """Return one :class:`OutcomeScore` per completion; add log metrics to ``metrics``."""
        raise NotImplementedError

    def score_with_outcomes(self, prompts: Sequence[Any], completions: Sequence[Any],
                            **columns: Any) -> list[OutcomeScore]:
        """Like ``__call__``, but each row's :class:`OutcomeScore` instead of its bare value."""
        if len(prompts) != len(completions):
            raise ValueError(
                f"Got {len(prompts)} prompts for {len(completions)} completions; pass one prompt per "
                "completion (repeat a prompt for each of its completions)."
            )
        metrics: dict[str, float] = {}
        scored = self.compose(list(prompts), list(completions), columns, metrics)
        if not self.passes_values_through:
            scored = [OutcomeScore(check_score(s.value, reward=self.__name__, index=i), s.outcome, s.known)
                      for i, s in enumerate(scored)]
        log_metric = columns.get("log_metric")
        if callable(log_metric):
            applied = [s.value for s in scored if s.value is not None]
            if applied:
                metrics["mean"] = sum(applied) / len(applied)
            for key, value in metrics.items():
                log_metric(f"rewards/{self.__name__}/{key}", value)
        return scored

    def __call__(self, prompts: Sequence[Any], completions: Sequence[Any], **columns: Any) -> list[float | None]:
        return [s.value for s in self.score_with_outcomes(prompts, completions, **columns)]

    def score(self, prompt: Any, completion: Any, **row: Any) -> float | None:
        return self([prompt], [completion], **{k: [v] for k, v in row.items()})[0]


def log_component(metrics: dict[str, float], name: str, values: Sequence[float | None]) -> None:
    """Add a component's mean (over the rows it applies to) to ``metrics``."""
    applied = [v for v in values if v is not None]
    if applied:
        metrics[f"{name}/mean"] = sum(applied) / len(applied)


def log_outcomes(metrics: dict[str, float], scored: Sequence[OutcomeScore]) -> None:
    """Add the correct / abstain / wrong rates over the judged rows to ``metrics`` and, where
    the rows carry knowledge labels, ``abstain_known_rate``: the share that declined a
    question the policy is known to know (a part of ``abstain_rate``)."""
    judged = [s for s in scored if s.outcome is not None]
    if not judged:
        return
    rates = outcome_rates(s.outcome for s in judged)
    for outcome in Outcome:
        metrics[f"{outcome.value}_rate"] = rates[outcome.value]
    if any(s.known is not None for s in judged):
        metrics[f"{ABSTAIN_KNOWN}_rate"] = sum(s.label == ABSTAIN_KNOWN for s in judged) / len(judged)
