"""Routing by query type: each row goes to the reward for its kind of query.

>>> def one(prompts, completions, **kw): return [1.0] * len(completions)
>>> def two(prompts, completions, **kw): return [2.0] * len(completions)
>>> r = RouteByQueryType({"knowledge-seeking": one, "text-grounded": one, "creative": two})
>>> r(["What is the capital of Peru?", "Write a poem about rain."], ["Lima.", "Rain..."])
[1.0, 2.0]
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from rewards.base import register
from rewards.compose.base import ComposedReward, component_name, component_scores, log_component, subset_columns
from rewards.compose.dominance_safe import DominanceSafe
from rewards.compose.weighted import WeightedSum
from rewards.outcome import OutcomeScore
from rewards.query_type import QueryType, classify_query


@register
class RouteByQueryType(ComposedReward):
    """Send each row to the reward for its query type (knowledge-seeking, text-grounded, creative).

    The type comes from the ``query_type_column`` when the batch has it, else from
    :func:`rewards.classify_query` on the prompt. Every type must be in ``routes``; map a
    type to None to give its rows no reward (TRL skips None). Each row keeps the outcome
    its route's reward carries (see :meth:`ComposedReward.score_with_outcomes`).

    >>> def one(prompts, completions, **kw): return [1.0] * len(completions)
    >>> def two(prompts, completions, **kw): return [2.0] * len(completions)
    >>> r = RouteByQueryType({"knowledge-seeking": one, "text-grounded": one, "creative": two})
    >>> r(["What is the capital of Peru?", "Write a poem about rain."], ["Lima.", "Rain..."])
    [1.0, 2.0]
    """

    passes_values_through = True

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

    def compose(self, prompts, completions, columns, metrics) -> list[OutcomeScore]:
        types = self.query_types(prompts, columns)
        scores = [OutcomeScore(None)] * len(completions)
        n = len(completions)
        for qtype, reward in self.routes.items():
            index = [i for i, t in enumerate(types) if t is qtype]
            metrics[f"{qtype.value}/fraction"] = len(index) / n if n else 0.0
            if not index or reward is None:
                continue
            sub = subset_columns(columns, index, n)
            scored = component_scores(reward, self.names[qtype], [prompts[i] for i in index],
                                      [completions[i] for i in index], sub)
            log_component(metrics, qtype.value, [s.value for s in scored])
            for i, s in zip(index, scored):
                scores[i] = s
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

