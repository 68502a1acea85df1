"""Compose rule rewards with a learned RM: weighted sums, routing by query type, dominance-safe bands.

Every composed reward is itself a reward with TRL's ``reward_funcs`` signature, so it can
be nested (route knowledge-seeking rows to a dominance-safe truthfulness + RM, creative
rows to the RM alone) and handed to GRPOTrainer, RLOOTrainer or our PPO trainer.

>>> from rewards import TruthfulnessReward
>>> from shaping.compose import DominanceSafe
>>> def confident(prompts, completions, **kw):   # an RM that loves confident answers
...     return [-5.0 if "know" in c else 5.0 for c in completions]
>>> r = DominanceSafe(TruthfulnessReward(1.0, 0.0, -1.0), confident)
>>> s = r(["Capital of Chad?"] * 2, ["It is Lagos.", "I don't know."], answers=[["N'Djamena"]] * 2)
>>> s[1] > s[0]   # the abstention still beats the wrong answer
True
"""

from __future__ import annotations

import math
from typing import Any, Callable, Mapping, Sequence

from rewards.base import register
from rewards.outcome_type import Outcome
from rewards.query_type import QueryType, classify_query

from .composition_base import (
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
from .dominance_safe import DominanceSafe

__all__ = ["DominanceSafe", "RouteByQueryType", "RunningMoments", "WeightedSum"]
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

    A row gets None when no weighted component applies to it.

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
            self.moments[k].update(applied)
            applied = self.moments[k].standardize(applied)
        elif self.normalize == "fixed":
            applied = [v / self.scales[k] for v in applied]
        if self.clip is not None:
            applied = [min(max(v, -self.clip), self.clip) for v in applied]
        it = iter(applied)
        return [None if v is None else next(it) for v in values]

    def compose(self, prompts, completions, columns, metrics):
        total: list[float | None] = [None] * len(completions)
        for k, (reward, name, weight) in enumerate(zip(self.rewards, self.names, self.weights)):
            values = call_component(reward, name, prompts, completions, columns)
            log_component(metrics, name, values)
            levels = outcome_levels(reward)
            if levels is not None:
                log_outcomes(metrics, outcomes_from_values(values, levels, name))
            if weight == 0:
                continue
            for i, v in enumerate(self._normalized(k, values)):
                if v is not None:
                    total[i] = (total[i] or 0.0) + weight * v
        return total


@register
class RouteByQueryType(ComposedReward):
    """Send each row to the reward for its query type (knowledge-seeking, text-grounded, creative).

    The type comes from the ``query_type_column`` when the batch has it, else from
    :func:`rewards.classify_query` on the prompt. Every type must be in ``routes``; map a
    type to None to give its rows no reward (TRL skips None).

    >>> def one(prompts, completions, **kw): return [1.0] * len(completions)
    >>> def two(prompts, completions, **kw): return [2.0] * len(completions)
    >>> r = RouteByQueryType({"knowledge-seeking": one, "text-grounded": one, "creative": two})
    >>> r(["What is the capital of Peru?", "Write a poem about rain."], ["Lima.", "Rain..."])
    [1.0, 2.0]
    """

    def __init__(self, routes: Mapping[QueryType | str, Callable | None], *,
                 query_type_column: str = "query_type", name: str = "route_by_query_type") -> None:
        valid = [q.value for q in QueryType]
        table: dict[QueryType, Callable | None] = {}
        for key, reward in dict(routes).items():
            try:
                table[QueryType(key)] = reward
            except ValueError:
                raise ValueError(f"Unknown query type {key!r} in routes; the types are {valid}.") from None
            if reward is not None and not callable(reward):
                raise TypeError(f"The route for {key!r} is {reward!r}; pass a reward callable or None.")
        missing = [q.value for q in QueryType if q not in table]
        if missing:
            raise ValueError(
                f"routes has no entry for query type(s) {missing}; map every type in {valid} to a "
                "reward, or to None to leave those rows unscored on purpose."
            )
        self.routes, self.query_type_column, self.name = table, query_type_column, name
        taken: set[str] = set()
        self.names = {q: component_name(r, taken) for q, r in table.items() if r is not None}

    def query_types(self, prompts, columns) -> list[QueryType]:
        """Each row's query type, from the column when present, else classified from the prompt."""
        given = columns.get(self.query_type_column)
        if not isinstance(given, (list, tuple)):
            return [classify_query(p) for p in prompts]
        types = []
        for i, (value, prompt) in enumerate(zip(given, prompts)):
            try:
                types.append(classify_query(prompt) if value is None else QueryType(value))
            except ValueError:
                raise ValueError(
                    f"Row {i} has {self.query_type_column}={value!r}; expected one of "
                    f"{[q.value for q in QueryType]} (or None to classify the prompt)."
                ) from None
        return types

    def compose(self, prompts, completions, columns, metrics):
        types = self.query_types(prompts, columns)
        scores: list[float | None] = [None] * len(completions)
        n = len(completions)
        for qtype, reward in self.routes.items():
            index = [i for i, t in enumerate(types) if t is qtype]
            metrics[f"{qtype.value}/fraction"] = len(index) / n if n else 0.0
            if not index or reward is None:
                continue
            sub = subset_columns(columns, index, n)
            values = call_component(reward, self.names[qtype], [prompts[i] for i in index],
                                    [completions[i] for i in index], sub)
            log_component(metrics, qtype.value, values)
            for i, v in zip(index, values):
                scores[i] = v
        return scores

    @classmethod
    def default(cls, rm: Callable, *, truthfulness: Callable | None = None,
                faithfulness: Callable | None = None, **kwargs: Any) -> "RouteByQueryType":
        """The recommended routing: knowledge-seeking -> DominanceSafe(truthfulness, rm),
        text-grounded -> faithfulness + standardised RM, creative -> the RM alone."""
        from rewards.faithfulness import FaithfulnessReward
        from rewards.truthfulness import TruthfulnessReward

        truthfulness = truthfulness or TruthfulnessReward()
        faithfulness = faithfulness or FaithfulnessReward()
        grounded = WeightedSum([faithfulness, rm], [1.0, 0.5], normalize="running", clip=3.0,
                               name="grounded")
        routes = {QueryType.KNOWLEDGE_SEEKING: DominanceSafe(truthfulness, rm, name="knowledge"),
                  QueryType.TEXT_GROUNDED: grounded, QueryType.CREATIVE: rm}
        return cls(routes, **kwargs)

