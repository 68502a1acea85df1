"""Style rewards users expect beside the honesty rewards: a soft length penalty and an
n-gram repetition penalty. Both are penalties: 0 for a response with nothing to correct,
negative otherwise, and bounded below by ``-scale`` so they never drown the main reward.
"""

from __future__ import annotations

import re
from typing import Any, Sequence

from rewards.base import Reward, check_finite, register
from rewards.messages import completion_text

__all__ = ["LengthPenalty", "RepetitionPenalty", "text_units"]

# A unit is a Latin/digit word or one CJK character (Chinese has no spaces between words).
_UNIT_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]|[^\W_]+(?:['’][^\W_]+)*")
_UNITS = ("words", "tokens", "chars")


def text_units(text: str) -> list[str]:
    """Split text into lower-cased words, with each CJK character a unit of its own.

    >>> text_units("Paris is in 法国.")
    ['paris', 'is', 'in', '法', '国']
    """
    return _UNIT_RE.findall(text.lower())


def _check_number(name: str, value: Any, *, low: float, strict: bool = False) -> float:
    value = check_finite(name, value)
    if value < low or (strict and value == low):
        raise ValueError(f"{name}={value!r} must be {'>' if strict else '>='} {low}.")
    return float(value)


@register
class LengthPenalty(Reward):
    """A soft length penalty: 0 inside ``[min_length, max_length]``, smoothly lower outside.

    A response ``d`` units outside the range scores ``-scale * d / (d + slack)``: half the
    penalty at ``slack`` units out, approaching ``-scale`` far out. Bounded and without a
    cliff, so a response one word too long is barely touched.

    Args:
        min_length: shortest length that costs nothing (0 for no lower bound).
        max_length: longest length that costs nothing.
        unit: ``"words"`` (a CJK character counts as a word), ``"chars"``, or ``"tokens"``:
            the policy's own token count from the ``completion_ids`` TRL passes.
        scale: the largest penalty (the limit far outside the range).
        slack: how many units outside the range cost half of ``scale``.
        name: the name TRL logs the reward under.

    >>> r = LengthPenalty(min_length=2, max_length=5, slack=1)
    >>> r(["Q?"] * 3, ["It is Paris.", "Paris.", "The capital of France is Paris, I think."])
    [0.0, -0.5, -0.75]
    """

    def __init__(
        self,
        min_length: float = 0,
        max_length: float = 200,
        *,
        unit: str = "words",
        scale: float = 1.0,
        slack: float = 20.0,
        name: str = "length_penalty",
    ) -> None:
        self.min_length = _check_number("min_length", min_length, low=0)
        self.max_length = _check_number("max_length", max_length, low=0)
        if self.max_length < self.min_length:
            raise ValueError(
                f"max_length={max_length} is below min_length={min_length}; pass a range with "
                "min_length <= max_length."
            )
        if unit not in _UNITS:
            raise ValueError(f"unit={unit!r} is not a length unit; use one of {list(_UNITS)}.")
        self.unit = unit
        self.scale = _check_number("scale", scale, low=0, strict=True)
        self.slack = _check_number("slack", slack, low=0, strict=True)
        self.name = name

    def length(self, text: str) -> int:
        """The length of ``text`` in this penalty's unit (``words`` or ``chars``)."""
        if self.unit == "chars":
            return len(text.strip())
        if self.unit == "words":
            return len(text_units(text))
        raise ValueError("unit='tokens' counts the completion_ids that TRL passes; call the reward on a batch.")

    def penalty(self, length: float) -> float:
        """The penalty for a response of ``length`` units.

        >>> LengthPenalty(min_length=10, max_length=20, slack=4).penalty(24)
        -0.5
        """
        distance = max(self.min_length - length, length - self.max_length, 0.0)
        return -self.scale * distance / (distance + self.slack) if distance else 0.0

    def score(self, prompt: Any, completion: Any, **row: Any) -> float:
        return self.penalty(self.length(completion_text(completion)))

    def __call__(self, prompts: Sequence[Any], completions: Sequence[Any], **columns: Any) -> list[float | None]:
        if self.unit != "tokens":
            return super().__call__(prompts, completions, **columns)
        ids = columns.get("completion_ids")
        if ids is None:
            raise KeyError(
                "LengthPenalty(unit='tokens') counts the completion_ids that TRL's trainers pass, "
                f"but the batch has none (keywords: {sorted(columns)}). Pass completion_ids=[...] "
                "or use unit='words'."
            )
        if not len(prompts) == len(completions) == len(ids):
            raise ValueError(
                f"Got {len(prompts)} prompts, {len(completions)} completions and {len(ids)} "
                "completion_ids; pass one of each per completion."
            )
        return [self.penalty(len(row_ids)) for row_ids in ids]


@register
class RepetitionPenalty(Reward):
    """An n-gram repetition penalty: ``-scale`` times the share of the response's n-grams
    that repeat an earlier n-gram (``1 - distinct / total``).

    Degenerate loops ("Paris Paris Paris ...") score near ``-scale``; a response too short
    to hold an n-gram scores 0.

    Args:
        n: the n-gram length, in words (a CJK character counts as a word).
        scale: the penalty for a response made only of repeats.
        name: the name TRL logs the reward under.

    >>> r = RepetitionPenalty(n=2)
    >>> r(["Q?", "Q?"], ["The capital is Paris.", "Paris is it, Paris is it, Paris is it."])
    [0.0, -0.625]
    """

    def __init__(self, n: int = 3, *, scale: float = 1.0, name: str = "repetition_penalty") -> None:
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"n={n!r} must be a positive integer (the n-gram length in words).")
        self.n = n
        self.scale = _check_number("scale", scale, low=0, strict=True)
        self.name = name

    def repeated_fraction(self, text: str) -> float:
        """The share of ``text``'s n-grams that repeat an earlier one (0 when it has none).

        >>> RepetitionPenalty(n=1).repeated_fraction("la la la land")
        0.5
        """
        units = text_units(text)
        grams = [tuple(units[i:i + self.n]) for i in range(len(units) - self.n + 1)]
        if not grams:
            return 0.0
        return 1.0 - len(set(grams)) / len(grams)

    def score(self, prompt: Any, completion: Any, **row: Any) -> float:
        fraction = self.repeated_fraction(completion_text(completion))
        return -self.scale * fraction if fraction else 0.0
