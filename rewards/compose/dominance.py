"""Check a (composed) reward for rankings that break correct > abstain > wrong.

Given several responses to each question, :func:`check_dominance` scores them all with the
reward and looks at every pair of responses to the same question with different outcomes:
a violation is a pair where the reward ranks a wrong answer above an abstention, an
abstention above a correct answer, or a wrong answer above a correct one. A learned RM
alone typically prefers a confident wrong answer to "I don't know"; a dominance-safe
composition never does.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from rewards.judging import judge
from rewards.messages import completion_text, query_text
from rewards.outcome import Outcome

_RANK = {Outcome.WRONG: 0, Outcome.ABSTAIN: 1, Outcome.CORRECT: 2}
#: The pair kinds, named "<lower outcome>_over_<higher outcome>".
PAIR_KINDS = ("wrong_over_abstain", "abstain_over_correct", "wrong_over_correct")


@dataclass
class Violation:
    """One pair of responses to the same question ranked against the outcome order."""

    prompt: Any
    kind: str
    preferred: str
    preferred_score: float
    better: str
    better_score: float


@dataclass
class DominanceReport:
    """Pairs compared and violations found, overall and per kind, with examples."""

    n_prompts: int = 0
    pairs: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PAIR_KINDS, 0))
    violations: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PAIR_KINDS, 0))
    ties: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PAIR_KINDS, 0))
    unscored: int = 0
    outcome_counts: dict[str, int] = field(default_factory=lambda: {o.value: 0 for o in Outcome})
    examples: list[Violation] = field(default_factory=list)
    #: Every response's score and outcome, nested per prompt (for further analysis).
    scores: list[list[float | None]] = field(default_factory=list, repr=False)
    outcomes: list[list[Outcome]] = field(default_factory=list, repr=False)

    @property
    def rate(self) -> float:
        """Violations over all comparable pairs (0.0 when there are none)."""
        total = sum(self.pairs.values())
        return sum(self.violations.values()) / total if total else 0.0

    def rate_of(self, kind: str) -> float | None:
        """Violation rate for one pair kind, or None when no such pair was seen."""
        if kind not in PAIR_KINDS:
            raise ValueError(f"kind={kind!r} is not one of {PAIR_KINDS}.")
        return self.violations[kind] / self.pairs[kind] if self.pairs[kind] else None

    def summary(self) -> str:
        """A readable multi-line summary."""
        lines = [f"{self.n_prompts} prompts, responses {self.outcome_counts}, "
                 f"{sum(self.pairs.values())} comparable pairs, violation rate {self.rate:.1%}"]
        for kind in PAIR_KINDS:
            rate = self.rate_of(kind)
            shown = "n/a" if rate is None else f"{rate:.1%}"
            lines.append(f"  {kind:22s} {self.violations[kind]:5d} / {self.pairs[kind]:5d} = {shown}"
                         f"  (ties {self.ties[kind]})")
        if self.unscored:
            lines.append(f"  {self.unscored} pairs skipped: the reward returned None for a response")
        for v in self.examples:
            lines.append(f"  e.g. [{v.kind}] {query_text(v.prompt)[:60]!r}: {v.preferred[:50]!r} "
                         f"({v.preferred_score:.4g}) > {v.better[:50]!r} ({v.better_score:.4g})")
        return "\n".join(lines)


def _outcomes_by_judge(prompts, groups, answers) -> list[list[Outcome]]:
    return [[judge(completion_text(c), list(a), question=query_text(p)).outcome for c in cs]
            for p, cs, a in zip(prompts, groups, answers)]


def check_dominance(
    reward: Callable,
    prompts: Sequence[Any],
    completions_per_prompt: Sequence[Sequence[Any]],
    *,
    outcomes: Sequence[Sequence[Outcome | str]] | None = None,
    batch_size: int = 64,
    max_examples: int = 5,
    **columns: Sequence[Any],
) -> DominanceReport:
    """Score every response and count pairs ranked against correct > abstain > wrong.

    Args:
        reward: any reward with TRL's signature (a composed reward, an RM, a rule).
        prompts: one prompt per question.
        completions_per_prompt: the responses to each prompt.
        outcomes: each response's outcome; by default judged with :func:`rewards.judging`
            against the ``answers`` column.
        batch_size: about how many responses go to the reward per call (whole questions).
        **columns: per-prompt dataset columns (``answers=[[...], ...]``), repeated for
            each of that prompt's responses when the reward is called.

    >>> rm = lambda prompts, completions, **kw: [float(len(c)) for c in completions]
    >>> report = check_dominance(rm, ["Capital of France?"], [["I don't know.", "It is Lyon, in the south-east."]],
    ...                          answers=[["Paris"]])
    >>> report.rate_of("wrong_over_abstain")
    1.0
    """
    from tqdm.auto import tqdm

    n = len(prompts)
    if len(completions_per_prompt) != n:
        raise ValueError(f"Got {n} prompts and {len(completions_per_prompt)} response lists; pass one list per prompt.")
    for key, value in columns.items():
        if len(value) != n:
            raise ValueError(f"Column {key!r} has {len(value)} values for {n} prompts; pass one per prompt.")
    if outcomes is None:
        if "answers" not in columns:
            raise KeyError(f"check_dominance needs outcomes= or an 'answers' column; got columns {sorted(columns)}.")
        outcomes = _outcomes_by_judge(prompts, completions_per_prompt, columns["answers"])
    outcomes = [[Outcome(o) for o in group] for group in outcomes]
    if [len(o) for o in outcomes] != [len(c) for c in completions_per_prompt]:
        raise ValueError("outcomes= must hold one outcome per response, in the same nested shape.")
    scores: list[list[float | None]] = []
    chunks, chunk = [], []
    for q in range(n):
        chunk.append(q)
        if sum(len(completions_per_prompt[i]) for i in chunk) >= batch_size:
            chunks.append(chunk)
            chunk = []
    chunks += [chunk] if chunk else []
    for chunk in tqdm(chunks, desc="Scoring for dominance", disable=len(chunks) < 5, leave=False):
        flat_p = [prompts[q] for q in chunk for _ in completions_per_prompt[q]]
        flat_c = [c for q in chunk for c in completions_per_prompt[q]]
        flat_cols = {k: [v[q] for q in chunk for _ in completions_per_prompt[q]] for k, v in columns.items()}
        values = iter(reward(flat_p, flat_c, **flat_cols))
        scores += [[next(values) for _ in completions_per_prompt[q]] for q in chunk]
    report = DominanceReport(n_prompts=n, scores=scores, outcomes=outcomes)
    for prompt, group, outs, vals in zip(prompts, completions_per_prompt, outcomes, scores):
        for o in outs:
            report.outcome_counts[o.value] += 1
        for i, j in itertools.combinations(range(len(group)), 2):
            if _RANK[outs[i]] == _RANK[outs[j]]:
                continue
            lo, hi = (i, j) if _RANK[outs[i]] < _RANK[outs[j]] else (j, i)
            kind = f"{outs[lo].value}_over_{outs[hi].value}"
            if vals[lo] is None or vals[hi] is None:
                report.unscored += 1
                continue
            report.pairs[kind] += 1
            if vals[lo] == vals[hi]:
                report.ties[kind] += 1
            elif vals[lo] > vals[hi]:
                report.violations[kind] += 1
                if len(report.examples) < max_examples:
                    report.examples.append(Violation(prompt, kind, completion_text(group[lo]), vals[lo],
                                                     completion_text(group[hi]), vals[hi]))
    return report
