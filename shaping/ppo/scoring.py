"""Reward functions for the PPO trainer, called the way TRL's GRPOTrainer calls them.

A reward is a callable ``(prompts, completions, **columns) -> list[float | None]`` that
gets every extra dataset column (repeated for each completion), ``trainer_state``,
``log_metric`` and ``completion_ids``; or a sequence-classification reward model (a path
or a model) scored on the prompt + completion text. ``None`` means "does not apply" and
counts as 0 in the weighted sum (as in TRL's ``nansum``).

Scores are checked once on their way to the advantage. A :class:`rewards.base.Reward`
validates its own values when it returns them; what any other callable returns (a user's
plain function) is checked here, where it enters the trainer (:func:`checked_scores`).
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import math
from typing import Any, Callable, Sequence

import torch
from torch import nn

from rewards.base import Reward

logger = logging.getLogger(__name__)

TRAINER_KEYS = ("prompt", "completion", "completion_ids")


def reward_name(func: Any) -> str:
    """The name a reward is logged under: ``__name__``, a model's name, or the class name.

    >>> reward_name(len)
    'len'
    """
    while isinstance(func, functools.partial):
        func = func.func
    if isinstance(func, nn.Module):
        return str(getattr(func.config, "_name_or_path", type(func).__name__)).rstrip("/").split("/")[-1]
    return getattr(func, "__name__", type(func).__name__)


def is_conversational(prompt: Any) -> bool:
    """True for a chat: a list of ``{"role", "content"}`` messages.

    >>> is_conversational([{"role": "user", "content": "Hi"}]), is_conversational("Hi")
    (True, False)
    """
    return isinstance(prompt, list) and bool(prompt) and isinstance(prompt[0], dict) and "role" in prompt[0]


def _is_async(func: Any) -> bool:
    while isinstance(func, functools.partial):
        func = func.func
    return inspect.iscoroutinefunction(func) or inspect.iscoroutinefunction(getattr(func, "__call__", None))


class RewardSet:
    """The trainer's rewards: loads reward models, names, weights and calls them.

    >>> rs = RewardSet([lambda prompts, completions, **kw: [1.0] * len(prompts)], [2.0])
    >>> rs(["q"], ["a"], rows=[{}]).tolist(), rs.weights.tolist()
    ([[1.0]], [2.0])
    """

    def __init__(self, reward_funcs: Any, reward_weights: Sequence[float] | None = None,
                 processing_classes: Sequence[Any] | None = None) -> None:
        funcs = list(reward_funcs) if isinstance(reward_funcs, (list, tuple)) else [reward_funcs]
        if not funcs:
            raise ValueError("reward_funcs is empty; pass at least one reward function or reward model.")
        classes = list(processing_classes) if processing_classes is not None else [None] * len(funcs)
        if len(classes) != len(funcs):
            raise ValueError(
                f"Got {len(classes)} reward processing classes for {len(funcs)} rewards; pass one per reward.")
        for i, func in enumerate(funcs):
            if isinstance(func, str):
                from transformers import AutoModelForSequenceClassification, AutoTokenizer

                classes[i] = classes[i] or AutoTokenizer.from_pretrained(func)
                funcs[i] = AutoModelForSequenceClassification.from_pretrained(func, num_labels=1).eval()
            elif isinstance(funcs[i], nn.Module) and classes[i] is None:
                from transformers import AutoTokenizer

                classes[i] = AutoTokenizer.from_pretrained(funcs[i].config._name_or_path)
            elif not isinstance(func, nn.Module) and not callable(func):
                raise TypeError(f"Reward {i} is {func!r}; pass a callable, a reward model or a model path.")
        for i, func in enumerate(funcs):
            if isinstance(func, nn.Module):
                func.requires_grad_(False)
                if classes[i].pad_token is None:
                    classes[i].pad_token = classes[i].eos_token
                if getattr(func.config, "pad_token_id", None) is None:  # sequence classifiers find the last
                    func.config.pad_token_id = classes[i].pad_token_id  # token by it: batches > 1 need it
        self.funcs, self.processing_classes = funcs, classes
        self.names = [reward_name(f) for f in funcs]
        weights = [1.0] * len(funcs) if reward_weights is None else [float(w) for w in reward_weights]
        if not all(math.isfinite(w) for w in weights):
            raise ValueError(f"reward_weights={weights} must be finite numbers; NaN would train on a reward of 0.")
        if len(weights) != len(funcs):
            raise ValueError(f"Got {len(weights)} reward_weights for {len(funcs)} rewards; pass one weight per reward.")
        self.weights = torch.tensor(weights, dtype=torch.float32)

    @property
    def models(self) -> list[nn.Module]:
        """The reward models among the rewards (to move to the training device)."""
        return [f for f in self.funcs if isinstance(f, nn.Module)]

    def required_columns(self) -> set[str]:
        """Columns the callable rewards declare in a ``columns`` attribute."""
        return {c for f in self.funcs if not isinstance(f, nn.Module) for c in getattr(f, "columns", ()) or ()}

    def __call__(self, prompts: list, completions: list, rows: list[dict], *,
                 completion_ids: list | None = None, trainer_state: Any = None,
                 log_metric: Callable[[str, float], None] | None = None,
                 chat_template_kwargs: dict | None = None) -> torch.Tensor:
        """Score a batch: a ``(len(prompts), len(rewards))`` float tensor, NaN where a reward gave None."""
        n = len(prompts)
        keys = [k for k in (rows[0] if rows else {}) if k not in TRAINER_KEYS]
        kwargs: dict[str, Any] = {k: [row[k] for row in rows] for k in keys}
        kwargs.update(trainer_state=trainer_state, log_metric=log_metric or (lambda name, value: None))
        out = torch.full((n, len(self.funcs)), math.nan)
        for i, (func, name) in enumerate(zip(self.funcs, self.names)):
            if isinstance(func, nn.Module):
                out[:, i] = self._score_model(func, self.processing_classes[i], prompts, completions,
                                              chat_template_kwargs or {})
                continue
            values = func(prompts=prompts, completions=completions, completion_ids=completion_ids, **kwargs)
            if inspect.isawaitable(values):
                values = asyncio.run(values)
            scores = checked_scores(values, reward=name, prompts=prompts, validated=isinstance(func, Reward))
            out[:, i] = torch.tensor(scores, dtype=torch.float32)
        return out

    @staticmethod
    @torch.no_grad()
    def _score_model(model: nn.Module, tokenizer: Any, prompts: list, completions: list,
                     chat_template_kwargs: dict) -> torch.Tensor:
        if is_conversational(prompts[0]):
            texts = [tokenizer.apply_chat_template(p + c, tokenize=False, **chat_template_kwargs)
                     for p, c in zip(prompts, completions)]
        else:
            texts = [p + c for p, c in zip(prompts, completions)]
        device = next(model.parameters()).device
        batch = tokenizer(texts, return_tensors="pt", padding=True, padding_side="right",
                          add_special_tokens=False).to(device)
        return model(**batch).logits[:, 0].float().cpu()

    def total(self, per_reward: torch.Tensor) -> torch.Tensor:
        """Weighted sum over rewards; a None (NaN) counts as 0, as in TRL's GRPOTrainer."""
        return (per_reward * self.weights.to(per_reward.device)).nansum(dim=1)


def checked_scores(values: Any, *, reward: str, prompts: list, validated: bool = False) -> list[float]:
    """One reward's values for a batch of ``len(prompts)`` completions as floats, NaN for None.

    The batch must get one value per completion. Unless ``validated`` (the values come from a
    :class:`rewards.base.Reward`, which checked each one as it returned it), every value must
    also be a finite number or None: a NaN or inf would corrupt the policy update.

    >>> checked_scores([1, None], reward="r", prompts=["a", "b"])
    [1.0, nan]
    >>> checked_scores([float("inf")], reward="r", prompts=["a"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: Reward 'r' returned inf for row 0 (prompt 'a'); rewards must be finite. ...
    """
    n = len(prompts)
    if not isinstance(values, (list, tuple)) and not hasattr(values, "__len__"):
        raise TypeError(
            f"Reward {reward!r} returned {type(values).__name__}; return a list with one float per completion.")
    values = list(values)
    if len(values) != n:
        raise ValueError(
            f"Reward {reward!r} returned {len(values)} values for {n} completions; return "
            "exactly one value (a float, or None when it does not apply) per completion."
        )
    if validated:
        return [math.nan if value is None else value for value in values]
    checked = []
    for row, value in enumerate(values):
        if value is None:
            checked.append(math.nan)
            continue
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise TypeError(f"Reward {reward!r} returned {value!r} for row {row}; return a float or None.") from None
        if not math.isfinite(value):
            raise ValueError(
                f"Reward {reward!r} returned {value} for row {row} (prompt {prompts[row]!r}); rewards "
                "must be finite. Fix or clip the reward; a NaN/inf would corrupt the policy update."
            )
        checked.append(value)
    return checked
