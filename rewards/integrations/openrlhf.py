"""The truthfulness reward in OpenRLHF's shape: ``reward_func(queries, prompts, labels)``.

OpenRLHF (0.9 to 0.11) loads a Python file passed as ``--reward.remote_url path.py``
(``--remote_rm_url path.py`` before 0.10.2) and calls its ``reward_func`` one sample at a
time, in a thread, with ``queries`` (the templated prompt and the response, decoded with
special tokens), ``prompts`` (the templated prompt) and ``labels`` (the dataset's
``--data.label_key`` column). This file is such a file: point OpenRLHF at it. Each label
is ``{"answers": [...], "question": ..., "competitors": [...]}``, as a dict or a JSON string.

It returns ``{"rewards", "scores", "extra_logs"}`` as float tensors: ``rewards`` the
reward, ``scores`` the same outcome on [0, 1] (correct 1, wrong 0, abstain the implied
threshold; what ``--algo.dynamic_filtering_enable`` reads), ``extra_logs`` one 0/1
indicator per outcome, whose batch means are the outcome rates.

Reward values come from ``SHAPING_REWARD_CORRECT``, ``SHAPING_REWARD_ABSTAIN`` and
``SHAPING_REWARD_WRONG`` (default 1, 0, -1); for any other reward, copy three lines::

    from rewards import TruthfulnessReward
    from rewards.integrations.openrlhf import OpenRLHFReward
    reward_func = OpenRLHFReward(TruthfulnessReward(correct=1.0, abstain=0.0, wrong=-3.0))

OpenRLHF logs a reward's exception at INFO and leaves the sample's reward None, so this
adapter logs every failure at ERROR before it raises. torch is imported only when called.
"""

from __future__ import annotations

import json
import logging
import os
import re
from typing import Any, Callable, Mapping, Sequence

from rewards.base import check_score
from rewards.outcome import Outcome
from rewards.truthfulness import TruthfulnessReward

__all__ = ["OpenRLHFReward", "parse_label", "response_text", "reward_from_env", "read_queries", "reward_func",
           "score_queries", "score_samples", "strip_special_tokens"]

logger = logging.getLogger("rewards.integrations.openrlhf")

#: Special-token spellings of common chat templates: ``<|im_end|>``, ``<|eot_id|>``,
#: ``<|endoftext|>``, DeepSeek's ``<｜end▁of▁sentence｜>``, ``</s>``, Gemma's ``<end_of_turn>``, BERT's ``[SEP]``.
SPECIAL_TOKEN = re.compile(
    r"<\|[^<>|\s]{1,40}\|>|<｜[^<>｜]{1,40}｜>|</?s>|<(?:bos|eos|pad|unk|end_of_turn|start_of_turn)>"
    r"|\[(?:PAD|SEP|CLS|UNK|BOS|EOS)\]"
)
MISSING_QUESTION = ("An OpenRLHF label has no 'question'; judging against the prompt's text instead. "
                    "Put the plain question in each label so the judge reads it exactly.")
ENV_VALUES = {"correct": ("SHAPING_REWARD_CORRECT", 1.0), "abstain": ("SHAPING_REWARD_ABSTAIN", 0.0),
              "wrong": ("SHAPING_REWARD_WRONG", -1.0)}


def reward_from_env(environ: Mapping[str, str] = os.environ) -> TruthfulnessReward:
    """The :class:`TruthfulnessReward` whose values the ``SHAPING_REWARD_*`` variables set.

    >>> reward_from_env({"SHAPING_REWARD_WRONG": "-3"}).implied_threshold
    0.75
    """
    values = {}
    for key, (variable, default) in ENV_VALUES.items():
        text = environ.get(variable, "").strip()
        try:
            values[key] = float(text) if text else default
        except ValueError:
            raise ValueError(f"{variable}={text!r} is not a number; set it to the reward for a {key} "
                             f"answer, e.g. {variable}={default:g}.") from None
    return TruthfulnessReward(**values)


def parse_label(label: Any, index: int = 0) -> dict[str, Any]:
    """One OpenRLHF label as ``{"answers": [...], "question": str | None, "competitors": [...] | None}``.

    >>> parse_label('{"answers": ["Paris"], "question": "Capital of France?"}')["answers"]
    ['Paris']
    """
    if isinstance(label, str):
        try:
            label = json.loads(label)
        except json.JSONDecodeError as err:
            raise ValueError(f"labels[{index}] is not JSON ({err}): {label[:80]!r}. Each label must be "
                             '{"answers": [...], "question": "..."} as a JSON string or a dict.') from None
    if not isinstance(label, Mapping):
        raise TypeError(f"labels[{index}] is a {type(label).__name__} ({label!r:.80}); each label must be "
                        '{"answers": [...], "question": "..."}, as a JSON string or a dict.')
    if "answers" not in label:
        raise KeyError(f"labels[{index}] has no 'answers' (keys: {sorted(label)}); give the gold answers, "
                       "[] for a question with no true answer.")
    out = {"answers": _strings(label["answers"], f"labels[{index}]['answers']"),
           "question": label.get("question"), "competitors": label.get("competitors")}
    if out["question"] is not None and not isinstance(out["question"], str):
        raise TypeError(f"labels[{index}]['question'] is a {type(out['question']).__name__}; pass the question text.")
    if out["competitors"] is not None:
        out["competitors"] = _strings(out["competitors"], f"labels[{index}]['competitors']")
    return out


def _strings(value: Any, where: str) -> list[str]:
    value = value.tolist() if hasattr(value, "tolist") else value  # a numpy array from a parquet column
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise TypeError(f"{where} is {value!r:.80}; pass a list of strings (e.g. [\"Paris\"]).")
    return list(value)


def strip_special_tokens(text: str, extra: Sequence[str] = ()) -> str:
    """The first turn of ``text``: leading special tokens dropped, cut at the next one.

    >>> strip_special_tokens("Paris.<|im_end|>\\n<|endoftext|>")
    'Paris.'
    """
    for token in extra:
        text = text.replace(token, "<|extra|>")
    text = text.lstrip()
    while (lead := SPECIAL_TOKEN.match(text)) is not None:
        text = text[lead.end():].lstrip()
    cut = SPECIAL_TOKEN.search(text)
    return (text[:cut.start()] if cut else text).strip()


def _prompt_end(query: str, prompt: str) -> int | None:
    """Where ``prompt`` ends inside ``query``, ignoring white space (a decode may move spaces)."""
    i = j = 0
    while j < len(prompt):
        if prompt[j].isspace():
            j += 1
        elif i < len(query) and query[i].isspace():
            i += 1
        elif i < len(query) and query[i] == prompt[j]:
            i, j = i + 1, j + 1
        else:
            return None
    return i


def response_text(query: str, prompt: str, extra_tokens: Sequence[str] = ()) -> str:
    """The response inside an OpenRLHF query: the prompt prefix and special tokens removed.

    >>> response_text("<|im_start|>user\\nHi?<|im_end|>\\n<|im_start|>assistant\\nParis.<|im_end|>",
    ...               "<|im_start|>user\\nHi?<|im_end|>\\n<|im_start|>assistant\\n")
    'Paris.'
    """
    if not isinstance(query, str) or not isinstance(prompt, str):
        raise TypeError(f"query and prompt must be strings, got {type(query).__name__} and {type(prompt).__name__}.")
    if query.startswith(prompt):
        return strip_special_tokens(query[len(prompt):], extra_tokens)
    end = _prompt_end(query, prompt)
    if end is None:  # a decode that added a BOS token in front
        lead = SPECIAL_TOKEN.match(query)
        end = None if lead is None else _prompt_end(query[lead.end():], prompt)
        end = None if end is None else end + lead.end()
    if end is None:
        raise ValueError(f"The query does not start with its prompt, so the response cannot be cut out. "
                         f"Prompt starts {prompt[:60]!r}, query starts {query[:60]!r}; pass the prompt "
                         "the query was generated from (OpenRLHF passes both).")
    return strip_special_tokens(query[end:], extra_tokens)


def read_queries(queries: Sequence[str], prompts: Sequence[str], labels: Sequence[Any], *,
                 extra_tokens: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Check an OpenRLHF batch and read each sample: response, question (None when the label
    has none), gold answers and competitors, and the prompt text the judge falls back on.

    >>> read_queries(["Q? Paris.</s>"], ["Q? "], ['{"answers": ["Paris"]}'])[0]["response"]
    'Paris.'
    """
    for name, value in (("queries", queries), ("prompts", prompts), ("labels", labels)):
        if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Sequence):
            raise TypeError(f"{name} is a {type(value).__name__}; pass a list with one entry per sample.")
    if not len(queries) == len(prompts) == len(labels):
        raise ValueError(f"Got {len(queries)} queries, {len(prompts)} prompts and {len(labels)} labels; "
                         "pass one prompt and one label per query.")
    samples = []
    for i, (query, prompt, label) in enumerate(zip(queries, prompts, labels)):
        sample = parse_label(label, i)
        try:
            sample["response"] = response_text(query, prompt, extra_tokens)
        except (TypeError, ValueError) as err:
            raise type(err)(f"Sample {i}: {err}") from None
        sample["prompt_text"] = " ".join(SPECIAL_TOKEN.sub(" ", prompt).split())
        samples.append(sample)
    return samples


def score_samples(reward: Callable, samples: Sequence[Mapping[str, Any]]) -> dict:
    """Score samples from :func:`read_queries` with ``reward``; plain lists, no torch.

    The judge reads each sample's question; without one, the prompt's text.
    """
    questions = [s["question"] if s["question"] is not None else s["prompt_text"] for s in samples]
    responses = [s["response"] for s in samples]
    columns = {"answers": [s["answers"] for s in samples], "competitors": [s["competitors"] for s in samples]}
    if hasattr(reward, "score_with_outcomes"):
        scored = reward.score_with_outcomes(questions, responses, **columns)
        values = [s.value for s in scored]
    else:
        values = list(reward(questions, responses, **columns))
        scored = [None] * len(values)
    name = getattr(reward, "__name__", type(reward).__name__)
    for i, value in enumerate(values):
        if check_score(value, reward=name, index=i) is None:
            raise ValueError(f"{name!r} returned None for sample {i} (answers {columns['answers'][i]!r:.80}), "
                             "which it does not apply to; OpenRLHF needs a reward for every sample.")
    return {"rewards": [float(v) for v in values], "scores": _unit_scores(reward, scored, values),
            "extra_logs": _outcome_logs(scored)}


def score_queries(reward: Callable, queries: Sequence[str], prompts: Sequence[str], labels: Sequence[Any], *,
                  extra_tokens: Sequence[str] = ()) -> dict:
    """Score an OpenRLHF batch with ``reward``: :func:`read_queries` then :func:`score_samples`.

    >>> out = score_queries(TruthfulnessReward(), ["Q? Paris.</s>"], ["Q? "], ['{"answers": ["Paris"]}'])
    >>> out["rewards"], out["scores"], out["extra_logs"]["truthfulness/correct_rate"]
    ([1.0], [1.0], [1.0])
    """
    return score_samples(reward, read_queries(queries, prompts, labels, extra_tokens=extra_tokens))


def _unit_scores(reward: Callable, scored: list, values: list[float]) -> list[float]:
    """Each sample's outcome level on [0, 1] (wrong 0, correct 1); the raw values when unknown."""
    levels = getattr(reward, "outcome_levels", None) or getattr(reward, "levels", None)
    if not isinstance(levels, Mapping) or any(s is None or s.outcome is None for s in scored):
        return [float(v) for v in values]
    low, high = levels["wrong"], levels["correct"]
    return [(levels[s.label] - low) / (high - low) for s in scored]


def _outcome_logs(scored: list) -> dict[str, list[float]]:
    if any(s is None or s.outcome is None for s in scored):
        return {}
    return {f"truthfulness/{o.value}_rate": [float(s.outcome is o) for s in scored] for o in Outcome}


class OpenRLHFReward:
    """An OpenRLHF ``reward_func``: :func:`score_queries` as float tensors, failing loudly.

    Args:
        reward: the reward to run (default: :func:`reward_from_env`); any reward with
            TRL's signature, ideally an outcome reward (``TruthfulnessReward``,
            ``DominanceSafe``) so ``scores`` and the outcome rates can be filled in.
        extra_tokens: more end-of-turn strings to cut the response at, beyond :data:`SPECIAL_TOKEN`.
    """

    def __init__(self, reward: Callable | None = None, *, extra_tokens: Sequence[str] = ()) -> None:
        self.reward = reward_from_env() if reward is None else reward
        if not callable(self.reward):
            raise TypeError(f"reward={self.reward!r} is not a reward callable.")
        self.extra_tokens = tuple(extra_tokens)
        self.warned_missing_question = False

    def __call__(self, queries: Sequence[str], prompts: Sequence[str], labels: Sequence[Any], **kwargs: Any) -> dict:
        try:
            samples = read_queries(queries, prompts, labels, extra_tokens=self.extra_tokens)
            if not self.warned_missing_question and any(s["question"] is None for s in samples):
                self.warned_missing_question = True
                logger.warning(MISSING_QUESTION)
            out = score_samples(self.reward, samples)
        except Exception as err:
            logger.error("hallucination-shaping reward failed on %d OpenRLHF samples: %s: %s "
                         "(OpenRLHF only logs this at INFO and leaves the reward None).",
                         len(queries), type(err).__name__, err)
            raise
        import torch

        return {"rewards": torch.tensor(out["rewards"], dtype=torch.float32),
                "scores": torch.tensor(out["scores"], dtype=torch.float32),
                "extra_logs": {k: torch.tensor(v, dtype=torch.float32) for k, v in out["extra_logs"].items()}}


#: What OpenRLHF calls: the truthfulness reward with the ``SHAPING_REWARD_*`` values.
reward_func = OpenRLHFReward()
