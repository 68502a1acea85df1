"""verl's custom reward function: ``compute_score`` scored by the project's truthfulness rewards.

verl (https://github.com/volcengine/verl) loads a reward from its config::

    reward.custom_reward_function.path=pkg://rewards.integrations.verl
    reward.custom_reward_function.name=compute_score
    +reward.custom_reward_function.reward_kwargs.wrong=-3.0

and calls it one sample at a time (its ``naive`` reward manager, from a thread pool)::

    compute_score(data_source=..., solution_str=..., ground_truth=..., extra_info=..., **reward_kwargs)

or, from its ``batch`` reward manager, with the plural keywords (``data_sources``,
``solution_strs``, ``ground_truths``, ``extra_infos``). ``ground_truth`` is the row's
``reward_model.ground_truth``: the gold answers (a numpy array after parquet, a list, or one
string; empty for a question with no true answer). ``extra_info`` carries ``question`` (the
judge needs it to tell a gold answer inside the question's own subject from an answer),
optionally ``competitors`` (known wrong answers of the same kind) and, for the
knowledge-aware reward, ``id``. ``shaping export-verl`` writes the benchmark in this shape.

Each sample gets a dict with the same keys every time: ``score``, ``outcome`` and the 0/1
indicators ``acc``, ``correct``, ``abstain``, ``wrong`` (and ``abstain_known`` for the
knowledge-aware reward), which verl logs beside the score (their means are the outcome
rates). Nothing here imports verl; bad input raises with the fix in the message.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any, Mapping, Sequence

from rewards.base import OutcomeReward
from rewards.knowledge import KnowledgeAwareTruthfulness, KnowledgeLabels
from rewards.outcome import ABSTAIN_KNOWN, Outcome, OutcomeScore
from rewards.truthfulness import TruthfulnessReward

__all__ = ["DATA_SOURCE", "VerlScorer", "compute_score", "scorer_for"]

logger = logging.getLogger(__name__)

#: The ``data_source`` of the benchmark's rows (``hallucination_shaping/<relation>``).
DATA_SOURCE = "hallucination_shaping"
#: What ``reward_kwargs.reward`` may name.
REWARDS = ("truthfulness", "knowledge")
#: Keywords verl's reward loop adds when a reward-model router runs; not ours to read.
_ENGINE_KWARGS = frozenset({"reward_router_address", "reward_model_tokenizer"})
_OPTIONS = ("reward", "correct", "abstain", "wrong", "abstain_known", "labels", "data_source_prefixes")
_BATCH_KWARGS = ("data_sources", "solution_strs", "ground_truths", "extra_infos")
_SCORERS: dict[tuple[str, tuple[str, ...]], "VerlScorer"] = {}
_SCORERS_LOCK = threading.Lock()


def compute_score(data_source: Any = None, solution_str: Any = None, ground_truth: Any = None,
                  extra_info: Mapping[str, Any] | None = None, **kwargs: Any) -> dict[str, Any] | list[dict[str, Any]]:
    """Score one verl sample, or a batch (verl's ``batch`` reward manager), with the truthfulness reward.

    Args:
        data_source: the row's ``data_source``: one of ``data_source_prefixes`` or a name under one.
        solution_str: the decoded response.
        ground_truth: ``reward_model.ground_truth``: the gold answers (a numpy array, list,
            tuple or one string; empty when the question has no true answer).
        extra_info: the row's ``extra_info``: ``question``, optionally ``competitors`` and ``id``.
        **kwargs: the batch form's ``data_sources``, ``solution_strs``, ``ground_truths``,
            ``extra_infos`` (lists; or the four lists passed positionally), and verl's
            ``reward_kwargs``: ``reward`` (``"truthfulness"`` or ``"knowledge"``),
            ``correct``, ``abstain``, ``wrong`` (default 1, 0, -1), ``abstain_known`` and
            ``labels`` (a :meth:`~rewards.KnowledgeLabels.save` file, keyed by ``extra_info["id"]``)
            for the knowledge-aware reward, ``data_source_prefixes`` (what it scores).

    Returns:
        A dict (``score``, ``outcome``, ``acc``, ``correct``, ``abstain``, ``wrong``), or a
        list of them for the batch form.

    >>> compute_score("hallucination_shaping/country_capital", "It is Paris.", ["Paris"],
    ...               {"question": "What is the capital of France?"}, wrong=-3.0)["score"]
    1.0
    >>> [r["outcome"] for r in compute_score(data_sources=["hallucination_shaping"] * 2,
    ...     solution_strs=["Lyon.", "I don't know."], ground_truths=[["Paris"]] * 2,
    ...     extra_infos=[{"question": "What is the capital of France?"}] * 2)]
    ['wrong', 'abstain']
    """
    batch = {key: kwargs.pop(key) for key in _BATCH_KWARGS if key in kwargs}
    options = {key: value for key, value in kwargs.items() if key not in _ENGINE_KWARGS}
    scorer = scorer_for(**options)
    if batch or _is_sequence(solution_str):
        positional = dict(zip(_BATCH_KWARGS, (data_source, solution_str, ground_truth, extra_info)))
        if batch and any(value is not None for value in positional.values()):
            raise TypeError("compute_score got both the single-sample arguments and the batch keywords "
                            f"{sorted(batch)}; pass one sample (data_source, solution_str, ground_truth, "
                            "extra_info) or one batch (data_sources, solution_strs, ground_truths, extra_infos).")
        batch = batch or positional
        return scorer.score_batch(*(batch.get(key) for key in _BATCH_KWARGS))
    return scorer.score_batch([data_source], [solution_str], [ground_truth], [extra_info])[0]


def _is_sequence(value: Any) -> bool:
    return not isinstance(value, (str, bytes)) and (isinstance(value, Sequence) or hasattr(value, "tolist"))


def scorer_for(**options: Any) -> "VerlScorer":
    """The :class:`VerlScorer` for one set of ``reward_kwargs``, built once and shared by all threads.

    >>> scorer_for(wrong=-3.0).reward.implied_threshold
    0.75
    """
    unknown = sorted(set(options) - set(_OPTIONS))
    if unknown:
        raise TypeError(f"Unknown reward_kwargs {unknown} for the verl adapter; it takes {list(_OPTIONS)} "
                        "(set under reward.custom_reward_function.reward_kwargs).")
    prefixes = options.pop("data_source_prefixes", (DATA_SOURCE,))
    prefixes = (prefixes,) if isinstance(prefixes, str) else tuple(prefixes)
    if not prefixes or not all(isinstance(p, str) and p for p in prefixes):
        raise ValueError(f"reward_kwargs.data_source_prefixes={list(prefixes)} must be a non-empty list of "
                         f"data_source names or prefixes, e.g. [{DATA_SOURCE!r}].")
    key = (repr(sorted(options.items())), prefixes)
    with _SCORERS_LOCK:
        if key not in _SCORERS:
            _SCORERS[key] = VerlScorer(_build_reward(**options), prefixes)
        return _SCORERS[key]


def _build_reward(reward: str = "truthfulness", correct: float = 1.0, abstain: float = 0.0, wrong: float = -1.0,
                  abstain_known: float | None = None, labels: str | None = None) -> OutcomeReward:
    if reward == "truthfulness":
        if labels is not None or abstain_known is not None:
            raise ValueError("reward_kwargs.labels and abstain_known belong to reward='knowledge'; "
                             "set reward: knowledge, or drop them.")
        return TruthfulnessReward(correct, abstain, wrong)
    if reward != "knowledge":
        raise ValueError(f"reward_kwargs.reward={reward!r} is not one of {list(REWARDS)}.")
    if labels is None or not Path(str(labels)).is_file():
        raise FileNotFoundError(f"reward='knowledge' needs reward_kwargs.labels, the path of a knowledge-labels "
                                f"file (KnowledgeLabels.save; `shaping demo` writes base-eval/labels.json); got "
                                f"{labels!r}, which is no file.")
    return KnowledgeAwareTruthfulness(KnowledgeLabels.load(str(labels)), correct=correct, abstain=abstain,
                                      wrong=wrong, abstain_known=wrong if abstain_known is None else abstain_known,
                                      refresh_min_samples=0)


class VerlScorer:
    """One outcome reward scoring verl's samples: checks each sample, judges, returns verl's dicts.

    Args:
        reward: the outcome reward (it holds no per-call state; its knowledge labels are
            read-only here, since one-sample calls never form a group to refresh them).
        prefixes: the ``data_source`` names it scores, each with the names under it (``name/...``).
    """

    def __init__(self, reward: OutcomeReward, prefixes: Sequence[str]) -> None:
        self.reward, self.prefixes = reward, tuple(prefixes)
        self.needs_id = isinstance(reward, KnowledgeAwareTruthfulness)
        self._warned = False
        self._warn_lock = threading.Lock()

    def score_batch(self, data_sources: Sequence[Any], solution_strs: Sequence[Any], ground_truths: Sequence[Any],
                    extra_infos: Sequence[Any] | None) -> list[dict[str, Any]]:
        """Score aligned lists of samples (``extra_infos`` may be None)."""
        solutions = _as_list("solution_strs", solution_strs)
        extras = [None] * len(solutions) if extra_infos is None else _as_list("extra_infos", extra_infos)
        lists = {"data_sources": _as_list("data_sources", data_sources), "solution_strs": solutions,
                 "ground_truths": _as_list("ground_truths", ground_truths), "extra_infos": extras}
        lengths = {name: len(value) for name, value in lists.items()}
        if len(set(lengths.values())) != 1:
            raise ValueError(f"The batch's lists differ in length: {lengths}; pass one value per sample.")
        rows = [self.sample(i, *values) for i, values in enumerate(zip(*lists.values()))]
        if not rows:
            return []
        questions = [row.pop("question") for row in rows]
        table = {key: [row[key] for row in rows] for key in rows[0]}
        return [self.result(s) for s in self.reward.score_with_outcomes(questions, solutions, **table)]

    def sample(self, i: int, data_source: Any, solution_str: Any, ground_truth: Any, extra_info: Any) -> dict:
        """Check sample ``i`` and return its reward row (question, answers, competitors, id)."""
        if not isinstance(data_source, str) or not any(
                data_source == s or data_source.startswith(s + "/") for s in self.prefixes):
            raise ValueError(f"Sample {i} has data_source={data_source!r}, which this reward does not score (it "
                             f"scores {list(self.prefixes)} and names under them). Send other data to its own "
                             "reward, or add the name to reward_kwargs.data_source_prefixes.")
        if not isinstance(solution_str, str):
            raise TypeError(f"Sample {i}: solution_str is {type(solution_str).__name__}, not the decoded response.")
        if ground_truth is None or not (isinstance(ground_truth, (str, list, tuple)) or _is_sequence(ground_truth)):
            raise TypeError(f"Sample {i} ({data_source}): reward_model.ground_truth is {ground_truth!r}; it must hold "
                            "the gold answers: a list (or numpy array) of strings, [] for a question with no true "
                            "answer, or one string.")
        if extra_info is not None and not isinstance(extra_info, Mapping):
            raise TypeError(f"Sample {i}: extra_info is {type(extra_info).__name__}, not a dict (or None).")
        extra = extra_info or {}
        question = extra.get("question")
        if question is not None and not isinstance(question, str):
            raise TypeError(f"Sample {i}: extra_info['question'] is {type(question).__name__}; it must be the text.")
        if not question:
            self._warn_missing_question(data_source)
        row = {"question": question or "", "answers": ground_truth, "competitors": extra.get("competitors")}
        if self.needs_id:
            if extra.get("id") is None:
                raise KeyError(f"Sample {i} ({data_source}) has no extra_info['id']; the knowledge-aware reward "
                               "looks its labels up by it (`shaping export-verl` writes it).")
            row["id"] = str(extra["id"])
        return row

    def _warn_missing_question(self, data_source: str) -> None:
        with self._warn_lock:
            if self._warned:
                return
            self._warned = True
        logger.warning("A sample of %s has no extra_info['question']: the judge scores it without the question and "
                       "cannot tell a gold answer inside the question's own subject from an answer ('Guinea-Bissau "
                       "is in West Africa.' for 'Bissau'). Put each row's question in extra_info['question'] "
                       "(`shaping export-verl` does). Warned once.", data_source)

    def result(self, scored: OutcomeScore) -> dict[str, Any]:
        """verl's dict for one scored sample: the same keys on every sample."""
        if scored.value is None or scored.outcome is None:
            raise ValueError(f"{self.reward.__name__} gave no score ({scored}); every verl sample needs one.")
        out = {"score": scored.value, "outcome": scored.outcome.value,
               "acc": float(scored.outcome is Outcome.CORRECT)}
        out.update({outcome.value: float(scored.outcome is outcome) for outcome in Outcome})
        if self.needs_id:
            out[ABSTAIN_KNOWN] = float(scored.label == ABSTAIN_KNOWN)
        return out


def _as_list(name: str, value: Any) -> list:
    if not _is_sequence(value):
        raise TypeError(f"The batch form needs {name} as a list (or numpy array), got {type(value).__name__}.")
    return list(value)
