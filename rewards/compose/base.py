"""Building blocks of composed rewards: running moments, component calls, outcome levels, logging.

A composed reward calls its component rewards on the whole batch (each component checks
its own columns and raises on bad input), validates every value, combines them and logs
each component's mean and the outcome rates under ``rewards/<name>/...``.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Mapping, Sequence

from rewards.base import TRAINER_KWARGS, Reward, check_score
from rewards.outcome import Outcome


class RunningMoments:
    """Running mean and standard deviation of a stream of batches (Chan et al., 1979, parallel update).

    >>> m = RunningMoments()
    >>> m.update([1.0, 2.0, 3.0]); m.update([4.0])
    >>> m.count, m.mean, round(m.std, 4)
    (4, 2.5, 1.291)
    """

    def __init__(self) -> None:
        self.count, self.mean, self._m2 = 0, 0.0, 0.0

    def update(self, values: Sequence[float]) -> None:
        """Fold a batch of values into the running statistics."""
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

    @property
    def std(self) -> float:
        """Sample standard deviation (0 with fewer than two values)."""
        return math.sqrt(self._m2 / (self.count - 1)) if self.count > 1 else 0.0

    def standardize(self, values: Sequence[float]) -> list[float]:
        """``(v - mean) / std``; with no spread yet, only centred."""
        std = self.std if self.std > 1e-8 else 1.0
        return [(v - self.mean) / std for v in values]


def component_name(reward: Callable, taken: set[str]) -> str:
    """A log-friendly unique name for a component (its ``__name__``, suffixed when repeated)."""
    base = getattr(reward, "__name__", None) or type(reward).__name__
    name, k = base, 2
    while name in taken:
        name, k = f"{base}_{k}", k + 1
    taken.add(name)
    return name


def call_component(reward: Callable, name: str, prompts, completions, columns: Mapping[str, Any]):
    """Call one component on the batch and validate its values (finite float or None)."""
    values = reward(prompts, completions, **columns)
    if not isinstance(values, (list, tuple)) or len(values) != len(completions):
        raise ValueError(
            f"Component {name!r} returned {type(values).__name__} of length "
            f"{len(values) if hasattr(values, '__len__') else '?'} for {len(completions)} completions; "
            "a reward must return one float (or None) per completion."
        )
    return [check_score(v, reward=name, index=i) for i, v in enumerate(values)]


def subset_columns(columns: Mapping[str, Any], index: Sequence[int], n: int) -> dict[str, Any]:
    """The columns of the rows in ``index``; trainer keywords and non-row values pass through."""
    out = {}
    for key, value in columns.items():
        if key not in TRAINER_KWARGS and isinstance(value, (list, tuple)) and len(value) == n:
            out[key] = [value[i] for i in index]
        else:
            out[key] = value
    return out


def outcome_levels(reward: Any) -> dict[Outcome, float] | None:
    """The value an outcome reward gives each outcome, when it says (``correct``/``abstain``/``wrong``
    attributes, as :class:`rewards.TruthfulnessReward`, or ``outcome_values``); else None."""
    if all(isinstance(getattr(reward, k, None), (int, float)) for k in ("correct", "abstain", "wrong")):
        return {o: float(getattr(reward, o.value)) for o in Outcome}
    values = getattr(reward, "outcome_values", None)
    if isinstance(values, Mapping) and len(values) == 3:
        return {Outcome(k): float(v) for k, v in values.items()}
    return None


def outcomes_from_values(values: Sequence[float | None], levels: Mapping[Outcome, float], name: str):
    """Map each outcome-reward value back to its outcome; raise on a value that is no level."""
    span = max(levels.values()) - min(levels.values())
    out: list[Outcome | None] = []
    for i, v in enumerate(values):
        if v is None:
            out.append(None)
            continue
        outcome, level = min(levels.items(), key=lambda kv: abs(kv[1] - v))
        if abs(level - v) > 1e-6 * max(1.0, span):
            raise ValueError(
                f"Outcome reward {name!r} returned {v} for row {i}, which is none of its levels "
                f"{ {o.value: x for o, x in levels.items()} }; pass levels= matching what it returns."
            )
        out.append(outcome)
    return out


class ComposedReward(Reward):
    """Base of composed rewards: TRL's signature, whole-batch scoring, validated, logged."""

    def compose(self, prompts, completions, columns: dict[str, Any], metrics: dict[str, float]):
        """Return one value (or None) per completion; add log metrics to ``metrics``."""
        raise NotImplementedError

    def __call__(self, prompts: Sequence[Any], completions: Sequence[Any], **columns: Any):
        if len(prompts) != len(completions):
            raise ValueError(
                f"Got {len(prompts)} prompts for {len(completions)} completions; pass one prompt per "
                "completion (repeat a prompt for each of its completions)."
            )
        metrics: dict[str, float] = {}
        values = self.compose(list(prompts), list(completions), columns, metrics)
        scores = [check_score(v, reward=self.__name__, index=i) for i, v in enumerate(values)]
        log_metric = columns.get("log_metric")
        if callable(log_metric):
            applied = [s for s in scores if s is not None]
            if applied:
                metrics["mean"] = sum(applied) / len(applied)
            for key, value in metrics.items():
                log_metric(f"rewards/{self.__name__}/{key}", value)
        return scores

    def score(self, prompt: Any, completion: Any, **row: Any) -> float | None:
        return self([prompt], [completion], **{k: [v] for k, v in row.items()})[0]


def log_component(metrics: dict[str, float], name: str, values: Sequence[float | None]) -> None:
    """Add a component's mean (over the rows it applies to) to ``metrics``."""
    applied = [v for v in values if v is not None]
    if applied:
        metrics[f"{name}/mean"] = sum(applied) / len(applied)


def log_outcomes(metrics: dict[str, float], outcomes: Sequence[Outcome | None]) -> None:
    """Add the correct / abstain / wrong rates (over judged rows) to ``metrics``."""
    judged = [o for o in outcomes if o is not None]
    if judged:
        for outcome in Outcome:
            metrics[f"{outcome.value}_rate"] = sum(o is outcome for o in judged) / len(judged)
