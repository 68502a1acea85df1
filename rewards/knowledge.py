"""Knowledge-aware truthfulness: declining a question the policy demonstrably knows is penalised.

A plain correct / abstain / wrong reward does not know which questions the policy can
answer. Under sampling a small model answers many questions it knows right less often
than the threshold asks, so "I don't know" becomes the safe bet everywhere and training
can collapse into abstaining (docs/demo.md shows the runs). This reward keeps the threshold of
:class:`~rewards.truthfulness.TruthfulnessReward` on questions the policy does not know,
and prices an abstention on a question it *does* know (its k-sample P(correct) is at or
above a threshold) at ``abstain_known``, below the ordinary abstention.

The labels live in a :class:`KnowledgeLabels` store (question key -> P(correct)) that is
filled from a base-model evaluation and refreshed while the policy trains, both by the
reward itself (each GRPO/PPO group of samples of one question is a fresh estimate) and
by :class:`shaping.recipe.labels.KnowledgeRefreshCallback`. Labels only ever rise by default:
a question the policy once answered reliably stays "known", so a policy that starts to
abstain on it cannot thereby erase the evidence that it knows it.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from rewards.base import OutcomeReward, register
from rewards.judging import judge_completion
from rewards.messages import query_text
from rewards.outcome import ABSTAIN_KNOWN, Outcome, OutcomeScore, check_outcome_order, outcome_rates

_MODES = ("max", "replace")


class KnowledgeLabels:
    """A mutable map from question key (id or text) to the policy's P(correct).

    Args:
        labels: initial ``{key: p_correct}``.
        threshold: a question is *known* when its P(correct) is at or above this.
        mode: how :meth:`update` merges a new estimate: ``"max"`` (monotone, default)
            or ``"replace"``.

    >>> labels = KnowledgeLabels({"q1": 0.75, "q2": 0.0}, threshold=0.5)
    >>> labels.is_known("q1"), labels.is_known("q2"), labels.is_known("q3")
    (True, False, None)
    >>> labels.update("q2", 0.5); labels.is_known("q2")
    True

    The store is shared by every thread that scores (engines call rewards from threads) and
    by the refresh callback, so each merge and each read of the whole store holds a lock.
    """

    def __init__(
        self, labels: Mapping[str, float] | None = None, *, threshold: float = 0.5, mode: str = "max"
    ) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold={threshold} must lie in (0, 1]; 0.5 means 'right at least half the time'.")
        if mode not in _MODES:
            raise ValueError(f"mode={mode!r} is not one of {_MODES}.")
        self.threshold = float(threshold)
        self.mode = mode
        self._p: dict[str, float] = {}
        self._lock = threading.RLock()
        for key, value in (labels or {}).items():
            self.update(key, value)

    @staticmethod
    def _check(key: Any, p_correct: Any) -> float:
        p = float(p_correct)
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"p_correct={p_correct!r} for question {key!r} must be a fraction in [0, 1].")
        return p

    def update(self, key: str, p_correct: float) -> None:
        """Merge a new P(correct) estimate for ``key`` (see ``mode``)."""
        p = self._check(key, p_correct)
        key = str(key)
        with self._lock:
            if self.mode == "max" and key in self._p:
                p = max(p, self._p[key])
            self._p[key] = p

    def update_many(self, estimates: Mapping[str, float]) -> int:
        """Merge many estimates; return how many questions changed from unknown to known."""
        with self._lock:
            before = {k for k in estimates if self.is_known(k)}
            for key, p in estimates.items():
                self.update(key, p)
            return sum(1 for k in estimates if self.is_known(k) and k not in before)

    def p_correct(self, key: str) -> float | None:
        """The stored P(correct) of ``key``, or None when it has no label."""
        return self._p.get(str(key))

    def is_known(self, key: str) -> bool | None:
        """True/False by the threshold; None when ``key`` has no label."""
        p = self._p.get(str(key))
        return None if p is None else p >= self.threshold

    def known_fraction(self) -> float:
        """Fraction of labelled questions that are known (0.0 when there are none)."""
        with self._lock:
            return sum(p >= self.threshold for p in self._p.values()) / len(self._p) if self._p else 0.0

    def __len__(self) -> int:
        return len(self._p)

    def __contains__(self, key: object) -> bool:
        return str(key) in self._p

    def to_dict(self) -> dict[str, float]:
        with self._lock:
            return dict(self._p)

    def __getstate__(self) -> dict[str, Any]:  # a lock does not pickle; each copy gets its own
        return {k: v for k, v in vars(self).items() if k != "_lock"} | {"_p": self.to_dict()}

    def __setstate__(self, state: dict[str, Any]) -> None:
        vars(self).update(state)
        self._lock = threading.RLock()

    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, Any]],
        *,
        key: str = "id",
        greedy_counts: bool = True,
        threshold: float = 0.5,
        mode: str = "max",
    ) -> "KnowledgeLabels":
        """Build labels from evaluation records (``results.jsonl`` rows: ``p_correct``, ``outcome``).

        With ``greedy_counts`` a question whose greedy answer was correct counts as known
        even when few samples were: its most likely answer is right. Rows with neither a
        ``p_correct`` nor a greedy outcome (creative rows) are skipped.

        >>> KnowledgeLabels.from_records([{"id": "a", "p_correct": 0.25, "outcome": "correct"}]).is_known("a")
        True
        """
        store = cls(threshold=threshold, mode=mode)
        for i, row in enumerate(records):
            if key not in row:
                raise KeyError(
                    f"Record {i} has no {key!r} column (it has {sorted(row)}); pass key=... naming the question key."
                )
            p = row.get("p_correct")
            greedy_right = greedy_counts and row.get("outcome") == "correct"
            if p is None and row.get("outcome") is None:
                continue
            p = float(p) if p is not None else (1.0 if row.get("outcome") == "correct" else 0.0)
            store.update(row[key], max(p, threshold) if greedy_right else p)
        return store

    def save(self, path: str | Path) -> None:
        """Write the labels as JSON (threshold, mode, labels)."""
        data = {"threshold": self.threshold, "mode": self.mode, "labels": self.to_dict()}
        Path(path).write_text(json.dumps(data, indent=1, sort_keys=True))

    @classmethod
    def load(cls, path: str | Path) -> "KnowledgeLabels":
        """Read labels written by :meth:`save`."""
        data = json.loads(Path(path).read_text())
        return cls(data["labels"], threshold=data["threshold"], mode=data["mode"])

    def __repr__(self) -> str:
        return f"KnowledgeLabels(n={len(self)}, known={self.known_fraction():.2f}, threshold={self.threshold})"


@register
class KnowledgeAwareTruthfulness(OutcomeReward):
    """Correct / abstain / wrong, with a penalty for declining a question the policy knows.

    Args:
        labels: the :class:`KnowledgeLabels` store (shared with the refresh callback).
        correct, abstain, wrong: values on questions that are not known (or unlabelled).
        abstain_known: value of an abstention on a known question; must lie in
            ``[wrong, abstain)``.
        answers_column, key_column: dataset columns of the gold answers and question key;
            ``key_column=None`` keys questions by their text.
        refresh_min_samples: when a batch holds at least this many completions of one
            question, their correct fraction updates the labels (0 turns it off).

    >>> labels = KnowledgeLabels({"fr": 1.0, "bf": 0.0})
    >>> r = KnowledgeAwareTruthfulness(labels, abstain_known=-1.0, refresh_min_samples=0)
    >>> r(["Capital of France?", "Capital of Burkina Faso?"], ["I don't know.", "I don't know."],
    ...   answers=[["Paris"], ["Ouagadougou"]], id=["fr", "bf"])
    [-1.0, 0.0]
    """

    def __init__(
        self,
        labels: KnowledgeLabels | None = None,
        *,
        correct: float = 1.0,
        abstain: float = 0.0,
        wrong: float = -1.0,
        abstain_known: float = -1.0,
        answers_column: str = "answers",
        key_column: str | None = "id",
        refresh_min_samples: int = 4,
        name: str = "knowledge_truthfulness",
    ) -> None:
        check_outcome_order(correct, abstain, wrong, where=name)
        if not wrong <= abstain_known < abstain:
            raise ValueError(
                f"abstain_known={abstain_known} must lie in [wrong={wrong}, abstain={abstain}): above "
                "abstain it rewards declining known questions; below wrong it teaches guessing."
            )
        if refresh_min_samples < 0:
            raise ValueError(f"refresh_min_samples={refresh_min_samples} must be >= 0 (0 turns refreshing off).")
        self.labels = labels if labels is not None else KnowledgeLabels()
        self.correct, self.abstain, self.wrong = float(correct), float(abstain), float(wrong)
        self.abstain_known = float(abstain_known)
        self.answers_column, self.key_column = answers_column, key_column
        self.columns = (answers_column,) + ((key_column,) if key_column else ())
        self.refresh_min_samples = int(refresh_min_samples)
        self.name = name

    @property
    def outcome_levels(self) -> dict[str, float]:
        """The value of each outcome by name, and of declining a known question (``abstain_known``)."""
        return {"correct": self.correct, "abstain": self.abstain, "wrong": self.wrong,
                ABSTAIN_KNOWN: self.abstain_known}

    @property
    def implied_threshold(self) -> float:
        """P(correct) above which answering an unknown question pays: (a - w) / (c - w)."""
        return (self.abstain - self.wrong) / (self.correct - self.wrong)

    @property
    def implied_threshold_known(self) -> float:
        """The same threshold on a known question, where declining is worth ``abstain_known``."""
        return (self.abstain_known - self.wrong) / (self.correct - self.wrong)

    def _key(self, prompt: Any, row: Mapping[str, Any]) -> str:
        return str(row[self.key_column]) if self.key_column else query_text(prompt)

    def score_outcome(self, prompt: Any, completion: Any, **row: Any) -> OutcomeScore:
        query_type = row.get("query_type")
        if query_type == "creative":
            return OutcomeScore(None)  # no single true answer: never score "hallucination" here
        verdict = judge_completion(prompt, completion, row[self.answers_column], row.get("competitors"),
                                   answers_column=self.answers_column)
        known = self.labels.is_known(self._key(prompt, row)) if query_type in (None, "knowledge-seeking") else None
        if verdict.outcome == Outcome.CORRECT:
            return OutcomeScore(self.correct, verdict.outcome, known)
        if verdict.outcome == Outcome.WRONG:
            return OutcomeScore(self.wrong, verdict.outcome, known)
        return OutcomeScore(self.abstain_known if known else self.abstain, verdict.outcome, known)

    def after_batch(self, prompts: Sequence[Any], rows: list[dict], scored: list[OutcomeScore]) -> None:
        """Refresh the labels from the batch: each question's correct fraction, when it has
        at least ``refresh_min_samples`` judged completions."""
        if not self.refresh_min_samples:
            return
        groups: dict[str, list[bool]] = defaultdict(list)
        for prompt, row, s in zip(prompts, rows, scored):
            if s.outcome is not None:
                groups[self._key(prompt, row)].append(s.outcome == Outcome.CORRECT)
        self.labels.update_many(
            {k: sum(v) / len(v) for k, v in groups.items() if len(v) >= self.refresh_min_samples}
        )

    def log_outcomes(self, log_metric: Callable[[str, float], None], scored: list[OutcomeScore]) -> None:
        """Log outcome rates split by known / unknown questions (``known/abstain_rate`` ...)."""
        for split, want in (("known", True), ("unknown", False)):
            outcomes = [s.outcome for s in scored if s.outcome is not None and bool(s.known) is want]
            if outcomes:
                rates = outcome_rates(outcomes)
                for outcome in Outcome:
                    log_metric(f"{split}/{outcome.value}_rate", rates[outcome.value])
        log_metric("known/fraction", self.labels.known_fraction())
