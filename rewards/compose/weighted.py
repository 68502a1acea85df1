"""A weighted sum of rewards, each optionally standardised and clipped.

>>> def length(prompts, completions, **kw): return [float(len(c)) for c in completions]
>>> WeightedSum([length, length], [1.0, 0.5])(["q"], ["abcd"])
[6.0]
"""

from __future__ import annotations

import math
from typing import Callable, Sequence

from rewards.base import register
from rewards.compose.base import (
    ComposedReward,
    RunningMoments,
    component_name,
    component_scores,
    log_component,
    log_outcomes,
)
from rewards.outcome import OutcomeScore

_NORMALIZE = (None, "running", "fixed")


@register
class WeightedSum(ComposedReward):
    """``sum_k w_k * clip(norm_k(r_k))`` over the components that apply to a row.

    Args:
        rewards: component rewards (TRL signature).
        weights: one per reward (default all 1). A weight of 0 keeps a component as a logged
            metric only.
        normalize: ``"running"`` standardises each component by its running mean and std,
            ``"fixed"`` divides it by ``scales``, None leaves it raw.
        clip: clip each normalised component to ``[-clip, clip]``.

    A row gets None when no weighted component applies to it. The outcome rates of the
    components that carry outcomes are logged (``rewards/<name>/correct_rate`` ...); the
    sum itself carries no outcome.

    >>> def length(prompts, completions, **kw): return [float(len(c)) for c in completions]
    >>> WeightedSum([length, length], [1.0, 0.5])(["q"], ["abcd"])
    [6.0]
    """

    def __init__(self, rewards: Sequence[Callable], weights: Sequence[float] | None = None, *,
                 normalize: str | None = None, scales: Sequence[float] | None = None,
                 clip: float | None = None, name: str = "weighted_sum") -> None:
        rewards = list(rewards)
        if not rewards or not all(callable(r) for r in rewards):
            raise ValueError(f"rewards={rewards!r} must be a non-empty list of reward callables.")
        weights = [1.0] * len(rewards) if weights is None else [float(w) for w in weights]
        if len(weights) != len(rewards):
            raise ValueError(f"Got {len(weights)} weights for {len(rewards)} rewards; pass one weight per reward.")
        if not all(math.isfinite(w) for w in weights) or not any(weights):
            raise ValueError(f"weights={weights} must be finite and not all 0 (0 = logged only).")
        if normalize not in _NORMALIZE:
            raise ValueError(f"normalize={normalize!r} is not one of {_NORMALIZE}.")
        if normalize == "fixed":
            scales = [float(s) for s in (scales or [])]
            if len(scales) != len(rewards) or not all(s > 0 and math.isfinite(s) for s in scales):
                raise ValueError(
                    f"normalize='fixed' needs scales: one positive number per reward ({len(rewards)}); "
                    f"got {scales}."
                )
        elif scales is not None:
            raise ValueError(f"scales={scales} is only used with normalize='fixed' (got normalize={normalize!r}).")
        if clip is not None and not clip > 0:
            raise ValueError(f"clip={clip} must be a positive number (or None for no clipping).")
        taken: set[str] = set()
        self.name, self.normalize, self.clip = name, normalize, clip
        self.rewards, self.weights, self.scales = rewards, weights, scales
        self.names = [component_name(r, taken) for r in rewards]
        self.moments = [RunningMoments() for _ in rewards]

    def _normalized(self, k: int, values: list[float | None]) -> list[float | None]:
        applied = [v for v in values if v is not None]
        if self.normalize == "running":
            applied = self.moments[k].update_and_standardize(applied)
        elif self.normalize == "fixed":
            applied = [v / self.scales[k] for v in applied]
        if self.clip is not None:
            applied = [min(max(v, -self.clip), self.clip) for v in applied]
        it = iter(applied)
        return [None if v is None else next(it) for v in values]

    def compose(self, prompts, completions, columns, metrics) -> list[OutcomeScore]:
        total: list[float | None] = [None] * len(completions)
        for k, (reward, name, weight) in enumerate(zip(self.rewards, self.names, self.weights)):
            scored = component_scores(reward, name, prompts, completions, columns)
            values = [s.value for s in scored]
            log_component(metrics, name, values)
            log_outcomes(metrics, scored)
            if weight == 0:
                continue
            for i, v in enumerate(self._normalized(k, values)):
                if v is not None:
                    total[i] = (total[i] or 0.0) + weight * v
        return [OutcomeScore(v) for v in total]
