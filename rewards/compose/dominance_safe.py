"""The dominance-safe composition: an RM squashed into a band inside each outcome's reward.

With outcome levels ``wrong < abstain < correct`` and ``g`` the smallest gap between two
levels, a response gets ``level(outcome) + band * g * (squash(rm) - 1/2)`` with squash in
[0, 1] and ``0 < band < 1``. Each outcome's values then lie in
``[level - band*g/2, level + band*g/2]``, and these intervals never overlap: for ANY RM
scores a correct answer outranks an abstention and an abstention a wrong answer, while
within an outcome the RM's order is kept (squash is monotone). Each outcome's mean stays
near its level, so the implied confidence threshold ``(a - w) / (c - w)`` is kept too.
"""

from __future__ import annotations

import math
from typing import Callable, Mapping

from rewards.base import register
from rewards.compose.base import (
    ComposedReward,
    RunningMoments,
    call_component,
    component_name,
    log_component,
    log_outcomes,
    outcome_levels,
    outcomes_from_values,
    subset_columns,
)
from rewards.outcome import Outcome

_SQUASH = ("sigmoid", "rank")


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def _ranks(values: list[float]) -> list[float]:
    """Average ranks of ``values`` scaled to [0, 1] (ties share a rank; one value -> 0.5)."""
    if len(values) == 1:
        return [0.5]
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 / (len(values) - 1)
        i = j + 1
    return ranks


@register
class DominanceSafe(ComposedReward):
    """Outcome reward plus an RM that can reorder responses only within an outcome.

    Args:
        outcome_reward: a reward with one value per outcome (e.g. ``TruthfulnessReward``).
        rm: any reward (a learned RM, a style rule); its scale does not matter.
        band: width of each outcome's RM band as a fraction (0, 1) of the smallest gap
            between outcome levels.
        squash: ``"sigmoid"`` of the RM score standardised by its running mean and std
            (stable across batches), or ``"rank"`` within the batch.
        levels: ``{outcome: value}`` when ``outcome_reward`` does not expose
            ``correct``/``abstain``/``wrong``.

    Rows the outcome reward does not apply to (None) get None: route them elsewhere.

    >>> from rewards import TruthfulnessReward
    >>> rm = lambda prompts, completions, **kw: [9.0, -9.0]    # prefers the wrong answer
    >>> r = DominanceSafe(TruthfulnessReward(1.0, 0.0, -3.0), rm, squash="rank")
    >>> r(["Capital of France?"] * 2, ["Lyon.", "I don't know."], answers=[["Paris"]] * 2)
    [-2.75, -0.25]
    """

    def __init__(self, outcome_reward: Callable, rm: Callable, *, band: float = 0.5,
                 squash: str = "sigmoid", temperature: float = 1.0,
                 levels: Mapping[Outcome | str, float] | None = None, name: str = "dominance_safe") -> None:
        if not (callable(outcome_reward) and callable(rm)):
            raise TypeError(f"outcome_reward and rm must be reward callables; got {outcome_reward!r}, {rm!r}.")
        if not 0 < band < 1:
            raise ValueError(f"band={band} must lie strictly between 0 and 1 (a fraction of the smallest outcome gap).")
        if squash not in _SQUASH:
            raise ValueError(f"squash={squash!r} is not one of {_SQUASH}.")
        if not temperature > 0:
            raise ValueError(f"temperature={temperature} must be positive.")
        found = {Outcome(k): float(v) for k, v in levels.items()} if levels else outcome_levels(outcome_reward)
        if found is None or set(found) != set(Outcome):
            raise ValueError(
                f"Cannot tell the outcome levels of {outcome_reward!r}; pass levels={{'correct': c, "
                "'abstain': a, 'wrong': w}} with the values it returns."
            )
        if not found[Outcome.CORRECT] > found[Outcome.ABSTAIN] > found[Outcome.WRONG]:
            raise ValueError(f"levels {found} must order correct > abstain > wrong.")
        self.outcome_reward, self.rm, self.levels = outcome_reward, rm, found
        self.band, self.squash, self.temperature, self.name = band, squash, temperature, name
        ordered = sorted(found.values())
        self.width = band * min(b - a for a, b in zip(ordered, ordered[1:]))
        taken: set[str] = set()
        self.names = (component_name(outcome_reward, taken), component_name(rm, taken))
        self.moments = RunningMoments()

    def squashed(self, scores: list[float]) -> list[float]:
        """RM scores mapped monotonically into [0, 1]."""
        if not scores:
            return []
        if self.squash == "rank":
            return _ranks(scores)
        self.moments.update(scores)
        return [_sigmoid(z / self.temperature) for z in self.moments.standardize(scores)]

    def compose(self, prompts, completions, columns, metrics):
        outcome_name, rm_name = self.names
        values = call_component(self.outcome_reward, outcome_name, prompts, completions, columns)
        outcomes = outcomes_from_values(values, self.levels, outcome_name)
        index = [i for i, o in enumerate(outcomes) if o is not None]
        scores: list[float | None] = [None] * len(completions)
        if index:  # the RM scores only the rows the outcome reward applies to
            sub = subset_columns(columns, index, len(completions))
            rm_values = call_component(self.rm, rm_name, [prompts[i] for i in index],
                                       [completions[i] for i in index], sub)
            applied = [v for v in rm_values if v is not None]
            squashed = iter(self.squashed(applied))
            for i, v in zip(index, rm_values):
                s = 0.5 if v is None else next(squashed)
                scores[i] = self.levels[outcomes[i]] + self.width * (s - 0.5)
            log_component(metrics, rm_name, rm_values)
        log_component(metrics, outcome_name, values)
        log_outcomes(metrics, outcomes)
        return scores
