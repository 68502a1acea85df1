"""The dominance-safe composition: an RM squashed into a band around each outcome reward value.

The outcome reward gives a few values: one per outcome (``wrong < abstain < correct``) and,
for a knowledge-aware reward, ``abstain_known`` for declining a known question. With ``g``
the smallest gap between two distinct values, a response gets
``value + band * g * (squash(rm) - 1/2)``, with squash in [0, 1] and ``0 < band < 1``. Each
value's scores then lie in ``[value - band*g/2, value + band*g/2]``, and these intervals
never overlap: for ANY RM scores a correct answer outranks an abstention and an abstention
a wrong answer (and a decline of a known question stays in its own band), while within a
band the RM's order is kept (squash is monotone). Each band's mean stays near its value, so
the implied confidence threshold ``(a - w) / (c - w)`` is kept too.
"""

from __future__ import annotations

import math
from typing import Callable, Mapping, Sequence

from rewards.base import register
from rewards.compose.base import (
    ComposedReward,
    RunningMoments,
    carries_outcomes,
    component_name,
    component_scores,
    component_values,
    log_component,
    log_outcomes,
    subset_columns,
)
from rewards.outcome import Outcome, OutcomeScore, check_outcome_order

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


def outcomes_from_levels(values: Sequence[float | None], levels: Mapping[str, float], name: str) -> list[OutcomeScore]:
    """Match each value of an outcome reward that does not carry its outcomes to its level.

    Only for ``DominanceSafe(..., levels=...)``: a value that is none of the levels raises.

    >>> [s.label for s in outcomes_from_levels([1.0, None, -1.0], {"correct": 1, "abstain": 0, "wrong": -1}, "r")]
    ['correct', None, 'wrong']
    """
    span = max(levels.values()) - min(levels.values())
    out: list[OutcomeScore] = []
    for i, v in enumerate(values):
        if v is None:
            out.append(OutcomeScore(None))
            continue
        label, level = min(levels.items(), key=lambda kv: abs(kv[1] - v))
        if abs(level - v) > 1e-6 * max(1.0, span):
            raise ValueError(
                f"Outcome reward {name!r} returned {v} for row {i}, which is none of its levels "
                f"{dict(levels)}; pass levels= matching what it returns."
            )
        out.append(OutcomeScore(level, Outcome(label)))
    return out


@register
class DominanceSafe(ComposedReward):
    """Outcome reward plus an RM that can reorder responses only within an outcome reward value.

    Args:
        outcome_reward: an outcome reward that carries its outcomes and levels
            (:class:`~rewards.base.OutcomeReward`: ``TruthfulnessReward``,
            ``KnowledgeAwareTruthfulness``, a ``reward_rule`` returning outcomes).
        rm: any reward (a learned RM, a style rule); its scale does not matter.
        band: width of each value's RM band as a fraction (0, 1) of the smallest gap
            between two distinct values of the outcome reward.
        squash: ``"sigmoid"`` of the RM score standardised by its running mean and std
            (stable across batches), or ``"rank"`` within the batch.
        levels: ``{outcome: value}`` for an outcome reward that does not carry its outcomes
            (a plain function): each value it returns is matched to its level.

    Rows the outcome reward does not apply to (None) get None: route them elsewhere. Each
    row carries its outcome and knowledge label (:meth:`score_with_outcomes`), and a
    decline of a known question is logged as ``rewards/<name>/abstain_known_rate``.

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
        self.outcome_reward, self.rm, self.levels = outcome_reward, rm, self._levels(outcome_reward, levels, name)
        self._match_values = bool(levels)  # a plain outcome function: match its values to the levels
        self.band, self.squash, self.temperature, self.name = band, squash, temperature, name
        ordered = sorted(set(self.levels.values()))
        self.width = band * min(b - a for a, b in zip(ordered, ordered[1:]))
        taken: set[str] = set()
        self.names = (component_name(outcome_reward, taken), component_name(rm, taken))
        self.moments = RunningMoments()

    @staticmethod
    def _levels(outcome_reward: Callable, levels: Mapping[Outcome | str, float] | None, name: str) -> dict[str, float]:
        """Every value the outcome reward gives, by label; checked for the outcome order."""
        if levels:
            found = {Outcome(k).value: float(v) for k, v in levels.items()}
        elif carries_outcomes(outcome_reward) and isinstance(getattr(outcome_reward, "outcome_levels", None), Mapping):
            found = {str(k): float(v) for k, v in outcome_reward.outcome_levels.items()}
        else:
            found = {}
        if not {o.value for o in Outcome} <= set(found):
            raise ValueError(
                f"Cannot tell the outcome levels of {outcome_reward!r}; pass an outcome reward that carries its "
                "outcomes (a rewards.OutcomeReward such as TruthfulnessReward), or levels={'correct': c, "
                "'abstain': a, 'wrong': w} with the values it returns."
            )
        check_outcome_order(found["correct"], found["abstain"], found["wrong"], where=f"{name} levels")
        if not all(math.isfinite(v) for v in found.values()):
            raise ValueError(f"{name} levels {found} must all be finite numbers.")
        return found

    def squashed(self, scores: list[float]) -> list[float]:
        """RM scores mapped monotonically into [0, 1]."""
        if not scores:
            return []
        if self.squash == "rank":
            return _ranks(scores)
        return [_sigmoid(z / self.temperature) for z in self.moments.update_and_standardize(scores)]

    def judged(self, prompts, completions, columns) -> list[OutcomeScore]:
        """The outcome reward's :class:`OutcomeScore` of each row; every applied row must carry
        an outcome and a value that is one of the levels, or the bands would not hold."""
        name = self.names[0]
        if self._match_values:
            values = component_values(self.outcome_reward, name, prompts, completions, columns)
            return outcomes_from_levels(values, self.levels, name)
        scored = component_scores(self.outcome_reward, name, prompts, completions, columns)
        allowed = set(self.levels.values())
        for i, s in enumerate(scored):
            if s.value is not None and (s.outcome is None or s.value not in allowed):
                raise ValueError(
                    f"Outcome reward {name!r} gave row {i} the value {s.value} with outcome {s.outcome}, but "
                    f"DominanceSafe needs an outcome and one of its levels {self.levels} for every row it scores; "
                    "return an Outcome from the rule, or pass levels= to match plain values to outcomes."
                )
        return scored

    def compose(self, prompts, completions, columns, metrics) -> list[OutcomeScore]:
        outcome_name, rm_name = self.names
        judged = self.judged(prompts, completions, columns)
        index = [i for i, s in enumerate(judged) if s.value is not None]
        scores = [OutcomeScore(None)] * len(completions)
        if index:  # the RM scores only the rows the outcome reward applies to
            sub = subset_columns(columns, index, len(completions))
            rm_values = component_values(self.rm, rm_name, [prompts[i] for i in index],
                                         [completions[i] for i in index], sub)
            applied = [v for v in rm_values if v is not None]
            squashed = iter(self.squashed(applied))
            for i, v in zip(index, rm_values):
                s = 0.5 if v is None else next(squashed)
                scores[i] = OutcomeScore(judged[i].value + self.width * (s - 0.5), judged[i].outcome, judged[i].known)
            log_component(metrics, rm_name, rm_values)
        log_component(metrics, outcome_name, [s.value for s in judged])
        log_outcomes(metrics, judged)
        return scores
