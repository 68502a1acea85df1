"""Per-step metrics: collected each step, gathered over processes, averaged per logging window."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any, Callable, Sequence

import torch
from accelerate.utils import gather_object


class MetricLog:
    """Step metrics plus the scalars reward functions send through ``log_metric`` (TRL's hook).

    >>> from accelerate import Accelerator
    >>> log = MetricLog(Accelerator(cpu=True)); log.log_metric("outcome/correct", 0.5)
    >>> log.add({"reward": torch.tensor(1.0)}); log.flush()
    {'reward': 1.0, 'outcome/correct': 0.5}
    """

    def __init__(self, accelerator: Any) -> None:
        self.accelerator = accelerator
        self._custom: dict[str, list[float]] = defaultdict(list)
        self._window: dict[str, list[float]] = defaultdict(list)

    def log_metric(self, name: str, value: float) -> None:
        """Record a scalar from a reward function (averaged over the step and the processes)."""
        self._custom[name].append(float(value))

    @property
    def pending(self) -> bool:
        """Whether metrics have been collected since the last :meth:`flush`."""
        return bool(self._window)

    def add(self, step_metrics: dict[str, Any]) -> None:
        """Add one step's metrics (tensors or numbers, identical on every process) and the custom ones."""
        for key, value in step_metrics.items():
            self._window[key].append(float(value.item() if isinstance(value, torch.Tensor) else value))
        # custom metrics: every process must gather the same names in the same order
        names = sorted(set().union(*gather_object([list(self._custom)])))
        device = self.accelerator.device
        for name in names:
            values = self._custom.get(name)
            local = torch.tensor([sum(values) / len(values) if values else math.nan], device=device)
            everywhere = self.accelerator.gather(local)
            self._window[name].append(float(torch.nanmean(everywhere)))
        self._custom.clear()

    def flush(self) -> dict[str, float | None]:
        """Average each metric over the window (NaNs skipped; None when nothing valid) and reset."""
        out: dict[str, float | None] = {}
        for key, values in self._window.items():
            valid = [v for v in values if not math.isnan(v)]
            out[key] = sum(valid) / len(valid) if valid else None
        self._window.clear()
        return out


def nanstd(x: torch.Tensor) -> torch.Tensor:
    """Standard deviation ignoring NaNs (NaN with fewer than two values)."""
    x = x[~torch.isnan(x)]
    return x.std() if len(x) > 1 else torch.tensor(float("nan"))


def rollout_metrics(ro: Any, kl: torch.Tensor, non_score_reward: torch.Tensor,
                    gather: Callable[[torch.Tensor], torch.Tensor]) -> dict[str, torch.Tensor]:
    """The rollout's statistics under TRL's names, gathered over processes with ``gather``.

    ``objective/kl`` and ``objective/entropy`` are per-sequence sums of the per-token KL and
    of ``-log p``; ``objective/non_score_reward`` is the summed KL penalty and
    ``objective/rlhf_reward`` the score plus it; ``val/num_eos_tokens`` counts completions
    that ended (``val/`` is TRL's prefix here); ``completions/*`` describe their lengths.
    """
    lengths = ro.mask.sum(1).float()
    return {
        "objective/kl": gather((kl * ro.mask).sum(1)).mean(),
        "objective/entropy": gather((-ro.logprobs * ro.mask).sum(1)).mean(),
        "objective/non_score_reward": gather(non_score_reward.sum(1)).mean(),
        "objective/rlhf_reward": gather(ro.scores + non_score_reward.sum(1)).mean(),
        "objective/scores": gather(ro.scores).mean(),
        "val/num_eos_tokens": gather(ro.has_eos.float()).sum(),
        "completions/mean_length": gather(lengths).mean(),
        "completions/clipped_ratio": gather((~ro.has_eos).float()).mean(),
    }


def reward_metrics(per_reward: torch.Tensor, names: Sequence[str],
                   total: Callable[[torch.Tensor], torch.Tensor]) -> dict[str, torch.Tensor]:
    """``rewards/<name>/mean`` and ``/std`` of each reward (rows it gave None skipped), and the
    ``reward`` / ``reward_std`` of their weighted ``total``, from a ``(completions, rewards)`` tensor.

    >>> reward_metrics(torch.tensor([[1.0], [3.0]]), ["r"], lambda x: x.sum(1))["rewards/r/mean"]
    tensor(2.)
    """
    out = {}
    for i, name in enumerate(names):
        column = per_reward[:, i]
        out[f"rewards/{name}/mean"] = torch.nanmean(column)
        out[f"rewards/{name}/std"] = nanstd(column)
    summed = total(per_reward)
    out["reward"] = summed.mean()
    out["reward_std"] = summed.std() if len(summed) > 1 else summed.sum() * 0
    return out
