"""The correct / abstain / wrong reward for knowledge-seeking questions.

With rewards correct = c, abstain = a and wrong = w, a policy that maximises expected
reward answers only when its probability of being right exceeds (a - w) / (c - w), so
every choice of values implies a confidence threshold (Kalai et al., 2025, "Why language
models hallucinate", sec. 4: confidence targets). :attr:`TruthfulnessReward.implied_threshold`
reports it and :meth:`TruthfulnessReward.for_threshold` builds the reward for a chosen one.
"""

from __future__ import annotations

from typing import Any, Callable

from rewards.base import OutcomeReward, check_column_names, register
from rewards.judging import judge_completion
from rewards.outcome import Outcome, OutcomeScore, check_outcome_order, outcome_rates

__all__ = ["TruthfulnessReward"]


@register
class TruthfulnessReward(OutcomeReward):
    """Score each response by its :func:`~rewards.judging` outcome: correct, abstain or wrong.

    Args:
        correct: reward for a correct answer.
        abstain: reward for declining ("I don't know"); on a question with no true answer
            (gold ``[]``) declining is the correct answer and gets ``correct``.
        wrong: reward for a wrong, evasive, empty or hedged-and-wrong answer.
        answers_column: the dataset column with each row's list of gold answers. A row
            whose value is None gets None (the reward does not apply to it).
        competitors_column: an optional column of known wrong answers of the same kind
            (other capitals, other years), which lets the judge recognise a competing answer
            exactly; a batch without it is judged without.

    >>> r = TruthfulnessReward(correct=1.0, abstain=0.0, wrong=-3.0)
    >>> r(["What is the capital of France?"] * 3, ["Paris.", "I don't know.", "Lyon."],
    ...   answers=[["Paris"]] * 3)
    [1.0, 0.0, -3.0]
    >>> r.implied_threshold
    0.75
    """

    def __init__(
        self,
        correct: float = 1.0,
        abstain: float = 0.0,
        wrong: float = -1.0,
        *,
        answers_column: str = "answers",
        competitors_column: str = "competitors",
    ) -> None:
        check_outcome_order(correct, abstain, wrong, where=type(self).__name__)
        check_column_names(answers_column=answers_column, competitors_column=competitors_column)
        self.correct, self.abstain, self.wrong = float(correct), float(abstain), float(wrong)
        self.answers_column, self.competitors_column = answers_column, competitors_column

    @property
    def columns(self) -> tuple[str, ...]:  # type: ignore[override]
        """The dataset column the reward needs: the gold answers."""
        return (self.answers_column,)

    @property
    def outcome_levels(self) -> dict[str, float]:
        """The value of each outcome, by name."""
        return {"correct": self.correct, "abstain": self.abstain, "wrong": self.wrong}

    @property
    def implied_threshold(self) -> float:
        """The confidence above which answering beats abstaining: (a - w) / (c - w)."""
        return (self.abstain - self.wrong) / (self.correct - self.wrong)

    @classmethod
    def for_threshold(cls, threshold: float, *, answers_column: str = "answers") -> "TruthfulnessReward":
        """The reward (correct 1, abstain 0, wrong -t/(1-t)) whose implied threshold is ``t``.

        >>> TruthfulnessReward.for_threshold(0.75).wrong
        -3.0
        """
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 < threshold < 1:
            raise ValueError(f"threshold={threshold!r} must be a probability strictly between 0 and 1.")
        return cls(1.0, 0.0, -threshold / (1.0 - threshold), answers_column=answers_column)

    def outcome(self, prompt: Any, completion: Any, answers: Any, competitors: Any = None) -> Outcome:
        """The :class:`Outcome` of one response (unanswerable questions: declining is CORRECT)."""
        return judge_completion(prompt, completion, answers, competitors, answers_column=self.answers_column,
                                competitors_column=self.competitors_column).outcome

    def score_outcome(self, prompt: Any, completion: Any, **row: Any) -> OutcomeScore:
        answers = row[self.answers_column]
        if answers is None:
            return OutcomeScore(None)
        outcome = self.outcome(prompt, completion, answers, row.get(self.competitors_column))
        return OutcomeScore(self.outcome_levels[outcome.value], outcome)

    def log_outcomes(self, log_metric: Callable[[str, float], None], scored: list[OutcomeScore]) -> None:
        """Log the batch's correct / abstain / wrong rates (rows the reward applies to)."""
        if any(s.outcome is not None for s in scored):
            rates = outcome_rates(s.outcome for s in scored)
            for outcome in Outcome:
                log_metric(f"truthfulness/{outcome.value}_rate", rates[outcome.value])
